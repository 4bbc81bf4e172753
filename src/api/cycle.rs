//! Server functions of the monthly cycle's page (the usage file itself is uploaded to
//! `POST /usage/import`, see `server::usage_upload`).

use leptos::prelude::*;

use super::ApiError;
use crate::domain::cycle::Generated;

/// Generates the reports of `period` (YYYY-MM) from the imported usage: for the vendor's billing
/// team and platform admins only.
#[server(endpoint = "cycle/generate")]
pub async fn generate_reports(period: String) -> Result<Generated, ApiError> {
    use crate::api::support;
    use crate::domain::Period;
    use crate::server::services::cycle;

    let session = support::require_session().await?;
    cycle::authorize(&session.caller).map_err(support::refuse)?;
    let period = Period::parse(&period)
        .map_err(|error| support::refuse(ApiError::Invalid(error.to_string())))?;
    let state = support::state()?;
    cycle::generate(
        &state.db,
        &state.vendor,
        period,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .map_err(support::refuse)
}
