//! Test harness: builds the real application router on a fresh database of either backend.
//! SQLite runs in memory; PostgreSQL gets a new database per test, dropped when the test ends
//! (even when it fails). PostgreSQL is required: these tests fail rather than skip without it.

#![allow(dead_code)]

pub mod pricing_target;
pub mod server;
pub mod stand_in;

use std::sync::atomic::{AtomicU32, Ordering};

use axum::{
    Router,
    body::Body,
    http::{Request, Response, StatusCode, header},
};
use billing_reports::{
    domain::{Actor, OrgKind, Role},
    server::{
        config::Config,
        db::{Backend, Db},
        router,
        services::{Caller, UserCaller},
        state::AppState,
    },
};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const VENDOR: &str = "Trend Micro";

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub url: String,
    _guard: Option<PgDatabase>,
}

/// Declares each listed `async fn name(backend: Backend)` as two tests: `sqlite::name` and
/// `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::bounded(super::$name(billing_reports::server::db::Backend::Sqlite)).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::bounded(super::$name(billing_reports::server::db::Backend::Postgres)).await
                }
            )*
        }
    };
}

/// Runs a test body with a time limit, so that a hang fails the test instead of the whole run.
pub async fn bounded(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(std::time::Duration::from_secs(300), test)
        .await
        .expect("the test did not finish within 5 minutes");
}

/// A migrated, empty database of the given backend.
pub async fn empty_db(backend: Backend) -> (Db, String, Option<PgDatabase>) {
    let (url, guard) = match backend {
        Backend::Sqlite => ("sqlite::memory:".to_owned(), None),
        Backend::Postgres => {
            let database = PgDatabase::create().await;
            (database.url.clone(), Some(database))
        }
    };
    let db = Db::connect(&url)
        .await
        .expect("connect to the test database");
    db.migrate().await.expect("migrate the test database");
    (db, url, guard)
}

/// The whole app on a fresh database with the demo data.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// The whole app with extra command-line flags (e.g. `--secure-cookies`).
pub async fn spawn_app_with(backend: Backend, flags: &[&str]) -> TestApp {
    let (db, url, guard) = empty_db(backend).await;
    assert!(
        billing_reports::server::load_demo(&db, VENDOR)
            .await
            .expect("seed the demo data")
    );
    let mut args = vec!["billing-reports", "--database-url", &url, "--demo"];
    args.extend_from_slice(flags);
    let config = <Config as clap::Parser>::parse_from(args);
    let vendor = config.vendor().expect("the vendor port of the flags");
    let state = AppState::new(&config, db.clone(), vendor);
    TestApp {
        router: router::build(state),
        db,
        url,
        _guard: guard,
    }
}

pub const PASSWORD: &str = "demo-password";

