//! Report actions through the service, on SQLite and PostgreSQL alike: one transaction, one
//! history entry, version-checked; refusals change nothing; concurrent writers: one wins.

mod common;

use billing_reports::server::vendor::Vendor;
use std::sync::Arc;

use billing_reports::{
    domain::{
        HistoryEntry, HistoryEvent, OrgKind, ReviewReason, Role, Status,
        deadline::utc_seconds,
        workflow::{Field, REREVIEW_DAYS, RESUBMISSION_DAYS},
    },
    server::{
        db::{Backend, Db, reports},
        services::{
            Caller, ServiceError,
            reports::{Command, LineEdit, act, open},
        },
    },
};
use common::{org, shared_db, user};

on_both_backends!(
    a_report_travels_the_whole_workflow,
    refused_actions_change_nothing,
    submit_needs_comments_on_lowered_lines,
    a_stale_version_is_a_conflict,
    auto_submit_charges_uncommented_violations_at_provisioned,
    concurrent_writers_one_wins_each_round,
    rejecting_needs_a_reason_and_gives_a_new_deadline,
    a_vendors_return_gives_a_fresh_review_deadline,
    partners_do_not_read_what_distributor_and_vendor_tell_each_other,
    free_text_is_bounded_and_an_unchanged_po_number_changes_nothing,
    submitting_to_the_vendor_can_set_the_po_number_in_the_same_step,
    amounts_that_could_not_be_stored_are_refused,
);

/// A demo report of `partner` in `status`: (id, version).
async fn report_in(db: &Db, partner: &str, status: &str) -> (i64, i64) {
    sqlx::query_as(
        "SELECT r.id, r.version FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = $1 AND r.status = $2 ORDER BY r.period DESC LIMIT 1",
    )
    .bind(partner)
    .bind(status)
    .fetch_one(db.pool())
    .await
    .expect("a demo report in that status")
}

/// The newest history entry of a report.
async fn last_entry(db: &Db, report: i64) -> HistoryEntry {
    reports::history(db, report)
        .await
        .expect("history")
        .pop()
        .expect("entry")
        .entry
}

async fn history_count(db: &Db, report: i64) -> usize {
    reports::history(db, report).await.expect("history").len()
}

async fn state(db: &Db, report: i64) -> (String, i64, Option<String>, i64) {
    sqlx::query_as("SELECT status, version, po_number, total_e4 FROM reports WHERE id = $1")
        .bind(report)
        .fetch_one(db.pool())
        .await
        .expect("report")
}

/// Someone of each side of a report of `partner` (a Summit Tech partner): the partner, its
/// distributor and the vendor, each with a role that may act.
async fn workflow_people(db: &Db, partner: &str) -> (Caller, Caller, Caller) {
    (
        user(
            org(db, partner).await,
            OrgKind::Partner,
            Role::BillingManager,
        ),
        user(
            org(db, "Summit Tech Distribution").await,
            OrgKind::Distributor,
            Role::Administrator,
        ),
        user(
            org(db, "Trend Micro").await,
            OrgKind::Vendor,
            Role::BillingManager,
        ),
    )
}

