//! Who may see and do what (SPEC §2), as pure functions of the signed-in user and the report.
//!
//! The server loads the facts ([`Actor`] from the session, [`ReportOwners`] and the status from the
//! report row) and asks these functions; it never decides access itself. Pages and server
//! functions use the same answers, so a button is never shown for something the server refuses.
//!
//! A report the user may not see is answered with [`Refusal::NotFound`], exactly as if it did not
//! exist, so ids cannot be probed.

use serde::{Deserialize, Serialize};

use super::status::{Action, ActorKind, Refusal, ReviewReason, Status, apply};

/// The kind of organisation a user belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    /// Makes the products and receives the money.
    Vendor,
    /// Tier 1: resells to partners, owes the vendor.
    Distributor,
    /// Tier 2: an MSP or reseller, reports usage.
    Partner,
    /// Runs the platform.
    Operator,
}

impl OrgKind {
    /// Every kind, for table tests.
    pub const fn all() -> [OrgKind; 4] {
        [
            OrgKind::Vendor,
            OrgKind::Distributor,
            OrgKind::Partner,
            OrgKind::Operator,
        ]
    }

    /// Stable storage code.
    pub const fn as_code(&self) -> &'static str {
        match self {
            OrgKind::Vendor => "vendor",
            OrgKind::Distributor => "distributor",
            OrgKind::Partner => "partner",
            OrgKind::Operator => "operator",
        }
    }

    /// Reads a storage code.
    pub fn from_code(code: &str) -> Option<OrgKind> {
        OrgKind::all()
            .into_iter()
            .find(|kind| kind.as_code() == code)
    }

    /// How the workflow sees a user of this organisation.
    pub const fn actor_kind(&self) -> ActorKind {
        match self {
            OrgKind::Vendor => ActorKind::Vendor,
            OrgKind::Distributor => ActorKind::Distributor,
            OrgKind::Partner => ActorKind::Partner,
            OrgKind::Operator => ActorKind::Admin,
        }
    }
}

/// A user's role in their organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// May act for the organisation and manage it.
    Administrator,
    /// May act on reports.
    BillingManager,
    /// Read-only.
    Support,
    /// An operator's user: sees everything, changes nothing (no operator actions exist yet).
    PlatformAdmin,
}

impl Role {
    /// Every role, for table tests.
    pub const fn all() -> [Role; 4] {
        [
            Role::Administrator,
            Role::BillingManager,
            Role::Support,
            Role::PlatformAdmin,
        ]
    }

    /// Whether the role may change reports at all.
    /// Stable storage code.
    pub const fn as_code(&self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::BillingManager => "billing_manager",
            Role::Support => "support",
            Role::PlatformAdmin => "platform_admin",
        }
    }

    /// Reads a storage code.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::all().into_iter().find(|role| role.as_code() == code)
    }

    /// What people call the role.
    pub const fn label(&self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::BillingManager => "Billing manager",
            Role::Support => "Support (read-only)",
            Role::PlatformAdmin => "Platform admin",
        }
    }

    pub const fn may_act(&self) -> bool {
        match self {
            Role::Administrator | Role::BillingManager => true,
            Role::Support | Role::PlatformAdmin => false,
        }
    }
}

/// The signed-in user, as far as access decisions need to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user's id.
    pub user_id: i64,
    /// The user's organisation.
    pub org_id: i64,
    /// What kind of organisation that is.
    pub org_kind: OrgKind,
    /// The user's role in it.
    pub role: Role,
    /// Whether billing reports are enabled in the organisation's region. The server sets it from
    /// the region of a partner's distributor or of a distributor; vendors and operators are not
    /// tied to one region and get `true`.
    pub region_enabled: bool,
}

/// Who holds a report: the partner and distributor it belongs to, and whether the vendor has
/// received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOwners {
    /// The partner organisation the report is for.
    pub partner_org_id: i64,
    /// That partner's distributor.
    pub distributor_org_id: i64,
    /// Whether the report has ever reached the vendor (stored when it first did, never cleared):
    /// the vendor keeps sight of it whatever happens to it afterwards.
    pub received_by_vendor: bool,
}

/// Whether a report in this status has reached the vendor: moving a report into such a status
/// records that the vendor received it (and the database refuses such a status without that
/// record). Vendors see nothing before.
pub const fn reached_vendor(status: Status) -> bool {
    match status {
        Status::SubmittedToVendor
        | Status::Completed
        | Status::UnderReview(ReviewReason::ReturnedByVendor) => true,
        Status::MspPreparing
        | Status::Rejected
        | Status::UnderReview(
            ReviewReason::Manual | ReviewReason::AutoNoPenalties | ReviewReason::AutoPenalties,
        ) => false,
    }
}

