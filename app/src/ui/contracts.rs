//! Technology contract pages: the application form (new and correction), a contract's page
//! with the registry's steps and the registration form, the applicant's list and the
//! registry's work list.
use super::common::*;
use super::lifecycle::{action_panel, history_card, use_record_page_with, StatusTag};
use super::SessionCtx;
use crate::api::{RegisterContract, SaveContract};
use crate::domain::contract::{
    ContractLifecycle, ContractType, IpType, Place, PlanOrigin, ASEAN, PROVINCES,
};
use crate::domain::time::format_datetime;
use crate::domain::OrgType;
use crate::i18n::Lang;
use crate::model::{ContractForm, ContractListItem, LinkedContract, PartyView, RefData};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::domain::contract::COUNTRY_NAMES as COUNTRIES;

/// Where a party is, as people read it.
fn place_label(p: &Place, refs: &RefData, lang: Lang) -> String {
    match p {
        Place::Nanning { district } => format!(
            "{}{}",
            lang.t("南宁市", "Nanning, "),
            refs.district_name(district, lang)
        ),
        Place::Guangxi => lang.t("广西其他地区", "Elsewhere in Guangxi").to_string(),
        Place::Domestic { province } => province.clone(),
        Place::Abroad { country } => COUNTRIES
            .iter()
            .find(|c| c.0 == country)
            .map(|c| lang.pick(c.1, c.2).to_string())
            .unwrap_or_else(|| country.clone()),
    }
}

/// One list of every place a counterpart can be: Nanning's districts, the rest of Guangxi,
/// the other provinces, countries abroad (the region is told from the value).
fn location_options(refs: &RefData, selected: &str, lang: Lang) -> AnyView {
    let opt = |value: String, label: String| {
        let sel = value == selected;
        view! { <option value=value selected=sel>{label}</option> }
    };
    let districts = refs
        .districts
        .iter()
        .filter(|d| d.kind != "outside")
        .map(|d| {
            opt(
                d.code.clone(),
                lang.pick(&d.name_zh, &d.name_en).to_string(),
            )
        })
        .collect_view();
    let provinces = PROVINCES
        .iter()
        .map(|p| opt(p.to_string(), p.to_string()))
        .collect_view();
    let countries = COUNTRIES
        .iter()
        .map(|(code, zh, en)| {
            let asean = if ASEAN.contains(code) {
                lang.t("（东盟）", " (ASEAN)")
            } else {
                ""
            };
            opt(code.to_string(), format!("{}{asean}", lang.pick(zh, en)))
        })
        .collect_view();
    view! {
        <option value="">{lang.t("请选择", "Choose")}</option>
        <optgroup label=lang.t("南宁市", "Nanning")>{districts}</optgroup>
        <optgroup label=lang.t("广西", "Guangxi")>{opt("guangxi".into(), lang.t("广西其他地区", "Elsewhere in Guangxi").into())}</optgroup>
        <optgroup label=lang.t("国内其他省份", "Other provinces")>{provinces}</optgroup>
        <optgroup label=lang.t("境外", "Abroad")>{countries}</optgroup>
    }
    .into_any()
}

