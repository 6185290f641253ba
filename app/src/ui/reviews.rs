//! Review and award pages: the officials' panel, ranking and award form for a call; the
//! reviewer's task list and scoring page; the 公示 section of a call's page; the holiday
//! calendar.
use super::common::*;
use super::lifecycle::{action_panel, use_record_page_with, StatusTag};
use crate::api::{
    AnswerObjection, AssignReviewers, AwardCall, ConcludePublicity, FileObjection, SetHoliday,
    SubmitReview,
};
use crate::domain::review::ReviewLifecycle;
use crate::domain::time::format_datetime;
use crate::i18n::Lang;
use crate::model::{BidFeedback, PublicityView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Hundredths as "85.25".
pub fn points(h: i64) -> String {
    format!("{}.{:02}", h / 100, (h % 100).abs())
}

/// `/calls/:id/review`: the panel, the ranking and the award (officials).
#[component]
pub fn CallReviewPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let field = move || query.read().get("field").filter(|f| !f.is_empty());
    let assign = ServerAction::<AssignReviewers>::new();
    let award = ServerAction::<AwardCall>::new();
    let call = Resource::new(id, crate::api::get_call);
    let pool = Resource::new(
        move || (id(), field(), assign.version().get()),
        |(c, f, _)| crate::api::reviewer_pool(c, f),
    );
    let panel = Resource::new(
        move || (id(), assign.version().get()),
        |(c, _)| crate::api::call_reviews(c),
    );
    let ranking = Resource::new(id, crate::api::call_ranking);
    let assign_errors = field_errors(assign.value());
    let award_errors = field_errors(award.value());
    view! {
        <Title text=lang.t("评审与定榜", "Review and award") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let c = match call.await { Ok(c) => c, Err(e) => return error_page(&e, lang) };
                let (pool, panel, ranking) = match (pool.await, panel.await, ranking.await) {
                    (Ok(p), Ok(t), Ok(r)) => (p, t, r),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error_page(&e, lang),
                };
                let call_id = c.summary.id.to_string();
                let winners = c.summary.winners;
                let crit: Vec<String> = c.criteria.iter().map(|k| format!("{}（{}%）", k.name, k.weight)).collect();
                view! {
                    <div class="page-header"><div>
                        <h1 class="page-title">{lang.t("评审与定榜：", "Review and award: ")}{c.summary.title.clone()}</h1>
                        <p class="page-desc"><StatusTag status=c.summary.status />" "<a href=format!("/calls/{}", c.summary.id)>{lang.t("返回榜单", "Back to the call")}</a></p>
                    </div></div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("指派评审专家", "Assign reviewers")}</h2>
                        <form method="get" class="filters" role="search">
                            <div class="filter">
                                <label for="field">{lang.t("按领域筛选", "Filter by field")}</label>
                                <input id="field" name="field" type="text" value=field().unwrap_or_default() />
                            </div>
                            <button class="btn" type="submit">{lang.t("筛选", "Filter")}</button>
                        </form>
                        <ErrorSummary value=assign.value() />
                        <ActionForm action=assign attr:class="form" attr:novalidate="true">
                            <input type="hidden" name="call_id" value=c.summary.id.to_string() />
                            {reviewer_checklist(pool, "experts".into(), lang)}
                            <div class=field_class(assign_errors)("override_reason")>
                                <label for="override_reason">{lang.t("回避豁免理由（仅在指派有冲突的专家时填写）", "Override reason (only to assign an expert with a conflict)")}</label>
                                <TextArea id="override_reason" rows=2 maxlength=1000 />
                                <FieldMsg errors=assign_errors field="override_reason" />
                            </div>
                            <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="assign">{lang.t("指派", "Assign")}</button></div>
                        </ActionForm>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("评审任务", "Assignments")}</h2>
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr><th scope="col">{lang.t("专家", "Reviewer")}</th><th scope="col">{lang.t("申报", "Bid")}</th><th scope="col">{lang.t("状态", "Status")}</th><th scope="col">{lang.t("回避豁免", "Override")}</th></tr></thead>
                            <tbody>{panel.into_iter().map(|t| view! {
                                <tr data-testid="assignment"><td><a href=format!("/reviews/{}", t.id)>{t.expert_name.clone().unwrap_or_default()}</a></td><td>{bid_label(&t.bid_title, lang)}</td><td><StatusTag status=t.status /></td><td>{t.override_reason.clone().unwrap_or_default()}</td></tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    </div>
                    <div class="card" data-testid="ranking">
                        <h2 class="card-title">{lang.t("加权排名", "Weighted ranking")}</h2>
                        <p class="hint">{lang.t("评审指标：", "Criteria: ")}{crit.join("、")}{lang.t("。总分满分 100；与其他专家中位数相差超过 15 分的评分标为离群。", ". Totals are out of 100; a total more than 15 points from the other reviewers' median is flagged.")}</p>
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr><th scope="col" class="num">{lang.t("名次", "Rank")}</th><th scope="col">{lang.t("申报", "Bid")}</th><th scope="col">{lang.t("单位", "Organization")}</th><th scope="col" class="num">{lang.t("平均分", "Mean")}</th><th scope="col" class="num">{lang.t("极差", "Spread")}</th><th scope="col">{lang.t("各专家总分", "Each reviewer")}</th></tr></thead>
                            <tbody>{ranking.iter().map(|r| view! {
                                <tr data-testid="rank-row">
                                    <td class="num">{r.rank}{r.tied.then(|| lang.t("（并列）", " (tie)"))}</td>
                                    <td>{r.bid_title.clone()}</td><td>{r.org_name.clone()}</td>
                                    <td class="num">{r.mean.map(points).unwrap_or_else(|| "—".into())}</td>
                                    <td class="num">{points(r.spread)}</td>
                                    <td>{r.reviewers.iter().map(|x| view! { <span class=if x.outlier { "tag tag-red" } else { "tag tag-grey" }>{x.expert_name.clone()}" "{points(x.total)}{x.outlier.then(|| lang.t(" 离群", " outlier"))}</span>" " }).collect_view()}
                                        {(r.pending > 0).then(|| view! { <span class="tag tag-gold">{match lang { Lang::Zh => format!("{} 份未提交", r.pending), Lang::En => format!("{} pending", r.pending) }}</span> })}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{match lang { Lang::Zh => format!("定榜（选定 {winners} 个中榜团队）并公示", ), Lang::En => format!("Award ({winners} winner(s)) and open the notice") }}</h2>
                        <ErrorSummary value=award.value() />
                        <ActionForm action=award attr:class="form" attr:novalidate="true">
                            <input type="hidden" name="call_id" value=call_id.clone() />
                            <div id="picks">{ranking.iter().map(|r| view! {
                                <div class="field award-row">
                                    <input type="hidden" name="bids[]" value=r.bid_id.to_string() />
                                    <label class="check"><input type="checkbox" name="picks[]" value=r.bid_id.to_string() data-testid="pick" />" "{r.rank}". "{r.bid_title.clone()}" · "{r.org_name.clone()}</label>
                                    <label class="sr-only" for=format!("reason-{}", r.bid_id)>{lang.t("定榜理由", "Reason")}</label>
                                    <input id=format!("reason-{}", r.bid_id) name="reasons[]" type="text" placeholder=lang.t("定榜理由", "Reason for the award") />
                                </div>
                            }).collect_view()}</div>
                            <FieldMsg errors=award_errors field="picks" />
                            <div class=field_class(award_errors)("justification")>
                                <label for="justification">{lang.t("未按排名定榜的书面说明", "Written justification when not awarding the top-ranked bids")}</label>
                                <TextArea id="justification" rows=3 maxlength=2000 />
                                <FieldMsg errors=award_errors field="justification" />
                            </div>
                            <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="award">{lang.t("定榜并开始公示（5 个工作日）", "Award and open the 5-working-day notice")}</button></div>
                        </ActionForm>
                    </div>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The experts an official may assign, each a checkbox `experts[]`, with their conflicts of
/// interest marked and those assigned already disabled; `id` names the fieldset (the error
/// summary links to `experts` on a page with one list).
pub fn reviewer_checklist(
    pool: Vec<crate::model::ReviewerOption>,
    id: String,
    lang: Lang,
) -> impl IntoView {
    view! {
        <fieldset id=id>
            <legend>{lang.t("接受评审的专家（有利益冲突者已标出）", "Experts accepting reviews (conflicts marked)")}</legend>
            {if pool.is_empty() { view! { <p class="hint">{lang.t("没有符合条件的专家。", "No expert matches.")}</p> }.into_any() } else { view! {
                <div class="check-list">{pool.into_iter().map(|p| {
                    let conflicts: Vec<String> = p.conflicts.iter().map(|(t, zh, en)| format!("{}：{}", t, lang.pick(zh, en))).collect();
                    view! {
                        <label class="check" data-testid="reviewer-option">
                            <input type="checkbox" name="experts[]" value=p.user_id.to_string() disabled=p.assigned />" "
                            {p.name.clone()}" · "{p.title.clone()}{p.org_name.clone().map(|o| format!(" · {o}"))}
                            {p.assigned.then(|| view! { <span class="tag tag-green">{lang.t("已指派", "Assigned")}</span> })}
                            {(!conflicts.is_empty()).then(|| view! { <span class="tag tag-red" data-testid="conflict">{lang.t("需回避：", "Conflict: ")}{conflicts.join("；")}</span> })}
                        </label>
                    }
                }).collect_view()}</div>
            }.into_any() }}
        </fieldset>
    }
}

/// The award notice on a call's page: winners, the period, objections and their answers.
/// The actions of the 公示 card, made by the call's page so it reads the call again after each.
#[derive(Clone, Copy)]
pub struct PublicityActions {
    pub object: ServerAction<FileObjection>,
    pub answer: ServerAction<AnswerObjection>,
    pub conclude: ServerAction<ConcludePublicity>,
}

impl Default for PublicityActions {
    fn default() -> Self {
        Self::new()
    }
}

impl PublicityActions {
    pub fn new() -> Self {
        Self {
            object: ServerAction::new(),
            answer: ServerAction::new(),
            conclude: ServerAction::new(),
        }
    }
    pub fn version(&self) -> usize {
        self.object.version().get() + self.answer.version().get() + self.conclude.version().get()
    }
}

pub fn publicity_card(
    call_id: String,
    p: PublicityView,
    actions: PublicityActions,
    lang: Lang,
) -> impl IntoView {
    let PublicityActions {
        object,
        answer,
        conclude,
    } = actions;
    let obj_errors = field_errors(object.value());
    let cid = call_id.clone();
    let conclude_id = call_id.clone();
    view! {
        <div class="card" data-testid="publicity">
            <h2 class="card-title">{lang.t("定榜公示", "Award notice")}</h2>
            <p>{lang.t("公示期：", "Notice period: ")}{format_datetime(p.starts)}" — "{format_datetime(p.ends)}{lang.t("（北京时间，5 个工作日）。公示期内可实名提出书面异议。", " (Beijing time, 5 working days). Signed, written objections may be filed during it.")}</p>
            <div class="table-wrap"><table class="data-table">
                <thead><tr><th scope="col">{lang.t("中榜单位", "Winner")}</th><th scope="col">{lang.t("申报", "Bid")}</th><th scope="col" class="num">{lang.t("评审总分", "Total score")}</th><th scope="col">{lang.t("定榜理由", "Reason")}</th></tr></thead>
                <tbody>{p.awards.iter().map(|a| view! {
                    <tr data-testid="winner"><td><a href=format!("/orgs/{}", a.org_id)>{a.org_name.clone()}</a></td><td>{a.bid_title.clone()}</td><td class="num">{a.total.map(points).unwrap_or_default()}</td>
                    <td>{a.reason.clone()}{a.justification.clone().map(|j| view! { <p class="hint">{lang.t("说明：", "Justification: ")}{j}</p> })}</td></tr>
                }).collect_view()}</tbody>
            </table></div>
            <h3>{lang.t("异议与答复", "Objections and answers")}</h3>
            {if p.objections.is_empty() { view! { <p class="hint">{lang.t("暂无异议。", "No objections.")}</p> }.into_any() } else { view! {
                <ul class="plain-list">{p.objections.iter().map(|o| {
                    let oid = o.id.to_string();
                    let unanswered = o.answer.is_none();
                    let cid = cid.clone();
                    view! {
                        <li class="objection" data-testid="objection">
                            <p><strong>{o.by.clone()}</strong>" "<time>{format_datetime(o.created_at)}</time></p>
                            <p class="pre-wrap">{o.body.clone()}</p>
                            {o.answer.clone().map(|a| view! {
                                <p class="notice notice-info" data-testid="answer"><strong>{if o.upheld == Some(true) { lang.t("答复（采纳，退回评审）：", "Answer (upheld, back to review): ") } else { lang.t("答复（不予采纳）：", "Answer (dismissed): ") }}</strong>{a}</p>
                            })}
                            {(unanswered && p.may_answer).then(|| view! {
                                <ActionForm action=answer attr:class="form" attr:novalidate="true">
                                    <input type="hidden" name="call_id" value=cid />
                                    <input type="hidden" name="id" value=oid.clone() />
                                    <div class="field">
                                        <label for=format!("answer-{oid}") class="required">{lang.t("公开答复", "Public answer")}</label>
                                        <TextArea id=format!("answer-{oid}") name="answer" rows=3 maxlength=2000 />
                                    </div>
                                    <fieldset class="field">
                                        <legend>{lang.t("处理结果", "Decision")}</legend>
                                        <label class="check"><input type="radio" name="decision" value="dismiss" checked=true />" "{lang.t("不予采纳，维持定榜", "Dismiss; the award stands")}</label>
                                        <label class="check"><input type="radio" name="decision" value="uphold" />" "{lang.t("采纳，退回重新评审", "Uphold; back to review")}</label>
                                    </fieldset>
                                    <button class="btn btn-primary" type="submit" data-testid="answer-objection">{lang.t("答复", "Answer")}</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}</ul>
            }.into_any() }}
            <ErrorSummary value=answer.value() />
            {p.may_object.then(|| view! {
                <ErrorSummary value=object.value() />
                <ActionForm action=object attr:class="form" attr:novalidate="true">
                    <input type="hidden" name="call_id" value=call_id.clone() />
                    <div class=field_class(obj_errors)("body")>
                        <label for="body" class="required">{lang.t("提出异议（实名，公开答复）", "File an objection (signed; answered publicly)")}</label>
                        <TextArea id="body" rows=3 maxlength=2000 />
                        <FieldMsg errors=obj_errors field="body" />
                    </div>
                    <button class="btn" type="submit" data-testid="file-objection">{lang.t("提交异议", "Submit the objection")}</button>
                </ActionForm>
            })}
            {p.may_conclude.then(|| view! {
                <ErrorSummary value=conclude.value() />
                <ActionForm action=conclude>
                    <input type="hidden" name="call_id" value=conclude_id.clone() />
                    <button class="btn btn-primary" type="submit" data-testid="conclude">{lang.t("公示期满，结束公示", "End the notice period")}</button>
                </ActionForm>
            })}
        </div>
    }
}

/// What an unsuccessful (or successful) team reads once the award is announced.
pub fn feedback_card(f: BidFeedback, lang: Lang) -> impl IntoView {
    let scale = f.score_scale;
    view! {
        <div class="card" data-testid="feedback">
            <h2 class="card-title">{lang.t("评审反馈", "Review feedback")}</h2>
            <dl class="desc-list">
                <dt>{lang.t("评审总分", "Total score")}</dt><dd>{f.total.map(points).unwrap_or_default()}{lang.t(" / 100", " / 100")}</dd>
                <dt>{lang.t("排名区间", "Ranking band")}</dt><dd data-testid="band">{lang.pick(&f.band_zh, &f.band_en).to_string()}</dd>
            </dl>
            <div class="table-wrap"><table class="data-table">
                <thead><tr><th scope="col">{lang.t("评审指标", "Criterion")}</th><th scope="col" class="num">{lang.t("权重", "Weight")}</th><th scope="col" class="num">{lang.t("平均得分", "Mean score")}</th></tr></thead>
                <tbody>{f.criteria.iter().map(|(n, w, m)| view! { <tr><td>{n.clone()}</td><td class="num">{*w}"%"</td><td class="num">{points(*m)}" / "{scale}</td></tr> }).collect_view()}</tbody>
            </table></div>
            <h3>{lang.t("专家意见（不显示专家身份）", "Reviewers' comments (anonymous)")}</h3>
            <ul class="plain-list">{f.comments.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
        </div>
    }
}

#[component]
pub fn MyReviewsPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| crate::api::my_reviews());
    view! {
        <Title text=lang.t("我的评审", "My reviews") />
        <div class="page-header"><div><h1 class="page-title">{lang.t("我的评审任务", "My review assignments")}</h1></div></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) if items.is_empty() => view! { <div class="card empty-state" data-testid="empty"><p>{lang.t("暂无评审任务。", "No assignments.")}</p></div> }.into_any(),
                    Ok(items) => view! {
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr><th scope="col">{lang.t("申报", "Bid")}</th><th scope="col">{lang.t("榜单", "Call")}</th><th scope="col">{lang.t("状态", "Status")}</th></tr></thead>
                            <tbody>{items.into_iter().map(|t| view! {
                                <tr data-testid="review-row"><td><a href=format!("/reviews/{}", t.id)>{bid_label(&t.bid_title, lang)}</a></td><td>{t.call_title.clone()}</td><td><StatusTag status=t.status /></td></tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
        <super::stage_reviews::StageAssignments />
    }
}

/// A bid's title in a review list; sealed (empty) until the call's window closes.
fn bid_label(title: &str, lang: Lang) -> String {
    if title.is_empty() {
        lang.t("申报（截止后开启）", "Bid (opens after the deadline)")
            .to_string()
    } else {
        title.to_string()
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let lang = use_lang();
    let submit = ServerAction::<SubmitReview>::new();
    let page = use_record_page_with(crate::api::get_review, move || submit.version().get());
    let (act, errors) = (page.act, page.errors);
    let score_errors = field_errors(submit.value());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let (d, posted) = match page.load(lang).await {
                    Ok(loaded) => loaded,
                    Err(view) => return view,
                };
                let id = d.task.id.to_string();
                let scale = d.score_scale;
                view! {
                    <Title text=bid_label(&d.task.bid_title, lang) />
                    <div class="page-header"><div>
                        <h1 class="page-title" data-testid="review-title">{lang.t("评审：", "Review: ")}{bid_label(&d.task.bid_title, lang)}</h1>
                        <p class="page-desc"><StatusTag status=d.task.status />" "<a href=format!("/calls/{}", d.task.call_id)>{d.task.call_title.clone()}</a></p>
                    </div></div>
                    <div class="notice notice-info">{lang.t("请先声明与该申报无利益冲突（同单位、团队成员或其他利害关系须回避），声明后方可查看申报并评分。", "First declare that you have no conflict of interest (same organization, team member or any other interest means recusal); then the bid opens for scoring.")}</div>
                    <ErrorSummary value=act.value() />
                    {action_panel::<ReviewLifecycle>(act, &id, &d.permissions.actions, errors, posted, lang)}
                    {d.bid.clone().map(|b| view! {
                        <div class="card" data-testid="review-bid">
                            <h2 class="card-title">{b.title.clone()}" · "{b.org_name.clone()}</h2>
                            <dl class="desc-list">
                                <dt>{lang.t("经费预算", "Budget")}</dt><dd>{money_wan(b.budget_fen, lang)}</dd>
                                <dt>{lang.t("进度安排", "Timeline")}</dt><dd>{b.timeline.clone()}</dd>
                                <dt>{lang.t("技术方案", "Proposal")}</dt><dd class="full pre-wrap">{b.proposal.clone()}</dd>
                                <dt>{lang.t("里程碑计划", "Milestone plan")}</dt><dd class="full pre-wrap">{b.milestone_plan.join("\n")}</dd>
                            </dl>
                        </div>
                    })}
                    {(!d.scores.is_empty()).then(|| view! {
                        <div class="card" data-testid="my-scores">
                            <h2 class="card-title">{lang.t("已提交的评分", "Submitted scores")}</h2>
                            <ul class="plain-list">{d.criteria.iter().zip(d.scores.iter()).map(|(k, (s, c))| view! { <li>{k.name.clone()}": "{*s}" / "{scale}" — "{c.clone()}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    {d.permissions.edit.then(|| view! {
                        <ErrorSummary value=submit.value() />
                        <ActionForm action=submit attr:class="form card" attr:novalidate="true">
                            <input type="hidden" name="id" value=id.clone() />
                            <h2 class="card-title">{match lang { Lang::Zh => format!("评分（每项 0–{scale} 分）"), Lang::En => format!("Scores (0–{scale} each)") }}</h2>
                            {d.criteria.iter().enumerate().map(|(i, k)| {
                                let sf = format!("score_{i}");
                                let cf = format!("comment_{i}");
                                let has = move |f: String| move || score_errors.get().iter().any(|e| e.field == f);
                                view! {
                                    <div class="grid-2">
                                        <div class="field" class:has-error=has(sf.clone())>
                                            <label for=sf.clone() class="required">{k.name.clone()}" ("{k.weight}"%)"</label>
                                            <input id=sf.clone() name="scores[]" type="number" min="0" max=scale.to_string() step="1" data-testid="score" />
                                        </div>
                                        <div class="field" class:has-error=has(cf.clone())>
                                            <label for=cf.clone() class="required">{lang.t("意见", "Comment")}</label>
                                            <input id=cf.clone() name="comments[]" type="text" maxlength="500" data-testid="score-comment" />
                                        </div>
                                    </div>
                                }
                            }).collect_view()}
                            <div class="field">
                                <label for="comment">{lang.t("综合意见（选填）", "Overall comment (optional)")}</label>
                                <TextArea id="comment" rows=3 maxlength=2000 />
                            </div>
                            <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="submit-scores">{lang.t("提交评分", "Submit scores")}</button></div>
                        </ActionForm>
                    })}
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// `/admin/holidays`: the calendar the 公示 counts working days with (officials extend it).
#[component]
pub fn HolidaysPage() -> impl IntoView {
    let lang = use_lang();
    let set = ServerAction::<SetHoliday>::new();
    let list = Resource::new(move || set.version().get(), |_| crate::api::holidays());
    let errors = field_errors(set.value());
    view! {
        <Title text=lang.t("节假日安排", "Holiday calendar") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("节假日安排", "Holiday calendar")}</h1>
            <p class="page-desc">{lang.t("公示期按工作日计算：周末休息，下列放假日休息、调休上班日上班。国务院公布新一年安排后请在此补充。", "Notice periods count working days: weekends off, the holidays below off, the make-up working days on. Add the new year's arrangement once the State Council publishes it.")}</p>
        </div></div>
        <ErrorSummary value=set.value() />
        <ActionForm action=set attr:class="form card" attr:novalidate="true">
            <div class="grid-2">
                <div class=field_class(errors)("day")>
                    <label for="day" class="required">{lang.t("日期", "Date")}</label>
                    <input id="day" name="day" type="date" />
                    <FieldMsg errors field="day" />
                </div>
                <div class=field_class(errors)("kind")>
                    <label for="kind" class="required">{lang.t("类型", "Kind")}</label>
                    <select id="kind" name="kind">
                        <option value="holiday">{lang.t("放假", "Day off")}</option>
                        <option value="workday">{lang.t("调休上班", "Make-up working day")}</option>
                    </select>
                </div>
            </div>
            <div class=field_class(errors)("name")>
                <label for="name" class="required">{lang.t("名称", "Name")}</label>
                <input id="name" name="name" type="text" maxlength="40" />
                <FieldMsg errors field="name" />
            </div>
            <div class="form-actions"><button class="btn btn-primary" type="submit">{lang.t("保存", "Save")}</button></div>
        </ActionForm>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(days) => view! {
                        <div class="table-wrap"><table class="data-table" data-testid="holidays">
                            <thead><tr><th scope="col">{lang.t("日期", "Date")}</th><th scope="col">{lang.t("类型", "Kind")}</th></tr></thead>
                            <tbody>{days.into_iter().map(|(d, k)| view! { <tr><td>{d}</td><td>{if k == "workday" { lang.t("调休上班", "Make-up working day") } else { lang.t("放假", "Day off") }}</td></tr> }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
