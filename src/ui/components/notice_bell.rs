//! The top bar's bell: a link to the notices with the number not yet read (counted with the
//! signed-in user on every navigation; not shown on the notices page, which marks them read).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn NoticeBell(unread: i64) -> impl IntoView {
    let location = use_location();
    let on_notices = move || location.pathname.with(|path| path == "/notices");
    let count = move || (unread > 0 && !on_notices()).then_some(unread);
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
            <span class="bell-count" aria-hidden="true" class:hidden=move || count().is_none()>
                {move || match count() {
                    Some(n) if n > 99 => "99+".to_owned(),
                    Some(n) => n.to_string(),
                    None => String::new(),
                }}
            </span>
        </a>
    }
}
