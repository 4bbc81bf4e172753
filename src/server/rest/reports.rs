//! `/api/v1/reports`: the list, one report, and the actions on it. Each handler calls the same
//! service as the pages, so the policy, the versions and the history are the pages' own.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use utoipa::IntoParams;

use super::{
    actions::{self, Acted},
    idempotency,
    problem::Problem,
    schema::{Report, ReportItem, ReportList},
};
use crate::domain::{
    OpenedReport, Period,
    listing::ListedReports,
    query::{ListView, ReportFilter},
};
use crate::server::{
    auth::now_secs,
    services::{Caller, api_tokens::ApiCaller, reports},
    state::AppState,
};

/// The reports this token may read, a page at a time.
///
/// Every report unless `view=todo` asks for the caller's to-do only. A filter value that can't be
/// read is refused (422), never ignored. Pass `next_cursor` back as
/// `cursor` for the following page.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    operation_id = "list_reports",
    tag = "Reports",
    params(ListParams),
    responses(
        (status = 200, description = "One page of reports.", body = ReportList),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A cursor the list did not give.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many calls with this token; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = ["read"])),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    let mut filter = ReportFilter::from_params(|key| params.get(key).cloned());
    refuse_unread(&params, &filter)?;
    if filter.view.is_none() {
        filter.view = Some(ListView::All);
    }
    filter.page = match params.get("cursor") {
        Some(cursor) => page_of(cursor)?,
        None => 1,
    };
    let listed = reports::list(&state.db, &caller.session.caller, &filter)
        .await
        .map_err(|error| Problem::from_service(&headers, error))?;
    let next_cursor = (listed.page() < listed.page_count()).then(|| cursor_of(listed.page() + 1));
    let list = match listed {
        ListedReports::Priced(page) => ReportList {
            rows: page.rows.into_iter().map(ReportItem::from).collect(),
            total_count: page.total_count,
            as_of: page.as_of,
            next_cursor,
        },
        ListedReports::Partner(page) => ReportList {
            rows: page.rows.into_iter().map(ReportItem::from).collect(),
            total_count: page.total_count,
            as_of: page.as_of,
            next_cursor,
        },
    };
    Ok(Json(list).into_response())
}

/// The list's filters, as query parameters (each optional).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// A status (`msp_preparing`, `under_review`, `rejected`, `submitted_to_vendor`,
    /// `completed`), or under review for one reason (`under_review.manual`, ...).
    status: Option<String>,
    /// A region's id.
    region: Option<i64>,
    /// A distributor organisation's id.
    distributor: Option<i64>,
    /// One month, `YYYY-MM`.
    period: Option<String>,
    /// The first month of a range, `YYYY-MM`.
    from: Option<String>,
    /// The last month of a range, `YYYY-MM`.
    to: Option<String>,
    /// A partner's id, or part of its name.
    partner: Option<String>,
    /// An ISO 4217 currency code.
    currency: Option<String>,
    /// `overdue`: only reports whose running deadline has passed.
    deadline: Option<String>,
    /// `todo`: only what the caller has to act on; `all` (the default): everything.
    view: Option<String>,
    /// The order: `newest`, `oldest`, `partner`, `total`, `status`, `distributor`, `region`,
    /// `deadline`.
    sort: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Refuses a filter parameter whose value the filter could not read (the pages ignore one, as a
/// hand-edited address; a program should be told).
fn refuse_unread(params: &HashMap<String, String>, filter: &ReportFilter) -> Result<(), Problem> {
    let month = |key: &str| {
        params
            .get(key)
            .is_none_or(|text| Period::parse(text).is_ok())
    };
    let read = [
        ("status", filter.status.is_some()),
        ("view", filter.view.is_some()),
        ("sort", filter.sort.is_some()),
        ("flag", filter.flag.is_some()),
        ("currency", filter.currency.is_some()),
        ("region", filter.region.is_some()),
        ("distributor", filter.distributor.is_some()),
        ("deadline", filter.overdue),
        ("period", month("period")),
        ("from", month("from")),
        ("to", month("to")),
    ];
    match read
        .iter()
        .find(|(key, read)| !read && params.contains_key(*key))
    {
        Some((key, _)) => Err(Problem::invalid(format!(
            "The filter {key}={} can't be read. See the reference at /api/v1/docs for its values.",
            params.get(*key).map(String::as_str).unwrap_or_default()
        ))),
        None => Ok(()),
    }
}

/// A cursor names the page it opens; it is opaque to callers.
fn cursor_of(page: u32) -> String {
    format!("p{page}")
}

fn page_of(cursor: &str) -> Result<u32, Problem> {
    cursor
        .strip_prefix('p')
        .and_then(|page| page.parse::<u32>().ok())
        .filter(|page| *page >= 1)
        .ok_or_else(|| {
            Problem::invalid("This cursor is not one the list gave. Start again without it.")
        })
}

/// One report with its lines and history.
///
/// A partner's has no pricing field at all. The `ETag` is the version to send back as
/// `If-Match` with an action.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    operation_id = "get_report",
    tag = "Reports",
    params(("id" = i64, Path, description = "The report's id.")),
    responses(
        (status = 200, description = "The report.", body = Report, headers(("ETag" = String, description = "The report's version, e.g. `\"v7\"`."))),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not one this token may read.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many calls with this token; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = ["read"])),
)]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, Problem> {
    let opened = reports::open(&state.db, &state.vendor, &caller.session.caller, id)
        .await
        .map_err(|error| Problem::from_service(&headers, error))?;
    let report = match opened {
        OpenedReport::Priced(detail) => Report::from(detail),
        OpenedReport::Partner(detail) => Report::from(detail),
    };
    let version = report.version;
    Ok(with_etag(Json(report).into_response(), version))
}

