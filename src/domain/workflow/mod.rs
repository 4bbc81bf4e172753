//! Deciding one command against a report: the workflow's status change (through `policy` and
//! `status`), the lines it changes, the header fields it sets, and what its history entry says —
//! or a typed refusal. Nothing here reads or writes anything: the report service locks and loads
//! the report, calls [`decide`], and stores what it returns.

use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::deadline::DeadlineOf;
use super::history::HistoryEvent;
use super::line::{
    LineFigures, LineInput, MAX_AMOUNT, auto_submit_penalty, check_amounts, compute,
    lines_needing_comment,
};
use super::numbers::ThresholdPercent;
use super::numbers::Units;
use super::period::Period;
use super::policy::{Actor, ReportOwners, authorize};
use super::pricing::{PricingRules, VerifiedCode, priced_with, special_value};
use super::report::{ReportLine, parse_po_number};
use super::status::{Action, ActorKind, Refusal, Status, apply, require_reason};
use super::usage::read_line;

mod error;
pub use error::{CommandError, Field};

/// How long a partner has to fix and resubmit a rejected report.
pub const RESUBMISSION_DAYS: i64 = 7;

/// How long a distributor has to review a report again once the vendor returned it: a fresh
/// review window as long as the first one (the 5th to the 12th of the month).
pub const REREVIEW_DAYS: i64 = 7;

/// A deadline an action sets afresh: whose it is, and how many days after the action it falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewDeadline {
    pub of: DeadlineOf,
    pub days: i64,
}

/// What the decision needs to know about the report itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportState {
    pub owners: ReportOwners,
    pub status: Status,
    pub po_number: Option<String>,
    pub period: Period,
    pub currency: Currency,
    pub threshold: ThresholdPercent,
    pub rules: PricingRules,
}

/// A partner's change to one line: the chargeable units as typed, and the comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEdit {
    pub line_id: i64,
    pub chargeable: String,
    pub comment: Option<String>,
}

/// What a caller asks to do to a report.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// The distributor sends the report to the vendor, setting the PO number in the same step
    /// when one is given (and differs from the saved one).
    SubmitToVendor {
        po_number: Option<String>,
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
    /// A distributor takes one line's special pricing off (back to the catalogue).
    RemoveCode {
        line_id: i64,
    },
    /// The usage feed corrects lines of a report the partner is still preparing.
    UpdateUsage {
        corrections: Vec<UsageCorrection>,
    },
    /// The system sends a clean report to the vendor when the review window ended, under the
    /// distributor's rule (`rule`: its conditions, as the history names them), with the PO
    /// number the rule's pattern gives when none was set.
    AutoApprove {
        po_number: Option<String>,
        rule: String,
    },
}

/// The usage feed's figures for one line of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageCorrection {
    pub line_id: i64,
    pub provisioned: Units,
    pub used: Option<Units>,
}

impl Command {
    /// The workflow action the command takes (an auto-submit learns about penalties from the
    /// lines; the workflow only needs to know it is one).
    pub const fn action(&self) -> Action {
        match self {
            Command::SaveDraft { .. } => Action::SaveDraft,
            Command::Submit { .. } => Action::Submit,
            Command::AutoSubmit => Action::AutoSubmit { penalties: false },
            Command::Reject { .. } => Action::Reject,
            Command::SubmitToVendor { .. } => Action::SubmitToVendor,
            Command::Complete => Action::Complete,
            Command::Return { .. } => Action::Return,
            Command::SetPoNumber { .. }
            | Command::ApplyCode { .. }
            | Command::ResetPricing
            | Command::RemoveCode { .. } => Action::DistributorEdit,
            Command::UpdateUsage { .. } => Action::UpdateUsage,
            Command::AutoApprove { .. } => Action::AutoApprove,
        }
    }
}

/// Who is acting, as the decision sees them.
#[derive(Clone, Copy, Debug)]
pub enum Acting<'a> {
    /// A signed-in user, by name (recorded on a code they apply).
    User { actor: &'a Actor, name: &'a str },
    /// The system's own jobs (deadlines).
    System,
}

/// What to store for an accepted command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub status: Status,
    /// Every line, as it is to be stored.
    pub lines: Vec<ReportLine>,
    /// Whether any line needs writing.
    pub lines_changed: bool,
    pub po_number: Option<String>,
    /// A deadline set afresh: the partner's after a rejection, the distributor's after the
    /// vendor returned the report.
    pub new_deadline: Option<NewDeadline>,
    /// Penalties were applied at an auto-submission.
    pub auto_penalties: bool,
    /// The PO number set in the same step as a submission to the vendor, as its own history
    /// entry's comment ("PO number (none) → 4500012345"), recorded before the transition.
    pub po_change: Option<String>,
    /// What the history entry records.
    pub event: HistoryEvent,
    pub comment: Option<String>,
}

