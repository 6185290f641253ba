//! Data shapes that cross the wire between server and browser (and the REST API). They carry
//! only what the receiver may see: confidential fields are `Option`s the server fills only for
//! readers the policy admits.
use crate::domain::{DemandStatus, IpPreference, OrgType, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod calls;
mod contracts;
mod reviews;
mod stats;
mod targets;
mod tasks;
pub use calls::*;
pub use contracts::*;
pub use reviews::*;
pub use stats::*;
pub use targets::*;
pub use tasks::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgSummary {
    pub id: Uuid,
    pub name: String,
    pub org_type: OrgType,
    pub credit_code: String,
    pub district_code: String,
    pub verified: bool,
}

/// The signed-in person as the pages see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub org: Option<OrgSummary>,
    /// False while a join request waits for the organization's admission.
    pub membership_active: bool,
    pub is_org_admin: bool,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct District {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: String,
    pub sort: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Chain {
    pub code: String,
    pub parent_code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub sort: i64,
}

/// Reference data every form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefData {
    pub districts: Vec<District>,
    pub chains: Vec<Chain>,
}

impl RefData {
    /// What a person reads for the stored code `value` of the filter dimension `dimension`
    /// (`kind`, `chain`, `district`, `org_type`, `transfer_mode`, `trl`). Every code the pages
    /// show goes through here; an unknown code is shown as it is.
    pub fn label(&self, dimension: &str, value: &str, lang: crate::i18n::Lang) -> String {
        let pick = |zh: &str, en: &str| lang.pick(zh, en).to_string();
        let known = match dimension {
            "kind" => SearchKind::parse(value).map(|k| pick(k.label_zh(), k.label_en())),
            "chain" => return self.chain_name(value, lang),
            "district" => return self.district_name(value, lang),
            "org_type" => {
                crate::domain::OrgType::parse(value).map(|o| pick(o.label_zh(), o.label_en()))
            }
            "transfer_mode" => crate::domain::achievement::TransferMode::parse(value)
                .map(|m| pick(m.label_zh(), m.label_en())),
            "trl" => value.parse::<u8>().ok().map(|n| format!("TRL {n}")),
            _ => None,
        };
        known.unwrap_or_else(|| value.to_string())
    }
    /// Whether an organization registered in district `code` is registered in Guangxi: every
    /// Nanning district and zone, and "elsewhere in Guangxi" (`guangxi_other`), but not the
    /// rest of China or abroad.
    pub fn in_guangxi(&self, code: &str) -> bool {
        self.districts
            .iter()
            .find(|d| d.code == code)
            .is_some_and(|d| d.kind != "outside" || d.code.starts_with("guangxi"))
    }
    pub fn district_name(&self, code: &str, lang: crate::i18n::Lang) -> String {
        self.districts
            .iter()
            .find(|d| d.code == code)
            .map(|d| lang.pick(&d.name_zh, &d.name_en).to_string())
            .unwrap_or_else(|| code.to_string())
    }
    pub fn chain_name(&self, code: &str, lang: crate::i18n::Lang) -> String {
        let Some(c) = self.chains.iter().find(|c| c.code == code) else {
            return code.to_string();
        };
        let own = lang.pick(&c.name_zh, &c.name_en).to_string();
        match c
            .parent_code
            .as_deref()
            .and_then(|p| self.chains.iter().find(|x| x.code == p))
        {
            Some(p) => format!("{} · {}", lang.pick(&p.name_zh, &p.name_en), own),
            None => own,
        }
    }
}

/// A published demand as lists and the public API show it. No confidential field exists here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DemandSummary {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub chain_code: String,
    pub district_code: String,
    pub budget_min_fen: i64,
    pub budget_max_fen: i64,
    pub trl: u8,
    pub deadline: DateTime<Utc>,
    pub status: DemandStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub reason: Option<String>,
}

/// What a reader may do now with one reviewed record (demand, achievement, …), computed on the
/// server from the policy and the record's status (`services::lifecycle::permissions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordPermissions {
    /// Edit the content.
    pub edit: bool,
    /// Lifecycle actions this reader may take now, as their codes, in the order to offer them.
    pub actions: Vec<String>,
    /// Read the record's processing history and status reason.
    pub see_history: bool,
}

