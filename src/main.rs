//! The server binary: configuration -> telemetry -> database -> router -> serve.

use billing_reports::server::{self, config::Config};
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    let config = Config::parse();
    server::telemetry::init(&config.log_level, config.log_format);
    server::run(config).await
}