fn contract_form_view(
    save: ServerAction<SaveContract>,
    id: String,
    f: ContractForm,
    refs: RefData,
    lang: Lang,
) -> AnyView {
    let errors = field_errors(save.value());
    let ic = field_class(errors);
    let select = move |id: &'static str, options: Vec<(String, String)>, selected: String| {
        view! {
            <select id=id name=id>
                <option value="">{lang.t("请选择", "Choose")}</option>
                {options.into_iter().map(|(v, l)| { let s = v == selected; view! { <option value=v selected=s>{l}</option> } }).collect_view()}
            </select>
        }
    };
    // (code, label) of every value of a closed list.
    let opts = |all: Vec<(&'static str, &'static str, &'static str)>| -> Vec<(String, String)> {
        all.into_iter()
            .map(|(code, zh, en)| (code.to_string(), lang.pick(zh, en).to_string()))
            .collect()
    };
    let types = opts(
        ContractType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label_zh(), t.label_en()))
            .collect(),
    );
    let ips = opts(
        IpType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label_zh(), t.label_en()))
            .collect(),
    );
    let origins = opts(
        PlanOrigin::ALL
            .iter()
            .map(|t| (t.as_str(), t.label_zh(), t.label_en()))
            .collect(),
    );
    let org_types = opts(
        OrgType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label_zh(), t.label_en()))
            .collect(),
    );
    let text = move |id: &'static str,
                     label: &'static str,
                     hint: &'static str,
                     value: String,
                     required: bool| {
        view! {
            <div class=ic(id)>
                <label for=id class:required=required>{label}</label>
                {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
                <input id=id name=id type="text" value=value />
                <FieldMsg errors field=id />
            </div>
        }
    };
    let buyer_side = f.applicant_side == "buyer";
    view! {
        <ErrorSummary value=save.value() />
        <ActionForm action=save attr:class="form card" attr:novalidate="true">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="counterpart_region" value="" />
            <div class="grid-2">
                <div class=ic("contract_type")>
                    <label for="contract_type" class="required">{lang.t("合同类型", "Contract type")}</label>
                    {select("contract_type", types, f.contract_type.clone())}
                    <FieldMsg errors field="contract_type" />
                </div>
                <div class=ic("applicant_side")>
                    <label for="applicant_side" class="required">{lang.t("申请方", "Applicant")}</label>
                    <select id="applicant_side" name="applicant_side">
                        <option value="seller" selected=!buyer_side>{lang.t("卖方（技术输出方）", "The seller (the usual case)")}</option>
                        <option value="buyer" selected=buyer_side>{lang.t("买方（技术引进，卖方在境外）", "The buyer (an import from abroad)")}</option>
                    </select>
                    <FieldMsg errors field="applicant_side" />
                </div>
            </div>
            {text("title", lang.t("合同名称", "Contract title"), lang.t("4–100 个字", "4–100 characters"), f.title.clone(), true)}
            <fieldset class="fieldset">
                <legend>{lang.t("合同对方", "The other party")}</legend>
                <div class="grid-2">
                    {text("counterpart_name", lang.t("单位名称", "Name"), "", f.counterpart_name.clone(), true)}
                    {text("counterpart_credit_code", lang.t("统一社会信用代码", "Unified social credit code"), lang.t("境内单位必填；境外单位可不填", "Required in China; optional abroad"), f.counterpart_credit_code.clone(), false)}
                </div>
                <div class="grid-2">
                    <div class=ic("counterpart_type")>
                        <label for="counterpart_type" class="required">{lang.t("单位类型", "Type of organization")}</label>
                        {select("counterpart_type", org_types, f.counterpart_type.clone())}
                        <FieldMsg errors field="counterpart_type" />
                    </div>
                    <div class=ic("counterpart_place")>
                        <label for="counterpart_place" class="required">{lang.t("所在地", "Location")}</label>
                        <select id="counterpart_place" name="counterpart_place">{location_options(&refs, &f.counterpart_place, lang)}</select>
                        <FieldMsg errors field="counterpart_place" />
                    </div>
                </div>
            </fieldset>
            <div class="grid-2">
                <div class=ic("contract_amount")>
                    <label for="contract_amount" class="required">{lang.t("合同成交额（万元）", "Contract amount (万元)")}</label>
                    <p class="hint">{lang.t("可写单位，如 1,200,000元、120万、1.2亿", "A unit may be written: 1,200,000元, 120万, 1.2亿")}</p>
                    <input id="contract_amount" name="contract_amount" type="text" inputmode="decimal" value=f.contract_amount.clone() />
                    <FieldMsg errors field="contract_amount" />
                </div>
                <div class=ic("tech_amount")>
                    <label for="tech_amount" class="required">{lang.t("技术交易额（万元）", "Technology amount (万元)")}</label>
                    <p class="hint">{lang.t("成交额中支付技术本身的部分，不超过成交额", "The part paid for the technology itself, at most the contract amount")}</p>
                    <input id="tech_amount" name="tech_amount" type="text" inputmode="decimal" value=f.tech_amount.clone() />
                    <FieldMsg errors field="tech_amount" />
                </div>
            </div>
            <div class=ic("non_technical")>
                <label for="non_technical">{lang.t("非技术性款项", "Non-technical items")}</label>
                <p class="hint">{lang.t("每行一项：名称 | 金额（万元），如“设备 | 15”；填写时合计须等于成交额减技术交易额", "One per line: item | amount (万元), e.g. “设备 | 15”; when listed they must add up to the contract amount minus the technology amount")}</p>
                <TextArea id="non_technical" rows=3 maxlength=2000 value=f.non_technical.clone() />
                <FieldMsg errors field="non_technical" />
            </div>
            <div class="grid-2">
                <div class=ic("signed_on")>
                    <label for="signed_on" class="required">{lang.t("签订日期", "Signed on")}</label>
                    <input id="signed_on" name="signed_on" type="date" value=f.signed_on.clone() />
                    <FieldMsg errors field="signed_on" />
                </div>
                <div class=ic("ends_on")>
                    <label for="ends_on">{lang.t("有效期至", "Term ends")}</label>
                    <input id="ends_on" name="ends_on" type="date" value=f.ends_on.clone() />
                    <FieldMsg errors field="ends_on" />
                </div>
            </div>
            <div class="grid-2">
                <div class=ic("chain")>
                    <label for="chain" class="required">{lang.t("产业链", "Industry chain")}</label>
                    <select id="chain" name="chain">{chain_options(&refs, &f.chain, lang)}</select>
                    <FieldMsg errors field="chain" />
                </div>
                {text("field", lang.t("技术领域", "Technical field"), "", f.field.clone(), true)}
            </div>
            <div class="grid-2">
                <div class=ic("ip_type")>
                    <label for="ip_type" class="required">{lang.t("知识产权类型", "Intellectual property")}</label>
                    {select("ip_type", ips, f.ip_type.clone())}
                    <FieldMsg errors field="ip_type" />
                </div>
                <div class=ic("plan_origin")>
                    <label for="plan_origin">{lang.t("政府计划来源", "Government plan")}</label>
                    {select("plan_origin", origins, f.plan_origin.clone())}
                    <FieldMsg errors field="plan_origin" />
                </div>
            </div>
            <fieldset class="fieldset">
                <legend>{lang.t("来源（可选）", "Where it came from (optional)")}</legend>
                <div class="grid-2">
                    {text("demand_ref", lang.t("对应的技术需求", "The demand it answers"), lang.t("粘贴买方已发布需求的页面链接或编号", "Paste the page address or id of the buyer's published demand"), f.demand_ref.clone(), false)}
                    {text("achievement_ref", lang.t("转让或许可的科技成果", "The achievement transferred or licensed"), lang.t("粘贴卖方已发布成果的页面链接或编号", "Paste the page address or id of the seller's published achievement"), f.achievement_ref.clone(), false)}
                </div>
            </fieldset>
            <div class="form-actions">
                <button class="btn" type="submit" name="intent" value="save" data-testid="save-draft">{lang.t("保存草稿", "Save draft")}</button>
                <button class="btn btn-primary" type="submit" name="intent" value="submit" data-testid="save-submit">{lang.t("保存并申请登记", "Save and apply")}</button>
            </div>
        </ActionForm>
    }
    .into_any()
}

