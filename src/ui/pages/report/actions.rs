//! The decision card, drawn where the review of the lines ends: the distributor submits to the
//! vendor (with the PO number in the same step) or returns the report to the partner; the vendor
//! completes it or returns it to the distributor. Submitting and completing can't be taken back,
//! so each asks first, with the total and the number of lines.
//!
//! Which forms are drawn is asked of `domain::policy::offers`, the same rule the server applies
//! to every action; the page only chooses what to draw.

use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api::{auth::CurrentUser, reports::ReportAction};
use crate::domain::{
    Action as Step, Currency, ReportHeader, Status, offers,
    workflow::{Field, po_number_to_submit},
};
use crate::ui::format;

use super::{
    confirm::ConfirmPanel,
    notices::{field_error, field_error_id, field_refused, notice_at, refuse_field},
    state::{Confirming, Drafts},
};

/// What the confirmations quote: the number of lines and the total invoice amount.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Summary {
    pub(super) lines: usize,
    pub(super) total: Decimal,
    pub(super) currency: Currency,
}

impl Summary {
    fn text(&self) -> String {
        format!(
            "{}, total invoice amount {}",
            format::lines(self.lines),
            format::money_with_code(self.total, self.currency)
        )
    }
}

/// What the viewer may decide now: a distributor while the report is under review, the vendor
/// once it was submitted. The server decides again on every action; this only offers the forms.
#[component]
pub(super) fn Actions(
    header: ReportHeader,
    viewer: CurrentUser,
    summary: Summary,
    drafts: Drafts,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let distributor = distributor_may_edit(&viewer, header.status);
    let vendor = offers(&viewer.viewer(), header.status, Step::Complete);
    if !distributor && !vendor {
        return ().into_any();
    }
    let message = notice_at(drafts, false);
    let forms = if distributor {
        view! { <DistributorForms header viewer summary drafts act busy /> }.into_any()
    } else {
        view! { <VendorForms summary drafts act busy /> }.into_any()
    };
    view! {
        <section class="card actions decision" aria-labelledby="decision-title">
            <h2 class="section-title" id="decision-title">"Your decision"</h2>
            {message}
            {forms}
        </section>
    }
    .into_any()
}

#[component]
fn DistributorForms(
    header: ReportHeader,
    viewer: CurrentUser,
    summary: Summary,
    drafts: Drafts,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let po = drafts.po_number;
    if po.get_untracked().is_none() {
        po.set(Some(header.po_number.clone().unwrap_or_default()));
    }
    let vendor_name = viewer.vendor_name.clone();
    let saved_po = StoredValue::new(header.po_number.clone());
    let typed_po = move || po.get().unwrap_or_default().trim().to_owned();
    // The PO number the submission will carry, or why there is none: the domain's own rule.
    let po_to_submit = move || {
        saved_po.with_value(|saved| po_number_to_submit(saved.as_deref(), Some(&typed_po())))
    };
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match po_to_submit() {
            Ok(_) => {
                drafts.notice.set(None);
                drafts.confirming.set(Some(Confirming::SubmitToVendor));
            }
            Err(error) => refuse_field(drafts, Field::PoNumber, error.to_string()),
        }
    };
    let submit = Callback::new(move |()| {
        drafts.confirming.set(None);
        let comment = drafts.to_vendor.get_untracked();
        act.run(ReportAction::SubmitToVendor {
            po_number: Some(typed_po()).filter(|po| !po.is_empty()),
            comment: (!comment.trim().is_empty()).then_some(comment),
        });
    });
    let save_po = move |_| {
        act.run(ReportAction::SetPoNumber {
            po_number: typed_po(),
        })
    };
    let vendor_for_question = vendor_name.clone();
    let confirm = move || {
        (drafts.confirming.get() == Some(Confirming::SubmitToVendor)).then(|| {
            let po = po_to_submit().unwrap_or_default();
            view! {
                <ConfirmPanel id="confirm-submit"
                    question=format!("Submit this report to {vendor_for_question}?")
                    detail=format!("{}, PO number {po}. Prices are frozen once it is submitted; this can't be undone.", summary.text())
                    yes_label=format!("Yes, submit to {vendor_for_question}")
                    yes=submit no=Callback::new(move |()| drafts.confirming.set(None))
                    return_to="submit-to-vendor" busy />
            }
        })
    };
    view! {
        <form class="stacked-form" on:submit=ask>
            <div class="field">
                <label for="po-number">"PO number"</label>
                <input id="po-number" maxlength="40" autocomplete="off"
                    aria-invalid=move || field_refused(drafts, Field::PoNumber).to_string()
                    aria-describedby=field_error_id(Field::PoNumber)
                    prop:value=move || po.get().unwrap_or_default()
                    on:input=move |ev| po.set(Some(event_target_value(&ev))) />
                {field_error(drafts, Field::PoNumber)}
            </div>
            <div class="field">
                <label for="to-vendor">{format!("Comment to {vendor_name} (optional)")}</label>
                <textarea id="to-vendor" rows="2" maxlength="2000"
                    aria-invalid=move || field_refused(drafts, Field::CommentToVendor).to_string()
                    aria-describedby=field_error_id(Field::CommentToVendor)
                    prop:value=move || drafts.to_vendor.get()
                    on:input=move |ev| drafts.to_vendor.set(event_target_value(&ev))></textarea>
                {field_error(drafts, Field::CommentToVendor)}
            </div>
            <div class="button-row">
                <button class="button primary" id="submit-to-vendor" type="submit"
                    disabled=move || { busy.get() || drafts.confirming.get().is_some() }>
                    {format!("Submit to {vendor_name}…")}
                </button>
                <button class="button" type="button" on:click=save_po disabled=busy>"Save PO number only"</button>
            </div>
            {confirm}
        </form>
        <ReturnForm label="Reason for returning it to the partner" button="Return to partner" drafts busy
            on_return=Callback::new(move |reason| act.run(ReportAction::ReturnToPartner { reason })) />
    }
}

