//! One row of an import file into a record ready to write. A row's content goes through the
//! same record parser as the form (`app::records`); what is particular to files stays here: the
//! organization named by credit code, stable ids, duplicates within the file, yes/no columns and
//! the status a row may bring.
use super::{row_err, ImportKind, RowError};
use app::domain::achievement::AchievementStatus;
use app::domain::{CreditCode, DemandStatus};
use app::error::AppError;
use app::model::{AchievementForm, DemandForm, ExpertForm, OrgForm};
use app::ports::*;
use app::records::{self, achievement::LIST_SEPARATORS};
use app::services;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use uuid::Uuid;

/// What every row of one file shares: the store, the time, reference data, and lookups made
/// once per file.
pub(super) struct Ctx<'a> {
    pub store: &'a dyn Store,
    pub now: DateTime<Utc>,
    pub refs: records::RefSets,
    pub orgs: Mutex<HashMap<String, Option<OrgRecord>>>,
    pub authors: Mutex<HashMap<Uuid, Option<Uuid>>>,
}

/// The form field a parser reports, and the file column it came from, where they differ.
const COLUMN_OF: &[(ImportKind, &str, &str)] = &[
    (ImportKind::Organizations, "org_name", "name"),
    (ImportKind::Experts, "pro_title", "title"),
    (ImportKind::Experts, "display_name", "name"),
    (ImportKind::Demands, "budget_min", "budget_min_wan"),
    (ImportKind::Demands, "budget_max", "budget_max_wan"),
    (ImportKind::Achievements, "price", "price_wan"),
];

fn column_of(kind: ImportKind, field: &str) -> &str {
    COLUMN_OF
        .iter()
        .find(|(k, f, _)| *k == kind && *f == field)
        .map(|(_, _, c)| *c)
        .unwrap_or(field)
}

/// A record parser's outcome for one row: its field errors become the row's, under the file's
/// column names.
fn parsed<T>(
    errs: &mut Vec<RowError>,
    kind: ImportKind,
    line: usize,
    r: Result<T, AppError>,
) -> anyhow::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::Validation(v)) => {
            errs.extend(
                v.into_iter()
                    .map(|e| row_err(line, column_of(kind, &e.field), e.zh, e.en)),
            );
            Ok(None)
        }
        Err(e) => Err(anyhow::anyhow!("record parser failed: {e:?}")),
    }
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

/// A yes/no column: true/false, 1/0, 是/否, yes/no, or empty for `default`.
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

impl Ctx<'_> {
    async fn org_by_code(&self, code: &str) -> Result<Option<OrgRecord>, StoreError> {
        let cached = self.orgs.lock().ok().and_then(|m| m.get(code).cloned());
        if let Some(o) = cached {
            return Ok(o);
        }
        let o = self.store.find_org_by_credit_code(code).await?;
        if let Ok(mut m) = self.orgs.lock() {
            m.insert(code.to_string(), o.clone());
        }
        Ok(o)
    }

    /// The organization a row names by credit code, or the row's error.
    async fn org_named(
        &self,
        line: usize,
        code: &str,
    ) -> Result<Result<OrgRecord, RowError>, StoreError> {
        Ok(match CreditCode::parse(code) {
            Ok(c) => self.org_by_code(c.as_str()).await?.ok_or_else(|| {
                row_err(
                    line,
                    "org_credit_code",
                    "未找到该统一社会信用代码对应的机构，请先导入机构",
                    "No organization has this credit code; import organizations first",
                )
            }),
            Err(e) => Err(row_err(
                line,
                "org_credit_code",
                e.message_zh(),
                e.message_en(),
            )),
        })
    }

    async fn author_of(&self, org_id: Uuid) -> Result<Option<Uuid>, StoreError> {
        let cached = self
            .authors
            .lock()
            .ok()
            .and_then(|m| m.get(&org_id).copied());
        if let Some(a) = cached {
            return Ok(a);
        }
        let a = org_author(self.store, org_id).await?;
        if let Ok(mut m) = self.authors.lock() {
            m.insert(org_id, a);
        }
        Ok(a)
    }
}

