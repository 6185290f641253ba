//! Files attached to a record (a bid, a milestone's submission): the table of download links
//! with their hashes, the upload form (a plain multipart post that works with and without
//! JavaScript) and the notice of its outcome, which the server reports as `?uploaded=1` or a
//! fixed `?upload_error=<code>` so a crafted link can show no text of its own.
use crate::domain::attachment::{UploadError, ACCEPT, MAX_PER_BID};
use crate::i18n::Lang;
use crate::model::AttachmentView;
use leptos::prelude::*;

/// A size in bytes as people read it.
pub fn file_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// The files with their download links under `download_base` (`…/{id}`), and per file the
/// removal form `remove` makes, when the reader may remove them.
pub fn files_table(
    files: &[AttachmentView],
    download_base: &str,
    remove: Option<&dyn Fn(&AttachmentView) -> AnyView>,
    lang: Lang,
) -> AnyView {
    if files.is_empty() {
        return ().into_any();
    }
    let rows = files
        .iter()
        .map(|f| {
            view! {
                <tr data-testid="attachment">
                    <td><a href=format!("{download_base}/{}", f.id) download=f.name.clone()>{f.name.clone()}</a></td>
                    <td>{f.kind.label()}</td>
                    <td class="num">{file_size(f.size)}</td>
                    <td><code title=f.sha256.clone()>{f.sha256[..12.min(f.sha256.len())].to_string()}</code></td>
                    {remove.map(|r| view! { <td>{r(f)}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap"><table class="data-table">
            <thead><tr>
                <th scope="col">{lang.t("文件", "File")}</th>
                <th scope="col">{lang.t("类型", "Type")}</th>
                <th scope="col">{lang.t("大小", "Size")}</th>
                <th scope="col">"SHA-256"</th>
                {remove.is_some().then(|| view! { <th scope="col"><span class="sr-only">{lang.t("操作", "Actions")}</span></th> })}
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
    .into_any()
}

/// The outcome of the latest upload, as the server reported it in the query.
pub fn upload_notice(
    query: &leptos_router::params::ParamsMap,
    max_bytes: u64,
    lang: Lang,
) -> AnyView {
    let refused = query
        .get("upload_error")
        .and_then(|c| UploadError::from_code(&c, max_bytes));
    let uploaded = query.get("uploaded").is_some() && refused.is_none();
    view! {
        {uploaded.then(|| view! { <div class="notice notice-success" role="status" data-testid="upload-ok">{lang.t("附件已上传。", "The attachment was uploaded.")}</div> })}
        {refused.map(|e| view! { <div class="notice notice-error" role="alert" data-testid="upload-error">{if lang == Lang::Zh { e.message_zh() } else { e.message_en() }}</div> })}
    }
    .into_any()
}

/// The upload form posting one file to `action`; `note` ends the hint (what the files are for).
pub fn upload_form(
    action: String,
    max_bytes: u64,
    note: (&'static str, &'static str),
    lang: Lang,
) -> impl IntoView {
    let mb = max_bytes / (1024 * 1024);
    view! {
        <form method="post" enctype="multipart/form-data" action=action class="upload-form" data-testid="upload-form">
            <div class="field">
                <label for="attachment-file">{lang.t("上传附件", "Upload an attachment")}</label>
                <input id="attachment-file" name="file" type="file" accept=ACCEPT required aria-describedby="attachment-hint" />
                <p class="hint" id="attachment-hint">{match lang {
                    Lang::Zh => format!("PDF、DOCX、XLSX、PNG、JPEG，单个不超过 {mb} MB，最多 {MAX_PER_BID} 个。类型按文件内容识别。{}", note.0),
                    Lang::En => format!("PDF, DOCX, XLSX, PNG or JPEG, up to {mb} MB each and {MAX_PER_BID} in all. The type is judged by the content. {}", note.1),
                }}</p>
            </div>
            <button class="btn" type="submit" data-testid="upload">{lang.t("上传", "Upload")}</button>
        </form>
    }
}

/// The fields and button of one file's removal form, for an action taking (`owner.0`,
/// `file.0`); the caller wraps them in its `ActionForm`.
pub fn remove_fields(
    owner: (&'static str, String),
    file: (&'static str, String),
    name: &str,
    lang: Lang,
) -> impl IntoView {
    view! {
        <input type="hidden" name=owner.0 value=owner.1 />
        <input type="hidden" name=file.0 value=file.1 />
        <button class="btn btn-sm btn-link" type="submit" aria-label=format!("{} {name}", lang.t("删除", "Delete"))>{lang.t("删除", "Delete")}</button>
    }
}
