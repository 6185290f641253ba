//! Bids (揭榜申报): a team drafts, submits (and gets a receipt), revises or withdraws inside the
//! call's window; officials check eligibility once it has closed. Every read asks
//! `policy::bid_access` first, and a reader it refuses is told the bid does not exist.
use super::calls::{call_summary, close_if_due, load_call};
use super::*;
use crate::domain::bid::{
    self, AttachmentDigest, BidAction, BidCommitment, BidLifecycle, BidStatus, PlannedMilestone,
};
use crate::domain::call::{self, CallStatus};
use crate::domain::lifecycle::{Labelled, Lifecycle};
use crate::model::*;
use crate::policy::{authorize, bid_access, Action, Actor, BidAccess, BidFacts, Target};
use crate::records;

/// The actions the bid page offers, in order.
const OFFERED: &[BidAction] = &[
    BidAction::Submit,
    BidAction::Revise,
    BidAction::Withdraw,
    BidAction::Qualify,
    BidAction::Disqualify,
];

fn facts(row: &BidRow, call_status: CallStatus, reviewers: Vec<Uuid>) -> BidFacts {
    BidFacts {
        lead: row.bid.lead_user_id,
        members: row.members.iter().map(|m| m.user_id).collect(),
        opened: call::bids_opened(call_status),
        reviewers,
    }
}

/// The reviewers assigned to a bid who declared no conflict (they read it to score it).
async fn reviewers_of(state: &AppState, row: &BidRow) -> Result<Vec<Uuid>, AppError> {
    use crate::domain::review::ReviewStatus;
    Ok(state
        .store
        .reviews_of_call(row.bid.call_id)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|r| r.review.bid_id == row.bid.id)
        .filter(|r| {
            matches!(
                r.review.status,
                ReviewStatus::Accepted | ReviewStatus::Submitted
            )
        })
        .map(|r| r.review.expert_user_id)
        .collect())
}

