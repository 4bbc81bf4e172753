//! The top bar's bell: a link to the notices with the number not yet read, read again on every
//! navigation (and hidden on the notices page itself, which marks them read).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::notices::unread_notices;

#[component]
pub fn NoticeBell() -> impl IntoView {
    let location = use_location();
    let unread = Resource::new(move || location.pathname.get(), |_| unread_notices());
    let on_notices = move || location.pathname.with(|path| path == "/notices");
    let count = move || {
        unread
            .get()
            .and_then(Result::ok)
            .filter(|count| *count > 0 && !on_notices())
    };
    let label = move || match count() {
        Some(1) => "Notices, 1 unread".to_owned(),
        Some(n) => format!("Notices, {n} unread"),
        None => "Notices".to_owned(),
    };
    view! {
        <a
            class="bell"
            href="/notices"
            aria-label=label
            aria-current=move || on_notices().then_some("page")
        >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path
                    fill="currentColor"
                    d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
                />
            </svg>
            <Transition fallback=|| ()>
                {move || {
                    count()
                        .map(|n| {
                            let shown = if n > 99 { "99+".to_owned() } else { n.to_string() };
                            view! { <span class="bell-count" aria-hidden="true">{shown}</span> }
                        })
                }}
            </Transition>
        </a>
    }
}
