//! `GET /metrics` on the real binary: hidden without a token, refused with a wrong one, and with
//! the right one the Prometheus text whose numbers move with what the instance does (requests by
//! route pattern and status, latency, sign-in failures, the pool, the outbox, the job runner).

mod common;

use std::{process::Command as Process, str::FromStr, time::Duration};

use billing_reports::server::db::Backend;
use common::{
    server::{BINARY, Server, post},
    shared_db,
};
use rust_decimal::Decimal;

on_both_backends!(the_metrics_need_the_token_and_move_with_the_work);

const TOKEN: &str = "metrics-token-for-the-tests-0123456789";

/// The sum of the series of `name` whose labels include every one of `labels`.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> Decimal {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .filter(|(series, _)| {
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            metric == name
                && labels
                    .iter()
                    .all(|(label, value)| rest.contains(&format!("{label}=\"{value}\"")))
        })
        .map(|(_, number)| {
            Decimal::from_str(number)
                .or_else(|_| Decimal::from_scientific(number))
                .unwrap_or_else(|_| panic!("{number} is not a number"))
        })
        .sum()
}

fn scrape(server: &Server) -> String {
    let answer = server
        .get_with("/metrics", &[("Authorization", &format!("Bearer {TOKEN}"))])
        .expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("text/plain; version=0.0.4"), "{answer}");
    answer
}

fn wrong_sign_in(port: u16) {
    let answer = post(
        port,
        "/api/auth/sign-in",
        "",
        "application/x-www-form-urlencoded",
        "email=maria%40harbor-it.example&password=not-the-password",
    )
    .expect("an answer");
    assert!(!answer.contains("Set-Cookie"), "{answer}");
}

async fn the_metrics_need_the_token_and_move_with_the_work(backend: Backend) {
    let (db, url, _guard) = shared_db(backend).await;
    // A delivery waiting for an hour, due only much later (so no runner takes it here).
    sqlx::query(
        "INSERT INTO deliveries (report_id, idempotency_key, payload, state, attempts, \
         next_attempt_at, created_at) SELECT MIN(id), 'metrics-test', '{}', 'pending', 1, \
         '2999-01-01T00:00:00Z', $1 FROM reports",
    )
    .bind(billing_reports::server::db::rfc3339(
        time::OffsetDateTime::now_utc() - time::Duration::hours(1),
    ))
    .execute(db.pool())
    .await
    .expect("a waiting delivery");

    tokio::task::spawn_blocking(move || {
        // Without the setting, there are no metrics: the route answers like an unknown one.
        let plain = Server::start(&url);
        let answer = plain
            .get_with("/metrics", &[("Authorization", &format!("Bearer {TOKEN}"))])
            .expect("an answer");
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
        drop(plain);

        // A token too short to be a secret is refused before anything starts.
        let out = Process::new(BINARY)
            .args(["--database-url", &url, "migrate"])
            .env("METRICS_TOKEN", "short")
            .output()
            .expect("run");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "a short token was taken");
        assert!(said.contains("at least 24 characters"), "{said}");

        let server = Server::start_with(
            &url,
            &[("METRICS_TOKEN", TOKEN), ("JOBS_EVERY_SECONDS", "1")],
        );
        for headers in [
            vec![],
            vec![("Authorization", "Bearer not-the-token-not-the-token")],
            vec![("Authorization", TOKEN)],
        ] {
            let answer = server.get_with("/metrics", &headers).expect("an answer");
            assert!(answer.starts_with("HTTP/1.1 401"), "{headers:?}: {answer}");
            assert!(!answer.contains("billing_reports_"), "{answer}");
        }
        // A session does not open them either.
        let cookie = server.sign_in("dana@summit-tech.example");
        let answer = server.get_signed_in("/metrics", &cookie).expect("answer");
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");

        let before = scrape(&server);
        let report = server
            .get_signed_in("/reports/1", &cookie)
            .expect("the report");
        let report_status = report.split(' ').nth(1).expect("a status").to_owned();
        wrong_sign_in(server.port());
        wrong_sign_in(server.port());
        std::thread::sleep(Duration::from_millis(2500));
        let after = scrape(&server);

        let report_route = [("route", "/reports/{id}"), ("status", &*report_status)];
        let requests =
            |text: &str| value(text, "billing_reports_http_requests_total", &report_route);
        assert_eq!(
            requests(&after) - requests(&before),
            Decimal::ONE,
            "{after}"
        );
        assert!(
            !after.contains("route=\"/reports/1\""),
            "ids are not labels"
        );
        let latency = |text: &str| {
            value(
                text,
                "billing_reports_http_request_duration_seconds_count",
                &[("route", "/reports/{id}")],
            )
        };
        assert_eq!(latency(&after) - latency(&before), Decimal::ONE, "{after}");
        let failures = |text: &str| {
            value(
                text,
                "billing_reports_sign_in_failures_total",
                &[("reason", "wrong_credentials")],
            )
        };
        assert_eq!(
            failures(&after) - failures(&before),
            Decimal::TWO,
            "{after}"
        );
        let runs = |text: &str| value(text, "billing_reports_job_runs_total", &[]);
        assert!(runs(&after) > runs(&before), "the job runner ran: {after}");
        assert_eq!(
            value(&after, "billing_reports_job_failures_total", &[]),
            Decimal::ZERO,
            "{after}"
        );
        assert!(
            value(&after, "billing_reports_db_pool_connections", &[]) >= Decimal::ONE,
            "{after}"
        );
        let pending = [("state", "pending")];
        // The demo's own deliveries may wait too; the hour-old one is there and the oldest.
        assert!(
            value(&after, "billing_reports_outbox_backlog", &pending) >= Decimal::ONE,
            "{after}"
        );
        let age = value(
            &after,
            "billing_reports_outbox_oldest_age_seconds",
            &pending,
        );
        assert!(age >= Decimal::from(3600), "{after}");
    })
    .await
    .expect("the metrics test");
}
