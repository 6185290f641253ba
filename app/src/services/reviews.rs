//! Expert review of a call's qualified bids (with conflicts excluded), the officials' weighted
//! ranking, the award and its 5-working-day 公示 with signed objections, and the feedback each
//! unsuccessful team reads.
use super::calls::{call_target, load_call};
use super::*;
use crate::domain::bid::BidStatus;
use crate::domain::call::{CallAction, CallLifecycle, CallStatus};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::review::{self, Conflict, ReviewAction, ReviewLifecycle, ReviewStatus};
use crate::domain::text::clean_text;
use crate::domain::workdays::{Calendar, DayKind, PUBLICITY_WORKING_DAYS};
use crate::model::*;
use crate::policy::{authorize, Action, Actor};

fn official(actor: &Actor) -> Result<(), AppError> {
    authorize(
        Some(actor),
        Action::ManageCall,
        call_target(CallStatus::Reviewing),
    )?;
    Ok(())
}

fn not_in(status: CallStatus, wanted: CallStatus) -> AppError {
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
    let mut c = vec![];
    if expert.org_id == Some(bid.bid.org_id) {
        c.push(Conflict::SameOrganization);
    }
    if bid.bid.lead_user_id == expert.profile.user_id
        || bid
            .members
            .iter()
            .any(|m| m.user_id == expert.profile.user_id)
    {
        c.push(Conflict::OnTeam);
    }
    c
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
    let (experts, _) = state
        .store
        .list_experts(false, None, 500, 0)
        .await
        .map_err(internal)?;
    let want = field
        .map(|f| f.trim().to_lowercase())
        .filter(|f| !f.is_empty());
    Ok(experts
        .into_iter()
        .filter(|e| e.profile.accepts_review)
        .filter(|e| {
            want.as_ref().is_none_or(|w| {
                e.profile
                    .fields
                    .iter()
                    .chain(e.profile.keywords.iter())
                    .any(|f| f.to_lowercase().contains(w.as_str()))
            })
        })
        .map(|e| ReviewerOption {
            conflicts: bids
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
                .collect(),
            assigned: assigned.contains(&e.profile.user_id),
            user_id: e.profile.user_id,
            name: e.name,
            title: e.profile.title,
            org_name: e.org_name,
            fields: e.profile.fields,
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
    if experts.is_empty() {
        return Err(AppError::field(
            "experts",
            "请至少选择一位评审专家",
            "Choose at least one reviewer",
        ));
    }
    let override_reason = lifecycle::action_reason(override_reason, false).map_err(|_| {
        AppError::field(
            "override_reason",
            "回避豁免理由至少 2 个字",
            "The override reason needs at least 2 characters",
        )
    })?;
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
        let e = state
            .store
            .get_expert(*uid)
            .await
            .map_err(internal)?
            .filter(|e| e.profile.accepts_review)
            .ok_or_else(|| {
                AppError::field(
                    "experts",
                    "所选专家不在评审专家库中或不接受评审",
                    "A chosen expert is not in the pool or does not accept reviews",
                )
            })?;
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
        return Err(AppError::field(
            "override_reason",
            format!(
                "存在利益冲突，需回避：{}。如确需指派，请填写豁免理由",
                zh.join("；")
            ),
            format!(
                "Conflicts of interest: {}. To assign anyway, give an override reason",
                en.join("; ")
            ),
        ));
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

async fn ranking_of(state: &AppState, call: &CallRow) -> Result<Vec<RankingRow>, AppError> {
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

/// The holiday calendar the 公示 counts working days with.
pub(crate) async fn calendar(state: &AppState) -> Result<Calendar, AppError> {
    Ok(Calendar::new(
        state
            .store
            .holidays()
            .await
            .map_err(internal)?
            .into_iter()
            .filter_map(|(d, k)| DayKind::parse(&k).map(|k| (d, k))),
    ))
}

/// Awards the call to `picks` (bid, reason) and opens its 5-working-day 公示. Picks that are
/// not the top-ranked bids need `justification`. Exactly one of two officials awarding at once
/// succeeds; the other is told the call moved on.
#[tracing::instrument(skip_all)]
pub async fn award_call(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    picks: &[(Uuid, String)],
    justification: Option<&str>,
) -> Result<DateTime<Utc>, AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    let c = &call.call;
    if c.status != CallStatus::Reviewing {
        return Err(not_in(c.status, CallStatus::Reviewing));
    }
    let ranking = ranking_of(state, &call).await?;
    let k = c.winners as usize;
    if ranking.len() < k {
        return Err(AppError::conflict(
            format!(
                "通过形式审查的申报（{}）少于中榜团队数（{k}）",
                ranking.len()
            ),
            format!("Fewer eligible bids ({}) than winners ({k})", ranking.len()),
        ));
    }
    if let Some(r) = ranking.iter().find(|r| r.pending > 0 || r.mean.is_none()) {
        return Err(AppError::conflict(
            format!("“{}”的专家评分尚未全部提交", r.bid_title),
            format!("Not every review of “{}” is in", r.bid_title),
        ));
    }
    let mut errs = crate::error::Errors::default();
    let mut chosen: Vec<(Uuid, String)> = vec![];
    for (b, reason) in picks {
        if !ranking.iter().any(|r| r.bid_id == *b) || chosen.iter().any(|(x, _)| x == b) {
            errs.push(
                "picks",
                "所选申报不在本榜单的合格申报中",
                "A chosen bid is not an eligible bid of this call",
            );
            continue;
        }
        if let Some(r) = errs.take("picks", clean_text(reason, 2, 1000)) {
            chosen.push((*b, r));
        }
    }
    if picks.len() != k {
        errs.push(
            "picks",
            format!("本榜单须选定 {k} 个中榜团队，现选 {}", picks.len()),
            format!("This call has {k} winner(s); {} chosen", picks.len()),
        );
    }
    // Top-ranked: every pick ranks within the first K (ties at the boundary count as top).
    let top = chosen
        .iter()
        .all(|(b, _)| ranking.iter().any(|r| r.bid_id == *b && r.rank <= k));
    let justification = match justification.map(str::trim).filter(|j| !j.is_empty()) {
        Some(j) => errs.take("justification", clean_text(j, 10, 2000)),
        None => None,
    };
    if !top && justification.is_none() && !errs.0.iter().any(|e| e.field == "justification") {
        errs.push(
            "justification",
            "所选团队不是评审排名靠前者，请书面说明理由（至少 10 个字）",
            "The chosen bids are not the top-ranked ones: give a written justification (at least 10 characters)",
        );
    }
    errs.finish()?;
    let now = state.clock.now();
    let ends = calendar(state)
        .await?
        .period_end(now, PUBLICITY_WORKING_DAYS);
    let to = CallLifecycle::transition(c.status, CallAction::OpenPublicity)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let mut ev = audit(
        Some(actor.user_id),
        CallLifecycle::ENTITY,
        call_id,
        CallAction::OpenPublicity.as_str(),
        now,
    );
    ev.from_state = Some(c.status.as_str().into());
    ev.to_state = Some(to.as_str().into());
    ev.reason = justification.clone().filter(|_| !top);
    let change = StatusChange::of::<CallLifecycle>(call_id, c.status, to, None);
    let awards: Vec<AwardRecord> = chosen
        .into_iter()
        .map(|(bid_id, reason)| AwardRecord {
            bid_id,
            reason,
            justification: justification.clone().filter(|_| !top),
        })
        .collect();
    match state
        .store
        .open_publicity(&change, &awards, now, ends, &ev)
        .await
    {
        Ok(()) => {
            let mut people = vec![];
            for b in state.store.bids_of_call(call_id).await.map_err(internal)? {
                people.push(b.bid.lead_user_id);
                people.extend(b.members.iter().map(|m| m.user_id));
            }
            let until = crate::domain::time::format_datetime(ends);
            super::notifications::notify(
                state,
                &people,
                super::notifications::Event {
                    kind: "award",
                    zh: format!("榜单“{}”已定榜并公示，公示期至 {until}", c.title),
                    en: format!(
                        "“{}” is awarded; the notice runs until {until} (Beijing time)",
                        c.title
                    ),
                    link: format!("/calls/{call_id}"),
                    once: None,
                },
            )
            .await;
            Ok(ends)
        }
        Err(StoreError::Stale) => Err(AppError::conflict(
            "另一位管理人员已对本榜单定榜，请刷新查看",
            "Another official has already awarded this call; reload to see it",
        )),
        Err(e) => Err(internal(e)),
    }
}

/// The 公示 as `actor` may see it (public while and after it runs).
pub(crate) async fn publicity_view(
    state: &AppState,
    actor: Option<&Actor>,
    call: &CallRow,
) -> Result<Option<PublicityView>, AppError> {
    let Some((starts, ends)) = state
        .store
        .publicity_period(call.call.id)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let is_official = actor.is_some_and(|a| official(a).is_ok());
    let ranking = ranking_of(state, call).await?;
    let awards = state
        .store
        .call_awards(call.call.id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|a| AwardView {
            total: ranking
                .iter()
                .find(|r| r.bid_id == a.award.bid_id)
                .and_then(|r| r.mean),
            bid_id: a.award.bid_id,
            org_id: a.org_id,
            org_name: a.org_name,
            bid_title: a.bid_title,
            reason: a.award.reason,
            justification: a.award.justification.filter(|_| is_official),
        })
        .collect();
    let mask = |name: &str| {
        let mut chars = name.chars();
        match chars.next() {
            Some(first) => format!("{first}{}", "*".repeat(chars.count().clamp(1, 3))),
            None => "*".into(),
        }
    };
    // Objections to this 公示 (an earlier one, withdrawn after an upheld objection, keeps its
    // own in the audit log).
    let objections: Vec<ObjectionView> = state
        .store
        .objections_of(call.call.id)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|o| o.objection.created_at >= starts)
        .map(|o| ObjectionView {
            id: o.objection.id,
            by: if is_official {
                o.user_name.clone()
            } else {
                mask(&o.user_name)
            },
            body: o.objection.body,
            created_at: o.objection.created_at,
            answer: o.objection.answer,
            upheld: o.objection.upheld,
            answered_at: o.objection.answered_at,
        })
        .collect();
    let now = state.clock.now();
    let open = call.call.status == CallStatus::Publicity;
    Ok(Some(PublicityView {
        starts,
        ends,
        may_object: open && actor.is_some() && now < ends,
        may_answer: open && is_official && objections.iter().any(|o| o.answer.is_none()),
        may_conclude: open
            && is_official
            && now >= ends
            && objections.iter().all(|o| o.answer.is_some()),
        awards,
        objections,
    }))
}

/// A signed, written objection during the 公示 (anonymous ones are refused).
#[tracing::instrument(skip_all)]
pub async fn file_objection(
    state: &AppState,
    actor: Option<&Actor>,
    call_id: Uuid,
    body: &str,
) -> Result<Uuid, AppError> {
    let actor = actor.ok_or_else(|| {
        AppError::conflict(
            "异议须实名提交：请先登录",
            "Objections must be signed: sign in first",
        )
    })?;
    let call = load_call(state, call_id).await?;
    let now = state.clock.now();
    let period = state
        .store
        .publicity_period(call_id)
        .await
        .map_err(internal)?;
    let open = call.call.status == CallStatus::Publicity && period.is_some_and(|(_, e)| now < e);
    if !open {
        return Err(AppError::conflict(
            "本榜单不在公示期内，不能提出异议",
            "The call is not in its notice period; objections are closed",
        ));
    }
    let body = clean_text(body, 10, 2000)
        .map_err(|e| AppError::field("body", e.message_zh(), e.message_en()))?;
    let id = Uuid::new_v4();
    let ev = audit(Some(actor.user_id), "objection", id, "file", now);
    let o = ObjectionRecord {
        id,
        call_id,
        user_id: actor.user_id,
        body,
        created_at: now,
        answer: None,
        upheld: None,
        answered_by: None,
        answered_at: None,
    };
    match state.store.insert_objection(&o, &ev).await {
        Ok(()) => {
            // The official who built the call answers for it.
            super::notifications::notify(
                state,
                &[call.call.created_by],
                super::notifications::Event {
                    kind: "objection_filed",
                    zh: format!("榜单“{}”收到一条实名异议，请答复", call.call.title),
                    en: format!(
                        "A signed objection to “{}” awaits your answer",
                        call.call.title
                    ),
                    link: format!("/calls/{call_id}"),
                    once: None,
                },
            )
            .await;
            Ok(id)
        }
        Err(StoreError::Stale) => Err(AppError::conflict(
            "本榜单不在公示期内，不能提出异议",
            "The call is not in its notice period; objections are closed",
        )),
        Err(e) => Err(internal(e)),
    }
}

/// An official's public answer; an upheld objection sends the call back to review.
#[tracing::instrument(skip_all)]
pub async fn answer_objection(
    state: &AppState,
    actor: &Actor,
    objection_id: Uuid,
    answer: &str,
    upheld: bool,
) -> Result<(), AppError> {
    official(actor)?;
    let o = state
        .store
        .get_objection(objection_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let call = load_call(state, o.call_id).await?;
    if call.call.status != CallStatus::Publicity {
        return Err(not_in(call.call.status, CallStatus::Publicity));
    }
    let answer = clean_text(answer, 2, 2000)
        .map_err(|e| AppError::field("answer", e.message_zh(), e.message_en()))?;
    let now = state.clock.now();
    let ev = audit(
        Some(actor.user_id),
        "objection",
        objection_id,
        if upheld { "uphold" } else { "dismiss" },
        now,
    );
    match state
        .store
        .answer_objection(objection_id, &answer, upheld, actor.user_id, now, &ev)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Stale) => {
            return Err(AppError::conflict(
                "该异议已答复",
                "This objection has been answered already",
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    super::notifications::notify(
        state,
        &[o.user_id],
        super::notifications::Event {
            kind: "objection_answered",
            zh: format!("您对榜单“{}”的异议已答复", call.call.title),
            en: format!("Your objection to “{}” has been answered", call.call.title),
            link: format!("/calls/{}", o.call_id),
            once: None,
        },
    )
    .await;
    if upheld {
        let to = CallLifecycle::transition(CallStatus::Publicity, CallAction::ReturnToReview)
            .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
        let mut ev = audit(
            Some(actor.user_id),
            CallLifecycle::ENTITY,
            o.call_id,
            CallAction::ReturnToReview.as_str(),
            now,
        );
        ev.from_state = Some(CallStatus::Publicity.as_str().into());
        ev.to_state = Some(to.as_str().into());
        ev.reason = Some(answer.clone());
        let change =
            StatusChange::of::<CallLifecycle>(o.call_id, CallStatus::Publicity, to, Some(&answer));
        lifecycle::written::<CallLifecycle>(state.store.reopen_review(&change, &ev).await)?;
    }
    Ok(())
}

/// Ends the 公示 once its period is over and every objection is answered: the award stands.
#[tracing::instrument(skip_all)]
pub async fn conclude_publicity(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
) -> Result<(), AppError> {
    official(actor)?;
    let call = load_call(state, call_id).await?;
    if call.call.status != CallStatus::Publicity {
        return Err(not_in(call.call.status, CallStatus::Publicity));
    }
    let now = state.clock.now();
    let (starts, ends) = state
        .store
        .publicity_period(call_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Internal)?;
    if now < ends {
        return Err(AppError::conflict(
            format!(
                "公示期至 {} 结束，期满后方可结束公示",
                crate::domain::time::format_datetime(ends)
            ),
            format!(
                "The notice period runs until {}",
                crate::domain::time::format_datetime(ends)
            ),
        ));
    }
    let open = state
        .store
        .objections_of(call_id)
        .await
        .map_err(internal)?
        .iter()
        .filter(|o| o.objection.created_at >= starts && o.objection.answer.is_none())
        .count();
    if open > 0 {
        return Err(AppError::conflict(
            format!("还有 {open} 条异议未答复"),
            format!("{open} objection(s) still await an answer"),
        ));
    }
    let awarded: Vec<Uuid> = state
        .store
        .call_awards(call_id)
        .await
        .map_err(internal)?
        .iter()
        .map(|a| a.award.bid_id)
        .collect();
    let to = CallLifecycle::transition(call.call.status, CallAction::ConcludePublicity)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let mut ev = audit(
        Some(actor.user_id),
        CallLifecycle::ENTITY,
        call_id,
        CallAction::ConcludePublicity.as_str(),
        now,
    );
    ev.from_state = Some(call.call.status.as_str().into());
    ev.to_state = Some(to.as_str().into());
    let change = StatusChange::of::<CallLifecycle>(call_id, call.call.status, to, None);
    lifecycle::written::<CallLifecycle>(
        state.store.conclude_publicity(&change, &awarded, &ev).await,
    )
}

/// What a bid's team learns once the award is announced: scores per criterion (means), the
/// ranking band and the comments, never who wrote them. `None` before the 公示 or for a bid
/// that was not reviewed.
pub(crate) async fn feedback_for(
    state: &AppState,
    call: &CallRow,
    bid: &BidRow,
) -> Result<Option<BidFeedback>, AppError> {
    let c = &call.call;
    if !matches!(c.status, CallStatus::Publicity | CallStatus::Awarded) {
        return Ok(None);
    }
    let ranking = ranking_of(state, call).await?;
    let Some(me) = ranking.iter().find(|r| r.bid_id == bid.bid.id) else {
        return Ok(None);
    };
    let reviews: Vec<ReviewRow> = state
        .store
        .reviews_of_call(c.id)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|r| r.review.bid_id == bid.bid.id && r.review.status == ReviewStatus::Submitted)
        .collect();
    let n = reviews.len().max(1) as i64;
    let criteria = c
        .criteria
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let sum: i64 = reviews
                .iter()
                .filter_map(|r| r.scores.iter().find(|s| s.criterion as usize == i))
                .map(|s| i64::from(s.score) * 100)
                .sum();
            (k.name.clone(), k.weight, (sum * 2 + n) / (2 * n))
        })
        .collect();
    // Comments in a fixed order that does not follow the reviewers (sorted by text).
    let mut comments: Vec<String> = reviews
        .iter()
        .flat_map(|r| {
            r.scores
                .iter()
                .map(|s| s.comment.clone())
                .chain(r.review.comment.clone().filter(|c| !c.is_empty()))
        })
        .collect();
    comments.sort();
    let (zh, en) = review::band(me.rank, ranking.len());
    Ok(Some(BidFeedback {
        status: bid.bid.status,
        criteria,
        score_scale: c.score_scale,
        total: me.mean,
        band_zh: zh.into(),
        band_en: en.into(),
        comments,
    }))
}

/// The holiday calendar, for officials to read and extend.
#[tracing::instrument(skip_all)]
pub async fn holidays(state: &AppState, actor: &Actor) -> Result<Vec<(String, String)>, AppError> {
    official(actor)?;
    Ok(state
        .store
        .holidays()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(d, k)| (d.format("%Y-%m-%d").to_string(), k))
        .collect())
}

/// Adds or corrects one day of the calendar (a holiday, or a make-up working day).
#[tracing::instrument(skip_all)]
pub async fn set_holiday(
    state: &AppState,
    actor: &Actor,
    day: &str,
    kind: &str,
    name: &str,
) -> Result<(), AppError> {
    official(actor)?;
    let mut errs = crate::error::Errors::default();
    let d = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        errs.push(
            "day",
            "请输入日期，格式 YYYY-MM-DD",
            "Enter a date as YYYY-MM-DD",
        );
    }
    let k = DayKind::parse(kind.trim());
    if k.is_none() {
        errs.push(
            "kind",
            "请选择放假或调休上班",
            "Choose a holiday or a make-up working day",
        );
    }
    let name = errs.take("name", clean_text(name, 2, 40));
    errs.finish()?;
    let (Some(d), Some(k), Some(name)) = (d, k, name) else {
        return Err(AppError::Internal);
    };
    let ev = audit(
        Some(actor.user_id),
        "holiday",
        d.format("%Y-%m-%d"),
        k.as_str(),
        state.clock.now(),
    );
    state
        .store
        .upsert_holiday(d, k.as_str(), &name, Some(&ev))
        .await
        .map_err(internal)
}
