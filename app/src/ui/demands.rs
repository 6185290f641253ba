//! Demand pages: the public list, details, the form, the owner's list and the review queue.
use super::common::*;
use super::lifecycle::{
    action_panel, history_card, reason_notice, record_header, use_record_page, StatusTag,
};
use super::SessionCtx;
use crate::api::SaveDemand;
use crate::domain::demand::DemandLifecycle;
use crate::domain::demand::{IpPreference, Trl};
use crate::domain::time::{format_date, format_datetime, remaining_en, remaining_zh};
use crate::domain::DemandStatus;
use crate::i18n::Lang;
use crate::model::{DemandForm, DemandSummary, RefData};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub(crate) fn demand_item(d: DemandSummary, refs: &RefData, lang: Lang) -> impl IntoView {
    let chain = refs.chain_name(&d.chain_code, lang);
    let district = refs.district_name(&d.district_code, lang);
    let now = chrono::Utc::now();
    let remaining = match lang {
        Lang::Zh => remaining_zh(d.deadline, now),
        Lang::En => remaining_en(d.deadline, now),
    };
    view! {
        <li class="demand-item" data-testid="demand-item">
            <h3>
                <a href=format!("/demands/{}", d.id)>{d.title.clone()}</a>
            </h3>
            <div class="demand-meta">
                <span class="meta-item"><StatusTag status=d.status /></span>
                <span class="meta-item"><a href=format!("/orgs/{}", d.org_id)>{d.org_name.clone()}</a></span>
                <span class="meta-item">{lang.t("产业链：", "Chain: ")}{chain}</span>
                <span class="meta-item">{lang.t("区域：", "District: ")}{district}</span>
                <span class="meta-item budget">{budget_text(d.budget_min_fen, d.budget_max_fen, lang)}</span>
                <span class="meta-item">
                    {lang.t("截止：", "Deadline: ")}{format_date(d.deadline)}" ("{remaining}")"
                </span>
            </div>
            <p class="demand-summary">{d.summary.clone()}</p>
        </li>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let refs = super::use_refs();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let chain = move || query.read().get("chain").filter(|c| !c.is_empty());
    let district = move || query.read().get("district").filter(|c| !c.is_empty());
    let demands = Resource::new(
        move || (page(), chain(), district()),
        |(p, c, d)| crate::api::public_demands(p, c, d),
    );
    view! {
        <Title text="" />
        <div class="page-header">
            <div>
                <h1 class="page-title">{lang.t("技术需求榜", "Technical demands")}</h1>
                <p class="page-desc">
                    {lang.t(
                        "产业出题、科技解题：南宁企业发布的技术难题，欢迎高校、科研院所和企业团队对接攻关。",
                        "Industry sets the question, science answers it: technical problems posted by Nanning enterprises, open to universities, institutes and companies.",
                    )}
                </p>
            </div>
            <div class="page-actions">
                <a class="btn btn-primary" href="/demands/new">{lang.t("发布技术需求", "Post a demand")}</a>
            </div>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                let chain_sel = chain().unwrap_or_default();
                let district_sel = district().unwrap_or_default();
                let filters = view! {
                    <form class="card filters" method="get" action="/" role="search" aria-label=lang.t("筛选需求", "Filter demands")>
                        <div class="filter">
                        <label for="f-chain">{lang.t("产业链", "Industry chain")}</label>
                        <select id="f-chain" name="chain">
                            <option value="">{lang.t("全部", "All")}</option>
                            {refs.chains.iter().filter(|c| c.parent_code.is_none()).map(|c| {
                                let sel = c.code == chain_sel;
                                view! { <option value=c.code.clone() selected=sel>{lang.pick(&c.name_zh, &c.name_en).to_string()}</option> }
                            }).collect_view()}
                        </select>
                        </div>
                        <div class="filter">
                        <label for="f-district">{lang.t("区域", "District")}</label>
                        <select id="f-district" name="district">
                            <option value="">{lang.t("全部", "All")}</option>
                            {refs.districts.iter().map(|d| {
                                let sel = d.code == district_sel;
                                view! { <option value=d.code.clone() selected=sel>{lang.pick(&d.name_zh, &d.name_en).to_string()}</option> }
                            }).collect_view()}
                        </select>
                        </div>
                        <button class="btn" type="submit">{lang.t("筛选", "Filter")}</button>
                    </form>
                };
                let body = match demands.await {
                    Err(e) => error_view(&e, lang),
                    Ok(p) if p.items.is_empty() => view! {
                        <div class="card empty-state" data-testid="empty">
                            <p>{lang.t("暂无符合条件的已发布需求。", "No published demands match.")}</p>
                            <a class="btn btn-primary" href="/demands/new">{lang.t("发布第一条需求", "Post the first one")}</a>
                        </div>
                    }.into_any(),
                    Ok(p) => {
                        let pages = p.pages();
                        let cur = p.page;
                        let link = move |n: u32| {
                            let mut s = format!("/?page={n}");
                            if !chain_sel.is_empty() { s.push_str(&format!("&chain={}", urlencode(&chain_sel))); }
                            if !district_sel.is_empty() { s.push_str(&format!("&district={}", urlencode(&district_sel))); }
                            s
                        };
                        view! {
                            <p class="list-count" data-testid="count">
                                {match lang { Lang::Zh => format!("共 {} 条", p.total), Lang::En => format!("{} in all", p.total) }}
                            </p>
                            <ul class="demand-list">
                                {p.items.into_iter().map(|d| demand_item(d, &refs, lang)).collect_view()}
                            </ul>
                            {(pages > 1).then(|| view! {
                                <nav class="pagination" aria-label=lang.t("分页", "Pagination")>
                                    {(1..=pages).map(|n| if n == cur {
                                        view! { <span class="current" aria-current="page">{n}</span> }.into_any()
                                    } else {
                                        view! { <a href=link(n)>{n}</a> }.into_any()
                                    }).collect_view()}
                                </nav>
                            })}
                        }.into_any()
                    }
                };
                view! { {filters} {body} }
            })}
        </Suspense>
    }
}

