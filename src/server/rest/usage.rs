//! `POST /api/v1/usage-imports`: the vendor's usage file (CSV), as the usage page uploads it and
//! the command line imports it, through the same service. Only those who run the monthly cycle,
//! with a token that may act.

use axum::{
    Json, Router,
    body::Body,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use tokio_util::io::{StreamReader, SyncIoBridge};
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::{IntoParams, ToSchema};

use super::problem::Problem;
use crate::domain::feed::{ImportSummary, MAX_FILE_BYTES};
use crate::server::{
    services::{api_tokens::ApiCaller, cycle, usage_import},
    state::AppState,
};

pub const PATH: &str = "/api/v1/usage-imports";

/// The route, with the feed's own body limit (a little above the file limit, so that the import
/// says in its words that a file is too large).
pub fn routes() -> Router<AppState> {
    let limit = usize::try_from(MAX_FILE_BYTES + 1_000_000).unwrap_or(usize::MAX);
    Router::new()
        .route(PATH, post(import))
        .layer(RequestBodyLimitLayer::new(limit))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true`: check every row and say what would change, writing nothing.
    #[serde(default)]
    dry_run: bool,
}

/// What an import did (or, on a dry run or with a problem, would do).
#[derive(Serialize, ToSchema)]
pub struct UsageImport {
    /// Data rows read (the header not counted).
    pub rows: u64,
    pub partners: u64,
    pub products: u64,
    pub new_rows: u64,
    pub changed_rows: u64,
    pub unchanged_rows: u64,
    /// Reports whose lines the corrected rows update.
    pub reports_updated: u64,
    /// The months the rows are for (`YYYY-MM`), oldest first.
    pub periods: Vec<String>,
    /// Every problem found; the first 100 are listed.
    pub problem_count: u64,
    pub problems: Vec<RowProblem>,
    /// Whether the rows were written (never with a problem, never on a dry run).
    pub imported: bool,
}

/// A problem with one row (row 0: the whole file).
#[derive(Serialize, ToSchema)]
pub struct RowProblem {
    pub row: u64,
    pub reason: String,
}

impl From<ImportSummary> for UsageImport {
    fn from(summary: ImportSummary) -> Self {
        UsageImport {
            rows: summary.rows,
            partners: summary.partners,
            products: summary.products,
            new_rows: summary.new_rows,
            changed_rows: summary.changed_rows,
            unchanged_rows: summary.unchanged_rows,
            reports_updated: summary.reports_updated,
            periods: summary.periods.into_iter().map(String::from).collect(),
            problem_count: summary.problem_count,
            problems: summary
                .problems
                .into_iter()
                .map(|problem| RowProblem {
                    row: problem.row,
                    reason: problem.reason,
                })
                .collect(),
            imported: summary.imported,
        }
    }
}

/// Import the vendor's usage file (vendor's billing team, platform admins).
///
/// The body is the CSV file itself (`partner,sku,period,provisioned,used`), read as it arrives.
/// Every row is checked first; with any problem nothing is written and the answer (422) lists
/// them by row. Importing the same file again changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/usage-imports",
    operation_id = "import_usage",
    tag = "Usage",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The usage file."),
    responses(
        (status = 200, description = "Checked, and imported unless a dry run.", body = UsageImport),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the vendor's billing team or a platform admin, or a read token.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A problem in the file: nothing was written; `problems` lists them.", body = UsageImport),
        (status = 429, description = "Too many calls with this token; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = ["act"])),
)]
pub async fn import(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Query(params): Query<ImportParams>,
    body: Body,
) -> Result<Response, Problem> {
    let refused = |error| Problem::from_service(&headers, error);
    caller
        .scope
        .may_change()
        .map_err(|refusal| refused(refusal.into()))?;
    cycle::authorize(&caller.session.caller).map_err(refused)?;
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let reader = SyncIoBridge::new(StreamReader::new(stream));
    let at = time::OffsetDateTime::now_utc();
    let summary = usage_import::import(&state.db, reader, params.dry_run, at)
        .await
        .map_err(refused)?;
    let status = if summary.problem_count == 0 {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(UsageImport::from(summary))).into_response())
}
