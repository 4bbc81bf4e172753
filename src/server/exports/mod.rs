//! Downloads: the filtered report list (every page at once) and one report's lines, as CSV and
//! as Excel workbooks (.xlsx).
//!
//! This module owns the four GET routes: who is asking, what the answer is when they may not
//! have the file (the status from `http_error`, in the downloads' own words), the file's name and
//! headers. It decides nothing about access and runs no SQL: the rows come from
//! `services::reports::list_for_export` and `services::reports::open`, which apply the same
//! visibility and pricing rules as the pages, so a report the caller may not see is "not found"
//! exactly like a missing one. [`table`] shapes the rows and cells, [`csv`] and [`xlsx`] write
//! them.

mod csv;
mod pdf;
mod table;
mod xlsx;

use std::fmt::Display;

use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use rust_xlsxwriter::XlsxError;

use super::{
    auth::{self, Session},
    http_error::{self, ErrorKind},
    services::{
        ServiceError,
        reports::{self as report_service, EXPORT_ROW_LIMIT},
    },
    state::AppState,
};
use crate::domain::{OpenedReport, query::ReportFilter};
use table::{Table, history_table, line_table, report_table};

/// The export routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    let [
        list_csv_path,
        list_xlsx_path,
        lines_csv_path,
        lines_xlsx_path,
        report_pdf_path,
    ] = PATHS;
    Router::new()
        .route(list_csv_path, get(list_csv))
        .route(list_xlsx_path, get(list_xlsx))
        .route(lines_csv_path, get(lines_csv))
        .route(lines_xlsx_path, get(lines_xlsx))
        .route(report_pdf_path, get(report_pdf))
}

/// Where the exports are served (GET): the list as CSV and as a workbook, one report's lines
/// likewise, and one report as a PDF.
pub const PATHS: [&str; 5] = [
    "/reports/export.csv",
    "/reports/export.xlsx",
    "/reports/{id}/lines.csv",
    "/reports/{id}/lines.xlsx",
    "/reports/{id}/report.pdf",
];

/// What an export handler answers: the file, or a plain-text refusal.
type Answer = Result<Response, Response>;

/// The query string of the list page, as name/value pairs.
type Params = Query<Vec<(String, String)>>;

async fn list_csv(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Answer {
    export_list(&state, &headers, &params, FileFormat::Csv).await
}

async fn list_xlsx(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Answer {
    export_list(&state, &headers, &params, FileFormat::Xlsx).await
}

async fn lines_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    export_lines(&state, &headers, &id, FileFormat::Csv).await
}

async fn lines_xlsx(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    export_lines(&state, &headers, &id, FileFormat::Xlsx).await
}

/// Every report the caller may see that matches the list page's filters (its page is ignored).
async fn export_list(
    state: &AppState,
    headers: &HeaderMap,
    params: &[(String, String)],
    format: FileFormat,
) -> Answer {
    let session = signed_in(state, headers).await?;
    let filter = ReportFilter::from_params(|key| {
        params
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.clone())
    });
    let listed =
        report_service::list_for_export(&state.db, &session.caller, &filter, EXPORT_ROW_LIMIT)
            .await
            .map_err(|error| refused(headers, error))?;
    let table = report_table(listed);
    tracing::info!(
        user_id = session.caller.actor.user_id,
        rows = table.rows.len(),
        ?format,
        "report list exported"
    );
    respond(headers, format, list_file_stem(&filter), table).await
}

/// One report as a PDF (header, lines, total, history), if the caller may open the report: with
/// the columns of the caller's spreadsheet of its lines, so a partner's has no price.
async fn report_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let session = signed_in(&state, &headers).await?;
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let opened = report_service::open(&state.db, &state.vendor, &session.caller, id)
        .await
        .map_err(|error| refused(&headers, error))?;
    let (stem, title) = names(&opened);
    let history = history_table(&opened);
    let lines = line_table(opened);
    let body = tokio::task::spawn_blocking(move || pdf::to_pdf(&title, &lines, &history))
        .await
        .map_err(|error| internal(&headers, "writing a PDF", error))?
        .map_err(|error| internal(&headers, "writing a PDF", error))?;
    tracing::info!(
        user_id = session.caller.actor.user_id,
        report_id = id,
        "report PDF downloaded"
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.pdf\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// A report's file name (without extension) and its title in a document.
fn names(opened: &OpenedReport) -> (String, String) {
    let header = match opened {
        OpenedReport::Priced(detail) => &detail.header,
        OpenedReport::Partner(detail) => &detail.header,
    };
    let stem = format!(
        "report-{}-{}-{}",
        header.id,
        slug(&header.partner_name),
        header.period
    );
    let title = format!(
        "Billing report {}: {}, {}",
        header.id,
        header.partner_name,
        crate::domain::format::period_long(header.period)
    );
    (stem, title)
}

/// One report's lines, if the caller may open the report.
async fn export_lines(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    format: FileFormat,
) -> Answer {
    let session = signed_in(state, headers).await?;
    // An id that is not a number names no report: the same answer as any missing one.
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let opened = report_service::open(&state.db, &state.vendor, &session.caller, id)
        .await
        .map_err(|error| refused(headers, error))?;
    let (stem, _) = names(&opened);
    let table = line_table(opened);
    tracing::info!(
        user_id = session.caller.actor.user_id,
        report_id = id,
        ?format,
        "report lines exported"
    );
    respond(headers, format, stem, table).await
}

// ---------------------------------------------------------------------------------------------
// Requests and answers
// ---------------------------------------------------------------------------------------------

async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
    match auth::authenticate(state, headers).await {
        Ok(Some(session)) => Ok(session),
        Ok(None) => Err(plain(
            ErrorKind::Unauthenticated.status(),
            "Please sign in".to_owned(),
        )),
        Err(error) => Err(internal(
            headers,
            "reading the session for an export",
            error,
        )),
    }
}

