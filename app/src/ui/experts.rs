//! The expert pool: a public directory, the whole pool for officials, and one's own profile.
use super::common::*;
use super::SessionCtx;
use crate::api::SaveExpertProfile;
use crate::domain::Role;
use crate::i18n::Lang;
use crate::model::ExpertForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ExpertsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let session = expect_context::<SessionCtx>().0;
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let list = Resource::new(page, crate::api::list_experts);
    let saved = move || query.read().get("saved").is_some();
    view! {
        <Title text=lang.t("专家库", "Expert pool") />
        <div class="page-header">
            <div>
                <h1 class="page-title">{lang.t("专家库", "Expert pool")}</h1>
                <p class="page-desc">{lang.t("为技术需求对接、揭榜挂帅评审提供支撑的专家。公开页面只显示专家本人选择公开的资料。", "Experts who support matching and the review of open calls. The public sees only profiles the experts chose to publish.")}</p>
            </div>
            <div class="page-actions">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        session.await.ok().flatten().filter(|u| u.has(Role::Expert)).map(|_| view! {
                            <a class="btn btn-primary" href="/experts/me">{lang.t("维护我的专家资料", "Edit my expert profile")}</a>
                        })
                    })}
                </Transition>
            </div>
        </div>
        {move || saved().then(|| view! { <div class="notice notice-success" data-testid="expert-saved">{lang.t("专家资料已保存。", "Your expert profile was saved.")}</div> })}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(p) if p.items.is_empty() => view! { <div class="card empty-state"><p>{lang.t("暂无公开的专家资料。", "No public expert profiles yet.")}</p></div> }.into_any(),
                    Ok(p) => view! {
                        <p class="list-count">{match lang { Lang::Zh => format!("共 {} 位专家", p.total), Lang::En => format!("{} experts", p.total) }}</p>
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr>
                                <th scope="col">{lang.t("姓名", "Name")}</th>
                                <th scope="col">{lang.t("职称", "Title")}</th>
                                <th scope="col">{lang.t("所在机构", "Organization")}</th>
                                <th scope="col">{lang.t("专业领域", "Fields")}</th>
                                <th scope="col">{lang.t("承担评审", "Reviews")}</th>
                            </tr></thead>
                            <tbody>
                                {p.items.into_iter().map(|e| view! {
                                    <tr data-testid="expert-row">
                                        <td><a href=format!("/experts/{}", e.user_id)>{e.name.clone()}</a>{(e.is_public == Some(false)).then(|| view! { " "<span class="tag tag-grey">{lang.t("未公开", "Private")}</span> })}</td>
                                        <td>{e.title.clone()}</td>
                                        <td>{org_link(&e)}</td>
                                        <td>{e.fields.join("、")}</td>
                                        <td>{match e.accepts_review { Some(true) => lang.t("接受", "Yes"), Some(false) => lang.t("暂不接受", "No"), None => "—" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn org_link(e: &crate::model::ExpertView) -> AnyView {
    match (e.org_id, e.org_name.clone()) {
        (Some(id), Some(name)) => view! { <a href=format!("/orgs/{id}")>{name}</a> }.into_any(),
        (_, name) => view! { <span>{name.unwrap_or_default()}</span> }.into_any(),
    }
}

/// One expert's profile (public ones for everybody; private ones for officials).
#[component]
pub fn ExpertPage() -> impl IntoView {
    let lang = use_lang();
    let params = leptos_router::hooks::use_params_map();
    let expert = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        crate::api::get_expert,
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let e = match expert.await {
                    Ok(e) => e,
                    Err(err) => return error_page(&err, lang),
                };
                view! {
                    <Title text=e.name.clone() />
                    <div class="page-header"><div>
                        <h1 class="page-title" data-testid="expert-name">{e.name.clone()}</h1>
                        <p class="page-desc">{e.title.clone()}{(e.is_public == Some(false)).then(|| view! { " "<span class="tag tag-grey">{lang.t("未公开", "Private")}</span> })}</p>
                    </div></div>
                    <div class="card">
                        <dl class="desc-list">
                            <dt>{lang.t("所在机构", "Organization")}</dt><dd>{org_link(&e)}</dd>
                            <dt>{lang.t("专业领域", "Fields")}</dt><dd>{e.fields.join("、")}</dd>
                            <dt>{lang.t("关键词", "Keywords")}</dt><dd>{e.keywords.join("、")}</dd>
                            {e.accepts_review.map(|a| view! {
                                <dt>{lang.t("承担评审", "Reviews")}</dt><dd>{if a { lang.t("接受", "Yes") } else { lang.t("暂不接受", "No") }}</dd>
                            })}
                            <dt>{lang.t("个人简介", "About")}</dt><dd class="full pre-wrap">{if e.bio.is_empty() { lang.t("未填写", "Not given").to_string() } else { e.bio.clone() }}</dd>
                        </dl>
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn MyExpertProfilePage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveExpertProfile>::new();
    let errors = field_errors(save.value());
    let existing = Resource::new(|| (), |_| crate::api::my_expert_profile());
    let echo = use_echo();
    view! {
        <Title text=lang.t("我的专家资料", "My expert profile") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("我的专家资料", "My expert profile")}</h1>
            <p class="page-desc">{lang.t("勾选“公开”后，姓名、职称、机构、专业领域和简介会出现在专家库和搜索中。", "When public, your name, title, organization, fields and bio appear in the expert pool and in search.")}</p>
        </div></div>
        <ErrorSummary value=save.value() />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let f = match existing.await {
                    Ok(f) => f.unwrap_or(ExpertForm { accepts_review: true, ..Default::default() }),
                    Err(e) => return error_view(&e, lang),
                };
                let f = echoed::<SaveExpertProfile>(&echo.await).map(|a| a.form()).unwrap_or(f);
                let cls = move |field: &'static str| {
                    let he = has_error(errors, field);
                    move || if he() { "field has-error" } else { "field" }
                };
                view! {
                    <ActionForm action=save attr:class="form card" attr:novalidate="true">
                        <div class=cls("pro_title")>
                            <label for="pro_title" class="required">{lang.t("职称", "Professional title")}</label>
                            <p class="hint">{lang.t("如：教授、研究员、正高级工程师", "e.g. Professor, Research Fellow, Senior Engineer")}</p>
                            <input id="pro_title" name="pro_title" type="text" maxlength="30" value=f.title.clone() />
                            <FieldMsg errors field="pro_title" />
                        </div>
                        <div class=cls("fields")>
                            <label for="fields" class="required">{lang.t("专业领域", "Fields of expertise")}</label>
                            <p class="hint">{lang.t("用逗号或顿号分隔，最多 10 个", "Separate with commas; at most 10")}</p>
                            <input id="fields" name="fields" type="text" value=f.fields.clone() />
                            <FieldMsg errors field="fields" />
                        </div>
                        <div class=cls("keywords")>
                            <label for="keywords">{lang.t("关键词", "Keywords")}</label>
                            <input id="keywords" name="keywords" type="text" value=f.keywords.clone() />
                            <FieldMsg errors field="keywords" />
                        </div>
                        <div class=cls("bio")>
                            <label for="bio">{lang.t("个人简介", "Short biography")}</label>
                            <TextArea id="bio" rows=5 maxlength=2000 value=f.bio.clone() />
                            <FieldMsg errors field="bio" />
                        </div>
                        <div class="field">
                            <div class="checkbox-row">
                                <input type="checkbox" id="accepts_review" name="accepts_review" value="on" checked=f.accepts_review />
                                <label for="accepts_review">{lang.t("接受评审任务", "I accept review assignments")}</label>
                            </div>
                            <div class="checkbox-row">
                                <input type="checkbox" id="is_public" name="is_public" value="on" checked=f.is_public />
                                <label for="is_public">{lang.t("在专家库和搜索中公开我的资料", "Show my profile in the public pool and search")}</label>
                            </div>
                        </div>
                        <button class="btn btn-primary" type="submit" data-testid="save-expert">{lang.t("保存", "Save")}</button>
                    </ActionForm>
                }
                .into_any()
            })}
        </Suspense>
    }
}
