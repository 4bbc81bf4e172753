//! Deliveries to the vendor, for the vendor's billing team and platform admins: every submitted
//! report not delivered yet, failed ones first, with where each stands, when it is tried next,
//! what the last try met, and "Retry now" for a failed one. The server checks who may ask on
//! every call; nobody else is sent a request bound to be refused.

use leptos::prelude::*;

use crate::api::{
    ApiError,
    deliveries::{RetryDelivery, list_deliveries},
};
use crate::app::UserResource;
use crate::domain::{Refusal, delivery::DeliveryItem};
use crate::ui::{
    components::{
        local_time::LocalTime,
        unpack::{loading, signed_in, unpack},
    },
    format,
};

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let retry = ServerAction::<RetryDelivery>::new();
    // Asked again after each retry; only for those who manage deliveries.
    let listed = Resource::new(
        move || retry.version().get(),
        move |_| async move {
            match user.await {
                Ok(Some(user)) if !user.viewer().manages_deliveries() => {
                    Err(ApiError::Refused(Refusal::DeliveriesOnly.to_string()))
                }
                _ => list_deliveries().await,
            }
        },
    );
    view! {
        <section class="page deliveries">
            <div class="page-head">
                <h1>"Deliveries to the vendor"</h1>
            </div>
            <p class="muted lead">
                "Every report submitted to the vendor is delivered to the vendor's system, which answers with its reference. While the vendor does not answer, each delivery is tried again, less and less often, for about five hours; then it is marked failed until someone retries it."
            </p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let user = signed_in(user.await);
                    let listed = listed.await;
                    unpack(user, None, move |user| {
                        if !user.viewer().manages_deliveries() {
                            let refusal = Refusal::DeliveriesOnly.to_string();
                            return view! { <p class="error" role="alert">{refusal}</p> }.into_any();
                        }
                        unpack(listed, None, move |items| view! { <Deliveries items retry /> }.into_any())
                    })
                })}
            </Transition>
            <RetryOutcome retry />
        </section>
    }
}

/// What the last "Retry now" did, read out.
#[component]
fn RetryOutcome(retry: ServerAction<RetryDelivery>) -> impl IntoView {
    let said = move || {
        retry.value().get().map(|done| match done {
            Ok(()) => view! { <p class="notice ok" role="status">"Queued: it is tried again within a minute."</p> }.into_any(),
            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
        })
    };
    view! { <div aria-live="polite">{said}</div> }
}

#[component]
fn Deliveries(items: Vec<DeliveryItem>, retry: ServerAction<RetryDelivery>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <div class="card empty">
                <p><strong>"Every submitted report has been delivered."</strong></p>
                <p class="muted">"Nothing is waiting for the vendor's system."</p>
            </div>
        }
        .into_any();
    }
    let failed = items.iter().filter(|item| item.may_retry()).count();
    let count = format!(
        "{} not delivered yet, {} of them failed",
        format::units(u64::try_from(items.len()).unwrap_or(u64::MAX)),
        format::units(u64::try_from(failed).unwrap_or(u64::MAX))
    );
    view! {
        <p class="count" role="status">{count}</p>
        <div class="table-wrap">
            <table class="reports deliveries">
                <thead>
                    <tr>
                        <th scope="col">"Partner"</th>
                        <th scope="col">"Distributor"</th>
                        <th scope="col">"Cycle"</th>
                        <th scope="col">"Delivery"</th>
                        <th scope="col">"Submitted"</th>
                        <th scope="col">"Next try"</th>
                        <th scope="col">"Last answer"</th>
                        <th scope="col"><span class="visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| view! { <DeliveryRow item retry /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn DeliveryRow(item: DeliveryItem, retry: ServerAction<RetryDelivery>) -> impl IntoView {
    let href = format!("/reports/{}", item.report_id);
    let may_retry = item.may_retry();
    let id = item.id;
    let state_class = if may_retry { "flag warn" } else { "flag" };
    view! {
        <tr>
            <td class="partner" data-label="Partner"><a href=href>{item.partner_name.clone()}</a></td>
            <td data-label="Distributor">{item.distributor_name.clone()}</td>
            <td data-label="Cycle">{format::period_long(item.period)}</td>
            <td data-label="Delivery"><span class=state_class>{item.status.describe()}</span></td>
            <td data-label="Submitted"><LocalTime utc=item.submitted_at.clone() /></td>
            <td data-label="Next try">
                {match item.next_attempt_at.clone() {
                    Some(at) => view! { <LocalTime utc=at /> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td data-label="Last answer" class="detail">{item.last_error.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td data-label="">
                {may_retry.then(|| view! {
                    <button class="button" type="button"
                        disabled=move || retry.pending().get()
                        on:click=move |_| { retry.dispatch(RetryDelivery { id }); }>
                        "Retry now"
                    </button>
                })}
            </td>
        </tr>
    }
}
