//! A distributor's cycle settings: its windows, its thresholds and its auto-approve rule, checked
//! as they are typed by the same parser the server runs, and the audit of every change. The
//! distributor's administrators change them; its other users read them.

use leptos::prelude::*;

use crate::api::settings::{SaveSettings, distributor_settings};
use crate::domain::{
    Currency, Period,
    cycle::AutoApproveRule,
    settings::{Setting, SettingsAuditEntry, SettingsForm, SettingsPage as Page},
};
use crate::ui::components::{
    local_time::LocalTime,
    unpack::{loading, unpack},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| distributor_settings());
    view! {
        <section class="page settings">
            <div class="page-head">
                <h1>"Cycle settings"</h1>
            </div>
            // A transition: after a save the form stays on screen while the saved settings load.
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    unpack(settings.await, None, move |page| view! { <SettingsEditor page save /> }.into_any())
                })}
            </Transition>
        </section>
    }
}

/// The form's fields, held as typed.
#[derive(Clone, Copy)]
struct Typed {
    submission_days: RwSignal<String>,
    review_days: RwSignal<String>,
    threshold: RwSignal<String>,
    anomaly_threshold: RwSignal<String>,
    auto_approve: RwSignal<bool>,
    po_pattern: RwSignal<String>,
    max_total: RwSignal<String>,
}

impl Typed {
    fn new(form: SettingsForm) -> Typed {
        Typed {
            submission_days: RwSignal::new(form.submission_days),
            review_days: RwSignal::new(form.review_days),
            threshold: RwSignal::new(form.threshold),
            anomaly_threshold: RwSignal::new(form.anomaly_threshold),
            auto_approve: RwSignal::new(form.auto_approve),
            po_pattern: RwSignal::new(form.po_pattern),
            max_total: RwSignal::new(form.max_total),
        }
    }

    fn form(&self) -> SettingsForm {
        SettingsForm {
            submission_days: self.submission_days.get(),
            review_days: self.review_days.get(),
            threshold: self.threshold.get(),
            anomaly_threshold: self.anomaly_threshold.get(),
            auto_approve: self.auto_approve.get(),
            po_pattern: self.po_pattern.get(),
            max_total: self.max_total.get(),
        }
    }
}

