//! Bid pages: the team's bid form, the sealed bid page with its receipts, the team's list, and
//! the public receipt check.
use super::common::*;
use super::lifecycle::{action_panel, history_card, use_record_page_with, StatusTag};
use super::SessionCtx;
use crate::api::{ConfirmBidMembership, RemoveBidAttachment, SaveBid, VerifyReceipt};
use crate::domain::bid::{BidLifecycle, BidStatus};
use crate::domain::call::MilestoneTemplate;
use crate::domain::time::format_datetime;
use crate::i18n::Lang;
use crate::model::{AttachmentView, BidForm, ReceiptCheck};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn bid_form_view(
    save: ServerAction<SaveBid>,
    call_id: String,
    bid_id: String,
    template: Vec<MilestoneTemplate>,
    f: BidForm,
    lang: Lang,
) -> AnyView {
    let errors = field_errors(save.value());
    let ic = field_class(errors);
    let plan_hint = template
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{}. {}（{}%）", i + 1, m.deliverable, m.share_pct))
        .collect::<Vec<_>>()
        .join("；");
    view! {
        <ErrorSummary value=save.value() />
        <ActionForm action=save attr:class="form card" attr:novalidate="true">
            <input type="hidden" name="call_id" value=call_id />
            <input type="hidden" name="id" value=bid_id />
            <div class=ic("title")>
                <label for="title" class="required">{lang.t("申报名称", "Bid title")}</label>
                <input id="title" name="title" type="text" maxlength="80" value=f.title.clone() />
                <FieldMsg errors field="title" />
            </div>
            <div class=ic("proposal")>
                <label for="proposal" class="required">{lang.t("技术方案", "Technical proposal")}</label>
                <p class="hint">{lang.t("技术路线、创新点、对照考核指标的可行性分析。提交后在截止前仅本团队可见。", "Approach, novelty, and how it meets each indicator. Until the deadline only your team sees it.")}</p>
                <TextArea id="proposal" rows=10 maxlength=20000 value=f.proposal.clone() />
                <FieldMsg errors field="proposal" />
            </div>
            <div class="grid-2">
                <div class=ic("budget")>
                    <label for="budget" class="required">{lang.t("经费预算（万元）", "Budget (万元)")}</label>
                    <div class="input-group"><input id="budget" name="budget" type="text" inputmode="decimal" value=f.budget.clone() /><span class="suffix">"万元"</span></div>
                    <FieldMsg errors field="budget" />
                </div>
                <div class=ic("timeline")>
                    <label for="timeline" class="required">{lang.t("进度安排", "Timeline")}</label>
                    <input id="timeline" name="timeline" type="text" value=f.timeline.clone() />
                    <FieldMsg errors field="timeline" />
                </div>
            </div>
            <div class=ic("milestone_plan")>
                <label for="milestone_plan" class="required">{lang.t("里程碑计划", "Milestone plan")}</label>
                <p class="hint">{lang.t("按榜单里程碑逐行填写：", "One line per milestone of the call: ")}{plan_hint}</p>
                <TextArea id="milestone_plan" rows=4 maxlength=5000 value=f.milestone_plan.clone() />
                <FieldMsg errors field="milestone_plan" />
            </div>
            <div class=ic("members")>
                <label for="members">{lang.t("团队成员邮箱", "Team members' e-mail addresses")}</label>
                <p class="hint">{lang.t("每行一个，须为平台注册用户；成员在其账号中确认加入后才能提交。您本人为负责人，无需填写。", "One per line, registered people; each confirms from their own account before you can submit. You lead and need not be listed.")}</p>
                <TextArea id="members" rows=3 maxlength=5000 value=f.members.clone() />
                <FieldMsg errors field="members" />
            </div>
            <div class="form-actions">
                <button class="btn" type="submit" name="intent" value="save" data-testid="save-draft">{lang.t("保存草稿", "Save draft")}</button>
                <button class="btn btn-primary" type="submit" name="intent" value="submit" data-testid="save-submit">{lang.t("保存并提交揭榜", "Save and submit")}</button>
            </div>
        </ActionForm>
    }
    .into_any()
}

