//! Errors of the public API as `application/problem+json` (RFC 9457): the HTTP status, a stable
//! `code` a program can branch on, and the `detail` in the same words the pages show.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::messages;
use crate::server::{http_error, services::ServiceError};

/// A refusal or a failure (RFC 9457), as `application/problem+json`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: `code` tells the kinds apart.
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "about:blank")]
    kind: &'static str,
    /// The HTTP status's phrase.
    #[schema(value_type = String, example = "Precondition Failed")]
    title: &'static str,
    /// The HTTP status.
    #[serde(serialize_with = "as_u16")]
    #[schema(value_type = u16, example = 412)]
    status: StatusCode,
    /// What went wrong, in a user's words.
    pub detail: String,
    /// Stable for programs: `unauthenticated`, `not_found`, `refused`, `invalid`,
    /// `version_moved`, `if_match_required`, `idempotency_key_reused`, `idempotency_key_in_use`,
    /// `rate_limited`, `vendor_unavailable`, `internal`.
    #[schema(value_type = String, example = "version_moved")]
    pub code: &'static str,
    /// The report's version now, when the request was made against another one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// Seconds to wait before trying again (also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
}

fn as_u16<S: serde::Serializer>(status: &StatusCode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u16(status.as_u16())
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status,
            detail: detail.into(),
            code,
            current_version: None,
            retry_after: None,
        }
    }

    /// The same problem, telling the caller to wait `seconds` before trying again.
    pub fn retry_after(self, seconds: u64) -> Self {
        Problem {
            retry_after: Some(seconds),
            ..self
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn unauthenticated() -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "This call needs a valid API token: send it as `Authorization: Bearer brt_...`. \
             A revoked token, or one whose user may no longer use it, is not valid.",
        )
    }

    pub fn not_found() -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not_found", messages::NOT_FOUND)
    }

    pub fn invalid(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail)
    }

    /// A failure of ours, logged with the request's id; the caller gets the id to quote.
    pub fn internal(headers: &HeaderMap, context: &str, error: impl std::fmt::Display) -> Self {
        let request_id = http_error::log_internal(Some(headers), context, error);
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            messages::internal(&request_id),
        )
    }

    /// What a service's refusal or failure reads as; a version that moved on is a failed
    /// precondition (`If-Match`), not a conflict.
    pub fn from_service(headers: &HeaderMap, error: ServiceError) -> Self {
        let status = error.kind().status();
        match error {
            ServiceError::NotFound => Problem::not_found(),
            ServiceError::Conflict { current_version } => Problem {
                current_version: Some(current_version),
                ..Problem::new(
                    StatusCode::PRECONDITION_FAILED,
                    "version_moved",
                    messages::REPORT_CHANGED,
                )
            },
            ServiceError::SettingsChanged => {
                Problem::new(status, "version_moved", messages::SETTINGS_CHANGED)
            }
            ServiceError::Refused(refusal) => Problem::new(status, "refused", refusal.to_string()),
            ServiceError::Invalid(message) | ServiceError::InvalidField(_, message) => {
                Problem::invalid(message)
            }
            ServiceError::Vendor(error) => {
                tracing::warn!(detail = %error.detail(), "the vendor's systems did not answer usably");
                Problem::new(status, "vendor_unavailable", error.to_string())
            }
            ServiceError::Database(error) => Problem::internal(headers, "public API", error),
        }
    }

    /// The answer as JSON text with its status, for keeping (idempotent retries).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.to_json()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"billing-reports\""),
            );
        }
        response
    }
}
