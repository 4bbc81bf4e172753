//! The rows of the list for one filter: the count, the table with its sortable column heads
//! (links, so sorting works without the WASM bundle), the totals of everything the filter
//! matches, and the pager. Partners' rows have no total column and no totals at all.

use leptos::prelude::*;

use crate::domain::{
    OrgKind, PartnerReportSummary,
    deadline::DeadlineOf,
    query::{FilterTotals, ListedReports, ReportFilter, SortKey},
    to_do::ListView,
};
use crate::ui::{components::status_badge::StatusBadge, format};

use super::{
    bulk::BulkState,
    cells::{deadline_cell, markers},
    pager::{Pager, PagerProps},
    totals::{FilterTotalsLine, FilterTotalsLineProps},
};

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
    /// The filter with its view settled.
    filter: ReportFilter,
    kind: OrgKind,
    /// The list spans distributors: the distributor and region columns are drawn.
    spans: bool,
    /// The viewer's step on many reports, when the rows can be selected for it.
    bulk: Option<BulkState>,
) -> impl IntoView {
    if page.total_count() == 0 {
        let why = if filter.view == Some(ListView::ToDo) && !filter.narrows() {
            "Nothing to do: no report is waiting for you. All reports lists every report."
        } else {
            "No reports match these filters. Try another status or cycle."
        };
        return view! {
            <p class="count" role="status">"No reports"</p>
            <p class="empty" id="reports" tabindex="-1">{why}</p>
        }
        .into_any();
    }
    let count = count_text(&page);
    let pager = Pager(PagerProps {
        page: page.page(),
        page_count: page.page_count(),
        filter: filter.clone(),
    });
    let sort = filter.sort_for(kind);
    let sortable = |label: &'static str, keys: &[SortKey], class: &'static str| {
        let current = keys.contains(&sort);
        // The cycle column flips between newest and oldest first; the others have one order.
        let next = match keys {
            [first, second] if sort == *first => *second,
            [first, ..] => *first,
            [] => SortKey::default(),
        };
        let aria = match (current, sort.ascending()) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        };
        let href = ReportFilter {
            sort: Some(next),
            page: 1,
            ..filter.clone()
        }
        .list_href();
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
    let as_of = page.as_of().to_owned();
    let (due_next, totals): (Option<i64>, Option<FilterTotals>) = match &page {
        ListedReports::Partner(page) => (page.due_next(), None),
        ListedReports::Priced(page) => (None, Some(page.totals.clone())),
    };
    // One row shape for both: partners' rows have no total at all (the column is not drawn).
    type Row = (
        PartnerReportSummary,
        Option<String>,
        Option<String>,
        Option<AnyView>,
    );
    let rows: Vec<Row> = match page {
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
                let pick = bulk.map(|bulk| bulk.cell(&row).into_any());
                (row.for_partner(), deadline, Some(total), pick)
            })
            .collect(),
        ListedReports::Partner(page) => page
            .rows
            .into_iter()
            .map(|row| {
                let deadline = row.partner_deadline().map(str::to_owned);
                (row, deadline, None, None)
            })
            .collect(),
    };
    let priced = totals.is_some();
    let rows = rows
        .into_iter()
        .map(|(row, deadline, total, pick)| {
            let next = due_next == Some(row.id);
            view! {
                <tr class:due-next=next>
                    {pick}
                    <td class="partner" data-label="Partner">
                        <span>
                            <a href=filter.report_href(row.id)>{row.partner_name}</a>
                            <span class="partner-id">{format!("Partner #{}", row.partner_id)}</span>
                            {next.then(|| view! { <span class="flag-inline due">"Due next"</span> })}
                        </span>
                        {markers(row.flags)}
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
                        {bulk.map(|_| view! {
                            <th scope="col" class="pick-cell"><span class="visually-hidden">"Select"</span></th>
                        })}
                        {sortable("Partner", &[SortKey::Partner], "")}
                        {sortable("Status", &[SortKey::Status], "")}
                        {sortable("Cycle", &[SortKey::Newest, SortKey::Oldest], "")}
                        {sortable("Deadline", &[SortKey::Deadline], "")}
                        {spans.then(|| view! {
                            {sortable("Distributor", &[SortKey::Distributor], "")}
                            {sortable("Region", &[SortKey::Region], "")}
                        })}
                        <th scope="col">"PO number"</th>
                        {priced.then(|| sortable("Total invoice", &[SortKey::Total], "num"))}
                    </tr>
                </thead>
                // The target of the "Skip to reports" link: the next Tab is the first report.
                <tbody id="reports" tabindex="-1">{rows}</tbody>
            </table>
        </div>
        {totals.map(|totals| FilterTotalsLine(FilterTotalsLineProps { totals }))}
        {pager}
    }
    .into_any()
}
