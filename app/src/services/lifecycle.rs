//! The one path every status change of a reviewed record takes (demands and achievements now;
//! calls, bids, milestones and contracts next): reason check → the kind's transition table →
//! the kind's own guard → audit event → one store write that also queues the search outbox →
//! a stale-version conflict if the record changed meanwhile. Each kind's own rules (who may,
//! deadline re-checks) stay in its own file and run before or inside `apply`.
use super::*;
use crate::domain::lifecycle::{Labelled, Lifecycle};
use crate::domain::text::clean_text;
use crate::model::{AuditEntry, RecordPermissions};
use crate::policy::{authorize, Action, Actor, Target};

/// A kind of reviewed record as the policy sees it: which policy actions allow each of its
/// lifecycle actions. Each kind implements it in its own file.
pub(crate) trait Reviewed: Lifecycle {
    /// The actions a person may take, in the order the page offers them (system actions such
    /// as expiry are left out).
    const OFFERED: &'static [Self::Action];
    /// Editing the content.
    const EDIT: Action;
    /// Reading the record in any status, with its history.
    const VIEW_HISTORY: Action;
    /// The policy actions any one of which allows `action`.
    fn allowed_by(action: Self::Action) -> &'static [Action];
    /// The record's page.
    fn page(id: Uuid) -> String;
}

/// Whether `actor` may take `action` on a record described by `target` (its status aside).
pub(crate) fn authorize_action<L: Reviewed>(
    actor: Option<&Actor>,
    target: Target,
    action: L::Action,
) -> Result<(), AppError> {
    let needed = L::allowed_by(action);
    let mut refusal = AppError::Forbidden;
    for a in needed {
        match authorize(actor, *a, target) {
            Ok(()) => return Ok(()),
            Err(e) => refusal = e.into(),
        }
    }
    Err(refusal)
}

/// What `actor` may do now with a record of kind `L` in `status`: the one permissions view of
/// every reviewed record.
pub(crate) fn permissions<L: Reviewed>(
    actor: Option<&Actor>,
    target: Target,
    status: L::Status,
) -> RecordPermissions {
    RecordPermissions {
        edit: authorize(actor, L::EDIT, target).is_ok() && L::is_editable(status),
        actions: L::OFFERED
            .iter()
            .filter(|a| {
                L::transition(status, **a).is_ok()
                    && authorize_action::<L>(actor, target, **a).is_ok()
            })
            .map(|a| a.as_str().to_string())
            .collect(),
        see_history: authorize(actor, L::VIEW_HISTORY, target).is_ok(),
    }
}

/// Takes lifecycle action `action` (a code from a form) on record `id` of kind `kind` (its
/// `Lifecycle::ENTITY`); returns the record's page. A kind joins by adding its line here.
#[tracing::instrument(skip_all)]
pub async fn take_action(
    state: &AppState,
    actor: &Actor,
    kind: &str,
    id: Uuid,
    action: &str,
    reason: Option<&str>,
) -> Result<String, AppError> {
    use crate::domain::achievement::AchievementLifecycle;
    use crate::domain::bid::BidLifecycle;
    use crate::domain::call::CallLifecycle;
    use crate::domain::demand::DemandLifecycle;
    fn parse<L: Lifecycle>(code: &str) -> Result<L::Action, AppError> {
        L::Action::parse(code).ok_or(AppError::NotFound)
    }
    match kind {
        DemandLifecycle::ENTITY => {
            let a = parse::<DemandLifecycle>(action)?;
            super::demand_action(state, actor, id, a, reason).await?;
            Ok(DemandLifecycle::page(id))
        }
        AchievementLifecycle::ENTITY => {
            let a = parse::<AchievementLifecycle>(action)?;
            super::achievement_action(state, actor, id, a, reason).await?;
            Ok(AchievementLifecycle::page(id))
        }
        CallLifecycle::ENTITY => {
            let a = parse::<CallLifecycle>(action)?;
            super::call_action(state, actor, id, a, reason).await?;
            Ok(CallLifecycle::page(id))
        }
        crate::domain::contract::ContractLifecycle::ENTITY => {
            let a = parse::<crate::domain::contract::ContractLifecycle>(action)?;
            super::contract_action(state, actor, id, a, reason).await?;
            Ok(format!("/contracts/{id}"))
        }
        crate::domain::review::ReviewLifecycle::ENTITY => {
            let a = parse::<crate::domain::review::ReviewLifecycle>(action)?;
            super::review_action(state, actor, id, a, reason).await?;
            Ok(format!("/reviews/{id}"))
        }
        // Bids are not `Reviewed`: who may act on one is `policy::bid_access`, in bids.rs.
        BidLifecycle::ENTITY => {
            let a = parse::<BidLifecycle>(action)?;
            super::bid_action(state, actor, id, a, reason).await?;
            Ok(format!("/bids/{id}"))
        }
        _ => Err(AppError::NotFound),
    }
}

