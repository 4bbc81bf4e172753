//! API tokens, for an organisation's administrators: what the organisation's systems (an ERP, a
//! PSA) use to call the public API. A new token is shown once, right after it is created; the
//! list says what each may do, whom it acts as and when it was last used, and revokes one. The
//! server checks who may on every call.

use leptos::prelude::*;

use crate::api::{
    ApiError,
    api_tokens::{CreateApiToken, RevokeApiToken, list_api_tokens},
};
use crate::app::UserResource;
use crate::domain::{
    Refusal,
    api_token::{NAME_MAX_CHARS, Scope, TokenItem},
};
use crate::ui::components::{
    integrations_nav::IntegrationsNav,
    local_time::LocalTime,
    unpack::{loading, signed_in, unpack},
};

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let listed = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        move |_| async move {
            match user.await {
                Ok(Some(user)) if !user.viewer().manages_integrations() => Err(ApiError::Refused(
                    Refusal::IntegrationsAdminOnly.to_string(),
                )),
                _ => list_api_tokens().await,
            }
        },
    );
    view! {
        <section class="page api-tokens">
            <div class="page-head">
                <h1>"API tokens"</h1>
            </div>
            <IntegrationsNav here="/api-tokens" />
            <p class="muted lead">
                "Your organisation's systems call the Billing Reports API with a token: it reads the reports your organisation may read and, if allowed, acts on them as a billing manager would. Every action taken with a token is in the report's history under the token's name. The reference is at "
                <a href="/api/v1/docs">"/api/v1/docs"</a>"."
            </p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    let user = signed_in(user.await);
                    let listed = listed.await;
                    unpack(user, None, move |user| {
                        if !user.viewer().manages_integrations() {
                            let refusal = Refusal::IntegrationsAdminOnly.to_string();
                            return view! { <p class="error" role="alert">{refusal}</p> }.into_any();
                        }
                        unpack(listed, None, move |items| view! {
                            <NewTokenForm create />
                            <Tokens items revoke />
                        }.into_any())
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewTokenForm(create: ServerAction<CreateApiToken>) -> impl IntoView {
    let outcome = move || {
        create.value().get().map(|done| match done {
            Ok(token) => view! {
                <div class="notice ok new-token" role="status">
                    <p>
                        <strong>{format!("Token “{}” created.", token.name)}</strong>
                        " Copy it now and keep it in your system's secret store: it is not shown again."
                    </p>
                    <input class="token-value" type="text" readonly=true aria-label="The new token"
                        value=token.value />
                </div>
            }
            .into_any(),
            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <ActionForm action=create attr:class="card token-form">
            <h2>"New token"</h2>
            <div class="token-fields">
                <label class="field">
                    <span>"Name"</span>
                    <input type="text" name="name" required=true maxlength=NAME_MAX_CHARS.to_string()
                        placeholder="ERP sync" autocomplete="off" />
                </label>
                <label class="field">
                    <span>"May"</span>
                    <select name="scope">
                        {Scope::all().into_iter().map(|scope| view! {
                            <option value=scope.as_code()>{scope.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button class="button primary" type="submit" disabled=move || create.pending().get()>
                    "Create token"
                </button>
            </div>
        </ActionForm>
        <div aria-live="polite">{outcome}</div>
    }
}

#[component]
fn Tokens(items: Vec<TokenItem>, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <div class="card empty">
                <p><strong>"No tokens yet."</strong></p>
                <p class="muted">"Create one above for each system that calls the API, so that you can revoke one without the others."</p>
            </div>
        }
        .into_any();
    }
    let failed = move || {
        revoke.value().get().and_then(Result::err).map(|error| {
            view! { <p class="form-error" role="alert">{error.to_string()}</p> }
        })
    };
    view! {
        <div aria-live="polite">{failed}</div>
        <div class="table-wrap">
            <table class="reports tokens">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"May"</th>
                        <th scope="col">"Acts as"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| view! { <TokenRow item revoke /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn TokenRow(item: TokenItem, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let id = item.id;
    let name = item.name.clone();
    let when = |at: Option<String>, none: &'static str| match at {
        Some(at) => view! { <LocalTime utc=at /> }.into_any(),
        None => view! { <span class="muted">{none}</span> }.into_any(),
    };
    let action = match item.revoked_at.clone() {
        Some(at) => view! { <span class="flag">"Revoked "<LocalTime utc=at /></span> }.into_any(),
        None => {
            let confirm =
                format!("Revoke the token “{name}”? The systems using it are refused from now on.");
            view! {
                <button class="button small danger" type="button"
                    aria-label=format!("Revoke the token {name}")
                    disabled=move || revoke.pending().get()
                    on:click=move |_| {
                        if window().confirm_with_message(&confirm).unwrap_or(false) {
                            revoke.dispatch(RevokeApiToken { id });
                        }
                    }>
                    "Revoke"
                </button>
            }
            .into_any()
        }
    };
    view! {
        <tr>
            <td class="partner" data-label="Name">{item.name.clone()}</td>
            <td data-label="May">{item.scope.label()}</td>
            <td data-label="Acts as">{item.user_name.clone()}</td>
            <td data-label="Created">
                <span class="stamp"><LocalTime utc=item.created_at.clone() /><span class="muted by">{format!(" by {}", item.created_by)}</span></span>
            </td>
            <td data-label="Last used">{when(item.last_used_at.clone(), "Never")}</td>
            <td data-label="">{action}</td>
        </tr>
    }
}
