//! Two cells of a list row that say more than a value: the running deadline with the time left
//! (an overdue one says so in words), and the report's flags as short text markers.

use leptos::prelude::*;

use crate::domain::{ReportFlags, deadline::TimeLeft};
use crate::ui::components::local_time::LocalTime;

/// The deadline that runs for a report, and how long is left ("—" when none runs).
pub(super) fn deadline_cell(deadline: Option<String>, as_of: &str) -> AnyView {
    let Some(deadline) = deadline else {
        return "—".into_any();
    };
    let left = match TimeLeft::until(&deadline, as_of) {
        Some(TimeLeft::Overdue) => {
            view! { <span class="flag-inline overdue">"Overdue"</span> }.into_any()
        }
        Some(left) => {
            let class = if left.is_urgent() {
                "time-left urgent"
            } else {
                "time-left"
            };
            view! { <span class=class>{left.label()}</span> }.into_any()
        }
        None => ().into_any(),
    };
    view! {
        <span class="stack">
            <LocalTime utc=deadline />
            {left}
        </span>
    }
    .into_any()
}

/// The flags a report carries, each a word with its meaning in the title; nothing without any.
pub(super) fn markers(flags: ReportFlags) -> Option<AnyView> {
    let raised = flags.raised();
    (!raised.is_empty()).then(|| {
        view! {
            <ul class="markers" aria-label="Flags">
                {raised
                    .into_iter()
                    .map(|flag| {
                        view! {
                            <li class=format!("marker {}", flag.to_param()) title=flag.describe()>
                                {flag.label()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    })
}
