//! Server configuration: flags first, then environment variables, then defaults that let the
//! binary run on a laptop with nothing set (an SQLite file under `data/`).

use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Clone, Parser)]
#[command(name = "billing-reports", version, about = "Billing Reports server")]
pub struct Config {
    /// Database URL: `sqlite:path?mode=rwc` (default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:data/billing-reports.db?mode=rwc"
    )]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Log filter, e.g. `info` or `billing_reports=debug,tower_http=info`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    /// Log line format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Load the demo data set when the database holds no reports yet.
    #[arg(long, env = "DEMO_DATA", default_value_t = false)]
    pub demo: bool,

    /// Mark the session cookie `Secure` and send HSTS (set when served over HTTPS).
    #[arg(long, env = "SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// The address people reach the app at (e.g. `https://billing.example.com`), for a proxy
    /// that rewrites `Host`: a request that changes something must then come from this origin.
    /// Without it, the request's `Origin` must match its `Host`.
    #[arg(long, env = "PUBLIC_URL", value_parser = public_origin)]
    pub public_url: Option<String>,

    /// The load balancers or proxies in front of the app (comma-separated IP addresses): only
    /// from these is `X-Forwarded-For` believed, for the address a sign-in came from.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// The bearer token a Prometheus scraper sends to read `GET /metrics` (at least 24
    /// characters; set it in the environment rather than on the command line). Without it,
    /// `/metrics` answers 404.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true, value_parser = super::metrics::parse_token)]
    pub metrics_token: Option<String>,

    /// The SMTP server the notices are emailed through: `smtps://USER:PASSWORD@HOST` (TLS),
    /// `smtp://USER:PASSWORD@HOST:587?tls=required` (STARTTLS) or `smtp://HOST:PORT` (plain, for
    /// a relay on the same machine). Without it, no email is sent. Set it in the environment
    /// rather than on the command line (it may hold a password).
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Who the emails are from.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Billing Reports <billing-reports@localhost>"
    )]
    pub mail_from: String,

    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,

    /// Hours after sign-in after which a session ends, active or not.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,

    /// The vendor's display name.
    #[arg(long, env = "VENDOR_NAME", default_value = "Trend Micro")]
    pub vendor_name: String,

    /// Seconds between runs of the job runner (deadlines, generation, sweeping); 0 turns it
    /// off on this instance (run `billing-reports jobs run-due` from cron instead).
    #[arg(long, env = "JOBS_EVERY_SECONDS", default_value_t = 60)]
    pub jobs_every_seconds: u64,

    /// On SIGTERM or Ctrl-C: how many seconds requests in flight and the job runner's current
    /// run get to finish before the process exits anyway (no new request is taken meanwhile).
    #[arg(long, env = "SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,

    /// Where list prices, margins and pricing codes come from, and where submitted reports are
    /// delivered: the price book in this database, or the vendor's endpoint (SPEC §6).
    #[arg(long, env = "PRICING", value_enum, default_value_t = PricingSource::Builtin, global = true)]
    pub pricing: PricingSource,

    /// The vendor endpoint's base address, for `--pricing http`.
    #[arg(long, env = "PRICING_URL", global = true)]
    pub pricing_url: Option<String>,

    /// The bearer token for the vendor endpoint (environment only, so it never shows in `ps`).
    #[arg(skip = std::env::var("PRICING_TOKEN").unwrap_or_default())]
    pub pricing_token: String,

    /// Seconds the vendor endpoint gets to answer one call.
    #[arg(
        long,
        env = "PRICING_TIMEOUT_SECONDS",
        default_value_t = 10,
        global = true
    )]
    pub pricing_timeout_seconds: u64,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Which adapter of the vendor port answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PricingSource {
    Builtin,
    Http,
}

impl Config {
    /// The vendor port this configuration names, or why it cannot be set up.
    pub fn vendor(&self) -> Result<crate::server::vendor::Vendor, String> {
        use crate::server::vendor::{Vendor, http};
        match self.pricing {
            PricingSource::Builtin => Ok(Vendor::Builtin),
            PricingSource::Http => {
                let url = self
                    .pricing_url
                    .as_deref()
                    .ok_or("--pricing http needs --pricing-url (or PRICING_URL)")?;
                let timeout = std::time::Duration::from_secs(self.pricing_timeout_seconds.max(1));
                Ok(Vendor::Http(http::Client::new(
                    url,
                    &self.pricing_token,
                    timeout,
                )?))
            }
        }
    }

    /// The mailer `--smtp-url` names (none without it), or why it cannot be set up. Its links
    /// point at `--public-url`, or at the listening address.
    pub fn mailer(&self) -> Result<Option<crate::server::services::emails::Mailer>, String> {
        use crate::server::services::emails::Mailer;
        let site = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        self.smtp_url
            .as_deref()
            .map(|url| Mailer::new(url, &self.mail_from, &site))
            .transpose()
    }
}

