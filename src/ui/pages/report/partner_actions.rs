//! The partner's part of the report page: what the deadline will do (or why the report came
//! back), the count of lines that need a comment with "use the defaults" for the whole report,
//! and Save draft / Submit where the review of the lines ends.
//!
//! Every judgement is the domain's (`usage::check_line`, the workflow's refusals in the same
//! words); the server judges every save and submit again.

use leptos::prelude::*;

use crate::api::reports::ReportAction;
use crate::domain::{
    EditError, HistoryEntry, PartnerLineView, ReportHeader,
    deadline::TimeLeft,
    history::rejection,
    usage::{LineProblem, UsageRules},
    workflow::CommandError,
};
use crate::ui::{components::local_time::LocalTime, focus::focus_by_id, format};

use super::{
    line_drafts::LineDrafts,
    notices::notice_at,
    state::{Drafts, Notice},
    usage_lines::{chargeable_id, comment_id},
};

/// Above the lines: the deadline and what an automatic submission would do now, or the
/// distributor's reason for returning the report.
#[component]
pub(super) fn PartnerDeadline(
    header: ReportHeader,
    history: Vec<HistoryEntry>,
    lines: StoredValue<Vec<PartnerLineView>>,
    drafts: LineDrafts,
) -> impl IntoView {
    let rules = header.usage_rules;
    let left = TimeLeft::until(&header.submission_deadline, &header.as_of);
    let left_text = left.map(|left| left.label()).unwrap_or_default();
    let urgent = left.is_some_and(|left| left.is_urgent());
    let returned = rejection(&history, header.status).map(|entry| {
        view! {
            <div class="callout warn" role="note">
                <p class="callout-title">{format!("Returned by {}", header.distributor_name)}</p>
                <blockquote>{entry.comment.clone().unwrap_or_default()}</blockquote>
                <p>"Please fix what is asked, then submit the report again."</p>
            </div>
        }
    });
    let penalised = move || {
        lines.with_value(|lines| {
            lines
                .iter()
                .filter(|line| drafts.check(line, rules).penalised_at_deadline)
                .map(|line| {
                    format!(
                        "{} ({} instead of {})",
                        line.product.name,
                        format::units(line.usage.provisioned.get()),
                        drafts.shown(line).0.trim()
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let preview = move || {
        let penalised = penalised();
        if penalised.is_empty() {
            view! { <p>"If it is submitted automatically at the deadline, every line stays as it is now."</p> }
                .into_any()
        } else {
            let text = if penalised.len() == 1 {
                "If it is submitted automatically at the deadline, this line would be charged at provisioned, because it has no comment:".to_owned()
            } else {
                format!(
                    "If it is submitted automatically at the deadline, these {} lines would be charged at provisioned, because they have no comment:",
                    penalised.len()
                )
            };
            view! {
                <p>{text}</p>
                <ul class="penalised">{penalised.into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}</ul>
            }
            .into_any()
        }
    };
    view! {
        {returned}
        <div class="callout" class:urgent=urgent role="note" data-testid="deadline-callout">
            <p class="callout-title">
                "Submit by " <LocalTime utc=header.submission_deadline.clone() />
                <span class="time-left" class:urgent=urgent>{format!(" — {left_text}")}</span>
            </p>
            {preview}
        </div>
    }
}

/// Above the lines: how many need a comment, and "use the defaults" for every line.
#[component]
pub(super) fn LinesToolbar(
    lines: StoredValue<Vec<PartnerLineView>>,
    rules: UsageRules,
    drafts: LineDrafts,
) -> impl IntoView {
    let needing = move || {
        lines.with_value(|lines| {
            lines
                .iter()
                .filter(|line| drafts.check(line, rules).comment_needed.is_some())
                .count()
        })
    };
    let count_text = move || match needing() {
        0 => "Every line that needs a comment has one.".to_owned(),
        1 => "1 line needs a comment: it is marked below.".to_owned(),
        n => format!("{n} lines need a comment: they are marked below."),
    };
    let use_defaults = move |_| {
        lines.with_value(|lines| {
            for line in lines {
                let default = line.usage.default_chargeable.get().to_string();
                drafts.edit(line, |draft| draft.chargeable = default);
            }
        })
    };
    view! {
        <div class="lines-toolbar">
            <p class="count" class:attention=move || { needing() > 0 } role="status" data-testid="needs-comment-count">{count_text}</p>
            <button type="button" class="button" on:click=use_defaults>"Use the defaults for every line"</button>
        </div>
    }
}

/// Below the lines: Save draft and Submit, with the answer to the last one.
#[component]
pub(super) fn PartnerActions(
    lines: StoredValue<Vec<PartnerLineView>>,
    rules: UsageRules,
    drafts: Drafts,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let typing = drafts.lines;
    let unsaved = move || lines.with_value(|lines| typing.edits(lines).len());
    let save = move |_| {
        let edits = lines.with_value(|lines| typing.edits(lines));
        act.run(ReportAction::SaveDraft { edits });
    };
    let submit = move |_| {
        // The same refusals the server would give, in its words, with the keyboard taken to the
        // first line to fix.
        let refusal = lines.with_value(|lines| first_refusal(lines, rules, typing));
        if let Some((text, focus)) = refusal {
            drafts.notice.set(Some(Notice::new(true, text, false)));
            focus_by_id(&focus);
            return;
        }
        let edits = lines.with_value(|lines| typing.edits(lines));
        act.run(ReportAction::Submit { edits });
    };
    let unsaved_text = move || match unsaved() {
        0 => "Everything is saved.".to_owned(),
        1 => "1 line changed and not saved yet.".to_owned(),
        n => format!("{n} lines changed and not saved yet."),
    };
    let message = notice_at(drafts, false);
    view! {
        <section class="card actions partner-actions" aria-label="Save or submit">
            {message}
            <p class="muted" role="status">{unsaved_text}</p>
            <div class="button-row">
                <button type="button" class="button" on:click=save disabled=move || { busy.get() || unsaved() == 0 }>"Save draft"</button>
                <button type="button" class="button primary" on:click=submit disabled=busy>"Submit for review"</button>
            </div>
        </section>
    }
}

/// Why a submit would be refused now, and the field to fix first: an unreadable line first,
/// else every line that still needs a comment.
fn first_refusal(
    lines: &[PartnerLineView],
    rules: UsageRules,
    drafts: LineDrafts,
) -> Option<(String, String)> {
    let checks: Vec<_> = lines
        .iter()
        .map(|line| (line, drafts.check(line, rules)))
        .collect();
    let unreadable = checks.iter().find_map(|(line, check)| match &check.read {
        Err(LineProblem::Edit(EditError::CommentRequired)) | Ok(_) => None,
        Err(problem) => Some((line, problem)),
    });
    if let Some((line, problem)) = unreadable {
        let id = line.product.line_id;
        let focus = match problem {
            LineProblem::CommentTooLong(_) => comment_id(id),
            _ => chargeable_id(id),
        };
        let error = CommandError::Line {
            line: line.product.name.clone(),
            problem: problem.clone(),
        };
        return Some((error.to_string(), focus));
    }
    let missing: Vec<_> = checks
        .iter()
        .filter(|(_, check)| check.comment_needed.is_some())
        .map(|(line, _)| *line)
        .collect();
    let first = missing.first()?;
    let error = CommandError::CommentsMissing {
        lines: missing
            .iter()
            .map(|line| line.product.name.clone())
            .collect(),
    };
    Some((error.to_string(), comment_id(first.product.line_id)))
}
