//! The public REST API, `/api/v1`: JSON over plain axum handlers for machines (a distributor's
//! ERP, a partner's PSA), beside the pages' private server functions. A caller is an API token
//! ([`caller`]); every handler calls the same services as the pages, so what a token may read
//! and do, the versions and the history are the pages' own. Actions need the version read
//! (`If-Match`) and may carry an `Idempotency-Key`; refusals are `application/problem+json`.

mod actions;
mod caller;
mod idempotency;
mod problem;
mod reports;

use axum::{
    Router,
    routing::{get, post},
};

pub use actions::ACTIONS;
pub use caller::Allowances;
pub use problem::Problem;

use super::state::AppState;

const REPORTS: &str = "/api/v1/reports";
const REPORT: &str = "/api/v1/reports/{id}";
const ACTION: &str = "/api/v1/reports/{id}/{action}";

/// Every route of the public API as (method, path), each action by its own path.
pub fn route_table() -> Vec<(&'static str, String)> {
    let mut table = vec![("GET", REPORTS.to_owned()), ("GET", REPORT.to_owned())];
    table.extend(
        ACTIONS
            .iter()
            .map(|action| ("POST", format!("{REPORT}/{action}"))),
    );
    table
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(REPORTS, get(reports::list))
        .route(REPORT, get(reports::show))
        .route(ACTION, post(reports::act))
}
