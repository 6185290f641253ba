//! The two database adapters behind `app::ports::Store`, chosen once at start-up from the URL.
use app::ports::{AuditEvent, Store};
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The SQL store's files, one per context (common first: it holds the imports and macros).
macro_rules! sql_store {
    () => {
        include!("sql/common.rs");
        include!("sql/refdata.rs");
        include!("sql/accounts.rs");
        include!("sql/orgs.rs");
        include!("sql/import.rs");
        include!("sql/forms.rs");
        include!("sql/lifecycle.rs");
        include!("sql/demands.rs");
        include!("sql/achievements.rs");
        include!("sql/calls.rs");
        include!("sql/contracts.rs");
        include!("sql/stats.rs");
        include!("sql/targets.rs");
        include!("sql/reviews.rs");
        include!("sql/tasks.rs");
        include!("sql/stage_reviews.rs");
        include!("sql/ocds.rs");
        include!("sql/limits.rs");
        include!("sql/notifications.rs");
        include!("sql/disputes.rs");
        include!("sql/experts.rs");
        include!("sql/audit.rs");
        include!("sql/search.rs");
    };
}

pub mod sqlite {
    //! SQLite: the embedded default. WAL mode, foreign keys on, a busy timeout for writers.
    pub type Db = sqlx::Sqlite;
    const BACKEND: &str = "sqlite";
    sql_store!();

    pub async fn open(url: &str) -> anyhow::Result<SqlStore> {
        use sqlx::sqlite::{
            SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
        };
        use std::str::FromStr;
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(SqlStore::new(pool))
    }
}

pub mod postgres {
    //! PostgreSQL: production, several app servers over one database.
    pub type Db = sqlx::Postgres;
    const BACKEND: &str = "postgres";
    sql_store!();

    pub async fn open(url: &str) -> anyhow::Result<SqlStore> {
        use sqlx::postgres::PgPoolOptions;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        Ok(SqlStore::new(pool))
    }
}

/// Opens the store the URL names and applies its migrations: `postgres://…` or
/// `postgresql://…` for PostgreSQL, anything else is taken as a SQLite URL.
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::open(url).await?))
    } else {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() && path != ":memory:" {
                    std::fs::create_dir_all(dir)?;
                }
            }
        }
        Ok(Arc::new(sqlite::open(url).await?))
    }
}

/// Hash of one audit row chained to the previous one: changing, removing or reordering any row
/// breaks every hash after it.
pub fn audit_hash(prev: &str, seq: i64, at: DateTime<Utc>, ev: &AuditEvent) -> String {
    let mut h = Sha256::new();
    let fields = [
        prev.to_string(),
        seq.to_string(),
        at.to_rfc3339_opts(SecondsFormat::Micros, true),
        ev.actor_id.map(|u| u.to_string()).unwrap_or_default(),
        ev.entity_type.to_string(),
        ev.entity_id.clone(),
        ev.action.clone(),
        ev.from_state.clone().unwrap_or_default(),
        ev.to_state.clone().unwrap_or_default(),
        ev.reason.clone().unwrap_or_default(),
    ];
    for f in fields {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Entity types are a closed set; the audit record keeps them as static strings.
pub fn entity_type_static(s: &str) -> Option<&'static str> {
    [
        "demand",
        "organization",
        "user",
        "call",
        "bid",
        "review",
        "objection",
        "holiday",
        "milestone",
        "task",
        "stage_review",
        "contract",
        "achievement",
        "expert",
        "contract_import",
        "target_report",
    ]
    .into_iter()
    .find(|x| *x == s)
}
