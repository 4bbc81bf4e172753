//! Report actions: the workflow transitions of SPEC §4 and the edits allowed in each status.

use serde::Serialize;

use super::{Caller, ServiceError, UserCaller};
use crate::domain::{
    Action, Actor, ActorKind, HistoryEntry, LineInput, LineView, OpenedReport, PartnerReportDetail,
    ReportDetail, ReportOwners, ReportSummary, Status, Units, UsageFigures, apply, authorize,
    auto_submit_penalty, can_see, can_see_pricing, compute, lines_needing_comment, list_scope,
    parse_po_number,
    policy::ListScope,
    pricing::{
        LinePricing, PriceChange, SpecialValue, VerifiedCode, granted_value, parse_code,
        special_value, verify_code as judge_code,
    },
    query::{FilterOptions, ListedReports, PartnerReportPage, ReportFilter, SortKey},
    report_total, require_reason, shows_pricing, validate_partner_edit,
};
use crate::server::db::{
    Db, now_utc, pricing,
    reports::{self, HeaderUpdate, LockedReport, NewHistoryEntry, StoredLine},
};

/// The reports a user may see, matching `filter`: with pricing where the policy allows it, and
/// in the partner shape (no pricing field at all) for partners.
pub async fn list(
    db: &Db,
    user: &UserCaller,
    filter: &ReportFilter,
) -> Result<ListedReports, ServiceError> {
    let filter = permitted(&user.actor, filter);
    let page = reports::list(db, list_scope(&user.actor), &filter).await?;
    Ok(as_seen_by(&user.actor, page))
}

/// The region and distributor choices for users whose list spans distributors (the vendor and
/// platform admins); nothing for the others, who see one distributor's reports at most.
pub async fn filter_options(db: &Db, user: &UserCaller) -> Result<FilterOptions, ServiceError> {
    match list_scope(&user.actor) {
        ListScope::All | ListScope::ReachedVendor => Ok(reports::filter_options(db).await?),
        ListScope::Nothing | ListScope::Partner(_) | ListScope::Distributor(_) => {
            Ok(FilterOptions::default())
        }
    }
}

/// One report as the user may see it: with pricing, or without any pricing field for partners
/// (and for distributors while the partner is still preparing it). Another tenant's report,
/// like a missing one, is "not found".
pub async fn open(db: &Db, user: &UserCaller, id: i64) -> Result<OpenedReport, ServiceError> {
    let report = reports::open(db, id).await?.ok_or(ServiceError::NotFound)?;
    if !can_see(&user.actor, &report.owners, report.header.status) {
        return Err(ServiceError::NotFound);
    }
    let lines = {
        let mut conn = db.acquire().await?;
        reports::lines(&mut conn, id).await?
    };
    let rows = reports::history(db, id).await?;
    let price_changes = rows
        .iter()
        .filter_map(|row| {
            let json = row.prices_json.as_deref()?;
            match serde_json::from_str::<PriceChange>(json) {
                Ok(change) => Some((row.id, change)),
                Err(error) => {
                    tracing::warn!(history_id = row.id, %error, "unreadable price change");
                    None
                }
            }
        })
        .collect();
    let history: Vec<HistoryEntry> = rows
        .into_iter()
        .map(|row| HistoryEntry {
            id: row.id,
            at: row.at,
            actor: row.actor,
            actor_org: row.actor_org,
            action: row.action,
            from_status: row.from_status,
            to_status: row.to_status,
            comment: row.comment,
            before: row.before_json,
            after: row.after_json,
        })
        .collect();
    let figures: Vec<_> = lines
        .iter()
        .map(|line| compute(&line.input, report.threshold, report.header.currency))
        .collect();
    let views: Vec<LineView> = lines
        .iter()
        .zip(&figures)
        .map(|(line, figures)| LineView {
            product: line.product.clone(),
            usage: UsageFigures::new(&line.input, figures),
            unit_price: line.input.unit_price,
            margin: line.input.margin,
            catalogue_unit_price: line.catalogue_price,
            catalogue_margin: line.catalogue_margin,
            pricing_code: line.pricing_code.clone(),
            code_applied_by: line.code_applied_by.clone(),
            code_applied_at: line.code_applied_at.clone(),
            gross: figures.gross,
            amount_owed: figures.amount_owed,
            margin_amount: figures.margin_amount,
        })
        .collect();
    if !shows_pricing(&user.actor, report.header.status) {
        return Ok(OpenedReport::Partner(PartnerReportDetail {
            header: report.header,
            lines: views.iter().map(LineView::for_partner).collect(),
            history: history
                .into_iter()
                .filter(|entry| !is_pricing_entry(entry))
                .map(for_partner)
                .collect(),
        }));
    }
    Ok(OpenedReport::Priced(ReportDetail {
        header: report.header,
        rules: report.rules,
        lines: views,
        total: report_total(&figures),
        history,
        price_changes,
    }))
}

