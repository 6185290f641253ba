//! How every reviewed record's status and history look, whatever its kind (demands,
//! achievements, and the calls, bids and contracts that follow).
use super::common::{use_lang, FieldMsg, TextArea};
use crate::api::RecordAction;
use crate::domain::lifecycle::{labels_of, Labelled, Lifecycle, Status};
use crate::domain::time::format_datetime;
use crate::error::FieldError;
use crate::i18n::Lang;
use crate::model::AuditEntry;
use leptos::prelude::*;

/// A status as a coloured tag, carrying its code in `data-status`.
#[component]
pub fn StatusTag<S: Status>(status: S) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("tag tag-{}", status.tag_color()) data-status=status.as_str()>
            {lang.pick(status.label_zh(), status.label_en()).to_string()}
        </span>
    }
}

/// How an audit action of kind `L` reads in the history.
pub fn action_label<L: Lifecycle>(action: &str, lang: Lang) -> String {
    if let Some((zh, en)) = labels_of::<L::Action>(action) {
        return lang.pick(zh, en).to_string();
    }
    match action {
        "create" => lang.t("创建草稿", "Draft created"),
        "edit" => lang.t("修改", "Edited"),
        "seed" => lang.t("初始数据导入", "Loaded from seed data"),
        "import" => lang.t("批量导入", "Imported"),
        "start" => lang.t("立项（任务书）", "Task contract recorded"),
        "release" => lang.t("拨付首期经费", "First tranche released"),
        "midterm_continue" => lang.t("中期评估：继续支持", "Mid-term: continues"),
        "attach" => lang.t("上传附件", "File attached"),
        "detach" => lang.t("删除附件", "File removed"),
        "draft_from_award" => lang.t("依中榜结果生成合同草稿", "Drafted from the award"),
        "align_with_task" => lang.t(
            "按任务书调整合同金额与日期",
            "Aligned with the task contract",
        ),
        other => return other.to_string(),
    }
    .to_string()
}

/// The audit history of one record of kind `L`: when, who, what, from → to, and the reason.
/// Nothing when there is no history to show.
pub fn history_card<L: Lifecycle>(entries: &[AuditEntry], lang: Lang) -> impl IntoView {
    let label = |code: &Option<String>| {
        code.as_deref()
            .and_then(labels_of::<L::Status>)
            .map(|(zh, en)| lang.pick(zh, en).to_string())
    };
    let items = entries
        .iter()
        .map(|h| {
            let change = match (label(&h.from_state), label(&h.to_state)) {
                (Some(f), Some(t)) => format!("：{f} → {t}"),
                (None, Some(t)) => format!("：{t}"),
                _ => String::new(),
            };
            view! {
                <li>
                    <time>{format_datetime(h.at)}</time>" "
                    <span class="actor">{h.actor_name.clone().unwrap_or_default()}</span>" "
                    <span class="transition">{action_label::<L>(&h.action, lang)}{change}</span>
                    {h.reason.clone().map(|r| view! { <span class="reason">" — "{r}</span> })}
                </li>
            }
        })
        .collect_view();
    (!entries.is_empty()).then(|| {
        view! {
            <div class="card" data-testid="history">
                <h2 class="card-title">{lang.t("处理记录", "History")}</h2>
                <ul class="timeline">{items}</ul>
            </div>
        }
    })
}

/// The lifecycle actions a reader may take on one record of kind `L`, as forms posting to the
/// one `record_action` server function: plain buttons, and for an action that needs a reason,
/// a reason field and a button. `posted` is what a failed post without JavaScript sent, so its
/// reason is kept. Field errors of the reason appear under the first reason field.
pub fn action_panel<L: Lifecycle>(
    act: ServerAction<RecordAction>,
    id: &str,
    actions: &[String],
    errors: Signal<Vec<FieldError>>,
    posted: Option<RecordAction>,
    lang: Lang,
) -> impl IntoView {
    let offered: Vec<L::Action> = actions.iter().filter_map(|a| L::Action::parse(a)).collect();
    let (plain, reasoned): (Vec<_>, Vec<_>) =
        offered.into_iter().partition(|a| !L::requires_reason(*a));
    let id = id.to_string();
    let form = |a: L::Action, body: AnyView| {
        let id = id.clone();
        view! {
            <ActionForm action=act attr:class="action-form">
                <input type="hidden" name="kind" value=L::ENTITY />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="action" value=a.as_str() />
                {body}
            </ActionForm>
        }
    };
    let buttons = plain
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let class = if i == 0 { "btn btn-primary" } else { "btn" };
            let button = view! {
                <button class=class type="submit" data-testid=a.as_str()>
                    {lang.pick(a.label_zh(), a.label_en()).to_string()}
                </button>
            };
            form(*a, button.into_any())
        })
        .collect_view();
    let reason_forms = reasoned
        .iter()
        .enumerate()
        .map(|(i, a)| {
            // The first reason field is `#reason`, where the error summary links.
            let field_id = if i == 0 { "reason".to_string() } else { format!("reason-{}", a.as_str()) };
            let kept = posted
                .as_ref()
                .filter(|p| p.action == a.as_str() && p.kind == L::ENTITY)
                .and_then(|p| p.reason.clone())
                .unwrap_or_default();
            let label = match lang {
                Lang::Zh => format!("{}理由", a.label_zh()),
                Lang::En => format!("Reason to {}", a.label_en().to_lowercase()),
            };
            let body = view! {
                <div class="field" class:has-error=move || i == 0 && errors.get().iter().any(|e| e.field == "reason")>
                    <label for=field_id.clone() class="required">{label}</label>
                    <TextArea id=field_id.clone() name="reason" rows=3 maxlength=1000 value=kept />
                    {(i == 0).then(|| view! { <FieldMsg errors field="reason" /> })}
                </div>
                <button class="btn btn-danger" type="submit" data-testid=a.as_str()>
                    {lang.pick(a.label_zh(), a.label_en()).to_string()}
                </button>
            };
            form(*a, body.into_any())
        })
        .collect_view();
    (!actions.is_empty()).then(|| {
        view! {
            <div class="card" data-testid="actions">
                <h2 class="card-title">{lang.t("办理", "Actions")}</h2>
                <div class="form-actions">{buttons}</div>
                {reason_forms}
            </div>
        }
    })
}

