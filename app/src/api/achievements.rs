//! Server functions: Technology achievements.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "achievements")]
pub async fn public_achievements(page: Option<u32>) -> Result<Page<AchievementSummary>, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::public_achievements(&s, page, Some(10)).await)
}

#[server(prefix = "/api/fn", endpoint = "achievement")]
pub async fn get_achievement(id: String) -> Result<AchievementDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::achievement_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "achievement_form")]
pub async fn get_achievement_form(id: String) -> Result<AchievementForm, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::achievement_form(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_achievement")]
pub async fn save_achievement(
    id: Option<String>,
    intent: Option<String>,
    title: String,
    summary: String,
    chain: String,
    field: String,
    keywords: String,
    trl: String,
    patents: String,
    mode_transfer: Option<String>,
    mode_license: Option<String>,
    mode_equity: Option<String>,
    mode_joint_development: Option<String>,
    price: String,
    negotiable: Option<String>,
) -> Result<String, AppError> {
    let args = SaveAchievement {
        id,
        intent,
        title,
        summary,
        chain,
        field,
        keywords,
        trl,
        patents,
        mode_transfer,
        mode_license,
        mode_equity,
        mode_joint_development,
        price,
        negotiable,
    };
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let form = args.form();
        let (id, intent) = (args.id, args.intent);
        let submit = intent.as_deref() == Some("submit");
        save_record(
            id,
            |id| crate::services::update_achievement(&s, &actor, id, &form, submit),
            crate::services::create_achievement(&s, &actor, &form, submit),
            |id| format!("/achievements/{id}"),
        )
        .await
    }
    .await;
    ctx::finish(r)
}

impl SaveAchievement {
    /// The achievement form as posted (also what a failed post without JavaScript shows again):
    /// one checkbox per transfer mode.
    pub fn form(&self) -> AchievementForm {
        let transfer_modes = [
            (&self.mode_transfer, "transfer"),
            (&self.mode_license, "license"),
            (&self.mode_equity, "equity"),
            (&self.mode_joint_development, "joint_development"),
        ]
        .into_iter()
        .filter_map(|(v, m)| v.as_ref().map(|_| m.to_string()))
        .collect();
        AchievementForm {
            title: self.title.clone(),
            summary: self.summary.clone(),
            chain: self.chain.clone(),
            field: self.field.clone(),
            keywords: self.keywords.clone(),
            trl: self.trl.clone(),
            patents: self.patents.clone(),
            transfer_modes,
            price: self.price.clone(),
            negotiable: self.negotiable.is_some(),
        }
    }
}

#[server(prefix = "/api/fn", endpoint = "my_achievements")]
pub async fn my_achievements() -> Result<Vec<AchievementSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_achievements(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "achievement_queue")]
pub async fn achievement_review_queue() -> Result<Vec<AchievementSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::achievement_review_queue(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}
