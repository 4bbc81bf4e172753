//! The report service: verifying a code, and acting on a report (lists and opening one are in
//! `read`). Each
//! action locks and loads the report, asks `domain::workflow::decide`, stores the decision and
//! appends its history entry (two when a submission to the vendor also sets the PO number), in one
//! transaction. It decides nothing itself: every rule (who may,
//! which status follows, what is required, what the history says) is the domain's.

use super::{Caller, ServiceError, UserCaller};
use crate::domain::notice::NoticeKind;
use crate::domain::{
    Action, HistoryEvent, ReportLine, Status, authorize, compute,
    deadline::DeadlineOf,
    delivery::starts_delivery,
    policy::in_region,
    pricing::{self as pricing_rules, LinePricing, PriceChange, VerifiedCode, parse_code},
    report_total,
    usage::{LineValues, line_changes},
    visible,
    workflow::{self, Acting, CommandError, ReportState, decide},
};
use crate::server::db::{
    Db, deliveries, notices, orgs,
    reports::{self, HeaderUpdate, NewHistoryEntry},
    rfc3339,
};
use crate::server::vendor::{
    CodeVerdict, ProductKey, Submission, Vendor, submission::SubmissionHeader,
};

pub use crate::domain::workflow::{Command, LineEdit};

mod bulk;
mod read;
pub use bulk::act_on_many;
pub use read::{filter_options, list, list_for_export, open, this_month};

/// Asks the vendor about a code for one line of a report the distributor may edit now.
/// Changes nothing: applying the code is [`Command::ApplyCode`], which verifies it again.
#[tracing::instrument(skip(db, vendor, user), err(Debug))]
pub async fn verify_code(
    db: &Db,
    vendor: &Vendor,
    user: &UserCaller,
    report_id: i64,
    line_id: i64,
    code: &str,
) -> Result<VerifiedCode, ServiceError> {
    in_region(&user.actor)?;
    // A read: nothing is locked, so nobody can make another tenant's report wait.
    let state = read_for(db, user, report_id).await?;
    authorize(
        &user.actor,
        &state.owners,
        state.status,
        Action::DistributorEdit,
    )?;
    let lines = reports::lines(&mut *db.acquire().await?, report_id).await?;
    verify_for_line(db, vendor, &state, &lines, line_id, code).await
}

/// A report's state, read without a lock, once the user may see it.
async fn read_for(db: &Db, user: &UserCaller, report_id: i64) -> Result<ReportState, ServiceError> {
    let mut conn = db.acquire().await?;
    let header = reports::read_header(&mut conn, report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let state = header.state();
    visible(&user.actor, &state.owners)?;
    Ok(state)
}

/// Asks the vendor about a code typed for one line (well formed, issued, for this partner,
/// product and period) and judges what it grants against the region's rules. Never called with
/// a write transaction open: the vendor may be slow.
async fn verify_for_line(
    db: &Db,
    vendor: &Vendor,
    state: &ReportState,
    lines: &[ReportLine],
    line_id: i64,
    typed: &str,
) -> Result<VerifiedCode, ServiceError> {
    let line = lines
        .iter()
        .find(|line| line.id == line_id)
        .ok_or_else(|| invalid(CommandError::NotALine))?;
    let refused =
        |reason: String| ServiceError::Invalid(format!("{}: {reason}", line.product.name));
    let code = parse_code(typed).map_err(|refusal| refused(refusal.to_string()))?;
    let product = ProductKey {
        id: line.product_id,
        sku: &line.product.sku,
    };
    let verdict = vendor
        .verify_code(
            db,
            &code,
            state.owners.partner_org_id,
            product,
            state.period,
        )
        .await?;
    match verdict {
        CodeVerdict::Valid(terms) => pricing_rules::grant(code, terms, state.rules)
            .map_err(|refusal| refused(refusal.to_string())),
        CodeVerdict::Invalid(reason) => Err(refused(reason)),
    }
}

/// What an accepted action left behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub version: i64,
    /// The delivery to the vendor the action wrote (a submission to the vendor), if any.
    pub delivery_id: Option<i64>,
}

