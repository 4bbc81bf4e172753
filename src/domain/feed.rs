//! The vendor's usage feed as a file (`partner,sku,period,provisioned,used`): the header it must
//! have, one row read into typed values or refused with a reason, what the whole file comes to
//! (the preview), and what a corrected row does to a line the partner is still preparing.
//!
//! Reading the bytes (CSV quoting, UTF-8, the size limit) is the server's; every rule about what
//! a row means is here, once.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::line::{LineInput, default_chargeable};
use super::numbers::Units;
use super::period::Period;
use super::status::{Action, ActorKind, Status, apply};

/// The columns of the feed, in order.
pub const COLUMNS: [&str; 5] = ["partner", "sku", "period", "provisioned", "used"];

/// The largest file accepted: 200 MB.
pub const MAX_FILE_BYTES: u64 = 200 * 1_000_000;

/// How many problems a preview lists one by one (it counts them all).
pub const MAX_PROBLEMS_LISTED: usize = 1_000;

/// One row of the feed, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedRow {
    /// The partner's id on this platform (the N of "Partner #N").
    pub partner_id: i64,
    pub sku: String,
    pub period: Period,
    pub provisioned: Units,
    /// `None`: the product does not report usage ("not reported").
    pub used: Option<Units>,
}

/// Why a row (or the file) can't be imported, with the row's number counting the header as row 1
/// (row 0: the file as a whole).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: u64,
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.row == 0 {
            write!(f, "file: {}", self.reason)
        } else {
            write!(f, "row {}: {}", self.row, self.reason)
        }
    }
}

/// Checks the header row: exactly the five columns, in order (a byte-order mark, spaces and
/// letter case are forgiven).
pub fn check_header(fields: &[&str]) -> Result<(), String> {
    let found: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let field = if i == 0 {
                field.trim_start_matches('\u{feff}')
            } else {
                field
            };
            field.trim().to_ascii_lowercase()
        })
        .collect();
    if found.iter().map(String::as_str).eq(COLUMNS) {
        return Ok(());
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|column| !found.iter().any(|f| f == column))
        .collect();
    let unknown: Vec<&str> = found
        .iter()
        .map(String::as_str)
        .filter(|f| !COLUMNS.contains(f))
        .collect();
    let mut reason = format!("the first row must be the header \"{}\"", COLUMNS.join(","));
    if !missing.is_empty() {
        reason.push_str(&format!("; missing: {}", missing.join(", ")));
    }
    if !unknown.is_empty() {
        reason.push_str(&format!(
            "; not a column of the feed: {}",
            unknown.join(", ")
        ));
    }
    if missing.is_empty() && unknown.is_empty() {
        reason.push_str("; the columns are in another order");
    }
    Err(reason)
}

/// Reads one data row (its fields as text).
pub fn parse_row(fields: &[&str]) -> Result<FeedRow, String> {
    if fields.len() != COLUMNS.len() {
        return Err(format!(
            "expected {} values ({}), found {}",
            COLUMNS.len(),
            COLUMNS.join(", "),
            fields.len()
        ));
    }
    let partner = fields[0].trim();
    let partner_id = whole_number(partner)
        .and_then(|id| i64::try_from(id).ok())
        .filter(|&id| id > 0)
        .ok_or_else(|| format!("partner \"{partner}\" is not a partner id (a whole number)"))?;
    let sku = fields[1].trim();
    if sku.is_empty() {
        return Err("the SKU is empty".to_owned());
    }
    let period_text = fields[2].trim();
    let period = Period::parse(period_text)
        .map_err(|_| format!("period \"{period_text}\" is not a month written as YYYY-MM"))?;
    let provisioned = units(fields[3], "provisioned")?;
    let used = if fields[4].trim().is_empty() {
        None
    } else {
        Some(units(fields[4], "used")?)
    };
    Ok(FeedRow {
        partner_id,
        sku: sku.to_owned(),
        period,
        provisioned,
        used,
    })
}

