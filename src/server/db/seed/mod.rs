//! The demo data set: a vendor, regions, distributors, a dozen partners and twelve months of
//! reports in every status, with comments, penalties, pricing codes, overrides and history.
//! Deterministic (a fixed pseudo-random sequence and fixed dates), so screenshots and tests see
//! the same month. Loaded only into a database that holds no reports, in one transaction.
//!
//! Organisations, the catalogue, the vendor's codes and each month's generated reports are
//! written through the repositories; everything people and the deadline job then did to a
//! report goes through the report service's actions (`services::reports::act_in`), dated by the
//! demo's own clock, so its history, deadlines, codes and totals are what real use stores.

mod codes;
mod data;
mod reports;
mod story;

use rust_decimal::Decimal;
use sqlx::{Any, Transaction};

pub use data::{DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccountSeed};

use super::{Db, SqlError, orgs, pricing, users};
use crate::domain::{MarginPercent, Period, ThresholdPercent, UnitPrice, pricing::CodeRecord};
use crate::server::services::ServiceError;
use data::{DISTRIBUTORS, PARTNERS, PRODUCTS, REGIONS, RegionSeed};

/// A small deterministic pseudo-random sequence (64-bit LCG): the same data on every run.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

/// Loads the demo data set unless the database already holds reports. Returns whether it loaded.
/// `password_hash` is the hash of [`DEMO_PASSWORD`], given to every demo account.
#[tracing::instrument(skip(db, password_hash), err)]
pub async fn demo(db: &Db, vendor_name: &str, password_hash: &str) -> Result<bool, SqlError> {
    // Several instances starting at once with the demo data: one loads it, the others wait for
    // it and then find it there.
    let mut tx = db.begin_exclusive(super::ExclusiveLock::DemoData).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    load(db, &mut tx, vendor_name).await?;
    let now = super::now_utc();
    for account in DEMO_ACCOUNTS {
        let organisation = if account.organisation.is_empty() {
            vendor_name
        } else {
            account.organisation
        };
        let org_id = users::organisation_id(&mut tx, organisation)
            .await?
            .ok_or(SqlError::RowNotFound)?;
        users::insert_user(
            &mut tx,
            org_id,
            account.email,
            account.name,
            account.role,
            password_hash,
            &now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

fn invalid(error: impl std::fmt::Display) -> SqlError {
    SqlError::Protocol(format!("demo data is inconsistent: {error}"))
}

/// A service's refusal of a demo action means the demo's story is wrong.
fn refused(error: ServiceError) -> SqlError {
    match error {
        ServiceError::Database(error) => error,
        other => invalid(other),
    }
}

/// What every demo report is written with: the database (for the report service), the vendor
/// organisation (id and name) and the catalogue's product ids.
struct Demo<'a> {
    db: &'a Db,
    vendor: (i64, &'a str),
    product_ids: &'a [i64],
}

struct Partner {
    id: i64,
    name: &'static str,
    distributor_id: i64,
    distributor_name: &'static str,
    region: usize,
    region_id: i64,
    threshold: ThresholdPercent,
    products: Vec<usize>,
    /// The codes the vendor issued to the partner.
    codes: Vec<CodeRecord>,
}

async fn load(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    vendor_name: &str,
) -> Result<(), SqlError> {
    let mut region_ids = Vec::new();
    for region in REGIONS {
        let id = orgs::insert_region(
            tx,
            &orgs::NewRegion {
                code: region.code,
                name: region.name,
                currency: region.currency,
                billing_enabled: region.enabled,
                pricing_code_kind: region.code_kind,
                code_unlocks: region.unlocks,
            },
        )
        .await?;
        region_ids.push(id);
    }

    let vendor_id = orgs::insert_organisation(tx, "vendor", vendor_name).await?;
    orgs::insert_organisation(tx, "operator", "Billing Reports Operations").await?;

    let mut distributor_ids = Vec::new();
    for (name, region_code, threshold) in DISTRIBUTORS {
        let region = REGIONS
            .iter()
            .position(|r| r.code == *region_code)
            .unwrap_or(0);
        let threshold = ThresholdPercent::new(dec(threshold)).map_err(invalid)?;
        let id =
            orgs::insert_distributor(tx, name, region_ids[region], threshold, region == 3).await?;
        distributor_ids.push((id, region));
    }

    let mut product_ids = Vec::new();
    for (sku, name, unit_type, usage, _, _) in PRODUCTS {
        let id = pricing::insert_product(tx, sku, name, unit_type, *usage).await?;
        product_ids.push(id);
    }

    // The price book: one entry per region x product, valid from the first demo month on.
    let first = first_period().map_err(invalid)?;
    for (region_index, region) in REGIONS.iter().enumerate() {
        for (product_index, product_id) in product_ids.iter().enumerate() {
            let (price, margin) = catalogue(region, product_index)?;
            pricing::insert_price(
                tx,
                region_ids[region_index],
                *product_id,
                first,
                price,
                margin,
            )
            .await?;
        }
    }

    let mut sequence = Sequence(0x5EED_2026);
    let mut partners = Vec::new();
    for (name, distributor, kind, status) in PARTNERS {
        let (distributor_id, region) = distributor_ids[*distributor];
        let id = orgs::insert_partner(tx, name, distributor_id, kind, status).await?;
        let count = 3 + sequence.below(4) as usize;
        let start = sequence.below(PRODUCTS.len() as u64) as usize;
        let products = (0..count)
            .map(|i| (start + i * 3) % PRODUCTS.len())
            .collect::<Vec<_>>();
        let mut products = products;
        products.sort_unstable();
        products.dedup();
        partners.push(Partner {
            id,
            name,
            distributor_id,
            distributor_name: DISTRIBUTORS[*distributor].0,
            region,
            region_id: region_ids[region],
            threshold: ThresholdPercent::new(dec(DISTRIBUTORS[*distributor].2)).map_err(invalid)?,
            products,
            codes: Vec::new(),
        });
    }

    // Pricing codes for a few partners: what the vendor's Bid Desk / Promote desk issued.
    for (index, partner) in partners.iter_mut().enumerate() {
        partner.codes = codes::issue(index, partner, &product_ids, first)?;
        for code in &partner.codes {
            pricing::insert_code(tx, code).await?;
        }
    }

    let demo = Demo {
        db,
        vendor: (vendor_id, vendor_name),
        product_ids: &product_ids,
    };
    let mut period = first;
    for month in 0..12 {
        // A region without billing reports gets none.
        let billed = partners
            .iter()
            .enumerate()
            .filter(|(_, p)| REGIONS[p.region].enabled);
        for (index, partner) in billed {
            let status = reports::demo_status(month, index, &mut sequence);
            reports::insert(&demo, tx, partner, period, status, &mut sequence).await?;
        }
        period = period.next().ok_or_else(|| invalid("period overflow"))?;
    }
    Ok(())
}

/// The first of the twelve demo months: a year before the latest closed month.
fn first_period() -> Result<Period, crate::domain::PeriodError> {
    Period::new(2025, 11)
}

/// How many decimals a region's unit prices have: none for a currency without minor units.
fn price_places(region: &RegionSeed) -> u32 {
    if region.currency.minor_units() == 0 {
        0
    } else {
        4
    }
}

fn catalogue(region: &RegionSeed, product: usize) -> Result<(UnitPrice, MarginPercent), SqlError> {
    let (_, _, _, _, base, margin) = PRODUCTS[product];
    let price = dec(base) * Decimal::new(region.price_pct, 2);
    let price = crate::domain::round_half_away(price, price_places(region));
    Ok((
        UnitPrice::new(price).map_err(invalid)?,
        MarginPercent::new(dec(margin)).map_err(invalid)?,
    ))
}
