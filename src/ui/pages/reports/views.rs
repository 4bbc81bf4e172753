//! The choice between the viewer's to-do and every report they may see: two links with their
//! counts (plain links, so the choice lives in the URL and Back and Forward follow it), the
//! current one marked with `aria-current` and by its look. Drawn only for viewers with a to-do.

use leptos::prelude::*;

use crate::domain::{OrgKind, query::ReportFilter, query::ViewCounts, to_do::ListView};
use crate::ui::format;

/// "To do (12)" and "All reports (1,234)", for the other filters as they are.
#[component]
pub(super) fn ViewChoice(
    counts: Option<ViewCounts>,
    /// The filter with its view settled.
    filter: ReportFilter,
    kind: OrgKind,
) -> impl IntoView {
    let (counts, current) = (counts?, filter.view?);
    let link = |view: ListView, count: u64| {
        let here = current == view;
        view! {
            <a
                class="view"
                class:current=here
                href=filter.with_view(view, kind).list_href()
                aria-current=here.then_some("page")
            >
                {format!("{} ({})", view.label(), format::units(count))}
            </a>
        }
    };
    Some(view! {
        <nav class="views" aria-label="Which reports">
            {link(ListView::ToDo, counts.to_do)}
            {link(ListView::All, counts.all)}
        </nav>
    })
}
