//! What one bulk step did, in words: how many reports went through (by name) and which were
//! left as they were, each with its reason; or why the whole step was refused.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::domain::{
    bulk::{BulkResult, BulkStep},
    format::count_of,
};

use super::bulk::Picked;

/// What one bulk step did, for the summary.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Summary {
    step: BulkStep,
    done: Vec<String>,
    left: Vec<(String, String)>,
    error: Option<String>,
}

/// What the answer says, by report name.
pub(super) fn summarise(
    step: BulkStep,
    items: &[Picked],
    result: Result<Vec<BulkResult>, ApiError>,
) -> Summary {
    let mut summary = Summary {
        step,
        done: Vec::new(),
        left: Vec::new(),
        error: None,
    };
    match result {
        Ok(results) => {
            for (picked, outcome) in items.iter().zip(results) {
                match outcome {
                    Ok(_) => summary.done.push(picked.name.clone()),
                    Err(why) => summary.left.push((picked.name.clone(), why)),
                }
            }
        }
        Err(error) => summary.error = Some(error.to_string()),
    }
    summary
}

/// "2 reports submitted to the vendor: …; 1 left as it was: … — why."
#[component]
pub(super) fn BulkSummary(summary: Summary) -> impl IntoView {
    let done = (!summary.done.is_empty()).then(|| {
        format!(
            "{} {}: {}.",
            count_of(summary.done.len() as u64, "report", "reports"),
            summary.step.done(),
            summary.done.join("; ")
        )
    });
    let left_count = summary.left.len();
    let left = summary
        .left
        .into_iter()
        .map(|(name, why)| view! { <li><strong>{name}</strong>": "{why}</li> })
        .collect_view();
    let left_heading = format!(
        "{} left as {}:",
        count_of(left_count as u64, "report", "reports"),
        if left_count == 1 {
            "it was"
        } else {
            "they were"
        }
    );
    let class = if summary.error.is_some() || left_count > 0 {
        "notice bulk-summary"
    } else {
        "notice ok bulk-summary"
    };
    view! {
        <div class=class role="status" tabindex="-1">
            {summary.error.map(|error| view! { <p>{error}</p> })}
            {done.map(|done| view! { <p>{done}</p> })}
            {(left_count > 0).then(|| view! {
                <p>{left_heading}</p>
                <ul>{left}</ul>
            })}
        </div>
    }
}
