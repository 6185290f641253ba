//! Bulk import of organizations, experts, demands and achievements from CSV (UTF-8 with or without BOM,
//! or GBK as Excel on Chinese Windows writes it), XLSX and JSON Lines. The whole file is
//! validated first; if any row is bad nothing is written and every bad row is reported.
use app::domain::achievement::{AchievementStatus, TransferMode};
use app::domain::demand::{IpPreference, Trl};
use app::domain::money::{BudgetRange, Fen};
use app::domain::text::{clean_text, parse_keywords, validate_email, validate_phone};
use app::domain::{CreditCode, DemandStatus, OrgType};
use app::ports::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Largest file accepted, checked before anything is parsed.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Organizations,
    Demands,
    Achievements,
    Experts,
}

impl ImportKind {
    pub fn parse(s: &str) -> Option<ImportKind> {
        match s {
            "organizations" | "organization" => Some(ImportKind::Organizations),
            "demands" | "demand" => Some(ImportKind::Demands),
            "achievements" | "achievement" => Some(ImportKind::Achievements),
            "experts" | "expert" => Some(ImportKind::Experts),
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
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Jsonl,
}

impl Format {
    /// From a file name or, failing that, from the first bytes (XLSX is a zip archive).
    pub fn detect(name: Option<&str>, bytes: &[u8]) -> Format {
        let lower = name.map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else if lower.ends_with(".jsonl")
            || lower.ends_with(".ndjson")
            || bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        {
            Format::Jsonl
        } else {
            Format::Csv
        }
    }
}

/// One problem with one cell (or the whole file when `line` is 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub zh: String,
    pub en: String,
}

fn row_err(line: usize, column: &str, zh: impl Into<String>, en: impl Into<String>) -> RowError {
    RowError {
        line,
        column: column.into(),
        zh: zh.into(),
        en: en.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    pub kind: ImportKind,
    pub rows: usize,
    pub imported: usize,
    pub errors: Vec<RowError>,
}

/// Text of a CSV or JSON Lines file: UTF-8 (a BOM is dropped) or GBK; anything else is refused.
pub fn decode(bytes: &[u8]) -> Result<String, RowError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok(s.to_string());
    }
    match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(body) {
        Some(s) => Ok(s.into_owned()),
        None => Err(row_err(
            0,
            "",
            "文件编码无法识别：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV",
            "The file's encoding is not recognised: save it as “CSV UTF-8 (comma delimited)” or as GBK CSV",
        )),
    }
}

type Row = (usize, BTreeMap<String, String>);

