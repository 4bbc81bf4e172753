//! A distributor's cycle settings: read by its users, changed only by its administrators, every
//! bad form and every refused save leaving the database as it was, two saves at once (one wins,
//! the other is told), an audit nobody can rewrite, and a changed anomaly threshold judging the
//! open reports again (and only those). On the demo data, on both backends.

mod common;

use axum::http::StatusCode;
use billing_reports::{
    domain::{
        OrgKind, Role,
        settings::{SettingsForm, SettingsSaved},
    },
    server::{
        db::Backend,
        services::{Caller, ServiceError, UserCaller, settings},
    },
};
use common::{TestApp, spawn_app};
use time::macros::datetime;

on_both_backends!(
    settings_are_read_by_the_distributor_and_changed_by_its_administrators,
    a_bad_form_or_a_stale_version_changes_nothing,
    the_audit_cannot_be_rewritten,
    a_new_anomaly_threshold_judges_the_open_reports_again,
);

const SUMMIT: &str = "Summit Tech Distribution";

/// (demo account, may read, may change); `None` is nobody signed in.
const WHO: &[(Option<&str>, bool, bool)] = &[
    (None, false, false),
    (Some("maria@harbor-it.example"), false, false),
    (Some("sam@summit-tech.example"), true, false),
    (Some("lukas@atlas-distribution.example"), true, false),
    (Some("lucia@andes-cloud.example"), false, false),
    (Some("vera@vendor.example"), false, false),
    (Some("ops@billing-reports.example"), false, false),
    (Some("dana@summit-tech.example"), true, true),
];

async fn post_form(
    app: &TestApp,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    app.post_as(path, "application/x-www-form-urlencoded", body, cookie)
        .await
}

/// One organisation's stored settings, as a refused save must leave them.
#[derive(Debug, sqlx::FromRow)]
#[allow(dead_code)] // read through `Debug` only
struct StoredRow {
    id: i64,
    submission_window_days: i64,
    review_window_days: i64,
    threshold_e4: i64,
    anomaly_threshold_e4: i64,
    auto_approve: i64,
    auto_approve_po_pattern: Option<String>,
    auto_approve_max_total_e4: Option<i64>,
    settings_version: i64,
}

