//! Who may call what, and what nobody may see: the access table walked for every actor, canary
//! prices that must never reach a partner, sessions, cross-site requests and security headers.
//! On SQLite and PostgreSQL alike.

mod common;

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use billing_reports::{
    domain::{OpenedReport, Status, query::ListedReports},
    server::db::Backend,
};
use common::{PASSWORD, TestApp, plant_canaries, report_id, spawn_app, spawn_app_with};
use serde_json::json;

on_both_backends!(
    every_server_function_and_route_follows_the_access_table,
    acting_on_a_report_follows_the_policy,
    opening_a_report_follows_the_same_table,
    partners_never_receive_prices,
    sessions_are_safe,
    failed_sign_ins_are_throttled_without_telling_who_exists,
    cross_site_requests_are_refused_and_headers_are_everywhere,
    behind_a_proxy_the_public_url_is_the_origin,
    behind_trusted_proxies_each_client_has_its_own_throttle,
);

/// The actors of the access table: (label, demo account; None = anonymous).
const ACTORS: &[(&str, Option<&str>)] = &[
    ("anonymous", None),
    ("partner A", Some("maria@harbor-it.example")),
    (
        "partner B (same distributor)",
        Some("owen@blueridge-security.example"),
    ),
    (
        "partner C (other distributor)",
        Some("jonas@rheinland-systemhaus.example"),
    ),
    ("distributor X", Some("dana@summit-tech.example")),
    ("distributor Y", Some("lukas@atlas-distribution.example")),
    ("vendor", Some("vera@vendor.example")),
    ("support (read-only)", Some("sam@summit-tech.example")),
    ("platform admin", Some("ops@billing-reports.example")),
    (
        "region without billing reports",
        Some("lucia@andes-cloud.example"),
    ),
];

