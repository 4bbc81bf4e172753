//! The actions of `POST /api/v1/reports/{id}/{action}`: each name, and the JSON body it reads,
//! turned into the same command the report page sends. Who may take which action when is the
//! domain's, as for the pages.

use serde::Deserialize;

use super::problem::Problem;
use crate::domain::workflow::{Command, LineEdit};

/// Every action, by the name in its path.
pub const ACTIONS: [&str; 10] = [
    "save-draft",
    "submit",
    "po-number",
    "submit-to-vendor",
    "return-to-partner",
    "complete",
    "return-to-distributor",
    "apply-code",
    "reset-pricing",
    "remove-code",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edits {
    #[serde(default)]
    edits: Vec<LineEdit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoNumber {
    po_number: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ToVendor {
    #[serde(default)]
    po_number: Option<String>,
    #[serde(default)]
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reason {
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Code {
    line_id: i64,
    code: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    line_id: i64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Nothing {}

/// The command `action` asks for with `body` (JSON; empty reads as `{}`).
pub fn command(action: &str, body: &[u8]) -> Result<Command, Problem> {
    fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}".as_slice()
        } else {
            body
        };
        serde_json::from_slice(body).map_err(|error| {
            Problem::invalid(format!("The request's body could not be read: {error}."))
        })
    }
    Ok(match action {
        "save-draft" => Command::SaveDraft {
            edits: read::<Edits>(body)?.edits,
        },
        "submit" => Command::Submit {
            edits: read::<Edits>(body)?.edits,
        },
        "po-number" => Command::SetPoNumber {
            po_number: read::<PoNumber>(body)?.po_number,
        },
        "submit-to-vendor" => {
            let ToVendor { po_number, comment } = read(body)?;
            Command::SubmitToVendor { po_number, comment }
        }
        "return-to-partner" => Command::Reject {
            reason: read::<Reason>(body)?.reason,
        },
        "complete" => {
            read::<Nothing>(body)?;
            Command::Complete
        }
        "return-to-distributor" => Command::Return {
            reason: read::<Reason>(body)?.reason,
        },
        "apply-code" => {
            let Code {
                line_id,
                code,
                value,
            } = read(body)?;
            Command::ApplyCode {
                line_id,
                code,
                value,
            }
        }
        "reset-pricing" => {
            read::<Nothing>(body)?;
            Command::ResetPricing
        }
        "remove-code" => Command::RemoveCode {
            line_id: read::<Line>(body)?.line_id,
        },
        _ => return Err(Problem::not_found()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_its_body_and_nothing_else() {
        assert_eq!(
            command("po-number", br#"{"po_number":"PO-1"}"#).ok(),
            Some(Command::SetPoNumber {
                po_number: "PO-1".to_owned()
            })
        );
        assert_eq!(command("complete", b"").ok(), Some(Command::Complete));
        assert_eq!(
            command("submit-to-vendor", b" ").ok(),
            Some(Command::SubmitToVendor {
                po_number: None,
                comment: None
            })
        );
        assert!(command("complete", br#"{"extra":1}"#).is_err());
        assert!(command("po-number", b"{}").is_err());
        assert!(command("po-number", b"not json").is_err());
        assert!(command("approve", b"{}").is_err());
        for action in ACTIONS {
            // Each name is known: a wrong body is "invalid", never "not found".
            let refused = command(action, b"[1]").err();
            assert!(
                refused.is_none_or(|problem| problem.code == "invalid"),
                "{action}"
            );
        }
    }
}
