//! The deliveries page's server functions: the submissions not yet delivered to the vendor,
//! and "retry now" on a failed one. The vendor's billing team and platform admins only.

use leptos::{prelude::*, server_fn::codec::Json};

use super::ApiError;
use crate::domain::delivery::DeliveryItem;

/// The deliveries in flight and failed, failed first.
#[server(endpoint = "deliveries/list")]
pub async fn list_deliveries() -> Result<Vec<DeliveryItem>, ApiError> {
    use crate::api::support;
    use crate::server::services::deliveries;

    let session = support::require_session().await?;
    let state = support::state()?;
    deliveries::undelivered(&state.db, &session.caller)
        .await
        .map_err(support::refuse)
}

/// Puts a failed delivery back in line, due at once.
#[server(endpoint = "deliveries/retry", input = Json)]
pub async fn retry_delivery(id: i64) -> Result<(), ApiError> {
    use crate::api::support;
    use crate::server::services::deliveries;

    let session = support::require_session().await?;
    let state = support::state()?;
    deliveries::retry_now(
        &state.db,
        &session.caller,
        id,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .map_err(support::refuse)
}
