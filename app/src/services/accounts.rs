//! Accounts and sessions: registration (new organization, joining one, or disputing a credit code),
//! sign-in and sign-out, password change and reset.
use super::*;
use crate::domain::credit_code::CreditCode;
use crate::domain::text::{clean_text, validate_email, validate_password};
use crate::domain::Role;
use crate::error::{AppError, Errors};
use crate::model::*;
use crate::records;
use chrono::Duration;
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "jb_session";

#[tracing::instrument(skip_all)]
pub async fn resolve_session(
    state: &AppState,
    token: &str,
) -> Result<Option<CurrentUser>, AppError> {
    if token.is_empty() || token.len() > 200 {
        return Ok(None);
    }
    let hash = state.secrets.token_hash(token);
    let Some(s) = state
        .store
        .session_user(&hash, state.clock.now())
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    current_user_from(state, s.user, s.roles).await.map(Some)
}

#[tracing::instrument(skip_all)]
pub(crate) async fn current_user_from(
    state: &AppState,
    u: UserRecord,
    roles: Vec<Role>,
) -> Result<CurrentUser, AppError> {
    let org = match u.org_id {
        Some(id) => state
            .store
            .get_org(id)
            .await
            .map_err(internal)?
            .map(|o| org_summary(&o)),
        None => None,
    };
    Ok(CurrentUser {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        roles,
        org,
        membership_active: u.membership_active,
        is_org_admin: u.is_org_admin,
    })
}

/// Everything the registration form sends, as typed.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct RegisterInput {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
    pub privacy: bool,
    /// "new" to register a new organization, "join" to ask to join an existing one.
    pub mode: String,
    pub org_name: String,
    pub org_type: String,
    pub credit_code: String,
    pub district: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// With mode "dispute": why the credit code is the registrant's organization's.
    pub dispute_reason: String,
}

