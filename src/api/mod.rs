//! The server functions: the only door from the browser to the server. Each one is thin: it
//! takes the caller from the request, calls a service or repository, and maps the error.

pub mod api_tokens;
pub mod auth;
pub mod bulk;
pub mod cycle;
pub mod deliveries;
pub mod error;
pub mod integrity;
pub mod notices;
pub mod overview;
pub mod reports;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod support;
pub mod webhooks;

pub use error::ApiError;
