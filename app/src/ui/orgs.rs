//! An organization's page: who it is, what it has published, and its public experts.
use super::common::*;
use crate::i18n::Lang;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrgPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let refs = super::use_refs();
    let profile = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        crate::api::get_org_profile,
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                let p = match profile.await {
                    Ok(p) => p,
                    Err(e) => return error_page(&e, lang),
                };
                let o = p.org.clone();
                let count = |n: i64| match lang { Lang::Zh => format!("（{n}）"), Lang::En => format!(" ({n})") };
                let more = |shown: usize, total: i64| (total > shown as i64).then(|| view! {
                    <p class="muted small">{match lang {
                        Lang::Zh => format!("仅显示最新 {shown} 条，共 {total} 条。"),
                        Lang::En => format!("Showing the latest {shown} of {total}."),
                    }}</p>
                });
                let (dn, an) = (p.demands.items.len(), p.achievements.items.len());
                view! {
                    <Title text=o.name.clone() />
                    <div class="page-header">
                        <div>
                            <h1 class="page-title" data-testid="org-name">{o.name.clone()}</h1>
                            <p class="page-desc">
                                <span class="tag tag-blue">{lang.pick(o.org_type.label_zh(), o.org_type.label_en()).to_string()}</span>" "
                                {if o.verified {
                                    view! { <span class="tag tag-green">{lang.t("已认证", "Verified")}</span> }.into_any()
                                } else {
                                    view! { <span class="tag tag-grey">{lang.t("未认证", "Not verified")}</span> }.into_any()
                                }}
                            </p>
                        </div>
                    </div>
                    <div class="card">
                        <dl class="desc-list">
                            <dt>{lang.t("统一社会信用代码", "Unified social credit code")}</dt><dd class="mono">{o.credit_code.clone()}</dd>
                            <dt>{lang.t("所在区域", "District")}</dt><dd>{refs.district_name(&o.district_code, lang)}</dd>
                        </dl>
                    </div>
                    <section class="card" aria-labelledby="org-demands">
                        <h2 class="card-title" id="org-demands">{lang.t("技术需求", "Technical demands")}{count(p.demands.total)}</h2>
                        {if p.demands.items.is_empty() {
                            view! { <p class="muted">{lang.t("暂无公开的技术需求。", "No published demands.")}</p> }.into_any()
                        } else {
                            view! { <ul class="demand-list">{p.demands.items.into_iter().map(|d| super::demands::demand_item(d, &refs, lang)).collect_view()}</ul> }.into_any()
                        }}
                        {more(dn, p.demands.total)}
                    </section>
                    <section class="card" aria-labelledby="org-achievements">
                        <h2 class="card-title" id="org-achievements">{lang.t("科技成果", "Technology achievements")}{count(p.achievements.total)}</h2>
                        {if p.achievements.items.is_empty() {
                            view! { <p class="muted">{lang.t("暂无公开的科技成果。", "No published achievements.")}</p> }.into_any()
                        } else {
                            view! { <ul class="demand-list">{p.achievements.items.into_iter().map(|a| super::achievements::item(a, &refs, lang)).collect_view()}</ul> }.into_any()
                        }}
                        {more(an, p.achievements.total)}
                    </section>
                    <section class="card" aria-labelledby="org-experts">
                        <h2 class="card-title" id="org-experts">{lang.t("专家", "Experts")}{count(p.experts.len() as i64)}</h2>
                        {if p.experts.is_empty() {
                            view! { <p class="muted">{lang.t("暂无公开的专家资料。", "No public expert profiles.")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="plain-list">
                                    {p.experts.into_iter().map(|e| view! {
                                        <li><a href=format!("/experts/{}", e.user_id)>{e.name.clone()}</a>" · "{e.title.clone()}" · "<span class="muted">{e.fields.join("、")}</span></li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
