//! The notices' server functions: the list (opening it marks the notices read for this user),
//! and the user's own choice of the notices they are also emailed. Only the notices of the
//! caller's own organisation; the bell's count comes with `who_am_i`.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::{email::EmailChoices, notice::Notice};

/// The newest notices the list shows.
pub const NOTICES_SHOWN: i64 = 50;

/// The caller's newest notices, marked read from now on (each says whether it was new).
#[server(endpoint = "notices/open")]
pub async fn open_notices() -> Result<Vec<Notice>, ApiError> {
    use crate::api::support;
    use crate::server::db::{notices, now_utc};

    let session = support::require_session().await?;
    let actor = &session.caller.actor;
    let state = support::state()?;
    notices::open(
        &state.db,
        actor.org_id,
        actor.user_id,
        &now_utc(),
        NOTICES_SHOWN,
    )
    .await
    .map_err(|error| support::internal("reading notices", error))
}

/// Which notices the caller is also emailed, and whether this server sends email.
#[server(endpoint = "notices/email-choices")]
pub async fn load_email_choices() -> Result<EmailChoices, ApiError> {
    use crate::api::support;
    use crate::server::services::emails;

    let session = support::require_session().await?;
    let state = support::state()?;
    emails::choices(&state.db, &session.caller, state.sends_email)
        .await
        .map_err(support::refuse)
}

/// Stores the caller's email choices: the kinds in `wanted` (notice codes) on, the others off.
#[server(endpoint = "notices/save-email-choices")]
pub async fn save_email_choices(#[server(default)] wanted: Vec<String>) -> Result<(), ApiError> {
    use crate::api::support;
    use crate::server::services::emails;

    let session = support::require_session().await?;
    let state = support::state()?;
    emails::save_choices(&state.db, &session.caller, &wanted)
        .await
        .map_err(support::refuse)
}