/// Digits only, as a number; `None` for anything else (signs, decimals, grouping).
fn whole_number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn units(text: &str, column: &str) -> Result<Units, String> {
    let text = text.trim();
    let problem = if text.is_empty() {
        format!("{column} units are missing")
    } else if text.starts_with('-') {
        format!("{column} units \"{text}\" are negative")
    } else if let Some(value) = whole_number(text) {
        return Units::new(value).map_err(|_| {
            format!(
                "{column} units \"{text}\" are more than {}",
                super::format::units(Units::MAX)
            )
        });
    } else if text.parse::<rust_decimal::Decimal>().is_ok() {
        format!("{column} units \"{text}\" are not a whole number")
    } else {
        format!("{column} units \"{text}\" are not a number")
    };
    Err(problem)
}

/// Why the feed may not change a partner's report of a period in `status`, if it may not: once
/// the partner submitted it (or was asked to resubmit it), its figures stay as they were.
pub fn refusal_for(status: Status, period: Period) -> Option<String> {
    apply(status, Action::UpdateUsage, ActorKind::System)
        .err()
        .map(|_| {
            format!(
                "the partner's report for {period} is already {status}; its usage can no longer change"
            )
        })
}

/// A line with the feed's corrected figures. Chargeable units the partner had not changed follow
/// the new usage; units the partner lowered stay, within the new maximum. The comment stays.
pub fn corrected_line(old: &LineInput, provisioned: Units, used: Option<Units>) -> LineInput {
    let untouched = old.chargeable == default_chargeable(old.provisioned, old.used);
    let chargeable = if untouched {
        default_chargeable(provisioned, used)
    } else {
        let most = provisioned.max(used.unwrap_or(Units::ZERO));
        old.chargeable.min(most)
    };
    LineInput {
        provisioned,
        used,
        chargeable,
        ..old.clone()
    }
}

/// A correction as the history says it: "TM-V1-EPS: provisioned 120 → 130, used 100 → 110,
/// chargeable 100 → 110" (only what changed).
pub fn describe_correction(sku: &str, before: &LineInput, after: &LineInput) -> String {
    let count = |units: Option<Units>| match units {
        Some(units) => super::format::units(units.get()),
        None => "not reported".to_owned(),
    };
    let mut parts = Vec::new();
    let mut change = |what: &str, before: Option<Units>, after: Option<Units>| {
        if before != after {
            parts.push(format!("{what} {} → {}", count(before), count(after)));
        }
    };
    change(
        "provisioned",
        Some(before.provisioned),
        Some(after.provisioned),
    );
    change("used", before.used, after.used);
    change(
        "chargeable",
        Some(before.chargeable),
        Some(after.chargeable),
    );
    format!("{sku}: {}", parts.join(", "))
}

/// What importing a file would do (a dry run), or did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Data rows read (the header not counted).
    pub rows: u64,
    /// Distinct partners and products the rows name.
    pub partners: u64,
    pub products: u64,
    /// Rows that are new, that change what the feed held, and that change nothing.
    pub new_rows: u64,
    pub changed_rows: u64,
    pub unchanged_rows: u64,
    /// Reports whose lines the corrected rows update.
    pub reports_updated: u64,
    /// The months the rows are for, oldest first.
    pub periods: Vec<Period>,
    /// Every problem found (the first [`MAX_PROBLEMS_LISTED`] listed in `problems`).
    pub problem_count: u64,
    pub problems: Vec<RowProblem>,
    /// Whether the rows were written (never when there is a problem, or on a dry run).
    pub imported: bool,
}

impl ImportSummary {
    /// Notes a problem (listed while there is room, always counted). A problem with the whole
    /// file (row 0) is always listed, first.
    pub fn problem(&mut self, row: u64, reason: impl Into<String>) {
        self.problem_count += 1;
        let problem = RowProblem {
            row,
            reason: reason.into(),
        };
        if row == 0 {
            self.problems.insert(0, problem);
        } else if self.problems.len() < MAX_PROBLEMS_LISTED {
            self.problems.push(problem);
        }
    }

    /// Whether nothing stands in the way of importing.
    pub fn is_clean(&self) -> bool {
        self.problem_count == 0
    }

