//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    hooks::use_location,
};

use crate::api::{
    ApiError,
    auth::{CurrentUser, who_am_i},
};
use crate::ui::{
    components::{notice_bell::NoticeBell, user_menu::UserMenu},
    pages::{
        not_found::NotFound, report::ReportDetailPage, reports::ReportsPage, sign_in::SignInPage,
    },
    routes::{
        ApiTokensRoute, DeliveriesRoute, IntegrityRoute, NoticesRoute, OverviewRoute,
        SettingsRoute, UsageRoute, WebhooksRoute,
    },
};

/// The document around the app, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    content_security_policy();
    // The page's words are English; its numbers and dates follow the viewer's locale, which the
    // browser reads back from here so that both sides render the same text.
    let locale = crate::ui::format::provide_locale();
    let assets = bundle_assets(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-locale=locale.tag>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // The bundle's names carry their content's hash in a release build.
                <link id="leptos" rel="stylesheet" href=assets.stylesheet.clone() />
                <AutoReload options=options.clone() />
                // The bundle is fetched once the page has loaded and run when the browser is
                // idle: the page is drawn from its HTML first (links and plain forms work).
                <script type="module" nonce=leptos::nonce::use_nonce()>
                    {assets.loader()}
                </script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The bundle's file names, read once when the server started (see `server::assets::Assets`);
/// the shell is rendered on the server only.
#[cfg(feature = "ssr")]
fn bundle_assets(options: &LeptosOptions) -> crate::server::assets::Assets {
    use crate::server::{assets::Assets, state::AppState};
    use_context::<AppState>().map_or_else(|| Assets::plain(options), |state| state.assets)
}

/// A page's Content-Security-Policy names this response's script nonce.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use axum::http::{HeaderValue, header};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&crate::server::security::page_csp(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Who is signed in, read again on every navigation (signing in or out navigates).
pub type UserResource = Resource<Result<Option<CurrentUser>, ApiError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::ui::format::provide_locale();
    view! {
        <Title text="Billing Reports" />
        <Router>
            <Shell />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let location = use_location();
    let user: UserResource = Resource::new(move || location.pathname.get(), |_| who_am_i());
    provide_context(user);
    // On the list, the first Tab stop leads straight to the first report (past the header, the
    // downloads, the filters and the column heads). The skip links are the browser's own jumps
    // (`target="_self"` keeps the router out), so the focus moves to where they lead.
    let on_list = move || location.pathname.with(|path| path == "/");
    view! {
        {move || {
            on_list()
                .then(|| {
                    view! {
                        <a class="skip-link" href="#reports" target="_self">
                            "Skip to reports"
                        </a>
                    }
                })
        }}
        <a class="skip-link" href="#main" target="_self">
            "Skip to content"
        </a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">
                    "BR"
                </span>
                <span class="brand-name">"Billing Reports"</span>
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await
                        .ok()
                        .flatten()
                        .map(|user| {
                            let runs_cycle = user.viewer().runs_cycle();
                            let sees_settings = user.viewer().sees_settings();
                            let checks_history = user.viewer().checks_history();
                            let sees_overview = user.viewer().sees_overview();
                            let manages_deliveries = user.viewer().manages_deliveries();
                            let manages_integrations = user.viewer().manages_integrations();
                            let here = move |path: &'static str| {
                                location.pathname.with(|now| now == path).then_some("page")
                            };
                            view! {
                                <nav class="topnav" aria-label="Main">
                                    <a href="/" aria-current=move || here("/")>
                                        "Reports"
                                    </a>
                                    {sees_overview
                                        .then(|| {
                                            view! {
                                                <a href="/overview" aria-current=move || here("/overview")>
                                                    "Overview"
                                                </a>
                                            }
                                        })}
                                    {runs_cycle
                                        .then(|| {
                                            view! {
                                                <a href="/usage" aria-current=move || here("/usage")>
                                                    "Usage feed"
                                                </a>
                                            }
                                        })}
                                    {manages_deliveries
                                        .then(|| {
                                            view! {
                                                <a href="/deliveries" aria-current=move || here("/deliveries")>
                                                    "Deliveries"
                                                </a>
                                            }
                                        })}
                                    {sees_settings
                                        .then(|| {
                                            view! {
                                                <a href="/settings" aria-current=move || here("/settings")>
                                                    "Settings"
                                                </a>
                                            }
                                        })}
                                    {checks_history
                                        .then(|| {
                                            view! {
                                                <a href="/integrity" aria-current=move || here("/integrity")>
                                                    "Integrity"
                                                </a>
                                            }
                                        })}
                                    {manages_integrations
                                        .then(|| {
                                            view! {
                                                <a
                                                    href="/api-tokens"
                                                    aria-current=move || here("/api-tokens").or(here("/webhooks"))
                                                >
                                                    "Integrations"
                                                </a>
                                            }
                                        })}
                                </nav>
                                <NoticeBell unread=user.unread_notices />
                                <UserMenu user />
                            }
                        })
                })}
            </Transition>
        </header>
        <main id="main" class="main">
            <Routes fallback=NotFound>
                // Async: the status (302 to sign in, 404 for a report one may not open) is only
                // known once the data is, so the page is sent whole rather than streamed. The
                // list, a report and sign-in are in the first bundle; the other pages are loaded
                // on demand (`ui::routes`).
                <Route path=StaticSegment("") view=ReportsPage ssr=SsrMode::Async />
                <Route path=StaticSegment("sign-in") view=SignInPage />
                <Route path=StaticSegment("usage") view={Lazy::<UsageRoute>::new()} />
                <Route path=StaticSegment("notices") view={Lazy::<NoticesRoute>::new()} />
                <Route path=StaticSegment("settings") view={Lazy::<SettingsRoute>::new()} />
                <Route path=StaticSegment("integrity") view={Lazy::<IntegrityRoute>::new()} />
                <Route
                    path=StaticSegment("overview")
                    view={Lazy::<OverviewRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route path=StaticSegment("deliveries") view={Lazy::<DeliveriesRoute>::new()} />
                <Route path=StaticSegment("api-tokens") view={Lazy::<ApiTokensRoute>::new()} />
                <Route path=StaticSegment("webhooks") view={Lazy::<WebhooksRoute>::new()} />
                <Route path=(StaticSegment("reports"), ParamSegment("id")) view=ReportDetailPage ssr=SsrMode::Async />
            </Routes>
        </main>
    }
}