async fn a_report_travels_the_whole_workflow(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let (partner, distributor, vendor) = workflow_people(&db, "Harbor IT Services").await;
    let (id, version) = report_in(&db, "Harbor IT Services", "msp_preparing").await;
    let entries = history_count(&db, id).await;

    // The partner explains every shortfall (a comment on each line) and submits.
    let mut tx = db.begin_write().await.expect("tx");
    let lines = reports::lines(&mut tx, id).await.expect("lines");
    tx.rollback().await.expect("rollback");
    let edits = lines
        .iter()
        .map(|line| LineEdit {
            line_id: line.id,
            chargeable: line.input.chargeable.get().to_string(),
            comment: Some("Checked against the customer portal.".to_owned()),
        })
        .collect();
    let outcome = act(
        &db,
        &Vendor::Builtin,
        &partner,
        id,
        version,
        Command::Submit { edits },
    )
    .await
    .expect("submit");
    assert_eq!(outcome.status, Status::UnderReview(ReviewReason::Manual));
    assert_eq!(outcome.version, version + 1);

    let refused = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        outcome.version,
        Command::SubmitToVendor {
            po_number: None,
            comment: None,
        },
    )
    .await;
    assert!(
        matches!(refused, Err(ServiceError::InvalidField(Field::PoNumber, ref m)) if m.contains("PO number")),
        "{refused:?}"
    );

    let bad_po = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        outcome.version,
        Command::SetPoNumber {
            po_number: "PO<1>".into(),
        },
    )
    .await;
    assert!(
        matches!(bad_po, Err(ServiceError::InvalidField(Field::PoNumber, _))),
        "{bad_po:?}"
    );

    let outcome = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        outcome.version,
        Command::SetPoNumber {
            po_number: " PO-7781 ".into(),
        },
    )
    .await
    .expect("PO number");
    let outcome = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        outcome.version,
        Command::SubmitToVendor {
            po_number: None,
            comment: Some("Checked, thanks.".into()),
        },
    )
    .await
    .expect("submit to vendor");
    assert_eq!(outcome.status, Status::SubmittedToVendor);
    let outcome = act(
        &db,
        &Vendor::Builtin,
        &vendor,
        id,
        outcome.version,
        Command::Complete,
    )
    .await
    .expect("complete");
    assert_eq!(outcome.status, Status::Completed);

    let (status, version_now, po, _) = state(&db, id).await;
    assert_eq!(
        (status.as_str(), version_now, po.as_deref()),
        ("completed", version + 4, Some("PO-7781"))
    );
    let history = reports::history(&db, id).await.expect("history");
    assert_eq!(
        history.len(),
        entries + 4,
        "one entry per successful action"
    );
    let events: Vec<HistoryEvent> = history[entries..].iter().map(|h| h.entry.event).collect();
    assert_eq!(
        events,
        [
            HistoryEvent::Submitted,
            HistoryEvent::PoNumberSet,
            HistoryEvent::SubmittedToVendor,
            HistoryEvent::Completed
        ]
    );
    assert_eq!(history[entries].entry.actor, "Harbor IT Services user");
    assert!(history[entries].entry.changes.iter().any(|change| {
        change
            .after
            .comment
            .as_deref()
            .is_some_and(|c| c.contains("customer portal"))
    }));
    assert_eq!(
        history[entries + 2].entry.comment.as_deref(),
        Some("Checked, thanks.")
    );
    assert_eq!(
        history[entries + 3].entry.to_status,
        Some(Status::Completed)
    );
}

