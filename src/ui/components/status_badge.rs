//! A report's status as a badge, with the review sub-status in short form.

use leptos::prelude::*;

use crate::domain::{ReviewReason, Status};

/// A report's status as a labelled badge: the words carry the meaning, colour and shape only
/// help, so it reads the same to everyone. The sub-status is shown in short form.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("badge {}", status.as_code());
    let (main, sub) = match status {
        Status::UnderReview(reason) => ("Under review".to_owned(), Some(short_reason(reason))),
        other => (other.label(), None),
    };
    view! {
        <span class=class title=status.label()>
            {main}
        </span>
        {sub.map(|sub| view! { <span class="substatus">{sub}</span> })}
    }
}

fn short_reason(reason: ReviewReason) -> &'static str {
    match reason {
        ReviewReason::Manual => "submitted",
        ReviewReason::AutoNoPenalties => "auto-submitted",
        ReviewReason::AutoPenalties => "auto-submitted, penalties",
        ReviewReason::ReturnedByVendor => "returned by vendor",
    }
}
