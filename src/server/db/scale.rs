//! The scale data set: many reports with many lines, for measuring the list and detail pages at
//! production size (SPEC §7). Rows are written in bulk — multi-row INSERTs on SQLite, COPY on
//! PostgreSQL — with a progress bar on stderr. Every value is generated here (numbers and fixed
//! codes), so the bulk statements carry no outside text.

use std::{fmt::Write as _, io::Write as _, time::Instant};

use sqlx::{Connection, postgres::PgConnection};

use super::{Backend, Db, SqlError};
use crate::domain::{
    Currency, LineInput, MarginPercent, Period, ThresholdPercent, UnitPrice, Units, compute,
    flags::FlagBasis, from_scaled_e4, report_total, scaled_e4,
};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct ScaleSpec {
    pub reports: u64,
    pub lines_per_report: u32,
    pub months: u32,
}

/// What was generated, and how long it took.
#[derive(Clone, Debug)]
pub struct ScaleReport {
    pub reports: u64,
    pub lines: u64,
    pub partners: u64,
    pub distributors: u64,
    pub elapsed: std::time::Duration,
}

const REPORTS_PER_CHUNK: u64 = 2_000;

struct Catalogue {
    regions: Vec<(i64, Currency)>,
    products: Vec<(i64, i64, i64)>, // (id, list price e4, margin e4) of the first region
}

fn bad(error: impl std::fmt::Display) -> SqlError {
    SqlError::Protocol(format!("scale data: {error}"))
}

