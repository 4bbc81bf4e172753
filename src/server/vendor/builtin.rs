//! The built-in adapter: the vendor's price book and codes as stored in this database (the
//! default, so the app runs alone). Codes are judged by `domain::pricing::verify_code`, the same
//! rule the vendor's own desk applies.

use super::{CodeVerdict, PriceBook, PriceWanted, VendorError};
use crate::domain::{
    Period,
    pricing::{CodeRecord, verify_code as judge_code},
};
use crate::server::db::{Db, pricing};

/// The list prices of `wanted` from the price book entries valid in `period`.
pub async fn prices(
    db: &Db,
    period: Period,
    wanted: &[PriceWanted],
) -> Result<PriceBook, VendorError> {
    let mut conn = db.acquire().await?;
    let mut book = pricing::price_book(&mut conn, period).await?;
    book.retain(|key, _| {
        wanted
            .iter()
            .any(|want| (want.region_id, want.product_id) == *key)
    });
    Ok(book)
}

/// The stored code with this text, judged for the partner, product and period.
pub async fn verify_code(
    db: &Db,
    code: &str,
    partner_id: i64,
    product_id: i64,
    period: Period,
) -> Result<CodeVerdict, VendorError> {
    let mut conn = db.acquire().await?;
    let record = pricing::find_code(&mut conn, code).await?;
    Ok(
        match judge_code(record.as_ref(), partner_id, product_id, period) {
            Ok(terms) => CodeVerdict::Valid(terms),
            Err(refusal) => CodeVerdict::Invalid(refusal.to_string()),
        },
    )
}

/// The stored codes of the partner valid in `period`.
pub async fn granted_codes(
    db: &Db,
    partner_id: i64,
    period: Period,
) -> Result<Vec<CodeRecord>, VendorError> {
    let mut conn = db.acquire().await?;
    Ok(pricing::granted_codes(&mut conn, partner_id, period).await?)
}

/// The reference the built-in vendor gives a delivery: derived from the outbox row alone, so a
/// delivery tried twice gets the same one.
pub fn reference(delivery_id: i64) -> String {
    format!("TM-B{delivery_id:07}")
}
