//! The usage feed's upload: `POST /usage/import` with the CSV file as the body (`?dry_run=true`
//! for the preview). The body is read as it arrives, up to the feed's size limit, by the same
//! import service as the command line; the answer is the import's summary as JSON, or a refusal
//! in words. Only those who run the monthly cycle may call it (checked here, on the server).

use axum::{
    Json, Router,
    body::Body,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use futures_util::TryStreamExt;
use tokio_util::io::{StreamReader, SyncIoBridge};
use tower_http::limit::RequestBodyLimitLayer;

use super::{
    auth,
    http_error::{self, ErrorKind},
    services::{ServiceError, cycle, usage_import},
    state::AppState,
};
use crate::domain::feed::MAX_FILE_BYTES;

/// The upload route, with its own body limit (a little above the feed's, so that the import
/// itself says the file is too large, in its words).
/// Where the usage file is posted.
pub const PATH: &str = "/usage/import";

pub fn routes() -> Router<AppState> {
    let limit = usize::try_from(MAX_FILE_BYTES + 1_000_000).unwrap_or(usize::MAX);
    Router::new()
        .route(PATH, post(upload))
        .layer(RequestBodyLimitLayer::new(limit))
}

#[derive(serde::Deserialize)]
struct UploadQuery {
    #[serde(default)]
    dry_run: bool,
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<UploadQuery>,
    body: Body,
) -> Response {
    let session = match auth::authenticate(&state, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return plain(ErrorKind::Unauthenticated.status(), "Please sign in."),
        Err(error) => return internal(&headers, "reading the session for an upload", error),
    };
    if let Err(error) = cycle::authorize(&session.caller) {
        return plain(error.kind().status(), &format!("{error}."));
    }
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let reader = SyncIoBridge::new(StreamReader::new(stream));
    let at = time::OffsetDateTime::now_utc();
    match usage_import::import(&state.db, reader, query.dry_run, at).await {
        Ok(summary) => {
            tracing::info!(
                user_id = session.caller.actor.user_id,
                rows = summary.rows,
                problems = summary.problem_count,
                imported = summary.imported,
                "usage file checked"
            );
            Json(summary).into_response()
        }
        Err(ServiceError::Database(error)) => internal(&headers, "importing usage", error),
        Err(error) => plain(error.kind().status(), &error.to_string()),
    }
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_owned(),
    )
        .into_response()
}

fn internal(headers: &HeaderMap, context: &str, error: impl std::fmt::Display) -> Response {
    let request_id = http_error::log_internal(Some(headers), context, error);
    plain(
        ErrorKind::Internal.status(),
        &format!(
            "Something went wrong on our side. Please try again; if it keeps happening, quote \
             reference {request_id}."
        ),
    )
}
