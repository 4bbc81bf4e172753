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

/// What a distributor or the vendor may do to a report from its page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReportAction {
    SetPoNumber { po_number: String },
    SubmitToVendor { comment: Option<String> },
    ReturnToPartner { reason: String },
    Complete,
    ReturnToDistributor { reason: String },
}

/// Acts on the report the caller opened at `version`; answers the new version. If someone else
/// changed the report meanwhile nothing happens and the answer says so.
#[server(endpoint = "reports/act", input = Json)]
pub async fn act_on_report(id: i64, version: i64, action: ReportAction) -> Result<i64, ApiError> {
    use crate::server::{
        api_support,
        services::reports::{Command, act},
    };

    let session = api_support::require_session().await?;
    let state = api_support::state()?;
    let command = match action {
        ReportAction::SetPoNumber { po_number } => Command::SetPoNumber { po_number },
        ReportAction::SubmitToVendor { comment } => Command::SubmitToVendor { comment },
        ReportAction::ReturnToPartner { reason } => Command::Reject { reason },
        ReportAction::Complete => Command::Complete,
        ReportAction::ReturnToDistributor { reason } => Command::Return { reason },
    };
    let caller = crate::server::services::Caller::User(session.caller);
    act(&state.db, &caller, id, version, command)
        .await
        .map(|outcome| outcome.version)
        .map_err(api_support::service_error)
}
