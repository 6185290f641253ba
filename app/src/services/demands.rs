//! Technical demands (技术需求): the form, the lifecycle, detail, lists and expiry.
use super::*;
use crate::domain::demand::DemandLifecycle;
use crate::domain::demand::{self, DemandAction, DemandStatus};
use crate::domain::money::Fen;
use crate::error::AppError;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use crate::records::{self, demand::DemandContent};
use chrono::{DateTime, Utc};
use uuid::Uuid;

impl lifecycle::Reviewed for DemandLifecycle {
    const OFFERED: &'static [DemandAction] = &[
        DemandAction::Submit,
        DemandAction::Reopen,
        DemandAction::Withdraw,
        DemandAction::Approve,
        DemandAction::Reject,
        DemandAction::Close,
    ];
    const EDIT: Action = Action::EditDemand;
    const VIEW_HISTORY: Action = Action::ViewDemand;
    fn allowed_by(action: DemandAction) -> &'static [Action] {
        match action {
            DemandAction::Submit | DemandAction::Reopen => &[Action::SubmitDemand],
            DemandAction::Withdraw => &[Action::WithdrawDemand],
            // The owner or an official may close a live demand.
            DemandAction::Close => &[Action::WithdrawDemand, Action::ReviewDemand],
            _ => &[Action::ReviewDemand],
        }
    }
    fn page(id: Uuid) -> String {
        format!("/demands/{id}")
    }
}

/// The demand form through the one demand parser, against the current reference data.
async fn parse_demand_form(
    state: &AppState,
    f: &DemandForm,
    now: DateTime<Utc>,
) -> Result<DemandContent, AppError> {
    let refs = super::ref_data(state).await?;
    records::demand::parse(f, &*refs, now)
}

/// A demand record holding `c`, new at `now` in `status`: a draft from the form; the import
/// and the seeds may bring submitted or published ones.
pub fn new_demand_record(
    c: &DemandContent,
    id: Uuid,
    org_id: Uuid,
    created_by: Uuid,
    status: DemandStatus,
    now: DateTime<Utc>,
) -> DemandRecord {
    DemandRecord {
        id,
        org_id,
        created_by,
        title: c.title.clone(),
        description: c.description.clone(),
        chain_code: c.chain_code.clone(),
        field: c.field.clone(),
        keywords: c.keywords.clone(),
        budget_min_fen: c.budget.min().fen(),
        budget_max_fen: c.budget.max().fen(),
        trl: c.trl.level(),
        deadline: c.deadline,
        ip_preference: c.ip,
        status,
        status_reason: None,
        created_at: now,
        updated_at: now,
        published_at: demand::is_public(status).then_some(now),
    }
}

