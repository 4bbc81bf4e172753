//! Who may run the monthly cycle, and who hears what: generating a month and uploading a usage
//! file are for the vendor's billing team and platform admins only (everyone else is refused
//! with the reason, nobody signed out gets in); notices reach only the organisation they are
//! for. On the demo data, on both backends.

mod common;

use axum::http::StatusCode;
use billing_reports::{domain::notice::Notice, server::db::Backend};
use common::{TestApp, spawn_app};
use serde_json::json;

on_both_backends!(
    only_the_vendor_and_admins_run_the_cycle,
    notices_reach_only_their_organisation,
);

/// (demo account, whether it runs the cycle); `None` is nobody signed in.
const WHO: &[(Option<&str>, bool)] = &[
    (None, false),
    (Some("maria@harbor-it.example"), false),
    (Some("dana@summit-tech.example"), false),
    (Some("sam@summit-tech.example"), false),
    (Some("lucia@andes-cloud.example"), false),
    (Some("vera@vendor.example"), true),
    (Some("ops@billing-reports.example"), true),
];

async fn post(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    app.post_as(path, content_type, body, cookie).await
}

async fn only_the_vendor_and_admins_run_the_cycle(backend: Backend) {
    let app = spawn_app(backend).await;
    let reports_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    for (account, runs) in WHO {
        let cookie = match account {
            Some(email) => Some(app.sign_in(email).await),
            None => None,
        };
        let who = account.unwrap_or("nobody");
        let (generate, text) = post(
            &app,
            "/api/cycle/generate",
            "application/x-www-form-urlencoded",
            "period=2026-11",
            cookie.as_deref(),
        )
        .await;
        let (upload, answer) = post(
            &app,
            "/usage/import?dry_run=true",
            "text/csv",
            "partner,sku,period,provisioned,used\n1,TM-V1-EPS,2026-11,1,1\n",
            cookie.as_deref(),
        )
        .await;
        match (account, runs) {
            (None, _) => {
                assert_eq!(generate, StatusCode::UNAUTHORIZED, "{who}: {text}");
                assert_eq!(upload, StatusCode::UNAUTHORIZED, "{who}: {answer}");
            }
            (Some(_), false) => {
                assert_eq!(generate, StatusCode::FORBIDDEN, "{who}: {text}");
                assert!(
                    text.contains("vendor's billing team and platform admins"),
                    "{who}: {text}"
                );
                assert_eq!(upload, StatusCode::FORBIDDEN, "{who}: {answer}");
                assert!(
                    answer.contains("vendor's billing team and platform admins"),
                    "{who}: {answer}"
                );
            }
            (Some(_), true) => {
                assert_eq!(generate, StatusCode::OK, "{who}: {text}");
                assert_eq!(upload, StatusCode::OK, "{who}: {answer}");
                let summary: serde_json::Value = serde_json::from_str(&answer).expect("summary");
                assert_eq!(summary["rows"], json!(1), "{who}: {answer}");
                assert_eq!(summary["imported"], json!(false), "{who}: {answer}");
            }
        }
    }
    // Nothing was generated (the feed is empty for that month) and the dry runs wrote nothing.
    let (reports, feed): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM usage_feed)")
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!((reports, feed), (reports_before, 0));
}

async fn notices_reach_only_their_organisation(backend: Backend) {
    let app = spawn_app(backend).await;
    // (account, its organisation, the report column that names it)
    let readers = [
        (
            "maria@harbor-it.example",
            "Harbor IT Services",
            "partner_id",
        ),
        (
            "dana@summit-tech.example",
            "Summit Tech Distribution",
            "distributor_id",
        ),
    ];
    for (email, org, column) in readers {
        let cookie = app.sign_in(email).await;
        let (status, body) = app.call_as("notices/open", json!({}), Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK, "{email}: {body}");
        let notices: Vec<Notice> = serde_json::from_str(&body).expect("notices");
        assert!(!notices.is_empty(), "{email} has no notices in the demo");
        assert!(notices.iter().all(|n| n.new), "{email}: first opening");
        for notice in &notices {
            let owner: String = sqlx::query_scalar(&format!(
                "SELECT o.name FROM reports r JOIN organisations o ON o.id = r.{column} WHERE r.id = $1"
            ))
            .bind(notice.report_id)
            .fetch_one(app.db.pool())
            .await
            .expect("owner");
            assert_eq!(
                owner, org,
                "{email} got a notice about another organisation's report"
            );
        }
        // Opened once, they are read.
        let (_, again) = app.call_as("notices/open", json!({}), Some(&cookie)).await;
        let again: Vec<Notice> = serde_json::from_str(&again).expect("notices");
        assert!(again.iter().all(|n| !n.new), "{email}: read after opening");
        let (_, me) = app.call_as("auth/me", json!({}), Some(&cookie)).await;
        assert!(me.contains("\"unread_notices\":0"), "{email}: {me}");
    }
}
