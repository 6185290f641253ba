use anyhow::Context;
use clap::{Parser, Subcommand};
use server::{config::Config, seeds, store};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;

/// See the `mimalloc` line in Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "server",
    about = "Jiebang (揭榜) — Nanning technology transfer platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, seed (on an empty database) and serve (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load seeds/ (reference data; demo data in development mode). Safe to repeat.
    Seed,
    /// Create an official account (the first one of a production install). The password is
    /// read from JIEBANG_OFFICIAL_PASSWORD or, if unset, from the first line of standard input.
    CreateOfficial {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Recompute the audit log's hash chain and report the first broken row.
    VerifyAudit,
    /// Check a bid receipt (its 64-character SHA-256, or the downloaded receipt JSON file)
    /// against the opened bid. Exits 1 unless the bid is exactly the one submitted.
    VerifyReceipt {
        /// The receipt's hash, or the path of a receipt file.
        receipt: String,
    },
    /// Rebuild the search index from the database.
    Reindex,
    /// Import organizations, experts, demands or achievements from CSV (UTF-8 or GBK), XLSX or
    /// JSON Lines; or registered contracts from a registry's CSV or XLSX sheet.
    Import {
        /// organizations | experts | demands | achievements | contracts
        #[arg(long)]
        kind: String,
        #[arg(long)]
        file: String,
    },
    /// Write N synthetic search documents (JSON Lines) built from the plan's vocabulary.
    BenchData {
        #[arg(long, default_value_t = 10_000)]
        n: usize,
        #[arg(long)]
        out: String,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Also write the same records as import files (organizations, experts, demands,
        /// achievements) into this directory.
        #[arg(long)]
        import_dir: Option<String>,
    },
    /// Generate N registered contracts as a registry sheet in DIR, import it into the database
    /// of DATABASE_URL (use an empty one), and time the dashboard and the turnover figures.
    BenchContracts {
        #[arg(long, default_value_t = 100_000)]
        n: usize,
        #[arg(long, default_value = "/tmp")]
        dir: String,
        /// Timed calls of each query.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Index a bench-data file into a fresh embedded index (or Meilisearch when MEILISEARCH_URL
    /// is set) and measure 200 mixed queries; with --url, send them to a running server instead.
    BenchSearch {
        #[arg(long, required_unless_present = "url")]
        data: Option<String>,
        /// Measured passes over the 200 queries.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// A running server's base URL: measure GET /api/v1/search end to end.
        #[arg(long)]
        url: Option<String>,
        /// With --url: the server's process id, to report its memory.
        #[arg(long)]
        pid: Option<u32>,
        /// With MEILISEARCH_URL: print the queries whose totals differ between the embedded
        /// engine and Meilisearch instead of timing them.
        #[arg(long)]
        compare: bool,
    },
}

fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    if json {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
}

fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// glibc gives each thread that allocates under contention its own heap arena (up to 8 per
/// core), and freed memory stays in them: the same server start-up then peaked anywhere from
/// 230 to 440 MiB. Two arenas keep it at about 200 MiB with 100k documents (BENCHMARKS.md).
/// Must run before any thread starts; `MALLOC_ARENA_MAX` in the environment still wins.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; called before other threads exist.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The benchmark commands need no database.
    match &cli.command {
        Some(Command::BenchData {
            n,
            out,
            seed,
            import_dir,
        }) => {
            let docs = server::bench::generate(*n, *seed);
            server::bench::write_jsonl(Path::new(out), &docs)?;
            println!("wrote {} documents to {out}", docs.len());
            if let Some(dir) = import_dir {
                let f = server::bench::write_import_files(&docs, Path::new(dir))?;
                println!(
                    "wrote import files to {dir}: {} organizations, {} experts, {} demands, {} achievements",
                    f.organizations, f.experts, f.demands, f.achievements
                );
                for (kind, path) in &f.files {
                    println!("{kind} {}", path.display());
                }
            }
            return Ok(());
        }
        Some(Command::BenchSearch {
            url: Some(url),
            pid,
            rounds,
            ..
        }) => {
            return server::bench::run_http(url, *pid, *rounds).await;
        }
        Some(Command::BenchSearch {
            data: Some(data),
            rounds,
            compare,
            ..
        }) => {
            let docs = server::bench::read_jsonl(Path::new(data))?;
            if let Ok(url) = std::env::var("MEILISEARCH_URL") {
                // Same documents and queries against Meilisearch, in a throwaway index.
                let key = std::env::var("MEILISEARCH_KEY")
                    .ok()
                    .filter(|k| !k.is_empty());
                // BENCH_MEILI_INDEX names an index to keep between runs (loaded once).
                let kept = std::env::var("BENCH_MEILI_INDEX").ok();
                let uid = kept
                    .clone()
                    .unwrap_or_else(|| format!("jiebang_bench_{}", std::process::id()));
                let index =
                    server::search::meili::MeiliIndex::connect(&url, key.as_deref(), &uid).await?;
                let loaded = kept.is_some() && index.num_docs().await? == docs.len();
                let docs = if loaded {
                    println!("index {uid} already holds the {} documents", docs.len());
                    vec![]
                } else {
                    docs
                };
                let r = if *compare {
                    use app::ports::SearchIndex as _;
                    if !docs.is_empty() {
                        index.apply(docs.clone(), vec![]).await?;
                    }
                    let dir = std::env::temp_dir()
                        .join(format!("jiebang-compare-{}", std::process::id()));
                    let embedded = server::search::embedded::EmbeddedIndex::open(&dir)?;
                    let all = server::bench::read_jsonl(Path::new(data))?;
                    for chunk in all.chunks(5_000) {
                        embedded.apply(chunk.to_vec(), vec![]).await?;
                    }
                    let r = server::bench::compare(&embedded, &index).await.map(|_| ());
                    let _ = std::fs::remove_dir_all(&dir);
                    r
                } else {
                    server::bench::run(&index, docs, *rounds).await
                };
                if kept.is_none() {
                    let _ = index.delete_index().await;
                }
                return r;
            }
            let dir = std::env::temp_dir().join(format!("jiebang-bench-{}", std::process::id()));
            let index = server::search::embedded::EmbeddedIndex::open(&dir)?;
            let r = server::bench::run(&index, docs, *rounds).await;
            let _ = std::fs::remove_dir_all(&dir);
            return r;
        }
        _ => {}
    }
    let cfg = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("配置错误 / configuration error: {e}");
            std::process::exit(2);
        }
    };
    init_tracing(cfg.json_logs);
    tracing::info!(config = ?cfg, "starting");
    let store = store::open(&cfg.database_url)
        .await
        .context("opening the database")?;
    let secrets = server::secrets::Argon2Secrets;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            println!("migrations applied ({})", store.backend());
        }
        Command::Seed => {
            let created = seeds::load(
                store.as_ref(),
                &secrets,
                Path::new(&cfg.seeds_dir),
                !cfg.production,
            )
            .await?;
            print_accounts(&created);
            println!("seeds loaded");
        }
        Command::CreateOfficial { email, name } => {
            let password = match std::env::var("JIEBANG_OFFICIAL_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            server::create_official(store.as_ref(), &secrets, &email, &name, &password).await?;
            println!("official {email} created");
        }
        Command::BenchData { .. } | Command::BenchSearch { .. } => {}
        Command::Import { kind, file } => {
            let Some(kind) = server::import::ImportKind::parse(&kind) else {
                eprintln!(
                    "--kind must be organizations, experts, demands, achievements or contracts"
                );
                std::process::exit(2);
            };
            let meta = std::fs::metadata(&file).with_context(|| format!("reading {file}"))?;
            // A contract sheet is streamed, so the command line takes a registry's whole
            // history; the other kinds keep the upload limit.
            let limit = if kind == server::import::ImportKind::Contracts {
                server::import::contracts::MAX_CLI_BYTES
            } else {
                server::import::MAX_IMPORT_BYTES
            };
            if meta.len() as usize > limit {
                eprintln!(
                    "文件超过 {} MB 上限 / the file exceeds the {} MB limit",
                    limit >> 20,
                    limit >> 20
                );
                std::process::exit(1);
            }
            let bytes = std::fs::read(&file)?;
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let report = server::import::import_any(
                store.as_ref(),
                chrono::Utc::now(),
                kind,
                &bytes,
                Some(&file),
                None,
                &|done, total| {
                    if total == 0 {
                        // Still checking: the total is not known yet.
                        bar.set_message(format!("checked {done} rows"));
                    } else {
                        bar.set_length(total as u64);
                        bar.set_position(done as u64);
                        bar.set_message("writing");
                    }
                },
            )
            .await?;
            bar.finish_and_clear();
            if report.errors.is_empty() {
                println!(
                    "imported {} of {} rows ({} already there, left as they were)",
                    report.imported, report.rows, report.skipped
                );
            } else {
                eprintln!("nothing imported: {} problem(s)", report.errors.len());
                for e in &report.errors {
                    eprintln!("  line {} {}: {} / {}", e.line, e.column, e.zh, e.en);
                }
                std::process::exit(1);
            }
        }
        Command::BenchContracts { n, dir, rounds } => {
            // Reference seeds only: the contracts are the benchmark's own.
            seeds::load(store.as_ref(), &secrets, Path::new(&cfg.seeds_dir), false).await?;
            let index = std::sync::Arc::new(server::search::embedded::EmbeddedIndex::in_memory()?);
            let files_dir =
                std::env::temp_dir().join(format!("jiebang-bench-files-{}", std::process::id()));
            let files = std::sync::Arc::new(server::files::DiskFiles::new(files_dir.clone())?);
            let state =
                server::build_state(server::leptos_options(), store.clone(), index, files, &cfg);
            let r = server::bench_contracts::run(&state, n, Path::new(&dir), rounds).await;
            let _ = std::fs::remove_dir_all(&files_dir);
            r?;
        }
        Command::Reindex => {
            let index: std::sync::Arc<dyn app::ports::SearchIndex> = match meili_from_env().await? {
                Some(m) => std::sync::Arc::new(m),
                None => std::sync::Arc::new(open_index(&cfg)?),
            };
            let n = server::search::reindex(store.as_ref(), index.as_ref()).await?;
            server::search::catch_up(store.as_ref(), index.as_ref()).await?;
            println!("reindexed {n} documents ({})", index.engine());
        }
        Command::VerifyAudit => match store.verify_audit_chain().await? {
            Ok(n) => println!("audit log intact: {n} rows"),
            Err(seq) => {
                eprintln!("audit log broken at row {seq}");
                std::process::exit(1);
            }
        },
        Command::VerifyReceipt { receipt } => {
            let sha = match std::fs::read_to_string(&receipt) {
                Ok(text) => {
                    serde_json::from_str::<app::model::BidReceipt>(&text)
                        .context("the file is not a bid receipt")?
                        .sha256
                }
                Err(_) => receipt.clone(),
            };
            let index = std::sync::Arc::new(server::search::embedded::EmbeddedIndex::in_memory()?);
            let files = std::sync::Arc::new(server::files::DiskFiles::new(&cfg.files_dir)?);
            let state =
                server::build_state(server::leptos_options(), store.clone(), index, files, &cfg);
            use app::model::ReceiptCheck as R;
            let t = app::domain::time::format_datetime;
            let check = app::services::verify_receipt(&state, &sha)
                .await
                .map_err(|e| anyhow::anyhow!(e.message(app::i18n::Lang::Zh)))?;
            let (ok, msg) = match check {
                R::Matches { submitted_at } => (true, format!("核验一致 / verified: the opened bid is exactly the submission of {} (Beijing time)", t(submitted_at))),
                R::Unknown => (false, "no submission has this receipt".to_string()),
                R::Sealed { submitted_at, closes_at } => (false, format!("on record (submitted {}); sealed until {}", t(submitted_at), t(closes_at))),
                R::Superseded { submitted_at, latest_at } => (false, format!("submitted {}, superseded by the submission of {}", t(submitted_at), t(latest_at))),
                R::Withdrawn { submitted_at } => (false, format!("submitted {}; the bid was withdrawn", t(submitted_at))),
                R::Mismatch { submitted_at } => (false, format!("MISMATCH: the bid or one of its attachments was changed after its submission of {}", t(submitted_at))),
            };
            if ok {
                println!("{msg}");
            } else {
                eprintln!("{msg}");
                std::process::exit(1);
            }
        }
        Command::Serve => {
            // Refused before the demo accounts exist: the default mode only serves loopback.
            if let Err(e) = cfg.check_listen(server::leptos_options().site_addr) {
                eprintln!("配置错误 / configuration error: {e}");
                std::process::exit(2);
            }
            // Reference data is refreshed on every start (upserts); demo data only in development.
            let created = seeds::load(
                store.as_ref(),
                &secrets,
                Path::new(&cfg.seeds_dir),
                !cfg.production,
            )
            .await?;
            print_accounts(&created);
            let index: std::sync::Arc<dyn app::ports::SearchIndex> = match meili_from_env().await? {
                Some(meili) => std::sync::Arc::new(meili),
                None => {
                    let embedded = open_index(&cfg)?;
                    let source = std::path::Path::new(&cfg.index_dir).join("source.txt");
                    let identity = server::config::redact(&cfg.database_url);
                    let same_source = std::fs::read_to_string(&source)
                        .map(|s| s == identity)
                        .unwrap_or(false);
                    if embedded.num_docs() == 0 || !same_source {
                        // A new index, or one built from another database: rebuild it from this one.
                        let n = server::search::reindex(store.as_ref(), &embedded).await?;
                        std::fs::write(&source, &identity)?;
                        tracing::info!(documents = n, "search index rebuilt");
                    }
                    std::sync::Arc::new(embedded)
                }
            };
            let options = server::leptos_options();
            let addr = options.site_addr;
            let files = std::sync::Arc::new(server::files::DiskFiles::new(&cfg.files_dir)?);
            let state = server::build_state(options, store.clone(), index.clone(), files, &cfg);
            server::search::catch_up_at(store.as_ref(), index.as_ref(), state.clock.as_ref())
                .await?;
            server::search::spawn_worker(store, index, state.clock.clone());
            {
                // Deadlines follow the server clock: expire published demands past theirs.
                let state = state.clone();
                tokio::spawn(async move {
                    loop {
                        match app::services::expire_demands(&state).await {
                            Ok(n) if n > 0 => {
                                tracing::info!(expired = n, "demands past their deadline expired")
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = ?e, "expiring demands failed"),
                        }
                        tokio::time::sleep(std::time::Duration::from_secs(300)).await;
                    }
                });
            }
            {
                // Bid windows close by the server clock, whether or not anyone is online (pages
                // also close a due call when they read it).
                let state = state.clone();
                tokio::spawn(async move {
                    let mut tick: u64 = 0;
                    loop {
                        // Milestones are due by the day: every five minutes is enough.
                        if tick.is_multiple_of(60) {
                            if let Err(e) = app::services::remind_milestones(&state).await {
                                tracing::warn!(error = ?e, "reminding milestones failed");
                            }
                            // Attempts past their window no longer count anywhere.
                            if let Err(e) = app::services::purge_rate_hits(&state).await {
                                tracing::warn!(error = ?e, "purging rate-limit attempts failed");
                            }
                        }
                        tick = tick.wrapping_add(1);
                        match app::services::close_due_calls(&state).await {
                            Ok(n) if n > 0 => tracing::info!(closed = n, "bid windows closed"),
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = ?e, "closing bid windows failed"),
                        }
                        if let Err(e) = app::services::remind_draft_bids(&state).await {
                            tracing::warn!(error = ?e, "reminding draft bids failed");
                        }
                        // Development hands mails to the log; the outbox copy loses its tokens.
                        if !state.settings.production {
                            if let Err(e) =
                                app::services::deliver_emails(&state, &server::mailer::LogMailer)
                                    .await
                            {
                                tracing::warn!(error = ?e, "delivering mails failed");
                            }
                        }
                        // Open data: a release for every change of a public call.
                        if let Err(e) = app::services::snapshot_releases(&state).await {
                            tracing::warn!(error = ?e, "publishing open-data releases failed");
                        }
                        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    }
                });
            }
            let app = server::router(state);
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            tracing::info!("listening on http://{addr}");
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
    }
    Ok(())
}

