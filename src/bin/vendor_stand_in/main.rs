//! The vendor stand-in: a small HTTP server playing the vendor's pricing service for the test
//! suite and the browser journeys. It is written from the HTTP contract of SPEC §6 ("The vendor's
//! systems") alone and shares no code with the project's library, so it checks the project's HTTP
//! client against the contract rather than against itself.
//!
//! Run: `vendor-stand-in --book book.json --token T [--listen 127.0.0.1:0]` (or `PRICING_TOKEN`).
//! Once bound it prints `listening on http://ADDR` on stdout and serves until it is killed. The
//! book: `{"prices":[{region, sku, valid_from, valid_to, unit_price, channel_margin, currency}],
//! "codes":[{code, partner_id, sku, kind, unit_price, channel_margin, valid_from, valid_to}]}`.
//!
//! Control, without a token:
//! - `POST /_stand-in/mode` `{"mode":"normal|slow|down|garbage|lost","delay_ms":N,"times":N}`
//!   → 204. `slow` waits `delay_ms` (default 5000) then answers, `down` answers 503, `garbage`
//!   answers 200 with a body that is not JSON, `lost` records a submission but answers 503; with
//!   `times` it lasts for the next N contract calls only.
//! - `GET /_stand-in/submissions` → the accepted report submissions, and how many contract calls
//!   of each kind arrived (refused ones included).

use std::{
    collections::BTreeMap,
    io::Write,
    path::PathBuf,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use clap::Parser;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

mod book;

use book::{Amount, Book, Period, VerifyRequest};

/// Command line of the stand-in.
#[derive(Parser)]
#[command(
    name = "vendor-stand-in",
    about = "Plays the vendor's pricing service (SPEC §6)"
)]
struct Args {
    /// The price book: a JSON file with `prices` and `codes`.
    #[arg(long)]
    book: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// The bearer token every contract call must carry.
    #[arg(long, env = "PRICING_TOKEN")]
    token: String,
}

/// The modes a test can ask for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ModeName {
    #[default]
    Normal,
    Slow,
    Down,
    Garbage,
    /// A submission is recorded, then answered 503 as if the answer was lost on the way: the
    /// client must send it again with the same key and get the same reference.
    Lost,
}

/// The body of `POST /_stand-in/mode`, kept as the current mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
struct Mode {
    mode: ModeName,
    delay_ms: Option<u64>,
    times: Option<u64>,
}

impl Mode {
    /// The mode for one contract call, counting it against `times`.
    fn take(&mut self) -> Mode {
        let now = *self;
        match self.times {
            Some(left) if left <= 1 => *self = Mode::default(),
            Some(left) => self.times = Some(left - 1),
            None => {}
        }
        now
    }
}

/// The contract calls, as counted by `GET /_stand-in/submissions`.
const CALLS: [&str; 4] = ["prices", "verify", "codes", "billing_reports"];

/// One accepted report submission.
#[derive(Serialize)]
struct Submission {
    key: String,
    reference: String,
    report_id: Value,
    body: Value,
}

/// What changes while the stand-in runs.
struct Inner {
    mode: Mode,
    calls: BTreeMap<&'static str, u64>,
    submissions: Vec<Submission>,
    next_reference: u32,
}

/// Everything the handlers share.
struct StandIn {
    token: String,
    book: Book,
    inner: Mutex<Inner>,
}

type Shared = Arc<StandIn>;

impl StandIn {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `{"error": message}` with `status`.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// Counts the call, applies the current mode, then checks the bearer token; gives back the mode
/// the call was admitted under.
async fn admit(
    state: &StandIn,
    call: &'static str,
    headers: &HeaderMap,
) -> Result<ModeName, Response> {
    let mode = {
        let mut inner = state.inner();
        *inner.calls.entry(call).or_default() += 1;
        inner.mode.take()
    };
    match mode.mode {
        ModeName::Normal | ModeName::Lost => {}
        ModeName::Slow => {
            tokio::time::sleep(Duration::from_millis(mode.delay_ms.unwrap_or(5000))).await
        }
        ModeName::Down => {
            return Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "down for maintenance",
            ));
        }
        ModeName::Garbage => {
            let content_type = [(header::CONTENT_TYPE, "application/json")];
            return Err((StatusCode::OK, content_type, "<html>oops").into_response());
        }
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if given == Some(format!("Bearer {}", state.token).as_str()) {
        Ok(mode.mode)
    } else {
        Err(error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token",
        ))
    }
}

/// The 400 answer to a malformed request.
fn bad_request(message: String) -> Response {
    error(StatusCode::BAD_REQUEST, message)
}

/// Reads a JSON body; the error says why it is malformed or which field is missing.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("bad body: {e}"))
}

/// Reads a query; the error says why it is malformed or which parameter is missing.
fn query<T>(extracted: Result<Query<T>, QueryRejection>) -> Result<T, String> {
    extracted.map(|Query(q)| q).map_err(|e| e.body_text())
}

/// Query of `GET /v1/prices`.
#[derive(Deserialize)]
struct PriceQuery {
    region: String,
    sku: String,
    period: Period,
}

/// `GET /v1/prices`: the list price and margin.
async fn prices(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<PriceQuery>, QueryRejection>,
) -> Result<Response, Response> {
    admit(&state, "prices", &headers).await?;
    let q = query(q).map_err(bad_request)?;
    let Some(price) = state.book.price_for(&q.region, &q.sku, q.period) else {
        let message = format!("no price for {} in {} in {}", q.sku, q.region, q.period);
        return Err(error(StatusCode::NOT_FOUND, message));
    };
    let answer = json!({"unit_price": price.unit_price, "channel_margin": price.channel_margin,
                        "currency": price.currency});
    Ok(Json(answer).into_response())
}

