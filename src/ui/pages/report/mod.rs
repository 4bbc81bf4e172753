//! One billing report, at `/reports/{id}`. Partners (and distributors while the partner is still
//! preparing it) get the shape without any pricing field; the page draws what it gets.
//!
//! This file owns the page (loading the report), the `Report` view that lays out its parts,
//! taking the viewer's actions and answering them with a notice. It decides nothing about the
//! workflow: the server decides every action again. The parts, one per file:
//! `state` (typed drafts, notices, the price editor and its preview), `header`, `actions`,
//! the line tables (`usage_lines`, `priced_lines` with `priced_row`, both using `cells`),
//! `code_editor` (special pricing for one line) and `history`.

mod actions;
mod cells;
mod code_editor;
mod confirm;
mod header;
mod history;
mod line_drafts;
mod line_pager;
mod next_report;
mod notices;
mod partner_actions;
mod priced_lines;
mod priced_row;
mod state;
mod usage_lines;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    ApiError,
    auth::CurrentUser,
    reports::{ReportAction, act_on_report, open_report},
};
use crate::app::UserResource;
use crate::domain::{
    Action as Step, OpenedReport, line_page::LinePage, offers, query::ReportFilter, workflow::Field,
};
use crate::ui::components::unpack::{loading, signed_in, unless_signed_out, unpack};

use actions::{Actions, Summary, distributor_may_edit};
use header::{Header, TotalFact};
use history::History;
use line_pager::{LinePager, shown_lines};
use next_report::AfterDecision;
use notices::{decides, notice_at, refuse_field, saved_text};
use partner_actions::{LinesToolbar, PartnerActions, PartnerDeadline};
use priced_lines::PricedLines;
use state::{Drafts, Notice, editor_check, preview_with};
use usage_lines::{Editing, UsageLines};

