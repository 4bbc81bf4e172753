//! The public REST API, `/api/v1`: JSON over plain axum handlers for machines (a distributor's
//! ERP, a partner's PSA), beside the pages' private server functions. A caller is an API token
//! ([`caller`]); every handler calls the same services as the pages, so what a token may read
//! and do, the versions and the history are the pages' own. Actions need the version read
//! (`If-Match`) and may carry an `Idempotency-Key`; refusals are `application/problem+json`.
//! The OpenAPI document is generated from the handlers, [`schema`] and the webhooks' events
//! ([`events`]), and the reference page is drawn from it.

mod actions;
mod caller;
mod docs;
pub mod events;
mod idempotency;
mod openapi;
mod problem;
mod reports;
pub mod schema;
mod usage;

use axum::{
    Router,
    routing::{any, get},
};

pub use caller::Allowances;
pub use openapi::document;
pub use problem::Problem;

use super::state::AppState;

const REPORTS: &str = "/api/v1/reports";
const REPORT: &str = "/api/v1/reports/{id}";
pub const OPENAPI: &str = "/api/v1/openapi.json";
pub const DOCS: &str = "/api/v1/docs";

/// Every route of the public API as (method, path), each action by its own path.
pub fn route_table() -> Vec<(&'static str, String)> {
    let mut table = vec![
        ("GET", REPORTS.to_owned()),
        ("GET", REPORT.to_owned()),
        ("GET", OPENAPI.to_owned()),
        ("GET", DOCS.to_owned()),
    ];
    table.extend(
        actions::PATHS
            .iter()
            .map(|path| ("POST", (*path).to_owned())),
    );
    table.push(("POST", usage::PATH.to_owned()));
    table
}

/// The routes that take small bodies (the router limits them); [`upload_routes`] has its own.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(REPORTS, get(reports::list))
        .route(REPORT, get(reports::show))
        .route(OPENAPI, get(openapi::serve))
        .route(DOCS, get(docs::serve))
        .merge(actions::routes())
        // Anything else under /api/v1 is a problem too, not an empty 404.
        .route("/api/v1/{*rest}", any(|| async { Problem::not_found() }))
}

/// The usage import, with the usage feed's own body limit.
pub fn upload_routes() -> Router<AppState> {
    usage::routes()
}
