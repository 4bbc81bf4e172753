//! The demo data set: a vendor, regions, distributors, a dozen partners and twelve months of
//! reports in every status, with comments, penalties, pricing codes, overrides and history.
//! Deterministic (a fixed pseudo-random sequence), so screenshots and tests see the same month.
//! Loaded only into a database that holds no reports.

use rust_decimal::Decimal;
use sqlx::{Any, Transaction};

use super::reports::NewHistoryEntry;
use super::{Db, SqlError};
use crate::domain::{
    Currency, HistoryEvent, LineInput, MarginPercent, Period, ReviewReason, Role, Status,
    ThresholdPercent, UnitPrice, Units, auto_submit_penalty, compute, report_total, scaled_e4,
};

struct RegionSeed {
    code: &'static str,
    name: &'static str,
    currency: Currency,
    enabled: bool,
    code_kind: &'static str,
    unlocks: &'static str,
    /// Price-book multiplier on the base USD list price, in percent.
    price_pct: i64,
}

const REGIONS: &[RegionSeed] = &[
    RegionSeed {
        code: "NA",
        name: "North America",
        currency: Currency::Usd,
        enabled: true,
        code_kind: "bid_desk_number",
        unlocks: "unit_price",
        price_pct: 100,
    },
    RegionSeed {
        code: "EU",
        name: "Europe",
        currency: Currency::Eur,
        enabled: true,
        code_kind: "promote_code",
        unlocks: "channel_margin",
        price_pct: 92,
    },
    RegionSeed {
        code: "JP",
        name: "Japan",
        currency: Currency::Jpy,
        enabled: true,
        code_kind: "bid_desk_number",
        unlocks: "unit_price",
        price_pct: 15_000,
    },
    RegionSeed {
        code: "ANZ",
        name: "Australia & New Zealand",
        currency: Currency::Aud,
        enabled: true,
        code_kind: "promote_code",
        unlocks: "channel_margin",
        price_pct: 152,
    },
    RegionSeed {
        code: "LATAM",
        name: "Latin America",
        currency: Currency::Usd,
        enabled: false,
        code_kind: "bid_desk_number",
        unlocks: "unit_price",
        price_pct: 100,
    },
];

/// (sku, name, unit type, reports usage, base list price in USD, channel margin %)
const PRODUCTS: &[(&str, &str, &str, bool, &str, &str)] = &[
    (
        "TM-V1-EPS",
        "Trend Vision One – Endpoint Security Core",
        "endpoints",
        true,
        "4.20",
        "20",
    ),
    (
        "TM-V1-XDR",
        "Trend Vision One – XDR Essentials",
        "endpoints",
        true,
        "6.75",
        "18",
    ),
    (
        "TM-WFBS-SVC",
        "Worry-Free Business Security Services",
        "users",
        true,
        "2.95",
        "25",
    ),
    (
        "TM-EMAIL-ADV",
        "Trend Micro Email Security Advanced",
        "mailboxes",
        true,
        "1.85",
        "22.5",
    ),
    ("TM-CAS", "Cloud App Security", "users", true, "1.40", "25"),
    (
        "TM-C1-WLS",
        "Cloud One – Workload Security",
        "protected servers",
        true,
        "11.50",
        "15",
    ),
    (
        "TM-C1-FSS",
        "Cloud One – File Storage Security",
        "GB scanned",
        false,
        "0.0425",
        "12.5",
    ),
    (
        "TM-V1-CREDITS",
        "Trend Vision One Credits",
        "credits",
        false,
        "0.95",
        "10",
    ),
];

/// (name, region code, over-provisioning threshold %)
const DISTRIBUTORS: &[(&str, &str, &str)] = &[
    ("Summit Tech Distribution", "NA", "5"),
    ("Atlas Distribution Europe", "EU", "10"),
    ("Sakura IT Distribution", "JP", "0"),
    ("Southern Cross Channel", "ANZ", "5"),
    ("Andes Cloud Distribution", "LATAM", "0"),
];

