pub mod local_time;
pub mod status_badge;
pub mod user_menu;
