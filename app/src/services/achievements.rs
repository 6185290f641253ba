//! Technology achievements (科技成果): the form, the lifecycle, detail and lists.
use super::*;
use crate::domain::achievement::{self as ach, AchievementAction, AchievementStatus};
use crate::domain::money::Fen;
use crate::error::AppError;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use crate::records::{self, achievement::AchievementContent};
use uuid::Uuid;

impl lifecycle::Reviewed for ach::AchievementLifecycle {
    const OFFERED: &'static [AchievementAction] = &[
        AchievementAction::Submit,
        AchievementAction::Reopen,
        AchievementAction::MarkTransferred,
        AchievementAction::Approve,
        AchievementAction::Reject,
        AchievementAction::Withdraw,
    ];
    const EDIT: Action = Action::EditAchievement;
    const VIEW_HISTORY: Action = Action::ViewAchievement;
    fn allowed_by(action: AchievementAction) -> &'static [Action] {
        match action {
            AchievementAction::Approve | AchievementAction::Reject => &[Action::ReviewAchievement],
            _ => &[Action::EditAchievement],
        }
    }
    fn page(id: Uuid) -> String {
        format!("/achievements/{id}")
    }
}

/// The achievement form through the one achievement parser, against the current reference data.
async fn parse_achievement_form(
    state: &AppState,
    f: &AchievementForm,
) -> Result<AchievementContent, AppError> {
    let refs = super::ref_data(state).await?;
    records::achievement::parse(f, &*refs)
}

/// An achievement record holding `c`, new at `now` in `status`: a draft from the form; the
/// import and the seeds may bring submitted or published ones.
pub fn new_achievement_record(
    c: &AchievementContent,
    id: Uuid,
    org_id: Uuid,
    created_by: Uuid,
    status: AchievementStatus,
    now: chrono::DateTime<chrono::Utc>,
) -> AchievementRecord {
    AchievementRecord {
        id,
        org_id,
        created_by,
        title: c.title.clone(),
        summary: c.summary.clone(),
        chain_code: c.chain_code.clone(),
        field: c.field.clone(),
        keywords: c.keywords.clone(),
        trl: c.trl.level(),
        patents: c.patents.clone(),
        transfer_modes: c.transfer_modes.clone(),
        price_fen: c.price_fen,
        status,
        status_reason: None,
        created_at: now,
        updated_at: now,
        published_at: ach::is_public(status).then_some(now),
    }
}

