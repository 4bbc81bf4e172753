//! The partner search of the filter form: it follows the typing, and the URL (and the list)
//! catch up after a pause; the text box is never overwritten while someone types in it, and
//! follows Back and Forward otherwise.

use leptos::leptos_dom::helpers::{TimeoutHandle, set_timeout_with_handle};
use leptos::{ev::Event, prelude::*};

use crate::domain::query::ReportFilter;

/// How long the typing pauses before the search is sent.
const PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

/// The search box's text and what a keystroke does; `apply` changes the filter (and navigates).
pub(super) fn follow(
    filter: Memo<ReportFilter>,
    apply: impl Fn(&dyn Fn(&mut ReportFilter)) + Clone + 'static,
) -> (RwSignal<String>, impl FnMut(Event) + Clone + 'static) {
    let partner_text = RwSignal::new(filter.get_untracked().partner.unwrap_or_default());
    let typing = StoredValue::new(None::<TimeoutHandle>);
    let on_partner = move |ev: Event| {
        partner_text.set(event_target_value(&ev));
        if let Some(handle) = typing.get_value() {
            handle.clear();
        }
        let apply = apply.clone();
        let handle = set_timeout_with_handle(
            move || {
                typing.try_set_value(None);
                // The list may have been left meanwhile: then there is nothing to update.
                let (Some(text), Some(current)) =
                    (partner_text.try_get_untracked(), filter.try_get_untracked())
                else {
                    return;
                };
                let text = text.trim().to_owned();
                if current.partner.unwrap_or_default() != text {
                    apply(&|f: &mut ReportFilter| {
                        f.partner = (!text.is_empty()).then(|| text.clone())
                    });
                }
            },
            PAUSE,
        )
        .ok();
        typing.set_value(handle);
    };
    on_cleanup(move || {
        if let Some(Some(handle)) = typing.try_get_value() {
            handle.clear();
        }
    });
    // Back and Forward change the URL under the search box: follow it, unless a search is
    // still waiting to be sent (then the box is ahead of the URL on purpose).
    Effect::new(move |_| {
        let partner = filter.read().partner.clone().unwrap_or_default();
        if typing.get_value().is_none() && partner_text.get_untracked().trim() != partner {
            partner_text.set(partner);
        }
    });
    (partner_text, on_partner)
}

/// The labelled search box.
pub(super) fn field(
    partner_text: RwSignal<String>,
    on_partner: impl FnMut(Event) + 'static,
) -> impl IntoView {
    view! {
        <div class="field partner-field">
            <label for="filter-partner">"Partner"</label>
            <input id="filter-partner" name="partner" type="search" autocomplete="off"
                placeholder="All partners: type a name or id"
                prop:value=move || partner_text.get()
                on:input=on_partner />
        </div>
    }
}
