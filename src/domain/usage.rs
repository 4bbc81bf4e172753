//! The partner's side of a line: reading what a partner typed (chargeable units and a comment),
//! saying why a line needs a comment, what an auto-submission would do to it now, and the
//! month-over-month anomaly (this cycle's chargeable against the previous cycle's).
//!
//! The partner's page runs these as the partner types and the server runs them again on every
//! save and submit, so both say the same thing in the same words.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::format;
use super::line::{EditError, UsageOutcome, usage_outcome, validate_partner_edit};
use super::money::ParseError;
use super::numbers::{ThresholdPercent, Units};
use super::text::{too_long, too_long_message};

/// The distributor's settings a report's usage is judged by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRules {
    /// T: the over-provisioning threshold (SPEC §5).
    pub threshold: ThresholdPercent,
    /// How far this cycle's chargeable may move from the previous cycle's before it is flagged.
    pub anomaly_threshold: ThresholdPercent,
}

/// Did the chargeable move by more than `threshold` percent of the previous cycle's? Exact:
/// |C − prev| × 100 > T × prev. A line that was 0 last cycle and is charged now has moved by more
/// than any percentage; a line with no previous cycle is never an anomaly.
pub fn is_anomaly(previous: Option<Units>, chargeable: Units, threshold: ThresholdPercent) -> bool {
    let Some(previous) = previous else {
        return false;
    };
    let (prev, now) = (previous.to_decimal(), chargeable.to_decimal());
    if prev.is_zero() {
        return !now.is_zero();
    }
    (now - prev).abs() * Decimal::ONE_HUNDRED > threshold.get() * prev
}

/// The chargeable units of `product_id` in the previous cycle, from its chargeable units by
/// product id; `None` when the previous cycle did not have the product (or there was none).
pub fn previous_chargeable(previous: &[(i64, Units)], product_id: i64) -> Option<Units> {
    previous
        .iter()
        .find(|(id, _)| *id == product_id)
        .map(|(_, units)| *units)
}

/// Why a partner's line can not be saved as typed. Every message names what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum LineProblem {
    #[error("{0}")]
    Unreadable(ParseError),
    #[error("{0}")]
    Edit(EditError),
    #[error("{}", too_long_message("The comment", *.0))]
    CommentTooLong(usize),
}

/// A partner's typed line, read: the chargeable units and the comment (trimmed; blank is none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadLine {
    pub chargeable: Units,
    pub comment: Option<String>,
}

/// Reads what a partner typed for a line with `provisioned` and `used`: whole units between 0 and
/// max(P, U), a comment when the units are lowered below the default, and a comment of a sane
/// length. The server stores nothing else; the page shows the same answer while one types.
pub fn read_line(
    provisioned: Units,
    used: Option<Units>,
    chargeable: &str,
    comment: &str,
) -> Result<ReadLine, LineProblem> {
    let comment = Some(comment.trim()).filter(|c| !c.is_empty());
    let typed = Units::parse(chargeable).map_err(LineProblem::Unreadable)?;
    if let Some(len) = comment.and_then(too_long) {
        return Err(LineProblem::CommentTooLong(len));
    }
    let chargeable =
        validate_partner_edit(provisioned, used, typed, comment).map_err(LineProblem::Edit)?;
    Ok(ReadLine {
        chargeable,
        comment: comment.map(str::to_owned),
    })
}

/// Why a line with these figures needs a comment, in words; `None` when it needs none (or has
/// one). A violation is named before a lowered value: it is what a deadline would penalise.
pub fn comment_needed_because(
    outcome: &UsageOutcome,
    chargeable: Units,
    has_comment: bool,
) -> Option<String> {
    if has_comment {
        return None;
    }
    if outcome.violation {
        return Some(format!(
            "A comment is needed because this line is {} % over-provisioned and charged below \
             what was provisioned.",
            outcome.over_provisioned_pct
        ));
    }
    if outcome.lowered {
        return Some(format!(
            "A comment is needed because {} is below the default of {}.",
            format::units(chargeable.get()),
            format::units(outcome.default_chargeable.get())
        ));
    }
    None
}

/// What one line of a partner's report says while the partner types: the figures for the typed
/// values, why it needs a comment, what the deadline would do to it, and whether it moved
/// unusually since the previous cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineCheck {
    /// The typed line, read, or why it can not be saved.
    pub read: Result<ReadLine, LineProblem>,
    /// The figures of the typed line (of the saved one while the typing can not be read).
    pub outcome: UsageOutcome,
    /// Why a comment is needed (before a submit is accepted).
    pub comment_needed: Option<String>,
    /// An auto-submission now would charge this line at provisioned.
    pub penalised_at_deadline: bool,
    /// This cycle's chargeable moved by more than the anomaly threshold.
    pub anomaly: bool,
}

/// The saved values of a line, and what the partner's page needs to judge typing against them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineBasis {
    pub provisioned: Units,
    pub used: Option<Units>,
    pub saved_chargeable: Units,
    pub previous_chargeable: Option<Units>,
}

/// Judges a partner's typing for one line by the report's rules.
pub fn check_line(
    basis: LineBasis,
    chargeable: &str,
    comment: &str,
    rules: UsageRules,
) -> LineCheck {
    let read = read_line(basis.provisioned, basis.used, chargeable, comment);
    // Figures follow the typing when the number can be read at all (even out of range or
    // missing a comment), so the percentage and the flags move as one types.
    let units = match &read {
        Ok(line) => line.chargeable,
        Err(_) => Units::parse(chargeable).unwrap_or(basis.saved_chargeable),
    };
    let has_comment = !comment.trim().is_empty();
    let outcome = usage_outcome(
        basis.provisioned,
        basis.used,
        units,
        has_comment.then_some(comment),
        rules.threshold,
    );
    LineCheck {
        comment_needed: comment_needed_because(&outcome, units, has_comment),
        penalised_at_deadline: outcome.violation && !has_comment,
        anomaly: is_anomaly(basis.previous_chargeable, units, rules.anomaly_threshold),
        outcome,
        read,
    }
}

