//! The report's history, newest first: who did what when (with their organisation and role),
//! the status it moved to, the comment, and the prices an entry changed (for those who see
//! prices). What each entry says comes from `domain::history`.

use leptos::prelude::*;

use crate::domain::{HistoryEntry, pricing::PriceChange, usage::LineChange};
use crate::ui::components::local_time::LocalTime;

/// One row per history entry, newest first.
#[component]
pub(super) fn History(
    entries: Vec<HistoryEntry>,
    price_changes: Vec<(i64, PriceChange)>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="history">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Comment"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .into_iter()
                        .rev()
                        .map(|entry| {
                            let who = entry.who();
                            let status = entry.status_change();
                            let changes = (!entry.changes.is_empty()).then(|| line_changes_view(&entry.changes));
                            let prices = price_changes
                                .iter()
                                .find(|(id, _)| *id == entry.id)
                                .map(|(_, change)| price_change_view(change));
                            view! {
                                <tr>
                                    <td data-label="When"><LocalTime utc=entry.at /></td>
                                    <td data-label="Who">{who}</td>
                                    <td data-label="What">{entry.event.label()}</td>
                                    <td data-label="Status">{status}</td>
                                    <td data-label="Comment">{entry.comment.unwrap_or_default()}{prices}{changes}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The chargeable units and comments one history entry changed, line by line.
fn line_changes_view(changes: &[LineChange]) -> impl IntoView + use<> {
    let items = changes
        .iter()
        .map(|change| {
            view! { <li><strong>{change.after.line.clone()}</strong>{format!(": {}", change.describe())}</li> }
        })
        .collect_view();
    view! { <ul class="line-changes">{items}</ul> }
}

/// The prices one history entry changed, line by line.
fn price_change_view(change: &PriceChange) -> impl IntoView + use<> {
    let items = change
        .described()
        .into_iter()
        .map(|(line, parts)| view! { <li><strong>{line}</strong>{format!(": {parts}")}</li> })
        .collect_view();
    view! { <ul class="line-changes">{items}</ul> }
}