#[component]
pub fn ReportDetailPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    // A page of its lines (`?lines=2`, `?lines=all`); the first page otherwise.
    let query = use_query_map();
    let lines = Memo::new(move |_| LinePage::from_query(query.read().get("lines").as_deref()));
    let report = Resource::new(
        move || (id.get(), lines.get()),
        |(id, lines)| async move {
            match id {
                Some(id) => open_report(id, Some(lines)).await,
                None => Err(ApiError::NotFound),
            }
        },
    );
    // The list it was opened from (`?list=`), for the way back and the next report.
    let list = Memo::new(move |_| {
        query
            .read()
            .get("list")
            .map(|list| ReportFilter::from_query(&list))
            .unwrap_or_default()
    });
    // What people type survives the page being redrawn with a newer version of the report.
    let drafts = Drafts::default();
    Effect::watch(move || id.get(), move |_, _, _| drafts.reset(), false);
    let reload = Callback::new(move |()| report.refetch());
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                let user = signed_in(user.await);
                let report = unless_signed_out(report.await, &user);
                let viewer = user.ok();
                let list = list.get_untracked();
                unpack(report, Some(report_not_found), move |report| {
                    view! { <Report report viewer list drafts reload /> }.into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn Report(
    report: OpenedReport,
    viewer: Option<CurrentUser>,
    list: ReportFilter,
    drafts: Drafts,
    reload: Callback<()>,
) -> impl IntoView {
    let (header, history, price_changes, window, shown) = match &report {
        OpenedReport::Priced(detail) => (
            detail.header.clone(),
            detail.history.clone(),
            detail.price_changes.clone(),
            detail.window,
            detail.lines.len(),
        ),
        OpenedReport::Partner(detail) => (
            detail.header.clone(),
            detail.history.clone(),
            Vec::new(),
            detail.window,
            detail.lines.len(),
        ),
    };
    let (id, version) = (header.id, header.version);
    // After a change the report is fetched again; until the new version replaces this one,
    // acting would only meet a conflict.
    let reloading = RwSignal::new(false);
    let acting = Action::new(move |action: &ReportAction| {
        let action = action.clone();
        async move {
            let result = act_on_report(id, version, action.clone()).await;
            (action, result)
        }
    });
    Effect::new(move |_| {
        let Some((action, result)) = acting.value().get() else {
            return;
        };
        let pricing = matches!(
            action,
            ReportAction::ApplyCode { .. }
                | ReportAction::ResetPricing
                | ReportAction::RemoveCode { .. }
        );
        let notice = |error: bool, text: String| {
            drafts.notice.set(Some(Notice {
                take_focus: true,
                ..Notice::new(error, text, pricing)
            }))
        };
        match result {
            Ok(_) => {
                match &action {
                    ReportAction::SaveDraft { edits } | ReportAction::Submit { edits } => {
                        let ids: Vec<i64> = edits.iter().map(|edit| edit.line_id).collect();
                        drafts.lines.forget(&ids);
                    }
                    ReportAction::ApplyCode { .. }
                    | ReportAction::ResetPricing
                    | ReportAction::RemoveCode { .. } => drafts.editor.clear(),
                    ReportAction::SubmitToVendor { .. } => drafts.to_vendor.set(String::new()),
                    ReportAction::ReturnToPartner { .. }
                    | ReportAction::ReturnToDistributor { .. } => drafts.reason.set(String::new()),
                    ReportAction::SetPoNumber { .. } | ReportAction::Complete => {}
                }
                if decides(&action) {
                    drafts.decided.set(Some(saved_text(&action).to_owned()));
                } else {
                    notice(false, saved_text(&action).to_owned());
                }
                reloading.set(true);
                reload.run(());
            }
            Err(error @ ApiError::Conflict { .. }) => {
                // Show the current version; what was typed stays in the forms.
                notice(true, error.to_string());
                reloading.set(true);
                reload.run(());
            }
            Err(error) if matches!(action, ReportAction::ApplyCode { .. }) => {
                drafts.editor.error.set(Some(error.to_string()))
            }
            // A refusal about one field is said under it, and the keyboard goes there.
            Err(error) => match error.field().filter(|field| *field != Field::Line) {
                Some(field) => refuse_field(drafts, field, error.to_string()),
                None => notice(true, error.to_string()),
            },
        }
    });
    let act = Callback::new(move |action: ReportAction| {
        drafts.notice.set(None);
        acting.dispatch(action);
    });
    let busy = Signal::derive(move || acting.pending().get() || reloading.get());
    let may_price = viewer
        .as_ref()
        .is_some_and(|viewer| distributor_may_edit(viewer, header.status));

    let currency = header.currency;
    let mut summary = None;
    let mut delivery = None;
    let (total, lines) = match report {
        OpenedReport::Priced(detail) => {
            let saved_total = detail.total;
            delivery = detail.delivery.clone();
            summary = Some(Summary {
                lines: detail.window.count,
                total: saved_total,
                currency,
            });
            let detail = StoredValue::new(detail);
            let check = Memo::new(move |_| editor_check(&detail, drafts.editor));
            let preview = Memo::new(move |_| {
                let (line_id, Ok(value)) = check.get()? else {
                    return None;
                };
                detail.with_value(|detail| preview_with(detail, line_id, value))
            });
            let total = view! { <TotalFact saved=saved_total currency preview /> };
            let lines = view! {
                <PricedLines detail editable=may_price editor=drafts.editor check preview confirming=drafts.confirming act busy />
            };
            (Some(total.into_any()), lines.into_any())
        }
        OpenedReport::Partner(detail) => {
            let rules = detail.header.usage_rules;
            let partner_may_edit = viewer.as_ref().is_some_and(|viewer| {
                offers(&viewer.viewer(), detail.header.status, Step::SaveDraft)
            });
            if partner_may_edit {
                let lines = StoredValue::new(detail.lines.clone());
                let editing = Editing {
                    drafts: drafts.lines,
                    act,
                    busy,
                };
                let view = view! {
                    <PartnerDeadline header=detail.header.clone() history=detail.history.clone() lines drafts=drafts.lines />
                    <LinesToolbar lines rules drafts=drafts.lines />
                    <UsageLines lines=detail.lines rules editing=Some(editing) />
                    <PartnerActions lines rules drafts act busy />
                };
                (None, view.into_any())
            } else {
                (
                    None,
                    view! { <UsageLines lines=detail.lines rules editing=None /> }.into_any(),
                )
            }
        }
    };
    let exports = format!("/reports/{id}/lines");
    let kind = viewer.as_ref().map(|viewer| viewer.org_kind);
    let back = list.list_href();
    let pager = view! { <LinePager report_id=id window shown list=list.clone() /> };
    let after_decision = move || {
        let text = drafts.decided.get()?;
        let (list, kind) = (list.clone(), kind?);
        Some(view! { <AfterDecision report_id=id list kind text /> })
    };
    let lines_notice = notice_at(drafts, true);
    view! {
        <section class="page report">
            <p class="breadcrumb"><a href=back>"← Billing reports"</a></p>
            <Header header=header.clone() total delivery />
            <div class="section-head" id="lines">
                <h2 class="section-title">"Lines" {shown_lines(window, shown).map(|text| view! { <span class="lines-shown">{text}</span> })}</h2>
                <p class="downloads">
                    <a href=format!("{exports}.csv") download>"Download CSV"</a>
                    <a href=format!("{exports}.xlsx") download>"Download Excel"</a>
                    <a href=format!("/reports/{id}/report.pdf") download>"Download PDF"</a>
                </p>
            </div>
            {lines_notice}
            {lines}
            {pager}
            {after_decision}
            {viewer.zip(summary).map(|(viewer, summary)| view! { <Actions header=header.clone() viewer summary drafts act busy /> })}
            <h2 class="section-title">"History"</h2>
            <History entries=history price_changes />
        </section>
    }
}

/// What the page says for a report that does not exist or that the viewer may not open.
fn report_not_found() -> AnyView {
    view! {
        <section class="page narrow notice">
            <h1>"Report not found"</h1>
            <p>"There is no report at this address that you can open. " <a href="/">"Back to the billing reports"</a></p>
        </section>
    }
    .into_any()
}
