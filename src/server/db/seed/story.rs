//! How a demo report's story is told: who acts (named as the history shows them), on which
//! day of the month after the report's period, and each step as an action of the report service
//! in the demo's transaction at that moment, so the service dates its history entry, a code's
//! application and any new deadline exactly as it would have then.

use sqlx::{Any, Transaction};
use time::{Date, Month, OffsetDateTime, Time};

use super::{Partner, invalid, refused};
use crate::domain::{Actor, OrgKind, Period, Role, Status, pricing::VerifiedCode};
use crate::server::db::{Db, SqlError};
use crate::server::services::{
    Caller, UserCaller, deliveries,
    reports::{Command, Step, act_in},
};

/// A report's actions as they happen: each one through the report service, in the demo's
/// transaction, at its moment.
pub(super) struct Story<'a> {
    pub(super) db: &'a Db,
    pub(super) tx: &'a mut Transaction<'static, Any>,
    pub(super) report_id: i64,
    pub(super) version: i64,
    pub(super) status: Status,
}

impl Story<'_> {
    pub(super) async fn act(
        &mut self,
        caller: &Caller,
        command: Command,
        at: OffsetDateTime,
    ) -> Result<(), SqlError> {
        self.act_verified(caller, command, None, at).await
    }

    /// [`Self::act`] for a step that applies a code the story knows the vendor granted.
    pub(super) async fn act_verified(
        &mut self,
        caller: &Caller,
        command: Command,
        verified: Option<VerifiedCode>,
        at: OffsetDateTime,
    ) -> Result<(), SqlError> {
        let step = Step {
            report_id: self.report_id,
            expected_version: self.version,
            command,
            verified,
        };
        let outcome = act_in(self.db, self.tx, caller, step, at)
            .await
            .map_err(refused)?;
        // The built-in vendor receives a submission the moment it is made.
        if let Some(delivery_id) = outcome.delivery_id {
            let at = at + time::Duration::minutes(1);
            deliveries::deliver_in(self.db, self.tx, self.report_id, delivery_id, at)
                .await
                .map_err(refused)?;
        }
        self.version = outcome.version;
        self.status = outcome.status;
        Ok(())
    }
}

/// Who acts on a partner's reports, named as the history shows them.
pub(super) struct People {
    pub(super) partner: Caller,
    pub(super) distributor: Caller,
    pub(super) vendor: Caller,
}

impl People {
    pub(super) fn of(partner: &Partner, (vendor_id, vendor_name): (i64, &str)) -> People {
        let person = |name: String, org_id: i64, org_kind: OrgKind, org_name: &str| {
            Caller::User(UserCaller {
                actor: Actor {
                    user_id: 0,
                    org_id,
                    org_kind,
                    role: Role::BillingManager,
                    region_enabled: true,
                },
                name,
                org_name: org_name.to_owned(),
            })
        };
        let team = |org: &str| format!("Billing team, {org}");
        People {
            partner: person(
                team(partner.name),
                partner.id,
                OrgKind::Partner,
                partner.name,
            ),
            distributor: person(
                team(partner.distributor_name),
                partner.distributor_id,
                OrgKind::Distributor,
                partner.distributor_name,
            ),
            vendor: person(
                "Vendor billing".to_owned(),
                vendor_id,
                OrgKind::Vendor,
                vendor_name,
            ),
        }
    }
}

/// The moments of a report's month (the month after its period): generated on the 1st, the
/// partner's deadline on the 5th, the distributor's on the 12th (UTC).
pub(super) struct Dates {
    month: Period,
    pub(super) generated: OffsetDateTime,
    pub(super) submission_deadline: OffsetDateTime,
    pub(super) review_deadline: OffsetDateTime,
    /// When the vendor completes or returns a report: the 10th, mid-morning.
    pub(super) vendor_acts: OffsetDateTime,
}

impl Dates {
    pub(super) fn of(period: Period) -> Result<Dates, SqlError> {
        let month = period.next().ok_or_else(|| invalid("period overflow"))?;
        Ok(Dates {
            month,
            generated: moment(month, 1, 2, 0)?,
            submission_deadline: moment(month, 5, 23, 59)?,
            review_deadline: moment(month, 12, 23, 59)?,
            vendor_acts: moment(month, 10, 10, 0)?,
        })
    }

    /// When a partner submits: between the 1st and the 3rd, in office hours, varying by partner
    /// and month.
    pub(super) fn partner_submits(&self, partner_id: i64) -> OffsetDateTime {
        let spread = partner_id.unsigned_abs() + u64::from(self.month.month());
        let minutes = (spread % 3) * 24 * 60 + (spread % 8) * 60 + (spread * 7) % 60;
        at_minutes(self.generated, 7 * 60 + minutes as i64)
    }

    /// The deadline job's run that found the partner's deadline passed: the minute after it.
    pub(super) fn auto_submit(&self) -> OffsetDateTime {
        at_minutes(self.submission_deadline, 1)
    }
}

fn moment(month: Period, day: u8, hour: u8, minute: u8) -> Result<OffsetDateTime, SqlError> {
    let month_of_year = u8::try_from(month.month())
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| invalid("month"))?;
    let date = Date::from_calendar_date(month.year(), month_of_year, day).map_err(invalid)?;
    let time = Time::from_hms(hour, minute, 0).map_err(invalid)?;
    Ok(date.with_time(time).assume_utc())
}

pub(super) fn at_minutes(at: OffsetDateTime, minutes: i64) -> OffsetDateTime {
    at + time::Duration::minutes(minutes)
}
