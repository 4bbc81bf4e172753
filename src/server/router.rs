//! The HTTP surface: health probes, metrics, file exports, the public API, the Leptos pages and server functions,
//! static files, and the layers every request passes through (request id, tracing, metrics,
//! compression, body limit).

use axum::{
    Router,
    body::Body,
    extract::State,
    http::{Request, StatusCode},
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::{
    compression::{
        CompressionLayer, CompressionLevel,
        predicate::{DefaultPredicate, NotForContentType, Predicate},
    },
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use super::{
    auth::RequestSession, exports, metrics, rest, security, state::AppState, usage_upload,
};
use crate::app::{App, shell};

/// Largest request body accepted (server-function arguments and forms are small).
const BODY_LIMIT_BYTES: usize = 256 * 1024;

const HEALTHZ: &str = "/healthz";
const READYZ: &str = "/readyz";

/// Every route [`build`] serves besides the server functions (which list themselves, see
/// `leptos::server_fn::axum::server_fn_paths`) and the site's static files, as (method, path):
/// the probes, the metrics, the exports, the pages, the usage upload and the public API. The access tests call
/// each of them as every kind of user.
pub fn route_table() -> Vec<(&'static str, String)> {
    let mut table = vec![("GET", HEALTHZ.to_owned()), ("GET", READYZ.to_owned())];
    table.extend(
        exports::PATHS
            .iter()
            .map(|path| ("GET", (*path).to_owned())),
    );
    table.extend(
        generate_route_list(App)
            .iter()
            .map(|route| ("GET", route.path().to_owned())),
    );
    table.push(("POST", usage_upload::PATH.to_owned()));
    table.push(("GET", metrics::PATH.to_owned()));
    table.extend(rest::route_table());
    table
}

/// The whole application as an axum router: used by `main` and by the tests alike.
pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    metrics::install();

    Router::new()
        .route(HEALTHZ, get(healthz))
        .route(READYZ, get(readyz))
        .route(metrics::PATH, get(metrics::scrape))
        .merge(exports::routes())
        .merge(rest::routes())
        // The bundle (JS, WASM, CSS): the build's compressed copies when the browser takes
        // them, and a 304 when its copy is current (the fallback below serves the rest of the
        // site's files, without either).
        .route_service(
            &leptos_axum::site_pkg_dir_service_route_path(&options),
            leptos_axum::site_pkg_dir_service(&options),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(RequestSession::default());
            },
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Everything above takes small bodies; the usage upload has its own limit.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .merge(usage_upload::routes())
        .merge(rest::upload_routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::layer,
        ))
        // Applied to each route, so it sees the route's pattern (see `metrics::track`).
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(compression()),
        )
        .with_state(state)
}

/// Pages, server-function answers and CSV exports compressed as the browser asks (brotli or
/// gzip, at a quality cheap enough per request). Static files are compressed once at build
/// (`cargo leptos build --release --precompress`) and arrive here already encoded, which this
/// leaves alone; WASM (precompressed in release), PDFs and spreadsheets (compressed already)
/// are never compressed per request.
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new()
        .and(NotForContentType::const_new("application/wasm"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new(
            "application/vnd.openxmlformats",
        ));
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(4))
        .compress_when(predicate)
}

fn request_span(request: &Request<Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
