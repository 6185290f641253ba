//! Use cases. Each one parses its input into domain types, asks the policy, applies the state
//! machine and hands the store one atomic write that includes the audit event.
use crate::domain::credit_code::CreditCode;
use crate::domain::demand::{self, DemandAction, DemandStatus, IpPreference, Trl};
use crate::domain::money::{BudgetRange, Fen};
use crate::domain::text::{
    clean_text, parse_keywords, validate_email, validate_password, validate_phone,
};
use crate::domain::time::parse_deadline_date;
use crate::domain::{OrgType, Role};
use crate::error::{AppError, Errors};
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use crate::ports::*;
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use uuid::Uuid;

/// Logs the cause on the server and gives the user a generic message.
pub fn internal(e: StoreError) -> AppError {
    tracing::error!(error = %e, "store failure");
    AppError::Internal
}

fn audit(
    actor: Option<Uuid>,
    entity_type: &'static str,
    entity_id: impl ToString,
    action: &str,
    now: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        actor_id: actor,
        entity_type,
        entity_id: entity_id.to_string(),
        action: action.to_string(),
        from_state: None,
        to_state: None,
        reason: None,
        at: now,
    }
}

/// One expert's profile: public if the expert published it, otherwise officials only (anyone
/// else gets "not found", so private profiles do not reveal that they exist).
pub async fn expert_detail(
    state: &AppState,
    actor: Option<&Actor>,
    user_id: Uuid,
) -> Result<ExpertView, AppError> {
    let e = state
        .store
        .get_expert(user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let target = Target {
        owner_org: None,
        is_public: e.profile.is_public,
    };
    authorize(actor, Action::ViewExpertProfile, target).map_err(|_| AppError::NotFound)?;
    let full = authorize(actor, Action::ViewExpertPool, Target::NONE).is_ok();
    Ok(expert_view(e, full))
}

/// An organization's page. Public once verified or once it has published work or a public
/// expert profile; otherwise shown only to its members and officials (anyone else gets "not
/// found"). Lists only published work.
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

// ---------------------------------------------------------------------------------------------
// Rate limiting

/// Import reports waiting to be shown after a form upload without JavaScript (the upload
/// redirects to `/admin/import?result=<token>`). Kept 30 minutes, for the official who uploaded.
/// Token → (when, who uploaded, report).
type ImportReports = HashMap<String, (DateTime<Utc>, Uuid, ImportOutcome)>;
static IMPORT_REPORTS: std::sync::LazyLock<Mutex<ImportReports>> =
    std::sync::LazyLock::new(Default::default);

pub fn stash_import_report(actor: &Actor, report: ImportOutcome, now: DateTime<Utc>) -> String {
    let token = Uuid::new_v4().simple().to_string();
    if let Ok(mut m) = IMPORT_REPORTS.lock() {
        m.retain(|_, (at, _, _)| now - *at < Duration::minutes(30));
        m.insert(token.clone(), (now, actor.user_id, report));
    }
    token
}

/// The report behind `token`, to the official who made the upload only.
pub fn import_report(
    actor: &Actor,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<ImportOutcome>, AppError> {
    authorize(Some(actor), Action::ImportData, Target::NONE)?;
    let m = IMPORT_REPORTS.lock().map_err(|_| AppError::Internal)?;
    Ok(m.get(token)
        .filter(|(at, by, _)| *by == actor.user_id && now - *at < Duration::minutes(30))
        .map(|(_, _, r)| r.clone()))
}

/// Counts attempts per key in a sliding window. In memory: a second app server keeps its own
/// counts, which only makes an attacker's budget a small multiple, not unlimited.
pub struct RateLimiter {
    window: Duration,
    max: usize,
    hits: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            window,
            max,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any key has used up its budget (records nothing).
    pub fn blocked(&self, keys: &[String], now: DateTime<Utc>) -> bool {
        let Ok(mut hits) = self.hits.lock() else {
            return true;
        };
        keys.iter().any(|k| {
            let q = hits.entry(k.clone()).or_default();
            while q.front().is_some_and(|t| *t <= now - self.window) {
                q.pop_front();
            }
            q.len() >= self.max
        })
    }

    /// Records an attempt for every key; refuses (recording nothing) if any key is over budget.
    pub fn check(&self, keys: &[String], now: DateTime<Utc>) -> bool {
        let Ok(mut hits) = self.hits.lock() else {
            return false;
        };
        if hits.len() > 100_000 {
            let cutoff = now - self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| *t > cutoff));
        }
        for k in keys {
            let q = hits.entry(k.clone()).or_default();
            while q.front().is_some_and(|t| *t <= now - self.window) {
                q.pop_front();
            }
            if q.len() >= self.max {
                return false;
            }
        }
        for k in keys {
            hits.entry(k.clone()).or_default().push_back(now);
        }
        true
    }

    /// Forgets an account's failures after a successful login.
    pub fn clear(&self, key: &str) {
        if let Ok(mut hits) = self.hits.lock() {
            hits.remove(key);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions and accounts

pub const SESSION_COOKIE: &str = "jb_session";

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

async fn current_user_from(
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

pub async fn register(
    state: &AppState,
    input: RegisterInput,
    client: &str,
) -> Result<CurrentUser, AppError> {
    let now = state.clock.now();
    // Each registration hashes a password and writes an organization: bounded per address.
    if !state.limiter.check(&[format!("register:{client}")], now) {
        return Err(AppError::RateLimited);
    }
    let mut errs = Errors::default();
    let email = errs.take("email", validate_email(&input.email));
    let display_name = errs.take("display_name", clean_text(&input.display_name, 1, 50));
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
    let code = errs.take("credit_code", CreditCode::parse(&input.credit_code));
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
    if !joining {
        let name = errs.take("org_name", clean_text(&input.org_name, 2, 100));
        let org_type = OrgType::parse(&input.org_type);
        if org_type.is_none() {
            errs.push("org_type", "请选择机构类型", "Choose the organization type");
        }
        let districts = state.store.list_districts().await.map_err(internal)?;
        if !districts.iter().any(|d| d.code == input.district) {
            errs.push(
                "district",
                "请选择所在区域",
                "Choose a district from the list",
            );
        }
        let contact_name = errs.take("contact_name", clean_text(&input.contact_name, 1, 50));
        let contact_phone = errs.take("contact_phone", validate_phone(&input.contact_phone));
        new_org = Some((name, org_type, contact_name, contact_phone));
    }
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
    let (Some(email), Some(display_name), Some(code)) = (email, display_name, code) else {
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
        let Some((Some(name), Some(org_type), Some(contact_name), Some(contact_phone))) = new_org
        else {
            return Err(AppError::Internal);
        };
        let org = OrgRecord {
            id: Uuid::new_v4(),
            name,
            org_type,
            credit_code: code.as_str().to_string(),
            district_code: input.district.clone(),
            contact_name,
            contact_phone,
            verified: false,
            created_at: now,
        };
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
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
    kind: &str,
) -> Result<(String, CurrentUser), AppError> {
    let now = state.clock.now();
    let email_key = email.trim().to_lowercase();
    let account_key = format!("acct:{email_key}");
    // Only failures count, per account and per address: many people behind one proxy or
    // office NAT can still sign in, while guessing stays slow.
    let keys = [account_key.clone(), format!("addr:{client}")];
    if state.limiter.blocked(&keys, now) {
        return Err(AppError::RateLimited);
    }
    let wrong = || {
        state.limiter.check(&keys, now);
        AppError::field(
            "password",
            "邮箱或密码不正确",
            "The e-mail or password is incorrect",
        )
    };
    if email_key.is_empty() || password.is_empty() || password.len() > 1024 {
        return Err(wrong());
    }
    let user = state
        .store
        .find_user_by_email(&email_key)
        .await
        .map_err(internal)?;
    let Some(user) = user else {
        // Hash anyway so an unknown account takes as long as a wrong password.
        let _ = state.secrets.hash_password(password.to_string()).await;
        return Err(wrong());
    };
    if !state
        .secrets
        .verify_password(password.to_string(), user.password_hash.clone())
        .await
    {
        return Err(wrong());
    }
    state.limiter.clear(&account_key);
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

pub async fn logout(state: &AppState, token: &str) -> Result<(), AppError> {
    state
        .store
        .delete_session(&state.secrets.token_hash(token))
        .await
        .map_err(internal)
}

pub async fn change_password(
    state: &AppState,
    me: &CurrentUser,
    old: &str,
    new: &str,
    confirm: &str,
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
    let user = state
        .store
        .get_user(me.id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Unauthenticated)?;
    if !state
        .secrets
        .verify_password(old.to_string(), user.password_hash)
        .await
    {
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
    let ev = audit(
        Some(me.id),
        "user",
        me.id,
        "change_password",
        state.clock.now(),
    );
    state
        .store
        .set_password(me.id, &hash, &ev)
        .await
        .map_err(internal)
}

/// Writes a reset link to the e-mail outbox if the account exists. The caller answers the
/// same either way, so the form does not reveal which e-mails are registered.
pub async fn request_password_reset(
    state: &AppState,
    email: &str,
    client: &str,
    by: Option<Uuid>,
) -> Result<Option<String>, AppError> {
    let now = state.clock.now();
    if by.is_none() && !state.limiter.check(&[format!("reset:{client}")], now) {
        return Err(AppError::RateLimited);
    }
    let Ok(email) = validate_email(email) else {
        return Ok(None);
    };
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

pub async fn reset_password(
    state: &AppState,
    token: &str,
    new: &str,
    confirm: &str,
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
    errs.finish()?;
    let hash = state
        .secrets
        .hash_password(new.to_string())
        .await
        .map_err(internal)?;
    let used = state
        .store
        .consume_password_reset(&state.secrets.token_hash(token), state.clock.now(), &hash)
        .await
        .map_err(internal)?;
    match used {
        Some(_) => Ok(()),
        None => Err(AppError::field(
            "token",
            "重置链接无效或已过期，请重新申请",
            "This reset link is invalid or has expired; please request a new one",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Reference data

pub async fn ref_data(state: &AppState) -> Result<RefData, AppError> {
    Ok(RefData {
        districts: state.store.list_districts().await.map_err(internal)?,
        chains: state.store.list_chains().await.map_err(internal)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Demands

/// Parses the demand form into a record (fields other than the typed ones are left for the
/// caller). Every problem is reported at once.
async fn parse_demand_form(
    state: &AppState,
    f: &DemandForm,
    now: DateTime<Utc>,
) -> Result<ParsedDemand, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("title", clean_text(&f.title, 4, 80));
    let description = errs.take("description", clean_text(&f.description, 10, 5000));
    let field = errs.take("field", clean_text(&f.field, 2, 50));
    let keywords = errs.take("keywords", parse_keywords(&f.keywords));
    let chains = state.store.list_chains().await.map_err(internal)?;
    if !chains.iter().any(|c| c.code == f.chain) {
        errs.push(
            "chain",
            "请从列表中选择产业链",
            "Choose an industry chain from the list",
        );
    }
    let min = errs.take("budget_min", Fen::parse_wan(&f.budget_min));
    let max = errs.take("budget_max", Fen::parse_wan(&f.budget_max));
    let budget = match (min, max) {
        (Some(a), Some(b)) => errs.take("budget_max", BudgetRange::new(a, b)),
        _ => None,
    };
    let trl = match f.trl.trim().parse::<u8>() {
        Ok(n) => errs.take("trl", Trl::new(n)),
        Err(_) => {
            errs.push(
                "trl",
                "请选择 1–9 的技术成熟度",
                "Choose a readiness level from 1 to 9",
            );
            None
        }
    };
    let deadline = errs.take("deadline", parse_deadline_date(&f.deadline, now));
    let ip = IpPreference::parse(&f.ip_preference);
    if ip.is_none() {
        errs.push(
            "ip_preference",
            "请选择知识产权归属意向",
            "Choose an IP preference",
        );
    }
    let confidential = if f.confidential_detail.trim().is_empty() {
        Some(String::new())
    } else {
        errs.take(
            "confidential_detail",
            clean_text(&f.confidential_detail, 1, 5000),
        )
    };
    errs.finish()?;
    match (
        title,
        description,
        field,
        keywords,
        budget,
        trl,
        deadline,
        ip,
        confidential,
    ) {
        (
            Some(title),
            Some(description),
            Some(field),
            Some(keywords),
            Some(budget),
            Some(trl),
            Some(deadline),
            Some(ip),
            Some(confidential),
        ) => Ok(ParsedDemand {
            title,
            description,
            field,
            keywords,
            budget,
            trl,
            deadline,
            ip,
            confidential,
            chain: f.chain.clone(),
        }),
        _ => Err(AppError::Internal),
    }
}

struct ParsedDemand {
    title: String,
    description: String,
    field: String,
    keywords: Vec<String>,
    budget: BudgetRange,
    trl: Trl,
    deadline: DateTime<Utc>,
    ip: IpPreference,
    confidential: String,
    chain: String,
}

fn status_change(
    actor: Uuid,
    id: Uuid,
    action: DemandAction,
    from: DemandStatus,
    to: DemandStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> AuditEvent {
    let mut ev = audit(Some(actor), "demand", id, action.as_str(), now);
    ev.from_state = Some(from.as_str().into());
    ev.to_state = Some(to.as_str().into());
    ev.reason = reason.map(str::to_string);
    ev
}

/// Creates a draft (and submits it at once when `submit`).
pub async fn create_demand(
    state: &AppState,
    actor: &Actor,
    form: &DemandForm,
    submit: bool,
) -> Result<Uuid, AppError> {
    authorize(Some(actor), Action::CreateDemand, Target::NONE)?;
    let org_id = actor.acting_org().ok_or(AppError::Forbidden)?;
    let now = state.clock.now();
    let p = parse_demand_form(state, form, now).await?;
    let id = Uuid::new_v4();
    let rec = DemandRecord {
        id,
        org_id,
        created_by: actor.user_id,
        title: p.title,
        description: p.description,
        chain_code: p.chain,
        field: p.field,
        keywords: p.keywords,
        budget_min_fen: p.budget.min().fen(),
        budget_max_fen: p.budget.max().fen(),
        trl: p.trl.level(),
        deadline: p.deadline,
        ip_preference: p.ip,
        confidential_detail: p.confidential,
        status: DemandStatus::Draft,
        rejection_reason: None,
        created_at: now,
        updated_at: now,
        published_at: None,
    };
    let mut ev = audit(Some(actor.user_id), "demand", id, "create", now);
    ev.to_state = Some(DemandStatus::Draft.as_str().into());
    state
        .store
        .insert_demand(&rec, &ev)
        .await
        .map_err(internal)?;
    if submit {
        demand_action(state, actor, id, DemandAction::Submit, None).await?;
    }
    Ok(id)
}

pub async fn update_demand(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &DemandForm,
    submit: bool,
) -> Result<(), AppError> {
    let row = state
        .store
        .get_demand(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let target = Target::owned_by(row.demand.org_id, demand::is_public(row.demand.status));
    authorize(Some(actor), Action::EditDemand, target)?;
    if !demand::is_editable(row.demand.status) {
        return Err(AppError::conflict(
            format!("当前状态“{}”的需求不能修改", row.demand.status.label_zh()),
            format!(
                "A demand in state “{}” cannot be edited",
                row.demand.status.label_en()
            ),
        ));
    }
    let now = state.clock.now();
    let p = parse_demand_form(state, form, now).await?;
    let rec = DemandRecord {
        title: p.title,
        description: p.description,
        chain_code: p.chain,
        field: p.field,
        keywords: p.keywords,
        budget_min_fen: p.budget.min().fen(),
        budget_max_fen: p.budget.max().fen(),
        trl: p.trl.level(),
        deadline: p.deadline,
        ip_preference: p.ip,
        confidential_detail: p.confidential,
        updated_at: now,
        ..row.demand
    };
    let ev = audit(Some(actor.user_id), "demand", id, "edit", now);
    match state.store.update_demand_draft(&rec, &ev).await {
        Ok(()) => {}
        Err(StoreError::Stale) => {
            return Err(AppError::conflict(
                "需求状态已变化，请刷新后重试",
                "The demand changed meanwhile; reload and try again",
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    if submit {
        demand_action(state, actor, id, DemandAction::Submit, None).await?;
    }
    Ok(())
}

/// The audit history of one entity as the pages show it.
async fn history_of(
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
fn action_reason(reason: Option<&str>, required: bool) -> Result<Option<String>, AppError> {
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

/// Applies a state-machine action to a demand on behalf of `actor`.
pub async fn demand_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: DemandAction,
    reason: Option<&str>,
) -> Result<DemandStatus, AppError> {
    let row = state
        .store
        .get_demand(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let d = &row.demand;
    let target = Target::owned_by(d.org_id, demand::is_public(d.status));
    let needed = match action {
        DemandAction::Submit | DemandAction::Reopen => Action::SubmitDemand,
        DemandAction::Withdraw => Action::WithdrawDemand,
        _ => Action::ReviewDemand,
    };
    // The owner or an official may close a live demand.
    let owner_closing = action == DemandAction::Close
        && authorize(Some(actor), Action::WithdrawDemand, target).is_ok();
    if !owner_closing {
        authorize(Some(actor), needed, target)?;
    }
    let reason = action_reason(reason, demand::requires_reason(action))?;
    let to = demand::transition(d.status, action)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let now = state.clock.now();
    // Submitting re-checks the deadline: a draft written long ago may have gone stale.
    if action == DemandAction::Submit && d.deadline <= now {
        return Err(AppError::field(
            "deadline",
            "截止日期已过，请修改后再提交",
            "The deadline has passed; edit it before submitting",
        ));
    }
    let ev = status_change(
        actor.user_id,
        id,
        action,
        d.status,
        to,
        reason.as_deref(),
        now,
    );
    match state
        .store
        .transition_demand(id, d.status, to, reason.as_deref(), &ev)
        .await
    {
        Ok(()) => Ok(to),
        Err(StoreError::Stale) => Err(AppError::conflict(
            "需求状态已变化，请刷新后重试",
            "The demand changed meanwhile; reload and try again",
        )),
        Err(e) => Err(internal(e)),
    }
}

pub fn summary_of(row: &DemandRow) -> DemandSummary {
    let d = &row.demand;
    let summary: String = d.description.chars().take(140).collect();
    DemandSummary {
        id: d.id,
        title: d.title.clone(),
        summary,
        org_id: d.org_id,
        org_name: row.org_name.clone(),
        chain_code: d.chain_code.clone(),
        district_code: row.district_code.clone(),
        budget_min_fen: d.budget_min_fen,
        budget_max_fen: d.budget_max_fen,
        trl: d.trl,
        deadline: d.deadline,
        status: d.status,
        published_at: d.published_at,
        updated_at: d.updated_at,
    }
}

pub async fn demand_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<DemandDetail, AppError> {
    let row = state
        .store
        .get_demand(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let d = &row.demand;
    let target = Target::owned_by(d.org_id, demand::is_public(d.status));
    // Someone who may not see an unpublished demand is told it does not exist.
    authorize(actor, Action::ViewPublicDemand, target).map_err(|_| AppError::NotFound)?;
    let can = |a: Action| authorize(actor, a, target).is_ok();
    let perms = DemandPermissions {
        edit: can(Action::EditDemand) && demand::is_editable(d.status),
        submit: can(Action::SubmitDemand)
            && demand::transition(d.status, DemandAction::Submit).is_ok(),
        withdraw: can(Action::WithdrawDemand)
            && demand::transition(d.status, DemandAction::Withdraw).is_ok(),
        close: (can(Action::WithdrawDemand) || can(Action::ReviewDemand))
            && demand::transition(d.status, DemandAction::Close).is_ok(),
        reopen: can(Action::SubmitDemand)
            && demand::transition(d.status, DemandAction::Reopen).is_ok(),
        review: can(Action::ReviewDemand) && d.status == DemandStatus::Submitted,
        see_confidential: can(Action::ViewConfidential),
        see_history: can(Action::ViewDemand),
    };
    let history = if perms.see_history {
        history_of(state, "demand", id).await?
    } else {
        vec![]
    };
    Ok(DemandDetail {
        summary: summary_of(&row),
        description: d.description.clone(),
        field: d.field.clone(),
        keywords: d.keywords.clone(),
        ip_preference: d.ip_preference,
        confidential_detail: perms
            .see_confidential
            .then(|| d.confidential_detail.clone()),
        rejection_reason: if perms.see_history {
            d.rejection_reason.clone()
        } else {
            None
        },
        org_id: d.org_id,
        permissions: perms,
        history,
    })
}

/// The form as stored, for the edit page (owner only).
pub async fn demand_form(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<DemandForm, AppError> {
    let row = state
        .store
        .get_demand(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let d = row.demand;
    authorize(
        Some(actor),
        Action::EditDemand,
        Target::owned_by(d.org_id, demand::is_public(d.status)),
    )?;
    Ok(DemandForm {
        title: d.title,
        description: d.description,
        chain: d.chain_code,
        field: d.field,
        keywords: d.keywords.join("，"),
        budget_min: Fen(d.budget_min_fen).format_wan(),
        budget_max: Fen(d.budget_max_fen).format_wan(),
        trl: d.trl.to_string(),
        deadline: crate::domain::time::format_date(d.deadline),
        ip_preference: d.ip_preference.as_str().into(),
        confidential_detail: d.confidential_detail,
    })
}

pub const MAX_PER_PAGE: u32 = 100;

pub fn clamp_page(page: Option<u32>, per_page: Option<u32>) -> (u32, u32) {
    let per = per_page.unwrap_or(20).clamp(1, MAX_PER_PAGE);
    (page.unwrap_or(1).clamp(1, 100_000), per)
}

/// Published demands for everyone: only the public fields exist in the result.
pub async fn public_demands(
    state: &AppState,
    page: Option<u32>,
    per_page: Option<u32>,
    chain: Option<String>,
    district: Option<String>,
) -> Result<Page<DemandSummary>, AppError> {
    let (page, per_page) = clamp_page(page, per_page);
    let q = DemandQuery {
        statuses: DemandStatus::ALL
            .iter()
            .copied()
            .filter(|s| demand::is_public(*s))
            .collect(),
        org_id: None,
        chain_prefix: chain.filter(|c| !c.is_empty()),
        district: district.filter(|d| !d.is_empty()),
        limit: per_page as i64,
        offset: ((page - 1) as i64) * per_page as i64,
    };
    let (rows, total) = state.store.list_demands(&q).await.map_err(internal)?;
    Ok(Page {
        items: rows.iter().map(summary_of).collect(),
        total,
        page,
        per_page,
    })
}

pub async fn my_demands(state: &AppState, actor: &Actor) -> Result<Vec<DemandSummary>, AppError> {
    let org = actor.acting_org().ok_or(AppError::Forbidden)?;
    authorize(
        Some(actor),
        Action::ViewDemand,
        Target::owned_by(org, false),
    )?;
    let q = DemandQuery {
        org_id: Some(org),
        limit: 500,
        ..Default::default()
    };
    Ok(state
        .store
        .list_demands(&q)
        .await
        .map_err(internal)?
        .0
        .iter()
        .map(summary_of)
        .collect())
}

pub async fn review_queue(state: &AppState, actor: &Actor) -> Result<Vec<DemandSummary>, AppError> {
    authorize(Some(actor), Action::ViewReviewQueue, Target::NONE)?;
    let q = DemandQuery {
        statuses: vec![DemandStatus::Submitted],
        limit: 500,
        ..Default::default()
    };
    Ok(state
        .store
        .list_demands(&q)
        .await
        .map_err(internal)?
        .0
        .iter()
        .map(summary_of)
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Organizations, members and roles

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limiter_refuses_past_budget_and_recovers_after_window() {
        let l = RateLimiter::new(3, Duration::minutes(15));
        let t0 = Utc::now();
        let keys = vec!["acct:a".to_string(), "addr:1".to_string()];
        for _ in 0..3 {
            assert!(l.check(&keys, t0));
        }
        assert!(
            !l.check(&keys, t0),
            "fourth attempt inside the window is refused"
        );
        assert!(
            !l.check(&["addr:1".to_string()], t0),
            "the address is over budget too"
        );
        assert!(
            l.check(&["acct:b".to_string()], t0),
            "another account from elsewhere is fine"
        );
        assert!(
            l.check(&keys, t0 + Duration::minutes(16)),
            "the window slides"
        );
        l.clear("acct:a");
    }

    #[test]
    fn pagination_is_clamped() {
        assert_eq!(clamp_page(None, None), (1, 20));
        assert_eq!(clamp_page(Some(0), Some(0)), (1, 1));
        assert_eq!(clamp_page(Some(3), Some(10_000)), (3, MAX_PER_PAGE));
    }
}

// ---------------------------------------------------------------------------------------------
// Search

/// Transfer modes an achievement can offer (转让, 许可, 作价入股, 合作开发).
pub const TRANSFER_MODES: [&str; 4] = ["transfer", "license", "equity", "joint_development"];
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_SEARCH_PER_PAGE: u32 = 50;

/// Search parameters exactly as they arrive (URL query or form).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SearchForm {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub chain: Option<String>,
    pub district: Option<String>,
    pub org_type: Option<String>,
    pub transfer_mode: Option<String>,
    pub trl_min: Option<String>,
    pub trl_max: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Turns raw parameters into a validated request. Filter values must be known codes, so no
/// text from the URL ever reaches an engine's filter syntax.
pub async fn parse_search(state: &AppState, f: &SearchForm) -> Result<SearchParams, AppError> {
    let mut errs = Errors::default();
    let q = f.q.clone().unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        errs.push(
            "q",
            format!("搜索词最多 {MAX_QUERY_CHARS} 个字"),
            format!("A search may be at most {MAX_QUERY_CHARS} characters"),
        );
    }
    let kind = match nonempty(&f.kind) {
        None | Some("all") => None,
        Some(k) => {
            let parsed = SearchKind::parse(k);
            if parsed.is_none() {
                errs.push("kind", "未知的搜索类别", "Unknown kind of result");
            }
            parsed
        }
    };
    let refs = ref_data(state).await?;
    let chain = nonempty(&f.chain).map(str::to_string);
    if let Some(c) = &chain {
        if !refs.chains.iter().any(|x| &x.code == c) {
            errs.push("chain", "未知的产业链", "Unknown industry chain");
        }
    }
    let district = nonempty(&f.district).map(str::to_string);
    if let Some(d) = &district {
        if !refs.districts.iter().any(|x| &x.code == d) {
            errs.push("district", "未知的区域", "Unknown district");
        }
    }
    let org_type = nonempty(&f.org_type).map(str::to_string);
    if let Some(o) = &org_type {
        if OrgType::parse(o).is_none() {
            errs.push("org_type", "未知的机构类型", "Unknown organization type");
        }
    }
    let transfer_mode = nonempty(&f.transfer_mode).map(str::to_string);
    if let Some(m) = &transfer_mode {
        if !TRANSFER_MODES.contains(&m.as_str()) {
            errs.push("transfer_mode", "未知的转化方式", "Unknown transfer mode");
        }
    }
    let mut trl = |field: &str, v: &Option<String>| -> Option<u8> {
        let s = nonempty(v)?;
        match s.parse::<u8>().ok().and_then(|n| Trl::new(n).ok()) {
            Some(t) => Some(t.level()),
            None => {
                errs.push(
                    field,
                    "技术成熟度应为 1–9 的整数",
                    "Readiness must be a whole number from 1 to 9",
                );
                None
            }
        }
    };
    let trl_min = trl("trl_min", &f.trl_min);
    let trl_max = trl("trl_max", &f.trl_max);
    if let (Some(a), Some(b)) = (trl_min, trl_max) {
        if a > b {
            errs.push(
                "trl_max",
                "成熟度上限不能低于下限",
                "The upper readiness level is below the lower one",
            );
        }
    }
    let sort = match SearchSort::parse(nonempty(&f.sort).unwrap_or("")) {
        Some(s) => s,
        None => {
            errs.push("sort", "未知的排序方式", "Unknown sort order");
            SearchSort::Relevance
        }
    };
    let mut num = |field: &str, v: &Option<String>, default: u32, max: u32| -> u32 {
        match nonempty(v) {
            None => default,
            Some(s) => match s.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    errs.push(
                        field,
                        format!("应为 1–{max} 的整数"),
                        format!("Must be a whole number from 1 to {max}"),
                    );
                    default
                }
            },
        }
    };
    let page = num("page", &f.page, 1, 1000);
    let per_page = num("per_page", &f.per_page, 10, MAX_SEARCH_PER_PAGE);
    errs.finish()?;
    Ok(SearchParams {
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
        per_page,
    })
}

pub async fn search(state: &AppState, f: &SearchForm) -> Result<SearchResults, AppError> {
    let params = parse_search(state, f).await?;
    state.search.search(&params).await.map_err(|e| {
        tracing::error!(error = %e, "search failed");
        AppError::Internal
    })
}

// ---------------------------------------------------------------------------------------------
// Achievements (科技成果)

use crate::domain::achievement::{self as ach, AchievementAction, AchievementStatus, TransferMode};

struct ParsedAchievement {
    title: String,
    summary: String,
    chain: String,
    field: String,
    keywords: Vec<String>,
    trl: u8,
    patents: Vec<String>,
    modes: Vec<TransferMode>,
    price_fen: Option<i64>,
}

async fn parse_achievement_form(
    state: &AppState,
    f: &AchievementForm,
) -> Result<ParsedAchievement, AppError> {
    let mut errs = Errors::default();
    let title = errs.take("title", clean_text(&f.title, 4, 100));
    let summary = errs.take("summary", clean_text(&f.summary, 20, 5000));
    let field = errs.take("field", clean_text(&f.field, 2, 50));
    let keywords = errs.take("keywords", parse_keywords(&f.keywords));
    let chains = state.store.list_chains().await.map_err(internal)?;
    if !chains.iter().any(|c| c.code == f.chain) {
        errs.push(
            "chain",
            "请从列表中选择产业链",
            "Choose an industry chain from the list",
        );
    }
    let trl = match f.trl.trim().parse::<u8>() {
        Ok(n) => errs.take("trl", Trl::new(n)).map(|t| t.level()),
        Err(_) => {
            errs.push(
                "trl",
                "请选择 1–9 的技术成熟度",
                "Choose a readiness level from 1 to 9",
            );
            None
        }
    };
    let mut patents = Vec::new();
    for raw in f
        .patents
        .split([',', '，', ';', '；', '\n', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match ach::parse_patent(raw) {
            Some(p) if !patents.contains(&p) => patents.push(p),
            Some(_) => {}
            None => errs.push(
                "patents",
                format!(
                    "专利号“{}”格式不正确，应如 CN112345678B 或 ZL202010123456.7",
                    raw.chars().take(30).collect::<String>()
                ),
                format!(
                    "Patent number “{}” is not valid; write e.g. CN112345678B or ZL202010123456.7",
                    raw.chars().take(30).collect::<String>()
                ),
            ),
        }
    }
    if patents.len() > 50 {
        errs.push(
            "patents",
            "最多填写 50 个专利号",
            "At most 50 patent numbers",
        );
    }
    let mut modes = Vec::new();
    for m in &f.transfer_modes {
        match TransferMode::parse(m) {
            Some(t) if !modes.contains(&t) => modes.push(t),
            Some(_) => {}
            None => errs.push("transfer_modes", "未知的转化方式", "Unknown transfer mode"),
        }
    }
    if modes.is_empty() && f.transfer_modes.is_empty() {
        errs.push(
            "transfer_modes",
            "请至少选择一种转化方式",
            "Choose at least one transfer mode",
        );
    }
    let price_fen = if f.negotiable {
        Some(None)
    } else {
        errs.take("price", Fen::parse_wan(&f.price))
            .map(|p| Some(p.fen()))
    };
    errs.finish()?;
    match (title, summary, field, keywords, trl, price_fen) {
        (Some(title), Some(summary), Some(field), Some(keywords), Some(trl), Some(price_fen)) => {
            Ok(ParsedAchievement {
                title,
                summary,
                chain: f.chain.clone(),
                field,
                keywords,
                trl,
                patents,
                modes,
                price_fen,
            })
        }
        _ => Err(AppError::Internal),
    }
}

pub async fn create_achievement(
    state: &AppState,
    actor: &Actor,
    form: &AchievementForm,
    submit: bool,
) -> Result<Uuid, AppError> {
    authorize(Some(actor), Action::CreateAchievement, Target::NONE)?;
    let org_id = actor.acting_org().ok_or(AppError::Forbidden)?;
    let now = state.clock.now();
    let p = parse_achievement_form(state, form).await?;
    let id = Uuid::new_v4();
    let rec = AchievementRecord {
        id,
        org_id,
        created_by: actor.user_id,
        title: p.title,
        summary: p.summary,
        chain_code: p.chain,
        field: p.field,
        keywords: p.keywords,
        trl: p.trl,
        patents: p.patents,
        transfer_modes: p.modes,
        price_fen: p.price_fen,
        status: AchievementStatus::Draft,
        status_reason: None,
        created_at: now,
        updated_at: now,
        published_at: None,
    };
    let mut ev = audit(Some(actor.user_id), "achievement", id, "create", now);
    ev.to_state = Some(AchievementStatus::Draft.as_str().into());
    state
        .store
        .insert_achievement(&rec, &ev)
        .await
        .map_err(internal)?;
    if submit {
        achievement_action(state, actor, id, AchievementAction::Submit, None).await?;
    }
    Ok(id)
}

pub async fn update_achievement(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &AchievementForm,
    submit: bool,
) -> Result<(), AppError> {
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    authorize(
        Some(actor),
        Action::EditAchievement,
        Target::owned_by(
            row.achievement.org_id,
            ach::is_public(row.achievement.status),
        ),
    )?;
    if !ach::is_editable(row.achievement.status) {
        return Err(AppError::conflict(
            format!(
                "当前状态“{}”的成果不能修改",
                row.achievement.status.label_zh()
            ),
            format!(
                "An achievement in state “{}” cannot be edited",
                row.achievement.status.label_en()
            ),
        ));
    }
    let now = state.clock.now();
    let p = parse_achievement_form(state, form).await?;
    let rec = AchievementRecord {
        title: p.title,
        summary: p.summary,
        chain_code: p.chain,
        field: p.field,
        keywords: p.keywords,
        trl: p.trl,
        patents: p.patents,
        transfer_modes: p.modes,
        price_fen: p.price_fen,
        updated_at: now,
        ..row.achievement
    };
    let ev = audit(Some(actor.user_id), "achievement", id, "edit", now);
    match state.store.update_achievement_draft(&rec, &ev).await {
        Ok(()) => {}
        Err(StoreError::Stale) => {
            return Err(AppError::conflict(
                "成果状态已变化，请刷新后重试",
                "The achievement changed meanwhile; reload and try again",
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    if submit {
        achievement_action(state, actor, id, AchievementAction::Submit, None).await?;
    }
    Ok(())
}

pub async fn achievement_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: AchievementAction,
    reason: Option<&str>,
) -> Result<AchievementStatus, AppError> {
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let a = &row.achievement;
    let target = Target::owned_by(a.org_id, ach::is_public(a.status));
    let needed = match action {
        AchievementAction::Approve | AchievementAction::Reject => Action::ReviewAchievement,
        _ => Action::EditAchievement,
    };
    authorize(Some(actor), needed, target)?;
    let reason = action_reason(reason, ach::requires_reason(action))?;
    let to = ach::transition(a.status, action)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let now = state.clock.now();
    let mut ev = audit(Some(actor.user_id), "achievement", id, action.as_str(), now);
    ev.from_state = Some(a.status.as_str().into());
    ev.to_state = Some(to.as_str().into());
    ev.reason = reason.clone();
    match state
        .store
        .transition_achievement(id, a.status, to, reason.as_deref(), &ev)
        .await
    {
        Ok(()) => Ok(to),
        Err(StoreError::Stale) => Err(AppError::conflict(
            "成果状态已变化，请刷新后重试",
            "The achievement changed meanwhile; reload and try again",
        )),
        Err(e) => Err(internal(e)),
    }
}

fn achievement_summary(row: &AchievementRow) -> AchievementSummary {
    let a = &row.achievement;
    AchievementSummary {
        id: a.id,
        title: a.title.clone(),
        summary: a.summary.chars().take(140).collect(),
        org_id: a.org_id,
        org_name: row.org_name.clone(),
        chain_code: a.chain_code.clone(),
        trl: a.trl,
        transfer_modes: a.transfer_modes.clone(),
        price_fen: a.price_fen,
        status: a.status,
        published_at: a.published_at,
        updated_at: a.updated_at,
    }
}

pub async fn achievement_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<AchievementDetail, AppError> {
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let a = &row.achievement;
    let target = Target::owned_by(a.org_id, ach::is_public(a.status));
    if !target.is_public {
        authorize(actor, Action::ViewAchievement, target).map_err(|_| AppError::NotFound)?;
    }
    let can = |x: Action| authorize(actor, x, target).is_ok();
    let owner = can(Action::EditAchievement);
    let actions: Vec<String> = if owner {
        [
            AchievementAction::Submit,
            AchievementAction::Reopen,
            AchievementAction::Withdraw,
            AchievementAction::MarkTransferred,
        ]
        .into_iter()
        .filter(|x| ach::transition(a.status, *x).is_ok())
        .map(|x| x.as_str().to_string())
        .collect()
    } else {
        vec![]
    };
    let see_history = can(Action::ViewAchievement);
    let history = if see_history {
        history_of(state, "achievement", id).await?
    } else {
        vec![]
    };
    Ok(AchievementDetail {
        summary: achievement_summary(&row),
        full_summary: a.summary.clone(),
        field: a.field.clone(),
        keywords: a.keywords.clone(),
        patents: a.patents.clone(),
        district_code: row.district_code.clone(),
        status_reason: if see_history {
            a.status_reason.clone()
        } else {
            None
        },
        permissions: AchievementPermissions {
            edit: owner && ach::is_editable(a.status),
            actions,
            review: can(Action::ReviewAchievement) && a.status == AchievementStatus::Submitted,
            see_history,
        },
        history,
    })
}

pub async fn achievement_form(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<AchievementForm, AppError> {
    let row = state
        .store
        .get_achievement(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let a = row.achievement;
    authorize(
        Some(actor),
        Action::EditAchievement,
        Target::owned_by(a.org_id, ach::is_public(a.status)),
    )?;
    Ok(AchievementForm {
        title: a.title,
        summary: a.summary,
        chain: a.chain_code,
        field: a.field,
        keywords: a.keywords.join("，"),
        trl: a.trl.to_string(),
        patents: a.patents.join("\n"),
        transfer_modes: a
            .transfer_modes
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
        price: a.price_fen.map(|p| Fen(p).format_wan()).unwrap_or_default(),
        negotiable: a.price_fen.is_none(),
    })
}

pub async fn public_achievements(
    state: &AppState,
    page: Option<u32>,
    per_page: Option<u32>,
) -> Result<Page<AchievementSummary>, AppError> {
    let (page, per_page) = clamp_page(page, per_page);
    let q = AchievementQuery {
        statuses: AchievementStatus::ALL
            .iter()
            .copied()
            .filter(|s| ach::is_public(*s))
            .collect(),
        org_id: None,
        limit: per_page as i64,
        offset: ((page - 1) as i64) * per_page as i64,
    };
    let (rows, total) = state.store.list_achievements(&q).await.map_err(internal)?;
    Ok(Page {
        items: rows.iter().map(achievement_summary).collect(),
        total,
        page,
        per_page,
    })
}

pub async fn my_achievements(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<AchievementSummary>, AppError> {
    let org = actor.acting_org().ok_or(AppError::Forbidden)?;
    authorize(
        Some(actor),
        Action::ViewAchievement,
        Target::owned_by(org, false),
    )?;
    let q = AchievementQuery {
        org_id: Some(org),
        limit: 500,
        ..Default::default()
    };
    Ok(state
        .store
        .list_achievements(&q)
        .await
        .map_err(internal)?
        .0
        .iter()
        .map(achievement_summary)
        .collect())
}

pub async fn achievement_review_queue(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<AchievementSummary>, AppError> {
    authorize(Some(actor), Action::ReviewAchievement, Target::NONE)?;
    let q = AchievementQuery {
        statuses: vec![AchievementStatus::Submitted],
        limit: 500,
        ..Default::default()
    };
    Ok(state
        .store
        .list_achievements(&q)
        .await
        .map_err(internal)?
        .0
        .iter()
        .map(achievement_summary)
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Expert pool (专家库)

fn expert_view(e: ExpertRow, full: bool) -> ExpertView {
    ExpertView {
        user_id: e.profile.user_id,
        name: e.name,
        title: e.profile.title,
        org_id: e.org_id,
        org_name: e.org_name,
        fields: e.profile.fields,
        keywords: e.profile.keywords,
        bio: e.profile.bio,
        accepts_review: full.then_some(e.profile.accepts_review),
        is_public: full.then_some(e.profile.is_public),
    }
}

pub async fn save_expert_profile(
    state: &AppState,
    actor: &Actor,
    f: &ExpertForm,
) -> Result<(), AppError> {
    authorize(Some(actor), Action::EditExpertProfile, Target::NONE)?;
    let mut errs = Errors::default();
    let title = errs.take("pro_title", clean_text(&f.title, 2, 30));
    let fields = errs.take("fields", parse_keywords(&f.fields));
    if fields.as_ref().is_some_and(|v| v.is_empty()) {
        errs.push(
            "fields",
            "请至少填写一个专业领域",
            "Give at least one field of expertise",
        );
    }
    let keywords = errs.take("keywords", parse_keywords(&f.keywords));
    let bio = if f.bio.trim().is_empty() {
        Some(String::new())
    } else {
        errs.take("bio", clean_text(&f.bio, 1, 2000))
    };
    errs.finish()?;
    let (Some(title), Some(fields), Some(keywords), Some(bio)) = (title, fields, keywords, bio)
    else {
        return Err(AppError::Internal);
    };
    let now = state.clock.now();
    let rec = ExpertRecord {
        user_id: actor.user_id,
        title,
        fields,
        keywords,
        bio,
        accepts_review: f.accepts_review,
        is_public: f.is_public,
        updated_at: now,
    };
    let mut ev = audit(
        Some(actor.user_id),
        "expert",
        actor.user_id,
        "save_profile",
        now,
    );
    ev.to_state = Some(if f.is_public { "public" } else { "private" }.into());
    state.store.upsert_expert(&rec, &ev).await.map_err(internal)
}

pub async fn my_expert_profile(
    state: &AppState,
    actor: &Actor,
) -> Result<Option<ExpertForm>, AppError> {
    authorize(Some(actor), Action::EditExpertProfile, Target::NONE)?;
    Ok(state
        .store
        .get_expert(actor.user_id)
        .await
        .map_err(internal)?
        .map(|e| ExpertForm {
            title: e.profile.title,
            fields: e.profile.fields.join("，"),
            keywords: e.profile.keywords.join("，"),
            bio: e.profile.bio,
            accepts_review: e.profile.accepts_review,
            is_public: e.profile.is_public,
        }))
}

/// The public directory for everyone; the whole pool (private profiles and review
/// availability included) for officials.
pub async fn list_experts(
    state: &AppState,
    actor: Option<&Actor>,
    page: Option<u32>,
    per_page: Option<u32>,
) -> Result<Page<ExpertView>, AppError> {
    let full = authorize(actor, Action::ViewExpertPool, Target::NONE).is_ok();
    let (page, per_page) = clamp_page(page, per_page);
    let (rows, total) = state
        .store
        .list_experts(
            !full,
            None,
            per_page as i64,
            ((page - 1) as i64) * per_page as i64,
        )
        .await
        .map_err(internal)?;
    Ok(Page {
        items: rows.into_iter().map(|e| expert_view(e, full)).collect(),
        total,
        page,
        per_page,
    })
}

// ---------------------------------------------------------------------------------------------
// Credit-code disputes

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

/// Marks published demands whose deadline has passed as expired (run periodically by the
/// server; the transition queues their removal from search). Returns how many expired.
pub async fn expire_demands(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let q = DemandQuery {
        statuses: vec![DemandStatus::Published],
        limit: 1000,
        ..Default::default()
    };
    let (rows, _) = state.store.list_demands(&q).await.map_err(internal)?;
    let mut n = 0;
    for r in rows.iter().filter(|r| r.demand.deadline <= now) {
        let mut ev = audit(
            None,
            "demand",
            r.demand.id,
            DemandAction::Expire.as_str(),
            now,
        );
        ev.from_state = Some(DemandStatus::Published.as_str().into());
        ev.to_state = Some(DemandStatus::Expired.as_str().into());
        ev.reason = Some("deadline passed".into());
        match state
            .store
            .transition_demand(
                r.demand.id,
                DemandStatus::Published,
                DemandStatus::Expired,
                None,
                &ev,
            )
            .await
        {
            Ok(()) => n += 1,
            Err(StoreError::Stale) => {}
            Err(e) => return Err(internal(e)),
        }
    }
    Ok(n)
}
