//! The vendor's systems through the HTTP adapter, against the vendor stand-in (a separate
//! process written from SPEC §6 alone), on SQLite and PostgreSQL: list prices flow into generated
//! reports; codes are verified (valid, unknown, expired, another partner's) exactly as the
//! built-in price book judges them; a slow, down or garbling vendor changes nothing and says so;
//! submissions are delivered through the outbox exactly once, also when the vendor is down for a
//! while, when its answer is lost, and when the server is killed in the middle.

mod common;

use billing_reports::{
    domain::{
        HistoryEvent, OpenedReport, Period, Role, Status,
        delivery::{DeliveryState, MAX_ATTEMPTS},
    },
    server::{
        db::{Backend, Db, reports as stored_reports},
        services::{
            Caller, ServiceError, deliveries,
            reports::{Command, act, open, verify_code},
        },
        vendor::Vendor,
    },
};
use common::pricing_target::{as_user, stored, target};
use common::stand_in::{StandIn, book_of};
use common::{org, server::BINARY, shared_db, spawn_app, user};
use serde_json::json;
use time::OffsetDateTime;

on_both_backends!(
    codes_are_judged_as_the_built_in_price_book_judges_them,
    a_vendor_that_does_not_answer_usably_changes_nothing,
    a_submission_is_delivered_once_through_outages_and_lost_answers,
    a_refused_delivery_fails_until_it_is_retried,
    list_prices_come_from_the_vendor_when_generating,
    only_the_vendors_billing_team_and_admins_see_and_retry_deliveries,
    a_runner_killed_in_the_middle_of_a_delivery_delivers_it_once_later,
);

async fn distributor(db: &Db, name: &str) -> Caller {
    user(
        org(db, name).await,
        billing_reports::domain::OrgKind::Distributor,
        Role::BillingManager,
    )
}

async fn vendor_user(db: &Db) -> Caller {
    user(
        org(db, common::VENDOR).await,
        billing_reports::domain::OrgKind::Vendor,
        Role::BillingManager,
    )
}

async fn codes_are_judged_as_the_built_in_price_book_judges_them(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let mut book = book_of(&db).await;
    let t = target(&db).await;
    let dana = distributor(&db, &t.distributor).await;
    let (partner_id, sku, period): (i64, String, i64) = sqlx::query_as(
        "SELECT r.partner_id, p.sku, r.period FROM line_items l \
         JOIN reports r ON r.id = l.report_id JOIN products p ON p.id = l.product_id \
         WHERE l.id = $1",
    )
    .bind(t.line)
    .fetch_one(db.pool())
    .await
    .expect("line");
    // An expired code of the partner for the line's product, known to both adapters.
    let expired = json!({"code": "BDN-OLD-0001", "partner_id": partner_id, "sku": sku,
        "kind": "bid_desk_number", "unit_price": "1.00", "channel_margin": null,
        "valid_from": "2020-01", "valid_to": "2020-12"});
    book["codes"].as_array_mut().expect("codes").push(expired);
    sqlx::query(
        "INSERT INTO pricing_codes (code, partner_id, product_id, unit_price_e4, margin_e4, \
         valid_from, valid_to) SELECT 'BDN-OLD-0001', $1, id, 10000, NULL, 202001, 202012 \
         FROM products WHERE sku = $2",
    )
    .bind(partner_id)
    .bind(&sku)
    .execute(db.pool())
    .await
    .expect("expired code");
    // Another partner's code.
    let other: String = sqlx::query_scalar(
        "SELECT code FROM pricing_codes WHERE partner_id <> $1 ORDER BY id LIMIT 1",
    )
    .bind(partner_id)
    .fetch_one(db.pool())
    .await
    .expect("another partner's code");
    let stand_in = StandIn::start(&book);
    let http = stand_in.vendor(5);

    let valid = verify_code(&db, &http, as_user(&dana), t.report, t.line, &t.code)
        .await
        .expect("valid over HTTP");
    let built_in = verify_code(
        &db,
        &Vendor::Builtin,
        as_user(&dana),
        t.report,
        t.line,
        &t.code,
    )
    .await
    .expect("valid built in");
    assert_eq!(valid, built_in, "both adapters grant the same");
    for bad in ["BDN-NOPE-0001", "BDN-OLD-0001", other.as_str()] {
        let refused = verify_code(&db, &http, as_user(&dana), t.report, t.line, bad).await;
        assert!(
            matches!(&refused, Err(ServiceError::Invalid(message)) if !message.is_empty()),
            "{bad}: {refused:?}"
        );
        let built_in = verify_code(&db, &Vendor::Builtin, as_user(&dana), t.report, t.line, bad);
        assert!(
            matches!(built_in.await, Err(ServiceError::Invalid(_))),
            "{bad}"
        );
    }
    assert!(stand_in.calls("verify").await >= 4);

    // The codes a priced report offers are the same through either adapter.
    let offered = |vendor: Vendor| {
        let (db, dana) = (db.clone(), dana.clone());
        async move {
            match open(&db, &vendor, as_user(&dana), t.report)
                .await
                .expect("open")
            {
                OpenedReport::Priced(detail) => detail.granted_codes,
                OpenedReport::Partner(_) => panic!("the distributor sees prices"),
            }
        }
    };
    let over_http = offered(http.clone()).await;
    assert!(!over_http.is_empty(), "the partner holds a code");
    assert_eq!(over_http, offered(Vendor::Builtin).await);
    assert!(stand_in.calls("codes").await >= 1);
    let _ = period;

    // Applying through HTTP reprices the line as the built-in adapter would.
    let command = Command::ApplyCode {
        line_id: t.line,
        code: t.code.clone(),
        value: valid.granted.to_input(),
    };
    let applied = act(&db, &http, &dana, t.report, t.version, command)
        .await
        .expect("applied");
    assert_eq!(applied.version, t.version + 1);
}

