//! The history integrity page's server function: platform admins check every report's chain.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::integrity::IntegrityCheck;

/// Checks every report's history chain and answers what it found.
#[server(endpoint = "integrity/check")]
pub async fn check_history() -> Result<IntegrityCheck, ApiError> {
    use crate::api::support;
    use crate::server::services::integrity;

    let session = support::require_session().await?;
    let state = support::state()?;
    integrity::check_for(&state.db, &session.caller, time::OffsetDateTime::now_utc())
        .await
        .map_err(support::refuse)
}
