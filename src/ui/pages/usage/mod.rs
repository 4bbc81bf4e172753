//! The usage feed page, for the vendor's billing team and platform admins: choose the month's
//! usage file, check it (every problem named with its row), import it, then generate the month's
//! reports. The server checks who may do this on every call; this page only hides itself from
//! others.

mod generate;
mod upload;

use leptos::prelude::*;

use crate::app::UserResource;
use crate::domain::{
    feed::{COLUMNS, ImportSummary, MAX_FILE_BYTES},
    format::units,
};
use crate::ui::components::unpack::{loading, signed_in, unpack};

const INPUT_ID: &str = "usage-file";

/// Where the page is in its steps.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Choosing,
    Sending { dry_run: bool, percent: u32 },
    Answered(ImportSummary),
    Failed(String),
}

#[component]
pub fn UsagePage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <section class="page usage">
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    unpack(signed_in(user.await), None, |user| {
                        if user.viewer().runs_cycle() {
                            view! { <UsageSteps /> }.into_any()
                        } else {
                            view! {
                                <p class="error" role="alert">
                                    "Only the vendor's billing team and platform admins can import usage and generate reports."
                                </p>
                            }
                                .into_any()
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UsageSteps() -> impl IntoView {
    let step = RwSignal::new(Step::Choosing);
    let chosen = RwSignal::new(None::<String>);
    let send = move |dry_run: bool| {
        step.set(Step::Sending {
            dry_run,
            percent: 0,
        });
        upload::send(
            INPUT_ID,
            dry_run,
            move |percent| step.set(Step::Sending { dry_run, percent }),
            move |answer| {
                step.set(match answer {
                    Ok(summary) => Step::Answered(summary),
                    Err(message) => Step::Failed(message),
                })
            },
        );
    };
    let sending = move || matches!(step.get(), Step::Sending { .. });
    view! {
        <div class="page-head">
            <h1>"Usage feed"</h1>
        </div>
        <div class="card usage-file">
            <h2>"1. Check the month's usage file"</h2>
            <p class="muted">
                "A CSV file (UTF-8) with the header " <code>{COLUMNS.join(",")}</code>
                ": the partner's id, the product's SKU, the month as YYYY-MM, the units provisioned, and the units used (empty when the product does not report usage). Up to "
                {units(MAX_FILE_BYTES / 1_000_000)} " MB."
            </p>
            <div class="field">
                <label for=INPUT_ID>"Usage file"</label>
                <input
                    id=INPUT_ID
                    type="file"
                    accept=".csv,text/csv"
                    on:change=move |event| {
                        let name = event_target_value(&event);
                        chosen.set((!name.is_empty()).then_some(name));
                        step.set(Step::Choosing);
                    }
                />
            </div>
            <div class="usage-buttons">
                <button
                    class="button primary"
                    type="button"
                    disabled=move || sending() || chosen.get().is_none()
                    on:click=move |_| send(true)
                >
                    "Check the file"
                </button>
                {move || {
                    ready_to_import(&step.get())
                        .map(|rows| {
                            view! {
                                <button
                                    class="button primary"
                                    type="button"
                                    disabled=sending
                                    on:click=move |_| send(false)
                                >
                                    {format!("Import {rows}")}
                                </button>
                            }
                        })
                }}
            </div>
            {move || answer_view(step.get())}
        </div>
        {move || imported_periods(&step.get()).map(|periods| view! { <generate::GenerateCard periods /> })}
    }
}

/// "3 rows" when a clean check found something to import.
fn ready_to_import(step: &Step) -> Option<String> {
    match step {
        Step::Answered(summary)
            if !summary.imported
                && summary.is_clean()
                && summary.new_rows + summary.changed_rows > 0 =>
        {
            Some(match summary.rows {
                1 => "1 row".to_owned(),
                n => format!("{} rows", units(n)),
            })
        }
        _ => None,
    }
}

/// The months of a file that was imported (or is already in the feed), to generate.
fn imported_periods(step: &Step) -> Option<Vec<crate::domain::Period>> {
    match step {
        Step::Answered(summary)
            if summary.is_clean()
                && !summary.periods.is_empty()
                && ready_to_import(step).is_none() =>
        {
            Some(summary.periods.clone())
        }
        _ => None,
    }
}

fn answer_view(step: Step) -> AnyView {
    match step {
        Step::Choosing => ().into_any(),
        Step::Sending { dry_run, percent } => view! {
            <div class="usage-progress" role="status">
                <progress max="100" value=percent.to_string()></progress>
                <span>
                    {if percent < 100 {
                        format!("Uploading… {percent}%")
                    } else if dry_run {
                        "Checking every row…".to_owned()
                    } else {
                        "Importing…".to_owned()
                    }}
                </span>
            </div>
        }
        .into_any(),
        Step::Failed(message) => {
            view! { <p class="form-error" role="alert">{message}</p> }.into_any()
        }
        Step::Answered(summary) => view! { <Summary summary /> }.into_any(),
    }
}

#[component]
fn Summary(summary: ImportSummary) -> impl IntoView {
    let clean = summary.is_clean();
    let unlisted = summary.problem_count - summary.problems.len() as u64;
    view! {
        <p class=if clean { "notice ok" } else { "form-error" } role="status">
            {summary.sentence()}
        </p>
        {(!summary.problems.is_empty())
            .then(|| {
                view! {
                    <table class="usage-problems">
                        <caption>"Problems in the file"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Row"</th>
                                <th scope="col">"Problem"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {summary
                                .problems
                                .into_iter()
                                .map(|problem| {
                                    let row = if problem.row == 0 {
                                        "File".to_owned()
                                    } else {
                                        units(problem.row)
                                    };
                                    view! {
                                        <tr>
                                            <td class="num">{row}</td>
                                            <td>{problem.reason}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
            })}
        {(unlisted > 0)
            .then(|| view! { <p class="muted">{format!("… and {} more.", units(unlisted))}</p> })}
    }
}
