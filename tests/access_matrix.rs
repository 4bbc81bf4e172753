//! The access matrix, generated: every server function (as registered) and every route (from
//! the router's own table) is called by every kind of user against a report that user may not
//! see, with the report's id in every argument that takes one (as JSON and as a form). Nothing
//! answers 5xx, nothing names the report, and nothing is written. A new server function or
//! route is in the matrix without anyone listing it.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use billing_reports::server::{
    db::{Backend, Db},
    router::route_table,
};
use common::{TestApp, read, spawn_app};

on_both_backends!(every_caller_is_refused_a_foreign_report_everywhere);

/// Each kind of user, and the SQL that finds a report it may not see.
const CALLERS: &[(&str, Option<&str>, &str)] = &[
    ("anonymous", None, "SELECT MIN(id) FROM reports"),
    (
        "partner",
        Some("maria@harbor-it.example"),
        "SELECT MIN(r.id) FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name <> 'Harbor IT Services'",
    ),
    (
        "partner support",
        Some("tom@harbor-it.example"),
        "SELECT MIN(r.id) FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name <> 'Harbor IT Services'",
    ),
    (
        "distributor",
        Some("dana@summit-tech.example"),
        "SELECT MIN(r.id) FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE d.name <> 'Summit Tech Distribution'",
    ),
    (
        "distributor support",
        Some("sam@summit-tech.example"),
        "SELECT MIN(r.id) FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE d.name <> 'Summit Tech Distribution'",
    ),
    (
        "vendor",
        Some("vera@vendor.example"),
        "SELECT MIN(id) FROM reports WHERE sent_to_vendor_at IS NULL",
    ),
    (
        "region without billing reports",
        Some("lucia@andes-cloud.example"),
        "SELECT MIN(id) FROM reports",
    ),
];

/// Answers that may name any report, and why: the demo accounts (and the sign-in page that
/// lists them) are public by design in demo mode and name organisations, not reports.
const PUBLIC: [&str; 2] = ["/api/auth/demo-accounts", "/sign-in"];

/// What is stored about reports, in a few numbers: any write moves one of them.
async fn fingerprint(db: &Db) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM history), \
                (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM reports), \
                (SELECT CAST(COALESCE(SUM(unit_price_e4 + chargeable), 0) AS BIGINT) FROM line_items), \
                (SELECT COUNT(*) FROM usage_feed)",
    )
    .fetch_one(db.pool())
    .await
    .expect("fingerprint")
}

/// The ways an answer could name report `id`.
fn names(text: &str, id: i64) -> bool {
    [
        format!("\"id\":{id},"),
        format!("\"id\":{id}}}"),
        format!("\"report_id\":{id},"),
        format!("/reports/{id}\""),
        format!("/reports/{id}/"),
    ]
    .iter()
    .any(|marker| text.contains(marker.as_str()))
}

fn request(
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, String)>,
) -> Request<Body> {
    // Server functions are called as the page's script calls them; routes as a browser opens them.
    let accept = if path.starts_with("/api/") {
        "application/json"
    } else {
        "text/html"
    };
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT, accept);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    match body {
        Some((content_type, body)) => builder
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body)),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

async fn every_caller_is_refused_a_foreign_report_everywhere(backend: Backend) {
    let app: TestApp = spawn_app(backend).await;
    let functions: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| path != "/api/auth/sign-out" && path != "/api/auth/sign-in")
        .collect();
    let routes = route_table();
    let before = fingerprint(&app.db).await;
    let mut calls = 0;
    for (caller, account, foreign_sql) in CALLERS {
        let foreign: i64 = sqlx::query_scalar(foreign_sql)
            .fetch_one(app.db.pool())
            .await
            .expect("a foreign report");
        let (version, line): (i64, i64) = sqlx::query_as(
            "SELECT r.version, (SELECT MIN(l.id) FROM line_items l WHERE l.report_id = r.id) \
             FROM reports r WHERE r.id = $1",
        )
        .bind(foreign)
        .fetch_one(app.db.pool())
        .await
        .expect("its version and a line");
        let cookie = match account {
            Some(email) => Some(app.sign_in(email).await),
            None => None,
        };
        let json = serde_json::json!({
            "id": foreign,
            "version": version,
            "line_id": line,
            "action": { "SetPoNumber": { "po_number": "PO-FOREIGN" } },
            "step": "SubmitToVendor",
            "items": [{ "id": foreign, "version": version }],
            "code": "BDN-FOREIGN",
            "value": "1",
            "period": "2027-01",
            "filter": { "page": 1, "partner": foreign.to_string(), "view": "All" },
        })
        .to_string();
        let form = format!(
            "id={foreign}&version={version}&line_id={line}&code=BDN-FOREIGN&value=1&period=2027-01"
        );
        for path in &functions {
            for body in [
                ("application/json", json.clone()),
                ("application/x-www-form-urlencoded", form.clone()),
            ] {
                let kind = body.0;
                let (status, text) = read(
                    app.send(request("POST", path, cookie.as_deref(), Some(body)))
                        .await,
                )
                .await;
                calls += 1;
                assert!(
                    !status.is_server_error(),
                    "{caller} {path} ({kind}): {status} {text}"
                );
                assert!(
                    PUBLIC.contains(&path.as_str()) || !names(&text, foreign),
                    "{caller} {path} ({kind}) was told about report {foreign}: {text}"
                );
                if account.is_none() && path != "/api/auth/demo-accounts" && path != "/api/auth/me"
                {
                    // Asked to sign in, or (when the arguments cannot even be read, which comes
                    // first) told so.
                    assert!(status.is_client_error(), "{caller} {path}: {status} {text}");
                }
            }
        }
        for (method, route) in &routes {
            let path = route.replace("{id}", &foreign.to_string());
            let body = (*method == "POST").then(|| ("text/csv", String::new()));
            let (status, text) = read(
                app.send(request(method, &path, cookie.as_deref(), body))
                    .await,
            )
            .await;
            calls += 1;
            assert!(
                !status.is_server_error(),
                "{caller} {method} {path}: {status} {text}"
            );
            assert!(
                PUBLIC.contains(&route.as_str()) || !names(&text, foreign),
                "{caller} {method} {path} was told about report {foreign}: {text}"
            );
            if route.contains("{id}") {
                let refused = status == StatusCode::NOT_FOUND
                    || status == StatusCode::UNAUTHORIZED
                    || status == StatusCode::FORBIDDEN
                    || status.is_redirection();
                assert!(refused, "{caller} {method} {path}: {status}");
            }
        }
    }
    assert_eq!(
        fingerprint(&app.db).await,
        before,
        "a foreign report was changed"
    );
    println!(
        "{calls} calls: {} server functions and {} routes, each as {} kinds of caller, against a \
         report the caller may not see",
        functions.len(),
        routes.len(),
        CALLERS.len()
    );
}