async fn refused_actions_change_nothing(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let partner = user(
        org(&db, "Harbor IT Services").await,
        OrgKind::Partner,
        Role::BillingManager,
    );
    let stranger = user(
        org(&db, "Lumière Informatique").await,
        OrgKind::Partner,
        Role::BillingManager,
    );
    let distributor = user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::BillingManager,
    );
    let support = user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::Support,
    );
    let (done, done_version) = report_in(&db, "Harbor IT Services", "completed").await;
    let (review, review_version) =
        report_in(&db, "Blue Ridge Managed Security", "under_review").await;

    let before = (
        state(&db, done).await,
        history_count(&db, done).await,
        state(&db, review).await,
    );
    let attempts = [
        (
            act(
                &db,
                &Vendor::Builtin,
                &partner,
                done,
                done_version,
                Command::Submit { edits: vec![] },
            )
            .await,
            "final",
        ),
        (
            act(
                &db,
                &Vendor::Builtin,
                &stranger,
                done,
                done_version,
                Command::Submit { edits: vec![] },
            )
            .await,
            "not found",
        ),
        (
            act(
                &db,
                &Vendor::Builtin,
                &distributor,
                review,
                review_version,
                Command::Reject {
                    reason: "   ".into(),
                },
            )
            .await,
            "reason",
        ),
        (
            act(
                &db,
                &Vendor::Builtin,
                &support,
                review,
                review_version,
                Command::SetPoNumber {
                    po_number: "PO-1".into(),
                },
            )
            .await,
            "read-only",
        ),
        (
            act(
                &db,
                &Vendor::Builtin,
                &partner,
                review,
                review_version,
                Command::Complete,
            )
            .await,
            "not found",
        ),
        (
            act(
                &db,
                &Vendor::Builtin,
                &distributor,
                999_999,
                1,
                Command::Complete,
            )
            .await,
            "not found",
        ),
    ];
    for (result, why) in &attempts {
        assert!(result.is_err(), "{why}: accepted");
    }
    assert!(matches!(attempts[0].0, Err(ServiceError::Refused(_))));
    assert!(
        matches!(attempts[1].0, Err(ServiceError::NotFound)),
        "another partner's report is not found"
    );
    assert!(
        matches!(&attempts[2].0, Err(ServiceError::InvalidField(Field::Reason, text)) if text == "Please give a reason"),
        "a blank reason is bad input (422), not a refusal (403): {:?}",
        attempts[2].0
    );
    assert!(matches!(attempts[4].0, Err(ServiceError::NotFound)));
    assert!(matches!(attempts[5].0, Err(ServiceError::NotFound)));
    if let Err(ServiceError::Refused(refusal)) = &attempts[3].0 {
        assert_eq!(
            refusal.to_string(),
            "Your role can view reports but not change them"
        );
    } else {
        panic!("support must be read-only: {:?}", attempts[3].0);
    }
    let after = (
        state(&db, done).await,
        history_count(&db, done).await,
        state(&db, review).await,
    );
    assert_eq!(before, after);
}

async fn submit_needs_comments_on_lowered_lines(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let partner = user(
        org(&db, "Harbor IT Services").await,
        OrgKind::Partner,
        Role::Administrator,
    );
    let (id, version) = report_in(&db, "Harbor IT Services", "msp_preparing").await;
    let mut tx = db.begin_write().await.expect("tx");
    let lines = reports::lines(&mut tx, id).await.expect("lines");
    tx.rollback().await.expect("rollback");
    let line = &lines[0];
    let lowered = line.input.chargeable.get().saturating_sub(1);

    let refused = act(
        &db,
        &Vendor::Builtin,
        &partner,
        id,
        version,
        Command::Submit {
            edits: vec![LineEdit {
                line_id: line.id,
                chargeable: lowered.to_string(),
                comment: None,
            }],
        },
    )
    .await;
    assert!(
        matches!(refused, Err(ServiceError::InvalidField(Field::Line, ref m)) if m.contains("comment")),
        "{refused:?}"
    );
    let too_many = line
        .input
        .provisioned
        .get()
        .max(line.input.used.map_or(0, |u| u.get()))
        + 1;
    let refused = act(
        &db,
        &Vendor::Builtin,
        &partner,
        id,
        version,
        Command::SaveDraft {
            edits: vec![LineEdit {
                line_id: line.id,
                chargeable: too_many.to_string(),
                comment: None,
            }],
        },
    )
    .await;
    assert!(
        matches!(refused, Err(ServiceError::InvalidField(Field::Line, _))),
        "{refused:?}"
    );
    assert_eq!(state(&db, id).await.1, version, "nothing changed");

    let saved = act(
        &db,
        &Vendor::Builtin,
        &partner,
        id,
        version,
        Command::SaveDraft {
            edits: vec![LineEdit {
                line_id: line.id,
                chargeable: lowered.to_string(),
                comment: Some("Two devices retired.".into()),
            }],
        },
    )
    .await
    .expect("draft with a comment");
    assert_eq!(saved.status, Status::MspPreparing);
    let mut tx = db.begin_write().await.expect("tx");
    let stored = reports::lines(&mut tx, id).await.expect("lines");
    tx.rollback().await.expect("rollback");
    assert_eq!(stored[0].input.chargeable.get(), lowered);
    assert_eq!(
        stored[0].input.comment.as_deref(),
        Some("Two devices retired.")
    );
}

