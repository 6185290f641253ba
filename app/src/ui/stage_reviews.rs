//! The experts of an implementation stage (a milestone, the final acceptance, the 赛马制
//! mid-term review): their opinions, the reviewer's own opinion form, and the officials' form
//! to assign experts with conflicts of interest marked. The expert's list of such assignments
//! is on "我的评审".
use super::common::*;
use super::reviews::reviewer_checklist;
use crate::api::{AssignStageReviewers, GiveStageOpinion};
use crate::domain::stage_review::{Opinion, MIN_COMMENT};
use crate::domain::time::format_datetime;
use crate::i18n::Lang;
use crate::model::StageReviews;
use leptos::prelude::*;

/// The two actions of a stage card, made by its page so the page reads again after each.
#[derive(Clone, Copy)]
pub struct StageActions {
    pub assign: ServerAction<AssignStageReviewers>,
    pub opine: ServerAction<GiveStageOpinion>,
}

impl StageActions {
    pub fn new() -> Self {
        Self {
            assign: ServerAction::new(),
            opine: ServerAction::new(),
        }
    }
}

impl Default for StageActions {
    fn default() -> Self {
        Self::new()
    }
}

fn opinion_tag(o: Opinion, lang: Lang) -> impl IntoView {
    view! { <span class=format!("tag tag-{}", o.tag_color())>{lang.pick(o.label_zh(), o.label_en())}</span> }
}

