//! Data survives the process: the real binary seeds a database and exits, a change is written,
//! then the server is started (twice) on the same database and still shows everything.

mod common;

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command as Process, Stdio},
    time::Duration,
};

use billing_reports::{
    domain::{Actor, OrgKind, Role},
    server::{
        db::{Backend, Db},
        services::{
            Caller, UserCaller,
            reports::{Command, act},
        },
    },
};
use common::durable_db;

on_both_backends!(data_survives_restarts);

const BINARY: &str = env!("CARGO_BIN_EXE_billing-reports");

fn run(url: &str, args: &[&str]) {
    let status = Process::new(BINARY)
        .args(["--database-url", url, "--log-level", "warn"])
        .args(args)
        .status()
        .expect("run the binary");
    assert!(status.success(), "{args:?} failed: {status}");
}

struct Server(Child, u16);

impl Server {
    fn start(url: &str) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Process::new(BINARY)
            .args([
                "--database-url",
                url,
                "--log-level",
                "warn",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server");
        let server = Server(child, port);
        for _ in 0..100 {
            if server
                .get("/readyz")
                .is_some_and(|body| body.contains("200 OK"))
            {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server did not become ready");
    }

    /// A plain HTTP/1.1 GET; the whole response (head and body) as text.
    fn get(&self, path: &str) -> Option<String> {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ))
    }

    fn request(&self, raw: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.1)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        stream.write_all(raw.as_bytes()).ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        Some(response)
    }

    /// Signs in as the demo distributor and returns the session cookie.
    fn sign_in(&self) -> String {
        let body = "email=dana%40summit-tech.example&password=demo-password";
        let response = self
            .request(&format!(
                "POST /api/auth/sign-in HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            ))
            .expect("sign-in response");
        response
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("set-cookie")
                    .then_some(value.trim())
            })
            .and_then(|cookie| cookie.split(';').next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no session cookie in:\n{response}"))
    }

    fn get_signed_in(&self, path: &str, cookie: &str) -> Option<String> {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn data_survives_restarts(backend: Backend) {
    let (db, url, _guard) = durable_db(backend).await;
    db.close().await;
    run(&url, &["seed", "demo"]);

    let db = Db::connect(&url).await.expect("reconnect");
    let (report, version): (i64, i64) = sqlx::query_as(
        "SELECT r.id, r.version FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = 'Blue Ridge Managed Security' AND r.status = 'under_review' LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report under review");
    let (distributor, name): (i64, String) = sqlx::query_as(
        "SELECT id, name FROM organisations WHERE name = 'Summit Tech Distribution'",
    )
    .fetch_one(db.pool())
    .await
    .expect("distributor");
    let caller = Caller::User(UserCaller {
        actor: Actor {
            user_id: 1,
            org_id: distributor,
            org_kind: OrgKind::Distributor,
            role: Role::Administrator,
            region_enabled: true,
        },
        name: "Restart Tester".into(),
        org_name: name,
    });
    act(
        &db,
        &caller,
        report,
        version,
        Command::SetPoNumber {
            po_number: "PO-RESTART-77".into(),
        },
    )
    .await
    .expect("write");
    db.close().await;

    for _ in 0..2 {
        let server = Server::start(&url);
        let cookie = server.sign_in();
        let page = server
            .get_signed_in("/?partner=Blue%20Ridge&status=under_review", &cookie)
            .expect("page");
        assert!(
            page.contains("PO-RESTART-77"),
            "the change is gone after a restart:\n{page}"
        );
        assert!(page.contains("Blue Ridge Managed Security"));
    }
    // A second `seed demo` on a database with reports loads nothing.
    run(&url, &["seed", "demo"]);
    let db = Db::connect(&url).await.expect("reconnect");
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(reports, 144);
    db.close().await;
}
