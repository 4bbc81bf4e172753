//! The vendor's side, through the services on SQLite and PostgreSQL alike: it keeps sight of
//! every report it received, whatever happens to it afterwards; distributor and vendor take
//! their step on many clean reports at once, each on its own; and a user whose region has no
//! billing reports is told so by every reading function, not given an empty answer.

mod common;

use billing_reports::server::vendor::Vendor;
use billing_reports::{
    domain::{
        HistoryEvent, OrgKind, Refusal, ReviewReason, Role, Status,
        bulk::{BulkItem, BulkStep},
        query::{ListView, ListedReports, ReportFilter},
    },
    server::{
        db::{Backend, Db},
        services::{
            Caller, ServiceError, UserCaller,
            reports::{Command, act, act_on_many, filter_options, list, open},
        },
    },
};
use common::{org, shared_db, status_and_version, user};

on_both_backends!(
    the_vendor_keeps_sight_of_a_report_it_returned_and_the_distributor_rejected,
    a_region_without_billing_reports_is_named_by_every_read,
    clean_reports_go_through_in_bulk_each_on_its_own,
);

fn person(caller: &Caller) -> &UserCaller {
    match caller {
        Caller::User(user) => user,
        Caller::System => panic!("a person"),
    }
}

/// When the report first reached the vendor, as stored.
async fn sent_at(db: &Db, id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT sent_to_vendor_at FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("report")
}

/// The ids on the vendor's "All reports" list.
async fn vendor_list(db: &Db, vendor: &Caller) -> Vec<i64> {
    let filter = ReportFilter {
        view: Some(ListView::All),
        partner: Some("Harbor IT Services".to_owned()),
        ..ReportFilter::default()
    };
    match list(db, person(vendor), &filter).await.expect("list") {
        ListedReports::Priced(page) => page.rows.iter().map(|row| row.id).collect(),
        ListedReports::Partner(_) => panic!("the vendor sees prices"),
    }
}

/// Submitted → returned by the vendor → rejected by the distributor → resubmitted by the partner:
/// the report is the vendor's to see (on the list and opened, with its history) all along,
/// though it has nothing to do on it; when it first reached the vendor never changes.
async fn the_vendor_keeps_sight_of_a_report_it_returned_and_the_distributor_rejected(
    backend: Backend,
) {
    let (db, _url, _guard) = shared_db(backend).await;
    let harbor = "Harbor IT Services";
    let partner = user(
        org(&db, harbor).await,
        OrgKind::Partner,
        Role::BillingManager,
    );
    let distributor = user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::Administrator,
    );
    let vendor = user(
        org(&db, "Trend Micro").await,
        OrgKind::Vendor,
        Role::BillingManager,
    );
    let id: i64 = sqlx::query_scalar(
        "SELECT r.id FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = $1 AND r.status = 'submitted_to_vendor' ORDER BY r.period DESC LIMIT 1",
    )
    .bind(harbor)
    .fetch_one(db.pool())
    .await
    .expect("a submitted report");
    let first_sent = sent_at(&db, id).await;
    assert!(
        first_sent.is_some(),
        "a submitted report says when it was sent"
    );

    // A report that never reached the vendor is not its to see, exactly like a missing one.
    let (unsent,): (i64,) = sqlx::query_as(
        "SELECT MIN(id) FROM reports WHERE sent_to_vendor_at IS NULL AND status = 'msp_preparing'",
    )
    .fetch_one(db.pool())
    .await
    .expect("an unsent report");
    assert!(matches!(
        open(&db, &Vendor::Builtin, person(&vendor), unsent).await,
        Err(ServiceError::NotFound)
    ));
    assert!(!vendor_list(&db, &vendor).await.contains(&unsent));

    let (_, version) = status_and_version(&db, id).await;
    let reason = "Please confirm the seat count.";
    let returned = act(
        &db,
        &Vendor::Builtin,
        &vendor,
        id,
        version,
        Command::Return {
            reason: reason.into(),
        },
    )
    .await
    .expect("the vendor returns it");
    assert_eq!(
        returned.status,
        Status::UnderReview(ReviewReason::ReturnedByVendor)
    );
    let rejected = act(
        &db,
        &Vendor::Builtin,
        &distributor,
        id,
        returned.version,
        Command::Reject {
            reason: "The vendor asks about the seat count; please check it.".into(),
        },
    )
    .await
    .expect("the distributor rejects it");
    assert_eq!(rejected.status, Status::Rejected);

    // Rejected: with the partner now, and still on the vendor's list and open to it.
    assert!(vendor_list(&db, &vendor).await.contains(&id));
    let opened = open(&db, &Vendor::Builtin, person(&vendor), id)
        .await
        .expect("the vendor still opens it");
    let billing_reports::domain::OpenedReport::Priced(detail) = opened else {
        panic!("the vendor sees prices");
    };
    assert_eq!(detail.header.status, Status::Rejected);
    let events: Vec<HistoryEvent> = detail.history.iter().map(|entry| entry.event).collect();
    assert!(events.ends_with(&[
        HistoryEvent::ReturnedByVendor,
        HistoryEvent::ReturnedToPartner
    ]));
    // It has nothing to do there: told why, not "not found".
    assert!(matches!(
        act(
            &db,
            &Vendor::Builtin,
            &vendor,
            id,
            rejected.version,
            Command::Complete
        )
        .await,
        Err(ServiceError::Refused(Refusal::WrongStatus { .. }))
    ));

    // The partner resubmits: under review by the distributor, still in the vendor's sight.
    let resubmitted = act(
        &db,
        &Vendor::Builtin,
        &partner,
        id,
        rejected.version,
        Command::Submit { edits: Vec::new() },
    )
    .await
    .expect("the partner resubmits");
    assert_eq!(
        resubmitted.status,
        Status::UnderReview(ReviewReason::Manual)
    );
    assert!(vendor_list(&db, &vendor).await.contains(&id));
    assert_eq!(
        sent_at(&db, id).await,
        first_sent,
        "first reached, never moved"
    );
}

