//! The usage feed as stored (`usage_feed`, one row per partner × product × month): what an
//! import checks a file against and writes, and what generation reads to make a month's reports
//! (the partners with usage in billing regions, their lines, the price book of the month).

use std::collections::{HashMap, HashSet};

use sqlx::{Any, AnyConnection, FromRow, Transaction};

use super::{SqlError, bad};
use crate::domain::{
    Currency, Period, Status, ThresholdPercent, Units, cycle::Windows, from_scaled_e4,
};

/// The partners and products a feed row may name.
pub struct Known {
    pub partners: HashSet<i64>,
    pub products: HashMap<String, i64>,
}

pub async fn known(conn: &mut AnyConnection) -> Result<Known, SqlError> {
    let partners: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE kind = 'partner'")
            .fetch_all(&mut *conn)
            .await?;
    let products: Vec<(i64, String)> = sqlx::query_as("SELECT id, sku FROM products")
        .fetch_all(&mut *conn)
        .await?;
    Ok(Known {
        partners: partners.into_iter().collect(),
        products: products.into_iter().map(|(id, sku)| (sku, id)).collect(),
    })
}

/// The status of each partner's report of `period` (partners without one are absent).
pub async fn report_statuses(
    conn: &mut AnyConnection,
    period: Period,
) -> Result<HashMap<i64, (i64, Status)>, SqlError> {
    let rows: Vec<(i64, i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, partner_id, status, sub_status FROM reports WHERE period = $1")
            .bind(i64::from(period.to_key()))
            .fetch_all(conn)
            .await?;
    rows.into_iter()
        .map(|(id, partner, status, sub)| {
            let status =
                Status::from_code(&status, sub.as_deref()).map_err(|e| bad("status", e))?;
            Ok((partner, (id, status)))
        })
        .collect()
}

/// A feed row as stored: provisioned and used units of a partner × product in a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredUsage {
    pub provisioned: Units,
    pub used: Option<Units>,
}

fn units(value: i64) -> Result<Units, SqlError> {
    u64::try_from(value)
        .map_err(|e| bad("units", e))
        .and_then(|v| Units::new(v).map_err(|e| bad("units", e)))
}

fn count(units: Units) -> Result<i64, SqlError> {
    i64::try_from(units.get()).map_err(|e| bad("units", e))
}

/// Every feed row of `period`, by (partner, product).
pub async fn stored_usage(
    conn: &mut AnyConnection,
    period: Period,
) -> Result<HashMap<(i64, i64), StoredUsage>, SqlError> {
    let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT partner_id, product_id, provisioned, used FROM usage_feed WHERE period = $1",
    )
    .bind(i64::from(period.to_key()))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(partner, product, provisioned, used)| {
            let usage = StoredUsage {
                provisioned: units(provisioned)?,
                used: used.map(units).transpose()?,
            };
            Ok(((partner, product), usage))
        })
        .collect()
}

/// One feed row to write.
#[derive(Clone, Copy, Debug)]
pub struct UsageRow {
    pub partner_id: i64,
    pub product_id: i64,
    pub period: Period,
    pub usage: StoredUsage,
}

/// Rows per INSERT statement (5 values each; well inside both backends' bind limits).
const INSERT_BATCH: usize = 500;

/// Adds new feed rows.
pub async fn insert_usage(
    tx: &mut Transaction<'static, Any>,
    rows: &[UsageRow],
) -> Result<(), SqlError> {
    for batch in rows.chunks(INSERT_BATCH) {
        let values: Vec<String> = (0..batch.len())
            .map(|i| {
                let n = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO usage_feed (partner_id, product_id, period, provisioned, used) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in batch {
            query = query
                .bind(row.partner_id)
                .bind(row.product_id)
                .bind(i64::from(row.period.to_key()))
                .bind(count(row.usage.provisioned)?)
                .bind(row.usage.used.map(count).transpose()?);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Replaces the figures of an existing feed row.
pub async fn update_usage(
    tx: &mut Transaction<'static, Any>,
    row: &UsageRow,
) -> Result<(), SqlError> {
    sqlx::query(
        "UPDATE usage_feed SET provisioned = $1, used = $2 \
         WHERE partner_id = $3 AND product_id = $4 AND period = $5",
    )
    .bind(count(row.usage.provisioned)?)
    .bind(row.usage.used.map(count).transpose()?)
    .bind(row.partner_id)
    .bind(row.product_id)
    .bind(i64::from(row.period.to_key()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A partner to generate a report for, with what the report is written with.
#[derive(Clone, Debug)]
pub struct PartnerToGenerate {
    pub partner_id: i64,
    pub distributor_id: i64,
    pub region_id: i64,
    pub currency: Currency,
    /// The distributor's over-provisioning threshold, the lines' figures are computed with.
    pub threshold: ThresholdPercent,
    pub windows: Windows,
}

#[derive(FromRow)]
struct PartnerRow {
    partner_id: i64,
    distributor_id: i64,
    region_id: i64,
    currency: String,
    threshold_e4: i64,
    submission_window_days: i64,
    review_window_days: i64,
}

/// The partners with usage in `period`, in regions with billing reports, that have no report of
/// the period yet.
pub async fn partners_to_generate(
    conn: &mut AnyConnection,
    period: Period,
) -> Result<Vec<PartnerToGenerate>, SqlError> {
    let rows = sqlx::query_as::<_, PartnerRow>(
        "SELECT p.id AS partner_id, d.id AS distributor_id, g.id AS region_id, g.currency, \
                d.threshold_e4, d.submission_window_days, d.review_window_days \
         FROM organisations p \
         JOIN organisations d ON d.id = p.distributor_id \
         JOIN regions g ON g.id = d.region_id \
         WHERE p.kind = 'partner' AND g.billing_enabled = 1 \
           AND EXISTS (SELECT 1 FROM usage_feed f WHERE f.partner_id = p.id AND f.period = $1) \
           AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.partner_id = p.id AND r.period = $1) \
         ORDER BY p.id",
    )
    .bind(i64::from(period.to_key()))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(PartnerToGenerate {
                partner_id: row.partner_id,
                distributor_id: row.distributor_id,
                region_id: row.region_id,
                currency: row.currency.parse().map_err(|e| bad("currency", e))?,
                threshold: ThresholdPercent::new(from_scaled_e4(row.threshold_e4))
                    .map_err(|e| bad("threshold", e))?,
                windows: Windows {
                    submission_days: row.submission_window_days,
                    review_days: row.review_window_days,
                },
            })
        })
        .collect()
}

/// A partner's feed rows of a month, in the order of the report's lines (by SKU).
pub async fn usage_lines(
    conn: &mut AnyConnection,
    period: Period,
) -> Result<HashMap<i64, Vec<(i64, StoredUsage)>>, SqlError> {
    let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT f.partner_id, f.product_id, f.provisioned, f.used \
         FROM usage_feed f JOIN products p ON p.id = f.product_id \
         WHERE f.period = $1 ORDER BY f.partner_id, p.sku",
    )
    .bind(i64::from(period.to_key()))
    .fetch_all(conn)
    .await?;
    let mut lines: HashMap<i64, Vec<(i64, StoredUsage)>> = HashMap::new();
    for (partner, product, provisioned, used) in rows {
        let usage = StoredUsage {
            provisioned: units(provisioned)?,
            used: used.map(units).transpose()?,
        };
        lines.entry(partner).or_default().push((product, usage));
    }
    Ok(lines)
}