/// `/contracts/new` and `/contracts/:id/edit`: the application, new or for correction.
#[component]
pub fn ContractEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let session = expect_context::<SessionCtx>().0;
    let refs = super::use_refs();
    let id = move || params.read().get("id").unwrap_or_default();
    let saved = Resource::new(id, |id| async move {
        if id.is_empty() {
            Ok(ContractForm::default())
        } else {
            crate::api::get_contract_form(id).await
        }
    });
    let save = ServerAction::<SaveContract>::new();
    let echo = use_echo();
    view! {
        <Title text=lang.t("技术合同登记申请", "Contract registration") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                if session.await.ok().flatten().is_none() {
                    return error_view(&crate::error::AppError::Unauthenticated, lang);
                }
                let refs = refs.await.unwrap_or_default();
                let f = match echoed::<SaveContract>(&echo.await).map(|a| a.form()) {
                    Some(f) => f,
                    None => match saved.await { Ok(f) => f, Err(e) => return error_page(&e, lang) },
                };
                let editing = !id().is_empty();
                view! {
                    <div class="page-header"><div>
                        <h1 class="page-title">{if editing { lang.t("修改技术合同登记申请", "Correct the application") } else { lang.t("申请技术合同认定登记", "Apply to register a technology contract") }}</h1>
                        <p class="page-desc">{lang.t("由卖方在其所在地申请（技术引进时由境内买方申请）。登记机构受理后认定合同类型并核定技术交易额；技术交易额达到 500 万元的须经专家评审。", "The seller applies where it is registered (the domestic buyer, for an import). The registry confirms the type and the technology amount; ¥5m or more goes to expert review first.")}</p>
                    </div></div>
                    {contract_form_view(save, id(), f, refs, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

fn party_block(p: &PartyView, refs: &RefData, lang: Lang) -> impl IntoView {
    view! {
        <dd>
            {match p.org_id { Some(o) => view! { <a href=format!("/orgs/{o}")>{p.name.clone()}</a> }.into_any(), None => view! { <span>{p.name.clone()}</span> }.into_any() }}
            <span class="muted">" · "{lang.pick(p.org_type.label_zh(), p.org_type.label_en())}" · "{place_label(&p.place, refs, lang)}</span>
            {p.credit_code.clone().map(|c| view! { <br /><code>{c}</code> })}
        </dd>
    }
}

/// `/contracts/:id`: the contract for its parties and the registry, with the registry's steps.
#[component]
pub fn ContractPage() -> impl IntoView {
    let lang = use_lang();
    let refs = super::use_refs();
    let register = ServerAction::<RegisterContract>::new();
    let page = use_record_page_with(crate::api::get_contract, move || register.version().get());
    let (act, errors) = (page.act, page.errors);
    let reg_errors = field_errors(register.value());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let (d, posted) = match page.load(lang).await {
                    Ok(loaded) => loaded,
                    Err(view) => return view,
                };
                let refs = refs.await.unwrap_or_default();
                let id = d.id.to_string();
                let reg_id = id.clone();
                let ric = field_class(reg_errors);
                view! {
                    <Title text=d.title.clone() />
                    <div class="page-header">
                        <div>
                            <h1 class="page-title" data-testid="contract-title">{d.title.clone()}</h1>
                            <p class="page-desc"><StatusTag status=d.status />" "{lang.pick(d.contract_type.label_zh(), d.contract_type.label_en())}</p>
                        </div>
                        <div class="page-actions">{d.permissions.edit.then(|| view! { <a class="btn" href=format!("/contracts/{id}/edit") data-testid="edit">{lang.t("修改", "Edit")}</a> })}</div>
                    </div>
                    {d.registration_number.clone().map(|n| view! {
                        <div class="notice notice-success" data-testid="registration">
                            <strong>{lang.t("登记编号：", "Registration number: ")}</strong><code data-testid="registration-number">{n}</code>
                            {d.registered_at.map(|t| view! { " · "{lang.t("登记时间：", "Registered ")}{format_datetime(t)} })}
                        </div>
                    })}
                    {(d.source == "award" && d.permissions.edit).then(|| view! { <div class="notice notice-info" data-testid="award-draft">{lang.t("这份技术开发合同草稿由揭榜挂帅中榜结果生成：请核对签订日期、金额和条款，补全后申请认定登记。", "This development contract was drafted from the award of an open call: check the signing date, the amounts and the terms, then apply for registration.")}</div> })}
                    {d.status_reason.clone().map(|r| view! { <div class="notice notice-error" data-testid="status-reason"><strong>{lang.t("说明：", "Note: ")}</strong>{r}</div> })}
                    {(d.needs_expert_review && d.registration_number.is_none()).then(|| view! { <div class="notice notice-info">{lang.t("技术交易额达到 500 万元，须经专家评审后方可登记。", "The technology amount is ¥5m or more: expert review comes before registration.")}</div> })}
                    <div class="card">
                        <dl class="desc-list">
                            <dt>{lang.t("卖方", "Seller")}</dt>{party_block(&d.seller, &refs, lang)}
                            <dt>{lang.t("买方", "Buyer")}</dt>{party_block(&d.buyer, &refs, lang)}
                            <dt>{lang.t("合同成交额", "Contract amount")}</dt><dd class="budget" data-testid="contract-amount">{money_wan(d.contract_amount_fen, lang)}</dd>
                            <dt>{lang.t("技术交易额", "Technology amount")}</dt><dd class="budget" data-testid="tech-amount">{money_wan(d.tech_amount_fen, lang)}</dd>
                            {(!d.non_technical.is_empty()).then(|| view! {
                                <dt>{lang.t("非技术性款项", "Non-technical items")}</dt>
                                <dd>{d.non_technical.iter().map(|(n, f)| format!("{n} {}", money_wan(*f, lang))).collect::<Vec<_>>().join("；")}</dd>
                            })}
                            <dt>{lang.t("签订日期", "Signed on")}</dt><dd>{d.signed_on.to_string()}</dd>
                            <dt>{lang.t("有效期至", "Term ends")}</dt><dd>{d.ends_on.map(|e| e.to_string()).unwrap_or_else(|| "—".into())}</dd>
                            <dt>{lang.t("产业链", "Industry chain")}</dt><dd>{refs.label("chain", &d.chain_code, lang)}</dd>
                            <dt>{lang.t("技术领域", "Technical field")}</dt><dd>{d.field.clone()}</dd>
                            <dt>{lang.t("知识产权", "Intellectual property")}</dt><dd>{lang.pick(d.ip_type.label_zh(), d.ip_type.label_en())}</dd>
                            <dt>{lang.t("政府计划来源", "Government plan")}</dt><dd>{lang.pick(d.plan_origin.label_zh(), d.plan_origin.label_en())}</dd>
                            <dt>{lang.t("申请时间", "Applied")}</dt><dd>{d.submitted_at.map(format_datetime).unwrap_or_else(|| "—".into())}</dd>
                            {d.links.call.clone().map(|l| view! { <dt>{lang.t("揭榜挂帅榜单", "Open call")}</dt><dd><a href=format!("/calls/{}", l.id) data-testid="link-call">{l.title}</a></dd> })}
                            {d.links.demand.clone().map(|l| view! { <dt>{lang.t("技术需求", "Demand")}</dt><dd><a href=format!("/demands/{}", l.id) data-testid="link-demand">{l.title}</a></dd> })}
                            {d.links.achievement.clone().map(|l| view! { <dt>{lang.t("科技成果", "Achievement")}</dt><dd><a href=format!("/achievements/{}", l.id) data-testid="link-achievement">{l.title}</a></dd> })}
                        </dl>
                    </div>
                    {d.may_register.then(|| {
                        let types = ContractType::ALL.iter().map(|t| { let s = *t == d.contract_type; view! { <option value=t.as_str() selected=s>{lang.pick(t.label_zh(), t.label_en())}</option> } }).collect_view();
                        view! {
                            <div class="card" data-testid="register-panel">
                                <h2 class="card-title">{lang.t("认定与登记", "Confirm and register")}</h2>
                                <ErrorSummary value=register.value() />
                                <ActionForm action=register attr:class="form" attr:novalidate="true">
                                    <input type="hidden" name="id" value=reg_id.clone() />
                                    <div class="grid-2">
                                        <div class=ric("contract_type")>
                                            <label for="reg_type">{lang.t("认定的合同类型", "Confirmed type")}</label>
                                            <select id="reg_type" name="contract_type">{types}</select>
                                            <FieldMsg errors=reg_errors field="contract_type" />
                                        </div>
                                        <div class=ric("tech_amount")>
                                            <label for="reg_tech">{lang.t("核定的技术交易额（万元）", "Confirmed technology amount (万元)")}</label>
                                            <input id="reg_tech" name="tech_amount" type="text" inputmode="decimal" value=crate::domain::money::Fen(d.tech_amount_fen).format_wan() />
                                            <FieldMsg errors=reg_errors field="tech_amount" />
                                        </div>
                                    </div>
                                    <button class="btn btn-primary" type="submit" data-testid="register">{lang.t("登记并发放登记编号", "Register and issue the number")}</button>
                                </ActionForm>
                            </div>
                        }
                    })}
                    {action_panel::<ContractLifecycle>(act, &id, &d.permissions.actions, errors, posted, lang)}
                    {history_card::<ContractLifecycle>(&d.history, lang)}
                }
                .into_any()
            })}
        </Suspense>
    }
}