impl TestApp {
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        self.get_as(path, None).await
    }

    pub async fn get_as(&self, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        read(
            self.send(request.body(Body::empty()).expect("request"))
                .await,
        )
        .await
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("response")
    }

    /// Posts `body` as `content_type` to `path`, signed in with `cookie` if any.
    pub async fn post_as(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, String) {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        read(
            self.send(request.body(Body::from(body.to_owned())).expect("request"))
                .await,
        )
        .await
    }

    /// Calls a server function with a JSON body, as the browser does.
    pub async fn call(&self, endpoint: &str, json: serde_json::Value) -> (StatusCode, String) {
        self.call_as(endpoint, json, None).await
    }

    pub async fn call_as(
        &self,
        endpoint: &str,
        json: serde_json::Value,
        cookie: Option<&str>,
    ) -> (StatusCode, String) {
        self.post_as(
            &format!("/api/{endpoint}"),
            "application/json",
            &json.to_string(),
            cookie,
        )
        .await
    }

    /// Posts the sign-in form; returns the response (status, Set-Cookie values, body).
    pub async fn sign_in_response(
        &self,
        email: &str,
        password: &str,
    ) -> (StatusCode, Vec<String>, String) {
        let form = format!("email={}&password={}", encode(email), encode(password));
        let request = Request::post("/api/auth/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(form))
            .expect("request");
        let response = self.send(request).await;
        let cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let (status, body) = read(response).await;
        (status, cookies, body)
    }

    /// Signs in with a demo account and returns the `Cookie` header value for its session.
    pub async fn sign_in(&self, email: &str) -> String {
        let (status, cookies, body) = self.sign_in_response(email, PASSWORD).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "sign-in as {email} failed: {status} {body}"
        );
        cookies
            .iter()
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|pair| pair.starts_with("br_session="))
            })
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no session cookie for {email}: {cookies:?}"))
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A response's status and body as text.
pub async fn read(response: Response<Body>) -> (StatusCode, String) {
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// A PostgreSQL database created for one test and dropped afterwards.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn create() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url = std::env::var("POSTGRES_ADMIN_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let name = format!(
            "br_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let admin = Db::connect(&admin_url).await.unwrap_or_else(|error| {
            panic!("PostgreSQL is required for the tests ({admin_url}): {error}")
        });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin.pool())
            .await
            .expect("create the test database");
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        Self {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop cannot await; a short-lived runtime on its own thread does the clean-up.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                if let Ok(admin) = Db::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(admin.pool())
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The newest demo report of `partner` (by name) in `status` (a status code).
pub async fn report_id(app: &TestApp, partner: &str, status: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT r.id FROM reports r JOIN organisations p ON p.id = r.partner_id \
         WHERE p.name = $1 AND r.status = $2 ORDER BY r.period DESC LIMIT 1",
    )
    .bind(partner)
    .bind(status)
    .fetch_optional(app.db.pool())
    .await
    .expect("query")
    .unwrap_or_else(|| panic!("no demo report of {partner} is {status}"))
}

/// Unmistakable prices in every pricing column of every report, which must never reach a partner.
/// Written past the workflow's guards (prices of completed reports are frozen), as someone with
/// database rights could.
pub async fn plant_canaries(app: &TestApp) {
    past_the_guards(
        &app.db,
        &[
            "UPDATE line_items SET unit_price_e4 = 987654321, catalogue_unit_price_e4 = 987654321, \
             margin_e4 = 123457, catalogue_margin_e4 = 123457, gross_e4 = 55555555555, amount_owed_e4 = 44444444444",
            "UPDATE reports SET total_e4 = 77777777777",
        ],
    )
    .await
    .expect("canaries");
}

/// The triggers of migrations 0009 and 0011 (the workflow kept by the database), on
/// PostgreSQL, with their tables.
const PG_GUARDS: [(&str, &str); 4] = [
    ("reports", "reports_guard"),
    ("reports", "reports_never_truncated"),
    ("reports", "reports_vendor_received"),
    ("line_items", "line_items_frozen"),
];

/// The triggers of migration 0009 (the workflow kept by the database), on SQLite.
const GUARDS: [&str; 7] = [
    "reports_moves_follow_the_workflow",
    "reports_version_moves_on",
    "reports_completed_are_read_only",
    "reports_sent_are_frozen",
    "reports_never_deleted",
    "line_items_frozen_update",
    "line_items_frozen_delete",
];

