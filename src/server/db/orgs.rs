//! Regions and organisations (the vendor, the operator, distributors and partners), as stored.
//! Written when a data set is loaded; read through the reports and users repositories.

use sqlx::AnyConnection;

use super::SqlError;
use crate::domain::{Currency, ThresholdPercent, scaled_e4};

/// A region, with its currency and the pricing codes its distributors use (stored codes).
pub struct NewRegion<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub currency: Currency,
    pub billing_enabled: bool,
    pub pricing_code_kind: &'a str,
    pub code_unlocks: &'a str,
}

pub async fn insert_region(
    conn: &mut AnyConnection,
    region: &NewRegion<'_>,
) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO regions (code, name, currency, billing_enabled, pricing_code_kind, code_unlocks) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(region.code)
    .bind(region.name)
    .bind(region.currency.code())
    .bind(i64::from(region.billing_enabled))
    .bind(region.pricing_code_kind)
    .bind(region.code_unlocks)
    .fetch_one(conn)
    .await
}

/// An organisation that is neither a distributor nor a partner (the vendor, the operator).
pub async fn insert_organisation(
    conn: &mut AnyConnection,
    kind: &str,
    name: &str,
) -> Result<i64, SqlError> {
    sqlx::query_scalar("INSERT INTO organisations (kind, name) VALUES ($1, $2) RETURNING id")
        .bind(kind)
        .bind(name)
        .fetch_one(conn)
        .await
}

/// A distributor of a region, with the over-provisioning threshold its partners are judged by.
pub async fn insert_distributor(
    conn: &mut AnyConnection,
    name: &str,
    region_id: i64,
    threshold: ThresholdPercent,
    auto_approve: bool,
) -> Result<i64, SqlError> {
    let threshold_e4 = scaled_e4(threshold.get())
        .map_err(|e| SqlError::Protocol(format!("threshold out of range: {e}")))?;
    sqlx::query_scalar(
        "INSERT INTO organisations (kind, name, region_id, threshold_e4, auto_approve) \
         VALUES ('distributor', $1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(region_id)
    .bind(threshold_e4)
    .bind(i64::from(auto_approve))
    .fetch_one(conn)
    .await
}

/// A partner of a distributor (`kind` and `status` are the stored codes).
pub async fn insert_partner(
    conn: &mut AnyConnection,
    name: &str,
    distributor_id: i64,
    kind: &str,
    status: &str,
) -> Result<i64, SqlError> {
    sqlx::query_scalar(
        "INSERT INTO organisations (kind, name, distributor_id, partner_kind, partner_status) \
         VALUES ('partner', $1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(distributor_id)
    .bind(kind)
    .bind(status)
    .fetch_one(conn)
    .await
}

/// An organisation's name.
pub async fn name(conn: &mut sqlx::AnyConnection, org_id: i64) -> Result<String, SqlError> {
    sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_one(conn)
        .await
}
