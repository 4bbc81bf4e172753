//! The database keeps the workflow and the history by itself (migrations 0009 to 0011): a
//! direct UPDATE cannot move a report along a path SPEC §4 does not have, change a completed
//! report or frozen prices, go back in versions, or forget that the vendor received a report;
//! and an entry of the history changed, removed or reordered behind the triggers' back is named
//! by the chain check.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use billing_reports::{
    domain::{Status, integrity::IntegrityCheck, policy::reached_vendor},
    server::{
        db::{Backend, Db, reports::chain},
        services::integrity,
    },
};
use common::{shared_db, spawn_app, workflow_moves};

on_both_backends!(
    the_database_allows_exactly_the_moves_of_the_workflow,
    the_database_never_forgets_that_the_vendor_received_a_report,
    direct_updates_cannot_corrupt_reports,
    the_demo_history_chains_hold,
    the_check_names_the_first_broken_entry,
    entries_from_before_the_chain_are_sealed_as_they_would_have_been,
    only_platform_admins_check_the_history,
);

fn sub_status(code: &str) -> Option<&'static str> {
    (code == "under_review").then_some("manual")
}

/// A new report of the first demo partner in status `code`, for `period` (saying when it
/// reached the vendor when the status says it did).
async fn report_in(db: &Db, code: &str, period: i64) -> i64 {
    let sent = (code == "submitted_to_vendor" || code == "completed").then_some(SENT);
    sqlx::query_scalar(
        "INSERT INTO reports (partner_id, distributor_id, region_id, period, currency, status, \
             sub_status, submission_deadline, review_deadline, created_at, updated_at, \
             sent_to_vendor_at) \
         SELECT partner_id, distributor_id, region_id, $1, currency, $2, $3, submission_deadline, \
             review_deadline, created_at, updated_at, $4 FROM reports ORDER BY id LIMIT 1 \
         RETURNING id",
    )
    .bind(period)
    .bind(code)
    .bind(sub_status(code))
    .bind(sent)
    .fetch_one(db.pool())
    .await
    .expect("a report to move")
}

/// The database lets through exactly the moves `domain::status::apply` makes, and no other.
async fn the_database_allows_exactly_the_moves_of_the_workflow(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let codes: BTreeSet<&str> = Status::all().iter().map(Status::as_code).collect();
    let mut allowed = BTreeSet::new();
    let mut n = 0_i64;
    for from in &codes {
        for to in &codes {
            if from == to {
                continue;
            }
            // A month of its own for each (one report per partner and month).
            let id = report_in(&db, from, 200_001 + (n / 12) * 100 + n % 12).await;
            n += 1;
            // Recording the vendor's receipt as the application does, so that only the move
            // itself is judged here.
            let moved = sqlx::query(
                "UPDATE reports SET status = $1, sub_status = $2, version = version + 1, \
                     sent_to_vendor_at = COALESCE(sent_to_vendor_at, $4) \
                 WHERE id = $3",
            )
            .bind(*to)
            .bind(sub_status(to))
            .bind(id)
            .bind(SENT)
            .execute(db.pool())
            .await;
            if moved.is_ok() {
                allowed.insert((*from, *to));
            } else {
                let now: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
                    .bind(id)
                    .fetch_one(db.pool())
                    .await
                    .expect("status");
                assert_eq!(now, *from, "a refused move changed nothing");
            }
        }
    }
    assert_eq!(allowed, workflow_moves());
    assert_eq!(allowed.len(), 6, "SPEC §4 has six status changes");
}

/// When a report made up here reached the vendor.
const SENT: &str = "2000-02-03T10:00:00Z";

