//! The one mapping from what went wrong to an HTTP status, used by the server functions and the
//! downloads alike: a refusal gets the 4xx that says what kind of "no" it is, a failure of ours a
//! 500. A failure of ours is logged here, with its context and the request id, and the caller is
//! told only that id.
//!
//! The words a caller reads are not decided here: each surface writes its own (the server
//! functions' error type, the downloads' plain text).

use std::fmt::Display;

use axum::http::{HeaderMap, StatusCode};

use super::services::ServiceError;

/// What kind of "no" an answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input cannot be accepted.
    Invalid,
    /// Nobody is signed in (or the session ended).
    Unauthenticated,
    /// The object does not exist, or the caller may not know that it does.
    NotFound,
    /// Someone else changed the object first.
    Conflict,
    /// The workflow or the policy refuses the action.
    Forbidden,
    /// Too many failed sign-ins.
    Throttled,
    /// A system we depend on (the vendor's) did not answer usably; try again later.
    Unavailable,
    /// Something failed on the server.
    Internal,
}

impl ErrorKind {
    /// The HTTP status of this kind of answer.
    pub const fn status(self) -> StatusCode {
        match self {
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Throttled => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl ServiceError {
    /// What kind of "no" this is; a database failure is ours.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ServiceError::NotFound => ErrorKind::NotFound,
            ServiceError::Conflict { .. } | ServiceError::SettingsChanged => ErrorKind::Conflict,
            ServiceError::Refused(_) => ErrorKind::Forbidden,
            ServiceError::Invalid(_) | ServiceError::InvalidField(..) => ErrorKind::Invalid,
            ServiceError::Vendor(_) => ErrorKind::Unavailable,
            ServiceError::Database(_) => ErrorKind::Internal,
        }
    }
}

/// The id tower-http gave the request (`x-request-id`), or "-" without one.
pub fn request_id(headers: Option<&HeaderMap>) -> String {
    headers
        .and_then(|headers| headers.get("x-request-id"))
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// Logs a failure of ours with its context under the request's id, and returns that id: all the
/// caller may be told.
pub fn log_internal(headers: Option<&HeaderMap>, context: &str, error: impl Display) -> String {
    let request_id = request_id(headers);
    tracing::error!(%request_id, %error, "{context}");
    request_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_an_id_is_logged_as_a_dash() {
        let mut headers = HeaderMap::new();
        assert_eq!(request_id(None), "-");
        assert_eq!(request_id(Some(&headers)), "-");
        headers.insert("x-request-id", "abc-123".parse().expect("header value"));
        assert_eq!(log_internal(Some(&headers), "test", "boom"), "abc-123");
    }

    #[test]
    fn refusals_are_4xx_and_failures_of_ours_500() {
        let refused = ServiceError::Refused(crate::domain::Refusal::ReadOnly);
        assert_eq!(refused.kind().status(), StatusCode::FORBIDDEN);
        assert_eq!(
            ServiceError::NotFound.kind().status(),
            StatusCode::NOT_FOUND
        );
        let invalid = ServiceError::Invalid("no".to_owned());
        assert_eq!(invalid.kind().status(), StatusCode::UNPROCESSABLE_ENTITY);
        let database = ServiceError::Database(sqlx::Error::PoolClosed);
        assert!(database.kind().status().is_server_error());
    }
}
