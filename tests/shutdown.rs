//! Stopping the server (SIGTERM, as systemd does): it takes no new request, lets the one in
//! flight finish and answer, then exits cleanly; a request that never finishes does not hold it
//! past `SHUTDOWN_GRACE_SECONDS`.

mod common;

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use billing_reports::server::db::Backend;
use common::{durable_db, server::Server};

on_both_backends!(
    a_request_in_flight_finishes_and_then_the_server_exits,
    a_request_that_never_ends_does_not_hold_the_server_past_its_grace,
);

const BODY: &str = "email=nobody%40example.com&password=not-the-password";

/// A sign-in request with only the first half of its body sent: in flight at the server.
fn half_sent(port: u16) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let head = format!(
        "POST /api/auth/sign-in HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        BODY.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream
        .write_all(&BODY.as_bytes()[..BODY.len() / 2])
        .expect("half the body");
    stream.flush().expect("flush");
    // Long enough for the server to have read the head.
    std::thread::sleep(Duration::from_millis(300));
    stream
}

async fn a_request_in_flight_finishes_and_then_the_server_exits(backend: Backend) {
    let (_db, url, _guard) = durable_db(backend).await;
    tokio::task::spawn_blocking(move || {
        let mut server = Server::start(&url);
        let mut stream = half_sent(server.port());
        server.terminate();
        std::thread::sleep(Duration::from_millis(500));
        // No new request is taken...
        let refused = server.get("/readyz");
        assert!(
            refused
                .as_deref()
                .is_none_or(|answer| !answer.contains("200 OK")),
            "a new request was served while stopping: {refused:?}"
        );
        // ...but the one in flight finishes and is answered in full.
        stream
            .write_all(&BODY.as_bytes()[BODY.len() / 2..])
            .expect("the rest of the body");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("the answer");
        assert!(answer.starts_with("HTTP/1.1 "), "an answer: {answer:?}");
        // The sign-in read the whole body and judged it: the request was served, not cut off.
        assert!(
            answer.contains("The email address or password is not correct."),
            "the sign-in's own answer: {answer}"
        );
        let status = server
            .wait_exit(Duration::from_secs(15))
            .expect("the server exits after the request");
        assert!(status.success(), "a clean exit: {status}");
    })
    .await
    .expect("the test thread");
}

async fn a_request_that_never_ends_does_not_hold_the_server_past_its_grace(backend: Backend) {
    let (_db, url, _guard) = durable_db(backend).await;
    tokio::task::spawn_blocking(move || {
        let mut server = Server::start_with(&url, &[("SHUTDOWN_GRACE_SECONDS", "1")]);
        let _stuck = half_sent(server.port());
        let asked = Instant::now();
        server.terminate();
        let status = server
            .wait_exit(Duration::from_secs(15))
            .expect("the server exits although a request never ended");
        assert!(status.success(), "a clean exit: {status}");
        assert!(
            asked.elapsed() >= Duration::from_millis(900),
            "it waited for the request first ({:?})",
            asked.elapsed()
        );
    })
    .await
    .expect("the test thread");
}
