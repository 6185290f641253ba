//! Technology achievements (科技成果): the form, the lifecycle, detail and lists.
use super::*;
use crate::domain::achievement::{self as ach, AchievementAction, AchievementStatus, TransferMode};
use crate::domain::demand::Trl;
use crate::domain::money::Fen;
use crate::domain::text::{clean_text, parse_keywords};
use crate::error::{AppError, Errors};
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
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

pub(crate) struct ParsedAchievement {
    title: String,
    summary: String,
    chain: String,
    field: String,
    keywords: Vec<String>,
    trl: u8,
    patents: Vec<String>,
    modes: Vec<TransferMode>,
    price_fen: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub(crate) async fn parse_achievement_form(
    state: &AppState,
    f: &AchievementForm,
) -> Result<ParsedAchievement, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("title", clean_text(&f.title, 4, 100));
    let summary = errs.take("summary", clean_text(&f.summary, 20, 5000));
    let field = errs.take("field", clean_text(&f.field, 2, 50));
    let keywords = errs.take("keywords", parse_keywords(&f.keywords));
    let chains = state.store.list_chains().await.map_err(internal)?;
    if !chains.iter().any(|c| c.code == f.chain) {
        errs.push(
            "chain",
            "请从列表中选择产业链",
            "Choose an industry chain from the list",
        );
    }
    let trl = match f.trl.trim().parse::<u8>() {
        Ok(n) => errs.take("trl", Trl::new(n)).map(|t| t.level()),
        Err(_) => {
            errs.push(
                "trl",
                "请选择 1–9 的技术成熟度",
                "Choose a readiness level from 1 to 9",
            );
            None
        }
    };
    let mut patents = Vec::new();
    for raw in f
        .patents
        .split([',', '，', ';', '；', '\n', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match ach::parse_patent(raw) {
            Some(p) if !patents.contains(&p) => patents.push(p),
            Some(_) => {}
            None => errs.push(
                "patents",
                format!(
                    "专利号“{}”格式不正确，应如 CN112345678B 或 ZL202010123456.7",
                    raw.chars().take(30).collect::<String>()
                ),
                format!(
                    "Patent number “{}” is not valid; write e.g. CN112345678B or ZL202010123456.7",
                    raw.chars().take(30).collect::<String>()
                ),
            ),
        }
    }
    if patents.len() > 50 {
        errs.push(
            "patents",
            "最多填写 50 个专利号",
            "At most 50 patent numbers",
        );
    }
    let mut modes = Vec::new();
    for m in &f.transfer_modes {
        match TransferMode::parse(m) {
            Some(t) if !modes.contains(&t) => modes.push(t),
            Some(_) => {}
            None => errs.push("transfer_modes", "未知的转化方式", "Unknown transfer mode"),
        }
    }
    if modes.is_empty() && f.transfer_modes.is_empty() {
        errs.push(
            "transfer_modes",
            "请至少选择一种转化方式",
            "Choose at least one transfer mode",
        );
    }
    let price_fen = if f.negotiable {
        Some(None)
    } else {
        errs.take("price", Fen::parse_wan(&f.price))
            .map(|p| Some(p.fen()))
    };
    errs.finish()?;
    match (title, summary, field, keywords, trl, price_fen) {
        (Some(title), Some(summary), Some(field), Some(keywords), Some(trl), Some(price_fen)) => {
            Ok(ParsedAchievement {
                title,
                summary,
                chain: f.chain.clone(),
                field,
                keywords,
                trl,
                patents,
                modes,
                price_fen,
            })
        }
        _ => Err(AppError::Internal),
    }
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
    let rec = AchievementRecord {
        id,
        org_id,
        created_by: actor.user_id,
        title: p.title,
        summary: p.summary,
        chain_code: p.chain,
        field: p.field,
        keywords: p.keywords,
        trl: p.trl,
        patents: p.patents,
        transfer_modes: p.modes,
        price_fen: p.price_fen,
        status: AchievementStatus::Draft,
        status_reason: None,
        created_at: now,
        updated_at: now,
        published_at: None,
    };
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
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
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
    let rec = AchievementRecord {
        title: p.title,
        summary: p.summary,
        chain_code: p.chain,
        field: p.field,
        keywords: p.keywords,
        trl: p.trl,
        patents: p.patents,
        transfer_modes: p.modes,
        price_fen: p.price_fen,
        updated_at: now,
        ..row.achievement
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
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
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
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
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
        history,
    })
}

#[tracing::instrument(skip_all)]
pub async fn achievement_form(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<AchievementForm, AppError> {
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
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
    Ok(state
        .store
        .list_achievements(&q)
        .await
        .map_err(internal)?
        .0
        .iter()
        .map(achievement_summary)
        .collect())
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
    Ok(state
        .store
        .list_achievements(&q)
        .await
        .map_err(internal)?
        .0
        .iter()
        .map(achievement_summary)
        .collect())
}
