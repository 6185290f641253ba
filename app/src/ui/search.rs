//! One search box for demands, achievements, experts and organizations. Works as a plain GET
//! form; every filter lives in the URL.
use super::common::*;
use crate::i18n::Lang;
use crate::model::{highlight_runs, SearchKind, SearchResults};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PARAMS: [&str; 9] = [
    "q",
    "kind",
    "chain",
    "district",
    "org_type",
    "transfer_mode",
    "trl_min",
    "trl_max",
    "sort",
];

fn facet_title(name: &str, lang: Lang) -> &'static str {
    match name {
        "kind" => lang.t("类别", "Kind"),
        "chain" => lang.t("产业链", "Industry chain"),
        "district" => lang.t("区域", "District"),
        "org_type" => lang.t("机构类型", "Organization type"),
        "transfer_mode" => lang.t("转化方式", "Transfer mode"),
        _ => lang.t("技术成熟度", "Readiness (TRL)"),
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let refs = super::use_refs();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let results = Resource::new(
        move || {
            (
                PARAMS.iter().map(|k| get(k)).collect::<Vec<_>>(),
                get("page"),
            )
        },
        |(v, page)| {
            crate::api::search(
                v[0].clone(),
                v[1].clone(),
                v[2].clone(),
                v[3].clone(),
                v[4].clone(),
                v[5].clone(),
                v[6].clone(),
                v[7].clone(),
                v[8].clone(),
                page,
            )
        },
    );
    // A URL with some parameters changed (and the page reset).
    let url_set = move |changes: &[(&str, Option<&str>)]| {
        let mut parts = vec![];
        for k in PARAMS {
            let v = match changes.iter().find(|(c, _)| *c == k) {
                Some((_, v)) => v.map(str::to_string),
                None => get(k),
            };
            if let Some(v) = v {
                parts.push(format!("{k}={}", urlencode(&v)));
            }
        }
        format!("/search?{}", parts.join("&"))
    };
    let url_with = move |key: &str, value: Option<&str>| url_set(&[(key, value)]);
    // Search-as-you-type: titles of the best matches offered through a datalist.
    let (typed, set_typed) = signal(String::new());
    let suggestions = Resource::new(
        move || typed.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(vec![])
            } else {
                crate::api::suggest(q).await
            }
        },
    );
    view! {
        <Title text=lang.t("搜索", "Search") />
        <div class="page-header">
            <div><h1 class="page-title">{lang.t("搜索", "Search")}</h1></div>
        </div>
        <form class="card filters search-form" method="get" action="/search" role="search">
            <div class="filter search-box">
                <label for="q" class="sr-only">{lang.t("搜索词", "Search words")}</label>
                <input id="q" name="q" type="search" maxlength="200" list="search-suggestions" autocomplete="off"
                    on:input=move |ev| set_typed.set(event_target_value(&ev))
                    value=move || get("q").unwrap_or_default()
                    placeholder=lang.t("搜索需求、成果、专家、机构，如：铝合金、5G基站", "Search demands, achievements, experts, organizations") />
            </div>
            <datalist id="search-suggestions" data-testid="suggestions">
                <Transition fallback=|| ()>
                    {move || suggestions.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| view! { <option value=t></option> }).collect_view()}
                </Transition>
            </datalist>
            {move || get("kind").map(|k| view! { <input type="hidden" name="kind" value=k /> })}
            <div class="filter">
                <label for="sort">{lang.t("排序", "Sort")}</label>
                <select id="sort" name="sort">
                    {[("relevance", lang.t("相关度", "Relevance")), ("newest", lang.t("最新", "Newest")), ("budget", lang.t("预算", "Budget"))]
                        .into_iter()
                        .map(|(v, l)| view! { <option value=v selected=move || get("sort").as_deref().unwrap_or("relevance") == v>{l}</option> })
                        .collect_view()}
                </select>
            </div>
            <button class="btn btn-primary" type="submit" data-testid="search-submit">{lang.t("搜索", "Search")}</button>
        </form>
        <nav class="kind-tabs row" aria-label=lang.t("类别", "Kinds")>
            <a href=move || url_with("kind", None) class:active=move || get("kind").is_none()>{lang.t("全部", "All")}</a>
            {SearchKind::ALL.iter().map(|k| {
                let k = *k;
                view! { <a href=move || url_with("kind", Some(k.as_str())) class:active=move || get("kind").as_deref() == Some(k.as_str())>{lang.pick(k.label_zh(), k.label_en()).to_string()}</a> }
            }).collect_view()}
        </nav>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                match results.await {
                    Err(e) => error_view(&e, lang),
                    Ok(r) => {
                        let active: Vec<(String, String)> = PARAMS[1..8]
                            .iter()
                            .filter_map(|k| get(k).map(|v| (k.to_string(), v)))
                            .collect();
                        render_results(r, &refs, lang, url_set, &active, get("page").and_then(|p| p.parse().ok()).unwrap_or(1))
                    }
                }
            })}
        </Suspense>
    }
}