/// A partner-editable line's values before or after a change, as the history records them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineValues {
    /// The line's product name.
    pub line: String,
    pub chargeable: u64,
    pub comment: Option<String>,
}

/// One changed line of a history entry: its values before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    pub before: LineValues,
    pub after: LineValues,
}

impl LineChange {
    /// "chargeable 100 → 80, comment added “moved to another plan”".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.before.chargeable != self.after.chargeable {
            parts.push(format!(
                "chargeable {} → {}",
                format::units(self.before.chargeable),
                format::units(self.after.chargeable)
            ));
        }
        match (&self.before.comment, &self.after.comment) {
            (before, after) if before == after => {}
            (None, Some(after)) => parts.push(format!("comment added “{after}”")),
            (Some(_), None) => parts.push("comment removed".to_owned()),
            (_, Some(after)) => parts.push(format!("comment now “{after}”")),
            (_, None) => {}
        }
        parts.join(", ")
    }
}

/// The lines whose values differ between `before` and `after`, paired in order. Early history
/// entries stored every line, later ones only the changed lines: both read the same way.
pub fn line_changes(before: Vec<LineValues>, after: Vec<LineValues>) -> Vec<LineChange> {
    before
        .into_iter()
        .zip(after)
        .filter(|(before, after)| before != after)
        .map(|(before, after)| LineChange { before, after })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(n: u64) -> Units {
        Units::new(n).expect("units")
    }

    fn pct(n: i64) -> ThresholdPercent {
        ThresholdPercent::new(Decimal::from(n)).expect("percent")
    }

    #[test]
    fn an_anomaly_is_a_move_beyond_the_threshold_either_way() {
        let t = pct(50);
        assert!(!is_anomaly(None, units(1000), t));
        assert!(
            !is_anomaly(Some(units(100)), units(150), t),
            "exactly 50 % is not beyond"
        );
        assert!(is_anomaly(Some(units(100)), units(151), t));
        assert!(!is_anomaly(Some(units(100)), units(50), t));
        assert!(is_anomaly(Some(units(100)), units(49), t));
        assert!(is_anomaly(Some(units(0)), units(1), t));
        assert!(!is_anomaly(Some(units(0)), units(0), t));
    }

    #[test]
    fn reading_a_line_names_what_is_wrong() {
        let (p, u) = (units(120), Some(units(100)));
        assert_eq!(
            read_line(p, u, "121", "").unwrap_err().to_string(),
            "Chargeable units must be between 0 and 120"
        );
        assert!(matches!(
            read_line(p, u, "1.5", ""),
            Err(LineProblem::Unreadable(_))
        ));
        assert!(matches!(
            read_line(p, u, "-1", ""),
            Err(LineProblem::Unreadable(_))
        ));
        assert!(matches!(
            read_line(p, u, "90", "  "),
            Err(LineProblem::Edit(EditError::CommentRequired))
        ));
        let long = "x".repeat(crate::domain::text::MAX_TEXT_CHARS + 1);
        assert_eq!(
            read_line(p, u, "100", &long),
            Err(LineProblem::CommentTooLong(
                crate::domain::text::MAX_TEXT_CHARS + 1
            ))
        );
        assert_eq!(
            read_line(p, u, "90", " moved ").expect("read"),
            ReadLine {
                chargeable: units(90),
                comment: Some("moved".to_owned())
            }
        );
    }

    #[test]
    fn a_check_says_why_a_comment_is_needed_and_what_the_deadline_would_do() {
        let rules = UsageRules {
            threshold: ThresholdPercent::ZERO,
            anomaly_threshold: pct(50),
        };
        let basis = LineBasis {
            provisioned: units(100),
            used: Some(units(60)),
            saved_chargeable: units(60),
            previous_chargeable: Some(units(100)),
        };
        let check = check_line(basis, "60", "", rules);
        assert!(check.read.is_ok());
        assert!(check.penalised_at_deadline);
        assert_eq!(
            check.comment_needed.as_deref(),
            Some(
                "A comment is needed because this line is 40.00 % over-provisioned and charged \
                 below what was provisioned."
            )
        );
        assert!(!check.anomaly);
        let commented = check_line(basis, "40", "seasonal", rules);
        assert!(commented.comment_needed.is_none() && !commented.penalised_at_deadline);
        assert!(commented.anomaly, "100 → 40 moved by 60 %");
        let within = LineBasis {
            used: Some(units(100)),
            saved_chargeable: units(100),
            ..basis
        };
        assert_eq!(
            check_line(within, "90", "", rules)
                .comment_needed
                .as_deref(),
            Some("A comment is needed because 90 is below the default of 100.")
        );
    }

    #[test]
    fn history_changes_keep_only_the_lines_that_moved() {
        let values = |line: &str, chargeable, comment: Option<&str>| LineValues {
            line: line.to_owned(),
            chargeable,
            comment: comment.map(str::to_owned),
        };
        let before = vec![values("A", 10, None), values("B", 5, None)];
        let after = vec![values("A", 8, Some("moved")), values("B", 5, None)];
        let changes = line_changes(before, after);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].describe(),
            "chargeable 10 → 8, comment added “moved”"
        );
    }
}