/// What an actor may get from the report list.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ListAccess {
    Refused,
    /// Only its own organisation's reports, without any pricing field.
    OwnWithoutPricing(&'static str),
    /// Only its own partners' reports, with pricing.
    OwnPartners(&'static str),
    /// Only reports the vendor has received.
    ReachedVendor,
    Everything,
    /// Refused with "Billing reports are not available in your region".
    RegionUnavailable,
}

/// The access table. Every registered server function and every route must appear here: the
/// test fails on one that does not.
fn access(endpoint: &str, actor: &str) -> ListAccess {
    use ListAccess::*;
    match (endpoint, actor) {
        ("reports/list", "anonymous") => Refused,
        ("reports/list", "partner A") => OwnWithoutPricing("Harbor IT Services"),
        ("reports/list", "partner B (same distributor)") => {
            OwnWithoutPricing("Blue Ridge Managed Security")
        }
        ("reports/list", "partner C (other distributor)") => {
            OwnWithoutPricing("Rheinland Systemhaus GmbH")
        }
        ("reports/list", "distributor X" | "support (read-only)") => {
            OwnPartners("Summit Tech Distribution")
        }
        ("reports/list", "distributor Y") => OwnPartners("Atlas Distribution Europe"),
        ("reports/list", "vendor") => ReachedVendor,
        ("reports/list", "platform admin") => Everything,
        ("reports/list", "region without billing reports") => RegionUnavailable,
        // Open to everyone: who is signed in (nothing for anonymous), the demo accounts, signing
        // in and out, the pages (which check the session themselves) and the probes.
        // Opening one report: checked per object in `opening_a_report_follows_the_same_table`.
        ("reports/open", "anonymous") => Refused,
        ("reports/open", _) => Everything,
        // Acting on one report: checked per object in `acting_on_a_report_follows_the_policy`.
        ("reports/act", "anonymous") => Refused,
        ("reports/act", _) => Everything,
        // One step on many reports: checked per object in tests/vendor.rs (and with another
        // tenant's report in tests/access_matrix.rs).
        ("reports/bulk", "anonymous") => Refused,
        ("reports/bulk", _) => Everything,
        // Verifying a pricing code: checked per object in `tests/pricing.rs`.
        ("reports/verify-code", "anonymous") => Refused,
        ("reports/verify-code", _) => Everything,
        // Filter choices: names of regions and distributors, for those whose list spans them;
        // `filter_choices_follow_the_list_scope` checks what each actor gets.
        ("reports/filter-options", "anonymous") => Refused,
        ("reports/filter-options", _) => Everything,
        // Generating a month: the vendor's billing team and platform admins only, checked per
        // actor in tests/cycle_access.rs (with the upload, `POST /usage/import`).
        ("cycle/generate", "anonymous") => Refused,
        ("cycle/generate", _) => Everything,
        // Notices: the caller's own organisation's only, checked in tests/cycle_access.rs.
        ("notices/open", "anonymous") => Refused,
        ("notices/open", _) => Everything,
        // Email choices: the caller's own, among its organisation's notices; tests/emails.rs.
        ("notices/email-choices" | "notices/save-email-choices", "anonymous") => Refused,
        ("notices/email-choices" | "notices/save-email-choices", _) => Everything,
        // A distributor's settings: its users read, its administrators change; checked per
        // actor in tests/settings.rs.
        ("settings/read" | "settings/save", "anonymous") => Refused,
        ("settings/read" | "settings/save", _) => Everything,
        // An organisation's API tokens: its administrators only, checked per actor in
        // tests/api.rs.
        ("api-tokens/list" | "api-tokens/create" | "api-tokens/revoke", "anonymous") => Refused,
        ("api-tokens/list" | "api-tokens/create" | "api-tokens/revoke", _) => Everything,
        // An organisation's webhooks: its administrators only, checked in tests/webhooks.rs.
        (
            "webhooks/load" | "webhooks/create" | "webhooks/remove" | "webhooks/resend",
            "anonymous",
        ) => Refused,
        ("webhooks/load" | "webhooks/create" | "webhooks/remove" | "webhooks/resend", _) => {
            Everything
        }
        // Checking the history's chain: platform admins only, checked per actor in
        // tests/db_guards.rs.
        // The channel overview: the platform's staff only, checked per actor in
        // tests/overview.rs.
        ("reports/overview", "anonymous") => Refused,
        ("reports/overview", _) => Everything,
        // Deliveries to the vendor: its billing team and platform admins only, checked per
        // actor in tests/vendor_http.rs.
        ("deliveries/list" | "deliveries/retry", "anonymous") => Refused,
        ("deliveries/list" | "deliveries/retry", _) => Everything,
        ("integrity/check", "anonymous") => Refused,
        ("integrity/check", _) => Everything,
        ("auth/me" | "auth/demo-accounts" | "auth/sign-in" | "auth/sign-out", _) => Everything,
        ("/" | "/sign-in" | "/healthz" | "/readyz" | "/reports/{id}", _) => Everything,
        // The pages check the session themselves; the usage page says who may use it.
        (
            "/usage" | "/notices" | "/settings" | "/integrity" | "/overview" | "/deliveries"
            | "/api-tokens" | "/webhooks",
            _,
        ) => Everything,
        // Exporting the list: the list's own rows, all pages at once.
        (EXPORT_CSV | EXPORT_XLSX, "anonymous") => Refused,
        (EXPORT_CSV | EXPORT_XLSX, actor) => access("reports/list", actor),
        // Exporting one report (its lines, or the whole as a PDF): checked per object in
        // tests/exports.rs and tests/pdf.rs.
        (LINES_CSV | LINES_XLSX | REPORT_PDF, "anonymous") => Refused,
        (LINES_CSV | LINES_XLSX | REPORT_PDF, _) => Everything,
        // The usage upload: the vendor's billing team and platform admins, checked per actor in
        // tests/cycle_access.rs.
        ("/usage/import", "anonymous") => Refused,
        ("/usage/import", _) => Everything,
        // The metrics: no one's session opens them, only the metrics token (checked in
        // tests/metrics.rs); without the setting the route answers 404 to everyone.
        ("/metrics", _) => Refused,
        // The public API's document and reference describe it and hold no data: public.
        ("/api/v1/openapi.json" | "/api/v1/docs", _) => Everything,
        // The public API: no session opens it, only an API token (each route, caller and
        // foreign report in tests/api.rs).
        (route, _) if route.starts_with("/api/v1/") => Refused,
        (other, _) => panic!("{other} is not in the access table"),
    }
}

const EXPORT_CSV: &str = "/reports/export.csv";
const EXPORT_XLSX: &str = "/reports/export.xlsx";
const LINES_CSV: &str = "/reports/{id}/lines.csv";
const LINES_XLSX: &str = "/reports/{id}/lines.xlsx";
const REPORT_PDF: &str = "/reports/{id}/report.pdf";

/// The routes the router serves for reading (GET), from its own table.
fn get_routes() -> Vec<String> {
    billing_reports::server::router::route_table()
        .into_iter()
        .filter(|(method, _)| *method == "GET")
        .map(|(_, path)| path)
        .collect()
}

async fn cookie_for(app: &TestApp, account: Option<&str>) -> Option<String> {
    match account {
        Some(email) => Some(app.sign_in(email).await),
        None => None,
    }
}

async fn every_server_function_and_route_follows_the_access_table(backend: Backend) {
    let app = spawn_app(backend).await;
    // Every registered server function is in the table (a missing one panics in `access`).
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    assert!(registered.contains("reports/list"), "{registered:?}");
    for path in &registered {
        for (actor, _) in ACTORS {
            let _ = access(path, actor);
        }
    }
    let routes = get_routes();
    assert!(routes.len() >= 13, "{routes:?}");
    for (_, route) in billing_reports::server::router::route_table() {
        let _ = access(&route, "anonymous");
    }

    for (actor, account) in ACTORS {
        let cookie = cookie_for(&app, *account).await;
        let (status, body) = app
            .call_as(
                "reports/list",
                json!({ "filter": { "page": 1 } }),
                cookie.as_deref(),
            )
            .await;
        let expected = access("reports/list", actor);
        match expected {
            ListAccess::Refused => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{actor} listed reports");
                assert!(body.contains("Unauthenticated"), "{actor}: {body}");
                continue;
            }
            ListAccess::RegionUnavailable => {
                assert_eq!(status, StatusCode::FORBIDDEN, "{actor}: {body}");
                assert!(body.contains("RegionUnavailable"), "{actor}: {body}");
                continue;
            }
            _ => assert_eq!(status, StatusCode::OK, "{actor}: {body}"),
        }
        let listed: ListedReports = serde_json::from_str(&body).expect("a list");
        match (expected, listed) {
            (ListAccess::OwnWithoutPricing(name), ListedReports::Partner(page)) => {
                assert!(page.total_count > 0, "{actor} sees its reports");
                assert!(
                    page.rows.iter().all(|row| row.partner_name == name),
                    "{actor} sees another partner's report"
                );
            }
            (ListAccess::OwnPartners(name), ListedReports::Priced(page)) => {
                assert!(page.total_count > 0);
                assert!(
                    page.rows.iter().all(|row| row.distributor_name == name),
                    "{actor} sees another distributor's report"
                );
                for row in &page.rows {
                    // Distributors see usage only while the partner is preparing.
                    assert_eq!(
                        row.total.is_some(),
                        row.status != Status::MspPreparing,
                        "{actor}: {row:?}"
                    );
                }
            }
            (ListAccess::ReachedVendor, ListedReports::Priced(page)) => {
                assert!(page.total_count > 0);
                for row in &page.rows {
                    let sent: Option<String> =
                        sqlx::query_scalar("SELECT sent_to_vendor_at FROM reports WHERE id = $1")
                            .bind(row.id)
                            .fetch_one(app.db.pool())
                            .await
                            .expect("report");
                    assert!(sent.is_some(), "{actor} sees an unsent report: {row:?}");
                }
            }
            (ListAccess::Everything, ListedReports::Priced(page)) => {
                assert_eq!(page.total_count, 144)
            }
            (expected, listed) => panic!("{actor}: expected {expected:?}, got {listed:?}"),
        }

        // Pages and probes answer every actor; the pages send anonymous visitors to sign in.
        for route in &routes {
            let path = route.replace("{id}", "1");
            let (status, html) = app.get_as(&path, cookie.as_deref()).await;
            match (route.as_str(), *account) {
                ("/" | "/reports/{id}", None) => {
                    assert!(status.is_redirection(), "{actor} {route}: {status}")
                }
                // Whether this actor may open report 1 is checked per object in
                // `opening_a_report_follows_the_same_table`; here the page answers either way.
                ("/reports/{id}", Some(_)) => assert!(
                    status == StatusCode::OK || status == StatusCode::NOT_FOUND,
                    "{actor} {route}: {status}"
                ),
                // Files answer anonymous callers 401 rather than sending them to a page.
                (EXPORT_CSV | EXPORT_XLSX | LINES_CSV | LINES_XLSX | REPORT_PDF, None) => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{actor} {route}")
                }
                (LINES_CSV | LINES_XLSX | REPORT_PDF, Some(_)) => assert!(
                    status == StatusCode::OK || status == StatusCode::NOT_FOUND,
                    "{actor} {route}: {status}"
                ),
                // No session opens the public API (its document and reference are public).
                (route, _)
                    if route.starts_with("/api/v1/")
                        && access(route, actor) == ListAccess::Refused =>
                {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{actor} {route}: {html}")
                }
                // No session opens the metrics; this app has no metrics token, so there are none.
                ("/metrics", _) => {
                    assert_eq!(status, StatusCode::NOT_FOUND, "{actor} {route}: {html}")
                }
                // The list's "not available in your region" is a refusal for a file.
                (EXPORT_CSV | EXPORT_XLSX, Some(_))
                    if access(route, actor) == ListAccess::RegionUnavailable =>
                {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{actor} {route}: {html}")
                }
                _ => assert_eq!(status, StatusCode::OK, "{actor} {route}: {status} {html}"),
            }
        }
        let (status, html) = app.get_as("/", cookie.as_deref()).await;
        if *actor == "region without billing reports" {
            assert!(html.contains("not available in your region"), "{html}");
        } else if account.is_some() {
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("table class=\"reports\""), "{actor}: no list");
        }
    }
}

