//! API tokens: what a machine may do with one, how it is named, how it shows in the history, and
//! how often it may call. A token acts for its organisation, as the user who holds it, with no
//! more than its scope allows and no more than that user may do today.

use serde::{Deserialize, Serialize};

use super::{Refusal, policy::Role};

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Read the reports its organisation may read.
    Read,
    /// Read, and act on reports as a billing manager would.
    Act,
}

impl Scope {
    pub const fn all() -> [Scope; 2] {
        [Scope::Read, Scope::Act]
    }

    /// Stable storage and command-line code.
    pub const fn as_code(&self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Act => "act",
        }
    }

    pub fn from_code(code: &str) -> Option<Scope> {
        Scope::all()
            .into_iter()
            .find(|scope| scope.as_code() == code)
    }

    pub const fn label(&self) -> &'static str {
        match self {
            Scope::Read => "Read reports",
            Scope::Act => "Read and act on reports",
        }
    }

    /// The role a call with this token has, given the role its user has now; `None` when the
    /// user may no longer use such a token (an "act" token whose user became read-only). A
    /// token never administers the organisation. A platform admin's token keeps their role
    /// (which reads every report and runs the monthly cycle, and acts on no report).
    pub const fn role_for(&self, user_role: Role) -> Option<Role> {
        match (self, user_role) {
            (_, Role::PlatformAdmin) => Some(Role::PlatformAdmin),
            (Scope::Read, _) => Some(Role::Support),
            (Scope::Act, role) if role.may_act() => Some(Role::BillingManager),
            (Scope::Act, _) => None,
        }
    }

    /// Whether a call with this token may change anything at all (beyond what its role says).
    pub const fn may_change(&self) -> Result<(), Refusal> {
        match self {
            Scope::Act => Ok(()),
            Scope::Read => Err(Refusal::ApiTokenReadOnly),
        }
    }
}

/// Why a token's name was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum NameError {
    #[error("Please give the token a name, so that its uses can be told apart in the history.")]
    EmptyName,
    #[error("A token's name can have at most {NAME_MAX_CHARS} characters.")]
    NameTooLong,
    #[error("A token's name can't contain quotes or line breaks.")]
    NameCharacters,
}

pub const NAME_MAX_CHARS: usize = 60;

/// A token's name as typed: trimmed, 1–60 characters, no quotes or control characters (it is
/// quoted in the history).
pub fn parse_name(text: &str) -> Result<String, NameError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(NameError::EmptyName);
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(NameError::NameTooLong);
    }
    if name
        .chars()
        .any(|c| c.is_control() || c == '\'' || c == '"')
    {
        return Err(NameError::NameCharacters);
    }
    Ok(name.to_owned())
}

/// Whether a user with `role` may manage their organisation's API tokens and webhooks (pages
/// ask through `Viewer::manages_integrations`).
pub fn may_manage(role: Role) -> Result<(), Refusal> {
    match role {
        Role::Administrator => Ok(()),
        _ => Err(Refusal::IntegrationsAdminOnly),
    }
}

/// One of the organisation's tokens as its administrators see it (never its value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenItem {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    /// The user it acts as.
    pub user_name: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A token just created: the only time its value is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub value: String,
}

/// Whether a user with `creator` role may give a token of `scope` to a user with `holder` role
/// (the command line creates tokens without a creator: `None`).
pub fn may_create(creator: Option<Role>, holder: Role, scope: Scope) -> Result<(), Refusal> {
    if let Some(creator) = creator {
        may_manage(creator)?;
    }
    match scope.role_for(holder) {
        Some(_) => Ok(()),
        None => Err(Refusal::ApiTokenAboveRole),
    }
}

/// Who acted, as the history names a call made with a token.
pub fn actor_name(user_name: &str, token_name: &str) -> String {
    format!("{user_name} via API token '{token_name}'")
}

/// Every token starts so, which makes one easy to recognise in a leaked file or a log.
pub const PREFIX: &str = "brt_";

/// Whether a bearer value has a token's form (the prefix and 64 hex digits); anything else is
/// refused without a database lookup.
pub fn well_formed(value: &str) -> bool {
    value
        .strip_prefix(PREFIX)
        .is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Calls one token may make: a burst of [`BURST`], refilled at [`PER_MINUTE`] a minute.
pub const BURST: u32 = 120;
pub const PER_MINUTE: u32 = 600;

/// A token's allowance of calls: how many it has left at `at_ms` (milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Calls left, in thousandths of a call (so refills need no fractions).
    pub millicalls: u64,
    pub at_ms: u64,
}

