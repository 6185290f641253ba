// The one implementation of `Store`, compiled twice: once with `Db = Sqlite` and once with
// `Db = Postgres` (see ../mod.rs), one file per context, all included into the same module.
// Only SQL both dialects accept is written here; `$N` placeholders work on both. This file
// holds the shared plumbing and the imports every context file uses.
use app::domain::achievement::{AchievementStatus, TransferMode};

use app::domain::{DemandStatus, IpPreference, OrgType, Role};

use app::model::{Chain, District};

use app::ports::*;

use async_trait::async_trait;

use chrono::{DateTime, SubsecRound, Utc};

use sqlx::{Database, Row};

use uuid::Uuid;

type DbRow = <Db as Database>::Row;

type Tx<'a> = sqlx::Transaction<'a, Db>;

pub struct SqlStore {
    pub pool: sqlx::Pool<Db>,
    /// Bumped after every commit that changes which contracts are registered (see
    /// `StatsStore::stats_generation`).
    pub stats_log: std::sync::Arc<std::sync::Mutex<StatsLog>>,
}

impl SqlStore {
    pub fn new(pool: sqlx::Pool<Db>) -> Self {
        SqlStore {
            pool,
            stats_log: Default::default(),
        }
    }

    /// After a commit that changed contract `id` (`None`: many, an import).
    fn stats_changed(&self, id: Option<Uuid>) {
        if let Ok(mut log) = self.stats_log.lock() {
            log.changed(id);
        }
    }
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

macro_rules! expert_from_sql {
    () => {
        "FROM expert_profiles e JOIN users u ON u.id = e.user_id \
         LEFT JOIN organizations o ON o.id = u.org_id AND u.membership_active \
         JOIN user_roles r ON r.user_id = e.user_id AND r.role = 'expert'"
    };
}

fn json_list<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(e.to_string()))
}

impl SqlStore {
    /// Role names of the users matching `filter` (on `users u`), by user.
    #[tracing::instrument(skip_all)]
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

    #[tracing::instrument(skip_all)]
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
    #[tracing::instrument(skip_all)]
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

    #[tracing::instrument(skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }
}

/// A list query's filters: each clause with its own numbered placeholders, and the values to
/// bind to them, always bound, never spliced into the SQL.
#[derive(Default)]
struct Filters {
    clauses: Vec<String>,
    args: Vec<FilterArg>,
}

enum FilterArg {
    S(String),
    U(Uuid),
    I(i64),
}

impl Filters {
    fn placeholder(&mut self, arg: FilterArg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }
    /// `column IN (…)` over the codes, when there are any.
    fn any_of(&mut self, column: &str, codes: &[&str]) {
        if codes.is_empty() {
            return;
        }
        let ph: Vec<String> = codes
            .iter()
            .map(|c| self.placeholder(FilterArg::S(c.to_string())))
            .collect();
        self.clauses.push(format!("{column} IN ({})", ph.join(", ")));
    }
    fn uuid_is(&mut self, column: &str, v: Option<Uuid>) {
        if let Some(v) = v {
            let p = self.placeholder(FilterArg::U(v));
            self.clauses.push(format!("{column} = {p}"));
        }
    }
    fn text_is(&mut self, column: &str, v: Option<&str>) {
        if let Some(v) = v {
            let p = self.placeholder(FilterArg::S(v.to_string()));
            self.clauses.push(format!("{column} = {p}"));
        }
    }
    /// A dotted code equal to `prefix` or below it (`prefix.…`).
    fn code_under(&mut self, column: &str, prefix: Option<&str>) {
        if let Some(c) = prefix {
            let below = format!("{c}.");
            let a = self.placeholder(FilterArg::S(c.to_string()));
            let b = self.placeholder(FilterArg::I(below.chars().count() as i64));
            let d = self.placeholder(FilterArg::S(below));
            self.clauses.push(format!(
                "({column} = {a} OR substr({column}, 1, CAST({b} AS INTEGER)) = {d})"
            ));
        }
    }
    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
    fn bind<'q>(
        &'q self,
        mut q: sqlx::query::Query<'q, Db, <Db as Database>::Arguments<'q>>,
    ) -> sqlx::query::Query<'q, Db, <Db as Database>::Arguments<'q>> {
        for a in &self.args {
            q = match a {
                FilterArg::S(s) => q.bind(s.as_str()),
                FilterArg::U(u) => q.bind(*u),
                FilterArg::I(i) => q.bind(*i),
            };
        }
        q
    }
}

impl SqlStore {
    /// One page of a list and the total: `select` is the row query up to its FROM and joins,
    /// `from` the same FROM and joins for the count, `order` the ORDER BY, `read` one row.
    #[allow(clippy::too_many_arguments)]
    async fn list_page<T>(
        &self,
        select: &str,
        from: &str,
        order: &str,
        f: &Filters,
        limit: i64,
        offset: i64,
        read: fn(&DbRow) -> Result<T, sqlx::Error>,
    ) -> StoreResult<(Vec<T>, i64)> {
        let where_sql = f.where_sql();
        let n = f.args.len();
        let list_sql = format!(
            "{select}{where_sql} ORDER BY {order} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let count_sql = format!("SELECT COUNT(*) AS n {from}{where_sql}");
        let limit = if limit <= 0 { 20 } else { limit.min(1000) };
        let rows = f
            .bind(sqlx::query(&list_sql))
            .bind(limit)
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let total: i64 = f
            .bind(sqlx::query(&count_sql))
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)?;
        let items = rows
            .iter()
            .map(read)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        Ok((items, total))
    }
}
