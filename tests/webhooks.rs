//! Webhooks on both backends: a receiver started by the test checks every signature, fails the
//! first two tries, and then gets each event exactly once; every organisation that may read the
//! report is told, a foreign one is not, the partner's body carries no amounts; the log shows
//! the status codes and "resend" sends the same event again; only administrators manage
//! endpoints, and a bad address or no event is refused with nothing stored.

mod common;

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
};
use billing_reports::domain::{
    delivery::DeliveryState,
    policy::Role,
    webhook::{SIGNATURE_HEADER, WebhookEvent},
    workflow::Command,
};
use billing_reports::server::{
    db::{Backend, Db},
    services::{
        Caller, ServiceError, UserCaller,
        reports::act,
        webhooks::{self, Sender},
    },
    vendor::Vendor,
};
use common::{TestApp, spawn_app, user_caller};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

on_both_backends!(
    a_receiver_gets_each_event_once_signed_after_failing_twice,
    administrators_manage_endpoints_and_bad_ones_are_refused
);

/// One request the receiver got, and what it answered.
#[derive(Clone, Debug)]
struct Received {
    who: String,
    event: String,
    event_id: String,
    body: Value,
    answered: StatusCode,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    tries: Arc<AtomicUsize>,
    secrets: Arc<Mutex<Vec<(String, String)>>>,
}

/// Checks the signature independently of the server's code: HMAC-SHA256 over "t.body", and a
/// timestamp close to now.
fn signature_holds(headers: &HeaderMap, body: &str, secret: &str) -> bool {
    let Some(value) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = value.split(',');
    let (Some(t), Some(v1)) = (
        parts.next().and_then(|p| p.strip_prefix("t=")),
        parts.next().and_then(|p| p.strip_prefix("v1=")),
    ) else {
        return false;
    };
    // Signed when sent, as a receiver checks: within five minutes of its own clock.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if t.parse::<i64>().map_or(true, |t| (now - t).abs() > 300) {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected == v1
}

