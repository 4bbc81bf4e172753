//! The history's integrity: every report's hash chain checked, for platform admins (the page)
//! and operators (`billing-reports verify-history`).

use super::{ServiceError, UserCaller};
use crate::domain::{Refusal, integrity::IntegrityCheck};
use crate::server::db::{Db, SqlError, reports::chain, rfc3339};

/// Checks every chain for `user`, who must be a platform admin.
pub async fn check_for(
    db: &Db,
    user: &UserCaller,
    at: time::OffsetDateTime,
) -> Result<IntegrityCheck, ServiceError> {
    if !user.actor.viewer().checks_history() {
        return Err(Refusal::HistoryCheckAdminOnly.into());
    }
    Ok(check(db, at).await?)
}

/// Checks every chain (the command line: whoever runs the binary has the database already).
#[tracing::instrument(skip(db), err)]
pub async fn check(db: &Db, at: time::OffsetDateTime) -> Result<IntegrityCheck, SqlError> {
    let found = chain::verify(db, rfc3339(at)).await?;
    if !found.is_intact() {
        tracing::error!(broken = found.breaks.len(), "the history's chain is broken");
    }
    Ok(found)
}
