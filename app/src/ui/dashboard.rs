//! The technology-contract dashboard: G6 (cumulative 合同成交额 against 400亿元) with its
//! projection, the view's monthly series and its breakdowns, each an SVG chart drawn on the
//! server with the table behind it; and the registered contracts behind a figure. The view is
//! the URL's query string, so every view can be bookmarked, shared and exported.
use super::common::*;
use super::lifecycle::StatusTag;
use crate::domain::contract::{ContractType, IpType};
use crate::domain::stats::{Flow, Pace, SellerType};
use crate::domain::Fen;
use crate::i18n::Lang;
use crate::model::{Breakdown, Dashboard, DrillPage, FilterOption, StatRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// An amount as officials read it: 亿元 from one 亿 up, else 万元.
pub fn money_auto(fen: i64, lang: Lang) -> String {
    let f = Fen(fen);
    match lang {
        Lang::Zh if fen.abs() >= 100_000_000 * 100 => format!("{} 亿元", f.format_yi()),
        Lang::Zh => format!("{} 万元", f.format_wan()),
        Lang::En if fen.abs() >= 100_000_000 * 100 => {
            format!("CNY {} bn", Fen(fen / 10).format_yi())
        }
        Lang::En => format!("CNY {} m", Fen(fen / 100).format_wan()),
    }
}

fn amount(v: Option<i64>, lang: Lang) -> String {
    v.map(|v| money_auto(v, lang))
        .unwrap_or_else(|| lang.t("不公开", "withheld").to_string())
}

fn percent(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, (bp % 100).abs())
}

fn month_label(key: &str, lang: Lang) -> String {
    match key.split_once('-') {
        Some((y, m)) => match lang {
            Lang::Zh => format!("{y}年{}月", m.trim_start_matches('0')),
            Lang::En => key.to_string(),
        },
        None => key.to_string(),
    }
}

fn export_links(
    path: &'static str,
    query: String,
    testid: &'static str,
    lang: Lang,
) -> impl IntoView {
    let csv = format!("{path}?{query}&format=csv");
    let xlsx = format!("{path}?{query}&format=xlsx");
    view! {
        <span class="export-links small">
            {lang.t("导出：", "Export: ")}
            <a href=xlsx data-testid=format!("{testid}-xlsx") download>"XLSX"</a>
            " · "
            <a href=csv data-testid=format!("{testid}-csv") download>"CSV"</a>
        </span>
    }
}

