//! Achievement pages: the public list, details with actions, the form, one's own list.
use super::common::*;
use super::lifecycle::{
    action_panel, history_card, reason_notice, record_header, use_record_page, StatusTag,
};
use super::SessionCtx;
use crate::api::SaveAchievement;
use crate::domain::achievement::{AchievementLifecycle, AchievementStatus, TransferMode};
use crate::domain::demand::Trl;
use crate::domain::time::format_date;
use crate::i18n::Lang;
use crate::model::{AchievementForm, AchievementSummary, RefData};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn price_text(p: Option<i64>, lang: Lang) -> String {
    match p {
        None => lang.t("面议", "Negotiable").to_string(),
        Some(f) => money_wan(f, lang),
    }
}

fn modes_text(m: &[TransferMode], lang: Lang) -> String {
    m.iter()
        .map(|x| lang.pick(x.label_zh(), x.label_en()).to_string())
        .collect::<Vec<_>>()
        .join(lang.t("、", ", "))
}

pub(crate) fn item(a: AchievementSummary, refs: &RefData, lang: Lang) -> impl IntoView {
    view! {
        <li class="demand-item" data-testid="achievement-item">
            <h3><a href=format!("/achievements/{}", a.id)>{a.title.clone()}</a></h3>
            <div class="demand-meta">
                <span class="meta-item"><StatusTag status=a.status /></span>
                <span class="meta-item"><a href=format!("/orgs/{}", a.org_id)>{a.org_name.clone()}</a></span>
                <span class="meta-item">{refs.chain_name(&a.chain_code, lang)}</span>
                <span class="meta-item">{format!("TRL {}", a.trl)}</span>
                <span class="meta-item">{modes_text(&a.transfer_modes, lang)}</span>
                <span class="meta-item budget">{price_text(a.price_fen, lang)}</span>
            </div>
            <p class="demand-summary">{a.summary.clone()}</p>
        </li>
    }
}

