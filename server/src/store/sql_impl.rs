// The one implementation of `Store`, compiled twice: once with `Db = Sqlite` and once with
// `Db = Postgres` (see mod.rs). Only SQL both dialects accept is written here; `$N`
// placeholders work on both.
use app::domain::achievement::{AchievementStatus, TransferMode};
use app::domain::{DemandStatus, IpPreference, OrgType, Role};
use app::model::{Chain, District, SearchDoc, SearchKind};
use app::ports::*;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::{Database, Row};
use uuid::Uuid;

type DbRow = <Db as Database>::Row;
type Tx<'a> = sqlx::Transaction<'a, Db>;

pub struct SqlStore {
    pub pool: sqlx::Pool<Db>,
}

fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.kind() == sqlx::error::ErrorKind::UniqueViolation {
            return StoreError::Unique;
        }
    }
    StoreError::Other(e.to_string())
}

fn bad(col: &str, v: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected value {v:?} in column {col}").into())
}

/// Times are kept to the microsecond, which both engines store exactly, so the audit hash of a
/// row read back equals the hash computed when it was written.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

fn org_from(r: &DbRow) -> Result<OrgRecord, sqlx::Error> {
    let t: String = r.try_get("org_type")?;
    Ok(OrgRecord {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        org_type: OrgType::parse(&t).ok_or_else(|| bad("org_type", &t))?,
        credit_code: r.try_get("credit_code")?,
        district_code: r.try_get("district_code")?,
        contact_name: r.try_get("contact_name")?,
        contact_phone: r.try_get("contact_phone")?,
        verified: r.try_get("verified")?,
        created_at: r.try_get("created_at")?,
    })
}

fn user_from(r: &DbRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        org_id: r.try_get("org_id")?,
        membership_active: r.try_get("membership_active")?,
        is_org_admin: r.try_get("is_org_admin")?,
        privacy_accepted_at: r.try_get("privacy_accepted_at")?,
        created_at: r.try_get("created_at")?,
    })
}

fn demand_from(r: &DbRow) -> Result<DemandRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let ip: String = r.try_get("ip_preference")?;
    let kw: String = r.try_get("keywords")?;
    let trl: i64 = r.try_get("trl")?;
    Ok(DemandRow {
        demand: DemandRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            created_by: r.try_get("created_by")?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            chain_code: r.try_get("chain_code")?,
            field: r.try_get("field")?,
            keywords: serde_json::from_str(&kw).map_err(|_| bad("keywords", &kw))?,
            budget_min_fen: r.try_get("budget_min_fen")?,
            budget_max_fen: r.try_get("budget_max_fen")?,
            trl: u8::try_from(trl).map_err(|_| bad("trl", &trl.to_string()))?,
            deadline: r.try_get("deadline")?,
            ip_preference: IpPreference::parse(&ip).ok_or_else(|| bad("ip_preference", &ip))?,
            confidential_detail: r.try_get("confidential_detail")?,
            status: DemandStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
            status_reason: r.try_get("status_reason")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            published_at: r.try_get("published_at")?,
        },
        org_name: r.try_get("org_name")?,
        district_code: r.try_get("org_district")?,
    })
}

fn roles_from(list: Vec<String>) -> Vec<Role> {
    let mut roles: Vec<Role> = list.iter().filter_map(|s| Role::parse(s)).collect();
    roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    roles
}

