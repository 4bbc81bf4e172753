//! After a decision (submitted, returned, completed) the report leaves the viewer's hands: the
//! page says what happened and offers the next report of their to-do, with the filters of the
//! list they came from kept for the way back.

use leptos::prelude::*;

use crate::api::reports::list_reports;
use crate::domain::{
    OrgKind, Period, listing::ListedReports, query::ReportFilter, to_do::ListView,
};
use crate::ui::{focus::focus_by_id, format};

const DONE_ID: &str = "decision-done";

/// What the decision did, and where to go next.
#[component]
pub(super) fn AfterDecision(
    report_id: i64,
    /// The list the report was opened from.
    list: ReportFilter,
    kind: OrgKind,
    text: String,
) -> impl IntoView {
    let to_do = list.with_view(ListView::ToDo, kind);
    let next = LocalResource::new(move || {
        let to_do = to_do.clone();
        async move { list_reports(to_do).await.ok() }
    });
    Effect::new(move |_| focus_by_id(DONE_ID));
    let back = list.list_href();
    let offer = move || {
        let list = list.clone();
        next.get().map(move |page| {
            match page.and_then(|page| first_other(&page, report_id)) {
                Some((id, partner, period)) => view! {
                    <a class="button primary" href=list.report_href(id)>
                        {format!("Next in your to-do: {partner}, {} →", format::period_long(period))}
                    </a>
                }
                .into_any(),
                None => view! { <p class="muted">"Nothing else is waiting in your to-do."</p> }.into_any(),
            }
        })
    };
    view! {
        <section class="card actions after-decision" aria-labelledby="decision-done-title">
            <h2 class="section-title" id="decision-done-title">"Your decision"</h2>
            <p class="form-ok" id=DONE_ID role="status" tabindex="-1">{text}</p>
            <div class="button-row">
                <Suspense fallback=|| view! { <span class="muted">"Finding the next report…"</span> }>
                    {offer}
                </Suspense>
                <a class="button" href=back>"Back to the list"</a>
            </div>
        </section>
    }
}

/// The first report of the page other than `report_id`: (id, partner, cycle).
fn first_other(page: &ListedReports, report_id: i64) -> Option<(i64, String, Period)> {
    match page {
        ListedReports::Priced(page) => page
            .rows
            .iter()
            .find(|row| row.id != report_id)
            .map(|row| (row.id, row.partner_name.clone(), row.period)),
        ListedReports::Partner(page) => page
            .rows
            .iter()
            .find(|row| row.id != report_id)
            .map(|row| (row.id, row.partner_name.clone(), row.period)),
    }
}
