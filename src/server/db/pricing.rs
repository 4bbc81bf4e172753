//! The vendor's price book and pricing codes, as stored. Lookups only; `domain::pricing`
//! judges what a code means.

use sqlx::{Any, AnyConnection, FromRow, Transaction};

use super::SqlError;
use crate::domain::{
    MarginPercent, Period, UnitPrice, from_scaled_e4, pricing::CodeRecord, scaled_e4,
};

fn decode(what: &str, error: impl std::fmt::Display) -> SqlError {
    SqlError::Decode(format!("bad {what}: {error}").into())
}

/// A price book entry is valid in the period bound as `$1` (the newest such entry wins).
const VALID_IN_PERIOD: &str = "valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1)";

fn terms(price_e4: i64, margin_e4: i64) -> Result<(UnitPrice, MarginPercent), SqlError> {
    Ok((
        UnitPrice::new(from_scaled_e4(price_e4)).map_err(|e| decode("list price", e))?,
        MarginPercent::new(from_scaled_e4(margin_e4)).map_err(|e| decode("margin", e))?,
    ))
}

/// List price and channel margin for a region × product in a period, from the entry valid then.
pub async fn list_price(
    tx: &mut Transaction<'static, Any>,
    region_id: i64,
    product_id: i64,
    period: Period,
) -> Result<Option<(UnitPrice, MarginPercent)>, SqlError> {
    let sql = format!(
        "SELECT list_price_e4, margin_e4 FROM price_book \
         WHERE {VALID_IN_PERIOD} AND region_id = $2 AND product_id = $3 \
         ORDER BY valid_from DESC LIMIT 1"
    );
    let row: Option<(i64, i64)> = sqlx::query_as(&sql)
        .bind(i64::from(period.to_key()))
        .bind(region_id)
        .bind(product_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|(price, margin)| terms(price, margin)).transpose()
}

/// The whole price book valid in a period: list price and margin per (region, product), each
/// from the newest entry valid then (as [`list_price`] picks it), for generating a month at once.
pub async fn price_book(
    conn: &mut AnyConnection,
    period: Period,
) -> Result<std::collections::HashMap<(i64, i64), (UnitPrice, MarginPercent)>, SqlError> {
    let sql = format!(
        "SELECT region_id, product_id, list_price_e4, margin_e4 FROM price_book \
         WHERE {VALID_IN_PERIOD} ORDER BY region_id, product_id, valid_from"
    );
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(&sql)
        .bind(i64::from(period.to_key()))
        .fetch_all(conn)
        .await?;
    // Ordered by validity, so the newest valid entry of each pair is inserted last and wins.
    rows.into_iter()
        .map(|(region, product, price, margin)| Ok(((region, product), terms(price, margin)?)))
        .collect()
}

#[derive(FromRow)]
struct CodeRow {
    code: String,
    partner_id: i64,
    product_id: i64,
    unit_price_e4: Option<i64>,
    margin_e4: Option<i64>,
    valid_from: i64,
    valid_to: i64,
}

impl CodeRow {
    const COLUMNS: &'static str =
        "code, partner_id, product_id, unit_price_e4, margin_e4, valid_from, valid_to";

    fn decode(self) -> Result<CodeRecord, SqlError> {
        let period = |key: i64| {
            i32::try_from(key)
                .map_err(|e| decode("code period", e))
                .and_then(|key| Period::from_key(key).map_err(|e| decode("code period", e)))
        };
        Ok(CodeRecord {
            code: self.code,
            partner_id: self.partner_id,
            product_id: self.product_id,
            unit_price: self
                .unit_price_e4
                .map(|v| UnitPrice::new(from_scaled_e4(v)).map_err(|e| decode("code price", e)))
                .transpose()?,
            margin: self
                .margin_e4
                .map(|v| {
                    MarginPercent::new(from_scaled_e4(v)).map_err(|e| decode("code margin", e))
                })
                .transpose()?,
            valid_from: period(self.valid_from)?,
            valid_to: period(self.valid_to)?,
        })
    }
}

/// The code with exactly this text, if the vendor issued one.
pub async fn find_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<CodeRecord>, SqlError> {
    let sql = format!(
        "SELECT {} FROM pricing_codes WHERE code = $1",
        CodeRow::COLUMNS
    );
    let row: Option<CodeRow> = sqlx::query_as(&sql).bind(code).fetch_optional(conn).await?;
    row.map(CodeRow::decode).transpose()
}

