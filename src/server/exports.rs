//! Downloads: the filtered report list (every page at once) and one report's lines, as CSV and
//! as Excel workbooks (.xlsx).
//!
//! This module owns the four GET routes, the two file formats and how each cell is written. It
//! decides nothing about access and runs no SQL: the rows come from
//! `services::reports::list_for_export` and `services::reports::open`, which apply the same
//! visibility and pricing rules as the pages. So a partner's file has no pricing column at all
//! (the partner shapes have no pricing field to put in one), a distributor's file has no total
//! while the partner is still preparing the report, and a report the caller may not see is "not
//! found" exactly like a missing one.
//!
//! Money stays `Decimal` all the way into the file. A CSV cell is the exact decimal text, in the
//! currency's minor units for amounts. An .xlsx cell is an IEEE 754 double, because that is the
//! only kind of number the format stores; [`excel_number`] is the one place a `Decimal` becomes
//! one, and the cell's number format shows it with the currency's minor units.

use std::{borrow::Cow, collections::BTreeMap, fmt::Display};

use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{
    auth::{self, Session},
    http_error::{self, ErrorKind},
    services::{
        ServiceError,
        reports::{self as report_service, EXPORT_ROW_LIMIT},
    },
    state::AppState,
};
use crate::domain::{
    Currency, OpenedReport, PartnerReportSummary, ProductRef, Units, UsageFigures,
    query::{ListedReports, ReportFilter},
};

/// The export routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/export.csv", get(list_csv))
        .route("/reports/export.xlsx", get(list_xlsx))
        .route("/reports/{id}/lines.csv", get(lines_csv))
        .route("/reports/{id}/lines.xlsx", get(lines_xlsx))
}

/// What an export handler answers: the file, or a plain-text refusal.
type Answer = Result<Response, Response>;

/// The query string of the list page, as name/value pairs.
type Params = Query<Vec<(String, String)>>;

async fn list_csv(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Answer {
    export_list(&state, &headers, &params, FileFormat::Csv).await
}

async fn list_xlsx(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Answer {
    export_list(&state, &headers, &params, FileFormat::Xlsx).await
}

async fn lines_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    export_lines(&state, &headers, &id, FileFormat::Csv).await
}

async fn lines_xlsx(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    export_lines(&state, &headers, &id, FileFormat::Xlsx).await
}

/// Every report the caller may see that matches the list page's filters (its page is ignored).
async fn export_list(
    state: &AppState,
    headers: &HeaderMap,
    params: &[(String, String)],
    format: FileFormat,
) -> Answer {
    let session = signed_in(state, headers).await?;
    let filter = ReportFilter::from_params(|key| {
        params
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.clone())
    });
    let listed =
        report_service::list_for_export(&state.db, &session.caller, &filter, EXPORT_ROW_LIMIT)
            .await
            .map_err(|error| refused(headers, error))?;
    let table = report_table(listed);
    tracing::info!(
        user_id = session.caller.actor.user_id,
        rows = table.rows.len(),
        ?format,
        "report list exported"
    );
    respond(headers, format, list_file_stem(&filter), table).await
}

/// One report's lines, if the caller may open the report.
async fn export_lines(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    format: FileFormat,
) -> Answer {
    let session = signed_in(state, headers).await?;
    // An id that is not a number names no report: the same answer as any missing one.
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let opened = report_service::open(&state.db, &session.caller, id)
        .await
        .map_err(|error| refused(headers, error))?;
    let header = match &opened {
        OpenedReport::Priced(detail) => &detail.header,
        OpenedReport::Partner(detail) => &detail.header,
    };
    let stem = format!(
        "report-{}-{}-{}",
        header.id,
        slug(&header.partner_name),
        header.period
    );
    let table = line_table(opened);
    tracing::info!(
        user_id = session.caller.actor.user_id,
        report_id = id,
        ?format,
        "report lines exported"
    );
    respond(headers, format, stem, table).await
}

// ---------------------------------------------------------------------------------------------
// Requests and answers
// ---------------------------------------------------------------------------------------------

async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
    match auth::authenticate(state, headers).await {
        Ok(Some(session)) => Ok(session),
        Ok(None) => Err(plain(
            ErrorKind::Unauthenticated.status(),
            "Please sign in".to_owned(),
        )),
        Err(error) => Err(internal(
            headers,
            "reading the session for an export",
            error,
        )),
    }
}

