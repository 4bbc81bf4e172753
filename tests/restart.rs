//! Data survives the process: the real binary seeds a database and exits, a change is written,
//! then the server is started (twice) on the same database and still shows everything.

mod common;

use billing_reports::server::vendor::Vendor;
use billing_reports::{
    domain::{Actor, OrgKind, Role},
    server::{
        db::{Backend, Db},
        services::{
            Caller, UserCaller,
            reports::{Command, act},
        },
    },
};
use common::{
    durable_db,
    server::{Server, run},
};

on_both_backends!(data_survives_restarts);

async fn data_survives_restarts(backend: Backend) {
    let (db, url, _guard) = durable_db(backend).await;
    db.close().await;
    run(&url, &["seed", "demo"]);

    let db = Db::connect(&url).await.expect("reconnect");
    let (report, version): (i64, i64) = sqlx::query_as(
        "SELECT r.id, r.version FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = 'Blue Ridge Managed Security' AND r.status = 'under_review' LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report under review");
    let (distributor, name): (i64, String) = sqlx::query_as(
        "SELECT id, name FROM organisations WHERE name = 'Summit Tech Distribution'",
    )
    .fetch_one(db.pool())
    .await
    .expect("distributor");
    let caller = Caller::User(UserCaller {
        actor: Actor {
            user_id: 1,
            org_id: distributor,
            org_kind: OrgKind::Distributor,
            role: Role::Administrator,
            region_enabled: true,
        },
        name: "Restart Tester".into(),
        org_name: name,
    });
    act(
        &db,
        &Vendor::Builtin,
        &caller,
        report,
        version,
        Command::SetPoNumber {
            po_number: "PO-RESTART-77".into(),
        },
    )
    .await
    .expect("write");
    db.close().await;

    for _ in 0..2 {
        let server = Server::start(&url);
        let cookie = server.sign_in("dana@summit-tech.example");
        let page = server
            .get_signed_in("/?partner=Blue%20Ridge&status=under_review", &cookie)
            .expect("page");
        assert!(
            page.contains("PO-RESTART-77"),
            "the change is gone after a restart:\n{page}"
        );
        assert!(page.contains("Blue Ridge Managed Security"));
    }
    // A second `seed demo` on a database with reports loads nothing.
    run(&url, &["seed", "demo"]);
    let db = Db::connect(&url).await.expect("reconnect");
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(reports, 144);
    db.close().await;
}