/// Reads `--public-url` as the origin a browser sends: `https://billing.example.com`, scheme and
/// host in lower case, without a default port, a path or a trailing slash.
fn public_origin(text: &str) -> Result<String, String> {
    let refuse = || {
        format!(
            "\"{text}\" is not a public address such as https://billing.example.com \
             (http or https, a host, an optional port, no path)"
        )
    };
    let trimmed = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = trimmed.split_once("://").ok_or_else(refuse)?;
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return Err(refuse()),
    };
    let host = rest.strip_suffix(default_port).unwrap_or(rest);
    let bad = |c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '@');
    if host.is_empty() || host.contains(bad) {
        return Err(refuse());
    }
    Ok(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::public_origin;

    #[test]
    fn a_public_url_reads_as_the_origin_browsers_send() {
        assert_eq!(
            public_origin("HTTPS://Billing.Example.com:443/").as_deref(),
            Ok("https://billing.example.com")
        );
        assert_eq!(
            public_origin("http://10.0.0.5:8080").as_deref(),
            Ok("http://10.0.0.5:8080")
        );
        for bad in [
            "billing.example.com",
            "ftp://x",
            "https://",
            "https://x/app",
            "https://a b",
        ] {
            assert!(public_origin(bad).is_err(), "{bad}");
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the application (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Load a data set into the database and exit.
    Seed {
        #[command(subcommand)]
        set: SeedSet,
    },
    /// The vendor's usage feed.
    Usage {
        #[command(subcommand)]
        command: UsageCommand,
    },
    /// The monthly cycle.
    Cycle {
        #[command(subcommand)]
        command: CycleCommand,
    },
    /// The job runner's work, once (for cron, catch-up runs and tests).
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Check every report's history chain; names the first broken entry of each report whose
    /// history was changed, removed or reordered outside the application (exit status 1).
    VerifyHistory,
    /// Write the built-in price book and codes as the vendor stand-in's book file (JSON in the
    /// terms of the vendor's contract), to try `--pricing http` against the same prices.
    ExportPriceBook { file: std::path::PathBuf },
    /// Copy the database to a new FILE while the servers run (SQLite: a consistent copy of
    /// every committed action; PostgreSQL: `pg_dump`, custom format). Never overwrites a file.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into the database of `--database-url`, which must hold nothing yet
    /// (stop the servers and move the damaged database aside first). The restored database is
    /// migrated and its history chains checked before it is put in place.
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Print the public API's OpenAPI document (as served at `/api/v1/openapi.json`).
    Openapi,
    /// Tokens for the public API (`/api/v1`).
    ApiToken {
        #[command(subcommand)]
        command: ApiTokenCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ApiTokenCommand {
    /// Create a token for the user with this email address, acting for their organisation, and
    /// print it (once: only its hash is stored).
    Create {
        #[arg(long)]
        user: String,
        /// How the history names the token's actions ("via API token 'NAME'").
        #[arg(long)]
        name: String,
        /// `read`, or `act` (read, and act on reports as a billing manager; the user's role must
        /// allow acting).
        #[arg(long, value_parser = ["read", "act"])]
        scope: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum UsageCommand {
    /// Import a usage file (CSV: partner,sku,period,provisioned,used); every problem is printed
    /// as `row N: reason` and nothing is imported when there is one (exit status 1).
    Import {
        file: std::path::PathBuf,
        /// Check the file and say what importing it would do, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum CycleCommand {
    /// Generate a period's reports from the usage feed (creates nothing that exists already).
    Generate {
        /// The period, as YYYY-MM.
        #[arg(long)]
        period: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum JobsCommand {
    /// Run everything due now (or at `--now`) and exit.
    RunDue {
        /// The moment to run at, RFC 3339 (e.g. 2026-11-06T00:00:00Z); default: now.
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum SeedSet {
    /// The demo data set (only into a database that holds no reports).
    Demo,
    /// Bulk data for measuring at production size (on top of the demo catalogue).
    Scale {
        /// Number of reports.
        #[arg(long, default_value_t = 100_000)]
        reports: u64,
        /// Lines per report.
        #[arg(long, default_value_t = 10)]
        lines: u32,
        /// Months of reports (one report per partner and month).
        #[arg(long, default_value_t = 36)]
        months: u32,
    },
}

impl Config {
    /// A configuration for tests: the given database, defaults for the rest.
    pub fn for_database(database_url: &str) -> Self {
        Self::parse_from(["billing-reports", "--database-url", database_url])
    }
}
