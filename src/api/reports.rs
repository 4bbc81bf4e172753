//! Server functions for billing reports.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::ApiError;
use crate::domain::{
    OpenedReport,
    query::{ListedReports, ReportFilter},
};

/// One page of the billing reports the caller may see, matching `filter`.
#[server(endpoint = "reports/list", input = Json)]
pub async fn list_reports(filter: ReportFilter) -> Result<ListedReports, ApiError> {
    use crate::server::{api_support, services};

    let session = api_support::require_session().await?;
    let state = api_support::state()?;
    services::reports::list(&state.db, &session.caller, &filter)
        .await
        .map_err(api_support::service_error)
}

/// One report, if the caller may see it (otherwise "not found", as for a report that does not
/// exist).
#[server(endpoint = "reports/open", input = Json)]
pub async fn open_report(id: i64) -> Result<OpenedReport, ApiError> {
    use crate::server::{api_support, services};

    let session = api_support::require_session().await?;
    let state = api_support::state()?;
    services::reports::open(&state.db, &session.caller, id)
        .await
        .map_err(api_support::service_error)
}
