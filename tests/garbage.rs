//! Garbage in: generated bodies sent to every server function, as JSON, as a form, or as bytes
//! that are not even text, by signed-in users of every kind. Each answer is a success or a 4xx
//! with a sentence, never a 5xx, and nothing is written (unless the garbage happened to be a
//! valid action, which the test counts and then allows).
//!
//! `BR_FUZZ_CASES` sets the number of bodies per backend: 10,000 in the test command, a million
//! in `make bench`. `BR_FUZZ_SEED` picks another deterministic sequence.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use billing_reports::server::db::{Backend, Db};
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, RngAlgorithm, TestRng, TestRunner},
};
use serde_json::{Map, Value};

use common::{TestApp, spawn_app};

on_both_backends!(garbage_bodies_get_a_4xx_and_change_nothing);

/// Server functions left out, and why: signing in runs a deliberately slow password check and
/// records failures (its garbage is covered in tests/sign_in.rs); signing out ends the session
/// the other cases use.
const LEFT_OUT: [&str; 2] = ["/api/auth/sign-in", "/api/auth/sign-out"];

/// Server functions whose success changes what is stored.
const ACTING: [&str; 3] = [
    "/api/reports/act",
    "/api/cycle/generate",
    "/api/settings/save",
];

const ACCOUNTS: [&str; 5] = [
    "ops@billing-reports.example",
    "dana@summit-tech.example",
    "maria@harbor-it.example",
    "vera@vendor.example",
    "lucia@andes-cloud.example",
];

/// The field names the server functions read, so that garbage reaches their parsers too.
const FIELDS: [&str; 24] = [
    "id",
    "version",
    "action",
    "filter",
    "line_id",
    "code",
    "value",
    "period",
    "page",
    "sort",
    "status",
    "region",
    "partner",
    "po_number",
    "reason",
    "comment",
    "edits",
    "chargeable",
    "submission_days",
    "review_days",
    "threshold",
    "anomaly_threshold",
    "po_pattern",
    "max_total",
];

fn cases() -> u64 {
    std::env::var("BR_FUZZ_CASES")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(10_000)
}

/// Text that looks like what the forms take (numbers, amounts, periods, codes) and text that
/// does not.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,30}",
        "-?[0-9]{0,20}[.,][0-9]{0,20}",
        "[0-9]{4}-[0-9]{1,2}",
        "[A-Za-z0-9 _./{}-]{0,50}",
        any::<String>(),
        "[\\PC]{0,3000}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(0), Just(-1)].prop_map(Value::from),
        "[0-9]{19,40}".prop_map(|digits| serde_json::from_str(&digits).unwrap_or(Value::Null)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((field(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
        1 => "[a-z_]{1,12}",
    ]
}

/// One request body and its content type.
#[derive(Debug, Clone)]
enum Garbage {
    Json(Value),
    Form(Vec<(String, String)>),
    Bytes(Vec<u8>),
}

fn garbage() -> impl Strategy<Value = Garbage> {
    prop_oneof![
        3 => prop::collection::vec((field(), json()), 0..8)
            .prop_map(|pairs| Garbage::Json(Value::Object(pairs.into_iter().collect()))),
        1 => json().prop_map(Garbage::Json),
        2 => prop::collection::vec((field(), text()), 0..8).prop_map(Garbage::Form),
        1 => prop::collection::vec(any::<u8>(), 0..400).prop_map(Garbage::Bytes),
    ]
}

impl Garbage {
    fn request(&self, path: &str, cookie: &str) -> Request<Body> {
        let (content_type, body): (&str, Vec<u8>) = match self {
            Garbage::Json(value) => ("application/json", value.to_string().into_bytes()),
            Garbage::Form(pairs) => (
                "application/x-www-form-urlencoded",
                pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect::<Vec<_>>()
                    .join("&")
                    .into_bytes(),
            ),
            Garbage::Bytes(bytes) => ("application/json", bytes.clone()),
        };
        Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request")
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What is stored, in a few numbers: any write moves one of them.
async fn fingerprint(db: &Db) -> Vec<i64> {
    let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM reports), (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM reports), \
                (SELECT COUNT(*) FROM history), (SELECT COUNT(*) FROM line_items), \
                (SELECT CAST(COALESCE(SUM(settings_version), 0) AS BIGINT) FROM organisations), \
                (SELECT COUNT(*) FROM usage_feed)",
    )
    .fetch_one(db.pool())
    .await
    .expect("fingerprint");
    vec![row.0, row.1, row.2, row.3, row.4, row.5]
}

async fn garbage_bodies_get_a_4xx_and_change_nothing(backend: Backend) {
    let app: TestApp = spawn_app(backend).await;
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| !LEFT_OUT.contains(&path.as_str()))
        .collect();
    assert!(paths.len() >= 10, "{paths:?}");
    let mut cookies = Vec::new();
    for account in ACCOUNTS {
        cookies.push(app.sign_in(account).await);
    }
    let before = fingerprint(&app.db).await;

    let seed: u64 = std::env::var("BR_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(17);
    let mut seed_bytes = [0_u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = garbage();
    let total = cases();
    let (mut refused, mut acted) = (0_u64, 0_u64);
    for case in 0..total {
        let body = strategy
            .new_tree(&mut runner)
            .expect("a generated body")
            .current();
        let path = &paths[(case % paths.len() as u64) as usize];
        let cookie = &cookies[((case / paths.len() as u64) % cookies.len() as u64) as usize];
        let (status, text) = common::read(app.send(body.request(path, cookie)).await).await;
        assert!(
            !status.is_server_error(),
            "case {case}: {path} answered {status} to {body:?}: {text}"
        );
        if status.is_client_error() {
            refused += 1;
            assert!(
                text.chars().any(char::is_alphabetic),
                "case {case}: {path} answered {status} without words to {body:?}"
            );
        } else if ACTING.contains(&path.as_str()) && status == StatusCode::OK {
            acted += 1;
        }
    }
    println!(
        "{total} garbage bodies to {} server functions: {refused} refused with a 4xx, {} \
         answered, {acted} of them acting",
        paths.len(),
        total - refused
    );
    if acted == 0 {
        assert_eq!(
            fingerprint(&app.db).await,
            before,
            "garbage changed what is stored"
        );
    }
}