fn excel_date(serial: f64) -> Option<String> {
    // Excel's day 0 is 1899-12-30 (it counts the fictitious 1900-02-29).
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(serial.floor() as i64))
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Reads the table: a header row, then one map per data row, keyed by trimmed header names.
pub fn read_table(bytes: &[u8], format: Format) -> Result<(Vec<String>, Vec<Row>), Vec<RowError>> {
    match format {
        Format::Csv => {
            let text = decode(bytes).map_err(|e| vec![e])?;
            let mut rdr = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(text.as_bytes());
            let headers: Vec<String> = rdr
                .headers()
                .map_err(|e| {
                    vec![row_err(
                        1,
                        "",
                        format!("无法读取表头：{e}"),
                        format!("Cannot read the header row: {e}"),
                    )]
                })?
                .iter()
                .map(|h| h.trim().to_string())
                .collect();
            let mut rows = Vec::new();
            let mut errors = Vec::new();
            for (i, rec) in rdr.records().enumerate() {
                let line = i + 2;
                match rec {
                    Ok(r) if r.len() != headers.len() => errors.push(row_err(
                        line,
                        "",
                        format!("本行有 {} 列，表头有 {} 列", r.len(), headers.len()),
                        format!(
                            "This row has {} columns, the header has {}",
                            r.len(),
                            headers.len()
                        ),
                    )),
                    Ok(r) => rows.push((
                        line,
                        headers
                            .iter()
                            .cloned()
                            .zip(r.iter().map(|v| v.trim().to_string()))
                            .collect(),
                    )),
                    Err(e) => errors.push(row_err(
                        line,
                        "",
                        format!("无法解析：{e}"),
                        format!("Cannot parse: {e}"),
                    )),
                }
            }
            if errors.is_empty() {
                Ok((headers, rows))
            } else {
                Err(errors)
            }
        }
        Format::Jsonl => {
            let text = decode(bytes).map_err(|e| vec![e])?;
            let mut headers: Vec<String> = Vec::new();
            let mut rows = Vec::new();
            let mut errors = Vec::new();
            for (i, l) in text.lines().enumerate() {
                let line = i + 1;
                if l.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(l) {
                    Ok(obj) => {
                        let mut m = BTreeMap::new();
                        for (k, v) in obj {
                            let s = match v {
                                serde_json::Value::Null => String::new(),
                                serde_json::Value::String(s) => s,
                                serde_json::Value::Array(a) => a
                                    .iter()
                                    .map(|x| {
                                        x.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| x.to_string())
                                    })
                                    .collect::<Vec<_>>()
                                    .join(","),
                                other => other.to_string(),
                            };
                            if !headers.contains(&k) {
                                headers.push(k.clone());
                            }
                            m.insert(k, s.trim().to_string());
                        }
                        rows.push((line, m));
                    }
                    Err(e) => errors.push(row_err(
                        line,
                        "",
                        format!("不是有效的 JSON 对象：{e}"),
                        format!("Not a valid JSON object: {e}"),
                    )),
                }
            }
            if errors.is_empty() {
                Ok((headers, rows))
            } else {
                Err(errors)
            }
        }
        Format::Xlsx => {
            use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
            let bad = |e: String| {
                vec![row_err(
                    0,
                    "",
                    format!("无法读取 XLSX 文件：{e}"),
                    format!("Cannot read the XLSX file: {e}"),
                )]
            };
            let mut wb: Xlsx<std::io::Cursor<Vec<u8>>> =
                open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
                    .map_err(|e: calamine::XlsxError| bad(e.to_string()))?;
            let range = wb
                .worksheet_range_at(0)
                .ok_or_else(|| bad("no worksheet".into()))?
                .map_err(|e| bad(e.to_string()))?;
            let cell = |d: &Data| -> String {
                match d {
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        s.trim().to_string()
                    }
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => excel_date(d.as_f64()).unwrap_or_default(),
                    Data::Error(_) | Data::Empty => String::new(),
                }
            };
            let mut it = range.rows();
            let headers: Vec<String> = it
                .next()
                .map(|r| r.iter().map(cell).collect())
                .unwrap_or_default();
            let rows = it
                .enumerate()
                .filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)))
                .map(|(i, r)| {
                    (
                        i + 2,
                        headers.iter().cloned().zip(r.iter().map(cell)).collect(),
                    )
                })
                .collect();
            Ok((headers, rows))
        }
    }
}

/// A row ready to write.
struct Ctx<'a> {
    store: &'a dyn Store,
    now: DateTime<Utc>,
    /// Lookups repeated for every row of an organization, made once per file.
    orgs: std::sync::Mutex<HashMap<String, Option<OrgRecord>>>,
    authors: std::sync::Mutex<HashMap<Uuid, Option<Uuid>>>,
    districts: HashSet<String>,
    chains: HashSet<String>,
}

fn bi<E: app::error::Bilingual>(line: usize, column: &str, e: E) -> RowError {
    row_err(line, column, e.message_zh(), e.message_en())
}

/// The member a row written for an organization is attributed to: its administrator.
async fn org_author(store: &dyn Store, org_id: Uuid) -> Result<Option<Uuid>, StoreError> {
    let members = store.org_members(org_id).await?;
    Ok(members
        .iter()
        .find(|(u, _)| u.is_org_admin && u.membership_active)
        .or(members.first())
        .map(|(u, _)| u.id))
}

/// A yes/no column: true/false, 1/0, 是/否, or empty for `default`.
fn flag(
    errs: &mut Vec<RowError>,
    line: usize,
    row: &BTreeMap<String, String>,
    column: &str,
    default: bool,
) -> bool {
    match get(row, column).trim().to_ascii_lowercase().as_str() {
        "" => default,
        "false" | "0" | "否" | "no" => false,
        "true" | "1" | "是" | "yes" => true,
        _ => {
            errs.push(row_err(
                line,
                column,
                format!("{column} 应为 true 或 false（或 是 / 否）"),
                format!("{column} must be true or false"),
            ));
            default
        }
    }
}

fn get<'r>(row: &'r BTreeMap<String, String>, k: &str) -> &'r str {
    row.get(k).map(String::as_str).unwrap_or("")
}

