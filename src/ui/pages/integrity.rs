//! History integrity, for platform admins: every report's history is a hash chain; checking it
//! names the first entry of each report that was changed, removed or reordered outside the
//! application. The server checks who may ask on every call; this page only explains itself
//! to others.

use leptos::prelude::*;

use crate::api::integrity::CheckHistory;
use crate::app::UserResource;
use crate::domain::{
    Refusal,
    integrity::{ChainBreak, IntegrityCheck},
};
use crate::ui::components::{
    local_time::LocalTime,
    unpack::{loading, signed_in, unpack},
};

#[component]
pub fn IntegrityPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <section class="page integrity">
            <div class="page-head">
                <h1>"History integrity"</h1>
            </div>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    unpack(signed_in(user.await), None, |user| {
                        if user.viewer().checks_history() {
                            view! { <CheckCard /> }.into_any()
                        } else {
                            let refusal = Refusal::HistoryCheckAdminOnly.to_string();
                            view! { <p class="error" role="alert">{refusal}</p> }.into_any()
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CheckCard() -> impl IntoView {
    let check = ServerAction::<CheckHistory>::new();
    let result = move || {
        check.value().get().map(|result| match result {
            Ok(found) => view! { <Verdict found /> }.into_any(),
            Err(error) => {
                view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
            }
        })
    };
    view! {
        <div class="card integrity-check">
            <p class="muted">
                "Every history entry stores a fingerprint of its own content and of the entry before it. Checking recomputes them all: an entry edited, removed or reordered outside the application no longer fits, and the first one that does not is named here."
            </p>
            <ActionForm action=check>
                <button class="button primary" type="submit" disabled=move || check.pending().get()>
                    {move || if check.pending().get() { "Checking…" } else { "Check every history" }}
                </button>
            </ActionForm>
            <div aria-live="polite">{result}</div>
        </div>
    }
}

#[component]
fn Verdict(found: IntegrityCheck) -> impl IntoView {
    let sentence = found.sentence();
    let intact = found.is_intact();
    view! {
        <div class="integrity-verdict" class:intact=intact class:broken=!intact>
            <p class="verdict" role="status">
                <strong>{sentence}</strong>
                " As of "
                <LocalTime utc=found.checked_at.clone() />
                "."
            </p>
            {(!intact).then(|| view! { <BreakList breaks=found.breaks /> })}
        </div>
    }
}

#[component]
fn BreakList(breaks: Vec<ChainBreak>) -> impl IntoView {
    view! {
        <ul class="break-list">
            {breaks
                .into_iter()
                .map(|broken| {
                    let href = format!("/reports/{}", broken.report_id);
                    let sentence = broken.sentence();
                    view! {
                        <li>
                            <a href=href>{sentence}</a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