async fn partners_never_receive_prices(backend: Backend) {
    let app = spawn_app(backend).await;
    plant_canaries(&app).await;
    let canaries = [
        "98765.4321",
        "98,765.4321",
        "12.3457",
        "5555555.5555",
        "5,555,555",
        "4444444.4444",
        "4,444,444",
        "7777777.7777",
        "7,777,777",
    ];
    let partner = app.sign_in("maria@harbor-it.example").await;
    let mut responses = Vec::new();
    for path in ["/", "/?status=completed", "/?page=2", "/sign-in"] {
        responses.push((path.to_owned(), app.get_as(path, Some(&partner)).await.1));
    }
    let own = report_id(&app, "Harbor IT Services", "completed").await;
    responses.push((
        "detail page".to_owned(),
        app.get_as(&format!("/reports/{own}"), Some(&partner))
            .await
            .1,
    ));
    for (endpoint, body) in [
        ("reports/open", json!({ "id": own })),
        ("reports/list", json!({ "filter": { "page": 1 } })),
        (
            "reports/list",
            json!({ "filter": { "status": "Completed", "page": 1 } }),
        ),
        ("auth/me", json!({})),
    ] {
        responses.push((
            endpoint.to_owned(),
            app.call_as(endpoint, body, Some(&partner)).await.1,
        ));
    }
    for (what, body) in &responses {
        for canary in canaries {
            assert!(!body.contains(canary), "{what} leaks {canary} to a partner");
        }
        assert!(
            !body.contains("\"total\""),
            "{what} carries a total field to a partner"
        );
    }
    // The same canaries do reach the distributor: the test would see a leak.
    let distributor = app.sign_in("dana@summit-tech.example").await;
    let (_, html) = app.get_as("/?status=completed", Some(&distributor)).await;
    assert!(
        html.contains("7,777,777.78")
            || html.contains("7,777,777.7777")
            || html.contains("7,777,778"),
        "canary not shown to the distributor"
    );
}

