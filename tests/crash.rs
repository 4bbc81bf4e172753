//! Crashes: the real server is killed (SIGKILL) at a random moment while clients act on reports
//! over HTTP, and a usage import running beside it is killed at the same moment; then the server
//! is started again on the same database, many times over. After every kill no report is
//! half-written (its total is the sum of its lines; its history is as long as its version),
//! every action a client saw acknowledged is there exactly once, the import is all there or not
//! at all, and at the end every report's history chain holds (`billing-reports verify-history`).
//!
//! `BR_CRASH_POINTS` sets the number of kills per backend: 8 in the test command, 200 in
//! `make bench`.

mod common;

use std::{
    collections::BTreeMap,
    process::Command as Process,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::Duration,
};

use billing_reports::server::db::{Backend, Db};
use common::{
    durable_db,
    server::{BINARY, Server, post, run},
    status_and_version,
};

on_both_backends!(killed_at_any_moment_nothing_is_half_written_or_lost);

const DISTRIBUTOR: &str = "dana@summit-tech.example";
const VENDOR: &str = "vera@vendor.example";

fn points() -> u64 {
    std::env::var("BR_CRASH_POINTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(8)
}

/// An action a client saw acknowledged: the report, and the PO number it set.
#[derive(Debug, Clone)]
struct Ack {
    report: i64,
    po_number: Option<String>,
}

/// One client: acts on the reports in turn over HTTP until the server is gone, as the page
/// would (the version it last read; a PO number or a submission while under review, a return
/// once with the vendor). Answers what was acknowledged.
fn client(
    port: u16,
    url: String,
    reports: Vec<i64>,
    cookies: (String, String),
    point: u64,
    stop: Arc<AtomicBool>,
) -> Vec<Ack> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let db = Db::connect(&url).await.expect("connect");
        let mut acks = Vec::new();
        for i in 0.. {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let report = reports[i % reports.len()];
            let (status, version) = status_and_version(&db, report).await;
            let po_number = format!("CRASH-{point}-{i}");
            let (cookie, action, sets_po) = match (status.as_str(), i % 3) {
                ("under_review", 0) => (
                    &cookies.0,
                    serde_json::json!({ "SetPoNumber": { "po_number": po_number } }),
                    true,
                ),
                ("under_review", _) => (
                    &cookies.0,
                    serde_json::json!({ "SubmitToVendor": { "po_number": null, "comment": null } }),
                    false,
                ),
                (_, _) => (
                    &cookies.1,
                    serde_json::json!({ "ReturnToDistributor": { "reason": "Please check" } }),
                    false,
                ),
            };
            let body = serde_json::json!({ "id": report, "version": version, "action": action });
            match post(
                port,
                "/api/reports/act",
                cookie,
                "application/json",
                &body.to_string(),
            ) {
                Some(answer) if answer.starts_with("HTTP/1.1 200") => acks.push(Ack {
                    report,
                    po_number: sets_po.then_some(po_number),
                }),
                Some(_) => {}
                None => break,
            }
        }
        db.close().await;
        acks
    })
}

/// What must hold after any crash.
async fn check_nothing_half_written(
    db: &Db,
    reports: &[i64],
    acks: &[Ack],
    start: &BTreeMap<i64, i64>,
) {
    for id in reports {
        let (_, version) = status_and_version(db, *id).await;
        let acked = acks.iter().filter(|ack| ack.report == *id).count() as i64;
        // Each acknowledged action moved the version on once; an action whose answer was cut
        // off by the kill may have landed too.
        assert!(
            version >= start[id] + acked,
            "report {id}: version {version}, {acked} acknowledged"
        );
        let (total, owed): (i64, i64) = sqlx::query_as(
            "SELECT r.total_e4, (SELECT CAST(COALESCE(SUM(amount_owed_e4), 0) AS BIGINT) FROM line_items l \
             WHERE l.report_id = r.id) FROM reports r WHERE r.id = $1",
        )
        .bind(*id)
        .fetch_one(db.pool())
        .await
        .expect("totals");
        assert_eq!(
            total, owed,
            "report {id}: the total is the sum of its lines"
        );
    }
    for ack in acks {
        let Some(po) = &ack.po_number else { continue };
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM history WHERE report_id = $1 AND comment LIKE $2",
        )
        .bind(ack.report)
        .bind(format!("%→ {po}"))
        .fetch_one(db.pool())
        .await
        .expect("count");
        assert_eq!(
            found, 1,
            "report {}: acknowledged PO number {po} in the history once",
            ack.report
        );
    }
}

