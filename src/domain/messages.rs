//! Sentences more than one surface answers with (the pages' server functions and the public
//! API), written once.

/// The object does not exist, or the caller may not know that it does.
pub const NOT_FOUND: &str = "Not found.";

/// Someone else changed the report first.
pub const REPORT_CHANGED: &str = "This report was changed by someone else meanwhile. Here is the current version; please check it and try again.";

/// Someone else saved the same settings first.
pub const SETTINGS_CHANGED: &str = "Someone else saved these settings meanwhile. Here they are as they are now; please check them and save again.";

/// Something failed on the server; the details are in its log under `request_id`.
pub fn internal(request_id: &str) -> String {
    format!(
        "Something went wrong on our side. Please try again; if it keeps happening, quote reference {request_id}."
    )
}
