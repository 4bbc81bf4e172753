//! The billing reports list: filters kept in the URL (shareable, back-button friendly, and
//! rendered on the server), the rows fetched by a server function.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::api::{ApiError, reports::list_reports};
use crate::app::UserResource;
use crate::domain::{
    PartnerReportSummary, Period,
    query::{ListedReports, ReportFilter, StatusFilter},
};
use crate::ui::{components::status_badge::StatusBadge, format};

/// The list for whoever is signed in; the sign-in page for nobody; a clear word for a user whose
/// region has no billing reports.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    // Both resources are created here, before anything is awaited, so that the server and the
    // browser number them alike (hydration matches resources by creation order).
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        ReportFilter::from_params(|key| query.get(key))
    });
    let reports = Resource::new(move || filter.get(), list_reports);
    view! {
        // One level of suspense: both answers are awaited together, and everything below is
        // drawn from them synchronously.
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (user.await, reports.await) {
                    (Ok(None) | Err(ApiError::Unauthenticated), _) | (_, Err(ApiError::Unauthenticated)) => {
                        view! { <leptos_router::components::Redirect path="/sign-in" /> }.into_any()
                    }
                    (Ok(Some(user)), _) if !user.region_enabled => {
                        view! { <RegionUnavailable region=user.region_name /> }.into_any()
                    }
                    (_, Ok(page)) => view! { <ReportList filter page /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => {
                        view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn RegionUnavailable(region: Option<String>) -> impl IntoView {
    let region = region.unwrap_or_else(|| "your region".to_owned());
    view! {
        <section class="page narrow notice">
            <h1>"Billing reports are not available in your region"</h1>
            <p>
                {format!(
                    "Billing reports have not been enabled for {region} yet, so there is nothing to review here. "
                )}
                "Usage and invoices for your organisation are handled outside this system for now."
            </p>
            <p class="muted">
                "If you believe this is a mistake, contact your vendor channel manager."
            </p>
        </section>
    }
}

#[component]
fn ReportList(filter: Memo<ReportFilter>, page: ListedReports) -> impl IntoView {
    let count = count_text(&page);
    let navigate = use_navigate();
    let apply = move |change: &dyn Fn(&mut ReportFilter)| {
        let mut next = filter.get_untracked();
        change(&mut next);
        next.page = 1;
        let query = next.to_query();
        let url = if query.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{query}")
        };
        navigate(&url, NavigateOptions::default());
    };
    let on_status = {
        let apply = apply.clone();
        move |ev| {
            let value = event_target_value(&ev);
            apply(&|f: &mut ReportFilter| f.status = StatusFilter::from_param(&value));
        }
    };
    let on_period = move |ev| {
        let value = Period::parse(&event_target_value(&ev)).ok();
        apply(&|f: &mut ReportFilter| {
            f.from = value;
            f.to = value;
        });
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Billing reports"</h1>
                <p class="count">{count}</p>
            </div>
            <form class="filters" method="get" action="/">
                <div class="field">
                    <label for="filter-status">"Status"</label>
                    <select id="filter-status" name="status" on:change=on_status>
                        <option value="" selected=move || filter.read().status.is_none()>
                            "All statuses"
                        </option>
                        {StatusFilter::all()
                            .into_iter()
                            .map(|choice| {
                                let param = choice.to_param();
                                view! {
                                    <option
                                        value=param
                                        selected=move || filter.read().status == Some(choice)
                                    >
                                        {choice.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-period">"Report cycle"</label>
                    <input
                        id="filter-period"
                        name="period"
                        type="month"
                        placeholder="YYYY-MM"
                        prop:value=move || filter.read().from.map(|p| p.to_string()).unwrap_or_default()
                        on:change=on_period
                    />
                </div>
                <div class="actions">
                    <button class="button" type="submit">
                        "Apply"
                    </button>
                    <a class="button" href="/">
                        "Clear"
                    </a>
                </div>
            </form>
            <ReportTable page filter=filter.get_untracked() />
        </section>
    }
}

fn count_text(page: &ListedReports) -> String {
    match page.total_count() {
        0 => "No reports".to_owned(),
        1 => "1 report".to_owned(),
        n => format!("{} reports", format::units(n)),
    }
}

#[component]
fn ReportTable(page: ListedReports, filter: ReportFilter) -> impl IntoView {
    if page.total_count() == 0 {
        return view! {
            <p class="empty">"No reports match these filters. Try another status or cycle."</p>
        }
        .into_any();
    }
    let pager = Pager(PagerProps {
        page: page.page(),
        page_count: page.page_count(),
        filter,
    });
    let priced = matches!(page, ListedReports::Priced(_));
    // One row shape for both: partners' rows have no total at all (the column is not drawn).
    let rows: Vec<(PartnerReportSummary, Option<String>)> = match page {
        ListedReports::Priced(page) => page
            .rows
            .into_iter()
            .map(|row| {
                let total = match row.total {
                    Some(total) => format::money_with_code(total, row.currency),
                    None => "—".to_owned(),
                };
                (row.for_partner(), Some(total))
            })
            .collect(),
        ListedReports::Partner(page) => page.rows.into_iter().map(|row| (row, None)).collect(),
    };
    let rows = rows
        .into_iter()
        .map(|(row, total)| {
            view! {
                <tr>
                    <td class="partner" data-label="Partner">
                        <span>
                            <a href=format!("/reports/{}", row.id)>{row.partner_name}</a>
                            <span class="partner-id">{format!("Partner #{}", row.partner_id)}</span>
                        </span>
                    </td>
                    <td class="status" data-label="Status">
                        <StatusBadge status=row.status />
                    </td>
                    <td class="nowrap" data-label="Cycle">{format::period_short(row.period)}</td>
                    <td data-label="Distributor">{row.distributor_name}</td>
                    <td data-label="Region">{row.region_name}</td>
                    <td class="nowrap" data-label="PO number">
                        {row.po_number.unwrap_or_else(|| "—".to_owned())}
                    </td>
                    {total.map(|total| view! { <td class="money" data-label="Total">{total}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="reports">
                <thead>
                    <tr>
                        <th scope="col">"Partner"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Cycle"</th>
                        <th scope="col">"Distributor"</th>
                        <th scope="col">"Region"</th>
                        <th scope="col">"PO number"</th>
                        {priced.then(|| view! { <th scope="col" class="num">"Total invoice"</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
    }
    .into_any()
}

/// Previous / next links: plain links, so paging works before (and without) the WASM bundle.
#[component]
fn Pager(page: u32, page_count: u32, filter: ReportFilter) -> impl IntoView {
    let href = move |page: u32| {
        let query = ReportFilter {
            page,
            ..filter.clone()
        }
        .to_query();
        if query.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{query}")
        }
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