fn contract_table(items: Vec<ContractListItem>, lang: Lang) -> AnyView {
    if items.is_empty() {
        return view! { <div class="card empty-state" data-testid="empty"><p>{lang.t("暂无技术合同。", "No contracts yet.")}</p></div> }.into_any();
    }
    view! {
        <div class="table-wrap"><table class="data-table">
            <thead><tr>
                <th scope="col">{lang.t("合同名称", "Contract")}</th>
                <th scope="col">{lang.t("类型", "Type")}</th>
                <th scope="col">{lang.t("卖方 / 买方", "Seller / buyer")}</th>
                <th scope="col" class="num">{lang.t("成交额", "Amount")}</th>
                <th scope="col" class="num">{lang.t("技术交易额", "Technology")}</th>
                <th scope="col">{lang.t("状态", "Status")}</th>
                <th scope="col">{lang.t("申请时间", "Applied")}</th>
            </tr></thead>
            <tbody>{items.into_iter().map(|c| view! {
                <tr data-testid="contract-row">
                    <td><a href=format!("/contracts/{}", c.id)>{c.title.clone()}</a>{c.registration_number.clone().map(|n| view! { <br /><code class="muted">{n}</code> })}</td>
                    <td>{lang.pick(c.contract_type.label_zh(), c.contract_type.label_en())}</td>
                    <td>{c.seller_name.clone()}" / "{c.buyer_name.clone()}</td>
                    <td class="num">{money_wan(c.contract_amount_fen, lang)}</td>
                    <td class="num">{money_wan(c.tech_amount_fen, lang)}</td>
                    <td><StatusTag status=c.status /></td>
                    <td>{c.submitted_at.map(format_datetime).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

/// `/my/contracts`: the contracts of the reader's organization.
#[component]
pub fn MyContractsPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| crate::api::my_contracts());
    view! {
        <Title text=lang.t("我的技术合同", "My contracts") />
        <div class="page-header"><div><h1 class="page-title">{lang.t("我的技术合同", "My contracts")}</h1></div>
            <div class="page-actions"><a class="btn btn-primary" href="/contracts/new" data-testid="new-contract">{lang.t("申请登记", "Apply to register")}</a></div></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) => contract_table(items, lang),
                }
            })}
        </Suspense>
    }
}