/// (name, distributor index, kind, status)
const PARTNERS: &[(&str, usize, &str, &str)] = &[
    ("Harbor IT Services", 0, "msp", "active"),
    ("Blue Ridge Managed Security", 0, "msp", "active"),
    ("Lakeside Computer Solutions", 0, "reseller", "active"),
    ("Prairie Networks", 0, "msp", "suspended"),
    ("Rheinland Systemhaus GmbH", 1, "msp", "active"),
    ("Lumière Informatique", 1, "reseller", "active"),
    ("Nordlys IT AS", 1, "msp", "active"),
    ("Kansai Secure Works", 2, "msp", "active"),
    ("Tokyo Bay Systems", 2, "reseller", "active"),
    ("Coral Coast IT", 3, "msp", "active"),
    ("Kiwi Cloud Services", 3, "msp", "active"),
    ("Outback Office Tech", 3, "reseller", "active"),
    ("Pampa Sistemas", 4, "msp", "active"),
];

const COMMENTS: &[&str] = &[
    "Customer decommissioned a branch office mid-month.",
    "Seats returned after the customer's contract ended on the 12th.",
    "Duplicate devices from a re-imaging project; cleaned up.",
    "Trial licences provisioned for a proof of concept, not billable.",
    "Mailboxes of departed staff were archived, not in use.",
];

/// The password of every demo account (listed in the README and, with demo data, on the
/// sign-in page).
pub const DEMO_PASSWORD: &str = "demo-password";

/// A demo sign-in: who it is, for the sign-in page and the README.
pub struct DemoAccountSeed {
    pub email: &'static str,
    pub name: &'static str,
    pub organisation: &'static str,
    pub role: &'static str,
    pub who: &'static str,
}

