//! Importing the vendor's usage feed from a CSV file: read it (streamed, size-limited, UTF-8),
//! check every row (`domain::feed` reads a row and says what a status allows; this file checks
//! the rows against the database), then write all of it or nothing in one transaction. Rows for
//! a report the partner is still preparing update its lines through the report service, one
//! history entry per report.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Read;

use super::{Caller, ServiceError, reports};
use crate::domain::{
    Period,
    feed::{self, FeedRow, ImportSummary, MAX_FILE_BYTES},
    workflow::{Command, UsageCorrection},
};
use crate::server::db::{
    Db,
    feed::{
        StoredUsage, UsageRow, insert_usage, known, report_statuses, stored_usage, update_usage,
    },
    reports::{current_version, lines},
};

/// The rows of a file that read well (with their row numbers), and the summary so far.
struct FileRows {
    rows: Vec<(u64, FeedRow)>,
    summary: ImportSummary,
}

/// Reads a whole CSV file: the header, then each row through [`feed::parse_row`]. Problems are
/// noted with their row numbers (the header is row 1); a file that can't be read as CSV at all,
/// or is larger than [`MAX_FILE_BYTES`], is one problem about the whole file.
fn read_file(reader: impl Read) -> FileRows {
    let mut summary = ImportSummary::default();
    let mut rows = Vec::new();
    let limited = reader.take(MAX_FILE_BYTES + 1);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(limited);
    let mut record = csv::ByteRecord::new();
    let mut row: u64 = 0;
    let mut seen: HashMap<(i64, String, Period), u64> = HashMap::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let reason = if csv.position().byte() > MAX_FILE_BYTES {
                    too_large()
                } else {
                    format!("the file can't be read as CSV after row {row}: {error}")
                };
                summary.problem(0, reason);
                break;
            }
        }
        row += 1;
        if csv.position().byte() > MAX_FILE_BYTES {
            summary.problem(0, too_large());
            break;
        }
        let fields: Result<Vec<&str>, _> = record.iter().map(std::str::from_utf8).collect();
        let Ok(fields) = fields else {
            summary.problem(row, "not UTF-8 text; save the file as CSV UTF-8");
            continue;
        };
        if row == 1 {
            if let Err(reason) = feed::check_header(&fields) {
                summary.problem(1, reason);
                return FileRows { rows, summary };
            }
            continue;
        }
        summary.rows += 1;
        match feed::parse_row(&fields) {
            Ok(parsed) => {
                let key = (parsed.partner_id, parsed.sku.clone(), parsed.period);
                if let Some(first) = seen.get(&key) {
                    summary.problem(
                        row,
                        format!(
                            "partner {} × {} × {} is already on row {first}",
                            parsed.partner_id, parsed.sku, parsed.period
                        ),
                    );
                } else {
                    seen.insert(key, row);
                    rows.push((row, parsed));
                }
            }
            Err(reason) => summary.problem(row, reason),
        }
    }
    if row == 0 {
        summary.problem(
            0,
            format!(
                "the file is empty; its first row must be the header \"{}\"",
                feed::COLUMNS.join(",")
            ),
        );
    }
    FileRows { rows, summary }
}

fn too_large() -> String {
    format!(
        "the file is larger than {} MB; split it by period and import each part",
        MAX_FILE_BYTES / 1_000_000
    )
}

/// A checked row, with what it does.
struct Planned {
    row: UsageRow,
    change: Change,
}

#[derive(PartialEq, Eq)]
enum Change {
    New,
    Changed,
    Unchanged,
}

