//! What goes in an exported file: the columns each viewer gets and the exact value of every
//! cell, shaped from what the report service returns. Nothing here writes a file format or
//! decides access: a partner's file has no pricing column because the partner shapes have no
//! pricing field to put in one, and a total is empty wherever the service left it out.
//!
//! Money stays `Decimal` in every cell: amounts rounded by the domain's rule to the currency's
//! minor units, unit prices and percentages with every decimal they have.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::domain::{
    Currency, HistoryEntry, OpenedReport, PartnerReportSummary, ProductRef, ReportHeader, Units,
    UsageFigures, pricing::PriceChange, query::ListedReports,
};

/// A sheet of cells, written the same way as CSV or as a workbook.
pub(super) struct Table {
    pub(super) sheet: &'static str,
    /// What the table is about, as (name, value) pairs written above it: one report's header
    /// for a report's lines, nothing for a list.
    pub(super) about: Vec<(&'static str, Cell)>,
    pub(super) columns: Vec<&'static str>,
    pub(super) rows: Vec<Vec<Cell>>,
    /// A last row set apart (bold in a workbook): a report's total.
    pub(super) footer: Option<Vec<Cell>>,
}

/// One cell. Numbers keep their exact decimal value and how many places to show.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cell {
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
    pub(super) fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub(super) fn optional_text(text: Option<&str>) -> Cell {
        text.map_or(Cell::Empty, Cell::text)
    }

    pub(super) fn id(id: i64) -> Cell {
        Cell::Number {
            value: Decimal::from(id),
            places: 0,
            grouped: false,
        }
    }

    pub(super) fn units(units: Units) -> Cell {
        Cell::Number {
            value: units.to_decimal(),
            places: 0,
            grouped: true,
        }
    }

    /// An amount, rounded by the domain's rule to the currency's minor units.
    pub(super) fn amount(value: Decimal, currency: Currency) -> Cell {
        Cell::Number {
            value: currency.round(value),
            places: currency.minor_units(),
            grouped: true,
        }
    }

    /// A unit price: at least the currency's minor units, and every decimal it has (up to 4).
    pub(super) fn price(value: Decimal, currency: Currency) -> Cell {
        Cell::Number {
            value,
            places: value.normalize().scale().max(currency.minor_units()),
            grouped: true,
        }
    }

    /// A percentage: at least 2 places, and every decimal it has.
    pub(super) fn percent(value: Decimal) -> Cell {
        Cell::Number {
            value,
            places: value.normalize().scale().max(2),
            grouped: false,
        }
    }

    /// The cell as CSV text (before quoting): numbers as plain decimals, text as it is.
    pub(super) fn plain_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Number { value, places, .. } => Cow::Owned(fixed(*value, *places)),
        }
    }
}

impl Cell {
    /// The cell as people read it in a document: amounts and units with thousands separators.
    pub(super) fn display_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Number {
                value,
                places,
                grouped: true,
            } => Cow::Owned(crate::domain::format::number(*value, *places as usize)),
            other => other.plain_text(),
        }
    }
}

/// A report's history, newest last as it happened: when (UTC), who, what, the status it moved
/// between, and the comment with what changed (prices only in the priced shape's entries).
pub(super) fn history_table(opened: &OpenedReport) -> Table {
    let (entries, price_changes): (&[HistoryEntry], &[(i64, PriceChange)]) = match opened {
        OpenedReport::Partner(detail) => (&detail.history, &[]),
        OpenedReport::Priced(detail) => (&detail.history, &detail.price_changes),
    };
    let rows = entries
        .iter()
        .map(|entry| {
            let mut notes: Vec<String> = entry.comment.iter().cloned().collect();
            notes.extend(
                entry
                    .changes
                    .iter()
                    .map(|change| format!("{}: {}", change.after.line, change.describe())),
            );
            if let Some((_, change)) = price_changes.iter().find(|(id, _)| *id == entry.id) {
                notes.extend(
                    change
                        .described()
                        .into_iter()
                        .map(|(line, parts)| format!("{line}: {parts}")),
                );
            }
            vec![
                Cell::text(entry.at.replacen('T', " ", 1).replace('Z', " UTC")),
                Cell::text(entry.who()),
                Cell::text(entry.event.label()),
                Cell::text(entry.status_change()),
                Cell::text(notes.join("\n")),
            ]
        })
        .collect();
    Table {
        sheet: "History",
        about: Vec::new(),
        columns: vec!["When", "Who", "What", "Status", "Comment and changes"],
        rows,
        footer: None,
    }
}

/// `value` with exactly `places` decimals. The callers choose `places` at least as large as the
/// value's own decimals, so nothing is rounded here.
pub(super) fn fixed(value: Decimal, places: u32) -> String {
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
pub(super) fn report_table(listed: ListedReports) -> Table {
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
        about: Vec::new(),
        columns,
        rows,
        footer: None,
    }
}

/// The cells every viewer's list row has (under [`REPORT_COLUMNS`]).
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

/// A report's header as (name, value) pairs: the same names and cells as a row of the report
/// list, so a report reads the same in both files. No pricing: every viewer's header has none.
fn about_report(header: &ReportHeader) -> Vec<(&'static str, Cell)> {
    let row = PartnerReportSummary {
        id: header.id,
        partner_id: header.partner_id,
        partner_name: header.partner_name.clone(),
        distributor_name: header.distributor_name.clone(),
        region_name: header.region_name.clone(),
        currency: header.currency,
        period: header.period,
        status: header.status,
        po_number: header.po_number.clone(),
        submission_deadline: header.submission_deadline.clone(),
        version: header.version,
        flags: header.flags,
    };
    REPORT_COLUMNS.into_iter().zip(report_cells(&row)).collect()
}

/// A report's lines under its header: usage only for partners (and for distributors while the
/// partner prepares it), with pricing and a total row otherwise.
pub(super) fn line_table(opened: OpenedReport) -> Table {
    let mut columns = LINE_COLUMNS.to_vec();
    let mut about = about_report(match &opened {
        OpenedReport::Partner(detail) => &detail.header,
        OpenedReport::Priced(detail) => &detail.header,
    });
    let reference = match &opened {
        OpenedReport::Priced(detail) => detail.delivery.as_ref().and_then(|d| d.reference.clone()),
        OpenedReport::Partner(_) => None,
    };
    if let Some(reference) = reference {
        about.push(("Vendor reference", Cell::text(reference)));
    }
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
        about,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).expect("test literal")
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
}
