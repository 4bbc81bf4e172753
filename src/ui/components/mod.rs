pub mod local_time;
pub mod status_badge;
pub mod unpack;
pub mod user_menu;
