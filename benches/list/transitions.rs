//! Approve/return transitions: the vendor returns a demo report to its distributor, which sends
//! it back to the vendor, through `POST /api/reports/act` as each would (session, lock, domain
//! decision, history chain, notices, outboxes); beside a bare loop of the same status UPDATE and
//! history INSERT on a scale report, each in its own transaction. The bare loop's history
//! entries carry stand-in hashes: the benchmark's database is not one to prove.

use std::time::{Duration, Instant};

use axum::Router;
use billing_reports::server::db::Db;

use super::{call, sign_in};

const TRANSITIONS: usize = 100;

pub async fn bench(label: &str, db: &Db, router: &Router) {
    let found: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT r.id, r.version, r.status FROM reports r \
         JOIN organisations d ON d.id = r.distributor_id \
         WHERE d.name LIKE 'Summit%' AND (r.status = 'submitted_to_vendor' \
               OR (r.status = 'under_review' AND r.sub_status = 'returned_by_vendor')) \
         ORDER BY r.id LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await
    .expect("a report between Summit and the vendor");
    let Some((id, mut version, status)) = found else {
        println!(
            "| {label} | transitions | no demo report between distributor and vendor | | | | | |"
        );
        return;
    };
    let vendor = sign_in(router, "vera@vendor.example").await;
    let distributor = sign_in(router, "dana@summit-tech.example").await;
    let mut with_vendor = status == "submitted_to_vendor";
    let mut ours = Vec::with_capacity(TRANSITIONS);
    let started = Instant::now();
    for _ in 0..TRANSITIONS {
        let (cookie, action) = if with_vendor {
            (
                &vendor,
                serde_json::json!({ "ReturnToDistributor": { "reason": "Benchmark: please check." } }),
            )
        } else {
            (
                &distributor,
                serde_json::json!({ "SubmitToVendor": { "po_number": null, "comment": null } }),
            )
        };
        let body =
            serde_json::json!({ "id": id, "version": version, "action": action }).to_string();
        let start = Instant::now();
        let (status, answer) = call(router, "reports/act", cookie, body).await;
        ours.push(start.elapsed());
        let answer = String::from_utf8_lossy(&answer);
        assert_eq!(status, 200, "transition refused: {answer}");
        version = answer.trim().parse().expect("the new version");
        with_vendor = !with_vendor;
    }
    let ours_rate = per_second(TRANSITIONS, started.elapsed());

    let (bare, bare_rate) = bare_loop(db).await;
    super::row(
        label,
        &format!("transitions, return/resubmit ({ours_rate} per s; bare {bare_rate} per s)"),
        &ours,
        &bare,
        "through the server function vs UPDATE + INSERT alone",
    );
}

fn per_second(count: usize, elapsed: Duration) -> u64 {
    let micros = u64::try_from(elapsed.as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    (count as u64) * 1_000_000 / micros
}

/// The same writes with nothing around them: the status UPDATE (compare-and-set on the
/// version) and the history INSERT, one transaction each.
async fn bare_loop(db: &Db) -> (Vec<Duration>, u64) {
    let (id, mut version, status): (i64, i64, String) = sqlx::query_as(
        "SELECT id, version, status FROM reports WHERE status IN ('submitted_to_vendor', 'under_review') \
         AND partner_id IN (SELECT id FROM organisations WHERE name LIKE 'Scale %') \
         ORDER BY id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a scale report between distributor and vendor");
    let mut with_vendor = status == "submitted_to_vendor";
    let tag = format!("bench-{}-{}", std::process::id(), version);
    let mut previous = format!("{tag}-start");
    let mut samples = Vec::with_capacity(TRANSITIONS);
    let started = Instant::now();
    for n in 0..TRANSITIONS {
        let (action, from, to, sub) = if with_vendor {
            (
                "return",
                "submitted_to_vendor",
                "under_review",
                Some("returned_by_vendor"),
            )
        } else {
            (
                "submit_to_vendor",
                "under_review",
                "submitted_to_vendor",
                None,
            )
        };
        let hash = format!("{tag}-{n}");
        let start = Instant::now();
        let mut tx = db.pool().begin().await.expect("begin");
        let updated = sqlx::query(
            "UPDATE reports SET status = $1, sub_status = $2, updated_at = $3, \
             sent_to_vendor_at = COALESCE(sent_to_vendor_at, $3), \
             version = version + 1 WHERE id = $4 AND version = $5",
        )
        .bind(to)
        .bind(sub)
        .bind("2026-12-01T00:00:00Z")
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .expect("update");
        assert_eq!(updated.rows_affected(), 1);
        sqlx::query(
            "INSERT INTO history (report_id, at, actor, action, from_status, to_status, comment, \
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind("2026-12-01T00:00:00Z")
        .bind("Benchmark")
        .bind(action)
        .bind(from)
        .bind(to)
        .bind("Benchmark: please check.")
        .bind(previous.clone())
        .bind(hash.clone())
        .execute(&mut *tx)
        .await
        .expect("insert");
        tx.commit().await.expect("commit");
        samples.push(start.elapsed());
        previous = hash;
        version += 1;
        with_vendor = !with_vendor;
    }
    let rate = per_second(TRANSITIONS, started.elapsed());
    (samples, rate)
}
