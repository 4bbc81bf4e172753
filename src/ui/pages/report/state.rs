//! What the report page keeps between redraws: the text typed into its forms, the answer to the
//! last action, and the special-pricing editor with the preview of the value being typed.
//! Signals and plain data only: the views that draw them live in the other files of this folder.

use leptos::prelude::*;
use rust_decimal::Decimal;

use super::line_drafts::LineDrafts;
use crate::domain::{
    LineAmounts, MarginPercent, ReportDetail, UnitPrice,
    pricing::{SpecialValue, SpecialValueError, VerifiedCode, priced_with, special_value},
    workflow::Field,
};

/// Text typed into the action forms and the price editor, and the last answer. Lives above the
/// report so that a redraw with a newer version (after a conflict) keeps what was typed.
#[derive(Clone, Copy)]
pub(super) struct Drafts {
    pub(super) po_number: RwSignal<Option<String>>,
    pub(super) to_vendor: RwSignal<String>,
    pub(super) reason: RwSignal<String>,
    pub(super) notice: RwSignal<Option<Notice>>,
    /// What the viewer's decision did (submitted, returned, completed), once it is taken.
    pub(super) decided: RwSignal<Option<String>>,
    /// The irreversible action waiting for its confirmation, if one was asked for.
    pub(super) confirming: RwSignal<Option<Confirming>>,
    pub(super) editor: PriceEditor,
    /// The partner's typing in the lines.
    pub(super) lines: LineDrafts,
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts {
            po_number: RwSignal::new(None),
            to_vendor: RwSignal::new(String::new()),
            reason: RwSignal::new(String::new()),
            notice: RwSignal::new(None),
            confirming: RwSignal::new(None),
            decided: RwSignal::new(None),
            editor: PriceEditor::default(),
            lines: LineDrafts::default(),
        }
    }
}

impl Drafts {
    /// Another report was opened in the same page (the next one of the to-do): nothing typed
    /// for the last one, nor its answers, carries over. Partners' line drafts are by line id and
    /// stay.
    pub(super) fn reset(&self) {
        self.po_number.set(None);
        self.to_vendor.set(String::new());
        self.reason.set(String::new());
        self.notice.set(None);
        self.confirming.set(None);
        self.decided.set(None);
        self.editor.clear();
    }
}

/// The answer to the last action, shown next to where it was taken.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Notice {
    pub(super) error: bool,
    pub(super) text: String,
    /// Pricing actions answer above the line table; the others in the actions card.
    pub(super) at_lines: bool,
    /// A refusal about one form field is shown by that field instead.
    pub(super) field: Option<Field>,
    /// Whether the keyboard goes to the answer when it is drawn (the server's answers; a
    /// refusal the page found itself takes the keyboard to what needs fixing instead).
    pub(super) take_focus: bool,
}

impl Notice {
    /// An answer the page found itself, before sending anything.
    pub(super) fn new(error: bool, text: String, at_lines: bool) -> Notice {
        Notice {
            error,
            text,
            at_lines,
            field: None,
            take_focus: false,
        }
    }
}

/// An action that can't be taken back, asked about before it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Confirming {
    SubmitToVendor,
    Complete,
    Reset,
}

/// The special-pricing editor: one line at a time, a code to verify, then the unlocked value.
#[derive(Clone, Copy)]
pub(super) struct PriceEditor {
    pub(super) line: RwSignal<Option<i64>>,
    pub(super) code: RwSignal<String>,
    pub(super) verified: RwSignal<Option<VerifiedCode>>,
    pub(super) value: RwSignal<String>,
    pub(super) error: RwSignal<Option<String>>,
    /// Where the keyboard goes next: set when the editor opens or a code is verified, taken by
    /// the input once it is on the page (so a redraw does not move the focus again).
    pub(super) focus: RwSignal<Option<EditorFocus>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EditorFocus {
    Code,
    Value,
}

impl Default for PriceEditor {
    fn default() -> Self {
        PriceEditor {
            line: RwSignal::new(None),
            code: RwSignal::new(String::new()),
            verified: RwSignal::new(None),
            value: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            focus: RwSignal::new(None),
        }
    }
}

impl PriceEditor {
    pub(super) fn open(&self, line_id: i64, code: Option<String>) {
        if self.line.get_untracked() != Some(line_id) {
            self.clear();
            self.code.set(code.unwrap_or_default());
            self.focus.set(Some(EditorFocus::Code));
            self.line.set(Some(line_id));
        }
    }

    /// Closes the editor and gives the keyboard back to the line's button that opened it.
    pub(super) fn close(&self) {
        let line = self.line.get_untracked();
        self.clear();
        if let Some(id) = line {
            crate::ui::focus::focus_by_id(&specify_id(id));
        }
    }

    pub(super) fn clear(&self) {
        self.line.set(None);
        self.code.set(String::new());
        self.verified.set(None);
        self.value.set(String::new());
        self.error.set(None);
        self.focus.set(None);
    }
}

/// The id of the line's button that opens the editor (the keyboard returns there on close).
pub(super) fn specify_id(line_id: i64) -> String {
    format!("specify-{line_id}")
}

/// The editor's line and what its typed value is worth: a value the verified code allows, or why
/// not. `None` while no code is verified.
pub(super) type ValueCheck = Option<(i64, Result<SpecialValue, SpecialValueError>)>;

/// What the report would be with the edited line's value: shown before anything is saved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Preview {
    pub(super) line_id: i64,
    pub(super) unit_price: UnitPrice,
    pub(super) margin: MarginPercent,
    pub(super) amounts: LineAmounts,
    pub(super) total: Decimal,
}

/// The value typed in the price editor, judged against the verified code and the line's
/// catalogue values (the same judgement the server makes when it is applied).
pub(super) fn editor_check(detail: &StoredValue<ReportDetail>, editor: PriceEditor) -> ValueCheck {
    let line_id = editor.line.get()?;
    let granted = editor.verified.with(|v| v.as_ref().map(|v| v.granted))?;
    let value = editor.value.get();
    detail.with_value(|detail| {
        let line = detail.lines.iter().find(|l| l.product.line_id == line_id)?;
        Some((
            line_id,
            special_value(
                &value,
                granted,
                line.catalogue_unit_price,
                line.catalogue_margin,
            ),
        ))
    })
}

pub(super) fn preview_with(
    detail: &ReportDetail,
    line_id: i64,
    value: SpecialValue,
) -> Option<Preview> {
    let line = detail.lines.iter().find(|l| l.product.line_id == line_id)?;
    let (unit_price, margin) = priced_with(value, line.catalogue_unit_price, line.catalogue_margin);
    let (amounts, total) = detail.preview(line_id, unit_price, margin)?;
    Some(Preview {
        line_id,
        unit_price,
        margin,
        amounts,
        total,
    })
}
