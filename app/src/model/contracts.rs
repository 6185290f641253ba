//! What crosses the wire for technology contracts (技术合同) and their registration. A
//! contract's detail goes to its parties and the registry's clerks only; the public sees
//! aggregates (the statistics context).
use serde::{Deserialize, Serialize};

/// The registration application exactly as typed. The applicant's own organization is one
/// party (the seller, or for a technology import the domestic buyer); the form names the other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
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
}

/// One party as a contract's readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyView {
    pub name: String,
    pub credit_code: Option<String>,
    pub org_id: Option<uuid::Uuid>,
    pub org_type: crate::domain::OrgType,
    pub place: crate::domain::contract::Place,
}

/// A contract for its parties and the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub permissions: super::RecordPermissions,
    /// The reader is a registry clerk who may register it now (the form with the confirmed
    /// type and amount).
    pub may_register: bool,
    pub history: Vec<super::AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