async fn sessions_are_safe(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, cookies, _) = app
        .sign_in_response("dana@summit-tech.example", PASSWORD)
        .await;
    let set = cookies
        .iter()
        .find(|c| c.starts_with("br_session="))
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(flag), "{set} lacks {flag}");
    }
    assert!(!set.contains("Secure"), "plain HTTP by default");

    let first = app.sign_in("dana@summit-tech.example").await;
    let second = app.sign_in("dana@summit-tech.example").await;
    assert_ne!(first, second, "a new session id at every sign-in");

    // Signing in again from a browser that has a session replaces it.
    let request = Request::post("/api/auth/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &second)
        .body(Body::from(format!(
            "email=dana%40summit-tech.example&password={PASSWORD}"
        )))
        .expect("request");
    let response = app.send(request).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let (_, me) = app.call_as("auth/me", json!({}), Some(&second)).await;
    assert_eq!(me, "null", "the replaced session still works");

    let (_, me) = app.call_as("auth/me", json!({}), Some(&first)).await;
    assert!(me.contains("Dana Whitfield"), "{me}");
    let request = Request::post("/api/auth/sign-out")
        .header(header::COOKIE, &first)
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .expect("request");
    let response = app.send(request).await;
    let cleared = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|c| {
            c.to_str()
                .is_ok_and(|c| c.starts_with("br_session=;") && c.contains("Max-Age=0"))
        });
    assert!(cleared, "sign-out removes the cookie");
    let (_, me) = app.call_as("auth/me", json!({}), Some(&first)).await;
    assert_eq!(me, "null", "a cookie replayed after sign-out is refused");
    let (status, _) = app
        .call_as("reports/list", json!({ "filter": {} }), Some(&first))
        .await;
    assert_ne!(status, StatusCode::OK);
    let (status, _) = app
        .call_as(
            "reports/list",
            json!({ "filter": {} }),
            Some("br_session=forged"),
        )
        .await;
    assert_ne!(status, StatusCode::OK, "a made-up session id is refused");

    let secure = spawn_app_with(backend, &["--secure-cookies"]).await;
    let (_, cookies, _) = secure
        .sign_in_response("dana@summit-tech.example", PASSWORD)
        .await;
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("br_session=") && c.contains("; Secure")),
        "{cookies:?}"
    );
    let (status, _) = secure.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let response = secure
        .send(
            Request::get("/healthz")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(
        response
            .headers()
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
}

async fn failed_sign_ins_are_throttled_without_telling_who_exists(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status_unknown, _, unknown) = app.sign_in_response("nobody@nowhere.example", "x").await;
    let (status_wrong, _, wrong) = app
        .sign_in_response("maria@harbor-it.example", "wrong")
        .await;
    assert_eq!(status_unknown, status_wrong);
    assert_eq!(status_wrong, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unknown, wrong,
        "the answer must not tell whether the account exists"
    );
    assert!(wrong.contains("not correct"), "{wrong}");
    for _ in 0..4 {
        app.sign_in_response("maria@harbor-it.example", "wrong")
            .await;
    }
    let (status, cookies, body) = app
        .sign_in_response("maria@harbor-it.example", PASSWORD)
        .await;
    assert!(body.contains("Throttled"), "{status} {body}");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        !cookies
            .iter()
            .any(|c| c.starts_with("br_session=") && !c.contains("Max-Age=0"))
    );
    // Another account is not locked by it.
    app.sign_in("owen@blueridge-security.example").await;
}