/// Meilisearch when `MEILISEARCH_URL` is set (index `MEILISEARCH_INDEX`, default "jiebang").
async fn meili_from_env() -> anyhow::Result<Option<server::search::meili::MeiliIndex>> {
    let Some(url) = std::env::var("MEILISEARCH_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return Ok(None);
    };
    let key = std::env::var("MEILISEARCH_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    let uid = std::env::var("MEILISEARCH_INDEX").unwrap_or_else(|_| "jiebang".into());
    let meili = server::search::meili::MeiliIndex::connect(&url, key.as_deref(), &uid)
        .await
        .context("connecting to Meilisearch")?;
    tracing::info!(%url, %uid, "search engine: Meilisearch");
    Ok(Some(meili))
}

fn open_index(cfg: &Config) -> anyhow::Result<server::search::embedded::EmbeddedIndex> {
    server::search::embedded::EmbeddedIndex::open(Path::new(&cfg.index_dir))
        .context("opening the search index")
}

fn print_accounts(created: &[seeds::CreatedAccount]) {
    if created.is_empty() {
        return;
    }
    println!("\n开发模式演示账号 / development demo accounts (shown once):");
    for a in created {
        println!("  {:<36} {:<24} {}", a.email, a.password, a.role.label_zh());
    }
    println!();
}
