//! The state every request handler and server function can reach, passed through axum state and
//! Leptos context: never a global, so each test builds its own app on its own database.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{
    auth::SessionPolicy,
    config::Config,
    db::{
        Db,
        seed::{DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccountSeed},
    },
};

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The bundle files named after their content (kept for a year by browsers).
    pub assets: super::assets::Assets,
    pub db: Db,
    /// The vendor's systems: prices, codes, deliveries (built in or HTTP).
    pub vendor: super::vendor::Vendor,
    pub vendor_name: String,
    pub sessions: SessionPolicy,
    /// The demo accounts the sign-in page lists; `None` unless the server runs with the demo data.
    pub demo: Option<DemoSignIns>,
    /// A hash no password matches: checked when an account does not exist, so that a wrong
    /// address takes as long as a wrong password.
    pub decoy_hash: String,
    /// The turns to check a password (a bounded number at once).
    pub password_checks: super::auth::PasswordChecks,
    /// The origin state-changing requests must come from (`--public-url`); `None` compares the
    /// request's `Origin` with its `Host`.
    pub public_origin: Option<String>,
    /// The proxies whose `X-Forwarded-For` is believed (`--trusted-proxies`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The bearer token `GET /metrics` needs (`--metrics-token`); `None` hides the route.
    pub metrics_token: Option<String>,
    /// Each API token's allowance of calls in this process.
    pub api_allowances: super::rest::Allowances,
    /// Whether this server emails the notices (`--smtp-url`).
    pub sends_email: bool,
}

/// The demo data's sign-ins: every account and the password they share.
#[derive(Clone, Copy)]
pub struct DemoSignIns {
    pub password: &'static str,
    pub accounts: &'static [DemoAccountSeed],
}

impl AppState {
    pub fn new(config: &Config, db: Db, vendor: super::vendor::Vendor) -> Self {
        // Built by cargo-leptos, the binary knows its bundle's name and site folder; the
        // environment (LEPTOS_SITE_ROOT, ...) may override them.
        let mut leptos_options = leptos::config::get_configuration(None)
            .map(|conf| conf.leptos_options)
            .unwrap_or_else(|_| {
                LeptosOptions::builder()
                    .output_name("billing-reports")
                    .build()
            });
        if leptos_options.output_name.is_empty() {
            leptos_options.output_name = "billing-reports".into();
        }
        if std::env::var_os("LEPTOS_SITE_ROOT").is_none()
            && let Some(beside) = site_beside_binary(&leptos_options.site_root)
        {
            leptos_options.site_root = beside.into();
        }
        leptos_options.site_addr = config.listen;
        let assets = super::assets::Assets::beside_binary(&mut leptos_options);
        Self {
            leptos_options,
            assets,
            db,
            vendor,
            vendor_name: config.vendor_name.clone(),
            sessions: SessionPolicy {
                idle_secs: config.session_idle_minutes.max(1) * 60,
                absolute_secs: config.session_max_hours.max(1) * 3600,
                secure_cookies: config.secure_cookies,
            },
            demo: config.demo.then_some(DemoSignIns {
                password: DEMO_PASSWORD,
                accounts: DEMO_ACCOUNTS,
            }),
            decoy_hash: super::auth::decoy_hash(),
            password_checks: super::auth::PasswordChecks::default(),
            public_origin: config.public_url.clone(),
            sends_email: config.smtp_url.is_some(),
            trusted_proxies: config.trusted_proxies.clone(),
            metrics_token: config.metrics_token.clone(),
            api_allowances: super::rest::Allowances::default(),
        }
    }
}

/// The `site` folder beside the running binary, when the configured site folder is not where
/// the server runs: an archive from `make dist`, unpacked anywhere, serves its own assets.
fn site_beside_binary(configured: &str) -> Option<String> {
    if std::path::Path::new(configured).is_dir() {
        return None;
    }
    let beside = std::env::current_exe().ok()?.parent()?.join("site");
    beside
        .is_dir()
        .then(|| beside.to_string_lossy().into_owned())
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