async fn cross_site_requests_are_refused_and_headers_are_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in("dana@summit-tech.example").await;
    let endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_owned())
        .collect();
    for endpoint in &endpoints {
        for (name, value) in [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
            ("origin", "null"),
        ] {
            let request = Request::post(endpoint.as_str())
                .header(header::HOST, "localhost:3000")
                .header(name, value)
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .expect("request");
            let response = app.send(request).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{endpoint} accepted {name}: {value}"
            );
        }
    }
    // The same request from the page's own origin goes through.
    let request = Request::post("/api/auth/me")
        .header(header::HOST, "localhost:3000")
        .header("origin", "http://localhost:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.status(), StatusCode::OK);

    // Nothing answered for a user may be kept by a cache: pages (with prices), server functions,
    // downloads.
    for path in ["/", "/reports/export.csv", "/settings"] {
        let request = Request::get(path)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("request");
        let response = app.send(request).await;
        assert_eq!(
            response
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}"
        );
    }

    // Headers on a page, a server function, a probe and an error.
    let cases = [
        Request::get("/")
            .header(header::COOKIE, &cookie)
            .body(Body::empty()),
        Request::post("/api/auth/me")
            .header(header::COOKIE, &cookie)
            .body(Body::empty()),
        Request::get("/healthz").body(Body::empty()),
        Request::get("/no-such-page").body(Body::empty()),
        Request::get("/pkg/missing.js").body(Body::empty()),
    ];
    for request in cases {
        let request = request.expect("request");
        let what = request.uri().to_string();
        let response = app.send(request).await;
        let headers = response.headers();
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no CSP"));
        for directive in ["object-src 'none'", "frame-ancestors 'none'", "base-uri"] {
            assert!(
                csp.contains(directive),
                "{what}: CSP lacks {directive}: {csp}"
            );
        }
        assert_eq!(
            headers
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{what}"
        );
        assert!(headers.contains_key(header::REFERRER_POLICY), "{what}");
        assert_eq!(
            headers
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{what}"
        );
        assert!(
            !headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
            "{what}: HSTS over plain HTTP"
        );
        if what == "/" {
            assert!(
                csp.contains("'nonce-"),
                "a page names its script nonce: {csp}"
            );
        }
    }
}

