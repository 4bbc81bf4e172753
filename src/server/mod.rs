//! Everything that only runs on the server: configuration, start-up, state, the database,
//! services, security. Nothing here is compiled into the browser bundle.

pub mod auth;
pub mod chart;
pub mod commands;
pub mod config;
pub mod db;
pub mod digest;
pub mod exports;
pub mod http_error;
pub mod jobs;
pub mod router;
pub mod security;
pub mod services;
pub mod state;
pub mod telemetry;
pub mod usage_upload;

use anyhow::Context;

use config::{Command, Config, SeedSet};
use db::Db;
use state::AppState;

/// Connects, migrates, and runs the command the configuration names (serving by default). The
/// exit code is a failure when a command found problems (e.g. a usage file with bad rows).
pub async fn run(config: Config) -> anyhow::Result<std::process::ExitCode> {
    let db = Db::connect(&config.database_url)
        .await
        .context("could not open the database")?;
    db.migrate()
        .await
        .context("could not migrate the database")?;
    tracing::info!(backend = ?db.backend(), "database ready");

    let done: anyhow::Result<std::process::ExitCode> = Ok(std::process::ExitCode::SUCCESS);
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Migrate => done,
        Command::Usage { command } => commands::usage(&db, command).await,
        Command::Cycle { command } => commands::cycle(&db, command).await,
        Command::Jobs { command } => commands::jobs(&db, command).await,
        Command::VerifyHistory => commands::verify_history(&db).await,
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
            serve(config, db).await?;
            done
        }
    }
}

/// Loads the demo data set (with its sign-in accounts) into a database without reports.
pub async fn load_demo(db: &Db, vendor_name: &str) -> anyhow::Result<bool> {
    let hash = auth::hash_password(db::seed::DEMO_PASSWORD.to_owned()).await?;
    Ok(db::seed::demo(db, vendor_name, &hash).await?)
}

async fn serve(config: Config, db: Db) -> anyhow::Result<()> {
    jobs::start(db.clone(), config.jobs_every_seconds);
    let state = AppState::new(&config, db);
    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("could not listen on {}", config.listen))?;
    let url = format!("http://{}", listener.local_addr()?);
    tracing::info!(%url, "listening");
    println!("Billing Reports is running at {url}");
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")
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
    tracing::info!("shutting down");
}
