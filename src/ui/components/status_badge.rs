use leptos::prelude::*;

use crate::domain::Status;

/// A report's status as a labelled badge: the words carry the meaning, colour and shape only
/// help, so it reads the same to everyone.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("badge {}", status.as_code());
    view! { <span class=class>{status.label()}</span> }
}
