pub mod status_badge;
pub mod user_menu;