/// The achievement `id`, or "not found".
async fn load(state: &AppState, id: Uuid) -> Result<AchievementRow, AppError> {
    state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

#[tracing::instrument(skip_all)]
pub async fn create_achievement(
    state: &AppState,
    actor: &Actor,
    form: &AchievementForm,
    submit: bool,
) -> Result<Uuid, AppError> {
    authorize(Some(actor), Action::CreateAchievement, Target::NONE)?;
    let org_id = actor.acting_org().ok_or(AppError::Forbidden)?;
    let now = state.clock.now();
    let p = parse_achievement_form(state, form).await?;
    let id = Uuid::new_v4();
    let rec = new_achievement_record(&p, id, org_id, actor.user_id, AchievementStatus::Draft, now);
    let mut ev = audit(Some(actor.user_id), "achievement", id, "create", now);
    ev.to_state = Some(AchievementStatus::Draft.as_str().into());
    state
        .store
        .insert_achievement(&rec, &ev)
        .await
        .map_err(internal)?;
    if submit {
        achievement_action(state, actor, id, AchievementAction::Submit, None).await?;
    }
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn update_achievement(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &AchievementForm,
    submit: bool,
) -> Result<(), AppError> {
    let row = load(state, id).await?;
    authorize(
        Some(actor),
        Action::EditAchievement,
        Target::owned_by(
            row.achievement.org_id,
            ach::is_public(row.achievement.status),
        ),
    )?;
    lifecycle::ensure_editable::<ach::AchievementLifecycle>(row.achievement.status)?;
    let now = state.clock.now();
    let p = parse_achievement_form(state, form).await?;
    let old = row.achievement;
    let rec = AchievementRecord {
        status_reason: old.status_reason,
        created_at: old.created_at,
        published_at: old.published_at,
        ..new_achievement_record(&p, old.id, old.org_id, old.created_by, old.status, now)
    };
    let ev = audit(Some(actor.user_id), "achievement", id, "edit", now);
    lifecycle::written::<ach::AchievementLifecycle>(
        state.store.update_achievement_draft(&rec, &ev).await,
    )?;
    if submit {
        achievement_action(state, actor, id, AchievementAction::Submit, None).await?;
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn achievement_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: AchievementAction,
    reason: Option<&str>,
) -> Result<AchievementStatus, AppError> {
    let row = load(state, id).await?;
    let a = &row.achievement;
    let target = Target::owned_by(a.org_id, ach::is_public(a.status));
    lifecycle::authorize_action::<ach::AchievementLifecycle>(Some(actor), target, action)?;
    lifecycle::apply::<ach::AchievementLifecycle>(
        state,
        Some(actor.user_id),
        id,
        a.status,
        action,
        reason,
        |_, _| Ok(()),
    )
    .await
}

pub(crate) fn achievement_summary(row: &AchievementRow) -> AchievementSummary {
    let a = &row.achievement;
    AchievementSummary {
        id: a.id,
        title: a.title.clone(),
        summary: a.summary.chars().take(140).collect(),
        org_id: a.org_id,
        org_name: row.org_name.clone(),
        chain_code: a.chain_code.clone(),
        trl: a.trl,
        transfer_modes: a.transfer_modes.clone(),
        price_fen: a.price_fen,
        status: a.status,
        published_at: a.published_at,
        updated_at: a.updated_at,
    }
}

#[tracing::instrument(skip_all)]
pub async fn achievement_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<AchievementDetail, AppError> {
    let row = load(state, id).await?;
    let a = &row.achievement;
    let target = Target::owned_by(a.org_id, ach::is_public(a.status));
    if !target.is_public {
        authorize(actor, Action::ViewAchievement, target).map_err(|_| AppError::NotFound)?;
    }
    let permissions = lifecycle::permissions::<ach::AchievementLifecycle>(actor, target, a.status);
    let see_history = permissions.see_history;
    let history = if see_history {
        history_of(state, "achievement", id).await?
    } else {
        vec![]
    };
    Ok(AchievementDetail {
        summary: achievement_summary(&row),
        full_summary: a.summary.clone(),
        field: a.field.clone(),
        keywords: a.keywords.clone(),
        patents: a.patents.clone(),
        district_code: row.district_code.clone(),
        status_reason: if see_history {
            a.status_reason.clone()
        } else {
            None
        },
        permissions,
        contracts: super::contracts::linked_contracts(state, actor, ContractLink::Achievement, id)
            .await?,
        history,
    })
}

#[tracing::instrument(skip_all)]
pub async fn achievement_form(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<AchievementForm, AppError> {
    let row = load(state, id).await?;
    let a = row.achievement;
    authorize(
        Some(actor),
        Action::EditAchievement,
        Target::owned_by(a.org_id, ach::is_public(a.status)),
    )?;
    Ok(AchievementForm {
        title: a.title,
        summary: a.summary,
        chain: a.chain_code,
        field: a.field,
        keywords: a.keywords.join("，"),
        trl: a.trl.to_string(),
        patents: a.patents.join("\n"),
        transfer_modes: a
            .transfer_modes
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
        price: a.price_fen.map(|p| Fen(p).format_wan()).unwrap_or_default(),
        negotiable: a.price_fen.is_none(),
    })
}

#[tracing::instrument(skip_all)]
pub async fn public_achievements(
    state: &AppState,
    page: Option<u32>,
    per_page: Option<u32>,
) -> Result<Page<AchievementSummary>, AppError> {
    let (page, per_page) = clamp_page(page, per_page);
    let q = AchievementQuery {
        statuses: AchievementStatus::ALL
            .iter()
            .copied()
            .filter(|s| ach::is_public(*s))
            .collect(),
        org_id: None,
        limit: per_page as i64,
        offset: ((page - 1) as i64) * per_page as i64,
    };
    let (rows, total) = state.store.list_achievements(&q).await.map_err(internal)?;
    Ok(Page {
        items: rows.iter().map(achievement_summary).collect(),
        total,
        page,
        per_page,
    })
}

#[tracing::instrument(skip_all)]
pub async fn my_achievements(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<AchievementSummary>, AppError> {
    let org = actor.acting_org().ok_or(AppError::Forbidden)?;
    authorize(
        Some(actor),
        Action::ViewAchievement,
        Target::owned_by(org, false),
    )?;
    let q = AchievementQuery {
        org_id: Some(org),
        limit: 500,
        ..Default::default()
    };
    summaries(state, &q).await
}

async fn summaries(
    state: &AppState,
    q: &AchievementQuery,
) -> Result<Vec<AchievementSummary>, AppError> {
    let (rows, _) = state.store.list_achievements(q).await.map_err(internal)?;
    Ok(rows.iter().map(achievement_summary).collect())
}

#[tracing::instrument(skip_all)]
pub async fn achievement_review_queue(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<AchievementSummary>, AppError> {
    authorize(Some(actor), Action::ReviewAchievement, Target::NONE)?;
    let q = AchievementQuery {
        statuses: vec![AchievementStatus::Submitted],
        limit: 500,
        ..Default::default()
    };
    summaries(state, &q).await
}
