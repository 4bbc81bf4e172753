//! A distributor's settings for the monthly cycle: its windows, its two thresholds and its
//! auto-approve rule. The form's text is read here (the same parser in the browser and on the
//! server, every problem named at its field), and a save is turned into one audit entry per
//! setting that changed, in words a person reads.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cycle::{AutoApproveRule, TotalLimit, Windows};
use super::money::{Field, ParseError, scaled_e4};
use super::numbers::parse_decimal_text;
use super::report::parse_po_number;
use super::status::Status;
use super::{Currency, Period, ThresholdPercent, format};

/// What a distributor has set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleSettings {
    pub windows: Windows,
    /// Over-provisioning threshold T (SPEC §5).
    pub threshold: ThresholdPercent,
    /// How far a line's chargeable units may move against the previous month before it is
    /// flagged as unusual.
    pub anomaly_threshold: ThresholdPercent,
    pub auto_approve: AutoApproveRule,
}

/// One setting, as the form and the audit name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Setting {
    SubmissionWindow,
    ReviewWindow,
    Threshold,
    AnomalyThreshold,
    AutoApprove,
    PoPattern,
    MaxTotal,
}

impl Setting {
    pub const ALL: [Setting; 7] = [
        Setting::SubmissionWindow,
        Setting::ReviewWindow,
        Setting::Threshold,
        Setting::AnomalyThreshold,
        Setting::AutoApprove,
        Setting::PoPattern,
        Setting::MaxTotal,
    ];

    /// Stable code: the form field's name and the audit's storage code.
    pub const fn code(self) -> &'static str {
        match self {
            Setting::SubmissionWindow => "submission_days",
            Setting::ReviewWindow => "review_days",
            Setting::Threshold => "threshold",
            Setting::AnomalyThreshold => "anomaly_threshold",
            Setting::AutoApprove => "auto_approve",
            Setting::PoPattern => "po_pattern",
            Setting::MaxTotal => "max_total",
        }
    }

    pub fn from_code(code: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What people call it.
    pub const fn label(self) -> &'static str {
        match self {
            Setting::SubmissionWindow => "Submission window",
            Setting::ReviewWindow => "Review window",
            Setting::Threshold => "Over-provisioning threshold",
            Setting::AnomalyThreshold => "Anomaly threshold",
            Setting::AutoApprove => "Auto-approve",
            Setting::PoPattern => "PO number pattern",
            Setting::MaxTotal => "Highest total approved automatically",
        }
    }
}

/// A setting the form could not accept, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingProblem {
    pub setting: Setting,
    pub message: String,
}

/// The settings as the form holds them: what was typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub submission_days: String,
    pub review_days: String,
    pub threshold: String,
    pub anomaly_threshold: String,
    pub auto_approve: bool,
    pub po_pattern: String,
    pub max_total: String,
}

/// The highest "highest total" accepted (a trillion in the currency's units: far above any
/// report, and storable exactly).
const MAX_LIMIT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// The partner id a PO number pattern is tried with: a pattern must give a valid PO number for
/// partners with ids up to ten digits.
const WIDEST_PARTNER_ID: i64 = 9_999_999_999;

impl SettingsForm {
    /// The form filled with what is set.
    pub fn from_settings(settings: &CycleSettings) -> SettingsForm {
        let rule = &settings.auto_approve;
        SettingsForm {
            submission_days: settings.windows.submission_days.to_string(),
            review_days: settings.windows.review_days.to_string(),
            threshold: settings.threshold.to_string(),
            anomaly_threshold: settings.anomaly_threshold.to_string(),
            auto_approve: rule.enabled,
            po_pattern: rule.po_pattern.clone().unwrap_or_default(),
            max_total: rule
                .max_total
                .map(|limit| limit.amount.to_string())
                .unwrap_or_default(),
        }
    }

    /// Reads the form for a distributor billing in `currency`: the settings, or every problem.
    pub fn parse(&self, currency: Currency) -> Result<CycleSettings, Vec<SettingProblem>> {
        let mut problems = Vec::new();
        let mut check = |setting: Setting, result: Result<(), String>| {
            if let Err(message) = result {
                problems.push(SettingProblem { setting, message });
            }
        };
        let submission_days = parse_days(&self.submission_days, Setting::SubmissionWindow);
        let review_days = parse_days(&self.review_days, Setting::ReviewWindow);
        let threshold = ThresholdPercent::parse(&self.threshold).map_err(|e| e.to_string());
        let anomaly = parse_anomaly(&self.anomaly_threshold);
        let po_pattern = parse_pattern(&self.po_pattern);
        let max_total = parse_limit(&self.max_total, currency);
        check(Setting::SubmissionWindow, submission_days.clone().map(drop));
        check(Setting::ReviewWindow, review_days.clone().map(drop));
        check(Setting::Threshold, threshold.clone().map(drop));
        check(Setting::AnomalyThreshold, anomaly.clone().map(drop));
        check(Setting::PoPattern, po_pattern.clone().map(drop));
        check(Setting::MaxTotal, max_total.clone().map(drop));
        match (
            submission_days,
            review_days,
            threshold,
            anomaly,
            po_pattern,
            max_total,
        ) {
            (Ok(submission_days), Ok(review_days), Ok(threshold), Ok(anomaly), Ok(po), Ok(max)) => {
                Ok(CycleSettings {
                    windows: Windows {
                        submission_days,
                        review_days,
                    },
                    threshold,
                    anomaly_threshold: anomaly,
                    auto_approve: AutoApproveRule {
                        enabled: self.auto_approve,
                        po_pattern: po,
                        max_total: max,
                    },
                })
            }
            _ => Err(problems),
        }
    }
}

