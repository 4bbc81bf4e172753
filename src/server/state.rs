//! The state every request handler and server function can reach, passed through axum state and
//! Leptos context: never a global, so each test builds its own app on its own database.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{config::Config, db::Db};

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub vendor_name: String,
}

impl AppState {
    pub fn new(config: &Config, db: Db) -> Self {
        // Built by cargo-leptos, the binary knows its bundle's name and site folder; the
        // environment (LEPTOS_SITE_ROOT, ...) may override them.
        let mut leptos_options = leptos::config::get_configuration(None)
            .map(|conf| conf.leptos_options)
            .unwrap_or_else(|_| {
                LeptosOptions::builder()
                    .output_name("billing-reports")
                    .build()
            });
        leptos_options.site_addr = config.listen;
        Self {
            leptos_options,
            db,
            vendor_name: config.vendor_name.clone(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
