//! The history as people read it: typed events stored as codes, older entries still readable,
//! penalised auto-submissions named as such, and the actor's role shown (SPEC §4).

mod common;

use billing_reports::{
    domain::{HistoryEvent, ReviewReason, Role, Status},
    server::db::{Backend, reports},
};
use common::{report_id, shared_db, spawn_app};

on_both_backends!(
    demo_auto_submissions_say_whether_penalties_were_applied,
    entries_written_before_the_codes_still_read,
    the_history_shows_each_actors_role,
);

/// Every demo report that was auto-submitted with penalties says so in its history, and every
/// one without penalties says that.
async fn demo_auto_submissions_say_whether_penalties_were_applied(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let auto: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, sub_status FROM reports WHERE status = 'under_review' \
         AND sub_status IN ('auto_penalties', 'auto_no_penalties') ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
    .expect("auto-submitted reports");
    let penalised = auto
        .iter()
        .filter(|(_, sub)| sub == "auto_penalties")
        .count();
    assert!(
        penalised > 0 && penalised < auto.len(),
        "the demo has both kinds"
    );
    for (id, sub_status) in auto {
        let penalties = sub_status == ReviewReason::AutoPenalties.as_code();
        let history = reports::history(&db, id).await.expect("history");
        let submitted: Vec<_> = history
            .iter()
            .filter(|stored| matches!(stored.entry.event, HistoryEvent::AutoSubmitted { .. }))
            .collect();
        assert_eq!(submitted.len(), 1, "report {id}: one automatic submission");
        let entry = &submitted[0].entry;
        assert_eq!(
            entry.event,
            HistoryEvent::AutoSubmitted { penalties },
            "report {id} ({sub_status})"
        );
        assert_eq!(entry.actor, "system");
        assert_eq!(entry.actor_role, None);
        if penalties {
            assert_eq!(
                entry.event.label(),
                "Submitted automatically, with penalties"
            );
            assert!(
                entry
                    .comment
                    .as_deref()
                    .is_some_and(|c| c.contains("charged at provisioned"))
            );
        }
    }
}

/// History is never rewritten, so entries from before the codes (statuses as labels, roles as
/// Rust names, the PO number as a generic edit) are read as what they meant.
async fn entries_written_before_the_codes_still_read(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM reports WHERE status = 'under_review' LIMIT 1")
            .fetch_one(db.pool())
            .await
            .expect("a report");
    // Linked to the newest entry like any other (its hash is not what this test is about).
    sqlx::query(
        "INSERT INTO history (report_id, at, actor, actor_org, actor_role, action, from_status, \
             to_status, comment, prev_hash, hash) \
         VALUES ($1, '2026-11-20T10:00:00Z', 'Dana', 'Summit Tech Distribution', 'BillingManager', \
             'distributor_edit', 'Under review — manual submission', \
             'Under review — manual submission', 'PO number (none) → PO-1', \
             (SELECT h.hash FROM history h WHERE h.report_id = $1 ORDER BY h.id DESC LIMIT 1), \
             'not checked here')",
    )
    .bind(id)
    .execute(db.pool())
    .await
    .expect("an old-style entry");
    let history = reports::history(&db, id).await.expect("history reads");
    let old = &history.last().expect("the entry").entry;
    assert_eq!(old.event, HistoryEvent::PoNumberSet);
    assert_eq!(old.actor_role, Some(Role::BillingManager));
    let manual = Some(Status::UnderReview(ReviewReason::Manual));
    assert_eq!((old.from_status, old.to_status), (manual, manual));
    assert_eq!(
        old.who(),
        "Dana (Summit Tech Distribution, Billing manager)"
    );
}

/// The report page's history names who acted with their organisation and role.
async fn the_history_shows_each_actors_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, "Harbor IT Services", "submitted_to_vendor").await;
    let cookie = app.sign_in("dana@summit-tech.example").await;
    let (status, html) = app.get_as(&format!("/reports/{id}"), Some(&cookie)).await;
    assert!(status.is_success(), "{status}");
    for who in [
        "Billing team, Harbor IT Services (Harbor IT Services, Billing manager)",
        "Billing team, Summit Tech Distribution (Summit Tech Distribution, Billing manager)",
    ] {
        assert!(html.contains(who), "the history names {who}");
    }
}
