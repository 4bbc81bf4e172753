//! The demo data tells no contradictions, on SQLite and PostgreSQL alike: every pricing code on a
//! line is one the vendor issued to that partner for that product and month, and verifying it
//! again gives exactly the line's terms; every report's history runs forward in time and agrees
//! with its deadlines (a partner submits before its deadline, the deadline job after it, a code
//! is applied between the partner's submission and the submission to the vendor, a rejection and
//! a vendor's return set deadlines after themselves).

mod common;

use billing_reports::server::vendor::Vendor;
use billing_reports::{
    domain::{
        HistoryEntry, HistoryEvent, OrgKind, ReviewReason, Role, Status,
        deadline::utc_seconds,
        pricing::{priced_with, verify_for_line},
        workflow::{REREVIEW_DAYS, RESUBMISSION_DAYS},
    },
    server::{
        db::{Backend, Db, now_utc, pricing, reports},
        services::{Caller, reports::verify_code},
    },
};
use common::{org, shared_db, user};

on_both_backends!(
    every_code_on_a_demo_line_verifies_again_with_the_lines_terms,
    demo_histories_agree_with_their_deadlines,
);

/// The ids of the demo reports with at least one line carrying a pricing code.
async fn reports_with_codes(db: &Db) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT DISTINCT report_id FROM line_items WHERE pricing_code IS NOT NULL \
         ORDER BY report_id",
    )
    .fetch_all(db.pool())
    .await
    .expect("reports with codes")
}

async fn every_code_on_a_demo_line_verifies_again_with_the_lines_terms(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let mut walked = 0;
    let mut through_the_service = 0;
    for id in reports_with_codes(&db).await {
        let report = reports::open(&db, id, &now_utc())
            .await
            .expect("open")
            .expect("a report");
        let lines = {
            let mut conn = db.acquire().await.expect("a connection");
            reports::lines(&mut conn, id).await.expect("lines")
        };
        for line in &lines {
            let Some(code) = line.pricing_code.clone() else {
                continue;
            };
            // The lookup and the judgement the "apply code" action makes.
            let mut tx = db.pool().begin().await.expect("a transaction");
            let record = pricing::find_code(&mut tx, &code).await.expect("lookup");
            tx.rollback().await.expect("rollback");
            let verified = verify_for_line(
                code.clone(),
                record.as_ref(),
                report.owners.partner_org_id,
                line.product_id,
                report.header.period,
                report.rules,
            )
            .unwrap_or_else(|refusal| panic!("report {id}: {code} on line {}: {refusal}", line.id));
            assert_eq!(verified.code, code);
            assert_eq!(verified.kind, report.rules.code_kind);
            assert_eq!(
                priced_with(
                    verified.granted,
                    line.catalogue_price,
                    line.catalogue_margin
                ),
                (line.input.unit_price, line.input.margin),
                "report {id}: the line carries exactly what {code} grants"
            );
            assert!(line.code_applied_by.is_some() && line.code_applied_at.is_some());
            walked += 1;

            // Where the distributor may still price the report, its own verification agrees.
            if matches!(report.header.status, Status::UnderReview(_)) {
                let distributor = user(
                    org(&db, &report.header.distributor_name).await,
                    OrgKind::Distributor,
                    Role::BillingManager,
                );
                let Caller::User(distributor) = distributor else {
                    panic!("a user")
                };
                let again = verify_code(&db, &Vendor::Builtin, &distributor, id, line.id, &code)
                    .await
                    .expect("the service verifies it");
                assert_eq!(again, verified);
                through_the_service += 1;
            }
        }
    }
    assert!(walked > 0, "the demo has lines with codes");
    assert!(
        through_the_service > 0,
        "the demo has a code on a report the distributor still reviews"
    );
}

fn seconds(text: &str) -> i64 {
    utc_seconds(text).unwrap_or_else(|| panic!("not a stored time: {text}"))
}

