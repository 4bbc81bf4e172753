//! The CSV and Excel exports through the real router, on SQLite and PostgreSQL alike: the same
//! rows as the list, every page at once; a report's lines under the report's header; no pricing
//! for partners; another tenant's report is "not found" like a missing one; numbers in a workbook
//! are numbers; CSV text cannot become a formula.

mod common;

use std::io::Read;

use axum::{
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use billing_reports::{
    domain::{
        Actor, OpenedReport, OrgKind, ReportDetail, ReportHeader, Role, Status,
        query::{ListedReports, PAGE_SIZE, ReportFilter},
    },
    server::{
        db::Backend,
        services::{ServiceError, UserCaller, reports::list_for_export},
    },
};
use common::{TestApp, past_the_guards, plant_canaries, report_id, spawn_app};
use http_body_util::BodyExt;
use rust_decimal::Decimal;
use serde_json::json;

on_both_backends!(
    a_distributors_list_export_has_the_lists_reports_and_totals,
    the_list_export_holds_every_page,
    partners_exports_carry_no_pricing,
    another_tenants_report_is_not_found_like_a_missing_one,
    anonymous_callers_must_sign_in,
    line_exports_follow_the_opened_report,
    workbooks_hold_real_numbers,
    a_region_without_billing_reports_is_told_so,
    too_many_reports_are_refused,
);

const DISTRIBUTOR: &str = "dana@summit-tech.example";
const PARTNER: &str = "maria@harbor-it.example";
const ADMIN: &str = "ops@billing-reports.example";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const LIST_HEADER: [&str; 9] = [
    "Report id",
    "Partner",
    "Partner id",
    "Distributor",
    "Region",
    "Cycle",
    "Status",
    "PO number",
    "Currency",
];

const LINE_HEADER: [&str; 8] = [
    "Product",
    "SKU",
    "Unit type",
    "Provisioned",
    "Used",
    "Over-provisioned %",
    "Chargeable",
    "Comment",
];

const PRICING_HEADER: [&str; 7] = [
    "Unit price",
    "Catalogue unit price",
    "Channel margin %",
    "Catalogue margin %",
    "Pricing code",
    "Gross",
    "Amount owed",
];

/// A GET with the raw body (a workbook is not text).
async fn download(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app
        .send(request.body(Body::empty()).expect("request"))
        .await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// Downloads a CSV export that must succeed, checks its headers, and reads its records.
async fn csv(app: &TestApp, path: &str, cookie: &str, file_name: &str) -> Vec<Vec<String>> {
    let (status, headers, bytes) = download(app, path, Some(cookie)).await;
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    assert_eq!(
        header_text(&headers, header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        header_text(&headers, header::CONTENT_DISPOSITION),
        format!("attachment; filename=\"{file_name}\"")
    );
    assert_eq!(header_text(&headers, header::CACHE_CONTROL), "no-store");
    parse_csv(&text)
}

/// Reads RFC 4180 CSV with a byte-order mark and CRLF line ends.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, other) => field.push(other),
            (false, '"') => {
                assert!(field.is_empty(), "a quote inside an unquoted field");
                quoted = true;
            }
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a bare CR ends no record");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("records end with CRLF"),
            (false, other) => field.push(other),
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "a last record without CRLF"
    );
    records
}

/// A report's lines file: the report's header as (name, value) records up to the first empty
/// record, then the table.
fn split_about(records: &[Vec<String>]) -> (Vec<(String, String)>, &[Vec<String>]) {
    let blank = records
        .iter()
        .position(|record| record == &[String::new()])
        .expect("an empty record after the report's header");
    let about = records[..blank]
        .iter()
        .map(|record| match record.as_slice() {
            [name, value] => (name.clone(), value.clone()),
            other => panic!("a header record is a name and a value: {other:?}"),
        })
        .collect();
    (about, &records[blank + 1..])
}

/// The header a report's lines file starts with: the list's columns, with this report's values.
fn about(header: &ReportHeader) -> Vec<(String, String)> {
    let values = [
        header.id.to_string(),
        header.partner_name.clone(),
        header.partner_id.to_string(),
        header.distributor_name.clone(),
        header.region_name.clone(),
        header.period.to_string(),
        header.status.label().to_string(),
        header.po_number.clone().unwrap_or_default(),
        header.currency.code().to_owned(),
    ];
    LIST_HEADER
        .iter()
        .map(|name| (*name).to_owned())
        .zip(values)
        .collect()
}

/// The header block of a priced report's line exports: [`about`], then the vendor's reference
/// once the vendor has received the report.
fn about_priced(detail: &ReportDetail) -> Vec<(String, String)> {
    let mut about = about(&detail.header);
    if let Some(reference) = detail.delivery.as_ref().and_then(|d| d.reference.clone()) {
        about.push(("Vendor reference".to_owned(), reference));
    }
    about
}

/// One part of a workbook (a zip of XML files) as text.
fn unzip(bytes: &[u8], part: &str) -> String {
    assert!(bytes.starts_with(b"PK"), "not a zip file");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    archive
        .by_name(part)
        .unwrap_or_else(|_| panic!("no part {part}"))
        .read_to_string(&mut text)
        .expect("an XML part");
    text
}

/// What a workbook's cells hold: the sheet (numbers) and its shared strings (text).
fn workbook_cells(bytes: &[u8]) -> String {
    unzip(bytes, "xl/worksheets/sheet1.xml") + &unzip(bytes, "xl/sharedStrings.xml")
}

/// A cell of a worksheet's XML, e.g. `<c r="O2" s="3"><v>12.5</v></c>`.
fn cell<'a>(sheet: &'a str, reference: &str) -> &'a str {
    let start = sheet
        .find(&format!("<c r=\"{reference}\""))
        .unwrap_or_else(|| panic!("no cell {reference}"));
    let rest = &sheet[start..];
    let end = rest.find("</c>").expect("a closed cell");
    &rest[..end]
}