/// Whether billing reports exist at all for this user (operators see every region).
pub const fn region_allows(actor: &Actor) -> bool {
    actor.viewer().region_allows()
}

/// May this user see this report at all?
///
/// * partner: its own reports only;
/// * distributor: its own partners' reports only;
/// * vendor: reports it has received, whatever their status now (a report it returned and the
///   distributor then sent back to the partner stays in sight);
/// * operator: every report.
///
/// Nobody outside the operator sees anything in a region where billing reports are disabled.
pub fn can_see(actor: &Actor, owners: &ReportOwners) -> bool {
    if !region_allows(actor) {
        return false;
    }
    match actor.org_kind {
        OrgKind::Partner => owners.partner_org_id == actor.org_id,
        OrgKind::Distributor => owners.distributor_org_id == actor.org_id,
        OrgKind::Vendor => owners.received_by_vendor,
        OrgKind::Operator => true,
    }
}

/// Whether this user may see this report, and if not the words to say so: a user of a region
/// without billing reports is told that; anyone else who may not see it hears "not found",
/// exactly as for a report that does not exist.
pub fn visible(actor: &Actor, owners: &ReportOwners) -> Result<(), Refusal> {
    in_region(actor)?;
    if can_see(actor, owners) {
        Ok(())
    } else {
        Err(Refusal::NotFound)
    }
}

/// Refuses anything about reports to a user of a region without billing reports, in those
/// words: asked before any report is looked up, so that nothing tells them which reports exist.
pub const fn in_region(actor: &Actor) -> Result<(), Refusal> {
    if region_allows(actor) {
        Ok(())
    } else {
        Err(Refusal::RegionDisabled)
    }
}

/// May this user ever see prices, margins and amounts owed? Never for partners: the server must
/// send them the partner-only types, which have no pricing fields.
pub const fn can_see_pricing(actor: &Actor) -> bool {
    match actor.org_kind {
        OrgKind::Partner => false,
        OrgKind::Distributor | OrgKind::Vendor | OrgKind::Operator => true,
    }
}

/// Should pricing columns be shown for a report in this status? While the partner is still
/// preparing it, the distributor sees the usage columns only (SPEC §4).
pub const fn shows_pricing(actor: &Actor, status: Status) -> bool {
    if !can_see_pricing(actor) {
        return false;
    }
    !(matches!(actor.org_kind, OrgKind::Distributor) && matches!(status, Status::MspPreparing))
}

/// What a page needs to know about its viewer to offer actions: the same facts [`authorize`]
/// judges, without the ids (the report the page shows is one the viewer may see).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub org_kind: OrgKind,
    pub role: Role,
    pub region_enabled: bool,
}

impl Viewer {
    /// Whether billing reports exist at all for this viewer (operators see every region).
    pub const fn region_allows(&self) -> bool {
        match self.org_kind {
            OrgKind::Operator => true,
            OrgKind::Vendor | OrgKind::Distributor | OrgKind::Partner => self.region_enabled,
        }
    }

    /// Whether this viewer runs the monthly cycle (imports the usage feed, generates a period's
    /// reports): the vendor's billing team (not its support users) and platform admins.
    pub const fn runs_cycle(&self) -> bool {
        match self.org_kind {
            OrgKind::Vendor => self.role.may_act(),
            OrgKind::Operator => matches!(self.role, Role::PlatformAdmin),
            OrgKind::Distributor | OrgKind::Partner => false,
        }
    }

    /// Whether this viewer sees where a report's delivery to the vendor stands (and the
    /// vendor's reference): everyone but the partner, for whom it changes nothing.
    pub const fn sees_delivery(&self) -> bool {
        !matches!(self.org_kind, OrgKind::Partner)
    }

    /// Whether this viewer sees the deliveries in flight and failed, and may retry one: the
    /// vendor's billing team (not its support users) and platform admins.
    pub const fn manages_deliveries(&self) -> bool {
        match self.org_kind {
            OrgKind::Vendor => self.role.may_act(),
            OrgKind::Operator => matches!(self.role, Role::PlatformAdmin),
            OrgKind::Distributor | OrgKind::Partner => false,
        }
    }

    /// Whether this viewer manages the organisation's API tokens and webhooks: its
    /// administrators (the rule is `api_token::may_manage`).
    pub fn manages_integrations(&self) -> bool {
        super::api_token::may_manage(self.role).is_ok()
    }