/// The answer for a report that does not exist or that the caller may not see: always the same.
fn not_found() -> Response {
    plain(ErrorKind::NotFound.status(), "Report not found.".to_owned())
}

/// What the caller may be told about a service's refusal, with the status `http_error` gives it.
fn refused(headers: &HeaderMap, error: ServiceError) -> Response {
    let status = error.kind().status();
    match error {
        ServiceError::NotFound => not_found(),
        ServiceError::Invalid(message) | ServiceError::InvalidField(_, message) => {
            plain(status, message)
        }
        ServiceError::Refused(refusal) => plain(status, format!("{refusal}.")),
        ServiceError::Vendor(error) => plain(status, error.to_string()),
        // Reading never races a writer's version check; if it ever did, it is our fault.
        error @ (ServiceError::Conflict { .. }
        | ServiceError::SettingsChanged
        | ServiceError::Database(_)) => internal(headers, "reading an export", error),
    }
}

/// Logs an internal failure with the request id; the caller only gets the id to quote, in the
/// same words as the pages use.
fn internal(headers: &HeaderMap, context: &str, error: impl Display) -> Response {
    let request_id = http_error::log_internal(Some(headers), context, error);
    plain(
        ErrorKind::Internal.status(),
        format!(
            "Something went wrong on our side. Please try again; if it keeps happening, quote \
             reference {request_id}."
        ),
    )
}

fn plain(status: StatusCode, message: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        message,
    )
        .into_response()
}

/// Writes the file off the async workers (a large workbook takes a while) and sends it.
async fn respond(headers: &HeaderMap, format: FileFormat, stem: String, table: Table) -> Answer {
    let body = tokio::task::spawn_blocking(move || format.render(&table))
        .await
        .map_err(|error| internal(headers, "writing an export", error))?
        .map_err(|error| internal(headers, "writing an export", error))?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{}\"", format.extension()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// `billing-reports-2026-11` for one month, a range's ends for a range, else `billing-reports`.
fn list_file_stem(filter: &ReportFilter) -> String {
    match (filter.from, filter.to) {
        (Some(from), Some(to)) if from == to => format!("billing-reports-{from}"),
        (Some(from), Some(to)) => format!("billing-reports-{from}-to-{to}"),
        (Some(from), None) => format!("billing-reports-from-{from}"),
        (None, Some(to)) => format!("billing-reports-to-{to}"),
        (None, None) => "billing-reports".to_owned(),
    }
}

/// A name safe in a file name and a header: lowercase ASCII letters and digits, other runs as one
/// `-` ("Harbor IT Services" → `harbor-it-services`).
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "partner".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The two kinds of file a download comes as.
#[derive(Clone, Copy, Debug)]
enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    const fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    const fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn render(self, table: &Table) -> Result<Vec<u8>, XlsxError> {
        match self {
            FileFormat::Csv => Ok(csv::to_csv(table).into_bytes()),
            FileFormat::Xlsx => xlsx::to_xlsx(table),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(slug("Harbor IT Services"), "harbor-it-services");
        assert_eq!(slug("Lumière Informatique"), "lumi-re-informatique");
        assert_eq!(slug("  ../\"evil\"; name=x "), "evil-name-x");
        assert_eq!(slug("株式会社"), "partner");
        let month = crate::domain::Period::parse("2026-11").ok();
        let filter = ReportFilter {
            from: month,
            to: month,
            ..ReportFilter::default()
        };
        assert_eq!(list_file_stem(&filter), "billing-reports-2026-11");
        assert_eq!(list_file_stem(&ReportFilter::default()), "billing-reports");
    }
}
