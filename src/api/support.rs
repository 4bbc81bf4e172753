//! What the server functions share: the state and the request from Leptos' context, the
//! caller's session, the cookie to set, and turning failures into what the browser may see.
//! Internal errors are logged here, with the request id, and leave the server only as that id.
//! Keeps the `#[server]` bodies to a few lines.
//!
//! Compiled for the server only. The api names `crate::server` (its state, sessions and
//! services); nothing in `crate::server` names the api.

use std::{fmt::Display, net::SocketAddr};

use axum::{
    extract::ConnectInfo,
    http::{HeaderValue, header, request::Parts},
};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::ApiError;
use crate::domain::Refusal;
use crate::server::{
    auth::{self, Session},
    http_error::{self, ErrorKind},
    services::{ServiceError, auth::SignInError},
    state::AppState,
};

/// Logs an internal failure with its context and returns the generic error for the browser.
pub fn internal(context: &str, error: impl Display) -> ApiError {
    let parts = use_context::<Parts>();
    let request_id = http_error::log_internal(parts.as_ref().map(|p| &p.headers), context, error);
    ApiError::Internal { request_id }
}

pub fn state() -> Result<AppState, ApiError> {
    use_context::<AppState>().ok_or_else(|| internal("server function", "no application state"))
}

/// The request being answered.
pub fn request() -> Result<Parts, ApiError> {
    use_context::<Parts>().ok_or_else(|| internal("server function", "no request"))
}

/// The caller's session, if signed in: looked up once per request (see
/// [`auth::RequestSession`]).
pub async fn session() -> Result<Option<Session>, ApiError> {
    let state = state()?;
    let request = request()?;
    let found = match use_context::<auth::RequestSession>() {
        Some(once) => once.get(&state, &request.headers).await,
        None => auth::authenticate(&state, &request.headers).await,
    };
    found.map_err(|error| internal("reading the session", error))
}

/// The caller's session, or the answer for someone who is not signed in.
pub async fn require_session() -> Result<Session, ApiError> {
    session()
        .await?
        .ok_or_else(|| refuse(ApiError::Unauthenticated))
}

/// Gives a refusal the HTTP status that says what kind it is (not the generic 500).
pub fn refuse(error: impl Into<ApiError>) -> ApiError {
    let error = error.into();
    let status = error.kind().status();
    // Only when the browser called the function itself: during page rendering the page decides
    // its own status (a redirect to sign in, a "not found" page).
    let called_directly =
        use_context::<Parts>().is_some_and(|parts| parts.uri.path().starts_with("/api/"));
    if let (true, Some(response)) = (called_directly, use_context::<ResponseOptions>()) {
        response.set_status(status);
    }
    error
}

impl ApiError {
    /// What kind of "no" this is; [`ErrorKind::status`] gives its HTTP status.
    fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Invalid(_) | ApiError::InvalidField(..) => ErrorKind::Invalid,
            ApiError::Unauthenticated => ErrorKind::Unauthenticated,
            ApiError::NotFound => ErrorKind::NotFound,
            ApiError::Conflict { .. } | ApiError::SettingsChanged => ErrorKind::Conflict,
            ApiError::Refused(_) | ApiError::RegionUnavailable(_) => ErrorKind::Forbidden,
            ApiError::Throttled { .. } | ApiError::Busy => ErrorKind::Throttled,
            ApiError::Unavailable(_) => ErrorKind::Unavailable,
            ApiError::Internal { .. } | ApiError::Unreachable => ErrorKind::Internal,
        }
    }
}

/// What the browser may see of a service's refusal; a database failure is logged and becomes the
/// generic error with the request id.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Conflict { current_version } => ApiError::Conflict { current_version },
            ServiceError::SettingsChanged => ApiError::SettingsChanged,
            ServiceError::Refused(refusal @ Refusal::RegionDisabled) => {
                ApiError::RegionUnavailable(refusal.to_string())
            }
            ServiceError::Refused(refusal) => ApiError::Refused(refusal.to_string()),
            ServiceError::Invalid(message) => ApiError::Invalid(message),
            ServiceError::InvalidField(field, message) => ApiError::InvalidField(field, message),
            ServiceError::Vendor(error) => {
                tracing::warn!(detail = %error.detail(), "the vendor's systems did not answer usably");
                ApiError::Unavailable(error.to_string())
            }
            ServiceError::Database(error) => internal("report action", error),
        }
    }
}

/// Where the request came from (for the sign-in throttle), or "unknown": the connection's
/// address, or behind trusted proxies the address they say they were reached from.
pub fn client_address(state: &AppState, request: &Parts) -> String {
    let peer = request
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded = request
        .headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    auth::client_ip(peer, forwarded, &state.trusted_proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    set_header(header::SET_COOKIE, value);
}

/// Adds a header to the server function's response.
pub fn set_header(name: header::HeaderName, value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(name, value);
    }
}

const WRONG_CREDENTIALS: &str = "The email address or password is not correct.";

/// What the browser may see of a failed sign-in: the same words whether the account exists or not.
impl From<SignInError> for ApiError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::Throttled { wait_secs } => ApiError::Throttled { wait_secs },
            SignInError::Busy => ApiError::Busy,
            SignInError::WrongCredentials => ApiError::Invalid(WRONG_CREDENTIALS.to_owned()),
            SignInError::Internal(error) => internal("sign-in", error),
        }
    }
}