/// The statuses that say a report reached the vendor are exactly those the database refuses
/// without saying when (on insert and on update alike), and once said, when never changes.
async fn the_database_never_forgets_that_the_vendor_received_a_report(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    for (n, status) in Status::all().into_iter().enumerate() {
        let inserted = sqlx::query(
            "INSERT INTO reports (partner_id, distributor_id, region_id, period, currency, \
                 status, sub_status, submission_deadline, review_deadline, created_at, \
                 updated_at) \
             SELECT partner_id, distributor_id, region_id, $1, currency, $2, $3, \
                 submission_deadline, review_deadline, created_at, updated_at \
             FROM reports ORDER BY id LIMIT 1",
        )
        .bind(190_001 + n as i64)
        .bind(status.as_code())
        .bind(status.sub_status_code())
        .execute(db.pool())
        .await;
        assert_eq!(
            inserted.is_err(),
            reached_vendor(status),
            "{status:?} without sent_to_vendor_at: {inserted:?}"
        );
    }
    let sent = demo_report(&db, "completed").await;
    let unsent: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM reports WHERE status = 'under_review' AND sent_to_vendor_at IS NULL",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report under review that never reached the vendor");
    let before = (snapshot(&db, sent).await, snapshot(&db, unsent).await);
    for sql in [
        format!("UPDATE reports SET sent_to_vendor_at = NULL WHERE id = {sent}"),
        format!("UPDATE reports SET sent_to_vendor_at = '{SENT}' WHERE id = {sent}"),
        // Sent to the vendor without saying when.
        format!(
            "UPDATE reports SET status = 'submitted_to_vendor', sub_status = NULL, \
                 version = version + 1 WHERE id = {unsent}"
        ),
    ] {
        let done = sqlx::query(&sql).execute(db.pool()).await;
        assert!(done.is_err(), "accepted: {sql}");
    }
    assert_eq!(
        before,
        (snapshot(&db, sent).await, snapshot(&db, unsent).await)
    );
}

/// One demo report in `status` (a code): its id.
async fn demo_report(db: &Db, status: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM reports WHERE status = $1 ORDER BY id LIMIT 1")
        .bind(status)
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|_| panic!("a demo report {status}"))
}