/// Applies `action` to record `id` of kind `L`, found in status `from`. `guard` sees the status
/// the action leads to and the clock's time, and may refuse. `actor` is `None` for the system
/// (expiry).
#[tracing::instrument(skip_all)]
pub(crate) async fn apply<L: Lifecycle>(
    state: &AppState,
    actor: Option<Uuid>,
    id: Uuid,
    from: L::Status,
    action: L::Action,
    reason: Option<&str>,
    guard: impl FnOnce(L::Status, DateTime<Utc>) -> Result<(), AppError>,
) -> Result<L::Status, AppError> {
    let now = state.clock.now();
    let (change, ev) = step::<L>(actor, id, from, action, reason, now)?;
    let to = L::transition(from, action)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    guard(to, now)?;
    written::<L>(state.store.change_status(&change, &ev).await)?;
    Ok(to)
}

/// One step of a kind whose change is written together with more (a milestone's submission,
/// the tasks and the call an acceptance closes): the reason checked, the transition taken, and
/// the guarded change with its audit event, for the caller's one transactional write.
pub(crate) fn step<L: Lifecycle>(
    actor: Option<Uuid>,
    id: Uuid,
    from: L::Status,
    action: L::Action,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(StatusChange, AuditEvent), AppError> {
    let reason = action_reason(reason, L::requires_reason(action))?;
    let to = L::transition(from, action)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let mut ev = audit(actor, L::ENTITY, id, action.as_str(), now);
    ev.from_state = Some(from.as_str().into());
    ev.to_state = Some(to.as_str().into());
    ev.reason = reason.clone();
    Ok((StatusChange::of::<L>(id, from, to, reason.as_deref()), ev))
}

/// Refuses an edit of a record whose status no longer allows it.
pub(crate) fn ensure_editable<L: Lifecycle>(status: L::Status) -> Result<(), AppError> {
    if L::is_editable(status) {
        return Ok(());
    }
    Err(AppError::conflict(
        format!("当前状态“{}”的{}不能修改", status.label_zh(), L::NOUN_ZH),
        format!(
            "The {} cannot be edited in state “{}”",
            L::NOUN_EN,
            status.label_en()
        ),
    ))
}

/// The outcome of a guarded write of a record of kind `L`: a stale version becomes the
/// "changed meanwhile" conflict, any other failure a logged internal error.
pub(crate) fn written<L: Lifecycle>(r: StoreResult<()>) -> Result<(), AppError> {
    match r {
        Ok(()) => Ok(()),
        Err(StoreError::Stale) => Err(stale::<L>()),
        Err(e) => Err(internal(e)),
    }
}

/// The record changed between reading and writing it.
pub(crate) fn stale<L: Lifecycle>() -> AppError {
    AppError::conflict(
        format!("{}状态已变化，请刷新后重试", L::NOUN_ZH),
        format!("The {} changed meanwhile; reload and try again", L::NOUN_EN),
    )
}

/// The audit history of one entity as the pages show it.
#[tracing::instrument(skip_all)]
pub(crate) async fn history_of(
    state: &AppState,
    entity_type: &str,
    id: Uuid,
) -> Result<Vec<AuditEntry>, AppError> {
    Ok(state
        .store
        .audit_for(entity_type, &id.to_string())
        .await
        .map_err(internal)?
        .into_iter()
        .map(|r| AuditEntry {
            at: r.event.at,
            actor_name: r.actor_name,
            action: r.event.action,
            from_state: r.event.from_state,
            to_state: r.event.to_state,
            reason: r.event.reason,
        })
        .collect())
}

/// The reason given with a state change: cleaned, and required where the process says so.
pub(crate) fn action_reason(
    reason: Option<&str>,
    required: bool,
) -> Result<Option<String>, AppError> {
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(
            clean_text(r, 2, 1000)
                .map_err(|e| AppError::field("reason", e.message_zh(), e.message_en()))?,
        ),
        None => None,
    };
    if required && reason.is_none() {
        return Err(AppError::field(
            "reason",
            "请填写理由",
            "Please give a reason",
        ));
    }
    Ok(reason)
}