async fn a_vendor_that_does_not_answer_usably_changes_nothing(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let stand_in = StandIn::start(&book_of(&db).await);
    let http = stand_in.vendor(1);
    let t = target(&db).await;
    let dana = distributor(&db, &t.distributor).await;
    let before = stored(&db, t.report).await;
    let command = Command::ApplyCode {
        line_id: t.line,
        code: t.code.clone(),
        value: "0".to_owned(),
    };
    for (mode, words) in [
        (json!({"mode": "slow", "delay_ms": 2500}), "not answering"),
        (json!({"mode": "down"}), "not answering"),
        (json!({"mode": "garbage"}), "did not answer as expected"),
    ] {
        stand_in.set_mode(mode.clone()).await;
        let verified = verify_code(&db, &http, as_user(&dana), t.report, t.line, &t.code).await;
        let applied = act(&db, &http, &dana, t.report, t.version, command.clone()).await;
        for answer in [verified.map(drop), applied.map(drop)] {
            match answer {
                Err(ServiceError::Vendor(error)) => {
                    assert!(error.to_string().contains(words), "{mode}: {error}")
                }
                other => panic!("{mode}: {other:?}"),
            }
        }
        assert_eq!(
            stored(&db, t.report).await,
            before,
            "{mode}: nothing changed"
        );
    }
    // The calls that were retried (5xx, timeouts) were tried three times each; garbage once.
    stand_in.set_mode(json!({"mode": "normal"})).await;
    assert_eq!(stand_in.calls("verify").await, 3 * 2 * 2 + 2);
    verify_code(&db, &http, as_user(&dana), t.report, t.line, &t.code)
        .await
        .expect("answers again once the vendor is back");
}