/// Asks the pricing service about a code for one line of a report the distributor may edit now.
/// Changes nothing: applying the code is [`Command::ApplyCode`], which verifies it again.
#[tracing::instrument(skip(db, user), err(Debug))]
pub async fn verify_code(
    db: &Db,
    user: &UserCaller,
    report_id: i64,
    line_id: i64,
    code: &str,
) -> Result<VerifiedCode, ServiceError> {
    let mut tx = db.pool().begin().await?;
    let header = reports::lock_header(db, &mut tx, report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    editable_by(&user.actor, &header)?;
    let lines = reports::lines(&mut tx, report_id).await?;
    let line = find_line(&lines, line_id)?;
    let verified = verify_for_line(&mut tx, &header, line, code).await;
    tx.rollback().await?;
    verified
}

/// The distributor may change this report's prices now (and anyone else is told it is not
/// theirs to see, or not theirs to change).
fn editable_by(actor: &Actor, header: &LockedReport) -> Result<(), ServiceError> {
    let owners = ReportOwners {
        partner_org_id: header.partner_id,
        distributor_org_id: header.distributor_id,
    };
    if !can_see(actor, &owners, header.status) {
        return Err(ServiceError::NotFound);
    }
    authorize(actor, &owners, header.status, Action::DistributorEdit)?;
    Ok(())
}

fn find_line(lines: &[StoredLine], line_id: i64) -> Result<&StoredLine, ServiceError> {
    lines
        .iter()
        .find(|line| line.id == line_id)
        .ok_or_else(|| ServiceError::Invalid(NOT_A_LINE.to_owned()))
}

const NOT_A_LINE: &str = "A line in this change is not part of the report.";

/// Judges a code typed for `line`: well formed, issued, for this partner, product and period,
/// and granting the value the region unlocks.
async fn verify_for_line(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    header: &LockedReport,
    line: &StoredLine,
    typed: &str,
) -> Result<VerifiedCode, ServiceError> {
    let refused = |refusal: crate::domain::pricing::CodeRefusal| {
        ServiceError::Invalid(format!("{}: {refusal}", line.product.name))
    };
    let code = parse_code(typed).map_err(refused)?;
    let record = pricing::find_code(tx, &code).await?;
    let terms = judge_code(
        record.as_ref(),
        header.partner_id,
        line.product_id,
        header.period,
    )
    .map_err(refused)?;
    let granted = granted_value(terms, header.rules.unlocks).map_err(refused)?;
    Ok(VerifiedCode {
        code,
        kind: header.rules.code_kind,
        granted,
    })
}

/// A partner's change to one line: the chargeable units as typed, and the comment.
#[derive(Clone, Debug)]
pub struct LineEdit {
    pub line_id: i64,
    pub chargeable: String,
    pub comment: Option<String>,
}

/// What a caller asks to do to a report.
#[derive(Clone, Debug)]
pub enum Command {
    SaveDraft {
        edits: Vec<LineEdit>,
    },
    Submit {
        edits: Vec<LineEdit>,
    },
    AutoSubmit,
    Reject {
        reason: String,
    },
    SubmitToVendor {
        comment: Option<String>,
    },
    Complete,
    Return {
        reason: String,
    },
    SetPoNumber {
        po_number: String,
    },
    /// A distributor applies a pricing code to a line, with the unlocked value as typed.
    ApplyCode {
        line_id: i64,
        code: String,
        value: String,
    },
    /// A distributor puts every line back to the catalogue's unit price and margin.
    ResetPricing,
}

impl Command {
    fn action(&self) -> Action {
        match self {
            Command::SaveDraft { .. } => Action::SaveDraft,
            Command::Submit { .. } => Action::Submit,
            // Whether penalties apply is known once the lines are read; the workflow only needs
            // to know the action is an auto-submit to allow or refuse it.
            Command::AutoSubmit => Action::AutoSubmit { penalties: false },
            Command::Reject { .. } => Action::Reject,
            Command::SubmitToVendor { .. } => Action::SubmitToVendor,
            Command::Complete => Action::Complete,
            Command::Return { .. } => Action::Return,
            Command::SetPoNumber { .. } | Command::ApplyCode { .. } | Command::ResetPricing => {
                Action::DistributorEdit
            }
        }
    }

    /// What the history calls this command, where that says more than the workflow's action.
    fn history_code(&self) -> Option<&'static str> {
        match self {
            Command::ApplyCode { .. } => Some(APPLY_PRICING_CODE),
            Command::ResetPricing => Some(RESET_PRICING),
            _ => None,
        }
    }
}

