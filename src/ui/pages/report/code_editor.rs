//! The special-pricing editor for one line, opened from the line's Specify/Change button:
//! verify a code with the vendor's pricing service, then type the value it unlocks. The value is
//! checked and previewed as it is typed; nothing is saved until it is applied.

use leptos::prelude::*;

use crate::api::reports::{ReportAction, verify_pricing_code};
use crate::domain::{
    Currency, LineView,
    pricing::{
        AllowedRange, GrantedCode, PricingRules, SpecialValue, Unlocks, VerifiedCode,
        allowed_range, parse_code,
    },
};
use crate::ui::format;

use super::state::{EditorFocus, PriceEditor, ValueCheck};

/// Specifying a code for one line: verify it with the vendor's pricing service, then type the
/// value it unlocks (checked as you type, previewed in the table) and apply it.
#[component]
pub(super) fn CodeEditor(
    report_id: i64,
    line: LineView,
    granted: Vec<GrantedCode>,
    rules: PricingRules,
    editor: PriceEditor,
    check: Memo<ValueCheck>,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
    currency: Currency,
) -> impl IntoView {
    let line_id = line.product.line_id;
    let verifying = Action::new(move |code: &String| {
        let code = code.clone();
        async move { verify_pricing_code(report_id, line_id, code).await }
    });
    Effect::new(move |_| match verifying.value().get() {
        // An answer about a code that is no longer in the box (typed over meanwhile) is stale.
        Some(Ok(verified))
            if parse_code(&editor.code.get_untracked()).ok().as_ref() != Some(&verified.code) => {}
        Some(Ok(verified)) => {
            editor.value.set(verified.granted.to_input());
            editor.verified.set(Some(verified));
            editor.error.set(None);
            editor.focus.set(Some(EditorFocus::Value));
        }
        Some(Err(error)) => {
            editor.verified.set(None);
            editor.error.set(Some(error.to_string()));
        }
        None => {}
    });
    // Keyboard users land where they type next: the code when the editor opens, the value once
    // the code is verified.
    let code_input = NodeRef::<leptos::html::Input>::new();
    let value_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        let input = match editor.focus.get() {
            Some(EditorFocus::Code) => code_input.get(),
            Some(EditorFocus::Value) => value_input.get(),
            None => None,
        };
        if let Some(input) = input {
            let _ = input.focus();
            editor.focus.set(None);
        }
    });
    let kind = rules.code_kind.label();
    let (code_id, value_id, hint_id) = (
        format!("code-{line_id}"),
        format!("special-{line_id}"),
        format!("special-{line_id}-hint"),
    );
    let value_label = match rules.unlocks {
        Unlocks::UnitPrice => "Special unit price",
        Unlocks::ChannelMargin => "Special channel margin (%)",
    };
    let (list_price, list_margin) = (line.catalogue_unit_price, line.catalogue_margin);
    let grant_text = move |verified: &VerifiedCode| match allowed_range(
        verified.granted,
        list_price,
        list_margin,
    ) {
        AllowedRange::UnitPrice { granted, list } => format!(
            "{} verified: a unit price from {} up to the list price of {}.",
            verified.code,
            format::unit_price(granted.get(), currency),
            format::unit_price(list.get(), currency)
        ),
        AllowedRange::Margin { granted, list } => format!(
            "{} verified: a channel margin from the list margin of {list}% up to {granted}%.",
            verified.code
        ),
    };
    let verify = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.error.set(None);
        verifying.dispatch(editor.code.get_untracked());
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(verified) = editor.verified.get_untracked() else {
            return;
        };
        editor.error.set(None);
        act.run(ReportAction::ApplyCode {
            line_id,
            code: verified.code,
            value: editor.value.get_untracked(),
        });
    };
    let value_error = move || match check.get() {
        Some((id, Err(error))) if id == line_id => Some(error.to_string()),
        _ => None,
    };
    let hint_id_for_input = hint_id.clone();
    // The codes the vendor granted for this product: one click verifies one, as if typed.
    let choices = (!granted.is_empty()).then(|| {
        let items = granted
            .into_iter()
            .map(|code| {
                let grants = match code.value {
                    SpecialValue::UnitPrice(price) => {
                        format!("unit price {}", format::unit_price(price.get(), currency))
                    }
                    SpecialValue::Margin(margin) => {
                        format!("margin up to {}%", format::percent(margin.get()))
                    }
                };
                let text = code.code.clone();
                let label = format!("Use {}", code.code);
                view! {
                    <li>
                        <span class="code">{code.code.clone()}</span>
                        <span class="granted-terms">{format!("{grants} · valid to {}", format::period_short(code.valid_to))}</span>
                        <button type="button" class="button small" aria-label=label
                            disabled=move || verifying.pending().get()
                            on:click=move |_| {
                                editor.code.set(text.clone());
                                editor.verified.set(None);
                                editor.error.set(None);
                                verifying.dispatch(text.clone());
                            }>"Use"</button>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="granted-codes">
                <p class="granted-intro">"Codes the vendor granted this partner for this product:"</p>
                <ul>{items}</ul>
            </div>
        }
    });
    view! {
        <div class="code-editor" on:keydown=move |ev| {
            if ev.key() == "Escape" {
                editor.close();
            }
        }>
            <p class="editor-title">{format!("Special pricing for {}", line.product.name)}</p>
            <form class="inline-form" on:submit=verify>
                <div class="field">
                    <label for=code_id.clone()>{kind}</label>
                    <input id=code_id node_ref=code_input autocomplete="off" maxlength="40" spellcheck="false"
                        prop:value=move || editor.code.get()
                        on:input=move |ev| {
                            editor.code.set(event_target_value(&ev));
                            editor.verified.set(None);
                        } />
                </div>
                <button class="button" type="submit" disabled=move || verifying.pending().get()>"Verify"</button>
                <button class="button" type="button" on:click=move |_| editor.close()>"Cancel"</button>
            </form>
            {choices}
            {move || editor.error.get().map(|error| view! { <p class="form-error" role="alert">{error}</p> })}
            {move || editor.verified.get().map(|verified| {
                let hint_id = hint_id.clone();
                let hint_id_for_input = hint_id_for_input.clone();
                let value_id = value_id.clone();
                view! {
                    <p class="verified" role="status"><span aria-hidden="true">"✓ "</span>{grant_text(&verified)}</p>
                    <form class="inline-form" on:submit=apply>
                        <div class="field">
                            <label for=value_id.clone()>{value_label}</label>
                            <input id=value_id node_ref=value_input inputmode="decimal" autocomplete="off"
                                aria-describedby=hint_id_for_input
                                aria-invalid=move || value_error().is_some().to_string()
                                prop:value=move || editor.value.get()
                                on:input=move |ev| editor.value.set(event_target_value(&ev)) />
                        </div>
                        <button class="button primary" type="submit"
                            disabled=move || busy.get() || value_error().is_some()>"Apply and save"</button>
                    </form>
                    <p id=hint_id class="field-hint" class:invalid=move || value_error().is_some() aria-live="polite">
                        {move || value_error().unwrap_or_else(|| "The amounts above show the result; nothing is saved until you apply.".to_owned())}
                    </p>
                }
            })}
        </div>
    }
}
