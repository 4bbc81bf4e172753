//! Previous / next under the list: plain links, so paging works before (and without) the WASM
//! bundle.

use leptos::prelude::*;

use crate::domain::query::ReportFilter;

/// Previous / next links, both always in view (where there is no previous or next page, a dimmed
/// word that is neither a link nor a Tab stop), and where the list stands.
#[component]
pub(super) fn Pager(page: u32, page_count: u32, filter: ReportFilter) -> impl IntoView {
    let href = move |page: u32| {
        ReportFilter {
            page,
            ..filter.clone()
        }
        .list_href()
    };
    let step = |to: Option<String>, rel: &'static str, label: &'static str| match to {
        Some(href) => view! { <a class="button" href=href rel=rel>{label}</a> }.into_any(),
        None => view! { <span class="button" aria-disabled="true">{label}</span> }.into_any(),
    };
    let previous = step((page > 1).then(|| href(page - 1)), "prev", "← Previous");
    let next = step(
        (page < page_count).then(|| href(page + 1)),
        "next",
        "Next →",
    );
    (page_count > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {previous}
                <span class="where">{format!("Page {page} of {page_count}")}</span>
                {next}
            </nav>
        }
    })
}
