//! Officials' bulk import page. With JavaScript the browser sends the chosen file as-is to
//! `POST /api/v1/import/{kind}` (same origin, session cookie) and shows the report in place.
//! Without it the form posts `multipart/form-data` to `/admin/import/upload`, which imports and
//! redirects back here with `?result=<token>`. Either way every bad row is listed and nothing is
//! written unless the whole file is good.
use super::common::*;
use crate::i18n::Lang;
use crate::model::ImportOutcome as ReportView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

// Reports are only ever produced in the browser.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Report(ReportView),
    Failed(String),
}

#[cfg(feature = "hydrate")]
async fn upload(kind: String) -> Outcome {
    use wasm_bindgen::JsCast;
    let fail = |m: &str| Outcome::Failed(m.to_string());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return fail("no document");
    };
    let Some(input) = doc
        .get_element_by_id("import-file")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return fail("no file input");
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return fail("请选择文件 / Choose a file");
    };
    if file.size() > 20.0 * 1024.0 * 1024.0 {
        return fail("文件超过 20 MB 上限 / The file exceeds the 20 MB limit");
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let url = format!(
        "/api/v1/import/{kind}?file_name={}",
        js_sys::encode_uri_component(&file.name())
    );
    let Some(window) = web_sys::window() else {
        return fail("no window");
    };
    let resp =
        match wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(&url, &init))
            .await
        {
            Ok(r) => r,
            Err(_) => return fail("网络错误 / Network error"),
        };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return fail("bad response");
    };
    let status = resp.status();
    let Ok(text_promise) = resp.text() else {
        return fail("bad response");
    };
    let text = wasm_bindgen_futures::JsFuture::from(text_promise)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    match serde_json::from_str::<ReportView>(&text) {
        Ok(r) => Outcome::Report(r),
        Err(_) if status == 413 => fail("文件超过上限 / The file is too large"),
        Err(_) if status == 401 || status == 403 => fail(
            "只有管理人员或技术合同登记员可以导入 / Only officials and registry clerks can import",
        ),
        Err(_) => fail(&format!("HTTP {status}")),
    }
}

#[cfg(not(feature = "hydrate"))]
async fn upload(_kind: String) -> Outcome {
    Outcome::Failed(String::new())
}

