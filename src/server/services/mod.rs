//! Services: each user action is one transaction — load the report (locked), let the domain
//! decide, write the changes and exactly one history entry, all or nothing. A write based on an
//! old version changes nothing and comes back as a conflict. Signing in and out ([`auth`]) takes
//! plain inputs too, so that tests call every service without a request.

pub mod api_tokens;
pub mod auth;
pub mod cycle;
pub mod deliveries;
pub mod emails;
pub mod integrity;
pub mod overview;
pub mod reports;
pub mod settings;
pub mod usage_import;
pub mod webhooks;

use crate::domain::{Actor, Refusal};

/// Who is acting: a signed-in user, or the system's own jobs (deadlines).
#[derive(Clone, Debug)]
pub enum Caller {
    User(UserCaller),
    System,
}

/// A user as the history records them.
#[derive(Clone, Debug)]
pub struct UserCaller {
    pub actor: Actor,
    pub name: String,
    pub org_name: String,
}

/// Why an action did not happen. Nothing was changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The report does not exist, or the caller may not know it does.
    #[error("not found")]
    NotFound,
    /// Someone else changed the report first; this is the version now.
    #[error("the report changed meanwhile (now version {current_version})")]
    Conflict { current_version: i64 },
    /// Someone else saved the distributor's settings first.
    #[error("the settings changed meanwhile")]
    SettingsChanged,
    /// The workflow or the policy refuses the action.
    #[error("{0}")]
    Refused(Refusal),
    /// The input is not acceptable; the message says why, in the user's words.
    #[error("{0}")]
    Invalid(String),
    /// The value of one form field is not acceptable; the message says why.
    #[error("{1}")]
    InvalidField(crate::domain::workflow::Field, String),
    /// The vendor's systems gave no usable answer (not in time, or outside the contract).
    #[error("{0}")]
    Vendor(crate::server::vendor::VendorError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<crate::server::vendor::VendorError> for ServiceError {
    fn from(error: crate::server::vendor::VendorError) -> Self {
        match error {
            crate::server::vendor::VendorError::Database(error) => ServiceError::Database(error),
            other => ServiceError::Vendor(other),
        }
    }
}

impl ServiceError {
    /// The words of a refusal of the input (about one field or not), if this is one.
    pub fn invalid_message(&self) -> Option<&str> {
        match self {
            ServiceError::Invalid(message) | ServiceError::InvalidField(_, message) => {
                Some(message)
            }
            _ => None,
        }
    }
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound => ServiceError::NotFound,
            other => ServiceError::Refused(other),
        }
    }
}
