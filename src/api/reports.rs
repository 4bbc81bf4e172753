//! Server functions for billing reports.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::ApiError;
use crate::domain::query::{ReportFilter, ReportPage};

/// One page of the billing reports matching `filter`.
#[server(endpoint = "reports/list", input = Json)]
pub async fn list_reports(filter: ReportFilter) -> Result<ReportPage, ApiError> {
    use crate::server::{db, error::internal, state::AppState};

    let state = use_context::<AppState>().ok_or_else(|| internal("list_reports", "no state"))?;
    db::reports::list(&state.db, &filter)
        .await
        .map_err(|error| internal("listing reports", error))
}
