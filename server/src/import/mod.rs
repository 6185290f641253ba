//! Bulk import of organizations, experts, demands, achievements and (in `contracts`) registered
//! technology contracts from CSV (UTF-8 with or without BOM,
//! or GBK as Excel on Chinese Windows writes it), XLSX and JSON Lines. The whole file is
//! validated first; if any row is bad nothing is written and every bad row is reported.
//!
//! - `table`: reading the file into rows;
//! - `rows`: one row into a record, through the same record parsers as the forms;
//! - here: the kinds and their columns, and the whole run (check everything, then write all in
//!   one transaction).
use app::ports::*;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

pub mod contracts;
mod rows;
mod table;
pub mod xlsx;

pub use table::{decode, read_table, Format, Row};

/// Largest file accepted, checked before anything is parsed.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Organizations,
    Demands,
    Achievements,
    Experts,
    /// Registered technology contracts from a registry's sheet (see `contracts`).
    Contracts,
}

impl ImportKind {
    /// What the importer must be allowed: officials import everything, the registry its
    /// contract sheets.
    pub fn action(self) -> app::policy::Action {
        match self {
            ImportKind::Contracts => app::policy::Action::ImportContracts,
            _ => app::policy::Action::ImportData,
        }
    }
    pub fn parse(s: &str) -> Option<ImportKind> {
        match s {
            "organizations" | "organization" => Some(ImportKind::Organizations),
            "demands" | "demand" => Some(ImportKind::Demands),
            "achievements" | "achievement" => Some(ImportKind::Achievements),
            "experts" | "expert" => Some(ImportKind::Experts),
            "contracts" | "contract" => Some(ImportKind::Contracts),
            _ => None,
        }
    }
    fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            ImportKind::Organizations => (
                &[
                    "name",
                    "org_type",
                    "credit_code",
                    "district",
                    "contact_name",
                    "contact_phone",
                ],
                &["verified"],
            ),
            ImportKind::Demands => (
                &[
                    "org_credit_code",
                    "title",
                    "description",
                    "chain",
                    "field",
                    "keywords",
                    "budget_min_wan",
                    "budget_max_wan",
                    "trl",
                    "deadline",
                    "ip_preference",
                ],
                &["id", "confidential_detail", "status"],
            ),
            ImportKind::Achievements => (
                &[
                    "org_credit_code",
                    "title",
                    "summary",
                    "chain",
                    "field",
                    "keywords",
                    "trl",
                    "transfer_modes",
                ],
                &["id", "patents", "price_wan", "status"],
            ),
            ImportKind::Experts => (
                &["name", "email", "title", "fields", "keywords"],
                &["org_credit_code", "bio", "accepts_review", "is_public"],
            ),
            // Read by `contracts`, which knows its Chinese headers too.
            ImportKind::Contracts => (&[], &[]),
        }
    }
}

/// One problem with one cell (or the whole file when `line` is 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub zh: String,
    pub en: String,
}