async fn receive(
    State(receiver): State<Receiver>,
    Path(who): Path<String>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let secret = receiver
        .secrets
        .lock()
        .expect("secrets")
        .iter()
        .find(|(name, _)| *name == who)
        .map(|(_, secret)| secret.clone())
        .expect("a registered receiver");
    assert!(
        signature_holds(&headers, &body, &secret),
        "bad signature for {who}"
    );
    // The first two tries of all fail: the receiver is down for a while.
    let answered = if receiver.tries.fetch_add(1, Ordering::SeqCst) < 2 {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    receiver.got.lock().expect("got").push(Received {
        who,
        event: header("billing-reports-event"),
        event_id: header("billing-reports-event-id"),
        body: serde_json::from_str(&body).expect("a JSON body"),
        answered,
    });
    answered
}

/// Starts the receiver on a free loopback port; answers its base address.
async fn start_receiver(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("address");
    let app = Router::new()
        .route("/hooks/{who}", post(receive))
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{address}/hooks")
}

/// `email`'s user as an administrator of their organisation.
async fn admin_of(db: &Db, email: &str) -> UserCaller {
    let mut user = user_caller(db, email).await;
    user.actor.role = Role::Administrator;
    user
}

async fn report_and_partner(db: &Db) -> (i64, String) {
    sqlx::query_as(
        "SELECT r.id, u.email FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         JOIN users u ON u.org_id = r.partner_id \
         WHERE d.name = 'Summit Tech Distribution' AND r.status = 'under_review' \
         ORDER BY r.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a Summit report under review whose partner has a user")
}

async fn version(db: &Db, id: i64) -> i64 {
    common::status_and_version(db, id).await.1
}

async fn pending(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

async fn a_receiver_gets_each_event_once_signed_after_failing_twice(backend: Backend) {
    let app: TestApp = spawn_app(backend).await;
    let db = &app.db;
    let receiver = Receiver::default();
    let base = start_receiver(receiver.clone()).await;
    let (report, partner_email) = report_and_partner(db).await;
    let all: Vec<String> = WebhookEvent::all()
        .iter()
        .map(|event| event.as_code().to_owned())
        .collect();
    for (who, email) in [
        ("partner", partner_email.as_str()),
        ("distributor", "dana@summit-tech.example"),
        ("vendor", "vera@vendor.example"),
        ("foreign", "jonas@rheinland-systemhaus.example"),
    ] {
        let admin = admin_of(db, email).await;
        let created = webhooks::create(db, &admin, &format!("{base}/{who}"), &all)
            .await
            .unwrap_or_else(|error| panic!("{who}: {error}"));
        assert!(created.secret.starts_with("whsec_"));
        receiver
            .secrets
            .lock()
            .expect("secrets")
            .push((who.to_owned(), created.secret));
    }

    // The month's end of one report: sent to the vendor, returned by it, sent again, completed.
    let dana = Caller::User(user_caller(db, "dana@summit-tech.example").await);
    let vera = Caller::User(user_caller(db, "vera@vendor.example").await);
    let steps = [
        (
            &dana,
            Command::SubmitToVendor {
                po_number: Some("PO-HOOK-1".to_owned()),
                comment: None,
            },
        ),
        (
            &vera,
            Command::Return {
                reason: "Please check the quantities.".to_owned(),
            },
        ),
        (
            &dana,
            Command::SubmitToVendor {
                po_number: None,
                comment: Some("Checked.".to_owned()),
            },
        ),
        (&vera, Command::Complete),
    ];
    for (caller, command) in steps {
        let at = version(db, report).await;
        act(db, &Vendor::Builtin, caller, report, at, command)
            .await
            .expect("the step is taken");
    }
    let expected = [
        "report.submitted_to_vendor",
        "report.returned",
        "report.submitted_to_vendor",
        "report.completed",
    ];
    // Every reader's endpoint got the four events in the outbox, the foreign one nothing.
    assert_eq!(pending(db).await, 3 * 4);

    // The runner tries until nothing is pending, an hour later each time (past any backoff).
    let sender = Sender::new().expect("a sender");
    let mut at = time::OffsetDateTime::now_utc();
    for _ in 0..10 {
        webhooks::run_due(db, &sender, at).await.expect("a run");
        if pending(db).await == 0 {
            break;
        }
        at += time::Duration::hours(1);
    }
    assert_eq!(pending(db).await, 0);

    let got = receiver.got.lock().expect("got").clone();
    assert_eq!(
        got.iter().filter(|r| r.answered != StatusCode::OK).count(),
        2
    );
    assert!(got.iter().all(|r| r.who != "foreign"), "{got:?}");
    let delivered: Vec<&Received> = got
        .iter()
        .filter(|r| r.answered == StatusCode::OK)
        .collect();
    for who in ["partner", "distributor", "vendor"] {
        let mine: Vec<&&Received> = delivered.iter().filter(|r| r.who == who).collect();
        let events: Vec<&str> = mine.iter().map(|r| r.event.as_str()).collect();
        // In order, each once (a failed try is sent again later, so order is by event time).
        let mut sorted = mine.clone();
        sorted.sort_by_key(|r| {
            r.body["occurred_at"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        });
        assert_eq!(mine.len(), 4, "{who}: {events:?}");
        let mut ids: Vec<&str> = mine.iter().map(|r| r.event_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 4, "{who}: each event once");
        let mut kinds: Vec<&str> = events.clone();
        kinds.sort_unstable();
        let mut wanted = expected.to_vec();
        wanted.sort_unstable();
        assert_eq!(kinds, wanted, "{who}");
        for r in &mine {
            assert_eq!(r.body["type"], r.event.as_str());
            assert_eq!(r.body["id"], r.event_id.as_str());
            assert_eq!(r.body["report"]["id"], report);
            // Nothing but the report's identity and where it stands: no amounts at all.
            let mut keys: Vec<&str> = r.body["report"]
                .as_object()
                .expect("a report")
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                [
                    "distributor",
                    "href",
                    "id",
                    "partner",
                    "period",
                    "status",
                    "sub_status",
                    "version"
                ]
            );
        }
    }
    // The last event leaves the report completed, at its final version.
    let completed = delivered
        .iter()
        .find(|r| r.event == "report.completed")
        .expect("completed");
    assert_eq!(completed.body["report"]["status"], "completed");
    assert_eq!(
        completed.body["report"]["version"],
        version(db, report).await
    );

    // The log shows the status codes; resending one delivered sends the same event again.
    let dana_admin = admin_of(db, "dana@summit-tech.example").await;
    let page = webhooks::page(db, &dana_admin).await.expect("the page");
    assert_eq!(page.endpoints.len(), 1);
    assert_eq!(page.deliveries.len(), 4);
    assert!(
        page.deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Delivered && d.last_status == Some(200))
    );
    let first = page.deliveries.last().expect("a delivery");
    webhooks::resend(db, &dana_admin, first.id)
        .await
        .expect("resent");
    // Not twice while it is on its way; not at all by a foreign organisation's administrator.
    match webhooks::resend(db, &dana_admin, first.id).await {
        Err(ServiceError::Invalid(why)) => assert!(why.contains("on its way"), "{why}"),
        other => panic!("a pending delivery resent again: {other:?}"),
    }
    let jonas = admin_of(db, "jonas@rheinland-systemhaus.example").await;
    assert!(matches!(
        webhooks::resend(db, &jonas, first.id).await,
        Err(ServiceError::NotFound)
    ));
    webhooks::run_due(db, &sender, at + time::Duration::hours(1))
        .await
        .expect("a run");
    let got = receiver.got.lock().expect("got").clone();
    let to_dana: Vec<&Received> = got
        .iter()
        .filter(|r| r.who == "distributor" && r.answered == StatusCode::OK)
        .collect();
    assert_eq!(to_dana.len(), 5, "{to_dana:?}");
    let resent = to_dana[4];
    assert_eq!(resent.event, first.event);
    assert!(
        to_dana[..4]
            .iter()
            .any(|r| r.event_id == resent.event_id && r.body == resent.body),
        "the same event, the same bytes"
    );
}

async fn administrators_manage_endpoints_and_bad_ones_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let form = "application/x-www-form-urlencoded";
    let count = |db: Db| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM webhook_endpoints")
            .fetch_one(db.pool())
            .await
            .expect("count")
    };
    // A support user may not manage them, in words.
    let sam = app.sign_in("sam@summit-tech.example").await;
    for (path, body) in [
        ("/api/webhooks/load", String::new()),
        (
            "/api/webhooks/create",
            "url=https%3A%2F%2Ferp.example.com%2Fh&events[0]=report.completed".to_owned(),
        ),
        ("/api/webhooks/remove", "id=1".to_owned()),
        ("/api/webhooks/resend", "id=1".to_owned()),
    ] {
        let (status, text) = app.post_as(path, form, &body, Some(&sam)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {text}");
        assert!(text.contains("Only an administrator"), "{path}: {text}");
    }
    // Bad addresses and no events: refused with the reason, nothing stored.
    let dana = app.sign_in("dana@summit-tech.example").await;
    for (body, reason) in [
        (
            "url=http%3A%2F%2Ferp.example.com%2Fh&events[0]=report.completed",
            "must start with https://",
        ),
        ("url=&events[0]=report.completed", "Please give the address"),
        (
            "url=https%3A%2F%2Ferp.example.com%2Fh",
            "at least one event",
        ),
    ] {
        let (status, text) = app
            .post_as("/api/webhooks/create", form, body, Some(&dana))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {text}");
        assert!(text.contains(reason), "{body}: {text}");
    }
    assert_eq!(count(app.db.clone()).await, 0);
    // A good one: the secret once, never in the list.
    let (status, text) = app
        .post_as(
            "/api/webhooks/create",
            form,
            "url=https%3A%2F%2Ferp.example.com%2Fh&events[0]=report.completed&events[1]=delivery.failed",
            Some(&dana),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let created: Value = serde_json::from_str(&text).expect("JSON");
    let secret = created["secret"].as_str().expect("the secret");
    let id = created["id"].as_i64().expect("an id");
    let (status, listed) = app
        .post_as("/api/webhooks/load", form, "", Some(&dana))
        .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert!(!listed.contains(secret));
    let listed: Value = serde_json::from_str(&listed).expect("JSON");
    assert_eq!(
        listed["endpoints"][0]["events"],
        serde_json::json!(["ReportCompleted", "DeliveryFailed"])
    );
    // Another organisation's administrator can not remove it; its own can.
    let maria = app.sign_in("maria@harbor-it.example").await;
    let (status, _) = app
        .post_as(
            "/api/webhooks/remove",
            form,
            &format!("id={id}"),
            Some(&maria),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, text) = app
        .post_as(
            "/api/webhooks/remove",
            form,
            &format!("id={id}"),
            Some(&dana),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (_, listed) = app
        .post_as("/api/webhooks/load", form, "", Some(&dana))
        .await;
    assert!(listed.contains("\"endpoints\":[]"), "{listed}");
}