/// The value of a number cell (and that it is one: no `t="..."` string type).
fn number_in(sheet: &str, reference: &str) -> Decimal {
    let cell = cell(sheet, reference);
    assert!(
        !cell.contains(" t=\""),
        "{reference} is not a number: {cell}"
    );
    let value = cell
        .split_once("<v>")
        .and_then(|(_, rest)| rest.split_once("</v>"))
        .map(|(value, _)| value)
        .unwrap_or_else(|| panic!("{reference} has no value: {cell}"));
    value.parse().expect("a decimal number")
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap_or_else(|_| panic!("not a plain decimal: {text:?}"))
}

fn decimals(text: &str) -> usize {
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

async fn listed(app: &TestApp, cookie: &str, filter: serde_json::Value) -> ListedReports {
    let (status, body) = app
        .call_as("reports/list", json!({ "filter": filter }), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("a list")
}

async fn opened(app: &TestApp, cookie: &str, id: i64) -> OpenedReport {
    let (status, body) = app
        .call_as("reports/open", json!({ "id": id }), Some(cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("a report")
}

async fn a_distributors_list_export_has_the_lists_reports_and_totals(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in(DISTRIBUTOR).await;
    let ListedReports::Priced(all) = listed(&app, &cookie, json!({ "page": 1 })).await else {
        panic!("a distributor's list is priced");
    };
    let month = all.rows.first().expect("reports").period;
    for (query, filter, file_name) in [
        (
            String::new(),
            json!({ "page": 1 }),
            "billing-reports.csv".to_owned(),
        ),
        (
            "?status=completed&sort=partner".to_owned(),
            json!({ "status": "Completed", "sort": "Partner", "page": 1 }),
            "billing-reports.csv".to_owned(),
        ),
        (
            format!("?period={month}&page=2"),
            json!({ "from": month, "to": month, "page": 1 }),
            format!("billing-reports-{month}.csv"),
        ),
    ] {
        let ListedReports::Priced(page) = listed(&app, &cookie, filter).await else {
            panic!("a distributor's list is priced");
        };
        let records = csv(
            &app,
            &format!("/reports/export.csv{query}"),
            &cookie,
            &file_name,
        )
        .await;
        let (header, rows) = records.split_first().expect("a header row");
        let mut expected = LIST_HEADER.to_vec();
        expected.push("Total invoice amount");
        assert_eq!(header, &expected);
        assert_eq!(
            u64::try_from(rows.len()).ok(),
            Some(page.total_count),
            "{query}: the export has the list's reports"
        );
        assert!(!rows.is_empty(), "{query}");
        // Same reports in the same order as the list's first page, with the same totals.
        for (row, summary) in rows.iter().zip(&page.rows) {
            assert_eq!(row[0], summary.id.to_string(), "{query}");
            assert_eq!(row[1], summary.partner_name);
            assert_eq!(row[3], "Summit Tech Distribution");
            assert_eq!(row[5], summary.period.to_string());
            assert_eq!(row[6], summary.status.label());
            assert_eq!(row[8], "USD");
            match summary.total {
                Some(total) => {
                    assert_eq!(decimal(&row[9]), total, "{query}: report {}", summary.id);
                    assert_eq!(decimals(&row[9]), 2, "USD has cents: {}", row[9]);
                }
                None => {
                    assert_eq!(summary.status, Status::MspPreparing);
                    assert_eq!(row[9], "", "no total while the partner prepares");
                }
            }
        }
        assert!(
            rows.iter().any(|row| !row[9].is_empty()),
            "{query}: the export contains totals"
        );
    }
}

async fn the_list_export_holds_every_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in(ADMIN).await;
    let list = listed(&app, &cookie, json!({ "page": 1 })).await;
    assert!(
        list.total_count() > u64::from(PAGE_SIZE),
        "more than one page"
    );
    let records = csv(
        &app,
        "/reports/export.csv?page=3",
        &cookie,
        "billing-reports.csv",
    )
    .await;
    let rows = &records[1..];
    assert_eq!(u64::try_from(rows.len()).ok(), Some(list.total_count()));
    let mut ids: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rows.len(), "each report once");
    // Amounts in each currency's minor units.
    for row in rows.iter().filter(|row| !row[9].is_empty()) {
        let places = match row[8].as_str() {
            "JPY" => 0,
            "USD" | "EUR" | "AUD" => 2,
            other => panic!("unexpected currency {other}"),
        };
        assert_eq!(decimals(&row[9]), places, "{row:?}");
    }
    assert!(rows.iter().any(|row| row[8] == "JPY" && !row[9].is_empty()));
}

const CANARIES: [&str; 5] = ["98765.4321", "12.3457", "5555555", "4444444", "7777777"];
const PRICING_WORDS: [&str; 6] = [
    "Total",
    "Unit price",
    "Amount owed",
    "Gross",
    "margin",
    "Pricing code",
];

async fn partners_exports_carry_no_pricing(backend: Backend) {
    let app = spawn_app(backend).await;
    plant_canaries(&app).await;
    let cookie = app.sign_in(PARTNER).await;
    let completed = report_id(&app, "Harbor IT Services", "completed").await;
    let preparing = report_id(&app, "Harbor IT Services", "msp_preparing").await;

    for query in ["", "?status=completed"] {
        let records = csv(
            &app,
            &format!("/reports/export.csv{query}"),
            &cookie,
            "billing-reports.csv",
        )
        .await;
        assert_eq!(records[0], LIST_HEADER, "no total column for a partner");
        assert!(records.len() > 1, "the partner's own reports");
        assert!(
            records[1..]
                .iter()
                .all(|row| row[1] == "Harbor IT Services"),
            "only its own reports"
        );
    }
    for id in [completed, preparing] {
        let file_name = format!("report-{id}-harbor-it-services-");
        let (status, headers, _) =
            download(&app, &format!("/reports/{id}/lines.csv"), Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let disposition = header_text(&headers, header::CONTENT_DISPOSITION);
        assert!(
            disposition.starts_with(&format!("attachment; filename=\"{file_name}"))
                && disposition.ends_with(".csv\""),
            "{disposition}"
        );
        let name = disposition
            .trim_start_matches("attachment; filename=\"")
            .trim_end_matches('"');
        let records = csv(&app, &format!("/reports/{id}/lines.csv"), &cookie, name).await;
        let (header, table) = split_about(&records);
        let OpenedReport::Partner(detail) = opened(&app, &cookie, id).await else {
            panic!("a partner's report has no pricing");
        };
        assert_eq!(header, about(&detail.header), "the report's header first");
        assert_eq!(table[0], LINE_HEADER, "no pricing column for a partner");
        assert!(
            table[1..].iter().all(|row| row.len() == LINE_HEADER.len()),
            "no totals row for a partner"
        );
    }

    let paths = [
        "/reports/export.csv".to_owned(),
        "/reports/export.xlsx".to_owned(),
        "/reports/export.csv?status=completed".to_owned(),
        format!("/reports/{completed}/lines.csv"),
        format!("/reports/{completed}/lines.xlsx"),
        format!("/reports/{preparing}/lines.csv"),
        format!("/reports/{preparing}/lines.xlsx"),
    ];
    for path in &paths {
        let (status, _, bytes) = download(&app, path, Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let text = if path.ends_with(".xlsx") {
            workbook_cells(&bytes)
        } else {
            String::from_utf8(bytes).expect("UTF-8")
        };
        for word in PRICING_WORDS {
            assert!(!text.contains(word), "{path} shows {word:?} to a partner");
        }
        for canary in CANARIES {
            assert!(!text.contains(canary), "{path} leaks {canary} to a partner");
        }
    }

    // The same canaries do reach the distributor's files: the checks above would see a leak.
    let distributor = app.sign_in(DISTRIBUTOR).await;
    for (path, canary) in [
        (
            "/reports/export.csv?status=completed".to_owned(),
            "7777777.78",
        ),
        (format!("/reports/{completed}/lines.csv"), "98765.4321"),
        (format!("/reports/{completed}/lines.xlsx"), "98765.4321"),
    ] {
        let (_, _, bytes) = download(&app, &path, Some(&distributor)).await;
        let text = if path.ends_with(".xlsx") {
            workbook_cells(&bytes)
        } else {
            String::from_utf8(bytes).expect("UTF-8")
        };
        assert!(text.contains(canary), "{path} lacks {canary}");
    }
}

async fn another_tenants_report_is_not_found_like_a_missing_one(backend: Backend) {
    let app = spawn_app(backend).await;
    // (account, partner of a report it may not open, that report's status)
    let table = [
        (PARTNER, "Blue Ridge Managed Security", "completed"),
        (
            "jonas@rheinland-systemhaus.example",
            "Harbor IT Services",
            "completed",
        ),
        (
            "lukas@atlas-distribution.example",
            "Harbor IT Services",
            "completed",
        ),
        ("vera@vendor.example", "Harbor IT Services", "msp_preparing"),
    ];
    // A user of a region without billing reports is told so for any report, existing or not.
    let cookie = app.sign_in("lucia@andes-cloud.example").await;
    let rheinland = report_id(&app, "Rheinland Systemhaus GmbH", "completed").await;
    for path in [rheinland.to_string(), "999999".to_owned()] {
        for extension in ["csv", "xlsx"] {
            let (code, headers, body) = download(
                &app,
                &format!("/reports/{path}/lines.{extension}"),
                Some(&cookie),
            )
            .await;
            assert_eq!(code, StatusCode::FORBIDDEN, "{path}.{extension}");
            assert!(headers.get(header::CONTENT_DISPOSITION).is_none());
            assert!(
                String::from_utf8_lossy(&body)
                    .contains("Billing reports are not available in your region"),
                "{path}.{extension}"
            );
        }
    }
    for (account, partner, status) in table {
        let cookie = app.sign_in(account).await;
        let foreign = report_id(&app, partner, status).await;
        for extension in ["csv", "xlsx"] {
            let (code, headers, body) = download(
                &app,
                &format!("/reports/{foreign}/lines.{extension}"),
                Some(&cookie),
            )
            .await;
            assert_eq!(
                code,
                StatusCode::NOT_FOUND,
                "{account} exported {partner} ({status})"
            );
            assert!(headers.get(header::CONTENT_DISPOSITION).is_none());
            for missing in ["999999", "-1", "not-a-number"] {
                let (missing_code, _, missing_body) = download(
                    &app,
                    &format!("/reports/{missing}/lines.{extension}"),
                    Some(&cookie),
                )
                .await;
                assert_eq!(missing_code, StatusCode::NOT_FOUND);
                assert_eq!(
                    body, missing_body,
                    "a foreign report must look like a missing one"
                );
            }
        }
    }
    // Its own report is there, in both formats.
    let cookie = app.sign_in(PARTNER).await;
    let own = report_id(&app, "Harbor IT Services", "completed").await;
    for extension in ["csv", "xlsx"] {
        let (code, _, _) = download(
            &app,
            &format!("/reports/{own}/lines.{extension}"),
            Some(&cookie),
        )
        .await;
        assert_eq!(code, StatusCode::OK);
    }
}

async fn anonymous_callers_must_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = report_id(&app, "Harbor IT Services", "completed").await;
    for path in [
        "/reports/export.csv".to_owned(),
        "/reports/export.xlsx?status=completed".to_owned(),
        format!("/reports/{id}/lines.csv"),
        format!("/reports/{id}/lines.xlsx"),
        "/reports/not-a-number/lines.csv".to_owned(),
    ] {
        for cookie in [None, Some("br_session=forged")] {
            let (status, headers, body) = download(&app, &path, cookie).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(String::from_utf8_lossy(&body), "Please sign in");
            assert!(headers.get(header::CONTENT_DISPOSITION).is_none());
            assert_eq!(header_text(&headers, header::CACHE_CONTROL), "no-store");
        }
    }
}

async fn line_exports_follow_the_opened_report(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in(DISTRIBUTOR).await;
    let id = report_id(&app, "Harbor IT Services", "completed").await;
    // Partner text that a spreadsheet would run as a formula, with a comma and quotes in it.
    let comment = "=HYPERLINK(\"http://evil.example\", \"click\")";
    // Written past the guards: the report is completed, its lines frozen.
    past_the_guards(
        &app.db,
        &[&format!(
            "UPDATE line_items SET comment = '{}' WHERE id = \
             (SELECT MIN(id) FROM line_items WHERE report_id = {id})",
            comment.replace('\'', "''")
        )],
    )
    .await
    .expect("a comment");

    let OpenedReport::Priced(detail) = opened(&app, &cookie, id).await else {
        panic!("a distributor sees a completed report's prices");
    };
    let name = format!(
        "report-{id}-harbor-it-services-{}.csv",
        detail.header.period
    );
    let records = csv(&app, &format!("/reports/{id}/lines.csv"), &cookie, &name).await;
    let (header, records) = split_about(&records);
    assert_eq!(header, about_priced(&detail));
    assert!(
        header
            .iter()
            .any(|(name, value)| name == "Vendor reference" && value.starts_with("TM-")),
        "a completed demo report was received by the vendor: {header:?}"
    );
    assert!(
        header
            .iter()
            .any(|(name, value)| name == "PO number" && value.starts_with("PO-")),
        "a completed report has its PO number: {header:?}"
    );
    let mut expected = LINE_HEADER.to_vec();
    expected.extend(PRICING_HEADER);
    assert_eq!(records[0], expected);
    let (lines, footer) = records[1..].split_at(records.len() - 2);
    assert_eq!(lines.len(), detail.lines.len());
    for (row, line) in lines.iter().zip(&detail.lines) {
        assert_eq!(row[0], line.product.name);
        assert_eq!(row[1], line.product.sku);
        assert_eq!(row[3], line.usage.provisioned.to_string());
        assert_eq!(
            row[4],
            line.usage
                .used
                .map(|used| used.to_string())
                .unwrap_or_default(),
            "used is empty when absent"
        );
        assert_eq!(decimal(&row[5]), line.usage.over_provisioned_pct);
        assert_eq!(row[6], line.usage.chargeable.to_string());
        assert_eq!(decimal(&row[8]), line.unit_price.get());
        assert_eq!(decimal(&row[10]), line.margin.get());
        assert_eq!(decimal(&row[13]), line.gross);
        assert_eq!(decimal(&row[14]), line.amount_owed);
        assert_eq!(decimals(&row[14]), 2, "USD amounts have cents");
    }
    assert!(
        lines.iter().any(|row| row[7] == format!("'{comment}")),
        "a formula stays text"
    );
    let footer = &footer[0];
    assert_eq!(footer[0], "Total invoice amount");
    assert_eq!(decimal(&footer[14]), detail.total);
    let sum: Decimal = lines.iter().map(|row| decimal(&row[14])).sum();
    assert_eq!(sum, detail.total, "the total is the sum of the lines");

    // While the partner prepares a report, its distributor gets the usage columns only.
    let preparing = report_id(&app, "Harbor IT Services", "msp_preparing").await;
    assert!(matches!(
        opened(&app, &cookie, preparing).await,
        OpenedReport::Partner(_)
    ));
    let (_, headers, _) = download(
        &app,
        &format!("/reports/{preparing}/lines.csv"),
        Some(&cookie),
    )
    .await;
    let name = header_text(&headers, header::CONTENT_DISPOSITION)
        .trim_start_matches("attachment; filename=\"")
        .trim_end_matches('"')
        .to_owned();
    let records = csv(
        &app,
        &format!("/reports/{preparing}/lines.csv"),
        &cookie,
        &name,
    )
    .await;
    let (header, table) = split_about(&records);
    assert_eq!(
        header[1],
        ("Partner".to_owned(), "Harbor IT Services".to_owned())
    );
    assert_eq!(table[0], LINE_HEADER);
    assert!(table.iter().all(|row| row.len() == LINE_HEADER.len()));
}

async fn workbooks_hold_real_numbers(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in(DISTRIBUTOR).await;
    let id = report_id(&app, "Harbor IT Services", "completed").await;
    let OpenedReport::Priced(detail) = opened(&app, &cookie, id).await else {
        panic!("a distributor sees a completed report's prices");
    };
    let (status, headers, bytes) =
        download(&app, &format!("/reports/{id}/lines.xlsx"), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_text(&headers, header::CONTENT_TYPE), XLSX);
    assert_eq!(header_text(&headers, header::CACHE_CONTROL), "no-store");
    assert_eq!(
        header_text(&headers, header::CONTENT_DISPOSITION),
        format!(
            "attachment; filename=\"report-{id}-harbor-it-services-{}.xlsx\"",
            detail.header.period
        )
    );
    assert!(bytes.starts_with(b"PK"), "an .xlsx file is a zip");
    let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
    // Rows 1 to 10 are the report's header (names in A, values in B; the vendor's reference
    // last), row 11 is empty, row 12 the table's header; column D is Provisioned, N Gross,
    // O Amount owed.
    let block = about_priced(&detail).len();
    assert_eq!(block, 10, "with the vendor's reference");
    assert_eq!(number_in(&sheet, "B1"), Decimal::from(id));
    assert_eq!(
        number_in(&sheet, "B3"),
        Decimal::from(detail.header.partner_id)
    );
    let text = workbook_cells(&bytes);
    for (_, value) in about_priced(&detail) {
        assert!(text.contains(&value), "the header shows {value}");
    }
    assert!(
        !sheet.contains(&format!("<row r=\"{}\"", block + 1)),
        "an empty row under the header"
    );
    for (index, line) in detail.lines.iter().enumerate() {
        let row = index + block + 3;
        assert_eq!(
            number_in(&sheet, &format!("D{row}")),
            line.usage.provisioned.to_decimal()
        );
        assert_eq!(number_in(&sheet, &format!("N{row}")), line.gross);
        assert_eq!(number_in(&sheet, &format!("O{row}")), line.amount_owed);
    }
    let total_row = detail.lines.len() + block + 3;
    assert_eq!(number_in(&sheet, &format!("O{total_row}")), detail.total);
    assert!(
        cell(&sheet, &format!("A{}", block + 2)).contains("t=\"s\""),
        "the header is text"
    );
    assert!(
        sheet.contains(&format!("ySplit=\"{}\"", block + 2)),
        "the table's header row is frozen"
    );
    let styles = unzip(&bytes, "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"#,##0.00\""),
        "USD amounts show cents"
    );
    assert!(styles.contains("<b/>"), "a bold header");

    // The list: the total column (J) is a number too.
    let (status, headers, bytes) =
        download(&app, "/reports/export.xlsx?status=completed", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_text(&headers, header::CONTENT_TYPE), XLSX);
    let ListedReports::Priced(page) =
        listed(&app, &cookie, json!({ "status": "Completed", "page": 1 })).await
    else {
        panic!("a distributor's list is priced");
    };
    let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("ySplit=\"1\""), "a list has no header block");
    let first = page.rows.first().expect("a completed report");
    assert_eq!(number_in(&sheet, "A2"), Decimal::from(first.id));
    assert_eq!(Some(number_in(&sheet, "J2")), first.total);
}

async fn a_region_without_billing_reports_is_told_so(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in("lucia@andes-cloud.example").await;
    for path in ["/reports/export.csv", "/reports/export.xlsx"] {
        let (status, headers, body) = download(&app, path, Some(&cookie)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            String::from_utf8_lossy(&body).contains("not available in your region"),
            "{path}"
        );
        assert!(headers.get(header::CONTENT_DISPOSITION).is_none());
    }
}

async fn too_many_reports_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = UserCaller {
        actor: Actor {
            user_id: 1,
            org_id: 1,
            org_kind: OrgKind::Operator,
            role: Role::PlatformAdmin,
            region_enabled: true,
        },
        name: "Ops".to_owned(),
        org_name: "Operator".to_owned(),
    };
    let all = ReportFilter::default();
    let Ok(ListedReports::Priced(page)) = list_for_export(&app.db, &admin, &all, 1_000).await
    else {
        panic!("an admin's export");
    };
    let count = u32::try_from(page.rows.len()).expect("a count");
    assert!(count > PAGE_SIZE);
    // Exactly the limit is fine; one more report than the limit is refused.
    assert!(list_for_export(&app.db, &admin, &all, count).await.is_ok());
    match list_for_export(&app.db, &admin, &all, count - 1).await {
        Err(ServiceError::Invalid(message)) => {
            assert!(message.contains("narrow the filters"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