/// Generates `spec` on top of the demo catalogue (which must be loaded first).
pub async fn generate(db: &Db, url: &str, spec: ScaleSpec) -> Result<ScaleReport, SqlError> {
    let started = Instant::now();
    let lines_per_report = spec.lines_per_report.max(1);
    let months = spec.months.clamp(1, 120);
    let catalogue = catalogue(db, lines_per_report).await?;
    let partners = spec.reports.div_ceil(u64::from(months)).max(1);
    let distributors = partners.div_ceil(200).max(1);

    let (org_base, report_base, line_base) = next_ids(db).await?;
    let mut organisations = String::new();
    for d in 0..distributors {
        let (region_id, _) = catalogue.regions[(d as usize) % catalogue.regions.len()];
        let _ = writeln!(
            organisations,
            "{},distributor,Scale Distributor {},{},,,,0,0,{ANOMALY_THRESHOLD_E4}",
            org_base + d as i64,
            d + 1,
            region_id
        );
    }
    for p in 0..partners {
        let distributor = org_base + (p % distributors) as i64;
        let kind = if p % 3 == 0 { "reseller" } else { "msp" };
        let _ = writeln!(
            organisations,
            "{},partner,Scale Partner {:05},,{},{},active,0,0,{ANOMALY_THRESHOLD_E4}",
            org_base + (distributors + p) as i64,
            p + 1,
            distributor,
            kind
        );
    }
    let mut sink = Sink::open(db, url).await?;
    sink.rows(
        "organisations",
        "id, kind, name, region_id, distributor_id, partner_kind, partner_status, threshold_e4, \
         auto_approve, anomaly_threshold_e4",
        &organisations,
    )
    .await?;

    let last = Period::new(2026, 10).map_err(bad)?;
    let mut periods = vec![last];
    while periods.len() < months as usize {
        let previous = periods
            .last()
            .and_then(Period::previous)
            .ok_or_else(|| bad("period"))?;
        periods.push(previous);
    }

    let progress = Progress::new(spec.reports);
    let mut written = 0_u64;
    let mut lines_written = 0_u64;
    let threshold = ThresholdPercent::new(rust_decimal::Decimal::ZERO).map_err(bad)?;
    let anomaly_threshold =
        ThresholdPercent::new(from_scaled_e4(ANOMALY_THRESHOLD_E4)).map_err(bad)?;
    while written < spec.reports {
        let chunk = REPORTS_PER_CHUNK.min(spec.reports - written);
        let mut reports = String::new();
        let mut lines = String::new();
        for n in written..written + chunk {
            let partner = n % partners;
            let month = (n / partners) as usize;
            let period = periods[month.min(periods.len() - 1)];
            let distributor = partner % distributors;
            let (region_id, currency) =
                catalogue.regions[(distributor as usize) % catalogue.regions.len()];
            let report_id = report_base + n as i64;
            let (status, reached) = match (month, n % 7) {
                (0, 0) => ("msp_preparing,", false),
                (0, 1 | 2) => ("under_review,manual", false),
                (0, 3) => ("rejected,", false),
                (0..=1, _) => ("submitted_to_vendor,", true),
                _ => ("completed,", true),
            };
            let mut figures = Vec::with_capacity(lines_per_report as usize);
            let mut inputs = Vec::with_capacity(lines_per_report as usize);
            for l in 0..lines_per_report {
                let (product_id, price_e4, margin_e4) = catalogue.products[l as usize];
                let (provisioned, used) = line_units(n, l);
                let input = LineInput {
                    provisioned: Units::new(provisioned).map_err(bad)?,
                    used: Some(Units::new(used).map_err(bad)?),
                    chargeable: Units::new(used).map_err(bad)?,
                    unit_price: UnitPrice::new(from_scaled_e4(price_e4)).map_err(bad)?,
                    margin: MarginPercent::new(from_scaled_e4(margin_e4)).map_err(bad)?,
                    comment: None,
                };
                let f = compute(&input, threshold, currency);
                let line_id = line_base + (n * u64::from(lines_per_report) + u64::from(l)) as i64;
                let _ = writeln!(
                    lines,
                    "{line_id},{report_id},{l},{product_id},{provisioned},{used},{used},{price_e4},{margin_e4},{price_e4},{margin_e4},{},{}",
                    scaled_e4(f.gross).map_err(bad)?,
                    scaled_e4(f.amount_owed).map_err(bad)?,
                );
                figures.push(f);
                inputs.push((product_id, input));
            }
            let total = scaled_e4(report_total(&figures)).map_err(bad)?;
            // The partner's previous cycle is the report one month further back (charged at
            // its usage, like every scale line), when there is one.
            let earlier = n + partners;
            let previous = if earlier < spec.reports {
                (0..lines_per_report)
                    .map(|l| {
                        let (_, used) = line_units(earlier, l);
                        Ok((
                            catalogue.products[l as usize].0,
                            Units::new(used).map_err(bad)?,
                        ))
                    })
                    .collect::<Result<Vec<_>, SqlError>>()?
            } else {
                Vec::new()
            };
            let flags = FlagBasis {
                previous,
                anomaly_threshold,
            }
            .judge(
                inputs
                    .iter()
                    .map(|(product_id, input)| (*product_id, input)),
            );
            let next = period.next().ok_or_else(|| bad("period"))?;
            let (y, m) = (next.year(), next.month());
            let _ = writeln!(
                reports,
                "{report_id},{},{},{region_id},{},{},{status},{y:04}-{m:02}-05T23:59:00Z,{y:04}-{m:02}-12T23:59:00Z,{total},0,{},{},{},1,{y:04}-{m:02}-01T02:00:00Z,{y:04}-{m:02}-01T02:00:00Z,{}",
                org_base + (distributors + partner) as i64,
                org_base + distributor as i64,
                period.to_key(),
                currency.code(),
                i64::from(flags.has_comments),
                i64::from(flags.below_used),
                i64::from(flags.anomaly),
                if reached {
                    format!("{y:04}-{m:02}-10T09:00:00Z")
                } else {
                    String::new()
                },
            );
        }
        sink.rows(
            "reports",
            "id, partner_id, distributor_id, region_id, period, currency, status, sub_status, \
             submission_deadline, review_deadline, total_e4, auto_penalties, has_comments, \
             below_used, anomaly, version, created_at, updated_at, sent_to_vendor_at",
            &reports,
        )
        .await?;
        sink.rows(
            "line_items",
            "id, report_id, position, product_id, provisioned, used, chargeable, catalogue_unit_price_e4, \
             catalogue_margin_e4, unit_price_e4, margin_e4, gross_e4, amount_owed_e4",
            &lines,
        )
        .await?;
        written += chunk;
        lines_written += chunk * u64::from(lines_per_report);
        progress.show(written);
    }
    sink.finish(db).await?;
    progress.done();
    Ok(ScaleReport {
        reports: written,
        lines: lines_written,
        partners,
        distributors,
        elapsed: started.elapsed(),
    })
}

/// The scale distributors' anomaly threshold (50 %, scaled by 10^4 as stored).
const ANOMALY_THRESHOLD_E4: i64 = 500_000;

/// Provisioned and used units of line `l` of the `n`th generated report (charged at its usage).
fn line_units(n: u64, l: u32) -> (u64, u64) {
    let provisioned = 10 + (n * 7 + u64::from(l) * 13) % 490;
    let used = provisioned - (n + u64::from(l)) % (provisioned / 5 + 1);
    (provisioned, used)
}

