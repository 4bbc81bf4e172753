//! Email of the notices, through an SMTP server the test starts: the deadline email reaches each
//! of the partner's users who wants it (and not the one who turned it off), as a plain-text and
//! an HTML part linking the report; a server that is down for a moment gets it once it is back,
//! once; an email not sent within a day is not sent at all; each user reads and saves their own
//! choices through the server functions, and a kind their organisation does not get is refused.
//! On SQLite and PostgreSQL alike.

mod common;

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use axum::http::StatusCode;
use base64::Engine;
use billing_reports::server::{
    db::{Backend, Db},
    services::{
        ServiceError, cycle,
        emails::{self, Mailer},
    },
    vendor::Vendor,
};
use common::{spawn_app, user_caller};
use serde_json::Value;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

on_both_backends!(
    the_deadline_email_reaches_those_who_want_it_once,
    each_user_chooses_their_own_emails
);

/// One message the sink took.
#[derive(Clone, Debug)]
struct Mail {
    to: Vec<String>,
    data: String,
}

/// A small SMTP server: takes every message, but answers the first `refuse_first` senders
/// "451 try again later".
#[derive(Clone, Default)]
struct Sink {
    mails: Arc<Mutex<Vec<Mail>>>,
    senders: Arc<AtomicUsize>,
    refuse_first: usize,
}

impl Sink {
    async fn start(self) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let port = listener.local_addr().expect("address").port();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(self.clone().session(stream));
            }
        });
        port
    }

    async fn session(self, stream: tokio::net::TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        say(&mut write, "220 sink ESMTP\r\n").await;
        let mut to = Vec::new();
        loop {
            let mut line = String::new();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_ascii_uppercase();
            if command.starts_with("EHLO") {
                say(&mut write, "250-sink\r\n250 8BITMIME\r\n").await;
            } else if command.starts_with("MAIL FROM") {
                to.clear();
                if self.senders.fetch_add(1, Ordering::SeqCst) < self.refuse_first {
                    say(&mut write, "451 4.3.0 try again later\r\n").await;
                } else {
                    say(&mut write, "250 ok\r\n").await;
                }
            } else if command.starts_with("RCPT TO") {
                let address = line.trim_end()[8..]
                    .trim()
                    .trim_matches(['<', '>'])
                    .to_owned();
                to.push(address);
                say(&mut write, "250 ok\r\n").await;
            } else if command == "DATA" {
                say(&mut write, "354 go on\r\n").await;
                let mut data = String::new();
                loop {
                    let mut part = String::new();
                    if lines.read_line(&mut part).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if part == ".\r\n" {
                        break;
                    }
                    data.push_str(part.strip_prefix('.').unwrap_or(&part));
                }
                self.mails.lock().expect("mails").push(Mail {
                    to: std::mem::take(&mut to),
                    data,
                });
                say(&mut write, "250 queued\r\n").await;
            } else if command == "QUIT" {
                say(&mut write, "221 bye\r\n").await;
                return;
            } else {
                say(&mut write, "250 ok\r\n").await;
            }
        }
    }
}

/// The message's headers unfolded, and each part's body decoded: (content type, text).
fn read_mail(data: &str) -> (String, Vec<(String, String)>) {
    let (head, _) = data.split_once("\r\n\r\n").expect("headers");
    let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let boundary = head
        .split("boundary=")
        .nth(1)
        .expect("a multipart message")
        .split(['\r', ';'])
        .next()
        .expect("boundary")
        .trim_matches('"')
        .to_owned();
    let parts = data
        .split(&format!("--{boundary}"))
        .skip(1)
        .filter(|part| !part.starts_with("--"))
        .map(|part| {
            let (headers, body) = part.split_once("\r\n\r\n").expect("a part");
            let header = |name: &str| {
                headers
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            let body = match header("Content-Transfer-Encoding:").as_str() {
                "base64" => String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(body.replace("\r\n", "").trim())
                        .expect("base64"),
                )
                .expect("UTF-8"),
                "quoted-printable" => quoted_printable(body),
                _ => body.to_owned(),
            };
            (header("Content-Type:"), body)
        })
        .collect();
    (head, parts)
}

async fn say(write: &mut tokio::net::tcp::OwnedWriteHalf, text: &str) {
    write.write_all(text.as_bytes()).await.expect("write");
}

fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db.pool())
        .await
        .expect(sql)
}

