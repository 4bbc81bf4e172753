//! The usage page's second step: generating the month's reports from what was imported, and
//! the way to them in the list.

use leptos::prelude::*;

use crate::api::cycle::GenerateReports;
use crate::domain::{
    Period,
    cycle::Generated,
    format::period_long,
    query::{ListView, ReportFilter},
};

#[component]
pub(super) fn GenerateCard(periods: Vec<Period>) -> impl IntoView {
    let generate = ServerAction::<GenerateReports>::new();
    let latest = periods.last().map(ToString::to_string).unwrap_or_default();
    let result = move || {
        generate.value().get().map(|result| match result {
            Ok(generated) => view! { <GeneratedView generated /> }.into_any(),
            Err(error) => {
                view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
            }
        })
    };
    view! {
        <div class="card usage-generate">
            <h2>"2. Generate the month's reports"</h2>
            <p class="muted">
                "One report per partner with usage in the month, priced from the catalogue, with the partner's deadline from each distributor's submission window. Reports that exist are left as they are."
            </p>
            <ActionForm action=generate>
                <div class="field">
                    <label for="generate-period">"Month"</label>
                    <select id="generate-period" name="period">
                        {periods
                            .iter()
                            .rev()
                            .map(|period| {
                                let value = period.to_string();
                                let selected = value == latest;
                                view! {
                                    <option value=value selected=selected>
                                        {period_long(*period)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button class="button primary" type="submit" disabled=move || generate.pending().get()>
                    {move || if generate.pending().get() { "Generating…" } else { "Generate reports" }}
                </button>
            </ActionForm>
            {result}
        </div>
    }
}

#[component]
fn GeneratedView(generated: Generated) -> impl IntoView {
    let href = generated.period.map(|period| {
        ReportFilter {
            from: Some(period),
            to: Some(period),
            view: Some(ListView::All),
            ..ReportFilter::default()
        }
        .list_href()
    });
    let period = generated.period.map(period_long).unwrap_or_default();
    view! {
        <p class="notice ok" role="status">{generated.sentence()}</p>
        {(!generated.problems.is_empty())
            .then(|| {
                view! {
                    <ul class="usage-problems">
                        {generated.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}
                    </ul>
                }
            })}
        {href.map(|href| view! { <a class="button" href=href>{format!("See the reports of {period}")}</a> })}
    }
}