/// One account for each kind of user. The vendor's organisation is named at run time.
pub const DEMO_ACCOUNTS: &[DemoAccountSeed] = &[
    DemoAccountSeed {
        email: "dana@summit-tech.example",
        name: "Dana Whitfield",
        organisation: "Summit Tech Distribution",
        role: "administrator",
        who: "Distributor, North America (USD)",
    },
    DemoAccountSeed {
        email: "lukas@atlas-distribution.example",
        name: "Lukas Brandt",
        organisation: "Atlas Distribution Europe",
        role: "billing_manager",
        who: "Distributor, Europe (EUR)",
    },
    DemoAccountSeed {
        email: "sam@summit-tech.example",
        name: "Sam Ortiz",
        organisation: "Summit Tech Distribution",
        role: "support",
        who: "Distributor support, read-only",
    },
    DemoAccountSeed {
        email: "maria@harbor-it.example",
        name: "Maria Chen",
        organisation: "Harbor IT Services",
        role: "administrator",
        who: "Partner (MSP) of Summit Tech",
    },
    DemoAccountSeed {
        email: "owen@blueridge-security.example",
        name: "Owen Blake",
        organisation: "Blue Ridge Managed Security",
        role: "billing_manager",
        who: "Partner (MSP) of Summit Tech",
    },
    DemoAccountSeed {
        email: "jonas@rheinland-systemhaus.example",
        name: "Jonas Weber",
        organisation: "Rheinland Systemhaus GmbH",
        role: "administrator",
        who: "Partner (MSP) of Atlas Distribution",
    },
    DemoAccountSeed {
        email: "vera@vendor.example",
        name: "Vera Lindqvist",
        organisation: "",
        role: "billing_manager",
        who: "Vendor billing",
    },
    DemoAccountSeed {
        email: "ops@billing-reports.example",
        name: "Priya Raman",
        organisation: "Billing Reports Operations",
        role: "platform_admin",
        who: "Platform admin, all regions",
    },
    DemoAccountSeed {
        email: "lucia@andes-cloud.example",
        name: "Lucía Rojas",
        organisation: "Andes Cloud Distribution",
        role: "administrator",
        who: "Distributor in a region without billing reports",
    },
];

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
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(db.pool())
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    let mut tx = db.pool().begin().await?;
    load(&mut tx, vendor_name).await?;
    let now = super::now_utc();
    for account in DEMO_ACCOUNTS {
        let organisation = if account.organisation.is_empty() {
            vendor_name
        } else {
            account.organisation
        };
        insert_returning_id(
            &mut tx,
            "INSERT INTO users (org_id, email, name, role, password_hash, created_at) \
             SELECT id, $2, $3, $4, $5, $6 FROM organisations WHERE name = $1 RETURNING id",
            vec![
                text(organisation),
                text(account.email),
                text(account.name),
                text(account.role),
                text(password_hash),
                Value::Text(now.clone()),
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn insert_returning_id(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
    binds: Vec<Value>,
) -> Result<i64, SqlError> {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for value in binds {
        query = match value {
            Value::Int(value) => query.bind(value),
            Value::OptInt(value) => query.bind(value),
            Value::Text(value) => query.bind(value),
            Value::OptText(value) => query.bind(value),
        };
    }
    query.fetch_one(&mut **tx).await
}

enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

fn e4(value: Decimal) -> Result<i64, SqlError> {
    scaled_e4(value)
        .map_err(|error| SqlError::Protocol(format!("demo value out of range: {error}")))
}

fn invalid(error: impl std::fmt::Display) -> SqlError {
    SqlError::Protocol(format!("demo data is inconsistent: {error}"))
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
}

async fn load(tx: &mut Transaction<'static, Any>, vendor_name: &str) -> Result<(), SqlError> {
    let mut region_ids = Vec::new();
    for region in REGIONS {
        let id = insert_returning_id(
            tx,
            "INSERT INTO regions (code, name, currency, billing_enabled, pricing_code_kind, code_unlocks) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            vec![
                text(region.code),
                text(region.name),
                text(region.currency.code()),
                Value::Int(i64::from(region.enabled)),
                text(region.code_kind),
                text(region.unlocks),
            ],
        )
        .await?;
        region_ids.push(id);
    }

    for (kind, name) in [
        ("vendor", vendor_name),
        ("operator", "Billing Reports Operations"),
    ] {
        insert_returning_id(
            tx,
            "INSERT INTO organisations (kind, name) VALUES ($1, $2) RETURNING id",
            vec![text(kind), text(name)],
        )
        .await?;
    }

    let mut distributor_ids = Vec::new();
    for (name, region_code, threshold) in DISTRIBUTORS {
        let region = REGIONS
            .iter()
            .position(|r| r.code == *region_code)
            .unwrap_or(0);
        let id = insert_returning_id(
            tx,
            "INSERT INTO organisations (kind, name, region_id, threshold_e4, auto_approve) \
             VALUES ('distributor', $1, $2, $3, $4) RETURNING id",
            vec![
                text(name),
                Value::Int(region_ids[region]),
                Value::Int(e4(dec(threshold))?),
                Value::Int(i64::from(region == 3)),
            ],
        )
        .await?;
        distributor_ids.push((id, region));
    }

    let mut product_ids = Vec::new();
    for (sku, name, unit_type, usage, _, _) in PRODUCTS {
        let id = insert_returning_id(
            tx,
            "INSERT INTO products (sku, name, unit_type, reports_usage) VALUES ($1, $2, $3, $4) RETURNING id",
            vec![text(sku), text(name), text(unit_type), Value::Int(i64::from(*usage))],
        )
        .await?;
        product_ids.push(id);
    }

    // The price book: one entry per region x product, valid from the first demo month on.
    let first = first_period().map_err(invalid)?;
    for (region_index, region) in REGIONS.iter().enumerate() {
        for (product_index, product_id) in product_ids.iter().enumerate() {
            let (price, margin) = catalogue(region, product_index)?;
            insert_returning_id(
                tx,
                "INSERT INTO price_book (region_id, product_id, valid_from, valid_to, list_price_e4, margin_e4) \
                 VALUES ($1, $2, $3, NULL, $4, $5) RETURNING id",
                vec![
                    Value::Int(region_ids[region_index]),
                    Value::Int(*product_id),
                    Value::Int(first.to_key().into()),
                    Value::Int(e4(price.get())?),
                    Value::Int(e4(margin.get())?),
                ],
            )
            .await?;
        }
    }

    let mut sequence = Sequence(0x5EED_2026);
    let mut partners = Vec::new();
    for (name, distributor, kind, status) in PARTNERS {
        let (distributor_id, region) = distributor_ids[*distributor];
        let id = insert_returning_id(
            tx,
            "INSERT INTO organisations (kind, name, distributor_id, partner_kind, partner_status) \
             VALUES ('partner', $1, $2, $3, $4) RETURNING id",
            vec![
                text(name),
                Value::Int(distributor_id),
                text(kind),
                text(status),
            ],
        )
        .await?;
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
        });
    }

    // Pricing codes for a few partners: what the vendor's Bid Desk / Promote desk issued.
    for (index, partner) in partners.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let region = &REGIONS[partner.region];
        let product = partner.products[0];
        let (price, margin) = catalogue(region, product)?;
        let (code, unit_price, margin_override) = if region.unlocks == "unit_price" {
            (
                format!("BDN-{}-{:04}", region.code, 1000 + index),
                Some(e4(price.get() * dec("0.85"))?),
                None,
            )
        } else {
            (
                format!("PRM-{}-{:04}", region.code, 1000 + index),
                None,
                Some(e4(margin.get() + dec("7.5"))?),
            )
        };
        insert_returning_id(
            tx,
            "INSERT INTO pricing_codes (code, partner_id, product_id, unit_price_e4, margin_e4, valid_from, valid_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            vec![
                Value::Text(code),
                Value::Int(partner.id),
                Value::Int(product_ids[product]),
                Value::OptInt(unit_price),
                Value::OptInt(margin_override),
                Value::Int(first.to_key().into()),
                Value::Int(202_712),
            ],
        )
        .await?;
    }

    let mut period = first;
    for month in 0..12 {
        // A region without billing reports gets none.
        let billed = partners
            .iter()
            .enumerate()
            .filter(|(_, p)| REGIONS[p.region].enabled);
        for (index, partner) in billed {
            let status = demo_status(month, index, &mut sequence);
            insert_report(
                tx,
                vendor_name,
                partner,
                &product_ids,
                period,
                status,
                &mut sequence,
            )
            .await?;
        }
        period = period.next().ok_or_else(|| invalid("period overflow"))?;
    }
    Ok(())
}