/// The codes the vendor granted `partner_id` that are valid in `period`, by product and code.
/// `domain::pricing::granted_codes` judges what each grants on a report's lines.
pub async fn granted_codes(
    conn: &mut AnyConnection,
    partner_id: i64,
    period: Period,
) -> Result<Vec<CodeRecord>, SqlError> {
    let sql = format!(
        "SELECT {} FROM pricing_codes \
         WHERE partner_id = $1 AND valid_from <= $2 AND valid_to >= $2 \
         ORDER BY product_id, code",
        CodeRow::COLUMNS
    );
    let rows: Vec<CodeRow> = sqlx::query_as(&sql)
        .bind(partner_id)
        .bind(i64::from(period.to_key()))
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(CodeRow::decode).collect()
}

fn e4(what: &str, value: rust_decimal::Decimal) -> Result<i64, SqlError> {
    scaled_e4(value).map_err(|e| SqlError::Protocol(format!("{what} out of range: {e}")))
}

/// A product of the catalogue (`reports_usage`: whether partners report used units of it).
pub async fn insert_product(
    conn: &mut AnyConnection,
    sku: &str,
    name: &str,
    unit_type: &str,
    reports_usage: bool,
) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO products (sku, name, unit_type, reports_usage) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(sku)
    .bind(name)
    .bind(unit_type)
    .bind(i64::from(reports_usage))
    .fetch_one(conn)
    .await
}

/// A price-book entry for a region × product, valid from `valid_from` with no end.
pub async fn insert_price(
    conn: &mut AnyConnection,
    region_id: i64,
    product_id: i64,
    valid_from: Period,
    price: UnitPrice,
    margin: MarginPercent,
) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO price_book (region_id, product_id, valid_from, valid_to, list_price_e4, margin_e4) \
         VALUES ($1, $2, $3, NULL, $4, $5) RETURNING id",
    )
    .bind(region_id)
    .bind(product_id)
    .bind(i64::from(valid_from.to_key()))
    .bind(e4("list price", price.get())?)
    .bind(e4("margin", margin.get())?)
    .fetch_one(conn)
    .await
}

/// A pricing code the vendor issued.
pub async fn insert_code(conn: &mut AnyConnection, code: &CodeRecord) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO pricing_codes (code, partner_id, product_id, unit_price_e4, margin_e4, valid_from, valid_to) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(code.code.clone())
    .bind(code.partner_id)
    .bind(code.product_id)
    .bind(code.unit_price.map(|p| e4("code price", p.get())).transpose()?)
    .bind(code.margin.map(|m| e4("code margin", m.get())).transpose()?)
    .bind(i64::from(code.valid_from.to_key()))
    .bind(i64::from(code.valid_to.to_key()))
    .fetch_one(conn)
    .await
}

/// A price-book entry with the names the vendor's contract uses (region code, SKU, currency).
#[derive(FromRow)]
pub struct BookPrice {
    pub region: String,
    pub sku: String,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub list_price_e4: i64,
    pub margin_e4: i64,
    pub currency: String,
}

/// A pricing code with the names the vendor's contract uses (SKU, the region's kind of code).
#[derive(FromRow)]
pub struct BookCode {
    pub code: String,
    pub partner_id: i64,
    pub sku: String,
    pub kind: String,
    pub unit_price_e4: Option<i64>,
    pub margin_e4: Option<i64>,
    pub valid_from: i64,
    pub valid_to: i64,
}

/// The whole price book and every code, in the order they were written.
pub async fn whole_book(
    conn: &mut AnyConnection,
) -> Result<(Vec<BookPrice>, Vec<BookCode>), SqlError> {
    let prices = sqlx::query_as(
        "SELECT r.code AS region, p.sku, b.valid_from, b.valid_to, b.list_price_e4, \
         b.margin_e4, r.currency FROM price_book b JOIN regions r ON r.id = b.region_id \
         JOIN products p ON p.id = b.product_id ORDER BY b.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let codes = sqlx::query_as(
        "SELECT c.code, c.partner_id, p.sku, r.pricing_code_kind AS kind, c.unit_price_e4, \
         c.margin_e4, c.valid_from, c.valid_to FROM pricing_codes c \
         JOIN products p ON p.id = c.product_id \
         JOIN organisations o ON o.id = c.partner_id \
         JOIN organisations d ON d.id = o.distributor_id \
         JOIN regions r ON r.id = d.region_id ORDER BY c.id",
    )
    .fetch_all(conn)
    .await?;
    Ok((prices, codes))
}
