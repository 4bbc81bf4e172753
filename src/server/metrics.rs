//! `GET /metrics`: what a running instance is doing, in the Prometheus text format.
//!
//! Requests are counted by route (the pattern, `/reports/{id}`, never a report's id), method and
//! status, with a latency histogram per route; the database pool, the delivery outbox's backlog
//! and its oldest age are read at each scrape; the job runner and sign-in count their runs and
//! failures where they happen (see `jobs` and `services::auth`).
//!
//! The answer is never open by accident: without `--metrics-token` (`METRICS_TOKEN`) the route
//! answers 404 like any unknown address; with it, a scrape must send
//! `Authorization: Bearer TOKEN` or gets 401. Each instance reports its own counters, so a
//! scraper asks every instance (the gauges read from the database are the same on all).

// Prometheus samples are floating point by definition; these are counts, seconds and
// connections, never money.
#![allow(clippy::disallowed_types)]

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};

use super::{
    db::{Db, deliveries},
    state::AppState,
};
use crate::domain::delivery::DeliveryState;

pub const PATH: &str = "/metrics";

/// The shortest token accepted, so that a weak one cannot be set by accident.
pub const TOKEN_MIN_CHARS: usize = 24;

const LATENCY: &str = "billing_reports_http_request_duration_seconds";
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's one recorder, installed at the first call (the router calls it when built).
pub fn install() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(LATENCY.to_owned()), LATENCY_BUCKETS)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder was installed first; /metrics stays empty");
        }
        handle
    })
}

/// Counts every request by route, method and status, and times it (to the response's head).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(static or unknown)", MatchedPath::as_str)
        .to_owned();
    // Only the methods the app serves become labels; anything else is one "other".
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "billing_reports_http_requests_total",
        "route" => route.clone(),
        "method" => method,
        "status" => status,
    )
    .increment(1);
    metrics::histogram!(LATENCY, "route" => route).record(started.elapsed().as_secs_f64());
    response
}

/// The scrape: 404 without a token set, 401 without the right one.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.metrics_token.as_deref() else {
        return (StatusCode::NOT_FOUND, "Not found.").into_response();
    };
    if !bearer_matches(&headers, expected) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "The metrics need the metrics token (Authorization: Bearer).",
        )
            .into_response();
    }
    read_gauges(&state.db).await;
    let handle = install();
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Compares digests of the presented and the expected token, in time independent of where
/// they differ.
fn bearer_matches(headers: &HeaderMap, expected: &str) -> bool {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    let (a, b) = (
        Sha256::digest(presented.trim()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |diff, (x, y)| diff | (x ^ y))
        == 0
}

/// The gauges read at each scrape: the pool, and the outbox's backlog by state with its oldest
/// age. A database that does not answer leaves them as they were (and `/readyz` says so).
async fn read_gauges(db: &Db) {
    let pool = db.pool();
    let idle = pool.num_idle() as f64;
    metrics::gauge!("billing_reports_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("billing_reports_db_pool_connections", "state" => "in_use")
        .set((f64::from(pool.size()) - idle).max(0.0));
    let backlog = async {
        let mut conn = db.acquire().await?;
        deliveries::backlog(&mut conn).await
    };
    match backlog.await {
        Ok(backlog) => {
            let now = time::OffsetDateTime::now_utc();
            // Every state not delivered is set, to 0 when none is left in it.
            for state in [DeliveryState::Pending, DeliveryState::Failed] {
                let (count, age) = backlog.iter().find(|(of, _, _)| *of == state).map_or(
                    (0, 0.0),
                    |(_, count, oldest)| {
                        let at = time::OffsetDateTime::parse(
                            oldest,
                            &time::format_description::well_known::Rfc3339,
                        );
                        let age = at.map_or(0.0, |at| (now - at).as_seconds_f64().max(0.0));
                        (*count, age)
                    },
                );
                let state = state.as_code();
                metrics::gauge!("billing_reports_outbox_backlog", "state" => state)
                    .set(count as f64);
                metrics::gauge!("billing_reports_outbox_oldest_age_seconds", "state" => state)
                    .set(age);
            }
        }
        Err(error) => tracing::warn!(%error, "could not read the outbox for the metrics"),
    }
}

/// A setting's token, refused when too short to be a secret.
pub fn parse_token(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() < TOKEN_MIN_CHARS {
        return Err(format!(
            "the metrics token must be at least {TOKEN_MIN_CHARS} characters (for example \
             the output of `openssl rand -hex 32`)"
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_matches() {
        let token = "0123456789abcdef0123456789abcdef";
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().expect("header"));
            headers
        };
        assert!(bearer_matches(&with(&format!("Bearer {token}")), token));
        assert!(!bearer_matches(&with(&format!("Bearer {token}x")), token));
        assert!(!bearer_matches(&with(token), token));
        assert!(!bearer_matches(&with("Bearer "), token));
        assert!(!bearer_matches(&HeaderMap::new(), token));
    }

    #[test]
    fn a_short_token_is_refused() {
        assert!(parse_token("short").is_err());
        assert_eq!(
            parse_token(" 0123456789abcdef01234567 ").as_deref(),
            Ok("0123456789abcdef01234567")
        );
    }
}
