//! 揭榜挂帅 calls (榜单): building one from demands or from scratch, publishing it (发榜), the
//! public list and page, the clock closing the window, eligibility's end (review or 流榜) and
//! cancellation (撤榜). Bids are in `bids.rs`.
use super::*;
use crate::domain::call::{self, CallAction, CallLifecycle, CallStatus};
use crate::domain::demand::{DemandAction, DemandLifecycle};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Fen;
use crate::domain::DemandStatus;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use crate::records::{self, call::CallContent};

impl lifecycle::Reviewed for CallLifecycle {
    const OFFERED: &'static [CallAction] = &[
        CallAction::Publish,
        CallAction::StartReview,
        CallAction::MarkUnfilled,
        CallAction::Cancel,
    ];
    const EDIT: Action = Action::ManageCall;
    const VIEW_HISTORY: Action = Action::ManageCall;
    fn allowed_by(_: CallAction) -> &'static [Action] {
        &[Action::ManageCall]
    }
    fn page(id: Uuid) -> String {
        format!("/calls/{id}")
    }
}

pub(crate) fn call_target(status: CallStatus) -> Target {
    Target {
        owner_org: None,
        is_public: CallLifecycle::is_public(status),
    }
}

/// The call `id`, or "not found".
pub(crate) async fn load_call(state: &AppState, id: Uuid) -> Result<CallRow, AppError> {
    state
        .store
        .get_call(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

pub fn call_summary(row: &CallRow) -> CallSummary {
    let c = &row.call;
    CallSummary {
        id: c.id,
        title: c.title.clone(),
        status: c.status,
        chain_code: c.chain_code.clone(),
        district_code: c.district_code.clone(),
        city_fund_fen: c.city_fund_fen,
        enterprise_fund_fen: c.enterprise_fund_fen,
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        winners: c.winners,
        bids_submitted: row.bids_submitted,
        published_at: c.published_at,
        updated_at: c.updated_at,
    }
}

/// The call form through the one call parser, and its demands: each must be published (or, when
/// editing, already part of this call).
async fn parse_call_form(
    state: &AppState,
    f: &CallForm,
    editing: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(CallContent, Option<Uuid>), AppError> {
    let refs = super::ref_data(state).await?;
    let mut errs = crate::error::Errors::default();
    let content = errs.merge(records::call::parse(f, &*refs, now))?;
    let linked: Vec<Uuid> = match editing {
        Some(id) => state
            .store
            .call_demands(id)
            .await
            .map_err(internal)?
            .iter()
            .map(|d| d.id)
            .collect(),
        None => vec![],
    };
    let mut first_org = None;
    for id in content.iter().flat_map(|c| c.demand_ids.iter()) {
        let ok = match state.store.get_demand(*id).await.map_err(internal)? {
            Some(d) => {
                first_org = first_org.or(Some(d.demand.org_id));
                d.demand.status == DemandStatus::Published
                    || (linked.contains(id) && d.demand.status == DemandStatus::InCall)
            }
            None => false,
        };
        if !ok {
            errs.push(
                "demand_ids",
                "所选需求不存在或已不在发布状态",
                "A chosen demand does not exist or is no longer published",
            );
            break;
        }
    }
    errs.finish()?;
    let content = content.ok_or(AppError::Internal)?;
    let co_funder = if content.name_cofunder && content.enterprise_fund.fen() > 0 {
        first_org
    } else {
        None
    };
    Ok((content, co_funder))
}

/// A call record holding `c` in `status` with its reason, new at `now` (the seeds bring calls
/// in later stages).
pub fn call_record(
    c: &CallContent,
    id: Uuid,
    created_by: Uuid,
    co_funder: Option<Uuid>,
    status: CallStatus,
    status_reason: Option<String>,
    now: DateTime<Utc>,
) -> CallRecord {
    CallRecord {
        status_reason,
        ..new_call_record(c, id, created_by, co_funder, status, now)
    }
}

fn new_call_record(
    c: &CallContent,
    id: Uuid,
    created_by: Uuid,
    co_funder: Option<Uuid>,
    status: CallStatus,
    now: DateTime<Utc>,
) -> CallRecord {
    CallRecord {
        id,
        created_by,
        title: c.title.clone(),
        background: c.background.clone(),
        goal: c.goal.clone(),
        chain_code: c.chain_code.clone(),
        district_code: c.district_code.clone(),
        indicators: c.indicators.clone(),
        acceptance: c.acceptance.clone(),
        city_fund_fen: c.city_fund.fen(),
        enterprise_fund_fen: c.enterprise_fund.fen(),
        co_funder_org_id: co_funder,
        eligibility: c.eligibility.clone(),
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        criteria: c.criteria.clone(),
        score_scale: c.score_scale,
        winners: c.winners,
        duration_months: c.duration_months,
        milestones: c.milestones.clone(),
        status,
        status_reason: None,
        created_at: now,
        updated_at: now,
        published_at: CallLifecycle::publishes(status).then_some(now),
    }
}

/// A new call as a draft (published at once when `publish`). Officials only.
#[tracing::instrument(skip_all)]
pub async fn create_call(
    state: &AppState,
    actor: &Actor,
    form: &CallForm,
    publish: bool,
) -> Result<Uuid, AppError> {
    authorize(Some(actor), Action::ManageCall, Target::NONE)?;
    let now = state.clock.now();
    let (content, co_funder) = parse_call_form(state, form, None, now).await?;
    let id = Uuid::new_v4();
    let rec = new_call_record(
        &content,
        id,
        actor.user_id,
        co_funder,
        CallStatus::Draft,
        now,
    );
    let mut ev = audit(
        Some(actor.user_id),
        CallLifecycle::ENTITY,
        id,
        "create",
        now,
    );
    ev.to_state = Some(CallStatus::Draft.as_str().into());
    state
        .store
        .insert_call(&rec, &content.demand_ids, &ev)
        .await
        .map_err(internal)?;
    if publish {
        call_action(state, actor, id, CallAction::Publish, None).await?;
    }
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn update_call(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &CallForm,
    publish: bool,
) -> Result<(), AppError> {
    let row = load_call(state, id).await?;
    authorize(
        Some(actor),
        Action::ManageCall,
        call_target(row.call.status),
    )?;
    lifecycle::ensure_editable::<CallLifecycle>(row.call.status)?;
    let now = state.clock.now();
    let (content, co_funder) = parse_call_form(state, form, Some(id), now).await?;
    let old = row.call;
    let rec = CallRecord {
        created_at: old.created_at,
        ..new_call_record(&content, id, old.created_by, co_funder, old.status, now)
    };
    let ev = audit(Some(actor.user_id), CallLifecycle::ENTITY, id, "edit", now);
    lifecycle::written::<CallLifecycle>(
        state
            .store
            .update_call_draft(&rec, &content.demand_ids, &ev)
            .await,
    )?;
    if publish {
        call_action(state, actor, id, CallAction::Publish, None).await?;
    }
    Ok(())
}

/// How many bids of a call are in each screening state: (awaiting a decision, qualified).
async fn screening_counts(state: &AppState, id: Uuid) -> Result<(usize, usize), AppError> {
    use crate::domain::bid::BidStatus;
    let bids = state.store.bids_of_call(id).await.map_err(internal)?;
    let pending = bids
        .iter()
        .filter(|b| b.bid.status == BidStatus::Submitted)
        .count();
    let qualified = bids
        .iter()
        .filter(|b| b.bid.status == BidStatus::Qualified)
        .count();
    Ok((pending, qualified))
}

/// A lifecycle action on a call by an official.
#[tracing::instrument(skip_all)]
pub async fn call_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: CallAction,
    reason: Option<&str>,
) -> Result<CallStatus, AppError> {
    let row = load_call(state, id).await?;
    let c = &row.call;
    lifecycle::authorize_action::<CallLifecycle>(Some(actor), call_target(c.status), action)?;
    let (pending, qualified) =
        if matches!(action, CallAction::StartReview | CallAction::MarkUnfilled) {
            screening_counts(state, id).await?
        } else {
            (0, 0)
        };
    let (closes_at, winners) = (c.closes_at, c.winners as usize);
    let to = lifecycle::apply::<CallLifecycle>(
        state,
        Some(actor.user_id),
        id,
        c.status,
        action,
        reason,
        |_, now| match action {
            CallAction::Publish if closes_at <= now => Err(AppError::field(
                "closes_at",
                "揭榜截止时间已过，请修改后再发榜",
                "The bid window has already closed; change it before publishing",
            )),
            CallAction::CloseBidding if now < closes_at => Err(AppError::conflict(
                "揭榜截止时间未到，不能提前截止",
                "The window has not reached its closing time",
            )),
            CallAction::StartReview | CallAction::MarkUnfilled if pending > 0 => {
                Err(AppError::conflict(
                    format!("还有 {pending} 份揭榜申报未完成形式审查"),
                    format!("{pending} bid(s) still await the eligibility check"),
                ))
            }
            CallAction::StartReview if qualified < winners => Err(AppError::conflict(
                format!("通过形式审查的申报（{qualified} 份）少于中榜团队数（{winners}）"),
                format!(
                    "Fewer bids are eligible ({qualified}) than the call has winners ({winners})"
                ),
            )),
            CallAction::MarkUnfilled if qualified > 0 => Err(AppError::conflict(
                "已有通过形式审查的申报，不能流榜",
                "Some bids are eligible; the call cannot be declared unfilled",
            )),
            // These carry more than a reason: the award form, the end of the 公示, the answer
            // to an objection (reviews.rs).
            CallAction::OpenPublicity
            | CallAction::ConcludePublicity
            | CallAction::ReturnToReview => Err(AppError::conflict(
                "请在榜单页面的定榜与公示区域办理",
                "Use the award and notice section of the call's page",
            )),
            // The implementation carries tasks along (tasks.rs).
            CallAction::StartImplementation
            | CallAction::CloseAccepted
            | CallAction::CloseFailed
            | CallAction::Terminate => Err(AppError::conflict(
                "请在榜单页面的项目实施区域办理",
                "Use the implementation section of the call's page",
            )),
            _ => Ok(()),
        },
    )
    .await?;
    if action == CallAction::Publish {
        // The demands it was built from now show "in a call".
        for d in state.store.call_demands(id).await.map_err(internal)? {
            if let Some(dr) = state.store.get_demand(d.id).await.map_err(internal)? {
                if dr.demand.status == DemandStatus::Published {
                    match lifecycle::apply::<DemandLifecycle>(
                        state,
                        Some(actor.user_id),
                        d.id,
                        DemandStatus::Published,
                        DemandAction::MarkInCall,
                        None,
                        |_, _| Ok(()),
                    )
                    .await
                    {
                        Ok(_) | Err(AppError::Conflict { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    Ok(to)
}

/// Closes the window of `row` if its closing time has passed (the system acts; a concurrent
/// close by another server is fine). Returns the status the call is in now.
pub(crate) async fn close_if_due(state: &AppState, row: &CallRow) -> Result<CallStatus, AppError> {
    let c = &row.call;
    if c.status != CallStatus::Published || state.clock.now() < c.closes_at {
        return Ok(c.status);
    }
    match lifecycle::apply::<CallLifecycle>(
        state,
        None,
        c.id,
        c.status,
        CallAction::CloseBidding,
        None,
        |_, now| {
            if now < c.closes_at {
                Err(AppError::Internal)
            } else {
                Ok(())
            }
        },
    )
    .await
    {
        Ok(s) => Ok(s),
        // Another server closed it first.
        Err(AppError::Conflict { .. }) => Ok(load_call(state, c.id).await?.call.status),
        Err(e) => Err(e),
    }
}

/// Closes every call whose window has ended (the server runs this every few seconds, so the
/// window closes whether or not anyone is online; pages also close a due call when read).
#[tracing::instrument(skip_all)]
pub async fn close_due_calls(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let q = CallQuery {
        statuses: vec![CallStatus::Published],
        limit: 1000,
        ..Default::default()
    };
    let (rows, _) = state.store.list_calls(&q).await.map_err(internal)?;
    let mut n = 0;
    for r in rows.iter().filter(|r| r.call.closes_at <= now) {
        if close_if_due(state, r).await? != CallStatus::Published {
            n += 1;
        }
    }
    Ok(n)
}

/// Calls for everyone (published and later), or with `status` one stage; officials may also
/// list drafts.
#[tracing::instrument(skip_all)]
pub async fn list_calls(
    state: &AppState,
    actor: Option<&Actor>,
    page: Option<u32>,
    chain: Option<String>,
    district: Option<String>,
    status: Option<String>,
) -> Result<Page<CallSummary>, AppError> {
    let (page, per_page) = clamp_page(page, Some(10));
    let statuses = match status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            let st = CallStatus::parse(s)
                .ok_or_else(|| AppError::field("status", "状态不在列表中", "Unknown status"))?;
            if !CallLifecycle::is_public(st) {
                authorize(actor, Action::ManageCall, Target::NONE)?;
            }
            vec![st]
        }
        None => CallStatus::ALL
            .iter()
            .copied()
            .filter(|s| CallLifecycle::is_public(*s))
            .collect(),
    };
    let q = CallQuery {
        statuses,
        chain_prefix: chain.filter(|c| !c.is_empty()),
        district: district.filter(|d| !d.is_empty()),
        limit: per_page as i64,
        offset: ((page - 1) as i64) * per_page as i64,
    };
    let (rows, total) = state.store.list_calls(&q).await.map_err(internal)?;
    Ok(Page {
        items: rows.iter().map(call_summary).collect(),
        total,
        page,
        per_page,
    })
}

#[tracing::instrument(skip_all)]
pub async fn call_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<CallDetail, AppError> {
    let mut row = load_call(state, id).await?;
    let status = close_if_due(state, &row).await?;
    if status != row.call.status {
        row = load_call(state, id).await?;
    }
    let c = &row.call;
    let target = call_target(c.status);
    // A draft is for officials only; everyone else is told it does not exist.
    if !target.is_public {
        authorize(actor, Action::ManageCall, target).map_err(|_| AppError::NotFound)?;
    }
    let perms = lifecycle::permissions::<CallLifecycle>(actor, target, c.status);
    let now = state.clock.now();
    let mut summary = call_summary(&row);
    let (my_bid, may_bid) = match actor {
        Some(a) => {
            let mine = super::bids::team_bid_on(state, a, id).await?;
            let may = mine.is_none()
                && summary.window_open(now)
                && super::bids::eligible(state, a, c).await.is_ok();
            (mine, may)
        }
        None => (None, false),
    };
    let official = authorize(actor, Action::ManageCall, target).is_ok();
    let bids = if official && call::bids_opened(c.status) {
        Some(super::bids::bid_items(
            state.store.bids_of_call(id).await.map_err(internal)?,
        ))
    } else {
        None
    };
    let history = if perms.see_history {
        history_of(state, CallLifecycle::ENTITY, id).await?
    } else {
        vec![]
    };
    summary.bids_submitted = row.bids_submitted;
    let publicity = super::awards::publicity_view(state, actor, &row).await?;
    Ok(CallDetail {
        publicity,
        summary,
        background: c.background.clone(),
        goal: c.goal.clone(),
        indicators: c.indicators.clone(),
        acceptance: c.acceptance.clone(),
        eligibility: c.eligibility.clone(),
        criteria: c.criteria.clone(),
        score_scale: c.score_scale,
        duration_months: c.duration_months,
        milestones: c.milestones.clone(),
        demands: state.store.call_demands(id).await.map_err(internal)?,
        co_funder: c.co_funder_org_id.zip(row.co_funder_name.clone()),
        // Cancellation and 流榜 reasons are public.
        status_reason: c.status_reason.clone(),
        now,
        permissions: perms,
        my_bid,
        may_bid,
        bids,
        contracts: super::contracts::linked_contracts(state, actor, ContractLink::Call, id).await?,
        implementation: super::tasks::implementation_view(state, actor, &row).await?,
        history,
    })
}

/// The call as its form shows it, for editing a draft (officials).
#[tracing::instrument(skip_all)]
pub async fn call_form(state: &AppState, actor: &Actor, id: Uuid) -> Result<CallForm, AppError> {
    use crate::domain::time::format_local_input;
    let row = load_call(state, id).await?;
    authorize(
        Some(actor),
        Action::ManageCall,
        call_target(row.call.status),
    )?;
    let c = row.call;
    let lines = |v: Vec<String>| v.join("\n");
    Ok(CallForm {
        title: c.title,
        background: c.background,
        goal: c.goal,
        chain: c.chain_code,
        district: c.district_code,
        indicators: lines(
            c.indicators
                .iter()
                .map(|i| format!("{} | {} | {}", i.name, i.unit, i.target))
                .collect(),
        ),
        acceptance: c.acceptance,
        city_fund: Fen(c.city_fund_fen).format_wan(),
        enterprise_fund: Fen(c.enterprise_fund_fen).format_wan(),
        name_cofunder: c.co_funder_org_id.is_some(),
        org_types: c
            .eligibility
            .org_types
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        guangxi_only: c.eligibility.guangxi_only,
        consortium_allowed: c.eligibility.consortium_allowed,
        opens_at: format_local_input(c.opens_at),
        closes_at: format_local_input(c.closes_at),
        criteria: lines(
            c.criteria
                .iter()
                .map(|k| format!("{} | {}", k.name, k.weight))
                .collect(),
        ),
        score_scale: c.score_scale.to_string(),
        winners: c.winners.to_string(),
        duration_months: c.duration_months.to_string(),
        milestones: lines(
            c.milestones
                .iter()
                .map(|m| format!("{} | {} | {}", m.deliverable, m.due_months, m.share_pct))
                .collect(),
        ),
        demand_ids: state
            .store
            .call_demands(id)
            .await
            .map_err(internal)?
            .iter()
            .map(|d| d.id.to_string())
            .collect(),
    })
}

/// Published demands a call can be built from (officials).
#[tracing::instrument(skip_all)]
pub async fn call_demand_options(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<DemandSummary>, AppError> {
    authorize(Some(actor), Action::ManageCall, Target::NONE)?;
    let q = DemandQuery {
        statuses: vec![DemandStatus::Published, DemandStatus::InCall],
        limit: 500,
        ..Default::default()
    };
    let (rows, _) = state.store.list_demands(&q).await.map_err(internal)?;
    Ok(rows.iter().map(super::summary_of).collect())
}

/// The call's timeline from the audit log: its public steps (with their public reasons) and the
/// objections for everyone; for officials also drafts and edits, each bid's and each review's
/// steps, and who acted. Bid content and bidders never reach the public one.
#[tracing::instrument(skip_all)]
pub async fn call_timeline(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<Vec<TimelineEntry>, AppError> {
    use crate::domain::bid::BidAction;
    use crate::domain::lifecycle::labels_of;
    use crate::domain::review::ReviewAction;
    let row = load_call(state, id).await?;
    let target = call_target(row.call.status);
    let official = authorize(actor, Action::ManageCall, target).is_ok();
    if !target.is_public && !official {
        return Err(AppError::NotFound);
    }
    let mut out = vec![];
    for r in state
        .store
        .audit_for(CallLifecycle::ENTITY, &id.to_string())
        .await
        .map_err(internal)?
    {
        let e = r.event;
        let public = CallAction::parse(&e.action).is_some();
        if !public && !official {
            continue;
        }
        let (zh, en) = labels_of::<CallAction>(&e.action).unwrap_or(match e.action.as_str() {
            "create" => ("创建草稿", "Draft created"),
            "edit" => ("修改", "Edited"),
            "seed" => ("初始数据导入", "Loaded from seed data"),
            _ => ("办理", "Processed"),
        });
        // Public reasons: a cancellation, 流榜 and an upheld objection's answer; an award's
        // justification stays with officials.
        let public_reason = matches!(
            CallAction::parse(&e.action),
            Some(
                CallAction::Cancel
                    | CallAction::MarkUnfilled
                    | CallAction::ReturnToReview
                    | CallAction::Terminate
            )
        );
        out.push(TimelineEntry {
            at: e.at,
            label_zh: zh.into(),
            label_en: en.into(),
            detail: e.reason.filter(|_| public_reason || official),
            actor: if official { r.actor_name } else { None },
        });
    }
    for o in state.store.objections_of(id).await.map_err(internal)? {
        out.push(TimelineEntry {
            at: o.objection.created_at,
            label_zh: "收到实名异议".into(),
            label_en: "Signed objection received".into(),
            detail: None,
            actor: official.then(|| o.user_name.clone()),
        });
        if let (Some(at), Some(answer)) = (o.objection.answered_at, o.objection.answer.clone()) {
            let upheld = o.objection.upheld == Some(true);
            out.push(TimelineEntry {
                at,
                label_zh: if upheld {
                    "异议答复：采纳"
                } else {
                    "异议答复：不予采纳"
                }
                .into(),
                label_en: if upheld {
                    "Objection upheld"
                } else {
                    "Objection dismissed"
                }
                .into(),
                detail: Some(answer),
                actor: None,
            });
        }
    }
    // The implementation: each task's steps (their reasons are public, as on the task's page)
    // and each milestone's acceptance, payment or cancellation; officials also see the
    // submissions and rejections with their reasons.
    for t in state.store.tasks_of_call(id).await.map_err(internal)? {
        use crate::domain::task::{MilestoneAction, TaskAction};
        let org = t.org_name.clone();
        for r in state
            .store
            .audit_for("task", &t.task.id.to_string())
            .await
            .map_err(internal)?
        {
            let (zh, en) =
                labels_of::<TaskAction>(&r.event.action).unwrap_or(match r.event.action.as_str() {
                    "start" => ("立项（任务书）", "Task contract recorded"),
                    "midterm_continue" => ("中期评估：继续支持", "Mid-term: continues"),
                    _ => ("项目实施", "Implementation"),
                });
            out.push(TimelineEntry {
                at: r.event.at,
                label_zh: format!("{zh}（{org}）"),
                label_en: format!("{en} ({org})"),
                detail: r.event.reason,
                actor: if official { r.actor_name } else { None },
            });
        }
        for m in &t.milestones {
            for r in state
                .store
                .audit_for("milestone", &m.id.to_string())
                .await
                .map_err(internal)?
            {
                let public = matches!(r.event.action.as_str(), "accept" | "release" | "cancel");
                if !public && !official {
                    continue;
                }
                let (zh, en) = labels_of::<MilestoneAction>(&r.event.action).unwrap_or(
                    match r.event.action.as_str() {
                        "release" => ("拨付首期经费", "First tranche released"),
                        _ => ("里程碑", "Milestone"),
                    },
                );
                out.push(TimelineEntry {
                    at: r.event.at,
                    label_zh: format!("{zh}：{}（{org}）", m.deliverable),
                    label_en: format!("{en}: {} ({org})", m.deliverable),
                    detail: r.event.reason.filter(|_| official),
                    actor: if official { r.actor_name } else { None },
                });
            }
        }
    }
    if official {
        for b in state.store.bids_of_call(id).await.map_err(internal)? {
            for r in state
                .store
                .audit_for("bid", &b.bid.id.to_string())
                .await
                .map_err(internal)?
            {
                let (zh, en) =
                    labels_of::<BidAction>(&r.event.action).unwrap_or(("揭榜申报", "Bid"));
                out.push(TimelineEntry {
                    at: r.event.at,
                    label_zh: format!("{zh}（{}）", b.org_name),
                    label_en: format!("{en} ({})", b.org_name),
                    detail: r.event.reason,
                    actor: r.actor_name,
                });
            }
        }
        for rv in state.store.reviews_of_call(id).await.map_err(internal)? {
            for r in state
                .store
                .audit_for("review", &rv.review.id.to_string())
                .await
                .map_err(internal)?
            {
                let (zh, en) = labels_of::<ReviewAction>(&r.event.action).unwrap_or(
                    match r.event.action.as_str() {
                        "assign" => ("指派评审专家", "Reviewer assigned"),
                        _ => ("评审", "Review"),
                    },
                );
                out.push(TimelineEntry {
                    at: r.event.at,
                    label_zh: format!("{zh}（{} · {}）", rv.expert_name, rv.bid_title),
                    label_en: format!("{en} ({} · {})", rv.expert_name, rv.bid_title),
                    detail: r.event.reason,
                    actor: r.actor_name,
                });
            }
        }
    }
    out.sort_by_key(|e| e.at);
    Ok(out)
}