/// Whether `acting` may take `action` on the report at all, and the status it would lead to:
/// the policy for people, the workflow alone for the system's jobs.
pub fn permit(state: &ReportState, action: Action, acting: Acting<'_>) -> Result<Status, Refusal> {
    match acting {
        Acting::User { actor, .. } => authorize(actor, &state.owners, state.status, action),
        Acting::System => apply(state.status, action, ActorKind::System),
    }
}

/// Decides `command` taken by `acting` on a report in `state` with `lines`, at `now` (UTC, RFC
/// 3339). `verified` is the code the pricing service verified for an [`Command::ApplyCode`]'s line.
pub fn decide(
    state: &ReportState,
    mut lines: Vec<ReportLine>,
    command: Command,
    acting: Acting<'_>,
    verified: Option<&VerifiedCode>,
    now: &str,
) -> Result<Decision, CommandError> {
    let action = command.action();
    let status = permit(state, action, acting)?;
    let mut decision = Decision {
        status,
        lines: Vec::new(),
        lines_changed: false,
        po_number: state.po_number.clone(),
        new_deadline: None,
        po_change: None,
        auto_penalties: false,
        event: HistoryEvent::transition(action).unwrap_or(HistoryEvent::PoNumberSet),
        comment: None,
    };
    match command {
        Command::SaveDraft { edits } => {
            if !apply_edits(&mut lines, &edits)? {
                return Err(CommandError::NothingToSave);
            }
            decision.lines_changed = true;
        }
        Command::Submit { edits } => {
            decision.lines_changed = apply_edits(&mut lines, &edits)?;
            let inputs: Vec<LineInput> = lines.iter().map(|l| l.input.clone()).collect();
            let missing = lines_needing_comment(&inputs, state.threshold);
            if !missing.is_empty() {
                let lines = missing
                    .iter()
                    .filter_map(|&i| lines.get(i))
                    .map(|l| l.product.name.clone())
                    .collect();
                return Err(CommandError::CommentsMissing { lines });
            }
        }
        Command::AutoSubmit => {
            let mut inputs: Vec<LineInput> = lines.iter().map(|l| l.input.clone()).collect();
            let outcome = auto_submit_penalty(&inputs, state.threshold);
            let penalties = outcome.penalties_applied();
            outcome.apply_to(&mut inputs);
            for (line, input) in lines.iter_mut().zip(inputs) {
                line.input = input;
            }
            let action = Action::AutoSubmit { penalties };
            decision.status = apply(state.status, action, ActorKind::System)?;
            decision.event = HistoryEvent::AutoSubmitted { penalties };
            decision.auto_penalties = penalties;
            decision.lines_changed = penalties;
            if penalties {
                decision.comment = Some(format!(
                    "Deadline passed: {} uncommented over-provisioned line(s) charged at provisioned.",
                    outcome.penalties.len()
                ));
            }
        }
        Command::Reject { reason } => {
            decision.comment = Some(require_reason(&reason)?);
            decision.new_deadline = Some(NewDeadline {
                of: DeadlineOf::Partner,
                days: RESUBMISSION_DAYS,
            });
        }
        Command::SubmitToVendor { po_number, comment } => {
            let po = po_number_to_submit(state.po_number.as_deref(), po_number.as_deref())?;
            if state.po_number.as_deref() != Some(po.as_str()) {
                decision.po_change = Some(po_change_text(state, &po));
                decision.po_number = Some(po);
            }
            decision.comment = comment
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty());
            if let Some(len) = decision.comment.as_deref().and_then(super::text::too_long) {
                return Err(CommandError::CommentToVendorTooLong(len));
            }
        }
        Command::Complete => {}
        Command::Return { reason } => {
            decision.comment = Some(require_reason(&reason)?);
            decision.new_deadline = Some(NewDeadline {
                of: DeadlineOf::Distributor,
                days: REREVIEW_DAYS,
            });
        }
        Command::SetPoNumber { po_number } => {
            let parsed = parse_po_number(&po_number).map_err(CommandError::PoNumber)?;
            if state.po_number.as_deref() == Some(parsed.as_str()) {
                return Err(CommandError::PoNumberUnchanged(parsed));
            }
            decision.comment = Some(po_change_text(state, &parsed));
            decision.po_number = Some(parsed);
            decision.event = HistoryEvent::PoNumberSet;
        }
        Command::ApplyCode { line_id, value, .. } => {
            let line = lines
                .iter_mut()
                .find(|line| line.id == line_id)
                .ok_or(CommandError::NotALine)?;
            let verified =
                verified.ok_or_else(|| CommandError::CodeNotVerified(line.product.name.clone()))?;
            let value = special_value(
                &value,
                verified.granted,
                line.catalogue_price,
                line.catalogue_margin,
            )
            .map_err(|error| CommandError::SpecialValue {
                line: line.product.name.clone(),
                error,
            })?;
            (line.input.unit_price, line.input.margin) =
                priced_with(value, line.catalogue_price, line.catalogue_margin);
            decision.comment = Some(format!(
                "{} {} applied to {}",
                verified.kind.label(),
                verified.code,
                line.product.name
            ));
            line.pricing_code = Some(verified.code.clone());
            line.code_applied_by = Some(match acting {
                Acting::User { name, .. } => name.to_owned(),
                Acting::System => "system".to_owned(),
            });
            line.code_applied_at = Some(now.to_owned());
            decision.lines_changed = true;
            decision.event = HistoryEvent::PricingCodeApplied;
        }
        Command::ResetPricing => {
            let mut reset = 0;
            for line in lines.iter_mut().filter(|line| line.has_special_pricing()) {
                line.reset_pricing();
                reset += 1;
            }
            if reset == 0 {
                return Err(CommandError::NothingToReset);
            }
            decision.comment = Some(format!(
                "Unit prices and channel margins reset to the catalogue on {reset} line(s)"
            ));
            decision.lines_changed = true;
            decision.event = HistoryEvent::PricingReset;
        }
        Command::RemoveCode { line_id } => {
            let line = lines
                .iter_mut()
                .find(|line| line.id == line_id)
                .ok_or(CommandError::NotALine)?;
            if !line.has_special_pricing() {
                return Err(CommandError::NoCodeToRemove(line.product.name.clone()));
            }
            decision.comment = Some(match &line.pricing_code {
                Some(code) => format!("{code} removed from {}", line.product.name),
                None => format!("Special pricing removed from {}", line.product.name),
            });
            line.reset_pricing();
            decision.lines_changed = true;
            decision.event = HistoryEvent::PricingCodeRemoved;
        }
        Command::UpdateUsage { corrections } => {
            let mut changes = Vec::new();
            for correction in corrections {
                let line = lines
                    .iter_mut()
                    .find(|line| line.id == correction.line_id)
                    .ok_or(CommandError::NotALine)?;
                let before = line.input.clone();
                line.input =
                    super::feed::corrected_line(&before, correction.provisioned, correction.used);
                if line.input != before {
                    changes.push(super::feed::describe_correction(
                        &line.product.sku,
                        &before,
                        &line.input,
                    ));
                }
            }
            if changes.is_empty() {
                return Err(CommandError::NothingToSave);
            }
            decision.comment = Some(changes.join("; "));
            decision.lines_changed = true;
            decision.event = HistoryEvent::UsageImported;
        }
        Command::AutoApprove { po_number, rule } => {
            let po = po_number_to_submit(state.po_number.as_deref(), po_number.as_deref())?;
            if state.po_number.as_deref() != Some(po.as_str()) {
                decision.po_change = Some(po_change_text(state, &po));
                decision.po_number = Some(po);
            }
            decision.comment = Some(rule);
        }
    }
    if decision.lines_changed {
        check_storable(state, &lines)?;
    }
    decision.lines = lines;
    Ok(decision)
}