/// The reason given with the record's last status change, for those who may read it.
pub fn reason_notice(reason: Option<String>, rejected: bool, lang: Lang) -> impl IntoView {
    reason.map(|r| {
        let (class, label) = if rejected {
            (
                "notice notice-error",
                lang.t("驳回理由：", "Reason for rejection: "),
            )
        } else {
            ("notice notice-warning", lang.t("说明：", "Note: "))
        };
        view! {
            <div class=class data-testid="status-reason">
                <strong>{label}</strong>{r}
            </div>
        }
    })
}

/// The head of a reviewed record's page: its title, status, organization and, for those who
/// may, the edit link. `testid` names the title for tests (`demand-title`, …).
pub fn record_header<S: Status>(
    title: &str,
    testid: &'static str,
    status: S,
    org: (uuid::Uuid, &str),
    edit_href: Option<String>,
    lang: Lang,
) -> impl IntoView {
    view! {
        <leptos_meta::Title text=title.to_string() />
        <div class="page-header">
            <div>
                <h1 class="page-title" data-testid=testid>{title.to_string()}</h1>
                <p class="page-desc"><StatusTag status=status />" "<a href=format!("/orgs/{}", org.0)>{org.1.to_string()}</a></p>
            </div>
            <div class="page-actions">
                {edit_href.map(|h| view! { <a class="btn" href=h>{lang.t("编辑", "Edit")}</a> })}
            </div>
        </div>
    }
}

/// The head of a record's page that belongs to no organization (a call): title, status, and
/// the edit link for those who may.
pub fn record_header_plain<S: Status>(
    title: &str,
    testid: &'static str,
    status: S,
    edit_href: Option<String>,
    lang: Lang,
) -> impl IntoView {
    view! {
        <leptos_meta::Title text=title.to_string() />
        <div class="page-header">
            <div>
                <h1 class="page-title" data-testid=testid>{title.to_string()}</h1>
                <p class="page-desc"><StatusTag status=status /></p>
            </div>
            <div class="page-actions">
                {edit_href.map(|h| view! { <a class="btn" href=h>{lang.t("编辑", "Edit")}</a> })}
            </div>
        </div>
    }
}

/// What every reviewed record's page holds: the one action server function, its field errors,
/// the echo of an action posted without JavaScript, and the record read with `load` (the
/// kind's `get_…` server function) for the page's `:id`, again after every action (its
/// redirect lands on this same page).
pub struct RecordPage<T: Send + Sync + 'static> {
    pub act: ServerAction<RecordAction>,
    pub errors: Signal<Vec<FieldError>>,
    echo: Resource<Option<crate::model::EchoedForm>>,
    detail: Resource<Result<T, crate::error::AppError>>,
}

impl<T: Send + Sync + 'static> Clone for RecordPage<T> {
    fn clone(&self) -> Self {
        *self
    }
}

// Every field is a handle into the reactive arena.
impl<T: Send + Sync + 'static> Copy for RecordPage<T> {}

pub fn use_record_page<T, Fut>(load: fn(String) -> Fut) -> RecordPage<T>
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>> + Send + 'static,
{
    use_record_page_with(load, || 0)
}

/// [`use_record_page`] that also reads the record again whenever `also` changes (the version
/// of another of the page's actions, such as a reviewer's score form).
pub fn use_record_page_with<T, Fut>(
    load: fn(String) -> Fut,
    also: impl Fn() -> usize + Send + Sync + 'static,
) -> RecordPage<T>
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>> + Send + 'static,
{
    let params = leptos_router::hooks::use_params_map();
    let act = ServerAction::<RecordAction>::new();
    let detail = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                act.version().get(),
                also(),
            )
        },
        move |(id, _, _)| load(id),
    );
    RecordPage {
        act,
        errors: super::common::field_errors(act.value()),
        echo: super::common::use_echo(),
        detail,
    }
}

impl<T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static>
    RecordPage<T>
{
    /// The record and what a failed action without JavaScript sent, or the error page.
    pub async fn load(self, lang: Lang) -> Result<(T, Option<RecordAction>), AnyView> {
        let posted = super::common::echoed::<RecordAction>(&self.echo.await);
        match self.detail.await {
            Ok(d) => Ok((d, posted)),
            Err(e) => Err(super::common::error_page(&e, lang)),
        }
    }
}
