//! Several instances on one PostgreSQL database, as behind a load balancer: two server processes
//! started at the same moment on a new database (each migrating it and loading the demo data),
//! each running the job runner every second and delivering to the vendor (the stand-in) over
//! HTTP. The migrations apply once, the demo loads once, a session started on one instance is
//! valid on the other and ends on both when signed out on either, and no job or delivery is done
//! twice.

mod common;

use std::time::{Duration, Instant};

use billing_reports::server::db::{Backend, Db, reports::chain};
use common::{
    PgDatabase,
    server::{Server, post},
    shared_db,
    stand_in::{StandIn, TOKEN, book_of},
};

/// History events a report gets at most once in this test (the demo's story, dated before it,
/// has reports delivered, returned by the vendor and submitted again).
const ONCE: &[&str] = &[
    "generate",
    "auto_submit",
    "auto_submit_penalties",
    "auto_approve",
    "deliver_to_vendor",
];

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

fn status(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or_default()
}

#[tokio::test]
async fn two_instances_on_one_postgresql_share_sessions_and_do_each_job_once() {
    // The vendor's systems, answering from the demo's price book.
    let (scratch, _, _scratch_guard) = shared_db(Backend::Sqlite).await;
    let stand_in = StandIn::start(&book_of(&scratch).await);
    let database = PgDatabase::create().await;
    let started_at = billing_reports::server::db::now_utc();
    let url = database.url.clone();
    let vendor_url = stand_in.url.clone();

    let (a, b) = tokio::task::spawn_blocking(move || {
        let env = [
            ("DEMO_DATA", "true"),
            ("JOBS_EVERY_SECONDS", "1"),
            ("PRICING", "http"),
            ("PRICING_URL", vendor_url.as_str()),
            ("PRICING_TOKEN", TOKEN),
        ];
        // Both start at once on the empty database.
        std::thread::scope(|scope| {
            let a = scope.spawn(|| Server::start_with(&url, &env));
            let b = scope.spawn(|| Server::start_with(&url, &env));
            (a.join().expect("instance A"), b.join().expect("instance B"))
        })
    })
    .await
    .expect("both instances");

    let db = Db::connect(&database.url).await.expect("connect");
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .expect("the migrations")
        .count() as i64;
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM _sqlx_migrations WHERE success").await,
        files,
        "each migration applied once"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM organisations WHERE name = 'Summit Tech Distribution'"
        )
        .await,
        1,
        "the demo data loaded once"
    );

    // One session, two instances: signed in on A, used on B, signed out on B, gone on A.
    let (a, b) = tokio::task::spawn_blocking(move || {
        let cookie = a.sign_in("dana@summit-tech.example");
        let on_b = b.get_signed_in("/", &cookie).expect("B answers");
        assert_eq!(status(&on_b), "200", "{on_b}");
        assert!(on_b.contains("table class=\"reports\""), "signed in on B");
        let out = post(
            b.port(),
            "/api/auth/sign-out",
            &cookie,
            "application/json",
            "{}",
        )
        .expect("sign-out on B");
        assert!(!status(&out).starts_with('5'), "{out}");
        let on_a = a.get_signed_in("/", &cookie).expect("A answers");
        // Sent to sign in (a streamed page redirects with its `location` header).
        assert!(
            on_a.to_lowercase().contains("location: /sign-in")
                && !on_a.contains("table class=\"reports\""),
            "signed out on B is signed out on A: {on_a}"
        );
        (a, b)
    })
    .await
    .expect("the session");

    // The distributor submits its reports under review to the vendor, half through each
    // instance; both runners then race to deliver them.
    let items: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT r.id, r.version FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE d.name = 'Summit Tech Distribution' AND r.status = 'under_review'",
    )
    .fetch_all(db.pool())
    .await
    .expect("reports under review");
    assert!(!items.is_empty(), "the demo has reports under review");
    let (a, b) = tokio::task::spawn_blocking(move || {
        let cookies = [
            a.sign_in("dana@summit-tech.example"),
            b.sign_in("dana@summit-tech.example"),
        ];
        // Each report through one instance or the other, looked at one by one (a flagged
        // report cannot go in bulk).
        for (n, (id, version)) in items.iter().enumerate() {
            let port = [a.port(), b.port()][n % 2];
            let body = serde_json::json!({
                "id": id,
                "version": version,
                "action": {"SubmitToVendor": {"po_number": format!("PO-{id}"), "comment": null}},
            });
            let answer = post(
                port,
                "/api/reports/act",
                &cookies[n % 2],
                "application/json",
                &body.to_string(),
            )
            .expect("submitted");
            assert_eq!(status(&answer), "200", "{answer}");
        }
        (a, b)
    })
    .await
    .expect("the submissions");

    // The job runners, both every second, until nothing is left to do.
    let started = Instant::now();
    let mut last = (-1, -1);
    loop {
        tokio::time::sleep(Duration::from_secs(3)).await;
        let now = (
            count(&db, "SELECT COUNT(*) FROM history").await,
            count(
                &db,
                "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'",
            )
            .await,
        );
        if now == last && now.1 == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the runners did not settle: {now:?}"
        );
        last = now;
    }
    drop((a, b));

    let list = ONCE
        .iter()
        .map(|action| format!("'{action}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let twice: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT report_id, action, COUNT(*) FROM history WHERE action IN ({list}) \
         AND at >= '{started_at}' GROUP BY report_id, action HAVING COUNT(*) > 1"
    ))
    .fetch_all(db.pool())
    .await
    .expect("the history");
    assert!(twice.is_empty(), "done twice: {twice:?}");
    // The demo's own story (auto-submits, deliveries to the built-in vendor) is dated by its
    // own clock, before this test; what the runners did is dated from its start.
    let since = |action: &str| {
        format!("SELECT COUNT(*) FROM history WHERE action IN ({action}) AND at >= '{started_at}'")
    };
    let moved = count(
        &db,
        &since("'auto_submit', 'auto_submit_penalties', 'auto_approve'"),
    )
    .await;
    let delivered = count(&db, &since("'deliver_to_vendor'")).await;
    assert!(moved > 0, "the runners had work to do");
    assert!(delivered > 0, "the runners delivered to the vendor");
    let record = stand_in.record().await;
    let accepted = record["submissions"].as_array().expect("submissions").len() as i64;
    assert_eq!(accepted, delivered, "one receipt per report the vendor has");
    assert_eq!(
        stand_in.calls("billing_reports").await,
        delivered as u64,
        "no delivery was sent twice"
    );
    let chains = chain::verify(&db, String::new()).await.expect("verify");
    assert!(chains.is_intact(), "{:?}", chains.breaks);
    println!(
        "{moved} reports moved by the runners, {delivered} delivered, each once, in {:.1?}",
        started.elapsed()
    );
    db.close().await;
}
