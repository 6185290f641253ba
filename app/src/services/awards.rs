//! The award of a call and its 5-working-day 公示: winners with reasons (a justification when
//! not the top-ranked), signed objections answered publicly (upheld → back to review), the end
//! of the period, and the feedback every reviewed team reads.
use super::calls::load_call;
use super::reviews::{not_in, official, ranking_of};
use super::*;
use crate::domain::call::{CallAction, CallLifecycle, CallStatus};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::review::{self, ReviewStatus};
use crate::domain::text::clean_text;
use crate::domain::workdays::PUBLICITY_WORKING_DAYS;
use crate::model::*;
use crate::policy::Actor;

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
    let ends = super::calendar::calendar(state)
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
    let drafts = super::contracts::drafts_from_award(state, actor, &call.call, &awarded).await?;
    lifecycle::written::<CallLifecycle>(
        state
            .store
            .conclude_publicity(&change, &awarded, &drafts, &ev)
            .await,
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
