//! The browser taking over the page the server rendered.
//!
//! A page loaded on demand (`ui::routes`) is taken over only once its own files have arrived.
//! Until then the page is the server's HTML, but the router already listens for clicks on links:
//! a click in that window would be taken by a router that has no page to show yet, and lost (the
//! address stays, nothing happens). So until the takeover is done, a click on a link is left to
//! the browser, which follows it as it would with no JavaScript at all. Once it is done, the body
//! is marked `data-hydrated` (the browser journeys wait for that mark).

use leptos::prelude::*;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{AddEventListenerOptions, Element, Event, EventListenerOptions};

/// Takes over the page with `app`, links following natively until that is done.
pub fn take_over<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    let links = NativeLinks::start();
    wasm_bindgen_futures::spawn_local(async move {
        let body = document().body().expect("a page has a body");
        leptos::mount::hydrate_from_async(body.clone(), app)
            .await
            .forget();
        drop(links);
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

/// A listener, ahead of the router's, that keeps clicks on links from reaching it; removed when
/// dropped.
struct NativeLinks {
    listener: Closure<dyn Fn(Event)>,
}

impl NativeLinks {
    fn start() -> Self {
        let listener = Closure::<dyn Fn(Event)>::new(|event: Event| {
            let on_link = event
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|element| element.closest("a[href]").ok().flatten())
                .is_some();
            if on_link {
                // The default action, following the link, is left as it is.
                event.stop_propagation();
            }
        });
        let options = AddEventListenerOptions::new();
        options.set_capture(true);
        let _ = window().add_event_listener_with_callback_and_add_event_listener_options(
            "click",
            listener.as_ref().unchecked_ref(),
            &options,
        );
        Self { listener }
    }
}

impl Drop for NativeLinks {
    fn drop(&mut self) {
        let options = EventListenerOptions::new();
        options.set_capture(true);
        let _ = window().remove_event_listener_with_callback_and_event_listener_options(
            "click",
            self.listener.as_ref().unchecked_ref(),
            &options,
        );
    }
}
