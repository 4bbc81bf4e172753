//! Previous / next under the list: plain links, so paging works before (and without) the WASM
//! bundle.

use leptos::prelude::*;

use crate::domain::query::ReportFilter;

use super::list_href;

/// Previous / next links: plain links, so paging works before (and without) the WASM bundle.
#[component]
pub(super) fn Pager(page: u32, page_count: u32, filter: ReportFilter) -> impl IntoView {
    let href = move |page: u32| {
        list_href(&ReportFilter {
            page,
            ..filter.clone()
        })
    };
    let previous = (page > 1).then(|| href(page - 1));
    let next = (page < page_count).then(|| href(page + 1));
    (page_count > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                <a
                    class="button"
                    href=previous.clone().unwrap_or_default()
                    aria-disabled=previous.is_none().to_string()
                    rel="prev"
                >
                    "← Previous"
                </a>
                <span>{format!("Page {page} of {page_count}")}</span>
                <a
                    class="button"
                    href=next.clone().unwrap_or_default()
                    aria-disabled=next.is_none().to_string()
                    rel="next"
                >
                    "Next →"
                </a>
            </nav>
        }
    })
}
