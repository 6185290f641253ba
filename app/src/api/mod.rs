//! Server functions: each extracts the caller, calls one service and maps the error. They are
//! public HTTP endpoints under `/api/fn/…`, so they never trust the page that calls them.
// A form posts one argument per field, so form-backed server functions take many arguments.
#![allow(clippy::too_many_arguments)]
use crate::error::AppError;
use crate::model::*;
use leptos::server;

#[cfg(feature = "ssr")]
pub mod ctx {
    use crate::error::AppError;
    use crate::model::CurrentUser;
    use crate::policy::Actor;
    use crate::ports::AppState;
    use leptos::prelude::*;

    /// Set by the server's session middleware on every request.
    #[derive(Clone, Debug, Default)]
    pub struct Auth {
        pub user: Option<CurrentUser>,
        pub token: Option<String>,
    }

    /// The client address as the server saw it, for rate limiting.
    #[derive(Clone, Debug)]
    pub struct ClientAddr(pub String);

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or(AppError::Internal)
    }

    fn parts() -> Option<http::request::Parts> {
        use_context::<http::request::Parts>()
    }

    pub fn auth() -> Auth {
        parts()
            .and_then(|p| p.extensions.get::<Auth>().cloned())
            .unwrap_or_default()
    }

    pub fn user() -> Option<CurrentUser> {
        auth().user
    }

    pub fn actor() -> Option<Actor> {
        user().as_ref().map(Actor::from)
    }

    pub fn require_actor() -> Result<Actor, AppError> {
        actor().ok_or(AppError::Unauthenticated)
    }

    pub fn client_addr() -> String {
        parts()
            .and_then(|p| p.extensions.get::<ClientAddr>().cloned())
            .map(|c| c.0)
            .unwrap_or_else(|| "unknown".into())
    }

    /// Gives a failed call its HTTP status (Leptos would answer 500 for every error).
    pub fn finish<T>(r: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &r {
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(
                    http::StatusCode::from_u16(e.status())
                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
        }
        r
    }

    pub fn set_cookie(value: &str) {
        if let (Some(res), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    pub fn session_cookie(token: &str, production: bool, max_age_days: i64) -> String {
        format!(
            "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            crate::services::SESSION_COOKIE,
            token,
            max_age_days * 86_400,
            if production { "; Secure" } else { "" }
        )
    }

    /// Only same-site relative paths are followed after login, so a link cannot send a user to
    /// another site.
    pub fn safe_next(next: Option<String>) -> String {
        match next {
            // A path on this site only: one leading slash, then no second slash or backslash,
            // and no control characters or whitespace (browsers drop tabs and newlines, which
            // would turn "/\t/evil" into "//evil").
            Some(n)
                if n.starts_with('/')
                    && !n[1..].starts_with(['/', '\\'])
                    && !n.contains('\\')
                    && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                    && n.len() < 500 =>
            {
                n
            }
            _ => "/".into(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::safe_next;

        #[test]
        fn next_only_follows_paths_on_this_site() {
            for ok in ["/", "/demands/abc?x=1", "/search?q=%E9%93%9D"] {
                assert_eq!(safe_next(Some(ok.into())), ok);
            }
            for bad in [
                "//evil.example",
                "/\\evil.example",
                "/\t/evil.example",
                "/\n",
                "https://evil.example",
                "evil",
                "/a b",
                "/%09/x\u{7}",
            ] {
                assert_eq!(safe_next(Some(bad.into())), "/", "{bad:?}");
            }
            assert_eq!(safe_next(None), "/");
        }
    }
}

#[cfg(feature = "ssr")]
fn parse_id(s: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(s.trim()).map_err(|_| AppError::NotFound)
}

#[server(prefix = "/api/fn", endpoint = "session")]
pub async fn session_info() -> Result<Option<CurrentUser>, AppError> {
    Ok(ctx::user())
}

#[server(prefix = "/api/fn", endpoint = "ref_data")]
pub async fn get_ref_data() -> Result<RefData, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::ref_data(&s).await)
}

#[server(prefix = "/api/fn", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let (token, _) =
            crate::services::login(&s, &email, &password, &ctx::client_addr(), "web").await?;
        ctx::set_cookie(&ctx::session_cookie(
            &token,
            s.settings.production,
            s.settings.session_days,
        ));
        leptos_axum::redirect(&ctx::safe_next(next));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "register")]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
    password_confirm: String,
    privacy: Option<String>,
    mode: String,
    org_name: Option<String>,
    org_type: Option<String>,
    credit_code: String,
    district: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    dispute_reason: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let input = crate::services::RegisterInput {
            email: email.clone(),
            display_name,
            password: password.clone(),
            password_confirm,
            privacy: privacy.is_some(),
            mode,
            org_name: org_name.unwrap_or_default(),
            org_type: org_type.unwrap_or_default(),
            credit_code,
            district: district.unwrap_or_default(),
            contact_name: contact_name.unwrap_or_default(),
            contact_phone: contact_phone.unwrap_or_default(),
            dispute_reason: dispute_reason.unwrap_or_default(),
        };
        crate::services::register(&s, input, &ctx::client_addr()).await?;
        let (token, _) =
            crate::services::login(&s, &email, &password, &ctx::client_addr(), "web").await?;
        ctx::set_cookie(&ctx::session_cookie(
            &token,
            s.settings.production,
            s.settings.session_days,
        ));
        leptos_axum::redirect("/account?welcome=1");
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "change_password")]
pub async fn change_password(
    old_password: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<bool, AppError> {
    let r = async {
        let s = ctx::state()?;
        let me = ctx::user().ok_or(AppError::Unauthenticated)?;
        crate::services::change_password(
            &s,
            &me,
            &old_password,
            &new_password,
            &new_password_confirm,
        )
        .await?;
        // Changing the password ends every session, this one included.
        leptos_axum::redirect("/login?changed=1");
        Ok(true)
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<bool, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::request_password_reset(&s, &email, &ctx::client_addr(), None).await?;
        Ok(true)
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::reset_password(&s, &token, &new_password, &new_password_confirm).await?;
        leptos_axum::redirect("/login?reset=1");
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "public_demands")]
pub async fn public_demands(
    page: Option<u32>,
    chain: Option<String>,
    district: Option<String>,
) -> Result<Page<DemandSummary>, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::public_demands(&s, page, Some(10), chain, district).await)
}