fn parse_days(text: &str, setting: Setting) -> Result<i64, String> {
    let refuse = || {
        format!(
            "{} must be a whole number of days from 1 to {}",
            setting.label(),
            Windows::MAX_DAYS
        )
    };
    let days: i64 = text.trim().parse().map_err(|_| refuse())?;
    if (1..=Windows::MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(refuse())
    }
}

fn parse_anomaly(text: &str) -> Result<ThresholdPercent, String> {
    let value = parse_decimal_text(
        text,
        Field::AnomalyThreshold,
        ThresholdPercent::DECIMAL_PLACES,
    )
    .map_err(|e| e.to_string())?;
    ThresholdPercent::new(value)
        .map_err(|_| "Anomaly threshold must be between 0 and 100".to_owned())
}

/// An empty pattern is none. Only `{period}` and `{partner}` may be used, and the PO number it
/// gives must be a valid one.
fn parse_pattern(text: &str) -> Result<Option<String>, String> {
    let pattern = text.trim();
    if pattern.is_empty() {
        return Ok(None);
    }
    let rest = pattern.replace("{period}", "").replace("{partner}", "");
    if rest.contains(['{', '}']) {
        return Err(
            "A PO number pattern can use {period} and {partner} only, e.g. PO-{period}-{partner}"
                .to_owned(),
        );
    }
    let rule = AutoApproveRule {
        enabled: true,
        po_pattern: Some(pattern.to_owned()),
        max_total: None,
    };
    let sample = rule
        .po_number(
            Period::new(2026, 12).expect("a valid month"),
            WIDEST_PARTNER_ID,
        )
        .unwrap_or_default();
    parse_po_number(&sample)
        .map(|_| Some(pattern.to_owned()))
        .map_err(|e| format!("This pattern gives PO numbers such as \"{sample}\": {e}"))
}

/// An empty limit is none; else an amount in the currency's minor units.
fn parse_limit(text: &str, currency: Currency) -> Result<Option<TotalLimit>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let amount = parse_decimal_text(text, Field::AutoApproveLimit, currency.minor_units())
        .map_err(|e| match e {
            ParseError::TooManyDecimals { max: 0, .. } => {
                format!(
                    "Highest total must be a whole number of {}",
                    currency.code()
                )
            }
            other => other.to_string(),
        })?;
    if amount > MAX_LIMIT || scaled_e4(amount).is_err() {
        return Err(format!(
            "Highest total can be at most {}",
            format::money_with_code(MAX_LIMIT, currency)
        ));
    }
    Ok(Some(TotalLimit { amount, currency }))
}

/// One setting that a save changed, as the audit keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    pub setting: Setting,
    pub before: String,
    pub after: String,
}

impl CycleSettings {
    /// A setting's value in words: "5 days", "10%", "On", "PO-{period}-{partner}", "no limit".
    pub fn describe(&self, setting: Setting) -> String {
        let rule = &self.auto_approve;
        match setting {
            Setting::SubmissionWindow => days(self.windows.submission_days),
            Setting::ReviewWindow => days(self.windows.review_days),
            Setting::Threshold => format!("{}%", self.threshold),
            Setting::AnomalyThreshold => format!("{}%", self.anomaly_threshold),
            Setting::AutoApprove => if rule.enabled { "On" } else { "Off" }.to_owned(),
            Setting::PoPattern => rule
                .po_pattern
                .clone()
                .unwrap_or_else(|| "none (a person sets the PO number)".to_owned()),
            Setting::MaxTotal => rule.max_total.map_or_else(
                || "no limit".to_owned(),
                |limit| format::money_with_code(limit.amount, limit.currency),
            ),
        }
    }