/// `/calls/:id/bid`: a new bid on the call.
#[component]
pub fn NewBidPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let session = expect_context::<SessionCtx>().0;
    let call = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        crate::api::get_call,
    );
    let save = ServerAction::<SaveBid>::new();
    let echo = use_echo();
    view! {
        <Title text=lang.t("揭榜申报", "Bid") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                if session.await.ok().flatten().is_none() {
                    return error_view(&crate::error::AppError::Unauthenticated, lang);
                }
                let c = match call.await { Ok(c) => c, Err(e) => return error_page(&e, lang) };
                let f = echoed::<SaveBid>(&echo.await).map(|a| a.form()).unwrap_or_default();
                view! {
                    <div class="page-header"><div>
                        <h1 class="page-title">{lang.t("揭榜申报：", "Bid: ")}{c.summary.title.clone()}</h1>
                        <p class="page-desc">{lang.t("截止时间：", "Closes: ")}{format_datetime(c.summary.closes_at)}{lang.t("（北京时间，以服务器时间为准）", " (Beijing time; the server clock decides)")}</p>
                    </div></div>
                    {bid_form_view(save, c.summary.id.to_string(), String::new(), c.milestones.clone(), f, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// `/bids/:id/edit`: the lead edits a draft.
#[component]
pub fn EditBidPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let bid = Resource::new(id, crate::api::get_bid);
    let saved = Resource::new(id, crate::api::get_bid_form);
    let save = ServerAction::<SaveBid>::new();
    let echo = use_echo();
    view! {
        <Title text=lang.t("修改揭榜申报", "Edit bid") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let b = match bid.await { Ok(b) => b, Err(e) => return error_page(&e, lang) };
                let f = match echoed::<SaveBid>(&echo.await).map(|a| a.form()) {
                    Some(f) => f,
                    None => match saved.await { Ok(f) => f, Err(e) => return error_page(&e, lang) },
                };
                view! {
                    <div class="page-header"><div><h1 class="page-title">{lang.t("修改揭榜申报：", "Edit bid: ")}{b.call.title.clone()}</h1></div></div>
                    {bid_form_view(save, b.call.id.to_string(), b.id.to_string(), b.milestone_template.clone(), f, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn BidPage() -> impl IntoView {
    let lang = use_lang();
    let confirm = ServerAction::<ConfirmBidMembership>::new();
    let remove = ServerAction::<RemoveBidAttachment>::new();
    let page = use_record_page_with(crate::api::get_bid, move || {
        confirm.version().get() + remove.version().get()
    });
    let query = use_query_map();
    let (act, errors) = (page.act, page.errors);
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let (d, posted) = match page.load(lang).await {
                    Ok(loaded) => loaded,
                    Err(view) => return view,
                };
                let id = d.id.to_string();
                let p = d.permissions.clone();
                let invite_id = id.clone();
                let receipt_json = |r: &crate::model::BidReceipt| serde_json::to_string_pretty(r).unwrap_or_default();
                view! {
                    <Title text=d.title.clone() />
                    <div class="page-header">
                        <div>
                            <h1 class="page-title" data-testid="bid-title">{d.title.clone()}</h1>
                            <p class="page-desc"><StatusTag status=d.status />" "{d.org_name.clone()}" · "<a href=format!("/calls/{}", d.call.id)>{d.call.title.clone()}</a></p>
                        </div>
                        <div class="page-actions">{p.edit.then(|| view! { <a class="btn" href=format!("/bids/{id}/edit")>{lang.t("编辑", "Edit")}</a> })}</div>
                    </div>
                    <div class="notice notice-info">{lang.t("揭榜申报在截止前仅本团队可见；截止后仅管理人员和指定评审专家可见。", "Until the deadline only your team sees this bid; after it, only officials and the assigned reviewers.")}</div>
                    {d.status_reason.clone().filter(|_| d.status == BidStatus::Disqualified).map(|r| view! {
                        <div class="notice notice-error" data-testid="status-reason"><strong>{lang.t("形式审查意见：", "Eligibility decision: ")}</strong>{r}</div>
                    })}
                    {d.invited.then(|| view! {
                        <div class="card" data-testid="invitation">
                            <p>{lang.t("您被邀请加入该揭榜团队。", "You are invited to this bidding team.")}</p>
                            <ActionForm action=confirm>
                                <input type="hidden" name="id" value=invite_id.clone() />
                                <button class="btn btn-primary" type="submit" data-testid="confirm-membership">{lang.t("确认加入团队", "Confirm I am on the team")}</button>
                            </ActionForm>
                        </div>
                    })}
                    <ErrorSummary value=act.value() />
                    <ErrorSummary value=confirm.value() />
                    {(!d.receipts.is_empty()).then(|| view! {
                        <div class="card" data-testid="receipts">
                            <h2 class="card-title">{lang.t("提交回执", "Submission receipts")}</h2>
                            <p class="hint">{lang.t("回执是对提交内容的 SHA-256 承诺。截止后可在“回执核验”页面核对开启的申报是否就是您提交的版本。", "A receipt is a SHA-256 commitment to what you submitted. After the deadline, check on the receipt page that the opened bid is the one you submitted.")}</p>
                            <ul class="plain-list">{d.receipts.iter().enumerate().map(|(i, r)| {
                                let json = receipt_json(r);
                                let href = format!("data:application/json;charset=utf-8,{}", urlencode(&json));
                                view! { <li>
                                    <time>{format_datetime(r.submitted_at)}</time>" "
                                    <code class="receipt" data-testid=if i == 0 { "receipt" } else { "old-receipt" }>{r.sha256.clone()}</code>" "
                                    <a href=href download=format!("receipt-{}.json", &r.sha256[..12.min(r.sha256.len())])>{lang.t("下载", "Download")}</a>
                                    {(!r.attachments.is_empty()).then(|| view! { <span class="muted">{match lang { Lang::Zh => format!("（含 {} 个附件的哈希）", r.attachments.len()), Lang::En => format!(" (with the hashes of {} attachments)", r.attachments.len()) }}</span> })}
                                    {(i > 0).then(|| view! { <span class="muted">{lang.t("（已被后一次提交取代）", " (superseded)")}</span> })}
                                </li> }
                            }).collect_view()}</ul>
                        </div>
                    })}
                    <div class="card">
                        <dl class="desc-list">
                            <dt>{lang.t("经费预算", "Budget")}</dt><dd class="budget">{money_wan(d.budget_fen, lang)}</dd>
                            <dt>{lang.t("进度安排", "Timeline")}</dt><dd>{d.timeline.clone()}</dd>
                            <dt>{lang.t("技术方案", "Proposal")}</dt><dd class="full pre-wrap">{d.proposal.clone()}</dd>
                        </dl>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("里程碑计划", "Milestone plan")}</h2>
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr><th scope="col">{lang.t("榜单里程碑", "Call milestone")}</th><th scope="col">{lang.t("计划", "Plan")}</th></tr></thead>
                            <tbody>{d.milestone_template.iter().zip(d.milestone_plan.iter()).map(|(m, p)| view! { <tr><td>{m.deliverable.clone()}" ("{m.share_pct}"%)"</td><td>{p.clone()}</td></tr> }).collect_view()}</tbody>
                        </table></div>
                    </div>
                    {attachments_card(&d.attachments, &id, p.edit, d.max_upload_bytes, remove, query.get_untracked(), lang)}
                    <div class="card" data-testid="team">
                        <h2 class="card-title">{lang.t("团队", "Team")}</h2>
                        <ul class="plain-list">{d.members.iter().map(|m| view! {
                            <li>{m.name.clone()}" "
                                {if m.is_lead { view! { <span class="tag tag-blue">{lang.t("负责人", "Lead")}</span> }.into_any() }
                                 else if m.confirmed { view! { <span class="tag tag-green">{lang.t("已确认", "Confirmed")}</span> }.into_any() }
                                 else { view! { <span class="tag tag-gold">{lang.t("待确认", "Awaiting confirmation")}</span> }.into_any() }}
                            </li>
                        }).collect_view()}</ul>
                    </div>
                    {d.feedback.clone().map(|f| super::reviews::feedback_card(f, lang))}
                    {action_panel::<BidLifecycle>(act, &id, &p.actions, errors, posted, lang)}
                    {history_card::<BidLifecycle>(&d.history, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The bid's files: download links for every reader of the bid; for the lead of an open draft
/// also the upload form and removal.
fn attachments_card(
    files: &[AttachmentView],
    bid_id: &str,
    editable: bool,
    max_bytes: u64,
    remove: ServerAction<RemoveBidAttachment>,
    query: leptos_router::params::ParamsMap,
    lang: Lang,
) -> AnyView {
    use super::files::{files_table, remove_fields, upload_form, upload_notice};
    if files.is_empty() && !editable {
        return ().into_any();
    }
    let bid = bid_id.to_string();
    let remover = move |f: &AttachmentView| {
        let fields = remove_fields(
            ("bid_id", bid.clone()),
            ("attachment_id", f.id.to_string()),
            &f.name,
            lang,
        );
        view! { <ActionForm action=remove>{fields}</ActionForm> }.into_any()
    };
    view! {
        <div class="card" id="attachments" data-testid="attachments">
            <h2 class="card-title">{lang.t("附件", "Attachments")}</h2>
            {upload_notice(&query, max_bytes, lang)}
            <ErrorSummary value=remove.value() />
            {files_table(files, "/api/v1/attachments", editable.then_some(&remover as &dyn Fn(&AttachmentView) -> AnyView), lang)}
            {editable.then(|| upload_form(
                format!("/bids/{bid_id}/attachments"),
                max_bytes,
                ("提交时回执包含每个附件的 SHA-256。", "The receipt commits to each file's SHA-256."),
                lang,
            ))}
        </div>
    }
    .into_any()
}

#[component]
pub fn MyBidsPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| crate::api::my_bids());
    view! {
        <Title text=lang.t("我的揭榜", "My bids") />
        <div class="page-header"><div><h1 class="page-title">{lang.t("我的揭榜", "My bids")}</h1></div>
            <div class="page-actions"><a class="btn" href="/calls">{lang.t("浏览榜单", "Browse calls")}</a></div></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) if items.is_empty() => view! { <div class="card empty-state" data-testid="empty"><p>{lang.t("您还没有参与揭榜。", "You are on no bid yet.")}</p></div> }.into_any(),
                    Ok(items) => view! {
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr><th scope="col">{lang.t("申报名称", "Bid")}</th><th scope="col">{lang.t("榜单", "Call")}</th><th scope="col">{lang.t("状态", "Status")}</th><th scope="col">{lang.t("更新时间", "Updated")}</th></tr></thead>
                            <tbody>{items.into_iter().map(|b| view! {
                                <tr data-testid="bid-row"><td><a href=format!("/bids/{}", b.id)>{b.title.clone()}</a></td><td><a href=format!("/calls/{}", b.call_id)>{b.call_title.clone()}</a></td><td><StatusTag status=b.status /></td><td>{format_datetime(b.updated_at)}</td></tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/receipts`: anyone holding a receipt checks it against the opened bid.
#[component]
pub fn VerifyReceiptPage() -> impl IntoView {
    let lang = use_lang();
    let check = ServerAction::<VerifyReceipt>::new();
    let errors = field_errors(check.value());
    let result = move || {
        check.value().get().and_then(|r| r.ok()).map(|c| {
            let (class, text) = match c {
                ReceiptCheck::Unknown => ("notice notice-error", lang.t("没有任何提交对应此回执。", "No submission has this receipt.").to_string()),
                ReceiptCheck::Sealed { submitted_at, closes_at } => ("notice notice-info", match lang {
                    Lang::Zh => format!("回执有效：提交于 {}。申报在 {} 截止前保持密封，截止后可核验内容。", format_datetime(submitted_at), format_datetime(closes_at)),
                    Lang::En => format!("Receipt on record: submitted {}. The bid stays sealed until {}; check it again after that.", format_datetime(submitted_at), format_datetime(closes_at)),
                }),
                ReceiptCheck::Matches { submitted_at } => ("notice notice-success", match lang {
                    Lang::Zh => format!("核验一致：开启的申报与 {} 提交的内容完全相同。", format_datetime(submitted_at)),
                    Lang::En => format!("Verified: the opened bid is exactly what was submitted at {}.", format_datetime(submitted_at)),
                }),
                ReceiptCheck::Superseded { submitted_at, latest_at } => ("notice notice-warning", match lang {
                    Lang::Zh => format!("此回执对应 {} 的提交，团队已于 {} 重新提交，以后者为准。", format_datetime(submitted_at), format_datetime(latest_at)),
                    Lang::En => format!("This receipt is for the submission of {}; the team submitted again at {}, which is the one that counts.", format_datetime(submitted_at), format_datetime(latest_at)),
                }),
                ReceiptCheck::Withdrawn { submitted_at } => ("notice notice-warning", match lang {
                    Lang::Zh => format!("此回执对应 {} 的提交，该申报已撤回。", format_datetime(submitted_at)),
                    Lang::En => format!("This receipt is for the submission of {}; the bid was withdrawn.", format_datetime(submitted_at)),
                }),
                ReceiptCheck::Mismatch { submitted_at } => ("notice notice-error", match lang {
                    Lang::Zh => format!("核验不一致：{} 提交后申报内容已被改动，请立即联系主管部门。", format_datetime(submitted_at)),
                    Lang::En => format!("Mismatch: the bid was changed after its submission at {}. Report this to the officials.", format_datetime(submitted_at)),
                }),
            };
            view! { <div class=class role="status" data-testid="receipt-result">{text}</div> }
        })
    };
    view! {
        <Title text=lang.t("回执核验", "Check a receipt") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("揭榜回执核验", "Check a bid receipt")}</h1>
            <p class="page-desc">{lang.t("输入提交揭榜时获得的回执（64 位），核对开启后的申报是否为当时提交的版本。不会显示申报内容。", "Enter the 64-character receipt you got when submitting, to check that the opened bid is the version submitted. No bid content is shown.")}</p>
        </div></div>
        <ErrorSummary value=check.value() />
        {result}
        <ActionForm action=check attr:class="form card" attr:novalidate="true">
            <div class=field_class(errors)("receipt")>
                <label for="receipt" class="required">{lang.t("回执", "Receipt")}</label>
                <input id="receipt" name="receipt" type="text" maxlength="200" autocomplete="off" />
                <FieldMsg errors field="receipt" />
            </div>
            <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="verify">{lang.t("核验", "Check")}</button></div>
        </ActionForm>
    }
}

/// `/notifications`: what concerns the reader (eligibility results, review assignments, awards,
/// objections, reminders before a window closes).
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = use_lang();
    let mark = ServerAction::<crate::api::MarkNotificationsRead>::new();
    let list = Resource::new(
        move || mark.version().get(),
        |_| crate::api::my_notifications(),
    );
    view! {
        <Title text=lang.t("通知", "Notifications") />
        <div class="page-header">
            <div><h1 class="page-title">{lang.t("通知", "Notifications")}</h1></div>
            <div class="page-actions">
                <ActionForm action=mark>
                    <button class="btn" type="submit" data-testid="mark-read">{lang.t("全部标为已读", "Mark all as read")}</button>
                </ActionForm>
            </div>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) if items.is_empty() => view! { <div class="card empty-state" data-testid="empty"><p>{lang.t("暂无通知。", "No notifications.")}</p></div> }.into_any(),
                    Ok(items) => view! {
                        <ul class="plain-list card">{items.into_iter().map(|n| view! {
                            <li class:unread=!n.read data-testid="notification">
                                <time>{format_datetime(n.created_at)}</time>" "
                                {(!n.read).then(|| view! { <span class="tag tag-blue">{lang.t("未读", "New")}</span>" " })}
                                <a href=n.link.clone()>{lang.pick(&n.title_zh, &n.title_en).to_string()}</a>
                            </li>
                        }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
