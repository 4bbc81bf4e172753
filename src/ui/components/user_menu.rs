//! The top bar's user menu: who is signed in, for which organisation, their organisation's API
//! tokens for administrators, and the way out.

use leptos::prelude::*;

use crate::api::auth::{CurrentUser, SignOut};

/// The signed-in user and organisation, and the way out. Signing out is a form post, so it
/// works before the page is interactive too.
#[component]
pub fn UserMenu(user: CurrentUser) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/sign-in");
        }
    });
    let manages_tokens = user.viewer().manages_integrations();
    view! {
        <div class="user-menu">
            <span class="who">
                <span class="who-name">{user.name}</span>
                <span class="who-org">{format!("{} · {}", user.org_name, user.role.label())}</span>
            </span>
            {manages_tokens.then(|| view! {
                <a class="button ghost" href="/api-tokens">"API tokens"</a>
            })}
            <ActionForm action=sign_out>
                <button class="button ghost" type="submit">
                    "Sign out"
                </button>
            </ActionForm>
        </div>
    }
}