/// A report under review: submitted to the vendor by its distributor through `vendor` (with a
/// PO number and a comment), giving the report and its delivery.
async fn submit_one(db: &Db, vendor: &Vendor, skip: i64) -> (i64, i64) {
    let (id, version, distributor_name): (i64, i64, String) = sqlx::query_as(
        "SELECT r.id, r.version, d.name FROM reports r \
         JOIN organisations d ON d.id = r.distributor_id \
         JOIN regions g ON g.id = r.region_id \
         WHERE r.status = 'under_review' AND g.billing_enabled = 1 \
         AND EXISTS (SELECT 1 FROM users u WHERE u.org_id = d.id) \
         ORDER BY r.id LIMIT 1 OFFSET $1",
    )
    .bind(skip)
    .fetch_one(db.pool())
    .await
    .expect("a report to submit");
    let dana = distributor(db, &distributor_name).await;
    let command = Command::SubmitToVendor {
        po_number: Some(format!("PO-TEST-{id}")),
        comment: Some("Checked against the console.".to_owned()),
    };
    let outcome = act(db, vendor, &dana, id, version, command)
        .await
        .expect("submitted");
    assert_eq!(outcome.status, Status::SubmittedToVendor);
    (
        id,
        outcome.delivery_id.expect("a delivery is written with it"),
    )
}

async fn delivery_state(db: &Db, delivery: i64) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT state, attempts, reference FROM deliveries WHERE id = $1")
        .bind(delivery)
        .fetch_one(db.pool())
        .await
        .expect("delivery")
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::seconds(seconds)
}

async fn a_submission_is_delivered_once_through_outages_and_lost_answers(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let stand_in = StandIn::start(&book_of(&db).await);
    let http = stand_in.vendor(5);
    let (report, delivery) = submit_one(&db, &http, 0).await;
    assert_eq!(delivery_state(&db, delivery).await.0, "pending");

    // Down for two tries: each is counted and put off, then the third delivers.
    stand_in.set_mode(json!({"mode": "down", "times": 2})).await;
    let first = deliveries::run_due(&db, &http, at(0)).await.expect("run");
    assert_eq!((first.delivered, first.retrying), (0, 1));
    let early = deliveries::run_due(&db, &http, at(10)).await.expect("run");
    assert_eq!(early.retrying, 0, "not due again before its backoff");
    let second = deliveries::run_due(&db, &http, at(400)).await.expect("run");
    assert_eq!((second.delivered, second.retrying), (0, 1));
    let third = deliveries::run_due(&db, &http, at(1_000))
        .await
        .expect("run");
    assert_eq!(third.delivered, 1);
    let (state, attempts, reference) = delivery_state(&db, delivery).await;
    assert_eq!((state.as_str(), attempts), ("delivered", 3));
    let reference = reference.expect("the vendor's reference");

    // The vendor holds it once, with the key, the lines and the comment.
    let record = stand_in.record().await;
    let held = record["submissions"].as_array().expect("submissions");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["reference"], json!(reference));
    assert_eq!(held[0]["body"]["report_id"], json!(report));
    assert_eq!(
        held[0]["body"]["comment"],
        json!("Checked against the console.")
    );
    assert!(held[0]["body"]["total"].is_string());
    // The history says so, and the report shows the reference and the state.
    let history = stored_reports::history(&db, report).await.expect("history");
    let last = &history.last().expect("entries").entry;
    assert_eq!(last.event, HistoryEvent::DeliveredToVendor);
    assert!(
        last.comment
            .as_deref()
            .is_some_and(|c| c.contains(&reference))
    );
    let vendor = vendor_user(&db).await;
    match open(&db, &http, as_user(&vendor), report)
        .await
        .expect("open")
    {
        OpenedReport::Priced(detail) => {
            let shown = detail.delivery.expect("delivery shown");
            assert_eq!(shown.state, DeliveryState::Delivered);
            assert_eq!(shown.reference.as_deref(), Some(reference.as_str()));
        }
        OpenedReport::Partner(_) => panic!("the vendor sees prices"),
    }
    // Nothing is delivered twice.
    let again = deliveries::run_due(&db, &http, at(100_000))
        .await
        .expect("run");
    assert_eq!(again, deliveries::DeliveryRun::default());
    // The outbox keeps what was sent and what the vendor answered.
    for sql in [
        "DELETE FROM deliveries WHERE id = $1",
        "UPDATE deliveries SET reference = 'TM-FORGED' WHERE id = $1",
        "UPDATE deliveries SET state = 'pending' WHERE id = $1",
    ] {
        let tampered = sqlx::query(sql).bind(delivery).execute(db.pool()).await;
        assert!(tampered.is_err(), "{sql} is refused");
    }
    assert_eq!(
        delivery_state(&db, delivery).await.2,
        Some(reference.clone())
    );

    // The vendor records a submission but its answer is lost: the retry sends the same key and
    // gets the same reference; the vendor still holds it once.
    let (_, lost) = submit_one(&db, &http, 0).await;
    stand_in.set_mode(json!({"mode": "lost", "times": 1})).await;
    let run = deliveries::run_due(&db, &http, at(0)).await.expect("run");
    assert_eq!(run.retrying, 1);
    let run = deliveries::run_due(&db, &http, at(1_000))
        .await
        .expect("run");
    assert_eq!(run.delivered, 1);
    let record = stand_in.record().await;
    let held = record["submissions"].as_array().expect("submissions");
    assert_eq!(held.len(), 2, "one per submission, whatever the retries");
    let lost_reference = delivery_state(&db, lost).await.2.expect("reference");
    assert_eq!(held[1]["reference"], json!(lost_reference));
    assert_eq!(stand_in.calls("billing_reports").await, 3 + 2);
}

