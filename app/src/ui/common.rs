//! Small pieces every page uses.
use crate::domain::money::Fen;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use leptos::prelude::*;

pub use super::forms::{echoed, record_form_start, use_echo, use_saved_form};

pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Text in the page's language.
pub fn t(zh: &'static str, en: &'static str) -> &'static str {
    use_lang().t(zh, en)
}

/// Every `<textarea>` of the app. tachys 0.2.19 writes a textarea's children unescaped on the
/// server (its `textarea` element is declared with `ESCAPE_CHILDREN = false`, like `<script>`),
/// so a saved text containing `</textarea><script>…` would leave the field and become markup.
/// The value is escaped here on the server; the browser decodes the character references of a
/// textarea's content, so the field holds exactly what was saved, and hydration sees the same
/// text the browser renders.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    /// The form field name, when it differs from `id`.
    #[prop(optional, into)]
    name: Option<String>,
    rows: u32,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional, into)] value: String,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let value = crate::domain::text::escape_html(&value);
    let name = name.unwrap_or_else(|| id.clone());
    view! { <textarea id=id name=name rows=rows maxlength=maxlength>{value}</textarea> }
}

pub use crate::domain::text::urlencode;

pub fn money_wan(fen: i64, lang: Lang) -> String {
    let f = Fen(fen);
    match lang {
        Lang::Zh => format!("{} 万元", f.format_wan()),
        Lang::En => f.format_yuan_en(),
    }
}

pub fn budget_text(min: i64, max: i64, lang: Lang) -> String {
    if min == max {
        money_wan(max, lang)
    } else {
        match lang {
            Lang::Zh => format!("{}–{} 万元", Fen(min).format_wan(), Fen(max).format_wan()),
            Lang::En => format!(
                "{} – {}",
                Fen(min).format_yuan_en(),
                Fen(max).format_yuan_en()
            ),
        }
    }
}

/// The field errors of the last failed submission, if any.
pub fn field_errors<T: Clone + Send + Sync + 'static>(
    value: impl Into<Signal<Option<Result<T, AppError>>>>,
) -> Signal<Vec<FieldError>> {
    let value: Signal<Option<Result<T, AppError>>> = value.into();
    Signal::derive(move || match value.get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => vec![],
    })
}

/// The message next to a field; the field's wrapper gets `has-error` from `has_error`.
#[component]
pub fn FieldMsg(errors: Signal<Vec<FieldError>>, field: &'static str) -> impl IntoView {
    let lang = use_lang();
    move || {
        errors
            .get()
            .into_iter()
            .filter(|e| e.field == field)
            .map(|e| {
                view! {
                    <p class="field-error" id=format!("{field}-error") role="alert">
                        {lang.pick(&e.zh, &e.en).to_string()}
                    </p>
                }
            })
            .collect_view()
    }
}

/// The class of a field's wrapper: `field`, or `field has-error` while it has an error.
pub fn field_class(
    errors: Signal<Vec<FieldError>>,
) -> impl Fn(&'static str) -> Box<dyn Fn() -> &'static str + Send + Sync> + Copy {
    move |field| {
        let he = has_error(errors, field);
        Box::new(move || if he() { "field has-error" } else { "field" })
    }
}

pub fn has_error(
    errors: Signal<Vec<FieldError>>,
    field: &'static str,
) -> impl Fn() -> bool + Send + Sync + Copy + 'static {
    move || errors.get().iter().any(|e| e.field == field)
}