/// `POST /v1/codes/verify`: a code's terms, or why it is not valid.
async fn verify(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    admit(&state, "verify", &headers).await?;
    let request: VerifyRequest = parse(&body).map_err(bad_request)?;
    Ok(Json(state.book.verdict(&request)).into_response())
}

/// Query of `GET /v1/codes`.
#[derive(Deserialize)]
struct CodesQuery {
    partner_id: i64,
    sku: String,
    period: Period,
}

/// `GET /v1/codes`: the codes granted to a partner on a product, valid in the period.
async fn codes(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<CodesQuery>, QueryRejection>,
) -> Result<Response, Response> {
    admit(&state, "codes", &headers).await?;
    let q = query(q).map_err(bad_request)?;
    let granted = state
        .book
        .codes
        .iter()
        .filter(|c| c.partner_id == q.partner_id && c.sku == q.sku);
    let listed: Vec<Value> = granted
        .filter(|c| c.valid_in(q.period))
        .map(|c| {
            let mut terms = c.terms();
            terms["code"] = json!(c.code);
            terms
        })
        .collect();
    Ok(Json(json!({"codes": listed})).into_response())
}

/// Body of `POST /v1/billing-reports`: every field present (`Value` ones may be any JSON,
/// `Option` ones may be null), amounts as decimal strings, extra fields ignored.
#[derive(Deserialize)]
#[allow(dead_code, reason = "read only to check the body's shape")]
struct ReportBody {
    report_id: Value,
    partner_id: i64,
    distributor: Value,
    period: Period,
    currency: String,
    #[serde(deserialize_with = "Option::deserialize")]
    po_number: Option<String>,
    #[serde(deserialize_with = "Option::deserialize")]
    comment: Option<String>,
    lines: Vec<ReportLine>,
    total: Amount,
}

/// One line of a submitted report.
#[derive(Deserialize)]
#[allow(dead_code, reason = "read only to check the body's shape")]
struct ReportLine {
    sku: String,
    chargeable: Value,
    unit_price: Amount,
    #[serde(deserialize_with = "Option::deserialize")]
    channel_margin: Option<Amount>,
    amount_owed: Amount,
}

/// `POST /v1/billing-reports`: records a submission once per `Idempotency-Key`.
async fn billing_reports(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let mode = admit(&state, "billing_reports", &headers).await?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if key.trim().is_empty() {
        return Err(bad_request("Idempotency-Key is required".to_owned()));
    }
    let _shape: ReportBody = parse(&body).map_err(bad_request)?;
    let received: Value = parse(&body).map_err(bad_request)?;
    let mut inner = state.inner();
    if let Some(earlier) = inner.submissions.iter().find(|s| s.key == key) {
        return Ok(Json(json!({"reference": earlier.reference})).into_response());
    }
    let reference = format!("TM-{:06}", inner.next_reference);
    inner.next_reference += 1;
    let report_id = received["report_id"].clone();
    eprintln!("vendor-stand-in: report {report_id} accepted as {reference}");
    let key = key.to_owned();
    let answer = json!({"reference": reference});
    inner.submissions.push(Submission {
        key,
        reference,
        report_id,
        body: received,
    });
    if mode == ModeName::Lost {
        return Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "answer lost on the way",
        ));
    }
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `POST /_stand-in/mode`: how the next contract calls are answered.
async fn set_mode(State(state): State<Shared>, body: Bytes) -> Result<StatusCode, Response> {
    let mode: Mode = parse(&body).map_err(bad_request)?;
    state.inner().mode = if mode.times == Some(0) {
        Mode::default()
    } else {
        mode
    };
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /_stand-in/submissions`: what was accepted and how many calls arrived.
async fn submissions(State(state): State<Shared>) -> Json<Value> {
    let inner = state.inner();
    Json(json!({"submissions": inner.submissions, "calls": inner.calls}))
}

/// The stand-in's routes.
fn router(state: Shared) -> Router {
    Router::new()
        .route("/v1/prices", get(prices))
        .route("/v1/codes/verify", post(verify))
        .route("/v1/codes", get(codes))
        .route("/v1/billing-reports", post(billing_reports))
        .route("/_stand-in/mode", post(set_mode))
        .route("/_stand-in/submissions", get(submissions))
        .with_state(state)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let path = args.book.display();
    let text = std::fs::read_to_string(args.book.as_path())
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    let book: Book = serde_json::from_str(&text).map_err(|e| format!("bad book {path}: {e}"))?;
    let calls = CALLS.map(|call| (call, 0)).into();
    let inner = Inner {
        mode: Mode::default(),
        calls,
        submissions: Vec::new(),
        next_reference: 100_001,
    };
    let state = Arc::new(StandIn {
        token: args.token,
        book,
        inner: Mutex::new(inner),
    });
    let listener = tokio::net::TcpListener::bind(args.listen.as_str()).await?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    axum::serve(listener, router(state)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limited_mode_returns_to_normal() {
        let mut mode = Mode {
            mode: ModeName::Down,
            delay_ms: None,
            times: Some(2),
        };
        assert_eq!(mode.take().mode, ModeName::Down);
        assert_eq!(mode.take().mode, ModeName::Down);
        assert_eq!(mode.take().mode, ModeName::Normal);
    }
}
