//! Organizations, their members and roles: public organization pages, verification,
//! membership decisions, role grants and officials' reset links.
use super::*;
use crate::domain::achievement::{self as ach, AchievementStatus};
use crate::domain::demand::{self, DemandStatus};
use crate::domain::Role;
use crate::error::AppError;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use uuid::Uuid;

/// An organization record holding the registration details `c`.
pub fn new_org_record(
    c: &crate::records::org::OrgContent,
    id: Uuid,
    verified: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> OrgRecord {
    OrgRecord {
        id,
        name: c.name.clone(),
        org_type: c.org_type,
        credit_code: c.credit_code.as_str().to_string(),
        district_code: c.district_code.clone(),
        contact_name: c.contact_name.clone(),
        contact_phone: c.contact_phone.clone(),
        verified,
        created_at: now,
    }
}

/// An organization's page. Public once verified or once it has published work or a public
/// expert profile; otherwise shown only to its members and officials (anyone else gets "not
/// found"). Lists only published work.
#[tracing::instrument(skip_all)]
pub async fn org_profile(
    state: &AppState,
    actor: Option<&Actor>,
    org_id: Uuid,
) -> Result<OrgProfile, AppError> {
    let org = state
        .store
        .get_org(org_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    const SHOWN: i64 = 20;
    let dq = DemandQuery {
        statuses: DemandStatus::ALL
            .iter()
            .copied()
            .filter(|s| demand::is_public(*s))
            .collect(),
        org_id: Some(org.id),
        limit: SHOWN,
        ..Default::default()
    };
    let (drows, dtotal) = state.store.list_demands(&dq).await.map_err(internal)?;
    let aq = AchievementQuery {
        statuses: AchievementStatus::ALL
            .iter()
            .copied()
            .filter(|s| ach::is_public(*s))
            .collect(),
        org_id: Some(org.id),
        limit: SHOWN,
        offset: 0,
    };
    let (arows, atotal) = state.store.list_achievements(&aq).await.map_err(internal)?;
    let (experts, _) = state
        .store
        .list_experts(true, Some(org.id), 100, 0)
        .await
        .map_err(internal)?;
    // Its name is already public wherever it has published work or a public expert, so the
    // page is too.
    let public = org.verified || dtotal > 0 || atotal > 0 || !experts.is_empty();
    authorize(
        actor,
        Action::ViewOrgProfile,
        Target::owned_by(org.id, public),
    )
    .map_err(|_| AppError::NotFound)?;
    Ok(OrgProfile {
        org: org_summary(&org),
        demands: Page {
            items: drows.iter().map(summary_of).collect(),
            total: dtotal,
            page: 1,
            per_page: SHOWN as u32,
        },
        achievements: Page {
            items: arows.iter().map(achievement_summary).collect(),
            total: atotal,
            page: 1,
            per_page: SHOWN as u32,
        },
        experts: experts.into_iter().map(|e| expert_view(e, false)).collect(),
    })
}

pub fn org_summary(o: &OrgRecord) -> OrgSummary {
    OrgSummary {
        id: o.id,
        name: o.name.clone(),
        org_type: o.org_type,
        credit_code: o.credit_code.clone(),
        district_code: o.district_code.clone(),
        verified: o.verified,
    }
}

#[tracing::instrument(skip_all)]
pub async fn list_orgs(state: &AppState, actor: &Actor) -> Result<Vec<OrgListItem>, AppError> {
    authorize(Some(actor), Action::VerifyOrg, Target::NONE)?;
    Ok(state
        .store
        .list_orgs()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(o, n)| OrgListItem {
            org: org_summary(&o),
            contact_name: o.contact_name,
            contact_phone: o.contact_phone,
            member_count: n,
            created_at: o.created_at,
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn verify_org(
    state: &AppState,
    actor: &Actor,
    org_id: Uuid,
    verified: bool,
) -> Result<(), AppError> {
    authorize(Some(actor), Action::VerifyOrg, Target::NONE)?;
    let org = state
        .store
        .get_org(org_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let mut ev = audit(
        Some(actor.user_id),
        "organization",
        org_id,
        if verified { "verify" } else { "unverify" },
        state.clock.now(),
    );
    ev.from_state = Some(
        if org.verified {
            "verified"
        } else {
            "unverified"
        }
        .into(),
    );
    ev.to_state = Some(if verified { "verified" } else { "unverified" }.into());
    state
        .store
        .set_org_verified(org_id, verified, &ev)
        .await
        .map_err(internal)
}

#[tracing::instrument(skip_all)]
pub async fn list_users(state: &AppState, actor: &Actor) -> Result<Vec<UserListItem>, AppError> {
    authorize(Some(actor), Action::ListUsers, Target::NONE)?;
    Ok(state
        .store
        .list_users()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(u, roles, org)| UserListItem {
            user_id: u.id,
            email: u.email,
            display_name: u.display_name,
            org_name: org,
            roles,
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn set_role(
    state: &AppState,
    actor: &Actor,
    user_id: Uuid,
    role: Role,
    grant: bool,
) -> Result<(), AppError> {
    authorize(Some(actor), Action::GrantRole, Target::NONE)?;
    if !grant && user_id == actor.user_id && role == Role::Official {
        return Err(AppError::conflict(
            "不能撤销自己的管理人员角色",
            "You cannot remove your own official role",
        ));
    }
    state
        .store
        .get_user(user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let mut ev = audit(
        Some(actor.user_id),
        "user",
        user_id,
        if grant { "grant_role" } else { "revoke_role" },
        state.clock.now(),
    );
    ev.reason = Some(role.as_str().into());
    if grant {
        state
            .store
            .grant_role(user_id, role, &ev)
            .await
            .map_err(internal)
    } else {
        state
            .store
            .revoke_role(user_id, role, &ev)
            .await
            .map_err(internal)
    }
}

#[tracing::instrument(skip_all)]
pub async fn org_members(
    state: &AppState,
    actor: &Actor,
    org_id: Uuid,
) -> Result<Vec<MemberItem>, AppError> {
    authorize(
        Some(actor),
        Action::ViewOrgMembers,
        Target::owned_by(org_id, false),
    )?;
    Ok(state
        .store
        .org_members(org_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(u, roles)| MemberItem {
            user_id: u.id,
            email: u.email,
            display_name: u.display_name,
            roles,
            active: u.membership_active,
            is_org_admin: u.is_org_admin,
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn decide_member(
    state: &AppState,
    actor: &Actor,
    user_id: Uuid,
    admit: bool,
) -> Result<(), AppError> {
    let user = state
        .store
        .get_user(user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let org_id = user.org_id.ok_or(AppError::NotFound)?;
    authorize(
        Some(actor),
        Action::AdmitMember,
        Target::owned_by(org_id, false),
    )?;
    if user.membership_active {
        return Err(AppError::conflict(
            "该成员已加入",
            "This member has already been admitted",
        ));
    }
    let org = state
        .store
        .get_org(org_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let roles: Vec<Role> = if admit {
        org.org_type.default_member_role().into_iter().collect()
    } else {
        vec![]
    };
    let mut ev = audit(
        Some(actor.user_id),
        "user",
        user_id,
        if admit { "admit" } else { "decline" },
        state.clock.now(),
    );
    ev.from_state = Some("pending".into());
    ev.to_state = Some(if admit { "active" } else { "declined" }.into());
    match state
        .store
        .decide_membership(user_id, org_id, admit, &roles, &ev)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Stale) => Err(AppError::conflict(
            "该申请已被处理",
            "This request has already been decided",
        )),
        Err(e) => Err(internal(e)),
    }
}

/// An official writes a reset link for a user who cannot reach their mailbox; the link is
/// shown to the official and also written to the outbox.
#[tracing::instrument(skip_all)]
pub async fn official_reset_link(
    state: &AppState,
    actor: &Actor,
    user_id: Uuid,
) -> Result<String, AppError> {
    authorize(Some(actor), Action::ResetPasswordFor, Target::NONE)?;
    let user = state
        .store
        .get_user(user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    request_password_reset(state, &user.email, "official", Some(actor.user_id))
        .await?
        .ok_or(AppError::NotFound)
}
