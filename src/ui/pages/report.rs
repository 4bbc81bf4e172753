//! One billing report: header, lines and history. Partners (and distributors while the partner
//! is still preparing it) get the shape without any pricing field; the page draws what it gets.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{
    ApiError,
    auth::CurrentUser,
    reports::{ReportAction, act_on_report, open_report},
};
use crate::app::UserResource;
use crate::domain::{
    Currency, HistoryEntry, LineView, OpenedReport, OrgKind, PartnerLineView, ReportHeader, Status,
    UsageFigures,
};
use crate::ui::{
    components::{local_time::LocalTime, status_badge::StatusBadge},
    format,
};

#[component]
pub fn ReportDetailPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    let report = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => open_report(id).await,
                None => Err(ApiError::NotFound),
            }
        },
    );
    // What people type survives the page being redrawn with a newer version of the report.
    let drafts = Drafts::default();
    let reload = Callback::new(move |()| report.refetch());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = user.await;
                let viewer = user.clone().ok().flatten();
                match (user, report.await) {
                    (Ok(None) | Err(ApiError::Unauthenticated), _) | (_, Err(ApiError::Unauthenticated)) => {
                        view! { <leptos_router::components::Redirect path="/sign-in" /> }.into_any()
                    }
                    (_, Ok(report)) => view! { <Report report viewer drafts reload /> }.into_any(),
                    (_, Err(ApiError::NotFound)) => {
                        crate::ui::pages::not_found::set_not_found_status();
                        view! {
                        <section class="page narrow notice">
                            <h1>"Report not found"</h1>
                            <p>"There is no report at this address that you can open. " <a href="/">"Back to the billing reports"</a></p>
                        </section>
                    }
                    .into_any()
                    }
                    (_, Err(error)) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Text typed into the action forms, and the last answer.
#[derive(Clone, Copy)]
struct Drafts {
    po_number: RwSignal<Option<String>>,
    to_vendor: RwSignal<String>,
    reason: RwSignal<String>,
    message: RwSignal<Option<(bool, String)>>,
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts {
            po_number: RwSignal::new(None),
            to_vendor: RwSignal::new(String::new()),
            reason: RwSignal::new(String::new()),
            message: RwSignal::new(None),
        }
    }
}

#[component]
fn Report(
    report: OpenedReport,
    viewer: Option<CurrentUser>,
    drafts: Drafts,
    reload: Callback<()>,
) -> impl IntoView {
    let (header, history) = match &report {
        OpenedReport::Priced(detail) => (detail.header.clone(), detail.history.clone()),
        OpenedReport::Partner(detail) => (detail.header.clone(), detail.history.clone()),
    };
    let currency = header.currency;
    let total = match &report {
        OpenedReport::Priced(detail) => Some(format::money_with_code(detail.total, currency)),
        OpenedReport::Partner(_) => None,
    };
    let lines = match report {
        OpenedReport::Priced(detail) => {
            view! { <PricedLines lines=detail.lines currency total=detail.total /> }.into_any()
        }
        OpenedReport::Partner(detail) => view! { <UsageLines lines=detail.lines /> }.into_any(),
    };
    view! {
        <section class="page report">
            <p class="breadcrumb"><a href="/">"← Billing reports"</a></p>
            <Header header=header.clone() total />
            {viewer.map(|viewer| view! { <Actions header=header.clone() viewer drafts reload /> })}
            <h2 class="section-title">"Lines"</h2>
            {lines}
            <h2 class="section-title">"History"</h2>
            <History entries=history />
        </section>
    }
}

