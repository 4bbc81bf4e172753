//! Resource states in one place: a page hands over what it loaded and gets the view for it —
//! the way to the sign-in page when nobody is signed in, a not-found notice (answered with 404),
//! the error in words, or the page's own content. Pages do not repeat this `match`.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::{ApiError, auth::CurrentUser};
use crate::ui::components::region_unavailable::{RegionUnavailable, set_forbidden_status};
use crate::ui::pages::not_found::set_not_found_status;

/// What a page shows while its data is on the way.
pub fn loading() -> impl IntoView {
    view! { <p class="loading">"Loading…"</p> }
}

/// The signed-in user, or `Unauthenticated` when nobody is.
pub fn signed_in(user: Result<Option<CurrentUser>, ApiError>) -> Result<CurrentUser, ApiError> {
    user.and_then(|user| user.ok_or(ApiError::Unauthenticated))
}

/// `loaded`, unless `other` (loaded for the same page) says nobody is signed in: that wins.
/// Other errors of `other` are the caller's to use or ignore.
pub fn unless_signed_out<T, U>(
    loaded: Result<T, ApiError>,
    other: &Result<U, ApiError>,
) -> Result<T, ApiError> {
    match other {
        Err(ApiError::Unauthenticated) => Err(ApiError::Unauthenticated),
        _ => loaded,
    }
}

/// The view for a loaded result: the sign-in page when nobody is signed in, the page's
/// `not_found` notice (with a 404 status) when the thing does not exist, the error in words, or
/// `content`. Without a `not_found` notice, not found is shown like any other error.
///
/// The notice is the page's own view rather than text handed in, so its words stay literal in
/// the markup (text passed in would render with extra hydration markers).
pub fn unpack<T>(
    loaded: Result<T, ApiError>,
    not_found: Option<fn() -> AnyView>,
    content: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match (loaded, not_found) {
        (Ok(value), _) => content(value),
        (Err(ApiError::Unauthenticated), _) => view! { <Redirect path="/sign-in" /> }.into_any(),
        (Err(ApiError::RegionUnavailable(_)), _) => {
            set_forbidden_status();
            view! { <RegionUnavailable region=None /> }.into_any()
        }
        (Err(ApiError::NotFound), Some(notice)) => {
            set_not_found_status();
            notice()
        }
        (Err(error), _) => {
            view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
        }
    }
}
