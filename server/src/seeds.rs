//! Loads `seeds/` (data only). Reference data in every mode; demo organizations, demands and
//! accounts only in development mode. Running it twice changes nothing.
use anyhow::Context;
use app::domain::money::Fen;
use app::domain::{DemandStatus, Role};
use app::error::AppError;
use app::model::{
    AchievementForm, CallForm, Chain, DemandForm, District, ExpertForm, OrgForm, RefData,
};
use app::ports::*;
use app::records;
use app::services;
use chrono::{DateTime, Utc};
use serde::Deserialize;

mod tasks;
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
    /// The plan's name for the unit (市科技局), for the target tracker.
    #[serde(default)]
    plan_unit: Option<String>,
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
    /// Days after the load: demo deadlines stay in the future.
    deadline_in_days: i64,
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

/// A demo call: the call form's fields, its window in days from the load, and the demands
/// (organization credit code, title) it is built from.
#[derive(Deserialize)]
struct CallSeed {
    key: String,
    title: String,
    background: String,
    goal: String,
    chain: String,
    district: String,
    indicators: String,
    acceptance: String,
    city_fund_yuan: i64,
    enterprise_fund_yuan: i64,
    name_cofunder: bool,
    org_types: Vec<String>,
    guangxi_only: bool,
    consortium_allowed: bool,
    opens_in_days: i64,
    closes_in_days: i64,
    criteria: String,
    score_scale: u32,
    winners: u32,
    duration_months: u32,
    milestones: String,
    demands: Vec<(String, String)>,
    status: String,
    #[serde(default)]
    status_reason: Option<String>,
    /// Bids (already screened) of a call past its window.
    #[serde(default)]
    bids: Vec<BidSeed>,
    #[serde(default)]
    reviews: Vec<ReviewSeed>,
    /// For a call in 公示: the awarded bid (an index into `bids`) and the reason.
    #[serde(default)]
    award: Option<(usize, String)>,
    /// More winners of a 赛马制 call, as `award`.
    #[serde(default)]
    awards: Vec<(usize, String)>,
    /// The 公示 is over (it ran right after the window closed): the call is awarded.
    #[serde(default)]
    concluded: bool,
    /// Task contracts of winners (立项 onwards).
    #[serde(default)]
    tasks: Vec<tasks::TaskSeed>,
    /// The implementation was terminated (终止) with this reason.
    #[serde(default)]
    terminated: Option<String>,
}

#[derive(Deserialize)]
struct BidSeed {
    org_credit_code: String,
    /// The lead (a demo account); the organization's contact member when absent.
    #[serde(default)]
    lead_email: Option<String>,
    title: String,
    proposal: String,
    budget_yuan: i64,
    timeline: String,
    milestone_plan: Vec<String>,
    status: String,
}

#[derive(Deserialize)]
struct ReviewSeed {
    expert_email: String,
    /// Index into the call's `bids`.
    bid: usize,
    /// `assigned` (waiting for the reviewer) or `submitted` with `scores` and `comments`.
    status: String,
    #[serde(default)]
    scores: Vec<u32>,
    #[serde(default)]
    comments: Vec<String>,
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

fn seed_event(
    entity_type: &'static str,
    id: impl ToString,
    to: Option<&str>,
    at: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        actor_id: None,
        entity_type,
        entity_id: id.to_string(),
        action: "seed".into(),
        from_state: None,
        to_state: to.map(str::to_string),
        reason: None,
        at,
    }
}

/// Seeded ids are derived from stable keys so a second run recognises its own rows.
fn stable_id(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("jiebang:{kind}:{key}").as_bytes(),
    )
}