#[component]
pub fn DemandDetailPage() -> impl IntoView {
    let lang = use_lang();
    let refs = super::use_refs();
    let page = use_record_page(crate::api::get_demand);
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
                let p = d.permissions.clone();
                let trl = Trl::new(s.trl).map(|t| format!("TRL {} · {}", s.trl, lang.pick(t.label_zh(), t.label_en()))).unwrap_or_default();
                let ip = lang.pick(d.ip_preference.label_zh(), d.ip_preference.label_en()).to_string();
                let steps = [DemandStatus::Draft, DemandStatus::Submitted, DemandStatus::Published];
                let rejected = s.status == DemandStatus::Rejected;
                let pos = match s.status { DemandStatus::Draft => 0, DemandStatus::Submitted | DemandStatus::Rejected => 1, _ => 2 };
                view! {
                    {record_header(&s.title, "demand-title", s.status, (s.org_id, &s.org_name), p.edit.then(|| format!("/demands/{id}/edit")), lang)}
                    {p.see_history.then(|| view! {
                        <ol class="steps" aria-label=lang.t("流程", "Progress")>
                            {steps.iter().enumerate().map(|(i, st)| {
                                let class = if rejected && i == 1 { "step rejected" } else if i < pos || (i == pos && pos == 2) { "step done" } else if i == pos { "step current" } else { "step" };
                                let label = if rejected && i == 1 { lang.t("已驳回", "Rejected").to_string() } else { lang.pick(st.label_zh(), st.label_en()).to_string() };
                                view! { <li class=class aria-current=(i == pos).then_some("step")><span class="step-index">{i + 1}</span><span class="step-label">{label}</span></li> }
                            }).collect_view()}
                        </ol>
                    })}
                    {reason_notice(d.status_reason.clone().filter(|_| rejected), true, lang)}
                    <ErrorSummary value=act.value() />
                    <div class="card">
                        <dl class="desc-list">
                            <dt>{lang.t("产业链", "Industry chain")}</dt><dd>{refs.chain_name(&s.chain_code, lang)}</dd>
                            <dt>{lang.t("技术领域", "Technical field")}</dt><dd>{d.field.clone()}</dd>
                            <dt>{lang.t("所在区域", "District")}</dt><dd>{refs.district_name(&s.district_code, lang)}</dd>
                            <dt>{lang.t("预算", "Budget")}</dt><dd class="budget">{budget_text(s.budget_min_fen, s.budget_max_fen, lang)}</dd>
                            <dt>{lang.t("期望技术成熟度", "Desired readiness")}</dt><dd>{trl}</dd>
                            <dt>{lang.t("截止时间", "Deadline")}</dt><dd>{format_datetime(s.deadline)}{lang.t("（北京时间）", " (Beijing time)")}</dd>
                            <dt>{lang.t("知识产权意向", "IP preference")}</dt><dd>{ip}</dd>
                            <dt>{lang.t("关键词", "Keywords")}</dt><dd>{d.keywords.join("、")}</dd>
                            <dt>{lang.t("需求描述", "Description")}</dt><dd class="full pre-wrap">{d.description.clone()}</dd>
                        </dl>
                    </div>
                    {d.confidential_detail.clone().map(|c| view! {
                        <div class="card confidential" data-testid="confidential">
                            <h2 class="card-title">{lang.t("保密详情（仅本机构和管理人员可见）", "Confidential detail (own organization and officials only)")}</h2>
                            <p class="pre-wrap">{if c.is_empty() { lang.t("（未填写）", "(none)").to_string() } else { c }}</p>
                        </div>
                    })}
                    {action_panel::<DemandLifecycle>(act, &id, &p.actions, errors, posted, lang)}
                    {super::contracts::linked_contracts_card(&d.contracts, lang)}
                    {history_card::<DemandLifecycle>(&d.history, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn DemandEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let refs = super::use_refs();
    let session = expect_context::<SessionCtx>().0;
    let id = move || params.read().get("id");
    let existing = use_saved_form(crate::api::get_demand_form);
    let save = ServerAction::<SaveDemand>::new();
    let errors = field_errors(save.value());
    let echo = use_echo();
    view! {
        <Title text=lang.t("发布技术需求", "Post a demand") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                let (editing, f) = match record_form_start(session, existing, echo, |a: SaveDemand| a.form(), || DemandForm { trl: "6".into(), ip_preference: "negotiable".into(), ..Default::default() }).await {
                    Ok(start) => start,
                    Err(e) => return error_view(&e, lang),
                };
                let input_class = field_class(errors);
                view! {
                    <div class="page-header">
                        <div>
                            <h1 class="page-title">{if editing { lang.t("编辑技术需求", "Edit demand") } else { lang.t("发布技术需求", "Post a demand") }}</h1>
                            <p class="page-desc">{lang.t("带 * 的为必填项。保存为草稿后可继续修改；提交后由管理人员审核发布。", "Fields marked * are required. Save a draft to keep editing; once submitted, an official reviews and publishes it.")}</p>
                        </div>
                    </div>
                    <ErrorSummary value=save.value() />
                    <ActionForm action=save attr:class="form card" attr:novalidate="true">
                        <input type="hidden" name="id" value=id().unwrap_or_default() />
                        <div class=input_class("title")>
                            <label for="title" class="required">{lang.t("需求名称", "Title")}</label>
                            <p class="hint">{lang.t("4–80 个字，概括要解决的技术问题", "4–80 characters summarising the problem")}</p>
                            <input id="title" name="title" type="text" maxlength="80" value=f.title.clone() aria-describedby="title-error" />
                            <FieldMsg errors field="title" />
                        </div>
                        <div class=input_class("description")>
                            <label for="description" class="required">{lang.t("需求描述（公开）", "Description (public)")}</label>
                            <p class="hint">{lang.t("公开展示的内容：背景、现状、目标指标。不要写入保密信息。", "Shown publicly: background, current state, target figures. Keep secrets out of it.")}</p>
                            <TextArea id="description" rows=6 maxlength=5000 value=f.description.clone() />
                            <FieldMsg errors field="description" />
                        </div>
                        <div class="grid-2">
                            <div class=input_class("chain")>
                                <label for="chain" class="required">{lang.t("产业链", "Industry chain")}</label>
                                <select id="chain" name="chain">
                                    {chain_options(&refs, &f.chain, lang)}
                                </select>
                                <FieldMsg errors field="chain" />
                            </div>
                            <div class=input_class("field")>
                                <label for="field" class="required">{lang.t("技术领域", "Technical field")}</label>
                                <input id="field" name="field" type="text" maxlength="50" value=f.field.clone() />
                                <FieldMsg errors field="field" />
                            </div>
                        </div>
                        <div class=input_class("keywords")>
                            <label for="keywords" class="required">{lang.t("关键词", "Keywords")}</label>
                            <p class="hint">{lang.t("用逗号或顿号分隔，最多 10 个", "Separate with commas; at most 10")}</p>
                            <input id="keywords" name="keywords" type="text" value=f.keywords.clone() />
                            <FieldMsg errors field="keywords" />
                        </div>
                        <div class="grid-2">
                            <div class=input_class("budget_min")>
                                <label for="budget_min" class="required">{lang.t("预算下限（万元）", "Budget from (10k yuan, 万元)")}</label>
                                <p class="hint">{lang.t("只填数字，单位为万元，如 50 或 12.5", "Digits only, in 万元 (10,000 yuan), e.g. 50 or 12.5")}</p>
                                <div class="input-group"><input id="budget_min" name="budget_min" type="text" inputmode="decimal" value=f.budget_min.clone() /><span class="suffix">"万元"</span></div>
                                <FieldMsg errors field="budget_min" />
                            </div>
                            <div class=input_class("budget_max")>
                                <label for="budget_max" class="required">{lang.t("预算上限（万元）", "Budget up to (万元)")}</label>
                                <p class="hint">{lang.t("不低于下限", "Not below the lower bound")}</p>
                                <div class="input-group"><input id="budget_max" name="budget_max" type="text" inputmode="decimal" value=f.budget_max.clone() /><span class="suffix">"万元"</span></div>
                                <FieldMsg errors field="budget_max" />
                            </div>
                        </div>
                        <div class="grid-2">
                            <div class=input_class("trl")>
                                <label for="trl" class="required">{lang.t("期望技术成熟度（TRL）", "Desired readiness (TRL)")}</label>
                                <select id="trl" name="trl">
                                    {(1u8..=9).filter_map(|n| Trl::new(n).ok().map(|t| (n, t))).map(|(n, t)| {
                                        let s = f.trl == n.to_string();
                                        view! { <option value=n.to_string() selected=s>{format!("{n} · {}", lang.pick(t.label_zh(), t.label_en()))}</option> }
                                    }).collect_view()}
                                </select>
                                <FieldMsg errors field="trl" />
                            </div>
                            <div class=input_class("deadline")>
                                <label for="deadline" class="required">{lang.t("截止日期", "Deadline")}</label>
                                <p class="hint">{lang.t("北京时间当日 24 时截止", "Closes at the end of that day, Beijing time")}</p>
                                <input id="deadline" name="deadline" type="date" value=f.deadline.clone() />
                                <FieldMsg errors field="deadline" />
                            </div>
                        </div>
                        <div class=input_class("ip_preference")>
                            <label for="ip_preference" class="required">{lang.t("知识产权归属意向", "IP preference")}</label>
                            <select id="ip_preference" name="ip_preference">
                                {IpPreference::ALL.iter().map(|ip| {
                                    let s = f.ip_preference == ip.as_str();
                                    view! { <option value=ip.as_str() selected=s>{lang.pick(ip.label_zh(), ip.label_en()).to_string()}</option> }
                                }).collect_view()}
                            </select>
                            <FieldMsg errors field="ip_preference" />
                        </div>
                        <div class=input_class("confidential_detail")>
                            <label for="confidential_detail">{lang.t("保密详情（选填）", "Confidential detail (optional)")}</label>
                            <p class="hint">{lang.t("仅本机构成员和管理人员可见，不会出现在公开页面、搜索或接口中", "Only your organization and officials see this; never on public pages, search or the API")}</p>
                            <TextArea id="confidential_detail" rows=4 maxlength=5000 value=f.confidential_detail.clone() />
                            <FieldMsg errors field="confidential_detail" />
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

fn demand_table(items: Vec<DemandSummary>, lang: Lang) -> AnyView {
    if items.is_empty() {
        return view! {
            <div class="card empty-state" data-testid="empty">
                <p>{lang.t("这里还没有需求。", "Nothing here yet.")}</p>
            </div>
        }
        .into_any();
    }
    view! {
        <p class="list-count">{match lang { Lang::Zh => format!("共 {} 条", items.len()), Lang::En => format!("{} in all", items.len()) }}</p>
        <div class="table-wrap">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{lang.t("需求名称", "Title")}</th>
                        <th scope="col">{lang.t("机构", "Organization")}</th>
                        <th scope="col">{lang.t("状态", "Status")}</th>
                        <th scope="col" class="num">{lang.t("预算", "Budget")}</th>
                        <th scope="col">{lang.t("截止日期", "Deadline")}</th>
                        <th scope="col">{lang.t("更新时间", "Updated")}</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|d| view! {
                        <tr data-testid="demand-row">
                            <td><a href=format!("/demands/{}", d.id)>{d.title.clone()}</a></td>
                            <td>{d.org_name.clone()}</td>
                            <td><StatusTag status=d.status /></td>
                            <td class="num">{budget_text(d.budget_min_fen, d.budget_max_fen, lang)}</td>
                            <td>{format_date(d.deadline)}</td>
                            <td>{format_datetime(d.updated_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn MyDemandsPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| crate::api::my_demands());
    view! {
        <Title text=lang.t("我的需求", "My demands") />
        <div class="page-header">
            <div><h1 class="page-title">{lang.t("我的需求", "My demands")}</h1></div>
            <div class="page-actions"><a class="btn btn-primary" href="/demands/new">{lang.t("发布技术需求", "Post a demand")}</a></div>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => demand_table(items, lang),
                    Err(e) => error_view(&e, lang),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| crate::api::review_queue());
    let achievements = Resource::new(|| (), |_| crate::api::achievement_review_queue());
    view! {
        <Title text=lang.t("需求审核", "Review queue") />
        <div class="page-header">
            <div>
                <h1 class="page-title">{lang.t("需求审核", "Review queue")}</h1>
                <p class="page-desc">{lang.t("待审核的技术需求，打开后可通过发布或驳回（须填写理由）。", "Demands awaiting review; open one to approve or reject it with a reason.")}</p>
            </div>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => demand_table(items, lang),
                    Err(e) => error_view(&e, lang),
                }
            })}
        </Suspense>
        <h2 class="page-title section-gap">{lang.t("待审核科技成果", "Achievements awaiting review")}</h2>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match achievements.await {
                    Ok(items) if items.is_empty() => view! { <div class="card empty-state"><p>{lang.t("没有待审核的成果。", "Nothing to review.")}</p></div> }.into_any(),
                    Ok(items) => view! {
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr>
                                <th scope="col">{lang.t("成果名称", "Title")}</th>
                                <th scope="col">{lang.t("机构", "Organization")}</th>
                                <th scope="col">{lang.t("更新时间", "Updated")}</th>
                            </tr></thead>
                            <tbody>
                                {items.into_iter().map(|a| view! {
                                    <tr data-testid="achievement-row">
                                        <td><a href=format!("/achievements/{}", a.id)>{a.title.clone()}</a></td>
                                        <td>{a.org_name.clone()}</td>
                                        <td>{format_datetime(a.updated_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                    Err(e) => error_view(&e, lang),
                }
            })}
        </Suspense>
    }
}