/// Every stored setting of every organisation, the settings' versions and the audit, as text:
/// what a refused save must leave exactly as it was.
async fn snapshot(app: &TestApp) -> String {
    let rows: Vec<StoredRow> = sqlx::query_as(
        "SELECT id, submission_window_days, review_window_days, threshold_e4, anomaly_threshold_e4, \
                auto_approve, auto_approve_po_pattern, auto_approve_max_total_e4, settings_version \
         FROM organisations ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("organisations");
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settings_changes")
        .fetch_one(app.db.pool())
        .await
        .expect("audit");
    format!("{rows:?} audit={audit}")
}

const SAVE: &str = "submission_days=4&review_days=6&threshold=10&anomaly_threshold=50\
                    &auto_approve=on&po_pattern=PO-%7Bperiod%7D-%7Bpartner%7D&max_total=25000";

async fn settings_are_read_by_the_distributor_and_changed_by_its_administrators(backend: Backend) {
    let app = spawn_app(backend).await;
    for (account, reads, changes) in WHO {
        let cookie = match account {
            Some(email) => Some(app.sign_in(email).await),
            None => None,
        };
        let who = account.unwrap_or("nobody");
        let (read, text) = post_form(&app, "/api/settings/read", "", cookie.as_deref()).await;
        let (page, html) = app.get_as("/settings", cookie.as_deref()).await;
        if *reads {
            assert_eq!(read, StatusCode::OK, "{who}: {text}");
            assert!(
                text.contains("\"may_edit\":") && text.contains(&format!("\"may_edit\":{changes}")),
                "{who}: {text}"
            );
            assert_eq!(page, StatusCode::OK, "{who}");
            assert!(html.contains("Cycle settings"), "{who}");
        } else {
            assert!(
                read.is_client_error(),
                "{who} read the settings: {read} {text}"
            );
        }
        let before = snapshot(&app).await;
        let (save, answer) = post_form(
            &app,
            "/api/settings/save",
            &format!("{SAVE}&version=1"),
            cookie.as_deref(),
        )
        .await;
        if *changes {
            assert_eq!(save, StatusCode::OK, "{who}: {answer}");
            let saved: SettingsSaved = serde_json::from_str(&answer).expect("saved");
            assert_eq!(saved.changed, 6, "{answer}");
            assert_eq!(saved.page.version, 2);
            assert_eq!(saved.page.changes.len(), 6);
            assert!(
                saved
                    .page
                    .changes
                    .iter()
                    .all(|c| c.actor == "Dana Whitfield")
            );
            assert_ne!(snapshot(&app).await, before);
        } else {
            assert!(save.is_client_error(), "{who} saved: {save} {answer}");
            assert_eq!(
                snapshot(&app).await,
                before,
                "{who}'s refused save changed something"
            );
        }
        match *account {
            Some("sam@summit-tech.example") => assert!(
                answer
                    .contains("Only an administrator of your organisation can change its settings"),
                "{answer}"
            ),
            Some("maria@harbor-it.example") => assert!(
                answer.contains("Cycle settings belong to distributors"),
                "{answer}"
            ),
            Some("lucia@andes-cloud.example") => {
                assert!(answer.contains("not available in your region"), "{answer}")
            }
            None => assert_eq!(save, StatusCode::UNAUTHORIZED),
            _ => {}
        }
    }
    // The same form again is nothing to save, and says so.
    let dana = app.sign_in("dana@summit-tech.example").await;
    let (status, answer) = post_form(
        &app,
        "/api/settings/save",
        &format!("{SAVE}&version=2"),
        Some(&dana),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let saved: SettingsSaved = serde_json::from_str(&answer).expect("saved");
    assert_eq!((saved.changed, saved.page.version), (0, 2));
}

async fn administrator(app: &TestApp) -> UserCaller {
    match common::user(
        common::org(&app.db, SUMMIT).await,
        OrgKind::Distributor,
        Role::Administrator,
    ) {
        Caller::User(user) => user,
        Caller::System => unreachable!("a user"),
    }
}

/// Summit's settings as its form shows them now, with the review window changed.
async fn form_with(app: &TestApp, dana: &UserCaller, review_days: &str) -> SettingsForm {
    let page = settings::page(&app.db, dana).await.expect("page");
    SettingsForm {
        review_days: review_days.into(),
        ..page.form
    }
}

async fn a_bad_form_or_a_stale_version_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let dana = administrator(&app).await;
    let at = datetime!(2026-12-03 09:00 UTC);
    let before = snapshot(&app).await;
    for (bad, words) in [
        (
            form_with(&app, &dana, "0").await,
            "Review window must be a whole number of days from 1 to 60",
        ),
        (
            SettingsForm {
                max_total: "-5".into(),
                ..form_with(&app, &dana, "7").await
            },
            "Highest total cannot be negative",
        ),
        (
            SettingsForm {
                po_pattern: "PO-{month}".into(),
                ..form_with(&app, &dana, "7").await
            },
            "can use {period} and {partner} only",
        ),
        (
            SettingsForm {
                anomaly_threshold: "150".into(),
                ..form_with(&app, &dana, "7").await
            },
            "Anomaly threshold must be between 0 and 100",
        ),
    ] {
        let refused = settings::save(&app.db, &dana, &bad, 1, at)
            .await
            .expect_err("refused");
        assert!(
            matches!(&refused, ServiceError::Invalid(m) if m.contains(words)),
            "{refused:?}"
        );
        assert_eq!(snapshot(&app).await, before);
    }
    // Two people open version 1; the first to save wins, the second is told and changes nothing.
    let first = settings::save(&app.db, &dana, &form_with(&app, &dana, "9").await, 1, at)
        .await
        .expect("first");
    assert_eq!((first.changed, first.page.version), (1, 2));
    let after_first = snapshot(&app).await;
    let second = settings::save(&app.db, &dana, &form_with(&app, &dana, "3").await, 1, at)
        .await
        .expect_err("stale");
    assert!(
        matches!(second, ServiceError::SettingsChanged),
        "{second:?}"
    );
    assert_eq!(snapshot(&app).await, after_first);
    let page = settings::page(&app.db, &dana).await.expect("page");
    assert_eq!(page.form.review_days, "9");
    assert_eq!(page.changes.len(), 1);
    assert_eq!(
        (
            page.changes[0].before.as_str(),
            page.changes[0].after.as_str()
        ),
        ("7 days", "9 days")
    );
}

async fn the_audit_cannot_be_rewritten(backend: Backend) {
    let app = spawn_app(backend).await;
    let dana = administrator(&app).await;
    settings::save(
        &app.db,
        &dana,
        &form_with(&app, &dana, "8").await,
        1,
        datetime!(2026-12-03 09:00 UTC),
    )
    .await
    .expect("saved");
    for sql in [
        "UPDATE settings_changes SET after_value = '70 days'",
        "DELETE FROM settings_changes",
    ] {
        let refused = sqlx::query(sql).execute(app.db.pool()).await;
        assert!(refused.is_err(), "{sql} went through");
    }
    let kept: Vec<String> = sqlx::query_scalar("SELECT after_value FROM settings_changes")
        .fetch_all(app.db.pool())
        .await
        .expect("audit");
    assert_eq!(kept, vec!["8 days".to_owned()]);
}

/// The anomaly flags of Summit's reports: (open ones flagged, every flag of the others).
async fn anomalies(app: &TestApp, summit: i64) -> (i64, String) {
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE distributor_id = $1 AND anomaly = 1 \
         AND status NOT IN ('submitted_to_vendor', 'completed')",
    )
    .bind(summit)
    .fetch_one(app.db.pool())
    .await
    .expect("open");
    let settled: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, anomaly FROM reports WHERE distributor_id = $1 \
         AND status IN ('submitted_to_vendor', 'completed') ORDER BY id",
    )
    .bind(summit)
    .fetch_all(app.db.pool())
    .await
    .expect("settled");
    (open, format!("{settled:?}"))
}

async fn a_new_anomaly_threshold_judges_the_open_reports_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let dana = administrator(&app).await;
    let summit = dana.actor.org_id;
    let at = datetime!(2026-12-03 09:00 UTC);
    let (open, settled) = anomalies(&app, summit).await;
    let original = settings::page(&app.db, &dana).await.expect("page").form;
    let strict = SettingsForm {
        anomaly_threshold: "0".into(),
        ..original.clone()
    };
    settings::save(&app.db, &dana, &strict, 1, at)
        .await
        .expect("strict");
    let (strict_open, strict_settled) = anomalies(&app, summit).await;
    assert!(
        strict_open > open,
        "a 0% threshold flags more open reports: {open} → {strict_open}"
    );
    assert_eq!(
        strict_settled, settled,
        "reports that went to the vendor keep their flags"
    );
    settings::save(&app.db, &dana, &original, 2, at)
        .await
        .expect("back");
    assert_eq!(anomalies(&app, summit).await, (open, settled));
}
