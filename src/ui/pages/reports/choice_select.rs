//! One select of the filter form: a "no choice" option first, then the choices, the one the
//! filter holds marked on the server render and kept marked as the URL changes.

use leptos::{ev::Event, prelude::*};

/// What a select is called and offers: its id, its query name, its label, the text of "no
/// choice", and each choice as (value, query value, text).
pub(super) struct Choices<T> {
    pub id: &'static str,
    pub name: &'static str,
    pub label: &'static str,
    pub none: &'static str,
    pub choices: Vec<(T, String, String)>,
}

/// The labelled select; `chosen` reads the filter's choice, `on_change` applies a new one.
pub(super) fn choice_select<T>(
    select: Choices<T>,
    chosen: impl Fn() -> Option<T> + Copy + Send + Sync + 'static,
    on_change: impl FnMut(Event) + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let none = move || chosen().is_none();
    let options = select
        .choices
        .into_iter()
        .map(|(choice, value, text)| {
            let is = move || chosen() == Some(choice);
            view! { <option value=value selected=is prop:selected=is>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=select.id>{select.label}</label>
            <select id=select.id name=select.name on:change=on_change>
                <option value="" selected=none prop:selected=none>{select.none}</option>
                {options}
            </select>
        </div>
    }
}
