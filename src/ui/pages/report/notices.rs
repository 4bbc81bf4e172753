//! The answer to the last action, drawn where the viewer is looking: a refusal about one field
//! right under that field (and announced), any other answer above the lines (pricing) or in the
//! card of actions. After an action the keyboard goes to the answer, not to the top of the page.

use leptos::prelude::*;

use crate::api::reports::ReportAction;
use crate::domain::workflow::Field;
use crate::ui::focus::focus_by_id;

use super::state::{Drafts, Notice};

/// The id of the answer shown in a card or above the lines.
const NOTICE_ID: &str = "action-notice";

/// The answer to the last action, unless it belongs to a field: above the lines (`at_lines`) or
/// in the card of actions.
pub(super) fn notice_at(drafts: Drafts, at_lines: bool) -> impl Fn() -> Option<AnyView> + Copy {
    move || {
        drafts
            .notice
            .get()
            .filter(|notice| notice.at_lines == at_lines && notice.field.is_none())
            .map(|notice| notice_view(notice).into_any())
    }
}

fn notice_view(notice: Notice) -> impl IntoView {
    let class = if notice.error {
        "form-error"
    } else {
        "form-ok"
    };
    let role = if notice.error { "alert" } else { "status" };
    // Drawn after the report was fetched again: the keyboard follows the answer.
    if notice.take_focus {
        Effect::new(move |_| focus_by_id(NOTICE_ID));
    }
    view! { <p class=class id=NOTICE_ID role=role tabindex="-1">{notice.text}</p> }
}

/// The id of the message under `field` (for its input's `aria-describedby`).
pub(super) fn field_error_id(field: Field) -> &'static str {
    match field {
        Field::PoNumber => "po-number-error",
        Field::CommentToVendor => "to-vendor-error",
        Field::Reason => "reason-error",
        Field::Line => "line-error",
        Field::SpecialValue => "special-value-error",
    }
}

/// The id of the input `field` is about, where the keyboard goes when it is refused.
fn field_input_id(field: Field) -> &'static str {
    match field {
        Field::PoNumber => "po-number",
        Field::CommentToVendor => "to-vendor",
        Field::Reason => "reason",
        Field::Line => "lines",
        Field::SpecialValue => "special-value",
    }
}

/// Whether the last answer is a refusal about `field`.
pub(super) fn field_refused(drafts: Drafts, field: Field) -> bool {
    drafts
        .notice
        .with(|notice| notice.as_ref().is_some_and(|n| n.field == Some(field)))
}

/// The refusal about `field`, if the last answer was one, to draw under it.
pub(super) fn field_error(drafts: Drafts, field: Field) -> impl Fn() -> Option<AnyView> + Copy {
    move || {
        let notice = drafts.notice.get().filter(|n| n.field == Some(field))?;
        Some(
            view! { <p class="field-error" id=field_error_id(field) role="alert">{notice.text}</p> }
                .into_any(),
        )
    }
}

/// A refusal about `field` (found by the page before anything is sent, or the server's): said
/// under the field, which takes the keyboard.
pub(super) fn refuse_field(drafts: Drafts, field: Field, text: String) {
    drafts.notice.set(Some(Notice {
        error: true,
        text,
        at_lines: false,
        field: Some(field),
        take_focus: false,
    }));
    focus_by_id(field_input_id(field));
}

/// Whether the action hands the report on (the page then offers the next one).
pub(super) fn decides(action: &ReportAction) -> bool {
    matches!(
        action,
        ReportAction::SubmitToVendor { .. }
            | ReportAction::ReturnToPartner { .. }
            | ReportAction::Complete
            | ReportAction::ReturnToDistributor { .. }
    )
}

/// What a successful action says.
pub(super) fn saved_text(action: &ReportAction) -> &'static str {
    match action {
        ReportAction::SaveDraft { .. } => "Draft saved.",
        ReportAction::Submit { .. } => "Submitted for review. Your distributor will check it next.",
        ReportAction::SetPoNumber { .. } => "PO number saved.",
        ReportAction::SubmitToVendor { .. } => "Submitted to the vendor.",
        ReportAction::ReturnToPartner { .. } => "Returned to the partner.",
        ReportAction::Complete => "Completed.",
        ReportAction::ReturnToDistributor { .. } => "Returned to the distributor.",
        ReportAction::ApplyCode { .. } => "Special pricing applied and saved.",
        ReportAction::ResetPricing => "Unit prices and channel margins are back to the catalogue.",
        ReportAction::RemoveCode { .. } => {
            "Special pricing removed: the line is back to the catalogue's unit price and margin."
        }
    }
}