/// Validates one row; `None` (with its problems added to `errs`) when it is bad.
pub(super) async fn validate_row(
    cx: &Ctx<'_>,
    kind: ImportKind,
    line: usize,
    row: &BTreeMap<String, String>,
    seen: &mut HashSet<String>,
    errs: &mut Vec<RowError>,
) -> anyhow::Result<Option<ImportRecord>> {
    match kind {
        ImportKind::Organizations => organization(cx, line, row, seen, errs).await,
        ImportKind::Experts => expert(cx, line, row, seen, errs).await,
        ImportKind::Demands | ImportKind::Achievements => {
            listing(cx, kind, line, row, seen, errs).await
        }
        // Contracts are read by `contracts::import`, never row by row here.
        ImportKind::Contracts => Ok(None),
    }
}

async fn organization(
    cx: &Ctx<'_>,
    line: usize,
    row: &BTreeMap<String, String>,
    seen: &mut HashSet<String>,
    errs: &mut Vec<RowError>,
) -> anyhow::Result<Option<ImportRecord>> {
    let before = errs.len();
    let form = OrgForm {
        name: get(row, "name").into(),
        org_type: get(row, "org_type").into(),
        credit_code: get(row, "credit_code").into(),
        district: get(row, "district").into(),
        contact_name: get(row, "contact_name").into(),
        contact_phone: get(row, "contact_phone").into(),
    };
    let content = parsed(
        errs,
        ImportKind::Organizations,
        line,
        records::org::parse(&form, &cx.refs),
    )?;
    if let Ok(code) = CreditCode::parse(&form.credit_code) {
        if !seen.insert(code.as_str().to_string()) {
            errs.push(row_err(
                line,
                "credit_code",
                "文件中重复的统一社会信用代码",
                "Duplicate credit code in the file",
            ));
        } else if cx.org_by_code(code.as_str()).await?.is_some() {
            errs.push(row_err(
                line,
                "credit_code",
                "该统一社会信用代码已登记",
                "This credit code is already registered",
            ));
        }
    }
    let verified = flag(errs, line, row, "verified", false);
    let Some(c) = content.filter(|_| errs.len() == before) else {
        return Ok(None);
    };
    let code = c.credit_code.as_str().to_string();
    let org = services::new_org_record(
        &c,
        Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!("jiebang:org:{code}").as_bytes(),
        ),
        verified,
        cx.now,
    );
    // The organization's contact, who cannot sign in until a reset link is issued.
    let user = UserRecord {
        id: Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!("jiebang:contact:{code}").as_bytes(),
        ),
        email: format!("org-{}@import.jiebang.local", code.to_lowercase()),
        display_name: c.contact_name.clone(),
        password_hash: "!imported-no-login".into(),
        org_id: Some(org.id),
        membership_active: true,
        is_org_admin: true,
        privacy_accepted_at: cx.now,
        created_at: cx.now,
    };
    let roles = c.org_type.default_member_role().into_iter().collect();
    Ok(Some(ImportRecord::Org(
        Box::new(org),
        Box::new(user),
        roles,
    )))
}

