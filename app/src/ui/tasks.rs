//! Implementation pages of an awarded call: the implementation card of the call's page, the
//! task contract form (立项), the officials' page for the 赛马制 mid-term review and
//! termination, and each task's page with its milestones, submissions and decisions.
use super::common::*;
use super::files::{files_table, remove_fields, upload_form, upload_notice};
use super::lifecycle::{history_card, StatusTag};
use super::stage_reviews::{stage_card, StageActions};
use crate::api::{
    DecideMilestone, MidtermReview, RemoveMilestoneFile, StartTask, SubmitMilestone, TerminateCall,
};
use crate::domain::task::{MilestoneKind, MilestoneLifecycle, MilestoneStatus, TaskLifecycle};
use crate::domain::time::format_datetime;
use crate::i18n::Lang;
use crate::model::{AttachmentView, ImplementationView, MilestoneView, TaskForm, TaskView};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// How many times `action` succeeded so far, as far as a page needs to know: the page reads
/// its record again after a success, and keeps what was typed after a refusal.
fn successes<S>(action: ServerAction<S>) -> impl Fn() -> usize + Copy + Send + Sync + 'static
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    move || {
        let v = action.version().get();
        match action.value().get() {
            Some(Err(_)) => v.saturating_sub(1),
            _ => v,
        }
    }
}

/// The share of `part` in `whole`, as a whole percentage.
fn pct(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (i128::from(part) * 100 / i128::from(whole)) as i64
    }
}

