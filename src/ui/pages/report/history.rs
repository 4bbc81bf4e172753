//! The report's history, newest first: who did what when, the status it moved to, the comment,
//! and the prices an entry changed (for those who see prices).
//!
//! `action_label` names the stored action codes itself; it is the one place that does.

use leptos::prelude::*;

use crate::domain::{HistoryEntry, pricing::PriceChange};
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
                            let who = match &entry.actor_org {
                                Some(org) => format!("{} ({org})", entry.actor),
                                None => entry.actor.clone(),
                            };
                            let status = match (&entry.from_status, &entry.to_status) {
                                (Some(from), Some(to)) if from != to => format!("{from} → {to}"),
                                (_, Some(to)) => to.clone(),
                                _ => String::new(),
                            };
                            let changes = entry.before.clone().zip(entry.after.clone()).map(|(before, after)| {
                                view! {
                                    <details class="changes">
                                        <summary>"Values before → after"</summary>
                                        <code>{before}</code>
                                        <code>{after}</code>
                                    </details>
                                }
                            });
                            let prices = price_changes
                                .iter()
                                .find(|(id, _)| *id == entry.id)
                                .map(|(_, change)| price_change_view(change));
                            view! {
                                <tr>
                                    <td data-label="When"><LocalTime utc=entry.at /></td>
                                    <td data-label="Who">{who}</td>
                                    <td data-label="What">{action_label(&entry.action)}</td>
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

/// The prices one history entry changed, line by line.
fn price_change_view(change: &PriceChange) -> impl IntoView + use<> {
    let items = change
        .before
        .iter()
        .zip(&change.after)
        .map(|(before, after)| {
            let mut parts = Vec::new();
            if before.unit_price != after.unit_price {
                parts.push(format!("unit price {} → {}", before.unit_price, after.unit_price));
            }
            if before.margin != after.margin {
                parts.push(format!("margin {}% → {}%", before.margin, after.margin));
            }
            if before.code != after.code {
                let code = |c: &Option<String>| c.clone().unwrap_or_else(|| "no code".to_owned());
                parts.push(format!("code {} → {}", code(&before.code), code(&after.code)));
            }
            view! { <li><strong>{after.line.clone()}</strong>{format!(": {}", parts.join(", "))}</li> }
        })
        .collect_view();
    view! { <ul class="price-changes">{items}</ul> }
}

/// History action codes in words.
fn action_label(code: &str) -> &'static str {
    match code {
        "generate" => "Generated",
        "save_draft" => "Saved a draft",
        "submit" => "Submitted for review",
        "auto_submit" => "Submitted automatically",
        "auto_submit_penalties" => "Submitted automatically, with penalties",
        "reject" => "Returned to the partner",
        "submit_to_vendor" => "Submitted to the vendor",
        "complete" => "Completed",
        "return" => "Returned by the vendor",
        "auto_approve" => "Approved automatically",
        "distributor_edit" => "Changed the PO number",
        "apply_pricing_code" => "Applied special pricing",
        "reset_pricing" => "Reset prices to the catalogue",
        _ => "Changed",
    }
}