/// Who may open which report: (actor, partner of the report, its status code, may open?).
#[rustfmt::skip]
const OPEN_TABLE: &[(&str, &str, &str, bool)] = &[
    ("partner A", "Harbor IT Services", "completed", true),
    ("partner A", "Harbor IT Services", "msp_preparing", true),
    ("partner A", "Blue Ridge Managed Security", "completed", false),
    ("partner B (same distributor)", "Harbor IT Services", "completed", false),
    ("partner C (other distributor)", "Harbor IT Services", "completed", false),
    ("distributor X", "Harbor IT Services", "completed", true),
    ("distributor X", "Harbor IT Services", "msp_preparing", true),
    ("distributor X", "Rheinland Systemhaus GmbH", "completed", false),
    ("distributor Y", "Harbor IT Services", "completed", false),
    ("distributor Y", "Rheinland Systemhaus GmbH", "completed", true),
    ("vendor", "Harbor IT Services", "completed", true),
    ("vendor", "Harbor IT Services", "msp_preparing", false),
    ("support (read-only)", "Harbor IT Services", "completed", true),
    ("platform admin", "Harbor IT Services", "msp_preparing", true),
    ("platform admin", "Rheinland Systemhaus GmbH", "rejected", true),
    ("region without billing reports", "Rheinland Systemhaus GmbH", "completed", false),
    ("region without billing reports", "Harbor IT Services", "completed", false),
];

