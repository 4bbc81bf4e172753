//! Pieces more than one page draws: the status badge, a time in the viewer's zone, the user
//! menu, the integrations tabs, the notice for a region without billing reports, and the
//! resource states every page unpacks the same way.

pub mod integrations_nav;
pub mod local_time;
pub mod notice_bell;
pub mod region_unavailable;
pub mod status_badge;
pub mod unpack;
pub mod user_menu;
