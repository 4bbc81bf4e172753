//! The monthly cycle's own rules: a distributor's windows and the deadlines they give a
//! generated report, which report the deadline job acts on and how, and when a report may go to
//! the vendor unattended (auto-approve). The job runner asks these; it decides nothing itself.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Currency;
use super::deadline::{DeadlineOf, end_of_day_after, utc_seconds};
use super::flags::ReportFlags;
use super::format;
use super::period::Period;
use super::status::{ReviewReason, Status};

/// A distributor's windows, in days: how long its partners have after the end of a period to
/// submit, and how long it has after that to review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows {
    pub submission_days: i64,
    pub review_days: i64,
}

impl Windows {
    /// Five days to submit, seven to review: the 5th and the 12th of the following month.
    pub const DEFAULT: Windows = Windows {
        submission_days: 5,
        review_days: 7,
    };
    /// The longest a window may be.
    pub const MAX_DAYS: i64 = 60;

    /// The two deadlines of a report of `period` generated under these windows (23:59 UTC).
    pub fn deadlines(&self, period: Period) -> Deadlines {
        let submission = end_of_day_after(period.last_day(), self.submission_days);
        let review = end_of_day_after(period.last_day(), self.submission_days + self.review_days);
        Deadlines { submission, review }
    }
}

/// A generated report's deadlines, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadlines {
    pub submission: String,
    pub review: String,
}

/// What generating a period's reports did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    pub period: Option<Period>,
    /// Reports created now.
    pub created: u64,
    /// Partners with usage whose report could not be made, with the reason (a product without a
    /// list price for the month).
    pub problems: Vec<String>,
}

impl Generated {
    /// The outcome in one sentence.
    pub fn sentence(&self) -> String {
        let period = self
            .period
            .map(super::format::period_long)
            .unwrap_or_default();
        let created = match self.created {
            0 => format!("No new reports for {period}: every partner with usage has one"),
            1 => format!("Generated 1 report for {period}"),
            n => format!("Generated {} reports for {period}", super::format::units(n)),
        };
        match self.problems.len() {
            0 => format!("{created}."),
            n => format!("{created}; {n} could not be generated (see below)."),
        }
    }
}

/// What the deadline job does to a report whose running deadline has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueAction {
    /// The partner's deadline passed: submit it for the partner, with penalties where due.
    AutoSubmit,
    /// The distributor's review window ended and it auto-approves clean reports.
    AutoApprove,
}

impl DueAction {
    /// The action due on a report in `status` whose running deadline is `deadline`, at `now`
    /// (both UTC RFC 3339), for a distributor that auto-approves or not.
    pub fn due(status: Status, deadline: &str, now: &str, auto_approve: bool) -> Option<DueAction> {
        let passed = utc_seconds(deadline)? < utc_seconds(now)?;
        if !passed {
            return None;
        }
        match DeadlineOf::running(status)? {
            DeadlineOf::Partner => Some(DueAction::AutoSubmit),
            DeadlineOf::Distributor if auto_approve => Some(DueAction::AutoApprove),
            DeadlineOf::Distributor => None,
        }
    }

    /// The statuses this action is due in (for the query that finds due reports).
    pub fn statuses(self) -> Vec<Status> {
        Status::all()
            .into_iter()
            .filter(|&status| match self {
                DueAction::AutoSubmit => DeadlineOf::running(status) == Some(DeadlineOf::Partner),
                DueAction::AutoApprove => approvable_status(status),
            })
            .collect()
    }
}

/// Statuses a report may be approved from unattended: it arrived from the partner; one with
/// penalties, or one the vendor sent back, always waits for a person.
fn approvable_status(status: Status) -> bool {
    matches!(
        status,
        Status::UnderReview(ReviewReason::Manual | ReviewReason::AutoNoPenalties)
    )
}

/// A distributor's auto-approve rule: off, or on with a PO number pattern for reports that have
/// none (`PO-{period}-{partner}`; without a pattern, a report needs a PO number set by a person)
/// and, optionally, the highest total a report may have to go unattended.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoApproveRule {
    pub enabled: bool,
    pub po_pattern: Option<String>,
    pub max_total: Option<TotalLimit>,
}

/// The highest total a report may have to be approved by the rule, in one currency: a report in
/// another currency is never compared with it (it waits for a person).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalLimit {
    pub amount: Decimal,
    pub currency: Currency,
}

/// What the rule judges a report by, besides its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub status: Status,
    pub flags: ReportFlags,
    pub has_po: bool,
    pub total: Decimal,
    pub currency: Currency,
}

impl AutoApproveRule {
    /// The PO number the pattern gives a report, if there is a pattern.
    pub fn po_number(&self, period: Period, partner_id: i64) -> Option<String> {
        let pattern = self.po_pattern.as_deref()?.trim();
        if pattern.is_empty() {
            return None;
        }
        Some(
            pattern
                .replace("{period}", &period.to_string())
                .replace("{partner}", &partner_id.to_string()),
        )
    }

    /// The PO number to set on a report approved under this rule: none when one is saved,
    /// else the pattern's.
    pub fn po_number_to_set(
        &self,
        saved: Option<&str>,
        period: Period,
        partner_id: i64,
    ) -> Option<String> {
        match saved {
            Some(po) if !po.trim().is_empty() => None,
            _ => self.po_number(period, partner_id),
        }
    }

