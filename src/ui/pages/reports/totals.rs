//! Under the rows: the totals of every report the filter matches (all pages, not only this one),
//! one per currency — amounts of different currencies are never added together. Only in the
//! priced list; a partner's list has no amount at all.

use leptos::prelude::*;

use crate::domain::query::FilterTotals;
use crate::ui::format;

/// "Total of the 120 reports shown by this filter: USD 12,345.67 · EUR 9,876.00".
#[component]
pub(super) fn FilterTotalsLine(totals: FilterTotals) -> impl IntoView {
    let reports = |n: u64| match n {
        1 => "1 report".to_owned(),
        n => format!("{} reports", format::units(n)),
    };
    let amounts = totals
        .by_currency
        .iter()
        .enumerate()
        .map(|(i, total)| {
            view! {
                {(i > 0).then(|| view! { <span aria-hidden="true">" · "</span> })}
                <span class="amount">{format::money_with_code(total.total, total.currency)}</span>
            }
        })
        .collect_view();
    let summed = (totals.reports > 0).then(|| {
        view! {
            {format!("Total of the {} shown by this filter: ", reports(totals.reports))}
            <strong>{amounts}</strong>
        }
    });
    let withheld = (totals.withheld > 0).then(|| {
        format!(
            " Not counted: {} still being prepared by the partner, whose totals are not final.",
            reports(totals.withheld)
        )
    });
    view! { <p class="filter-totals">{summed}{withheld}</p> }
}
