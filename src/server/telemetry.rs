//! Structured logs with `tracing`. Every request gets a span carrying its request id (see
//! `router`), so every line logged while serving it names the request.

use tracing_subscriber::{EnvFilter, fmt};

use super::config::LogFormat;

pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(true);
    let result = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    // A second init (tests building several apps) keeps the first subscriber.
    let _ = result;
}
