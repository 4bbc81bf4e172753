//! The top bar's user menu: who is signed in, for which organisation, and the way out.

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
    view! {
        <div class="user-menu">
            <span class="who">
                <span class="who-name">{user.name}</span>
                <span class="who-org">{format!("{} · {}", user.org_name, user.role.label())}</span>
            </span>
            <ActionForm action=sign_out>
                <button class="button ghost" type="submit">
                    "Sign out"
                </button>
            </ActionForm>
        </div>
    }
}