async fn a_stale_version_is_a_conflict(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let distributor = user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::BillingManager,
    );
    let (id, version) = report_in(&db, "Blue Ridge Managed Security", "under_review").await;
    act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        version,
        Command::SetPoNumber {
            po_number: "PO-1".into(),
        },
    )
    .await
    .expect("first");
    let entries = history_count(&db, id).await;
    let second = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        version,
        Command::SetPoNumber {
            po_number: "PO-2".into(),
        },
    )
    .await;
    match second {
        Err(ServiceError::Conflict { current_version }) => assert_eq!(current_version, version + 1),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let (_, _, po, _) = state(&db, id).await;
    assert_eq!(po.as_deref(), Some("PO-1"));
    assert_eq!(history_count(&db, id).await, entries);
}

async fn auto_submit_charges_uncommented_violations_at_provisioned(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let (id, version) = report_in(&db, "Harbor IT Services", "msp_preparing").await;
    // Make the first line an uncommented violation: used below provisioned, charged at used.
    sqlx::query(
        "UPDATE line_items SET provisioned = 100, used = 60, chargeable = 60, comment = NULL \
         WHERE report_id = $1 AND position = 0",
    )
    .bind(id)
    .execute(db.pool())
    .await
    .expect("prepare a violation");
    let outcome = act(
        &db,
        &Vendor::Builtin,
        &Caller::System,
        id,
        version,
        Command::AutoSubmit,
    )
    .await
    .expect("auto-submit");
    assert_eq!(
        outcome.status,
        Status::UnderReview(ReviewReason::AutoPenalties)
    );
    let mut tx = db.begin_write().await.expect("tx");
    let lines = reports::lines(&mut tx, id).await.expect("lines");
    tx.rollback().await.expect("rollback");
    assert_eq!(
        lines[0].input.chargeable.get(),
        100,
        "charged at provisioned"
    );
    let flags: (i64,) = sqlx::query_as("SELECT auto_penalties FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("flags");
    assert_eq!(flags.0, 1);
    let history = reports::history(&db, id).await.expect("history");
    let last = &history.last().expect("an entry").entry;
    assert_eq!(
        (last.actor.as_str(), last.event),
        ("system", HistoryEvent::AutoSubmitted { penalties: true })
    );
    let penalised: Vec<(u64, u64)> = last
        .changes
        .iter()
        .map(|change| (change.before.chargeable, change.after.chargeable))
        .collect();
    assert!(penalised.contains(&(60, 100)), "{penalised:?}");
    assert!(
        penalised.iter().all(|(before, after)| before < after),
        "only penalised lines are recorded: {penalised:?}"
    );
}

async fn concurrent_writers_one_wins_each_round(backend: Backend) {
    const TASKS: usize = 8;
    const ROUNDS: usize = 500;
    let (db, _url, _guard) = shared_db(backend).await;
    let distributor = Arc::new(user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::BillingManager,
    ));
    let (id, mut version) = report_in(&db, "Blue Ridge Managed Security", "under_review").await;
    let entries = history_count(&db, id).await;
    for round in 0..ROUNDS {
        let mut tasks = Vec::with_capacity(TASKS);
        for task in 0..TASKS {
            let (db, distributor) = (db.clone(), distributor.clone());
            tasks.push(tokio::spawn(async move {
                let po_number = format!("PO-{round}-{task}");
                act(
                    &db,
                    &Vendor::Builtin,
                    &distributor,
                    id,
                    version,
                    Command::SetPoNumber { po_number },
                )
                .await
            }));
        }
        let mut wins = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(outcome) => {
                    wins += 1;
                    assert_eq!(outcome.version, version + 1);
                }
                Err(ServiceError::Conflict { current_version }) => {
                    assert_eq!(current_version, version + 1)
                }
                Err(other) => panic!("round {round}: unexpected {other:?}"),
            }
        }
        assert_eq!(wins, 1, "round {round}: exactly one writer wins");
        version += 1;
    }
    assert_eq!(history_count(&db, id).await, entries + ROUNDS);
    assert_eq!(state(&db, id).await.1, version);
}