#[component]
fn SettingsEditor(page: Page, save: ServerAction<SaveSettings>) -> impl IntoView {
    let currency = page.currency;
    let editable = page.may_edit;
    let typed = Typed::new(page.form);
    let problems = Memo::new(move |_| typed.form().parse(currency).err().unwrap_or_default());
    let problem = move |setting: Setting| {
        problems.with(|all| {
            all.iter()
                .find(|p| p.setting == setting)
                .map(|p| p.message.clone())
        })
    };
    let field = move |setting: Setting,
                      text: RwSignal<String>,
                      hint: String,
                      mode: &'static str| {
        let id = setting.code();
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described_by = format!("{hint_id} {error_id}");
        view! {
            <div class="field">
                <label for=id>{setting.label()}</label>
                <input
                    id=id
                    name=id
                    type="text"
                    inputmode=mode
                    autocomplete="off"
                    disabled=!editable
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                    aria-invalid=move || if problem(setting).is_some() { "true" } else { "false" }
                    aria-describedby=described_by
                />
                <p class="field-hint" id=hint_id>{hint}</p>
                <span class="field-error" id=error_id aria-live="polite">{move || problem(setting)}</span>
            </div>
        }
    };
    let outcome = move || {
        save.value().get().map(|result| match result {
            Ok(saved) => {
                view! { <p class="notice ok" role="status">{saved.sentence()}</p> }.into_any()
            }
            Err(error) => {
                view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
            }
        })
    };
    let example = move || {
        let rule = AutoApproveRule {
            enabled: true,
            po_pattern: Some(typed.po_pattern.get()),
            max_total: None,
        };
        let period = Period::new(2026, 11).ok()?;
        rule.po_number(period, 1042)
            .map(|po| format!("For partner #1042 in November 2026: {po}"))
    };
    view! {
        {(!editable)
            .then(|| {
                view! {
                    <p class="notice info">
                        {format!(
                            "Only an administrator of {} can change these settings; you can read them.",
                            page.org_name,
                        )}
                    </p>
                }
            })}
        <ActionForm action=save attr:class="settings-form" attr:novalidate=true>
            <input type="hidden" name="version" value=page.version />
            <fieldset class="card">
                <legend>"Deadlines"</legend>
                <p class="muted">
                    "Used for the reports generated from now on; reports that exist keep their deadlines."
                </p>
                <div class="settings-grid">
                    {field(Setting::SubmissionWindow, typed.submission_days, "Days after the month ends that partners have to submit.".into(), "numeric")}
                    {field(Setting::ReviewWindow, typed.review_days, "Days after the partner's deadline that you have to review.".into(), "numeric")}
                </div>
            </fieldset>
            <fieldset class="card">
                <legend>"Checks"</legend>
                <div class="settings-grid">
                    {field(Setting::Threshold, typed.threshold, "Percent. A line over-provisioned by more needs the partner's comment, or is charged at provisioned at the deadline.".into(), "decimal")}
                    {field(Setting::AnomalyThreshold, typed.anomaly_threshold, "Percent. A line whose chargeable units move by more against the previous month is flagged.".into(), "decimal")}
                </div>
            </fieldset>
            <fieldset class="card">
                <legend>"Auto-approve"</legend>
                <label class="check">
                    <input
                        type="checkbox"
                        name="auto_approve"
                        value="on"
                        disabled=!editable
                        prop:checked=move || typed.auto_approve.get()
                        on:change=move |ev| typed.auto_approve.set(event_target_checked(&ev))
                    />
                    "Send clean reports to the vendor when the review window ends"
                </label>
                <p class="muted">
                    "A clean report has no partner comments, no penalties, no anomaly and no line charged below what was used. Reports with penalties or returned by the vendor always wait for a person."
                </p>
                <div class="settings-grid">
                    {field(Setting::MaxTotal, typed.max_total, currency_hint(currency), "decimal")}
                    {field(Setting::PoPattern, typed.po_pattern, "For reports without a PO number: {period} and {partner} are replaced. Empty: only reports with a PO number go.".into(), "text")}
                </div>
                <p class="field-hint">{example}</p>
            </fieldset>
            {editable
                .then(|| {
                    view! {
                        <div class="settings-actions">
                            <button
                                class="button primary"
                                type="submit"
                                disabled=move || save.pending().get() || problems.with(|p| !p.is_empty())
                            >
                                {move || if save.pending().get() { "Saving…" } else { "Save settings" }}
                            </button>
                        </div>
                    }
                })}
        </ActionForm>
        {outcome}
        <ChangeLog changes=page.changes />
    }
}

/// "Amount in USD, e.g. 25000.00. Empty: no limit."
fn currency_hint(currency: Currency) -> String {
    let example = match currency.minor_units() {
        0 => "25000".to_owned(),
        places => format!("25000.{}", "0".repeat(places as usize)),
    };
    format!(
        "Amount in {}, e.g. {example}. Empty: no limit.",
        currency.code()
    )
}

#[component]
fn ChangeLog(changes: Vec<SettingsAuditEntry>) -> impl IntoView {
    view! {
        <section class="card settings-changes" aria-labelledby="changes-title">
            <h2 id="changes-title">"Changes"</h2>
            {if changes.is_empty() {
                view! { <p class="muted">"No changes yet: these are the defaults."</p> }.into_any()
            } else {
                view! {
                    <table class="history">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Setting"</th>
                                <th scope="col">"Change"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {changes
                                .into_iter()
                                .map(|change| {
                                    view! {
                                        <tr>
                                            <td data-label="When"><LocalTime utc=change.at /></td>
                                            <td data-label="Who">{change.actor}</td>
                                            <td data-label="Setting">{change.setting.label()}</td>
                                            <td data-label="Change">
                                                {format!("{} → {}", change.before, change.after)}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}