#[component]
fn Header(header: ReportHeader, total: Option<String>) -> impl IntoView {
    let (first, last) = (header.period.first_day(), header.period.last_day());
    let dates = format!("{} – {}", format::day(first), format::day(last),);
    view! {
        <div class="report-head card">
            <div class="title-row">
                <div>
                    <h1>{header.partner_name.clone()}</h1>
                    <p class="muted">{format!("Partner #{} · {}", header.partner_id, header.distributor_name)}</p>
                </div>
                <div class="status-block">
                    <StatusBadge status=header.status />
                </div>
            </div>
            <dl class="facts">
                <div><dt>"Report cycle"</dt><dd>{format::period_long(header.period)}<span class="sub">{dates}</span></dd></div>
                <div><dt>"Region"</dt><dd>{header.region_name.clone()}<span class="sub">{header.currency.code()}</span></dd></div>
                <div><dt>"PO number"</dt><dd>{header.po_number.clone().unwrap_or_else(|| "Not set".to_owned())}</dd></div>
                <div><dt>"Partner deadline"</dt><dd><LocalTime utc=header.submission_deadline.clone() /></dd></div>
                <div><dt>"Review deadline"</dt><dd><LocalTime utc=header.review_deadline.clone() /></dd></div>
                {total.map(|total| view! { <div class="total"><dt>"Total invoice amount"</dt><dd>{total}</dd></div> })}
            </dl>
            <ul class="flags">
                {header.flags.auto_penalties.then(|| view! { <li class="flag warn">"Auto-submitted with penalties"</li> })}
                {header.flags.has_comments.then(|| view! { <li class="flag">"Has partner comments"</li> })}
            </ul>
        </div>
    }
}

/// The usage cells every viewer gets: provisioned, used, over-provisioned %, chargeable (with
/// the discrepancy, percentage and comment on hover, tap or keyboard focus).
fn usage_cells(usage: &UsageFigures, line_id: i64) -> impl IntoView + use<> {
    let tip_id = format!("line-{line_id}-why");
    let described_by = tip_id.clone();
    let used = usage
        .used
        .map(|u| format::units(u.get()))
        .unwrap_or_else(|| "not reported".to_owned());
    let pct = format!("{}%", usage.over_provisioned_pct);
    let mut tip = Vec::new();
    if usage.overage {
        tip.push("Used more than provisioned (overage)".to_owned());
    } else {
        tip.push(format!("Over-provisioned {pct}"));
    }
    if let Some(comment) = &usage.comment {
        tip.push(format!("Partner: “{comment}”"));
    }
    let tip = tip.join(" · ");
    let class = if usage.discrepancy {
        "num chargeable discrepancy"
    } else {
        "num chargeable"
    };
    let chargeable = format::units(usage.chargeable.get());
    let marker = usage
        .comment
        .is_some()
        .then(|| view! { <span class="comment-marker" aria-hidden="true">"✎"</span> });
    let needs = usage
        .needs_comment
        .then(|| view! { <span class="needs-comment">"needs a comment"</span> });
    view! {
        <td class="num" data-label="Provisioned">{format::units(usage.provisioned.get())}</td>
        <td class="num" data-label="Used">{used}</td>
        <td class="num" data-label="Over-provisioned">{if usage.overage { "overage".to_owned() } else { pct }}</td>
        <td class=class data-label="Chargeable">
            <span class="has-tip" tabindex="0" aria-describedby=described_by>
                {chargeable}
                {marker}
                {usage.discrepancy.then(|| view! { <span class="visually-hidden">" (differs from provisioned)"</span> })}
                <span class="tip" role="tooltip" id=tip_id>{tip}</span>
            </span>
            {needs}
        </td>
    }
}

fn product_cell(line: &crate::domain::ProductRef) -> impl IntoView + use<> {
    view! {
        <td class="product" data-label="Product">
            <span class="product-name">{line.name.clone()}</span>
            <span class="product-meta">{format!("{} · {}", line.sku, line.unit_type)}</span>
        </td>
    }
}

