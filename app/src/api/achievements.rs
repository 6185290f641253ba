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
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let transfer_modes = [
            (mode_transfer, "transfer"),
            (mode_license, "license"),
            (mode_equity, "equity"),
            (mode_joint_development, "joint_development"),
        ]
        .into_iter()
        .filter_map(|(v, m)| v.map(|_| m.to_string()))
        .collect();
        let form = AchievementForm {
            title,
            summary,
            chain,
            field,
            keywords,
            trl,
            patents,
            transfer_modes,
            price,
            negotiable: negotiable.is_some(),
        };
        let submit = intent.as_deref() == Some("submit");
        let id = match id.filter(|i| !i.is_empty()) {
            Some(id) => {
                let id = parse_id(&id)?;
                crate::services::update_achievement(&s, &actor, id, &form, submit).await?;
                id
            }
            None => crate::services::create_achievement(&s, &actor, &form, submit).await?,
        };
        leptos_axum::redirect(&format!("/achievements/{id}"));
        Ok(id.to_string())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "achievement_action")]
pub async fn achievement_action(
    id: String,
    action: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::achievement::AchievementAction;
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let action = AchievementAction::parse(&action).ok_or(AppError::NotFound)?;
        let id = parse_id(&id)?;
        crate::services::achievement_action(&s, &actor, id, action, reason.as_deref()).await?;
        leptos_axum::redirect(&format!("/achievements/{id}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
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
