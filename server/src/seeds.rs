//! Loads `seeds/` (data only). Reference data in every mode; demo organizations, demands and
//! accounts only in development mode. Running it twice changes nothing.
use anyhow::Context;
use app::domain::{CreditCode, DemandStatus, IpPreference, OrgType, Role};
use app::model::{Chain, District};
use app::ports::*;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use std::path::Path;
use uuid::Uuid;

#[derive(Deserialize)]
struct ChainSeed {
    code: String,
    name_zh: String,
    name_en: String,
    sort: i64,
    #[serde(default)]
    children: Vec<ChainSeed>,
}

#[derive(Deserialize)]
struct TargetSeed {
    code: String,
    task: Option<i64>,
    name_zh: String,
    name_en: String,
    target_value: String,
    unit_zh: String,
    comparator: String,
    period: String,
    lead_unit: String,
    #[serde(default)]
    co_units: Vec<String>,
    source: String,
    note: Option<String>,
}

#[derive(Deserialize)]
struct OrgSeed {
    name: String,
    org_type: String,
    credit_code: String,
    district: String,
    contact_name: String,
    contact_phone: String,
    #[serde(default)]
    verified: bool,
}

#[derive(Deserialize)]
struct DemandSeed {
    org_credit_code: String,
    title: String,
    description: String,
    chain: String,
    field: String,
    keywords: Vec<String>,
    budget_min_yuan: i64,
    budget_max_yuan: i64,
    trl: u8,
    deadline: String,
    ip_preference: String,
    confidential_detail: String,
    status: String,
}

#[derive(Deserialize)]
struct AchievementSeed {
    org_credit_code: String,
    title: String,
    summary: String,
    chain: String,
    field: String,
    keywords: Vec<String>,
    trl: u8,
    #[serde(default)]
    patents: Vec<String>,
    transfer_modes: Vec<String>,
    price_yuan: Option<i64>,
    status: String,
}

#[derive(Deserialize)]
struct ExpertSeed {
    email: String,
    title: String,
    fields: Vec<String>,
    keywords: Vec<String>,
    bio: String,
    accepts_review: bool,
    is_public: bool,
}

#[derive(Deserialize)]
struct UserSeed {
    email: String,
    display_name: String,
    role: String,
    org_credit_code: String,
    password: String,
}

/// A demo account created by this run, to print once.
pub struct CreatedAccount {
    pub email: String,
    pub password: String,
    pub role: Role,
}

fn read<T: for<'de> Deserialize<'de>>(dir: &Path, name: &str) -> anyhow::Result<T> {
    let path = dir.join(name);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn seed_event(entity_type: &'static str, id: impl ToString, to: Option<&str>) -> AuditEvent {
    AuditEvent {
        actor_id: None,
        entity_type,
        entity_id: id.to_string(),
        action: "seed".into(),
        from_state: None,
        to_state: to.map(str::to_string),
        reason: None,
        at: Utc::now(),
    }
}

/// Seeded ids are derived from stable keys so a second run recognises its own rows.
fn stable_id(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("jiebang:{kind}:{key}").as_bytes(),
    )
}