/// The first of the twelve demo months: a year before the latest closed month.
fn first_period() -> Result<Period, crate::domain::PeriodError> {
    Period::new(2025, 11)
}

fn catalogue(region: &RegionSeed, product: usize) -> Result<(UnitPrice, MarginPercent), SqlError> {
    let (_, _, _, _, base, margin) = PRODUCTS[product];
    let price = dec(base) * Decimal::new(region.price_pct, 2);
    let places = if region.currency.minor_units() == 0 {
        0
    } else {
        4
    };
    let price = crate::domain::round_half_away(price, places);
    Ok((
        UnitPrice::new(price).map_err(invalid)?,
        MarginPercent::new(dec(margin)).map_err(invalid)?,
    ))
}

/// Older months are settled; the latest months show every status and sub-status.
fn demo_status(month: usize, partner: usize, sequence: &mut Sequence) -> Status {
    match month {
        0..=8 => {
            if sequence.below(10) == 0 {
                Status::SubmittedToVendor
            } else {
                Status::Completed
            }
        }
        9 => [Status::Completed, Status::SubmittedToVendor][partner % 2],
        10 => [
            Status::SubmittedToVendor,
            Status::UnderReview(ReviewReason::ReturnedByVendor),
            Status::Completed,
            Status::UnderReview(ReviewReason::Manual),
        ][partner % 4],
        _ => [
            Status::MspPreparing,
            Status::UnderReview(ReviewReason::Manual),
            Status::UnderReview(ReviewReason::AutoNoPenalties),
            Status::UnderReview(ReviewReason::AutoPenalties),
            Status::Rejected,
            Status::MspPreparing,
            Status::UnderReview(ReviewReason::Manual),
        ][partner % 7],
    }
}

