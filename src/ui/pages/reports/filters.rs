//! The filter form above the list. Every filter lives in the URL: a change navigates (and the
//! list follows), so a filtered list can be shared, Back and Forward work, and the server renders
//! it. The partner search follows the typing after a pause (see `partner_search`).

use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};

use crate::domain::{
    Currency, OrgKind, Period,
    flags::RiskFlag,
    query::{FilterOptions, OVERDUE_PARAM, ReportFilter, SortKey, StatusFilter},
};

use super::{
    admin_filters::admin_filters,
    choice_select::{Choices, choice_select},
    partner_search,
};

/// Status and flags for everyone; partner and cycle range for those who see several partners, a
/// year for a partner (whose list covers the last 12 months unless a year is chosen); region and
/// distributor for those whose list spans more than one distributor.
#[component]
pub(super) fn Filters(
    /// The filter with its view settled (a change keeps the view).
    filter: Memo<ReportFilter>,
    options: FilterOptions,
    kind: OrgKind,
) -> impl IntoView {
    let partner = kind == OrgKind::Partner;
    let navigate = use_navigate();
    let go = {
        let navigate = navigate.clone();
        move |next: ReportFilter, replace: bool| {
            navigate(
                &next.list_href(),
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..NavigateOptions::default()
                },
            );
        }
    };
    // Every change of a filter starts again on page 1.
    let apply = {
        let go = go.clone();
        move |change: &dyn Fn(&mut ReportFilter)| {
            let mut next = filter.get_untracked();
            change(&mut next);
            next.page = 1;
            go(next, false);
        }
    };
    let on_status = {
        let apply = apply.clone();
        move |ev| {
            let value = StatusFilter::from_param(&event_target_value(&ev));
            apply(&|f: &mut ReportFilter| *f = f.with_status(value, kind));
        }
    };
    let on_flag = {
        let apply = apply.clone();
        move |ev| {
            let value = RiskFlag::from_param(&event_target_value(&ev));
            apply(&|f: &mut ReportFilter| f.flag = value);
        }
    };
    let on_deadline = {
        let apply = apply.clone();
        move |ev| {
            let passed = event_target_value(&ev) == OVERDUE_PARAM;
            apply(&|f: &mut ReportFilter| f.overdue = passed);
        }
    };
    let on_currency = {
        let apply = apply.clone();
        move |ev| {
            let value = Currency::parse(&event_target_value(&ev)).ok();
            apply(&|f: &mut ReportFilter| f.currency = value);
        }
    };
    let on_sort = {
        let apply = apply.clone();
        move |ev| {
            let value = SortKey::from_param(&event_target_value(&ev));
            apply(&|f: &mut ReportFilter| f.sort = value);
        }
    };
    let on_from = {
        let apply = apply.clone();
        move |ev| {
            let value = Period::parse(&event_target_value(&ev)).ok();
            apply(&|f: &mut ReportFilter| f.from = value);
        }
    };
    let on_to = {
        let apply = apply.clone();
        move |ev| {
            let value = Period::parse(&event_target_value(&ev)).ok();
            apply(&|f: &mut ReportFilter| f.to = value);
        }
    };
    let on_year = {
        let apply = apply.clone();
        move |ev| {
            let year = event_target_value(&ev).parse::<i32>().ok();
            apply(&|f: &mut ReportFilter| *f = f.with_year(year));
        }
    };
    let on_region = {
        let apply = apply.clone();
        move |ev| {
            let value = event_target_value(&ev).parse::<i64>().ok();
            apply(&|f: &mut ReportFilter| {
                f.region = value;
                f.distributor = None;
            });
        }
    };
    let on_distributor = {
        let apply = apply.clone();
        move |ev| {
            let value = event_target_value(&ev).parse::<i64>().ok();
            apply(&|f: &mut ReportFilter| f.distributor = value);
        }
    };
    let (partner_text, on_partner) = partner_search::follow(filter, apply.clone());
    let years = options.years.clone();
    let spans_distributors = !options.distributors.is_empty();
    let admin_filters = spans_distributors.then(|| {
        let on_change = (on_region, on_distributor, on_currency);
        admin_filters(filter, options, on_change)
    });
    // Clearing keeps the view: the to-do stays the to-do.
    let cleared = move || ReportFilter {
        view: filter.with_untracked(|f| f.view),
        ..ReportFilter::default()
    };
    let clear = {
        let go = go.clone();
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            partner_text.set(String::new());
            go(cleared(), false);
        }
    };
    let month = |period: Option<Period>| period.map(|p| p.to_string()).unwrap_or_default();

    let year_field = partner.then(|| {
        let choices = years
            .into_iter()
            .map(|year| (year, year.to_string(), year.to_string()))
            .collect();
        let select = Choices {
            id: "filter-year",
            name: "year",
            label: "Cycles",
            none: "Last 12 months",
            choices,
        };
        choice_select(select, move || filter.read().year(), on_year)
    });
    let status_select = Choices {
        id: "filter-status",
        name: "status",
        label: "Status",
        none: "All statuses",
        choices: StatusFilter::all()
            .into_iter()
            .map(|choice| (choice, choice.to_param(), choice.label()))
            .collect(),
    };
    let flag_select = Choices {
        id: "filter-flag",
        name: "flag",
        label: "Flags",
        none: "Any",
        choices: RiskFlag::ALL
            .into_iter()
            .map(|flag| (flag, flag.to_param().to_owned(), flag.choice().to_owned()))
            .collect(),
    };
    // Whether the deadline running for a report's status has passed.
    let deadline_select = (!partner).then(|| Choices {
        id: "filter-deadline",
        name: "deadline",
        label: "Deadline",
        none: "Any",
        choices: vec![((), OVERDUE_PARAM.to_owned(), "Passed".to_owned())],
    });
    let deadline_field = deadline_select.map(|select| {
        choice_select(
            select,
            move || filter.read().overdue.then_some(()),
            on_deadline,
        )
    });
    // On a phone the column heads are hidden (each report is a card): the order is chosen here.
    let sort_select = Choices {
        id: "filter-sort",
        name: "sort",
        label: "Order",
        none: "Usual order",
        choices: SortKey::ALL
            .into_iter()
            .filter(|key| match key {
                SortKey::Total => !partner,
                SortKey::Distributor | SortKey::Region => spans_distributors,
                _ => true,
            })
            .map(|key| (key, key.to_param().to_owned(), key.label().to_owned()))
            .collect(),
    };
    let partner_field = (!partner).then(|| partner_search::field(partner_text, on_partner));
    let cycle_fields = (!partner).then(|| {
        view! {
            <div class="field month">
                <label for="filter-from">"Cycle from"</label>
                <input id="filter-from" name="from" type="month" placeholder="YYYY-MM"
                    prop:value=move || month(filter.read().from)
                    on:change=on_from />
            </div>
            <div class="field month">
                <label for="filter-to">"Cycle to"</label>
                <input id="filter-to" name="to" type="month" placeholder="YYYY-MM"
                    prop:value=move || month(filter.read().to)
                    on:change=on_to />
            </div>
        }
    });

    view! {
        <form class="filters" method="get" action="/" role="search" aria-label="Filter billing reports">
            {partner_field}
            {choice_select(status_select, move || filter.read().status, on_status)}
            {cycle_fields}
            {year_field}
            {choice_select(flag_select, move || filter.read().flag, on_flag)}
            {deadline_field}
            {admin_filters}
            <div class="sort-field">
                {choice_select(sort_select, move || Some(filter.read().sort_for(kind)), on_sort)}
            </div>
            <input type="hidden" name="view" value=move || filter.read().view.map(|v| v.to_param()).unwrap_or_default() />
            <div class="actions">
                <button class="button" type="submit">"Apply"</button>
                // Only when there is something to clear: one Tab stop fewer otherwise.
                {move || filter.read().narrows().then(|| {
                    let clear = clear.clone();
                    view! { <a class="button" href=move || cleared().list_href() on:click=clear>"Clear filters"</a> }
                })}
            </div>
        </form>
    }
}
