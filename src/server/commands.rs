//! The command-line commands of the monthly cycle: importing a usage file, generating a period,
//! running what is due, checking the history's chain; creating an API token. Each calls the same service as the app and prints what it did.

use std::process::ExitCode;

use anyhow::Context;

use super::config::{ApiTokenCommand, CycleCommand, JobsCommand, UsageCommand};
use super::db::Db;
use super::services::{api_tokens, cycle, emails::Mailer, integrity, usage_import, webhooks};
use super::vendor::Vendor;
use crate::domain::Period;

/// `usage import FILE [--dry-run]`: prints every problem as `row N: reason` and fails when
/// there is one.
pub async fn usage(db: &Db, command: UsageCommand) -> anyhow::Result<ExitCode> {
    let UsageCommand::Import { file, dry_run } = command;
    let reader =
        std::fs::File::open(&file).with_context(|| format!("could not open {}", file.display()))?;
    let summary = usage_import::import(db, reader, dry_run, time::OffsetDateTime::now_utc())
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    for problem in &summary.problems {
        println!("{problem}");
    }
    let unlisted = summary.problem_count - summary.problems.len() as u64;
    if unlisted > 0 {
        println!("… and {unlisted} more problems");
    }
    println!("{}", summary.sentence());
    Ok(if summary.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `cycle generate --period YYYY-MM`.
pub async fn cycle(db: &Db, vendor: &Vendor, command: CycleCommand) -> anyhow::Result<ExitCode> {
    let CycleCommand::Generate { period } = command;
    let period = Period::parse(&period).map_err(|error| anyhow::anyhow!("{error}"))?;
    let generated = cycle::generate(db, vendor, period, time::OffsetDateTime::now_utc())
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    for problem in &generated.problems {
        println!("{problem}");
    }
    println!("{}", generated.sentence());
    Ok(if generated.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `jobs run-due [--now RFC3339]`: the runner's work, once (the webhooks and the emails too).
pub async fn jobs(
    db: &Db,
    vendor: &Vendor,
    mailer: Option<Mailer>,
    command: JobsCommand,
) -> anyhow::Result<ExitCode> {
    let JobsCommand::RunDue { now } = command;
    let at = match now {
        Some(text) => {
            time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                .with_context(|| {
                    format!("--now {text:?} is not an RFC 3339 time such as 2026-11-06T00:00:00Z")
                })?
        }
        None => time::OffsetDateTime::now_utc(),
    };
    let sender = webhooks::Sender::new().context("the webhook sender could not start")?;
    let ran = super::jobs::run_once(db, vendor, &sender, mailer.as_ref(), at).await;
    let run = ran.cycle.map_err(|error| anyhow::anyhow!("{error}"))?;
    println!(
        "Jobs due at {}: {}.",
        super::db::rfc3339(at),
        run.sentence()
    );
    let sent = ran.webhooks.map_err(|error| anyhow::anyhow!("{error}"))?;
    let mailed = ran.emails.map_err(|error| anyhow::anyhow!("{error}"))?;
    println!("Then {}; {}.", sent.sentence(), mailed.sentence());
    Ok(ExitCode::SUCCESS)
}

/// `verify-history`: one line per broken report, then the verdict; fails when one is broken.
pub async fn verify_history(db: &Db) -> anyhow::Result<ExitCode> {
    let found = integrity::check(db, time::OffsetDateTime::now_utc()).await?;
    for broken in &found.breaks {
        println!("{}", broken.sentence());
    }
    println!("{}", found.sentence());
    Ok(if found.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `api-token create --user EMAIL --name NAME --scope read|act`: prints the new token, once.
pub async fn api_token(db: &Db, command: ApiTokenCommand) -> anyhow::Result<ExitCode> {
    let ApiTokenCommand::Create { user, name, scope } = command;
    let scope =
        crate::domain::api_token::Scope::from_code(&scope).context("the scope is read or act")?;
    match api_tokens::create(db, None, &user, &name, scope).await {
        Ok(created) => {
            println!("{}", created.value);
            eprintln!(
                "API token {} created for {user}. It is shown only now: keep it in a secret store.",
                created.id
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) if error.kind() != super::http_error::ErrorKind::Internal => {
            eprintln!("{error}");
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}
