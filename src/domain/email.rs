//! Email: which notices each user is also sent by email (their own choice per kind, or the
//! kind's default), the email a notice becomes (a plain-text and an HTML part, with the link to
//! the report and to the choices), and when an unsent one is too old to be worth sending.

use serde::{Deserialize, Serialize};

use super::deadline::utc_seconds;
use super::notice::{Audience, NoticeKind};
use super::period::Period;
use super::policy::OrgKind;

/// An email not sent within a day of its notice is not sent at all: the notice is in the app,
/// and news of yesterday's deadline helps nobody (this also keeps a server that starts sending
/// email from mailing everything that happened while it did not).
pub const STALE_AFTER_SECONDS: i64 = 86_400;

/// The notices an organisation of this kind is told of, in the order the choices list them.
pub fn kinds_for(org: OrgKind) -> Vec<NoticeKind> {
    let audience = match org {
        OrgKind::Partner => Audience::Partner,
        OrgKind::Distributor => Audience::Distributor,
        OrgKind::Vendor | OrgKind::Operator => return Vec::new(),
    };
    NoticeKind::all()
        .into_iter()
        .filter(|kind| kind.audience() == audience)
        .collect()
}

/// Whether a kind is emailed to a user who has not chosen: the ones that ask something of the
/// reader, or close a month, are; "a partner submitted" is not (a distributor would get one per
/// partner at every deadline), and can be turned on.
pub const fn emailed_by_default(kind: NoticeKind) -> bool {
    !matches!(kind, NoticeKind::Submitted | NoticeKind::AutoSubmitted)
}

/// Whether a user with `choice` (none when they never chose) is emailed notices of `kind`.
pub fn wants(kind: NoticeKind, choice: Option<bool>) -> bool {
    choice.unwrap_or(emailed_by_default(kind))
}

/// Whether an email of a notice written at `created_at` is too old to send at `now`.
pub fn is_stale(created_at: &str, now: &str) -> bool {
    match (utc_seconds(created_at), utc_seconds(now)) {
        (Some(created), Some(now)) => now - created > STALE_AFTER_SECONDS,
        _ => true,
    }
}

/// The choice as the page lists it.
pub const fn choice_label(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::ReportReady => "A month's report is ready to check",
        NoticeKind::DeadlineIn3Days => "Three days before the deadline",
        NoticeKind::DeadlineIn1Day => "One day before the deadline",
        NoticeKind::ReturnedToPartner => "A report is returned to us",
        NoticeKind::Submitted => "A partner submits its report",
        NoticeKind::AutoSubmitted => "A report is submitted at its deadline",
        NoticeKind::ReturnedByVendor => "The vendor returns a report",
        NoticeKind::Completed => "The vendor completes a report",
    }
}

/// One kind as the user's choices list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChoice {
    pub kind: NoticeKind,
    pub wanted: bool,
}

/// A user's email choices, with whether this server sends email at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChoices {
    pub server_sends: bool,
    pub address: String,
    pub choices: Vec<EmailChoice>,
}

/// What a notice is about, for its email.
#[derive(Clone, Debug)]
pub struct EmailFacts<'a> {
    pub kind: NoticeKind,
    pub recipient: &'a str,
    pub partner: &'a str,
    pub period: Period,
    /// The app's address, without a trailing slash (`https://billing.example.com`).
    pub site: &'a str,
    pub report_id: i64,
}

/// An email, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The email of a notice: the notice's sentence as the subject and first line, the link to the
/// report, and where to turn this kind off.
pub fn compose(facts: &EmailFacts<'_>) -> Email {
    let sentence = facts.kind.text(facts.partner, facts.period);
    let report = format!("{}/reports/{}", facts.site, facts.report_id);
    let choices = format!("{}/notices", facts.site);
    let why = format!(
        "You get this email because \u{201c}{}\u{201d} is on in your email choices; turn it off at",
        choice_label(facts.kind)
    );
    let text = format!(
        "Hello {},\n\n{sentence}.\n\nOpen the report: {report}\n\n-- \n{why} {choices}\n",
        facts.recipient
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5;color:#1d2633\">\
         <p>Hello {recipient},</p><p><strong>{sentence}.</strong></p>\
         <p><a href=\"{report}\">Open the report</a></p>\
         <p style=\"color:#5b6675;font-size:0.9em\">{why} <a href=\"{choices}\">{choices}</a>.</p>\
         </body></html>",
        recipient = escape_html(facts.recipient),
        sentence = escape_html(&sentence),
        report = escape_html(&report),
        why = escape_html(&why),
        choices = escape_html(&choices),
    );
    Email {
        subject: sentence,
        text,
        html,
    }
}

/// Text made safe to put in HTML, in an element or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_organisation_chooses_among_the_notices_it_gets() {
        assert_eq!(
            kinds_for(OrgKind::Partner),
            vec![
                NoticeKind::ReportReady,
                NoticeKind::DeadlineIn3Days,
                NoticeKind::DeadlineIn1Day,
                NoticeKind::ReturnedToPartner
            ]
        );
        assert_eq!(kinds_for(OrgKind::Distributor).len(), 4);
        assert!(kinds_for(OrgKind::Vendor).is_empty());
        assert!(wants(NoticeKind::DeadlineIn1Day, None));
        assert!(!wants(NoticeKind::Submitted, None));
        assert!(wants(NoticeKind::Submitted, Some(true)));
        assert!(!wants(NoticeKind::Completed, Some(false)));
    }

    #[test]
    fn an_email_older_than_a_day_is_not_sent() {
        let written = "2026-11-03T00:00:00Z";
        assert!(!is_stale(written, "2026-11-04T00:00:00Z"));
        assert!(is_stale(written, "2026-11-04T00:00:01Z"));
        assert!(is_stale("not a time", "2026-11-04T00:00:00Z"));
    }

    #[test]
    fn the_email_links_the_report_and_escapes_names() {
        let email = compose(&EmailFacts {
            kind: NoticeKind::Completed,
            recipient: "Dana <Whitfield>",
            partner: "Harbor & Co",
            period: Period::parse("2026-10").expect("period"),
            site: "https://billing.example.com",
            report_id: 42,
        });
        assert_eq!(
            email.subject,
            "The vendor completed Harbor & Co's October 2026 report"
        );
        assert!(
            email
                .text
                .contains("https://billing.example.com/reports/42")
        );
        assert!(email.text.contains("Hello Dana <Whitfield>,"));
        assert!(email.html.contains("Harbor &amp; Co&#39;s"));
        assert!(email.html.contains("Dana &lt;Whitfield&gt;"));
        assert!(!email.html.contains("<Whitfield>"));
        assert!(
            email
                .html
                .contains("href=\"https://billing.example.com/notices\"")
        );
    }
}