    /// Whether this viewer may check the history's hash chain: platform admins, who audit the
    /// whole platform.
    pub const fn checks_history(&self) -> bool {
        matches!(self.org_kind, OrgKind::Operator) && matches!(self.role, Role::PlatformAdmin)
    }

    /// Whether this viewer sees the overview of the whole channel (read-only): the platform's
    /// staff, admins and support alike.
    pub const fn sees_overview(&self) -> bool {
        matches!(self.org_kind, OrgKind::Operator)
    }

    /// Whether this viewer sees its organisation's cycle settings: a distributor's users.
    pub const fn sees_settings(&self) -> bool {
        matches!(self.org_kind, OrgKind::Distributor) && self.region_allows()
    }

    /// Whether this viewer may change them: the distributor's administrators (the others read).
    pub const fn manages_settings(&self) -> bool {
        self.sees_settings() && matches!(self.role, Role::Administrator)
    }

    /// Why this viewer may not read the settings, or may not change them when `change`.
    pub const fn settings_refusal(&self, change: bool) -> Option<Refusal> {
        if !self.region_allows() {
            Some(Refusal::RegionDisabled)
        } else if !self.sees_settings() {
            Some(Refusal::SettingsDistributorOnly)
        } else if change && !self.manages_settings() {
            Some(Refusal::SettingsAdminOnly)
        } else {
            None
        }
    }
}

impl Actor {
    /// The user as [`permits`] sees them.
    pub const fn viewer(&self) -> Viewer {
        Viewer {
            org_kind: self.org_kind,
            role: self.role,
            region_enabled: self.region_enabled,
        }
    }
}

/// May this user take this action on this report? Returns the status that would follow.
///
/// In order: region enabled; report visible (else `NotFound`); then [`permits`]. System actions
/// (auto-submit, auto-approve) are never authorised for a person: jobs call [`apply`] directly
/// with [`ActorKind::System`].
pub fn authorize(
    actor: &Actor,
    owners: &ReportOwners,
    status: Status,
    action: Action,
) -> Result<Status, Refusal> {
    visible(actor, owners)?;
    permits(&actor.viewer(), status, action)
}

/// May a viewer of a report in `status` take `action`: region enabled, a role that may act
/// (support and platform admin are read-only), the organisation kind that owns the action, and
/// a workflow that allows it. Pages ask this to choose which controls to draw; the server asks it
/// (through [`authorize`]) for every action.
pub fn permits(viewer: &Viewer, status: Status, action: Action) -> Result<Status, Refusal> {
    if !viewer.region_allows() {
        return Err(Refusal::RegionDisabled);
    }
    if !viewer.role.may_act() {
        return Err(Refusal::ReadOnly);
    }
    apply(status, action, viewer.org_kind.actor_kind())
}

/// Whether the page should offer `action` to this viewer now.
pub fn offers(viewer: &Viewer, status: Status, action: Action) -> bool {
    permits(viewer, status, action).is_ok()
}

/// Which reports a list may contain for a user: the SQL form of [`can_see`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListScope {
    /// Nothing at all (billing reports are not available in the user's region).
    Nothing,
    /// Reports of this partner organisation.
    Partner(i64),
    /// Reports of this distributor's partners.
    Distributor(i64),
    /// Reports the vendor has received.
    ReachedVendor,
    /// Every report.
    All,
}

impl ListScope {
    /// Whether the list spans distributors (the vendor and platform admins), so that region
    /// and distributor filters mean something to its user.
    pub const fn spans_distributors(&self) -> bool {
        match self {
            ListScope::All | ListScope::ReachedVendor => true,
            ListScope::Nothing | ListScope::Partner(_) | ListScope::Distributor(_) => false,
        }
    }
}

