//! The store's side of technology contracts and their registration. A contract is read by its
//! parties and the registry (clerks, officials); the statistics read aggregates only.
use super::{AuditEvent, StatusChange, StoreResult};
use crate::domain::contract::{ContractStatus, ContractType, IpType, Place, PlanOrigin};
use crate::domain::OrgType;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One party as the registration records it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyRecord {
    pub name: String,
    pub credit_code: Option<String>,
    /// The organization on the platform, when it is one.
    pub org_id: Option<Uuid>,
    pub org_type: OrgType,
    pub place: Place,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContractRecord {
    pub id: Uuid,
    pub registration_number: Option<String>,
    pub applicant_user_id: Option<Uuid>,
    pub applicant_org_id: Option<Uuid>,
    /// `seller` or `buyer`.
    pub applicant_side: String,
    pub contract_type: ContractType,
    pub title: String,
    pub seller: PartyRecord,
    pub buyer: PartyRecord,
    pub contract_amount_fen: i64,
    pub tech_amount_fen: i64,
    pub non_technical: Vec<(String, i64)>,
    pub signed_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub chain_code: String,
    pub field: String,
    pub ip_type: IpType,
    pub plan_origin: PlanOrigin,
    pub demand_id: Option<Uuid>,
    pub call_id: Option<Uuid>,
    pub achievement_id: Option<Uuid>,
    pub status: ContractStatus,
    pub status_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    /// `application`, `import`, `seed` or `award`.
    pub source: String,
    /// Bumped by every content change (the store sets it; writes ignore it).
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the registry decides when it registers: the type and 技术交易额 it confirmed (or
/// corrected), and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub contract_type: ContractType,
    pub tech_amount_fen: i64,
    pub at: DateTime<Utc>,
    /// The year whose sequence numbers it (Beijing's calendar year of `at`).
    pub year: i32,
}

#[async_trait::async_trait]
pub trait ContractStore: Send + Sync {
    async fn insert_contract(&self, c: &ContractRecord, audit: &AuditEvent) -> StoreResult<()>;
    /// Rewrites an application that is still a draft or returned for correction (else
    /// `Stale`), bumping its version.
    async fn update_contract_draft(
        &self,
        c: &ContractRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Applies (or applies again after a correction) in one guarded write: the status change
    /// (`Stale` unless still in `change.from` at `version`) and the submission time, from
    /// which the registry's clock runs.
    async fn submit_contract(
        &self,
        change: &StatusChange,
        version: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn get_contract(&self, id: Uuid) -> StoreResult<Option<ContractRecord>>;
    /// The contracts an organization applied for or is a party to, newest first.
    async fn contracts_of_org(&self, org_id: Uuid) -> StoreResult<Vec<ContractRecord>>;
    /// The registry's work list: contracts in these statuses, oldest submission first.
    async fn contracts_in(
        &self,
        statuses: &[ContractStatus],
        limit: i64,
    ) -> StoreResult<Vec<ContractRecord>>;
    /// Writes registered contracts from a registry's sheet (or the demo seeds) in one
    /// transaction with one audit event for the whole file. A registration number already
    /// stored is skipped, so the same file imported twice changes nothing; returns how many
    /// rows were new. Numbers in this registry's own format move its yearly sequence past
    /// them, so the next registration cannot collide.
    async fn import_contracts(
        &self,
        rows: &[ContractRecord],
        audit: &AuditEvent,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<usize>;
    /// The same import a chunk at a time, for files read as they are written: nothing is
    /// visible until `commit`, and dropping the handle writes nothing.
    async fn begin_contract_import(&self) -> StoreResult<Box<dyn ContractImport>>;
    /// Which of these registration numbers are already stored.
    async fn existing_registration_numbers(&self, numbers: &[String]) -> StoreResult<Vec<String>>;
    /// Registers in one guarded write: the status change (`Stale` unless still in
    /// `change.from`), the confirmed type and amount, and the next number of the year.
    /// Returns the registration number.
    async fn register_contract(
        &self,
        change: &StatusChange,
        reg: &Registration,
        audit: &AuditEvent,
    ) -> StoreResult<String>;
    /// The contracts linked to this demand, call or achievement, registered first (by date),
    /// then the rest by last change.
    async fn contracts_linked(
        &self,
        link: ContractLink,
        id: Uuid,
    ) -> StoreResult<Vec<ContractRecord>>;
}

/// What a contract links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractLink {
    Demand,
    Call,
    Achievement,
}

/// An import of registered contracts under way, in one transaction.
#[async_trait::async_trait]
pub trait ContractImport: Send {
    /// Writes these rows (numbers already stored are skipped); returns how many were new.
    async fn write(&mut self, rows: &[ContractRecord]) -> StoreResult<usize>;
    /// Moves the yearly sequences past the imported numbers, appends the audit event and
    /// commits.
    async fn commit(self: Box<Self>, audit: &AuditEvent) -> StoreResult<()>;
}