/// The answer for a report that does not exist or that the caller may not see: always the same.
fn not_found() -> Response {
    plain(ErrorKind::NotFound.status(), "Report not found.".to_owned())
}

/// What the caller may be told about a service's refusal, with the status `http_error` gives it.
fn refused(headers: &HeaderMap, error: ServiceError) -> Response {
    let status = error.kind().status();
    match error {
        ServiceError::NotFound => not_found(),
        ServiceError::Invalid(message) => plain(status, message),
        ServiceError::Refused(refusal) => plain(status, format!("{refusal}.")),
        // Reading never races a writer's version check; if it ever did, it is our fault.
        error @ (ServiceError::Conflict { .. } | ServiceError::Database(_)) => {
            internal(headers, "reading an export", error)
        }
    }
}

/// Logs an internal failure with the request id; the caller only gets the id to quote, in the
/// same words as the pages use.
fn internal(headers: &HeaderMap, context: &str, error: impl Display) -> Response {
    let request_id = http_error::log_internal(Some(headers), context, error);
    plain(
        ErrorKind::Internal.status(),
        format!(
            "Something went wrong on our side. Please try again; if it keeps happening, quote \
             reference {request_id}."
        ),
    )
}

fn plain(status: StatusCode, message: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        message,
    )
        .into_response()
}

/// Writes the file off the async workers (a large workbook takes a while) and sends it.
async fn respond(headers: &HeaderMap, format: FileFormat, stem: String, table: Table) -> Answer {
    let body = tokio::task::spawn_blocking(move || format.render(&table))
        .await
        .map_err(|error| internal(headers, "writing an export", error))?
        .map_err(|error| internal(headers, "writing an export", error))?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{}\"", format.extension()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// `billing-reports-2026-11` for one month, a range's ends for a range, else `billing-reports`.
fn list_file_stem(filter: &ReportFilter) -> String {
    match (filter.from, filter.to) {
        (Some(from), Some(to)) if from == to => format!("billing-reports-{from}"),
        (Some(from), Some(to)) => format!("billing-reports-{from}-to-{to}"),
        (Some(from), None) => format!("billing-reports-from-{from}"),
        (None, Some(to)) => format!("billing-reports-to-{to}"),
        (None, None) => "billing-reports".to_owned(),
    }
}

/// A name safe in a file name and a header: lowercase ASCII letters and digits, other runs as one
/// `-` ("Harbor IT Services" → `harbor-it-services`).
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "partner".to_owned()
    } else {
        trimmed.to_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// What goes in the file
// ---------------------------------------------------------------------------------------------

/// A sheet of cells, written the same way as CSV or as a workbook.
struct Table {
    sheet: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
    /// A last row set apart (bold in a workbook): a report's total.
    footer: Option<Vec<Cell>>,
}

/// One cell. Numbers keep their exact decimal value and how many places to show.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number {
        value: Decimal,
        places: u32,
        /// Thousands separators in a workbook (amounts and units; not ids or percentages).
        grouped: bool,
    },
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    fn optional_text(text: Option<&str>) -> Cell {
        text.map_or(Cell::Empty, Cell::text)
    }

    fn id(id: i64) -> Cell {
        Cell::Number {
            value: Decimal::from(id),
            places: 0,
            grouped: false,
        }
    }

    fn units(units: Units) -> Cell {
        Cell::Number {
            value: units.to_decimal(),
            places: 0,
            grouped: true,
        }
    }

    /// An amount, rounded by the domain's rule to the currency's minor units.
    fn amount(value: Decimal, currency: Currency) -> Cell {
        Cell::Number {
            value: currency.round(value),
            places: currency.minor_units(),
            grouped: true,
        }
    }

    /// A unit price: at least the currency's minor units, and every decimal it has (up to 4).
    fn price(value: Decimal, currency: Currency) -> Cell {
        Cell::Number {
            value,
            places: value.normalize().scale().max(currency.minor_units()),
            grouped: true,
        }
    }

    /// A percentage: at least 2 places, and every decimal it has.
    fn percent(value: Decimal) -> Cell {
        Cell::Number {
            value,
            places: value.normalize().scale().max(2),
            grouped: false,
        }
    }

    /// The cell as CSV text (before quoting): numbers as plain decimals, text as it is.
    fn plain_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Number { value, places, .. } => Cow::Owned(fixed(*value, *places)),
        }
    }
}

