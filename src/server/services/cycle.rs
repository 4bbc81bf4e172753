//! The monthly cycle's jobs: generating a period's reports from the usage feed, and what is due
//! when deadlines pass (auto-submit at the partner's deadline, auto-approve when a distributor's
//! review window ends), plus sweeping expired sessions. Every report is acted on in its own
//! transaction through the report service, as a person's action would be, so several runners at
//! once act on each report once: the loser of a race finds the version moved and leaves it.
//! Time is always passed in (`at`), so tests and `jobs run-due --now` set the clock.

use std::collections::HashMap;

use serde::Serialize;

use super::{Caller, ServiceError, UserCaller, reports};
use crate::domain::{
    LineInput, Period, Refusal, Status, compute,
    cycle::{DueAction, Generated},
    default_chargeable,
    line::{MAX_AMOUNT, check_amounts},
    notice::NoticeKind,
    report_total,
    workflow::Command,
};
use crate::server::db::{
    Db,
    feed::{PartnerToGenerate, StoredUsage, partners_to_generate, usage_lines},
    notices::notify,
    reports::{
        DueReport, NewHistoryEntry, NewLine, NewReport, append_history, deadlines_between,
        due_reports, flag_basis, insert_line, insert_report_if_new,
    },
    rfc3339, users,
};
use crate::server::vendor::{PriceBook, PriceWanted, Vendor};

/// Refuses anyone who does not run the monthly cycle (see `Viewer::runs_cycle`).
pub fn authorize(user: &UserCaller) -> Result<(), ServiceError> {
    if user.actor.viewer().runs_cycle() {
        Ok(())
    } else {
        Err(ServiceError::Refused(Refusal::CycleOnly))
    }
}

/// Partners generated per transaction: a month of 20,000 partners commits in small steps.
const GENERATE_BATCH: usize = 200;

/// Reports one run acts on per kind of due work (the rest wait for the next run).
const DUE_BATCH: i64 = 50_000;

/// Generates `period`'s reports: one per partner with usage in a region with billing reports
/// that has none yet, in MSP preparing, lines priced by the vendor's list prices (asked before
/// anything is written: a vendor that does not answer leaves the period as it was), deadlines
/// from the distributor's windows, with a "Generated" history entry dated `at`. Running it again
/// creates nothing new.
#[tracing::instrument(skip(db, vendor), err(Debug))]
pub async fn generate(
    db: &Db,
    vendor: &Vendor,
    period: Period,
    at: time::OffsetDateTime,
) -> Result<Generated, ServiceError> {
    let (partners, mut usage) = {
        let mut conn = db.acquire().await?;
        (
            partners_to_generate(&mut conn, period).await?,
            usage_lines(&mut conn, period).await?,
        )
    };
    let skus = skus(db).await?;
    let wanted = prices_wanted(db, &partners, &usage, &skus).await?;
    let prices = vendor.prices(db, period, &wanted).await?;
    let now = rfc3339(at);
    let mut generated = Generated {
        period: Some(period),
        ..Generated::default()
    };
    for batch in partners.chunks(GENERATE_BATCH) {
        let mut tx = db.begin_write().await?;
        for partner in batch {
            let lines = usage.remove(&partner.partner_id).unwrap_or_default();
            let priced = match priced_lines(partner, &lines, &prices) {
                Ok(priced) => priced,
                Err(product_id) => {
                    let sku = skus.get(&product_id).map_or("?", String::as_str);
                    generated.problems.push(format!(
                        "Partner #{}: {sku} has no list price for {period} in its region; \
                         its report was not generated",
                        partner.partner_id
                    ));
                    continue;
                }
            };
            let figures: Vec<_> = priced
                .iter()
                .map(|line| compute(&line.input, partner.threshold, partner.currency))
                .collect();
            if check_amounts(&figures).is_err() {
                generated.problems.push(format!(
                    "Partner #{}: its usage would bill more than {} on a line or in total, the \
                     most a report can hold; its report was not generated",
                    partner.partner_id,
                    crate::domain::format::money_with_code(MAX_AMOUNT, partner.currency)
                ));
                continue;
            }
            let flags = flag_basis(&mut tx, partner.partner_id, period)
                .await?
                .judge(priced.iter().map(|line| (line.product_id, &line.input)));
            let deadlines = partner.windows.deadlines(period);
            let report = NewReport {
                partner_id: partner.partner_id,
                distributor_id: partner.distributor_id,
                region_id: partner.region_id,
                period,
                currency: partner.currency,
                status: Status::MspPreparing,
                po_number: None,
                submission_deadline: deadlines.submission,
                review_deadline: deadlines.review,
                total: report_total(&figures),
                auto_penalties: false,
                has_comments: flags.has_comments,
                below_used: flags.below_used,
                anomaly: flags.anomaly,
                created_at: now.clone(),
            };
            // Another runner may have generated it meanwhile: then there is nothing to do.
            let Some(report_id) = insert_report_if_new(&mut tx, &report).await? else {
                continue;
            };
            for (position, (line, figures)) in priced.iter().zip(&figures).enumerate() {
                insert_line(&mut tx, report_id, position, line, figures).await?;
            }
            append_history(&mut tx, report_id, &NewHistoryEntry::generated(now.clone())).await?;
            notify(&mut tx, report_id, NoticeKind::ReportReady, &now, None).await?;
            generated.created += 1;
        }
        tx.commit().await?;
    }
    Ok(generated)
}