/// Regions with billing reports, and enough products (adding generic ones when asked for more
/// lines per report than the catalogue has).
async fn catalogue(db: &Db, lines: u32) -> Result<Catalogue, SqlError> {
    let regions: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, currency FROM regions WHERE billing_enabled = 1 ORDER BY id")
            .fetch_all(db.pool())
            .await?;
    let regions = regions
        .into_iter()
        .map(|(id, code)| Ok((id, code.parse::<Currency>().map_err(bad)?)))
        .collect::<Result<Vec<_>, SqlError>>()?;
    let mut products: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id, b.list_price_e4, b.margin_e4 FROM products p \
         JOIN price_book b ON b.product_id = p.id AND b.region_id = $1 ORDER BY p.id",
    )
    .bind(regions.first().map(|r| r.0).unwrap_or_default())
    .fetch_all(db.pool())
    .await?;
    // Generic products of an earlier run are reused (they have no price-book entry), and new
    // ones are numbered after every product there is, so a second run never repeats a SKU.
    let generic: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM products WHERE sku LIKE 'SCALE-%' ORDER BY id")
            .fetch_all(db.pool())
            .await?;
    products.extend(generic.into_iter().map(|id| (id, 25_000, 200_000)));
    let mut n = usize::try_from(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM products")
            .fetch_one(db.pool())
            .await?,
    )
    .unwrap_or(products.len());
    while products.len() < lines as usize {
        n += 1;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO products (sku, name, unit_type, reports_usage) VALUES ($1, $2, 'units', 1) RETURNING id",
        )
        .bind(format!("SCALE-{n:03}"))
        .bind(format!("Scale Service {n}"))
        .fetch_one(db.pool())
        .await?;
        products.push((id, 25_000, 200_000));
    }
    if regions.is_empty() {
        return Err(bad("no region has billing reports"));
    }
    Ok(Catalogue { regions, products })
}

async fn next_ids(db: &Db) -> Result<(i64, i64, i64), SqlError> {
    let next = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))
            .fetch_one(db.pool())
            .await
    };
    Ok((
        next("organisations").await?,
        next("reports").await?,
        next("line_items").await?,
    ))
}

/// Where bulk rows go: COPY on PostgreSQL, multi-row INSERTs in one transaction on SQLite.
enum Sink {
    Postgres(Box<PgConnection>),
    Sqlite(Db),
}

impl Sink {
    async fn open(db: &Db, url: &str) -> Result<Sink, SqlError> {
        Ok(match db.backend() {
            Backend::Postgres => Sink::Postgres(Box::new(PgConnection::connect(url).await?)),
            Backend::Sqlite => Sink::Sqlite(db.clone()),
        })
    }

    /// Writes CSV `rows` (one per line; an empty field is NULL) into `table`'s `columns`.
    async fn rows(&mut self, table: &str, columns: &str, rows: &str) -> Result<(), SqlError> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Sink::Postgres(conn) => {
                let mut copy = conn
                    .copy_in_raw(&format!(
                        "COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
                    ))
                    .await?;
                copy.send(rows.as_bytes()).await?;
                copy.finish().await?;
            }
            Sink::Sqlite(db) => {
                let mut tx = db.begin_write().await?;
                let lines: Vec<&str> = rows.lines().collect();
                for batch in lines.chunks(400) {
                    let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
                    for (i, row) in batch.iter().enumerate() {
                        sql.push_str(if i == 0 { "(" } else { ",(" });
                        for (j, field) in row.split(',').enumerate() {
                            if j > 0 {
                                sql.push(',');
                            }
                            sql.push_str(&sql_literal(field));
                        }
                        sql.push(')');
                    }
                    sqlx::query(&sql).execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    async fn finish(self, db: &Db) -> Result<(), SqlError> {
        if let Sink::Postgres(mut conn) = self {
            for table in ["organisations", "reports", "line_items", "products"] {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .execute(&mut *conn)
                .await?;
            }
            sqlx::query("ANALYZE").execute(&mut *conn).await?;
            conn.close().await?;
        } else {
            sqlx::query("ANALYZE").execute(db.pool()).await?;
        }
        Ok(())
    }
}

/// A generated CSV field as an SQL literal: empty is NULL, integers stay, text is quoted.
fn sql_literal(field: &str) -> String {
    if field.is_empty() {
        "NULL".to_owned()
    } else if field.parse::<i64>().is_ok() {
        field.to_owned()
    } else {
        format!("'{}'", field.replace('\'', "''"))
    }
}

/// A progress bar on stderr.
struct Progress {
    total: u64,
    started: Instant,
}

impl Progress {
    fn new(total: u64) -> Self {
        Progress {
            total: total.max(1),
            started: Instant::now(),
        }
    }

    fn show(&self, done: u64) {
        let width = 30;
        let filled = (done * width / self.total) as usize;
        let bar = format!(
            "{}{}",
            "█".repeat(filled),
            "░".repeat(width as usize - filled)
        );
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r  reports {bar} {:>3}%  {done}/{}  {:.1?}",
            done * 100 / self.total,
            self.total,
            self.started.elapsed()
        );
        let _ = err.flush();
    }

    fn done(&self) {
        eprintln!();
    }
}