#[server(prefix = "/api/fn", endpoint = "demand")]
pub async fn get_demand(id: String) -> Result<DemandDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        let id = parse_id(&id)?;
        crate::services::demand_detail(&s, ctx::actor().as_ref(), id).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "demand_form")]
pub async fn get_demand_form(id: String) -> Result<DemandForm, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::demand_form(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_demand")]
pub async fn save_demand(
    id: Option<String>,
    intent: Option<String>,
    title: String,
    description: String,
    chain: String,
    field: String,
    keywords: String,
    budget_min: String,
    budget_max: String,
    trl: String,
    deadline: String,
    ip_preference: String,
    confidential_detail: String,
) -> Result<String, AppError> {
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let form = DemandForm {
            title,
            description,
            chain,
            field,
            keywords,
            budget_min,
            budget_max,
            trl,
            deadline,
            ip_preference,
            confidential_detail,
        };
        let submit = intent.as_deref() == Some("submit");
        let id = match id.filter(|i| !i.is_empty()) {
            Some(id) => {
                let id = parse_id(&id)?;
                crate::services::update_demand(&s, &actor, id, &form, submit).await?;
                id
            }
            None => crate::services::create_demand(&s, &actor, &form, submit).await?,
        };
        leptos_axum::redirect(&format!("/demands/{id}"));
        Ok(id.to_string())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "demand_action")]
pub async fn demand_action(
    id: String,
    action: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::demand::DemandAction;
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let action = DemandAction::parse(&action).ok_or(AppError::NotFound)?;
        let id = parse_id(&id)?;
        crate::services::demand_action(&s, &actor, id, action, reason.as_deref()).await?;
        leptos_axum::redirect(&format!("/demands/{id}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_demands")]
pub async fn my_demands() -> Result<Vec<DemandSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_demands(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "review_queue")]
pub async fn review_queue() -> Result<Vec<DemandSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::review_queue(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

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

#[server(prefix = "/api/fn", endpoint = "search")]
pub async fn search(
    q: Option<String>,
    kind: Option<String>,
    chain: Option<String>,
    district: Option<String>,
    org_type: Option<String>,
    transfer_mode: Option<String>,
    trl_min: Option<String>,
    trl_max: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<SearchResults, AppError> {
    let r = async {
        let s = ctx::state()?;
        let form = crate::services::SearchForm {
            q,
            kind,
            chain,
            district,
            org_type,
            transfer_mode,
            trl_min,
            trl_max,
            sort,
            page,
            per_page: None,
        };
        crate::services::search(&s, &form).await
    }
    .await;
    ctx::finish(r)
}

// ---------------------------------------------------------------------------------------------
// Achievements

#[server(prefix = "/api/fn", endpoint = "achievements")]
pub async fn public_achievements(page: Option<u32>) -> Result<Page<AchievementSummary>, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::public_achievements(&s, page, Some(10)).await)
}