/// The months of the import: far from the demo's, so that no report takes part.
const IMPORT_FROM: i64 = 205_001;

/// A usage file of every demo partner and product for many months, large enough that a kill
/// can land while it is read or written; and its number of rows.
async fn usage_file(db: &Db) -> (std::path::PathBuf, i64) {
    let partners: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE kind = 'partner' ORDER BY id")
            .fetch_all(db.pool())
            .await
            .expect("partners");
    let skus: Vec<String> =
        sqlx::query_scalar("SELECT sku FROM products WHERE reports_usage = 1 ORDER BY id")
            .fetch_all(db.pool())
            .await
            .expect("products");
    let mut text = String::from("partner,sku,period,provisioned,used\n");
    let mut rows = 0;
    for year in 2050..2090 {
        for month in 1..=12 {
            for partner in &partners {
                for sku in &skus {
                    text.push_str(&format!("{partner},{sku},{year}-{month:02},20,15\n"));
                    rows += 1;
                }
            }
        }
    }
    let path = std::env::temp_dir().join(format!(
        "br-crash-usage-{}-{}.csv",
        std::process::id(),
        rows
    ));
    std::fs::write(&path, text).expect("write the usage file");
    (path, rows)
}

/// Usage rows of the import's months in the database.
async fn imported(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM usage_feed WHERE period >= $1")
        .bind(IMPORT_FROM)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

async fn killed_at_any_moment_nothing_is_half_written_or_lost(backend: Backend) {
    let (db, url, _guard) = durable_db(backend).await;
    db.close().await;
    run(&url, &["seed", "demo"]);
    let db = Db::connect(&url).await.expect("connect");
    let reports: Vec<i64> = sqlx::query_scalar(
        "SELECT r.id FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE d.name = 'Summit Tech Distribution' AND r.status = 'under_review' \
         AND r.po_number IS NOT NULL ORDER BY r.id LIMIT 3",
    )
    .fetch_all(db.pool())
    .await
    .expect("reports");
    assert!(
        !reports.is_empty(),
        "demo reports under review with a PO number"
    );
    let mut start = BTreeMap::new();
    for id in &reports {
        start.insert(*id, status_and_version(&db, *id).await.1);
    }

    let (usage, rows) = usage_file(&db).await;
    let usage = usage.to_string_lossy().into_owned();

    let mut acks: Vec<Ack> = Vec::new();
    let mut imports_cut = 0;
    let mut dice = 0x2545_f491_4f6c_dd1d_u64;
    let total = points();
    for point in 0..total {
        let server = Server::start(&url);
        let cookies = (server.sign_in(DISTRIBUTOR), server.sign_in(VENDOR));
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..2)
            .map(|n| {
                let (port, url, reports, cookies, stop) = (
                    server.port(),
                    url.clone(),
                    reports.clone(),
                    cookies.clone(),
                    stop.clone(),
                );
                thread::spawn(move || client(port, url, reports, cookies, point * 2 + n, stop))
            })
            .collect();
        let import = Process::new(BINARY)
            .args([
                "--database-url",
                &url,
                "--log-level",
                "warn",
                "usage",
                "import",
                &usage,
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start an import");
        dice ^= dice << 13;
        dice ^= dice >> 7;
        dice ^= dice << 17;
        thread::sleep(Duration::from_millis(50 + dice % 400));
        server.kill();
        let mut import = import;
        let _ = import.kill();
        let _ = import.wait();
        stop.store(true, Ordering::SeqCst);
        for client in clients {
            acks.extend(client.join().expect("client"));
        }
        check_nothing_half_written(&db, &reports, &acks, &start).await;
        let imported = imported(&db).await;
        assert!(
            imported == 0 || imported == rows,
            "a cut import left {imported} of {rows} rows"
        );
        imports_cut += i64::from(imported == 0);
    }
    // The import, run to its end, is all there.
    run(&url, &["usage", "import", &usage]);
    assert_eq!(imported(&db).await, rows);
    // Started again, the chains hold.
    let checked = Process::new(BINARY)
        .args([
            "--database-url",
            &url,
            "--log-level",
            "warn",
            "verify-history",
        ])
        .output()
        .expect("verify-history");
    let printed = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.status.success(), "{printed}");
    println!(
        "{total} kills during {} acknowledged actions and an import of {rows} usage rows (cut \
         {imports_cut} times, whole the others): nothing half-written, nothing lost; {}",
        acks.len(),
        printed.trim()
    );
    let _ = std::fs::remove_file(&usage);
    assert!(!acks.is_empty(), "the clients acted between the kills");
    db.close().await;
}
