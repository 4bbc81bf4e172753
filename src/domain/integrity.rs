//! What a check of the history's hash chain found (SPEC §4: entries are never changed or
//! deleted; the chain makes any such change visible). The server computes it; the admin page
//! and `billing-reports verify-history` tell it.

use serde::{Deserialize, Serialize};

use super::format::count_of;

/// The first place one report's chain does not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBreak {
    pub report_id: i64,
    /// The first entry that does not fit; `None` when entries are missing after the last one.
    pub entry_id: Option<i64>,
    /// Why, in words.
    pub what: String,
}

impl ChainBreak {
    /// One line: where, and why.
    pub fn sentence(&self) -> String {
        match self.entry_id {
            Some(entry) => format!(
                "Report {}, history entry {entry}: {}.",
                self.report_id, self.what
            ),
            None => format!("Report {}: {}.", self.report_id, self.what),
        }
    }
}

/// Every report's chain, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrityCheck {
    pub reports: u64,
    pub entries: u64,
    /// Reports whose chain broke, the first break of each.
    pub breaks: Vec<ChainBreak>,
    /// When the check ran (UTC, RFC 3339).
    pub checked_at: String,
}

impl IntegrityCheck {
    pub fn is_intact(&self) -> bool {
        self.breaks.is_empty()
    }

    /// The verdict in one sentence.
    pub fn sentence(&self) -> String {
        let checked = format!(
            "{} of {}",
            count_of(self.entries, "history entry", "history entries"),
            count_of(self.reports, "report", "reports")
        );
        if self.is_intact() {
            format!("All {checked} are intact.")
        } else {
            format!(
                "Checked {checked}: {} broken.",
                count_of(
                    self.breaks.len() as u64,
                    "report's history is",
                    "reports' histories are"
                )
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_names_what_was_checked_and_what_broke() {
        let mut check = IntegrityCheck {
            reports: 2,
            entries: 9,
            ..IntegrityCheck::default()
        };
        assert_eq!(
            check.sentence(),
            "All 9 history entries of 2 reports are intact."
        );
        check.breaks.push(ChainBreak {
            report_id: 4,
            entry_id: Some(17),
            what: "its content was changed after it was written".into(),
        });
        assert_eq!(
            check.sentence(),
            "Checked 9 history entries of 2 reports: 1 report's history is broken."
        );
        assert_eq!(
            check.breaks[0].sentence(),
            "Report 4, history entry 17: its content was changed after it was written."
        );
    }
}
