//! Asking before an action that cannot be taken back (submitting to the vendor, completing,
//! resetting prices): what will happen, in numbers, with the choice to go on or not. The panel
//! takes the keyboard when it opens and gives it back to `return_to` when cancelled.

use leptos::prelude::*;

use crate::ui::focus::focus_by_id;

/// A question drawn in place of the button that asked it. `yes` acts; `no` closes the panel.
#[component]
pub(super) fn ConfirmPanel(
    /// The element's id (also names its question for screen readers).
    id: &'static str,
    question: String,
    detail: String,
    yes_label: String,
    yes: Callback<()>,
    no: Callback<()>,
    /// The id of the button that opened the panel: the keyboard returns there on cancel.
    return_to: &'static str,
    busy: Signal<bool>,
) -> impl IntoView {
    let yes_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = yes_button.get() {
            let _ = button.focus();
        }
    });
    let cancel = move || {
        no.run(());
        // The button is enabled again once the page has redrawn; the keyboard goes back then.
        leptos::leptos_dom::helpers::set_timeout(
            move || focus_by_id(return_to),
            std::time::Duration::ZERO,
        );
    };
    let question_id = format!("{id}-question");
    let labelled_by = question_id.clone();
    view! {
        <div class="confirm" id=id role="group" aria-labelledby=labelled_by
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    cancel();
                }
            }>
            <p class="confirm-question" id=question_id>{question}</p>
            <p class="confirm-detail">{detail}</p>
            <div class="button-row">
                <button type="button" class="button primary" node_ref=yes_button disabled=busy
                    on:click=move |_| yes.run(())>{yes_label}</button>
                <button type="button" class="button" on:click=move |_| cancel()>"Cancel"</button>
            </div>
        </div>
    }
}
