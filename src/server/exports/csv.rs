//! The CSV file: RFC 4180 text in UTF-8 with a byte-order mark (so that Excel reads it as UTF-8)
//! and CRLF line ends. Numbers are written as their exact decimal text; text that a spreadsheet
//! would run as a formula is kept as text.
//!
//! A table about one report starts with that report's header as "name,value" records, then one
//! empty record, then the table (its column titles first). A spreadsheet shows the header block
//! above the table, as the workbook does; a program reads up to the first empty record for the
//! header and the rest as an ordinary CSV table.

use std::borrow::Cow;

use super::table::{Cell, Table};

/// The table as CSV: what it is about and an empty record (if it is about a report), the column
/// titles, the rows, then the footer if there is one.
pub(super) fn to_csv(table: &Table) -> String {
    let mut out = String::from('\u{feff}');
    for (name, value) in &table.about {
        push_record(&mut out, &[Cell::text(*name), value.clone()]);
    }
    if !table.about.is_empty() {
        push_record(&mut out, &[]);
    }
    let header: Vec<Cell> = table
        .columns
        .iter()
        .map(|title| Cell::text(*title))
        .collect();
    for row in std::iter::once(&header)
        .chain(&table.rows)
        .chain(&table.footer)
    {
        push_record(&mut out, row);
    }
    out
}

/// One record: the cells separated by commas, then CRLF.
fn push_record(out: &mut String, cells: &[Cell]) {
    for (index, cell) in cells.iter().enumerate() {
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

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).expect("test literal")
    }

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table {
            sheet: "Test",
            about: Vec::new(),
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
    fn a_report_header_comes_first_then_an_empty_record() {
        let mut about = table(vec![vec![Cell::text("x"), Cell::id(3)]]);
        about.about = vec![
            ("Partner", Cell::text("Acme, Inc.")),
            ("Partner id", Cell::id(8)),
            ("PO number", Cell::Empty),
            ("Note", Cell::text("=1+2")),
        ];
        assert_eq!(
            to_csv(&about),
            "\u{feff}Partner,\"Acme, Inc.\"\r\nPartner id,8\r\nPO number,\r\nNote,'=1+2\r\n\r\n\
             A,B\r\nx,3\r\n"
        );
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
}
