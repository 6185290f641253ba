//! Test support: a fresh store on each backend. SQLite always; PostgreSQL when
//! `TEST_DATABASE_URL` names a server whose role may create databases (the test command sets it).
#![allow(dead_code)]
pub mod calls;
pub mod http;
pub mod people;

use app::ports::{AppState, Store};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Backend {
    pub store: Arc<dyn Store>,
    /// The database's URL: a second store opened on it plays a second app server.
    pub url: String,
    pub name: &'static str,
    /// Runs raw SQL against the same database (to play an attacker who edits rows directly).
    pub raw: Raw,
    pub _tmp: Option<TempDir>,
    /// (server URL, database) of a PostgreSQL test database to drop afterwards.
    pub pg_drop: Option<(String, String)>,
}

pub enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    pub async fn exec(&self, sql: &str) {
        match self {
            Raw::Sqlite(p) => {
                sqlx::query(sql).execute(p).await.expect("raw sqlite");
            }
            Raw::Postgres(p) => {
                sqlx::query(sql).execute(p).await.expect("raw postgres");
            }
        }
    }
    /// The first column of every row, a UUID, as text.
    pub async fn uuids(&self, sql: &str) -> Vec<String> {
        use sqlx::Row;
        let rows: Vec<uuid::Uuid> = match self {
            Raw::Sqlite(p) => sqlx::query(sql)
                .fetch_all(p)
                .await
                .expect("uuids")
                .iter()
                .map(|r| r.get::<uuid::Uuid, _>(0))
                .collect(),
            Raw::Postgres(p) => sqlx::query(sql)
                .fetch_all(p)
                .await
                .expect("uuids")
                .iter()
                .map(|r| r.get::<uuid::Uuid, _>(0))
                .collect(),
        };
        rows.iter().map(|u| u.to_string()).collect()
    }
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Row;
        match self {
            Raw::Sqlite(p) => sqlx::query(sql)
                .fetch_one(p)
                .await
                .expect("count")
                .get::<i64, _>(0),
            Raw::Postgres(p) => sqlx::query(sql)
                .fetch_one(p)
                .await
                .expect("count")
                .get::<i64, _>(0),
        }
    }
}

pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn sqlite() -> Backend {
    let dir = std::env::temp_dir().join(format!("jiebang-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let url = format!("sqlite://{}/test.db", dir.display());
    let s = server::store::sqlite::open(&url)
        .await
        .expect("open sqlite");
    let raw = Raw::Sqlite(s.pool.clone());
    Backend {
        store: Arc::new(s),
        url,
        name: "sqlite",
        raw,
        _tmp: Some(TempDir(dir)),
        pg_drop: None,
    }
}

pub async fn postgres() -> Option<Backend> {
    let base = std::env::var("TEST_DATABASE_URL").ok()?;
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("connect TEST_DATABASE_URL");
    let db = format!("jb_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("database url has a path");
    let url = format!("{prefix}/{db}");
    let s = server::store::postgres::open(&url)
        .await
        .expect("open postgres");
    let raw = Raw::Postgres(s.pool.clone());
    Some(Backend {
        store: Arc::new(s),
        url,
        name: "postgres",
        raw,
        _tmp: None,
        pg_drop: Some((base, db)),
    })
}

/// Runs `f` once per available backend. CI sets `REQUIRE_POSTGRES=1` so a missing PostgreSQL
/// fails loudly instead of silently testing one engine.
pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut b = sqlite().await;
    // The closure's `async move` block captures only the fields it uses, so the temporary
    // directory is held here until the test body has finished.
    let guard = b._tmp.take();
    f(b).await;
    drop(guard);
    match postgres().await {
        Some(mut b) => {
            let drop_db = b.pg_drop.take();
            f(b).await;
            if let Some((base, db)) = drop_db {
                if let Ok(admin) = sqlx::PgPool::connect(&base).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                        .execute(&admin)
                        .await;
                }
            }
        }
        None => {
            if std::env::var("REQUIRE_POSTGRES").is_ok() {
                panic!("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not");
            }
            eprintln!("PostgreSQL not configured (TEST_DATABASE_URL unset): ran SQLite only");
        }
    }
}

pub fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seeds")
}

pub fn state(store: Arc<dyn Store>) -> AppState {
    let cfg = server::config::Config::from_lookup(|_| None).expect("dev config");
    let index = Arc::new(server::search::embedded::EmbeddedIndex::in_memory().expect("index"));
    // Each state keeps its attachments in its own directory, removed with the test's temp dir.
    let files = Arc::new(
        server::files::DiskFiles::new(
            std::env::temp_dir().join(format!("jiebang-test-files-{}", uuid::Uuid::new_v4())),
        )
        .expect("files dir"),
    );
    server::build_state(server::leptos_options(), store, index, files, &cfg)
}

/// A state whose store holds the reference seeds, on a clock the test moves.
pub async fn seeded_state_at(b: &Backend, clock: Arc<app::ports::FakeClock>) -> AppState {
    let mut s = seeded_state(b).await;
    s.clock = clock;
    s
}

/// A state whose store holds the reference seeds (no demo data).
pub async fn seeded_state(b: &Backend) -> AppState {
    server::seeds::load(
        b.store.as_ref(),
        &server::secrets::Argon2Secrets,
        &seeds_dir(),
        false,
    )
    .await
    .expect("seeds");
    state(b.store.clone())
}
