//! Report actions: the workflow transitions of SPEC §4 and the edits allowed in each status.

use serde::Serialize;

use super::{Caller, ServiceError, UserCaller};
use crate::domain::{
    Action, ActorKind, HistoryEntry, LineInput, LineView, OpenedReport, PartnerReportDetail,
    ReportDetail, ReportOwners, ReportSummary, Status, Units, UsageFigures, apply, authorize,
    auto_submit_penalty, can_see, can_see_pricing, compute, lines_needing_comment, list_scope,
    parse_po_number,
    query::{ListedReports, PartnerReportPage, ReportFilter},
    report_total, require_reason, shows_pricing, validate_partner_edit,
};
use crate::server::db::{
    Db, now_utc,
    reports::{self, HeaderUpdate, NewHistoryEntry, StoredLine},
};

/// The reports a user may see, matching `filter`: with pricing where the policy allows it, and
/// in the partner shape (no pricing field at all) for partners.
pub async fn list(
    db: &Db,
    user: &UserCaller,
    filter: &ReportFilter,
) -> Result<ListedReports, ServiceError> {
    let page = reports::list(db, list_scope(&user.actor), filter).await?;
    Ok(as_seen_by(&user.actor, page))
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
    let history = reports::history(db, id)
        .await?
        .into_iter()
        .map(|row| HistoryEntry {
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
            gross: figures.gross,
            amount_owed: figures.amount_owed,
            margin_amount: figures.margin_amount,
        })
        .collect();
    if !shows_pricing(&user.actor, report.header.status) {
        return Ok(OpenedReport::Partner(PartnerReportDetail {
            header: report.header,
            lines: views.iter().map(LineView::for_partner).collect(),
            history,
        }));
    }
    Ok(OpenedReport::Priced(ReportDetail {
        header: report.header,
        lines: views,
        total: report_total(&figures),
        history,
    }))
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
    SaveDraft { edits: Vec<LineEdit> },
    Submit { edits: Vec<LineEdit> },
    AutoSubmit,
    Reject { reason: String },
    SubmitToVendor { comment: Option<String> },
    Complete,
    Return { reason: String },
    SetPoNumber { po_number: String },
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
            Command::SetPoNumber { .. } => Action::DistributorEdit,
        }
    }
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
    let now = now_utc();
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
        action: recorded_action(action, auto_penalties).as_code().to_owned(),
        from_status: Some(header.status.label()),
        to_status: Some(next.label()),
        comment,
        before_json: (before != after).then_some(before),
        after_json: lines_changed.then_some(after),
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

/// Applies a partner's edits, each validated by the domain; any bad edit refuses them all.
fn apply_edits(lines: &mut [StoredLine], edits: &[LineEdit]) -> Result<(), ServiceError> {
    for edit in edits {
        let line = lines
            .iter_mut()
            .find(|line| line.id == edit.line_id)
            .ok_or_else(|| {
                ServiceError::Invalid("A line in this change is not part of the report.".to_owned())
            })?;
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
    let rows =
        reports::list_all(db, list_scope(&user.actor), filter, limit.saturating_add(1)).await?;
    if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        return Err(ServiceError::Invalid(format!(
            "These filters match more than {} reports, more than one export can hold. \
             Please narrow the filters (a period, a status or a partner) and try again.",
            crate::ui::format::units(u64::from(limit))
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