/// Lucia's distributor is in a region without billing reports: the list, its filter choices and
/// any report (even one of another region's) answer with that sentence, and nothing changes.
async fn a_region_without_billing_reports_is_named_by_every_read(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let andes = org(&db, "Andes Cloud Distribution").await;
    let lucia = Caller::User(UserCaller {
        actor: billing_reports::domain::Actor {
            region_enabled: false,
            ..person(&user(andes, OrgKind::Distributor, Role::Administrator)).actor
        },
        name: "Lucia".to_owned(),
        org_name: "Andes Cloud Distribution".to_owned(),
    });
    let refused = |result: Result<(), ServiceError>| {
        assert!(
            matches!(result, Err(ServiceError::Refused(Refusal::RegionDisabled))),
            "{result:?}"
        );
    };
    refused(
        list(&db, person(&lucia), &ReportFilter::default())
            .await
            .map(drop),
    );
    refused(filter_options(&db, person(&lucia)).await.map(drop));
    let (any, version): (i64, i64) =
        sqlx::query_as("SELECT id, version FROM reports ORDER BY id LIMIT 1")
            .fetch_one(db.pool())
            .await
            .expect("a report");
    refused(
        open(&db, &Vendor::Builtin, person(&lucia), any)
            .await
            .map(drop),
    );
    refused(
        act(
            &db,
            &Vendor::Builtin,
            &lucia,
            any,
            version,
            Command::SetPoNumber {
                po_number: "PO-1".into(),
            },
        )
        .await
        .map(drop),
    );
    assert_eq!(status_and_version(&db, any).await.1, version);
    assert_eq!(
        Refusal::RegionDisabled.to_string(),
        "Billing reports are not available in your region"
    );
}

/// Clears a report's flags (a cache of what its lines say), moving its version on.
async fn make_clean(db: &Db, id: i64) {
    sqlx::query(
        "UPDATE reports SET has_comments = 0, auto_penalties = 0, below_used = 0, anomaly = 0, \
             version = version + 1 WHERE id = $1",
    )
    .bind(id)
    .execute(db.pool())
    .await
    .expect("a clean report");
}

/// The distributor's under-review reports, each with a PO number (set through the service
/// where it had none), all but the last made clean: (id, version, clean?). The demo's few
/// reports under review all carry a flag, so the flags (a cache of what the lines say) are
/// cleared here, moving the version on as any change must.
async fn under_review_with_po(db: &Db, distributor: &Caller) -> Vec<(i64, i64, bool)> {
    let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT r.id, r.version, r.po_number \
         FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE d.name = 'Summit Tech Distribution' AND r.status = 'under_review' \
         ORDER BY r.id",
    )
    .fetch_all(db.pool())
    .await
    .expect("reports under review");
    let last = rows.last().map(|row| row.0);
    let mut out = Vec::new();
    for (id, version, po) in rows {
        let mut version = match po {
            Some(_) => version,
            None => {
                act(
                    db,
                    &Vendor::Builtin,
                    distributor,
                    id,
                    version,
                    Command::SetPoNumber {
                        po_number: format!("PO-BULK-{id}"),
                    },
                )
                .await
                .expect("set the PO number")
                .version
            }
        };
        let clean = Some(id) != last;
        if clean {
            make_clean(db, id).await;
            version += 1;
        } else {
            sqlx::query("UPDATE reports SET has_comments = 1, version = version + 1 WHERE id = $1")
                .bind(id)
                .execute(db.pool())
                .await
                .expect("a report with comments");
            version += 1;
        }
        out.push((id, version, clean));
    }
    out
}

