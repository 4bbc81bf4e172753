//! The notices page: what happened to the organisation's reports, newest first, each leading to
//! its report. Opening it marks the notices read; those that were new are marked as such.

use leptos::prelude::*;

use crate::api::notices::open_notices;
use crate::domain::notice::Notice;
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