/// A column chart of a monthly series (合同成交额), years marked along the axis.
fn month_chart(rows: &[StatRow], lang: Lang) -> AnyView {
    let (w, h, left, bottom, top) = (720.0_f64, 220.0_f64, 64.0_f64, 26.0_f64, 10.0_f64);
    let max = rows
        .iter()
        .filter_map(|r| r.contract_amount_fen)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = rows.len().max(1) as f64;
    let step = (w - left - 8.0) / n;
    let plot_h = h - bottom - top;
    let desc = lang.t(
        "按月合同成交额柱状图；数据见下表。",
        "Monthly contract amount, column chart; the table below has the figures.",
    );
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let v = r.contract_amount_fen.unwrap_or(0) as f64;
            let bh = (v / max * plot_h).max(if v > 0.0 { 1.0 } else { 0.0 });
            let x = left + i as f64 * step;
            let title = format!("{}：{}（{}）", month_label(&r.key, lang), amount(r.contract_amount_fen, lang), r.count);
            let year_mark = r.key.ends_with("-01").then(|| {
                let label = r.key[..4].to_string();
                view! {
                    <line x1=format!("{x:.1}") x2=format!("{x:.1}") y1=format!("{:.1}", h - bottom) y2=format!("{:.1}", h - bottom + 5.0) class="axis" />
                    <text x=format!("{:.1}", x + 2.0) y=format!("{:.1}", h - 6.0) class="tick">{label}</text>
                }
            });
            view! {
                <rect x=format!("{:.1}", x + step * 0.1) y=format!("{:.1}", top + plot_h - bh) width=format!("{:.1}", (step * 0.8).max(0.5)) height=format!("{bh:.1}") class="bar-a"><title>{title}</title></rect>
                {year_mark}
            }
        })
        .collect_view();
    let ticks = (0..=4)
        .map(|k| {
            let y = top + plot_h - plot_h * k as f64 / 4.0;
            let v = (max * k as f64 / 4.0) as i64;
            view! {
                <line x1=format!("{left:.1}") x2=format!("{:.1}", w - 4.0) y1=format!("{y:.1}") y2=format!("{y:.1}") class="grid" />
                <text x=format!("{:.1}", left - 6.0) y=format!("{:.1}", y + 4.0) class="tick" text-anchor="end">{money_auto(v, lang)}</text>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label=desc data-testid="month-chart" preserveAspectRatio="xMidYMid meet">
            <title>{desc}</title>
            {ticks}
            {bars}
            <line x1=format!("{left:.1}") x2=format!("{:.1}", w - 4.0) y1=format!("{:.1}", h - bottom) y2=format!("{:.1}", h - bottom) class="axis" />
        </svg>
    }
    .into_any()
}

/// Horizontal bars: 合同成交额 and 技术交易额 side by side for each row of a breakdown.
fn bar_chart(rows: &[StatRow], title: String, lang: Lang) -> AnyView {
    let row_h = 30.0_f64;
    let (w, label_w) = (720.0_f64, 220.0_f64);
    let h = row_h * rows.len().max(1) as f64 + 24.0;
    let max = rows
        .iter()
        .filter_map(|r| r.contract_amount_fen)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let bar_w = w - label_w - 130.0;
    let items = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = 4.0 + i as f64 * row_h;
            let a = r.contract_amount_fen.unwrap_or(0) as f64 / max * bar_w;
            let t = r.tech_amount_fen.unwrap_or(0) as f64 / max * bar_w;
            let label = lang.pick(&r.label_zh, &r.label_en).to_string();
            // Long names are cut on the axis; the bar's tooltip and the table carry them whole.
            let short: String = if label.chars().count() > 16 {
                label.chars().take(15).chain(std::iter::once('…')).collect()
            } else {
                label.clone()
            };
            view! {
                <text x=format!("{:.1}", label_w - 8.0) y=format!("{:.1}", y + 16.0) class="tick" text-anchor="end">{short}</text>
                <rect x=format!("{label_w:.1}") y=format!("{y:.1}") width=format!("{a:.1}") height="11" class="bar-a"><title>{format!("{label}：{}", amount(r.contract_amount_fen, lang))}</title></rect>
                <rect x=format!("{label_w:.1}") y=format!("{:.1}", y + 12.0) width=format!("{t:.1}") height="11" class="bar-b"><title>{format!("{label}：{}", amount(r.tech_amount_fen, lang))}</title></rect>
                <text x=format!("{:.1}", label_w + a + 6.0) y=format!("{:.1}", y + 10.0) class="tick">{amount(r.contract_amount_fen, lang)}</text>
            }
        })
        .collect_view();
    let legend_y = h - 8.0;
    let label = title.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
            <title>{title}</title>
            {items}
            <rect x=format!("{label_w:.1}") y=format!("{:.1}", legend_y - 9.0) width="10" height="10" class="bar-a" />
            <text x=format!("{:.1}", label_w + 14.0) y=format!("{legend_y:.1}") class="tick">{lang.t("合同成交额", "Contract amount")}</text>
            <rect x=format!("{:.1}", label_w + 120.0) y=format!("{:.1}", legend_y - 9.0) width="10" height="10" class="bar-b" />
            <text x=format!("{:.1}", label_w + 134.0) y=format!("{legend_y:.1}") class="tick">{lang.t("技术交易额", "Technology amount")}</text>
        </svg>
    }
    .into_any()
}

