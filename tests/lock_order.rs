//! Nobody can make another tenant's report wait: acting on a report, or verifying a code on one
//! of its lines, answers "not found" at once to a user who may not see it, even while the
//! report's own distributor holds its lock. (Before the visibility check moved ahead of the
//! lock, the stranger queued behind the lock.) On both backends, on a database with real locking.

mod common;

use billing_reports::server::vendor::Vendor;
use std::time::Duration;

use billing_reports::{
    domain::{OrgKind, Role},
    server::{
        db::{Backend, reports as stored},
        services::{
            Caller, ServiceError,
            reports::{self, Command},
        },
    },
};

on_both_backends!(a_stranger_never_waits_for_a_report_it_may_not_see);

/// Longer than answering takes, far shorter than the lock waits (SQLite's busy timeout is 10 s).
const PROMPTLY: Duration = Duration::from_secs(3);

async fn a_stranger_never_waits_for_a_report_it_may_not_see(backend: Backend) {
    let (db, _url, _guard) = common::shared_db(backend).await;
    let (report, line): (i64, i64) = sqlx::query_as(
        "SELECT r.id, l.id FROM reports r JOIN organisations p ON p.id = r.partner_id \
         JOIN line_items l ON l.report_id = r.id \
         WHERE p.name = 'Harbor IT Services' ORDER BY r.period DESC, l.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report of Harbor");
    let version: i64 = sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
        .bind(report)
        .fetch_one(db.pool())
        .await
        .expect("version");

    // Summit (Harbor's distributor) is in the middle of an action on the report.
    let mut holder = db.begin_write().await.expect("begin");
    stored::lock_header(&db, &mut holder, report)
        .await
        .expect("lock")
        .expect("the report");

    let atlas = common::org(&db, "Atlas Distribution Europe").await;
    let stranger = common::user(atlas, OrgKind::Distributor, Role::BillingManager);
    let acted = tokio::time::timeout(
        PROMPTLY,
        reports::act(
            &db,
            &Vendor::Builtin,
            &stranger,
            report,
            version,
            Command::SetPoNumber {
                po_number: "PO-STRANGER".to_owned(),
            },
        ),
    )
    .await
    .expect("the stranger's action waited for the report's lock");
    assert!(matches!(acted, Err(ServiceError::NotFound)), "{acted:?}");

    let Caller::User(stranger) = stranger else {
        unreachable!("a user")
    };
    let verified = tokio::time::timeout(
        PROMPTLY,
        reports::verify_code(
            &db,
            &Vendor::Builtin,
            &stranger,
            report,
            line,
            "BDN-NA-0001",
        ),
    )
    .await
    .expect("the stranger's code check waited for the report's lock");
    assert!(
        matches!(verified, Err(ServiceError::NotFound)),
        "{verified:?}"
    );

    holder.rollback().await.expect("rollback");
    let after: i64 = sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
        .bind(report)
        .fetch_one(db.pool())
        .await
        .expect("version");
    assert_eq!(after, version, "nothing changed");
}
