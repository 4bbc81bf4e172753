//! The actions card: what the viewer may do with the report now, as forms. The distributor
//! sets the PO number, submits to the vendor or returns the report to the partner; the vendor
//! completes it or returns it to the distributor.
//!
//! Which forms are drawn is asked of `domain::policy::offers`, the same rule the server applies
//! to every action; the page only chooses what to draw.

use leptos::prelude::*;

use crate::api::{auth::CurrentUser, reports::ReportAction};
use crate::domain::{Action as Step, ReportHeader, Status, offers};

use super::{notice_at, state::Drafts};

/// What the viewer may do now: a distributor while the report is under review, the vendor once
/// it was submitted. The server decides again on every action; this only offers the buttons.
#[component]
pub(super) fn Actions(
    header: ReportHeader,
    viewer: CurrentUser,
    drafts: Drafts,
    act: Callback<ReportAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let po = drafts.po_number;
    if po.get_untracked().is_none() {
        po.set(Some(header.po_number.clone().unwrap_or_default()));
    }
    let distributor = distributor_may_edit(&viewer, header.status);
    let vendor = offers(&viewer.viewer(), header.status, Step::Complete);
    if !distributor && !vendor {
        return ().into_any();
    }
    let vendor_name = viewer.vendor_name.clone();
    let saved_po = header.po_number.clone().unwrap_or_default();
    let po_unsaved = Memo::new(move |_| {
        po.with(|typed| typed.as_deref().unwrap_or_default().trim() != saved_po.trim())
    });
    let message = notice_at(drafts, false);
    let distributor_forms = distributor.then(|| {
        view! {
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                act.run(ReportAction::SetPoNumber { po_number: po.get().unwrap_or_default() });
            }>
                <div class="field">
                    <label for="po-number">"PO number"</label>
                    <input id="po-number" maxlength="40" autocomplete="off"
                        prop:value=move || po.get().unwrap_or_default()
                        on:input=move |ev| po.set(Some(event_target_value(&ev))) />
                </div>
                <button class="button" type="submit" disabled=busy>"Save PO number"</button>
            </form>
            <form class="stacked-form" on:submit=move |ev| {
                ev.prevent_default();
                let comment = drafts.to_vendor.get();
                act.run(ReportAction::SubmitToVendor { comment: (!comment.trim().is_empty()).then_some(comment) });
            }>
                <div class="field">
                    <label for="to-vendor">{format!("Comment to {vendor_name} (optional)")}</label>
                    <textarea id="to-vendor" rows="2" maxlength="2000"
                        prop:value=move || drafts.to_vendor.get()
                        on:input=move |ev| drafts.to_vendor.set(event_target_value(&ev))></textarea>
                </div>
                <button class="button primary" type="submit" disabled=move || busy.get() || po_unsaved.get()>{format!("Submit to {vendor_name}")}</button>
                {move || po_unsaved.get().then(|| view! { <p class="field-hint">"Save the PO number first: the one typed above is not saved yet."</p> })}
            </form>
            <form class="stacked-form" on:submit=move |ev| {
                ev.prevent_default();
                act.run(ReportAction::ReturnToPartner { reason: drafts.reason.get() });
            }>
                <div class="field">
                    <label for="reason">"Reason for returning it to the partner"</label>
                    <textarea id="reason" rows="2" maxlength="2000"
                        prop:value=move || drafts.reason.get()
                        on:input=move |ev| drafts.reason.set(event_target_value(&ev))></textarea>
                </div>
                <button class="button" type="submit" disabled=busy>"Return to partner"</button>
            </form>
        }
    });
    let vendor_forms = vendor.then(|| {
        view! {
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                act.run(ReportAction::Complete);
            }>
                <button class="button primary" type="submit" disabled=busy>"Complete"</button>
            </form>
            <form class="stacked-form" on:submit=move |ev| {
                ev.prevent_default();
                act.run(ReportAction::ReturnToDistributor { reason: drafts.reason.get() });
            }>
                <div class="field">
                    <label for="reason">"Reason for returning it to the distributor"</label>
                    <textarea id="reason" rows="2" maxlength="2000"
                        prop:value=move || drafts.reason.get()
                        on:input=move |ev| drafts.reason.set(event_target_value(&ev))></textarea>
                </div>
                <button class="button" type="submit" disabled=busy>"Return for clarification"</button>
            </form>
        }
    });
    view! {
        <section class="card actions" aria-label="Actions">
            <h2 class="section-title">"Actions"</h2>
            {message}
            {distributor_forms}
            {vendor_forms}
        </section>
    }
    .into_any()
}

/// Whether the page offers the distributor's forms (PO number, pricing, submit, return): the
/// policy's answer for a distributor's edit of a report in this status.
pub(super) fn distributor_may_edit(viewer: &CurrentUser, status: Status) -> bool {
    offers(&viewer.viewer(), status, Step::DistributorEdit)
}
