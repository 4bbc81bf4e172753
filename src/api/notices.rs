//! The notices' server function: the list (opening it marks the notices read for this user).
//! Only the notices of the caller's own organisation; the bell's count comes with `who_am_i`.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::notice::Notice;

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