/// History codes of the pricing actions. Those entries are about prices, between the
/// distributor and the vendor: partners' history leaves them out.
const APPLY_PRICING_CODE: &str = "apply_pricing_code";
const RESET_PRICING: &str = "reset_pricing";

fn is_pricing_entry(entry: &HistoryEntry) -> bool {
    matches!(entry.action.as_str(), APPLY_PRICING_CODE | RESET_PRICING)
}

/// A history entry as the partner reads it: what the distributor and the vendor write to each
/// other (the comment to the vendor, the vendor's reason for returning it) stays between them,
/// since that is where prices and codes get discussed. The event itself remains.
fn for_partner(mut entry: HistoryEntry) -> HistoryEntry {
    let between_distributor_and_vendor = [Action::SubmitToVendor, Action::Return]
        .iter()
        .any(|action| action.as_code() == entry.action);
    if between_distributor_and_vendor {
        entry.comment = None;
    }
    entry
}

/// What an accepted action left behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub version: i64,
}

/// Values of a line before and after a change, for the history.
#[derive(Serialize)]
struct LineChange<'a> {
    line: &'a str,
    chargeable: u64,
    comment: Option<&'a str>,
}

/// Runs one action on one report as one transaction with one history entry.
#[tracing::instrument(skip(db, caller, command), fields(action = ?command.action()), err(Debug))]
pub async fn act(
    db: &Db,
    caller: &Caller,
    report_id: i64,
    expected_version: i64,
    command: Command,
) -> Result<Outcome, ServiceError> {
    let mut tx = db.begin_write().await?;
    let header = reports::lock_header(db, &mut tx, report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let owners = ReportOwners {
        partner_org_id: header.partner_id,
        distributor_org_id: header.distributor_id,
    };
    let action = command.action();
    // Visibility first, so a stale version never tells a stranger that the report exists; then
    // the version, so whoever lost a race hears "changed meanwhile" rather than a refusal that
    // only holds for the new state.
    if let Caller::User(user) = caller
        && !can_see(&user.actor, &owners, header.status)
    {
        return Err(ServiceError::NotFound);
    }
    if header.version != expected_version {
        return Err(ServiceError::Conflict {
            current_version: header.version,
        });
    }
    let mut next = match caller {
        Caller::User(user) => authorize(&user.actor, &owners, header.status, action)?,
        Caller::System => apply(header.status, action, ActorKind::System)?,
    };

    let mut lines = reports::lines(&mut tx, report_id).await?;
    let before = snapshot(&lines);
    let prices_before = price_snapshot(&lines);
    let history_code = command.history_code();
    let now = now_utc();
    let mut po_number = header.po_number.clone();
    let mut comment = None;
    let mut submission_deadline = None;
    let mut auto_penalties = false;
    let mut lines_changed = false;

    match command {
        Command::SaveDraft { edits } => {
            apply_edits(&mut lines, &edits)?;
            lines_changed = true;
        }
        Command::Submit { edits } => {
            apply_edits(&mut lines, &edits)?;
            lines_changed = true;
            let inputs: Vec<LineInput> = lines.iter().map(|l| l.input.clone()).collect();
            let missing = lines_needing_comment(&inputs, header.threshold);
            if !missing.is_empty() {
                let names: Vec<&str> = missing
                    .iter()
                    .filter_map(|&i| lines.get(i))
                    .map(|l| l.product.name.as_str())
                    .collect();
                return Err(ServiceError::Invalid(format!(
                    "Please explain the lower chargeable units before submitting: {} need a comment.",
                    names.join(", ")
                )));
            }
        }
        Command::AutoSubmit => {
            let mut inputs: Vec<LineInput> = lines.iter().map(|l| l.input.clone()).collect();
            let outcome = auto_submit_penalty(&inputs, header.threshold);
            auto_penalties = outcome.penalties_applied();
            outcome.apply_to(&mut inputs);
            for (line, input) in lines.iter_mut().zip(inputs) {
                line.input = input;
            }
            next = apply(
                header.status,
                Action::AutoSubmit {
                    penalties: auto_penalties,
                },
                ActorKind::System,
            )?;
            lines_changed = auto_penalties;
            if auto_penalties {
                comment = Some(format!(
                    "Deadline passed: {} uncommented over-provisioned line(s) charged at provisioned.",
                    outcome.penalties.len()
                ));
            }
        }
        Command::Reject { reason } => {
            comment = Some(require_reason(&reason)?);
            submission_deadline = Some(days_from_now(RESUBMISSION_DAYS));
        }
        Command::SubmitToVendor { comment: to_vendor } => {
            if po_number.as_deref().is_none_or(|po| po.trim().is_empty()) {
                return Err(ServiceError::Invalid(
                    "Set a PO number before submitting the report to the vendor.".to_owned(),
                ));
            }
            comment = to_vendor
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty());
        }
        Command::Complete => {}
        Command::Return { reason } => comment = Some(require_reason(&reason)?),
        Command::SetPoNumber { po_number: typed } => {
            let parsed =
                parse_po_number(&typed).map_err(|e| ServiceError::Invalid(e.to_string()))?;
            comment = Some(format!(
                "PO number {} → {parsed}",
                po_number.as_deref().unwrap_or("(none)")
            ));
            po_number = Some(parsed);
        }
        Command::ApplyCode {
            line_id,
            code,
            value,
        } => {
            let index = lines
                .iter()
                .position(|line| line.id == line_id)
                .ok_or_else(|| ServiceError::Invalid(NOT_A_LINE.to_owned()))?;
            let verified = verify_for_line(&mut tx, &header, &lines[index], &code).await?;
            let line = &mut lines[index];
            let value = special_value(
                &value,
                verified.granted,
                line.catalogue_price,
                line.catalogue_margin,
            )
            .map_err(|e| ServiceError::Invalid(format!("{}: {e}", line.product.name)))?;
            let applied_by = match caller {
                Caller::User(user) => user.name.clone(),
                Caller::System => "system".to_owned(),
            };
            // One code per line, unlocking one value: the other stays at the catalogue's.
            line.input.unit_price = line.catalogue_price;
            line.input.margin = line.catalogue_margin;
            match value {
                SpecialValue::UnitPrice(price) => line.input.unit_price = price,
                SpecialValue::Margin(margin) => line.input.margin = margin,
            }
            comment = Some(format!(
                "{} {} applied to {}",
                verified.kind.label(),
                verified.code,
                line.product.name
            ));
            line.pricing_code = Some(verified.code);
            line.code_applied_by = Some(applied_by);
            line.code_applied_at = Some(now.clone());
            lines_changed = true;
        }
        Command::ResetPricing => {
            let mut reset = 0;
            for line in lines.iter_mut().filter(|line| has_special_pricing(line)) {
                line.input.unit_price = line.catalogue_price;
                line.input.margin = line.catalogue_margin;
                line.pricing_code = None;
                line.code_applied_by = None;
                line.code_applied_at = None;
                reset += 1;
            }
            if reset == 0 {
                return Err(ServiceError::Invalid(
                    "Every line already has the catalogue's unit price and channel margin; there is nothing to reset."
                        .to_owned(),
                ));
            }
            comment = Some(format!(
                "Unit prices and channel margins reset to the catalogue on {reset} line(s)"
            ));
            lines_changed = true;
        }
    }

    let figures: Vec<_> = lines
        .iter()
        .map(|line| compute(&line.input, header.threshold, header.currency))
        .collect();
    if lines_changed {
        for (line, figures) in lines.iter().zip(&figures) {
            reports::save_line(&mut tx, line, figures).await?;
        }
    }
    let update = HeaderUpdate {
        status: next,
        po_number,
        total: report_total(&figures),
        has_comments: lines.iter().any(|l| l.input.comment.is_some()),
        auto_penalties: auto_penalties.then_some(true),
        submission_deadline,
        updated_at: now.clone(),
    };
    if !reports::update_header(&mut tx, report_id, expected_version, &update).await? {
        let current_version = reports::current_version(&mut tx, report_id)
            .await?
            .unwrap_or(expected_version);
        return Err(ServiceError::Conflict { current_version });
    }
    let after = snapshot(&lines);
    let (actor, actor_org, actor_role) = match caller {
        Caller::User(user) => (
            user.name.clone(),
            Some(user.org_name.clone()),
            Some(format!("{:?}", user.actor.role)),
        ),
        Caller::System => ("system".to_owned(), None, None),
    };
    let entry = NewHistoryEntry {
        at: now,
        actor,
        actor_org,
        actor_role,
        action: history_code
            .unwrap_or(recorded_action(action, auto_penalties).as_code())
            .to_owned(),
        from_status: Some(header.status.label()),
        to_status: Some(next.label()),
        comment,
        before_json: (before != after).then_some(before),
        // Pricing actions leave the partner's values alone: nothing to record for them there.
        after_json: (lines_changed && history_code.is_none()).then_some(after),
        prices_json: price_change(prices_before, price_snapshot(&lines)),
    };
    reports::append_history(&mut tx, report_id, &entry).await?;
    tx.commit().await?;
    Ok(Outcome {
        status: next,
        version: expected_version + 1,
    })
}

