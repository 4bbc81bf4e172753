//! Why a command was refused, in words for the person who tried, and the form field the page
//! shows it next to.

use serde::{Deserialize, Serialize};

use crate::domain::pricing::SpecialValueError;
use crate::domain::report::PoNumberError;
use crate::domain::status::Refusal;
use crate::domain::usage::LineProblem;

/// Why a command was not accepted. Every message can be shown to the person who tried.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The workflow or the policy refuses it.
    #[error("{0}")]
    Refused(Refusal),
    #[error("A line in this change is not part of the report.")]
    NotALine,
    /// A partner's line that can not be saved as typed.
    #[error("{line}: {problem}")]
    Line { line: String, problem: LineProblem },
    #[error("There are no changes to save.")]
    NothingToSave,
    #[error(
        "Please explain the lower chargeable units before submitting: {} need a comment.",
        .lines.join(", ")
    )]
    CommentsMissing { lines: Vec<String> },
    #[error("Set a PO number before submitting the report to the vendor.")]
    PoNumberRequired,
    #[error("{}", crate::domain::text::too_long_message("The comment to the vendor", *.0))]
    CommentToVendorTooLong(usize),
    #[error("The PO number is already {0}; there is nothing to change.")]
    PoNumberUnchanged(String),
    #[error("{0}")]
    PoNumber(PoNumberError),
    #[error("{line}: {error}")]
    SpecialValue {
        line: String,
        error: SpecialValueError,
    },
    /// Applying a code needs the code verified for that line first.
    #[error("{0}: the code has not been verified for this line.")]
    CodeNotVerified(String),
    #[error(
        "Every line already has the catalogue's unit price and channel margin; there is nothing to reset."
    )]
    NothingToReset,
    #[error(
        "{0} already has the catalogue's unit price and channel margin; there is no special pricing to remove."
    )]
    NoCodeToRemove(String),
    /// A line's amount, or the report's total, would be more than can be billed and stored.
    #[error("{}", too_large_message(.line.as_deref(), .max))]
    AmountTooLarge { line: Option<String>, max: String },
}

fn too_large_message(line: Option<&str>, max: &str) -> String {
    match line {
        Some(line) => format!(
            "{line}: this would bill more than {max} on one line, the most a line can hold."
        ),
        None => format!(
            "This would make the report's total more than {max}, the most a report can hold."
        ),
    }
}

/// The form field a refusal is about, so the page can say it right there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    PoNumber,
    CommentToVendor,
    Reason,
    /// A partner's line (its chargeable units or comment).
    Line,
    /// The value a pricing code unlocks.
    SpecialValue,
}

impl CommandError {
    /// The field to show this refusal next to; `None` for a refusal about the whole report.
    pub fn field(&self) -> Option<Field> {
        match self {
            CommandError::Refused(refusal) if refusal.is_about_input() => Some(Field::Reason),
            CommandError::PoNumberRequired
            | CommandError::PoNumberUnchanged(_)
            | CommandError::PoNumber(_) => Some(Field::PoNumber),
            CommandError::CommentToVendorTooLong(_) => Some(Field::CommentToVendor),
            CommandError::Line { .. } | CommandError::CommentsMissing { .. } => Some(Field::Line),
            CommandError::SpecialValue { .. } | CommandError::CodeNotVerified(_) => {
                Some(Field::SpecialValue)
            }
            CommandError::Refused(_)
            | CommandError::NotALine
            | CommandError::NothingToSave
            | CommandError::NothingToReset
            | CommandError::NoCodeToRemove(_)
            // Said above the report: the change may come from a partner's or a distributor's form.
            | CommandError::AmountTooLarge { .. } => None,
        }
    }
}

impl From<Refusal> for CommandError {
    fn from(refusal: Refusal) -> Self {
        CommandError::Refused(refusal)
    }
}