async fn rejecting_needs_a_reason_and_gives_a_new_deadline(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let distributor = user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::BillingManager,
    );
    let (id, version) = report_in(&db, "Blue Ridge Managed Security", "under_review").await;
    let before: String =
        sqlx::query_scalar("SELECT submission_deadline FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("deadline");
    let outcome = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        version,
        Command::Reject {
            reason: "  Endpoint counts look doubled.  ".into(),
        },
    )
    .await
    .expect("reject");
    assert_eq!(outcome.status, Status::Rejected);
    let after: String = sqlx::query_scalar("SELECT submission_deadline FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("deadline");
    assert!(after > before, "a new, later deadline: {before} -> {after}");
    let last = last_entry(&db, id).await;
    assert_eq!(last.event, HistoryEvent::ReturnedToPartner);
    assert_eq!(
        utc_seconds(&after)
            .zip(utc_seconds(&last.at))
            .map(|(d, r)| d - r),
        Some(RESUBMISSION_DAYS * 86_400),
        "the deadline is {RESUBMISSION_DAYS} days after the rejection: {after}, {}",
        last.at
    );
    assert_eq!(
        last.comment.as_deref(),
        Some("Endpoint counts look doubled.")
    );
    assert_eq!(
        last.from_status,
        Some(Status::UnderReview(ReviewReason::Manual))
    );
    assert_eq!(last.to_status, Some(Status::Rejected));
    assert!(
        last.actor_role.is_some(),
        "the history names the actor's role"
    );
    // Stored as stable codes, not as labels or Rust names.
    let stored: (String, String, String, String) = sqlx::query_as(
        "SELECT action, from_status, to_status, actor_role FROM history \
         WHERE report_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .expect("stored entry");
    assert_eq!(
        (stored.0.as_str(), stored.1.as_str(), stored.2.as_str()),
        ("reject", "under_review.manual", "rejected")
    );
    assert!(
        Role::from_code(&stored.3).is_some(),
        "role stored as a code: {}",
        stored.3
    );
}

/// A report the vendor returns is the distributor's to review again, with a fresh review window
/// from the return; the partner's deadline stays as it was.
async fn a_vendors_return_gives_a_fresh_review_deadline(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let (_, _, vendor) = workflow_people(&db, "Harbor IT Services").await;
    let (id, version) = report_in(&db, "Harbor IT Services", "submitted_to_vendor").await;
    let deadlines = || async {
        let row: (String, String) = sqlx::query_as(
            "SELECT submission_deadline, review_deadline FROM reports WHERE id = $1",
        )
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("deadlines");
        row
    };
    let (submission_before, review_before) = deadlines().await;
    let outcome = act(
        &db,
        &Vendor::Builtin,
        &vendor,
        id,
        version,
        Command::Return {
            reason: "Please confirm the seat count.".into(),
        },
    )
    .await
    .expect("return");
    assert_eq!(
        outcome.status,
        Status::UnderReview(ReviewReason::ReturnedByVendor)
    );
    let (submission_after, review_after) = deadlines().await;
    assert_eq!(submission_after, submission_before);
    assert!(
        review_after > review_before,
        "{review_before} -> {review_after}"
    );
    let returned = last_entry(&db, id).await;
    assert_eq!(returned.event, HistoryEvent::ReturnedByVendor);
    assert_eq!(
        utc_seconds(&review_after)
            .zip(utc_seconds(&returned.at))
            .map(|(d, r)| d - r),
        Some(REREVIEW_DAYS * 86_400),
        "{review_after}, {}",
        returned.at
    );
}

/// The comment to the vendor and the vendor's reason for returning a report are between the
/// distributor and the vendor: the partner sees that they happened, not what was written.
async fn partners_do_not_read_what_distributor_and_vendor_tell_each_other(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let (partner, distributor, vendor) = workflow_people(&db, "Blue Ridge Managed Security").await;
    let (id, version) = report_in(&db, "Blue Ridge Managed Security", "under_review").await;
    let steps = [
        (
            &distributor,
            Command::SetPoNumber {
                po_number: "PO-77".into(),
            },
        ),
        (
            &distributor,
            Command::SubmitToVendor {
                po_number: None,
                comment: Some("Priced with BDN-NA-1000 at 3.4017 a seat".into()),
            },
        ),
        (
            &vendor,
            Command::Return {
                reason: "Please confirm the special price".into(),
            },
        ),
    ];
    let mut version = version;
    for (caller, command) in steps {
        version = act(&db, &Vendor::Builtin, caller, id, version, command)
            .await
            .expect("step")
            .version;
    }
    let read = |caller: &Caller| {
        let Caller::User(user) = caller else {
            panic!("a user")
        };
        let user = user.clone();
        let db = db.clone();
        async move {
            let opened = open(&db, &Vendor::Builtin, &user, id).await.expect("open");
            serde_json::to_string(&opened).expect("json")
        }
    };
    let partner_view = read(&partner).await;
    assert!(partner_view.contains("submit_to_vendor") && partner_view.contains("\"return\""));
    for secret in ["BDN-NA-1000", "3.4017", "confirm the special price"] {
        assert!(
            !partner_view.contains(secret),
            "{secret} reached the partner"
        );
    }
    let distributor_view = read(&distributor).await;
    assert!(
        distributor_view.contains("BDN-NA-1000")
            && distributor_view.contains("confirm the special price")
    );
}

/// Reasons and comments to the vendor are bounded like partners' comments, and saving the PO
/// number a report already has is refused: each leaves the report, its version and its history
/// as they were.
async fn free_text_is_bounded_and_an_unchanged_po_number_changes_nothing(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let (_, distributor, _) = workflow_people(&db, "Blue Ridge Managed Security").await;
    let (id, version) = report_in(&db, "Blue Ridge Managed Security", "under_review").await;
    let po = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        version,
        Command::SetPoNumber {
            po_number: "PO-77".into(),
        },
    )
    .await
    .expect("a first PO number");
    let before = (state(&db, id).await, history_count(&db, id).await);
    let long = "x".repeat(2_001);
    let attempts = [
        (
            Command::Reject {
                reason: long.clone(),
            },
            Field::Reason,
            "The reason is too long: at most 2,000 characters, this one has 2,001.",
        ),
        (
            Command::SubmitToVendor {
                po_number: None,
                comment: Some(long.clone()),
            },
            Field::CommentToVendor,
            "The comment to the vendor is too long: at most 2,000 characters, this one has 2,001.",
        ),
        (
            Command::SetPoNumber {
                po_number: " PO-77 ".into(),
            },
            Field::PoNumber,
            "The PO number is already PO-77; there is nothing to change.",
        ),
    ];
    for (command, field, expected) in attempts {
        match act(&db, &Vendor::Builtin, &distributor, id, po.version, command).await {
            Err(ServiceError::InvalidField(at, text)) => {
                assert_eq!((at, text.as_str()), (field, expected))
            }
            other => panic!("{expected}: {other:?}"),
        }
        assert_eq!(
            (state(&db, id).await, history_count(&db, id).await),
            before,
            "{expected}: the report changed"
        );
    }
}