/// Appends one audit row inside `tx`. Bumping `audit_head` first takes the write lock (a row
/// lock on PostgreSQL, the database lock on SQLite), so concurrent writers chain in order.
async fn append_audit(tx: &mut Tx<'_>, ev: &AuditEvent) -> Result<(), sqlx::Error> {
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
            .fetch_one(&mut **tx)
            .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev: String = head.try_get("last_hash")?;
    let at = micros(ev.at);
    let hash = crate::store::audit_hash(&prev, seq, at, ev);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, entity_type, entity_id, action, from_state, to_state, reason, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(at)
    .bind(ev.actor_id)
    .bind(ev.entity_type)
    .bind(&ev.entity_id)
    .bind(&ev.action)
    .bind(&ev.from_state)
    .bind(&ev.to_state)
    .bind(&ev.reason)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn insert_roles(
    tx: &mut Tx<'_>,
    user_id: Uuid,
    roles: &[Role],
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, role) DO NOTHING")
            .bind(user_id)
            .bind(r.as_str())
            .bind(micros(at))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn insert_user(tx: &mut Tx<'_>, u: &UserRecord) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, org_id, membership_active, is_org_admin, privacy_accepted_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(u.id)
    .bind(&u.email)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(u.org_id)
    .bind(u.membership_active)
    .bind(u.is_org_admin)
    .bind(micros(u.privacy_accepted_at))
    .bind(micros(u.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn queue_search(
    tx: &mut Tx<'_>,
    entity_type: &str,
    id: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO search_outbox (entity_type, entity_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(entity_type)
    .bind(id)
    .bind(micros(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const DEMAND_SELECT: &str = "SELECT d.id, d.org_id, d.created_by, d.title, d.description, d.chain_code, d.field, d.keywords, \
    d.budget_min_fen, d.budget_max_fen, d.trl, d.deadline, d.ip_preference, d.confidential_detail, d.status, \
    d.status_reason, d.created_at, d.updated_at, d.published_at, o.name AS org_name, o.district_code AS org_district \
    FROM demands d JOIN organizations o ON o.id = d.org_id";

const ACHIEVEMENT_SELECT: &str = "SELECT a.id, a.org_id, a.created_by, a.title, a.summary, a.chain_code, a.field, a.keywords, a.trl, \
    a.patents, a.transfer_modes, a.price_fen, a.status, a.status_reason, a.created_at, a.updated_at, a.published_at, \
    o.name AS org_name, o.org_type AS org_type, o.district_code AS org_district \
    FROM achievements a JOIN organizations o ON o.id = a.org_id";

fn achievement_from(r: &DbRow) -> Result<AchievementRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let kw: String = r.try_get("keywords")?;
    let patents: String = r.try_get("patents")?;
    let modes: String = r.try_get("transfer_modes")?;
    let modes: Vec<String> =
        serde_json::from_str(&modes).map_err(|_| bad("transfer_modes", &modes))?;
    let trl: i64 = r.try_get("trl")?;
    let org_type: String = r.try_get("org_type")?;
    Ok(AchievementRow {
        achievement: AchievementRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            created_by: r.try_get("created_by")?,
            title: r.try_get("title")?,
            summary: r.try_get("summary")?,
            chain_code: r.try_get("chain_code")?,
            field: r.try_get("field")?,
            keywords: serde_json::from_str(&kw).map_err(|_| bad("keywords", &kw))?,
            trl: u8::try_from(trl).map_err(|_| bad("trl", &trl.to_string()))?,
            patents: serde_json::from_str(&patents).map_err(|_| bad("patents", &patents))?,
            transfer_modes: modes
                .iter()
                .map(|m| TransferMode::parse(m).ok_or_else(|| bad("transfer_modes", m)))
                .collect::<Result<_, _>>()?,
            price_fen: r.try_get("price_fen")?,
            status: AchievementStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
            status_reason: r.try_get("status_reason")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            published_at: r.try_get("published_at")?,
        },
        org_name: r.try_get("org_name")?,
        org_type: OrgType::parse(&org_type).ok_or_else(|| bad("org_type", &org_type))?,
        district_code: r.try_get("org_district")?,
    })
}

macro_rules! expert_from_sql {
    () => {
        "FROM expert_profiles e JOIN users u ON u.id = e.user_id \
         LEFT JOIN organizations o ON o.id = u.org_id AND u.membership_active \
         JOIN user_roles r ON r.user_id = e.user_id AND r.role = 'expert'"
    };
}
const EXPERT_FROM: &str = expert_from_sql!();
const EXPERT_SELECT: &str = concat!(
    "SELECT e.user_id, e.title, e.fields, e.keywords, e.bio, e.accepts_review, e.is_public, e.updated_at, \
     u.display_name AS name, o.id AS org_id, o.name AS org_name, o.org_type AS org_type, o.district_code AS org_district ",
    expert_from_sql!()
);

fn expert_from(r: &DbRow) -> Result<ExpertRow, sqlx::Error> {
    let fields: String = r.try_get("fields")?;
    let kw: String = r.try_get("keywords")?;
    let org_type: Option<String> = r.try_get("org_type")?;
    Ok(ExpertRow {
        profile: ExpertRecord {
            user_id: r.try_get("user_id")?,
            title: r.try_get("title")?,
            fields: serde_json::from_str(&fields).map_err(|_| bad("fields", &fields))?,
            keywords: serde_json::from_str(&kw).map_err(|_| bad("keywords", &kw))?,
            bio: r.try_get("bio")?,
            accepts_review: r.try_get("accepts_review")?,
            is_public: r.try_get("is_public")?,
            updated_at: r.try_get("updated_at")?,
        },
        name: r.try_get("name")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        org_type: org_type.as_deref().and_then(OrgType::parse),
        district_code: r.try_get("org_district")?,
    })
}

fn json_list<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(e.to_string()))
}

async fn insert_org_row(
    tx: &mut Tx<'_>,
    org: &OrgRecord,
    owner: &UserRecord,
    roles: &[Role],
) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO organizations ({ORG_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(org.id)
    .bind(&org.name)
    .bind(org.org_type.as_str())
    .bind(&org.credit_code)
    .bind(&org.district_code)
    .bind(&org.contact_name)
    .bind(&org.contact_phone)
    .bind(org.verified)
    .bind(micros(org.created_at))
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    insert_user(tx, owner).await.map_err(map_err)?;
    insert_roles(tx, owner.id, roles, owner.created_at)
        .await
        .map_err(map_err)?;
    if org.verified {
        queue_search(tx, "organization", &org.id.to_string(), org.created_at)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

async fn insert_demand_row(tx: &mut Tx<'_>, d: &DemandRecord) -> StoreResult<()> {
    let kw = serde_json::to_string(&d.keywords).map_err(|e| StoreError::Other(e.to_string()))?;
    sqlx::query(
                    "INSERT INTO demands (id, org_id, created_by, title, description, chain_code, field, keywords, budget_min_fen, budget_max_fen, \
                     trl, deadline, ip_preference, confidential_detail, status, status_reason, created_at, updated_at, published_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
                )
                .bind(d.id)
                .bind(d.org_id)
                .bind(d.created_by)
                .bind(&d.title)
                .bind(&d.description)
                .bind(&d.chain_code)
                .bind(&d.field)
                .bind(kw)
                .bind(d.budget_min_fen)
                .bind(d.budget_max_fen)
                .bind(i64::from(d.trl))
                .bind(micros(d.deadline))
                .bind(d.ip_preference.as_str())
                .bind(&d.confidential_detail)
                .bind(d.status.as_str())
                .bind(&d.status_reason)
                .bind(micros(d.created_at))
                .bind(micros(d.updated_at))
                .bind(d.published_at.map(micros))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
    if app::domain::demand::is_public(d.status) {
        queue_search(tx, "demand", &d.id.to_string(), d.updated_at)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

async fn insert_achievement_row(tx: &mut Tx<'_>, a: &AchievementRecord) -> StoreResult<()> {
    let modes: Vec<&str> = a.transfer_modes.iter().map(|m| m.as_str()).collect();
    sqlx::query(
                    "INSERT INTO achievements (id, org_id, created_by, title, summary, chain_code, field, keywords, trl, patents, \
                     transfer_modes, price_fen, status, status_reason, created_at, updated_at, published_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(a.id)
                .bind(a.org_id)
                .bind(a.created_by)
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.chain_code)
                .bind(&a.field)
                .bind(json_list(&a.keywords)?)
                .bind(i64::from(a.trl))
                .bind(json_list(&a.patents)?)
                .bind(json_list(&modes)?)
                .bind(a.price_fen)
                .bind(a.status.as_str())
                .bind(&a.status_reason)
                .bind(micros(a.created_at))
                .bind(micros(a.updated_at))
                .bind(a.published_at.map(micros))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
    if app::domain::achievement::is_public(a.status) {
        queue_search(tx, "achievement", &a.id.to_string(), a.updated_at)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

async fn upsert_expert_row(tx: &mut Tx<'_>, e: &ExpertRecord) -> StoreResult<()> {
    sqlx::query(
                    "INSERT INTO expert_profiles (user_id, title, fields, keywords, bio, accepts_review, is_public, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id) DO UPDATE SET title = excluded.title, \
                     fields = excluded.fields, keywords = excluded.keywords, bio = excluded.bio, accepts_review = excluded.accepts_review, \
                     is_public = excluded.is_public, updated_at = excluded.updated_at",
                )
                .bind(e.user_id)
                .bind(&e.title)
                .bind(json_list(&e.fields)?)
                .bind(json_list(&e.keywords)?)
                .bind(&e.bio)
                .bind(e.accepts_review)
                .bind(e.is_public)
                .bind(micros(e.updated_at))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
    // Always queued: making a profile private must take it out of the index.
    queue_search(tx, "expert", &e.user_id.to_string(), e.updated_at)
        .await
        .map_err(map_err)
}

const USER_COLS: &str = "id, email, display_name, password_hash, org_id, membership_active, is_org_admin, privacy_accepted_at, created_at";
const ORG_COLS: &str = "id, name, org_type, credit_code, district_code, contact_name, contact_phone, verified, created_at";

impl SqlStore {
    /// Role names of the users matching `filter` (on `users u`), by user.
    async fn roles_where(
        &self,
        filter: &str,
        bind: Option<Uuid>,
    ) -> Result<std::collections::HashMap<Uuid, Vec<String>>, sqlx::Error> {
        let sql = format!(
            "SELECT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id{filter}"
        );
        let mut q = sqlx::query(&sql);
        if let Some(b) = bind {
            q = q.bind(b);
        }
        let mut by_user: std::collections::HashMap<Uuid, Vec<String>> =
            std::collections::HashMap::new();
        for r in q.fetch_all(&self.pool).await? {
            by_user
                .entry(r.try_get("user_id")?)
                .or_default()
                .push(r.try_get("role")?);
        }
        Ok(by_user)
    }

    async fn roles_of(&self, id: Uuid) -> Result<Vec<Role>, sqlx::Error> {
        let rows = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let list = rows
            .iter()
            .map(|r| r.try_get::<String, _>("role"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(roles_from(list))
    }

    /// A write with its audit event, in one transaction.
    async fn audited<F>(&self, ev: &AuditEvent, f: F) -> StoreResult<()>
    where
        F: for<'c> FnOnce(
                &'c mut Tx<'_>,
            ) -> std::pin::Pin<
                Box<dyn std::future::Future<Output = StoreResult<()>> + Send + 'c>,
            > + Send,
    {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        f(&mut tx).await?;
        append_audit(&mut tx, ev).await.map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn upsert_district(&self, d: &District) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO districts (code, name_zh, name_en, kind, sort) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, kind = excluded.kind, sort = excluded.sort",
        )
        .bind(&d.code)
        .bind(&d.name_zh)
        .bind(&d.name_en)
        .bind(&d.kind)
        .bind(d.sort)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn upsert_chain(&self, c: &Chain) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO industry_chains (code, parent_code, name_zh, name_en, sort) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name_zh = excluded.name_zh, name_en = excluded.name_en, sort = excluded.sort",
        )
        .bind(&c.code)
        .bind(&c.parent_code)
        .bind(&c.name_zh)
        .bind(&c.name_en)
        .bind(c.sort)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn upsert_target(&self, t: &PlanTarget) -> StoreResult<()> {
        let co =
            serde_json::to_string(&t.co_units).map_err(|e| StoreError::Other(e.to_string()))?;
        sqlx::query(
            "INSERT INTO plan_targets (code, task, name_zh, name_en, target_value, unit_zh, comparator, period, lead_unit, co_units, source, note, sort) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (code) DO UPDATE SET task = excluded.task, name_zh = excluded.name_zh, name_en = excluded.name_en, \
             target_value = excluded.target_value, unit_zh = excluded.unit_zh, comparator = excluded.comparator, period = excluded.period, \
             lead_unit = excluded.lead_unit, co_units = excluded.co_units, source = excluded.source, note = excluded.note, sort = excluded.sort",
        )
        .bind(&t.code)
        .bind(t.task)
        .bind(&t.name_zh)
        .bind(&t.name_en)
        .bind(&t.target_value)
        .bind(&t.unit_zh)
        .bind(&t.comparator)
        .bind(&t.period)
        .bind(&t.lead_unit)
        .bind(co)
        .bind(&t.source)
        .bind(&t.note)
        .bind(t.sort)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn list_districts(&self) -> StoreResult<Vec<District>> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, kind, sort FROM districts ORDER BY sort, code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(District {
                    code: r.try_get("code")?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                    kind: r.try_get("kind")?,
                    sort: r.try_get("sort")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    async fn list_chains(&self) -> StoreResult<Vec<Chain>> {
        let rows = sqlx::query("SELECT code, parent_code, name_zh, name_en, sort FROM industry_chains ORDER BY sort, code")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(Chain {
                    code: r.try_get("code")?,
                    parent_code: r.try_get("parent_code")?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                    sort: r.try_get("sort")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    async fn list_targets(&self) -> StoreResult<Vec<PlanTarget>> {
        let rows = sqlx::query(
            "SELECT code, task, name_zh, name_en, target_value, unit_zh, comparator, period, lead_unit, co_units, source, note, sort \
             FROM plan_targets ORDER BY sort, code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let co: String = r.try_get("co_units")?;
                Ok(PlanTarget {
                    code: r.try_get("code")?,
                    task: r.try_get("task")?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                    target_value: r.try_get("target_value")?,
                    unit_zh: r.try_get("unit_zh")?,
                    comparator: r.try_get("comparator")?,
                    period: r.try_get("period")?,
                    lead_unit: r.try_get("lead_unit")?,
                    co_units: serde_json::from_str(&co).map_err(|_| bad("co_units", &co))?,
                    source: r.try_get("source")?,
                    note: r.try_get("note")?,
                    sort: r.try_get("sort")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    async fn create_org_with_owner(
        &self,
        org: &OrgRecord,
        owner: &UserRecord,
        roles: &[Role],
        audit: &[AuditEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        insert_org_row(&mut tx, org, owner, roles).await?;
        for ev in audit {
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn import_batch(
        &self,
        records: &[(ImportRecord, AuditEvent)],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for (i, (record, audit)) in records.iter().enumerate() {
            match record {
                ImportRecord::Org(org, owner, roles) => {
                    insert_org_row(&mut tx, org, owner, roles).await?
                }
                ImportRecord::Demand(d) => insert_demand_row(&mut tx, d).await?,
                ImportRecord::Achievement(a) => insert_achievement_row(&mut tx, a).await?,
                ImportRecord::Expert {
                    user,
                    new_user,
                    profile,
                } => {
                    if *new_user {
                        insert_user(&mut tx, user).await.map_err(map_err)?;
                    }
                    insert_roles(&mut tx, user.id, &[Role::Expert], profile.updated_at)
                        .await
                        .map_err(map_err)?;
                    upsert_expert_row(&mut tx, profile).await?;
                }
            }
            append_audit(&mut tx, audit).await.map_err(map_err)?;
            progress(i + 1);
        }
        tx.commit().await.map_err(map_err)
    }

    async fn create_user(
        &self,
        user: &UserRecord,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let user = user.clone();
        let roles = roles.to_vec();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                insert_user(tx, &user).await.map_err(map_err)?;
                insert_roles(tx, user.id, &roles, user.created_at)
                    .await
                    .map_err(map_err)
            })
        })
        .await
    }

    async fn get_org(&self, id: Uuid) -> StoreResult<Option<OrgRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLS} FROM organizations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.as_ref().map(org_from).transpose().map_err(map_err)
    }

    async fn find_org_by_credit_code(&self, code: &str) -> StoreResult<Option<OrgRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLS} FROM organizations WHERE credit_code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.as_ref().map(org_from).transpose().map_err(map_err)
    }

    async fn list_orgs(&self) -> StoreResult<Vec<(OrgRecord, i64)>> {
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLS}, (SELECT COUNT(*) FROM users u WHERE u.org_id = organizations.id AND u.membership_active) AS members \
             FROM organizations ORDER BY verified, created_at DESC"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| Ok((org_from(r)?, r.try_get::<i64, _>("members")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    async fn set_org_verified(
        &self,
        id: Uuid,
        verified: bool,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query("UPDATE organizations SET verified = $1 WHERE id = $2")
                    .bind(verified)
                    .bind(id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                queue_search(tx, "organization", &id.to_string(), Utc::now())
                    .await
                    .map_err(map_err)
            })
        })
        .await
    }

    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE email = $1"))
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(user_from).transpose().map_err(map_err)
    }

    async fn get_user(&self, id: Uuid) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(user_from).transpose().map_err(map_err)
    }

    async fn user_roles(&self, id: Uuid) -> StoreResult<Vec<Role>> {
        self.roles_of(id).await.map_err(map_err)
    }

    async fn list_users(&self) -> StoreResult<Vec<(UserRecord, Vec<Role>, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.org_id, u.membership_active, u.is_org_admin, \
             u.privacy_accepted_at, u.created_at, o.name AS org_name FROM users u LEFT JOIN organizations o ON o.id = u.org_id \
             ORDER BY u.created_at DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut roles = self.roles_where("", None).await.map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let u = user_from(r).map_err(map_err)?;
            let org: Option<String> = r.try_get("org_name").map_err(map_err)?;
            let list = roles.remove(&u.id).unwrap_or_default();
            out.push((u, roles_from(list), org));
        }
        Ok(out)
    }

    async fn org_members(&self, org_id: Uuid) -> StoreResult<Vec<(UserRecord, Vec<Role>)>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users WHERE org_id = $1 ORDER BY created_at"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        // All members' roles in one query, not one per member (institutions have thousands).
        let mut roles = self
            .roles_where(" WHERE u.org_id = $1", Some(org_id))
            .await
            .map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let u = user_from(r).map_err(map_err)?;
            let list = roles.remove(&u.id).unwrap_or_default();
            out.push((u, roles_from(list)));
        }
        Ok(out)
    }

    async fn grant_role(&self, user_id: Uuid, role: Role, audit: &AuditEvent) -> StoreResult<()> {
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                insert_roles(tx, user_id, &[role], at)
                    .await
                    .map_err(map_err)?;
                if role == Role::Expert {
                    queue_search(tx, "expert", &user_id.to_string(), at)
                        .await
                        .map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn revoke_role(&self, user_id: Uuid, role: Role, audit: &AuditEvent) -> StoreResult<()> {
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2")
                    .bind(user_id)
                    .bind(role.as_str())
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                if role == Role::Expert {
                    queue_search(tx, "expert", &user_id.to_string(), Utc::now())
                        .await
                        .map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn decide_membership(
        &self,
        user_id: Uuid,
        org_id: Uuid,
        admit: bool,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let roles = roles.to_vec();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let sql = if admit {
                    "UPDATE users SET membership_active = TRUE WHERE id = $1 AND org_id = $2 AND membership_active = FALSE"
                } else {
                    "UPDATE users SET org_id = NULL WHERE id = $1 AND org_id = $2 AND membership_active = FALSE"
                };
                let r = sqlx::query(sql).bind(user_id).bind(org_id).execute(&mut **tx).await.map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                insert_roles(tx, user_id, &roles, at).await.map_err(map_err)?;
                // An expert's organization shows in the pool and search only once admitted.
                queue_search(tx, "expert", &user_id.to_string(), at).await.map_err(map_err)
            })
        })
        .await
    }

    async fn set_password(&self, user_id: Uuid, hash: &str, audit: &AuditEvent) -> StoreResult<()> {
        let hash = hash.to_string();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(&hash)
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: Uuid,
        kind: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(kind)
            .bind(micros(now))
            .bind(micros(expires_at))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        // Expired sessions are swept as new ones are made, so the table cannot grow without end.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.org_id, u.membership_active, u.is_org_admin, \
             u.privacy_accepted_at, u.created_at, s.expires_at AS session_expires FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(r) = row else { return Ok(None) };
        let user = user_from(&r).map_err(map_err)?;
        let expires_at = r.try_get("session_expires").map_err(map_err)?;
        let roles = self.roles_of(user.id).await.map_err(map_err)?;
        Ok(Some(SessionRecord {
            user,
            roles,
            expires_at,
        }))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn create_password_reset(
        &self,
        user_id: Uuid,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        email: &EmailRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        let email = email.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(&token_hash)
                    .bind(user_id)
                    .bind(micros(expires_at))
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query("INSERT INTO email_outbox (id, to_email, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(email.id)
                    .bind(&email.to_email)
                    .bind(&email.subject)
                    .bind(&email.body)
                    .bind(micros(email.created_at))
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    async fn consume_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        new_hash: &str,
    ) -> StoreResult<Option<Uuid>> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        // The update is the first statement so SQLite takes its write lock before reading.
        let row = sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id")
            .bind(micros(now))
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let user_id: Uuid = row.try_get("user_id").map_err(map_err)?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(new_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let ev = AuditEvent {
            actor_id: Some(user_id),
            entity_type: "user",
            entity_id: user_id.to_string(),
            action: "reset_password".into(),
            from_state: None,
            to_state: None,
            reason: None,
            at: now,
        };
        append_audit(&mut tx, &ev).await.map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(Some(user_id))
    }

    async fn list_emails(&self, to_email: &str) -> StoreResult<Vec<EmailRecord>> {
        let rows = sqlx::query("SELECT id, to_email, subject, body, created_at FROM email_outbox WHERE to_email = $1 ORDER BY created_at")
            .bind(to_email)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(EmailRecord {
                    id: r.try_get("id")?,
                    to_email: r.try_get("to_email")?,
                    subject: r.try_get("subject")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    async fn insert_demand(&self, d: &DemandRecord, audit: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        insert_demand_row(&mut tx, d).await?;
        append_audit(&mut tx, audit).await.map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_demand_draft(&self, d: &DemandRecord, audit: &AuditEvent) -> StoreResult<()> {
        let d = d.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let kw = serde_json::to_string(&d.keywords).map_err(|e| StoreError::Other(e.to_string()))?;
                let r = sqlx::query(
                    "UPDATE demands SET title = $1, description = $2, chain_code = $3, field = $4, keywords = $5, budget_min_fen = $6, \
                     budget_max_fen = $7, trl = $8, deadline = $9, ip_preference = $10, confidential_detail = $11, updated_at = $12 \
                     WHERE id = $13 AND status = $14",
                )
                .bind(&d.title)
                .bind(&d.description)
                .bind(&d.chain_code)
                .bind(&d.field)
                .bind(kw)
                .bind(d.budget_min_fen)
                .bind(d.budget_max_fen)
                .bind(i64::from(d.trl))
                .bind(micros(d.deadline))
                .bind(d.ip_preference.as_str())
                .bind(&d.confidential_detail)
                .bind(micros(d.updated_at))
                .bind(d.id)
                .bind(DemandStatus::Draft.as_str())
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                Ok(())
            })
        })
        .await
    }

    async fn change_status(&self, change: &StatusChange, audit: &AuditEvent) -> StoreResult<()> {
        // The table is chosen from a fixed list, never spliced from input.
        let table = match change.entity {
            "demand" => "demands",
            "achievement" => "achievements",
            other => return Err(StoreError::Other(format!("no status column for {other}"))),
        };
        let c = change.clone();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let published = c.publishes.then(|| micros(at));
                let r = sqlx::query(&format!(
                    "UPDATE {table} SET status = $1, status_reason = $2, updated_at = $3, published_at = COALESCE($4, published_at) \
                     WHERE id = $5 AND status = $6"
                ))
                .bind(c.to)
                .bind(c.reason)
                .bind(micros(at))
                .bind(published)
                .bind(c.id)
                .bind(c.from)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                if c.searchable {
                    queue_search(tx, c.entity, &c.id.to_string(), at).await.map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn get_demand(&self, id: Uuid) -> StoreResult<Option<DemandRow>> {
        let row = sqlx::query(&format!("{DEMAND_SELECT} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(demand_from).transpose().map_err(map_err)
    }

    async fn list_demands(&self, q: &DemandQuery) -> StoreResult<(Vec<DemandRow>, i64)> {
        // Filters are appended as numbered placeholders; values are always bound, never spliced.
        enum Arg {
            S(String),
            U(Uuid),
            I(i64),
        }
        let mut wh: Vec<String> = Vec::new();
        let mut args: Vec<Arg> = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if !q.statuses.is_empty() {
            let ph: Vec<String> = q.statuses.iter().map(|_| next()).collect();
            wh.push(format!("d.status IN ({})", ph.join(", ")));
            args.extend(q.statuses.iter().map(|s| Arg::S(s.as_str().into())));
        }
        if let Some(org) = q.org_id {
            wh.push(format!("d.org_id = {}", next()));
            args.push(Arg::U(org));
        }
        if let Some(c) = &q.chain_prefix {
            let (a, b, c2) = (next(), next(), next());
            wh.push(format!(
                "(d.chain_code = {a} OR substr(d.chain_code, 1, CAST({b} AS INTEGER)) = {c2})"
            ));
            let prefix = format!("{c}.");
            args.push(Arg::S(c.clone()));
            args.push(Arg::I(prefix.chars().count() as i64));
            args.push(Arg::S(prefix));
        }
        if let Some(dist) = &q.district {
            wh.push(format!("o.district_code = {}", next()));
            args.push(Arg::S(dist.clone()));
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wh.join(" AND "))
        };
        let (lim, off) = (next(), next());
        let list_sql = format!("{DEMAND_SELECT}{where_sql} ORDER BY COALESCE(d.published_at, d.updated_at) DESC, d.id LIMIT {lim} OFFSET {off}");
        let count_sql = format!("SELECT COUNT(*) AS n FROM demands d JOIN organizations o ON o.id = d.org_id{where_sql}");
        let mut list = sqlx::query(&list_sql);
        let mut count = sqlx::query(&count_sql);
        for a in &args {
            match a {
                Arg::S(s) => {
                    list = list.bind(s.clone());
                    count = count.bind(s.clone());
                }
                Arg::U(u) => {
                    list = list.bind(*u);
                    count = count.bind(*u);
                }
                Arg::I(i) => {
                    list = list.bind(*i);
                    count = count.bind(*i);
                }
            }
        }
        let limit = if q.limit <= 0 { 20 } else { q.limit.min(1000) };
        let rows = list
            .bind(limit)
            .bind(q.offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let total: i64 = count
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)?;
        let items = rows
            .iter()
            .map(demand_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        Ok((items, total))
    }

    async fn insert_achievement(
        &self,
        a: &AchievementRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        insert_achievement_row(&mut tx, a).await?;
        append_audit(&mut tx, audit).await.map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    async fn update_achievement_draft(
        &self,
        a: &AchievementRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let a = a.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let modes: Vec<&str> = a.transfer_modes.iter().map(|m| m.as_str()).collect();
                let r = sqlx::query(
                    "UPDATE achievements SET title = $1, summary = $2, chain_code = $3, field = $4, keywords = $5, trl = $6, \
                     patents = $7, transfer_modes = $8, price_fen = $9, updated_at = $10 WHERE id = $11 AND status = $12",
                )
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.chain_code)
                .bind(&a.field)
                .bind(json_list(&a.keywords)?)
                .bind(i64::from(a.trl))
                .bind(json_list(&a.patents)?)
                .bind(json_list(&modes)?)
                .bind(a.price_fen)
                .bind(micros(a.updated_at))
                .bind(a.id)
                .bind(AchievementStatus::Draft.as_str())
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                Ok(())
            })
        })
        .await
    }

    async fn get_achievement(&self, id: Uuid) -> StoreResult<Option<AchievementRow>> {
        let row = sqlx::query(&format!("{ACHIEVEMENT_SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref()
            .map(achievement_from)
            .transpose()
            .map_err(map_err)
    }

    async fn list_achievements(
        &self,
        q: &AchievementQuery,
    ) -> StoreResult<(Vec<AchievementRow>, i64)> {
        let mut wh: Vec<String> = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if !q.statuses.is_empty() {
            let ph: Vec<String> = q.statuses.iter().map(|_| next()).collect();
            wh.push(format!("a.status IN ({})", ph.join(", ")));
        }
        if q.org_id.is_some() {
            wh.push(format!("a.org_id = {}", next()));
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wh.join(" AND "))
        };
        let (lim, off) = (next(), next());
        let list_sql = format!("{ACHIEVEMENT_SELECT}{where_sql} ORDER BY COALESCE(a.published_at, a.updated_at) DESC, a.id LIMIT {lim} OFFSET {off}");
        let count_sql = format!("SELECT COUNT(*) AS n FROM achievements a{where_sql}");
        let mut list = sqlx::query(&list_sql);
        let mut count = sqlx::query(&count_sql);
        for s in &q.statuses {
            list = list.bind(s.as_str());
            count = count.bind(s.as_str());
        }
        if let Some(o) = q.org_id {
            list = list.bind(o);
            count = count.bind(o);
        }
        let limit = if q.limit <= 0 { 20 } else { q.limit.min(1000) };
        let rows = list
            .bind(limit)
            .bind(q.offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let total: i64 = count
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)?;
        let items = rows
            .iter()
            .map(achievement_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        Ok((items, total))
    }

    async fn create_dispute(
        &self,
        claimant: &UserRecord,
        d: &DisputeRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let claimant = claimant.clone();
        let d = d.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                insert_user(tx, &claimant).await.map_err(map_err)?;
                sqlx::query(
                    "INSERT INTO credit_code_disputes (id, org_id, user_id, reason, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5)",
                )
                .bind(d.id)
                .bind(d.org_id)
                .bind(d.user_id)
                .bind(&d.reason)
                .bind(micros(d.created_at))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    async fn list_disputes(&self, open_only: bool) -> StoreResult<Vec<DisputeRecord>> {
        let filter = if open_only {
            " WHERE d.status = 'open'"
        } else {
            ""
        };
        let rows = sqlx::query(&format!(
            "SELECT d.id, d.org_id, d.user_id, d.reason, d.status, d.created_at, o.name AS org_name, o.credit_code AS credit_code, \
             u.display_name AS claimant_name, u.email AS claimant_email FROM credit_code_disputes d \
             JOIN organizations o ON o.id = d.org_id JOIN users u ON u.id = d.user_id{filter} ORDER BY d.created_at"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(DisputeRecord {
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    user_id: r.try_get("user_id")?,
                    reason: r.try_get("reason")?,
                    status: r.try_get("status")?,
                    created_at: r.try_get("created_at")?,
                    org_name: r.try_get("org_name")?,
                    credit_code: r.try_get("credit_code")?,
                    claimant_name: r.try_get("claimant_name")?,
                    claimant_email: r.try_get("claimant_email")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    async fn decide_dispute(
        &self,
        id: Uuid,
        upheld: bool,
        decided_by: Uuid,
        note: &str,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let note = note.to_string();
        let roles = roles.to_vec();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let row = sqlx::query(
                    "UPDATE credit_code_disputes SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                     WHERE id = $5 AND status = 'open' RETURNING org_id, user_id",
                )
                .bind(if upheld { "upheld" } else { "dismissed" })
                .bind(decided_by)
                .bind(micros(at))
                .bind(&note)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await
                .map_err(map_err)?;
                let Some(row) = row else {
                    return Err(StoreError::Stale);
                };
                if upheld {
                    let org_id: Uuid = row.try_get("org_id").map_err(map_err)?;
                    let user_id: Uuid = row.try_get("user_id").map_err(map_err)?;
                    sqlx::query("UPDATE organizations SET verified = FALSE WHERE id = $1")
                        .bind(org_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(map_err)?;
                    sqlx::query("UPDATE users SET org_id = $1, membership_active = TRUE, is_org_admin = TRUE WHERE id = $2")
                        .bind(org_id)
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(map_err)?;
                    insert_roles(tx, user_id, &roles, at).await.map_err(map_err)?;
                    queue_search(tx, "organization", &org_id.to_string(), at).await.map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn upsert_expert(&self, e: &ExpertRecord, audit: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        upsert_expert_row(&mut tx, e).await?;
        append_audit(&mut tx, audit).await.map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    async fn get_expert(&self, user_id: Uuid) -> StoreResult<Option<ExpertRow>> {
        let row = sqlx::query(&format!("{EXPERT_SELECT} WHERE e.user_id = $1"))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(expert_from).transpose().map_err(map_err)
    }

    async fn list_experts(
        &self,
        public_only: bool,
        org_id: Option<Uuid>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<ExpertRow>, i64)> {
        let mut conds = vec![];
        if public_only {
            conds.push("e.is_public");
        }
        if org_id.is_some() {
            conds.push("o.id = $3");
        }
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let sql = format!(
            "{EXPERT_SELECT}{filter} ORDER BY e.updated_at DESC, e.user_id LIMIT $1 OFFSET $2"
        );
        let mut q = sqlx::query(&sql)
            .bind(limit.clamp(1, 1000))
            .bind(offset.max(0));
        if let Some(id) = org_id {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(map_err)?;
        // The count takes the same filter; `$3` becomes `$1` there.
        let count_sql = format!(
            "SELECT COUNT(*) AS n {EXPERT_FROM}{}",
            filter.replace("$3", "$1")
        );
        let mut cq = sqlx::query(&count_sql);
        if let Some(id) = org_id {
            cq = cq.bind(id);
        }
        let total: i64 = cq
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)?;
        let items = rows
            .iter()
            .map(expert_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        Ok((items, total))
    }

    async fn audit_for(&self, entity_type: &str, entity_id: &str) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT a.seq, a.at, a.actor_id, a.entity_type, a.entity_id, a.action, a.from_state, a.to_state, a.reason, a.prev_hash, a.hash, \
             u.display_name AS actor_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
             WHERE a.entity_type = $1 AND a.entity_id = $2 ORDER BY a.seq",
        )
        .bind(entity_type)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(audit_from)
            .collect::<Result<_, _>>()
            .map_err(map_err)
    }

    async fn verify_audit_chain(&self) -> StoreResult<Result<i64, i64>> {
        let rows = sqlx::query(
            "SELECT a.seq, a.at, a.actor_id, a.entity_type, a.entity_id, a.action, a.from_state, a.to_state, a.reason, a.prev_hash, a.hash, \
             NULL AS actor_name FROM audit_log a ORDER BY a.seq",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut prev = "0".repeat(64);
        let mut count = 0;
        for r in &rows {
            let rec = audit_from(r).map_err(map_err)?;
            let expect = crate::store::audit_hash(&prev, rec.seq, rec.event.at, &rec.event);
            if rec.prev_hash != prev || rec.hash != expect {
                return Ok(Err(rec.seq));
            }
            prev = rec.hash;
            count += 1;
        }
        Ok(Ok(count))
    }

    async fn search_outbox_batch(&self, limit: i64) -> StoreResult<Vec<(i64, String, String)>> {
        let rows = sqlx::query("SELECT id, entity_type, entity_id FROM search_outbox WHERE processed_at IS NULL ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("entity_type")?,
                    r.try_get("entity_id")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    async fn mark_search_processed(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
        for chunk in ids.chunks(500) {
            let ph: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "UPDATE search_outbox SET processed_at = $1 WHERE id IN ({})",
                ph.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(micros(at));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&self.pool).await.map_err(map_err)?;
        }
        Ok(())
    }

    async fn search_doc(
        &self,
        entity_type: &str,
        entity_id: &str,
    ) -> StoreResult<Option<SearchDoc>> {
        let Ok(id) = Uuid::parse_str(entity_id) else {
            return Ok(None);
        };
        match entity_type {
            "demand" => {
                let Some(row) = self.get_demand(id).await? else {
                    return Ok(None);
                };
                let d = row.demand;
                if !app::domain::demand::is_public(d.status) {
                    return Ok(None);
                }
                let org_type = self
                    .get_org(d.org_id)
                    .await?
                    .map(|o| o.org_type.as_str().to_string());
                Ok(Some(SearchDoc {
                    kind: SearchKind::Demand,
                    id: d.id.to_string(),
                    title: d.title,
                    body: format!("{}\n{}", d.field, d.description),
                    keywords: d.keywords,
                    org_name: row.org_name,
                    chain: Some(d.chain_code),
                    district: Some(row.district_code),
                    org_type,
                    transfer_modes: vec![],
                    trl: Some(d.trl),
                    budget_fen: Some(d.budget_max_fen),
                    published_at: d.published_at.unwrap_or(d.updated_at),
                }))
            }
            "achievement" => {
                let Some(row) = self.get_achievement(id).await? else {
                    return Ok(None);
                };
                let a = row.achievement;
                if !app::domain::achievement::is_public(a.status) {
                    return Ok(None);
                }
                Ok(Some(SearchDoc {
                    kind: SearchKind::Achievement,
                    id: a.id.to_string(),
                    title: a.title,
                    body: format!("{}\n{}", a.field, a.summary),
                    keywords: a.keywords,
                    org_name: row.org_name,
                    chain: Some(a.chain_code),
                    district: Some(row.district_code),
                    org_type: Some(row.org_type.as_str().to_string()),
                    transfer_modes: a
                        .transfer_modes
                        .iter()
                        .map(|m| m.as_str().to_string())
                        .collect(),
                    trl: Some(a.trl),
                    budget_fen: a.price_fen,
                    published_at: a.published_at.unwrap_or(a.updated_at),
                }))
            }
            "expert" => {
                let Some(e) = self.get_expert(id).await? else {
                    return Ok(None);
                };
                if !e.profile.is_public {
                    return Ok(None);
                }
                Ok(Some(SearchDoc {
                    kind: SearchKind::Expert,
                    id: e.profile.user_id.to_string(),
                    title: format!("{}（{}）", e.name, e.profile.title),
                    body: format!("{}\n{}", e.profile.fields.join("、"), e.profile.bio),
                    keywords: e.profile.keywords,
                    org_name: e.org_name.unwrap_or_default(),
                    chain: None,
                    district: e.district_code,
                    org_type: e.org_type.map(|t| t.as_str().to_string()),
                    transfer_modes: vec![],
                    trl: None,
                    budget_fen: None,
                    published_at: e.profile.updated_at,
                }))
            }
            "organization" => {
                let Some(o) = self.get_org(id).await? else {
                    return Ok(None);
                };
                if !o.verified {
                    return Ok(None);
                }
                Ok(Some(SearchDoc {
                    kind: SearchKind::Organization,
                    id: o.id.to_string(),
                    title: o.name.clone(),
                    body: format!("{} {}", o.org_type.label_zh(), o.name),
                    keywords: vec![],
                    org_name: o.name,
                    chain: None,
                    district: Some(o.district_code),
                    org_type: Some(o.org_type.as_str().to_string()),
                    transfer_modes: vec![],
                    trl: None,
                    budget_fen: None,
                    published_at: o.created_at,
                }))
            }
            _ => Ok(None),
        }
    }

    async fn searchable_keys(&self) -> StoreResult<Vec<(String, String)>> {
        let public: Vec<&str> = DemandStatus::ALL
            .iter()
            .filter(|s| app::domain::demand::is_public(**s))
            .map(|s| s.as_str())
            .collect();
        let ph: Vec<String> = (1..=public.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id FROM demands WHERE status IN ({})", ph.join(", "));
        let mut q = sqlx::query(&sql);
        for s in &public {
            q = q.bind(*s);
        }
        let mut out = Vec::new();
        for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
            let id: Uuid = r.try_get("id").map_err(map_err)?;
            out.push(("demand".to_string(), id.to_string()));
        }
        let public: Vec<&str> = AchievementStatus::ALL
            .iter()
            .filter(|s| app::domain::achievement::is_public(**s))
            .map(|s| s.as_str())
            .collect();
        let ph: Vec<String> = (1..=public.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id FROM achievements WHERE status IN ({})",
            ph.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for s in &public {
            q = q.bind(*s);
        }
        for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
            let id: Uuid = r.try_get("id").map_err(map_err)?;
            out.push(("achievement".to_string(), id.to_string()));
        }
        for r in sqlx::query("SELECT e.user_id FROM expert_profiles e JOIN user_roles r ON r.user_id = e.user_id AND r.role = 'expert' WHERE e.is_public")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
        {
            let id: Uuid = r.try_get("user_id").map_err(map_err)?;
            out.push(("expert".to_string(), id.to_string()));
        }
        for r in sqlx::query("SELECT id FROM organizations WHERE verified")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
        {
            let id: Uuid = r.try_get("id").map_err(map_err)?;
            out.push(("organization".to_string(), id.to_string()));
        }
        Ok(out)
    }

    async fn pending_search_updates(&self) -> StoreResult<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM search_outbox WHERE processed_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)
    }
}

fn audit_from(r: &DbRow) -> Result<AuditRecord, sqlx::Error> {
    let et: String = r.try_get("entity_type")?;
    Ok(AuditRecord {
        seq: r.try_get("seq")?,
        event: AuditEvent {
            actor_id: r.try_get("actor_id")?,
            entity_type: crate::store::entity_type_static(&et)
                .ok_or_else(|| bad("entity_type", &et))?,
            entity_id: r.try_get("entity_id")?,
            action: r.try_get("action")?,
            from_state: r.try_get("from_state")?,
            to_state: r.try_get("to_state")?,
            reason: r.try_get("reason")?,
            at: r.try_get("at")?,
        },
        actor_name: r.try_get("actor_name")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}