/// The bid `id` with its call (the call's window closed first if due), and what `actor` may do
/// with it; "not found" for a reader who may not see it.
pub(crate) async fn load_for(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<(BidRow, CallRow, BidAccess), AppError> {
    let row = state
        .store
        .get_bid(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let mut call = load_call(state, row.bid.call_id).await?;
    if close_if_due(state, &call).await? != call.call.status {
        call = load_call(state, row.bid.call_id).await?;
    }
    let reviewers = if call::bids_opened(call.call.status) {
        reviewers_of(state, &row).await?
    } else {
        vec![]
    };
    let access = bid_access(actor, &facts(&row, call.call.status, reviewers));
    if !access.read {
        return Err(AppError::NotFound);
    }
    Ok((row, call, access))
}

fn window_closed() -> AppError {
    AppError::conflict(
        "揭榜时间窗口未开放或已截止（以服务器时间为准）",
        "The bid window is not open (the server's clock decides)",
    )
}

/// Whether `actor`'s organization may lead a bid on `c` (its type, and Guangxi registration).
pub(crate) async fn eligible(
    state: &AppState,
    actor: &Actor,
    c: &CallRecord,
) -> Result<OrgRecord, AppError> {
    authorize(Some(actor), Action::CreateBid, Target::NONE)?;
    let org_id = actor.acting_org().ok_or(AppError::Forbidden)?;
    let org = state
        .store
        .get_org(org_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Forbidden)?;
    if !c.eligibility.admits(org.org_type) {
        let allowed: Vec<&str> = c
            .eligibility
            .org_types
            .iter()
            .map(|t| t.label_zh())
            .collect();
        let allowed_en: Vec<&str> = c
            .eligibility
            .org_types
            .iter()
            .map(|t| t.label_en())
            .collect();
        return Err(AppError::conflict(
            format!(
                "本榜单仅限{}揭榜，贵单位类型为{}",
                allowed.join("、"),
                org.org_type.label_zh()
            ),
            format!(
                "Only {} may bid on this call; your organization is of type {}",
                allowed_en.join(", "),
                org.org_type.label_en()
            ),
        ));
    }
    if c.eligibility.guangxi_only && !super::ref_data(state).await?.in_guangxi(&org.district_code) {
        return Err(AppError::conflict(
            "本榜单仅限在广西注册的单位揭榜",
            "Only organizations registered in Guangxi may bid on this call",
        ));
    }
    Ok(org)
}

/// The bid `actor` leads or is on for call `call_id`.
pub(crate) async fn team_bid_on(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
) -> Result<Option<Uuid>, AppError> {
    Ok(state
        .store
        .bids_of_user(actor.user_id)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|b| b.bid.call_id == call_id)
        .map(|b| b.bid.id))
}

pub(crate) fn bid_items(rows: Vec<BidRow>) -> Vec<BidListItem> {
    rows.into_iter()
        .map(|r| BidListItem {
            id: r.bid.id,
            call_id: r.bid.call_id,
            call_title: r.call_title,
            org_name: r.org_name,
            title: r.bid.title,
            status: r.bid.status,
            submitted_at: r.bid.submitted_at,
            updated_at: r.bid.updated_at,
        })
        .collect()
}

/// The members a bid form names: registered people; from the lead's organization unless the
/// call allows consortia.
async fn resolve_members(
    state: &AppState,
    emails: &[String],
    lead_org: Uuid,
    consortium: bool,
) -> Result<Vec<Uuid>, AppError> {
    let mut errs = crate::error::Errors::default();
    let mut ids = vec![];
    for e in emails {
        let user = state.store.find_user_by_email(e).await.map_err(internal)?;
        let colleague = user
            .as_ref()
            .is_some_and(|u| u.org_id == Some(lead_org) && u.membership_active);
        match user {
            None => errs.push(
                "members",
                format!("未找到注册用户：{e}（团队成员须先在平台注册）"),
                format!("No registered person has the address {e} (members must register first)"),
            ),
            Some(_) if !consortium && !colleague => errs.push(
                "members",
                format!("本榜单不允许联合体揭榜，{e} 不是本单位成员"),
                format!(
                    "This call does not allow consortia; {e} is not a member of your organization"
                ),
            ),
            Some(u) => ids.push(u.id),
        }
    }
    errs.finish()?;
    Ok(ids)
}

/// Starts (`bid_id` none) or rewrites the team's draft bid on `call_id`, and submits it when
/// `submit`. Returns the bid's id.
#[tracing::instrument(skip_all)]
pub async fn save_bid(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    bid_id: Option<Uuid>,
    form: &BidForm,
    submit: bool,
) -> Result<Uuid, AppError> {
    let call_row = load_call(state, call_id).await?;
    let c = &call_row.call;
    if !call::CallLifecycle::is_public(c.status) {
        return Err(AppError::NotFound);
    }
    let org = eligible(state, actor, c).await?;
    let now = state.clock.now();
    if !call_summary(&call_row).window_open(now) {
        return Err(window_closed());
    }
    let lead = state
        .store
        .get_user(actor.user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Unauthenticated)?;
    let content = records::bid::parse(form, c.milestones.len(), &lead.email)?;
    let members = resolve_members(
        state,
        &content.member_emails,
        org.id,
        c.eligibility.consortium_allowed,
    )
    .await?;
    let existing = match bid_id {
        Some(id) => {
            let (row, _, access) = load_for(state, Some(actor), id).await?;
            if !access.lead || row.bid.call_id != call_id {
                return Err(AppError::Forbidden);
            }
            lifecycle::ensure_editable::<BidLifecycle>(row.bid.status)?;
            Some(row.bid)
        }
        None => None,
    };
    let id = existing.as_ref().map(|b| b.id).unwrap_or_else(Uuid::new_v4);
    let rec = BidRecord {
        id,
        call_id,
        org_id: org.id,
        lead_user_id: actor.user_id,
        title: content.title.clone(),
        proposal: content.proposal.clone(),
        budget_fen: content.budget.fen(),
        timeline: content.timeline.clone(),
        milestone_plan: content.milestone_plan.clone(),
        status: BidStatus::Draft,
        status_reason: None,
        submitted_at: None,
        created_at: existing.as_ref().map(|b| b.created_at).unwrap_or(now),
        updated_at: now,
        version: 0,
    };
    match existing {
        Some(_) => {
            let ev = audit(Some(actor.user_id), BidLifecycle::ENTITY, id, "edit", now);
            lifecycle::written::<BidLifecycle>(
                state.store.update_bid_draft(&rec, &members, &ev).await,
            )?;
        }
        None => {
            let mut ev = audit(Some(actor.user_id), BidLifecycle::ENTITY, id, "create", now);
            ev.to_state = Some(BidStatus::Draft.as_str().into());
            match state.store.insert_bid(&rec, &members, &ev).await {
                Ok(()) => {}
                Err(StoreError::Unique) => return Err(AppError::conflict(
                    "贵单位已就本榜单提交过揭榜申报，请在“我的揭榜”中继续",
                    "Your organization already has a bid on this call; continue it from “My bids”",
                )),
                Err(e) => return Err(internal(e)),
            }
        }
    }
    // Each invited member is told once (they confirm from the bid's page).
    super::notifications::notify(
        state,
        &members,
        super::notifications::Event {
            kind: "team_invitation",
            zh: format!(
                "{} 邀请您加入榜单“{}”的揭榜团队，请确认",
                lead.display_name, c.title
            ),
            en: format!(
                "{} invites you to a bidding team on “{}”; please confirm",
                lead.display_name, c.title
            ),
            link: format!("/bids/{id}"),
            once: Some(format!("team_invitation:{id}")),
        },
    )
    .await;
    if submit {
        bid_action(state, actor, id, BidAction::Submit, None).await?;
    }
    Ok(id)
}

/// What the receipt of `row` submitted at `at` commits to.
pub fn commitment_of(row: &BidRow, at: DateTime<Utc>) -> BidCommitment {
    let b = &row.bid;
    let mut members: Vec<String> = row.members.iter().map(|m| m.user_id.to_string()).collect();
    members.push(b.lead_user_id.to_string());
    BidCommitment {
        v: 1,
        call_id: b.call_id.to_string(),
        bid_id: b.id.to_string(),
        org_id: b.org_id.to_string(),
        submitted_at: at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        title: b.title.clone(),
        proposal: b.proposal.clone(),
        budget_fen: b.budget_fen,
        timeline: b.timeline.clone(),
        milestones: b
            .milestone_plan
            .iter()
            .enumerate()
            .map(|(i, p)| PlannedMilestone {
                index: i as u32,
                plan: p.clone(),
            })
            .collect(),
        members,
        attachments: digests_of(row),
    }
}

/// What a receipt commits to of the bid's attachments.
fn digests_of(row: &BidRow) -> Vec<AttachmentDigest> {
    let mut d: Vec<AttachmentDigest> = row
        .attachments
        .iter()
        .map(|a| AttachmentDigest {
            sha256: a.sha256.clone(),
            name: a.name.clone(),
            size: a.size.max(0) as u64,
        })
        .collect();
    d.sort();
    d
}

/// A lifecycle action on a bid: the team's own (inside the window) or an official's
/// eligibility decision (after it).
#[tracing::instrument(skip_all)]
pub async fn bid_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: BidAction,
    reason: Option<&str>,
) -> Result<BidStatus, AppError> {
    let (row, call_row, access) = load_for(state, Some(actor), id).await?;
    let b = &row.bid;
    let allowed = if bid::is_team_action(action) {
        access.lead
    } else {
        matches!(action, BidAction::Qualify | BidAction::Disqualify) && access.screen
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let summary = call_summary(&call_row);
    let open = |now| summary.window_open(now);
    if action == BidAction::Submit {
        return submit(state, actor, &row, &summary).await;
    }
    let call_status = call_row.call.status;
    let to = lifecycle::apply::<BidLifecycle>(
        state,
        Some(actor.user_id),
        b.id,
        b.status,
        action,
        reason,
        |_, now| {
            if bid::is_team_action(action) && !open(now) {
                return Err(window_closed());
            }
            if !bid::is_team_action(action) && call_status != CallStatus::Screening {
                return Err(AppError::conflict(
                    "榜单不在形式审查阶段",
                    "The call is not in its eligibility check",
                ));
            }
            Ok(())
        },
    )
    .await?;
    if matches!(action, BidAction::Qualify | BidAction::Disqualify) {
        let mut team: Vec<Uuid> = row.members.iter().map(|m| m.user_id).collect();
        team.push(b.lead_user_id);
        let (zh, en) = if action == BidAction::Qualify {
            ("通过形式审查", "passed the eligibility check")
        } else {
            ("未通过形式审查", "did not pass the eligibility check")
        };
        super::notifications::notify(
            state,
            &team,
            super::notifications::Event {
                kind: "eligibility",
                zh: format!("您的揭榜申报“{}”{zh}", b.title),
                en: format!("Your bid “{}” {en}", b.title),
                link: format!("/bids/{}", b.id),
                once: None,
            },
        )
        .await;
    }
    Ok(to)
}

async fn submit(
    state: &AppState,
    actor: &Actor,
    row: &BidRow,
    call: &CallSummary,
) -> Result<BidStatus, AppError> {
    let b = &row.bid;
    let to = BidLifecycle::transition(b.status, BidAction::Submit)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let now = state.clock.now();
    // The arrival time decides: the call may already have been closed by a sweeper running on
    // another request's later clock, but a submission that arrived before the close counts.
    let arrived_in_time = matches!(call.status, CallStatus::Published | CallStatus::Screening)
        && call.opens_at <= now
        && now < call.closes_at;
    if !arrived_in_time {
        return Err(window_closed());
    }
    let waiting: Vec<&str> = row
        .members
        .iter()
        .filter(|m| m.confirmed_at.is_none())
        .map(|m| m.name.as_str())
        .collect();
    if !waiting.is_empty() {
        return Err(AppError::field(
            "members",
            format!("以下团队成员尚未确认加入：{}", waiting.join("、")),
            format!(
                "These team members have not confirmed yet: {}",
                waiting.join(", ")
            ),
        ));
    }
    let receipt = BidReceipt {
        bid_id: b.id,
        call_id: b.call_id,
        submitted_at: now,
        sha256: commitment_of(row, now).digest(),
        attachments: digests_of(row),
    };
    let mut ev = audit(
        Some(actor.user_id),
        BidLifecycle::ENTITY,
        b.id,
        BidAction::Submit.as_str(),
        now,
    );
    ev.from_state = Some(b.status.as_str().into());
    ev.to_state = Some(to.as_str().into());
    let change = StatusChange::of::<BidLifecycle>(b.id, b.status, to, None);
    match state
        .store
        .submit_bid(&change, &receipt, b.version, &ev)
        .await
    {
        Ok(()) => Ok(to),
        // The window closed, a member left or the bid changed between the checks and the write.
        Err(StoreError::Stale) => {
            let call = load_call(state, b.call_id).await?;
            if call.call.closes_at <= now || call.call.status != CallStatus::Published {
                Err(window_closed())
            } else {
                Err(lifecycle::stale::<BidLifecycle>())
            }
        }
        Err(e) => Err(internal(e)),
    }
}

/// An invited member confirms they are on the team (inside the window).
#[tracing::instrument(skip_all)]
pub async fn confirm_bid_membership(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<(), AppError> {
    let (row, call, _) = load_for(state, Some(actor), id).await?;
    if !row
        .members
        .iter()
        .any(|m| m.user_id == actor.user_id && m.confirmed_at.is_none())
    {
        return Err(AppError::conflict(
            "您已确认或不在该团队中",
            "You have confirmed already or are not on this team",
        ));
    }
    let now = state.clock.now();
    if !call_summary(&call).window_open(now) {
        return Err(window_closed());
    }
    let ev = audit(
        Some(actor.user_id),
        BidLifecycle::ENTITY,
        id,
        "confirm_member",
        now,
    );
    lifecycle::written::<BidLifecycle>(
        state
            .store
            .confirm_bid_member(id, actor.user_id, now, &ev)
            .await,
    )
}

/// The bid page: only for readers the policy admits (others: "not found").
#[tracing::instrument(skip_all)]
pub async fn bid_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<BidDetail, AppError> {
    let (row, call_row, access) = load_for(state, actor, id).await?;
    let b = &row.bid;
    let summary = call_summary(&call_row);
    let now = state.clock.now();
    let open = summary.window_open(now);
    let actions = OFFERED
        .iter()
        .filter(|a| BidLifecycle::transition(b.status, **a).is_ok())
        .filter(|a| {
            if bid::is_team_action(**a) {
                access.lead && open
            } else {
                access.screen && call_row.call.status == CallStatus::Screening
            }
        })
        .map(|a| a.as_str().to_string())
        .collect();
    let me = actor.map(|a| a.user_id);
    let mut members = vec![BidMember {
        user_id: b.lead_user_id,
        name: String::new(),
        confirmed: true,
        is_lead: true,
    }];
    if let Some(u) = state
        .store
        .get_user(b.lead_user_id)
        .await
        .map_err(internal)?
    {
        members[0].name = u.display_name;
    }
    members.extend(row.members.iter().map(|m| BidMember {
        user_id: m.user_id,
        name: m.name.clone(),
        confirmed: m.confirmed_at.is_some(),
        is_lead: false,
    }));
    Ok(BidDetail {
        id: b.id,
        milestone_template: call_row.call.milestones.clone(),
        call: summary,
        org_id: b.org_id,
        org_name: row.org_name.clone(),
        status: b.status,
        status_reason: b.status_reason.clone(),
        title: b.title.clone(),
        proposal: b.proposal.clone(),
        budget_fen: b.budget_fen,
        timeline: b.timeline.clone(),
        milestone_plan: b.milestone_plan.clone(),
        invited: row
            .members
            .iter()
            .any(|m| Some(m.user_id) == me && m.confirmed_at.is_none())
            && open,
        feedback: if access.lead || row.members.iter().any(|m| Some(m.user_id) == me) {
            super::awards::feedback_for(state, &call_row, &row).await?
        } else {
            None
        },
        members,
        attachments: row
            .attachments
            .iter()
            .map(super::attachments::view_of)
            .collect(),
        max_upload_bytes: state.settings.max_upload_bytes,
        receipts: state.store.bid_receipts(id).await.map_err(internal)?,
        permissions: RecordPermissions {
            edit: access.lead && open && BidLifecycle::is_editable(b.status),
            actions,
            see_history: true,
        },
        history: history_of(state, BidLifecycle::ENTITY, id).await?,
    })
}

/// The bid form as saved, for the lead to edit.
#[tracing::instrument(skip_all)]
pub async fn bid_form(state: &AppState, actor: &Actor, id: Uuid) -> Result<BidForm, AppError> {
    let (row, _, access) = load_for(state, Some(actor), id).await?;
    if !access.lead {
        return Err(AppError::Forbidden);
    }
    let mut emails = vec![];
    for m in &row.members {
        if let Some(u) = state.store.get_user(m.user_id).await.map_err(internal)? {
            emails.push(u.email);
        }
    }
    let b = row.bid;
    Ok(BidForm {
        title: b.title,
        proposal: b.proposal,
        budget: crate::domain::money::Fen(b.budget_fen).format_wan(),
        timeline: b.timeline,
        milestone_plan: b.milestone_plan.join("\n"),
        members: emails.join("\n"),
    })
}

/// The bids `actor` leads or is invited to.
#[tracing::instrument(skip_all)]
pub async fn my_bids(state: &AppState, actor: &Actor) -> Result<Vec<BidListItem>, AppError> {
    Ok(bid_items(
        state
            .store
            .bids_of_user(actor.user_id)
            .await
            .map_err(internal)?,
    ))
}

/// Checks a receipt against the opened bid. Anyone holding a receipt may ask; the answer says
/// only whether it matches and when it was submitted, never what the bid says.
#[tracing::instrument(skip_all)]
pub async fn verify_receipt(state: &AppState, sha256: &str) -> Result<ReceiptCheck, AppError> {
    let h = sha256.trim().to_ascii_lowercase();
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::field(
            "receipt",
            "回执编号应为 64 位十六进制字符",
            "A receipt is 64 hexadecimal characters",
        ));
    }
    let Some(r) = state.store.find_receipt(&h).await.map_err(internal)? else {
        return Ok(ReceiptCheck::Unknown);
    };
    let mut call = load_call(state, r.call_id).await?;
    if close_if_due(state, &call).await? != call.call.status {
        call = load_call(state, r.call_id).await?;
    }
    if !call::bids_opened(call.call.status) {
        return Ok(ReceiptCheck::Sealed {
            submitted_at: r.submitted_at,
            closes_at: call.call.closes_at,
        });
    }
    let row = state
        .store
        .get_bid(r.bid_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Internal)?;
    if row.bid.status == BidStatus::Withdrawn {
        return Ok(ReceiptCheck::Withdrawn {
            submitted_at: r.submitted_at,
        });
    }
    let receipts = state.store.bid_receipts(r.bid_id).await.map_err(internal)?;
    let latest = receipts.first().cloned().unwrap_or(r.clone());
    if latest.sha256 != r.sha256 {
        return Ok(ReceiptCheck::Superseded {
            submitted_at: r.submitted_at,
            latest_at: latest.submitted_at,
        });
    }
    let at = row.bid.submitted_at.unwrap_or(r.submitted_at);
    let intact = super::attachments::files_intact(state, &row).await?;
    Ok(if intact && commitment_of(&row, at).digest() == r.sha256 {
        ReceiptCheck::Matches {
            submitted_at: r.submitted_at,
        }
    } else {
        ReceiptCheck::Mismatch {
            submitted_at: r.submitted_at,
        }
    })
}
