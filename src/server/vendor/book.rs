//! The built-in price book and codes written out in the vendor contract's terms (regions by
//! code, products by SKU, periods `YYYY-MM`, amounts as decimal strings): the file the vendor
//! stand-in serves, so that the HTTP adapter can be tried against exactly the prices the
//! built-in one uses (`billing-reports export-price-book FILE`).

use serde_json::{Value, json};

use crate::domain::from_scaled_e4;
use crate::server::db::{Db, SqlError, pricing};

/// The book as JSON: `{"prices": [...], "codes": [...]}`.
pub async fn export(db: &Db) -> Result<Value, SqlError> {
    let mut conn = db.acquire().await?;
    let (prices, codes) = pricing::whole_book(&mut conn).await?;
    let period = |key: i64| format!("{:04}-{:02}", key / 100, key % 100);
    let decimal = |e4: i64| from_scaled_e4(e4).normalize().to_string();
    let prices: Vec<Value> = prices
        .iter()
        .map(|price| {
            json!({
                "region": price.region,
                "sku": price.sku,
                "valid_from": period(price.valid_from),
                "valid_to": price.valid_to.map(period),
                "unit_price": decimal(price.list_price_e4),
                "channel_margin": decimal(price.margin_e4),
                "currency": price.currency,
            })
        })
        .collect();
    let codes: Vec<Value> = codes
        .iter()
        .map(|code| {
            json!({
                "code": code.code,
                "partner_id": code.partner_id,
                "sku": code.sku,
                "kind": code.kind,
                "unit_price": code.unit_price_e4.map(decimal),
                "channel_margin": code.margin_e4.map(decimal),
                "valid_from": period(code.valid_from),
                "valid_to": period(code.valid_to),
            })
        })
        .collect();
    Ok(json!({ "prices": prices, "codes": codes }))
}
