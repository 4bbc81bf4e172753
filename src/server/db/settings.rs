//! A distributor's cycle settings as stored on its organisation row, the auto-approve rule's
//! columns decoded in one place (the deadline job reads them too), and the append-only audit of
//! changes.

use sqlx::{AnyConnection, FromRow};

use super::{SqlError, bad};
use crate::domain::{
    Currency, ThresholdPercent,
    cycle::{AutoApproveRule, TotalLimit, Windows},
    from_scaled_e4, scaled_e4,
    settings::{CycleSettings, Setting, SettingChange, SettingsAuditEntry},
};

/// The auto-approve rule's columns of a distributor `d`, selected as [`RuleRow::COLUMNS`].
#[derive(FromRow)]
pub struct RuleRow {
    auto_approve: i64,
    auto_approve_po_pattern: Option<String>,
    auto_approve_max_total_e4: Option<i64>,
    auto_approve_max_total_currency: Option<String>,
}

impl RuleRow {
    pub const COLUMNS: &'static str = "d.auto_approve, d.auto_approve_po_pattern, \
         d.auto_approve_max_total_e4, d.auto_approve_max_total_currency";

    pub fn decode(self) -> Result<AutoApproveRule, SqlError> {
        let max_total = match (
            self.auto_approve_max_total_e4,
            self.auto_approve_max_total_currency,
        ) {
            (Some(amount), Some(currency)) => Some(TotalLimit {
                amount: from_scaled_e4(amount),
                currency: currency
                    .parse()
                    .map_err(|e: crate::domain::ParseError| bad("limit currency", e))?,
            }),
            _ => None,
        };
        Ok(AutoApproveRule {
            enabled: self.auto_approve != 0,
            po_pattern: self.auto_approve_po_pattern,
            max_total,
        })
    }
}

/// A distributor's settings, its name, its region's currency and the settings' version.
pub struct StoredSettings {
    pub org_name: String,
    pub currency: Currency,
    pub version: i64,
    pub settings: CycleSettings,
}

#[derive(FromRow)]
struct SettingsRow {
    name: String,
    currency: String,
    settings_version: i64,
    submission_window_days: i64,
    review_window_days: i64,
    threshold_e4: i64,
    anomaly_threshold_e4: i64,
    #[sqlx(flatten)]
    rule: RuleRow,
}

/// The settings of distributor `org_id`, or `None` if it is not a distributor.
pub async fn load(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<StoredSettings>, SqlError> {
    let sql = format!(
        "SELECT d.name, g.currency, d.settings_version, d.submission_window_days, \
                d.review_window_days, d.threshold_e4, d.anomaly_threshold_e4, {rule} \
         FROM organisations d JOIN regions g ON g.id = d.region_id \
         WHERE d.id = $1 AND d.kind = 'distributor'",
        rule = RuleRow::COLUMNS
    );
    let Some(row) = sqlx::query_as::<_, SettingsRow>(&sql)
        .bind(org_id)
        .fetch_optional(conn)
        .await?
    else {
        return Ok(None);
    };
    let percent = |scaled: i64, what: &str| {
        ThresholdPercent::new(from_scaled_e4(scaled)).map_err(|e| bad(what, e))
    };
    Ok(Some(StoredSettings {
        org_name: row.name,
        currency: row
            .currency
            .parse()
            .map_err(|e: crate::domain::ParseError| bad("currency", e))?,
        version: row.settings_version,
        settings: CycleSettings {
            windows: Windows {
                submission_days: row.submission_window_days,
                review_days: row.review_window_days,
            },
            threshold: percent(row.threshold_e4, "threshold")?,
            anomaly_threshold: percent(row.anomaly_threshold_e4, "anomaly threshold")?,
            auto_approve: row.rule.decode()?,
        },
    }))
}

/// Stores `settings` as version `version + 1` if the row is still at `version`; answers whether
/// it was (a save based on an older version changes nothing).
pub async fn save(
    conn: &mut AnyConnection,
    org_id: i64,
    version: i64,
    settings: &CycleSettings,
) -> Result<bool, SqlError> {
    let scaled =
        |value: rust_decimal::Decimal, what: &str| scaled_e4(value).map_err(|e| bad(what, e));
    let rule = &settings.auto_approve;
    let max_total = rule
        .max_total
        .map(|limit| scaled(limit.amount, "limit"))
        .transpose()?;
    let done = sqlx::query(
        "UPDATE organisations SET submission_window_days = $1, review_window_days = $2, \
                threshold_e4 = $3, anomaly_threshold_e4 = $4, auto_approve = $5, \
                auto_approve_po_pattern = $6, auto_approve_max_total_e4 = $7, \
                auto_approve_max_total_currency = $8, settings_version = settings_version + 1 \
         WHERE id = $9 AND settings_version = $10",
    )
    .bind(settings.windows.submission_days)
    .bind(settings.windows.review_days)
    .bind(scaled(settings.threshold.get(), "threshold")?)
    .bind(scaled(
        settings.anomaly_threshold.get(),
        "anomaly threshold",
    )?)
    .bind(i64::from(rule.enabled))
    .bind(rule.po_pattern.clone())
    .bind(max_total)
    .bind(rule.max_total.map(|limit| limit.currency.code()))
    .bind(org_id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Who changed the settings, as the audit names them.
pub struct AuditActor<'a> {
    pub name: &'a str,
    pub role: &'a str,
}

/// Appends one audit row per change, for the save that made `version`.
pub async fn append_changes(
    conn: &mut AnyConnection,
    org_id: i64,
    version: i64,
    at: &str,
    actor: &AuditActor<'_>,
    changes: &[SettingChange],
) -> Result<(), SqlError> {
    for change in changes {
        sqlx::query(
            "INSERT INTO settings_changes \
                 (organisation_id, version, at, actor, actor_role, setting, before_value, after_value) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(org_id)
        .bind(version)
        .bind(at)
        .bind(actor.name)
        .bind(actor.role)
        .bind(change.setting.code())
        .bind(&change.before)
        .bind(&change.after)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(FromRow)]
struct AuditRow {
    at: String,
    actor: String,
    setting: String,
    before_value: String,
    after_value: String,
}

/// The latest `limit` changes of `org_id`'s settings, newest first.
pub async fn changes(
    conn: &mut AnyConnection,
    org_id: i64,
    limit: i64,
) -> Result<Vec<SettingsAuditEntry>, SqlError> {
    let rows = sqlx::query_as::<_, AuditRow>(
        "SELECT at, actor, setting, before_value, after_value FROM settings_changes \
         WHERE organisation_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(org_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(SettingsAuditEntry {
                setting: Setting::from_code(&row.setting)
                    .ok_or_else(|| bad("setting", &row.setting))?,
                at: row.at,
                actor: row.actor,
                before: row.before_value,
                after: row.after_value,
            })
        })
        .collect()
}