    /// What a save from `self` to `after` changes, one entry per setting, in the form's order.
    pub fn changes_to(&self, after: &CycleSettings) -> Vec<SettingChange> {
        Setting::ALL
            .into_iter()
            .filter_map(|setting| {
                let before = self.describe(setting);
                let now = after.describe(setting);
                (before != now).then_some(SettingChange {
                    setting,
                    before,
                    after: now,
                })
            })
            .collect()
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// Whether a report's stored flags are judged again when the anomaly threshold changes: those
/// still being worked on, not those that have gone to the vendor as they were.
pub const fn flags_follow_settings(status: Status) -> bool {
    !matches!(status, Status::SubmittedToVendor | Status::Completed)
}

/// A change as the settings page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsAuditEntry {
    /// UTC, RFC 3339.
    pub at: String,
    pub actor: String,
    pub setting: Setting,
    pub before: String,
    pub after: String,
}

/// The settings page: what is set, whether this viewer may change it, and what was changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub org_name: String,
    pub currency: Currency,
    pub form: SettingsForm,
    pub version: i64,
    pub may_edit: bool,
    /// The latest changes first.
    pub changes: Vec<SettingsAuditEntry>,
}

/// What a save did: the page as it is now, and how many settings changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsSaved {
    pub page: SettingsPage,
    pub changed: usize,
}

impl SettingsSaved {
    /// The outcome in one sentence.
    pub fn sentence(&self) -> String {
        match self.changed {
            0 => "Nothing to save: the settings were already like this.".to_owned(),
            1 => "Saved: 1 setting changed.".to_owned(),
            n => format!("Saved: {n} settings changed."),
        }
    }
}

/// Every problem of a form in one sentence (the page shows each at its field as well).
pub fn problems_sentence(problems: &[SettingProblem]) -> String {
    let parts: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    format!("{}.", parts.join(". "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm {
            submission_days: "5".into(),
            review_days: "7".into(),
            threshold: "0".into(),
            anomaly_threshold: "50".into(),
            auto_approve: false,
            po_pattern: String::new(),
            max_total: String::new(),
        }
    }

    #[test]
    fn the_defaults_read_back() {
        let settings = form().parse(Currency::Eur).expect("valid");
        assert_eq!(settings.windows, Windows::DEFAULT);
        assert_eq!(SettingsForm::from_settings(&settings), form());
        assert!(settings.changes_to(&settings).is_empty());
    }

    #[test]
    fn every_problem_is_named_at_its_field() {
        let bad = SettingsForm {
            submission_days: "0".into(),
            review_days: "seven".into(),
            threshold: "101".into(),
            anomaly_threshold: "-3".into(),
            auto_approve: true,
            po_pattern: "PO-{month}".into(),
            max_total: "10.5".into(),
        };
        let problems = bad.parse(Currency::Jpy).expect_err("invalid");
        let named: Vec<(Setting, &str)> = problems
            .iter()
            .map(|p| (p.setting, p.message.as_str()))
            .collect();
        assert_eq!(
            named,
            vec![
                (
                    Setting::SubmissionWindow,
                    "Submission window must be a whole number of days from 1 to 60"
                ),
                (
                    Setting::ReviewWindow,
                    "Review window must be a whole number of days from 1 to 60"
                ),
                (
                    Setting::Threshold,
                    "Over-provisioning threshold must be between 0 and 100"
                ),
                (
                    Setting::AnomalyThreshold,
                    "Anomaly threshold cannot be negative"
                ),
                (
                    Setting::PoPattern,
                    "A PO number pattern can use {period} and {partner} only, e.g. PO-{period}-{partner}"
                ),
                (
                    Setting::MaxTotal,
                    "Highest total must be a whole number of JPY"
                ),
            ]
        );
    }

    #[test]
    fn a_pattern_must_give_valid_po_numbers() {
        let long = SettingsForm {
            po_pattern: "PURCHASE-ORDER-{period}-PARTNER-{partner}".into(),
            ..form()
        };
        let problems = long.parse(Currency::Usd).expect_err("too long");
        assert_eq!(problems[0].setting, Setting::PoPattern);
        assert!(problems[0].message.contains("at most 40 characters"));
        let odd = SettingsForm {
            po_pattern: "PO;{period}".into(),
            ..form()
        };
        assert!(odd.parse(Currency::Usd).is_err());
    }

    #[test]
    fn changes_name_before_and_after() {
        let before = form().parse(Currency::Eur).expect("valid");
        let after = SettingsForm {
            review_days: "1".into(),
            auto_approve: true,
            po_pattern: " PO-{period}-{partner} ".into(),
            max_total: "25000".into(),
            ..form()
        }
        .parse(Currency::Eur)
        .expect("valid");
        let changes = before.changes_to(&after);
        let text: Vec<String> = changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.setting.label(), c.before, c.after))
            .collect();
        assert_eq!(
            text,
            vec![
                "Review window: 7 days → 1 day",
                "Auto-approve: Off → On",
                "PO number pattern: none (a person sets the PO number) → PO-{period}-{partner}",
                "Highest total approved automatically: no limit → EUR 25,000.00",
            ]
        );
        assert!(flags_follow_settings(Status::Rejected));
        assert!(!flags_follow_settings(Status::Completed));
    }
}
