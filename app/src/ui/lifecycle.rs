//! How every reviewed record's status and history look, whatever its kind (demands,
//! achievements, and the calls, bids and contracts that follow).
use super::common::use_lang;
use crate::domain::lifecycle::{labels_of, Lifecycle, Status};
use crate::domain::time::format_datetime;
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
