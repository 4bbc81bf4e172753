//! The report list and pages at production size: seeds `BENCH_REPORTS` reports (default
//! 100,000) with `BENCH_LINES` lines each (default 10), plus one partner's 36 reports of 500
//! lines, on SQLite (a temporary file) and PostgreSQL (a database created and dropped here); then
//! times the list queries, and whole server-rendered pages through the real router as a signed-in
//! platform admin: the list, and the detail page of a 500-line report. Prints a table; checks
//! only that each page answered 200.
//!
//! cargo bench --features ssr --bench list

use billing_reports::server::vendor::Vendor;
use std::time::{Duration, Instant};

use axum::{
    Router,
    body::Body,
    http::{Request, header},
};
use billing_reports::{
    domain::{
        ListScope, Period,
        flags::RiskFlag,
        query::{ListQuery, ReportFilter, SortKey, StatusFilter},
    },
    server::{
        config::Config,
        db::{Db, reports, scale},
        router,
        state::AppState,
    },
};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn bench_backend(label: &str, url: &str, spec: scale::ScaleSpec) {
    let db = Db::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    billing_reports::server::load_demo(&db, "Trend Micro")
        .await
        .expect("demo catalogue");
    let done = scale::generate(&db, url, spec).await.expect("seed");
    println!(
        "| {label} | seed {} reports / {} lines | {:.1?} |",
        done.reports, done.lines, done.elapsed
    );
    let month = Period::parse("2026-10").ok();
    let distributor: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(id) FROM organisations WHERE kind = 'distributor' AND name LIKE 'Scale %'",
    )
    .fetch_one(db.pool())
    .await
    .expect("a scale distributor");
    let cases: Vec<(&str, ReportFilter)> = vec![
        (
            "first page, no filter",
            ReportFilter {
                page: 1,
                ..ReportFilter::default()
            },
        ),
        (
            "one month",
            ReportFilter {
                from: month,
                to: month,
                page: 1,
                ..ReportFilter::default()
            },
        ),
        (
            "one month, under review",
            ReportFilter {
                from: month,
                to: month,
                status: Some(StatusFilter::UnderReview(None)),
                page: 1,
                ..ReportFilter::default()
            },
        ),
        (
            "one distributor",
            ReportFilter {
                distributor,
                page: 1,
                ..ReportFilter::default()
            },
        ),
        (
            "partner name search",
            ReportFilter {
                partner: Some("partner 0123".into()),
                page: 1,
                ..ReportFilter::default()
            },
        ),
        (
            "page 100, by total",
            ReportFilter {
                sort: Some(SortKey::Total),
                page: 100,
                ..ReportFilter::default()
            },
        ),
        (
            "by deadline",
            ReportFilter {
                sort: Some(SortKey::Deadline),
                page: 1,
                ..ReportFilter::default()
            },
        ),
        (
            "anomalies, one month",
            ReportFilter {
                flag: Some(RiskFlag::Anomaly),
                from: month,
                to: month,
                page: 1,
                ..ReportFilter::default()
            },
        ),
        (
            "one distributor's to-do",
            ReportFilter {
                distributor,
                status: Some(StatusFilter::UnderReview(None)),
                sort: Some(SortKey::Deadline),
                page: 1,
                ..ReportFilter::default()
            },
        ),
    ];
    for (name, filter) in cases {
        let mut samples = Vec::new();
        let mut count = 0;
        for _ in 0..7 {
            let start = Instant::now();
            count = reports::list(&db, &ListQuery::new(ListScope::All, &filter))
                .await
                .expect("list")
                .total_count;
            samples.push(start.elapsed());
        }
        println!(
            "| {label} | list: {name} ({count} match) | {:.2?} |",
            median(samples)
        );
    }
    pages(label, url, &db).await;
    db.close().await;
}

/// Sends one request through the router; answers the status and the body's length.
async fn get(router: &Router, path: &str, cookie: &str) -> (u16, usize) {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, body.len())
}

/// Whole pages as the browser gets them: the list at full size, and a 500-line report.
async fn pages(label: &str, url: &str, db: &Db) {
    let started = Instant::now();
    let big = scale::generate(
        db,
        url,
        scale::ScaleSpec {
            reports: 36,
            lines_per_report: 500,
            months: 36,
        },
    )
    .await
    .expect("500-line reports");
    println!(
        "| {label} | seed {} reports of 500 lines | {:.1?} |",
        big.reports,
        started.elapsed()
    );
    let report: i64 = sqlx::query_scalar(
        "SELECT r.id FROM reports r WHERE (SELECT COUNT(*) FROM line_items l WHERE l.report_id = r.id) = 500 \
         AND r.status = 'completed' ORDER BY r.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a 500-line report");

    let config = <Config as clap::Parser>::parse_from(["billing-reports", "--database-url", url]);
    let router = router::build(AppState::new(&config, db.clone(), Vendor::Builtin));
    let form = "email=ops%40billing-reports.example&password=demo-password";
    let response = router
        .clone()
        .oneshot(
            Request::post("/api/auth/sign-in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .body(Body::from(form))
                .expect("request"),
        )
        .await
        .expect("sign in");
    let cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.split(';').next().filter(|p| p.starts_with("br_session=")))
        .expect("a session cookie")
        .to_owned();

    let detail = format!("/reports/{report}");
    for (name, path) in [
        ("page: list, no filter", "/"),
        (
            "page: list, one month under review",
            "/?period=2026-10&status=under_review",
        ),
        ("page: report detail, 500 lines", detail.as_str()),
    ] {
        let mut samples = Vec::new();
        let mut answer = (0, 0);
        for _ in 0..7 {
            let start = Instant::now();
            answer = get(&router, path, &cookie).await;
            samples.push(start.elapsed());
        }
        assert_eq!(answer.0, 200, "{path}");
        println!(
            "| {label} | {name} ({} KiB of HTML) | {:.2?} |",
            answer.1 / 1024,
            median(samples)
        );
    }
}

#[tokio::main]
async fn main() {
    let spec = scale::ScaleSpec {
        reports: env_number("BENCH_REPORTS", 100_000),
        lines_per_report: u32::try_from(env_number("BENCH_LINES", 10)).unwrap_or(10),
        months: 36,
    };
    println!("| backend | measure | median of 7 (seed: once) |");
    println!("|---|---|---|");

    let dir = std::env::temp_dir().join(format!("br-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sqlite_url = format!("sqlite:{}?mode=rwc", dir.join("bench.db").display());
    bench_backend("SQLite", &sqlite_url, spec).await;
    let _ = std::fs::remove_dir_all(&dir);

    let admin_url = std::env::var("POSTGRES_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let name = format!("br_bench_{}", std::process::id());
    let admin = Db::connect(&admin_url).await.expect("PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin.pool())
        .await
        .expect("create");
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    bench_backend("PostgreSQL", &format!("{base}/{name}"), spec).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(admin.pool())
        .await
        .expect("drop");
}
