//! Expert review of a call's qualified bids: the panel (conflicts excluded unless overridden with
//! a recorded reason), the reviewers' declarations and scores, and the officials' weighted
//! ranking. The award and its 公示 are in `awards.rs`.
use super::calls::{call_target, load_call};
use super::*;
use crate::domain::bid::BidStatus;
use crate::domain::call::CallStatus;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::review::{self, Conflict, ReviewAction, ReviewLifecycle, ReviewStatus};
use crate::domain::text::clean_text;
use crate::model::*;
use crate::policy::{authorize, Action, Actor};

pub(crate) fn official(actor: &Actor) -> Result<(), AppError> {
    authorize(
        Some(actor),
        Action::ManageCall,
        call_target(CallStatus::Reviewing),
    )?;
    Ok(())
}

pub(crate) fn not_in(status: CallStatus, wanted: CallStatus) -> AppError {
    AppError::conflict(
        format!(
            "榜单当前处于“{}”阶段，不能进行此操作（须为“{}”）",
            status.label_zh(),
            wanted.label_zh()
        ),
        format!(
            "The call is in “{}”; this needs “{}”",
            status.label_en(),
            wanted.label_en()
        ),
    )
}

/// Why `expert` may not review `bid` (none: free to review).
fn conflicts_of(expert: &ExpertRow, bid: &BidRow) -> Vec<Conflict> {
    let members: Vec<Uuid> = bid.members.iter().map(|m| m.user_id).collect();
    review::conflicts(
        expert.profile.user_id,
        expert.org_id,
        bid.bid.org_id,
        bid.bid.lead_user_id,
        &members,
    )
}

