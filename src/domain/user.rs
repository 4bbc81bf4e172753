//! Who is signed in, as the browser may know them: a name, an organisation and what kind of user
//! they are. Never a session id or a password hash; those stay on the server.

use serde::{Deserialize, Serialize};

use super::policy::{OrgKind, Role, Viewer};

/// What the browser knows about the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub name: String,
    pub email: String,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub role: Role,
    pub region_name: Option<String>,
    pub region_enabled: bool,
    /// The vendor's name, for buttons such as "Submit to Trend Micro".
    pub vendor_name: String,
    /// Notices of the organisation this user has not read (counted when the page is answered).
    #[serde(default)]
    pub unread_notices: i64,
}

impl CurrentUser {
    /// The user as the policy judges what a page may offer them.
    pub const fn viewer(&self) -> Viewer {
        Viewer {
            org_kind: self.org_kind,
            role: self.role,
            region_enabled: self.region_enabled,
        }
    }
}