/// A seed through its record parser; a seed the form would refuse stops the load.
fn checked<T>(what: &str, r: Result<T, AppError>) -> anyhow::Result<T> {
    r.map_err(|e| match e {
        AppError::Validation(v) => anyhow::anyhow!(
            "seed {what}: {}",
            v.iter()
                .map(|f| format!("{}: {}", f.field, f.en))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("seed {what}: {other:?}"),
    })
}

/// Whole yuan as the forms write 万元.
fn wan(yuan: i64) -> anyhow::Result<String> {
    Ok(Fen::from_yuan(yuan).context("amount")?.format_wan())
}

/// The bids, reviews and award of a seeded call past its window, through the store (the seeds
/// write the state a call reaches, as the import does): bids stored as screened, reviews
/// assigned or submitted, and for a call in 公示 its award over the holiday calendar.
#[allow(clippy::too_many_arguments)]
async fn seed_call_work(
    store: &dyn Store,
    key: &str,
    bids: &[BidSeed],
    reviews: &[ReviewSeed],
    awards: &[(usize, String)],
    call: &CallRecord,
    now: DateTime<Utc>,
    // When the 公示 opened (now, or for a concluded one right after the window).
    opened: DateTime<Utc>,
) -> anyhow::Result<Vec<Uuid>> {
    use app::domain::bid::BidStatus;
    use app::domain::review::{ReviewLifecycle, ReviewStatus};
    let mut bid_ids = vec![];
    for (i, b) in bids.iter().enumerate() {
        let org = store
            .find_org_by_credit_code(&b.org_credit_code)
            .await?
            .with_context(|| format!("call {} bid org {}", key, b.org_credit_code))?;
        let lead = match &b.lead_email {
            Some(e) => store
                .find_user_by_email(e)
                .await?
                .with_context(|| format!("lead {e}"))?,
            None => store
                .get_user(stable_id("contact", &org.credit_code))
                .await?
                .context("contact member")?,
        };
        let form = app::model::BidForm {
            title: b.title.clone(),
            proposal: b.proposal.clone(),
            budget: wan(b.budget_yuan)?,
            timeline: b.timeline.clone(),
            milestone_plan: b.milestone_plan.join("\n"),
            members: String::new(),
        };
        let content = checked(
            &b.title,
            records::bid::parse(&form, call.milestones.len(), &lead.email),
        )?;
        let status =
            BidStatus::parse(&b.status).with_context(|| format!("bid status {}", b.status))?;
        let id = stable_id("bid", &format!("{}:{i}", key));
        let submitted = call.opens_at + chrono::Duration::days(1);
        let rec = BidRecord {
            id,
            call_id: call.id,
            org_id: org.id,
            lead_user_id: lead.id,
            title: content.title,
            proposal: content.proposal,
            budget_fen: content.budget.fen(),
            timeline: content.timeline,
            milestone_plan: content.milestone_plan,
            status,
            status_reason: None,
            submitted_at: Some(submitted),
            created_at: submitted,
            updated_at: now,
            version: 0,
        };
        store
            .insert_bid(
                &rec,
                &[],
                &seed_event("bid", id, Some(status.as_str()), now),
            )
            .await?;
        bid_ids.push(id);
    }
    for (i, r) in reviews.iter().enumerate() {
        let expert = store
            .find_user_by_email(&r.expert_email)
            .await?
            .with_context(|| format!("reviewer {}", r.expert_email))?;
        let bid = *bid_ids
            .get(r.bid)
            .with_context(|| format!("call {} review {i}: no bid {}", key, r.bid))?;
        let submitted = r.status == "submitted";
        if submitted
            && (r.scores.len() != call.criteria.len()
                || r.comments.len() != call.criteria.len()
                || r.scores.iter().any(|s| *s > call.score_scale))
        {
            anyhow::bail!(
                "call {} review {i}: one score (0–{}) and comment per criterion",
                key,
                call.score_scale
            );
        }
        let id = stable_id("review", &format!("{}:{i}", key));
        let first = if submitted {
            ReviewStatus::Accepted
        } else {
            ReviewStatus::Assigned
        };
        let rec = ReviewRecord {
            id,
            call_id: call.id,
            bid_id: bid,
            expert_user_id: expert.id,
            status: first,
            status_reason: None,
            override_reason: None,
            comment: None,
            created_at: now,
            updated_at: now,
        };
        store
            .insert_reviews(&[(rec, seed_event("review", id, Some(first.as_str()), now))])
            .await?;
        if submitted {
            let scores: Vec<ScoreRow> = r
                .scores
                .iter()
                .zip(&r.comments)
                .enumerate()
                .map(|(k, (s, cm))| ScoreRow {
                    criterion: k as u32,
                    score: *s,
                    comment: cm.clone(),
                })
                .collect();
            let change = StatusChange::of::<ReviewLifecycle>(
                id,
                ReviewStatus::Accepted,
                ReviewStatus::Submitted,
                None,
            );
            store
                .submit_review(
                    &change,
                    &scores,
                    "",
                    &seed_event("review", id, Some("submitted"), now),
                )
                .await?;
        }
    }
    if !awards.is_empty() {
        use app::domain::call::{CallLifecycle, CallStatus};
        let mut picked = vec![];
        for (winner, reason) in awards {
            let bid = *bid_ids
                .get(*winner)
                .with_context(|| format!("call {}: no bid {winner}", key))?;
            picked.push(AwardRecord {
                bid_id: bid,
                reason: reason.clone(),
                justification: None,
            });
        }
        let days: Vec<(chrono::NaiveDate, app::domain::workdays::DayKind)> = store
            .holidays()
            .await?
            .into_iter()
            .filter_map(|(d, k)| app::domain::workdays::DayKind::parse(&k).map(|k| (d, k)))
            .collect();
        let ends = app::domain::workdays::Calendar::new(days)
            .period_end(opened, app::domain::workdays::PUBLICITY_WORKING_DAYS);
        let change = StatusChange::of::<CallLifecycle>(
            call.id,
            CallStatus::Reviewing,
            CallStatus::Publicity,
            None,
        );
        store
            .open_publicity(
                &change,
                &picked,
                opened,
                ends,
                &seed_event("call", call.id, Some("publicity"), now),
            )
            .await?;
    }
    Ok(bid_ids)
}

/// Loads the seeds as of the system clock.
pub async fn load(
    store: &dyn Store,
    secrets: &dyn Secrets,
    dir: &Path,
    demo: bool,
) -> anyhow::Result<Vec<CreatedAccount>> {
    load_at(store, secrets, dir, demo, Utc::now()).await
}

/// Loads the seeds as of `now` (records' stamps, and the day demo deadlines count from).
pub async fn load_at(
    store: &dyn Store,
    secrets: &dyn Secrets,
    dir: &Path,
    demo: bool,
    now: DateTime<Utc>,
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
    #[derive(Deserialize)]
    struct HolidaySeed {
        day: chrono::NaiveDate,
        kind: String,
        name: String,
    }
    let holidays: Vec<HolidaySeed> = read(dir, "holidays.json")?;
    let known = store.holidays().await?;
    for h in holidays {
        if app::domain::workdays::DayKind::parse(&h.kind).is_none() {
            anyhow::bail!("holidays.json: {} has kind {:?}", h.day, h.kind);
        }
        // Officials may have corrected a day: the seed adds, it does not overwrite.
        if known.iter().any(|(d, _)| *d == h.day) {
            continue;
        }
        store.upsert_holiday(h.day, &h.kind, &h.name, None).await?;
    }
    if !demo {
        return Ok(vec![]);
    }
    let refs = RefData {
        districts: store.list_districts().await?,
        chains: store.list_chains().await?,
    };
    let orgs: Vec<OrgSeed> = read(dir, "organizations.json")?;
    for o in &orgs {
        let form = OrgForm {
            name: o.name.clone(),
            org_type: o.org_type.clone(),
            credit_code: o.credit_code.clone(),
            district: o.district.clone(),
            contact_name: o.contact_name.clone(),
            contact_phone: o.contact_phone.clone(),
        };
        let c = checked(&o.name, records::org::parse(&form, &refs))?;
        let code = c.credit_code.clone();
        if store
            .find_org_by_credit_code(code.as_str())
            .await?
            .is_some()
        {
            continue;
        }
        let org_type = c.org_type;
        let org = services::new_org_record(&c, stable_id("org", code.as_str()), o.verified, now);
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
                    now,
                )],
            )
            .await?;
    }
    for o in orgs.iter().filter(|o| o.plan_unit.is_some()) {
        if let Some(org) = store.find_org_by_credit_code(&o.credit_code).await? {
            if store.org_plan_unit(org.id).await? != o.plan_unit {
                store
                    .set_org_plan_unit(
                        org.id,
                        o.plan_unit.as_deref(),
                        &seed_event("organization", org.id, o.plan_unit.as_deref(), now),
                    )
                    .await?;
            }
        }
    }
    let mut created = vec![];
    let users: Vec<UserSeed> = read(dir, "demo_users.json")?;
    for u in &users {
        if store.find_user_by_email(&u.email).await?.is_some() {
            continue;
        }
        let role = Role::parse(&u.role).with_context(|| format!("role {}", u.role))?;
        let mut errs = app::error::Errors::default();
        let person = records::account::person(&mut errs, &u.email, &u.display_name);
        checked(&u.email, errs.finish())?;
        let (email, display_name) = person.context("demo user")?;
        let org = store
            .find_org_by_credit_code(&u.org_credit_code)
            .await?
            .with_context(|| format!("org {}", u.org_credit_code))?;
        let rec = UserRecord {
            id: stable_id("user", &email),
            email,
            display_name,
            password_hash: secrets.hash_password(u.password.clone()).await?,
            org_id: Some(org.id),
            membership_active: true,
            is_org_admin: true,
            privacy_accepted_at: now,
            created_at: now,
        };
        store
            .create_user(&rec, &[role], &seed_event("user", rec.id, None, now))
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
        let deadline = (now
            .with_timezone(&app::domain::time::shanghai())
            .date_naive()
            + chrono::Duration::days(d.deadline_in_days))
        .format("%Y-%m-%d")
        .to_string();
        let form = DemandForm {
            title: d.title.clone(),
            description: d.description,
            chain: d.chain,
            field: d.field,
            keywords: d.keywords.join("，"),
            budget_min: wan(d.budget_min_yuan)?,
            budget_max: wan(d.budget_max_yuan)?,
            trl: d.trl.to_string(),
            deadline,
            ip_preference: d.ip_preference,
            confidential_detail: d.confidential_detail,
        };
        let c = checked(&d.title, records::demand::parse(&form, &refs, now))?;
        let rec = services::new_demand_record(
            &c,
            id,
            org.id,
            stable_id("contact", &org.credit_code),
            status,
            now,
        );
        store
            .insert_demand(
                &rec,
                &c.confidential,
                &seed_event("demand", id, Some(status.as_str()), now),
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
        let form = AchievementForm {
            title: a.title.clone(),
            summary: a.summary,
            chain: a.chain,
            field: a.field,
            keywords: a.keywords.join("，"),
            trl: a.trl.to_string(),
            patents: a.patents.join("，"),
            transfer_modes: a.transfer_modes,
            price: a.price_yuan.map(wan).transpose()?.unwrap_or_default(),
            negotiable: a.price_yuan.is_none(),
        };
        let c = checked(&a.title, records::achievement::parse(&form, &refs))?;
        let rec = services::new_achievement_record(
            &c,
            id,
            org.id,
            stable_id("contact", &org.credit_code),
            status,
            now,
        );
        store
            .insert_achievement(
                &rec,
                &seed_event("achievement", id, Some(status.as_str()), now),
            )
            .await?;
    }
    let calls: Vec<CallSeed> = read(dir, "calls.json")?;
    let official = stable_id("user", "official@demo.jiebang.local");
    for c in calls {
        let id = stable_id("call", &c.key);
        if store.get_call(id).await?.is_some() {
            continue;
        }
        let status = app::domain::call::CallStatus::parse(&c.status)
            .with_context(|| format!("status {}", c.status))?;
        let day = |n: i64| {
            let local = now
                .with_timezone(&app::domain::time::shanghai())
                .date_naive()
                + chrono::Duration::days(n);
            format!("{}T09:00", local.format("%Y-%m-%d"))
        };
        let demand_ids: Vec<Uuid> = c
            .demands
            .iter()
            .map(|(code, title)| stable_id("demand", &format!("{code}:{title}")))
            .collect();
        let form = CallForm {
            title: c.title.clone(),
            background: c.background,
            goal: c.goal,
            chain: c.chain,
            district: c.district,
            indicators: c.indicators,
            acceptance: c.acceptance,
            city_fund: wan(c.city_fund_yuan)?,
            enterprise_fund: wan(c.enterprise_fund_yuan)?,
            name_cofunder: c.name_cofunder,
            org_types: c.org_types,
            guangxi_only: c.guangxi_only,
            consortium_allowed: c.consortium_allowed,
            opens_at: day(c.opens_in_days),
            closes_at: day(c.closes_in_days),
            criteria: c.criteria,
            score_scale: c.score_scale.to_string(),
            winners: c.winners.to_string(),
            duration_months: c.duration_months.to_string(),
            milestones: c.milestones,
            demand_ids: demand_ids.iter().map(Uuid::to_string).collect(),
        };
        // The call was written before its window opened: parse it as of then.
        let written =
            now.min(now + chrono::Duration::days(c.opens_in_days)) - chrono::Duration::days(1);
        let content = checked(&c.title, records::call::parse(&form, &refs, written))?;
        let mut co_funder = None;
        for d in &demand_ids {
            let row = store
                .get_demand(*d)
                .await?
                .with_context(|| format!("call {} demand", c.key))?;
            co_funder = co_funder.or(Some(row.demand.org_id));
            if row.demand.status == DemandStatus::Published
                && status == app::domain::call::CallStatus::Published
            {
                let ev = seed_event("demand", d, Some(DemandStatus::InCall.as_str()), now);
                let change = StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    *d,
                    DemandStatus::Published,
                    DemandStatus::InCall,
                    None,
                );
                store.change_status(&change, &ev).await?;
            }
        }
        let rec = services::call_record(
            &content,
            id,
            official,
            co_funder.filter(|_| content.name_cofunder && content.enterprise_fund.fen() > 0),
            status,
            c.status_reason.clone(),
            now,
        );
        // A call in 公示 is stored in review first; its award opens the notice below.
        let stored = if c.award.is_some() || !c.awards.is_empty() {
            app::domain::call::CallStatus::Reviewing
        } else {
            status
        };
        let rec = CallRecord {
            status: stored,
            ..rec
        };
        store
            .insert_call(
                &rec,
                &content.demand_ids,
                &seed_event("call", id, Some(stored.as_str()), now),
            )
            .await?;
        let awards: Vec<(usize, String)> = c.award.iter().chain(&c.awards).cloned().collect();
        let opened = if c.concluded {
            rec.closes_at + chrono::Duration::days(3)
        } else {
            now
        };
        let bid_ids = seed_call_work(
            store, &c.key, &c.bids, &c.reviews, &awards, &rec, now, opened,
        )
        .await?;
        tasks::seed_implementation(
            store,
            &c.key,
            c.concluded,
            &c.tasks,
            c.terminated.as_deref(),
            &rec,
            &bid_ids,
            now,
        )
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
        let form = ExpertForm {
            title: e.title,
            fields: e.fields.join("，"),
            keywords: e.keywords.join("，"),
            bio: e.bio,
            accepts_review: e.accepts_review,
            is_public: e.is_public,
        };
        let c = checked(&e.email, records::expert::parse(&form))?;
        let rec = services::expert_record(&c, user.id, now);
        store
            .upsert_expert(&rec, &seed_event("expert", user.id, None, now))
            .await?;
    }
    seed_contracts(store, &refs, now).await?;
    Ok(created)
}

