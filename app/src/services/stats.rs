//! Technology-contract statistics: the officials' dashboard (G6 against its target, the view's
//! breakdowns), the turnover figures the REST API and exports serve, and the contracts behind
//! a figure. Aggregates are public; the contracts behind them are the registry's and the
//! officials' (`Action::ViewContractStats`), and a public figure made of fewer than
//! `PUBLIC_MIN_COUNT` contracts shows its count only (with one more figure withheld when a
//! single one would otherwise follow from the total).
use super::contracts::list_item;
use super::*;
use crate::domain::contract::{ContractType, IpType};
use crate::domain::stats::{
    self, Dimension, Flow, SellerType, TurnoverFilter, TurnoverRow, PUBLIC_MIN_COUNT,
};
use crate::domain::text::urlencode;
use crate::domain::Fen;
use crate::model::{Breakdown, Dashboard, DrillPage, FilterOption, RefData, StatRow};
use crate::policy::{authorize, Action, Actor, Target};

/// Contracts per page of a drill-down.
pub const DRILL_PAGE: i64 = 50;

/// The breakdowns a dashboard shows, in order (the monthly series is apart).
pub const BREAKDOWNS: &[Dimension] = &[
    Dimension::Year,
    Dimension::District,
    Dimension::Type,
    Dimension::Chain,
    Dimension::SellerType,
    Dimension::Flow,
    Dimension::IpType,
];

fn may_drill(actor: Option<&Actor>) -> bool {
    authorize(actor, Action::ViewContractStats, Target::NONE).is_ok()
}

/// Labels of a key of a dimension, from the closed lists and the reference data.
fn label(refs: &RefData, dim: Dimension, key: &str) -> (String, String) {
    let pair = |zh: &str, en: &str| (zh.to_string(), en.to_string());
    match dim {
        Dimension::Year => (format!("{key}年"), key.to_string()),
        Dimension::Month => (key.to_string(), key.to_string()),
        Dimension::District if key.is_empty() => pair("南宁市以外", "Outside Nanning"),
        Dimension::District => refs
            .districts
            .iter()
            .find(|d| d.code == key)
            .map(|d| pair(&d.name_zh, &d.name_en))
            .unwrap_or_else(|| pair(key, key)),
        Dimension::Chain => refs
            .chains
            .iter()
            .find(|c| c.code == key)
            .map(|c| pair(&c.name_zh, &c.name_en))
            .unwrap_or_else(|| pair(key, key)),
        Dimension::Type => ContractType::parse(key)
            .map(|v| pair(v.label_zh(), v.label_en()))
            .unwrap_or_else(|| pair(key, key)),
        Dimension::SellerType => SellerType::parse(key)
            .map(|v| pair(v.label_zh(), v.label_en()))
            .unwrap_or_else(|| pair(key, key)),
        Dimension::Flow => Flow::parse(key)
            .map(|v| pair(v.label_zh(), v.label_en()))
            .unwrap_or_else(|| pair(key, key)),
        Dimension::IpType => IpType::parse(key)
            .map(|v| pair(v.label_zh(), v.label_en()))
            .unwrap_or_else(|| pair(key, key)),
    }
}

fn query_of(f: &TurnoverFilter) -> String {
    let mut q = form_urlencoded_pairs(&f.pairs());
    if q.is_empty() {
        // An empty view is the whole city: say so, so it does not reopen on a home district.
        q = "scope=city".into();
    }
    q
}

