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