impl RecordPermissions {
    pub fn may(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DemandDetail {
    pub summary: DemandSummary,
    pub description: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub ip_preference: IpPreference,
    /// `None` unless the reader belongs to the owner organization or is an official.
    pub confidential_detail: Option<String>,
    /// The reason given with the last status change, for readers of the history.
    pub status_reason: Option<String>,
    pub org_id: Uuid,
    pub permissions: RecordPermissions,
    /// Technology contracts that came from it (see `LinkedContract`).
    pub contracts: Vec<LinkedContract>,
    pub history: Vec<AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        if self.per_page == 0 {
            return 1;
        }
        let p = (self.total.max(0) as u64).div_ceil(self.per_page as u64);
        p.max(1) as u32
    }
}

/// The raw text of the demand form, exactly as typed, so a failed submission can be shown
/// again without losing anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DemandForm {
    pub title: String,
    pub description: String,
    pub chain: String,
    pub field: String,
    pub keywords: String,
    pub budget_min: String,
    pub budget_max: String,
    pub trl: String,
    pub deadline: String,
    pub ip_preference: String,
    pub confidential_detail: String,
}

/// An organization's registration details as typed (registration, import, seeds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgForm {
    pub name: String,
    pub org_type: String,
    pub credit_code: String,
    pub district: String,
    pub contact_name: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgListItem {
    pub org: OrgSummary,
    pub contact_name: String,
    pub contact_phone: String,
    pub member_count: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberItem {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub is_org_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserListItem {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub org_name: Option<String>,
    pub roles: Vec<Role>,
}

/// What the search box can look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Demand,
    Achievement,
    Expert,
    Organization,
    /// 揭榜挂帅 calls, once published.
    Call,
}

impl SearchKind {
    pub const ALL: &'static [SearchKind] = &[
        SearchKind::Demand,
        SearchKind::Achievement,
        SearchKind::Expert,
        SearchKind::Organization,
        SearchKind::Call,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Demand => "demand",
            SearchKind::Achievement => "achievement",
            SearchKind::Expert => "expert",
            SearchKind::Organization => "organization",
            SearchKind::Call => "call",
        }
    }
    pub fn parse(s: &str) -> Option<SearchKind> {
        SearchKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            SearchKind::Demand => "技术需求",
            SearchKind::Achievement => "科技成果",
            SearchKind::Expert => "专家",
            SearchKind::Organization => "机构",
            SearchKind::Call => "揭榜挂帅",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            SearchKind::Demand => "Demands",
            SearchKind::Achievement => "Achievements",
            SearchKind::Expert => "Experts",
            SearchKind::Organization => "Organizations",
            SearchKind::Call => "Open calls",
        }
    }
}

/// One searchable record, built from the database (the source of truth) with public fields
/// only. Confidential text never becomes part of a `SearchDoc`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchDoc {
    pub kind: SearchKind,
    pub id: String,
    pub title: String,
    pub body: String,
    pub keywords: Vec<String>,
    pub org_name: String,
    /// Leaf industry-chain code; its top-level code is what the facet counts.
    pub chain: Option<String>,
    pub district: Option<String>,
    pub org_type: Option<String>,
    pub transfer_modes: Vec<String>,
    pub trl: Option<u8>,
    pub budget_fen: Option<i64>,
    pub published_at: DateTime<Utc>,
}

