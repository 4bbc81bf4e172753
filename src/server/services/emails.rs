//! Email of the notices: each user chooses which kinds they are also emailed; the job runner
//! works off the outbox that each notice wrote in its own transaction (`db::emails::plan`),
//! composing each email when it is sent (`domain::email`), over SMTP when the server has an
//! `--smtp-url`, retrying with the same backoff as the deliveries to the vendor.

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

use super::{ServiceError, UserCaller};
use crate::domain::{
    delivery::{AfterFailure, TryFailure, after_failure},
    email::{self, EmailChoice, EmailChoices, EmailFacts},
    notice::NoticeKind,
};
use crate::server::db::{
    Db,
    emails::{self, DueEmail, Sent},
    now_utc,
    outbox::{self, Outbox},
    period_of, rfc3339,
};

/// Emails one run tries at most (the rest wait for the next run).
const BATCH: i64 = 200;

/// How long a claimed try keeps other runners away: longer than any send may take.
const LEASE_SECONDS: i64 = 120;

/// How long the SMTP server has for each step.
const TIMEOUT: Duration = Duration::from_secs(15);

/// The user's choices, for each kind of notice their organisation gets.
pub async fn choices(
    db: &Db,
    user: &UserCaller,
    server_sends: bool,
) -> Result<EmailChoices, ServiceError> {
    let own = emails::choices_of(db, user.actor.user_id).await?;
    let choices = email::kinds_for(user.actor.org_kind)
        .into_iter()
        .map(|kind| {
            let choice = own
                .iter()
                .find(|(code, _)| code == kind.as_code())
                .map(|(_, wanted)| *wanted);
            EmailChoice {
                kind,
                wanted: email::wants(kind, choice),
            }
        })
        .collect();
    Ok(EmailChoices {
        server_sends,
        address: emails::address_of(db, user.actor.user_id).await?,
        choices,
    })
}

/// Stores the user's choices: the kinds in `wanted` (codes) on, their organisation's other
/// kinds off. A code that is not one of those is refused, and nothing is stored.
pub async fn save_choices(
    db: &Db,
    user: &UserCaller,
    wanted: &[String],
) -> Result<(), ServiceError> {
    let kinds = email::kinds_for(user.actor.org_kind);
    if let Some(unknown) = wanted
        .iter()
        .find(|code| !kinds.iter().any(|kind| kind.as_code() == code.as_str()))
    {
        return Err(ServiceError::Invalid(format!(
            "“{unknown}” is not a notice your organisation gets."
        )));
    }
    let choices: Vec<(NoticeKind, bool)> = kinds
        .into_iter()
        .map(|kind| (kind, wanted.iter().any(|code| code == kind.as_code())))
        .collect();
    emails::save_choices(db, user.actor.user_id, &choices, &now_utc()).await?;
    Ok(())
}

/// Sends email over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The app's address, for the links in the emails.
    site: String,
}

impl Mailer {
    /// A mailer for `smtp_url` (`smtp://host:port`, `smtp://user:pass@host?tls=required`,
    /// `smtps://...`), sending as `from`, linking to `site`.
    pub fn new(smtp_url: &str, from: &str, site: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|error| format!("the SMTP address {smtp_url:?} is not usable: {error}"))?
            .timeout(Some(TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|error| format!("the sender {from:?} is not an email address: {error}"))?;
        Ok(Mailer {
            transport,
            from,
            site: site.trim_end_matches('/').to_owned(),
        })
    }

    /// One try: `Ok` once the SMTP server took it, else whether trying again may help, and why.
    async fn send(&self, due: &DueEmail) -> Result<(), (TryFailure, String)> {
        let refused = |error: String| (TryFailure::Refused, error);
        let kind = NoticeKind::from_code(&due.kind)
            .ok_or_else(|| refused(format!("unknown notice kind {:?}", due.kind)))?;
        let period = period_of(due.period).map_err(|error| refused(error.to_string()))?;
        let composed = email::compose(&EmailFacts {
            kind,
            recipient: &due.recipient,
            partner: &due.partner,
            period,
            site: &self.site,
            report_id: due.report_id,
        });
        let to = Mailbox::new(
            Some(due.recipient.clone()),
            due.address
                .parse()
                .map_err(|error| refused(format!("the address is not usable: {error}")))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(composed.subject)
            .multipart(MultiPart::alternative_plain_html(
                composed.text,
                composed.html,
            ))
            .map_err(|error| refused(error.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err((TryFailure::Refused, error.to_string())),
            Err(error) => Err((TryFailure::Transient, error.to_string())),
        }
    }
}

/// What one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmailRun {
    pub sent: u64,
    pub retrying: u64,
    pub failed: u64,
    pub expired: u64,
}

impl EmailRun {
    /// The run in one line, for the log and the command line.
    pub fn sentence(&self) -> String {
        format!(
            "emails sent {}, to try again {}, given up {}, too old to send {}",
            self.sent, self.retrying, self.failed, self.expired
        )
    }
}

/// Sends the emails due at `at`. Without a mailer (no `--smtp-url`), nothing is sent and only
/// the emails too old to send are closed (`domain::email::is_stale`).
pub async fn run_due(
    db: &Db,
    mailer: Option<&Mailer>,
    at: time::OffsetDateTime,
) -> Result<EmailRun, ServiceError> {
    let now = rfc3339(at);
    let lease = rfc3339(at + time::Duration::seconds(LEASE_SECONDS));
    let due = {
        let mut conn = db.acquire().await?;
        emails::due(&mut conn, &now, BATCH).await?
    };
    let mut run = EmailRun::default();
    for email in due {
        let stale = email::is_stale(&email.created_at, &now);
        let Some(mailer) = mailer.filter(|_| !stale) else {
            if stale {
                let mut conn = db.acquire().await?;
                emails::record(&mut conn, email.id, Sent::Expired, &now).await?;
                run.expired += 1;
            }
            continue;
        };
        let mut conn = db.acquire().await?;
        if !outbox::claim(&mut conn, Outbox::Emails, email.id, email.attempts, &lease).await? {
            continue;
        }
        drop(conn);
        let tried = mailer.send(&email).await;
        let retry_at;
        let outcome = match &tried {
            Ok(()) => {
                run.sent += 1;
                Sent::Sent
            }
            Err((failure, error)) => match after_failure(email.attempts + 1, *failure) {
                AfterFailure::RetryIn(seconds) => {
                    run.retrying += 1;
                    retry_at = rfc3339(at + time::Duration::seconds(seconds));
                    Sent::RetryAt(&retry_at, error)
                }
                AfterFailure::GiveUp => {
                    run.failed += 1;
                    Sent::GaveUp(error)
                }
            },
        };
        let mut conn = db.acquire().await?;
        emails::record(&mut conn, email.id, outcome, &now).await?;
    }
    Ok(run)
}
