//! Sign in. The form posts to the sign-in server function, so it works before (and without)
//! the WASM bundle; errors are shown in words, never whether an account exists.

use leptos::prelude::*;

use crate::api::auth::{SignIn, demo_accounts};

#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let accounts = Resource::new(|| (), |_| demo_accounts());
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_in.value().get() {
            let _ = window().location().set_href("/");
        }
    });
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|error| view! { <p class="form-error" role="alert">{error.to_string()}</p> })
    };
    view! {
        <section class="page sign-in">
            <div class="card">
                <h1>"Sign in"</h1>
                <p class="muted">"Billing reports for partners, distributors and the vendor."</p>
                <ActionForm action=sign_in>
                    <div class="field">
                        <label for="email">"Email address"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    {error}
                    <button class="button primary wide" type="submit" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    accounts.await.ok().flatten().map(|demo| {
                            view! {
                                <div class="card demo-accounts">
                                    <h2>"Demo accounts"</h2>
                                    <p class="muted">
                                        "This server runs with demo data. Every account's password is "
                                        <code>{demo.password}</code> "."
                                    </p>
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Email"</th>
                                                <th scope="col">"Who"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {demo
                                                .accounts
                                                .into_iter()
                                                .map(|account| {
                                                    view! {
                                                        <tr>
                                                            <td><code>{account.email}</code></td>
                                                            <td>{account.who}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                    })
                })}
            </Transition>
        </section>
    }
}
