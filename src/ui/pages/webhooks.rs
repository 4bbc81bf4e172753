//! Webhooks, for an organisation's administrators: the addresses its systems are told of
//! events at, registering one (its signing secret shown once), removing one, and the log of
//! what was sent with the receiver's answers and "Resend". The server checks who may on every
//! call.

use leptos::prelude::*;

use crate::api::{
    ApiError,
    webhooks::{CreateWebhook, RemoveWebhook, ResendWebhook, load_webhooks},
};
use crate::app::UserResource;
use crate::domain::{
    Refusal,
    delivery::DeliveryState,
    webhook::{DeliveryLogItem, EndpointItem, SIGNATURE_HEADER, WebhookEvent, WebhooksPage},
};
use crate::ui::{
    components::{
        integrations_nav::IntegrationsNav,
        local_time::LocalTime,
        unpack::{loading, signed_in, unpack},
    },
    format,
};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let create = ServerAction::<CreateWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let resend = ServerAction::<ResendWebhook>::new();
    let loaded = Resource::new(
        move || {
            (
                create.version().get(),
                remove.version().get(),
                resend.version().get(),
            )
        },
        move |_| async move {
            match user.await {
                Ok(Some(user)) if !user.viewer().manages_integrations() => Err(ApiError::Refused(
                    Refusal::IntegrationsAdminOnly.to_string(),
                )),
                _ => load_webhooks().await,
            }
        },
    );
    view! {
        <section class="page webhooks">
            <div class="page-head">
                <h1>"Webhooks"</h1>
            </div>
            <IntegrationsNav here="/webhooks" />
            <p class="muted lead">
                "Your organisation's systems can be told at once when something happens to a report, instead of asking again and again. Each event is posted as JSON to the addresses below, signed with the address's secret; it names the report, and your system reads the report through the API. A receiver that does not answer 2xx is tried again, less and less often, for about five hours."
            </p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let user = signed_in(user.await);
                    let loaded = loaded.await;
                    unpack(user, None, move |user| {
                        if !user.viewer().manages_integrations() {
                            let refusal = Refusal::IntegrationsAdminOnly.to_string();
                            return view! { <p class="error" role="alert">{refusal}</p> }.into_any();
                        }
                        unpack(loaded, None, move |page: WebhooksPage| view! {
                            <NewEndpointForm create />
                            <Endpoints items=page.endpoints remove />
                            <h2 class="section-title">"Delivery log"</h2>
                            <Log items=page.deliveries resend />
                        }.into_any())
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewEndpointForm(create: ServerAction<CreateWebhook>) -> impl IntoView {
    let outcome = move || {
        create.value().get().map(|done| match done {
            Ok(endpoint) => view! {
                <div class="notice ok new-token" role="status">
                    <p>
                        <strong>"Endpoint added."</strong>
                        " Its signing secret is below: copy it into the receiving system now, it is not shown again."
                    </p>
                    <input class="token-value" type="text" readonly=true
                        aria-label="The endpoint's signing secret" value=endpoint.secret />
                    <p class="muted">
                        "Each request carries the header " <code>{SIGNATURE_HEADER}</code>
                        " as " <code>"t=TIMESTAMP,v1=SIGNATURE"</code>
                        ": the signature is the HMAC-SHA256, in hex, of the timestamp, a full stop and the raw body, keyed with this secret. Refuse a request whose signature differs or whose timestamp is more than five minutes old."
                    </p>
                </div>
            }
            .into_any(),
            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <ActionForm action=create attr:class="card token-form">
            <h2>"New endpoint"</h2>
            <label class="field">
                <span>"Address"</span>
                <input type="url" name="url" required=true autocomplete="off" inputmode="url"
                    placeholder="https://erp.example.com/billing-reports/events" />
            </label>
            <fieldset class="events">
                <legend>"Tell it of"</legend>
                {WebhookEvent::all().into_iter().enumerate().map(|(index, event)| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("events[{index}]") value=event.as_code()
                            checked=true />
                        <span>{event.label()}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <div>
                <button class="button primary" type="submit" disabled=move || create.pending().get()>
                    "Add endpoint"
                </button>
            </div>
        </ActionForm>
        <div aria-live="polite">{outcome}</div>
    }
}

/// What a refused remove or resend said, where the user is looking.
fn failure<A>(action: ServerAction<A>) -> impl IntoView
where
    A: leptos::server_fn::ServerFn<Output = (), Error = ApiError> + Clone + Send + Sync + 'static,
{
    move || {
        action.value().get().and_then(Result::err).map(|error| {
            view! { <p class="form-error" role="alert">{error.to_string()}</p> }
        })
    }
}

#[component]
fn Endpoints(items: Vec<EndpointItem>, remove: ServerAction<RemoveWebhook>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <div class="card empty">
                <p><strong>"No endpoints yet."</strong></p>
                <p class="muted">"Add the address of each system that should be told of events above."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div aria-live="polite">{failure(remove)}</div>
        <div class="table-wrap">
            <table class="reports endpoints">
                <thead>
                    <tr>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Events"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col"><span class="visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| {
                        let (id, url) = (item.id, item.url.clone());
                        let events = item.events.iter().map(|e| e.label()).collect::<Vec<_>>().join(", ");
                        let confirm = format!("Remove {url}? It is told of nothing more; its log stays.");
                        view! {
                            <tr>
                                <td class="partner url" data-label="Address">{item.url}</td>
                                <td data-label="Events">{events}</td>
                                <td data-label="Added">
                                    <span class="stamp"><LocalTime utc=item.created_at /><span class="muted by">{format!(" by {}", item.created_by)}</span></span>
                                </td>
                                <td data-label="">
                                    <button class="button small danger" type="button"
                                        aria-label=format!("Remove the endpoint {url}")
                                        disabled=move || remove.pending().get()
                                        on:click=move |_| {
                                            if window().confirm_with_message(&confirm).unwrap_or(false) {
                                                remove.dispatch(RemoveWebhook { id });
                                            }
                                        }>
                                        "Remove"
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Log(items: Vec<DeliveryLogItem>, resend: ServerAction<ResendWebhook>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <div class="card empty">
                <p class="muted">"Nothing sent yet: events appear here as reports move."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div aria-live="polite">{failure(resend)}</div>
        <div class="table-wrap">
            <table class="reports webhook-log">
                <thead>
                    <tr>
                        <th scope="col">"Event"</th>
                        <th scope="col">"Report"</th>
                        <th scope="col">"To"</th>
                        <th scope="col">"Raised"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Last answer"</th>
                        <th scope="col"><span class="visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| view! { <LogRow item resend /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn LogRow(item: DeliveryLogItem, resend: ServerAction<ResendWebhook>) -> impl IntoView {
    let id = item.id;
    let state_class = match item.state {
        DeliveryState::Delivered => "flag ok",
        DeliveryState::Pending => "flag",
        DeliveryState::Failed => "flag bad",
    };
    let answer = match (item.last_status, item.last_error.clone()) {
        (Some(status), _) => format!("HTTP {status}"),
        (None, Some(error)) => error,
        (None, None) => "None yet".to_owned(),
    };
    let action = item.may_resend().then(|| {
        view! {
            <button class="button small" type="button"
                aria-label=format!("Resend delivery {id}")
                disabled=move || resend.pending().get()
                on:click=move |_| { resend.dispatch(ResendWebhook { id }); }>
                "Resend"
            </button>
        }
    });
    view! {
        <tr>
            <td class="partner" data-label="Event">{item.event_label()}</td>
            <td data-label="Report">
                <a href=format!("/reports/{}", item.report_id)>
                    {format!("{} · {}", item.partner, format::period_short(item.period))}
                </a>
            </td>
            <td class="url" data-label="To">
                {item.endpoint_url.clone()}
                {item.endpoint_removed.then(|| view! { <span class="muted">" (removed)"</span> })}
            </td>
            <td data-label="Raised"><LocalTime utc=item.created_at.clone() /></td>
            <td data-label="State"><span class=state_class>{item.describe()}</span></td>
            <td data-label="Last answer">{answer}</td>
            <td data-label="">{action}</td>
        </tr>
    }
}