/// How long a partner has to fix and resubmit a rejected report.
const RESUBMISSION_DAYS: i64 = 7;

/// UTC RFC 3339 text `days` from now: a new deadline.
fn days_from_now(days: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::days(days))
        .replace_nanosecond(0)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The action as it turned out (an auto-submit learns about penalties from the lines).
fn recorded_action(action: Action, penalties: bool) -> Action {
    match action {
        Action::AutoSubmit { .. } => Action::AutoSubmit { penalties },
        other => other,
    }
}

/// The partner-editable values of every line, as JSON, for the history's before/after.
fn snapshot(lines: &[StoredLine]) -> String {
    let changes: Vec<LineChange<'_>> = lines
        .iter()
        .map(|line| LineChange {
            line: &line.product.name,
            chargeable: line.input.chargeable.get(),
            comment: line.input.comment.as_deref(),
        })
        .collect();
    serde_json::to_string(&changes).unwrap_or_default()
}

/// A line priced otherwise than the catalogue, or carrying a code.
fn has_special_pricing(line: &StoredLine) -> bool {
    crate::domain::pricing::has_special_pricing(
        line.input.unit_price,
        line.input.margin,
        line.catalogue_price,
        line.catalogue_margin,
        line.pricing_code.as_deref(),
    )
}

