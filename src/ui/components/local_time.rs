//! A UTC instant in the viewer's time zone: UTC on the server and in the first browser render
//! (so hydration matches), local time once the browser runs.

use leptos::prelude::*;

/// A UTC instant shown in the viewer's time zone. The server cannot know that zone, so it
/// renders UTC and the browser rewrites it once running — the first render is the same on both
/// sides, so hydration matches.
#[component]
pub fn LocalTime(utc: String) -> impl IntoView {
    let text = RwSignal::new(utc_text(&utc));
    let datetime = utc.clone();
    let locale = crate::ui::format::locale_tag();
    Effect::new(move |_| {
        if let Some(local) = local_text(&utc, &locale) {
            text.set(local);
        }
    });
    view! { <time datetime=datetime>{move || text.get()}</time> }
}

/// `2026-11-05T23:59:00Z` as `2026-11-05 23:59 UTC`.
fn utc_text(utc: &str) -> String {
    match (utc.get(..10), utc.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => utc.to_owned(),
    }
}

#[cfg(feature = "hydrate")]
fn local_text(utc: &str, locale: &str) -> Option<String> {
    use wasm_bindgen::JsValue;
    let date = js_sys::Date::new(&JsValue::from_str(utc));
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).ok()?;
    js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into()).ok()?;
    date.to_locale_string(locale, &options)
        .as_string()
        .filter(|text| text != "Invalid Date")
}

#[cfg(not(feature = "hydrate"))]
fn local_text(_utc: &str, _locale: &str) -> Option<String> {
    None
}
