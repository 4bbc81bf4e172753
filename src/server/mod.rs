//! Everything that only runs on the server: configuration, start-up, state, the database,
//! services, security. Nothing here is compiled into the browser bundle.

pub mod assets;
pub mod auth;
pub mod backup;
pub mod chart;
pub mod commands;
pub mod config;
pub mod db;
pub mod digest;
pub mod exports;
pub mod http_error;
pub mod jobs;
pub mod metrics;
pub mod rest;
pub mod router;
pub mod security;
pub mod services;
pub mod state;
pub mod telemetry;
pub mod usage_upload;
pub mod vendor;

use anyhow::Context;

use config::{Command, Config, SeedSet};
use db::Db;
use state::AppState;

/// Connects, migrates, and runs the command the configuration names (serving by default). The
/// exit code is a failure when a command found problems (e.g. a usage file with bad rows).
pub async fn run(config: Config) -> anyhow::Result<std::process::ExitCode> {
    // Backups copy the database as it is, and a restore goes into an empty one: neither
    // migrates first. The API's document needs no database.
    match &config.command {
        Some(Command::Backup { to }) => {
            backup::backup(&config.database_url, to).await?;
            return Ok(std::process::ExitCode::SUCCESS);
        }
        Some(Command::Restore { from }) => {
            backup::restore(&config.database_url, from).await?;
            return Ok(std::process::ExitCode::SUCCESS);
        }
        Some(Command::Openapi) => {
            println!("{}", serde_json::to_string_pretty(&rest::document())?);
            return Ok(std::process::ExitCode::SUCCESS);
        }
        _ => {}
    }
    let db = Db::connect(&config.database_url)
        .await
        .context("could not open the database")?;
    db.migrate()
        .await
        .context("could not migrate the database")?;
    tracing::info!(backend = ?db.backend(), "database ready");
    let vendor = config.vendor().map_err(anyhow::Error::msg)?;
    tracing::info!(pricing = vendor.name(), "vendor port");

    let done: anyhow::Result<std::process::ExitCode> = Ok(std::process::ExitCode::SUCCESS);
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Migrate => done,
        Command::Backup { .. } | Command::Restore { .. } | Command::Openapi => done,
        Command::Usage { command } => commands::usage(&db, command).await,
        Command::Cycle { command } => commands::cycle(&db, &vendor, command).await,
        Command::Jobs { command } => {
            let mailer = config.mailer().map_err(anyhow::Error::msg)?;
            commands::jobs(&db, &vendor, mailer, command).await
        }
        Command::VerifyHistory => commands::verify_history(&db).await,
        Command::ApiToken { command } => commands::api_token(&db, command).await,
        Command::ExportPriceBook { file } => {
            let book = vendor::book::export(&db).await?;
            std::fs::write(&file, serde_json::to_vec_pretty(&book)?)
                .with_context(|| format!("could not write {}", file.display()))?;
            println!("Price book written to {}.", file.display());
            done
        }
        Command::Seed { set: SeedSet::Demo } => {
            let loaded = load_demo(&db, &config.vendor_name).await?;
            tracing::info!(loaded, "demo data");
            done
        }
        Command::Seed {
            set:
                SeedSet::Scale {
                    reports,
                    lines,
                    months,
                },
        } => {
            load_demo(&db, &config.vendor_name).await?;
            let spec = db::scale::ScaleSpec {
                reports,
                lines_per_report: lines,
                months,
            };
            let done = db::scale::generate(&db, &config.database_url, spec).await?;
            println!(
                "{} reports, {} lines, {} partners, {} distributors in {:.1?}",
                done.reports, done.lines, done.partners, done.distributors, done.elapsed
            );
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Serve => {
            if config.demo {
                let loaded = load_demo(&db, &config.vendor_name).await?;
                tracing::info!(loaded, "demo data");
            }
            serve(config, db, vendor).await?;
            done
        }
    }
}

/// Loads the demo data set (with its sign-in accounts) into a database without reports.
pub async fn load_demo(db: &Db, vendor_name: &str) -> anyhow::Result<bool> {
    let hash = auth::hash_password(db::seed::DEMO_PASSWORD.to_owned()).await?;
    Ok(db::seed::demo(db, vendor_name, &hash).await?)
}

/// Serves until SIGTERM or Ctrl-C; then takes no new request, gives those in flight and the job
/// runner's current run `--shutdown-grace-seconds` to finish, and returns.
async fn serve(config: Config, db: Db, vendor: vendor::Vendor) -> anyhow::Result<()> {
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mailer = config.mailer().map_err(anyhow::Error::msg)?;
    let jobs = jobs::start(
        db.clone(),
        vendor.clone(),
        mailer,
        config.jobs_every_seconds,
        stopping.clone(),
    );
    let state = AppState::new(&config, db, vendor);
    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("could not listen on {}", config.listen))?;
    let url = format!("http://{}", listener.local_addr()?);
    tracing::info!(%url, "listening");
    println!("Billing Reports is running at {url}");
    // A page is written in several pieces (headers, then the compressed stream): without
    // TCP_NODELAY the kernel holds each small last piece until the browser acknowledges the
    // one before, and browsers delay that acknowledgement by up to 40 ms.
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let mut until_stopped = stopping;
    let mut server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = until_stopped.wait_for(|stopping| *stopping).await;
            })
            .await
    });
    tokio::select! {
        served = &mut server => return served.context("server task")?.context("server error"),
        () = shutdown_signal() => {}
    }
    let grace = std::time::Duration::from_secs(config.shutdown_grace_seconds);
    tracing::info!(
        grace_seconds = grace.as_secs(),
        "shutting down: no new requests, finishing those in flight"
    );
    let _ = stop.send(true);
    match tokio::time::timeout(grace, &mut server).await {
        Ok(served) => served.context("server task")?.context("server error")?,
        Err(_) => {
            tracing::warn!("requests still in flight when the grace period ended; stopping anyway");
            server.abort();
        }
    }
    if let Some(jobs) = jobs
        && tokio::time::timeout(grace, jobs).await.is_err()
    {
        tracing::warn!("the job runner was still running when the grace period ended");
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