/// The PO number typed in the submit form is saved by the submission itself: one transaction,
/// two history entries (the PO number, then the submission). A bad one is said at its field and
/// changes nothing.
async fn submitting_to_the_vendor_can_set_the_po_number_in_the_same_step(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let distributor = user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::BillingManager,
    );
    // A Summit Tech partner's report the partner submitted itself (no PO number yet).
    let (id, version) = report_in(&db, "Blue Ridge Managed Security", "under_review").await;
    let before = (state(&db, id).await, history_count(&db, id).await);
    let bad = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        version,
        Command::SubmitToVendor {
            po_number: Some("PO<1>".into()),
            comment: None,
        },
    )
    .await;
    assert!(
        matches!(bad, Err(ServiceError::InvalidField(Field::PoNumber, _))),
        "{bad:?}"
    );
    assert_eq!((state(&db, id).await, history_count(&db, id).await), before);

    let outcome = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        version,
        Command::SubmitToVendor {
            po_number: Some(" PO-2026-118 ".into()),
            comment: Some("Checked.".into()),
        },
    )
    .await
    .expect("submitted with its PO number");
    assert_eq!(outcome.status, Status::SubmittedToVendor);
    assert_eq!(outcome.version, version + 1);
    let (status, _, po, _) = state(&db, id).await;
    assert_eq!(
        (status.as_str(), po.as_deref()),
        ("submitted_to_vendor", Some("PO-2026-118"))
    );
    let history = reports::history(&db, id).await.expect("history");
    assert_eq!(history.len(), before.1 + 2);
    let (po_entry, submitted) = (&history[history.len() - 2], &history[history.len() - 1]);
    assert_eq!(po_entry.entry.event, HistoryEvent::PoNumberSet);
    assert!(
        po_entry
            .entry
            .comment
            .as_deref()
            .is_some_and(|c| c.ends_with("→ PO-2026-118")),
        "{po_entry:?}"
    );
    assert_eq!(submitted.entry.event, HistoryEvent::SubmittedToVendor);
    assert_eq!(submitted.entry.comment.as_deref(), Some("Checked."));
}