fn form_urlencoded_pairs(pairs: &[(&'static str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn stat_row(
    refs: &RefData,
    dim: Option<Dimension>,
    base: &TurnoverFilter,
    r: &TurnoverRow,
    full: bool,
) -> StatRow {
    let (label_zh, label_en) = match dim {
        Some(d) => label(refs, d, &r.key),
        None => ("合计".into(), "Total".into()),
    };
    let shown = full || r.count >= PUBLIC_MIN_COUNT;
    let drill = match dim {
        // Contracts outside Nanning have no district to narrow to.
        Some(Dimension::District) if r.key.is_empty() => None,
        Some(d) => base.narrowed(d, &r.key).map(|f| query_of(&f)),
        None => Some(query_of(base)),
    };
    StatRow {
        key: r.key.clone(),
        label_zh,
        label_en,
        contract_amount_fen: shown.then_some(r.contract_amount_fen),
        tech_amount_fen: shown.then_some(r.tech_amount_fen),
        count: r.count,
        drill,
    }
}

/// Complementary suppression: when exactly one figure of a breakdown is withheld, the view's
/// total minus the others would give it away, so the smallest other figure is withheld too.
fn complement(rows: &mut [StatRow]) {
    let withheld = rows
        .iter()
        .filter(|r| r.contract_amount_fen.is_none())
        .count();
    if withheld != 1 {
        return;
    }
    if let Some(r) = rows
        .iter_mut()
        .filter(|r| r.contract_amount_fen.is_some() && r.count > 0)
        .min_by_key(|r| (r.count, r.contract_amount_fen))
    {
        r.contract_amount_fen = None;
        r.tech_amount_fen = None;
    }
}

/// Reads a view from its query pairs, checking codes against the reference data.
pub fn parse_filter(
    refs: &RefData,
    pairs: &[(String, String)],
) -> (TurnoverFilter, Vec<stats::FilterError>) {
    TurnoverFilter::from_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        |d| {
            refs.districts
                .iter()
                .any(|x| x.code == d && x.kind != "outside")
        },
        |c| {
            refs.chains
                .iter()
                .any(|x| x.code == c && x.parent_code.is_none())
        },
    )
}

async fn refs(state: &AppState) -> Result<std::sync::Arc<RefData>, AppError> {
    super::ref_data(state).await
}

/// The district a signed-in government official's dashboard opens on, if any.
async fn home_district(
    state: &AppState,
    actor: Option<&Actor>,
    refs: &RefData,
) -> Result<Option<String>, AppError> {
    let Some(org_id) = actor.and_then(|a| a.acting_org()) else {
        return Ok(None);
    };
    let Some(org) = state.store.get_org(org_id).await.map_err(internal)? else {
        return Ok(None);
    };
    let division = org.credit_code.get(2..8).unwrap_or("");
    let zone = refs
        .districts
        .iter()
        .any(|d| d.code == org.district_code && d.kind == "zone");
    Ok(stats::home_district(
        org.org_type,
        division,
        &org.district_code,
        zone,
    ))
}

/// G6's target from the catalog (400亿元 unless the catalog says otherwise).
async fn g6_target(state: &AppState) -> Result<Fen, AppError> {
    let targets = state.store.list_targets().await.map_err(internal)?;
    Ok(targets
        .iter()
        .find(|t| t.code == "G6")
        .and_then(|t| stats::target_fen(&t.target_value, &t.unit_zh))
        .unwrap_or(Fen(400 * 100_000_000 * 100)))
}

/// The city's cumulative turnover since the plan's start, with its projection.
pub async fn g6_projection(state: &AppState) -> Result<stats::Projection, AppError> {
    let since = TurnoverFilter {
        from: Some(stats::plan_start()),
        ..Default::default()
    };
    let monthly = state
        .stats
        .turnover(&since, Dimension::Month)
        .await
        .map_err(internal)?;
    Ok(stats::project(
        &monthly,
        g6_target(state).await?,
        stats::plan_end(),
        beijing_today(state),
    ))
}

/// The dashboard for a view given by its query pairs. A government official of a district or
/// zone, opening it without any filter, sees their own district first.
#[tracing::instrument(skip_all)]
pub async fn dashboard(
    state: &AppState,
    actor: Option<&Actor>,
    pairs: &[(String, String)],
) -> Result<Dashboard, AppError> {
    let refs = refs(state).await?;
    let (mut filter, errors) = parse_filter(&refs, pairs);
    let home = home_district(state, actor, &refs).await?;
    let mut opened_home = None;
    if pairs.is_empty() {
        if let Some(d) = &home {
            filter.district = Some(d.clone());
            opened_home = Some(d.clone());
        }
    }
    let full = may_drill(actor);
    let city = g6_projection(state).await?;
    let total = state
        .stats
        .turnover_total(&filter)
        .await
        .map_err(internal)?;
    let share_bp = (!filter.is_empty() && city.cumulative_fen > 0)
        .then(|| (total.contract_amount_fen as i128 * 10_000 / city.cumulative_fen as i128) as i64);
    let monthly_rows = state
        .stats
        .turnover(&filter, Dimension::Month)
        .await
        .map_err(internal)?;
    let today = beijing_today(state);
    let first = filter.from.unwrap_or_else(|| {
        monthly_rows
            .first()
            .and_then(|r| {
                chrono::NaiveDate::parse_from_str(&format!("{}-01", r.key), "%Y-%m-%d").ok()
            })
            .unwrap_or(stats::plan_start())
    });
    let last = filter.to.unwrap_or(today).min(today).max(first);
    let mut monthly: Vec<StatRow> = stats::fill_months(&monthly_rows, first, last)
        .iter()
        .map(|r| stat_row(&refs, Some(Dimension::Month), &filter, r, full))
        .collect();
    complement(&mut monthly);
    let mut breakdowns = Vec::new();
    for &dim in BREAKDOWNS {
        let rows = state.stats.turnover(&filter, dim).await.map_err(internal)?;
        let mut rows: Vec<StatRow> = rows
            .iter()
            .map(|r| stat_row(&refs, Some(dim), &filter, r, full))
            .collect();
        complement(&mut rows);
        if !matches!(dim, Dimension::Year) {
            // Largest first, as a registry report reads (time stays in order).
            // Withheld figures sort by their count, after the ones shown.
            rows.sort_by_key(|r| {
                (
                    std::cmp::Reverse(r.contract_amount_fen.unwrap_or(-1)),
                    std::cmp::Reverse(r.count),
                )
            });
        }
        breakdowns.push(Breakdown { dim, rows });
    }
    let option = |code: &str, zh: &str, en: &str| FilterOption {
        code: code.into(),
        label_zh: zh.into(),
        label_en: en.into(),
    };
    Ok(Dashboard {
        query: query_of(&filter),
        total: stat_row(&refs, None, &filter, &total, full),
        filter,
        errors,
        city,
        share_bp,
        monthly,
        breakdowns,
        can_drill: full,
        home_district: opened_home,
        districts: refs
            .districts
            .iter()
            .filter(|d| d.kind != "outside")
            .map(|d| option(&d.code, &d.name_zh, &d.name_en))
            .collect(),
        chains: refs
            .chains
            .iter()
            .filter(|c| c.parent_code.is_none())
            .map(|c| option(&c.code, &c.name_zh, &c.name_en))
            .collect(),
    })
}

/// One breakdown of a view, for the REST API and the exports.
#[tracing::instrument(skip_all)]
pub async fn turnover_rows(
    state: &AppState,
    actor: Option<&Actor>,
    pairs: &[(String, String)],
    by: Dimension,
) -> Result<(TurnoverFilter, Vec<stats::FilterError>, Vec<StatRow>), AppError> {
    let refs = refs(state).await?;
    let (filter, errors) = parse_filter(&refs, pairs);
    let full = may_drill(actor);
    let mut rows: Vec<TurnoverRow> = state.stats.turnover(&filter, by).await.map_err(internal)?;
    if by == Dimension::Month {
        if let (Some(a), Some(b)) = (
            filter.from.or_else(|| {
                rows.first().and_then(|r| {
                    chrono::NaiveDate::parse_from_str(&format!("{}-01", r.key), "%Y-%m-%d").ok()
                })
            }),
            filter.to.or_else(|| Some(beijing_today(state))),
        ) {
            rows = stats::fill_months(&rows, a, b.max(a));
        }
    }
    let mut out: Vec<StatRow> = rows
        .iter()
        .map(|r| stat_row(&refs, Some(by), &filter, r, full))
        .collect();
    complement(&mut out);
    Ok((filter, errors, out))
}

/// The registered contracts behind a view (registry and officials only), largest first.
#[tracing::instrument(skip_all)]
pub async fn drill(
    state: &AppState,
    actor: &Actor,
    pairs: &[(String, String)],
    page: i64,
) -> Result<DrillPage, AppError> {
    authorize(Some(actor), Action::ViewContractStats, Target::NONE)?;
    let refs = refs(state).await?;
    let (filter, errors) = parse_filter(&refs, pairs);
    let total = state
        .stats
        .turnover_total(&filter)
        .await
        .map_err(internal)?;
    let pages = ((total.count + DRILL_PAGE - 1) / DRILL_PAGE).max(1);
    let page = page.clamp(1, pages);
    let items = state
        .stats
        .turnover_contracts(&filter, (page - 1) * DRILL_PAGE, DRILL_PAGE)
        .await
        .map_err(internal)?
        .iter()
        .map(list_item)
        .collect();
    Ok(DrillPage {
        described: describe(&refs, &filter),
        query: query_of(&filter),
        total: stat_row(&refs, None, &filter, &total, true),
        filter,
        errors,
        items,
        page,
        pages,
    })
}

/// Every registered contract behind a view, for an export (registry and officials only).
/// Bounded: an export of more than `limit` rows is refused rather than cut short.
#[tracing::instrument(skip_all)]
pub async fn drill_all(
    state: &AppState,
    actor: &Actor,
    pairs: &[(String, String)],
    limit: i64,
) -> Result<Option<Vec<ContractRecord>>, AppError> {
    authorize(Some(actor), Action::ViewContractStats, Target::NONE)?;
    let refs = refs(state).await?;
    let (filter, _) = parse_filter(&refs, pairs);
    let total = state
        .stats
        .turnover_total(&filter)
        .await
        .map_err(internal)?;
    if total.count > limit {
        return Ok(None);
    }
    Ok(Some(
        state
            .stats
            .turnover_contracts(&filter, 0, limit)
            .await
            .map_err(internal)?,
    ))
}

/// The parts of a filter in words (the field's code, the value's labels), for headings.
pub fn describe(refs: &RefData, f: &TurnoverFilter) -> Vec<FilterOption> {
    let mut out = Vec::new();
    let mut push = |k: &str, (zh, en): (String, String)| {
        out.push(FilterOption {
            code: k.to_string(),
            label_zh: zh,
            label_en: en,
        })
    };
    if let Some(d) = f.from {
        push("from", (d.to_string(), d.to_string()));
    }
    if let Some(d) = f.to {
        push("to", (d.to_string(), d.to_string()));
    }
    for (dim, v) in [
        (Dimension::District, f.district.clone()),
        (
            Dimension::Type,
            f.contract_type.map(|v| v.as_str().to_string()),
        ),
        (Dimension::Chain, f.chain.clone()),
        (
            Dimension::SellerType,
            f.seller_type.map(|v| v.as_str().to_string()),
        ),
        (Dimension::Flow, f.flow.map(|v| v.as_str().to_string())),
        (Dimension::IpType, f.ip_type.map(|v| v.as_str().to_string())),
    ] {
        if let Some(v) = v {
            push(dim.as_str(), label(refs, dim, &v));
        }
    }
    out
}
