//! The expert pool (专家库): profiles, their pages and the directory.
use super::*;

use crate::error::AppError;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use uuid::Uuid;

/// One expert's profile: public if the expert published it, otherwise officials only (anyone
/// else gets "not found", so private profiles do not reveal that they exist).
#[tracing::instrument(skip_all)]
pub async fn expert_detail(
    state: &AppState,
    actor: Option<&Actor>,
    user_id: Uuid,
) -> Result<ExpertView, AppError> {
    let e = state
        .store
        .get_expert(user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let target = Target {
        owner_org: None,
        is_public: e.profile.is_public,
    };
    authorize(actor, Action::ViewExpertProfile, target).map_err(|_| AppError::NotFound)?;
    let full = authorize(actor, Action::ViewExpertPool, Target::NONE).is_ok();
    Ok(expert_view(e, full))
}

pub(crate) fn expert_view(e: ExpertRow, full: bool) -> ExpertView {
    ExpertView {
        user_id: e.profile.user_id,
        name: e.name,
        title: e.profile.title,
        org_id: e.org_id,
        org_name: e.org_name,
        fields: e.profile.fields,
        keywords: e.profile.keywords,
        bio: e.profile.bio,
        accepts_review: full.then_some(e.profile.accepts_review),
        is_public: full.then_some(e.profile.is_public),
    }
}

/// The profile of `user_id` holding `c`, as of `now` (the form, the import and the seeds).
pub fn expert_record(
    c: &crate::records::expert::ExpertContent,
    user_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> ExpertRecord {
    ExpertRecord {
        user_id,
        title: c.title.clone(),
        fields: c.fields.clone(),
        keywords: c.keywords.clone(),
        bio: c.bio.clone(),
        accepts_review: c.accepts_review,
        is_public: c.is_public,
        updated_at: now,
    }
}

#[tracing::instrument(skip_all)]
pub async fn save_expert_profile(
    state: &AppState,
    actor: &Actor,
    f: &ExpertForm,
) -> Result<(), AppError> {
    authorize(Some(actor), Action::EditExpertProfile, Target::NONE)?;
    let c = crate::records::expert::parse(f)?;
    let now = state.clock.now();
    let rec = expert_record(&c, actor.user_id, now);
    let mut ev = audit(
        Some(actor.user_id),
        "expert",
        actor.user_id,
        "save_profile",
        now,
    );
    ev.to_state = Some(if c.is_public { "public" } else { "private" }.into());
    state.store.upsert_expert(&rec, &ev).await.map_err(internal)
}

#[tracing::instrument(skip_all)]
pub async fn my_expert_profile(
    state: &AppState,
    actor: &Actor,
) -> Result<Option<ExpertForm>, AppError> {
    authorize(Some(actor), Action::EditExpertProfile, Target::NONE)?;
    Ok(state
        .store
        .get_expert(actor.user_id)
        .await
        .map_err(internal)?
        .map(|e| ExpertForm {
            title: e.profile.title,
            fields: e.profile.fields.join("，"),
            keywords: e.profile.keywords.join("，"),
            bio: e.profile.bio,
            accepts_review: e.profile.accepts_review,
            is_public: e.profile.is_public,
        }))
}

/// The public directory for everyone; the whole pool (private profiles and review
/// availability included) for officials.
#[tracing::instrument(skip_all)]
pub async fn list_experts(
    state: &AppState,
    actor: Option<&Actor>,
    page: Option<u32>,
    per_page: Option<u32>,
) -> Result<Page<ExpertView>, AppError> {
    let full = authorize(actor, Action::ViewExpertPool, Target::NONE).is_ok();
    let (page, per_page) = clamp_page(page, per_page);
    let (rows, total) = state
        .store
        .list_experts(
            !full,
            None,
            per_page as i64,
            ((page - 1) as i64) * per_page as i64,
        )
        .await
        .map_err(internal)?;
    Ok(Page {
        items: rows.into_iter().map(|e| expert_view(e, full)).collect(),
        total,
        page,
        per_page,
    })
}