fn stat_table(
    rows: &[StatRow],
    caption: String,
    dim_label: String,
    can_drill: bool,
    lang: Lang,
    testid: String,
) -> AnyView {
    let total_n: i64 = rows.iter().map(|r| r.count).sum();
    // A total of figures some of which are withheld would disclose them: shown only when all are.
    let sum = |f: fn(&StatRow) -> Option<i64>| {
        rows.iter()
            .map(f)
            .try_fold(0i64, |a, v| v.map(|v| a.saturating_add(v)))
    };
    let (total_a, total_t) = (sum(|r| r.contract_amount_fen), sum(|r| r.tech_amount_fen));
    view! {
        <div class="table-wrap"><table class="data-table" data-testid=testid>
            <caption class="sr-only">{caption}</caption>
            <thead><tr>
                <th scope="col">{dim_label}</th>
                <th scope="col" class="num">{lang.t("合同成交额", "Contract amount")}</th>
                <th scope="col" class="num">{lang.t("技术交易额", "Technology amount")}</th>
                <th scope="col" class="num">{lang.t("合同数", "Contracts")}</th>
            </tr></thead>
            <tbody>{rows.iter().map(|r| {
                let label = lang.pick(&r.label_zh, &r.label_en).to_string();
                let label = match &r.drill {
                    Some(q) => view! { <a href=format!("/dashboard?{q}") data-testid="narrow">{label}</a> }.into_any(),
                    None => view! { <span>{label}</span> }.into_any(),
                };
                let count = match (&r.drill, can_drill && r.count > 0) {
                    (Some(q), true) => view! { <a href=format!("/dashboard/contracts?{q}") data-testid="drill" title=lang.t("查看这些合同", "See these contracts")>{r.count}</a> }.into_any(),
                    _ => view! { <span>{r.count}</span> }.into_any(),
                };
                view! {
                    <tr data-key=r.key.clone()>
                        <th scope="row">{label}</th>
                        <td class="num">{amount(r.contract_amount_fen, lang)}</td>
                        <td class="num">{amount(r.tech_amount_fen, lang)}</td>
                        <td class="num">{count}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
            <tfoot><tr><td>{lang.t("合计", "Total")}</td><td class="num">{amount(total_a, lang)}</td><td class="num">{amount(total_t, lang)}</td><td class="num">{total_n}</td></tr></tfoot>
        </table></div>
    }
    .into_any()
}

fn breakdown_card(b: Breakdown, query: String, can_drill: bool, lang: Lang) -> AnyView {
    let name = lang.pick(b.dim.label_zh(), b.dim.label_en()).to_string();
    let title = match lang {
        Lang::Zh => format!("按{name}"),
        Lang::En => format!("By {}", name.to_lowercase()),
    };
    let dim = b.dim.as_str();
    let chart_title = format!(
        "{title}：{}",
        lang.t(
            "合同成交额与技术交易额条形图",
            "contract and technology amounts, bar chart"
        )
    );
    view! {
        <section class="card breakdown" data-testid=format!("breakdown-{dim}") aria-labelledby=format!("h-{dim}")>
            <div class="card-head">
                <h2 class="card-title" id=format!("h-{dim}")>{title.clone()}</h2>
                {export_links("/api/v1/stats/turnover", format!("{query}&group_by={dim}"), "export", lang)}
            </div>
            {if b.rows.is_empty() {
                view! { <p class="muted">{lang.t("没有符合条件的已登记合同。", "No registered contracts match.")}</p> }.into_any()
            } else {
                view! {
                    <div class="chart-pair">
                        {bar_chart(&b.rows, chart_title, lang)}
                        {stat_table(&b.rows, title, name, can_drill, lang, format!("table-{dim}"))}
                    </div>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

fn select(
    id: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: Option<String>,
    lang: Lang,
) -> impl IntoView {
    let selected = selected.unwrap_or_default();
    view! {
        <div class="filter">
            <label for=format!("f-{id}")>{label}</label>
            <select id=format!("f-{id}") name=id>
                <option value="">{lang.t("全部", "All")}</option>
                {options.into_iter().map(|(code, l)| {
                    let sel = code == selected;
                    view! { <option value=code selected=sel>{l}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn coded_options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
    lang: Lang,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&v| (code(v).to_string(), lang.pick(zh(v), en(v)).to_string()))
        .collect()
}

fn ref_options(list: &[FilterOption], lang: Lang) -> Vec<(String, String)> {
    list.iter()
        .map(|o| {
            (
                o.code.clone(),
                lang.pick(&o.label_zh, &o.label_en).to_string(),
            )
        })
        .collect()
}

fn filter_form(d: &Dashboard, lang: Lang) -> impl IntoView {
    let f = &d.filter;
    view! {
        <form class="card filters dashboard-filters" method="get" action="/dashboard" data-testid="dashboard-filters">
            <div class="filter">
                <label for="f-from">{lang.t("登记日期自", "Registered from")}</label>
                <input id="f-from" name="from" type="date" value=f.from.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div class="filter">
                <label for="f-to">{lang.t("至", "to")}</label>
                <input id="f-to" name="to" type="date" value=f.to.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            {select("district", lang.t("县区及开发区", "District / zone"), ref_options(&d.districts, lang), f.district.clone(), lang)}
            {select("type", lang.t("合同类型", "Type"), coded_options(ContractType::ALL, ContractType::as_str, ContractType::label_zh, ContractType::label_en, lang), f.contract_type.map(|v| v.as_str().to_string()), lang)}
            {select("chain", lang.t("产业链", "Chain"), ref_options(&d.chains, lang), f.chain.clone(), lang)}
            {select("seller_type", lang.t("卖方类型", "Seller type"), coded_options(SellerType::ALL, SellerType::as_str, SellerType::label_zh, SellerType::label_en, lang), f.seller_type.map(|v| v.as_str().to_string()), lang)}
            {select("flow", lang.t("技术流向", "Flow"), coded_options(Flow::ALL, Flow::as_str, Flow::label_zh, Flow::label_en, lang), f.flow.map(|v| v.as_str().to_string()), lang)}
            {select("ip_type", lang.t("知识产权", "IP type"), coded_options(IpType::ALL, IpType::as_str, IpType::label_zh, IpType::label_en, lang), f.ip_type.map(|v| v.as_str().to_string()), lang)}
            <input type="hidden" name="scope" value="view" />
            <button class="btn btn-primary" type="submit" data-testid="dashboard-apply">{lang.t("查询", "Apply")}</button>
            <a class="btn" href="/dashboard?scope=city">{lang.t("全市总览", "Whole city")}</a>
        </form>
    }
}

fn pace_tag(p: Pace, lang: Lang) -> impl IntoView {
    let class = match p.color() {
        "green" => "tag tag-green",
        "amber" => "tag tag-gold",
        _ => "tag tag-red",
    };
    view! { <span class=class data-testid="pace" data-pace=p.as_str()>{lang.pick(p.label_zh(), p.label_en())}</span> }
}

fn g6_card(d: &Dashboard, lang: Lang) -> impl IntoView {
    let p = &d.city;
    let pct = p.percent_bp.clamp(0, 10_000);
    let deadline = p.deadline.to_string();
    let projection = match (&p.reached_month, p.pace) {
        (Some(m), Pace::Reached) => {
            format!("{}{}", lang.t("已于 ", "Reached in "), month_label(m, lang))
        }
        (Some(m), _) => format!(
            "{}{}{}",
            lang.t(
                "按近期月均速度，预计 ",
                "At the recent monthly rate it is reached in "
            ),
            month_label(m, lang),
            lang.t(" 达成", "")
        ),
        (None, _) => lang
            .t(
                "近期没有新增登记，无法预计达成时间",
                "Nothing registered recently: no projected date",
            )
            .to_string(),
    };
    view! {
        <section class="card kpi-main" data-testid="g6" aria-labelledby="h-g6">
            <div class="card-head">
                <h2 class="card-title" id="h-g6">{lang.t("G6 技术合同成交额（2021年以来累计）", "G6 technology contract turnover (cumulative since 2021)")}</h2>
                {pace_tag(p.pace, lang)}
            </div>
            <p class="kpi-figure">
                <strong data-testid="g6-amount" data-fen=p.cumulative_fen.to_string()>{money_auto(p.cumulative_fen, lang)}</strong>
                <span class="muted">" / "{lang.t("目标 ", "target ")}{money_auto(p.target_fen, lang)}</span>
            </p>
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=(pct / 100).to_string() aria-label=lang.t("完成进度", "Progress")>
                // An SVG bar, not a styled div: the page's CSP allows no inline styles.
                <svg viewBox="0 0 10000 10" preserveAspectRatio="none" class="progress-svg" aria-hidden="true">
                    <rect x="0" y="0" width=pct.to_string() height="10" class="progress-fill" />
                </svg>
            </div>
            <p data-testid="g6-percent">{lang.t("完成 ", "Done: ")}{percent(p.percent_bp)}</p>
            <dl class="desc-list compact">
                <dt>{lang.t("近期月均", "Recent monthly mean")}</dt>
                <dd data-testid="run-rate">{money_auto(p.run_rate_monthly_fen, lang)}{format!(" ({} {})", p.run_rate_months, lang.t("个月", "months"))}</dd>
                <dt>{lang.t("目标期限", "Deadline")}</dt>
                <dd>{deadline}</dd>
                <dt>{lang.t("每月需完成", "Needed each month")}</dt>
                <dd data-testid="needed">{p.needed_monthly_fen.map(|v| money_auto(v, lang)).unwrap_or_else(|| lang.t("—（期限已过或已完成）", "— (deadline passed or reached)").to_string())}</dd>
                <dt>{lang.t("预计", "Projection")}</dt>
                <dd data-testid="projection">{projection}</dd>
            </dl>
        </section>
    }
}

fn view_card(d: &Dashboard, lang: Lang) -> impl IntoView {
    let t = &d.total;
    let narrowed = !d.filter.is_empty();
    view! {
        <section class="card kpi-view" data-testid="view-total" aria-labelledby="h-view">
            <h2 class="card-title" id="h-view">{if narrowed { lang.t("当前筛选", "This view") } else { lang.t("全部已登记合同", "All registered contracts") }}</h2>
            <dl class="desc-list compact">
                <dt>{lang.t("合同成交额", "Contract amount")}</dt>
                <dd data-testid="view-amount" data-fen=t.contract_amount_fen.map(|v| v.to_string()).unwrap_or_default()>{amount(t.contract_amount_fen, lang)}</dd>
                <dt>{lang.t("技术交易额", "Technology amount")}</dt>
                <dd>{amount(t.tech_amount_fen, lang)}</dd>
                <dt>{lang.t("合同数", "Contracts")}</dt>
                <dd data-testid="view-count">{t.count}</dd>
                {d.share_bp.map(|s| view! { <dt>{lang.t("占全市累计", "Share of the city")}</dt><dd data-testid="view-share">{percent(s)}</dd> })}
            </dl>
            {(d.can_drill && t.count > 0).then(|| view! { <a class="btn btn-sm" href=format!("/dashboard/contracts?{}", d.query) data-testid="view-contracts">{lang.t("查看合同明细", "See the contracts")}</a> })}
        </section>
    }
}

fn render_dashboard(d: Dashboard, lang: Lang) -> AnyView {
    let query = d.query.clone();
    let errors = (!d.errors.is_empty()).then(|| view! {
        <div class="notice notice-warning" role="alert" data-testid="filter-errors"><ul>
            {d.errors.iter().map(|e| view! { <li>{lang.pick(&e.message_zh(), &e.message_en()).to_string()}</li> }).collect_view()}
        </ul></div>
    });
    let home = d.home_district.as_ref().map(|code| {
        let name = d.districts.iter().find(|o| &o.code == code).map(|o| lang.pick(&o.label_zh, &o.label_en).to_string()).unwrap_or_else(|| code.clone());
        view! { <p class="notice" data-testid="home-district">{lang.t("已按您所在的县区及开发区打开：", "Opened on your district: ")}<strong>{name}</strong>" · "<a href="/dashboard?scope=city">{lang.t("查看全市", "See the whole city")}</a></p> }
    });
    let monthly_title = lang
        .t("按月合同成交额", "Contract amount by month")
        .to_string();
    view! {
        {errors}
        {home}
        {filter_form(&d, lang)}
        <div class="kpi-grid">
            {g6_card(&d, lang)}
            {view_card(&d, lang)}
        </div>
        <section class="card" data-testid="breakdown-month" aria-labelledby="h-month">
            <div class="card-head">
                <h2 class="card-title" id="h-month">{monthly_title.clone()}</h2>
                {export_links("/api/v1/stats/turnover", format!("{query}&group_by=month"), "export-month", lang)}
            </div>
            {month_chart(&d.monthly, lang)}
            <details>
                <summary>{lang.t("逐月数据表", "Month-by-month table")}</summary>
                {stat_table(&d.monthly.iter().rev().cloned().map(|mut r| { r.label_zh = month_label(&r.key, Lang::Zh); r }).collect::<Vec<_>>(), monthly_title, lang.t("月份", "Month").to_string(), d.can_drill, lang, "table-month".into())}
            </details>
        </section>
        {d.breakdowns.into_iter().map(|b| breakdown_card(b, query.clone(), d.can_drill, lang)).collect_view()}
        <p class="muted small">{lang.t(
            "统计口径：已登记（认定登记完成）的技术合同，按登记日期（北京时间）计；县区按卖方所在地计，卖方不在南宁时按买方所在地计。公众查看时，少于 3 份合同的数字只显示份数。",
            "Counted: registered technology contracts, by registration date (Beijing time); the district is the seller's, or the buyer's when the seller is outside Nanning. For the public, figures made of fewer than 3 contracts show the count only.",
        )}</p>
    }
    .into_any()
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let data = Resource::new(move || location.search.get(), crate::api::get_dashboard);
    view! {
        <Title text=lang.t("技术合同成交统计", "Technology contract statistics") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("技术合同成交统计", "Technology contract statistics")}</h1>
            <p class="page-desc">{lang.t("对照《南宁市科技创新规划》G6 目标：2021年以来累计技术合同成交额突破 400 亿元。", "Against the plan's G6 target: cumulative technology contract turnover above 40 bn yuan since 2021.")}</p>
        </div></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(&e, lang),
                    Ok(d) => render_dashboard(d, lang),
                }
            })}
        </Suspense>
    }
}

fn render_drill(d: DrillPage, lang: Lang) -> AnyView {
    let query = d.query.clone();
    let described = if d.described.is_empty() {
        lang.t("全部已登记合同", "All registered contracts")
            .to_string()
    } else {
        d.described
            .iter()
            .map(|o| lang.pick(&o.label_zh, &o.label_en).to_string())
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let (page, pages) = (d.page, d.pages);
    let page_link = move |p: i64| format!("/dashboard/contracts?{query}&page={p}");
    view! {
        <div class="card">
            <p data-testid="drill-described"><strong>{described}</strong></p>
            <p>{lang.t("合同成交额 ", "Contract amount ")}<strong data-testid="drill-amount">{amount(d.total.contract_amount_fen, lang)}</strong>
               {lang.t("，技术交易额 ", ", technology amount ")}{amount(d.total.tech_amount_fen, lang)}
               {lang.t("，共 ", ", ")}<strong data-testid="drill-count">{d.total.count}</strong>{lang.t(" 份", " contracts")}</p>
            <p class="row">
                <a href=format!("/dashboard?{}", d.query)>{lang.t("← 返回统计", "← Back to the figures")}</a>
                {export_links("/api/v1/stats/contracts", d.query.clone(), "export-contracts", lang)}
            </p>
        </div>
        <div class="table-wrap"><table class="data-table" data-testid="drill-table">
            <thead><tr>
                <th scope="col">{lang.t("登记编号 / 合同名称", "Number / contract")}</th>
                <th scope="col">{lang.t("类型", "Type")}</th>
                <th scope="col">{lang.t("卖方 / 买方", "Seller / buyer")}</th>
                <th scope="col" class="num">{lang.t("合同成交额", "Contract amount")}</th>
                <th scope="col" class="num">{lang.t("技术交易额", "Technology amount")}</th>
                <th scope="col">{lang.t("状态", "Status")}</th>
            </tr></thead>
            <tbody>{d.items.into_iter().map(|c| view! {
                <tr data-testid="drill-row">
                    <td><code>{c.registration_number.clone().unwrap_or_default()}</code><br /><a href=format!("/contracts/{}", c.id)>{c.title.clone()}</a></td>
                    <td>{lang.pick(c.contract_type.label_zh(), c.contract_type.label_en())}</td>
                    <td>{c.seller_name.clone()}" / "{c.buyer_name.clone()}</td>
                    <td class="num">{money_wan(c.contract_amount_fen, lang)}</td>
                    <td class="num">{money_wan(c.tech_amount_fen, lang)}</td>
                    <td><StatusTag status=c.status /></td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label=lang.t("分页", "Pages")>
                {(page > 1).then(|| view! { <a href=page_link(page - 1) rel="prev">{lang.t("上一页", "Previous")}</a> })}
                <span class="current" aria-current="page">{format!("{page} / {pages}")}</span>
                {(page < pages).then(|| view! { <a href=page_link(page + 1) rel="next">{lang.t("下一页", "Next")}</a> })}
            </nav>
        })}
    }
    .into_any()
}

#[component]
pub fn DashboardContractsPage() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let data = Resource::new(
        move || location.search.get(),
        |q| {
            let page = crate::domain::text::parse_query(&q)
                .into_iter()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            crate::api::get_dashboard_contracts(q, page)
        },
    );
    view! {
        <Title text=lang.t("统计明细", "Contracts behind the figures") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("已登记技术合同明细", "Registered contracts behind the figures")}</h1>
            <p class="page-desc">{lang.t("按合同成交额从大到小排列。", "Largest first.")}</p>
        </div></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(&e, lang),
                    Ok(d) => render_drill(d, lang),
                }
            })}
        </Suspense>
    }
}
