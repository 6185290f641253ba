//! Ports: what the services need from the outside world. Adapters live in the `server` crate
//! (SQLite and PostgreSQL stores, the system clock); tests bring their own.
use crate::domain::achievement::{AchievementStatus, TransferMode};
use crate::domain::{DemandStatus, IpPreference, OrgType, Role};
use crate::model::{Chain, District, SearchDoc, SearchKind, SearchParams, SearchResults};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;

mod calls;
mod contracts;
mod files;
mod limits;
mod notifications;
mod ocds;
mod reviews;
mod stage_reviews;
mod stats;
mod targets;
mod tasks;
pub use calls::*;
pub use contracts::*;
pub use files::*;
pub use limits::*;
pub use notifications::*;
pub use ocds::*;
pub use reviews::*;
pub use stage_reviews::*;
pub use stats::*;
pub use targets::*;
pub use tasks::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (e.g. a credit code or e-mail already taken).
    #[error("unique violation")]
    Unique,
    /// The row was not in the state the write expected (a concurrent change won).
    #[error("stale state")]
    Stale,
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One row of the append-only audit log, as the service describes it. The store adds the
/// sequence number, time and hash chain in the same transaction as the change it records.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub actor_id: Option<Uuid>,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    pub event: AuditEvent,
    pub actor_name: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrgRecord {
    pub id: Uuid,
    pub name: String,
    pub org_type: OrgType,
    pub credit_code: String,
    pub district_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub verified: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub org_id: Option<Uuid>,
    pub membership_active: bool,
    pub is_org_admin: bool,
    pub privacy_accepted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemandRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    pub description: String,
    pub chain_code: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub budget_min_fen: i64,
    pub budget_max_fen: i64,
    pub trl: u8,
    pub deadline: DateTime<Utc>,
    pub ip_preference: IpPreference,
    pub status: DemandStatus,
    /// The reason given with the change into the current status, if any.
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A demand joined with its organization's name, for lists.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandRow {
    pub demand: DemandRecord,
    pub org_name: String,
    pub district_code: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DemandQuery {
    pub statuses: Vec<DemandStatus>,
    pub org_id: Option<Uuid>,
    pub chain_prefix: Option<String>,
    pub district: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AchievementRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    pub summary: String,
    pub chain_code: String,
    pub field: String,
    pub keywords: Vec<String>,
    pub trl: u8,
    pub patents: Vec<String>,
    pub transfer_modes: Vec<TransferMode>,
    /// `None` = negotiable (面议).
    pub price_fen: Option<i64>,
    pub status: AchievementStatus,
    /// Why it was rejected or withdrawn.
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AchievementRow {
    pub achievement: AchievementRecord,
    pub org_name: String,
    pub org_type: OrgType,
    pub district_code: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AchievementQuery {
    pub statuses: Vec<AchievementStatus>,
    pub org_id: Option<Uuid>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExpertRecord {
    pub user_id: Uuid,
    pub title: String,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub bio: String,
    pub accepts_review: bool,
    pub is_public: bool,
    pub updated_at: DateTime<Utc>,
}

/// A profile with the person and organization it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertRow {
    pub profile: ExpertRecord,
    pub name: String,
    pub org_id: Option<Uuid>,
    pub org_name: Option<String>,
    pub org_type: Option<OrgType>,
    pub district_code: Option<String>,
}

/// A claim that someone else registered one's credit code.
#[derive(Debug, Clone, PartialEq)]
pub struct DisputeRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub user_id: Uuid,
    pub reason: String,
    /// "open", "upheld" or "dismissed".
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub org_name: String,
    pub credit_code: String,
    pub claimant_name: String,
    pub claimant_email: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanTarget {
    pub code: String,
    pub task: Option<i64>,
    pub name_zh: String,
    pub name_en: String,
    pub target_value: String,
    pub unit_zh: String,
    pub comparator: String,
    pub period: String,
    pub lead_unit: String,
    pub co_units: Vec<String>,
    pub source: String,
    pub note: Option<String>,
    pub sort: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub roles: Vec<Role>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmailRecord {
    pub id: Uuid,
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// One record of a bulk import, with the audit event that records it.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportRecord {
    /// An organization and its contact person, who administers it.
    Org(Box<OrgRecord>, Box<UserRecord>, Vec<Role>),
    /// A demand and its confidential detail.
    Demand(Box<DemandRecord>, String),
    Achievement(Box<AchievementRecord>),
    /// An expert: the person (a new account, or an existing one when `new_user` is false),
    /// who is granted the expert role, and the profile.
    Expert {
        user: Box<UserRecord>,
        new_user: bool,
        profile: Box<ExpertRecord>,
    },
}

/// One status change of a reviewed record, as [`Store::change_status`] writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusChange {
    /// The entity type (`Lifecycle::ENTITY`), which names the table.
    pub entity: &'static str,
    pub id: Uuid,
    pub from: &'static str,
    pub to: &'static str,
    /// Kept with the record as the reason for its current status (rejection, withdrawal, …).
    pub reason: Option<String>,
    /// Entering `to` publishes the record: its publication time is stamped.
    pub publishes: bool,
    /// The record is or was public, so the search index must catch up.
    pub searchable: bool,
}

impl StatusChange {
    /// The change of a record of kind `L` from `from` to `to`.
    pub fn of<L: crate::domain::lifecycle::Lifecycle>(
        id: Uuid,
        from: L::Status,
        to: L::Status,
        reason: Option<&str>,
    ) -> Self {
        use crate::domain::lifecycle::Labelled;
        StatusChange {
            entity: L::ENTITY,
            id,
            from: from.as_str(),
            to: to.as_str(),
            reason: reason.map(str::to_string),
            publishes: L::publishes(to),
            searchable: L::is_public(from) || L::is_public(to),
        }
    }
}

/// The database, as the services use it: one trait per context, all implemented by each
/// adapter. Every method that changes state takes the audit event(s) describing the change and
/// writes them in the same transaction.
#[async_trait]
pub trait Store:
    RefStore
    + AccountStore
    + OrgStore
    + ImportStore
    + FormEchoStore
    + LifecycleStore
    + DemandStore
    + AchievementStore
    + CallStore
    + ContractStore
    + StatsStore
    + TargetStore
    + TaskStore
    + StageReviewStore
    + OcdsStore
    + LimitStore
    + ReviewStore
    + NotificationStore
    + DisputeStore
    + ExpertStore
    + AuditStore
    + SearchOutboxStore
{
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;
}

/// Reference data (seeds): districts, industry chains, plan targets.
#[async_trait]
pub trait RefStore: Send + Sync {
    async fn upsert_district(&self, d: &District) -> StoreResult<()>;
    async fn upsert_chain(&self, c: &Chain) -> StoreResult<()>;
    async fn upsert_target(&self, t: &PlanTarget) -> StoreResult<()>;
    async fn list_districts(&self) -> StoreResult<Vec<District>>;
    async fn list_chains(&self) -> StoreResult<Vec<Chain>>;
    async fn list_targets(&self) -> StoreResult<Vec<PlanTarget>>;
}

/// People, their roles, sessions (web cookies and API bearer tokens; only hashes of the tokens are stored) and password resets through the e-mail outbox.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates a user; with an `org_id` and `membership_active == false` it is a join request.
    async fn create_user(
        &self,
        user: &UserRecord,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>>;
    async fn get_user(&self, id: Uuid) -> StoreResult<Option<UserRecord>>;
    async fn user_roles(&self, id: Uuid) -> StoreResult<Vec<Role>>;
    async fn list_users(&self) -> StoreResult<Vec<(UserRecord, Vec<Role>, Option<String>)>>;
    async fn grant_role(&self, user_id: Uuid, role: Role, audit: &AuditEvent) -> StoreResult<()>;
    async fn revoke_role(&self, user_id: Uuid, role: Role, audit: &AuditEvent) -> StoreResult<()>;
    /// Replaces a password hash, ends every session of that user and cancels their reset links.
    async fn set_password(&self, user_id: Uuid, hash: &str, audit: &AuditEvent) -> StoreResult<()>;
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: Uuid,
        kind: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn create_password_reset(
        &self,
        user_id: Uuid,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        email: &EmailRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// The account a reset token is for, if it is known, unused and unexpired.
    async fn password_reset_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>>;
    /// Uses a reset token once: sets the password if the token is known, unused and unexpired,
    /// and cancels the account's other links.
    async fn consume_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        new_hash: &str,
    ) -> StoreResult<Option<Uuid>>;
    async fn list_emails(&self, to_email: &str) -> StoreResult<Vec<EmailRecord>>;
    /// Mails not sent yet, oldest first.
    async fn unsent_emails(&self, limit: i64) -> StoreResult<Vec<EmailRecord>>;
    /// Marks a mail sent, keeping `body` (the mail as sent, its secrets removed) in its place.
    async fn mark_email_sent(&self, id: Uuid, at: DateTime<Utc>, body: &str) -> StoreResult<()>;
}

/// Where mails leave the outbox for.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &EmailRecord) -> Result<(), String>;
}

/// Organizations and their members.
#[async_trait]
pub trait OrgStore: Send + Sync {
    /// Creates an organization and its first member (who administers it) together.
    async fn create_org_with_owner(
        &self,
        org: &OrgRecord,
        owner: &UserRecord,
        roles: &[Role],
        audit: &[AuditEvent],
    ) -> StoreResult<()>;
    async fn get_org(&self, id: Uuid) -> StoreResult<Option<OrgRecord>>;
    async fn find_org_by_credit_code(&self, code: &str) -> StoreResult<Option<OrgRecord>>;
    async fn list_orgs(&self) -> StoreResult<Vec<(OrgRecord, i64)>>;
    async fn set_org_verified(
        &self,
        id: Uuid,
        verified: bool,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn org_members(&self, org_id: Uuid) -> StoreResult<Vec<(UserRecord, Vec<Role>)>>;
    /// Admits a pending member (with the given roles) or, with `admit == false`, detaches them.
    async fn decide_membership(
        &self,
        user_id: Uuid,
        org_id: Uuid,
        admit: bool,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
}

/// Bulk import.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Writes a whole validated import in one transaction: all of it, or (on any failure)
    /// nothing. `progress(done)` is called as records are written.
    async fn import_batch(
        &self,
        records: &[(ImportRecord, AuditEvent)],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<()>;
    /// Keeps an import report (JSON) under `token` for the user who uploaded, first deleting
    /// the reports made before `expired_before`.
    async fn save_import_report(
        &self,
        token: &str,
        user_id: Uuid,
        at: DateTime<Utc>,
        report_json: &str,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The report under `token`: (who uploaded, when, the JSON).
    async fn import_report(
        &self,
        token: &str,
    ) -> StoreResult<Option<(Uuid, DateTime<Utc>, String)>>;
}

/// A form posted without JavaScript that failed, kept briefly so the page the browser is sent
/// back to can show the error with the entered values (secrets blanked). See
/// `services::forms`.
#[derive(Debug, Clone, PartialEq)]
pub struct FormEchoRow {
    /// Hash of the token the redirect carries (`__echo`).
    pub token_hash: String,
    /// Hash of the browser's echo cookie: only that browser reads the echo.
    pub browser_hash: String,
    /// The server function the form posted to, e.g. `/api/fn/save_demand`.
    pub path: String,
    /// The error exactly as the redirect carries it (`__err`).
    pub error: String,
    /// The posted fields, URL-encoded, secrets blanked.
    pub values: String,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait FormEchoStore: Send + Sync {
    /// Keeps an echo, first deleting those made before `expired_before`.
    async fn save_form_echo(
        &self,
        echo: &FormEchoRow,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn form_echo(&self, token_hash: &str) -> StoreResult<Option<FormEchoRow>>;
}

/// Status changes of reviewed records (demands, achievements, …).
#[async_trait]
pub trait LifecycleStore: Send + Sync {
    /// One guarded write of the new status, its reason and the audit event, queueing the search
    /// outbox when the record is or was public. `Stale` when the record is no longer in
    /// `change.from`.
    async fn change_status(&self, change: &StatusChange, audit: &AuditEvent) -> StoreResult<()>;
}

/// Technical demands.
#[async_trait]
pub trait DemandStore: Send + Sync {
    /// Writes a new demand and its confidential detail.
    async fn insert_demand(
        &self,
        d: &DemandRecord,
        confidential: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Rewrites the editable fields (and the confidential detail) of a demand that is still a
    /// draft.
    async fn update_demand_draft(
        &self,
        d: &DemandRecord,
        confidential: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// The confidential detail of one demand. The only query that reads it: every other read
    /// (details, lists, organization pages, search documents, expiry) selects the public columns
    /// only, so it cannot leak through them. Callers ask the policy (`ViewConfidential`) first.
    async fn demand_confidential(&self, id: Uuid) -> StoreResult<Option<String>>;
    async fn get_demand(&self, id: Uuid) -> StoreResult<Option<DemandRow>>;
    async fn list_demands(&self, q: &DemandQuery) -> StoreResult<(Vec<DemandRow>, i64)>;
}

/// Technology achievements.
#[async_trait]
pub trait AchievementStore: Send + Sync {
    async fn insert_achievement(
        &self,
        a: &AchievementRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Rewrites the editable fields of an achievement that is still a draft (else `Stale`).
    async fn update_achievement_draft(
        &self,
        a: &AchievementRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn get_achievement(&self, id: Uuid) -> StoreResult<Option<AchievementRow>>;
    async fn list_achievements(
        &self,
        q: &AchievementQuery,
    ) -> StoreResult<(Vec<AchievementRow>, i64)>;
}

/// Credit-code disputes.
#[async_trait]
pub trait DisputeStore: Send + Sync {
    /// Creates the claimant's account (in no organization) and the open dispute together.
    async fn create_dispute(
        &self,
        claimant: &UserRecord,
        d: &DisputeRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn list_disputes(&self, open_only: bool) -> StoreResult<Vec<DisputeRecord>>;
    /// Closes an open dispute (else `Stale`). Upheld: the organization loses its verification
    /// and the claimant joins it as an administrator with `roles`.
    async fn decide_dispute(
        &self,
        id: Uuid,
        upheld: bool,
        decided_by: Uuid,
        note: &str,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
}

/// The expert pool.
#[async_trait]
pub trait ExpertStore: Send + Sync {
    /// Creates or replaces the expert profile of a user.
    async fn upsert_expert(&self, e: &ExpertRecord, audit: &AuditEvent) -> StoreResult<()>;
    async fn get_expert(&self, user_id: Uuid) -> StoreResult<Option<ExpertRow>>;
    /// Profiles of users who still hold the expert role; `public_only` for the public directory,
    /// `org_id` for one organization's (active) members.
    async fn list_experts(
        &self,
        public_only: bool,
        org_id: Option<Uuid>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<ExpertRow>, i64)>;
}

/// The hash-chained audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn audit_for(&self, entity_type: &str, entity_id: &str) -> StoreResult<Vec<AuditRecord>>;
    /// Recomputes the hash chain; `Err(seq)` names the first row that does not match.
    async fn verify_audit_chain(&self) -> StoreResult<Result<i64, i64>>;
}

/// The search outbox: what the index must catch up with, and the documents to put in it.
#[async_trait]
pub trait SearchOutboxStore: Send + Sync {
    async fn pending_search_updates(&self) -> StoreResult<i64>;
    /// Oldest unprocessed outbox rows: (row id, entity type, entity id).
    async fn search_outbox_batch(&self, limit: i64) -> StoreResult<Vec<(i64, String, String)>>;
    /// Claims up to `limit` pending outbox rows for `worker` until `until` (a lease), oldest
    /// first, skipping every record that another worker holds a live claim on, so the changes
    /// of one record are applied by one worker at a time, in order. Claims are taken one
    /// worker at a time (an advisory lock on PostgreSQL; SQLite has one writer).
    async fn claim_search_batch(
        &self,
        worker: &str,
        limit: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<(i64, String, String)>>;
    async fn mark_search_processed(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()>;
    /// Every (entity type, id) that could be in the index (demands, achievements, experts,
    /// organizations), whether public or not: `services::search_document` decides.
    async fn search_entity_keys(&self) -> StoreResult<Vec<(String, String)>>;
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search engine error: {0}")]
    Engine(String),
}

/// The search engine: the embedded one (default) or Meilisearch. Derived from the database.
#[async_trait]
pub trait SearchIndex: Send + Sync {
    fn engine(&self) -> &'static str;
    /// Applies upserts and deletions and makes them visible to searches.
    async fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<(SearchKind, String)>,
    ) -> Result<(), SearchError>;
    async fn search(&self, params: &SearchParams) -> Result<SearchResults, SearchError>;
    async fn clear(&self) -> Result<(), SearchError>;
}

/// Password hashing and token generation, kept behind a port so the pure crate needs no
/// cryptography and tests can stay fast.
#[async_trait]
pub trait Secrets: Send + Sync {
    /// Hashes off the async runtime (argon2 is deliberately slow).
    async fn hash_password(&self, password: String) -> Result<String, StoreError>;
    async fn verify_password(&self, password: String, hash: String) -> bool;
    /// A fresh unguessable token for a cookie, bearer token or reset link.
    fn new_token(&self) -> String;
    /// What the database stores instead of the token itself.
    fn token_hash(&self, token: &str) -> String;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test moves it: deadlines, expiry and rate-limit windows
/// are tested by moving time, never by writing rows in the past.
pub struct FakeClock(std::sync::Mutex<DateTime<Utc>>);

impl FakeClock {
    pub fn at(t: DateTime<Utc>) -> Self {
        FakeClock(std::sync::Mutex::new(t))
    }
    pub fn set(&self, t: DateTime<Utc>) {
        if let Ok(mut now) = self.0.lock() {
            *now = t;
        }
    }
    pub fn advance(&self, d: chrono::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += d;
        }
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|e| *e.into_inner())
    }
}

/// Runtime settings the services need.
#[derive(Debug, Clone)]
pub struct Settings {
    pub production: bool,
    /// Base URL used in links written to the e-mail outbox.
    pub public_url: String,
    pub session_days: i64,
    /// Largest attachment accepted, in bytes.
    pub max_upload_bytes: u64,
    /// The prefix of every call's open-contracting id (`JIEBANG_OCID_PREFIX`).
    pub ocid_prefix: String,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers are believed
    /// (`JIEBANG_TRUSTED_PROXIES`); empty: the socket's address is the client's.
    pub trusted_proxies: Vec<crate::services::IpRange>,
}

/// Everything a request needs, held once and shared (no globals).
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: leptos::config::LeptosOptions,
    pub store: Arc<dyn Store>,
    /// The contract statistics: the store's, or figures held in memory over it.
    pub stats: Arc<dyn StatsStore>,
    pub clock: Arc<dyn Clock>,
    pub secrets: Arc<dyn Secrets>,
    pub search: Arc<dyn SearchIndex>,
    pub settings: Settings,
    pub files: Arc<dyn FileStore>,
    /// Districts and chains, held in memory (see `services::RefCache`).
    pub refs: crate::services::RefCache,
}

impl axum::extract::FromRef<AppState> for leptos::config::LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}
