//! Server functions of the notices: the bell's unread count, and the list (opening it marks the
//! notices read for this user). Only the notices of the caller's own organisation.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::notice::Notice;

/// The newest notices the list shows.
pub const NOTICES_SHOWN: i64 = 50;

/// How many notices the caller has not read (0 for nobody signed in).
#[server(endpoint = "notices/unread")]
pub async fn unread_notices() -> Result<i64, ApiError> {
    use crate::api::support;
    use crate::server::db::notices;

    let Some(session) = support::session().await? else {
        return Ok(0);
    };
    let actor = &session.caller.actor;
    let state = support::state()?;
    notices::unread(&state.db, actor.org_id, actor.user_id)
        .await
        .map_err(|error| support::internal("counting notices", error))
}

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