/// A line of a million-unit price provisioned a billion times: the partner may charge all of it
/// as far as the units go, but the amount (10^15) is more than a line can hold, so the change is
/// refused in words and nothing is written. (Before the bound, the write failed with a 500.)
async fn amounts_that_could_not_be_stored_are_refused(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let (id, version) = report_in(&db, "Harbor IT Services", "msp_preparing").await;
    let line: i64 = sqlx::query_scalar(
        "SELECT id FROM line_items WHERE report_id = $1 ORDER BY position LIMIT 1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .expect("a line");
    sqlx::query(
        "UPDATE line_items SET provisioned = 1000000000, used = NULL, chargeable = 1, \
                catalogue_unit_price_e4 = 10000000000, unit_price_e4 = 10000000000, \
                gross_e4 = 10000000000, amount_owed_e4 = 8000000000 WHERE id = $1",
    )
    .bind(line)
    .execute(db.pool())
    .await
    .expect("a costly line");
    let before = state(&db, id).await;
    let partner = user(
        org(&db, "Harbor IT Services").await,
        OrgKind::Partner,
        Role::Administrator,
    );
    let refused = act(
        &db,
        &Vendor::Builtin,
        &partner,
        id,
        version,
        Command::SaveDraft {
            edits: vec![LineEdit {
                line_id: line,
                chargeable: "1000000000".to_owned(),
                comment: None,
            }],
        },
    )
    .await;
    let message = match &refused {
        Err(ServiceError::InvalidField(_, message) | ServiceError::Invalid(message)) => message,
        other => panic!("{other:?}"),
    };
    assert!(
        message.contains("would bill more than USD 100,000,000,000,000.00 on one line"),
        "{message}"
    );
    assert_eq!(state(&db, id).await, before, "nothing changed");
}
