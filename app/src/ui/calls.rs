//! 揭榜挂帅 call pages: the public list (filters in the address), a call's page with its
//! indicators, funding, eligibility, countdown and bid count, and the officials' call form.
use super::common::*;
use super::lifecycle::{
    action_panel, history_card, record_header_plain, use_record_page_with, StatusTag,
};
use super::SessionCtx;
use crate::api::SaveCall;
use crate::domain::call::{CallLifecycle, CallStatus};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::time::{format_datetime, remaining_en, remaining_zh};
use crate::domain::OrgType;
use crate::i18n::Lang;
use crate::model::{CallForm, CallSummary, RefData};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn countdown(c: &CallSummary, now: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    if c.status != CallStatus::Published {
        return lang
            .pick(c.status.label_zh(), c.status.label_en())
            .to_string();
    }
    if now < c.opens_at {
        return match lang {
            Lang::Zh => format!("{} 开始揭榜", format_datetime(c.opens_at)),
            Lang::En => format!("Opens {}", format_datetime(c.opens_at)),
        };
    }
    match lang {
        Lang::Zh => remaining_zh(c.closes_at, now),
        Lang::En => remaining_en(c.closes_at, now),
    }
}

fn call_item(c: CallSummary, refs: &RefData, lang: Lang) -> impl IntoView {
    let now = chrono::Utc::now();
    let left = countdown(&c, now, lang);
    view! {
        <li class="demand-item" data-testid="call-item">
            <h3><a href=format!("/calls/{}", c.id)>{c.title.clone()}</a></h3>
            <div class="demand-meta">
                <span class="meta-item"><StatusTag status=c.status /></span>
                <span class="meta-item budget">{lang.t("榜额 ", "Funding ")}{money_wan(c.total_fund_fen(), lang)}</span>
                <span class="meta-item">{lang.t("产业链：", "Chain: ")}{refs.chain_name(&c.chain_code, lang)}</span>
                <span class="meta-item">{lang.t("区域：", "District: ")}{refs.district_name(&c.district_code, lang)}</span>
                <span class="meta-item">{lang.t("截止：", "Closes: ")}{format_datetime(c.closes_at)}" ("{left}")"</span>
                <span class="meta-item" data-testid="bid-count">
                    {match lang { Lang::Zh => format!("已揭榜 {} 家", c.bids_submitted), Lang::En => format!("{} bid(s)", c.bids_submitted) }}
                </span>
            </div>
        </li>
    }
}