/// Runs one action on one report as one transaction with one history entry: locks and loads the
/// report, lets the domain decide, stores the decision and appends its entry. A code to apply is
/// verified with the vendor first, before any lock is taken; the version check then tells
/// whether the report moved meanwhile.
#[tracing::instrument(skip(db, vendor, caller, command), fields(action = ?command.action()), err(Debug))]
pub async fn act(
    db: &Db,
    vendor: &Vendor,
    caller: &Caller,
    report_id: i64,
    expected_version: i64,
    command: Command,
) -> Result<Outcome, ServiceError> {
    // A person may only make a report wait for them if they may see it: checked without a lock
    // first, and again once the lock is held (the status, and so the vendor's view, may move).
    let verified = match caller {
        Caller::User(user) => {
            in_region(&user.actor)?;
            let state = read_for(db, user, report_id).await?;
            match &command {
                Command::ApplyCode { line_id, code, .. } => {
                    workflow::permit(&state, command.action(), acting(caller))?;
                    let lines = reports::lines(&mut *db.acquire().await?, report_id).await?;
                    Some(verify_for_line(db, vendor, &state, &lines, *line_id, code).await?)
                }
                _ => None,
            }
        }
        Caller::System => None,
    };
    let mut tx = db.begin_write().await?;
    let now = time::OffsetDateTime::now_utc();
    let outcome = act_in(
        db,
        &mut tx,
        caller,
        Step {
            report_id,
            expected_version,
            command,
            verified,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// One step of [`act_in`]: the command for a report at the version the caller saw, with the
/// vendor's verdict on the code when the command applies one (asked before the lock).
pub struct Step {
    pub report_id: i64,
    pub expected_version: i64,
    pub command: Command,
    pub verified: Option<VerifiedCode>,
}

impl Step {
    /// A step that applies no code.
    pub fn new(report_id: i64, expected_version: i64, command: Command) -> Self {
        Step {
            report_id,
            expected_version,
            command,
            verified: None,
        }
    }
}

fn acting(caller: &Caller) -> Acting<'_> {
    match caller {
        Caller::User(user) => Acting::User {
            actor: &user.actor,
            name: &user.name,
        },
        Caller::System => Acting::System,
    }
}

/// [`act`] inside a transaction the caller owns and commits, at `at`: the history entry, a
/// code's application and any new deadline are dated from it. The demo data is written through
/// here with the dates of its story, so it holds exactly what real use would have stored.
pub async fn act_in(
    db: &Db,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    caller: &Caller,
    step: Step,
    at: time::OffsetDateTime,
) -> Result<Outcome, ServiceError> {
    let Step {
        report_id,
        expected_version,
        command,
        verified,
    } = step;
    let header = reports::lock_header(db, tx, report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let state = header.state();
    // Visibility first, so a stale version never tells a stranger that the report exists; then
    // the version, so whoever lost a race hears "changed meanwhile" rather than a refusal that
    // only holds for the new state.
    if let Caller::User(user) = caller {
        visible(&user.actor, &state.owners)?;
    }
    if header.version != expected_version {
        return Err(ServiceError::Conflict {
            current_version: header.version,
        });
    }
    let acting = acting(caller);
    workflow::permit(&state, command.action(), acting)?;
    let lines = reports::lines(tx, report_id).await?;
    let lines_before = partner_values(&lines);
    let prices_before = price_snapshot(&lines);
    let now = rfc3339(at);
    if matches!(command, Command::ApplyCode { .. }) && verified.is_none() {
        return Err(ServiceError::Invalid(
            "The code was not verified with the vendor; please try again.".to_owned(),
        ));
    }
    let decision =
        decide(&state, lines, command, acting, verified.as_ref(), &now).map_err(invalid)?;

    let figures: Vec<_> = decision
        .lines
        .iter()
        .map(|line| compute(&line.input, state.threshold, state.currency))
        .collect();
    if decision.lines_changed {
        for (line, figures) in decision.lines.iter().zip(&figures) {
            reports::save_line(tx, line, figures).await?;
        }
    }
    // The flags follow the lines as they are now (the anomaly against the previous cycle as it
    // stands now).
    let basis = reports::flag_basis(tx, header.partner_id, state.period).await?;
    let line_flags = basis.judge(
        decision
            .lines
            .iter()
            .map(|line| (line.product_id, &line.input)),
    );
    let update = HeaderUpdate {
        status: decision.status,
        po_number: decision.po_number.clone(),
        total: report_total(&figures),
        line_flags,
        auto_penalties: decision.auto_penalties.then_some(true),
        submission_deadline: new_deadline(&decision, DeadlineOf::Partner, at),
        review_deadline: new_deadline(&decision, DeadlineOf::Distributor, at),
        updated_at: now.clone(),
    };
    if !reports::update_header(tx, report_id, expected_version, &update).await? {
        let current_version = reports::current_version(tx, report_id)
            .await?
            .unwrap_or(expected_version);
        return Err(ServiceError::Conflict { current_version });
    }
    let (before, after) = changed_lines(lines_before, &decision.lines);
    let (actor, actor_org, actor_role) = match caller {
        Caller::User(user) => (
            user.name.clone(),
            Some(user.org_name.clone()),
            Some(user.actor.role),
        ),
        Caller::System => ("system".to_owned(), None, None),
    };
    // A PO number set in the same step as the submission is its own entry, first.
    if let Some(comment) = decision.po_change.clone() {
        let po_entry = NewHistoryEntry {
            at: now.clone(),
            actor: actor.clone(),
            actor_org: actor_org.clone(),
            actor_role,
            event: HistoryEvent::PoNumberSet,
            from_status: Some(state.status),
            to_status: Some(state.status),
            comment: Some(comment),
            before_json: None,
            after_json: None,
            prices_json: None,
        };
        reports::append_history(tx, report_id, &po_entry).await?;
    }
    let entry = NewHistoryEntry {
        at: now.clone(),
        actor,
        actor_org,
        actor_role,
        event: decision.event,
        from_status: Some(state.status),
        to_status: Some(decision.status),
        comment: decision.comment.clone(),
        before_json: before,
        after_json: after,
        prices_json: price_change(prices_before, price_snapshot(&decision.lines)),
    };
    reports::append_history(tx, report_id, &entry).await?;
    if let Some(kind) = NoticeKind::for_event(decision.event) {
        notices::notify(tx, report_id, kind, &now, None).await?;
    }
    let version = expected_version + 1;
    let delivery_id = if starts_delivery(decision.event) {
        let submission = Submission::new(
            SubmissionHeader {
                report_id,
                partner_id: header.partner_id,
                distributor: &orgs::name(tx, header.distributor_id).await?,
                period: state.period,
                currency: state.currency,
                po_number: decision.po_number.as_deref(),
                comment: decision.comment.as_deref(),
                total: update.total,
            },
            &decision.lines,
            &figures,
        );
        let payload = serde_json::to_string(&submission)
            .map_err(|error| ServiceError::Invalid(error.to_string()))?;
        // Unique per submission and stable once stored: every try of it sends this key.
        let key = format!("br-{report_id}-v{version}-{}", at.unix_timestamp_nanos());
        Some(deliveries::enqueue(tx, report_id, &key, &payload, &now).await?)
    } else {
        None
    };
    Ok(Outcome {
        status: decision.status,
        version,
        delivery_id,
    })
}

/// A refused command as the service reports it: the workflow's refusals keep their kind (a
/// missing reason is invalid input, not a lack of permission), every other reason is invalid
/// input, in the words the domain chose.
fn invalid(error: CommandError) -> ServiceError {
    if let Some(field) = error.field() {
        return ServiceError::InvalidField(field, error.to_string());
    }
    match error {
        CommandError::Refused(refusal) if refusal.is_about_input() => {
            ServiceError::Invalid(refusal.to_string())
        }
        CommandError::Refused(refusal) => refusal.into(),
        other => ServiceError::Invalid(other.to_string()),
    }
}

/// The deadline of kind `of` that `decision` sets afresh, in whole seconds after `at`.
fn new_deadline(
    decision: &workflow::Decision,
    of: DeadlineOf,
    at: time::OffsetDateTime,
) -> Option<String> {
    let new = decision.new_deadline.filter(|new| new.of == of)?;
    let at = at.replace_nanosecond(0).unwrap_or(at);
    Some(rfc3339(at + time::Duration::days(new.days)))
}

/// The partner-editable values of every line.
fn partner_values(lines: &[ReportLine]) -> Vec<LineValues> {
    lines
        .iter()
        .map(|line| LineValues {
            line: line.product.name.clone(),
            chargeable: line.input.chargeable.get(),
            comment: line.input.comment.clone(),
        })
        .collect()
}

/// The partner-editable values of the lines a decision changed, before and after, as JSON for
/// the history; `None` when no line's values changed.
fn changed_lines(
    before: Vec<LineValues>,
    after: &[ReportLine],
) -> (Option<String>, Option<String>) {
    let changes = line_changes(before, partner_values(after));
    if changes.is_empty() {
        return (None, None);
    }
    let (before, after): (Vec<_>, Vec<_>) = changes
        .into_iter()
        .map(|change| (change.before, change.after))
        .unzip();
    (
        serde_json::to_string(&before).ok(),
        serde_json::to_string(&after).ok(),
    )
}

/// Every line's prices, for the history's price change.
fn price_snapshot(lines: &[ReportLine]) -> Vec<LinePricing> {
    lines
        .iter()
        .map(|line| LinePricing {
            line: line.product.name.clone(),
            unit_price: line.input.unit_price,
            margin: line.input.margin,
            code: line.pricing_code.clone(),
        })
        .collect()
}

/// The lines whose prices changed, before and after, as JSON; `None` when none did.
fn price_change(before: Vec<LinePricing>, after: Vec<LinePricing>) -> Option<String> {
    let (before, after): (Vec<_>, Vec<_>) = before
        .into_iter()
        .zip(after)
        .filter(|(before, after)| before != after)
        .unzip();
    if before.is_empty() {
        return None;
    }
    serde_json::to_string(&PriceChange { before, after }).ok()
}

// ---------------------------------------------------------------------------------------------
// Every matching report at once, for exports
// ---------------------------------------------------------------------------------------------

/// The most reports one export may hold.
pub const EXPORT_ROW_LIMIT: u32 = 100_000;
