//! The line table without prices: what partners get (and distributors while the partner is
//! still preparing the report). Usage only; there is no pricing field to leave empty.
//!
//! While the partner may act, each row edits its chargeable units and comment: the domain's
//! rules judge the typing as it happens (`line_drafts`), and Enter in a row saves that line.

use leptos::prelude::*;

use crate::api::reports::ReportAction;
use crate::domain::{
    EditError, PartnerLineView,
    usage::{LineProblem, UsageRules},
};
use crate::ui::format;

use super::{
    cells::{previous_cell, product_cell, usage_cells, usage_facts, usage_heads},
    line_drafts::LineDrafts,
};

/// What the rows need to edit: the typing, the action to save a line, and whether one is running.
#[derive(Clone, Copy)]
pub(super) struct Editing {
    pub(super) drafts: LineDrafts,
    pub(super) act: Callback<ReportAction>,
    pub(super) busy: Signal<bool>,
}

/// One row per line: the product and its usage figures, editable when `editing` is given.
#[component]
pub(super) fn UsageLines(
    lines: Vec<PartnerLineView>,
    rules: UsageRules,
    editing: Option<Editing>,
) -> impl IntoView {
    let editable = editing.is_some();
    let rows = lines
        .into_iter()
        .map(|line| match editing {
            Some(editing) => view! { <EditableRow line rules editing /> }.into_any(),
            None => view! {
                <tr>{product_cell(&line.product)}{usage_cells(&line.usage, line.product.line_id, rules)}</tr>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <div class="table-wrap lines">
            <table class="lines" class:editable=editable>
                <thead>
                    <tr>
                        {usage_heads()}
                        {editable.then(|| view! { <th scope="col">"Comment"</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The id of a line's chargeable input.
pub(super) fn chargeable_id(line_id: i64) -> String {
    format!("chargeable-{line_id}")
}

/// The id of a line's comment box.
pub(super) fn comment_id(line_id: i64) -> String {
    format!("comment-{line_id}")
}

/// A line the partner edits: chargeable units and comment as inputs, what is wrong beside them.
#[component]
fn EditableRow(line: PartnerLineView, rules: UsageRules, editing: Editing) -> impl IntoView {
    let Editing { drafts, act, busy } = editing;
    let id = line.product.line_id;
    let name = line.product.name.clone();
    let line = StoredValue::new(line);
    let check = Memo::new(move |_| line.with_value(|line| drafts.check(line, rules)));
    let shown = Memo::new(move |_| line.with_value(|line| drafts.shown(line)));
    let unsaved = Memo::new(move |_| line.with_value(|line| drafts.is_unsaved(line)));
    let (charge_id, note_id) = (chargeable_id(id), comment_id(id));
    let charge_error_id = format!("chargeable-{id}-error");
    let comment_error_id = format!("comment-{id}-why");
    // A missing comment is said beside the comment box; anything else beside the number.
    let number_problem = move || {
        check.with(|c| match &c.read {
            Err(
                problem @ (LineProblem::Unreadable(_)
                | LineProblem::Edit(EditError::ChargeableOutOfRange { .. })),
            ) => Some(problem.to_string()),
            _ => None,
        })
    };
    let comment_problem = move || {
        check.with(|c| match &c.read {
            Err(problem @ LineProblem::CommentTooLong(_)) => Some(problem.to_string()),
            _ => c.comment_needed.clone(),
        })
    };
    let penalty = move || {
        check.with(|c| c.penalised_at_deadline).then(|| {
            let provisioned = line.with_value(|l| l.usage.provisioned.get());
            view! {
                <span class="cell-note warn-text">
                    {format!("Without a comment, the deadline charges {}", format::units(provisioned))}
                </span>
            }
        })
    };
    let save_line = move || {
        if !busy.get_untracked() && unsaved.get_untracked() {
            let edit = line.with_value(|line| drafts.edit_of(line));
            act.run(ReportAction::SaveDraft { edits: vec![edit] });
        }
    };
    let meanwhile = move || {
        line.with_value(|line| drafts.changed_meanwhile(line)).map(|(units, comment)| {
            let comment = comment.map(|c| format!(", “{c}”")).unwrap_or_default();
            view! {
                <span class="cell-note warn-text" role="status">
                    {format!("Changed by someone else meanwhile: now {}{comment}", format::units(units.get()))}
                </span>
            }
        })
    };
    let default_units = line.with_value(|l| l.usage.default_chargeable.get());
    let use_default = move |_| {
        line.with_value(|line| {
            drafts.edit(line, |draft| draft.chargeable = default_units.to_string())
        })
    };
    let product = line.with_value(|l| product_cell(&l.product));
    let facts = line.with_value(|l| usage_facts(&l.usage));
    let previous = line.with_value(|l| l.usage.previous_chargeable);
    view! {
        <tr class:needs-comment-row=move || check.with(|c| c.comment_needed.is_some())
            class:unsaved=move || unsaved.get() data-line=id>
            {product}
            {facts}
            {previous_cell(previous, move || check.with(|c| c.anomaly), rules)}
            <td class="num chargeable edit-cell" data-label="Chargeable">
                <input id=charge_id type="text" inputmode="numeric" autocomplete="off" size="7"
                    class="units-input"
                    aria-label=format!("Chargeable units for {name}")
                    aria-invalid=move || if number_problem().is_some() { "true" } else { "false" }
                    aria-describedby=charge_error_id.clone()
                    prop:value=move || shown.get().0
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        line.with_value(|line| drafts.edit(line, |draft| draft.chargeable = text));
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            save_line();
                        }
                    } />
                <span class="field-error" id=charge_error_id aria-live="polite">{number_problem}</span>
                {move || check.with(|c| c.comment_needed.is_some()).then(|| view! { <span class="needs-comment">"needs a comment"</span> })}
                {meanwhile}
                {move || {
                    let at_default = shown.with(|(typed, _)| typed.trim() == default_units.to_string());
                    (!at_default).then(|| view! {
                        <button type="button" class="link-button" on:click=use_default
                            aria-label=format!("Use the default, {}, for {}", format::units(default_units), line.with_value(|l| l.product.name.clone()))>
                            {format!("Use default ({})", format::units(default_units))}
                        </button>
                    })
                }}
            </td>
            <td class="comment-cell" data-label="Comment">
                <textarea id=note_id rows="2" maxlength="2000" class="comment-input"
                    aria-label=format!("Comment on {}", line.with_value(|l| l.product.name.clone()))
                    aria-invalid=move || if comment_problem().is_some() { "true" } else { "false" }
                    aria-describedby=comment_error_id.clone()
                    prop:value=move || shown.get().1
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        line.with_value(|line| drafts.edit(line, |draft| draft.comment = text));
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && !ev.shift_key() {
                            ev.prevent_default();
                            save_line();
                        }
                    }></textarea>
                <span class="field-error" id=comment_error_id aria-live="polite">{comment_problem}</span>
                {penalty}
            </td>
        </tr>
    }
}