#[component]
fn UsageLines(lines: Vec<PartnerLineView>) -> impl IntoView {
    view! {
        <div class="table-wrap lines">
            <table class="lines">
                <thead>
                    <tr>
                        <th scope="col">"Product / service"</th>
                        <th scope="col" class="num">"Provisioned"</th>
                        <th scope="col" class="num">"Used"</th>
                        <th scope="col" class="num">"Over-prov."</th>
                        <th scope="col" class="num">"Chargeable"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|line| view! { <tr>{product_cell(&line.product)}{usage_cells(&line.usage, line.product.line_id)}</tr> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PricedLines(
    lines: Vec<LineView>,
    currency: Currency,
    total: rust_decimal::Decimal,
) -> impl IntoView {
    let gross_total: rust_decimal::Decimal = lines.iter().map(|line| line.gross).sum();
    view! {
        <div class="table-wrap lines">
            <table class="lines priced">
                <thead>
                    <tr>
                        <th scope="col">"Product / service"</th>
                        <th scope="col" class="num">"Provisioned"</th>
                        <th scope="col" class="num">"Used"</th>
                        <th scope="col" class="num">"Over-prov."</th>
                        <th scope="col" class="num">"Chargeable"</th>
                        <th scope="col" class="num">"Unit price"</th>
                        <th scope="col" class="num">"Margin"</th>
                        <th scope="col" class="num">"Gross"</th>
                        <th scope="col" class="num">"Amount owed"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|line| {
                            let overridden = line.unit_price != line.catalogue_unit_price || line.margin != line.catalogue_margin;
                            let code = line.pricing_code.clone().map(|code| view! { <span class="code">{code}</span> });
                            view! {
                                <tr>
                                    {product_cell(&line.product)}
                                    {usage_cells(&line.usage, line.product.line_id)}
                                    <td class="num" data-label="Unit price">
                                        {line.unit_price.to_string()}
                                        {(line.unit_price != line.catalogue_unit_price).then(|| view! { <span class="was">{format!("list {}", line.catalogue_unit_price)}</span> })}
                                    </td>
                                    <td class="num" data-label="Margin">
                                        {format!("{}%", line.margin)}
                                        {(line.margin != line.catalogue_margin).then(|| view! { <span class="was">{format!("list {}%", line.catalogue_margin)}</span> })}
                                        {overridden.then_some(code)}
                                    </td>
                                    <td class="num" data-label="Gross">{format::money(line.gross, currency)}</td>
                                    <td class="num money" data-label="Amount owed">{format::money(line.amount_owed, currency)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
                <tfoot>
                    <tr class="totals">
                        <th scope="row" colspan="7">"Total invoice amount"</th>
                        <td class="num" data-label="Gross">{format::money(gross_total, currency)}</td>
                        <td class="num money" data-label="Total">{format::money_with_code(total, currency)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

#[component]
fn History(entries: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="history">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Comment"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries
                        .into_iter()
                        .rev()
                        .map(|entry| {
                            let who = match &entry.actor_org {
                                Some(org) => format!("{} ({org})", entry.actor),
                                None => entry.actor.clone(),
                            };
                            let status = match (&entry.from_status, &entry.to_status) {
                                (Some(from), Some(to)) if from != to => format!("{from} → {to}"),
                                (_, Some(to)) => to.clone(),
                                _ => String::new(),
                            };
                            let changes = entry.before.clone().zip(entry.after.clone()).map(|(before, after)| {
                                view! {
                                    <details class="changes">
                                        <summary>"Values before → after"</summary>
                                        <code>{before}</code>
                                        <code>{after}</code>
                                    </details>
                                }
                            });
                            view! {
                                <tr>
                                    <td data-label="When"><LocalTime utc=entry.at /></td>
                                    <td data-label="Who">{who}</td>
                                    <td data-label="What">{action_label(&entry.action)}</td>
                                    <td data-label="Status">{status}</td>
                                    <td data-label="Comment">{entry.comment.unwrap_or_default()}{changes}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// History action codes in words.
fn action_label(code: &str) -> &'static str {
    match code {
        "generate" => "Generated",
        "save_draft" => "Saved a draft",
        "submit" => "Submitted for review",
        "auto_submit" => "Submitted automatically",
        "auto_submit_penalties" => "Submitted automatically, with penalties",
        "reject" => "Returned to the partner",
        "submit_to_vendor" => "Submitted to the vendor",
        "complete" => "Completed",
        "return" => "Returned by the vendor",
        "auto_approve" => "Approved automatically",
        "distributor_edit" => "Changed PO number or pricing",
        _ => "Changed",
    }
}

/// What the viewer may do now: a distributor while the report is under review, the vendor once
/// it was submitted. The server decides again on every action; this only offers the buttons.
#[component]
fn Actions(
    header: ReportHeader,
    viewer: CurrentUser,
    drafts: Drafts,
    reload: Callback<()>,
) -> impl IntoView {
    let (id, version) = (header.id, header.version);
    let acting = Action::new(move |action: &ReportAction| {
        let action = action.clone();
        async move { act_on_report(id, version, action).await }
    });
    Effect::new(move |_| {
        let Some(result) = acting.value().get() else {
            return;
        };
        match result {
            Ok(_) => {
                drafts.reason.set(String::new());
                drafts.to_vendor.set(String::new());
                drafts.message.set(Some((false, "Saved.".to_owned())));
                reload.run(());
            }
            Err(error @ ApiError::Conflict { .. }) => {
                // Show the current version; what was typed stays in the forms.
                drafts.message.set(Some((true, error.to_string())));
                reload.run(());
            }
            Err(error) => drafts.message.set(Some((true, error.to_string()))),
        }
    });
    let po = drafts.po_number;
    if po.get_untracked().is_none() {
        po.set(Some(header.po_number.clone().unwrap_or_default()));
    }
    let may_act = viewer.role.may_act();
    let distributor = may_act
        && viewer.org_kind == OrgKind::Distributor
        && matches!(header.status, Status::UnderReview(_));
    let vendor =
        may_act && viewer.org_kind == OrgKind::Vendor && header.status == Status::SubmittedToVendor;
    if !distributor && !vendor {
        return ().into_any();
    }
    let vendor_name = viewer.vendor_name.clone();
    let message = move || {
        drafts.message.get().map(|(is_error, text)| {
            let class = if is_error { "form-error" } else { "form-ok" };
            view! { <p class=class role="status">{text}</p> }
        })
    };
    let busy = move || acting.pending().get();
    let dispatch = move |action: ReportAction| {
        drafts.message.set(None);
        acting.dispatch(action);
    };
    let distributor_forms = distributor.then(|| {
        view! {
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                dispatch(ReportAction::SetPoNumber { po_number: po.get().unwrap_or_default() });
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
                dispatch(ReportAction::SubmitToVendor { comment: (!comment.trim().is_empty()).then_some(comment) });
            }>
                <div class="field">
                    <label for="to-vendor">{format!("Comment to {vendor_name} (optional)")}</label>
                    <textarea id="to-vendor" rows="2"
                        prop:value=move || drafts.to_vendor.get()
                        on:input=move |ev| drafts.to_vendor.set(event_target_value(&ev))></textarea>
                </div>
                <button class="button primary" type="submit" disabled=busy>{format!("Submit to {vendor_name}")}</button>
            </form>
            <form class="stacked-form" on:submit=move |ev| {
                ev.prevent_default();
                dispatch(ReportAction::ReturnToPartner { reason: drafts.reason.get() });
            }>
                <div class="field">
                    <label for="reason">"Reason for returning it to the partner"</label>
                    <textarea id="reason" rows="2"
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
                dispatch(ReportAction::Complete);
            }>
                <button class="button primary" type="submit" disabled=busy>"Complete"</button>
            </form>
            <form class="stacked-form" on:submit=move |ev| {
                ev.prevent_default();
                dispatch(ReportAction::ReturnToDistributor { reason: drafts.reason.get() });
            }>
                <div class="field">
                    <label for="reason">"Reason for returning it to the distributor"</label>
                    <textarea id="reason" rows="2"
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