/// Creates a draft (and submits it at once when `submit`).
/// The demand `id`, or "not found".
async fn load(state: &AppState, id: Uuid) -> Result<DemandRow, AppError> {
    state
        .store
        .get_demand(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

#[tracing::instrument(skip_all)]
pub async fn create_demand(
    state: &AppState,
    actor: &Actor,
    form: &DemandForm,
    submit: bool,
) -> Result<Uuid, AppError> {
    authorize(Some(actor), Action::CreateDemand, Target::NONE)?;
    let org_id = actor.acting_org().ok_or(AppError::Forbidden)?;
    let now = state.clock.now();
    let p = parse_demand_form(state, form, now).await?;
    let id = Uuid::new_v4();
    let rec = new_demand_record(&p, id, org_id, actor.user_id, DemandStatus::Draft, now);
    let mut ev = audit(Some(actor.user_id), "demand", id, "create", now);
    ev.to_state = Some(DemandStatus::Draft.as_str().into());
    state
        .store
        .insert_demand(&rec, &p.confidential, &ev)
        .await
        .map_err(internal)?;
    if submit {
        demand_action(state, actor, id, DemandAction::Submit, None).await?;
    }
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn update_demand(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &DemandForm,
    submit: bool,
) -> Result<(), AppError> {
    let row = load(state, id).await?;
    let target = Target::owned_by(row.demand.org_id, demand::is_public(row.demand.status));
    authorize(Some(actor), Action::EditDemand, target)?;
    lifecycle::ensure_editable::<DemandLifecycle>(row.demand.status)?;
    let now = state.clock.now();
    let p = parse_demand_form(state, form, now).await?;
    let old = row.demand;
    let rec = DemandRecord {
        status_reason: old.status_reason,
        created_at: old.created_at,
        published_at: old.published_at,
        ..new_demand_record(&p, old.id, old.org_id, old.created_by, old.status, now)
    };
    let ev = audit(Some(actor.user_id), "demand", id, "edit", now);
    lifecycle::written::<DemandLifecycle>(
        state
            .store
            .update_demand_draft(&rec, &p.confidential, &ev)
            .await,
    )?;
    if submit {
        demand_action(state, actor, id, DemandAction::Submit, None).await?;
    }
    Ok(())
}

/// Applies a state-machine action to a demand on behalf of `actor`.
#[tracing::instrument(skip_all)]
pub async fn demand_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: DemandAction,
    reason: Option<&str>,
) -> Result<DemandStatus, AppError> {
    let row = load(state, id).await?;
    let d = &row.demand;
    let target = Target::owned_by(d.org_id, demand::is_public(d.status));
    lifecycle::authorize_action::<DemandLifecycle>(Some(actor), target, action)?;
    // Submitting re-checks the deadline: a draft written long ago may have gone stale.
    let deadline = d.deadline;
    lifecycle::apply::<DemandLifecycle>(
        state,
        Some(actor.user_id),
        id,
        d.status,
        action,
        reason,
        |_, now| {
            if action == DemandAction::Submit && deadline <= now {
                return Err(AppError::field(
                    "deadline",
                    "截止日期已过，请修改后再提交",
                    "The deadline has passed; edit it before submitting",
                ));
            }
            Ok(())
        },
    )
    .await
}

pub fn summary_of(row: &DemandRow) -> DemandSummary {
    let d = &row.demand;
    let summary: String = d.description.chars().take(140).collect();
    DemandSummary {
        id: d.id,
        title: d.title.clone(),
        summary,
        org_id: d.org_id,
        org_name: row.org_name.clone(),
        chain_code: d.chain_code.clone(),
        district_code: row.district_code.clone(),
        budget_min_fen: d.budget_min_fen,
        budget_max_fen: d.budget_max_fen,
        trl: d.trl,
        deadline: d.deadline,
        status: d.status,
        published_at: d.published_at,
        updated_at: d.updated_at,
    }
}

#[tracing::instrument(skip_all)]
pub async fn demand_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<DemandDetail, AppError> {
    let row = load(state, id).await?;
    let d = &row.demand;
    let target = Target::owned_by(d.org_id, demand::is_public(d.status));
    // Someone who may not see an unpublished demand is told it does not exist.
    authorize(actor, Action::ViewPublicDemand, target).map_err(|_| AppError::NotFound)?;
    let perms = lifecycle::permissions::<DemandLifecycle>(actor, target, d.status);
    // Read only once the policy allows it.
    let confidential_detail = if authorize(actor, Action::ViewConfidential, target).is_ok() {
        state
            .store
            .demand_confidential(id)
            .await
            .map_err(internal)?
    } else {
        None
    };
    let history = if perms.see_history {
        history_of(state, "demand", id).await?
    } else {
        vec![]
    };
    Ok(DemandDetail {
        summary: summary_of(&row),
        description: d.description.clone(),
        field: d.field.clone(),
        keywords: d.keywords.clone(),
        ip_preference: d.ip_preference,
        confidential_detail,
        status_reason: if perms.see_history {
            d.status_reason.clone()
        } else {
            None
        },
        org_id: d.org_id,
        permissions: perms,
        contracts: super::contracts::linked_contracts(state, actor, ContractLink::Demand, id)
            .await?,
        history,
    })
}

/// The form as stored, for the edit page (owner only).
#[tracing::instrument(skip_all)]
pub async fn demand_form(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<DemandForm, AppError> {
    let row = load(state, id).await?;
    let d = row.demand;
    authorize(
        Some(actor),
        Action::EditDemand,
        Target::owned_by(d.org_id, demand::is_public(d.status)),
    )?;
    Ok(DemandForm {
        title: d.title,
        description: d.description,
        chain: d.chain_code,
        field: d.field,
        keywords: d.keywords.join("，"),
        budget_min: Fen(d.budget_min_fen).format_wan(),
        budget_max: Fen(d.budget_max_fen).format_wan(),
        trl: d.trl.to_string(),
        deadline: crate::domain::time::format_date(d.deadline),
        ip_preference: d.ip_preference.as_str().into(),
        confidential_detail: state
            .store
            .demand_confidential(id)
            .await
            .map_err(internal)?
            .unwrap_or_default(),
    })
}

/// Published demands for everyone: only the public fields exist in the result.
#[tracing::instrument(skip_all)]
pub async fn public_demands(
    state: &AppState,
    page: Option<u32>,
    per_page: Option<u32>,
    chain: Option<String>,
    district: Option<String>,
) -> Result<Page<DemandSummary>, AppError> {
    let (page, per_page) = clamp_page(page, per_page);
    let q = DemandQuery {
        statuses: DemandStatus::ALL
            .iter()
            .copied()
            .filter(|s| demand::is_public(*s))
            .collect(),
        org_id: None,
        chain_prefix: chain.filter(|c| !c.is_empty()),
        district: district.filter(|d| !d.is_empty()),
        limit: per_page as i64,
        offset: ((page - 1) as i64) * per_page as i64,
    };
    let (rows, total) = state.store.list_demands(&q).await.map_err(internal)?;
    Ok(Page {
        items: rows.iter().map(summary_of).collect(),
        total,
        page,
        per_page,
    })
}

#[tracing::instrument(skip_all)]
pub async fn my_demands(state: &AppState, actor: &Actor) -> Result<Vec<DemandSummary>, AppError> {
    let org = actor.acting_org().ok_or(AppError::Forbidden)?;
    authorize(
        Some(actor),
        Action::ViewDemand,
        Target::owned_by(org, false),
    )?;
    let q = DemandQuery {
        org_id: Some(org),
        limit: 500,
        ..Default::default()
    };
    summaries(state, &q).await
}

async fn summaries(state: &AppState, q: &DemandQuery) -> Result<Vec<DemandSummary>, AppError> {
    let (rows, _) = state.store.list_demands(q).await.map_err(internal)?;
    Ok(rows.iter().map(summary_of).collect())
}

#[tracing::instrument(skip_all)]
pub async fn review_queue(state: &AppState, actor: &Actor) -> Result<Vec<DemandSummary>, AppError> {
    authorize(Some(actor), Action::ViewReviewQueue, Target::NONE)?;
    let q = DemandQuery {
        statuses: vec![DemandStatus::Submitted],
        limit: 500,
        ..Default::default()
    };
    summaries(state, &q).await
}

/// Marks published demands whose deadline has passed as expired (run periodically by the
/// server; the transition queues their removal from search). Returns how many expired.
#[tracing::instrument(skip_all)]
pub async fn expire_demands(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let q = DemandQuery {
        statuses: vec![DemandStatus::Published],
        limit: 1000,
        ..Default::default()
    };
    let (rows, _) = state.store.list_demands(&q).await.map_err(internal)?;
    let mut n = 0;
    for r in rows.iter().filter(|r| r.demand.deadline <= now) {
        match lifecycle::apply::<DemandLifecycle>(
            state,
            None,
            r.demand.id,
            r.demand.status,
            DemandAction::Expire,
            Some("deadline passed"),
            |_, _| Ok(()),
        )
        .await
        {
            Ok(_) => n += 1,
            // Closed or changed meanwhile: nothing to expire.
            Err(AppError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