/// Runs `sqls` with the workflow's guards off, as an administrator of the database could, and
/// puts them back: PostgreSQL disables its triggers for the time; SQLite, which cannot, drops
/// them and runs migration 0009 again.
pub async fn past_the_guards(db: &Db, sqls: &[&str]) -> Result<(), sqlx::Error> {
    let mut conn = db.acquire().await?;
    match db.backend() {
        Backend::Postgres => {
            // The guards only: the list's kept counts go on following the reports.
            for (table, trigger) in PG_GUARDS {
                sqlx::raw_sql(&format!("ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
                    .execute(&mut *conn)
                    .await?;
            }
            let done = run_each(&mut conn, sqls).await;
            for (table, trigger) in PG_GUARDS {
                sqlx::raw_sql(&format!("ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
                    .execute(&mut *conn)
                    .await?;
            }
            done
        }
        Backend::Sqlite => {
            for trigger in GUARDS {
                sqlx::raw_sql(&format!("DROP TRIGGER {trigger}"))
                    .execute(&mut *conn)
                    .await?;
            }
            let done = run_each(&mut conn, sqls).await;
            sqlx::raw_sql(include_str!(
                "../../migrations/sqlite/0009_workflow_guards.sql"
            ))
            .execute(&mut *conn)
            .await?;
            done
        }
    }
}

/// A migrated SQLite database in a temporary file (several connections, real locking), or a
/// fresh PostgreSQL database; with the demo data.
pub async fn shared_db(backend: Backend) -> (Db, String, TempGuard) {
    let (db, url, guard) = durable_db(backend).await;
    assert!(
        billing_reports::server::load_demo(&db, VENDOR)
            .await
            .expect("seed")
    );
    (db, url, guard)
}

/// Like `shared_db`, but empty (migrated only).
pub async fn durable_db(backend: Backend) -> (Db, String, TempGuard) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!(
                "br-test-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default()
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite:{}?mode=rwc", dir.join("test.db").display());
            let db = Db::connect(&url).await.expect("connect");
            db.migrate().await.expect("migrate");
            (db, url, TempGuard::Dir(dir))
        }
        Backend::Postgres => {
            let (db, url, guard) = empty_db(backend).await;
            (
                db,
                url,
                TempGuard::Pg(guard.expect("a PostgreSQL database")),
            )
        }
    }
}

/// Removes what `shared_db` made when the test ends.
pub enum TempGuard {
    Dir(std::path::PathBuf),
    Pg(PgDatabase),
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let TempGuard::Dir(dir) = self {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A demo organisation by name: (id, name).
pub async fn org(db: &Db, name: &str) -> (i64, String) {
    let id: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_one(db.pool())
        .await
        .expect("organisation");
    (id, name.to_owned())
}

/// A user of `org` acting through the services directly.
pub fn user(org: (i64, String), kind: OrgKind, role: Role) -> Caller {
    Caller::User(UserCaller {
        actor: Actor {
            user_id: 1,
            org_id: org.0,
            org_kind: kind,
            role,
            region_enabled: true,
        },
        name: format!("{} user", org.1),
        org_name: org.1,
    })
}

/// A demo user by email, as the services see them when signed in.
pub async fn user_caller(db: &Db, email: &str) -> UserCaller {
    let (user_id, name, role, org_id, org_name, kind): (i64, String, String, i64, String, String) =
        sqlx::query_as(
            "SELECT u.id, u.name, u.role, o.id, o.name, o.kind \
             FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.email = $1",
        )
        .bind(email)
        .fetch_one(db.pool())
        .await
        .expect("a demo user");
    UserCaller {
        actor: Actor {
            user_id,
            org_id,
            org_kind: OrgKind::from_code(&kind).expect("a kind"),
            role: Role::from_code(&role).expect("a role"),
            region_enabled: true,
        },
        name,
        org_name,
    }
}

/// Runs `sqls` in order, stopping at the first that fails.
async fn run_each(conn: &mut sqlx::AnyConnection, sqls: &[&str]) -> Result<(), sqlx::Error> {
    for sql in sqls {
        sqlx::raw_sql(sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// A report's status code and version.
pub async fn status_and_version(db: &Db, id: i64) -> (String, i64) {
    sqlx::query_as("SELECT status, version FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("report")
}

/// Every status change the domain's one state machine makes (`domain::status::apply`, any
/// action, any actor), as (from, to) status codes.
pub fn workflow_moves() -> std::collections::BTreeSet<(&'static str, &'static str)> {
    use billing_reports::domain::{Action, ActorKind, Status, status::apply};
    let actors = [
        ActorKind::Partner,
        ActorKind::Distributor,
        ActorKind::Vendor,
        ActorKind::Admin,
        ActorKind::System,
    ];
    let mut moves = std::collections::BTreeSet::new();
    for from in Status::all() {
        for action in Action::all() {
            for actor in actors {
                if let Ok(to) = apply(from, action, actor)
                    && to.as_code() != from.as_code()
                {
                    moves.insert((from.as_code(), to.as_code()));
                }
            }
        }
    }
    moves
}