async fn a_refused_delivery_fails_until_it_is_retried(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    let stand_in = StandIn::start(&book_of(&db).await);
    let http = stand_in.vendor(5);
    let (report, delivery) = submit_one(&db, &http, 0).await;
    // Garbage is not worth retrying: failed at once, and shown as failed.
    stand_in
        .set_mode(json!({"mode": "garbage", "times": 1}))
        .await;
    let run = deliveries::run_due(&db, &http, at(0)).await.expect("run");
    assert_eq!(run.failed, 1);
    assert_eq!(delivery_state(&db, delivery).await.0, "failed");
    let later = deliveries::run_due(&db, &http, at(100_000))
        .await
        .expect("run");
    assert_eq!(
        later,
        deliveries::DeliveryRun::default(),
        "failed stays failed"
    );
    let dana_report = open(&db, &http, as_user(&vendor_user(&db).await), report).await;
    match dana_report.expect("open") {
        OpenedReport::Priced(detail) => {
            let shown = detail.delivery.expect("delivery");
            assert_eq!(shown.describe(), "Delivery failed after 1 try");
        }
        OpenedReport::Partner(_) => panic!("the vendor sees prices"),
    }
    // Only the vendor's billing team and platform admins may retry it.
    let t = target(&db).await;
    let distributor_user = distributor(&db, &t.distributor).await;
    assert!(matches!(
        deliveries::retry_now(&db, as_user(&distributor_user), delivery, at(0)).await,
        Err(ServiceError::Refused(_))
    ));
    deliveries::retry_now(&db, as_user(&vendor_user(&db).await), delivery, at(0))
        .await
        .expect("retried");
    let run = deliveries::run_due(&db, &http, at(1)).await.expect("run");
    assert_eq!(run.delivered, 1);
    assert_eq!(delivery_state(&db, delivery).await.0, "delivered");
    assert_eq!(
        stand_in.record().await["submissions"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // A vendor that keeps failing is given up after the last try.
    let (_, doomed) = submit_one(&db, &http, 0).await;
    stand_in.set_mode(json!({"mode": "down"})).await;
    let mut at_seconds = 0;
    for _ in 0..MAX_ATTEMPTS {
        deliveries::run_due(&db, &http, at(at_seconds))
            .await
            .expect("run");
        at_seconds += 4_000;
    }
    let (state, attempts, _) = delivery_state(&db, doomed).await;
    assert_eq!((state.as_str(), attempts), ("failed", MAX_ATTEMPTS));
}

async fn list_prices_come_from_the_vendor_when_generating(backend: Backend) {
    let (db, _url, _guard) = shared_db(backend).await;
    // A period nobody generated yet, with usage of one partner: priced from the vendor's book,
    // here one that differs from the built-in one.
    let (partner, sku, region): (i64, String, String) = sqlx::query_as(
        "SELECT p.id, pr.sku, rg.code FROM organisations p \
         JOIN organisations d ON d.id = p.distributor_id JOIN regions rg ON rg.id = d.region_id \
         JOIN price_book b ON b.region_id = rg.id JOIN products pr ON pr.id = b.product_id \
         WHERE p.kind = 'partner' AND p.partner_status = 'active' AND rg.billing_enabled = 1 \
         ORDER BY p.id, pr.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a partner with a priced product");
    let period = Period::parse("2031-03").expect("period");
    let csv = format!("partner,sku,period,provisioned,used\n{partner},{sku},2031-03,10,\n");
    let summary = billing_reports::server::services::usage_import::import(
        &db,
        std::io::Cursor::new(csv.into_bytes()),
        false,
        at(0),
    )
    .await
    .expect("import");
    assert!(summary.imported, "{summary:?}");
    let mut book = book_of(&db).await;
    let currency = book["prices"]
        .as_array()
        .and_then(|prices| prices.iter().find(|p| p["region"] == json!(region)))
        .map(|p| p["currency"].clone())
        .expect("the region's currency");
    book["prices"] = json!([{"region": region, "sku": sku, "valid_from": "2031-01",
        "valid_to": null, "unit_price": "7.77", "channel_margin": "12.5", "currency": currency}]);
    let stand_in = StandIn::start(&book);
    let http = stand_in.vendor(1);

    // Down: nothing is generated, and the answer says why.
    stand_in.set_mode(json!({"mode": "down"})).await;
    let refused = billing_reports::server::services::cycle::generate(&db, &http, period, at(0));
    assert!(matches!(refused.await, Err(ServiceError::Vendor(_))));
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM reports WHERE period = 203103")
            .fetch_one(db.pool())
            .await
            .expect("count")
    };
    assert_eq!(count().await, 0);

    stand_in.set_mode(json!({"mode": "normal"})).await;
    let generated = billing_reports::server::services::cycle::generate(&db, &http, period, at(0))
        .await
        .expect("generated");
    assert_eq!(generated.created, 1, "{generated:?}");
    let (price, margin): (i64, i64) = sqlx::query_as(
        "SELECT l.unit_price_e4, l.margin_e4 FROM line_items l \
         JOIN reports r ON r.id = l.report_id WHERE r.period = 203103",
    )
    .fetch_one(db.pool())
    .await
    .expect("line");
    assert_eq!((price, margin), (77_700, 125_000));
    assert!(stand_in.calls("prices").await >= 1);
}

async fn only_the_vendors_billing_team_and_admins_see_and_retry_deliveries(backend: Backend) {
    let app = spawn_app(backend).await;
    // One failed delivery (the built-in vendor never fails: marked so directly).
    let (_, delivery) = submit_one(&app.db, &Vendor::Builtin, 0).await;
    sqlx::query("UPDATE deliveries SET state = 'failed', attempts = 12 WHERE id = $1")
        .bind(delivery)
        .execute(app.db.pool())
        .await
        .expect("failed");
    let refused = [
        "maria@harbor-it.example",
        "dana@summit-tech.example",
        "sam@summit-tech.example",
        "lucia@andes-cloud.example",
    ];
    for email in refused {
        let cookie = app.sign_in(email).await;
        let (status, body) = app
            .call_as("deliveries/list", json!({}), Some(&cookie))
            .await;
        assert_eq!(status.as_u16(), 403, "{email}: {body}");
        assert!(!body.contains("report_id"), "{email}: {body}");
        let (status, _) = app
            .call_as("deliveries/retry", json!({"id": delivery}), Some(&cookie))
            .await;
        assert_eq!(status.as_u16(), 403, "{email}");
    }
    assert_eq!(
        delivery_state(&app.db, delivery).await.0,
        "failed",
        "nothing retried"
    );
    for email in ["vera@vendor.example", "ops@billing-reports.example"] {
        let cookie = app.sign_in(email).await;
        let (status, body) = app
            .call_as("deliveries/list", json!({}), Some(&cookie))
            .await;
        assert_eq!(status.as_u16(), 200, "{email}: {body}");
        assert!(
            body.contains(&format!("\"id\":{delivery}")),
            "{email}: {body}"
        );
        assert!(body.contains("Failed"), "{body}");
    }
    let cookie = app.sign_in("vera@vendor.example").await;
    let (status, body) = app
        .call_as("deliveries/retry", json!({"id": delivery}), Some(&cookie))
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(delivery_state(&app.db, delivery).await.0, "pending");
    let (status, body) = app
        .call_as("deliveries/retry", json!({"id": delivery}), Some(&cookie))
        .await;
    assert_eq!(status.as_u16(), 422, "not failed any more: {body}");
    assert!(body.contains("not failed any more"), "{body}");
}

/// `jobs run-due` at `now` (RFC 3339) through the HTTP adapter, as a process of its own.
fn run_due_process(url: &str, stand_in: &StandIn, now: &str) -> std::process::Child {
    std::process::Command::new(BINARY)
        .args([
            "--database-url",
            url,
            "--log-level",
            "warn",
            "--pricing",
            "http",
        ])
        .args([
            "--pricing-url",
            &stand_in.url,
            "jobs",
            "run-due",
            "--now",
            now,
        ])
        .env("PRICING_TOKEN", common::stand_in::TOKEN)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("run the jobs")
}

async fn a_runner_killed_in_the_middle_of_a_delivery_delivers_it_once_later(backend: Backend) {
    let (db, url, _guard) = shared_db(backend).await;
    let stand_in = StandIn::start(&book_of(&db).await);
    let (report, delivery) = submit_one(&db, &stand_in.vendor(5), 0).await;
    let received_before = received(&db, report).await;
    // The runner reaches the vendor, which takes its time; the runner is killed meanwhile.
    stand_in
        .set_mode(json!({"mode": "slow", "delay_ms": 3000, "times": 1}))
        .await;
    let now = |minutes: i64| {
        let at = OffsetDateTime::now_utc() + time::Duration::minutes(minutes);
        at.format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    };
    let mut runner = run_due_process(&url, &stand_in, &now(0));
    let mut waited = 0;
    while stand_in.calls("billing_reports").await == 0 {
        assert!(waited < 600, "the runner never reached the vendor");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    runner.kill().expect("kill -9");
    runner.wait().expect("reaped");
    let (state, attempts, _) = delivery_state(&db, delivery).await;
    assert_eq!(
        (state.as_str(), attempts),
        ("pending", 1),
        "claimed, not delivered"
    );

    // A later run, once the claim has lapsed, sends it again with the same key.
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let status = run_due_process(&url, &stand_in, &now(10))
        .wait()
        .expect("the second run");
    assert!(status.success());
    let (state, _, reference) = delivery_state(&db, delivery).await;
    assert_eq!(state, "delivered");
    let record = stand_in.record().await;
    let ours: Vec<_> = record["submissions"]
        .as_array()
        .expect("submissions")
        .iter()
        .filter(|held| held["report_id"] == json!(report))
        .collect();
    assert_eq!(ours.len(), 1, "the vendor holds it once: {ours:?}");
    assert_eq!(ours[0]["reference"], json!(reference.expect("reference")));
    assert_eq!(received(&db, report).await, received_before + 1);
}

/// How many times the history says the vendor received the report (a demo report may have been
/// there before).
async fn received(db: &Db, report: i64) -> usize {
    stored_reports::history(db, report)
        .await
        .expect("history")
        .iter()
        .filter(|stored| stored.entry.event == HistoryEvent::DeliveredToVendor)
        .count()
}
