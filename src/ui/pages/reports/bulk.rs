//! One step on many reports from the to-do list (a distributor submits clean reports to the
//! vendor, the vendor completes them): a box on each row that qualifies, the reason on each row
//! that does not (`domain::bulk` decides both), a bar with the count and the totals per currency,
//! a confirmation, and a summary (`bulk_summary`) of what went through and what was left, and
//! why.
//!
//! The selection and the summary live above the rows, so the list can be fetched again after
//! the step without losing the summary. The server decides every report again.

use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api::bulk::act_on_reports;
use crate::domain::{
    Currency, ReportSummary, Viewer,
    bulk::{BulkCandidate, BulkItem, BulkStep, selection_totals},
    format::{count_of, sentence},
    query::ListedReports,
};
use crate::ui::format;

use super::bulk_summary::{BulkSummary, Summary, summarise};

/// A report as selected: enough to name it, total it and ask for it at its version.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Picked {
    item: BulkItem,
    pub(super) name: String,
    currency: Currency,
    total: Decimal,
}

/// The bulk step of one viewer on one list: who, which step, what is selected, what happened.
#[derive(Clone, Copy)]
pub(super) struct BulkState {
    step: BulkStep,
    viewer: Viewer,
    picked: RwSignal<Vec<Picked>>,
    confirming: RwSignal<bool>,
    summary: RwSignal<Option<Summary>>,
}

impl BulkState {
    pub(super) fn new(step: BulkStep, viewer: Viewer) -> BulkState {
        BulkState {
            step,
            viewer,
            picked: RwSignal::new(Vec::new()),
            confirming: RwSignal::new(false),
            summary: RwSignal::new(None),
        }
    }

    /// Forgets the selection, the question and the summary: another list is shown.
    pub(super) fn reset(&self) {
        self.picked.set(Vec::new());
        self.confirming.set(false);
        self.summary.set(None);
    }

    /// Why this row's report cannot be selected, or `None` when it can.
    fn blocker(&self, row: &ReportSummary) -> Option<String> {
        let candidate = BulkCandidate {
            status: row.status,
            flags: row.flags,
            po_number: row.po_number.as_deref(),
        };
        self.step.blocker(&self.viewer, &candidate)
    }

    /// The first cell of a row: its box when the report qualifies, else why not.
    pub(super) fn cell(&self, row: &ReportSummary) -> impl IntoView + use<> {
        let blocker = self.blocker(row);
        let choice = Picked::of(row);
        let name = choice.name.clone();
        let picked = self.picked;
        let confirming = self.confirming;
        let id = row.id;
        let checked = move || picked.read().iter().any(|p| p.item.id == id);
        let toggle = move |_| {
            confirming.set(false);
            picked.update(|all| match all.iter().position(|p| p.item.id == id) {
                Some(at) => {
                    all.remove(at);
                }
                None => all.push(choice.clone()),
            });
        };
        let content = match blocker {
            None => view! {
                <input type="checkbox" class="pick" aria-label=format!("Select {name}")
                    prop:checked=checked on:change=toggle />
            }
            .into_any(),
            Some(why) => view! {
                <input type="checkbox" class="pick" disabled aria-label=format!("{name} cannot be selected") />
                <span class="why">{sentence(&why)}</span>
            }
            .into_any(),
        };
        view! {
            <td class="pick-cell" data-label="Select">
                <label class="pick-wrap">{content}</label>
            </td>
        }
    }

    /// Every report of `page` that qualifies, as picked.
    fn qualifying(&self, page: &ListedReports) -> Vec<Picked> {
        let ListedReports::Priced(page) = page else {
            return Vec::new();
        };
        page.rows
            .iter()
            .filter(|row| self.blocker(row).is_none())
            .map(Picked::of)
            .collect()
    }
}

impl Picked {
    fn of(row: &ReportSummary) -> Picked {
        Picked {
            item: BulkItem {
                id: row.id,
                version: row.version,
            },
            name: format!("{}, {}", row.partner_name, format::period_short(row.period)),
            currency: row.currency,
            total: row.total.unwrap_or_default(),
        }
    }
}

/// "USD 1,234.00 · EUR 56.00": the selection's totals, never added across currencies.
fn totals_text(picked: &[Picked]) -> String {
    let amounts: Vec<(Currency, Decimal)> = picked.iter().map(|p| (p.currency, p.total)).collect();
    selection_totals(&amounts)
        .iter()
        .map(|total| format::money_with_code(total.total, total.currency))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The bar above the rows: count, totals, the step's button; its confirmation; the summary.
#[component]
pub(super) fn BulkBar(
    state: BulkState,
    page: ListedReports,
    /// Fetches the list again once the step is done.
    reload: Callback<()>,
) -> impl IntoView {
    let BulkState {
        step,
        picked,
        confirming,
        summary,
        ..
    } = state;
    let all = state.qualifying(&page);
    let none_qualify = all.is_empty();
    let running = Action::new(move |items: &Vec<Picked>| {
        let items = items.clone();
        async move {
            let asked: Vec<BulkItem> = items.iter().map(|p| p.item).collect();
            (items, act_on_reports(step, asked).await)
        }
    });
    Effect::new(move |_| {
        let Some((items, result)) = running.value().get() else {
            return;
        };
        summary.set(Some(summarise(step, &items, result)));
        picked.set(Vec::new());
        confirming.set(false);
        reload.run(());
    });
    let count = move || picked.read().len();
    let select_all = move |_| {
        summary.set(None);
        picked.set(all.clone());
    };
    view! {
        {move || summary.get().map(|summary| view! { <BulkSummary summary /> })}
        <div class="bulk-bar" role="group" aria-label="Act on several reports">
            <span class="bulk-count">
                {move || match count() {
                    0 if none_qualify => "No report on this page can be taken in bulk.".to_owned(),
                    0 => "Select clean reports to take them in one step.".to_owned(),
                    n => {
                        let reports = count_of(n as u64, "report", "reports");
                        format!("{reports} selected: {}", picked.with(|p| totals_text(p)))
                    }
                }}
            </span>
            <span class="bulk-buttons" hidden=none_qualify>
                <button type="button" class="button" on:click=select_all>
                    "Select all that qualify"
                </button>
                <button type="button" class="button" disabled=move || count() == 0
                    on:click=move |_| { picked.set(Vec::new()); confirming.set(false); }>
                    "Clear"
                </button>
                <button type="button" class="button primary"
                    disabled=move || count() == 0 || running.pending().get()
                    on:click=move |_| { summary.set(None); confirming.set(true); }>
                    {move || step.button(count())}
                </button>
            </span>
        </div>
        {move || confirming.get().then(|| {
            let chosen = picked.get();
            let question = format!("{}?", step.button(chosen.len()));
            let detail = format!(
                "Total: {}. Each report is taken on its own, with its own history entry; one \
                 that changed since this list was shown is left as it is.",
                totals_text(&chosen)
            );
            let yes = format!("Yes, {}", step.button(chosen.len()).to_lowercase());
            view! {
                <div class="bulk-confirm" role="alertdialog" aria-labelledby="bulk-question">
                    <p id="bulk-question"><strong>{question}</strong></p>
                    <p>{detail}</p>
                    <p class="bulk-buttons">
                        <button type="button" class="button primary"
                            disabled=move || running.pending().get()
                            on:click=move |_| { running.dispatch(picked.get_untracked()); }>
                            {move || if running.pending().get() { "Working…".to_owned() } else { yes.clone() }}
                        </button>
                        <button type="button" class="button" on:click=move |_| confirming.set(false)>
                            "Cancel"
                        </button>
                    </p>
                </div>
            }
        })}
    }
}
