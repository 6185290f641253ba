//! Server functions: Organizations, members, users and roles.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "orgs")]
pub async fn list_orgs() -> Result<Vec<OrgListItem>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::list_orgs(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "verify_org")]
pub async fn verify_org(org_id: String, verified: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::verify_org(
            &s,
            &ctx::require_actor()?,
            parse_id(&org_id)?,
            verified == "true",
        )
        .await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "users")]
pub async fn list_users() -> Result<Vec<UserListItem>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::list_users(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "set_role")]
pub async fn set_role(user_id: String, role: String, grant: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let role = crate::domain::Role::parse(&role)
            .ok_or_else(|| AppError::field("role", "未知角色", "Unknown role"))?;
        crate::services::set_role(
            &s,
            &ctx::require_actor()?,
            parse_id(&user_id)?,
            role,
            grant == "true",
        )
        .await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "reset_link")]
pub async fn reset_link_for(user_id: String) -> Result<String, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::official_reset_link(&s, &ctx::require_actor()?, parse_id(&user_id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "members")]
pub async fn org_members() -> Result<Vec<MemberItem>, AppError> {
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let org = actor.org_id.ok_or(AppError::NotFound)?;
        crate::services::org_members(&s, &actor, org).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "decide_member")]
pub async fn decide_member(user_id: String, admit: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::decide_member(
            &s,
            &ctx::require_actor()?,
            parse_id(&user_id)?,
            admit == "true",
        )
        .await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "org")]
pub async fn get_org_profile(id: String) -> Result<OrgProfile, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::org_profile(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}