/// One stage's experts. `call_id` and `milestone_id` (blank: the mid-term review) name the
/// stage for the assignment form; `key` keeps the form's ids unique on a page.
pub fn stage_card(
    sr: &StageReviews,
    call_id: String,
    milestone_id: String,
    key: &str,
    acts: StageActions,
    lang: Lang,
) -> AnyView {
    let assign_errors = field_errors(acts.assign.value());
    let opine_errors = field_errors(acts.opine.value());
    let current = sr.current();
    let opinions = sr.opinions.clone();
    let pool = sr.pool.clone();
    let needed_class = if current >= sr.needed {
        "hint"
    } else {
        "notice notice-warning"
    };
    let (asks, mine, needed, may_assign) = (sr.asks_opinion, sr.mine, sr.needed, sr.may_assign);
    let key = key.to_string();
    let key2 = key.clone();
    view! {
        <div class="card" data-testid="stage-reviews">
            <h2 class="card-title">{lang.t("专家评审意见", "Reviewers' opinions")}</h2>
            {(needed > 0).then(|| view! {
                <p class=needed_class data-testid="opinions-needed">{match lang {
                    Lang::Zh => format!("验收须由评审专家对本次验收材料提交意见后才能作出结论（已提交 {current} 份）。"),
                    Lang::En => format!("The final acceptance is decided once reviewers have given an opinion on this submission ({current} so far)."),
                }}</p>
            })}
            {if opinions.is_empty() {
                view! { <p class="hint">{lang.t("尚未指派评审专家。", "No reviewer is assigned yet.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="data-table">
                        <thead><tr>
                            <th scope="col">{lang.t("专家", "Reviewer")}</th>
                            {asks.then(|| view! { <th scope="col">{lang.t("结论", "Conclusion")}</th> })}
                            <th scope="col">{lang.t("意见", "Opinion")}</th>
                            <th scope="col">{lang.t("提交时间", "Given")}</th>
                        </tr></thead>
                        <tbody>{opinions.into_iter().map(|o| {
                            view! {
                                <tr data-testid="stage-opinion" data-current=o.current.to_string()>
                                    <td>{o.expert.clone().unwrap_or_else(|| match lang { Lang::Zh => format!("专家 {}", o.number), Lang::En => format!("Reviewer {}", o.number) })}
                                        {o.override_reason.clone().map(|r| view! { <p class="hint">{lang.t("回避豁免：", "Override: ")}{r}</p> })}</td>
                                    {asks.then(|| view! { <td>{o.opinion.map(|x| opinion_tag(x, lang).into_any()).unwrap_or_else(|| view! { <span class="tag tag-grey">{lang.t("待提交", "Pending")}</span> }.into_any())}</td> })}
                                    <td class="pre-wrap">{o.comment.clone().unwrap_or_default()}
                                        {(o.given_at.is_some() && !o.current).then(|| view! { <p class="hint">{lang.t("（针对此前提交的材料）", "(on an earlier submission)")}</p> })}</td>
                                    <td>{o.given_at.map(format_datetime).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            {mine.map(|rid| view! {
                <h3>{lang.t("我的评审意见", "My opinion")}</h3>
                <ErrorSummary value=acts.opine.value() />
                <ActionForm action=acts.opine attr:class="form" attr:novalidate="true">
                    <input type="hidden" name="review_id" value=rid.to_string() />
                    {asks.then(|| view! {
                        <fieldset class=field_class(opine_errors)("opinion") id=format!("opinion-{}", key)>
                            <legend class="required">{lang.t("评审结论", "Conclusion")}</legend>
                            {Opinion::ALL.into_iter().map(|o| view! {
                                <label class="check"><input type="radio" name="opinion" value=o.as_str() />" "{lang.pick(o.label_zh(), o.label_en())}</label>
                            }).collect_view()}
                            <FieldMsg errors=opine_errors field="opinion" />
                        </fieldset>
                    })}
                    <div class=field_class(opine_errors)("comment")>
                        <label for=format!("comment-{key}") class="required">{lang.t("评审意见", "Opinion")}</label>
                        <TextArea id=format!("comment-{key}") name="comment" rows=4 maxlength=2000 />
                        <p class="hint">{match lang { Lang::Zh => format!("至少 {MIN_COMMENT} 个字。意见提供给主管部门；中榜团队看到的是不署名的意见。"), Lang::En => format!("At least {MIN_COMMENT} characters. Officials see your name; the team sees the opinion unsigned.") }}</p>
                        <FieldMsg errors=opine_errors field="comment" />
                    </div>
                    <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="give-opinion">{lang.t("提交意见", "Give the opinion")}</button></div>
                </ActionForm>
            })}
            {may_assign.then(|| view! {
                <details class="assign-experts" data-testid="assign-stage">
                    <summary>{lang.t("指派评审专家", "Assign reviewers")}</summary>
                    <ErrorSummary value=acts.assign.value() />
                    <ActionForm action=acts.assign attr:class="form" attr:novalidate="true">
                        <input type="hidden" name="call_id" value=call_id.clone() />
                        <input type="hidden" name="milestone_id" value=milestone_id.clone() />
                        {reviewer_checklist(pool.clone(), format!("experts-{key2}"), lang)}
                        <div class=field_class(assign_errors)("override_reason")>
                            <label for=format!("override-{key2}")>{lang.t("回避豁免理由（仅在指派有冲突的专家时填写）", "Override reason (only to assign an expert with a conflict)")}</label>
                            <TextArea id=format!("override-{key2}") name="override_reason" rows=2 maxlength=1000 />
                            <FieldMsg errors=assign_errors field="override_reason" />
                        </div>
                        <div class="form-actions"><button class="btn" type="submit" data-testid="assign-experts">{lang.t("指派", "Assign")}</button></div>
                    </ActionForm>
                </details>
            })}
        </div>
    }
    .into_any()
}

/// "我的评审": the expert's assignments to implementation stages.
#[component]
pub fn StageAssignments() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| crate::api::my_stage_reviews());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) if items.is_empty() => ().into_any(),
                    Ok(items) => view! {
                        <div class="card" data-testid="stage-assignments">
                            <h2 class="card-title">{lang.t("项目实施评审（里程碑、中期评估、验收）", "Implementation reviews (milestones, mid-term, acceptance)")}</h2>
                            <div class="table-wrap"><table class="data-table">
                                <thead><tr><th scope="col">{lang.t("评审事项", "Stage")}</th><th scope="col">{lang.t("榜单", "Call")}</th><th scope="col">{lang.t("指派时间", "Assigned")}</th><th scope="col">{lang.t("意见", "Opinion")}</th></tr></thead>
                                <tbody>{items.into_iter().map(|a| view! {
                                    <tr data-testid="stage-assignment">
                                        <td><a href=a.link.clone()>{match (&a.org_name, &a.deliverable) {
                                            (Some(o), Some(d)) => format!("{o} · {d}"),
                                            _ => lang.t("赛马制中期评估", "Mid-term review").to_string(),
                                        }}</a></td>
                                        <td>{a.call_title.clone()}</td>
                                        <td>{format_datetime(a.assigned_at)}</td>
                                        <td>{match a.given_at {
                                            Some(g) => view! { <span class="tag tag-green">{lang.t("已提交 ", "Given ")}{format_datetime(g)}</span> }.into_any(),
                                            None => view! { <span class="tag tag-gold">{lang.t("待提交", "Pending")}</span> }.into_any(),
                                        }}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table></div>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
