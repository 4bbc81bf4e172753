//! The report's header card: partner, distributor, status, cycle, region, PO number, deadlines,
//! flags and, for those who see prices, the total invoice amount (with the preview while a price
//! is being edited).

use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::domain::{
    Currency, ReportHeader,
    deadline::{DeadlineOf, TimeLeft},
    delivery::{DeliveryState, DeliveryStatus},
};
use crate::ui::{
    components::{local_time::LocalTime, status_badge::StatusBadge},
    format,
};

use super::state::Preview;

/// The report's header card. `total` is the total invoice amount, for those who see prices;
/// `delivery` where its submission to the vendor stands, for those who see that.
#[component]
pub(super) fn Header(
    header: ReportHeader,
    total: Option<AnyView>,
    delivery: Option<DeliveryStatus>,
) -> impl IntoView {
    let (first, last) = (header.period.first_day(), header.period.last_day());
    let dates = format!("{} – {}", format::day(first), format::day(last),);
    view! {
        <div class="report-head card">
            <div class="title-row">
                <div>
                    <h1>{header.partner_name.clone()}</h1>
                    <p class="muted">{format!("Partner #{} · {}", header.partner_id, header.distributor_name)}</p>
                </div>
                <div class="status-block">
                    <StatusBadge status=header.status />
                </div>
            </div>
            <dl class="facts">
                <div><dt>"Report cycle"</dt><dd>{format::period_long(header.period)}<span class="sub">{dates}</span></dd></div>
                <div><dt>"Region"</dt><dd>{header.region_name.clone()}<span class="sub">{header.currency.code()}</span></dd></div>
                <div><dt>"PO number"</dt><dd>{header.po_number.clone().unwrap_or_else(|| "Not set".to_owned())}</dd></div>
                <div><dt>"Partner deadline"</dt><dd><LocalTime utc=header.submission_deadline.clone() />{time_left(&header, DeadlineOf::Partner)}</dd></div>
                <div><dt>"Review deadline"</dt><dd><LocalTime utc=header.review_deadline.clone() />{time_left(&header, DeadlineOf::Distributor)}</dd></div>
                {total}
                {delivery.map(|delivery| view! {
                    <div class="delivery">
                        <dt>"Vendor reference"</dt>
                        <dd>
                            {delivery.reference.clone().unwrap_or_else(|| "None yet".to_owned())}
                            <span class=if delivery.state == DeliveryState::Failed { "sub time-left urgent" } else { "sub" }>
                                {delivery.describe()}
                            </span>
                        </dd>
                    </div>
                })}
            </dl>
            <ul class="flags">
                {header.flags.auto_penalties.then(|| view! { <li class="flag warn">"Auto-submitted with penalties"</li> })}
                {header.flags.has_comments.then(|| view! { <li class="flag">"Has partner comments"</li> })}
            </ul>
        </div>
    }
}

/// "due in 3 days" under the deadline that is running now (and only that one).
fn time_left(header: &ReportHeader, whose: DeadlineOf) -> Option<impl IntoView + use<>> {
    if DeadlineOf::running(header.status) != Some(whose) {
        return None;
    }
    let deadline = whose.pick(&header.submission_deadline, &header.review_deadline);
    let left = TimeLeft::until(deadline, &header.as_of)?;
    let class = if left.is_urgent() {
        "sub time-left urgent"
    } else {
        "sub time-left"
    };
    Some(view! { <span class=class>{left.label()}</span> })
}

/// The header's total invoice amount: the saved one, or the preview while a price is edited.
#[component]
pub(super) fn TotalFact(
    saved: Decimal,
    currency: Currency,
    preview: Memo<Option<Preview>>,
) -> impl IntoView {
    view! {
        <div class="total">
            <dt>"Total invoice amount"</dt>
            <dd data-testid="header-total">
                {move || match preview.get() {
                    Some(preview) if preview.total != saved => view! {
                        <span class="preview">{format::money_with_code(preview.total, currency)}</span>
                        <span class="sub">{format!("Preview, not saved yet · saved {}", format::money_with_code(saved, currency))}</span>
                    }
                    .into_any(),
                    _ => format::money_with_code(saved, currency).into_any(),
                }}
            </dd>
        </div>
    }
}