/// The lines of a partner's report as generated: the feed's units, the default chargeable units,
/// the catalogue's terms; `Err(product)` for a product without a list price.
fn priced_lines(
    partner: &PartnerToGenerate,
    usage: &[(i64, StoredUsage)],
    prices: &PriceBook,
) -> Result<Vec<NewLine>, i64> {
    usage
        .iter()
        .map(|&(product_id, usage)| {
            let &(price, margin) = prices
                .get(&(partner.region_id, product_id))
                .ok_or(product_id)?;
            Ok(NewLine {
                product_id,
                input: LineInput {
                    provisioned: usage.provisioned,
                    used: usage.used,
                    chargeable: default_chargeable(usage.provisioned, usage.used),
                    unit_price: price,
                    margin,
                    comment: None,
                },
                catalogue_price: price,
                catalogue_margin: margin,
                pricing_code: None,
                code_applied_by: None,
                code_applied_at: None,
            })
        })
        .collect()
}

/// Every region × product the partners to generate have usage of, as the vendor is asked.
async fn prices_wanted(
    db: &Db,
    partners: &[PartnerToGenerate],
    usage: &HashMap<i64, Vec<(i64, StoredUsage)>>,
    skus: &HashMap<i64, String>,
) -> Result<Vec<PriceWanted>, ServiceError> {
    let regions: HashMap<i64, String> = sqlx::query_as("SELECT id, code FROM regions")
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .collect();
    let mut wanted: Vec<PriceWanted> = partners
        .iter()
        .flat_map(|partner| {
            let lines = usage
                .get(&partner.partner_id)
                .map_or(&[][..], Vec::as_slice);
            lines.iter().map(|&(product_id, _)| PriceWanted {
                region_id: partner.region_id,
                region_code: regions.get(&partner.region_id).cloned().unwrap_or_default(),
                product_id,
                sku: skus.get(&product_id).cloned().unwrap_or_default(),
                currency: partner.currency,
            })
        })
        .collect();
    wanted.sort_by_key(|want| (want.region_id, want.product_id));
    wanted.dedup_by_key(|want| (want.region_id, want.product_id));
    Ok(wanted)
}

async fn skus(db: &Db) -> Result<HashMap<i64, String>, ServiceError> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, sku FROM products")
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().collect())
}

/// What one run of the due jobs did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DueRun {
    /// Reports generated for the month that ended (see [`run_due`]).
    pub generated: u64,
    pub auto_submitted: u64,
    /// Of those, how many had lines charged at provisioned.
    pub with_penalties: u64,
    pub auto_approved: u64,
    /// Reports whose review window ended but that wait for a person (not clean, no PO number).
    pub waiting: u64,
    /// Reports another runner (or a person) changed first: left as they are.
    pub skipped: u64,
    /// Deadline reminders written.
    pub reminders: u64,
    pub sessions_swept: u64,
    pub failures_swept: u64,
    /// Submissions delivered to the vendor, or tried and not yet.
    pub deliveries: super::deliveries::DeliveryRun,
}

impl DueRun {
    /// The run in one line, for the log and the command line.
    pub fn sentence(&self) -> String {
        format!(
            "generated {}, reminders {}, auto-submitted {} ({} with penalties), auto-approved {}, \
             waiting for a person {}, changed by someone else first {}, \
             expired sessions removed {}, old sign-in failures removed {}, {}",
            self.generated,
            self.reminders,
            self.auto_submitted,
            self.with_penalties,
            self.auto_approved,
            self.waiting,
            self.skipped,
            self.sessions_swept,
            self.failures_swept,
            self.deliveries.sentence()
        )
    }
}