/// `value` with exactly `places` decimals. The callers choose `places` at least as large as the
/// value's own decimals, so nothing is rounded here.
fn fixed(value: Decimal, places: u32) -> String {
    let mut value = value;
    value.rescale(places);
    value.to_string()
}

const REPORT_COLUMNS: [&str; 9] = [
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

const LINE_COLUMNS: [&str; 8] = [
    "Product",
    "SKU",
    "Unit type",
    "Provisioned",
    "Used",
    "Over-provisioned %",
    "Chargeable",
    "Comment",
];

const LINE_PRICING_COLUMNS: [&str; 7] = [
    "Unit price",
    "Catalogue unit price",
    "Channel margin %",
    "Catalogue margin %",
    "Pricing code",
    "Gross",
    "Amount owed",
];

const TOTAL_LABEL: &str = "Total invoice amount";

/// The report list: without a total column for partners, with one (empty where the policy
/// hides it) for everyone else.
fn report_table(listed: ListedReports) -> Table {
    let mut columns = REPORT_COLUMNS.to_vec();
    let rows = match listed {
        ListedReports::Partner(page) => page.rows.iter().map(report_cells).collect(),
        ListedReports::Priced(page) => {
            columns.push(TOTAL_LABEL);
            page.rows
                .iter()
                .map(|row| {
                    let mut cells = report_cells(&row.for_partner());
                    cells.push(
                        row.total
                            .map_or(Cell::Empty, |total| Cell::amount(total, row.currency)),
                    );
                    cells
                })
                .collect()
        }
    };
    Table {
        sheet: "Billing reports",
        columns,
        rows,
        footer: None,
    }
}

/// The cells every viewer's list row has.
fn report_cells(row: &PartnerReportSummary) -> Vec<Cell> {
    vec![
        Cell::id(row.id),
        Cell::text(row.partner_name.as_str()),
        Cell::id(row.partner_id),
        Cell::text(row.distributor_name.as_str()),
        Cell::text(row.region_name.as_str()),
        Cell::text(row.period.to_string()),
        Cell::text(row.status.label()),
        Cell::optional_text(row.po_number.as_deref()),
        Cell::text(row.currency.code()),
    ]
}

/// A report's lines: usage only for partners (and for distributors while the partner prepares
/// it), with pricing and a total row otherwise.
fn line_table(opened: OpenedReport) -> Table {
    let mut columns = LINE_COLUMNS.to_vec();
    let (rows, footer) = match opened {
        OpenedReport::Partner(detail) => (
            detail
                .lines
                .iter()
                .map(|line| usage_cells(&line.product, &line.usage))
                .collect(),
            None,
        ),
        OpenedReport::Priced(detail) => {
            columns.extend(LINE_PRICING_COLUMNS);
            let currency = detail.header.currency;
            let rows = detail
                .lines
                .iter()
                .map(|line| {
                    let mut cells = usage_cells(&line.product, &line.usage);
                    cells.extend([
                        Cell::price(line.unit_price.get(), currency),
                        Cell::price(line.catalogue_unit_price.get(), currency),
                        Cell::percent(line.margin.get()),
                        Cell::percent(line.catalogue_margin.get()),
                        Cell::optional_text(line.pricing_code.as_deref()),
                        Cell::amount(line.gross, currency),
                        Cell::amount(line.amount_owed, currency),
                    ]);
                    cells
                })
                .collect();
            let mut footer = vec![Cell::Empty; columns.len()];
            if let Some(first) = footer.first_mut() {
                *first = Cell::text(TOTAL_LABEL);
            }
            if let Some(last) = footer.last_mut() {
                *last = Cell::amount(detail.total, currency);
            }
            (rows, Some(footer))
        }
    };
    Table {
        sheet: "Report lines",
        columns,
        rows,
        footer,
    }
}

/// The cells every viewer's line has.
fn usage_cells(product: &ProductRef, usage: &UsageFigures) -> Vec<Cell> {
    vec![
        Cell::text(product.name.as_str()),
        Cell::text(product.sku.as_str()),
        Cell::text(product.unit_type.as_str()),
        Cell::units(usage.provisioned),
        usage.used.map_or(Cell::Empty, Cell::units),
        Cell::percent(usage.over_provisioned_pct),
        Cell::units(usage.chargeable),
        Cell::optional_text(usage.comment.as_deref()),
    ]
}

// ---------------------------------------------------------------------------------------------
// The two formats
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    const fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    const fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn render(self, table: &Table) -> Result<Vec<u8>, XlsxError> {
        match self {
            FileFormat::Csv => Ok(to_csv(table).into_bytes()),
            FileFormat::Xlsx => to_xlsx(table),
        }
    }
}

