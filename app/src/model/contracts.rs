//! What crosses the wire for technology contracts (技术合同) and their registration. A
//! contract's detail goes to its parties and the registry's clerks only; the public sees
//! aggregates (the statistics context).
use serde::{Deserialize, Serialize};

/// The registration application exactly as typed. The applicant's own organization is one
/// party (the seller, or for a technology import the domestic buyer); the form names the other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ContractForm {
    /// `ContractType` code.
    pub contract_type: String,
    pub title: String,
    /// `seller` (the usual case) or `buyer` (a technology import: the domestic buyer applies).
    pub applicant_side: String,
    pub counterpart_name: String,
    /// Required for parties in China; optional abroad.
    pub counterpart_credit_code: String,
    /// `OrgType` code of the counterpart.
    pub counterpart_type: String,
    /// `nanning`, `guangxi`, `domestic` or `abroad`.
    pub counterpart_region: String,
    /// The district code (Nanning), province (domestic) or ISO country code (abroad).
    pub counterpart_place: String,
    /// 合同成交额; 万元 unless a unit is written.
    pub contract_amount: String,
    /// 技术交易额; 万元 unless a unit is written.
    pub tech_amount: String,
    /// Non-technical items, one per line: `名称 | 金额`.
    pub non_technical: String,
    /// `YYYY-MM-DD`.
    pub signed_on: String,
    pub ends_on: String,
    pub chain: String,
    pub field: String,
    /// `IpType` code.
    pub ip_type: String,
    /// `PlanOrigin` code.
    pub plan_origin: String,
    /// The published demand of the buyer it answers: its page address or id (optional).
    pub demand_ref: String,
    /// The seller's published achievement it transfers or licenses: its page address or id
    /// (optional).
    pub achievement_ref: String,
}

/// A record a contract links to, by id and title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordLink {
    pub id: uuid::Uuid,
    pub title: String,
}

/// Where a contract came from: the demand it answers, the call it was awarded in, the
/// achievement it transfers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContractLinks {
    pub demand: Option<RecordLink>,
    pub call: Option<RecordLink>,
    pub achievement: Option<RecordLink>,
}

/// A contract as the demand, call or achievement it links to shows it. Everyone sees the
/// registered ones by type, number and date; the contract's parties and the registry also see
/// the others, with the title and a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkedContract {
    pub id: uuid::Uuid,
    pub registration_number: Option<String>,
    pub contract_type: crate::domain::contract::ContractType,
    pub status: crate::domain::contract::ContractStatus,
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The title, for a reader who may open the contract; `None` otherwise.
    pub title: Option<String>,
    pub seller_name: String,
    /// The reader's organization applies with it and may still complete it (a draft from an
    /// award, or one returned for correction).
    pub may_edit: bool,
}

/// One party as a contract's readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PartyView {
    pub name: String,
    pub credit_code: Option<String>,
    pub org_id: Option<uuid::Uuid>,
    pub org_type: crate::domain::OrgType,
    pub place: crate::domain::contract::Place,
}

/// A contract for its parties and the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContractDetail {
    pub id: uuid::Uuid,
    pub registration_number: Option<String>,
    pub contract_type: crate::domain::contract::ContractType,
    pub title: String,
    pub applicant_side: String,
    pub seller: PartyView,
    pub buyer: PartyView,
    pub contract_amount_fen: i64,
    pub tech_amount_fen: i64,
    pub non_technical: Vec<(String, i64)>,
    pub signed_on: chrono::NaiveDate,
    pub ends_on: Option<chrono::NaiveDate>,
    pub chain_code: String,
    pub field: String,
    pub ip_type: crate::domain::contract::IpType,
    pub plan_origin: crate::domain::contract::PlanOrigin,
    pub status: crate::domain::contract::ContractStatus,
    pub status_reason: Option<String>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// 技术交易额 at or above ¥5m: expert review before registration.
    pub needs_expert_review: bool,
    pub links: ContractLinks,
    /// `application`, `import`, `seed` or `award` (drafted from an awarded call).
    pub source: String,
    pub permissions: super::RecordPermissions,
    /// The reader is a registry clerk who may register it now (the form with the confirmed
    /// type and amount).
    pub may_register: bool,
    pub history: Vec<super::AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContractListItem {
    pub id: uuid::Uuid,
    pub registration_number: Option<String>,
    pub title: String,
    pub contract_type: crate::domain::contract::ContractType,
    pub seller_name: String,
    pub buyer_name: String,
    pub contract_amount_fen: i64,
    pub tech_amount_fen: i64,
    pub status: crate::domain::contract::ContractStatus,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
