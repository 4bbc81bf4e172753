//! A report's history: entries appended by every action, never changed, read oldest first.

use sqlx::{Any, FromRow, Transaction};

use super::{bad, chain};
use crate::domain::{
    HistoryEntry, HistoryEvent, Role, Status, history,
    usage::{self, LineChange, LineValues},
    webhook::WebhookEvent,
};
use crate::server::db::{Db, SqlError, webhooks};

/// Event, statuses and role are stored as their stable codes.
#[derive(Clone, Debug)]
pub struct NewHistoryEntry {
    pub at: String,
    pub actor: String,
    pub actor_org: Option<String>,
    pub actor_role: Option<Role>,
    pub event: HistoryEvent,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub comment: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// Prices changed by this entry (never shown to partners).
    pub prices_json: Option<String>,
}

impl NewHistoryEntry {
    /// The first entry of every report: the system generated it, in MSP preparing, at `at`.
    pub fn generated(at: String) -> Self {
        NewHistoryEntry {
            at,
            actor: "system".to_owned(),
            actor_org: None,
            actor_role: None,
            event: HistoryEvent::Generated,
            from_status: None,
            to_status: Some(Status::MspPreparing),
            comment: None,
            before_json: None,
            after_json: None,
            prices_json: None,
        }
    }
}

/// Appends an entry to the report's history (its hash chained to the previous one), and writes
/// the webhook event it raises, if any, in the same transaction (`domain::webhook`): no change
/// that tells of itself in the history can miss telling its webhooks.
pub async fn append_history(
    tx: &mut Transaction<'static, Any>,
    report_id: i64,
    entry: &NewHistoryEntry,
) -> Result<(), SqlError> {
    let from_status = entry.from_status.map(history::status_code);
    let to_status = entry.to_status.map(history::status_code);
    let content = chain::Content {
        report_id,
        at: &entry.at,
        actor: &entry.actor,
        actor_org: entry.actor_org.as_deref(),
        actor_role: entry.actor_role.map(|role| role.as_code()),
        action: entry.event.as_code(),
        from_status: from_status.as_deref(),
        to_status: to_status.as_deref(),
        comment: entry.comment.as_deref(),
        before_json: entry.before_json.as_deref(),
        after_json: entry.after_json.as_deref(),
        prices_json: entry.prices_json.as_deref(),
    };
    let prev = chain::link(tx, report_id).await?;
    let hash = content.hash(&prev);
    sqlx::query(
        "INSERT INTO history (report_id, at, actor, actor_org, actor_role, action, from_status, \
                to_status, comment, before_json, after_json, prices_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(report_id)
    .bind(content.at)
    .bind(content.actor)
    .bind(content.actor_org)
    .bind(content.actor_role)
    .bind(content.action)
    .bind(content.from_status)
    .bind(content.to_status)
    .bind(content.comment)
    .bind(content.before_json)
    .bind(content.after_json)
    .bind(content.prices_json)
    .bind(prev)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    if let Some(event) = WebhookEvent::for_history(entry.event) {
        webhooks::announce(tx, report_id, event, &entry.at).await?;
    }
    Ok(())
}

/// A report's history, oldest first, as stored (prices included: the caller decides who may
/// see pricing).
pub async fn history(db: &Db, report_id: i64) -> Result<Vec<StoredHistory>, SqlError> {
    let rows = sqlx::query_as::<_, HistoryRow>(
        "SELECT id, at, actor, actor_org, actor_role, action, from_status, to_status, comment, \
                before_json, after_json, prices_json \
         FROM history WHERE report_id = $1 ORDER BY id",
    )
    .bind(report_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(HistoryRow::decode).collect()
}

/// A history entry as stored: what people read, and the prices it changed.
#[derive(Clone, Debug)]
pub struct StoredHistory {
    pub entry: HistoryEntry,
    pub prices_json: Option<String>,
}

#[derive(FromRow)]
struct HistoryRow {
    id: i64,
    at: String,
    actor: String,
    actor_org: Option<String>,
    actor_role: Option<String>,
    action: String,
    from_status: Option<String>,
    to_status: Option<String>,
    comment: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
    prices_json: Option<String>,
}

impl HistoryRow {
    /// Reads the codes (or, in entries older than the codes, the labels and names).
    fn decode(self) -> Result<StoredHistory, SqlError> {
        let status = |stored: Option<String>| match stored {
            None => Ok(None),
            Some(text) => history::read_status(&text)
                .map(Some)
                .ok_or_else(|| bad("history status", text)),
        };
        let actor_role = match self.actor_role {
            None => None,
            Some(text) => Some(history::read_role(&text).ok_or_else(|| bad("history role", text))?),
        };
        Ok(StoredHistory {
            entry: HistoryEntry {
                id: self.id,
                at: self.at,
                actor: self.actor,
                actor_org: self.actor_org,
                actor_role,
                event: HistoryEvent::from_code(&self.action)
                    .ok_or_else(|| bad("history action", &self.action))?,
                from_status: status(self.from_status)?,
                to_status: status(self.to_status)?,
                comment: self.comment,
                changes: line_changes(self.before_json.as_deref(), self.after_json.as_deref()),
            },
            prices_json: self.prices_json,
        })
    }
}

/// The changed lines of an entry, from its stored before/after JSON (see
/// [`crate::domain::usage::line_changes`]). An entry with only one side, or unreadable text,
/// records no line change.
fn line_changes(before: Option<&str>, after: Option<&str>) -> Vec<LineChange> {
    let read = |text: &str| serde_json::from_str::<Vec<LineValues>>(text);
    match (before.map(read), after.map(read)) {
        (Some(Ok(before)), Some(Ok(after))) => usage::line_changes(before, after),
        _ => Vec::new(),
    }
}