/// An action (see `actions`) with `If-Match` (the version read) and, optionally, an
/// `Idempotency-Key`: taken as the token's user; answers the report's new status and version.
pub async fn act(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    id: i64,
    action: &str,
    body: Bytes,
) -> Response {
    let key = match idempotency::key(&headers) {
        Ok(key) => key,
        Err(problem) => return problem.into_response(),
    };
    let if_match = headers
        .get(header::IF_MATCH)
        .map(|value| value.as_bytes())
        .unwrap_or_default();
    if let Some(key) = &key {
        let request = [action.as_bytes(), &id.to_le_bytes(), if_match, &body];
        match idempotency::claim(
            &state.db,
            &headers,
            caller.token_id,
            key,
            &request,
            now_secs(),
        )
        .await
        {
            Ok(idempotency::Claim::Fresh) => {}
            Ok(idempotency::Claim::Replay { status, body }) => return replay(status, body),
            Err(problem) => return problem.into_response(),
        }
    }
    let (status, body, version) = match take(&state, &caller, &headers, id, action, &body).await {
        Ok((body, version)) => (StatusCode::OK, body.to_string(), Some(version)),
        Err(problem) => (problem.status(), problem.to_json(), None),
    };
    if let Some(key) = &key {
        idempotency::keep(&state.db, caller.token_id, key, status, &body).await;
    }
    answer(status, body, version)
}

async fn take(
    state: &AppState,
    caller: &ApiCaller,
    headers: &HeaderMap,
    id: i64,
    action: &str,
    body: &[u8],
) -> Result<(Value, i64), Problem> {
    caller
        .scope
        .may_change()
        .map_err(|refusal| Problem::from_service(headers, refusal.into()))?;
    let command = actions::command(action, body)?;
    let version = expected_version(headers)?;
    let user = Caller::User(caller.session.caller.clone());
    let outcome = reports::act(&state.db, &state.vendor, &user, id, version, command)
        .await
        .map_err(|error| Problem::from_service(headers, error))?;
    let acted = Acted {
        id,
        status: outcome.status.into(),
        version: outcome.version,
    };
    let body = serde_json::to_value(acted)
        .map_err(|error| Problem::internal(headers, "writing an answer", error))?;
    Ok((body, outcome.version))
}

/// The version `If-Match` names (`"v7"`, as the `ETag` gave it).
fn expected_version(headers: &HeaderMap) -> Result<i64, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "Send the report's version as `If-Match` (the `ETag` of the report you read), so \
             that a change made meanwhile is not overwritten.",
        ));
    };
    value
        .to_str()
        .ok()
        .and_then(|text| text.trim().strip_prefix("\"v"))
        .and_then(|text| text.strip_suffix('"'))
        .and_then(|version| version.parse::<i64>().ok())
        .ok_or_else(|| {
            Problem::invalid("If-Match must be the report's ETag as read, such as \"v7\".")
        })
}

fn with_etag(mut response: Response, version: i64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&format!("\"v{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

fn answer(status: StatusCode, body: String, version: Option<i64>) -> Response {
    let content_type = if status.is_success() {
        "application/json"
    } else {
        super::problem::PROBLEM_JSON
    };
    let response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    match version {
        Some(version) => with_etag(response, version),
        None => response,
    }
}

/// A kept answer, sent again, marked as such.
fn replay(status: StatusCode, body: String) -> Response {
    let version = serde_json::from_str::<Value>(&body)
        .ok()
        .filter(|_| status.is_success())
        .and_then(|value| value.get("version")?.as_i64());
    let mut response = answer(status, body, version);
    response.headers_mut().insert(
        header::HeaderName::from_static("idempotent-replayed"),
        HeaderValue::from_static("true"),
    );
    response
}
