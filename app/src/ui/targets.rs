//! The plan's target tracker: every target of the catalog with its lead and co-responsible
//! units, target, current value, progress and status colour; a unit's own targets; one
//! target's history, where its lead unit reports a value and 市科技局 accepts or returns it.
use super::common::*;
use crate::api::{ReportTarget, ReviewTarget};
use crate::domain::time::format_datetime;
use crate::i18n::Lang;
use crate::model::{TargetDetail, TargetRow, Tracker};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn percent(bp: i64) -> String {
    format!("{}.{}%", bp / 100, (bp % 100) / 10)
}

fn source_label(s: &str, lang: Lang) -> &'static str {
    match s {
        "computed" => lang.t("平台实时计算", "Live from the platform"),
        _ => lang.t("牵头单位填报", "Reported by the lead unit"),
    }
}

fn status_tag(r: &TargetRow, lang: Lang) -> impl IntoView {
    view! { <span class=r.status.tag_class() data-testid="target-status" data-status=r.status.as_str()>{lang.pick(r.status.label_zh(), r.status.label_en())}</span> }
}

fn rows_table(rows: Vec<TargetRow>, caption: &'static str, lang: Lang) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="data-table targets-table">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{lang.t("编号", "Code")}</th>
                <th scope="col">{lang.t("指标", "Target")}</th>
                <th scope="col">{lang.t("牵头单位 / 配合单位", "Lead / co-responsible units")}</th>
                <th scope="col">{lang.t("基期值", "Baseline")}</th>
                <th scope="col" class="num">{lang.t("目标值", "Target value")}</th>
                <th scope="col" class="num">{lang.t("当前值", "Current")}</th>
                <th scope="col" class="num">{lang.t("完成", "Done")}</th>
                <th scope="col">{lang.t("状态", "Status")}</th>
            </tr></thead>
            <tbody>{rows.into_iter().map(|r| {
                let code = r.code.clone();
                view! {
                    <tr data-testid="target-row" data-code=code.clone()>
                        <td class="mono">{code.clone()}</td>
                        <th scope="row">
                            <a href=format!("/targets/{}", urlencode(&code))>{lang.pick(&r.name_zh, &r.name_en).to_string()}</a>
                            <br /><span class="muted small">{source_label(&r.source, lang)}{(r.pending > 0).then(|| format!(" · {} {}", r.pending, lang.t("份待审核", "awaiting review")))}</span>
                        </th>
                        <td><strong>{r.lead_unit.clone()}</strong>{(!r.co_units.is_empty()).then(|| view! { <br /><span class="muted small">{r.co_units.join("、")}</span> })}</td>
                        <td class="muted">"—"</td>
                        <td class="num">{r.target.clone()}</td>
                        <td class="num" data-testid="target-current">{r.current.clone().unwrap_or_else(|| "—".into())}{r.as_of.clone().map(|p| view! { <br /><span class="muted small">{p}</span> })}</td>
                        <td class="num">{r.progress_bp.map(percent).unwrap_or_else(|| "—".into())}</td>
                        <td>{status_tag(&r, lang)}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
    }
}

fn render_tracker(t: Tracker, lang: Lang) -> AnyView {
    let (headline, tasks): (Vec<TargetRow>, Vec<TargetRow>) =
        t.rows.into_iter().partition(|r| r.task.is_none());
    let f = t.figures;
    view! {
        {t.my_unit.clone().map(|u| view! {
            <p class="notice" data-testid="my-unit">{lang.t("您所在单位：", "Your unit: ")}<strong>{u}</strong>" · "
                {if t.only_mine {
                    view! { <a href="/targets">{lang.t("查看全部指标", "All targets")}</a> }.into_any()
                } else {
                    view! { <a href="/targets?mine=1" data-testid="my-targets">{lang.t("只看本单位牵头或配合的指标", "Only my unit's targets")}</a> }.into_any()
                }}
            </p>
        })}
        <section class="card" aria-labelledby="h-platform">
            <h2 class="card-title" id="h-platform">{lang.t("平台运行情况", "On the platform")}</h2>
            <dl class="desc-list" data-testid="platform-figures">
                <dt>{lang.t("已发布技术需求", "Demands published")}</dt><dd>{f.demands_published}</dd>
                <dt>{lang.t("已发布科技成果", "Achievements published")}</dt><dd>{f.achievements_published}</dd>
                <dt>{lang.t("揭榜挂帅榜单", "Open calls")}</dt><dd>{f.calls_published}</dd>
                <dt>{lang.t("揭榜申报", "Bids submitted")}</dt><dd>{f.bids_submitted}</dd>
                <dt>{lang.t("已登记技术合同", "Registered contracts")}</dt><dd>{f.contracts_registered}</dd>
            </dl>
        </section>
        {(!headline.is_empty()).then(|| rows_table(headline, lang.t("总体目标", "Headline targets"), lang))}
        {(!tasks.is_empty()).then(|| rows_table(tasks, lang.t("重点任务目标", "Task targets"), lang))}
        <p class="muted small">{lang.t(
            "规划期为 2021—2023 年；“累计”指 2021 年以来累计。基期值：规划文本未给出，待牵头单位补充。实时计算的指标随平台数据更新；填报的指标经市科技局审核通过后计入。",
            "The plan covers 2021–2023; cumulative means since 2021. Baselines: not given in the plan, to be added by the lead units. Live targets follow the platform's data; reported ones count once 市科技局 accepts them.",
        )}</p>
    }
    .into_any()
}

#[component]
pub fn TargetsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("mine").is_some_and(|v| v == "1"),
        crate::api::get_tracker,
    );
    view! {
        <Title text=lang.t("规划目标监测", "Plan target tracker") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("规划目标监测", "Plan target tracker")}</h1>
            <p class="page-desc">{lang.t("《南宁市科技创新规划》全部监测指标：10 项总体目标与各重点任务目标。", "Every target of Nanning's science and technology plan: the 10 headline targets and the task targets.")}</p>
        </div></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(&e, lang),
                    Ok(t) => render_tracker(t, lang),
                }
            })}
        </Suspense>
    }
}