#[component]
fn VendorForms(
    summary: Summary,
    drafts: Drafts,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let complete = Callback::new(move |()| {
        drafts.confirming.set(None);
        act.run(ReportAction::Complete);
    });
    let confirm = move || {
        (drafts.confirming.get() == Some(Confirming::Complete)).then(|| {
            view! {
                <ConfirmPanel id="confirm-complete"
                    question="Complete this report?".to_owned()
                    detail=format!("{}. A completed report is read-only for good; this can't be undone.", summary.text())
                    yes_label="Yes, complete it".to_owned()
                    yes=complete no=Callback::new(move |()| drafts.confirming.set(None))
                    return_to="complete" busy />
            }
        })
    };
    view! {
        <div class="stacked-form">
            <div class="button-row">
                <button class="button primary" id="complete" type="button"
                    disabled=move || { busy.get() || drafts.confirming.get().is_some() }
                    on:click=move |_| drafts.confirming.set(Some(Confirming::Complete))>"Complete…"</button>
            </div>
            {confirm}
        </div>
        <ReturnForm label="Reason for returning it to the distributor" button="Return for clarification" drafts busy
            on_return=Callback::new(move |reason| act.run(ReportAction::ReturnToDistributor { reason })) />
    }
}

/// Returning the report one step back, with the reason the other side reads.
#[component]
fn ReturnForm(
    label: &'static str,
    button: &'static str,
    drafts: Drafts,
    busy: Signal<bool>,
    on_return: Callback<String>,
) -> impl IntoView {
    view! {
        <form class="stacked-form" on:submit=move |ev| {
            ev.prevent_default();
            on_return.run(drafts.reason.get_untracked());
        }>
            <div class="field">
                <label for="reason">{label}</label>
                <textarea id="reason" rows="2" maxlength="2000"
                    aria-invalid=move || field_refused(drafts, Field::Reason).to_string()
                    aria-describedby=field_error_id(Field::Reason)
                    prop:value=move || drafts.reason.get()
                    on:input=move |ev| drafts.reason.set(event_target_value(&ev))></textarea>
                {field_error(drafts, Field::Reason)}
            </div>
            <div class="button-row">
                <button class="button" type="submit" disabled=busy>{button}</button>
            </div>
        </form>
    }
}

/// Whether the page offers the distributor's forms (PO number, pricing, submit, return): the
/// policy's answer for a distributor's edit of a report in this status.
pub(super) fn distributor_may_edit(viewer: &CurrentUser, status: Status) -> bool {
    offers(&viewer.viewer(), status, Step::DistributorEdit)
}
