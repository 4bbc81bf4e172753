//! The server function that takes one step on many reports at once (`domain::bulk`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::ApiError;
use crate::domain::bulk::{BulkItem, BulkResult, BulkStep};

/// Takes `step` on each report of `items` on its own; says for each, in the order asked, whether
/// it went through (its new status) or why it was left as it was.
#[server(endpoint = "reports/bulk", input = Json)]
pub async fn act_on_reports(
    step: BulkStep,
    items: Vec<BulkItem>,
) -> Result<Vec<BulkResult>, ApiError> {
    use crate::api::support;
    use crate::server::services::{self, ServiceError};

    let session = support::require_session().await?;
    let state = support::state()?;
    let results = services::reports::act_on_many(&state.db, &session.caller, step, &items)
        .await
        .map_err(support::refuse)?;
    Ok(results
        .into_iter()
        .map(|result| {
            result
                .map(|outcome| outcome.status)
                .map_err(|error| match error {
                    ServiceError::Conflict { .. } => "Someone else changed it meanwhile, so it \
                                                      was left as it is: open it to check it."
                        .to_owned(),
                    other => ApiError::from(other).to_string(),
                })
        })
        .collect())
}