fn render_target(
    d: TargetDetail,
    report: ServerAction<ReportTarget>,
    review: ServerAction<ReviewTarget>,
    lang: Lang,
) -> AnyView {
    let r = d.row.clone();
    let code = r.code.clone();
    let errors = field_errors(report.value());
    view! {
        <div class="page-header"><div>
            <h1 class="page-title">{format!("{} {}", r.code, lang.pick(&r.name_zh, &r.name_en))}</h1>
            <p class="page-desc">{status_tag(&r, lang)}" "{source_label(&r.source, lang)}</p>
        </div></div>
        <section class="card">
            <dl class="desc-list">
                <dt>{lang.t("牵头单位", "Lead unit")}</dt><dd>{r.lead_unit.clone()}</dd>
                <dt>{lang.t("配合单位", "Co-responsible")}</dt><dd>{if r.co_units.is_empty() { "—".to_string() } else { r.co_units.join("、") }}</dd>
                <dt>{lang.t("目标值", "Target")}</dt><dd>{r.target.clone()}</dd>
                <dt>{lang.t("当前值", "Current")}</dt><dd data-testid="detail-current">{r.current.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{lang.t("完成进度", "Progress")}</dt><dd>{r.progress_bp.map(percent).unwrap_or_else(|| "—".into())}</dd>
                <dt>{lang.t("数据说明", "About the value")}</dt><dd>{r.note.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
        </section>
        {d.can_report.then(|| { let code = code.clone(); view! {
            <section class="card" aria-labelledby="h-report">
                <h2 class="card-title" id="h-report">{lang.t("填报本期数据", "Report a value")}</h2>
                <ErrorSummary value=report.value() />
                <ActionForm action=report attr:class="form" attr:novalidate="true">
                    <input type="hidden" name="code" value=code.clone() />
                    <div class="grid-2">
                        <div class=field_class(errors)("period")>
                            <label for="period" class="required">{lang.t("报告期", "Period")}</label>
                            <input id="period" name="period" type="text" maxlength="7" placeholder="2026-Q3" aria-describedby="period-hint" />
                            <p class="hint" id="period-hint">{lang.t("年度（2026）、半年（2026-H1）或季度（2026-Q3）", "A year (2026), half (2026-H1) or quarter (2026-Q3)")}</p>
                            <FieldMsg errors field="period" />
                        </div>
                        <div class=field_class(errors)("value")>
                            <label for="value" class="required">{format!("{}（{}）", lang.t("数值", "Value"), r.unit_zh)}</label>
                            <input id="value" name="value" type="text" inputmode="decimal" maxlength="24" />
                            <FieldMsg errors field="value" />
                        </div>
                    </div>
                    <div class=field_class(errors)("note")>
                        <label for="note" class="required">{lang.t("说明（口径、来源）", "Note (definition, source)")}</label>
                        <TextArea id="note" rows=3 maxlength=500 />
                        <FieldMsg errors field="note" />
                    </div>
                    <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="report-submit">{lang.t("提交审核", "Submit for review")}</button></div>
                </ActionForm>
            </section>
        }})}
        <section class="card" aria-labelledby="h-history">
            <h2 class="card-title" id="h-history">{lang.t("填报记录", "Reports")}</h2>
            <ErrorSummary value=review.value() />
            {if d.reports.is_empty() {
                view! { <p class="muted">{lang.t("暂无填报记录。", "No reports yet.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="data-table" data-testid="target-reports">
                        <thead><tr>
                            <th scope="col">{lang.t("报告期", "Period")}</th>
                            <th scope="col" class="num">{lang.t("数值", "Value")}</th>
                            <th scope="col">{lang.t("说明", "Note")}</th>
                            <th scope="col">{lang.t("填报", "Reported")}</th>
                            <th scope="col">{lang.t("审核", "Review")}</th>
                        </tr></thead>
                        <tbody>{d.reports.into_iter().map(|x| {
                            let status = match x.status.as_str() {
                                "accepted" => lang.t("已采用", "Accepted"),
                                "returned" => lang.t("已退回", "Returned"),
                                _ => lang.t("待审核", "Awaiting review"),
                            };
                            let id = x.id.to_string();
                            let code = code.clone();
                            view! {
                                <tr data-testid="report-row" data-status=x.status.clone()>
                                    <td>{x.period.clone()}</td>
                                    <td class="num">{x.value.clone()}</td>
                                    <td class="pre-wrap">{x.note.clone()}</td>
                                    <td>{x.reporter_name.clone()}<br /><span class="muted small">{format_datetime(x.reported_at)}</span></td>
                                    <td>
                                        <strong>{status}</strong>
                                        {x.review_note.clone().map(|n| view! { <br /><span class="pre-wrap">{n}</span> })}
                                        {x.can_review.then(move || view! {
                                            <ActionForm action=review attr:class="inline-review">
                                                <input type="hidden" name="code" value=code.clone() />
                                                <input type="hidden" name="report_id" value=id.clone() />
                                                <label for=format!("rn-{id}") class="sr-only">{lang.t("审核意见", "Review note")}</label>
                                                <input id=format!("rn-{id}") name="review_note" type="text" maxlength="500" placeholder=lang.t("审核意见（退回时必填）", "Note (required to return)") />
                                                <label for=format!("rd-{id}") class="sr-only">{lang.t("审核结论", "Decision")}</label>
                                                <select id=format!("rd-{id}") name="decision" data-testid="review-decision">
                                                    <option value="accept">{lang.t("采用", "Accept")}</option>
                                                    <option value="return">{lang.t("退回", "Return")}</option>
                                                </select>
                                                <button class="btn btn-sm btn-primary" type="submit" data-testid="review-submit">{lang.t("提交", "Submit")}</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
        <p><a href="/targets">{lang.t("← 全部指标", "← All targets")}</a></p>
    }
    .into_any()
}

#[component]
pub fn TargetPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    // Read again after each report and review, so the history shows it at once.
    let report = ServerAction::<ReportTarget>::new();
    let review = ServerAction::<ReviewTarget>::new();
    let data = Resource::new(
        move || {
            (
                params.read().get("code").unwrap_or_default(),
                report.version().get(),
                review.version().get(),
            )
        },
        |(code, _, _)| crate::api::get_target(code),
    );
    view! {
        <Title text=lang.t("规划目标", "Plan target") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(&e, lang),
                    Ok(d) => render_target(d, report, review, lang),
                }
            })}
        </Suspense>
    }
}