/// The implementation card of a call's page: each winner's task with its progress, and what
/// officials may do next.
pub fn implementation_card(call_id: &str, v: &ImplementationView, lang: Lang) -> impl IntoView {
    let call_id = call_id.to_string();
    view! {
        <div class="card" data-testid="implementation">
            <h2 class="card-title">{lang.t("项目实施", "Implementation")}</h2>
            {if v.tasks.is_empty() {
                view! { <p class="hint">{lang.t("中榜团队尚未立项。", "No task contract is recorded yet.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="data-table">
                        <thead><tr>
                            <th scope="col">{lang.t("承担单位", "Team")}</th>
                            <th scope="col">{lang.t("状态", "Status")}</th>
                            <th scope="col" class="num">{lang.t("资助经费", "Funding")}</th>
                            <th scope="col" class="num">{lang.t("已拨付", "Paid")}</th>
                            <th scope="col" class="num">{lang.t("里程碑", "Milestones")}</th>
                        </tr></thead>
                        <tbody>{v.tasks.iter().map(|t| view! {
                            <tr data-testid="task-row">
                                <td><a href=format!("/tasks/{}", t.id)>{t.org_name.clone()}</a>
                                    {t.status_reason.clone().map(|r| view! { <p class="hint">{r}</p> })}</td>
                                <td><StatusTag status=t.status />
                                    {(t.overdue > 0).then(|| view! { " "<span class="tag tag-red" data-testid="overdue">{match lang { Lang::Zh => format!("{} 项逾期", t.overdue), Lang::En => format!("{} overdue", t.overdue) }}</span> })}</td>
                                <td class="num">{money_wan(t.funding_fen, lang)}</td>
                                <td class="num">{money_wan(t.paid_fen, lang)}" ("{pct(t.paid_fen, t.funding_fen)}"%)"</td>
                                <td class="num">{t.milestones_done}" / "{t.milestones}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            {(!v.may_start.is_empty()).then(|| view! {
                <ul class="plain-list">{v.may_start.iter().map(|(bid, org)| view! {
                    <li>{org.clone()}" "<a class="btn btn-primary" href=format!("/calls/{call_id}/tasks/new?bid={bid}") data-testid="start-task">{lang.t("录入任务书（立项）", "Record the task contract")}</a></li>
                }).collect_view()}</ul>
            })}
            {(v.may_midterm || v.may_terminate).then(|| view! {
                <p><a class="btn" href=format!("/calls/{call_id}/implementation") data-testid="manage-implementation">
                    {if v.may_midterm { lang.t("中期评估与终止", "Mid-term review and termination") } else { lang.t("终止实施", "Terminate implementation") }}
                </a></p>
            })}
        </div>
    }
}

/// `/calls/:id/tasks/new?bid=…`: an official records a winner's task contract.
#[component]
pub fn TaskNewPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let call = move || params.read().get("id").unwrap_or_default();
    let bid = move || query.read().get("bid").unwrap_or_default();
    let loaded = Resource::new(
        move || (call(), bid()),
        |(c, b)| crate::api::get_task_form(c, b),
    );
    let save = ServerAction::<StartTask>::new();
    let errors = field_errors(save.value());
    let echo = use_echo();
    view! {
        <Title text=lang.t("录入任务书", "Task contract") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let (summary, org, f) = match loaded.await {
                    Ok(x) => x,
                    Err(e) => return error_page(&e, lang),
                };
                let f = match echoed::<StartTask>(&echo.await) {
                    Some(p) => TaskForm {
                        bid_id: p.bid_id,
                        starts_on: p.starts_on,
                        city_fund: p.city_fund,
                        enterprise_fund: p.enterprise_fund,
                        milestones: p.milestones,
                        indicators: p.indicators,
                    },
                    None => f,
                };
                let fc = field_class(errors);
                view! {
                    <div class="page-header"><div>
                        <h1 class="page-title">{lang.t("录入任务书（立项）", "Record the task contract")}</h1>
                        <p class="page-desc"><a href=format!("/calls/{}", summary.id)>{summary.title.clone()}</a>" · "{lang.t("中榜团队：", "Winner: ")}<strong>{org}</strong></p>
                    </div></div>
                    <ErrorSummary value=save.value() />
                    <ActionForm action=save attr:class="form card" attr:novalidate="true">
                        <input type="hidden" name="call_id" value=summary.id.to_string() />
                        <input type="hidden" name="bid_id" value=f.bid_id.clone() />
                        <p class="hint">{lang.t(
                            "已按榜单的里程碑模板与该团队的申报计划预填，请按签订的任务书调整。录入后首期经费即拨付。",
                            "Pre-filled from the call's template and the team's bid; adjust it to the signed task contract. The first tranche is released when it is recorded.")}</p>
                        <div class=fc("starts_on")>
                            <label for="starts_on" class="required">{lang.t("任务起始日期", "Start date")}</label>
                            <input id="starts_on" name="starts_on" type="date" value=f.starts_on.clone() />
                            <FieldMsg errors field="starts_on" />
                        </div>
                        <div class="grid-2">
                            <div class=fc("city_fund")>
                                <label for="city_fund">{lang.t("财政资助（万元）", "City funding (10k yuan)")}</label>
                                <input id="city_fund" name="city_fund" type="text" inputmode="decimal" value=f.city_fund.clone() />
                                <FieldMsg errors field="city_fund" />
                            </div>
                            <div class=fc("enterprise_fund")>
                                <label for="enterprise_fund">{lang.t("企业出资（万元）", "Enterprise funding (10k yuan)")}</label>
                                <input id="enterprise_fund" name="enterprise_fund" type="text" inputmode="decimal" value=f.enterprise_fund.clone() />
                                <FieldMsg errors field="enterprise_fund" />
                            </div>
                        </div>
                        <div class=fc("milestones")>
                            <label for="milestones" class="required">{lang.t("里程碑与拨款计划", "Milestones and tranches")}</label>
                            <p class="hint" id="milestones-hint">{lang.t(
                                "每行一项：交付物 | 到期日（YYYY-MM-DD） | 拨款（万元）。第一行为立项首期拨款，最后一行为验收及尾款；各期合计须等于资助经费。",
                                "One per line: deliverable | due date (YYYY-MM-DD) | tranche (10k yuan). The first line is the start-up tranche, the last the final acceptance; the tranches must add up to the funding.")}</p>
                            <TextArea id="milestones" rows=6 maxlength=5000 value=f.milestones.clone() />
                            <FieldMsg errors field="milestones" />
                        </div>
                        <div class=fc("indicators")>
                            <label for="indicators" class="required">{lang.t("考核指标", "Indicators")}</label>
                            <p class="hint">{lang.t("每行一项：指标名称 | 单位 | 目标值", "One per line: name | unit | target")}</p>
                            <TextArea id="indicators" rows=4 maxlength=5000 value=f.indicators.clone() />
                            <FieldMsg errors field="indicators" />
                        </div>
                        <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="record-task">{lang.t("立项并拨付首期经费", "Record and release the first tranche")}</button></div>
                    </ActionForm>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// `/calls/:id/implementation`: the 赛马制 mid-term review and termination (officials).
#[component]
pub fn CallImplementationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let midterm = ServerAction::<MidtermReview>::new();
    let terminate = ServerAction::<TerminateCall>::new();
    let stage = StageActions::new();
    let call = Resource::new(
        move || {
            (
                id(),
                successes(midterm)() + successes(terminate)(),
                successes(stage.assign)() + successes(stage.opine)(),
            )
        },
        |(c, _, _)| crate::api::get_call(c),
    );
    let term_errors = field_errors(terminate.value());
    view! {
        <Title text=lang.t("中期评估与终止", "Mid-term review and termination") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let d = match call.await { Ok(d) => d, Err(e) => return error_page(&e, lang) };
                let Some(imp) = d.implementation.clone() else {
                    return error_page(&crate::error::AppError::NotFound, lang);
                };
                let cid = d.summary.id.to_string();
                let cid2 = cid.clone();
                let live: Vec<_> = imp.tasks.iter().filter(|t| t.status.is_live()).cloned().collect();
                let others = live.clone();
                view! {
                    <div class="page-header"><div>
                        <h1 class="page-title">{lang.t("中期评估与终止：", "Mid-term review and termination: ")}{d.summary.title.clone()}</h1>
                        <p class="page-desc"><StatusTag status=d.summary.status />" "<a href=format!("/calls/{cid}")>{lang.t("返回榜单", "Back to the call")}</a></p>
                    </div></div>
                    {(!imp.may_midterm && !imp.may_terminate).then(|| implementation_card(&cid, &imp, lang))}
                    {imp.midterm_reviews.clone().map(|sr| stage_card(&sr, cid.clone(), String::new(), "midterm", stage, lang))}
                    {imp.may_midterm.then(|| view! {
                        <div class="card" data-testid="midterm">
                            <h2 class="card-title">{lang.t("赛马制中期评估", "Mid-term review (parallel teams)")}</h2>
                            <p class="hint">{lang.t(
                                "为每个在研团队作出决定并写明理由。淘汰或合并的团队未拨经费即取消；继续支持的团队可追加经费（不超过释放的经费），随验收尾款拨付。不能淘汰全部团队。",
                                "Decide for every team in progress, with a reason. A cut or merged team's unpaid tranches are cancelled; a continuing team may receive added funding (within what is freed), paid with its final acceptance. Not every team can be cut.")}</p>
                            <ErrorSummary value=midterm.value() />
                            <ActionForm action=midterm attr:class="form" attr:novalidate="true">
                                <input type="hidden" name="call_id" value=cid.clone() />
                                {live.iter().enumerate().map(|(i, t)| {
                                    let tid = t.id.to_string();
                                    let merge_options: Vec<_> = others.iter().filter(|o| o.id != t.id).cloned().collect();
                                    view! {
                                        <fieldset class="field" data-testid="midterm-team">
                                            <legend>{t.org_name.clone()}" · "{lang.t("未拨经费 ", "unpaid ")}{money_wan(t.funding_fen - t.paid_fen, lang)}</legend>
                                            <input type="hidden" name="tasks[]" value=tid.clone() />
                                            <label for=format!("decision-{i}")>{lang.t("决定", "Decision")}</label>
                                            <select id=format!("decision-{i}") name="decisions[]">
                                                <option value="continue">{lang.t("继续支持", "Continue")}</option>
                                                <option value="cut">{lang.t("淘汰", "Cut")}</option>
                                                <option value="merge">{lang.t("合并到其他团队", "Merge into another team")}</option>
                                            </select>
                                            <label for=format!("merge-{i}")>{lang.t("合并到（仅合并时）", "Merge into (merges only)")}</label>
                                            <select id=format!("merge-{i}") name="merge_into[]">
                                                <option value="">"—"</option>
                                                {merge_options.iter().map(|o| view! { <option value=o.id.to_string()>{o.org_name.clone()}</option> }).collect_view()}
                                            </select>
                                            <label for=format!("extra-{i}")>{lang.t("追加经费（万元，仅继续支持时，可空）", "Added funding (10k yuan, continuing teams only, optional)")}</label>
                                            <input id=format!("extra-{i}") name="extra[]" type="text" inputmode="decimal" />
                                            <label for=format!("reason-{i}") class="required">{lang.t("理由", "Reason")}</label>
                                            <TextArea id=format!("reason-{i}") name="reasons[]" rows=2 maxlength=1000 />
                                        </fieldset>
                                    }
                                }).collect_view()}
                                <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="submit-midterm">{lang.t("提交中期评估结果", "Record the mid-term decisions")}</button></div>
                            </ActionForm>
                        </div>
                    })}
                    {imp.may_terminate.then(|| view! {
                        <div class="card" data-testid="terminate">
                            <h2 class="card-title">{lang.t("终止实施", "Terminate implementation")}</h2>
                            <p class="hint">{lang.t("终止后所有在研任务停止，未拨付经费全部取消。理由将公开。", "Every task in progress stops and every unpaid tranche is cancelled. The reason is public.")}</p>
                            <ErrorSummary value=terminate.value() />
                            <ActionForm action=terminate attr:class="form" attr:novalidate="true">
                                <input type="hidden" name="call_id" value=cid2.clone() />
                                <div class=field_class(term_errors)("reason")>
                                    <label for="reason" class="required">{lang.t("终止理由", "Reason")}</label>
                                    <TextArea id="reason" rows=3 maxlength=1000 />
                                    <FieldMsg errors=term_errors field="reason" />
                                </div>
                                <div class="form-actions"><button class="btn btn-danger" type="submit" data-testid="terminate-call">{lang.t("终止实施", "Terminate")}</button></div>
                            </ActionForm>
                        </div>
                    })}
                }
                .into_any()
            })}
        </Suspense>
    }
}

fn kind_label(k: MilestoneKind, lang: Lang) -> &'static str {
    match k {
        MilestoneKind::Start => lang.t("立项", "Start"),
        MilestoneKind::Regular => lang.t("里程碑", "Milestone"),
        MilestoneKind::Final => lang.t("验收", "Acceptance"),
    }
}

fn readings_table(m: &MilestoneView, lang: Lang) -> impl IntoView {
    let any = m.readings.iter().any(|r| r.value.is_some());
    any.then(|| view! {
        <div class="table-wrap"><table class="data-table" data-testid="readings">
            <thead><tr><th scope="col">{lang.t("指标", "Indicator")}</th><th scope="col">{lang.t("目标值", "Target")}</th><th scope="col" class="num">{lang.t("达到值", "Reached")}</th><th scope="col">{lang.t("是否达标", "Met")}</th></tr></thead>
            <tbody>{m.readings.iter().map(|r| view! {
                <tr><td>{r.indicator.name.clone()}</td><td>{r.indicator.target.clone()}" "{r.indicator.unit.clone()}</td>
                <td class="num">{r.value.clone().map(|v| format!("{v} {}", r.indicator.unit)).unwrap_or_else(|| "—".into())}</td>
                <td>{match r.meets {
                    Some(true) => view! { <span class="tag tag-green">{lang.t("达标", "Met")}</span> }.into_any(),
                    Some(false) => view! { <span class="tag tag-red">{lang.t("未达标", "Not met")}</span> }.into_any(),
                    None => view! { <span class="hint">{lang.t("由专家判断", "For the reviewers")}</span> }.into_any(),
                }}</td></tr>
            }).collect_view()}</tbody>
        </table></div>
    })
}

/// A milestone's files, with removal while the team may still change them.
fn milestone_files(
    m: &MilestoneView,
    remove: ServerAction<RemoveMilestoneFile>,
    lang: Lang,
) -> AnyView {
    let mid = m.id.to_string();
    let remover = move |f: &AttachmentView| {
        let fields = remove_fields(
            ("milestone_id", mid.clone()),
            ("file_id", f.id.to_string()),
            &f.name,
            lang,
        );
        view! { <ActionForm action=remove>{fields}</ActionForm> }.into_any()
    };
    if m.files.is_empty() {
        return view! { <p class="hint">{lang.t("尚无附件。", "No attachment yet.")}</p> }
            .into_any();
    }
    files_table(
        &m.files,
        "/api/v1/milestone-files",
        m.may_attach
            .then_some(&remover as &dyn Fn(&AttachmentView) -> AnyView),
        lang,
    )
}

/// `/tasks/:id`: one team's task — funding and payments, the milestones, and the forms its
/// team and officials may use now.
#[component]
pub fn TaskPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let query = use_query_map();
    let submit = ServerAction::<SubmitMilestone>::new();
    let decide = ServerAction::<DecideMilestone>::new();
    let remove_file = ServerAction::<RemoveMilestoneFile>::new();
    let stage = StageActions::new();
    let task = Resource::new(
        move || {
            (
                id(),
                successes(submit)() + successes(decide)() + successes(remove_file)(),
                successes(stage.assign)() + successes(stage.opine)(),
            )
        },
        |(i, _, _)| crate::api::get_task(i),
    );
    let sub_errors = field_errors(submit.value());
    let dec_errors = field_errors(decide.value());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let t: TaskView = match task.await { Ok(t) => t, Err(e) => return error_page(&e, lang) };
                let title = format!("{} · {}", t.call_title, t.org_name);
                let funding = t.funding_fen();
                let to_submit = t.milestones.iter().find(|m| m.may_submit).cloned();
                let to_decide: Vec<MilestoneView> = t.milestones.iter().filter(|m| m.may_decide).cloned().collect();
                let rejected = to_submit.as_ref().filter(|m| m.status == MilestoneStatus::Rejected).and_then(|m| m.status_reason.clone());
                let task_id = t.id.to_string();
                let max_bytes = t.max_upload_bytes;
                let q = query.get_untracked();
                // The stages whose experts are shown: one awaiting its decision, one with
                // opinions, and the next milestone officials may already find experts for.
                let next_open = t.milestones.iter().find(|m| m.kind != MilestoneKind::Start && !matches!(m.status, MilestoneStatus::Accepted | MilestoneStatus::Cancelled)).map(|m| m.id);
                let stages: Vec<MilestoneView> = t.milestones.iter().filter(|m| m.reviews.as_ref().is_some_and(|r| {
                    m.status == MilestoneStatus::Submitted || !r.opinions.is_empty() || (r.may_assign && next_open == Some(m.id))
                })).cloned().collect();
                let reviewer_only = !t.is_team && !t.is_official;
                view! {
                    <Title text=title.clone() />
                    <div class="page-header"><div>
                        <h1 class="page-title" data-testid="task-title">{title.clone()}</h1>
                        <p class="page-desc"><StatusTag status=t.status />" "
                            {t.breakthrough.then(|| view! { <span class="tag tag-green" data-testid="breakthrough">{lang.t("突破关键技术", "Key technology broken through")}</span>" " })}
                            <a href=format!("/calls/{}", t.call_id)>{lang.t("返回榜单", "Back to the call")}</a></p>
                    </div></div>
                    {t.status_reason.clone().map(|r| view! {
                        <div class="notice notice-info" data-testid="task-reason"><strong>{lang.t("说明：", "Note: ")}</strong>{r}</div>
                    })}
                    <div class="card" data-testid="task-key">
                        <dl class="desc-list">
                            <dt>{lang.t("承担单位", "Team")}</dt><dd><a href=format!("/orgs/{}", t.org_id)>{t.org_name.clone()}</a></dd>
                            <dt>{lang.t("项目负责人", "Lead")}</dt><dd>{t.lead_name.clone()}</dd>
                            <dt>{lang.t("任务起始", "Starts")}</dt><dd>{t.starts_on.to_string()}</dd>
                            <dt>{lang.t("资助经费", "Funding")}</dt>
                            <dd>{money_wan(funding, lang)}{lang.t("（财政 ", " (city ")}{money_wan(t.city_fund_fen, lang)}{lang.t("，企业 ", ", enterprise ")}{money_wan(t.enterprise_fund_fen, lang)}{lang.t("）", ")")}</dd>
                            <dt>{lang.t("已拨付", "Paid")}</dt>
                            <dd data-testid="paid">{money_wan(t.paid_fen, lang)}" ("{pct(t.paid_fen, funding)}"%)"
                                <div class="progress" role="img" aria-label=format!("{}%", pct(t.paid_fen, funding))><svg class="progress-svg" viewBox="0 0 100 10" preserveAspectRatio="none"><rect class="progress-fill" x="0" y="0" height="10" width=pct(t.paid_fen, funding).clamp(0, 100).to_string() /></svg></div></dd>
                            {(t.cancelled_fen > 0).then(|| view! { <dt>{lang.t("已取消", "Cancelled")}</dt><dd data-testid="cancelled">{money_wan(t.cancelled_fen, lang)}</dd> })}
                        </dl>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("考核指标", "Indicators")}</h2>
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr><th scope="col">{lang.t("指标", "Indicator")}</th><th scope="col">{lang.t("目标值", "Target")}</th><th scope="col">{lang.t("单位", "Unit")}</th></tr></thead>
                            <tbody>{t.indicators.iter().map(|i| view! { <tr><td>{i.name.clone()}</td><td>{i.target.clone()}</td><td>{i.unit.clone()}</td></tr> }).collect_view()}</tbody>
                        </table></div>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("里程碑与拨款", "Milestones and tranches")}</h2>
                        <div class="table-wrap"><table class="data-table" data-testid="task-milestones">
                            <thead><tr><th scope="col">"#"</th><th scope="col">{lang.t("交付物", "Deliverable")}</th><th scope="col">{lang.t("到期日", "Due")}</th><th scope="col" class="num">{lang.t("拨款", "Tranche")}</th><th scope="col">{lang.t("状态", "Status")}</th><th scope="col">{lang.t("拨付时间", "Paid on")}</th></tr></thead>
                            <tbody>{t.milestones.iter().map(|m| view! {
                                <tr data-testid="milestone-row" data-status=m.status.as_str()>
                                    <td>{m.seq + 1}" · "{kind_label(m.kind, lang)}</td>
                                    <td>{m.deliverable.clone()}{m.status_reason.clone().map(|r| view! { <p class="hint">{lang.t("意见：", "Note: ")}{r}</p> })}</td>
                                    <td>{m.due_on.to_string()}{m.overdue.then(|| view! { " "<span class="tag tag-red" data-testid="overdue">{lang.t("逾期", "Overdue")}</span> })}</td>
                                    <td class="num">{money_wan(m.tranche_fen, lang)}</td>
                                    <td><StatusTag status=m.status /></td>
                                    <td>{m.paid_at.map(format_datetime).unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    </div>
                    {to_submit.map(|m| {
                        let final_one = m.kind == MilestoneKind::Final;
                        view! {
                            <div class="card" data-testid="submit-milestone">
                                <h2 class="card-title">{if final_one { lang.t("提交验收申请：", "Submit for final acceptance: ") } else { lang.t("提交里程碑成果：", "Submit the milestone: ") }}{m.deliverable.clone()}</h2>
                                {rejected.clone().map(|r| view! { <div class="notice notice-warning" data-testid="rejection">{lang.t("退回意见：", "Returned: ")}{r}</div> })}
                                <ErrorSummary value=submit.value() />
                                <ActionForm action=submit attr:class="form" attr:novalidate="true">
                                    <input type="hidden" name="milestone_id" value=m.id.to_string() />
                                    <div class=field_class(sub_errors)("report")>
                                        <label for="report" class="required">{if final_one { lang.t("验收报告", "Final report") } else { lang.t("成果报告", "Report") }}</label>
                                        <TextArea id="report" rows=6 maxlength=10000 />
                                        <FieldMsg errors=sub_errors field="report" />
                                    </div>
                                    <fieldset class="field">
                                        <legend>{if final_one { lang.t("各项指标达到值（必填）", "Value reached per indicator (required)") } else { lang.t("目前达到的指标值（可空）", "Values reached so far (optional)") }}</legend>
                                        {t.indicators.iter().enumerate().map(|(i, ind)| view! {
                                            <label for=format!("values.{i}")>{ind.name.clone()}{lang.t("（目标 ", " (target ")}{ind.target.clone()}" "{ind.unit.clone()}{lang.t("）", ")")}</label>
                                            <input id=format!("values.{i}") name="values[]" type="text" inputmode="decimal" />
                                        }).collect_view()}
                                    </fieldset>
                                    <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="submit-deliverable">{lang.t("提交", "Submit")}</button></div>
                                </ActionForm>
                                <h3 id=format!("files-{}", m.id)>{lang.t("成果附件", "Attachments")}</h3>
                                {(q.get("m").as_deref() == Some(m.id.to_string().as_str())).then(|| upload_notice(&q, max_bytes, lang))}
                                <ErrorSummary value=remove_file.value() />
                                {milestone_files(&m, remove_file, lang)}
                                {m.may_attach.then(|| upload_form(
                                    format!("/tasks/{}/milestones/{}/files", task_id, m.id),
                                    max_bytes,
                                    ("附件随本次提交一并报送，提交后不能更改。", "The files go with this submission and are fixed once it is submitted."),
                                    lang,
                                ))}
                            </div>
                        }
                    })}
                    {stages.into_iter().map(|m| {
                        let Some(sr) = m.reviews.clone() else { return ().into_any() };
                        view! {
                            <section class="stage" aria-label=m.deliverable.clone()>
                                {(reviewer_only && m.report.is_some()).then(|| view! {
                                    <div class="card" data-testid="review-submission">
                                        <h2 class="card-title">{lang.t("待评审成果：", "For review: ")}{m.deliverable.clone()}</h2>
                                        <p class="hint">{lang.t("提交时间：", "Submitted: ")}{m.submitted_at.map(format_datetime).unwrap_or_default()}</p>
                                        <p class="pre-wrap" data-testid="report">{m.report.clone().unwrap_or_default()}</p>
                                        {readings_table(&m, lang)}
                                        {files_table(&m.files, "/api/v1/milestone-files", None, lang)}
                                    </div>
                                })}
                                <h3 class="sr-only">{m.deliverable.clone()}</h3>
                                {stage_card(&sr, t.call_id.to_string(), m.id.to_string(), &m.id.to_string(), stage, lang)}
                            </section>
                        }.into_any()
                    }).collect_view()}
                    {to_decide.into_iter().map(|m| {
                        let final_one = m.kind == MilestoneKind::Final;
                        view! {
                            <div class="card" data-testid="decide-milestone">
                                <h2 class="card-title">{if final_one { lang.t("验收：", "Final acceptance: ") } else { lang.t("审核里程碑：", "Review the milestone: ") }}{m.deliverable.clone()}</h2>
                                <p class="hint">{lang.t("提交时间：", "Submitted: ")}{m.submitted_at.map(format_datetime).unwrap_or_default()}</p>
                                <p class="pre-wrap" data-testid="report">{m.report.clone().unwrap_or_default()}</p>
                                {readings_table(&m, lang)}
                                {files_table(&m.files, "/api/v1/milestone-files", None, lang)}
                                <ErrorSummary value=decide.value() />
                                <ActionForm action=decide attr:class="form" attr:novalidate="true">
                                    <input type="hidden" name="milestone_id" value=m.id.to_string() />
                                    <fieldset class="field" id="verdict">
                                        <legend>{lang.t("审核结果", "Outcome")}</legend>
                                        <label class="check"><input type="radio" name="verdict" value="accept" checked=true />" "{if final_one { lang.t("验收通过，拨付尾款", "Pass; release the final payment") } else { lang.t("通过，拨付本期经费", "Accept; release the tranche") }}</label>
                                        <label class="check"><input type="radio" name="verdict" value="reject" />" "{lang.t("退回修改（可重新提交）", "Return for changes (may resubmit)")}</label>
                                        {final_one.then(|| view! { <label class="check"><input type="radio" name="verdict" value="fail" />" "{lang.t("验收不通过", "Fail the acceptance")}</label> })}
                                    </fieldset>
                                    <div class=field_class(dec_errors)("reason")>
                                        <label for="decide-reason" class=if final_one { "required" } else { "" }>{if final_one { lang.t("验收意见", "Acceptance opinion") } else { lang.t("审核意见（退回时必填）", "Opinion (required to return)") }}</label>
                                        <TextArea id="decide-reason" name="reason" rows=3 maxlength=1000 />
                                        <FieldMsg errors=dec_errors field="reason" />
                                    </div>
                                    {final_one.then(|| view! {
                                        <label class="check"><input type="checkbox" name="breakthrough" value="on" />" "{lang.t("本榜单突破关键技术（计入规划任务五）", "The call broke through a key technology (counts toward the plan's task 5)")}</label>
                                    })}
                                    <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="decide">{lang.t("提交审核结果", "Record the decision")}</button></div>
                                </ActionForm>
                            </div>
                        }
                    }).collect_view()}
                    {history_card::<TaskLifecycle>(&t.history, lang)}
                    {history_card::<MilestoneLifecycle>(&t.milestone_history, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}
