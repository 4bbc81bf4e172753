//! One report as a PDF, through the real router on SQLite and PostgreSQL alike, read back with
//! `pdftotext` (Debian's poppler-utils, installed by `make system`): the header, every line, the
//! total as the report page shows it and the history; for a partner, no price of any kind; for
//! another tenant, "not found" like any missing report.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use billing_reports::{
    domain::{OpenedReport, format},
    server::db::Backend,
};
use common::{TestApp, plant_canaries, report_id, spawn_app};
use http_body_util::BodyExt;
use serde_json::json;

on_both_backends!(
    the_pdf_holds_the_report_its_total_and_its_history,
    a_partners_pdf_has_no_price_at_all,
    another_tenants_pdf_is_not_found,
);

const DISTRIBUTOR: &str = "dana@summit-tech.example";
const PARTNER: &str = "maria@harbor-it.example";
const OTHER_DISTRIBUTOR: &str = "lukas@atlas-distribution.example";

/// The PDF at `/reports/{id}/report.pdf` for `cookie`: its status and, when it is one, its text
/// as `pdftotext -layout` reads it.
async fn pdf_text(app: &TestApp, id: i64, cookie: &str) -> (StatusCode, String) {
    let request = Request::get(format!("/reports/{id}/report.pdf"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let response = app.send(request).await;
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    if status != StatusCode::OK {
        return (status, String::from_utf8_lossy(&bytes).into_owned());
    }
    assert_eq!(kind, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    let dir = std::env::temp_dir().join(format!("br-pdf-{}-{id}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("report.pdf");
    std::fs::write(&file, &bytes).expect("write");
    // To look at a file: `BR_KEEP_PDF=/tmp/pdfs cargo test --features ssr --test pdf`.
    if let Ok(keep) = std::env::var("BR_KEEP_PDF") {
        std::fs::create_dir_all(&keep).expect("keep dir");
        std::fs::write(
            std::path::Path::new(&keep).join(format!("report-{id}.pdf")),
            &bytes,
        )
        .expect("keep");
    }
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by `make system`");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "pdftotext read the file");
    (status, String::from_utf8(out.stdout).expect("text"))
}

async fn opened(app: &TestApp, cookie: &str, id: i64) -> OpenedReport {
    let (status, body) = app
        .call_as("reports/open", json!({ "id": id }), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("a report")
}

async fn the_pdf_holds_the_report_its_total_and_its_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in(DISTRIBUTOR).await;
    let id = report_id(&app, "Blue Ridge Managed Security", "submitted_to_vendor").await;
    let OpenedReport::Priced(report) = opened(&app, &cookie, id).await else {
        panic!("the distributor sees prices");
    };
    let (status, text) = pdf_text(&app, id, &cookie).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let header = &report.header;
    for expected in [
        header.partner_name.as_str(),
        header.distributor_name.as_str(),
        &format::period_long(header.period),
        &header.status.label(),
        header
            .po_number
            .as_deref()
            .expect("a submitted report has a PO number"),
        "Total invoice amount",
        &format::money(report.total, header.currency),
        "History",
        "page 1 of",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    for line in &report.lines {
        assert!(
            text.contains(&line.product.sku),
            "{} in\n{text}",
            line.product.sku
        );
        let currency = header.currency;
        for figure in [
            format::unit_price(line.unit_price.get(), currency),
            format::money(line.gross, currency),
            format::money(line.amount_owed, currency),
        ] {
            assert!(
                text.contains(&figure),
                "{figure} of {} in\n{text}",
                line.product.sku
            );
        }
    }
    // Every history entry, by what happened and who did it.
    assert!(!report.history.is_empty());
    for entry in &report.history {
        assert!(
            text.contains(entry.event.label()),
            "{:?} in\n{text}",
            entry.event
        );
    }
}

async fn a_partners_pdf_has_no_price_at_all(backend: Backend) {
    let app = spawn_app(backend).await;
    plant_canaries(&app).await;
    let cookie = app.sign_in(PARTNER).await;
    for status in ["completed", "msp_preparing"] {
        let id = report_id(&app, "Harbor IT Services", status).await;
        let (answer, text) = pdf_text(&app, id, &cookie).await;
        assert_eq!(answer, StatusCode::OK, "{text}");
        assert!(text.contains("Harbor IT Services") && text.contains("Provisioned"));
        assert!(text.contains("History"));
        for price_word in [
            "Unit price",
            "margin",
            "Gross",
            "Amount owed",
            "Total invoice",
        ] {
            assert!(
                !text.contains(price_word),
                "{price_word:?} in a partner's PDF:\n{text}"
            );
        }
        // The canaries planted in every pricing column, with or without separators.
        let digits: String = text.chars().filter(|c| *c != ',').collect();
        for canary in ["98765", "12.3457", "5555555", "4444444", "7777777"] {
            assert!(
                !digits.contains(canary),
                "{canary} in a partner's PDF:\n{text}"
            );
        }
    }
}

async fn another_tenants_pdf_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, "Harbor IT Services", "completed").await;
    let other = app.sign_in(OTHER_DISTRIBUTOR).await;
    let (status, body) = pdf_text(&app, id, &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, "Report not found.");
    let (status, _) = pdf_text(&app, 99_999_999, &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