#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    input: RegisterInput,
    client: &str,
) -> Result<CurrentUser, AppError> {
    let now = state.clock.now();
    // Each registration hashes a password and writes an organization: bounded per address.
    if spend(state, &[Charge::new(REGISTER_ADDRESS, client)], now)
        .await?
        .is_none()
    {
        return Err(AppError::RateLimited);
    }
    let mut errs = Errors::default();
    let person = records::account::person(&mut errs, &input.email, &input.display_name);
    if errs
        .take("password", validate_password(&input.password))
        .is_some()
        && input.password != input.password_confirm
    {
        errs.push(
            "password_confirm",
            "两次输入的密码不一致",
            "The two passwords do not match",
        );
    }
    if !input.privacy {
        errs.push(
            "privacy",
            "请阅读并同意《个人信息保护声明》",
            "Please read and accept the privacy notice",
        );
    }
    let disputing = input.mode == "dispute";
    let joining = input.mode == "join" || disputing;
    let dispute_reason = if disputing {
        errs.take(
            "dispute_reason",
            clean_text(&input.dispute_reason, 10, 1000),
        )
    } else {
        None
    };
    let mut new_org = None;
    let code = if joining {
        errs.take("credit_code", CreditCode::parse(&input.credit_code))
    } else {
        let form = OrgForm {
            name: input.org_name.clone(),
            org_type: input.org_type.clone(),
            credit_code: input.credit_code.clone(),
            district: input.district.clone(),
            contact_name: input.contact_name.clone(),
            contact_phone: input.contact_phone.clone(),
        };
        let refs = ref_data(state).await?;
        new_org = errs.merge(records::org::parse(&form, &*refs))?;
        // A valid code is checked for uniqueness even when other fields are wrong.
        CreditCode::parse(&input.credit_code).ok()
    };
    let (email, display_name) = match person {
        Some((e, n)) => (Some(e), Some(n)),
        None => (None, None),
    };
    // Uniqueness is checked after the format so the user is told both kinds of problem at once.
    if let Some(email) = &email {
        if state
            .store
            .find_user_by_email(email)
            .await
            .map_err(internal)?
            .is_some()
        {
            errs.push(
                "email",
                "该邮箱已注册，请直接登录",
                "This e-mail is already registered; please sign in",
            );
        }
    }
    let existing = match &code {
        Some(c) => state
            .store
            .find_org_by_credit_code(c.as_str())
            .await
            .map_err(internal)?,
        None => None,
    };
    if let Some(c) = &code {
        if joining && existing.is_none() {
            errs.push(
                "credit_code",
                "未找到使用该统一社会信用代码的机构",
                "No organization with this credit code is registered",
            );
        }
        if !joining && existing.is_some() {
            errs.push(
                "credit_code",
                format!("统一社会信用代码 {} 已被其他账号注册。若为本机构，请选择“加入已有机构”；如有异议请联系管理人员。", c.as_str()),
                format!("Credit code {} is already registered. If it is your organization, choose “join an existing organization”; to dispute the claim, contact an official.", c.as_str()),
            );
        }
    }
    errs.finish()?;
    let (Some(email), Some(display_name), Some(_)) = (email, display_name, code) else {
        return Err(AppError::Internal);
    };
    let hash = state
        .secrets
        .hash_password(input.password.clone())
        .await
        .map_err(internal)?;
    let user_id = Uuid::new_v4();
    let mut user = UserRecord {
        id: user_id,
        email,
        display_name,
        password_hash: hash,
        org_id: None,
        membership_active: false,
        is_org_admin: false,
        privacy_accepted_at: now,
        created_at: now,
    };
    let result = if let (true, Some(org)) = (disputing, &existing) {
        // The claimant gets an account in no organization; officials decide the claim.
        let d = DisputeRecord {
            id: Uuid::new_v4(),
            org_id: org.id,
            user_id,
            reason: dispute_reason.clone().unwrap_or_default(),
            status: "open".into(),
            created_at: now,
            org_name: org.name.clone(),
            credit_code: org.credit_code.clone(),
            claimant_name: user.display_name.clone(),
            claimant_email: user.email.clone(),
        };
        let mut ev = audit(
            Some(user_id),
            "organization",
            org.id,
            "dispute_credit_code",
            now,
        );
        ev.reason = dispute_reason.clone();
        state.store.create_dispute(&user, &d, &ev).await
    } else if let Some(org) = existing {
        user.org_id = Some(org.id);
        let mut ev = audit(Some(user_id), "user", user_id, "request_join", now);
        ev.to_state = Some("pending".into());
        ev.reason = Some(format!("org {}", org.id));
        state.store.create_user(&user, &[], &ev).await
    } else {
        let Some(o) = new_org else {
            return Err(AppError::Internal);
        };
        let org_type = o.org_type;
        let org = new_org_record(&o, Uuid::new_v4(), false, now);
        user.org_id = Some(org.id);
        user.membership_active = true;
        user.is_org_admin = true;
        let roles: Vec<Role> = org_type.default_member_role().into_iter().collect();
        let mut ev_org = audit(Some(user_id), "organization", org.id, "register", now);
        ev_org.to_state = Some("unverified".into());
        let ev_user = audit(Some(user_id), "user", user_id, "register", now);
        state
            .store
            .create_org_with_owner(&org, &user, &roles, &[ev_org, ev_user])
            .await
    };
    match result {
        Ok(()) => {}
        // Two people registering the same code or e-mail at the same moment: one wins.
        Err(StoreError::Unique) => {
            return Err(AppError::conflict(
                "邮箱或统一社会信用代码已被注册",
                "The e-mail or credit code has just been registered",
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    let roles = state.store.user_roles(user_id).await.map_err(internal)?;
    current_user_from(state, user, roles).await
}

/// Checks a password and opens a session of `kind` ("web" or "api"). The same message is given
/// for an unknown account and a wrong password.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
    kind: &str,
) -> Result<(String, CurrentUser), AppError> {
    let now = state.clock.now();
    let wrong = || {
        AppError::field(
            "password",
            "邮箱或密码不正确",
            "The e-mail or password is incorrect",
        )
    };
    // Nothing any account could match costs nothing and is not counted.
    let Ok(email_key) = validate_email(email) else {
        return Err(wrong());
    };
    if password.is_empty() || password.len() > 1024 {
        return Err(wrong());
    }
    // The attempt is counted before the password is checked, so parallel guesses spend the
    // budget too; a success takes it back. See `rate_limit` for the policy.
    let pair = Charge::new(SIGN_IN_PAIR, &format!("{email_key}\n{client}"));
    let charges = [
        pair.clone(),
        Charge::new(SIGN_IN_ADDRESS, client),
        Charge::new(SIGN_IN_ACCOUNT, &email_key),
    ];
    let Some(spent) = spend(state, &charges, now).await? else {
        return Err(AppError::RateLimited);
    };
    let user = state
        .store
        .find_user_by_email(&email_key)
        .await
        .map_err(internal)?;
    // One argon2 verification whatever the case: an unknown e-mail, an account that cannot
    // sign in (imported, no password yet) and a wrong password take the same work.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_default();
    let ok = state
        .secrets
        .verify_password(password.to_string(), hash)
        .await;
    let Some(user) = user.filter(|_| ok) else {
        return Err(wrong());
    };
    refund(state, spent).await?;
    forgive(state, &pair).await?;
    let token = state.secrets.new_token();
    let expires = now + Duration::days(state.settings.session_days);
    state
        .store
        .create_session(
            &state.secrets.token_hash(&token),
            user.id,
            kind,
            now,
            expires,
        )
        .await
        .map_err(internal)?;
    let roles = state.store.user_roles(user.id).await.map_err(internal)?;
    Ok((token, current_user_from(state, user, roles).await?))
}

#[tracing::instrument(skip_all)]
pub async fn logout(state: &AppState, token: &str) -> Result<(), AppError> {
    state
        .store
        .delete_session(&state.secrets.token_hash(token))
        .await
        .map_err(internal)
}

#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: &AppState,
    me: &CurrentUser,
    old: &str,
    new: &str,
    confirm: &str,
    client: &str,
) -> Result<(), AppError> {
    let mut errs = Errors::default();
    errs.take("new_password", validate_password(new));
    if new != confirm {
        errs.push(
            "new_password_confirm",
            "两次输入的密码不一致",
            "The two passwords do not match",
        );
    }
    // Checking the current password is what a stolen session would brute-force: bounded.
    let now = state.clock.now();
    let Some(spent) = spend(
        state,
        &[
            Charge::new(PASSWORD_CHANGE_ACCOUNT, &me.id.to_string()),
            Charge::new(PASSWORD_CHANGE_ADDRESS, client),
        ],
        now,
    )
    .await?
    else {
        return Err(AppError::RateLimited);
    };
    let user = state
        .store
        .get_user(me.id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Unauthenticated)?;
    if state
        .secrets
        .verify_password(old.to_string(), user.password_hash)
        .await
    {
        // Only a wrong current password counts against the budget.
        refund(state, spent).await?;
    } else {
        errs.push(
            "old_password",
            "当前密码不正确",
            "The current password is incorrect",
        );
    }
    errs.finish()?;
    let hash = state
        .secrets
        .hash_password(new.to_string())
        .await
        .map_err(internal)?;
    let ev = audit(Some(me.id), "user", me.id, "change_password", now);
    state
        .store
        .set_password(me.id, &hash, &ev)
        .await
        .map_err(internal)
}

/// Writes a reset link to the e-mail outbox if the account exists. The caller answers the
/// same either way, so the form does not reveal which e-mails are registered.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(
    state: &AppState,
    email: &str,
    client: &str,
    by: Option<Uuid>,
) -> Result<Option<String>, AppError> {
    let now = state.clock.now();
    let Ok(email) = validate_email(email) else {
        return Ok(None);
    };
    // Anyone may ask, so asking is bounded per address and per account (each writes a mail);
    // an official sending a link for someone is not.
    if by.is_none()
        && spend(
            state,
            &[
                Charge::new(RESET_REQUEST_ADDRESS, client),
                Charge::new(RESET_REQUEST_ACCOUNT, &email),
            ],
            now,
        )
        .await?
        .is_none()
    {
        return Err(AppError::RateLimited);
    }
    let Some(user) = state
        .store
        .find_user_by_email(&email)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let token = state.secrets.new_token();
    let link = format!(
        "{}/reset-password?token={}",
        state.settings.public_url.trim_end_matches('/'),
        token
    );
    let mail = EmailRecord {
        id: Uuid::new_v4(),
        to_email: user.email.clone(),
        subject: "揭榜平台：重置密码 / Jiebang: reset your password".into(),
        body: format!(
            "您好 {}：\n请在 2 小时内打开以下链接设置新密码：\n{}\n如非本人操作，请忽略本邮件。\n\nOpen this link within 2 hours to set a new password:\n{}\n",
            user.display_name, link, link
        ),
        created_at: now,
    };
    let ev = audit(
        by.or(Some(user.id)),
        "user",
        user.id,
        "request_password_reset",
        now,
    );
    state
        .store
        .create_password_reset(
            user.id,
            &state.secrets.token_hash(&token),
            now + Duration::hours(2),
            &mail,
            &ev,
        )
        .await
        .map_err(internal)?;
    tracing::info!(to = %user.email, "password reset link written to the e-mail outbox");
    Ok(Some(link))
}

#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new: &str,
    confirm: &str,
    client: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let invalid = || {
        AppError::field(
            "token",
            "重置链接无效或已过期，请重新申请",
            "This reset link is invalid or has expired; please request a new one",
        )
    };
    // Every try counts against the address, a bad link too; the link is checked before any
    // password is hashed, so a stranger without one costs a lookup.
    if spend(state, &[Charge::new(RESET_ADDRESS, client)], now)
        .await?
        .is_none()
    {
        return Err(AppError::RateLimited);
    }
    let token_hash = state.secrets.token_hash(token);
    let Some(user_id) = state
        .store
        .password_reset_user(&token_hash, now)
        .await
        .map_err(internal)?
    else {
        return Err(invalid());
    };
    let mut errs = Errors::default();
    errs.take("new_password", validate_password(new));
    if new != confirm {
        errs.push(
            "new_password_confirm",
            "两次输入的密码不一致",
            "The two passwords do not match",
        );
    }
    errs.finish()?;
    if spend(
        state,
        &[Charge::new(RESET_ACCOUNT, &user_id.to_string())],
        now,
    )
    .await?
    .is_none()
    {
        return Err(AppError::RateLimited);
    }
    let hash = state
        .secrets
        .hash_password(new.to_string())
        .await
        .map_err(internal)?;
    let used = state
        .store
        .consume_password_reset(&token_hash, now, &hash)
        .await
        .map_err(internal)?;
    match used {
        Some(_) => Ok(()),
        None => Err(invalid()),
    }
}