/// The list scope that matches [`can_see`] for every report.
pub const fn list_scope(actor: &Actor) -> ListScope {
    if !region_allows(actor) {
        return ListScope::Nothing;
    }
    match actor.org_kind {
        OrgKind::Partner => ListScope::Partner(actor.org_id),
        OrgKind::Distributor => ListScope::Distributor(actor.org_id),
        OrgKind::Vendor => ListScope::ReachedVendor,
        OrgKind::Operator => ListScope::All,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTNER_ORG: i64 = 30;
    const OTHER_PARTNER_ORG: i64 = 31;
    const DISTRIBUTOR_ORG: i64 = 20;
    const OTHER_DISTRIBUTOR_ORG: i64 = 21;

    fn owners() -> ReportOwners {
        ReportOwners {
            partner_org_id: PARTNER_ORG,
            distributor_org_id: DISTRIBUTOR_ORG,
            received_by_vendor: false,
        }
    }

    /// The owners of a report that has reached the vendor.
    fn received() -> ReportOwners {
        ReportOwners {
            received_by_vendor: true,
            ..owners()
        }
    }

    fn actor(org_kind: OrgKind, org_id: i64, role: Role) -> Actor {
        Actor {
            user_id: 1,
            org_id,
            org_kind,
            role,
            region_enabled: true,
        }
    }

    #[test]
    fn list_scopes_agree_with_can_see() {
        let others = ReportOwners {
            partner_org_id: OTHER_PARTNER_ORG,
            distributor_org_id: OTHER_DISTRIBUTOR_ORG,
            received_by_vendor: true,
        };
        for kind in OrgKind::all() {
            for org in [PARTNER_ORG, DISTRIBUTOR_ORG, OTHER_PARTNER_ORG] {
                for enabled in [true, false] {
                    let who = Actor {
                        region_enabled: enabled,
                        ..actor(kind, org, Role::Support)
                    };
                    let unsent = ReportOwners {
                        received_by_vendor: false,
                        ..others
                    };
                    for owners in [owners(), received(), others, unsent] {
                        let in_scope = match list_scope(&who) {
                            ListScope::Nothing => false,
                            ListScope::Partner(id) => owners.partner_org_id == id,
                            ListScope::Distributor(id) => owners.distributor_org_id == id,
                            ListScope::ReachedVendor => owners.received_by_vendor,
                            ListScope::All => true,
                        };
                        assert_eq!(in_scope, can_see(&who, &owners), "{who:?} {owners:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn partners_see_their_own_reports_only() {
        assert!(can_see(
            &actor(OrgKind::Partner, PARTNER_ORG, Role::Support),
            &owners()
        ));
        assert!(!can_see(
            &actor(OrgKind::Partner, OTHER_PARTNER_ORG, Role::Administrator),
            &owners()
        ));
        // A partner whose id happens to equal the distributor's still sees nothing.
        assert!(!can_see(
            &actor(OrgKind::Partner, DISTRIBUTOR_ORG, Role::Administrator),
            &owners()
        ));
    }

    #[test]
    fn distributors_see_their_partners_reports_only() {
        assert!(can_see(
            &actor(OrgKind::Distributor, DISTRIBUTOR_ORG, Role::BillingManager),
            &owners()
        ));
        assert!(!can_see(
            &actor(
                OrgKind::Distributor,
                OTHER_DISTRIBUTOR_ORG,
                Role::Administrator
            ),
            &owners()
        ));
    }

    #[test]
    fn vendors_see_every_report_they_received_and_nothing_else() {
        let vendor = actor(OrgKind::Vendor, 10, Role::Administrator);
        let reached: Vec<Status> = Status::all()
            .into_iter()
            .filter(|s| reached_vendor(*s))
            .collect();
        assert_eq!(
            reached,
            vec![
                Status::UnderReview(ReviewReason::ReturnedByVendor),
                Status::SubmittedToVendor,
                Status::Completed
            ]
        );
        // Received once, in sight whatever its status now (the status is not asked): returned
        // by the vendor and then rejected by the distributor, it is still the vendor's to see.
        assert_eq!(visible(&vendor, &received()), Ok(()));
        assert_eq!(visible(&vendor, &owners()), Err(Refusal::NotFound));
    }

    #[test]
    fn a_region_without_billing_reports_is_named_not_hidden() {
        for kind in [OrgKind::Partner, OrgKind::Distributor] {
            // The report is this user's own, and still out of reach.
            let org_id = if kind == OrgKind::Partner {
                PARTNER_ORG
            } else {
                DISTRIBUTOR_ORG
            };
            let off = Actor {
                region_enabled: false,
                ..actor(kind, org_id, Role::Administrator)
            };
            assert_eq!(visible(&off, &received()), Err(Refusal::RegionDisabled));
            assert_eq!(list_scope(&off), ListScope::Nothing);
        }
    }

    #[test]
    fn operators_see_everything_and_change_nothing() {
        let admin = actor(OrgKind::Operator, 1, Role::PlatformAdmin);
        let admin_off = Actor {
            region_enabled: false,
            ..admin
        };
        for status in Status::all() {
            assert!(can_see(&admin, &owners()));
            assert!(can_see(&admin_off, &owners()));
            for action in Action::all() {
                assert!(authorize(&admin, &owners(), status, action).is_err());
            }
        }
        assert_eq!(
            authorize(
                &admin,
                &owners(),
                Status::UnderReview(ReviewReason::Manual),
                Action::Reject
            ),
            Err(Refusal::ReadOnly)
        );
    }

    #[test]
    fn pricing_is_never_for_partners() {
        for role in Role::all() {
            for kind in OrgKind::all() {
                let a = actor(kind, 1, role);
                assert_eq!(can_see_pricing(&a), kind != OrgKind::Partner);
                for status in Status::all() {
                    if kind == OrgKind::Partner {
                        assert!(!shows_pricing(&a, status));
                    }
                }
            }
        }
        let distributor = actor(OrgKind::Distributor, DISTRIBUTOR_ORG, Role::Administrator);
        assert!(!shows_pricing(&distributor, Status::MspPreparing));
        assert!(shows_pricing(
            &distributor,
            Status::UnderReview(ReviewReason::Manual)
        ));
    }

    #[test]
    fn disabled_region_is_said_plainly() {
        let partner = Actor {
            region_enabled: false,
            ..actor(OrgKind::Partner, PARTNER_ORG, Role::Administrator)
        };
        assert!(!can_see(&partner, &owners()));
        assert_eq!(
            authorize(&partner, &owners(), Status::MspPreparing, Action::Submit),
            Err(Refusal::RegionDisabled)
        );
    }

    #[test]
    fn authorize_checks_visibility_then_role_then_workflow() {
        let under_review = Status::UnderReview(ReviewReason::Manual);
        let distributor = actor(OrgKind::Distributor, DISTRIBUTOR_ORG, Role::BillingManager);
        assert_eq!(
            authorize(
                &distributor,
                &owners(),
                under_review,
                Action::SubmitToVendor
            ),
            Ok(Status::SubmittedToVendor)
        );
        // Another distributor: not found, not "forbidden".
        let stranger = actor(
            OrgKind::Distributor,
            OTHER_DISTRIBUTOR_ORG,
            Role::Administrator,
        );
        assert_eq!(
            authorize(&stranger, &owners(), under_review, Action::Reject),
            Err(Refusal::NotFound)
        );
        // Support may look but not act.
        let support = actor(OrgKind::Distributor, DISTRIBUTOR_ORG, Role::Support);
        assert_eq!(
            authorize(&support, &owners(), under_review, Action::Reject),
            Err(Refusal::ReadOnly)
        );
        // The partner cannot take the distributor's action.
        let partner = actor(OrgKind::Partner, PARTNER_ORG, Role::Administrator);
        assert_eq!(
            authorize(&partner, &owners(), under_review, Action::Reject),
            Err(Refusal::WrongActor {
                action: Action::Reject,
                actor: ActorKind::Partner
            })
        );
        assert_eq!(
            authorize(&partner, &owners(), Status::MspPreparing, Action::Submit),
            Ok(under_review)
        );
        // Nobody but a job may auto-submit.
        assert!(matches!(
            authorize(
                &partner,
                &owners(),
                Status::MspPreparing,
                Action::AutoSubmit { penalties: false }
            ),
            Err(Refusal::WrongActor { .. })
        ));
        // A vendor acting on a report that has not reached it: not found.
        let vendor = actor(OrgKind::Vendor, 10, Role::Administrator);
        assert_eq!(
            authorize(&vendor, &owners(), under_review, Action::Complete),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            authorize(
                &vendor,
                &received(),
                Status::SubmittedToVendor,
                Action::Complete
            ),
            Ok(Status::Completed)
        );
    }

    #[test]
    fn settings_are_read_by_a_distributor_and_changed_by_its_administrators() {
        for kind in OrgKind::all() {
            for role in Role::all() {
                for region_enabled in [true, false] {
                    let viewer = Viewer {
                        org_kind: kind,
                        role,
                        region_enabled,
                    };
                    let distributor = kind == OrgKind::Distributor && region_enabled;
                    assert_eq!(viewer.sees_settings(), distributor, "{viewer:?}");
                    assert_eq!(
                        viewer.manages_settings(),
                        distributor && role == Role::Administrator,
                        "{viewer:?}"
                    );
                    assert_eq!(
                        viewer.settings_refusal(false).is_none(),
                        viewer.sees_settings()
                    );
                    assert_eq!(
                        viewer.settings_refusal(true).is_none(),
                        viewer.manages_settings()
                    );
                }
            }
        }
    }
}
