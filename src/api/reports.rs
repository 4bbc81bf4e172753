//! Server functions for billing reports.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::ApiError;
use crate::domain::{
    OpenedReport,
    line_page::LinePage,
    pricing::VerifiedCode,
    query::{FilterOptions, ListedReports, ReportFilter},
    workflow::LineEdit,
};

/// One page of the billing reports the caller may see, matching `filter`.
#[server(endpoint = "reports/list", input = Json)]
pub async fn list_reports(filter: ReportFilter) -> Result<ListedReports, ApiError> {
    use crate::api::support;
    use crate::server::services;

    let session = support::require_session().await?;
    let state = support::state()?;
    services::reports::list(&state.db, &session.caller, &filter)
        .await
        .map_err(support::refuse)
}

/// The region and distributor choices of the list's filters (empty unless the caller's list
/// spans distributors).
#[server(endpoint = "reports/filter-options", input = Json)]
pub async fn report_filter_options() -> Result<FilterOptions, ApiError> {
    use crate::api::support;
    use crate::server::services;

    let session = support::require_session().await?;
    let state = support::state()?;
    services::reports::filter_options(&state.db, &session.caller)
        .await
        .map_err(support::refuse)
}

/// One report, if the caller may see it (otherwise "not found", as for a report that does not
/// exist): one page of its lines, or every line when `lines` is left out. The totals are always
/// the whole report's.
#[server(endpoint = "reports/open", input = Json)]
pub async fn open_report(
    id: i64,
    #[server(default)] lines: Option<LinePage>,
) -> Result<OpenedReport, ApiError> {
    use crate::api::support;
    use crate::server::services;

    let session = support::require_session().await?;
    let state = support::state()?;
    let report = services::reports::open(&state.db, &state.vendor, &session.caller, id)
        .await
        .map_err(support::refuse)?;
    Ok(report.paged(lines.unwrap_or(LinePage::All), &session.caller.actor))
}

/// What a partner, a distributor or the vendor may do to a report from its page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReportAction {
    /// The partner saves chargeable units and comments of some lines (lines of this report
    /// only; any other id is refused like a missing one).
    SaveDraft {
        edits: Vec<LineEdit>,
    },
    /// The partner saves these edits and submits the report for review.
    Submit {
        edits: Vec<LineEdit>,
    },
    SetPoNumber {
        po_number: String,
    },
    /// Submit to the vendor, with the PO number typed in the same form (saved first when it
    /// differs from the report's).
    SubmitToVendor {
        po_number: Option<String>,
        comment: Option<String>,
    },
    ReturnToPartner {
        reason: String,
    },
    Complete,
    ReturnToDistributor {
        reason: String,
    },
    /// Apply a verified pricing code to a line, with the unlocked value as typed.
    ApplyCode {
        line_id: i64,
        code: String,
        value: String,
    },
    /// Put every line back to the catalogue's unit price and channel margin.
    ResetPricing,
    /// Take one line's special pricing off.
    RemoveCode {
        line_id: i64,
    },
}

/// Acts on the report the caller opened at `version`; answers the new version. If someone else
/// changed the report meanwhile nothing happens and the answer says so.
#[server(endpoint = "reports/act", input = Json)]
pub async fn act_on_report(id: i64, version: i64, action: ReportAction) -> Result<i64, ApiError> {
    use crate::api::support;
    use crate::server::services::reports::{Command, act};

    let session = support::require_session().await?;
    let state = support::state()?;
    let command = match action {
        ReportAction::SaveDraft { edits } => Command::SaveDraft { edits },
        ReportAction::Submit { edits } => Command::Submit { edits },
        ReportAction::SetPoNumber { po_number } => Command::SetPoNumber { po_number },
        ReportAction::SubmitToVendor { po_number, comment } => {
            Command::SubmitToVendor { po_number, comment }
        }
        ReportAction::ReturnToPartner { reason } => Command::Reject { reason },
        ReportAction::Complete => Command::Complete,
        ReportAction::ReturnToDistributor { reason } => Command::Return { reason },
        ReportAction::ApplyCode {
            line_id,
            code,
            value,
        } => Command::ApplyCode {
            line_id,
            code,
            value,
        },
        ReportAction::ResetPricing => Command::ResetPricing,
        ReportAction::RemoveCode { line_id } => Command::RemoveCode { line_id },
    };
    let caller = crate::server::services::Caller::User(session.caller);
    act(&state.db, &state.vendor, &caller, id, version, command)
        .await
        .map(|outcome| outcome.version)
        .map_err(support::refuse)
}

/// Asks the vendor's pricing service whether `code` is valid for one line of a report the
/// caller may price now, and what it grants. Changes nothing.
#[server(endpoint = "reports/verify-code", input = Json)]
pub async fn verify_pricing_code(
    id: i64,
    line_id: i64,
    code: String,
) -> Result<VerifiedCode, ApiError> {
    use crate::api::support;
    use crate::server::services;

    let session = support::require_session().await?;
    let state = support::state()?;
    services::reports::verify_code(
        &state.db,
        &state.vendor,
        &session.caller,
        id,
        line_id,
        &code,
    )
    .await
    .map_err(support::refuse)
}