/// GOV.UK-style summary above a failed form, each line linking to its field; also shows any
/// error that belongs to no field.
#[component]
pub fn ErrorSummary<T: Clone + Send + Sync + 'static>(
    #[prop(into)] value: Signal<Option<Result<T, AppError>>>,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        match value.get() {
        Some(Err(AppError::Validation(errs))) => view! {
            <div class="error-summary" role="alert" tabindex="-1" data-testid="error-summary">
                <h2>{lang.t("提交的信息有误", "There is a problem")}</h2>
                <ul>
                    {errs
                        .into_iter()
                        .map(|e| {
                            let label = field_label(&e.field, lang);
                            view! {
                                <li>
                                    <a href=format!("#{}", e.field)>
                                        {label.map(|l| view! { <span class="summary-field">{l}{lang.t("：", ": ")}</span> })}
                                        {lang.pick(&e.zh, &e.en).to_string()}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <div class="notice notice-error" role="alert" data-testid="error-summary">
                {e.message(lang)}
            </div>
        }
        .into_any(),
        _ => ().into_any(),
    }
    }
}

/// The label of a form field, so a summary line says which field it is about.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (zh, en) = match field {
        "email" => ("邮箱", "E-mail"),
        "display_name" => ("姓名", "Name"),
        "password" => ("密码", "Password"),
        "password_confirm" => ("确认密码", "Repeat password"),
        "privacy" => ("个人信息保护声明", "Privacy notice"),
        "credit_code" => ("统一社会信用代码", "Credit code"),
        "org_name" => ("机构名称", "Organization name"),
        "org_type" => ("机构类型", "Organization type"),
        "district" => ("所在区域", "District"),
        "contact_name" => ("联系人", "Contact person"),
        "contact_phone" => ("联系电话", "Contact phone"),
        "title" => ("名称", "Title"),
        "description" => ("需求描述", "Description"),
        "chain" => ("产业链", "Industry chain"),
        "field" => ("技术领域", "Technical field"),
        "keywords" => ("关键词", "Keywords"),
        "budget_min" => ("预算下限", "Budget from"),
        "budget_max" => ("预算上限", "Budget up to"),
        "trl" => ("技术成熟度", "Readiness level"),
        "deadline" => ("截止日期", "Deadline"),
        "ip_preference" => ("知识产权意向", "IP preference"),
        "confidential_detail" => ("保密详情", "Confidential detail"),
        "reason" => ("理由", "Reason"),
        "summary" => ("成果简介", "Summary"),
        "fields" => ("专业领域", "Fields of expertise"),
        "pro_title" => ("职称", "Professional title"),
        "dispute_reason" => ("异议说明", "Why the code is yours"),
        "note" => ("裁定说明", "Decision note"),
        "bio" => ("个人简介", "Biography"),
        "patents" => ("专利号", "Patent numbers"),
        "transfer_modes" => ("转化方式", "Transfer modes"),
        "price" => ("意向价格", "Asking price"),
        "old_password" => ("当前密码", "Current password"),
        "new_password" => ("新密码", "New password"),
        "new_password_confirm" => ("确认新密码", "Repeat new password"),
        "background" => ("需求背景", "Background"),
        "goal" => ("攻关目标", "Goal"),
        "indicators" => ("考核指标", "Hard indicators"),
        "acceptance" => ("验收标准", "Acceptance criteria"),
        "city_fund" => ("财政出资", "City funding"),
        "enterprise_fund" => ("企业出资", "Enterprise funding"),
        "org_types" => ("揭榜条件", "Eligibility"),
        "opens_at" => ("揭榜开始", "Bidding opens"),
        "closes_at" => ("揭榜截止", "Bidding closes"),
        "criteria" => ("评审指标与权重", "Evaluation criteria"),
        "score_scale" => ("每项满分", "Top score"),
        "winners" => ("中榜团队数", "Number of winners"),
        "duration_months" => ("攻关周期", "Duration"),
        "milestones" => ("里程碑", "Milestones"),
        "demand_ids" => ("来源需求", "Demands"),
        "proposal" => ("技术方案", "Technical proposal"),
        "budget" => ("经费预算", "Budget"),
        "timeline" => ("进度安排", "Timeline"),
        "milestone_plan" => ("里程碑计划", "Milestone plan"),
        "members" => ("团队成员", "Team members"),
        "receipt" => ("回执", "Receipt"),
        "contract_type" => ("合同类型", "Contract type"),
        "applicant_side" => ("申请方", "Applicant"),
        "counterpart_name" => ("对方单位名称", "Other party's name"),
        "counterpart_credit_code" => ("对方统一社会信用代码", "Other party's credit code"),
        "counterpart_type" => ("对方单位类型", "Other party's type"),
        "counterpart_place" => ("对方所在地", "Other party's location"),
        "contract_amount" => ("合同成交额", "Contract amount"),
        "tech_amount" => ("技术交易额", "Technology amount"),
        "non_technical" => ("非技术性款项", "Non-technical items"),
        "signed_on" => ("签订日期", "Signing date"),
        "ends_on" => ("有效期至", "Term ends"),
        "ip_type" => ("知识产权类型", "Intellectual property"),
        "plan_origin" => ("政府计划来源", "Government plan"),
        "bid_id" => ("中榜团队", "Winning team"),
        "starts_on" => ("任务起始日期", "Start date"),
        "report" => ("成果报告", "Report"),
        "verdict" => ("审核结果", "Outcome"),
        "decision" => ("中期决定", "Mid-term decision"),
        _ => return None,
    };
    Some(lang.t(zh, en))
}

/// How a page shows a failed load.
/// A page whose record could not be loaded: the error, with its HTTP status on the server.
pub fn error_page(e: &AppError, lang: Lang) -> AnyView {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::NOT_FOUND));
    }
    error_view(e, lang)
}

pub fn error_view(e: &AppError, lang: Lang) -> AnyView {
    let login = matches!(e, AppError::Unauthenticated);
    let msg = e.message(lang);
    view! {
        <div class="card empty-state" data-testid="error">
            <p>{msg}</p>
            {login.then(|| view! { <a class="btn btn-primary" href="/login">{lang.t("登录", "Sign in")}</a> })}
        </div>
    }
    .into_any()
}

pub fn loading() -> impl IntoView {
    view! { <p class="muted">{t("加载中…", "Loading…")}</p> }
}

/// The options of an industry-chain `<select>`: "choose", then each top-level chain as an
/// `<optgroup>` of its leaves, with `selected` marked (the demand, achievement and call forms).
pub fn chain_options(refs: &crate::model::RefData, selected: &str, lang: Lang) -> AnyView {
    let groups = refs
        .chains
        .iter()
        .filter(|c| c.parent_code.is_none())
        .map(|top| {
            let options = refs
                .chains
                .iter()
                .filter(|c| c.parent_code.as_deref() == Some(top.code.as_str()))
                .map(|c| {
                    view! { <option value=c.code.clone() selected=c.code == selected>{lang.pick(&c.name_zh, &c.name_en).to_string()}</option> }
                })
                .collect_view();
            view! { <optgroup label=lang.pick(&top.name_zh, &top.name_en).to_string()>{options}</optgroup> }
        })
        .collect_view();
    view! {
        <option value="">{lang.t("请选择", "Choose")}</option>
        {groups}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    /// The server writes a raw `<textarea>`'s content unescaped (see [`super::TextArea`]), so no
    /// page may use one directly.
    #[test]
    fn every_textarea_goes_through_the_escaping_wrapper() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("ui dir") {
            let path = entry.expect("entry").path();
            if path.file_name().is_some_and(|n| n == "common.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            assert!(
                !text.contains("<textarea"),
                "{} writes a <textarea> directly: use TextArea",
                path.display()
            );
            checked += 1;
        }
        assert!(checked > 5);
    }
}