/// `/registry`: the registry's work list (applications waiting, being examined, with experts).
#[component]
pub fn RegistryPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| crate::api::registry_queue());
    view! {
        <Title text=lang.t("技术合同登记", "Contract registry") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("技术合同认定登记", "Technology contract registry")}</h1>
            <p class="page-desc">{lang.t("按申请时间排列：待受理、审查中和专家评审中的申请。", "By time of application: waiting, being examined and with the experts.")}</p>
        </div></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) => contract_table(items, lang),
                }
            })}
        </Suspense>
    }
}

/// The technology contracts a demand, call or achievement led to, for its page: the registered
/// ones by type, number and date; the reader's own (or, for the registry, every one) with a
/// link, and a call to complete a draft.
pub fn linked_contracts_card(items: &[LinkedContract], lang: Lang) -> Option<AnyView> {
    if items.is_empty() {
        return None;
    }
    let rows = items
        .iter()
        .map(|c| {
            let kind = lang.pick(c.contract_type.label_zh(), c.contract_type.label_en());
            let what = match &c.registration_number {
                Some(n) => format!("{kind} · {}{n}", lang.t("登记编号 ", "No. ")),
                None => kind.to_string(),
            };
            let when = c
                .registered_at
                .map(|t| format!("{}{}", lang.t("登记于 ", "registered "), format_datetime(t)));
            let title = c.title.clone().map(|t| {
                let href = format!("/contracts/{}", c.id);
                view! { <a href=href>{t}</a>" · " }
            });
            let complete = c.may_edit.then(|| {
                view! { " "<a class="btn btn-sm btn-primary" href=format!("/contracts/{}/edit", c.id) data-testid="complete-contract">{lang.t("补全并申请登记", "Complete and apply")}</a> }
            });
            view! {
                <li data-testid="linked-contract">
                    {title}<span>{what}</span>" "<StatusTag status=c.status />
                    <span class="muted">" "{c.seller_name.clone()}{when.map(|w| format!(" · {w}"))}</span>
                    {complete}
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <section class="card" aria-labelledby="h-linked-contracts" data-testid="linked-contracts">
                <h2 class="card-title" id="h-linked-contracts">{lang.t("技术合同", "Technology contracts")}</h2>
                <p class="hint">{lang.t("由此达成并申请认定登记的技术合同；合同金额等内容仅合同双方和登记机构可见。", "Technology contracts that came from this; their amounts and terms are seen only by the parties and the registry.")}</p>
                <ul class="linked-list">{rows}</ul>
            </section>
        }
        .into_any(),
    )
}