/// How many registered contracts the demo seeds hold (2021 to November 2026).
pub const DEMO_CONTRACTS: usize = 8_000;

/// The demo's registered contracts, so the dashboard means something at first start. The set
/// is fixed (its own seed and span); the ones registered after `now` wait for a later run.
async fn seed_contracts(
    store: &dyn Store,
    refs: &RefData,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let chains: Vec<String> = refs
        .chains
        .iter()
        .filter(|c| c.parent_code.is_some())
        .map(|c| c.code.clone())
        .collect();
    let span_end = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 30, 9, 0, 0)
        .single()
        .context("seed span")?;
    let rows: Vec<_> = crate::contract_gen::generate(DEMO_CONTRACTS, 2021, &chains, span_end)
        .into_iter()
        .filter(|c| c.registered_at.is_some_and(|t| t <= now))
        .collect();
    let numbers: Vec<String> = rows
        .iter()
        .filter_map(|c| c.registration_number.clone())
        .collect();
    let known: std::collections::HashSet<String> = store
        .existing_registration_numbers(&numbers)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|c| {
            !c.registration_number
                .as_ref()
                .is_some_and(|n| known.contains(n))
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let ev = AuditEvent {
        actor_id: None,
        entity_type: "contract_import",
        entity_id: "seed".into(),
        action: "seed".into(),
        from_state: None,
        to_state: Some(format!("{} rows", rows.len())),
        reason: None,
        at: now,
    };
    store.import_contracts(&rows, &ev, &|_| {}).await?;
    Ok(())
}
