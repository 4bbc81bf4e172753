//! The webhooks page's server functions, for an organisation's administrators: its endpoints and
//! delivery log, registering an endpoint (its signing secret answered this once), removing one,
//! and sending a delivery again. The services check who may.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::webhook::{NewEndpoint, WebhooksPage};

/// The organisation's endpoints and its latest deliveries.
#[server(endpoint = "webhooks/load")]
pub async fn load_webhooks() -> Result<WebhooksPage, ApiError> {
    use crate::api::support;
    use crate::server::services::webhooks;

    let session = support::require_session().await?;
    let state = support::state()?;
    webhooks::page(&state.db, &session.caller)
        .await
        .map_err(support::refuse)
}

/// Registers `url` for `events` (event codes such as `report.submitted`; none chosen arrives
/// as none, and is refused in words).
#[server(endpoint = "webhooks/create")]
pub async fn create_webhook(
    url: String,
    #[server(default)] events: Vec<String>,
) -> Result<NewEndpoint, ApiError> {
    use crate::api::support;
    use crate::server::services::webhooks;

    let session = support::require_session().await?;
    let state = support::state()?;
    webhooks::create(&state.db, &session.caller, &url, &events)
        .await
        .map_err(support::refuse)
}

/// Removes endpoint `id` of the caller's organisation.
#[server(endpoint = "webhooks/remove")]
pub async fn remove_webhook(id: i64) -> Result<(), ApiError> {
    use crate::api::support;
    use crate::server::services::webhooks;

    let session = support::require_session().await?;
    let state = support::state()?;
    webhooks::remove(&state.db, &session.caller, id)
        .await
        .map_err(support::refuse)
}

/// Sends delivery `id` again.
#[server(endpoint = "webhooks/resend")]
pub async fn resend_webhook(id: i64) -> Result<(), ApiError> {
    use crate::api::support;
    use crate::server::services::webhooks;

    let session = support::require_session().await?;
    let state = support::state()?;
    webhooks::resend(&state.db, &session.caller, id)
        .await
        .map_err(support::refuse)
}
