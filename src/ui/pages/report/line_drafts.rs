//! What a partner has typed into the lines and not saved yet: the chargeable units and the comment
//! of each line touched, with the values that were saved when the typing began (so that a line
//! someone else changed meanwhile can be pointed out). Lives above the report, so a redraw with a
//! newer version (after a save or a conflict) keeps what was typed.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::domain::{
    PartnerLineView, Units,
    usage::{LineBasis, LineCheck, UsageRules, check_line},
    workflow::LineEdit,
};

/// One line's typing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LineDraft {
    pub(super) chargeable: String,
    pub(super) comment: String,
    /// The saved values the typing started from.
    pub(super) from_chargeable: Units,
    pub(super) from_comment: Option<String>,
}

/// The partner's typing, by line id.
#[derive(Clone, Copy)]
pub(super) struct LineDrafts(RwSignal<BTreeMap<i64, LineDraft>>);

impl Default for LineDrafts {
    fn default() -> Self {
        LineDrafts(RwSignal::new(BTreeMap::new()))
    }
}

/// The saved chargeable units and comment of a line.
fn saved(line: &PartnerLineView) -> (Units, Option<String>) {
    (line.usage.chargeable, line.usage.comment.clone())
}

impl LineDrafts {
    /// The chargeable units and comment shown for `line`: what was typed, else what is saved.
    pub(super) fn shown(&self, line: &PartnerLineView) -> (String, String) {
        self.0
            .with(|drafts| match drafts.get(&line.product.line_id) {
                Some(draft) => (draft.chargeable.clone(), draft.comment.clone()),
                None => (
                    line.usage.chargeable.get().to_string(),
                    line.usage.comment.clone().unwrap_or_default(),
                ),
            })
    }

    /// Changes what is typed for `line`.
    pub(super) fn edit(&self, line: &PartnerLineView, change: impl FnOnce(&mut LineDraft)) {
        let (chargeable, comment) = saved(line);
        self.0.update(|drafts| {
            let draft = drafts
                .entry(line.product.line_id)
                .or_insert_with(|| LineDraft {
                    chargeable: chargeable.get().to_string(),
                    comment: comment.clone().unwrap_or_default(),
                    from_chargeable: chargeable,
                    from_comment: comment,
                });
            change(draft);
        });
    }

    /// The line's check by the domain's rules, for what is shown now.
    pub(super) fn check(&self, line: &PartnerLineView, rules: UsageRules) -> LineCheck {
        let (chargeable, comment) = self.shown(line);
        check_line(basis(line), &chargeable, &comment, rules)
    }

    /// Whether what is shown for `line` differs from what is saved.
    pub(super) fn is_unsaved(&self, line: &PartnerLineView) -> bool {
        let (chargeable, comment) = self.shown(line);
        let (saved_chargeable, saved_comment) = saved(line);
        chargeable.trim() != saved_chargeable.get().to_string()
            || comment.trim() != saved_comment.unwrap_or_default().trim()
    }

    /// The saved values of `line` when they changed since the typing began (someone else saved
    /// the report meanwhile).
    pub(super) fn changed_meanwhile(
        &self,
        line: &PartnerLineView,
    ) -> Option<(Units, Option<String>)> {
        let now = saved(line);
        self.0.with(|drafts| {
            drafts
                .get(&line.product.line_id)
                .filter(|draft| (draft.from_chargeable, draft.from_comment.clone()) != now)
                .map(|_| now.clone())
        })
    }

    /// The edits to send: every line whose shown values differ from the saved ones.
    pub(super) fn edits(&self, lines: &[PartnerLineView]) -> Vec<LineEdit> {
        lines
            .iter()
            .filter(|line| self.is_unsaved(line))
            .map(|line| self.edit_of(line))
            .collect()
    }

    /// The edit of one line as shown.
    pub(super) fn edit_of(&self, line: &PartnerLineView) -> LineEdit {
        let (chargeable, comment) = self.shown(line);
        LineEdit {
            line_id: line.product.line_id,
            chargeable,
            comment: Some(comment),
        }
    }

    /// Forgets the typing of these lines (they were saved).
    pub(super) fn forget(&self, line_ids: &[i64]) {
        self.0
            .update(|drafts| drafts.retain(|id, _| !line_ids.contains(id)));
    }
}

/// What the domain's line check needs of a line.
pub(super) fn basis(line: &PartnerLineView) -> LineBasis {
    LineBasis {
        provisioned: line.usage.provisioned,
        used: line.usage.used,
        saved_chargeable: line.usage.chargeable,
        previous_chargeable: line.usage.previous_chargeable,
    }
}