/// Three clean reports go to the vendor in one step while a flagged one is refused with its
/// reason and a stale one is left as it is; each that went has its own history entry. The
/// vendor then completes in bulk the same way; a partner has no bulk step at all.
async fn clean_reports_go_through_in_bulk_each_on_its_own(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let distributor = user(
        org(&db, "Summit Tech Distribution").await,
        OrgKind::Distributor,
        Role::BillingManager,
    );
    let vendor = user(
        org(&db, "Trend Micro").await,
        OrgKind::Vendor,
        Role::Administrator,
    );
    let partner = user(
        org(&db, "Harbor IT Services").await,
        OrgKind::Partner,
        Role::Administrator,
    );
    let candidates = under_review_with_po(&db, &distributor).await;
    let clean: Vec<(i64, i64)> = candidates
        .iter()
        .filter(|c| c.2)
        .map(|c| (c.0, c.1))
        .collect();
    let flagged: Vec<(i64, i64)> = candidates
        .iter()
        .filter(|c| !c.2)
        .map(|c| (c.0, c.1))
        .collect();
    assert!(
        clean.len() >= 4 && !flagged.is_empty(),
        "the demo has clean and flagged reports under review: {candidates:?}"
    );
    let entries = |id: i64| {
        let db = db.clone();
        async move {
            billing_reports::server::db::reports::history(&db, id)
                .await
                .expect("history")
                .len()
        }
    };
    let before: Vec<usize> = {
        let mut counts = Vec::new();
        for (id, _) in clean.iter().take(4).chain(flagged.iter().take(1)) {
            counts.push(entries(*id).await);
        }
        counts
    };
    let stale = (clean[3].0, clean[3].1 - 1);
    let items: Vec<BulkItem> = clean[..3]
        .iter()
        .chain([&flagged[0], &stale])
        .map(|(id, version)| BulkItem {
            id: *id,
            version: *version,
        })
        .collect();
    let results = act_on_many(&db, person(&distributor), BulkStep::SubmitToVendor, &items)
        .await
        .expect("the bulk step runs");
    assert_eq!(results.len(), 5);
    for (n, result) in results.iter().take(3).enumerate() {
        let outcome = result.as_ref().expect("a clean report goes through");
        assert_eq!(outcome.status, Status::SubmittedToVendor);
        assert_eq!(entries(clean[n].0).await, before[n] + 1, "one entry each");
        assert!(sent_at(&db, clean[n].0).await.is_some());
    }
    match &results[3] {
        Err(ServiceError::Invalid(why)) => assert_eq!(why, "The partner commented on a line."),
        other => panic!("a flagged report is refused with its reason: {other:?}"),
    }
    assert!(matches!(results[4], Err(ServiceError::Conflict { .. })));
    // The refused ones are exactly as they were.
    assert_eq!(
        status_and_version(&db, flagged[0].0).await,
        ("under_review".to_owned(), flagged[0].1)
    );
    assert_eq!(status_and_version(&db, clean[3].0).await.1, clean[3].1);
    assert_eq!(entries(clean[3].0).await, before[3]);
    assert_eq!(entries(flagged[0].0).await, before[4]);

    // The vendor completes two of them in one step; the same report twice is refused outright.
    // Submitting judged the flags from the lines again (the demo lines carry comments): as
    // above, these two are made clean.
    let mut sent = Vec::new();
    for (id, _) in &clean[..2] {
        make_clean(&db, *id).await;
        let version = status_and_version(&db, *id).await.1;
        sent.push(BulkItem { id: *id, version });
    }
    let twice = [sent[0], sent[0]];
    assert!(matches!(
        act_on_many(&db, person(&vendor), BulkStep::Complete, &twice).await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(matches!(
        act_on_many(&db, person(&vendor), BulkStep::Complete, &[]).await,
        Err(ServiceError::Invalid(_))
    ));
    let completed = act_on_many(&db, person(&vendor), BulkStep::Complete, &sent)
        .await
        .expect("the vendor completes");
    assert!(
        completed
            .iter()
            .all(|r| matches!(r, Ok(outcome) if outcome.status == Status::Completed)),
        "{completed:?}"
    );
    // Nobody takes another's step: the vendor cannot submit, a partner has no bulk step.
    for (who, step) in [
        (&vendor, BulkStep::SubmitToVendor),
        (&partner, BulkStep::SubmitToVendor),
        (&partner, BulkStep::Complete),
        (&distributor, BulkStep::Complete),
    ] {
        assert!(matches!(
            act_on_many(&db, person(who), step, &sent).await,
            Err(ServiceError::Refused(Refusal::WrongActor { .. }))
        ));
    }
}