    /// The outcome in one sentence.
    pub fn sentence(&self) -> String {
        let rows = plural(self.rows, "row");
        if !self.is_clean() {
            return format!(
                "{} in {rows}: nothing was imported. Fix the file and try again.",
                plural(self.problem_count, "problem")
            );
        }
        if self.rows == 0 {
            return "The file holds no usage rows: nothing to import.".to_owned();
        }
        if self.new_rows == 0 && self.changed_rows == 0 {
            return format!("All {rows} are already imported: nothing changed.");
        }
        let what = format!(
            "{} new, {} changed, {} unchanged, for {} and {}",
            self.new_rows,
            self.changed_rows,
            self.unchanged_rows,
            plural(self.partners, "partner"),
            plural(self.products, "product")
        );
        let reports = if self.reports_updated > 0 {
            format!(
                "; {} updated",
                plural(self.reports_updated, "report in preparation")
            )
        } else {
            String::new()
        };
        if self.imported {
            format!("Imported {rows}: {what}{reports}.")
        } else {
            format!("Ready to import {rows}: {what}{reports}.")
        }
    }
}

fn plural(count: u64, noun: &str) -> String {
    let count_text = super::format::units(count);
    if count == 1 {
        format!("{count_text} {noun}")
    } else if let Some((first, rest)) = noun.split_once(' ') {
        format!("{count_text} {first}s {rest}")
    } else {
        format!("{count_text} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MarginPercent, UnitPrice};
    use rust_decimal::Decimal;

    fn u(n: u64) -> Units {
        Units::new(n).expect("units")
    }

    #[test]
    fn reads_a_row_and_names_each_problem() {
        let row = parse_row(&["8", " TM-V1-EPS ", "2026-10", "120", ""]).expect("row");
        assert_eq!(row.partner_id, 8);
        assert_eq!(row.sku, "TM-V1-EPS");
        assert_eq!(row.used, None);
        let problem = |fields: &[&str]| parse_row(fields).expect_err("refused");
        assert!(problem(&["x", "A", "2026-10", "1", "1"]).contains("not a partner id"));
        assert!(problem(&["0", "A", "2026-10", "1", "1"]).contains("not a partner id"));
        assert!(problem(&["8", "", "2026-10", "1", "1"]).contains("SKU is empty"));
        assert!(problem(&["8", "A", "2026-13", "1", "1"]).contains("YYYY-MM"));
        assert!(problem(&["8", "A", "Oct 2026", "1", "1"]).contains("YYYY-MM"));
        assert!(problem(&["8", "A", "2026-10", "-1", "1"]).contains("negative"));
        assert!(problem(&["8", "A", "2026-10", "1", "4.5"]).contains("not a whole number"));
        assert!(problem(&["8", "A", "2026-10", "ten", "1"]).contains("not a number"));
        assert!(problem(&["8", "A", "2026-10", "", "1"]).contains("missing"));
        assert!(problem(&["8", "A", "2026-10"]).contains("found 3"));
    }

    #[test]
    fn checks_the_header() {
        assert!(check_header(&["\u{feff}partner", "SKU", "period", "provisioned", "used"]).is_ok());
        let missing = check_header(&["partner", "sku", "period", "provisioned"]).expect_err("x");
        assert!(missing.contains("missing: used"), "{missing}");
        let order = check_header(&["sku", "partner", "period", "provisioned", "used"]);
        assert!(order.expect_err("x").contains("another order"));
    }

    #[test]
    fn a_correction_moves_untouched_chargeable_and_keeps_a_lowered_one() {
        let line = |p, used: Option<u64>, c| LineInput {
            provisioned: u(p),
            used: used.map(u),
            chargeable: u(c),
            unit_price: UnitPrice::new(Decimal::ONE).expect("price"),
            margin: MarginPercent::new(Decimal::ZERO).expect("margin"),
            comment: None,
        };
        let untouched = corrected_line(&line(100, Some(80), 80), u(120), Some(u(90)));
        assert_eq!(untouched.chargeable, u(90));
        let lowered = corrected_line(&line(100, Some(80), 50), u(120), Some(u(90)));
        assert_eq!(lowered.chargeable, u(50));
        let shrunk = corrected_line(&line(100, Some(80), 70), u(40), Some(u(30)));
        assert_eq!(shrunk.chargeable, u(40));
        assert_eq!(
            describe_correction("A", &line(100, Some(80), 80), &untouched),
            "A: provisioned 100 → 120, used 80 → 90, chargeable 80 → 90"
        );
    }

    #[test]
    fn only_a_report_in_preparation_takes_corrections() {
        let period = Period::new(2026, 10).expect("period");
        assert_eq!(refusal_for(Status::MspPreparing, period), None);
        let refused = refusal_for(Status::Rejected, period).expect("refused");
        assert!(refused.contains("2026-10"), "{refused}");
    }
}
