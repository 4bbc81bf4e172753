//! Backups: `billing-reports backup` copies a database while a client keeps acting on it, and
//! `restore` brings the copy back into an empty database with every action acknowledged before
//! the backup started, each once, its history chains intact. Neither command overwrites
//! anything: a backup refuses an existing file, a restore a database that holds data.

mod common;

use std::{
    process::Command as Process,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use billing_reports::{
    domain::{OrgKind, Role},
    server::{
        db::{Backend, Db, reports::chain},
        services::reports::{Command, act},
        vendor::Vendor,
    },
};
use common::{PgDatabase, TempGuard, org, server::BINARY, shared_db, status_and_version, user};

on_both_backends!(a_backup_taken_under_load_restores_every_acknowledged_action);

/// Runs the binary on `url`; its exit status and what it wrote (both streams).
fn binary(url: &str, args: &[&str]) -> (bool, String) {
    let out = Process::new(BINARY)
        .args(["--database-url", url, "--log-level", "warn"])
        .args(args)
        .output()
        .expect("run the binary");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// An empty database to restore into: a file not yet made, or a new PostgreSQL database.
async fn empty_target(backend: Backend, dir: &std::path::Path) -> (String, Option<PgDatabase>) {
    match backend {
        Backend::Sqlite => (
            format!("sqlite:{}?mode=rwc", dir.join("restored.db").display()),
            None,
        ),
        Backend::Postgres => {
            let database = PgDatabase::create().await;
            (database.url.clone(), Some(database))
        }
    }
}

async fn history_len(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM history")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

async fn a_backup_taken_under_load_restores_every_acknowledged_action(backend: Backend) {
    let (db, url, _guard) = shared_db(backend).await;
    let dir = std::env::temp_dir().join(format!("br-backup-{}-{:?}", std::process::id(), backend));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder for the backup");
    let _dir = TempGuard::Dir(dir.clone());
    let (report, distributor): (i64, String) = sqlx::query_as(
        "SELECT r.id, d.name FROM reports r JOIN organisations d ON d.id = r.distributor_id \
         WHERE r.status = 'under_review' ORDER BY r.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a report under review");
    let distributor = user(
        org(&db, &distributor).await,
        OrgKind::Distributor,
        Role::Administrator,
    );

    // The load: one PO number after another, each with the version just read; every
    // acknowledged one is noted.
    let acks = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (db, acks, stop) = (db.clone(), acks.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let (_, version) = status_and_version(&db, report).await;
                let po_number = format!("LOAD-{n}");
                let command = Command::SetPoNumber {
                    po_number: po_number.clone(),
                };
                act(
                    &db,
                    &Vendor::Builtin,
                    &distributor,
                    report,
                    version,
                    command,
                )
                .await
                .expect("one client's action is acknowledged");
                acks.lock().expect("acks").push(po_number);
                n += 1;
            }
        })
    };
    while acks.lock().expect("acks").len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let file = dir.join("billing.backup");
    let acked_before = acks.lock().expect("acks").len();
    let (ok, said) = {
        let (url, file) = (url.clone(), file.display().to_string());
        tokio::task::spawn_blocking(move || binary(&url, &["backup", "--to", &file]))
            .await
            .expect("backup")
    };
    assert!(ok, "backup failed: {said}");
    assert!(said.contains("Backup written to"), "{said}");
    let acked_during = acks.lock().expect("acks").len() - acked_before;
    stop.store(true, Ordering::Relaxed);
    load.await.expect("the load");
    println!("{acked_before} actions before the backup, {acked_during} while it ran");

    // A second backup to the same file is refused and leaves the first as it was.
    let size = std::fs::metadata(&file).expect("the backup").len();
    let (ok, said) = binary(&url, &["backup", "--to", &file.display().to_string()]);
    assert!(!ok && said.contains("already exists"), "{said}");
    assert_eq!(std::fs::metadata(&file).expect("the backup").len(), size);

    // Restoring over the live database is refused and changes nothing.
    let before = history_len(&db).await;
    let (ok, said) = binary(&url, &["restore", "--from", &file.display().to_string()]);
    assert!(!ok && said.contains("already holds data"), "{said}");
    assert_eq!(history_len(&db).await, before);

    let (target, _target_guard) = empty_target(backend, &dir).await;
    // A file that is not a backup is refused, and leaves the target as empty as it was.
    let garbage = dir.join("not-a-backup");
    std::fs::write(&garbage, "these are not the reports you are looking for").expect("write");
    let (ok, said) = binary(
        &target,
        &["restore", "--from", &garbage.display().to_string()],
    );
    assert!(!ok, "a file that is not a backup was restored: {said}");
    assert!(
        said.contains("not a Billing Reports backup") || said.contains("nothing was changed"),
        "{said}"
    );
    let (ok, said) = binary(&target, &["restore", "--from", &file.display().to_string()]);
    assert!(ok, "restore failed: {said}");
    assert!(said.contains("Restored"), "{said}");

    let restored = Db::connect(&target).await.expect("the restored database");
    let comments: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT comment FROM history WHERE report_id = $1")
            .bind(report)
            .fetch_all(restored.pool())
            .await
            .expect("the restored history");
    for po_number in acks.lock().expect("acks").iter().take(acked_before) {
        let found = comments
            .iter()
            .filter(|(comment,)| {
                comment
                    .as_deref()
                    .is_some_and(|c| c.ends_with(&format!("→ {po_number}")))
            })
            .count();
        assert_eq!(found, 1, "{po_number} is in the restored history once");
    }
    let chains = chain::verify(&restored, String::new())
        .await
        .expect("verify");
    assert!(chains.is_intact(), "{:?}", chains.breaks);
    let reports = |db: &Db| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM reports")
                .fetch_one(db.pool())
                .await
                .expect("count")
        }
    };
    assert_eq!(reports(&restored).await, reports(&db).await);
    restored.close().await;

    // Restoring again into the database just restored is refused.
    let (ok, said) = binary(&target, &["restore", "--from", &file.display().to_string()]);
    assert!(!ok && said.contains("already holds data"), "{said}");
}