/// When the entries of `events` happened, oldest first.
fn times(history: &[HistoryEntry], events: impl Fn(&HistoryEvent) -> bool) -> Vec<i64> {
    history
        .iter()
        .filter(|entry| events(&entry.event))
        .map(|entry| seconds(&entry.at))
        .collect()
}

async fn demo_histories_agree_with_their_deadlines(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM reports ORDER BY id")
        .fetch_all(db.pool())
        .await
        .expect("reports");
    let (mut auto, mut rejected, mut returned, mut applied_codes) = (0, 0, 0, 0);
    for id in ids {
        let header = reports::open(&db, id, &now_utc())
            .await
            .expect("open")
            .expect("a report")
            .header;
        let history: Vec<HistoryEntry> = reports::history(&db, id)
            .await
            .expect("history")
            .into_iter()
            .map(|stored| stored.entry)
            .collect();
        let submission_deadline = seconds(&header.submission_deadline);
        let review_deadline = seconds(&header.review_deadline);

        // Generated first, never back in time, and leading to the status the report has.
        assert_eq!(history[0].event, HistoryEvent::Generated, "report {id}");
        for pair in history.windows(2) {
            assert!(
                seconds(&pair[0].at) <= seconds(&pair[1].at),
                "report {id}: {:?} at {} after {:?} at {}",
                pair[1].event,
                pair[1].at,
                pair[0].event,
                pair[0].at
            );
        }
        assert_eq!(
            history.last().and_then(|entry| entry.to_status),
            Some(header.status),
            "report {id}"
        );

        let submitted = times(&history, |e| *e == HistoryEvent::Submitted);
        let auto_submitted = times(&history, |e| {
            matches!(e, HistoryEvent::AutoSubmitted { .. })
        });
        let to_vendor = times(&history, |e| *e == HistoryEvent::SubmittedToVendor);
        assert!(
            submitted.iter().all(|&at| at <= submission_deadline),
            "report {id}: the partner submitted by its deadline"
        );
        assert!(
            auto_submitted.iter().all(|&at| at > submission_deadline),
            "report {id}: submitted automatically only once the deadline had passed"
        );
        assert!(
            to_vendor.iter().all(|&at| at <= review_deadline),
            "report {id}: sent to the vendor by the review deadline"
        );
        auto += auto_submitted.len();

        if header.status == Status::Rejected {
            let at = *times(&history, |e| *e == HistoryEvent::ReturnedToPartner)
                .last()
                .expect("a rejection");
            assert!(submission_deadline > at, "report {id}: a new deadline");
            assert_eq!(submission_deadline - at, RESUBMISSION_DAYS * 86_400);
            rejected += 1;
        }
        if header.status == Status::UnderReview(ReviewReason::ReturnedByVendor) {
            let at = *times(&history, |e| *e == HistoryEvent::ReturnedByVendor)
                .last()
                .expect("a vendor's return");
            assert!(review_deadline > at, "report {id}: a fresh review deadline");
            assert_eq!(review_deadline - at, REREVIEW_DAYS * 86_400);
            returned += 1;
        }

        // A code is applied once the partner has submitted, before the report goes to the
        // vendor, and the history records it then.
        let applied: Vec<String> = sqlx::query_scalar(
            "SELECT code_applied_at FROM line_items \
             WHERE report_id = $1 AND code_applied_at IS NOT NULL",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await
        .expect("applied codes");
        let code_entries = times(&history, |e| *e == HistoryEvent::PricingCodeApplied);
        for at in applied.iter().map(|at| seconds(at)) {
            assert!(
                submitted.iter().chain(&auto_submitted).any(|&s| s <= at),
                "report {id}: a code applied before the report was submitted"
            );
            if !to_vendor.is_empty() {
                assert!(
                    to_vendor.iter().any(|&v| v >= at),
                    "report {id}: a code applied after the report went to the vendor"
                );
            }
            assert!(code_entries.contains(&at), "report {id}: no entry at {at}");
            applied_codes += 1;
        }
    }
    assert!(auto > 0 && rejected > 0 && returned > 0 && applied_codes > 0);
}
