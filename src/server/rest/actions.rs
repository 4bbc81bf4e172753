//! The actions of `POST /api/v1/reports/{id}/{action}`: each name, and the JSON body it reads,
//! turned into the same command the report page sends. Who may take which action when is the
//! domain's, as for the pages.

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    routing::post,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{problem::Problem, schema::StatusOf};
use crate::domain::workflow::{Command, LineEdit};
use crate::server::{services::api_tokens::ApiCaller, state::AppState};

/// A partner's edits of some lines (others are left as they are).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Edits {
    #[serde(default)]
    edits: Vec<Edit>,
}

/// One line's chargeable units as typed (a whole number) and the partner's comment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    line_id: i64,
    #[schema(example = "12")]
    chargeable: String,
    #[serde(default)]
    comment: Option<String>,
}

impl Edits {
    fn into_commands(self) -> Vec<LineEdit> {
        self.edits
            .into_iter()
            .map(|edit| LineEdit {
                line_id: edit.line_id,
                chargeable: edit.chargeable,
                comment: edit.comment,
            })
            .collect()
    }
}

/// The PO number to set (1–40 letters, digits, spaces and `- _ / . #`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoNumber {
    po_number: String,
}

/// Submitting to the vendor: the PO number (set in the same step when it differs from the
/// report's) and a comment, both optional.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToVendor {
    #[serde(default)]
    po_number: Option<String>,
    #[serde(default)]
    comment: Option<String>,
}

/// Why the report goes back (required).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    reason: String,
}

/// A special pricing code for one line, with the value it unlocks as typed (a unit price or a
/// margin, as the region's rules say).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeToApply {
    line_id: i64,
    code: String,
    value: String,
}

/// One line, by its `line_id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRef {
    line_id: i64,
}

/// No fields (an empty body reads as this too).
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// Declares each action's handler with its documentation, its route, and the list of both.
macro_rules! actions {
    ($( $(#[doc = $doc:literal])* $name:ident $path:tt $body:ident; )*) => {
        $(
            $(#[doc = $doc])*
            #[utoipa::path(
                post,
                path = $path,
                tag = "Actions",
                request_body = $body,
                params(
                    ("id" = i64, Path, description = "The report's id."),
                    ("If-Match" = String, Header, description = "The report's `ETag` as read, e.g. `\"v7\"`. A report that moved on since answers 412 and nothing changes."),
                    ("Idempotency-Key" = Option<String>, Header, description = "Any unique text (a UUID): a retry with the same key and request gets the first answer again, for 24 hours, without acting twice."),
                ),
                responses(
                    (status = 200, description = "Done: the report's status and version now (also the new `ETag`).", body = Acted),
                    (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "Refused by the workflow or the token's scope; `detail` says why.", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "No such report, or not one this token may read.", body = Problem, content_type = "application/problem+json"),
                    (status = 412, description = "The report moved on; `current_version` says to what.", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "The body or a value in it is not acceptable; `detail` says why.", body = Problem, content_type = "application/problem+json"),
                    (status = 428, description = "`If-Match` is missing.", body = Problem, content_type = "application/problem+json"),
                    (status = 429, description = "Too many calls with this token; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
                ),
                security(("api_token" = ["act"])),
            )]
            pub async fn $name(
                state: State<AppState>,
                caller: ApiCaller,
                headers: HeaderMap,
                Path(id): Path<i64>,
                body: Bytes,
            ) -> Response {
                super::reports::act(state, caller, headers, id, name_of($path), body).await
            }
        )*

        /// Every action's route, as `/api/v1/reports/{id}/NAME`.
        pub const PATHS: &[&str] = &[$($path),*];

        /// The actions' routes.
        pub fn routes() -> Router<AppState> {
            Router::new()$(.route($path, post($name)))*
        }

        /// The actions' part of the OpenAPI document.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($name),*))]
        pub struct Documented;
    };
}

actions! {
    /// Save a partner's edits without submitting (partner; while the partner prepares the report).
    save_draft "/api/v1/reports/{id}/save-draft" Edits;
    /// Save a partner's edits and submit the report to the distributor (partner).
    submit "/api/v1/reports/{id}/submit" Edits;
    /// Set the distributor's PO number (distributor).
    po_number "/api/v1/reports/{id}/po-number" PoNumber;
    /// Submit the report to the vendor, with the PO number (distributor). Its delivery to the
    /// vendor's system follows.
    submit_to_vendor "/api/v1/reports/{id}/submit-to-vendor" ToVendor;
    /// Return the report to the partner with a reason (distributor).
    return_to_partner "/api/v1/reports/{id}/return-to-partner" Reason;
    /// Complete the report (vendor).
    complete "/api/v1/reports/{id}/complete" Empty;
    /// Return the report to the distributor with a reason (vendor).
    return_to_distributor "/api/v1/reports/{id}/return-to-distributor" Reason;
    /// Apply a special pricing code to a line (distributor); the vendor verifies it first.
    apply_code "/api/v1/reports/{id}/apply-code" CodeToApply;
    /// Put every line back to the catalogue's unit price and margin (distributor).
    reset_pricing "/api/v1/reports/{id}/reset-pricing" Empty;
    /// Take one line's special pricing off (distributor).
    remove_code "/api/v1/reports/{id}/remove-code" LineRef;
}

/// An action's name: the last part of its path.
fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// What an action answers when done.
#[derive(Serialize, ToSchema)]
pub struct Acted {
    pub id: i64,
    #[serde(flatten)]
    pub status: StatusOf,
    /// The report's version now: the next action's `If-Match: "v{version}"`.
    pub version: i64,
}

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
            edits: read::<Edits>(body)?.into_commands(),
        },
        "submit" => Command::Submit {
            edits: read::<Edits>(body)?.into_commands(),
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
            read::<Empty>(body)?;
            Command::Complete
        }
        "return-to-distributor" => Command::Return {
            reason: read::<Reason>(body)?.reason,
        },
        "apply-code" => {
            let CodeToApply {
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
            read::<Empty>(body)?;
            Command::ResetPricing
        }
        "remove-code" => Command::RemoveCode {
            line_id: read::<LineRef>(body)?.line_id,
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
        for path in PATHS {
            let action = name_of(path);
            // Each name is known: a wrong body is "invalid", never "not found".
            let refused = command(action, b"[1]").err();
            assert!(
                refused.is_none_or(|problem| problem.code == "invalid"),
                "{action}"
            );
        }
    }
}
