//! Server functions: Technical demands.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "public_demands")]
pub async fn public_demands(
    page: Option<u32>,
    chain: Option<String>,
    district: Option<String>,
) -> Result<Page<DemandSummary>, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::public_demands(&s, page, Some(10), chain, district).await)
}

#[server(prefix = "/api/fn", endpoint = "demand")]
pub async fn get_demand(id: String) -> Result<DemandDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        let id = parse_id(&id)?;
        crate::services::demand_detail(&s, ctx::actor().as_ref(), id).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "demand_form")]
pub async fn get_demand_form(id: String) -> Result<DemandForm, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::demand_form(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_demand")]
pub async fn save_demand(
    id: Option<String>,
    intent: Option<String>,
    title: String,
    description: String,
    chain: String,
    field: String,
    keywords: String,
    budget_min: String,
    budget_max: String,
    trl: String,
    deadline: String,
    ip_preference: String,
    confidential_detail: String,
) -> Result<String, AppError> {
    let args = SaveDemand {
        id,
        intent,
        title,
        description,
        chain,
        field,
        keywords,
        budget_min,
        budget_max,
        trl,
        deadline,
        ip_preference,
        confidential_detail,
    };
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let form = args.form();
        let (id, intent) = (args.id, args.intent);
        let submit = intent.as_deref() == Some("submit");
        save_record(
            id,
            |id| crate::services::update_demand(&s, &actor, id, &form, submit),
            crate::services::create_demand(&s, &actor, &form, submit),
            |id| format!("/demands/{id}"),
        )
        .await
    }
    .await;
    ctx::finish(r)
}

impl SaveDemand {
    /// The demand form as posted (also what a failed post without JavaScript shows again).
    pub fn form(&self) -> DemandForm {
        DemandForm {
            title: self.title.clone(),
            description: self.description.clone(),
            chain: self.chain.clone(),
            field: self.field.clone(),
            keywords: self.keywords.clone(),
            budget_min: self.budget_min.clone(),
            budget_max: self.budget_max.clone(),
            trl: self.trl.clone(),
            deadline: self.deadline.clone(),
            ip_preference: self.ip_preference.clone(),
            confidential_detail: self.confidential_detail.clone(),
        }
    }
}

#[server(prefix = "/api/fn", endpoint = "my_demands")]
pub async fn my_demands() -> Result<Vec<DemandSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_demands(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "review_queue")]
pub async fn review_queue() -> Result<Vec<DemandSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::review_queue(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}