#[component]
pub fn AchievementsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let refs = super::use_refs();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let list = Resource::new(page, crate::api::public_achievements);
    view! {
        <Title text=lang.t("科技成果", "Technology achievements") />
        <div class="page-header">
            <div>
                <h1 class="page-title">{lang.t("科技成果", "Technology achievements")}</h1>
                <p class="page-desc">{lang.t("高校、科研院所和企业可转让、许可、作价入股或合作开发的科技成果。", "Results from universities, institutes and companies available by transfer, licence, equity or joint development.")}</p>
            </div>
            <div class="page-actions">
                <a class="btn" href="/my/achievements">{lang.t("我的成果", "My achievements")}</a>
                <a class="btn btn-primary" href="/achievements/new">{lang.t("发布科技成果", "List an achievement")}</a>
            </div>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(p) if p.items.is_empty() => view! {
                        <div class="card empty-state" data-testid="empty">
                            <p>{lang.t("暂无已发布的科技成果。", "No published achievements yet.")}</p>
                            <a class="btn btn-primary" href="/achievements/new">{lang.t("发布第一项成果", "List the first one")}</a>
                        </div>
                    }.into_any(),
                    Ok(p) => {
                        let pages = p.pages();
                        let cur = p.page;
                        view! {
                            <p class="list-count">{match lang { Lang::Zh => format!("共 {} 项", p.total), Lang::En => format!("{} in all", p.total) }}</p>
                            <ul class="demand-list">{p.items.into_iter().map(|a| item(a, &refs, lang)).collect_view()}</ul>
                            {(pages > 1).then(|| view! {
                                <nav class="pagination" aria-label=lang.t("分页", "Pagination")>
                                    {(1..=pages).map(|n| if n == cur {
                                        view! { <span class="current" aria-current="page">{n}</span> }.into_any()
                                    } else {
                                        view! { <a href=format!("/achievements?page={n}")>{n}</a> }.into_any()
                                    }).collect_view()}
                                </nav>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn MyAchievementsPage() -> impl IntoView {
    let lang = use_lang();
    let refs = super::use_refs();
    let list = Resource::new(|| (), |_| crate::api::my_achievements());
    view! {
        <Title text=lang.t("我的成果", "My achievements") />
        <div class="page-header">
            <div><h1 class="page-title">{lang.t("我的成果", "My achievements")}</h1></div>
            <div class="page-actions"><a class="btn btn-primary" href="/achievements/new">{lang.t("发布科技成果", "List an achievement")}</a></div>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) if items.is_empty() => view! { <div class="card empty-state"><p>{lang.t("这里还没有成果。", "Nothing here yet.")}</p></div> }.into_any(),
                    Ok(items) => view! { <ul class="demand-list">{items.into_iter().map(|a| item(a, &refs, lang)).collect_view()}</ul> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AchievementDetailPage() -> impl IntoView {
    let lang = use_lang();
    let refs = super::use_refs();
    let page = use_record_page(crate::api::get_achievement);
    let (act, errors) = (page.act, page.errors);
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                let (d, posted) = match page.load(lang).await {
                    Ok(loaded) => loaded,
                    Err(view) => return view,
                };
                let s = d.summary.clone();
                let id = s.id.to_string();
                let trl = Trl::new(s.trl).map(|t| format!("TRL {} · {}", s.trl, lang.pick(t.label_zh(), t.label_en()))).unwrap_or_default();
                let perms = d.permissions.clone();
                view! {
                    {record_header(&s.title, "achievement-title", s.status, (s.org_id, &s.org_name), perms.edit.then(|| format!("/achievements/{id}/edit")), lang)}
                    {reason_notice(d.status_reason.clone(), s.status == AchievementStatus::Rejected, lang)}
                    <ErrorSummary value=act.value() />
                    <div class="card">
                        <dl class="desc-list">
                            <dt>{lang.t("产业链", "Industry chain")}</dt><dd>{refs.chain_name(&s.chain_code, lang)}</dd>
                            <dt>{lang.t("技术领域", "Technical field")}</dt><dd>{d.field.clone()}</dd>
                            <dt>{lang.t("技术成熟度", "Readiness")}</dt><dd>{trl}</dd>
                            <dt>{lang.t("转化方式", "Transfer modes")}</dt><dd>{modes_text(&s.transfer_modes, lang)}</dd>
                            <dt>{lang.t("意向价格", "Asking price")}</dt><dd class="budget">{price_text(s.price_fen, lang)}</dd>
                            <dt>{lang.t("所在区域", "District")}</dt><dd>{refs.district_name(&d.district_code, lang)}</dd>
                            <dt>{lang.t("专利", "Patents")}</dt><dd class="mono">{if d.patents.is_empty() { lang.t("无", "None").to_string() } else { d.patents.join("，") }}</dd>
                            <dt>{lang.t("关键词", "Keywords")}</dt><dd>{d.keywords.join("、")}</dd>
                            <dt>{lang.t("成果简介", "Summary")}</dt><dd class="full pre-wrap">{d.full_summary.clone()}</dd>
                        </dl>
                        {s.published_at.map(|p| view! { <p class="muted small">{lang.t("发布于 ", "Published ")}{format_date(p)}</p> })}
                    </div>
                    {action_panel::<AchievementLifecycle>(act, &id, &perms.actions, errors, posted, lang)}
                    {super::contracts::linked_contracts_card(&d.contracts, lang)}
                    {history_card::<AchievementLifecycle>(&d.history, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn AchievementEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let refs = super::use_refs();
    let session = expect_context::<SessionCtx>().0;
    let id = move || params.read().get("id");
    let existing = use_saved_form(crate::api::get_achievement_form);
    let save = ServerAction::<SaveAchievement>::new();
    let errors = field_errors(save.value());
    let echo = use_echo();
    view! {
        <Title text=lang.t("发布科技成果", "List an achievement") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                let (editing, f) = match record_form_start(session, existing, echo, |a: SaveAchievement| a.form(), || AchievementForm { trl: "5".into(), ..Default::default() }).await {
                    Ok(start) => start,
                    Err(e) => return error_view(&e, lang),
                };
                let cls = field_class(errors);
                view! {
                    <div class="page-header"><div>
                        <h1 class="page-title">{if editing { lang.t("编辑科技成果", "Edit achievement") } else { lang.t("发布科技成果", "List an achievement") }}</h1>
                        <p class="page-desc">{lang.t("带 * 的为必填项。提交后由管理人员审核发布。", "Fields marked * are required. An official reviews it before it is published.")}</p>
                    </div></div>
                    <ErrorSummary value=save.value() />
                    <ActionForm action=save attr:class="form card" attr:novalidate="true">
                        <input type="hidden" name="id" value=id().unwrap_or_default() />
                        <div class=cls("title")>
                            <label for="title" class="required">{lang.t("成果名称", "Title")}</label>
                            <input id="title" name="title" type="text" maxlength="100" value=f.title.clone() />
                            <FieldMsg errors field="title" />
                        </div>
                        <div class=cls("summary")>
                            <label for="summary" class="required">{lang.t("成果简介", "Summary")}</label>
                            <p class="hint">{lang.t("20–5000 字：技术原理、指标、应用场景、成熟度依据", "20–5000 characters: principle, figures, applications, evidence of readiness")}</p>
                            <TextArea id="summary" rows=6 maxlength=5000 value=f.summary.clone() />
                            <FieldMsg errors field="summary" />
                        </div>
                        <div class="grid-2">
                            <div class=cls("chain")>
                                <label for="chain" class="required">{lang.t("产业链", "Industry chain")}</label>
                                <select id="chain" name="chain">
                                    {chain_options(&refs, &f.chain, lang)}
                                </select>
                                <FieldMsg errors field="chain" />
                            </div>
                            <div class=cls("field")>
                                <label for="field" class="required">{lang.t("技术领域", "Technical field")}</label>
                                <input id="field" name="field" type="text" maxlength="50" value=f.field.clone() />
                                <FieldMsg errors field="field" />
                            </div>
                        </div>
                        <div class=cls("keywords")>
                            <label for="keywords" class="required">{lang.t("关键词", "Keywords")}</label>
                            <input id="keywords" name="keywords" type="text" value=f.keywords.clone() />
                            <FieldMsg errors field="keywords" />
                        </div>
                        <div class="grid-2">
                            <div class=cls("trl")>
                                <label for="trl" class="required">{lang.t("技术成熟度（TRL）", "Readiness (TRL)")}</label>
                                <select id="trl" name="trl">
                                    {(1u8..=9).filter_map(|n| Trl::new(n).ok().map(|t| (n, t))).map(|(n, t)| {
                                        let s = f.trl == n.to_string();
                                        view! { <option value=n.to_string() selected=s>{format!("{n} · {}", lang.pick(t.label_zh(), t.label_en()))}</option> }
                                    }).collect_view()}
                                </select>
                                <FieldMsg errors field="trl" />
                            </div>
                            <div class=cls("patents")>
                                <label for="patents">{lang.t("专利号（选填）", "Patent numbers (optional)")}</label>
                                <p class="hint">{lang.t("每行或用逗号分隔一个，如 CN112345678B", "One per line or comma-separated, e.g. CN112345678B")}</p>
                                <TextArea id="patents" rows=2 value=f.patents.clone() />
                                <FieldMsg errors field="patents" />
                            </div>
                        </div>
                        <fieldset class=cls("transfer_modes") id="transfer_modes">
                            <legend class="required">{lang.t("转化方式", "Transfer modes")}</legend>
                            {TransferMode::ALL.iter().map(|m| {
                                let name = format!("mode_{}", m.as_str());
                                let checked = f.transfer_modes.iter().any(|x| x == m.as_str());
                                view! {
                                    <div class="checkbox-row">
                                        <input type="checkbox" id=name.clone() name=name.clone() value="on" checked=checked />
                                        <label for=name>{lang.pick(m.label_zh(), m.label_en()).to_string()}</label>
                                    </div>
                                }
                            }).collect_view()}
                            <FieldMsg errors field="transfer_modes" />
                        </fieldset>
                        <div class=cls("price")>
                            <label for="price">{lang.t("意向价格（万元）", "Asking price (万元)")}</label>
                            <div class="input-group"><input id="price" name="price" type="text" inputmode="decimal" value=f.price.clone() /><span class="suffix">"万元"</span></div>
                            <div class="checkbox-row">
                                <input type="checkbox" id="negotiable" name="negotiable" value="on" checked=f.negotiable />
                                <label for="negotiable">{lang.t("面议", "Negotiable")}</label>
                            </div>
                            <FieldMsg errors field="price" />
                        </div>
                        <div class="form-actions">
                            <button class="btn" type="submit" name="intent" value="save" data-testid="save-draft">{lang.t("保存草稿", "Save draft")}</button>
                            <button class="btn btn-primary" type="submit" name="intent" value="submit" data-testid="save-submit">{lang.t("保存并提交审核", "Save and submit for review")}</button>
                        </div>
                    </ActionForm>
                }
                .into_any()
            })}
        </Suspense>
    }
}