async fn opening_a_report_follows_the_same_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let some_report = report_id(&app, "Harbor IT Services", "completed").await;
    let (status, body) = app
        .call_as("reports/open", json!({ "id": some_report }), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    for (actor, partner, report_status, allowed) in OPEN_TABLE {
        let account = ACTORS
            .iter()
            .find(|(name, _)| name == actor)
            .and_then(|(_, a)| *a);
        let cookie = cookie_for(&app, account).await;
        let id = report_id(&app, partner, report_status).await;
        assert!(id > 0, "no demo report of {partner} is {report_status}");
        let (status, body) = app
            .call_as("reports/open", json!({ "id": id }), cookie.as_deref())
            .await;
        if *allowed {
            assert_eq!(
                status,
                StatusCode::OK,
                "{actor} could not open {partner} ({report_status}): {body}"
            );
            let opened: OpenedReport = serde_json::from_str(&body).expect("a report");
            let priced = matches!(opened, OpenedReport::Priced(_));
            // Partners never get prices; a distributor's users not while the partner prepares.
            let distributor_side =
                actor.starts_with("distributor") || *actor == "support (read-only)";
            let expect_priced = !(actor.starts_with("partner")
                || (distributor_side && *report_status == "msp_preparing"));
            assert_eq!(priced, expect_priced, "{actor} {partner} {report_status}");
            let (status, html) = app
                .get_as(&format!("/reports/{id}"), cookie.as_deref())
                .await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                html.contains(partner),
                "{actor}: the page does not show the report"
            );
        } else if *actor == "region without billing reports" {
            // Told why, on the page and to the function alike, whoever's report it is.
            assert_eq!(status, StatusCode::FORBIDDEN, "{actor}: {body}");
            assert!(body.contains("RegionUnavailable"), "{body}");
            let (_, html) = app
                .get_as(&format!("/reports/{id}"), cookie.as_deref())
                .await;
            assert!(
                html.contains("Billing reports are not available in your region"),
                "{html}"
            );
        } else {
            // Not found, exactly as for an id that does not exist.
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{actor} opened {partner} ({report_status}): {body}"
            );
            let (_, missing) = app
                .call_as("reports/open", json!({ "id": 999_999 }), cookie.as_deref())
                .await;
            assert_eq!(
                body, missing,
                "a foreign report must look like a missing one"
            );
            let (_, html) = app
                .get_as(&format!("/reports/{id}"), cookie.as_deref())
                .await;
            assert!(html.contains("Report not found"), "{actor}");
        }
    }
}

async fn acting_on_a_report_follows_the_policy(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, "Blue Ridge Managed Security", "under_review").await;
    assert!(id > 0);
    let version: i64 = sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("version");
    let set_po = |version: i64| json!({ "id": id, "version": version, "action": { "SetPoNumber": { "po_number": "PO-42" } } });
    // (actor, expected status) for the same request on the same report.
    let table = [
        ("anonymous", StatusCode::UNAUTHORIZED),
        ("partner A", StatusCode::NOT_FOUND),
        ("partner B (same distributor)", StatusCode::FORBIDDEN),
        ("distributor Y", StatusCode::NOT_FOUND),
        ("vendor", StatusCode::NOT_FOUND),
        ("support (read-only)", StatusCode::FORBIDDEN),
        ("platform admin", StatusCode::FORBIDDEN),
        ("region without billing reports", StatusCode::FORBIDDEN),
        ("distributor X", StatusCode::OK),
    ];
    for (actor, expected) in table {
        let account = ACTORS
            .iter()
            .find(|(name, _)| *name == actor)
            .and_then(|(_, a)| *a);
        let cookie = cookie_for(&app, account).await;
        let (status, body) = app
            .call_as("reports/act", set_po(version), cookie.as_deref())
            .await;
        assert_eq!(status, expected, "{actor}: {body}");
    }
    // The distributor's second try with the old version is told the report changed.
    let cookie = app.sign_in("dana@summit-tech.example").await;
    let (status, body) = app
        .call_as("reports/act", set_po(version), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body.contains(&format!("\"current_version\":{}", version + 1)),
        "{body}"
    );
    let po: Option<String> = sqlx::query_scalar("SELECT po_number FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("po");
    assert_eq!(po.as_deref(), Some("PO-42"));
}

