//! `billing-reports backup --to FILE` and `restore --from FILE`.
//!
//! - **SQLite**: the backup is `VACUUM INTO`, one read transaction, so the copy holds every
//!   action committed before it started and nothing half-done, while the server goes on
//!   serving (WAL readers never block writers).
//! - **PostgreSQL**: the same commands run `pg_dump` (custom format) and `pg_restore` (in one
//!   transaction), which must be installed (Debian: `postgresql-client`).
//!
//! Neither command overwrites anything: a backup goes to a new file, and a restore goes into a
//! database that holds nothing yet (move the damaged one aside first, with every server
//! stopped). A restored database is migrated to this version and every report's history chain
//! is checked before it is put in place.

use std::{
    path::{Path, PathBuf},
    process::Command as Process,
};

use anyhow::{Context, bail};

use super::db::{Backend, Db, reports::chain, sqlite_path};

/// What a backup or a restore holds, for the line the command prints.
struct Contents {
    reports: i64,
    entries: i64,
}

impl Contents {
    async fn of(db: &Db) -> anyhow::Result<Self> {
        let (reports, entries): (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM history)")
                .fetch_one(db.pool())
                .await
                .context("could not count the reports in the database")?;
        Ok(Self { reports, entries })
    }
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} reports, {} history entries",
            self.reports, self.entries
        )
    }
}

/// Copies the database of `url` to the new file `to`.
pub async fn backup(url: &str, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!(
            "{} already exists; a backup never overwrites a file, so name a new one",
            to.display()
        );
    }
    let partial = with_suffix(to, "partial");
    let _ = std::fs::remove_file(&partial);
    let backend = Backend::from_url(url).context("unsupported database URL")?;
    let written = match backend {
        Backend::Sqlite => sqlite_backup(url, &partial).await,
        Backend::Postgres => tool(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                &format!("--file={}", partial.display()),
                &format!("--dbname={url}"),
            ],
        ),
    };
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, to)
        .with_context(|| format!("could not name the backup {}", to.display()))?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or_default();
    println!("Backup written to {} ({bytes} bytes).", to.display());
    Ok(())
}

async fn sqlite_backup(url: &str, partial: &Path) -> anyhow::Result<()> {
    if !sqlite_path(url).is_file() {
        bail!("there is no database at {}", sqlite_path(url).display());
    }
    let db = Db::connect(url)
        .await
        .context("could not open the database")?;
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(db.pool())
        .await;
    db.close().await;
    copied.context("could not copy the database")?;
    let copy = Db::connect(&format!("sqlite:{}", partial.display())).await?;
    let contents = Contents::of(&copy).await;
    copy.close().await;
    println!("The backup holds {}.", contents?);
    Ok(())
}

/// Restores the backup `from` into the database of `url`, which must hold nothing yet.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<()> {
    if !from.is_file() {
        bail!("there is no backup at {}", from.display());
    }
    match Backend::from_url(url).context("unsupported database URL")? {
        Backend::Sqlite => sqlite_restore(url, from).await,
        Backend::Postgres => postgres_restore(url, from).await,
    }
}

async fn sqlite_restore(url: &str, from: &Path) -> anyhow::Result<()> {
    let target = sqlite_path(url).to_path_buf();
    if holds_data_sqlite(&target).await? {
        bail!(
            "the database at {} already holds data; stop every server, move it aside, and \
             restore again",
            target.display()
        );
    }
    let restoring = with_suffix(&target, "restoring");
    let checked = async {
        std::fs::copy(from, &restoring)
            .with_context(|| format!("could not copy {}", from.display()))?;
        let db = Db::connect(&format!("sqlite:{}", restoring.display()))
            .await
            .with_context(|| format!("{} is not a Billing Reports backup", from.display()))?;
        let outcome = check_sqlite_backup(&db, from).await;
        db.close().await;
        outcome
    }
    .await;
    match checked {
        Ok(contents) => {
            std::fs::rename(&restoring, &target)
                .with_context(|| format!("could not put {} in place", target.display()))?;
            println!("Restored {contents} into {}.", target.display());
            Ok(())
        }
        Err(error) => {
            let error = error.context("nothing was restored");
            for leftover in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{leftover}", restoring.display()));
            }
            Err(error)
        }
    }
}

async fn holds_data_sqlite(path: &Path) -> anyhow::Result<bool> {
    if !path.exists() || std::fs::metadata(path)?.len() == 0 {
        return Ok(false);
    }
    let db = Db::connect(&format!("sqlite:{}", path.display()))
        .await
        .with_context(|| format!("could not open {}", path.display()))?;
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
        .fetch_one(db.pool())
        .await?;
    db.close().await;
    Ok(tables > 0)
}

/// The copy is sound, is a Billing Reports database, migrates, and its chains hold.
async fn check_sqlite_backup(db: &Db, from: &Path) -> anyhow::Result<Contents> {
    let not_ours = || format!("{} is not a Billing Reports backup", from.display());
    let sound: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(db.pool())
        .await
        .with_context(not_ours)?;
    let ours: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('_sqlx_migrations', 'reports')",
    )
    .fetch_one(db.pool())
    .await
    .with_context(not_ours)?;
    if sound != "ok" || ours != 2 {
        bail!(not_ours());
    }
    migrate_and_check(db).await
}

async fn postgres_restore(url: &str, from: &Path) -> anyhow::Result<()> {
    let db = Db::connect(url)
        .await
        .context("could not open the database")?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(db.pool())
    .await?;
    if tables > 0 {
        db.close().await;
        bail!(
            "the database already holds data; restore into a new, empty database \
             (createdb), then point the servers at it"
        );
    }
    let restored = tool(
        "pg_restore",
        &[
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            &format!("--dbname={url}"),
            &from.to_string_lossy(),
        ],
    );
    let outcome = match restored {
        Ok(()) => migrate_and_check(&db).await,
        Err(error) => Err(error),
    };
    db.close().await;
    println!("Restored {}.", outcome?);
    Ok(())
}

/// Brings a restored database to this version and checks every report's history chain.
async fn migrate_and_check(db: &Db) -> anyhow::Result<Contents> {
    db.migrate()
        .await
        .context("could not migrate the restored database")?;
    let check = chain::verify(db, super::db::now_utc()).await?;
    if !check.is_intact() {
        bail!(
            "the backup's history is not intact ({} reports broken; `verify-history` names \
             each)",
            check.breaks.len()
        );
    }
    Contents::of(db).await
}

/// Runs a PostgreSQL client tool; a clear sentence when it is missing or fails.
fn tool(name: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = Process::new(name).args(args).status().map_err(|error| {
        anyhow::anyhow!(
            "could not run {name} ({error}); install the PostgreSQL client tools \
             (Debian: postgresql-client)"
        )
    })?;
    if !status.success() {
        bail!("{name} failed ({status}); nothing was changed");
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{suffix}"));
    PathBuf::from(name)
}