pub async fn load(
    store: &dyn Store,
    secrets: &dyn Secrets,
    dir: &Path,
    demo: bool,
) -> anyhow::Result<Vec<CreatedAccount>> {
    let districts: Vec<District> = read(dir, "districts.json")?;
    for d in &districts {
        store.upsert_district(d).await?;
    }
    let chains: Vec<ChainSeed> = read(dir, "chains.json")?;
    for top in &chains {
        store
            .upsert_chain(&Chain {
                code: top.code.clone(),
                parent_code: None,
                name_zh: top.name_zh.clone(),
                name_en: top.name_en.clone(),
                sort: top.sort,
            })
            .await?;
        for c in &top.children {
            store
                .upsert_chain(&Chain {
                    code: c.code.clone(),
                    parent_code: Some(top.code.clone()),
                    name_zh: c.name_zh.clone(),
                    name_en: c.name_en.clone(),
                    sort: c.sort,
                })
                .await?;
        }
    }
    let targets: Vec<TargetSeed> = read(dir, "targets.json")?;
    for (i, t) in targets.into_iter().enumerate() {
        store
            .upsert_target(&PlanTarget {
                code: t.code,
                task: t.task,
                name_zh: t.name_zh,
                name_en: t.name_en,
                target_value: t.target_value,
                unit_zh: t.unit_zh,
                comparator: t.comparator,
                period: t.period,
                lead_unit: t.lead_unit,
                co_units: t.co_units,
                source: t.source,
                note: t.note,
                sort: i as i64,
            })
            .await?;
    }
    if !demo {
        return Ok(vec![]);
    }
    let now = Utc::now();
    let orgs: Vec<OrgSeed> = read(dir, "organizations.json")?;
    for o in &orgs {
        let code = CreditCode::parse(&o.credit_code)
            .map_err(|e| anyhow::anyhow!("seed org {}: {}", o.name, e.message_en()))?;
        if store
            .find_org_by_credit_code(code.as_str())
            .await?
            .is_some()
        {
            continue;
        }
        let org_type =
            OrgType::parse(&o.org_type).with_context(|| format!("org type {}", o.org_type))?;
        let org = OrgRecord {
            id: stable_id("org", code.as_str()),
            name: o.name.clone(),
            org_type,
            credit_code: code.as_str().into(),
            district_code: o.district.clone(),
            contact_name: o.contact_name.clone(),
            contact_phone: o.contact_phone.clone(),
            verified: o.verified,
            created_at: now,
        };
        // Each demo organization gets a contact member who cannot sign in (the hash is not a
        // valid argon2 string), so seeded demands have a real author.
        let contact = UserRecord {
            id: stable_id("contact", code.as_str()),
            email: format!("org-{}@demo.jiebang.local", code.as_str().to_lowercase()),
            display_name: o.contact_name.clone(),
            password_hash: "!seeded-no-login".into(),
            org_id: Some(org.id),
            membership_active: true,
            is_org_admin: true,
            privacy_accepted_at: now,
            created_at: now,
        };
        let roles: Vec<Role> = org_type.default_member_role().into_iter().collect();
        store
            .create_org_with_owner(
                &org,
                &contact,
                &roles,
                &[seed_event(
                    "organization",
                    org.id,
                    Some(if o.verified { "verified" } else { "unverified" }),
                )],
            )
            .await?;
    }
    let mut created = vec![];
    let users: Vec<UserSeed> = read(dir, "demo_users.json")?;
    for u in &users {
        if store.find_user_by_email(&u.email).await?.is_some() {
            continue;
        }
        let role = Role::parse(&u.role).with_context(|| format!("role {}", u.role))?;
        let org = store
            .find_org_by_credit_code(&u.org_credit_code)
            .await?
            .with_context(|| format!("org {}", u.org_credit_code))?;
        let rec = UserRecord {
            id: stable_id("user", &u.email),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            password_hash: secrets.hash_password(u.password.clone()).await?,
            org_id: Some(org.id),
            membership_active: true,
            is_org_admin: true,
            privacy_accepted_at: now,
            created_at: now,
        };
        store
            .create_user(&rec, &[role], &seed_event("user", rec.id, None))
            .await?;
        created.push(CreatedAccount {
            email: u.email.clone(),
            password: u.password.clone(),
            role,
        });
    }
    let demands: Vec<DemandSeed> = read(dir, "demands.json")?;
    for d in demands {
        let id = stable_id("demand", &format!("{}:{}", d.org_credit_code, d.title));
        if store.get_demand(id).await?.is_some() {
            continue;
        }
        let org = store
            .find_org_by_credit_code(&d.org_credit_code)
            .await?
            .with_context(|| format!("org {}", d.org_credit_code))?;
        let status =
            DemandStatus::parse(&d.status).with_context(|| format!("status {}", d.status))?;
        let date = NaiveDate::parse_from_str(&d.deadline, "%Y-%m-%d")
            .with_context(|| format!("deadline {}", d.deadline))?;
        let deadline = app::domain::time::shanghai()
            .from_local_datetime(&date.and_hms_opt(23, 59, 59).context("time")?)
            .single()
            .context("deadline")?
            .with_timezone(&Utc);
        let rec = DemandRecord {
            id,
            org_id: org.id,
            created_by: stable_id("contact", &org.credit_code),
            title: d.title,
            description: d.description,
            chain_code: d.chain,
            field: d.field,
            keywords: d.keywords,
            budget_min_fen: d.budget_min_yuan.checked_mul(100).context("budget")?,
            budget_max_fen: d.budget_max_yuan.checked_mul(100).context("budget")?,
            trl: d.trl,
            deadline,
            ip_preference: IpPreference::parse(&d.ip_preference).context("ip_preference")?,
            status,
            status_reason: None,
            created_at: now,
            updated_at: now,
            published_at: app::domain::demand::is_public(status).then_some(now),
        };
        store
            .insert_demand(
                &rec,
                &d.confidential_detail,
                &seed_event("demand", id, Some(status.as_str())),
            )
            .await?;
    }
    let achievements: Vec<AchievementSeed> = read(dir, "achievements.json")?;
    for a in achievements {
        let id = stable_id("achievement", &format!("{}:{}", a.org_credit_code, a.title));
        if store.get_achievement(id).await?.is_some() {
            continue;
        }
        let org = store
            .find_org_by_credit_code(&a.org_credit_code)
            .await?
            .with_context(|| format!("org {}", a.org_credit_code))?;
        let status = app::domain::achievement::AchievementStatus::parse(&a.status)
            .with_context(|| format!("status {}", a.status))?;
        let modes = a
            .transfer_modes
            .iter()
            .map(|m| {
                app::domain::achievement::TransferMode::parse(m)
                    .with_context(|| format!("transfer mode {m}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let rec = AchievementRecord {
            id,
            org_id: org.id,
            created_by: stable_id("contact", &org.credit_code),
            title: a.title,
            summary: a.summary,
            chain_code: a.chain,
            field: a.field,
            keywords: a.keywords,
            trl: a.trl,
            patents: a.patents,
            transfer_modes: modes,
            price_fen: a
                .price_yuan
                .map(|y| y.checked_mul(100).context("price"))
                .transpose()?,
            status,
            status_reason: None,
            created_at: now,
            updated_at: now,
            published_at: app::domain::achievement::is_public(status).then_some(now),
        };
        store
            .insert_achievement(&rec, &seed_event("achievement", id, Some(status.as_str())))
            .await?;
    }
    let experts: Vec<ExpertSeed> = read(dir, "experts.json")?;
    for e in experts {
        let user = store
            .find_user_by_email(&e.email)
            .await?
            .with_context(|| format!("expert user {}", e.email))?;
        if store.get_expert(user.id).await?.is_some() {
            continue;
        }
        let rec = ExpertRecord {
            user_id: user.id,
            title: e.title,
            fields: e.fields,
            keywords: e.keywords,
            bio: e.bio,
            accepts_review: e.accepts_review,
            is_public: e.is_public,
            updated_at: now,
        };
        store
            .upsert_expert(&rec, &seed_event("expert", user.id, None))
            .await?;
    }
    Ok(created)
}