#[component]
pub fn CallsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let refs = super::use_refs();
    let session = expect_context::<SessionCtx>().0;
    let q = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let calls = Resource::new(
        move || {
            (
                q("page").and_then(|p| p.parse::<u32>().ok()),
                q("chain"),
                q("district"),
                q("status"),
            )
        },
        |(p, c, d, s)| crate::api::list_calls(p, c, d, s),
    );
    view! {
        <Title text=lang.t("揭榜挂帅", "Open calls") />
        <div class="page-header">
            <div>
                <h1 class="page-title">{lang.t("揭榜挂帅", "Open calls (揭榜挂帅)")}</h1>
                <p class="page-desc">{lang.t("由企业技术需求凝练的榜单：公开考核指标与榜额，团队在截止前揭榜，专家评审后定榜公示。", "Calls built from enterprise demands, with public targets and funding; teams bid before the deadline, experts review, the award is published.")}</p>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let official = session.await.ok().flatten().is_some_and(|u| u.has(crate::domain::Role::Official));
                    official.then(|| view! { <div class="page-actions"><a class="btn btn-primary" href="/calls/new">{lang.t("新建榜单", "New call")}</a></div> })
                })}
            </Transition>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                let (chain_sel, district_sel, status_sel) = (q("chain").unwrap_or_default(), q("district").unwrap_or_default(), q("status").unwrap_or_default());
                let filters = view! {
                    <form class="card filters" method="get" action="/calls" role="search" aria-label=lang.t("筛选榜单", "Filter calls")>
                        <div class="filter">
                            <label for="f-chain">{lang.t("产业链", "Industry chain")}</label>
                            <select id="f-chain" name="chain">
                                <option value="">{lang.t("全部", "All")}</option>
                                {refs.chains.iter().filter(|c| c.parent_code.is_none()).map(|c| view! { <option value=c.code.clone() selected=c.code == chain_sel>{lang.pick(&c.name_zh, &c.name_en).to_string()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="filter">
                            <label for="f-district">{lang.t("区域", "District")}</label>
                            <select id="f-district" name="district">
                                <option value="">{lang.t("全部", "All")}</option>
                                {refs.districts.iter().map(|d| view! { <option value=d.code.clone() selected=d.code == district_sel>{lang.pick(&d.name_zh, &d.name_en).to_string()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="filter">
                            <label for="f-status">{lang.t("阶段", "Stage")}</label>
                            <select id="f-status" name="status">
                                <option value="">{lang.t("全部", "All")}</option>
                                {CallStatus::ALL.iter().filter(|s| CallLifecycle::is_public(**s)).map(|s| view! { <option value=s.as_str() selected=s.as_str() == status_sel>{lang.pick(s.label_zh(), s.label_en()).to_string()}</option> }).collect_view()}
                            </select>
                        </div>
                        <button class="btn" type="submit">{lang.t("筛选", "Filter")}</button>
                    </form>
                };
                let body = match calls.await {
                    Err(e) => error_view(&e, lang),
                    Ok(p) if p.items.is_empty() => view! { <div class="card empty-state" data-testid="empty"><p>{lang.t("暂无符合条件的榜单。", "No calls match.")}</p></div> }.into_any(),
                    Ok(p) => view! {
                        <p class="list-count" data-testid="count">{match lang { Lang::Zh => format!("共 {} 个榜单", p.total), Lang::En => format!("{} calls", p.total) }}</p>
                        <ul class="demand-list">{p.items.into_iter().map(|c| call_item(c, &refs, lang)).collect_view()}</ul>
                    }.into_any(),
                };
                view! { {filters} {body} }
            })}
        </Suspense>
    }
}

#[component]
pub fn CallDetailPage() -> impl IntoView {
    let lang = use_lang();
    let refs = super::use_refs();
    let notice = super::reviews::PublicityActions::new();
    let page = use_record_page_with(crate::api::get_call, move || notice.version());
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
                let el = &d.eligibility;
                let org_types: Vec<String> = el.org_types.iter().map(|t: &OrgType| lang.pick(t.label_zh(), t.label_en()).to_string()).collect();
                let yes_no = |b: bool| if b { lang.t("是", "Yes") } else { lang.t("否", "No") };
                view! {
                    {record_header_plain(&s.title, "call-title", s.status, p.edit.then(|| format!("/calls/{id}/edit")), lang)}
                    {d.status_reason.clone().filter(|_| matches!(s.status, CallStatus::Cancelled | CallStatus::Unfilled | CallStatus::Terminated)).map(|r| view! {
                        <div class="notice notice-warning" data-testid="status-reason"><strong>{lang.t("说明：", "Note: ")}</strong>{r}</div>
                    })}
                    <ErrorSummary value=act.value() />
                    <div class="card call-key" data-testid="call-key">
                        <dl class="desc-list">
                            <dt>{lang.t("榜额", "Funding")}</dt>
                            <dd class="budget">{money_wan(s.total_fund_fen(), lang)}{lang.t("（财政 ", " (city ")}{money_wan(s.city_fund_fen, lang)}{lang.t("，企业 ", ", enterprise ")}{money_wan(s.enterprise_fund_fen, lang)}{lang.t("）", ")")}</dd>
                            {d.co_funder.clone().map(|(oid, name)| view! { <dt>{lang.t("共同出资企业", "Co-funding enterprise")}</dt><dd><a href=format!("/orgs/{oid}")>{name}</a></dd> })}
                            <dt>{lang.t("揭榜时间", "Bid window")}</dt>
                            <dd>{format_datetime(s.opens_at)}" — "{format_datetime(s.closes_at)}{lang.t("（北京时间）", " (Beijing time)")}</dd>
                            <dt>{lang.t("倒计时", "Time left")}</dt><dd data-testid="countdown">{countdown(&s, d.now, lang)}</dd>
                            <dt>{lang.t("已揭榜", "Bids so far")}</dt><dd data-testid="bids-submitted">{s.bids_submitted}</dd>
                            <dt>{lang.t("中榜团队数", "Winners")}</dt><dd>{s.winners}{if s.winners > 1 { lang.t("（赛马制）", " (parallel teams)") } else { "" }}</dd>
                            <dt>{lang.t("攻关周期", "Duration")}</dt><dd>{d.duration_months}{lang.t(" 个月", " months")}</dd>
                            <dt>{lang.t("产业链", "Industry chain")}</dt><dd>{refs.chain_name(&s.chain_code, lang)}</dd>
                            <dt>{lang.t("区域", "District")}</dt><dd>{refs.district_name(&s.district_code, lang)}</dd>
                        </dl>
                        {d.may_bid.then(|| view! { <a class="btn btn-primary" href=format!("/calls/{id}/bid") data-testid="start-bid">{lang.t("我要揭榜", "Bid on this call")}</a> })}
                        {d.my_bid.map(|b| view! { <a class="btn" href=format!("/bids/{b}") data-testid="my-bid">{lang.t("查看我的揭榜申报", "Open my bid")}</a> })}
                    </div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("榜单内容", "The challenge")}</h2>
                        <dl class="desc-list">
                            <dt>{lang.t("背景", "Background")}</dt><dd class="full pre-wrap">{d.background.clone()}</dd>
                            <dt>{lang.t("攻关目标", "Goal")}</dt><dd class="full pre-wrap">{d.goal.clone()}</dd>
                            <dt>{lang.t("验收标准", "Acceptance")}</dt><dd class="full pre-wrap">{d.acceptance.clone()}</dd>
                        </dl>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("考核指标", "Hard indicators")}</h2>
                        <div class="table-wrap"><table class="data-table" data-testid="indicators">
                            <thead><tr><th scope="col">{lang.t("指标", "Indicator")}</th><th scope="col">{lang.t("目标值", "Target")}</th><th scope="col">{lang.t("单位", "Unit")}</th></tr></thead>
                            <tbody>{d.indicators.iter().map(|i| view! { <tr><td>{i.name.clone()}</td><td>{i.target.clone()}</td><td>{i.unit.clone()}</td></tr> }).collect_view()}</tbody>
                        </table></div>
                    </div>
                    <div class="grid-2">
                        <div class="card">
                            <h2 class="card-title">{lang.t("揭榜条件", "Eligibility")}</h2>
                            <dl class="desc-list">
                                <dt>{lang.t("可揭榜单位", "May bid")}</dt><dd>{org_types.join(lang.t("、", ", "))}</dd>
                                <dt>{lang.t("限广西注册", "Guangxi only")}</dt><dd>{yes_no(el.guangxi_only)}</dd>
                                <dt>{lang.t("允许联合体", "Consortia")}</dt><dd>{yes_no(el.consortium_allowed)}</dd>
                            </dl>
                        </div>
                        <div class="card">
                            <h2 class="card-title">{lang.t("评审指标与权重", "Evaluation criteria")}</h2>
                            <ul class="plain-list">{d.criteria.iter().map(|c| view! { <li>{c.name.clone()}" · "{c.weight}"%"</li> }).collect_view()}</ul>
                            <p class="hint">{match lang { Lang::Zh => format!("每项满分 {} 分", d.score_scale), Lang::En => format!("Each criterion is scored out of {}", d.score_scale) }}</p>
                        </div>
                    </div>
                    <div class="card">
                        <h2 class="card-title">{lang.t("里程碑与拨款", "Milestones and payments")}</h2>
                        <div class="table-wrap"><table class="data-table" data-testid="milestones">
                            <thead><tr><th scope="col">{lang.t("交付物", "Deliverable")}</th><th scope="col" class="num">{lang.t("到期（第几个月）", "Due (month)")}</th><th scope="col" class="num">{lang.t("拨付比例", "Payment share")}</th></tr></thead>
                            <tbody>{d.milestones.iter().map(|m| view! { <tr><td>{m.deliverable.clone()}</td><td class="num">{m.due_months}</td><td class="num">{m.share_pct}"%"</td></tr> }).collect_view()}</tbody>
                        </table></div>
                    </div>
                    {(!d.demands.is_empty()).then(|| view! {
                        <div class="card">
                            <h2 class="card-title">{lang.t("来源需求", "Built from demands")}</h2>
                            <ul class="plain-list">{d.demands.iter().map(|x| view! { <li><a href=format!("/demands/{}", x.id)>{x.title.clone()}</a>" · "{x.org_name.clone()}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    {d.bids.clone().map(|bids| view! {
                        <div class="card" data-testid="bids">
                            <h2 class="card-title">{lang.t("揭榜申报（已开启）", "Bids (opened)")}</h2>
                            <div class="table-wrap"><table class="data-table">
                                <thead><tr><th scope="col">{lang.t("申报名称", "Bid")}</th><th scope="col">{lang.t("揭榜单位", "Organization")}</th><th scope="col">{lang.t("状态", "Status")}</th><th scope="col">{lang.t("提交时间", "Submitted")}</th></tr></thead>
                                <tbody>{bids.into_iter().map(|b| view! {
                                    <tr data-testid="bid-row"><td><a href=format!("/bids/{}", b.id)>{b.title.clone()}</a></td><td>{b.org_name.clone()}</td><td><StatusTag status=b.status /></td><td>{b.submitted_at.map(format_datetime).unwrap_or_default()}</td></tr>
                                }).collect_view()}</tbody>
                            </table></div>
                        </div>
                    })}
                    {d.publicity.clone().map(|pv| super::reviews::publicity_card(id.clone(), pv, notice, lang))}
                    {(p.edit || p.see_history).then_some(()).filter(|_| s.status == CallStatus::Reviewing).map(|_| view! {
                        <div class="card"><a class="btn btn-primary" href=format!("/calls/{id}/review") data-testid="review-panel">{lang.t("评审与定榜", "Review and award")}</a></div>
                    })}
                    <p><a href=format!("/calls/{id}/timeline") data-testid="timeline-link">{lang.t("查看榜单时间线", "See the call's timeline")}</a></p>
                    {action_panel::<CallLifecycle>(act, &id, &p.actions, errors, posted, lang)}
                    {d.implementation.as_ref().map(|v| super::tasks::implementation_card(&id, v, lang))}
                    {super::contracts::linked_contracts_card(&d.contracts, lang)}
                    {history_card::<CallLifecycle>(&d.history, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn CallEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let refs = super::use_refs();
    let session = expect_context::<SessionCtx>().0;
    let existing = super::forms::use_saved_form(crate::api::get_call_form);
    let options = Resource::new(|| (), |_| crate::api::call_demand_options());
    let save = ServerAction::<SaveCall>::new();
    let errors = field_errors(save.value());
    let echo = use_echo();
    view! {
        <Title text=lang.t("新建榜单", "New call") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                let from_demand = query.read_untracked().get("demand");
                let blank = move || CallForm {
                    score_scale: "100".into(),
                    winners: "1".into(),
                    duration_months: "24".into(),
                    org_types: vec!["university".into(), "institute".into(), "enterprise".into()],
                    guangxi_only: true,
                    consortium_allowed: true,
                    name_cofunder: true,
                    criteria: "技术方案先进性与可行性 | 40\n团队能力与研究基础 | 30\n经费预算合理性 | 15\n成果转化前景 | 15".into(),
                    milestones: "签订任务书 | 0 | 65\n中期考核 | 12 | 20\n验收 | 24 | 15".into(),
                    demand_ids: from_demand.into_iter().collect(),
                    ..Default::default()
                };
                let (editing, f) = match super::forms::record_form_start(session, existing, echo, |a: SaveCall| a.form(), blank).await {
                    Ok(start) => start,
                    Err(e) => return error_view(&e, lang),
                };
                let options = match options.await {
                    Ok(o) => o,
                    Err(e) => return error_view(&e, lang),
                };
                let ic = field_class(errors);
                let text = move |id: &'static str, label: &'static str, hint: &'static str, value: String, required: bool| view! {
                    <div class=ic(id)>
                        <label for=id class:required=required>{label}</label>
                        {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
                        <input id=id name=id type="text" value=value />
                        <FieldMsg errors field=id />
                    </div>
                };
                let area = move |id: &'static str, label: &'static str, hint: &'static str, value: String, rows: u32| view! {
                    <div class=ic(id)>
                        <label for=id class="required">{label}</label>
                        {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
                        <TextArea id=id rows=rows maxlength=5000 value=value />
                        <FieldMsg errors field=id />
                    </div>
                };
                let check = |name: &'static str, label: &'static str, on: bool| view! {
                    <label class="check"><input type="checkbox" name=name value="on" checked=on />" "{label}</label>
                };
                view! {
                    <div class="page-header"><div>
                        <h1 class="page-title">{if editing { lang.t("编辑榜单", "Edit call") } else { lang.t("新建榜单", "New call") }}</h1>
                        <p class="page-desc">{lang.t("带 * 的为必填项。列表类内容每行一项，用竖线“|”分隔各部分。保存为草稿后可继续修改；发榜后向社会公开。", "Fields marked * are required. Lists take one item per line, parts separated by “|”. Save a draft to keep editing; publishing makes the call public.")}</p>
                    </div></div>
                    <ErrorSummary value=save.value() />
                    <ActionForm action=save attr:class="form card" attr:novalidate="true">
                        <input type="hidden" name="id" value=params.read_untracked().get("id").unwrap_or_default() />
                        {text("title", lang.t("榜单名称", "Title"), lang.t("4–80 个字", "4–80 characters"), f.title.clone(), true)}
                        {area("background", lang.t("需求背景", "Background"), "", f.background.clone(), 4)}
                        {area("goal", lang.t("攻关目标", "Goal"), "", f.goal.clone(), 4)}
                        <div class="grid-2">
                            <div class=ic("chain")>
                                <label for="chain" class="required">{lang.t("产业链", "Industry chain")}</label>
                                <select id="chain" name="chain">
                                    {chain_options(&refs, &f.chain, lang)}
                                </select>
                                <FieldMsg errors field="chain" />
                            </div>
                            <div class=ic("district")>
                                <label for="district" class="required">{lang.t("所在区域", "District")}</label>
                                <select id="district" name="district">
                                    <option value="">{lang.t("请选择", "Choose")}</option>
                                    {refs.districts.iter().map(|d| view! { <option value=d.code.clone() selected=d.code == f.district>{lang.pick(&d.name_zh, &d.name_en).to_string()}</option> }).collect_view()}
                                </select>
                                <FieldMsg errors field="district" />
                            </div>
                        </div>
                        {area("indicators", lang.t("考核指标", "Hard indicators"), lang.t("每行：指标名称 | 单位 | 目标值，如：断尾率 | % | ≤ 5", "One per line: name | unit | target, e.g. breakage | % | ≤ 5"), f.indicators.clone(), 4)}
                        {area("acceptance", lang.t("验收标准", "Acceptance criteria"), "", f.acceptance.clone(), 3)}
                        <div class="grid-2">
                            {text("city_fund", lang.t("财政出资（万元）", "City funding (万元)"), lang.t("只填数字", "Digits only"), f.city_fund.clone(), true)}
                            {text("enterprise_fund", lang.t("企业出资（万元）", "Enterprise funding (万元)"), lang.t("可为 0", "May be 0"), f.enterprise_fund.clone(), false)}
                        </div>
                        <fieldset class=ic("org_types")>
                            <legend id="org_types" class="required">{lang.t("揭榜条件", "Eligibility")}</legend>
                            {check("elig_university", lang.t("高校", "Universities"), f.org_types.iter().any(|t| t == "university"))}
                            {check("elig_institute", lang.t("科研院所", "Institutes"), f.org_types.iter().any(|t| t == "institute"))}
                            {check("elig_enterprise", lang.t("企业", "Enterprises"), f.org_types.iter().any(|t| t == "enterprise"))}
                            {check("elig_service_agency", lang.t("科技服务机构", "Service agencies"), f.org_types.iter().any(|t| t == "service_agency"))}
                            <FieldMsg errors field="org_types" />
                            {check("guangxi_only", lang.t("仅限广西注册单位", "Guangxi-registered only"), f.guangxi_only)}
                            {check("consortium_allowed", lang.t("允许联合体揭榜", "Consortia allowed"), f.consortium_allowed)}
                            {check("name_cofunder", lang.t("注明来源需求企业为共同出资方", "Name the demand's enterprise as co-funder"), f.name_cofunder)}
                        </fieldset>
                        <div class="grid-2">
                            <div class=ic("opens_at")>
                                <label for="opens_at" class="required">{lang.t("揭榜开始（北京时间）", "Bidding opens (Beijing time)")}</label>
                                <input id="opens_at" name="opens_at" type="datetime-local" value=f.opens_at.clone() />
                                <FieldMsg errors field="opens_at" />
                            </div>
                            <div class=ic("closes_at")>
                                <label for="closes_at" class="required">{lang.t("揭榜截止（北京时间）", "Bidding closes (Beijing time)")}</label>
                                <input id="closes_at" name="closes_at" type="datetime-local" value=f.closes_at.clone() />
                                <FieldMsg errors field="closes_at" />
                            </div>
                        </div>
                        {area("criteria", lang.t("评审指标与权重", "Evaluation criteria"), lang.t("每行：指标 | 权重，权重合计 100", "One per line: criterion | weight; weights add up to 100"), f.criteria.clone(), 4)}
                        <div class="grid-2">
                            {text("score_scale", lang.t("每项满分", "Top score per criterion"), lang.t("5–100", "5–100"), f.score_scale.clone(), true)}
                            {text("winners", lang.t("中榜团队数", "Number of winners"), lang.t("1；赛马制可填 2–5", "1; 2–5 for parallel teams"), f.winners.clone(), true)}
                        </div>
                        {text("duration_months", lang.t("攻关周期（月）", "Duration (months)"), "", f.duration_months.clone(), true)}
                        {area("milestones", lang.t("里程碑与拨付比例", "Milestones and payment shares"), lang.t("每行：交付物 | 第几个月 | 拨付比例%，比例合计 100，第一行为首期拨款（如 65%）", "One per line: deliverable | month | share %; shares add up to 100, the first line is the first tranche (e.g. 65%)"), f.milestones.clone(), 4)}
                        <fieldset class=ic("demand_ids")>
                            <legend id="demand_ids">{lang.t("来源需求（可多选）", "Built from demands (any number)")}</legend>
                            {if options.is_empty() { view! { <p class="hint">{lang.t("暂无已发布的需求，也可以不关联需求直接发榜。", "No published demands; a call may also stand alone.")}</p> }.into_any() } else { view! {
                                <div class="check-list">{options.into_iter().map(|o| {
                                    let on = f.demand_ids.iter().any(|d| d == &o.id.to_string());
                                    view! { <label class="check"><input type="checkbox" name="demand_ids[]" value=o.id.to_string() checked=on />" "{o.title.clone()}" · "{o.org_name.clone()}</label> }
                                }).collect_view()}</div>
                            }.into_any() }}
                            <FieldMsg errors field="demand_ids" />
                        </fieldset>
                        <div class="form-actions">
                            <button class="btn" type="submit" name="intent" value="save" data-testid="save-draft">{lang.t("保存草稿", "Save draft")}</button>
                            <button class="btn btn-primary" type="submit" name="intent" value="publish" data-testid="save-publish">{lang.t("保存并发榜", "Save and publish")}</button>
                        </div>
                    </ActionForm>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// `/calls/:id/timeline`: the call's public timeline (officials see the full one).
#[component]
pub fn CallTimelinePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let call = Resource::new(id, crate::api::get_call);
    let events = Resource::new(id, crate::api::call_timeline);
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let (c, events) = match (call.await, events.await) {
                    (Ok(c), Ok(e)) => (c, e),
                    (Err(e), _) | (_, Err(e)) => return error_page(&e, lang),
                };
                view! {
                    <Title text=format!("{} · {}", c.summary.title, lang.t("时间线", "Timeline")) />
                    <div class="page-header"><div>
                        <h1 class="page-title">{c.summary.title.clone()}</h1>
                        <p class="page-desc"><StatusTag status=c.summary.status />" "<a href=format!("/calls/{}", c.summary.id)>{lang.t("返回榜单", "Back to the call")}</a></p>
                    </div></div>
                    <div class="card" data-testid="timeline">
                        <h2 class="card-title">{lang.t("榜单时间线", "Timeline")}</h2>
                        <ul class="timeline">{events.into_iter().map(|e| view! {
                            <li>
                                <time>{format_datetime(e.at)}</time>" "
                                {e.actor.clone().map(|a| view! { <span class="actor">{a}</span>" " })}
                                <span class="transition">{lang.pick(&e.label_zh, &e.label_en).to_string()}</span>
                                {e.detail.clone().map(|d| view! { <span class="reason">" — "{d}</span> })}
                            </li>
                        }).collect_view()}</ul>
                    </div>
                }
                .into_any()
            })}
        </Suspense>
    }
}