impl SearchDoc {
    pub fn chain_top(&self) -> Option<String> {
        self.chain
            .as_deref()
            .map(|c| c.split('.').next().unwrap_or(c).to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    #[default]
    Relevance,
    Newest,
    Budget,
}

impl SearchSort {
    pub fn parse(s: &str) -> Option<SearchSort> {
        match s {
            "relevance" | "" => Some(SearchSort::Relevance),
            "newest" => Some(SearchSort::Newest),
            "budget" => Some(SearchSort::Budget),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::Newest => "newest",
            SearchSort::Budget => "budget",
        }
    }
}

/// A validated search request (see `services::parse_search`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchParams {
    pub q: String,
    pub kind: Option<SearchKind>,
    /// Top-level or leaf chain code.
    pub chain: Option<String>,
    pub district: Option<String>,
    pub org_type: Option<String>,
    pub transfer_mode: Option<String>,
    pub trl_min: Option<u8>,
    pub trl_max: Option<u8>,
    pub sort: SearchSort,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: String,
    pub title: String,
    /// Plain text; never HTML.
    pub snippet: String,
    /// Character ranges `[start, end)` into `snippet` where query words matched.
    pub highlights: Vec<[usize; 2]>,
    pub score: f32,
    pub org_name: String,
    pub chain: Option<String>,
    pub district: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// Facet name (`kind`, `chain`, `district`, `org_type`, `transfer_mode`, `trl`) → counts.
    pub facets: std::collections::BTreeMap<String, Vec<FacetCount>>,
    pub total: u64,
    pub took_ms: u64,
}

/// Splits a snippet into plain and highlighted runs for rendering (escaped by the view).
pub fn highlight_runs(snippet: &str, ranges: &[[usize; 2]]) -> Vec<(String, bool)> {
    let chars: Vec<char> = snippet.chars().collect();
    let mut marked = vec![false; chars.len()];
    for [s, e] in ranges {
        for m in marked.iter_mut().take((*e).min(chars.len())).skip(*s) {
            *m = true;
        }
    }
    let mut out: Vec<(String, bool)> = Vec::new();
    for (c, m) in chars.into_iter().zip(marked) {
        match out.last_mut() {
            Some((s, lm)) if *lm == m => s.push(c),
            _ => out.push((c.to_string(), m)),
        }
    }
    out
}

/// The achievement form exactly as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AchievementForm {
    pub title: String,
    pub summary: String,
    pub chain: String,
    pub field: String,
    pub keywords: String,
    pub trl: String,
    /// Patent numbers separated by commas or new lines.
    pub patents: String,
    pub transfer_modes: Vec<String>,
    /// In 万元; ignored when `negotiable`.
    pub price: String,
    pub negotiable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AchievementSummary {
    pub id: uuid::Uuid,
    pub title: String,
    pub summary: String,
    pub org_id: uuid::Uuid,
    pub org_name: String,
    pub chain_code: String,
    pub trl: u8,
    pub transfer_modes: Vec<crate::domain::achievement::TransferMode>,
    pub price_fen: Option<i64>,
    pub status: crate::domain::achievement::AchievementStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AchievementDetail {
    pub summary: AchievementSummary,
    pub full_summary: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub patents: Vec<String>,
    pub district_code: String,
    pub status_reason: Option<String>,
    pub permissions: RecordPermissions,
    /// Technology contracts transferring or licensing it (see `LinkedContract`).
    pub contracts: Vec<LinkedContract>,
    pub history: Vec<AuditEntry>,
}

/// The expert profile form as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExpertForm {
    pub title: String,
    pub fields: String,
    pub keywords: String,
    pub bio: String,
    pub accepts_review: bool,
    pub is_public: bool,
}

/// An expert as a reader may see them: `accepts_review` and `is_public` only for officials
/// and the expert themself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExpertView {
    pub user_id: uuid::Uuid,
    pub name: String,
    pub title: String,
    pub org_id: Option<uuid::Uuid>,
    pub org_name: Option<String>,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub bio: String,
    pub accepts_review: Option<bool>,
    pub is_public: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DisputeView {
    pub id: uuid::Uuid,
    pub org_name: String,
    pub credit_code: String,
    pub claimant_name: String,
    pub claimant_email: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// An organization's public page: who it is and what it has published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgProfile {
    pub org: OrgSummary,
    pub demands: Page<DemandSummary>,
    pub achievements: Page<AchievementSummary>,
    /// Public expert profiles of its members.
    pub experts: Vec<ExpertView>,
}

/// One problem with one cell of an imported file (line 0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportRowError {
    pub line: usize,
    pub column: String,
    pub zh: String,
    pub en: String,
}

/// What a form posted without JavaScript sent, when it failed: see `services::forms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EchoedForm {
    /// The server function it posted to.
    pub path: String,
    /// The error as the redirect carried it.
    pub error: String,
    /// The posted fields, URL-encoded, secrets blanked.
    pub values: String,
}

/// What an import did: every row written, or nothing and every problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    pub rows: usize,
    pub imported: usize,
    /// Rows already stored, left as they were (a contract's registration number).
    #[serde(default)]
    pub skipped: usize,
    pub errors: Vec<ImportRowError>,
    /// Where the problems can be downloaded as CSV (`/admin/import/report.csv?result=…`).
    #[serde(default)]
    pub report_url: Option<String>,
}
