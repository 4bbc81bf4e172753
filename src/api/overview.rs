//! The overview page's server function: the channel at a glance, for the platform's staff.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::ApiError;
use crate::domain::{overview::Overview, query::ReportFilter};

/// The overview of `filter`'s region and cycle range (its other fields are ignored).
#[server(endpoint = "reports/overview", input = Json)]
pub async fn get_overview(filter: ReportFilter) -> Result<Overview, ApiError> {
    use crate::api::support;
    use crate::server::services::{overview, reports::this_month};

    let session = support::require_session().await?;
    let state = support::state()?;
    let this_month = this_month()
        .ok_or_else(|| support::internal("overview", "the clock is outside years 1 to 9999"))?;
    overview::overview(&state.db, &session.caller, &filter, this_month)
        .await
        .map_err(support::refuse)
}