    /// Why a report may not be approved unattended, or `None` when it may: the status it is in,
    /// its flags, its total, and a PO number (set, or from the pattern).
    pub fn blocker(&self, report: &Candidate) -> Option<String> {
        let Candidate {
            status,
            flags,
            has_po,
            total,
            currency,
        } = report;
        if !self.enabled {
            return Some("the distributor does not approve reports automatically".into());
        }
        if !approvable_status(*status) {
            return Some(
                "reports with penalties or returned by the vendor wait for a person".into(),
            );
        }
        if let Some(why) = flags.unclean() {
            return Some(why.into());
        }
        if let Some(limit) = self.max_total {
            if limit.currency != *currency {
                return Some(format!(
                    "the rule's highest total is in {} and this report is in {}",
                    limit.currency.code(),
                    currency.code()
                ));
            }
            if *total > limit.amount {
                return Some(format!(
                    "its total {} is above the rule's highest total {}",
                    format::money_with_code(*total, *currency),
                    format::money_with_code(limit.amount, limit.currency)
                ));
            }
        }
        let has_pattern = self
            .po_pattern
            .as_deref()
            .is_some_and(|p| !p.trim().is_empty());
        if !has_po && !has_pattern {
            return Some("no PO number is set and the rule has no PO number pattern".into());
        }
        None
    }

    /// The rule as the history names it.
    pub fn describe(&self) -> String {
        let po = match self.po_pattern.as_deref().map(str::trim) {
            Some(pattern) if !pattern.is_empty() => {
                format!("PO number from \"{pattern}\" when none was set")
            }
            _ => "a PO number set".to_owned(),
        };
        let total = self.max_total.map_or_else(String::new, |limit| {
            format!(
                ", a total of at most {}",
                format::money_with_code(limit.amount, limit.currency)
            )
        });
        format!(
            "Approved by the distributor's auto-approve rule when the review window ended: \
             no partner comments, no penalties, no anomaly, no line charged below used{total}, {po}."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period() -> Period {
        Period::new(2026, 10).expect("period")
    }

    #[test]
    fn deadlines_follow_the_windows() {
        let deadlines = Windows::DEFAULT.deadlines(period());
        assert_eq!(deadlines.submission, "2026-11-05T23:59:00Z");
        assert_eq!(deadlines.review, "2026-11-12T23:59:00Z");
        let february = Windows {
            submission_days: 3,
            review_days: 10,
        }
        .deadlines(Period::new(2028, 2).expect("period"));
        assert_eq!(february.submission, "2028-03-03T23:59:00Z");
        assert_eq!(february.review, "2028-03-13T23:59:00Z");
    }

    #[test]
    fn due_only_after_the_deadline() {
        let deadline = "2026-11-05T23:59:00Z";
        let before = "2026-11-05T23:58:59Z";
        let after = "2026-11-06T00:00:00Z";
        assert_eq!(
            DueAction::due(Status::MspPreparing, deadline, before, false),
            None
        );
        assert_eq!(
            DueAction::due(Status::Rejected, deadline, after, false),
            Some(DueAction::AutoSubmit)
        );
        let review = Status::UnderReview(ReviewReason::Manual);
        assert_eq!(DueAction::due(review, deadline, after, false), None);
        assert_eq!(
            DueAction::due(review, deadline, after, true),
            Some(DueAction::AutoApprove)
        );
        assert_eq!(
            DueAction::due(Status::Completed, deadline, after, true),
            None
        );
        assert_eq!(
            DueAction::AutoSubmit.statuses(),
            vec![Status::MspPreparing, Status::Rejected]
        );
    }

    #[test]
    fn auto_approve_takes_clean_reports_only() {
        let rule = AutoApproveRule {
            enabled: true,
            po_pattern: Some("PO-{period}-{partner}".to_owned()),
            max_total: None,
        };
        assert_eq!(rule.po_number(period(), 8).as_deref(), Some("PO-2026-10-8"));
        let clean = Candidate {
            status: Status::UnderReview(ReviewReason::Manual),
            flags: ReportFlags::default(),
            has_po: false,
            total: Decimal::new(1_000_000, 2),
            currency: Currency::Eur,
        };
        assert_eq!(rule.blocker(&clean), None);
        let commented = Candidate {
            flags: ReportFlags {
                has_comments: true,
                ..ReportFlags::default()
            },
            ..clean.clone()
        };
        assert_eq!(
            rule.blocker(&commented).as_deref(),
            Some("the partner commented on a line")
        );
        let returned = Candidate {
            status: Status::UnderReview(ReviewReason::ReturnedByVendor),
            ..clean.clone()
        };
        assert!(rule.blocker(&returned).is_some());
        let no_pattern = AutoApproveRule {
            po_pattern: None,
            ..rule.clone()
        };
        assert!(no_pattern.blocker(&clean).is_some());
        let with_po = Candidate {
            has_po: true,
            ..clean.clone()
        };
        assert_eq!(no_pattern.blocker(&with_po), None);
        assert!(AutoApproveRule::default().blocker(&with_po).is_some());
    }

    #[test]
    fn the_highest_total_is_compared_in_its_own_currency() {
        let limit = |amount: i64, currency| AutoApproveRule {
            enabled: true,
            po_pattern: None,
            max_total: Some(TotalLimit {
                amount: Decimal::new(amount, 0),
                currency,
            }),
        };
        let report = Candidate {
            status: Status::UnderReview(ReviewReason::AutoNoPenalties),
            flags: ReportFlags::default(),
            has_po: true,
            total: Decimal::new(1_000_001, 2),
            currency: Currency::Eur,
        };
        assert_eq!(
            limit(10_000, Currency::Eur).blocker(&report).as_deref(),
            Some("its total EUR 10,000.01 is above the rule's highest total EUR 10,000.00")
        );
        assert_eq!(limit(10_001, Currency::Eur).blocker(&report), None);
        assert_eq!(
            limit(1_000_000, Currency::Usd).blocker(&report).as_deref(),
            Some("the rule's highest total is in USD and this report is in EUR")
        );
        assert!(
            limit(10_000, Currency::Eur)
                .describe()
                .contains("a total of at most EUR 10,000.00")
        );
    }
}
