//! The list itself once someone may see it: the heading with the downloads, the filter form,
//! the choice between the to-do and everything, and the rows for the current filter.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::domain::{
    Viewer,
    bulk::BulkStep,
    query::{FilterOptions, ListedReports, ReportFilter},
    to_do::ListView,
};
use crate::ui::components::unpack::{loading, unpack};

use super::{
    bulk::{BulkBar, BulkState},
    filters::Filters,
    table::ReportTable,
    views::ViewChoice,
};

/// The heading, the filters and the rows. The filters navigate: the URL is the state.
#[component]
pub(super) fn ReportList(
    filter: Memo<ReportFilter>,
    reports: Resource<Result<ListedReports, ApiError>>,
    options: FilterOptions,
    /// Who is looking: their kind of organisation decides what their list opens on (and whether
    /// it is one partner's reports, chosen by year); with their role, whether they may take a
    /// step on many reports of their to-do at once.
    viewer: Viewer,
) -> impl IntoView {
    let kind = viewer.org_kind;
    // The filter with its view written out, as the server settles it: every link, the form and
    // the downloads keep the view the viewer is in.
    let shown = Memo::new(move |_| filter.read().settled_for(kind));
    // Made here, above the rows, so a summary outlives the list being fetched again.
    let bulk = BulkStep::for_viewer(&viewer).map(|step| BulkState::new(step, viewer));
    let reload = Callback::new(move |()| reports.refetch());
    // A selection belongs to the list it was made in: another filter or page starts afresh.
    Effect::watch(
        move || shown.get(),
        move |_, _, _| {
            if let Some(bulk) = bulk {
                bulk.reset();
            }
        },
        false,
    );
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
                        // Bulk steps are taken from the to-do, where every report awaits them.
                        let bulk = bulk.filter(|_| {
                            filter.view == Some(ListView::ToDo)
                                && matches!(page, ListedReports::Priced(_))
                        });
                        let bar = bulk.filter(|_| page.total_count() > 0).map(|state| {
                            view! { <BulkBar state page=page.clone() reload /> }
                        });
                        view! {
                            <ViewChoice counts=page.views() filter=filter.clone() kind />
                            {bar}
                            <ReportTable page filter kind spans bulk />
                        }
                        .into_any()
                    })
                })}
            </Transition>
        </section>
    }
}