/// Behind a proxy that rewrites `Host` (to `app.internal:3000`), the browser's `Origin` is the
/// public address. Without `--public-url` every such POST would be refused; with it, the public
/// origin is accepted (in any letter case) and every other origin still refused.
async fn behind_a_proxy_the_public_url_is_the_origin(backend: Backend) {
    let post = |origin: &'static str| {
        Request::post("/api/auth/me")
            .header(header::HOST, "app.internal:3000")
            .header("origin", origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::empty())
            .expect("request")
    };
    let plain = spawn_app(backend).await;
    assert_eq!(
        plain
            .send(post("https://billing.example.com"))
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "without --public-url the Origin is compared with the rewritten Host"
    );
    let proxied = spawn_app_with(backend, &["--public-url", "https://Billing.Example.com/"]).await;
    for (origin, status) in [
        ("https://billing.example.com", StatusCode::OK),
        ("https://BILLING.example.com", StatusCode::OK),
        ("http://billing.example.com", StatusCode::FORBIDDEN),
        (
            "https://billing.example.com.evil.example",
            StatusCode::FORBIDDEN,
        ),
        ("http://app.internal:3000", StatusCode::FORBIDDEN),
        ("null", StatusCode::FORBIDDEN),
    ] {
        assert_eq!(
            proxied.send(post(origin)).await.status(),
            status,
            "{origin}"
        );
    }
}

/// Two people behind the same load balancer (10.0.0.2, trusted): one fails to sign in until its
/// address is throttled; the other still signs in, because the throttle counts the address the
/// proxy was reached from. An `X-Forwarded-For` sent straight to the app is not believed.
/// (Before `--trusted-proxies`, both were the proxy's address, and the second was refused.)
async fn behind_trusted_proxies_each_client_has_its_own_throttle(backend: Backend) {
    let app = spawn_app_with(backend, &["--trusted-proxies", "10.0.0.2,10.0.0.3"]).await;
    let attempt = |from: &str, forwarded: &str, email: &str, password: &str| {
        let mut request = Request::post("/api/auth/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header("x-forwarded-for", forwarded)
            .body(Body::from(format!(
                "email={}&password={password}",
                email.replace('@', "%40")
            )))
            .expect("request");
        let peer: std::net::SocketAddr = format!("{from}:443").parse().expect("address");
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        request
    };
    for n in 0..billing_reports::server::auth::MAX_FAILURES_PER_ADDRESS {
        let response = app
            .send(attempt(
                "10.0.0.2",
                "198.51.100.7",
                &format!("nobody{n}@nowhere.example"),
                "guess",
            ))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {n}"
        );
    }
    let throttled = app
        .send(attempt(
            "10.0.0.2",
            "198.51.100.7",
            "dana@summit-tech.example",
            PASSWORD,
        ))
        .await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another person behind the same proxies.
    let other = app
        .send(attempt(
            "10.0.0.3",
            "203.0.113.50, 10.0.0.2",
            "dana@summit-tech.example",
            PASSWORD,
        ))
        .await;
    assert!(
        other.status().is_success() || other.status().is_redirection(),
        "{}",
        other.status()
    );
    // Straight to the app, the header is the client's own claim: the throttled address is the
    // connection's.
    let direct = app
        .send(attempt(
            "198.51.100.7",
            "203.0.113.51",
            "dana@summit-tech.example",
            PASSWORD,
        ))
        .await;
    assert_eq!(direct.status(), StatusCode::TOO_MANY_REQUESTS);
}