async fn expert(
    cx: &Ctx<'_>,
    line: usize,
    row: &BTreeMap<String, String>,
    seen: &mut HashSet<String>,
    errs: &mut Vec<RowError>,
) -> anyhow::Result<Option<ImportRecord>> {
    let before = errs.len();
    let mut person_errs = app::error::Errors::default();
    let person = records::account::person(&mut person_errs, get(row, "email"), get(row, "name"));
    parsed(errs, ImportKind::Experts, line, person_errs.finish())?;
    let form = ExpertForm {
        title: get(row, "title").into(),
        fields: get(row, "fields").into(),
        keywords: get(row, "keywords").into(),
        bio: get(row, "bio").into(),
        accepts_review: flag(errs, line, row, "accepts_review", true),
        // Private unless the file says otherwise: publishing a person is their choice.
        is_public: flag(errs, line, row, "is_public", false),
    };
    let content = parsed(
        errs,
        ImportKind::Experts,
        line,
        records::expert::parse(&form),
    )?;
    if let Some((email, _)) = &person {
        if !seen.insert(email.clone()) {
            errs.push(row_err(
                line,
                "email",
                "文件中重复的邮箱",
                "Duplicate e-mail address in the file",
            ));
        }
    }
    let org = match get(row, "org_credit_code").trim() {
        "" => None,
        code => match cx.org_named(line, code).await? {
            Ok(o) => Some(o),
            Err(e) => {
                errs.push(e);
                None
            }
        },
    };
    // An existing account gets the expert role and a profile, unless it already has one.
    let existing = match &person {
        Some((email, _)) => cx.store.find_user_by_email(email).await?,
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
    let (Some((email, name)), Some(c)) = (person, content) else {
        return Ok(None);
    };
    if errs.len() != before {
        return Ok(None);
    }
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
    let profile = services::expert_record(&c, user.id, cx.now);
    Ok(Some(ImportRecord::Expert {
        user: Box::new(user),
        new_user,
        profile: Box::new(profile),
    }))
}

/// The status a row may bring: draft, submitted or published (the default).
fn initial_status<S: app::domain::lifecycle::Labelled>(
    errs: &mut Vec<RowError>,
    line: usize,
    row: &BTreeMap<String, String>,
    allowed: [S; 3],
) -> Option<S> {
    match get(row, "status").trim() {
        "" => Some(allowed[2]),
        v => match S::parse(v).filter(|s| allowed.contains(s)) {
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
    }
}

/// A demand or an achievement row.
async fn listing(
    cx: &Ctx<'_>,
    kind: ImportKind,
    line: usize,
    row: &BTreeMap<String, String>,
    seen: &mut HashSet<String>,
    errs: &mut Vec<RowError>,
) -> anyhow::Result<Option<ImportRecord>> {
    let before = errs.len();
    let code = get(row, "org_credit_code");
    let org = match cx.org_named(line, code).await? {
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
    let demand = kind == ImportKind::Demands;
    let kind_name = if demand { "demand" } else { "achievement" };
    let id = Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("jiebang:import:{kind_name}:{key}").as_bytes(),
    );
    let exists = if demand {
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
    let author = match &org {
        Some(o) => cx.author_of(o.id).await?,
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
    let record = if demand {
        let form = DemandForm {
            title: get(row, "title").into(),
            description: get(row, "description").into(),
            chain: get(row, "chain").into(),
            field: get(row, "field").into(),
            keywords: get(row, "keywords").into(),
            budget_min: get(row, "budget_min_wan").into(),
            budget_max: get(row, "budget_max_wan").into(),
            trl: get(row, "trl").into(),
            deadline: get(row, "deadline").into(),
            ip_preference: get(row, "ip_preference").into(),
            confidential_detail: get(row, "confidential_detail").into(),
        };
        let content = parsed(
            errs,
            kind,
            line,
            records::demand::parse(&form, &cx.refs, cx.now),
        )?;
        let status = initial_status(
            errs,
            line,
            row,
            [
                DemandStatus::Draft,
                DemandStatus::Submitted,
                DemandStatus::Published,
            ],
        );
        match (org, author, content, status) {
            (Some(o), Some(by), Some(c), Some(status)) => Some(ImportRecord::Demand(
                Box::new(services::new_demand_record(
                    &c, id, o.id, by, status, cx.now,
                )),
                c.confidential,
            )),
            _ => None,
        }
    } else {
        let price = get(row, "price_wan");
        let form = AchievementForm {
            title: get(row, "title").into(),
            summary: get(row, "summary").into(),
            chain: get(row, "chain").into(),
            field: get(row, "field").into(),
            keywords: get(row, "keywords").into(),
            trl: get(row, "trl").into(),
            patents: get(row, "patents").into(),
            transfer_modes: get(row, "transfer_modes")
                .split(|c: char| LIST_SEPARATORS.contains(&c) || c == ' ')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(String::from)
                .collect(),
            price: price.into(),
            // An empty price is negotiable (面议), as the word itself is.
            negotiable: price.trim().is_empty(),
        };
        let content = parsed(
            errs,
            kind,
            line,
            records::achievement::parse(&form, &cx.refs),
        )?;
        let status = initial_status(
            errs,
            line,
            row,
            [
                AchievementStatus::Draft,
                AchievementStatus::Submitted,
                AchievementStatus::Published,
            ],
        );
        match (org, author, content, status) {
            (Some(o), Some(by), Some(c), Some(status)) => {
                Some(ImportRecord::Achievement(Box::new(
                    services::new_achievement_record(&c, id, o.id, by, status, cx.now),
                )))
            }
            _ => None,
        }
    };
    Ok(record.filter(|_| errs.len() == before))
}
