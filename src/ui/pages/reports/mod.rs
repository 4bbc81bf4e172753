//! The billing reports list, at `/`: filters kept in the URL (shareable, back-button friendly,
//! and rendered on the server), the rows fetched by a server function.
//!
//! This file owns the page (waiting for the user and the filter choices) and the list's URL for a
//! filter. The parts, one per file: `list` (heading, downloads, filters and rows), `filters`,
//! `choice_select` and `admin_filters` (the form), `views` (the "To do" / "All reports"
//! choice), `table` (count, rows, sortable column heads), `cells` (the deadline and the flags of
//! a row), `totals` (the filter's totals per currency), `pager`, and `bulk` with `bulk_summary`
//! (one step on many reports of the to-do). Users whose region has no
//! billing reports get the shared notice instead.

mod admin_filters;
mod bulk;
mod bulk_summary;
mod cells;
mod choice_select;
mod filters;
mod list;
mod pager;
mod partner_search;
mod table;
mod totals;
mod views;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{
    ApiError,
    reports::{list_reports, report_filter_options},
};
use crate::app::UserResource;
use crate::domain::{
    Refusal,
    query::{FilterOptions, ReportFilter},
};
use crate::ui::components::unpack::{loading, signed_in, unless_signed_out, unpack};

use crate::ui::components::region_unavailable::RegionUnavailable;
use list::ReportList;

/// The list for whoever is signed in; the sign-in page for nobody; a clear word for a user whose
/// region has no billing reports.
///
/// Two levels: the outer one waits for the user (and the filter choices), which do not change as
/// the filters do, so the filter form stays put while someone types; the inner one redraws the
/// rows for each filter.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    // Every resource is created here, before anything is awaited, so that the server and the
    // browser number them alike (hydration matches resources by creation order).
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        ReportFilter::from_params(|key| query.get(key))
    });
    // A user whose region has no billing reports gets the notice: nothing is asked of the
    // server that it would only refuse.
    let in_region =
        move || async move { !matches!(user.await, Ok(Some(user)) if !user.region_enabled) };
    let reports = Resource::new(
        move || filter.get(),
        move |filter| async move {
            if in_region().await {
                list_reports(filter).await
            } else {
                Err(ApiError::RegionUnavailable(
                    Refusal::RegionDisabled.to_string(),
                ))
            }
        },
    );
    let options = Resource::new(
        || (),
        move |()| async move {
            if in_region().await {
                report_filter_options().await
            } else {
                Ok(FilterOptions::default())
            }
        },
    );
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                let user = signed_in(user.await);
                let options = options.await;
                unpack(unless_signed_out(user, &options), None, move |user| {
                    if user.region_enabled {
                        let options = options.unwrap_or_default();
                        let viewer = user.viewer();
                        view! { <ReportList filter reports options viewer /> }.into_any()
                    } else {
                        view! { <RegionUnavailable region=user.region_name /> }.into_any()
                    }
                })
            })}
        </Transition>
    }
}