fn report_view(r: ReportView, token: Option<String>, lang: Lang) -> AnyView {
    if r.errors.is_empty() {
        let skipped = (r.skipped > 0).then(|| match lang {
            Lang::Zh => format!("另有 {} 行已登记过，保持不变。", r.skipped),
            Lang::En => format!(
                " {} rows were already there and were left as they were.",
                r.skipped
            ),
        });
        return view! {
            <div class="notice notice-success" role="status" data-testid="import-done">
                {match lang { Lang::Zh => format!("已导入 {} 行（共 {} 行）。", r.imported, r.rows), Lang::En => format!("Imported {} of {} rows.", r.imported, r.rows) }}
                {skipped}
            </div>
        }
        .into_any();
    }
    let download = r
        .report_url
        .clone()
        .or_else(|| token.map(|t| format!("/admin/import/report.csv?result={}", urlencode(&t))));
    view! {
        <div class="error-summary" role="alert" data-testid="import-errors">
            <h2>{match lang { Lang::Zh => format!("发现 {} 处错误，未导入任何数据", r.errors.len()), Lang::En => format!("{} problem(s) found; nothing was imported", r.errors.len()) }}</h2>
            {download.map(|href| view! { <p><a href=href download data-testid="import-report-csv">{lang.t("下载错误报告（CSV）", "Download the problems (CSV)")}</a></p> })}
            <div class="table-wrap"><table class="data-table">
                <thead><tr>
                    <th scope="col">{lang.t("行", "Line")}</th>
                    <th scope="col">{lang.t("列", "Column")}</th>
                    <th scope="col">{lang.t("原因", "Reason")}</th>
                </tr></thead>
                <tbody>
                    {r.errors.into_iter().map(|e| view! {
                        <tr><td class="num">{e.line}</td><td class="mono">{e.column.clone()}</td><td>{lang.pick(&e.zh, &e.en).to_string()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </div>
    }
    .into_any()
}

/// The kinds of data a file can carry: code, Chinese and English names.
const KINDS: &[(&str, &str, &str)] = &[
    ("organizations", "机构", "Organizations"),
    ("experts", "专家", "Experts"),
    ("demands", "技术需求", "Demands"),
    ("achievements", "科技成果", "Achievements"),
    (
        "contracts",
        "已登记技术合同（登记台账）",
        "Registered contracts (registry sheet)",
    ),
];

#[component]
pub fn ImportPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    // The report of an upload made without JavaScript.
    let posted = Resource::new(
        move || query.read().get("result").filter(|t| !t.is_empty()),
        |token| async move {
            match token {
                Some(t) => crate::api::import_result(t).await,
                None => Ok(None),
            }
        },
    );
    // `?kind=contracts` opens on the registry's sheet (the clerks' menu links there).
    let initial = query
        .read_untracked()
        .get("kind")
        .filter(|k| KINDS.iter().any(|(c, _, _)| c == k))
        .unwrap_or_else(|| "organizations".to_string());
    let (kind, set_kind) = signal(initial.clone());
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let k = kind.get_untracked();
        leptos::task::spawn_local(async move {
            let o = upload(k).await;
            outcome.set(Some(o));
            busy.set(false);
        });
    };
    view! {
        <Title text=lang.t("批量导入", "Bulk import") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("批量导入", "Bulk import")}</h1>
            <p class="page-desc">{lang.t(
                "支持 CSV（UTF-8 或 GBK，Excel 另存即可）、XLSX 和 JSON Lines，最大 20 MB。先校验整个文件，有任何错误则不导入任何数据，并列出每一处错误。格式见 README 和 seeds/examples。",
                "CSV (UTF-8 or GBK, as Excel saves it), XLSX and JSON Lines, up to 20 MB. The whole file is checked first; if any row is bad nothing is imported and every problem is listed. Formats: README and seeds/examples.",
            )}</p>
        </div></div>
        <form class="form card" method="post" action="/admin/import/upload" enctype="multipart/form-data" on:submit=on_submit>
            <div class="field">
                <label for="import-kind" class="required">{lang.t("数据类别", "Kind of data")}</label>
                <select id="import-kind" name="kind" on:change=move |ev| set_kind.set(event_target_value(&ev))>
                    {KINDS.iter().map(|(code, zh, en)| {
                        let selected = *code == initial;
                        view! { <option value=*code selected=selected>{lang.pick(zh, en)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="import-file" class="required">{lang.t("文件", "File")}</label>
                <input id="import-file" name="file" type="file" accept=".csv,.xlsx,.jsonl,.ndjson,text/csv" aria-describedby="import-file-hint" />
                <p class="hint" id="import-file-hint">{lang.t("技术合同登记台账：每行一份已登记合同，列名可用中文（如“登记编号”“合同成交额（元）”），示例见 seeds/examples/contracts.csv；登记编号已存在的行保持不变。", "Registry sheets: one registered contract per row, headed in Chinese or by column codes (seeds/examples/contracts.csv); rows whose registration number is already stored are left as they were.")}</p>
            </div>
            <button class="btn btn-primary" type="submit" data-testid="import-submit" disabled=move || busy.get()>
                {move || if busy.get() { lang.t("正在校验并导入…", "Checking and importing…") } else { lang.t("校验并导入", "Check and import") }}
            </button>
        </form>
        {move || outcome.get().map(|o| match o {
            Outcome::Failed(m) => view! { <div class="notice notice-error" role="alert">{m}</div> }.into_any(),
            Outcome::Report(r) => report_view(r, None, lang),
        })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match posted.await {
                    Ok(Some(r)) if outcome.get().is_none() => report_view(r, query.read_untracked().get("result"), lang),
                    Ok(_) => ().into_any(),
                    Err(e) => error_view(&e, lang),
                }
            })}
        </Transition>
    }
}