/// (who, what, from, to, comment) of one history entry.
type HistorySeed = (Actor, HistoryEvent, Option<Status>, Status, Option<String>);

/// Who a demo history entry names: a person of an organisation in a role, or the system.
struct Actor {
    name: String,
    org: Option<String>,
    role: Option<Role>,
}

impl Actor {
    fn system() -> Actor {
        Actor {
            name: "system".to_owned(),
            org: None,
            role: None,
        }
    }

    fn billing_team(org: &str) -> Actor {
        Actor {
            name: format!("Billing team, {org}"),
            org: Some(org.to_owned()),
            role: Some(Role::BillingManager),
        }
    }
}

struct DemoLine {
    product: usize,
    input: LineInput,
    catalogue_price: UnitPrice,
    catalogue_margin: MarginPercent,
    code: Option<String>,
}

async fn insert_report(
    tx: &mut Transaction<'static, Any>,
    vendor_name: &str,
    partner: &Partner,
    product_ids: &[i64],
    period: Period,
    status: Status,
    sequence: &mut Sequence,
) -> Result<(), SqlError> {
    let region = &REGIONS[partner.region];
    let partner_acted = !matches!(status, Status::MspPreparing)
        && !matches!(
            status,
            Status::UnderReview(ReviewReason::AutoNoPenalties | ReviewReason::AutoPenalties)
        );
    let distributor_priced = matches!(
        status,
        Status::SubmittedToVendor
            | Status::Completed
            | Status::UnderReview(ReviewReason::ReturnedByVendor)
    );

    let mut lines = Vec::new();
    for &product in &partner.products {
        let (catalogue_price, catalogue_margin) = catalogue(region, product)?;
        let provisioned = 5 + sequence.below(400);
        let used = if PRODUCTS[product].3 {
            let roll = sequence.below(10);
            Some(match roll {
                0 => provisioned + 1 + sequence.below(12),
                1..=4 => provisioned,
                _ => provisioned - sequence.below(provisioned / 4 + 1),
            })
        } else {
            None
        };
        // Auto-submitted without penalties means nothing was over-provisioned and uncommented.
        let clean = matches!(status, Status::UnderReview(ReviewReason::AutoNoPenalties));
        let used = used.map(|used| if clean { used.max(provisioned) } else { used });
        let provisioned_units = Units::new(provisioned).map_err(invalid)?;
        let used_units = used.map(Units::new).transpose().map_err(invalid)?;
        let mut chargeable = crate::domain::default_chargeable(provisioned_units, used_units);
        let mut comment = None;
        // A partner who submitted explained every shortfall (a submit without would have been
        // refused), and sometimes lowered a line further.
        if partner_acted && used.is_some_and(|used| used < provisioned) {
            comment = Some(COMMENTS[sequence.below(COMMENTS.len() as u64) as usize].to_owned());
            if sequence.below(2) == 0 && chargeable.get() > 2 {
                chargeable = Units::new(
                    chargeable.get()
                        - 1
                        - sequence
                            .below(chargeable.get() / 3 + 1)
                            .min(chargeable.get() - 1),
                )
                .map_err(invalid)?;
            }
        }
        let mut unit_price = catalogue_price;
        let mut margin = catalogue_margin;
        let mut code = None;
        if distributor_priced && product == partner.products[0] && sequence.below(2) == 0 {
            if region.unlocks == "unit_price" {
                unit_price = UnitPrice::new(crate::domain::round_half_away(
                    catalogue_price.get() * dec("0.85"),
                    4,
                ))
                .map_err(invalid)?;
                code = Some(format!(
                    "BDN-{}-{:04}",
                    region.code,
                    1000 + partner.id % 1000
                ));
            } else {
                margin =
                    MarginPercent::new(catalogue_margin.get() + dec("7.5")).map_err(invalid)?;
                code = Some(format!(
                    "PRM-{}-{:04}",
                    region.code,
                    1000 + partner.id % 1000
                ));
            }
        }
        lines.push(DemoLine {
            product,
            input: LineInput {
                provisioned: provisioned_units,
                used: used_units,
                chargeable,
                unit_price,
                margin,
                comment,
            },
            catalogue_price,
            catalogue_margin,
            code,
        });
    }

    // Auto-submitted with penalties: uncommented violating lines are charged at provisioned.
    let mut penalised = Vec::new();
    if matches!(status, Status::UnderReview(ReviewReason::AutoPenalties)) {
        let mut inputs = lines
            .iter()
            .map(|line| line.input.clone())
            .collect::<Vec<_>>();
        // Make sure there is something to penalise.
        if let Some(line) = inputs.iter_mut().find(|line| line.used.is_some()) {
            let provisioned = line.provisioned.get().max(10);
            line.provisioned = Units::new(provisioned).map_err(invalid)?;
            line.used = Some(Units::new(provisioned - provisioned / 5).map_err(invalid)?);
            line.chargeable = line.used.unwrap_or(line.provisioned);
            line.comment = None;
        }
        let outcome = auto_submit_penalty(&inputs, partner.threshold);
        penalised = outcome.penalties.clone();
        outcome.apply_to(&mut inputs);
        for (line, input) in lines.iter_mut().zip(inputs) {
            line.input = input;
        }
    }

    let figures = lines
        .iter()
        .map(|line| compute(&line.input, partner.threshold, region.currency))
        .collect::<Vec<_>>();
    let total = report_total(&figures);
    let has_comments = lines.iter().any(|line| line.input.comment.is_some());
    let next = period.next().ok_or_else(|| invalid("period overflow"))?;
    let submission_deadline = format!("{:04}-{:02}-05T23:59:00Z", next.year(), next.month());
    let review_deadline = format!("{:04}-{:02}-12T23:59:00Z", next.year(), next.month());
    let generated_at = format!("{:04}-{:02}-01T02:00:00Z", next.year(), next.month());
    let po_number =
        distributor_priced.then(|| format!("PO-{}-{}", period.to_key(), 4000 + partner.id));

    let report_id = insert_returning_id(
        tx,
        "INSERT INTO reports (partner_id, distributor_id, region_id, period, currency, status, sub_status, \
             po_number, submission_deadline, review_deadline, total_e4, auto_penalties, has_comments, version, \
             created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        vec![
            Value::Int(partner.id),
            Value::Int(partner.distributor_id),
            Value::Int(partner.region_id),
            Value::Int(period.to_key().into()),
            text(region.currency.code()),
            text(status.as_code()),
            Value::OptText(status.sub_status_code().map(str::to_owned)),
            Value::OptText(po_number.clone()),
            Value::Text(submission_deadline.clone()),
            Value::Text(review_deadline.clone()),
            Value::Int(e4(total)?),
            Value::Int(i64::from(!penalised.is_empty())),
            Value::Int(i64::from(has_comments)),
            Value::Int(1),
            Value::Text(generated_at.clone()),
            Value::Text(generated_at.clone()),
        ],
    )
    .await?;

    for (position, (line, figures)) in lines.iter().zip(&figures).enumerate() {
        insert_returning_id(
            tx,
            "INSERT INTO line_items (report_id, position, product_id, provisioned, used, chargeable, comment, \
                 catalogue_unit_price_e4, catalogue_margin_e4, unit_price_e4, margin_e4, pricing_code, \
                 code_applied_by, code_applied_at, gross_e4, amount_owed_e4) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
            vec![
                Value::Int(report_id),
                Value::Int(position as i64),
                Value::Int(product_ids[line.product]),
                Value::Int(line.input.provisioned.get() as i64),
                Value::OptInt(line.input.used.map(|used| used.get() as i64)),
                Value::Int(line.input.chargeable.get() as i64),
                Value::OptText(line.input.comment.clone()),
                Value::Int(e4(line.catalogue_price.get())?),
                Value::Int(e4(line.catalogue_margin.get())?),
                Value::Int(e4(line.input.unit_price.get())?),
                Value::Int(e4(line.input.margin.get())?),
                Value::OptText(line.code.clone()),
                Value::OptText(line.code.as_ref().map(|_| format!("Billing team, {}", partner.distributor_name))),
                Value::OptText(line.code.as_ref().map(|_| review_deadline.replace("12T23:59", "10T09:30"))),
                Value::Int(e4(figures.gross)?),
                Value::Int(e4(figures.amount_owed)?),
            ],
        )
        .await?;
    }

    // History: the path this report took to its status, oldest first.
    let partner_user = || Actor::billing_team(&partner.name);
    let distributor_user = || Actor::billing_team(&partner.distributor_name);
    let vendor_user = || Actor {
        name: "Vendor billing".to_owned(),
        org: Some(vendor_name.to_owned()),
        role: Some(Role::BillingManager),
    };
    let mut entries: Vec<HistorySeed> = vec![(
        Actor::system(),
        HistoryEvent::Generated,
        None,
        Status::MspPreparing,
        None,
    )];
    let manual = Status::UnderReview(ReviewReason::Manual);
    match status {
        Status::MspPreparing => {}
        Status::UnderReview(ReviewReason::AutoNoPenalties)
        | Status::UnderReview(ReviewReason::AutoPenalties) => {
            let comment = (!penalised.is_empty()).then(|| {
                format!("Deadline passed: {} uncommented over-provisioned line(s) charged at provisioned.", penalised.len())
            });
            entries.push((
                Actor::system(),
                HistoryEvent::AutoSubmitted {
                    penalties: !penalised.is_empty(),
                },
                Some(Status::MspPreparing),
                status,
                comment,
            ));
        }
        Status::UnderReview(ReviewReason::Manual) => {
            entries.push((
                partner_user(),
                HistoryEvent::Submitted,
                Some(Status::MspPreparing),
                manual,
                None,
            ));
        }
        Status::Rejected => {
            entries.push((
                partner_user(),
                HistoryEvent::Submitted,
                Some(Status::MspPreparing),
                manual,
                None,
            ));
            entries.push((
                distributor_user(),
                HistoryEvent::ReturnedToPartner,
                Some(manual),
                Status::Rejected,
                Some("Endpoint counts do not match the customer's renewal; please re-check and add comments.".to_owned()),
            ));
        }
        Status::SubmittedToVendor
        | Status::Completed
        | Status::UnderReview(ReviewReason::ReturnedByVendor) => {
            entries.push((
                partner_user(),
                HistoryEvent::Submitted,
                Some(Status::MspPreparing),
                manual,
                None,
            ));
            entries.push((
                distributor_user(),
                HistoryEvent::SubmittedToVendor,
                Some(manual),
                Status::SubmittedToVendor,
                None,
            ));
            match status {
                Status::Completed => entries.push((
                    vendor_user(),
                    HistoryEvent::Completed,
                    Some(Status::SubmittedToVendor),
                    Status::Completed,
                    None,
                )),
                Status::UnderReview(ReviewReason::ReturnedByVendor) => entries.push((
                    vendor_user(),
                    HistoryEvent::ReturnedByVendor,
                    Some(Status::SubmittedToVendor),
                    status,
                    Some(
                        "Please confirm the Vision One endpoint count against the console export."
                            .to_owned(),
                    ),
                )),
                _ => {}
            }
        }
    }
    for (step, (actor, event, from, to, comment)) in entries.into_iter().enumerate() {
        let at = format!(
            "{:04}-{:02}-{:02}T{:02}:15:00Z",
            next.year(),
            next.month(),
            1 + step * 3,
            8 + step
        );
        let entry = NewHistoryEntry {
            at,
            actor: actor.name,
            actor_org: actor.org,
            actor_role: actor.role,
            event,
            from_status: from,
            to_status: Some(to),
            comment,
            before_json: None,
            after_json: None,
            prices_json: None,
        };
        super::reports::append_history(tx, report_id, &entry).await?;
    }
    Ok(())
}
