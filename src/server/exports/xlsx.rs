//! The Excel workbook (.xlsx): one sheet with a bold, frozen header row and filters, numbers
//! as numbers with a format that shows the places each cell asks for, and columns wide enough to
//! read. A table about one report has that report's header above it: a name (bold) and a value
//! per row, then an empty row.
//!
//! An .xlsx cell holds an IEEE 754 double, the only kind of number the format stores;
//! [`excel_number`] is the one place in the crate where a `Decimal` becomes one.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::table::{Cell, Table, fixed};

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

/// A workbook of one sheet: what the table is about (if anything), then the table with a bold,
/// frozen header row with filters, numbers as numbers.
pub(super) fn to_xlsx(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.sheet)?;
    let bold = Format::new().set_bold();
    let mut formats = Formats::default();
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .map(|title| title.chars().count())
        .collect();
    let mut widen = |col: usize, cell: &Cell| {
        if let Some(width) = widths.get_mut(col) {
            *width = (*width).max(display_width(cell));
        }
    };
    for (index, (name, value)) in table.about.iter().enumerate() {
        let row = row_number(index)?;
        sheet.write_string_with_format(row, 0, *name, &bold)?;
        write_cell(sheet, row, 1, value, &mut formats, false)?;
        widen(0, &Cell::text(*name));
        widen(1, value);
    }
    // The table's header row: below the header block and an empty row, if there is one.
    let top = match table.about.len() {
        0 => 0,
        about => row_number(about + 1)?,
    };
    for (col, title) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(top, column(col)?, *title, &bold)?;
    }
    let body = table.rows.iter().map(|row| (row, false));
    let footer = table.footer.iter().map(|row| (row, true));
    for (index, (cells, is_footer)) in body.chain(footer).enumerate() {
        let row = top + row_number(index + 1)?;
        for (col, cell) in cells.iter().enumerate() {
            write_cell(sheet, row, column(col)?, cell, &mut formats, is_footer)?;
            widen(col, cell);
        }
    }
    sheet.set_freeze_panes(top + 1, 0)?;
    if let (Some(last_col), false) = (table.columns.len().checked_sub(1), table.rows.is_empty()) {
        let last_row = top + row_number(table.rows.len())?;
        sheet.autofilter(top, 0, last_row, column(last_col)?)?;
    }
    for (col, width) in widths.into_iter().enumerate() {
        // Room for the filter button; Excel measures in characters of the default font.
        let width = u16::try_from((width + 3).clamp(MIN_WIDTH, MAX_WIDTH)).unwrap_or(60);
        sheet.set_column_width(column(col)?, width)?;
    }
    workbook.save_to_buffer()
}

fn row_number(index: usize) -> Result<u32, XlsxError> {
    u32::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
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
}
