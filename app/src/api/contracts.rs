//! Server functions: technology contracts and their registration. Each answers only what the
//! contracts service allows the caller (its parties, the registry, officials).
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "contract")]
pub async fn get_contract(id: String) -> Result<ContractDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::contract_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "contract_form")]
pub async fn get_contract_form(id: String) -> Result<ContractForm, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::contract_form(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_contract")]
pub async fn save_contract(
    id: Option<String>,
    intent: Option<String>,
    contract_type: String,
    title: String,
    applicant_side: String,
    counterpart_name: String,
    counterpart_credit_code: String,
    counterpart_type: String,
    counterpart_region: String,
    counterpart_place: String,
    contract_amount: String,
    tech_amount: String,
    non_technical: String,
    signed_on: String,
    ends_on: String,
    chain: String,
    field: String,
    ip_type: String,
    plan_origin: String,
    demand_ref: Option<String>,
    achievement_ref: Option<String>,
) -> Result<String, AppError> {
    let args = SaveContract {
        id,
        intent,
        contract_type,
        title,
        applicant_side,
        counterpart_name,
        counterpart_credit_code,
        counterpart_type,
        counterpart_region,
        counterpart_place,
        contract_amount,
        tech_amount,
        non_technical,
        signed_on,
        ends_on,
        chain,
        field,
        ip_type,
        plan_origin,
        demand_ref,
        achievement_ref,
    };
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let id = match args.id.as_deref().filter(|i| !i.is_empty()) {
            Some(i) => Some(parse_id(i)?),
            None => None,
        };
        let submit = args.intent.as_deref() == Some("submit");
        let id = crate::services::save_contract(&s, &actor, id, &args.form(), submit).await?;
        leptos_axum::redirect(&format!("/contracts/{id}"));
        Ok(id.to_string())
    }
    .await;
    ctx::finish(r)
}

impl SaveContract {
    pub fn form(&self) -> ContractForm {
        ContractForm {
            contract_type: self.contract_type.clone(),
            title: self.title.clone(),
            applicant_side: self.applicant_side.clone(),
            counterpart_name: self.counterpart_name.clone(),
            counterpart_credit_code: self.counterpart_credit_code.clone(),
            counterpart_type: self.counterpart_type.clone(),
            counterpart_region: self.counterpart_region.clone(),
            counterpart_place: self.counterpart_place.clone(),
            contract_amount: self.contract_amount.clone(),
            tech_amount: self.tech_amount.clone(),
            non_technical: self.non_technical.clone(),
            signed_on: self.signed_on.clone(),
            ends_on: self.ends_on.clone(),
            chain: self.chain.clone(),
            field: self.field.clone(),
            ip_type: self.ip_type.clone(),
            plan_origin: self.plan_origin.clone(),
            demand_ref: self.demand_ref.clone().unwrap_or_default(),
            achievement_ref: self.achievement_ref.clone().unwrap_or_default(),
        }
    }
}

/// The registry registers, with the type and 技术交易额 it confirmed (empty keeps the applied).
#[server(prefix = "/api/fn", endpoint = "register_contract")]
pub async fn register_contract(
    id: String,
    contract_type: String,
    tech_amount: String,
) -> Result<String, AppError> {
    let r = async {
        let s = ctx::state()?;
        let id = parse_id(&id)?;
        let n = crate::services::register_contract(
            &s,
            &ctx::require_actor()?,
            id,
            Some(&contract_type),
            Some(&tech_amount),
        )
        .await?;
        leptos_axum::redirect(&format!("/contracts/{id}"));
        Ok(n)
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_contracts")]
pub async fn my_contracts() -> Result<Vec<ContractListItem>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_contracts(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "registry_queue")]
pub async fn registry_queue() -> Result<Vec<ContractListItem>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::registry_queue(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}