async fn the_deadline_email_reaches_those_who_want_it_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.db;
    // A report the partner is still preparing, and its deadline.
    let (report, deadline, partner_id): (i64, String, i64) = sqlx::query_as(
        "SELECT id, submission_deadline, partner_id FROM reports \
         WHERE status = 'msp_preparing' \
           AND (SELECT COUNT(*) FROM users u WHERE u.org_id = reports.partner_id) >= 2 \
         ORDER BY submission_deadline DESC, id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report in preparation");
    let users: Vec<String> =
        sqlx::query_scalar("SELECT email FROM users WHERE org_id = $1 ORDER BY id")
            .bind(partner_id)
            .fetch_all(db.pool())
            .await
            .expect("its users");
    assert!(users.len() >= 2, "{users:?}");
    // The partner's last user wants no reminder three days ahead.
    let quiet = users.last().expect("a user").clone();
    emails::save_choices(
        db,
        &user_caller(db, &quiet).await,
        &["report_ready".to_owned(), "deadline_1_day".to_owned()],
    )
    .await
    .expect("choices saved");

    // The sink is down for the first two senders.
    let sink = Sink {
        refuse_first: 2,
        ..Sink::default()
    };
    let port = sink.clone().start().await;
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Billing Reports <billing@example.com>",
        "https://billing.example.com/",
    )
    .expect("a mailer");

    // Two days before the deadline: the three-day reminder is written, with its emails.
    let deadline = OffsetDateTime::parse(&deadline, &Rfc3339).expect("a deadline");
    let at = deadline - time::Duration::days(2);
    cycle::run_due(db, &Vendor::Builtin, at)
        .await
        .expect("jobs");
    let first = emails::run_due(db, Some(&mailer), at).await.expect("a run");
    assert!(first.retrying >= 2, "{first:?}");
    // Back up: the rest goes out on the next runs, each once.
    for minutes in [1, 2, 5] {
        emails::run_due(db, Some(&mailer), at + time::Duration::minutes(minutes))
            .await
            .expect("a run");
    }
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM emails WHERE state = 'pending'").await,
        0
    );
    let mails = sink.mails.lock().expect("mails").clone();
    let link = format!("https://billing.example.com/reports/{report}");
    let about_it: Vec<&Mail> = mails
        .iter()
        .filter(|mail| {
            read_mail(&mail.data)
                .1
                .iter()
                .any(|(_, b)| b.contains(&link))
        })
        .collect();
    let mut told: Vec<String> = about_it.iter().flat_map(|m| m.to.clone()).collect();
    told.sort();
    let mut wanted: Vec<String> = users.iter().filter(|u| **u != quiet).cloned().collect();
    wanted.sort();
    assert_eq!(told, wanted, "each once, not the one who turned it off");
    let (head, parts) = read_mail(&about_it[0].data);
    assert!(head.contains("is due in 3 days"), "{head}");
    assert!(head.contains("multipart/alternative"), "{head}");
    assert!(
        head.contains("From: \"Billing Reports\" <billing@example.com>")
            || head.contains("From: Billing Reports <billing@example.com>"),
        "{head}"
    );
    let text = parts
        .iter()
        .find(|(t, _)| t.starts_with("text/plain"))
        .expect("a text part");
    let html = parts
        .iter()
        .find(|(t, _)| t.starts_with("text/html"))
        .expect("an HTML part");
    assert!(
        text.1.contains(&link) && text.1.contains("is due in 3 days"),
        "{}",
        text.1
    );
    assert!(html.1.contains(&format!("href=\"{link}\"")), "{}", html.1);
    assert!(
        html.1.contains("https://billing.example.com/notices"),
        "{}",
        html.1
    );

    // The one-day reminder, written a day later, is not sent in time (no mail server): it
    // expires rather than arrive after the deadline.
    let sent_before = sink.mails.lock().expect("mails").len();
    cycle::run_due(db, &Vendor::Builtin, at + time::Duration::days(1))
        .await
        .expect("jobs");
    let pending = scalar(db, "SELECT COUNT(*) FROM emails WHERE state = 'pending'").await;
    assert!(pending >= 1, "the one-day reminder's emails");
    let late = emails::run_due(db, None, at + time::Duration::days(3))
        .await
        .expect("a run");
    assert_eq!(late.expired, u64::try_from(pending).expect("a count"));
    assert_eq!(sink.mails.lock().expect("mails").len(), sent_before);
}

async fn each_user_chooses_their_own_emails(backend: Backend) {
    let app = spawn_app(backend).await;
    let form = "application/x-www-form-urlencoded";
    let maria = app.sign_in("maria@harbor-it.example").await;
    let load = async |cookie: &str| {
        let (status, text) = app
            .post_as("/api/notices/email-choices", form, "", Some(cookie))
            .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        serde_json::from_str::<Value>(&text).expect("JSON")
    };
    // A partner's user: the partner's four kinds, on by default; this server sends none.
    let choices = load(&maria).await;
    assert_eq!(choices["server_sends"], false);
    assert_eq!(choices["address"], "maria@harbor-it.example");
    let listed = choices["choices"].as_array().expect("choices");
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|c| c["wanted"] == true), "{listed:?}");
    // Only the report-ready email, then.
    let (status, text) = app
        .post_as(
            "/api/notices/save-email-choices",
            form,
            "wanted[0]=report_ready",
            Some(&maria),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let wanted: Vec<Value> = load(&maria).await["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .filter(|c| c["wanted"] == true)
        .map(|c| c["kind"].clone())
        .collect();
    assert_eq!(wanted, vec![Value::from("ReportReady")]);
    // Another user of the same organisation keeps their own.
    let tom = app.sign_in("tom@harbor-it.example").await;
    let toms = load(&tom).await;
    assert!(
        toms["choices"]
            .as_array()
            .expect("choices")
            .iter()
            .all(|c| c["wanted"] == true)
    );
    // A distributor's notice is not the partner's to choose: refused in words, nothing stored.
    let stored = scalar(&app.db, "SELECT COUNT(*) FROM email_choices").await;
    let (status, text) = app
        .post_as(
            "/api/notices/save-email-choices",
            form,
            "wanted[0]=completed",
            Some(&maria),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(
        text.contains("not a notice your organisation gets"),
        "{text}"
    );
    assert_eq!(
        scalar(&app.db, "SELECT COUNT(*) FROM email_choices").await,
        stored
    );
    // The vendor gets no notices, so has nothing to choose.
    let vera = user_caller(&app.db, "vera@vendor.example").await;
    let none = emails::choices(&app.db, &vera, false)
        .await
        .expect("choices");
    assert!(none.choices.is_empty());
    assert!(matches!(
        emails::save_choices(&app.db, &vera, &["completed".to_owned()]).await,
        Err(ServiceError::Invalid(_))
    ));
}