/// The refusal of an assignment that met conflicts of interest: (expert, what they would
/// review, why) for each, and how to assign anyway.
pub(crate) fn conflict_refusal(refused: &[(String, String, Vec<Conflict>)]) -> AppError {
    let zh: Vec<String> = refused
        .iter()
        .map(|(n, t, c)| {
            format!(
                "{n}{}（{t}）",
                c.iter()
                    .map(|c| c.label_zh())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })
        .collect();
    let en: Vec<String> = refused
        .iter()
        .map(|(n, t, c)| {
            format!(
                "{n} {} ({t})",
                c.iter()
                    .map(|c| c.label_en())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    AppError::field(
        "override_reason",
        format!(
            "存在利益冲突，需回避：{}。如确需指派，请填写豁免理由",
            zh.join("；")
        ),
        format!(
            "Conflicts of interest: {}. To assign anyway, give an override reason",
            en.join("; ")
        ),
    )
}

/// The chosen experts and the override reason of an assignment, checked: at least one
/// expert; a reason, when given, of 2 characters or more.
pub(crate) fn assignment_inputs(
    experts: &[Uuid],
    override_reason: Option<&str>,
) -> Result<Option<String>, AppError> {
    if experts.is_empty() {
        return Err(AppError::field(
            "experts",
            "请至少选择一位评审专家",
            "Choose at least one reviewer",
        ));
    }
    lifecycle::action_reason(override_reason, false).map_err(|_| {
        AppError::field(
            "override_reason",
            "回避豁免理由至少 2 个字",
            "The override reason needs at least 2 characters",
        )
    })
}

/// The experts of the pool: those who accept reviews.
pub(crate) async fn pool_experts(state: &AppState) -> Result<Vec<ExpertRow>, AppError> {
    let (experts, _) = state
        .store
        .list_experts(false, None, 500, 0)
        .await
        .map_err(internal)?;
    Ok(experts
        .into_iter()
        .filter(|e| e.profile.accepts_review)
        .collect())
}

/// An expert as an assignment form lists them: (what they would review, why not) per
/// conflict, and whether they are on it already.
pub(crate) fn option_of(
    e: ExpertRow,
    conflicts: Vec<(String, String, String)>,
    assigned: bool,
) -> ReviewerOption {
    ReviewerOption {
        conflicts,
        assigned,
        user_id: e.profile.user_id,
        name: e.name,
        title: e.profile.title,
        org_name: e.org_name,
        fields: e.profile.fields,
    }
}

/// Expert `uid` of the pool (accepting reviews), or why it cannot be assigned.
pub(crate) async fn pool_expert(state: &AppState, uid: Uuid) -> Result<ExpertRow, AppError> {
    state
        .store
        .get_expert(uid)
        .await
        .map_err(internal)?
        .filter(|e| e.profile.accepts_review)
        .ok_or_else(|| {
            AppError::field(
                "experts",
                "所选专家不在评审专家库中或不接受评审",
                "A chosen expert is not in the pool or does not accept reviews",
            )
        })
}

async fn qualified_bids(state: &AppState, call_id: Uuid) -> Result<Vec<BidRow>, AppError> {
    Ok(state
        .store
        .bids_of_call(call_id)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|b| {
            matches!(
                b.bid.status,
                BidStatus::Qualified | BidStatus::Awarded | BidStatus::NotAwarded
            )
        })
        .collect())
}

/// Experts who accept reviews, whose fields or keywords mention `field` (all when empty), with
/// their conflicts against the call's qualified bids. Officials only.
#[tracing::instrument(skip_all)]
pub async fn reviewer_pool(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    field: Option<String>,
) -> Result<Vec<ReviewerOption>, AppError> {
    official(actor)?;
    load_call(state, call_id).await?;
    let bids = qualified_bids(state, call_id).await?;
    let assigned: Vec<Uuid> = state
        .store
        .reviews_of_call(call_id)
        .await
        .map_err(internal)?
        .iter()
        .filter(|r| !matches!(r.review.status, ReviewStatus::Revoked))
        .map(|r| r.review.expert_user_id)
        .collect();
    let want = field
        .map(|f| f.trim().to_lowercase())
        .filter(|f| !f.is_empty());
    Ok(pool_experts(state)
        .await?
        .into_iter()
        .filter(|e| {
            want.as_ref().is_none_or(|w| {
                e.profile
                    .fields
                    .iter()
                    .chain(e.profile.keywords.iter())
                    .any(|f| f.to_lowercase().contains(w.as_str()))
            })
        })
        .map(|e| {
            let conflicts = bids
                .iter()
                .flat_map(|b| {
                    conflicts_of(&e, b).into_iter().map(|c| {
                        (
                            b.bid.title.clone(),
                            c.label_zh().to_string(),
                            c.label_en().to_string(),
                        )
                    })
                })
                .collect();
            let assigned = assigned.contains(&e.profile.user_id);
            option_of(e, conflicts, assigned)
        })
        .collect())
}

/// Puts experts on the panel of every qualified bid of a call in review. A detected conflict
/// (same organization, on the team) refuses the whole assignment unless `override_reason` is
/// given, which is then recorded with each overridden assignment.
#[tracing::instrument(skip_all)]
pub async fn assign_reviewers(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    experts: &[Uuid],
    override_reason: Option<&str>,
) -> Result<usize, AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    if call.call.status != CallStatus::Reviewing {
        return Err(not_in(call.call.status, CallStatus::Reviewing));
    }
    let override_reason = assignment_inputs(experts, override_reason)?;
    let bids = qualified_bids(state, call_id).await?;
    let existing: Vec<(Uuid, Uuid)> = state
        .store
        .reviews_of_call(call_id)
        .await
        .map_err(internal)?
        .iter()
        .filter(|r| r.review.status != ReviewStatus::Revoked)
        .map(|r| (r.review.bid_id, r.review.expert_user_id))
        .collect();
    let now = state.clock.now();
    let mut rows = vec![];
    let mut refused = vec![];
    for uid in experts {
        let e = pool_expert(state, *uid).await?;
        for b in &bids {
            if existing.contains(&(b.bid.id, *uid)) {
                continue;
            }
            let conflicts = conflicts_of(&e, b);
            if !conflicts.is_empty() && override_reason.is_none() {
                refused.push((e.name.clone(), b.bid.title.clone(), conflicts));
                continue;
            }
            let id = Uuid::new_v4();
            let mut ev = audit(
                Some(actor.user_id),
                ReviewLifecycle::ENTITY,
                id,
                "assign",
                now,
            );
            ev.to_state = Some(ReviewStatus::Assigned.as_str().into());
            ev.reason = (!conflicts.is_empty())
                .then(|| override_reason.clone())
                .flatten();
            rows.push((
                ReviewRecord {
                    id,
                    call_id,
                    bid_id: b.bid.id,
                    expert_user_id: *uid,
                    status: ReviewStatus::Assigned,
                    status_reason: None,
                    override_reason: ev.reason.clone(),
                    comment: None,
                    created_at: now,
                    updated_at: now,
                },
                ev,
            ));
        }
    }
    if !refused.is_empty() {
        return Err(conflict_refusal(&refused));
    }
    let n = rows.len();
    state.store.insert_reviews(&rows).await.map_err(internal)?;
    let assigned: Vec<Uuid> = rows.iter().map(|(r, _)| r.expert_user_id).collect();
    super::notifications::notify(
        state,
        &assigned,
        super::notifications::Event {
            kind: "review_assigned",
            zh: format!("您被指派评审榜单“{}”的揭榜申报", call.call.title),
            en: format!("You are assigned to review bids on “{}”", call.call.title),
            link: "/my/reviews".into(),
            once: None,
        },
    )
    .await;
    Ok(n)
}

fn task_of(r: &ReviewRow, show_expert: bool) -> ReviewTask {
    ReviewTask {
        id: r.review.id,
        call_id: r.review.call_id,
        call_title: r.call_title.clone(),
        bid_id: r.review.bid_id,
        bid_title: r.bid_title.clone(),
        expert_name: show_expert.then(|| r.expert_name.clone()),
        status: r.review.status,
        override_reason: show_expert
            .then(|| r.review.override_reason.clone())
            .flatten(),
        updated_at: r.review.updated_at,
    }
}

/// The reviewer's own assignments.
#[tracing::instrument(skip_all)]
pub async fn my_reviews(state: &AppState, actor: &Actor) -> Result<Vec<ReviewTask>, AppError> {
    Ok(state
        .store
        .reviews_of_expert(actor.user_id)
        .await
        .map_err(internal)?
        .iter()
        .map(|r| task_of(r, false))
        .collect())
}

/// The panel of a call, for officials.
#[tracing::instrument(skip_all)]
pub async fn call_reviews(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
) -> Result<Vec<ReviewTask>, AppError> {
    official(actor)?;
    Ok(state
        .store
        .reviews_of_call(call_id)
        .await
        .map_err(internal)?
        .iter()
        .map(|r| task_of(r, true))
        .collect())
}

async fn load_review(state: &AppState, id: Uuid) -> Result<ReviewRow, AppError> {
    state
        .store
        .get_review(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// One assignment: for its reviewer (the bid itself once no conflict is declared) or officials.
#[tracing::instrument(skip_all)]
pub async fn review_detail(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<ReviewDetail, AppError> {
    let r = load_review(state, id).await?;
    let mine = r.review.expert_user_id == actor.user_id;
    let is_official = official(actor).is_ok();
    if !mine && !is_official {
        return Err(AppError::NotFound);
    }
    let call = load_call(state, r.review.call_id).await?;
    let reviewing = call.call.status == CallStatus::Reviewing;
    let actions = [
        ReviewAction::DeclareNoConflict,
        ReviewAction::DeclareConflict,
        ReviewAction::Revoke,
    ]
    .into_iter()
    .filter(|a| review::transition(r.review.status, *a).is_ok() && reviewing)
    .filter(|a| {
        if *a == ReviewAction::Revoke {
            is_official
        } else {
            mine
        }
    })
    .map(|a| a.as_str().to_string())
    .collect();
    let bid = if matches!(
        r.review.status,
        ReviewStatus::Accepted | ReviewStatus::Submitted
    ) || is_official
    {
        super::bid_detail(state, Some(actor), r.review.bid_id)
            .await
            .ok()
    } else {
        None
    };
    Ok(ReviewDetail {
        task: task_of(&r, is_official),
        criteria: call.call.criteria.clone(),
        score_scale: call.call.score_scale,
        bid,
        scores: r
            .scores
            .iter()
            .map(|s| (s.score, s.comment.clone()))
            .collect(),
        comment: r.review.comment.clone(),
        permissions: RecordPermissions {
            edit: mine && reviewing && r.review.status == ReviewStatus::Accepted,
            actions,
            see_history: true,
        },
    })
}

/// A reviewer's declaration (no conflict, or a conflict with its reason) or an official's
/// revocation.
#[tracing::instrument(skip_all)]
pub async fn review_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: ReviewAction,
    reason: Option<&str>,
) -> Result<ReviewStatus, AppError> {
    let r = load_review(state, id).await?;
    let allowed = match action {
        ReviewAction::Revoke => official(actor).is_ok(),
        ReviewAction::Submit => false,
        _ => r.review.expert_user_id == actor.user_id,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let call = load_call(state, r.review.call_id).await?;
    let status = call.call.status;
    lifecycle::apply::<ReviewLifecycle>(
        state,
        Some(actor.user_id),
        id,
        r.review.status,
        action,
        reason,
        |_, _| {
            if status != CallStatus::Reviewing {
                return Err(not_in(status, CallStatus::Reviewing));
            }
            Ok(())
        },
    )
    .await
}

/// Submits a reviewer's scores: one per criterion, on the call's scale, each with a comment.
#[tracing::instrument(skip_all)]
pub async fn submit_review(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    scores: &[String],
    comments: &[String],
    comment: &str,
) -> Result<(), AppError> {
    let r = load_review(state, id).await?;
    if r.review.expert_user_id != actor.user_id {
        return Err(AppError::NotFound);
    }
    let call = load_call(state, r.review.call_id).await?;
    if call.call.status != CallStatus::Reviewing {
        return Err(not_in(call.call.status, CallStatus::Reviewing));
    }
    let scale = call.call.score_scale;
    let mut errs = crate::error::Errors::default();
    let mut rows = vec![];
    for (i, c) in call.call.criteria.iter().enumerate() {
        let field = format!("score_{i}");
        let score = scores
            .get(i)
            .map(|s| crate::domain::text::fullwidth_to_ascii(s.trim()))
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|s| *s <= scale);
        if score.is_none() {
            errs.push(
                &field,
                format!("“{}”的评分应为 0–{scale} 的整数", c.name),
                format!(
                    "The score for “{}” must be a whole number from 0 to {scale}",
                    c.name
                ),
            );
        }
        let note = errs.take(
            &format!("comment_{i}"),
            clean_text(comments.get(i).map(String::as_str).unwrap_or(""), 2, 500),
        );
        if let (Some(score), Some(comment)) = (score, note) {
            rows.push(ScoreRow {
                criterion: i as u32,
                score,
                comment,
            });
        }
    }
    let overall = if comment.trim().is_empty() {
        Some(String::new())
    } else {
        errs.take("comment", clean_text(comment, 2, 2000))
    };
    errs.finish()?;
    let to = ReviewLifecycle::transition(r.review.status, ReviewAction::Submit)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let now = state.clock.now();
    let mut ev = audit(
        Some(actor.user_id),
        ReviewLifecycle::ENTITY,
        id,
        ReviewAction::Submit.as_str(),
        now,
    );
    ev.from_state = Some(r.review.status.as_str().into());
    ev.to_state = Some(to.as_str().into());
    let change = StatusChange::of::<ReviewLifecycle>(id, r.review.status, to, None);
    lifecycle::written::<ReviewLifecycle>(
        state
            .store
            .submit_review(&change, &rows, &overall.unwrap_or_default(), &ev)
            .await,
    )
}

/// The weighted ranking of a call's qualified bids (officials): each reviewer's total, the
/// mean, spread, outliers and ties.
#[tracing::instrument(skip_all)]
pub async fn ranking(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
) -> Result<Vec<RankingRow>, AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    ranking_of(state, &call).await
}

pub(crate) async fn ranking_of(
    state: &AppState,
    call: &CallRow,
) -> Result<Vec<RankingRow>, AppError> {
    let c = &call.call;
    let weights: Vec<u32> = c.criteria.iter().map(|k| k.weight).collect();
    let bids = qualified_bids(state, c.id).await?;
    let reviews = state.store.reviews_of_call(c.id).await.map_err(internal)?;
    let per_bid: Vec<Vec<&ReviewRow>> = bids
        .iter()
        .map(|b| {
            reviews
                .iter()
                .filter(|r| {
                    r.review.bid_id == b.bid.id && r.review.status == ReviewStatus::Submitted
                })
                .collect()
        })
        .collect();
    let totals: Vec<Vec<i64>> = per_bid
        .iter()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    let s: Vec<u32> = r.scores.iter().map(|s| s.score).collect();
                    review::weighted_total(&s, &weights, c.score_scale)
                })
                .collect()
        })
        .collect();
    Ok(review::rank(&totals)
        .into_iter()
        .map(|rk| {
            let b = &bids[rk.index];
            RankingRow {
                bid_id: b.bid.id,
                bid_title: b.bid.title.clone(),
                org_name: b.org_name.clone(),
                rank: rk.rank,
                tied: rk.tied,
                mean: rk.mean,
                spread: rk.spread,
                reviewers: per_bid[rk.index]
                    .iter()
                    .enumerate()
                    .map(|(i, r)| ReviewerTotal {
                        expert_name: r.expert_name.clone(),
                        total: totals[rk.index][i],
                        outlier: rk.outliers.contains(&i),
                        scores: r.scores.iter().map(|s| s.score).collect(),
                    })
                    .collect(),
                pending: reviews
                    .iter()
                    .filter(|r| {
                        r.review.bid_id == b.bid.id
                            && matches!(
                                r.review.status,
                                ReviewStatus::Assigned | ReviewStatus::Accepted
                            )
                    })
                    .count(),
            }
        })
        .collect())
}