/// RFC 4180 CSV in UTF-8 with a byte-order mark (so that Excel reads it as UTF-8), CRLF line ends.
fn to_csv(table: &Table) -> String {
    let mut out = String::from('\u{feff}');
    let header: Vec<Cell> = table
        .columns
        .iter()
        .map(|title| Cell::text(*title))
        .collect();
    for row in std::iter::once(&header)
        .chain(&table.rows)
        .chain(&table.footer)
    {
        for (index, cell) in row.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            match cell {
                Cell::Text(text) => out.push_str(&csv_field(&defuse_formula(text))),
                Cell::Empty | Cell::Number { .. } => out.push_str(&cell.plain_text()),
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// A spreadsheet opening the CSV would run text starting with these as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Text that a spreadsheet would take for a formula gets a leading `'`, so it stays text.
fn defuse_formula(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A field quoted as RFC 4180 asks: in double quotes (doubled inside) when it holds a comma, a
/// quote or a line break.
fn csv_field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// The one conversion from `Decimal` to binary floating point in the crate. An .xlsx file stores
/// every number as an IEEE 754 double, so a workbook cannot hold the exact decimal; parsing the
/// exact text gives the nearest double, which holds any value of up to 15 significant digits
/// (every amount below a trillion with 2 decimals) closely enough for Excel to show it exactly
/// with the cell's number format. Nothing is ever computed with the result.
#[allow(
    clippy::disallowed_types,
    reason = "xlsx stores numbers as IEEE doubles; the only place a Decimal becomes one"
)]
fn excel_number(value: Decimal) -> Option<f64> {
    value.to_string().parse::<f64>().ok()
}

/// Number formats, one per kind of number, made once per workbook.
#[derive(Default)]
struct Formats(BTreeMap<(u32, bool, bool), Format>);

impl Formats {
    fn get(&mut self, places: u32, grouped: bool, bold: bool) -> &Format {
        self.0.entry((places, grouped, bold)).or_insert_with(|| {
            let whole = if grouped { "#,##0" } else { "0" };
            let pattern = match places {
                0 => whole.to_owned(),
                _ => format!("{whole}.{}", "0".repeat(places as usize)),
            };
            let format = Format::new().set_num_format(pattern);
            if bold { format.set_bold() } else { format }
        })
    }
}

/// Narrowest and widest column, in characters.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// A workbook of one sheet: bold, frozen header row with filters, numbers as numbers.
fn to_xlsx(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.sheet)?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .map(|title| title.chars().count())
        .collect();
    for (col, title) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, column(col)?, *title, &bold)?;
    }
    let mut formats = Formats::default();
    let body = table.rows.iter().map(|row| (row, false));
    let footer = table.footer.iter().map(|row| (row, true));
    for (index, (cells, is_footer)) in body.chain(footer).enumerate() {
        let row = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, cell) in cells.iter().enumerate() {
            write_cell(sheet, row, column(col)?, cell, &mut formats, is_footer)?;
            if let Some(width) = widths.get_mut(col) {
                *width = (*width).max(display_width(cell));
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if let (Some(last_col), false) = (table.columns.len().checked_sub(1), table.rows.is_empty()) {
        let last_row =
            u32::try_from(table.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.autofilter(0, 0, last_row, column(last_col)?)?;
    }
    for (col, width) in widths.into_iter().enumerate() {
        // Room for the filter button; Excel measures in characters of the default font.
        let width = u16::try_from((width + 3).clamp(MIN_WIDTH, MAX_WIDTH)).unwrap_or(60);
        sheet.set_column_width(column(col)?, width)?;
    }
    workbook.save_to_buffer()
}

fn column(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &mut Formats,
    bold: bool,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) if bold => {
            sheet.write_string_with_format(row, col, text, formats.get(0, false, true))?;
        }
        Cell::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
        Cell::Number {
            value,
            places,
            grouped,
        } => {
            let format = formats.get(*places, *grouped, bold);
            match excel_number(*value) {
                Some(number) => sheet.write_number_with_format(row, col, number, format)?,
                // Not reachable for a decimal's text; the exact text is better than nothing.
                None => sheet.write_string_with_format(row, col, fixed(*value, *places), format)?,
            };
        }
    }
    Ok(())
}