fn render_results(
    r: SearchResults,
    refs: &crate::model::RefData,
    lang: Lang,
    url_set: impl Fn(&[(&str, Option<&str>)]) -> String + Copy + Send + Sync + 'static,
    active: &[(String, String)],
    page: u32,
) -> AnyView {
    let pages = r.total.div_ceil(10).clamp(1, 1000) as u32;
    // The filters in force, each with a link that removes it.
    let chips = (!active.is_empty()).then(|| {
        let chips = active
            .iter()
            .map(|(k, v)| {
                let (label, href) = match k.as_str() {
                    "trl_min" | "trl_max" => (
                        format!(
                            "TRL {} {v}",
                            if k == "trl_min" { "≥" } else { "≤" }
                        ),
                        url_set(&[(k.as_str(), None)]),
                    ),
                    _ => (
                        format!("{}：{}", facet_title(k, lang), refs.label(k, v, lang)),
                        url_set(&[(k.as_str(), None)]),
                    ),
                };
                let remove = match lang {
                    Lang::Zh => format!("移除筛选：{label}"),
                    Lang::En => format!("Remove filter: {label}"),
                };
                view! { <a class="chip" href=href aria-label=remove>{label}" ×"</a> }
            })
            .collect_view();
        view! {
            <div class="active-filters row" data-testid="active-filters">
                <span class="muted">{lang.t("当前筛选：", "Filters:")}</span>
                {chips}
                <a class="chip chip-clear" href=url_set(&[("kind", None), ("chain", None), ("district", None), ("org_type", None), ("transfer_mode", None), ("trl_min", None), ("trl_max", None)])>{lang.t("全部清除", "Clear all")}</a>
            </div>
        }
    });
    let facets = ["kind", "chain", "district", "org_type", "transfer_mode", "trl"]
        .iter()
        .filter_map(|name| r.facets.get(*name).map(|v| (*name, v)))
        .filter(|(_, v)| !v.is_empty())
        .map(|(name, values)| {
            view! {
                <div class="facet" data-testid=format!("facet-{name}")>
                    <h3 class="card-title">{facet_title(name, lang)}</h3>
                    <ul>
                        {values.iter().map(|fc| {
                            // A TRL value filters to exactly that level.
                            let href = if name == "trl" {
                                url_set(&[("trl_min", Some(&fc.value)), ("trl_max", Some(&fc.value))])
                            } else {
                                url_set(&[(name, Some(&fc.value))])
                            };
                            view! { <li><a href=href>{refs.label(name, &fc.value, lang)}</a>" "<span class="muted">"("{fc.count}")"</span></li> }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
        .collect_view();
    let count = match lang {
        Lang::Zh => format!("共 {} 条结果（{} 毫秒）", r.total, r.took_ms),
        Lang::En => format!("{} results ({} ms)", r.total, r.took_ms),
    };
    let hits = if r.hits.is_empty() {
        view! {
            <div class="card empty-state" data-testid="empty">
                <p>{lang.t("没有找到匹配的结果。试试更短的词，或去掉筛选条件。", "Nothing matched. Try fewer words or remove a filter.")}</p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <ul class="demand-list">
                {r.hits.into_iter().map(|h| {
                    let href = match h.kind {
                        SearchKind::Demand => format!("/demands/{}", h.id),
                        SearchKind::Achievement => format!("/achievements/{}", h.id),
                        SearchKind::Expert => format!("/experts/{}", h.id),
                        SearchKind::Organization => format!("/orgs/{}", h.id),
                        SearchKind::Call => format!("/calls/{}", h.id),
                    };
                    let runs = highlight_runs(&h.snippet, &h.highlights);
                    view! {
                        <li class="demand-item" data-testid="search-hit">
                            <h3><a href=href>{h.title.clone()}</a></h3>
                            <div class="demand-meta">
                                <span class="meta-item tag tag-blue">{lang.pick(h.kind.label_zh(), h.kind.label_en()).to_string()}</span>
                                <span class="meta-item">{h.org_name.clone()}</span>
                                {h.chain.as_ref().map(|c| view! { <span class="meta-item">{refs.chain_name(c, lang)}</span> })}
                                {h.district.as_ref().map(|d| view! { <span class="meta-item">{refs.district_name(d, lang)}</span> })}
                            </div>
                            <p class="demand-summary">
                                {runs.into_iter().map(|(text, hl)| if hl {
                                    view! { <mark>{text}</mark> }.into_any()
                                } else {
                                    view! { <span>{text}</span> }.into_any()
                                }).collect_view()}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(pages > 1).then(|| view! {
                <nav class="pagination" aria-label=lang.t("分页", "Pagination")>
                    {(1..=pages.min(20)).map(|n| if n == page {
                        view! { <span class="current" aria-current="page">{n}</span> }.into_any()
                    } else {
                        let href = format!("{}&page={n}", url_set(&[]));
                        view! { <a href=href>{n}</a> }.into_any()
                    }).collect_view()}
                </nav>
            })}
        }
        .into_any()
    };
    view! {
        <div class="search-layout">
            <aside class="search-facets card" aria-label=lang.t("筛选", "Filters")>{facets}</aside>
            <section class="search-results">
                {chips}
                <p class="list-count" data-testid="search-count">{count}</p>
                {hits}
            </section>
        </div>
    }
    .into_any()
}
