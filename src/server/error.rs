//! Turning server-side failures into what the browser may see. Internal errors are logged here,
//! with the request id, and leave the server only as that id.

use std::fmt::Display;

use leptos::prelude::use_context;

use crate::api::ApiError;

/// The id tower-http gave the current request (`x-request-id`), or "-" outside a request.
pub fn request_id() -> String {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get("x-request-id")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "-".to_owned())
}

/// Logs an internal failure with its context and returns the generic error for the browser.
pub fn internal(context: &str, error: impl Display) -> ApiError {
    let request_id = request_id();
    tracing::error!(%request_id, %error, "{context}");
    ApiError::Internal { request_id }
}
