//! Server functions: 揭榜挂帅 calls.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "calls")]
pub async fn list_calls(
    page: Option<u32>,
    chain: Option<String>,
    district: Option<String>,
    status: Option<String>,
) -> Result<Page<CallSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::list_calls(&s, ctx::actor().as_ref(), page, chain, district, status).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "call")]
pub async fn get_call(id: String) -> Result<CallDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::call_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "call_form")]
pub async fn get_call_form(id: String) -> Result<CallForm, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::call_form(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "call_demand_options")]
pub async fn call_demand_options() -> Result<Vec<DemandSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::call_demand_options(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_call")]
pub async fn save_call(
    id: Option<String>,
    intent: Option<String>,
    title: String,
    background: String,
    goal: String,
    chain: String,
    district: String,
    indicators: String,
    acceptance: String,
    city_fund: String,
    enterprise_fund: String,
    name_cofunder: Option<String>,
    elig_enterprise: Option<String>,
    elig_university: Option<String>,
    elig_institute: Option<String>,
    elig_service_agency: Option<String>,
    guangxi_only: Option<String>,
    consortium_allowed: Option<String>,
    opens_at: String,
    closes_at: String,
    criteria: String,
    score_scale: String,
    winners: String,
    duration_months: String,
    milestones: String,
    #[server(default)] demand_ids: Vec<String>,
) -> Result<String, AppError> {
    let args = SaveCall {
        id,
        intent,
        title,
        background,
        goal,
        chain,
        district,
        indicators,
        acceptance,
        city_fund,
        enterprise_fund,
        name_cofunder,
        elig_enterprise,
        elig_university,
        elig_institute,
        elig_service_agency,
        guangxi_only,
        consortium_allowed,
        opens_at,
        closes_at,
        criteria,
        score_scale,
        winners,
        duration_months,
        milestones,
        demand_ids,
    };
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let form = args.form();
        let (id, intent) = (args.id, args.intent);
        let publish = intent.as_deref() == Some("publish");
        save_record(
            id,
            |id| crate::services::update_call(&s, &actor, id, &form, publish),
            crate::services::create_call(&s, &actor, &form, publish),
            |id| format!("/calls/{id}"),
        )
        .await
    }
    .await;
    ctx::finish(r)
}

impl SaveCall {
    /// The call form as posted (also what a failed post without JavaScript shows again).
    pub fn form(&self) -> CallForm {
        let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        let org_types = [
            ("enterprise", &self.elig_enterprise),
            ("university", &self.elig_university),
            ("institute", &self.elig_institute),
            ("service_agency", &self.elig_service_agency),
        ]
        .into_iter()
        .filter(|(_, v)| on(v))
        .map(|(k, _)| k.to_string())
        .collect();
        CallForm {
            title: self.title.clone(),
            background: self.background.clone(),
            goal: self.goal.clone(),
            chain: self.chain.clone(),
            district: self.district.clone(),
            indicators: self.indicators.clone(),
            acceptance: self.acceptance.clone(),
            city_fund: self.city_fund.clone(),
            enterprise_fund: self.enterprise_fund.clone(),
            name_cofunder: on(&self.name_cofunder),
            org_types,
            guangxi_only: on(&self.guangxi_only),
            consortium_allowed: on(&self.consortium_allowed),
            opens_at: self.opens_at.clone(),
            closes_at: self.closes_at.clone(),
            criteria: self.criteria.clone(),
            score_scale: self.score_scale.clone(),
            winners: self.winners.clone(),
            duration_months: self.duration_months.clone(),
            milestones: self.milestones.clone(),
            demand_ids: self.demand_ids.clone(),
        }
    }
}

#[server(prefix = "/api/fn", endpoint = "call_timeline")]
pub async fn call_timeline(id: String) -> Result<Vec<TimelineEntry>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::call_timeline(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}