/// Refuses lines whose amounts could not be billed and stored (see [`MAX_AMOUNT`]).
fn check_storable(state: &ReportState, lines: &[ReportLine]) -> Result<(), CommandError> {
    let figures: Vec<LineFigures> = lines
        .iter()
        .map(|line| compute(&line.input, state.threshold, state.currency))
        .collect();
    check_amounts(&figures).map_err(|too_large| CommandError::AmountTooLarge {
        line: too_large
            .line
            .and_then(|i| lines.get(i))
            .map(|line| line.product.name.clone()),
        max: super::format::money_with_code(MAX_AMOUNT, state.currency),
    })
}

/// The PO number a submission to the vendor carries: the one typed with it (read by
/// [`parse_po_number`]), else the one saved; refused when there is neither. The page asks the
/// same before it asks for a confirmation.
pub fn po_number_to_submit(
    saved: Option<&str>,
    typed: Option<&str>,
) -> Result<String, CommandError> {
    match typed.filter(|po| !po.trim().is_empty()) {
        Some(typed) => parse_po_number(typed).map_err(CommandError::PoNumber),
        None => saved
            .filter(|po| !po.trim().is_empty())
            .map(str::to_owned)
            .ok_or(CommandError::PoNumberRequired),
    }
}

/// The history's words for a PO number change.
fn po_change_text(state: &ReportState, new: &str) -> String {
    format!(
        "PO number {} → {new}",
        state.po_number.as_deref().unwrap_or("(none)")
    )
}

/// Applies a partner's edits, each read by the line rules ([`read_line`]); any bad edit refuses
/// them all. Answers whether any line's values changed.
fn apply_edits(lines: &mut [ReportLine], edits: &[LineEdit]) -> Result<bool, CommandError> {
    let mut changed = false;
    for edit in edits {
        let line = lines
            .iter_mut()
            .find(|line| line.id == edit.line_id)
            .ok_or(CommandError::NotALine)?;
        let read = read_line(
            line.input.provisioned,
            line.input.used,
            &edit.chargeable,
            edit.comment.as_deref().unwrap_or_default(),
        )
        .map_err(|problem| CommandError::Line {
            line: line.product.name.clone(),
            problem,
        })?;
        changed |= read.chargeable != line.input.chargeable || read.comment != line.input.comment;
        line.input.chargeable = read.chargeable;
        line.input.comment = read.comment;
    }
    Ok(changed)
}
