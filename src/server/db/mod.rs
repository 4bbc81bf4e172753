//! The database: one pool over SQLite or PostgreSQL, chosen by the URL, with the migrations of
//! the matching folder. The repositories in this module's children are the only place with SQL.
//!
//! Why one portable pool (`sqlx::Any`) rather than a repository per backend: every query here is
//! plain SQL that both engines accept (`$n` placeholders, integers and text only), so one
//! implementation serves both and the tests run the very same code on each. Money never needs a
//! decimal column type: it is stored as BIGINT scaled by 10^4 (see `crate::domain::money`).

pub mod api_tokens;
pub mod deliveries;
pub mod emails;
pub mod feed;
pub mod notices;
pub mod orgs;
pub mod outbox;
pub mod pricing;
pub mod reports;
pub mod scale;
pub mod seed;
pub mod settings;
pub mod users;
pub mod webhooks;

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    Executor,
    any::{AnyConnectOptions, AnyPoolOptions},
    pool::PoolConnection,
};

pub use sqlx::{Any, AnyPool, Error as SqlError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL (expected sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error("could not create the folder for the SQLite file: {0}")]
    Folder(#[from] std::io::Error),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A handle on the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or(DbError::UnsupportedUrl)?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if backend == Backend::Sqlite && !in_memory {
            create_sqlite_folder(url)?;
        }
        let max_connections = match (backend, in_memory) {
            // Each in-memory connection would be a database of its own.
            (Backend::Sqlite, true) => 1,
            (Backend::Sqlite, false) => 8,
            (Backend::Postgres, _) => 16,
        };
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; \
                             PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    /// Runs the migrations, then judges the flags of any report stored before they were kept
    /// (migration 0005 leaves them empty; the rule lives in the domain, not in SQL) and seals
    /// the history entries written before the hash chain (migration 0010).
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        let sealed = reports::chain::seal_unsealed(self).await?;
        if sealed > 0 {
            tracing::info!(
                sealed,
                "sealed the history of reports written before the chain"
            );
        }
        let judged = reports::backfill_flags(self).await?;
        if judged > 0 {
            tracing::info!(
                judged,
                "judged the flags of reports stored before they were kept"
            );
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        self.pool.execute("SELECT 1").await.map(|_| ())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn acquire(&self) -> Result<PoolConnection<Any>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// Starts a transaction that will write. SQLite takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing half-way; PostgreSQL locks
    /// the rows it reads `FOR UPDATE`.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// A write transaction that holds `lock` until it ends, against every other transaction that
    /// asks for the same lock, on every instance: SQLite's write lock already is one;
    /// PostgreSQL takes a transaction-scoped advisory lock. For work that reads before it
    /// writes and has no row to lock yet (counting sign-in failures, loading the demo data).
    pub async fn begin_exclusive(
        &self,
        lock: ExclusiveLock,
    ) -> Result<sqlx::Transaction<'static, Any>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(lock as i64)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// `FOR UPDATE` where the backend has it (SQLite's write lock is already held).
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE OF r",
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The advisory locks of [`Db::begin_exclusive`], each a fixed key.
#[derive(Clone, Copy, Debug)]
#[repr(i64)]
pub enum ExclusiveLock {
    SignInAttempts = 7_261_623_101,
    DemoData = 7_261_623_102,
}

/// The file an SQLite URL names (`sqlite:data/x.db?mode=rwc` → `data/x.db`).
pub fn sqlite_path(url: &str) -> &Path {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    Path::new(path.split('?').next().unwrap_or_default())
}

fn create_sqlite_folder(url: &str) -> std::io::Result<()> {
    match sqlite_path(url).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent),
        _ => Ok(()),
    }
}

/// A stored value that does not decode: what it is, and why.
pub(crate) fn bad(what: &str, error: impl std::fmt::Display) -> SqlError {
    SqlError::Decode(format!("bad {what}: {error}").into())
}

/// A stored period key (`202610`) as the period it is.
pub(crate) fn period_of(key: i64) -> Result<crate::domain::Period, SqlError> {
    i32::try_from(key)
        .map_err(|error| bad("period", error))
        .and_then(|key| crate::domain::Period::from_key(key).map_err(|error| bad("period", error)))
}

/// Current time as UTC RFC 3339 text, the one timestamp format stored.
pub fn now_utc() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

/// The current UTC time in whole seconds, the form deadlines are stored in (so that comparing
/// the text compares the moments).
pub fn now_utc_seconds() -> String {
    let now = time::OffsetDateTime::now_utc();
    rfc3339(now.replace_nanosecond(0).unwrap_or(now))
}

/// A moment as UTC RFC 3339 text, the one timestamp format stored.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
