//! The channel overview, at `/overview`, for the platform's staff (read-only): a region and a
//! range of cycles, kept in the URL like the list's filters, and the figures for them
//! (`figures`). Every figure is a link to the list of exactly its reports. The server refuses
//! everyone else; this page only explains itself to them.

mod figures;

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::api::{ApiError, overview::get_overview, reports::report_filter_options};
use crate::app::UserResource;
use crate::domain::{
    Period, Refusal,
    overview::Overview,
    query::{FilterOptions, ReportFilter},
};
use crate::ui::components::unpack::{loading, signed_in, unless_signed_out, unpack};

use figures::Figures;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    // Resources first, before anything is awaited (hydration matches them by creation order).
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let query = query.read();
        ReportFilter::from_params(|key| query.get(key))
    });
    // Only the platform's staff are asked for: nobody else is sent a request bound to be refused.
    let overview = Resource::new(
        move || asked.get(),
        move |asked| async move {
            match user.await {
                Ok(Some(user)) if !user.viewer().sees_overview() => {
                    Err(ApiError::Refused(Refusal::OverviewAdminOnly.to_string()))
                }
                _ => get_overview(asked).await,
            }
        },
    );
    let options = Resource::new(|| (), |()| report_filter_options());
    view! {
        <section class="page overview">
            <div class="page-head">
                <h1>"Overview"</h1>
            </div>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let user = signed_in(user.await);
                    let options = options.await;
                    unpack(unless_signed_out(user, &options), None, move |user| {
                        if !user.viewer().sees_overview() {
                            let refusal = Refusal::OverviewAdminOnly.to_string();
                            return view! { <p class="error" role="alert">{refusal}</p> }.into_any();
                        }
                        let options = options.unwrap_or_default();
                        view! {
                            <RangeForm asked options overview />
                            <Transition fallback=loading>
                                {move || Suspend::new(async move {
                                    unpack(overview.await, None, |overview| {
                                        view! { <Figures overview /> }.into_any()
                                    })
                                })}
                            </Transition>
                        }
                        .into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

/// The region and the first and last cycle. A change navigates: the URL is the state. A range
/// left open shows the one the overview settled on.
#[component]
fn RangeForm(
    asked: Memo<ReportFilter>,
    options: FilterOptions,
    overview: Resource<Result<Overview, ApiError>>,
) -> impl IntoView {
    let settled = move || {
        overview
            .get()
            .and_then(Result::ok)
            .map(|overview| overview.filter)
    };
    let navigate = use_navigate();
    let apply = move |change: &dyn Fn(&mut ReportFilter)| {
        let mut next = asked.get_untracked();
        change(&mut next);
        let query = next.to_query();
        let href = if query.is_empty() {
            "/overview".to_owned()
        } else {
            format!("/overview?{query}")
        };
        navigate(
            &href,
            NavigateOptions {
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    let on_region = {
        let apply = apply.clone();
        move |ev| {
            let region = event_target_value(&ev).parse::<i64>().ok();
            apply(&|f: &mut ReportFilter| f.region = region);
        }
    };
    let on_from = {
        let apply = apply.clone();
        move |ev| {
            let from = Period::parse(&event_target_value(&ev)).ok();
            apply(&|f: &mut ReportFilter| f.from = from);
        }
    };
    let on_to = move |ev| {
        let to = Period::parse(&event_target_value(&ev)).ok();
        apply(&|f: &mut ReportFilter| f.to = to);
    };
    let month = |period: Option<Period>| period.map(|p| p.to_string()).unwrap_or_default();
    let regions = options
        .regions
        .into_iter()
        .map(|choice| {
            let id = choice.id;
            let chosen = move || asked.read().region == Some(id);
            view! { <option value=id.to_string() selected=chosen prop:selected=chosen>{choice.name}</option> }
        })
        .collect_view();
    let all_regions = move || asked.read().region.is_none();
    view! {
        <form class="filters overview-range" method="get" action="/overview" aria-label="Region and cycles">
            <div class="field">
                <label for="overview-region">"Region"</label>
                <select id="overview-region" name="region" on:change=on_region>
                    <option value="" selected=all_regions prop:selected=all_regions>"All regions"</option>
                    {regions}
                </select>
            </div>
            <div class="field month">
                <label for="overview-from">"Cycle from"</label>
                <input id="overview-from" name="from" type="month" placeholder="YYYY-MM"
                    prop:value=move || month(asked.read().from.or_else(|| settled()?.from)) on:change=on_from />
            </div>
            <div class="field month">
                <label for="overview-to">"Cycle to"</label>
                <input id="overview-to" name="to" type="month" placeholder="YYYY-MM"
                    prop:value=move || month(asked.read().to.or_else(|| settled()?.to)) on:change=on_to />
            </div>
            <div class="actions">
                <button class="button" type="submit">"Apply"</button>
            </div>
        </form>
    }
}