async fn validate_row(
    cx: &Ctx<'_>,
    kind: ImportKind,
    line: usize,
    row: &BTreeMap<String, String>,
    seen: &mut HashSet<String>,
    errs: &mut Vec<RowError>,
) -> anyhow::Result<Option<ImportRecord>> {
    let before = errs.len();
    macro_rules! take {
        ($col:expr, $r:expr) => {
            match $r {
                Ok(v) => Some(v),
                Err(e) => {
                    errs.push(bi(line, $col, e));
                    None
                }
            }
        };
    }
    let trl = |errs: &mut Vec<RowError>, v: &str| -> Option<u8> {
        match v.parse::<u8>().ok().map(Trl::new) {
            Some(Ok(t)) => Some(t.level()),
            Some(Err(e)) => {
                errs.push(bi(line, "trl", e));
                None
            }
            None => {
                errs.push(row_err(
                    line,
                    "trl",
                    "技术成熟度应为 1–9 的整数",
                    "TRL must be a whole number from 1 to 9",
                ));
                None
            }
        }
    };
    let chain_ok = |errs: &mut Vec<RowError>, v: &str| {
        if !cx.chains.contains(v) {
            errs.push(row_err(
                line,
                "chain",
                format!("未知的产业链代码“{v}”"),
                format!("Unknown industry chain code “{v}”"),
            ));
        }
    };
    let org_of = |code: &str| {
        let code = code.to_string();
        async move {
            let cached = cx.orgs.lock().ok().and_then(|m| m.get(&code).cloned());
            if let Some(o) = cached {
                return Ok::<_, StoreError>(o);
            }
            let o = cx.store.find_org_by_credit_code(&code).await?;
            if let Ok(mut m) = cx.orgs.lock() {
                m.insert(code, o.clone());
            }
            Ok(o)
        }
    };
    // The organization a row names by credit code, or the row's error.
    let org_named = |code: &str| {
        let code = code.to_string();
        async move {
            Ok::<_, StoreError>(match CreditCode::parse(&code) {
                Ok(c) => org_of(c.as_str()).await?.ok_or_else(|| {
                    row_err(
                        line,
                        "org_credit_code",
                        "未找到该统一社会信用代码对应的机构，请先导入机构",
                        "No organization has this credit code; import organizations first",
                    )
                }),
                Err(e) => Err(bi(line, "org_credit_code", e)),
            })
        }
    };
    let record = match kind {
        ImportKind::Organizations => {
            let name = take!("name", clean_text(get(row, "name"), 2, 100));
            let org_type = OrgType::parse(get(row, "org_type"));
            if org_type.is_none() {
                errs.push(row_err(line, "org_type", "机构类型应为 enterprise / university / institute / service_agency / government", "org_type must be enterprise, university, institute, service_agency or government"));
            }
            let code = take!("credit_code", CreditCode::parse(get(row, "credit_code")));
            if let Some(c) = &code {
                if !seen.insert(c.as_str().to_string()) {
                    errs.push(row_err(
                        line,
                        "credit_code",
                        "文件中重复的统一社会信用代码",
                        "Duplicate credit code in the file",
                    ));
                } else if cx
                    .store
                    .find_org_by_credit_code(c.as_str())
                    .await?
                    .is_some()
                {
                    errs.push(row_err(
                        line,
                        "credit_code",
                        "该统一社会信用代码已登记",
                        "This credit code is already registered",
                    ));
                }
            }
            let district = get(row, "district");
            if !cx.districts.contains(district) {
                errs.push(row_err(
                    line,
                    "district",
                    format!("未知的区域代码“{district}”"),
                    format!("Unknown district code “{district}”"),
                ));
            }
            let contact = take!("contact_name", clean_text(get(row, "contact_name"), 1, 50));
            let phone = take!("contact_phone", validate_phone(get(row, "contact_phone")));
            let verified = flag(errs, line, row, "verified", false);
            match (name, org_type, code, contact, phone) {
                (Some(name), Some(org_type), Some(code), Some(contact), Some(phone))
                    if errs.len() == before =>
                {
                    let org = OrgRecord {
                        id: Uuid::new_v5(
                            &Uuid::NAMESPACE_URL,
                            format!("jiebang:org:{}", code.as_str()).as_bytes(),
                        ),
                        name,
                        org_type,
                        credit_code: code.as_str().into(),
                        district_code: district.into(),
                        contact_name: contact.clone(),
                        contact_phone: phone,
                        verified,
                        created_at: cx.now,
                    };
                    // The organization's contact, who cannot sign in until a reset link is issued.
                    let user = UserRecord {
                        id: Uuid::new_v5(
                            &Uuid::NAMESPACE_URL,
                            format!("jiebang:contact:{}", code.as_str()).as_bytes(),
                        ),
                        email: format!("org-{}@import.jiebang.local", code.as_str().to_lowercase()),
                        display_name: contact,
                        password_hash: "!imported-no-login".into(),
                        org_id: Some(org.id),
                        membership_active: true,
                        is_org_admin: true,
                        privacy_accepted_at: cx.now,
                        created_at: cx.now,
                    };
                    let roles = org_type.default_member_role().into_iter().collect();
                    Some(ImportRecord::Org(Box::new(org), Box::new(user), roles))
                }
                _ => None,
            }
        }
        ImportKind::Experts => {
            let name = take!("name", clean_text(get(row, "name"), 2, 50));
            let email = take!("email", validate_email(get(row, "email")));
            if let Some(e) = &email {
                if !seen.insert(e.clone()) {
                    errs.push(row_err(
                        line,
                        "email",
                        "文件中重复的邮箱",
                        "Duplicate e-mail address in the file",
                    ));
                }
            }
            let title = take!("title", clean_text(get(row, "title"), 2, 30));
            let fields = take!("fields", parse_keywords(get(row, "fields")));
            if fields.as_ref().is_some_and(|v| v.is_empty()) {
                errs.push(row_err(
                    line,
                    "fields",
                    "请至少填写一个专业领域",
                    "Give at least one field of expertise",
                ));
            }
            let keywords = take!("keywords", parse_keywords(get(row, "keywords")));
            let bio = match get(row, "bio").trim() {
                "" => Some(String::new()),
                v => take!("bio", clean_text(v, 1, 2000)),
            };
            let accepts_review = flag(errs, line, row, "accepts_review", true);
            // Private unless the file says otherwise: publishing a person is their choice.
            let is_public = flag(errs, line, row, "is_public", false);
            let org = match get(row, "org_credit_code").trim() {
                "" => None,
                code => match org_named(code).await? {
                    Ok(o) => Some(o),
                    Err(e) => {
                        errs.push(e);
                        None
                    }
                },
            };
            // An existing account gets the expert role and a profile, unless it already has one.
            let existing = match &email {
                Some(e) => cx.store.find_user_by_email(e).await?,
                None => None,
            };
            if let Some(u) = &existing {
                if cx.store.get_expert(u.id).await?.is_some() {
                    errs.push(row_err(
                        line,
                        "email",
                        "该邮箱的用户已有专家档案",
                        "The user with this e-mail already has an expert profile",
                    ));
                }
                if let Some(o) = &org {
                    if u.org_id != Some(o.id) {
                        errs.push(row_err(
                            line,
                            "org_credit_code",
                            "该邮箱的用户不属于此机构",
                            "The user with this e-mail is not a member of this organization",
                        ));
                    }
                }
            }
            match (name, email, title, fields, keywords, bio) {
                (Some(name), Some(email), Some(title), Some(fields), Some(keywords), Some(bio))
                    if errs.len() == before =>
                {
                    let new_user = existing.is_none();
                    let user = existing.unwrap_or_else(|| UserRecord {
                        id: Uuid::new_v5(
                            &Uuid::NAMESPACE_URL,
                            format!("jiebang:expert:{email}").as_bytes(),
                        ),
                        email,
                        display_name: name,
                        // Signs in after a password reset sent to this address.
                        password_hash: "!imported-no-login".into(),
                        org_id: org.as_ref().map(|o| o.id),
                        membership_active: true,
                        is_org_admin: false,
                        privacy_accepted_at: cx.now,
                        created_at: cx.now,
                    });
                    let profile = ExpertRecord {
                        user_id: user.id,
                        title,
                        fields,
                        keywords,
                        bio,
                        accepts_review,
                        is_public,
                        updated_at: cx.now,
                    };
                    Some(ImportRecord::Expert {
                        user: Box::new(user),
                        new_user,
                        profile: Box::new(profile),
                    })
                }
                _ => None,
            }
        }
        ImportKind::Demands | ImportKind::Achievements => {
            let code = get(row, "org_credit_code");
            let org = match org_named(code).await? {
                Ok(o) => Some(o),
                Err(e) => {
                    errs.push(e);
                    None
                }
            };
            let ext = get(row, "id");
            let key = if ext.is_empty() {
                format!("{code}:{}", get(row, "title"))
            } else {
                ext.to_string()
            };
            if ext.chars().count() > 64 {
                errs.push(row_err(
                    line,
                    "id",
                    "id 最长 64 个字符",
                    "id may be at most 64 characters",
                ));
            }
            if !seen.insert(key.clone()) {
                errs.push(row_err(
                    line,
                    if ext.is_empty() { "title" } else { "id" },
                    "文件中重复的记录（id 或机构+标题相同）",
                    "Duplicate record in the file (same id, or same organization and title)",
                ));
            }
            let kind_name = if kind == ImportKind::Demands {
                "demand"
            } else {
                "achievement"
            };
            let id = Uuid::new_v5(
                &Uuid::NAMESPACE_URL,
                format!("jiebang:import:{kind_name}:{key}").as_bytes(),
            );
            let exists = if kind == ImportKind::Demands {
                cx.store.get_demand(id).await?.is_some()
            } else {
                cx.store.get_achievement(id).await?.is_some()
            };
            if exists {
                errs.push(row_err(
                    line,
                    "id",
                    "该记录已导入过",
                    "This record was already imported",
                ));
            }
            let title = take!(
                "title",
                clean_text(
                    get(row, "title"),
                    4,
                    if kind == ImportKind::Demands { 80 } else { 100 }
                )
            );
            chain_ok(errs, get(row, "chain"));
            let field = take!("field", clean_text(get(row, "field"), 2, 50));
            let keywords = take!("keywords", parse_keywords(get(row, "keywords")));
            let trl = trl(errs, get(row, "trl"));
            let author = match &org {
                Some(o) => {
                    let cached = cx.authors.lock().ok().and_then(|m| m.get(&o.id).copied());
                    match cached {
                        Some(a) => a,
                        None => {
                            let a = org_author(cx.store, o.id).await?;
                            if let Ok(mut m) = cx.authors.lock() {
                                m.insert(o.id, a);
                            }
                            a
                        }
                    }
                }
                None => None,
            };
            if org.is_some() && author.is_none() {
                errs.push(row_err(
                    line,
                    "org_credit_code",
                    "该机构还没有成员",
                    "This organization has no member yet",
                ));
            }
            if kind == ImportKind::Demands {
                let description =
                    take!("description", clean_text(get(row, "description"), 10, 5000));
                let min = take!("budget_min_wan", Fen::parse_wan(get(row, "budget_min_wan")));
                let max = take!("budget_max_wan", Fen::parse_wan(get(row, "budget_max_wan")));
                let budget = match (min, max) {
                    (Some(a), Some(b)) => take!("budget_max_wan", BudgetRange::new(a, b)),
                    _ => None,
                };
                let deadline = take!(
                    "deadline",
                    app::domain::time::parse_deadline_date(get(row, "deadline"), cx.now)
                );
                let ip = IpPreference::parse(get(row, "ip_preference"));
                if ip.is_none() {
                    errs.push(row_err(line, "ip_preference", "ip_preference 应为 buyer_owns / shared / seller_owns_license / negotiable", "ip_preference must be buyer_owns, shared, seller_owns_license or negotiable"));
                }
                let confidential = match get(row, "confidential_detail") {
                    "" => Some(String::new()),
                    v => take!("confidential_detail", clean_text(v, 1, 5000)),
                };
                let status = match get(row, "status") {
                    "" => Some(DemandStatus::Published),
                    v => match DemandStatus::parse(v).filter(|s| {
                        matches!(
                            s,
                            DemandStatus::Draft | DemandStatus::Submitted | DemandStatus::Published
                        )
                    }) {
                        Some(s) => Some(s),
                        None => {
                            errs.push(row_err(
                                line,
                                "status",
                                "status 应为 draft / submitted / published",
                                "status must be draft, submitted or published",
                            ));
                            None
                        }
                    },
                };
                match (
                    org,
                    author,
                    title,
                    description,
                    field,
                    keywords,
                    budget,
                    trl,
                    deadline,
                    ip,
                    confidential,
                    status,
                ) {
                    (
                        Some(o),
                        Some(by),
                        Some(title),
                        Some(description),
                        Some(field),
                        Some(keywords),
                        Some(budget),
                        Some(trl),
                        Some(deadline),
                        Some(ip),
                        Some(confidential),
                        Some(status),
                    ) if errs.len() == before => Some(ImportRecord::Demand(
                        Box::new(DemandRecord {
                            id,
                            org_id: o.id,
                            created_by: by,
                            title,
                            description,
                            chain_code: get(row, "chain").into(),
                            field,
                            keywords,
                            budget_min_fen: budget.min().fen(),
                            budget_max_fen: budget.max().fen(),
                            trl,
                            deadline,
                            ip_preference: ip,
                            status,
                            status_reason: None,
                            created_at: cx.now,
                            updated_at: cx.now,
                            published_at: (status == DemandStatus::Published).then_some(cx.now),
                        }),
                        confidential,
                    )),
                    _ => None,
                }
            } else {
                let summary = take!("summary", clean_text(get(row, "summary"), 20, 5000));
                let mut patents = Vec::new();
                for p in get(row, "patents")
                    .split([',', '，', ';', '；', '、'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                {
                    match app::domain::achievement::parse_patent(p) {
                        Some(p) => patents.push(p),
                        None => errs.push(row_err(
                            line,
                            "patents",
                            format!("专利号“{p}”格式不正确"),
                            format!("Patent number “{p}” is not valid"),
                        )),
                    }
                }
                let mut modes = Vec::new();
                for m in get(row, "transfer_modes")
                    .split([',', '，', ';', '；', '、', ' '])
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                {
                    match TransferMode::parse(m) {
                        Some(t) if !modes.contains(&t) => modes.push(t),
                        Some(_) => {}
                        None => errs.push(row_err(
                            line,
                            "transfer_modes",
                            format!("未知的转化方式“{m}”"),
                            format!("Unknown transfer mode “{m}”"),
                        )),
                    }
                }
                if modes.is_empty() && get(row, "transfer_modes").trim().is_empty() {
                    errs.push(row_err(
                        line,
                        "transfer_modes",
                        "请至少填写一种转化方式",
                        "Give at least one transfer mode",
                    ));
                }
                let price = match get(row, "price_wan") {
                    "" | "面议" | "negotiable" => Some(None),
                    v => take!("price_wan", Fen::parse_wan(v)).map(|f| Some(f.fen())),
                };
                let status = match get(row, "status") {
                    "" => Some(AchievementStatus::Published),
                    v => match AchievementStatus::parse(v).filter(|s| {
                        matches!(
                            s,
                            AchievementStatus::Draft
                                | AchievementStatus::Submitted
                                | AchievementStatus::Published
                        )
                    }) {
                        Some(s) => Some(s),
                        None => {
                            errs.push(row_err(
                                line,
                                "status",
                                "status 应为 draft / submitted / published",
                                "status must be draft, submitted or published",
                            ));
                            None
                        }
                    },
                };
                match (
                    org, author, title, summary, field, keywords, trl, price, status,
                ) {
                    (
                        Some(o),
                        Some(by),
                        Some(title),
                        Some(summary),
                        Some(field),
                        Some(keywords),
                        Some(trl),
                        Some(price_fen),
                        Some(status),
                    ) if errs.len() == before => {
                        Some(ImportRecord::Achievement(Box::new(AchievementRecord {
                            id,
                            org_id: o.id,
                            created_by: by,
                            title,
                            summary,
                            chain_code: get(row, "chain").into(),
                            field,
                            keywords,
                            trl,
                            patents,
                            transfer_modes: modes,
                            price_fen,
                            status,
                            status_reason: None,
                            created_at: cx.now,
                            updated_at: cx.now,
                            published_at: (status == AchievementStatus::Published)
                                .then_some(cx.now),
                        })))
                    }
                    _ => None,
                }
            }
        }
    };
    Ok(record)
}

/// Validates the whole file, then (only if every row is good) writes every row, calling
/// `progress(done, total)` as it goes. `actor` is recorded in the audit log.
pub async fn import(
    store: &dyn Store,
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
    let cx = Ctx {
        store,
        now: Utc::now(),
        orgs: Default::default(),
        authors: Default::default(),
        districts: store
            .list_districts()
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect(),
        chains: store
            .list_chains()
            .await?
            .into_iter()
            .filter(|c| c.parent_code.is_some())
            .map(|c| c.code)
            .collect(),
    };
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(rows.len());
    for (line, row) in &rows {
        if let Some(r) = validate_row(&cx, kind, *line, row, &mut seen, &mut errors).await? {
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
