//! The notices page: what happened to the organisation's reports, newest first, each leading to
//! its report. Opening it marks the notices read; those that were new are marked as such. Below,
//! the user's own choice of the notices they are also emailed.

use leptos::prelude::*;

use crate::api::notices::{SaveEmailChoices, load_email_choices, open_notices};
use crate::domain::{
    email::{EmailChoices, choice_label},
    notice::Notice,
};
use crate::ui::components::{
    local_time::LocalTime,
    unpack::{loading, unpack},
};

#[component]
pub fn NoticesPage() -> impl IntoView {
    let notices = Resource::new(|| (), |_| open_notices());
    view! {
        <section class="page notices-page">
            <div class="page-head">
                <h1>"Notices"</h1>
            </div>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    unpack(notices.await, None, |notices| view! { <NoticeList notices /> }.into_any())
                })}
            </Suspense>
            <EmailChoicesPanel />
        </section>
    }
}

#[component]
fn NoticeList(notices: Vec<Notice>) -> impl IntoView {
    if notices.is_empty() {
        return view! { <p class="empty">"No notices yet."</p> }.into_any();
    }
    view! {
        <ul class="notice-list">
            {notices
                .into_iter()
                .map(|notice| {
                    view! {
                        <li class:new=notice.new>
                            <a href=format!("/reports/{}", notice.report_id)>{notice.text}</a>
                            {notice.new.then(|| view! { <span class="new-mark">"New"</span> })}
                            <LocalTime utc=notice.at />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// The user's email choices: one box per kind of notice their organisation gets.
#[component]
fn EmailChoicesPanel() -> impl IntoView {
    let save = ServerAction::<SaveEmailChoices>::new();
    let choices = Resource::new(move || save.version().get(), |_| load_email_choices());
    let outcome = move || {
        save.value().get().map(|done| match done {
            Ok(()) => {
                view! { <p class="form-ok" role="status">"Your email choices are saved."</p> }
                    .into_any()
            }
            Err(error) => {
                view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
            }
        })
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(loaded) = choices.await else { return ().into_any() };
                let EmailChoices { server_sends, address, choices } = loaded;
                if choices.is_empty() {
                    return ().into_any();
                }
                view! {
                    <ActionForm action=save attr:class="card email-choices">
                        <h2>"Email me too"</h2>
                        <p class="muted">
                            {format!("Notices ticked here are also sent to {address}.")}
                            {(!server_sends).then_some(" This server does not send email yet; your choices apply once it does.")}
                        </p>
                        <fieldset class="events">
                            <legend class="visually-hidden">"Notices to email"</legend>
                            {choices.into_iter().enumerate().map(|(index, choice)| view! {
                                <label class="check">
                                    <input type="checkbox" name=format!("wanted[{index}]")
                                        value=choice.kind.as_code() checked=choice.wanted />
                                    <span>{choice_label(choice.kind)}</span>
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <div>
                            <button class="button" type="submit" disabled=move || save.pending().get()>
                                "Save email choices"
                            </button>
                        </div>
                        <div aria-live="polite">{outcome}</div>
                    </ActionForm>
                }
                .into_any()
            })}
        </Suspense>
    }
}