impl Allowance {
    pub const fn full(at_ms: u64) -> Self {
        Allowance {
            millicalls: BURST as u64 * 1000,
            at_ms,
        }
    }

    /// One call at `now_ms`: the allowance left after it, or the whole seconds to wait before
    /// one call is allowed again.
    pub fn take(self, now_ms: u64) -> Result<Allowance, u64> {
        let elapsed = now_ms.saturating_sub(self.at_ms);
        // PER_MINUTE calls a minute = PER_MINUTE millicalls per 60 ms.
        let refill = elapsed.saturating_mul(u64::from(PER_MINUTE)) / 60;
        let millicalls = self
            .millicalls
            .saturating_add(refill)
            .min(u64::from(BURST) * 1000);
        if millicalls >= 1000 {
            return Ok(Allowance {
                millicalls: millicalls - 1000,
                at_ms: now_ms,
            });
        }
        let missing_ms = (1000 - millicalls) * 60 / u64::from(PER_MINUTE);
        Err(missing_ms.div_ceil(1000).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_does_more_than_its_scope_or_its_user() {
        assert_eq!(
            Scope::Act.role_for(Role::Administrator),
            Some(Role::BillingManager)
        );
        assert_eq!(
            Scope::Act.role_for(Role::BillingManager),
            Some(Role::BillingManager)
        );
        assert_eq!(Scope::Act.role_for(Role::Support), None);
        assert_eq!(
            Scope::Act.role_for(Role::PlatformAdmin),
            Some(Role::PlatformAdmin)
        );
        assert_eq!(
            Scope::Read.role_for(Role::Administrator),
            Some(Role::Support)
        );
        assert_eq!(
            Scope::Read.role_for(Role::PlatformAdmin),
            Some(Role::PlatformAdmin)
        );
        for scope in Scope::all() {
            for role in Role::all() {
                if let Some(granted) = scope.role_for(role) {
                    assert_ne!(granted, Role::Administrator);
                    assert!(!granted.may_act() || scope == Scope::Act);
                    assert!(!granted.may_act() || scope.may_change().is_ok());
                }
            }
        }
    }

    #[test]
    fn only_administrators_create_and_only_within_the_holders_role() {
        assert_eq!(
            may_create(Some(Role::Administrator), Role::BillingManager, Scope::Act),
            Ok(())
        );
        assert_eq!(
            may_create(
                Some(Role::BillingManager),
                Role::BillingManager,
                Scope::Read
            ),
            Err(Refusal::IntegrationsAdminOnly)
        );
        assert_eq!(
            may_create(None, Role::Support, Scope::Act),
            Err(Refusal::ApiTokenAboveRole)
        );
        assert_eq!(may_create(None, Role::Support, Scope::Read), Ok(()));
        assert_eq!(Scope::Read.may_change(), Err(Refusal::ApiTokenReadOnly));
    }

    #[test]
    fn names_are_trimmed_and_quotable() {
        assert_eq!(parse_name("  ERP sync "), Ok("ERP sync".to_owned()));
        assert_eq!(parse_name("  "), Err(NameError::EmptyName));
        assert_eq!(parse_name(&"x".repeat(61)), Err(NameError::NameTooLong));
        assert_eq!(parse_name("it's"), Err(NameError::NameCharacters));
        assert_eq!(parse_name("a\nb"), Err(NameError::NameCharacters));
        assert_eq!(
            actor_name("Dana Whitfield", "ERP sync"),
            "Dana Whitfield via API token 'ERP sync'"
        );
    }

    #[test]
    fn only_the_token_form_is_looked_up() {
        let good = format!("{PREFIX}{}", "a1".repeat(32));
        assert!(well_formed(&good));
        assert!(!well_formed(&good[..good.len() - 1]));
        assert!(!well_formed(&format!("xyz_{}", "a1".repeat(32))));
        assert!(!well_formed(&format!("{PREFIX}{}", "zz".repeat(32))));
    }

    #[test]
    fn the_allowance_is_a_burst_then_a_steady_rate() {
        let mut allowance = Allowance::full(0);
        for _ in 0..BURST {
            allowance = allowance.take(0).expect("within the burst");
        }
        // Empty: one call comes back every 100 ms at 600 a minute.
        assert_eq!(allowance.take(0), Err(1));
        assert_eq!(allowance.take(50), Err(1));
        let after = allowance.take(100).expect("refilled by one");
        assert_eq!(after.take(100), Err(1));
        // A long pause refills to the burst, not beyond.
        let rested = after.take(3_600_000).expect("rested");
        assert_eq!(rested.millicalls, (u64::from(BURST) - 1) * 1000);
    }
}
