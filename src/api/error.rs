//! What a server function may tell the browser when it refuses or fails: words a user
//! understands, never internal error text. Internal failures are logged on the server with the
//! request id, and the browser gets only that id to quote.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// The input cannot be accepted; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// The value typed into one field cannot be accepted: the page shows the message there.
    #[error("{1}")]
    InvalidField(crate::domain::workflow::Field, String),
    /// Nobody is signed in (or the session ended).
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// The object does not exist, or the caller may not know that it does.
    #[error("{}", crate::domain::messages::NOT_FOUND)]
    NotFound,
    /// Too many failed sign-ins lately: the same answer whether or not the account exists.
    #[error(
        "Too many sign-in attempts. Please wait {} and try again.",
        crate::domain::format::wait(*.wait_secs)
    )]
    Throttled { wait_secs: i64 },
    /// Too many people are signing in at this moment.
    #[error("Many people are signing in right now. Please try again in a moment.")]
    Busy,
    /// Someone else changed the object first.
    #[error("{}", crate::domain::messages::REPORT_CHANGED)]
    Conflict { current_version: i64 },
    /// Someone else saved the same settings first.
    #[error("{}", crate::domain::messages::SETTINGS_CHANGED)]
    SettingsChanged,
    /// The action is not allowed now; the message says why.
    #[error("{0}")]
    Refused(String),
    /// The user's region has no billing reports: every page and function says so, in the words
    /// of `Refusal::RegionDisabled` (pages draw the full notice).
    #[error("{0}")]
    RegionUnavailable(String),
    /// A system the server depends on (the vendor's) did not answer usably; nothing changed.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed on the server; the details are in its log under this request id.
    #[error("{}", crate::domain::messages::internal(request_id))]
    Internal { request_id: String },
    /// The server could not be reached or answered something unreadable.
    #[error("The server could not be reached. Check your connection and try again.")]
    Unreachable,
}

impl ApiError {
    /// The field this answer is about, if it is about one.
    pub fn field(&self) -> Option<crate::domain::workflow::Field> {
        match self {
            ApiError::InvalidField(field, _) => Some(*field),
            _ => None,
        }
    }

    /// A request whose arguments can't be read.
    fn malformed() -> Self {
        Self::Invalid(
            "The request could not be read: a value is missing or has the wrong form.".to_owned(),
        )
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    /// On the server this also runs when a request's arguments can't be read (the function's
    /// body never starts): the answer then gets its own status (422 for a malformed request),
    /// not the generic 500.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            // On the server, what can't be deserialized is the request; in the browser, the
            // answer.
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => Self::malformed(),
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => {
                Self::Unreachable
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::malformed(),
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::Response(_) => Self::Internal {
                request_id: "-".to_owned(),
            },
        };
        #[cfg(feature = "ssr")]
        let error = super::support::refuse(error);
        error
    }
}
