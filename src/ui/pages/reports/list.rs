//! The list itself once someone may see it: the heading with the downloads, the filter form,
//! the choice between the to-do and everything, and the rows for the current filter.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::domain::{
    OrgKind,
    query::{FilterOptions, ListedReports, ReportFilter},
};
use crate::ui::components::unpack::{loading, unpack};

use super::{filters::Filters, table::ReportTable, views::ViewChoice};

/// The heading, the filters and the rows. The filters navigate: the URL is the state.
#[component]
pub(super) fn ReportList(
    filter: Memo<ReportFilter>,
    reports: Resource<Result<ListedReports, ApiError>>,
    options: FilterOptions,
    /// The viewer's kind of organisation: what their list opens on, and whether it is one
    /// partner's reports, chosen by year.
    kind: OrgKind,
) -> impl IntoView {
    // The filter with its view written out, as the server settles it: every link, the form and
    // the downloads keep the view the viewer is in.
    let shown = Memo::new(move |_| filter.read().settled_for(kind));
    let export = move |format: &str| {
        let mut all = shown.get();
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
            <Filters filter=shown options kind />
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    unpack(reports.await, None, |page| {
                        let filter = shown.get_untracked();
                        view! {
                            <ViewChoice counts=page.views() filter=filter.clone() kind />
                            <ReportTable page filter kind spans />
                        }
                        .into_any()
                    })
                })}
            </Transition>
        </section>
    }
}