/// Everything stored about a report and its lines, as text, to compare before and after.
async fn snapshot(db: &Db, id: i64) -> String {
    type Header = (
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
        String,
        Option<String>,
    );
    let header: Header = sqlx::query_as(
        "SELECT status, sub_status, po_number, total_e4, version, updated_at, sent_to_vendor_at \
         FROM reports WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .expect("report");
    let lines: Vec<(i64, i64, i64, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, chargeable, unit_price_e4, margin_e4, amount_owed_e4, comment \
         FROM line_items WHERE report_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .expect("lines");
    format!("{header:?} {lines:?}")
}

/// What review found possible by hand: a completed report moved back, prices changed after
/// submission, a version going back, a change without a new version, a report deleted. Each is
/// refused and changes nothing; what the application itself does still goes through.
async fn direct_updates_cannot_corrupt_reports(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let completed = demo_report(&db, "completed").await;
    let submitted = demo_report(&db, "submitted_to_vendor").await;
    let review = demo_report(&db, "under_review").await;
    let ids = [completed, submitted, review];
    let mut before = Vec::new();
    for id in ids {
        before.push(snapshot(&db, id).await);
    }
    let refused = [
        "UPDATE reports SET status = 'msp_preparing', sub_status = NULL, version = version + 1 \
         WHERE id = $1",
        "UPDATE reports SET po_number = 'PO-CHANGED', version = version + 1 WHERE id = $1",
        "UPDATE reports SET updated_at = '2030-01-01T00:00:00Z' WHERE id = $1",
        "UPDATE line_items SET unit_price_e4 = 1 WHERE report_id = $1",
        "UPDATE line_items SET chargeable = chargeable + 1 WHERE report_id = $1",
        "DELETE FROM line_items WHERE report_id = $1",
        "DELETE FROM reports WHERE id = $1",
    ];
    for id in [completed, submitted] {
        for sql in refused {
            let done = sqlx::query(sql).bind(id).execute(db.pool()).await;
            assert!(done.is_err(), "report {id} accepted: {sql}");
        }
    }
    for sql in [
        // A change that does not move the version on.
        "UPDATE reports SET status = 'rejected', sub_status = NULL WHERE id = $1",
        "UPDATE reports SET po_number = 'PO-QUIET' WHERE id = $1",
        // A version going back.
        "UPDATE reports SET version = 0 WHERE id = $1",
        "UPDATE reports SET po_number = 'PO-BACK', version = version - 1 WHERE id = $1",
        // Straight to completed.
        "UPDATE reports SET status = 'completed', sub_status = NULL, version = version + 1 \
         WHERE id = $1",
    ] {
        let done = sqlx::query(sql).bind(review).execute(db.pool()).await;
        assert!(done.is_err(), "report {review} accepted: {sql}");
    }
    for (id, was) in ids.iter().zip(&before) {
        assert_eq!(&snapshot(&db, *id).await, was, "report {id} is unchanged");
    }
    // What the application does: a distributor's price edit under review (with the header's
    // new version), and filling in the flags the server keeps.
    sqlx::query("UPDATE line_items SET unit_price_e4 = unit_price_e4 + 1 WHERE report_id = $1")
        .bind(review)
        .execute(db.pool())
        .await
        .expect("prices move while under review");
    sqlx::query("UPDATE reports SET below_used = 0, anomaly = 0 WHERE id = $1")
        .bind(review)
        .execute(db.pool())
        .await
        .expect("flags are a cache");
    sqlx::query("UPDATE reports SET below_used = NULL, anomaly = NULL WHERE id = $1")
        .bind(review)
        .execute(db.pool())
        .await
        .expect("flags are a cache");
}

/// Every demo report's history is an intact chain as long as its version.
async fn the_demo_history_chains_hold(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let found = chain::verify(&db, "2026-12-03T00:00:00Z".into())
        .await
        .expect("verify");
    assert_eq!(found.breaks, Vec::new());
    let (reports, entries): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM history)")
            .fetch_one(db.pool())
            .await
            .expect("counts");
    assert!(
        reports > 100 && entries > reports,
        "{reports} reports, {entries} entries"
    );
    assert_eq!(
        (found.reports, found.entries),
        (reports as u64, entries as u64)
    );
}

/// The history's triggers turned off, as someone with database rights could.
async fn history_triggers_off(db: &Db) {
    let sqls: &[&str] = match db.backend() {
        Backend::Postgres => &["ALTER TABLE history DISABLE TRIGGER USER"],
        Backend::Sqlite => &[
            "DROP TRIGGER history_no_update",
            "DROP TRIGGER history_no_delete",
            "DROP TRIGGER history_chained",
        ],
    };
    for sql in sqls {
        sqlx::raw_sql(sql).execute(db.pool()).await.expect(sql);
    }
}

/// Entry ids of a report, oldest first.
async fn entries(db: &Db, report: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM history WHERE report_id = $1 ORDER BY id")
        .bind(report)
        .fetch_all(db.pool())
        .await
        .expect("entries")
}

/// Behind the triggers' back: one entry edited, one removed from the middle, the newest
/// removed, one forged without a hash. The check (service and command line) names each
/// report's first broken entry, and only those reports.
async fn the_check_names_the_first_broken_entry(backend: Backend) {
    let (db, url, _guard) = shared_db(backend).await;
    // Reports with one entry per version (so that losing the newest shows) and three or more.
    let long: Vec<i64> = sqlx::query_scalar(
        "SELECT r.id FROM reports r WHERE r.version >= 3 \
         AND r.version = (SELECT COUNT(*) FROM history h WHERE h.report_id = r.id \
                          AND h.action <> 'deliver_to_vendor') \
         ORDER BY r.id LIMIT 4",
    )
    .fetch_all(db.pool())
    .await
    .expect("reports with a history");
    let [edited, cut, truncated, forged] = long[..] else {
        panic!("four demo reports with three entries or more")
    };
    let (edited_entries, cut_entries) = (entries(&db, edited).await, entries(&db, cut).await);
    history_triggers_off(&db).await;
    for (sql, id) in [
        (
            "UPDATE history SET comment = 'all fine' WHERE id = $1",
            edited_entries[1],
        ),
        ("DELETE FROM history WHERE id = $1", cut_entries[1]),
        (
            "DELETE FROM history WHERE id = (SELECT MAX(id) FROM history WHERE report_id = $1)",
            truncated,
        ),
        (
            "INSERT INTO history (report_id, at, actor, action) \
             VALUES ($1, '2026-01-01T00:00:00Z', 'someone', 'saved')",
            forged,
        ),
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(db.pool())
            .await
            .expect(sql);
    }
    // A restart seals what came before the chain, never a forged entry.
    db.migrate().await.expect("migrate again");
    let found = integrity::check(&db, time::OffsetDateTime::now_utc())
        .await
        .expect("check");
    let named: Vec<(i64, Option<i64>)> = found
        .breaks
        .iter()
        .map(|broken| (broken.report_id, broken.entry_id))
        .collect();
    let forged_entry = *entries(&db, forged).await.last().expect("forged");
    assert_eq!(
        named,
        vec![
            (edited, Some(edited_entries[1])),
            (cut, Some(cut_entries[2])),
            (truncated, None),
            (forged, Some(forged_entry)),
        ]
    );
    assert!(
        found.breaks[0].what.contains("changed"),
        "{:?}",
        found.breaks
    );
    assert!(
        found.breaks[1].what.contains("removed"),
        "{:?}",
        found.breaks
    );
    assert!(
        found.breaks[2].what.contains("version"),
        "{:?}",
        found.breaks
    );
    assert!(
        found.breaks[3].what.contains("no hash"),
        "{:?}",
        found.breaks
    );

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_billing-reports"))
        .args(["--database-url", &url, "verify-history"])
        .output()
        .expect("run verify-history");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{printed}");
    assert!(
        printed.contains(&format!(
            "Report {edited}, history entry {}: its content was changed",
            edited_entries[1]
        )),
        "{printed}"
    );
    assert!(
        printed.contains("4 reports' histories are broken"),
        "{printed}"
    );
}

/// Entries written before migration 0010 have no hash; the server seals them when it starts,
/// to exactly the hashes it would have written as it appended them.
async fn entries_from_before_the_chain_are_sealed_as_they_would_have_been(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let report = demo_report(&db, "completed").await;
    let sealed: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, prev_hash, hash FROM history WHERE report_id = $1 ORDER BY id")
            .bind(report)
            .fetch_all(db.pool())
            .await
            .expect("hashes");
    history_triggers_off(&db).await;
    sqlx::query("UPDATE history SET prev_hash = NULL, hash = NULL WHERE report_id = $1")
        .bind(report)
        .execute(db.pool())
        .await
        .expect("unseal");
    sqlx::query("UPDATE history_chain_start SET legacy_through = (SELECT MAX(id) FROM history)")
        .execute(db.pool())
        .await
        .expect("the entries before the chain");
    let unsealed = chain::verify(&db, String::new()).await.expect("verify");
    assert_eq!(unsealed.breaks.len(), 1, "{:?}", unsealed.breaks);
    db.migrate().await.expect("start again");
    let resealed: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, prev_hash, hash FROM history WHERE report_id = $1 ORDER BY id")
            .bind(report)
            .fetch_all(db.pool())
            .await
            .expect("hashes");
    assert_eq!(resealed, sealed);
    let found = chain::verify(&db, String::new()).await.expect("verify");
    assert!(found.is_intact(), "{:?}", found.breaks);
}

/// The check answers platform admins only; everyone else is told who may, and a visitor who is
/// not signed in is asked to sign in.
async fn only_platform_admins_check_the_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, _) = app.call("integrity/check", serde_json::json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for email in [
        "maria@harbor-it.example",
        "dana@summit-tech.example",
        "sam@summit-tech.example",
        "vera@vendor.example",
        "lucia@andes-cloud.example",
    ] {
        let cookie = app.sign_in(email).await;
        let (status, body) = app
            .call_as("integrity/check", serde_json::json!({}), Some(&cookie))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}: {body}");
        assert!(
            body.contains("Only platform admins can check the integrity of the history"),
            "{email}: {body}"
        );
    }
    let cookie = app.sign_in("ops@billing-reports.example").await;
    let (status, body) = app
        .call_as("integrity/check", serde_json::json!({}), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found: IntegrityCheck = serde_json::from_str(&body).expect("a check");
    assert!(
        found.is_intact() && found.entries > found.reports,
        "{found:?}"
    );
    let (status, html) = app.get_as("/integrity", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Check every history"), "{html}");
}
