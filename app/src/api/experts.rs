//! Server functions: The expert pool.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "experts")]
pub async fn list_experts(page: Option<u32>) -> Result<Page<ExpertView>, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::list_experts(&s, ctx::actor().as_ref(), page, Some(20)).await)
}

#[server(prefix = "/api/fn", endpoint = "expert")]
pub async fn get_expert(id: String) -> Result<ExpertView, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::expert_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_expert_profile")]
pub async fn my_expert_profile() -> Result<Option<ExpertForm>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_expert_profile(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_expert_profile")]
pub async fn save_expert_profile(
    pro_title: String,
    fields: String,
    keywords: String,
    bio: String,
    accepts_review: Option<String>,
    is_public: Option<String>,
) -> Result<(), AppError> {
    let args = SaveExpertProfile {
        pro_title,
        fields,
        keywords,
        bio,
        accepts_review,
        is_public,
    };
    let r = async {
        let s = ctx::state()?;
        let form = args.form();
        crate::services::save_expert_profile(&s, &ctx::require_actor()?, &form).await?;
        leptos_axum::redirect("/experts?saved=1");
        Ok(())
    }
    .await;
    ctx::finish(r)
}

impl SaveExpertProfile {
    /// The profile form as posted (also what a failed post without JavaScript shows again).
    pub fn form(&self) -> ExpertForm {
        ExpertForm {
            title: self.pro_title.clone(),
            fields: self.fields.clone(),
            keywords: self.keywords.clone(),
            bio: self.bio.clone(),
            accepts_review: self.accepts_review.is_some(),
            is_public: self.is_public.is_some(),
        }
    }
}
