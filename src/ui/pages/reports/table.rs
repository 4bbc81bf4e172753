//! The rows of the list for one filter: the count, the table with its sortable column heads
//! (links, so sorting works without the WASM bundle) and the pager. Partners' rows have no total
//! column at all.

use leptos::prelude::*;

use crate::domain::{
    PartnerReportSummary,
    deadline::{DeadlineOf, TimeLeft},
    query::{ListedReports, ReportFilter, SortKey},
};
use crate::ui::{
    components::{local_time::LocalTime, status_badge::StatusBadge},
    format,
};

use super::{
    list_href,
    pager::{Pager, PagerProps},
};

/// The deadline that runs for a report, and how long is left ("—" when none runs).
fn deadline_cell(deadline: Option<String>, as_of: &str) -> AnyView {
    let Some(deadline) = deadline else {
        return "—".into_any();
    };
    let left = TimeLeft::until(&deadline, as_of);
    let class = if left.is_some_and(|left| left.is_urgent()) {
        "time-left urgent"
    } else {
        "time-left"
    };
    view! {
        <span class="stack">
            <LocalTime utc=deadline />
            <span class=class>{left.map(|left| left.label())}</span>
        </span>
    }
    .into_any()
}

/// "No reports", "1 report", "1,234 reports".
fn count_text(page: &ListedReports) -> String {
    match page.total_count() {
        0 => "No reports".to_owned(),
        1 => "1 report".to_owned(),
        n => format!("{} reports", format::units(n)),
    }
}

/// The count, the rows and the pager; a plain word when nothing matches.
#[component]
pub(super) fn ReportTable(
    page: ListedReports,
    filter: ReportFilter,
    /// The list spans distributors: the distributor and region columns are drawn.
    spans: bool,
) -> impl IntoView {
    if page.total_count() == 0 {
        return view! {
            <p class="count" role="status">"No reports"</p>
            <p class="empty">"No reports match these filters. Try another status or cycle."</p>
        }
        .into_any();
    }
    let count = count_text(&page);
    let pager = Pager(PagerProps {
        page: page.page(),
        page_count: page.page_count(),
        filter: filter.clone(),
    });
    let sortable = |label: &'static str, keys: &[SortKey], class: &'static str| {
        let current = keys.contains(&filter.sort);
        // The cycle column flips between newest and oldest first; the others have one order.
        let next = match keys {
            [first, second] if filter.sort == *first => *second,
            [first, ..] => *first,
            [] => SortKey::default(),
        };
        let aria = match (current, filter.sort.ascending()) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        };
        let href = list_href(&ReportFilter {
            sort: next,
            page: 1,
            ..filter.clone()
        });
        let arrow = match aria {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        view! {
            <th scope="col" class=class aria-sort=aria>
                <a class="sort" href=href>{label}<span aria-hidden="true">{arrow}</span></a>
            </th>
        }
    };
    let priced = matches!(page, ListedReports::Priced(_));
    let as_of = page.as_of().to_owned();
    let due_next = match &page {
        ListedReports::Partner(page) => page.due_next(),
        ListedReports::Priced(_) => None,
    };
    // One row shape for both: partners' rows have no total at all (the column is not drawn).
    let rows: Vec<(PartnerReportSummary, Option<String>, Option<String>)> = match page {
        ListedReports::Priced(page) => page
            .rows
            .into_iter()
            .map(|row| {
                let total = match row.total {
                    Some(total) => format::money_with_code(total, row.currency),
                    None => "—".to_owned(),
                };
                let deadline = DeadlineOf::running(row.status)
                    .map(|whose| whose.pick(&row.submission_deadline, &row.review_deadline))
                    .map(str::to_owned);
                (row.for_partner(), deadline, Some(total))
            })
            .collect(),
        ListedReports::Partner(page) => page
            .rows
            .into_iter()
            .map(|row| {
                let deadline = row.partner_deadline().map(str::to_owned);
                (row, deadline, None)
            })
            .collect(),
    };
    let rows = rows
        .into_iter()
        .map(|(row, deadline, total)| {
            let next = due_next == Some(row.id);
            view! {
                <tr class:due-next=next>
                    <td class="partner" data-label="Partner">
                        <span>
                            <a href=format!("/reports/{}", row.id)>{row.partner_name}</a>
                            <span class="partner-id">{format!("Partner #{}", row.partner_id)}</span>
                            {next.then(|| view! { <span class="flag-inline due">"Due next"</span> })}
                        </span>
                    </td>
                    <td class="status" data-label="Status">
                        <StatusBadge status=row.status />
                    </td>
                    <td class="nowrap" data-label="Cycle">{format::period_short(row.period)}</td>
                    <td class="nowrap" data-label="Deadline">{deadline_cell(deadline, &as_of)}</td>
                    {spans.then(|| view! {
                        <td data-label="Distributor">{row.distributor_name}</td>
                        <td data-label="Region">{row.region_name}</td>
                    })}
                    <td class="nowrap" data-label="PO number">
                        {row.po_number.unwrap_or_else(|| "—".to_owned())}
                    </td>
                    {total.map(|total| view! { <td class="money" data-label="Total">{total}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="count" role="status">{count}</p>
        <div class="table-wrap">
            <table class="reports">
                <thead>
                    <tr>
                        {sortable("Partner", &[SortKey::Partner], "")}
                        {sortable("Status", &[SortKey::Status], "")}
                        {sortable("Cycle", &[SortKey::Newest, SortKey::Oldest], "")}
                        <th scope="col">"Deadline"</th>
                        {spans.then(|| view! {
                            {sortable("Distributor", &[SortKey::Distributor], "")}
                            {sortable("Region", &[SortKey::Region], "")}
                        })}
                        <th scope="col">"PO number"</th>
                        {priced.then(|| sortable("Total invoice", &[SortKey::Total], "num"))}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
    }
    .into_any()
}