pub(crate) fn row_err(
    line: usize,
    column: &str,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> RowError {
    RowError {
        line,
        column: column.into(),
        zh: zh.into(),
        en: en.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: ImportKind,
    pub rows: usize,
    pub imported: usize,
    /// Rows already stored (contracts: their registration number), left as they were.
    pub skipped: usize,
    pub errors: Vec<RowError>,
}

/// As `import`, without the upload's size limit for a contract sheet (which is streamed):
/// the command line's entry.
pub async fn import_any(
    store: &dyn Store,
    now: DateTime<Utc>,
    kind: ImportKind,
    bytes: &[u8],
    file_name: Option<&str>,
    actor: Option<Uuid>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<ImportReport> {
    if kind == ImportKind::Contracts {
        return contracts::import(store, now, bytes, file_name, actor, progress).await;
    }
    import(store, now, kind, bytes, file_name, actor, progress).await
}

/// [`import`] for a request handler: the whole run on a blocking thread, so that parsing a
/// large sheet (CPU work, seconds for the biggest) never holds one of the runtime's workers.
pub async fn import_in_background(
    store: std::sync::Arc<dyn Store>,
    now: DateTime<Utc>,
    kind: ImportKind,
    bytes: axum::body::Bytes,
    file_name: Option<String>,
    actor: Option<Uuid>,
) -> anyhow::Result<ImportReport> {
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        rt.block_on(import(
            store.as_ref(),
            now,
            kind,
            &bytes,
            file_name.as_deref(),
            actor,
            &|_, _| {},
        ))
    })
    .await?
}

/// Validates the whole file, then (only if every row is good) writes every row, calling
/// `progress(done, total)` as it goes. `actor` is recorded in the audit log; `now` (the
/// caller's clock) stamps the records and decides which deadlines have passed.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    store: &dyn Store,
    now: DateTime<Utc>,
    kind: ImportKind,
    bytes: &[u8],
    file_name: Option<&str>,
    actor: Option<Uuid>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<ImportReport> {
    let report = |rows, imported, errors| ImportReport {
        kind,
        rows,
        imported,
        skipped: 0,
        errors,
    };
    if bytes.len() > MAX_IMPORT_BYTES {
        return Ok(report(
            0,
            0,
            vec![row_err(
                0,
                "",
                format!("文件超过 {} MB 上限", MAX_IMPORT_BYTES / 1024 / 1024),
                format!(
                    "The file exceeds the {} MB limit",
                    MAX_IMPORT_BYTES / 1024 / 1024
                ),
            )],
        ));
    }
    if kind == ImportKind::Contracts {
        return contracts::import(store, now, bytes, file_name, actor, progress).await;
    }
    let (headers, rows) = match read_table(bytes, Format::detect(file_name, bytes)) {
        Ok(t) => t,
        Err(errors) => return Ok(report(0, 0, errors)),
    };
    let (required, optional) = kind.columns();
    let mut errors = Vec::new();
    for c in required {
        if !headers.iter().any(|h| h == c) {
            errors.push(row_err(
                1,
                c,
                format!("缺少必需的列“{c}”"),
                format!("Required column “{c}” is missing"),
            ));
        }
    }
    for h in &headers {
        if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
            errors.push(row_err(
                1,
                h,
                format!("未知的列“{h}”"),
                format!("Unknown column “{h}”"),
            ));
        }
    }
    if rows.len() > MAX_IMPORT_ROWS {
        errors.push(row_err(
            0,
            "",
            format!("最多 {MAX_IMPORT_ROWS} 行"),
            format!("At most {MAX_IMPORT_ROWS} rows"),
        ));
    }
    if rows.is_empty() {
        errors.push(row_err(
            0,
            "",
            "文件中没有数据行",
            "The file has no data rows",
        ));
    }
    if !errors.is_empty() {
        return Ok(report(rows.len(), 0, errors));
    }
    let refs = app::model::RefData {
        districts: store.list_districts().await?,
        chains: store.list_chains().await?,
    };
    let cx = rows::Ctx {
        store,
        now,
        refs: app::records::RefSets::from(&refs),
        orgs: Default::default(),
        authors: Default::default(),
    };
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(rows.len());
    for (line, row) in &rows {
        if let Some(r) = rows::validate_row(&cx, kind, *line, row, &mut seen, &mut errors).await? {
            records.push(r);
        }
    }
    if !errors.is_empty() {
        return Ok(report(rows.len(), 0, errors));
    }
    let total = records.len();
    let batch: Vec<(ImportRecord, AuditEvent)> = records
        .into_iter()
        .map(|r| {
            let (entity, id, to) = match &r {
                ImportRecord::Org(org, _, _) => (
                    "organization",
                    org.id,
                    if org.verified {
                        "verified"
                    } else {
                        "unverified"
                    },
                ),
                ImportRecord::Demand(d, _) => ("demand", d.id, d.status.as_str()),
                ImportRecord::Achievement(a) => ("achievement", a.id, a.status.as_str()),
                ImportRecord::Expert { profile, .. } => (
                    "expert",
                    profile.user_id,
                    if profile.is_public {
                        "public"
                    } else {
                        "private"
                    },
                ),
            };
            let ev = AuditEvent {
                actor_id: actor,
                entity_type: entity,
                entity_id: id.to_string(),
                action: "import".into(),
                from_state: None,
                to_state: Some(to.into()),
                reason: None,
                at: cx.now,
            };
            (r, ev)
        })
        .collect();
    store
        .import_batch(&batch, &|done| progress(done, total))
        .await?;
    Ok(report(rows.len(), total, vec![]))
}