/// Imports a usage file: checks every row, and unless `dry_run` or a problem was found, writes
/// every row in one transaction at `at`. The summary says what was (or would be) done, or every
/// problem with its row number; with a problem nothing is written.
#[tracing::instrument(skip(db, reader), err(Debug))]
pub async fn import(
    db: &Db,
    reader: impl Read + Send + 'static,
    dry_run: bool,
    at: time::OffsetDateTime,
) -> Result<ImportSummary, ServiceError> {
    let FileRows { rows, mut summary } = tokio::task::spawn_blocking(move || read_file(reader))
        .await
        .map_err(|error| ServiceError::Invalid(format!("the file could not be read: {error}")))?;
    let mut conn = db.acquire().await?;
    let known = known(&mut conn).await?;
    let periods: BTreeSet<Period> = rows.iter().map(|(_, row)| row.period).collect();
    let mut statuses = HashMap::new();
    let mut stored = HashMap::new();
    for &period in &periods {
        statuses.insert(period, report_statuses(&mut conn, period).await?);
        stored.insert(period, stored_usage(&mut conn, period).await?);
    }
    let mut planned = Vec::new();
    let (mut partners, mut products) = (HashSet::new(), HashSet::new());
    for (number, row) in rows {
        if !known.partners.contains(&row.partner_id) {
            summary.problem(
                number,
                format!(
                    "partner {} is not a partner on the platform",
                    row.partner_id
                ),
            );
            continue;
        }
        let Some(&product_id) = known.products.get(&row.sku) else {
            summary.problem(
                number,
                format!("SKU \"{}\" is not in the vendor's catalogue", row.sku),
            );
            continue;
        };
        partners.insert(row.partner_id);
        products.insert(product_id);
        let usage = StoredUsage {
            provisioned: row.provisioned,
            used: row.used,
        };
        let before = stored
            .get(&row.period)
            .and_then(|stored| stored.get(&(row.partner_id, product_id)));
        let change = match before {
            None => Change::New,
            Some(before) if *before == usage => Change::Unchanged,
            Some(_) => Change::Changed,
        };
        if change != Change::Unchanged
            && let Some((_, status)) = statuses
                .get(&row.period)
                .and_then(|statuses| statuses.get(&row.partner_id))
        {
            if let Some(reason) = feed::refusal_for(*status, row.period) {
                summary.problem(number, reason);
                continue;
            }
            if change == Change::New {
                summary.problem(
                    number,
                    format!(
                        "the partner's report for {} was generated without {}; \
                         a product can't be added to a report afterwards",
                        row.period, row.sku
                    ),
                );
                continue;
            }
        }
        planned.push(Planned {
            row: UsageRow {
                partner_id: row.partner_id,
                product_id,
                period: row.period,
                usage,
            },
            change,
        });
    }
    drop(conn);
    // In the order of the file (the whole file's problems first).
    summary.problems.sort_by_key(|problem| problem.row);
    summary.periods = periods.into_iter().collect();
    summary.partners = partners.len() as u64;
    summary.products = products.len() as u64;
    for plan in &planned {
        match plan.change {
            Change::New => summary.new_rows += 1,
            Change::Changed => summary.changed_rows += 1,
            Change::Unchanged => summary.unchanged_rows += 1,
        }
    }
    // Reports in preparation whose lines the changed rows correct.
    let mut corrections: HashMap<i64, Vec<UsageRow>> = HashMap::new();
    for plan in planned.iter().filter(|plan| plan.change == Change::Changed) {
        let report = statuses
            .get(&plan.row.period)
            .and_then(|statuses| statuses.get(&plan.row.partner_id));
        if let Some((report_id, _)) = report {
            corrections.entry(*report_id).or_default().push(plan.row);
        }
    }
    summary.reports_updated = corrections.len() as u64;
    if dry_run || !summary.is_clean() || summary.new_rows + summary.changed_rows == 0 {
        return Ok(summary);
    }

    let mut tx = db.begin_write().await?;
    let new: Vec<UsageRow> = planned
        .iter()
        .filter(|plan| plan.change == Change::New)
        .map(|plan| plan.row)
        .collect();
    insert_usage(&mut tx, &new).await?;
    for plan in planned.iter().filter(|plan| plan.change == Change::Changed) {
        update_usage(&mut tx, &plan.row).await?;
    }
    let mut report_ids: Vec<i64> = corrections.keys().copied().collect();
    report_ids.sort_unstable();
    for report_id in report_ids {
        let rows = &corrections[&report_id];
        let by_product: HashMap<i64, i64> = lines(&mut tx, report_id)
            .await?
            .into_iter()
            .map(|line| (line.product_id, line.id))
            .collect();
        let corrections: Vec<UsageCorrection> = rows
            .iter()
            .filter_map(|row| {
                Some(UsageCorrection {
                    line_id: *by_product.get(&row.product_id)?,
                    provisioned: row.usage.provisioned,
                    used: row.usage.used,
                })
            })
            .collect();
        if corrections.is_empty() {
            continue;
        }
        let version = current_version(&mut tx, report_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let command = Command::UpdateUsage { corrections };
        reports::act_in(
            db,
            &mut tx,
            &Caller::System,
            reports::Step::new(report_id, version, command),
            at,
        )
        .await?;
    }
    tx.commit().await?;
    summary.imported = true;
    Ok(summary)
}