/// Runs everything due at `at`: generates the month that ended before `at` (a month's usage is
/// complete once it is over; earlier generation is started by hand), auto-submits reports past
/// their partner's deadline, auto-approves clean reports past a review window where the
/// distributor has the rule, and sweeps expired sessions and old sign-in failures.
#[tracing::instrument(skip(db, vendor), err(Debug))]
pub async fn run_due(
    db: &Db,
    vendor: &Vendor,
    at: time::OffsetDateTime,
) -> Result<DueRun, ServiceError> {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    let now = rfc3339(at);
    let mut run = DueRun::default();
    let this_month = Period::new(at.year(), u32::from(u8::from(at.month())))
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    if let Some(ended) = this_month.previous() {
        run.generated = generate(db, vendor, ended, at).await?.created;
    }
    for action in [DueAction::AutoSubmit, DueAction::AutoApprove] {
        let due = {
            let mut conn = db.acquire().await?;
            due_reports(&mut conn, action, &now, DUE_BATCH).await?
        };
        for report in due {
            act_on_due(db, &report, action, &now, at, &mut run).await?;
        }
    }
    run.reminders = remind(db, at).await?;
    let unix = at.unix_timestamp();
    let (sessions, failures) =
        users::sweep(db, unix, unix - crate::server::auth::THROTTLE_WINDOW_SECS).await?;
    run.sessions_swept = sessions;
    run.failures_swept = failures;
    run.deliveries = super::deliveries::run_due(db, vendor, at).await?;
    Ok(run)
}

/// Writes the deadline reminders due at `at` (each once per report, kind and deadline, whoever
/// runs it and however often); returns how many were new.
async fn remind(db: &Db, at: time::OffsetDateTime) -> Result<u64, ServiceError> {
    let now = rfc3339(at);
    let until = rfc3339(at + time::Duration::days(3));
    let upcoming = {
        let mut conn = db.acquire().await?;
        deadlines_between(&mut conn, &now, &until).await?
    };
    let mut written = 0;
    let mut tx = db.begin_write().await?;
    for (report_id, deadline) in upcoming {
        let Some(kind) = NoticeKind::reminder(&deadline, &now) else {
            continue;
        };
        let key = format!("{report_id}:{}:{deadline}", kind.as_code());
        if notify(&mut tx, report_id, kind, &now, Some(key)).await? {
            written += 1;
        }
    }
    tx.commit().await?;
    Ok(written)
}

/// Acts on one due report in its own transaction, if the domain agrees it is due.
async fn act_on_due(
    db: &Db,
    report: &DueReport,
    action: DueAction,
    now: &str,
    at: time::OffsetDateTime,
    run: &mut DueRun,
) -> Result<(), ServiceError> {
    if DueAction::due(report.status, &report.deadline, now, report.rule.enabled) != Some(action) {
        return Ok(());
    }
    let command = match action {
        DueAction::AutoSubmit => Command::AutoSubmit,
        DueAction::AutoApprove => {
            if report.rule.blocker(&report.candidate()).is_some() {
                run.waiting += 1;
                return Ok(());
            }
            Command::AutoApprove {
                po_number: report.rule.po_number_to_set(
                    report.po_number.as_deref(),
                    report.period,
                    report.partner_id,
                ),
                rule: report.rule.describe(),
            }
        }
    };
    let mut tx = db.begin_write().await?;
    let acted = reports::act_in(
        db,
        &mut tx,
        &Caller::System,
        reports::Step::new(report.id, report.version, command),
        at,
    )
    .await;
    match acted {
        Ok(outcome) => {
            tx.commit().await?;
            match action {
                DueAction::AutoSubmit => {
                    run.auto_submitted += 1;
                    if outcome.status
                        == Status::UnderReview(crate::domain::ReviewReason::AutoPenalties)
                    {
                        run.with_penalties += 1;
                    }
                }
                DueAction::AutoApprove => run.auto_approved += 1,
            }
            Ok(())
        }
        // Someone acted first (another runner, or a person just before the deadline).
        Err(ServiceError::Conflict { .. } | ServiceError::Refused(_) | ServiceError::NotFound) => {
            tx.rollback().await?;
            run.skipped += 1;
            Ok(())
        }
        Err(error) => Err(error),
    }
}
