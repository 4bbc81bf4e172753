//! A report's lines: read in display order, and one line's editable values written back with
//! its recomputed amounts.

use sqlx::{Any, FromRow, Transaction};

use super::{bad, e4};
use crate::domain::{
    LineFigures, LineInput, MarginPercent, Period, ProductRef, UnitPrice, Units, from_scaled_e4,
};
use crate::server::db::SqlError;

/// A stored line is the domain's report line.
pub use crate::domain::ReportLine as StoredLine;

#[derive(FromRow)]
struct LineRow {
    id: i64,
    product_id: i64,
    name: String,
    sku: String,
    unit_type: String,
    provisioned: i64,
    used: Option<i64>,
    chargeable: i64,
    comment: Option<String>,
    catalogue_unit_price_e4: i64,
    catalogue_margin_e4: i64,
    unit_price_e4: i64,
    margin_e4: i64,
    pricing_code: Option<String>,
    code_applied_by: Option<String>,
    code_applied_at: Option<String>,
}

fn units(value: i64) -> Result<Units, SqlError> {
    u64::try_from(value)
        .map_err(|e| bad("units", e))
        .and_then(|v| Units::new(v).map_err(|e| bad("units", e)))
}

fn price(value: i64) -> Result<UnitPrice, SqlError> {
    UnitPrice::new(from_scaled_e4(value)).map_err(|e| bad("unit price", e))
}

fn margin(value: i64) -> Result<MarginPercent, SqlError> {
    MarginPercent::new(from_scaled_e4(value)).map_err(|e| bad("margin", e))
}

/// A report's lines in their display order.
pub async fn lines(
    conn: &mut sqlx::AnyConnection,
    report_id: i64,
) -> Result<Vec<StoredLine>, SqlError> {
    let rows = sqlx::query_as::<_, LineRow>(
        "SELECT l.id, l.product_id, p.name, p.sku, p.unit_type, l.provisioned, l.used, l.chargeable, \
                l.comment, l.catalogue_unit_price_e4, l.catalogue_margin_e4, l.unit_price_e4, \
                l.margin_e4, l.pricing_code, l.code_applied_by, l.code_applied_at \
         FROM line_items l JOIN products p ON p.id = l.product_id \
         WHERE l.report_id = $1 ORDER BY l.position",
    )
    .bind(report_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(StoredLine {
                id: row.id,
                product_id: row.product_id,
                product: ProductRef {
                    line_id: row.id,
                    name: row.name,
                    sku: row.sku,
                    unit_type: row.unit_type,
                },
                input: LineInput {
                    provisioned: units(row.provisioned)?,
                    used: row.used.map(units).transpose()?,
                    chargeable: units(row.chargeable)?,
                    unit_price: price(row.unit_price_e4)?,
                    margin: margin(row.margin_e4)?,
                    comment: row.comment,
                },
                catalogue_price: price(row.catalogue_unit_price_e4)?,
                catalogue_margin: margin(row.catalogue_margin_e4)?,
                pricing_code: row.pricing_code,
                code_applied_by: row.code_applied_by,
                code_applied_at: row.code_applied_at,
            })
        })
        .collect()
}

/// The chargeable units of each product on the partner's report for `period` (its previous
/// cycle, to compare with), by product id; empty when there is no such report.
pub async fn chargeable_in_period(
    conn: &mut sqlx::AnyConnection,
    partner_id: i64,
    period: Period,
) -> Result<Vec<(i64, Units)>, SqlError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT l.product_id, l.chargeable FROM line_items l \
         JOIN reports r ON r.id = l.report_id \
         WHERE r.partner_id = $1 AND r.period = $2",
    )
    .bind(partner_id)
    .bind(i64::from(period.to_key()))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(product_id, chargeable)| Ok((product_id, units(chargeable)?)))
        .collect()
}

fn count(value: Units) -> Result<i64, SqlError> {
    i64::try_from(value.get()).map_err(|e| bad("units", e))
}

/// Writes a line's editable values and its recomputed amounts.
pub async fn save_line(
    tx: &mut Transaction<'static, Any>,
    line: &StoredLine,
    figures: &LineFigures,
) -> Result<(), SqlError> {
    sqlx::query(
        "UPDATE line_items SET chargeable = $1, comment = $2, unit_price_e4 = $3, margin_e4 = $4, \
                pricing_code = $5, code_applied_by = $6, code_applied_at = $7, gross_e4 = $8, \
                amount_owed_e4 = $9 \
         WHERE id = $10",
    )
    .bind(count(line.input.chargeable)?)
    .bind(line.input.comment.clone())
    .bind(e4(line.input.unit_price.get())?)
    .bind(e4(line.input.margin.get())?)
    .bind(line.pricing_code.clone())
    .bind(line.code_applied_by.clone())
    .bind(line.code_applied_at.clone())
    .bind(e4(figures.gross)?)
    .bind(e4(figures.amount_owed)?)
    .bind(line.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A line as generated with its report: the product, the partner's figures, the catalogue terms
/// and any pricing code already applied.
#[derive(Clone, Debug)]
pub struct NewLine {
    pub product_id: i64,
    pub input: LineInput,
    pub catalogue_price: UnitPrice,
    pub catalogue_margin: MarginPercent,
    pub pricing_code: Option<String>,
    pub code_applied_by: Option<String>,
    pub code_applied_at: Option<String>,
}

/// Stores a new line of `report_id` at `position` (its display order) with its amounts.
pub async fn insert_line(
    tx: &mut Transaction<'static, Any>,
    report_id: i64,
    position: usize,
    line: &NewLine,
    figures: &LineFigures,
) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO line_items (report_id, position, product_id, provisioned, used, chargeable, \
                comment, catalogue_unit_price_e4, catalogue_margin_e4, unit_price_e4, margin_e4, \
                pricing_code, code_applied_by, code_applied_at, gross_e4, amount_owed_e4) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(report_id)
    .bind(i64::try_from(position).map_err(|e| bad("position", e))?)
    .bind(line.product_id)
    .bind(count(line.input.provisioned)?)
    .bind(line.input.used.map(count).transpose()?)
    .bind(count(line.input.chargeable)?)
    .bind(line.input.comment.clone())
    .bind(e4(line.catalogue_price.get())?)
    .bind(e4(line.catalogue_margin.get())?)
    .bind(e4(line.input.unit_price.get())?)
    .bind(e4(line.input.margin.get())?)
    .bind(line.pricing_code.clone())
    .bind(line.code_applied_by.clone())
    .bind(line.code_applied_at.clone())
    .bind(e4(figures.gross)?)
    .bind(e4(figures.amount_owed)?)
    .fetch_one(&mut **tx)
    .await
}
