//! The reports list and the workflow at production size, each beside a baseline measured in the
//! same run:
//! - the list server function (`POST /api/reports/list`, through the real router, signed in as
//!   the platform admin) for each shape of filter, beside the same SQL run by the database's
//!   own shell (`sqlite3`, `psql`), with the database's plan for the page's rows;
//! - approve/return transitions through `POST /api/reports/act`, beside a bare loop of the same
//!   UPDATE and INSERT.
//!
//! `bench/run.sh` points `BENCH_SQLITE_URL` and `BENCH_POSTGRES_URL` at its cached scale data
//! (100,000 reports, a million lines); without them this seeds temporary databases
//! (`BENCH_REPORTS` reports of `BENCH_LINES` lines) and drops them afterwards. Prints markdown
//! table rows.
//!
//! cargo bench --features ssr --bench list

mod raw;
mod transitions;

use std::time::{Duration, Instant};

use axum::{
    Router,
    body::Body,
    http::{Request, header},
};
use billing_reports::{
    domain::{
        ListScope, Period,
        query::{ListQuery, ReportFilter, SortKey, StatusFilter},
    },
    server::{
        config::Config,
        db::{Backend, Db, reports, scale},
        router,
        state::AppState,
        vendor::Vendor,
    },
};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Samples per figure; p99 of 40 is the second slowest.
const RUNS: usize = 40;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `percent` percentile of `samples` (nearest rank).
pub fn percentile(samples: &[Duration], percent: usize) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank - 1]
}

pub fn ms(duration: Duration) -> String {
    let tenths = duration.as_micros() / 100;
    format!("{}.{} ms", tenths / 10, tenths % 10)
}

/// One table row: what, p50 and p99, the baseline's p50 and p99, and how the p99s compare.
pub fn row(backend: &str, measure: &str, ours: &[Duration], base: &[Duration], note: &str) {
    let (p50, p99) = (percentile(ours, 50), percentile(ours, 99));
    let (b50, b99) = (percentile(base, 50), percentile(base, 99));
    // In tenths, from whole microseconds.
    let ratio = p99.as_micros() * 10 / b99.as_micros().max(1);
    println!(
        "| {backend} | {measure} | {} | {} | {} | {} | {}.{}× | {note} |",
        ms(p50),
        ms(p99),
        ms(b50),
        ms(b99),
        ratio / 10,
        ratio % 10
    );
}

/// The filter shapes the list is measured with.
async fn cases(db: &Db) -> Vec<(&'static str, ReportFilter)> {
    let month = Period::parse("2026-10").ok();
    let region: Option<i64> = sqlx::query_scalar("SELECT MIN(region_id) FROM reports")
        .fetch_one(db.pool())
        .await
        .expect("a region");
    let page = |filter: ReportFilter| ReportFilter { page: 1, ..filter };
    vec![
        ("no filter", page(ReportFilter::default())),
        (
            "region + month",
            page(ReportFilter {
                region,
                from: month,
                to: month,
                ..ReportFilter::default()
            }),
        ),
        (
            "partner search",
            page(ReportFilter {
                partner: Some("partner 0123".into()),
                ..ReportFilter::default()
            }),
        ),
        (
            "status under review",
            page(ReportFilter {
                status: Some(StatusFilter::UnderReview(None)),
                ..ReportFilter::default()
            }),
        ),
        (
            "sorted by total, page 100",
            ReportFilter {
                sort: Some(SortKey::Total),
                page: 100,
                ..ReportFilter::default()
            },
        ),
        (
            "sorted by deadline",
            page(ReportFilter {
                sort: Some(SortKey::Deadline),
                ..ReportFilter::default()
            }),
        ),
    ]
}

/// Signs in through the router; answers the session cookie.
pub async fn sign_in(router: &Router, email: &str) -> String {
    let form = format!("email={}&password=demo-password", email.replace('@', "%40"));
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
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.split(';').next().filter(|p| p.starts_with("br_session=")))
        .expect("a session cookie")
        .to_owned()
}

/// Calls a server function through the router; answers the status and the body.
pub async fn call(router: &Router, endpoint: &str, cookie: &str, body: String) -> (u16, Vec<u8>) {
    let request = Request::post(format!("/api/{endpoint}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.expect("body");
    (status, body.to_bytes().to_vec())
}

async fn bench_backend(label: &str, url: &str, seed: bool, shell: raw::Shell) {
    let db = Db::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    if seed {
        billing_reports::server::load_demo(&db, "Trend Micro")
            .await
            .expect("demo data");
        let spec = scale::ScaleSpec {
            reports: env_number("BENCH_REPORTS", 100_000),
            lines_per_report: u32::try_from(env_number("BENCH_LINES", 10)).unwrap_or(10),
            months: 36,
        };
        let done = scale::generate(&db, url, spec).await.expect("seed");
        eprintln!(
            "{label}: seeded {} reports in {:.1?}",
            done.reports, done.elapsed
        );
    }
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(db.pool())
        .await
        .expect("count");
    let config = Config::for_database(url);
    let router = router::build(AppState::new(&config, db.clone(), Vendor::Builtin));
    let cookie = sign_in(&router, "ops@billing-reports.example").await;

    for (name, filter) in cases(&db).await {
        let body = serde_json::json!({ "filter": filter }).to_string();
        let (status, answer) = call(&router, "reports/list", &cookie, body.clone()).await;
        assert_eq!(status, 200, "{name}: {}", String::from_utf8_lossy(&answer));
        let mut ours = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            let (status, _) = call(&router, "reports/list", &cookie, body.clone()).await;
            ours.push(start.elapsed());
            assert_eq!(status, 200);
        }
        let query = ListQuery::new(ListScope::All, &filter);
        let statements = reports::list_sql(&db, &query)
            .await
            .expect("the list's SQL");
        let base = shell.time(&statements, RUNS);
        let plan = reports::explain_list(&db, &filter)
            .await
            .expect("plan")
            .iter()
            .map(|step| step.trim().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        let plan = plan.chars().take(160).collect::<String>().replace('|', "/");
        row(
            label,
            &format!("list: {name} ({reports} reports)"),
            &ours,
            &base,
            &format!("`{plan}`"),
        );
    }
    transitions::bench(label, &db, &router).await;
    db.close().await;
}

#[tokio::main]
async fn main() {
    println!(
        "| backend | measure | p50 | p99 | baseline p50 | baseline p99 | p99 ÷ baseline | notes |"
    );
    println!("|---|---|---|---|---|---|---|---|");

    let dir = std::env::temp_dir().join(format!("br-bench-{}", std::process::id()));
    let (sqlite_url, seed) = match std::env::var("BENCH_SQLITE_URL")
        .ok()
        .filter(|url| !url.is_empty())
    {
        Some(url) => (url, false),
        None => {
            std::fs::create_dir_all(&dir).expect("temp dir");
            let file = dir.join("bench.db");
            (format!("sqlite:{}?mode=rwc", file.display()), true)
        }
    };
    let shell = raw::Shell::for_url(Backend::Sqlite, &sqlite_url);
    bench_backend("SQLite", &sqlite_url, seed, shell).await;
    let _ = std::fs::remove_dir_all(&dir);

    if let Some(url) = std::env::var("BENCH_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
    {
        let shell = raw::Shell::for_url(Backend::Postgres, &url);
        bench_backend("PostgreSQL", &url, false, shell).await;
        return;
    }
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
    let url = format!("{base}/{name}");
    let shell = raw::Shell::for_url(Backend::Postgres, &url);
    bench_backend("PostgreSQL", &url, true, shell).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(admin.pool())
        .await
        .expect("drop");
}