/// About how many characters a cell shows (grouped numbers gain a separator per 3 digits).
fn display_width(cell: &Cell) -> usize {
    let text = cell.plain_text();
    let length = text.chars().count();
    match cell {
        Cell::Number { grouped: true, .. } => length + length / 4,
        Cell::Empty | Cell::Text(_) | Cell::Number { .. } => length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).expect("test literal")
    }

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table {
            sheet: "Test",
            columns: vec!["A", "B"],
            rows,
            footer: None,
        }
    }

    #[test]
    fn csv_quotes_as_rfc_4180_asks() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(csv_field(""), "");
        let csv = to_csv(&table(vec![vec![
            Cell::text("Acme, \"the\" best"),
            Cell::Empty,
        ]]));
        assert_eq!(csv, "\u{feff}A,B\r\n\"Acme, \"\"the\"\" best\",\r\n");
    }

    #[test]
    fn text_that_looks_like_a_formula_stays_text() {
        for risky in [
            "=HYPERLINK(\"http://evil\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(defuse_formula(risky), format!("'{risky}"), "{risky:?}");
        }
        assert_eq!(defuse_formula("Harbor IT"), "Harbor IT");
        assert_eq!(defuse_formula("a=b"), "a=b");
        let csv = to_csv(&table(vec![vec![Cell::text("=1+2"), Cell::text("-x, y")]]));
        assert!(csv.ends_with("'=1+2,\"'-x, y\"\r\n"), "{csv:?}");
        // Numbers are ours, not text: a negative one would keep its sign.
        let csv = to_csv(&table(vec![vec![Cell::percent(d("-1.5")), Cell::Empty]]));
        assert!(csv.ends_with("-1.50,\r\n"), "{csv:?}");
    }

    #[test]
    fn numbers_are_exact_text_with_the_currency_places() {
        assert_eq!(
            Cell::amount(d("1234.5"), Currency::Usd).plain_text(),
            "1234.50"
        );
        assert_eq!(
            Cell::amount(d("3703.5"), Currency::Jpy).plain_text(),
            "3704"
        );
        assert_eq!(
            Cell::amount(d("11.1105"), Currency::Kwd).plain_text(),
            "11.111"
        );
        assert_eq!(Cell::price(d("4.2000"), Currency::Usd).plain_text(), "4.20");
        assert_eq!(
            Cell::price(d("0.0425"), Currency::Usd).plain_text(),
            "0.0425"
        );
        assert_eq!(
            Cell::price(d("630.0000"), Currency::Jpy).plain_text(),
            "630"
        );
        assert_eq!(Cell::percent(d("22.5")).plain_text(), "22.50");
        assert_eq!(Cell::percent(d("12.3457")).plain_text(), "12.3457");
        assert_eq!(
            Cell::units(Units::new(1500).expect("units")).plain_text(),
            "1500"
        );
        assert_eq!(Cell::id(42).plain_text(), "42");
    }

    #[test]
    fn workbook_number_formats_follow_the_places() {
        let mut formats = Formats::default();
        for (places, grouped, expected) in [
            (2, true, "#,##0.00"),
            (0, true, "#,##0"),
            (3, true, "#,##0.000"),
            (2, false, "0.00"),
            (0, false, "0"),
        ] {
            let made = formats.get(places, grouped, false).clone();
            assert_eq!(made, Format::new().set_num_format(expected), "{expected}");
        }
    }

    #[test]
    fn the_one_float_conversion_is_the_nearest_double() {
        assert_eq!(
            excel_number(d("1234.57")).map(|n| n.to_string()),
            Some("1234.57".to_owned())
        );
        assert_eq!(
            excel_number(d("0.1")).map(|n| n.to_string()),
            Some("0.1".to_owned())
        );
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(slug("Harbor IT Services"), "harbor-it-services");
        assert_eq!(slug("Lumière Informatique"), "lumi-re-informatique");
        assert_eq!(slug("  ../\"evil\"; name=x "), "evil-name-x");
        assert_eq!(slug("株式会社"), "partner");
        let month = crate::domain::Period::parse("2026-11").ok();
        let filter = ReportFilter {
            from: month,
            to: month,
            ..ReportFilter::default()
        };
        assert_eq!(list_file_stem(&filter), "billing-reports-2026-11");
        assert_eq!(list_file_stem(&ReportFilter::default()), "billing-reports");
    }
}
