//! The contracts benchmark (`server bench-contracts`): writes N synthetic registered contracts
//! as a registry sheet (CSV), imports it through the same path as the CLI and the upload, then
//! times the dashboard and the turnover figures. Figures are printed, never asserted: results
//! go to BENCHMARKS.md by hand.
use crate::import::contracts::COLUMNS;
use app::domain::contract::Place;
use app::domain::stats::Dimension;
use app::ports::{AppState, ContractRecord};
use std::io::Write;
use std::time::Instant;

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn place(p: &Place) -> String {
    match p {
        Place::Nanning { district } => district.clone(),
        Place::Guangxi => "广西".into(),
        other => other.detail().to_string(),
    }
}

/// Writes `rows` as a registry sheet with the importer's Chinese headers.
pub fn write_sheet(path: &std::path::Path, rows: &[ContractRecord]) -> anyhow::Result<()> {
    let f = std::fs::File::create(path)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    w.write_record(COLUMNS.iter().map(|c| c.1))?;
    for c in rows {
        let non_tech = c
            .non_technical
            .iter()
            .map(|(n, f)| format!("{n}|{}", yuan(*f)))
            .collect::<Vec<_>>()
            .join("；");
        w.write_record([
            c.registration_number.clone().unwrap_or_default(),
            c.title.clone(),
            c.contract_type.as_str().to_string(),
            c.seller.name.clone(),
            c.seller.credit_code.clone().unwrap_or_default(),
            c.seller.org_type.as_str().to_string(),
            place(&c.seller.place),
            c.buyer.name.clone(),
            c.buyer.credit_code.clone().unwrap_or_default(),
            c.buyer.org_type.as_str().to_string(),
            place(&c.buyer.place),
            yuan(c.contract_amount_fen),
            yuan(c.tech_amount_fen),
            non_tech,
            c.signed_on.to_string(),
            c.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            c.registered_at
                .map(app::domain::time::format_date)
                .unwrap_or_default(),
            c.chain_code.clone(),
            c.field.clone(),
            c.ip_type.as_str().to_string(),
            c.plan_origin.as_str().to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn p(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

async fn timed<F, Fut, T>(n: usize, mut f: F) -> anyhow::Result<(f64, f64)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, app::error::AppError>>,
{
    let mut ms = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    Ok((p(&ms, 0.5), p(&ms, 0.95)))
}

/// Generates and imports `n` contracts into the state's (empty) store, then measures.
pub async fn run(
    state: &AppState,
    n: usize,
    dir: &std::path::Path,
    rounds: usize,
) -> anyhow::Result<()> {
    let chains: Vec<String> = state
        .store
        .list_chains()
        .await?
        .into_iter()
        .filter(|c| c.parent_code.is_some())
        .map(|c| c.code)
        .collect();
    let t = Instant::now();
    let rows = crate::contract_gen::generate(n, 42, &chains, state.clock.now());
    let path = dir.join(format!("contracts-{n}.csv"));
    write_sheet(&path, &rows)?;
    drop(rows);
    let size = std::fs::metadata(&path)?.len();
    println!(
        "generated {n} contracts in {:.1} s: {} ({:.1} MiB)",
        t.elapsed().as_secs_f64(),
        path.display(),
        size as f64 / 1048576.0
    );
    let bytes = std::fs::read(&path)?;
    let t = Instant::now();
    let report = crate::import::import_any(
        state.store.as_ref(),
        state.clock.now(),
        crate::import::ImportKind::Contracts,
        &bytes,
        Some("bench.csv"),
        None,
        &|_, _| {},
    )
    .await?;
    let secs = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.errors.is_empty(),
        "the sheet did not import: {:?}",
        &report.errors[..report.errors.len().min(3)]
    );
    // (This process also held the generated rows; the import's own memory is measured on
    // the import command by scripts/bench-contracts.sh.)
    println!(
        "import ({}): {} rows checked and committed in {secs:.1} s = {:.0} rows/s",
        state.store.backend(),
        report.imported,
        report.imported as f64 / secs,
    );
    drop(bytes);
    let t = Instant::now();
    let again = crate::import::import_any(
        state.store.as_ref(),
        state.clock.now(),
        crate::import::ImportKind::Contracts,
        &std::fs::read(&path)?,
        Some("bench.csv"),
        None,
        &|_, _| {},
    )
    .await?;
    println!(
        "re-import of the same file: {} new, {} left as they were, {:.1} s",
        again.imported,
        again.skipped,
        t.elapsed().as_secs_f64()
    );

    // The first query loads the figures into memory (see stats_cache); the rest are timed.
    let t = Instant::now();
    app::services::dashboard(state, None, &[]).await?;
    println!(
        "first dashboard (loads {} registered contracts into memory): {:.0} ms",
        report.imported,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let none: Vec<(String, String)> = vec![];
    let district = vec![("district".to_string(), "qingxiu".to_string())];
    let (a, b) = timed(rounds, || app::services::dashboard(state, None, &none)).await?;
    println!("dashboard, whole city (9 queries): p50 {a:.1} ms, p95 {b:.1} ms");
    let (a, b) = timed(rounds, || app::services::dashboard(state, None, &district)).await?;
    println!("dashboard, one district: p50 {a:.1} ms, p95 {b:.1} ms");
    for dim in [
        Dimension::Month,
        Dimension::District,
        Dimension::Type,
        Dimension::Chain,
        Dimension::SellerType,
        Dimension::Flow,
    ] {
        let (a, b) = timed(rounds, || async {
            app::services::turnover_rows(state, None, &none, dim)
                .await
                .map(|_| ())
        })
        .await?;
        println!(
            "turnover group_by={}: p50 {a:.1} ms, p95 {b:.1} ms",
            dim.as_str()
        );
    }
    let narrowed = vec![
        ("from".to_string(), "2025-01-01".to_string()),
        ("type".into(), "service".into()),
    ];
    let (a, b) = timed(rounds, || async {
        app::services::turnover_rows(state, None, &narrowed, Dimension::District)
            .await
            .map(|_| ())
    })
    .await?;
    println!(
        "turnover group_by=district from=2025-01-01 type=service: p50 {a:.1} ms, p95 {b:.1} ms"
    );
    let _ = std::io::stdout().flush();
    Ok(())
}
