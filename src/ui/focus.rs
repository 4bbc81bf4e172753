//! Moving the keyboard focus to an element by its id, after an action (the browser only: the
//! server has no focus to move).

/// Focuses the element with `id`, if the page has one and it can take the focus.
#[cfg(feature = "hydrate")]
pub fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    let element = leptos::prelude::document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Nothing to focus on the server.
#[cfg(not(feature = "hydrate"))]
pub fn focus_by_id(_id: &str) {}
