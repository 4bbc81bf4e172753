//! The vendor stand-in (`src/bin/vendor_stand_in/`) as a process the test starts itself, with
//! a price book written from a database's own price book and codes, so that the HTTP adapter and
//! the built-in one answer from the same facts.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command as Process, Stdio},
};

use billing_reports::server::db::Db;
use serde_json::Value;

pub const STAND_IN: &str = env!("CARGO_BIN_EXE_vendor-stand-in");
pub const TOKEN: &str = "stand-in-token";

pub struct StandIn {
    child: Child,
    pub url: String,
    book: std::path::PathBuf,
}

impl StandIn {
    /// Starts the stand-in serving `book` and waits until it listens.
    pub fn start(book: &Value) -> StandIn {
        let path = std::env::temp_dir().join(format!(
            "br-book-{}-{}.json",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::write(&path, book.to_string()).expect("write the book");
        let mut child = Process::new(STAND_IN)
            .args(["--book", &path.to_string_lossy(), "--token", TOKEN])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the stand-in");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the stand-in says where it listens");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        StandIn {
            child,
            url,
            book: path,
        }
    }

    /// The port to the vendor through this stand-in, answering within `timeout_seconds`.
    pub fn vendor(&self, timeout_seconds: u64) -> billing_reports::server::vendor::Vendor {
        let client = billing_reports::server::vendor::http::Client::new(
            &self.url,
            TOKEN,
            std::time::Duration::from_secs(timeout_seconds),
        )
        .expect("client");
        billing_reports::server::vendor::Vendor::Http(client)
    }

    /// How the next contract calls are answered, e.g. `{"mode":"down","times":2}`.
    pub async fn set_mode(&self, mode: Value) {
        let status = reqwest::Client::new()
            .post(format!("{}/_stand-in/mode", self.url))
            .body(mode.to_string())
            .send()
            .await
            .expect("set the mode")
            .status();
        assert_eq!(status.as_u16(), 204);
    }

    /// The submissions it accepted and the calls it received.
    pub async fn record(&self) -> Value {
        reqwest::Client::new()
            .get(format!("{}/_stand-in/submissions", self.url))
            .send()
            .await
            .expect("read the record")
            .text()
            .await
            .map(|text| serde_json::from_str(&text).expect("JSON"))
            .expect("body")
    }

    /// How many calls of `kind` (prices, verify, codes, billing_reports) it received.
    pub async fn calls(&self, kind: &str) -> u64 {
        self.record().await["calls"][kind]
            .as_u64()
            .unwrap_or_default()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.book);
    }
}

/// The vendor's book as the database holds it, in the stand-in's file format.
pub async fn book_of(db: &Db) -> Value {
    billing_reports::server::vendor::book::export(db)
        .await
        .expect("the price book")
}