#[server(prefix = "/api/fn", endpoint = "achievement")]
pub async fn get_achievement(id: String) -> Result<AchievementDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::achievement_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "achievement_form")]
pub async fn get_achievement_form(id: String) -> Result<AchievementForm, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::achievement_form(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_achievement")]
pub async fn save_achievement(
    id: Option<String>,
    intent: Option<String>,
    title: String,
    summary: String,
    chain: String,
    field: String,
    keywords: String,
    trl: String,
    patents: String,
    mode_transfer: Option<String>,
    mode_license: Option<String>,
    mode_equity: Option<String>,
    mode_joint_development: Option<String>,
    price: String,
    negotiable: Option<String>,
) -> Result<String, AppError> {
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let transfer_modes = [
            (mode_transfer, "transfer"),
            (mode_license, "license"),
            (mode_equity, "equity"),
            (mode_joint_development, "joint_development"),
        ]
        .into_iter()
        .filter_map(|(v, m)| v.map(|_| m.to_string()))
        .collect();
        let form = AchievementForm {
            title,
            summary,
            chain,
            field,
            keywords,
            trl,
            patents,
            transfer_modes,
            price,
            negotiable: negotiable.is_some(),
        };
        let submit = intent.as_deref() == Some("submit");
        let id = match id.filter(|i| !i.is_empty()) {
            Some(id) => {
                let id = parse_id(&id)?;
                crate::services::update_achievement(&s, &actor, id, &form, submit).await?;
                id
            }
            None => crate::services::create_achievement(&s, &actor, &form, submit).await?,
        };
        leptos_axum::redirect(&format!("/achievements/{id}"));
        Ok(id.to_string())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "achievement_action")]
pub async fn achievement_action(
    id: String,
    action: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::achievement::AchievementAction;
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let action = AchievementAction::parse(&action).ok_or(AppError::NotFound)?;
        let id = parse_id(&id)?;
        crate::services::achievement_action(&s, &actor, id, action, reason.as_deref()).await?;
        leptos_axum::redirect(&format!("/achievements/{id}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_achievements")]
pub async fn my_achievements() -> Result<Vec<AchievementSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_achievements(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "achievement_queue")]
pub async fn achievement_review_queue() -> Result<Vec<AchievementSummary>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::achievement_review_queue(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

/// Titles for search-as-you-type (at most 8).
#[server(prefix = "/api/fn", endpoint = "suggest")]
pub async fn suggest(q: String) -> Result<Vec<String>, AppError> {
    let r = async {
        let s = ctx::state()?;
        let form = crate::services::SearchForm {
            q: Some(q),
            per_page: Some("8".into()),
            ..Default::default()
        };
        let res = crate::services::search(&s, &form).await?;
        let mut titles: Vec<String> = Vec::new();
        for h in res.hits {
            if !titles.contains(&h.title) {
                titles.push(h.title);
            }
        }
        Ok(titles)
    }
    .await;
    ctx::finish(r)
}

// ---------------------------------------------------------------------------------------------
// Expert pool

#[server(prefix = "/api/fn", endpoint = "experts")]
pub async fn list_experts(page: Option<u32>) -> Result<Page<ExpertView>, AppError> {
    let s = ctx::state()?;
    ctx::finish(crate::services::list_experts(&s, ctx::actor().as_ref(), page, Some(20)).await)
}

#[server(prefix = "/api/fn", endpoint = "expert")]
pub async fn get_expert(id: String) -> Result<ExpertView, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::expert_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
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

#[server(prefix = "/api/fn", endpoint = "import_result")]
pub async fn import_result(token: String) -> Result<Option<ImportOutcome>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::import_report(&ctx::require_actor()?, &token, s.clock.now())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_expert_profile")]
pub async fn my_expert_profile() -> Result<Option<ExpertForm>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_expert_profile(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_expert_profile")]
pub async fn save_expert_profile(
    pro_title: String,
    fields: String,
    keywords: String,
    bio: String,
    accepts_review: Option<String>,
    is_public: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let form = ExpertForm {
            title: pro_title,
            fields,
            keywords,
            bio,
            accepts_review: accepts_review.is_some(),
            is_public: is_public.is_some(),
        };
        crate::services::save_expert_profile(&s, &ctx::require_actor()?, &form).await?;
        leptos_axum::redirect("/experts?saved=1");
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "disputes")]
pub async fn list_disputes() -> Result<Vec<DisputeView>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::list_disputes(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "decide_dispute")]
pub async fn decide_dispute(id: String, upheld: String, note: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::decide_dispute(
            &s,
            &ctx::require_actor()?,
            parse_id(&id)?,
            upheld == "true",
            &note,
        )
        .await
    }
    .await;
    ctx::finish(r)
}
