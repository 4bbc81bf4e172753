//! The list itself once someone may see it: the heading with the downloads, the filter form,
//! and the rows for the current filter.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::domain::query::{FilterOptions, ListedReports, ReportFilter};
use crate::ui::components::unpack::{loading, unpack};

use super::{filters::Filters, table::ReportTable};

/// The heading, the filters and the rows. The filters navigate: the URL is the state.
#[component]
pub(super) fn ReportList(
    filter: Memo<ReportFilter>,
    reports: Resource<Result<ListedReports, ApiError>>,
    options: FilterOptions,
    /// The viewer is a partner: one partner's reports, chosen by year.
    partner: bool,
) -> impl IntoView {
    let export = move |format: &str| {
        let mut all = filter.get();
        all.page = 1;
        let query = all.to_query();
        if query.is_empty() {
            format!("/reports/export.{format}")
        } else {
            format!("/reports/export.{format}?{query}")
        }
    };
    // Distributor and region only vary in a list that spans distributors.
    let spans = !options.distributors.is_empty();
    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Billing reports"</h1>
                <p class="downloads">
                    <a href=move || export("csv") download>"Download CSV"</a>
                    <a href=move || export("xlsx") download>"Download Excel"</a>
                </p>
            </div>
            <Filters filter options partner />
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    unpack(reports.await, None, |page| {
                        view! { <ReportTable page filter=filter.get_untracked() spans /> }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}
