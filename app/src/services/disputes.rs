//! Credit-code disputes decided by officials.
use super::*;
use crate::domain::text::clean_text;
use crate::domain::Role;
use crate::error::AppError;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use uuid::Uuid;

#[tracing::instrument(skip_all)]
pub async fn list_disputes(state: &AppState, actor: &Actor) -> Result<Vec<DisputeView>, AppError> {
    authorize(Some(actor), Action::VerifyOrg, Target::NONE)?;
    Ok(state
        .store
        .list_disputes(true)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|d| DisputeView {
            id: d.id,
            org_name: d.org_name,
            credit_code: d.credit_code,
            claimant_name: d.claimant_name,
            claimant_email: d.claimant_email,
            reason: d.reason,
            created_at: d.created_at,
        })
        .collect())
}

/// Upholding a claim withdraws the organization's verification and admits the claimant as an
/// administrator; dismissing only closes it. Either way the decision and its note are audited.
#[tracing::instrument(skip_all)]
pub async fn decide_dispute(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    upheld: bool,
    note: &str,
) -> Result<(), AppError> {
    authorize(Some(actor), Action::VerifyOrg, Target::NONE)?;
    let note = clean_text(note, 2, 1000)
        .map_err(|e| AppError::field("note", e.message_zh(), e.message_en()))?;
    let d = state
        .store
        .list_disputes(true)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| {
            AppError::conflict(
                "该争议不存在或已处理",
                "This dispute does not exist or was already decided",
            )
        })?;
    let org = state
        .store
        .get_org(d.org_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let roles: Vec<Role> = org.org_type.default_member_role().into_iter().collect();
    let mut ev = audit(
        Some(actor.user_id),
        "organization",
        d.org_id,
        if upheld {
            "dispute_upheld"
        } else {
            "dispute_dismissed"
        },
        state.clock.now(),
    );
    ev.reason = Some(note.clone());
    match state
        .store
        .decide_dispute(id, upheld, actor.user_id, &note, &roles, &ev)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Stale) => Err(AppError::conflict(
            "该争议已处理",
            "This dispute was already decided",
        )),
        Err(e) => Err(internal(e)),
    }
}