/// The filter as `actor` may use it: someone who may not see totals may not order by them either
/// (that sort falls back to the default).
fn permitted(actor: &Actor, filter: &ReportFilter) -> ReportFilter {
    let mut filter = filter.clone();
    if !can_see_pricing(actor) && filter.sort == SortKey::Total {
        filter.sort = SortKey::default();
    }
    filter
}

/// Every line's prices, for the history's price change.
fn price_snapshot(lines: &[StoredLine]) -> Vec<LinePricing> {
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

/// Applies a partner's edits, each validated by the domain; any bad edit refuses them all.
fn apply_edits(lines: &mut [StoredLine], edits: &[LineEdit]) -> Result<(), ServiceError> {
    for edit in edits {
        let line = lines
            .iter_mut()
            .find(|line| line.id == edit.line_id)
            .ok_or_else(|| ServiceError::Invalid(NOT_A_LINE.to_owned()))?;
        let typed = Units::parse(&edit.chargeable)
            .map_err(|e| ServiceError::Invalid(format!("{}: {e}", line.product.name)))?;
        let comment = edit
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let chargeable =
            validate_partner_edit(line.input.provisioned, line.input.used, typed, comment)
                .map_err(|e| ServiceError::Invalid(format!("{}: {e}", line.product.name)))?;
        line.input.chargeable = chargeable;
        line.input.comment = comment.map(str::to_owned);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Every matching report at once, for exports
// ---------------------------------------------------------------------------------------------

/// The most reports one export may hold.
pub const EXPORT_ROW_LIMIT: u32 = 100_000;

/// Every report a user may see matching `filter` (all pages), shaped exactly as [`list`] shapes
/// one page: with pricing where the policy allows it, in the partner shape for partners. More
/// than `limit` matching reports are refused, asking to narrow the filters; a user of a region
/// without billing reports is told so rather than given an empty export.
#[tracing::instrument(skip(db, user), err(Debug))]
pub async fn list_for_export(
    db: &Db,
    user: &UserCaller,
    filter: &ReportFilter,
    limit: u32,
) -> Result<ListedReports, ServiceError> {
    if !crate::domain::policy::region_allows(&user.actor) {
        return Err(crate::domain::Refusal::RegionDisabled.into());
    }
    let filter = permitted(&user.actor, filter);
    let rows = reports::list_all(
        db,
        list_scope(&user.actor),
        &filter,
        limit.saturating_add(1),
    )
    .await?;
    if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        return Err(ServiceError::Invalid(format!(
            "These filters match more than {} reports, more than one export can hold. \
             Please narrow the filters (a period, a status or a partner) and try again.",
            crate::domain::format::units(u64::from(limit))
        )));
    }
    let page = crate::domain::query::ReportPage {
        total_count: u64::try_from(rows.len()).unwrap_or(u64::MAX),
        rows,
        page: 1,
        page_size: limit,
    };
    Ok(as_seen_by(&user.actor, page))
}

/// A page of report rows as `actor` may see it: the partner shape (no pricing field at all) for
/// partners; otherwise with the total, but only for the reports whose status shows pricing to
/// them (a distributor sees none while the partner is preparing).
fn as_seen_by(
    actor: &crate::domain::Actor,
    mut page: crate::domain::query::ReportPage,
) -> ListedReports {
    if !can_see_pricing(actor) {
        return ListedReports::Partner(PartnerReportPage {
            rows: page.rows.iter().map(ReportSummary::for_partner).collect(),
            total_count: page.total_count,
            page: page.page,
            page_size: page.page_size,
        });
    }
    for row in &mut page.rows {
        if !shows_pricing(actor, row.status) {
            row.total = None;
        }
    }
    ListedReports::Priced(page)
}
