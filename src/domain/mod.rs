//! The business of Billing Reports: money, report lines, statuses, and who may do what.
//!
//! Pure Rust, and only that: no I/O, no clock, no Leptos, no `#[cfg(feature)]`, and no binary
//! floating point. It compiles for the server and for the WASM client alike, so the browser
//! previews exactly the numbers the server will store, and refuses exactly what the server
//! refuses. The domain *decides*; services orchestrate and repositories persist.
//!
//! * [`money`]  — currencies, the one rounding rule, validated numbers (parse, don't validate),
//!   and the database's scaled-integer form;
//! * [`period`] — the report period (a calendar month) and its dates;
//! * [`line`]   — SPEC §5 calculations, partner edits, auto-submit penalties, report totals;
//! * [`status`] — SPEC §4 workflow: the one state machine [`apply`];
//! * [`usage`] — the partner's side of a line: reading what was typed, why a comment is needed,
//!   what a deadline would do, and the month-over-month anomaly;
//! * [`deadline`] — how long is left until a deadline;
//! * [`delivery`] — delivering submitted reports to the vendor: when, how often, how it reads;
//! * [`flags`] — a report's flags (comments, penalties, below used, anomaly), judged from its lines;
//! * [`text`] — the one length limit of free text;
//! * [`api_token`] — what a machine's token may do, its name, its allowance of calls;
//! * [`webhook`] — the events an organisation's systems are told of, who receives each, the signature;
//! * [`notice`] — the notices in the app: who is told of what, the deadline reminders;
//! * [`email`] — which notices each user also gets by email, and the email each becomes;
//! * [`policy`] — SPEC §2 visibility and authorisation, and which actions a page offers;
//! * [`bulk`] — one step on many reports at once: which reports qualify, and why not;
//! * [`workflow`] — one command decided against a report: what to store, or a typed refusal;
//! * [`history`] — what a history entry records (typed events, stored as codes), and who reads what;
//! * [`integrity`] — what a check of the history's hash chain found;
//! * [`report`] — the shapes sent to the browser, with partner types that have no pricing fields;
//! * [`view`] — a report as each viewer receives it;
//! * [`pricing`] — what a special pricing code unlocks, and why one is refused;
//! * [`query`] — report list filters, sorting and paging;
//! * [`settings`] — a distributor's cycle settings: the form, its checks, the audit of changes;
//! * [`to_do`] — the to-do each organisation's list opens on;
//! * [`listing`] — what a list answers: totals per currency, the page each viewer receives;
//! * [`messages`] — sentences the pages and the public API both answer with;
//! * [`format`] — how amounts, counts and dates read (pages and server messages alike);
//! * [`user`] — who is signed in, as the browser may know them.
//!
//! `clippy.toml` bans the float types by name (`disallowed-types`); that lint does not see a float
//! that is only inferred from a literal, so arithmetic on such values is denied here as well.

#![deny(clippy::float_arithmetic)]

pub mod api_token;
pub mod bulk;
pub mod currency;
pub mod cycle;
pub mod deadline;
pub mod delivery;
pub mod email;
pub mod feed;
pub mod flags;
pub mod format;
pub mod history;
pub mod integrity;
pub mod line;
pub mod line_page;
pub mod list_href;
pub mod listing;
pub mod messages;
pub mod money;
pub mod notice;
pub mod numbers;
pub mod overview;
pub mod period;
pub mod policy;
pub mod pricing;
pub mod query;
pub mod report;
pub mod settings;
pub mod status;
pub mod text;
pub mod to_do;
pub mod usage;
pub mod user;
pub mod view;
pub mod webhook;
pub mod workflow;

pub use currency::Currency;
pub use history::{HistoryEntry, HistoryEvent};
pub use line::{
    AutoSubmitOutcome, EditError, LineAmounts, LineFigures, LineInput, Penalty,
    auto_submit_penalty, compute, default_chargeable, has_comment, is_violation, line_amounts,
    lines_needing_comment, over_provisioned_pct, report_total, total_owed, validate_partner_edit,
};
pub use money::{Field, ParseError, ScaledError, from_scaled_e4, round_half_away, scaled_e4};
pub use numbers::{MarginPercent, ThresholdPercent, UnitPrice, Units};
pub use period::{Period, PeriodError};
pub use policy::{
    Actor, ListScope, OrgKind, ReportOwners, Role, Viewer, authorize, can_see, can_see_pricing,
    list_scope, offers, permits, shows_pricing, visible,
};
pub use report::{
    LineView, OpenedReport, PartnerLineView, PartnerReportDetail, PartnerReportSummary,
    PoNumberError, ProductRef, ReportDetail, ReportFlags, ReportHeader, ReportLine, ReportSummary,
    UsageFigures, parse_po_number,
};
pub use status::{
    Action, ActorKind, Refusal, ReviewReason, Status, StatusCodeError, apply, require_reason,
};
pub use user::CurrentUser;
