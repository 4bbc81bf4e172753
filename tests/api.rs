//! The public API (`/api/v1`) through the real router on both backends: tokens (created as the
//! command line does, revoked, scoped), every route × every kind of token × a foreign report
//! (generated from the API's own route table), the partner's shape, `If-Match` missing, stale
//! and right, `Idempotency-Key` replayed and reused, the history naming the token, and the rate
//! limit.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use billing_reports::domain::{
    api_token::{BURST, Scope},
    webhook::WebhookEvent,
};
use billing_reports::server::{
    db::{Backend, Db},
    rest,
    services::{ServiceError, api_tokens},
};
use common::{TestApp, read, spawn_app};
use serde_json::{Value, json};

on_both_backends!(
    tokens_follow_their_scope_and_their_user,
    every_route_refuses_every_token_a_foreign_report,
    actions_need_the_version_and_are_idempotent,
    a_partner_reads_its_reports_without_pricing,
    a_token_has_an_allowance_of_calls,
    administrators_manage_tokens_in_the_app,
    the_vendor_imports_usage_through_the_api,
    the_document_and_the_reference_describe_every_route
);

async fn token(db: &Db, email: &str, name: &str, scope: Scope) -> String {
    api_tokens::create(db, None, email, name, scope)
        .await
        .unwrap_or_else(|error| panic!("a token for {email}: {error}"))
        .value
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("JSON: {}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    if !body.is_empty() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let response = app
        .send(request.body(Body::from(body.to_owned())).expect("request"))
        .await;
    let headers = response.headers().clone();
    let (status, text) = read(response).await;
    Answer {
        status,
        headers,
        text,
    }
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

/// A Summit report under review (the distributor's to act on) and its version.
async fn summit_under_review(db: &Db) -> (i64, i64) {
    sqlx::query_as(
        "SELECT r.id, r.version FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE d.name = 'Summit Tech Distribution' AND r.status = 'under_review' \
         ORDER BY r.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report under review")
}

async fn history_count(db: &Db, id: i64) -> i64 {
    scalar(
        db,
        &format!("SELECT COUNT(*) FROM history WHERE report_id = {id}"),
    )
    .await
}

async fn tokens_follow_their_scope_and_their_user(backend: Backend) {
    let app = spawn_app(backend).await;
    // A read-only user's token can only read; a name is required; unknown users are named.
    let refused = api_tokens::create(&app.db, None, "sam@summit-tech.example", "x", Scope::Act)
        .await
        .expect_err("support may not act");
    assert!(matches!(refused, ServiceError::Refused(_)), "{refused:?}");
    assert!(refused.to_string().contains("read-only"), "{refused}");
    let unnamed = api_tokens::create(&app.db, None, "dana@summit-tech.example", " ", Scope::Read)
        .await
        .expect_err("a name is needed");
    assert!(unnamed.to_string().contains("name"), "{unnamed}");
    let nobody = api_tokens::create(&app.db, None, "nobody@example.com", "x", Scope::Read)
        .await
        .expect_err("no such user");
    assert!(
        nobody.to_string().contains("nobody@example.com"),
        "{nobody}"
    );
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM api_tokens").await, 0);

    let read = token(
        &app.db,
        "dana@summit-tech.example",
        "Reporting",
        Scope::Read,
    )
    .await;
    assert!(read.starts_with("brt_") && read.len() == 68, "{read}");
    // Only the hash is stored.
    let stored = scalar(
        &app.db,
        &format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{read}'"),
    )
    .await;
    assert_eq!(stored, 0);

    let list = call(&app, "GET", "/api/v1/reports", Some(&read), &[], "").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(
        list.json()["rows"]
            .as_array()
            .is_some_and(|rows| !rows.is_empty())
    );

    // A read token may not act: the pages' own refusal, and nothing changes.
    let (id, version) = summit_under_review(&app.db).await;
    let before = history_count(&app.db, id).await;
    let acted = call(
        &app,
        "POST",
        &format!("/api/v1/reports/{id}/po-number"),
        Some(&read),
        &[("if-match", &format!("\"v{version}\""))],
        r#"{"po_number":"PO-READ"}"#,
    )
    .await;
    assert_eq!(acted.status, StatusCode::FORBIDDEN, "{}", acted.text);
    assert_eq!(
        acted.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(acted.json()["code"], "refused");
    assert!(
        acted.json()["detail"]
            .as_str()
            .is_some_and(|detail| detail.starts_with("This API token may only read")),
        "{}",
        acted.text
    );
    assert_eq!(history_count(&app.db, id).await, before);

    // Without a token, with a malformed or unknown one, or with only a session: 401.
    let cookie = app.sign_in("dana@summit-tech.example").await;
    let unknown = format!("brt_{}", "0".repeat(64));
    for (label, token, cookie) in [
        ("no token", None, None),
        ("malformed", Some("not-a-token"), None),
        ("unknown", Some(unknown.as_str()), None),
        ("session only", None, Some(cookie.as_str())),
    ] {
        let extra: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        let answer = call(&app, "GET", "/api/v1/reports", token, &extra, "").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{label}");
        assert_eq!(answer.json()["code"], "unauthenticated", "{label}");
        assert!(answer.header("www-authenticate").is_some(), "{label}");
    }

    // Revoked by an administrator of its organisation (not by anyone else): opens nothing.
    let dana = common::user_caller(&app.db, "dana@summit-tech.example").await;
    let maria = common::user_caller(&app.db, "maria@harbor-it.example").await;
    let token_id = scalar(&app.db, "SELECT MAX(id) FROM api_tokens").await;
    assert!(matches!(
        api_tokens::revoke(&app.db, &maria, token_id).await,
        Err(ServiceError::Refused(_) | ServiceError::NotFound)
    ));
    let listed = api_tokens::items(&app.db, &dana).await.expect("the list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Reporting");
    assert!(listed[0].last_used_at.is_some());
    api_tokens::revoke(&app.db, &dana, token_id)
        .await
        .expect("revoked");
    let after = call(&app, "GET", "/api/v1/reports", Some(&read), &[], "").await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.text);
}

/// A body each action reads, so that the answer is about the report, not about the body.
fn sample_body(action: &str, line: i64) -> String {
    match action {
        "save-draft" | "submit" => json!({ "edits": [] }),
        "po-number" => json!({ "po_number": "PO-FOREIGN" }),
        "submit-to-vendor" => json!({ "po_number": "PO-FOREIGN" }),
        "return-to-partner" | "return-to-distributor" => json!({ "reason": "foreign" }),
        "complete" | "reset-pricing" => json!({}),
        "apply-code" => json!({ "line_id": line, "code": "BDN-FOREIGN", "value": "1" }),
        "remove-code" => json!({ "line_id": line }),
        other => panic!("no sample body for the action {other}: add one"),
    }
    .to_string()
}

/// What is stored about reports, in a few numbers: any write moves one of them.
async fn fingerprint(db: &Db) -> (i64, i64, i64) {
    (
        scalar(db, "SELECT COUNT(*) FROM history").await,
        scalar(
            db,
            "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM reports",
        )
        .await,
        scalar(db, "SELECT COUNT(*) FROM deliveries").await,
    )
}

async fn every_route_refuses_every_token_a_foreign_report(backend: Backend) {
    let app = spawn_app(backend).await;
    // Each kind of caller with an "act" token (a read token where the role only reads), and
    // the SQL that finds a report it may not see.
    let callers = [
        (
            "maria@harbor-it.example",
            Scope::Act,
            "SELECT MIN(r.id) FROM reports r JOIN organisations p ON p.id = r.partner_id \
             WHERE p.name <> 'Harbor IT Services'",
        ),
        (
            "dana@summit-tech.example",
            Scope::Act,
            "SELECT MIN(r.id) FROM reports r JOIN organisations d ON d.id = r.distributor_id \
             WHERE d.name <> 'Summit Tech Distribution'",
        ),
        (
            "sam@summit-tech.example",
            Scope::Read,
            "SELECT MIN(r.id) FROM reports r JOIN organisations d ON d.id = r.distributor_id \
             WHERE d.name <> 'Summit Tech Distribution'",
        ),
        (
            "vera@vendor.example",
            Scope::Act,
            "SELECT MIN(id) FROM reports WHERE sent_to_vendor_at IS NULL",
        ),
    ];
    let routes: Vec<(&str, String)> = rest::route_table()
        .into_iter()
        .filter(|(_, route)| route.contains("{id}"))
        .collect();
    assert_eq!(routes.len(), 11, "{routes:?}");
    let before = fingerprint(&app.db).await;
    let mut calls = 0;
    for (email, scope, foreign_sql) in callers {
        let token = token(&app.db, email, "Matrix", scope).await;
        let foreign = scalar(&app.db, foreign_sql).await;
        let (version, line): (i64, i64) = sqlx::query_as(&format!(
            "SELECT r.version, (SELECT MIN(l.id) FROM line_items l WHERE l.report_id = r.id) \
             FROM reports r WHERE r.id = {foreign}"
        ))
        .fetch_one(app.db.pool())
        .await
        .expect("its version and a line");
        let if_match = format!("\"v{version}\"");
        for (method, route) in &routes {
            let path = route.replace("{id}", &foreign.to_string());
            let action = path.rsplit('/').next().unwrap_or_default();
            let body = if *method == "POST" {
                sample_body(action, line)
            } else {
                String::new()
            };
            let answer = call(
                &app,
                method,
                &path,
                Some(&token),
                &[("if-match", &if_match)],
                &body,
            )
            .await;
            calls += 1;
            // A read token is refused any action before anything is looked up.
            let (expected, detail) = match (scope, *method) {
                (Scope::Read, "POST") => (StatusCode::FORBIDDEN, "This API token may only read"),
                _ => (StatusCode::NOT_FOUND, "Not found."),
            };
            assert_eq!(
                answer.status, expected,
                "{email} {method} {path}: {}",
                answer.text
            );
            assert!(
                answer.json()["detail"]
                    .as_str()
                    .is_some_and(|text| text.starts_with(detail)),
                "{email} {path}: {}",
                answer.text
            );
        }
        // The list never holds it either.
        let list = call(
            &app,
            "GET",
            &format!("/api/v1/reports?partner={foreign}"),
            Some(&token),
            &[],
            "",
        )
        .await;
        assert_eq!(list.status, StatusCode::OK, "{email}: {}", list.text);
        let rows = list.json()["rows"].as_array().cloned().unwrap_or_default();
        assert!(
            rows.iter().all(|row| row["id"] != json!(foreign)),
            "{email} listed report {foreign}"
        );
    }
    assert_eq!(calls, 4 * routes.len());
    assert_eq!(fingerprint(&app.db).await, before, "something was written");
}

async fn actions_need_the_version_and_are_idempotent(backend: Backend) {
    let app = spawn_app(backend).await;
    let erp = token(&app.db, "dana@summit-tech.example", "ERP sync", Scope::Act).await;
    let (id, version) = summit_under_review(&app.db).await;
    let path = format!("/api/v1/reports/{id}");

    let read = call(&app, "GET", &path, Some(&erp), &[], "").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let etag = format!("\"v{version}\"");
    assert_eq!(read.header("etag"), Some(etag.as_str()));
    assert!(
        read.json()["lines"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    );
    assert!(
        read.json()["history"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );

    let po = format!("{path}/po-number");
    let body = r#"{"po_number":"PO-API-1"}"#;
    let before = history_count(&app.db, id).await;
    // Without If-Match: 428, nothing changes.
    let missing = call(&app, "POST", &po, Some(&erp), &[], body).await;
    assert_eq!(
        missing.status,
        StatusCode::PRECONDITION_REQUIRED,
        "{}",
        missing.text
    );
    assert_eq!(missing.json()["code"], "if_match_required");
    // A stale version: 412 with the version now, nothing changes.
    let stale = format!("\"v{}\"", version - 1);
    let moved = call(&app, "POST", &po, Some(&erp), &[("if-match", &stale)], body).await;
    assert_eq!(
        moved.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        moved.text
    );
    assert_eq!(moved.json()["current_version"], json!(version));
    assert!(
        moved.json()["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("This report was changed by someone else"))
    );
    assert_eq!(history_count(&app.db, id).await, before);

    // The right version, with a key: acts once.
    let headers = [("if-match", etag.as_str()), ("idempotency-key", "po-1")];
    let first = call(&app, "POST", &po, Some(&erp), &headers, body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json()["version"], json!(version + 1));
    let new_etag = format!("\"v{}\"", version + 1);
    assert_eq!(first.header("etag"), Some(new_etag.as_str()));
    assert_eq!(history_count(&app.db, id).await, before + 1);
    // The history names the token.
    let actor: String = sqlx::query_scalar(&format!(
        "SELECT actor FROM history WHERE report_id = {id} ORDER BY id DESC LIMIT 1"
    ))
    .fetch_one(app.db.pool())
    .await
    .expect("the entry");
    assert!(actor.ends_with("via API token 'ERP sync'"), "{actor}");

    // The same request again: the same answer, replayed, and no second action.
    let again = call(&app, "POST", &po, Some(&erp), &headers, body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.text, first.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("etag"), Some(new_etag.as_str()));
    assert_eq!(history_count(&app.db, id).await, before + 1);
    // The key reused for another request: refused, nothing changes.
    let other = call(
        &app,
        "POST",
        &po,
        Some(&erp),
        &[("if-match", new_etag.as_str()), ("idempotency-key", "po-1")],
        r#"{"po_number":"PO-API-2"}"#,
    )
    .await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );
    assert_eq!(other.json()["code"], "idempotency_key_reused");
    assert_eq!(history_count(&app.db, id).await, before + 1);
    // A refusal is kept too: the same bad request answers the same.
    let empty = [
        ("if-match", new_etag.as_str()),
        ("idempotency-key", "po-empty"),
    ];
    let refused = call(
        &app,
        "POST",
        &po,
        Some(&erp),
        &empty,
        r#"{"po_number":" "}"#,
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.json()["detail"], "Please enter a PO number");
    let replayed = call(
        &app,
        "POST",
        &po,
        Some(&erp),
        &empty,
        r#"{"po_number":" "}"#,
    )
    .await;
    assert_eq!(replayed.text, refused.text);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    // An unknown action, or a body that can't be read: told so, nothing changes.
    let unknown = call(
        &app,
        "POST",
        &format!("{path}/approve"),
        Some(&erp),
        &[("if-match", new_etag.as_str())],
        "{}",
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
    let garbled = call(
        &app,
        "POST",
        &po,
        Some(&erp),
        &[("if-match", new_etag.as_str())],
        "{\"po\":",
    )
    .await;
    assert_eq!(
        garbled.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        garbled.text
    );
    assert_eq!(history_count(&app.db, id).await, before + 1);

    // Submitted to the vendor through the API: the report moves, one delivery is written.
    let deliveries = scalar(&app.db, "SELECT COUNT(*) FROM deliveries").await;
    let submitted = call(
        &app,
        "POST",
        &format!("{path}/submit-to-vendor"),
        Some(&erp),
        &[("if-match", new_etag.as_str())],
        "",
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(
        scalar(&app.db, "SELECT COUNT(*) FROM deliveries").await,
        deliveries + 1
    );
    let (status, _) = common::status_and_version(&app.db, id).await;
    assert_eq!(status, "submitted_to_vendor");
}

async fn a_partner_reads_its_reports_without_pricing(backend: Backend) {
    let app = spawn_app(backend).await;
    common::plant_canaries(&app).await;
    let psa = token(&app.db, "maria@harbor-it.example", "PSA", Scope::Act).await;
    let list = call(&app, "GET", "/api/v1/reports", Some(&psa), &[], "").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let rows = list.json()["rows"].as_array().cloned().unwrap_or_default();
    assert!(!rows.is_empty());
    assert!(list.json().get("totals").is_none(), "{}", list.text);
    for row in &rows {
        assert!(row.get("total").is_none(), "{row}");
        let id = row["id"].as_i64().expect("an id");
        let report = call(
            &app,
            "GET",
            &format!("/api/v1/reports/{id}"),
            Some(&psa),
            &[],
            "",
        )
        .await;
        assert_eq!(report.status, StatusCode::OK, "{}", report.text);
        for word in ["price", "margin", "amount", "total", "code"] {
            assert!(
                !report.text.to_lowercase().contains(&format!("{word}\"")),
                "report {id} sent {word}: {}",
                report.text
            );
        }
        assert!(
            !report.text.contains("7777"),
            "a canary price: {}",
            report.text
        );
    }
    // A filter that can't be read is refused, not ignored; one that can is applied.
    for query in ["status=sent", "period=2026-13", "view=mine", "sort=price"] {
        let refused = call(
            &app,
            "GET",
            &format!("/api/v1/reports?{query}"),
            Some(&psa),
            &[],
            "",
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            refused.text
        );
        assert!(
            refused.json()["detail"]
                .as_str()
                .is_some_and(|d| d.contains(query)),
            "{}",
            refused.text
        );
    }
    let completed = call(
        &app,
        "GET",
        "/api/v1/reports?status=completed",
        Some(&psa),
        &[],
        "",
    )
    .await;
    assert_eq!(completed.status, StatusCode::OK, "{}", completed.text);
    let completed = completed.json()["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!completed.is_empty() && completed.len() < rows.len());
    assert!(
        completed.iter().all(|row| row["status"] == "completed"),
        "{completed:?}"
    );
    // Paging: a cursor the list did not give is refused; the first page's is accepted.
    let bad = call(&app, "GET", "/api/v1/reports?cursor=x", Some(&psa), &[], "").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    let first = call(
        &app,
        "GET",
        "/api/v1/reports?cursor=p1",
        Some(&psa),
        &[],
        "",
    )
    .await;
    assert_eq!(first.json()["rows"], json!(rows));
}

async fn a_token_has_an_allowance_of_calls(backend: Backend) {
    let app = spawn_app(backend).await;
    let busy = token(&app.db, "vera@vendor.example", "Busy", Scope::Read).await;
    let calm = token(&app.db, "vera@vendor.example", "Calm", Scope::Read).await;
    let mut limited = None;
    // The burst, and what refills (ten calls a second) while these calls are made.
    for n in 0..BURST * 3 {
        let answer = call(&app, "GET", "/api/v1/reports/0", Some(&busy), &[], "").await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((n, answer));
            break;
        }
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text);
    }
    let (n, answer) = limited.expect("the token was limited");
    assert!(n >= BURST, "limited after only {n} calls");
    assert_eq!(answer.json()["code"], "rate_limited");
    let wait: u64 = answer
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    // Another token of the same organisation is not held back.
    let other = call(&app, "GET", "/api/v1/reports/0", Some(&calm), &[], "").await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.text);
}

async fn administrators_manage_tokens_in_the_app(backend: Backend) {
    let app = spawn_app(backend).await;
    let form = "application/x-www-form-urlencoded";
    let dana = app.sign_in("dana@summit-tech.example").await;
    let (status, created) = app
        .post_as(
            "/api/api-tokens/create",
            form,
            "name=ERP+sync&scope=act",
            Some(&dana),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let created: Value = serde_json::from_str(&created).expect("JSON");
    let value = created["value"]
        .as_str()
        .expect("the value, once")
        .to_owned();
    // It works, and the list shows it without its value.
    let answer = call(&app, "GET", "/api/v1/reports", Some(&value), &[], "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let (status, listed) = app
        .post_as("/api/api-tokens/list", form, "", Some(&dana))
        .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert!(
        listed.contains("ERP sync") && listed.contains("Act"),
        "{listed}"
    );
    assert!(!listed.contains(&value), "the list sent the token");
    let id = scalar(&app.db, "SELECT MAX(id) FROM api_tokens").await;

    // Not an administrator: refused, nothing written. Another organisation's administrator
    // cannot see or revoke it.
    let sam = app.sign_in("sam@summit-tech.example").await;
    for (path, body) in [
        ("/api/api-tokens/create", "name=Mine&scope=read".to_owned()),
        ("/api/api-tokens/list", String::new()),
        ("/api/api-tokens/revoke", format!("id={id}")),
    ] {
        let (status, text) = app.post_as(path, form, &body, Some(&sam)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {text}");
        assert!(text.contains("Only an administrator"), "{path}: {text}");
    }
    let maria = app.sign_in("maria@harbor-it.example").await;
    let (status, text) = app
        .post_as(
            "/api/api-tokens/revoke",
            form,
            &format!("id={id}"),
            Some(&maria),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let (_, theirs) = app
        .post_as("/api/api-tokens/list", form, "", Some(&maria))
        .await;
    assert!(!theirs.contains("ERP sync"), "{theirs}");
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM api_tokens").await, 1);

    // A bad name is told; the administrator revokes; the token opens nothing any more.
    let (status, text) = app
        .post_as(
            "/api/api-tokens/create",
            form,
            "name=it%27s&scope=read",
            Some(&dana),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("quotes"), "{text}");
    let (status, text) = app
        .post_as(
            "/api/api-tokens/revoke",
            form,
            &format!("id={id}"),
            Some(&dana),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let answer = call(&app, "GET", "/api/v1/reports", Some(&value), &[], "").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.text);
}

async fn the_document_and_the_reference_describe_every_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let served = call(&app, "GET", rest::OPENAPI, None, &[], "").await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
    let document = served.json();
    assert_eq!(document["openapi"], "3.1.0");
    // Every route of the API's table is documented with its method, and nothing else is.
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    let mut routes: Vec<(String, String)> = rest::route_table()
        .into_iter()
        .filter(|(_, path)| path != rest::OPENAPI && path != rest::DOCS)
        .map(|(method, path)| (method.to_owned(), path))
        .collect();
    documented.sort();
    routes.sort();
    assert_eq!(documented, routes);
    // Each operation says who may call it, and what a refusal looks like.
    for (method, path) in &documented {
        let operation = &document["paths"][path][method.to_lowercase()];
        assert!(
            operation["security"][0]["api_token"].is_array(),
            "{method} {path}"
        );
        assert!(operation["responses"]["401"].is_object(), "{method} {path}");
    }
    // The reference page is drawn from the same document: every operation and shape is on it.
    let page = call(&app, "GET", rest::DOCS, None, &[], "").await;
    assert_eq!(page.status, StatusCode::OK);
    for (method, path) in &documented {
        assert!(
            page.text.contains(&format!("{method} {path}")),
            "{method} {path} is not on the reference page"
        );
    }
    for shape in document["components"]["schemas"]
        .as_object()
        .expect("shapes")
        .keys()
    {
        assert!(
            page.text.contains(&format!("id=\"schema-{shape}\"")),
            "{shape}"
        );
    }
    // Every webhook event too, with the signature a receiver checks.
    for event in WebhookEvent::all() {
        let operation = &document["webhooks"][event.as_code()]["post"];
        assert!(operation["requestBody"].is_object(), "{}", event.as_code());
        assert!(
            page.text
                .contains(&format!("to your endpoint: {}", event.as_code())),
            "{} is not on the reference page",
            event.as_code()
        );
    }
    assert!(page.text.contains("Billing-Reports-Signature"));
    assert!(
        !page.text.contains("<script"),
        "the reference needs no script"
    );
}

async fn the_vendor_imports_usage_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let vendor = token(&app.db, "vera@vendor.example", "Feed", Scope::Act).await;
    let reader = token(&app.db, "vera@vendor.example", "Look", Scope::Read).await;
    let partner = token(&app.db, "maria@harbor-it.example", "PSA", Scope::Act).await;
    let harbor = common::org(&app.db, "Harbor IT Services").await.0;
    let sku: String = sqlx::query_scalar("SELECT MIN(sku) FROM products")
        .fetch_one(app.db.pool())
        .await
        .expect("a product");
    let file = format!("partner,sku,period,provisioned,used\n{harbor},{sku},2031-01,7,5\n");
    let feed = || scalar(&app.db, "SELECT COUNT(*) FROM usage_feed");
    let before = feed().await;
    let csv = [("content-type", "text/csv")];
    // Neither a partner nor a read token may import; nothing is written.
    for (who, token) in [("partner", &partner), ("read token", &reader)] {
        let refused = call(
            &app,
            "POST",
            "/api/v1/usage-imports",
            Some(token),
            &csv,
            &file,
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{who}: {}",
            refused.text
        );
    }
    // A dry run says what would change and writes nothing; the import writes it.
    let dry = call(
        &app,
        "POST",
        "/api/v1/usage-imports?dry_run=true",
        Some(&vendor),
        &csv,
        &file,
    )
    .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!(dry.json()["new_rows"], json!(1));
    assert_eq!(dry.json()["imported"], json!(false));
    assert_eq!(feed().await, before);
    let done = call(
        &app,
        "POST",
        "/api/v1/usage-imports",
        Some(&vendor),
        &csv,
        &file,
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.json()["imported"], json!(true));
    assert_eq!(done.json()["periods"], json!(["2031-01"]));
    assert_eq!(feed().await, before + 1);
    // A file with a problem: 422, every problem by row, nothing written.
    let bad = format!(
        "partner,sku,period,provisioned,used\n{harbor},{sku},2031-02,7,5\n{harbor},NOPE,2031-02,x,1\n"
    );
    let refused = call(
        &app,
        "POST",
        "/api/v1/usage-imports",
        Some(&vendor),
        &csv,
        &bad,
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.json()["imported"], json!(false));
    // Rows are numbered as in the file (the header is row 1).
    assert_eq!(
        refused.json()["problems"][0]["row"],
        json!(3),
        "{}",
        refused.text
    );
    assert_eq!(feed().await, before + 1);
}
