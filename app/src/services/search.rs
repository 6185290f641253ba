//! Search: the query form parsed into engine parameters, and the search itself.
use super::*;
use crate::domain::demand::Trl;
use crate::domain::OrgType;
use crate::error::{AppError, Errors};
use crate::model::*;

/// Transfer modes an achievement can offer (转让, 许可, 作价入股, 合作开发).
pub const TRANSFER_MODES: [&str; 4] = ["transfer", "license", "equity", "joint_development"];
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_SEARCH_PER_PAGE: u32 = 50;

/// Search parameters exactly as they arrive (URL query or form).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SearchForm {
    /// Words to look for, in Chinese or English (segmented as the index is).
    pub q: Option<String>,
    /// `demand`, `achievement`, `expert`, `organization` or `call`; empty or `all` for every kind.
    pub kind: Option<String>,
    /// Industry-chain code, e.g. `new_energy_vehicle`.
    pub chain: Option<String>,
    /// District code, e.g. `450103`.
    pub district: Option<String>,
    /// Type of the owning organization, e.g. `university`.
    pub org_type: Option<String>,
    /// Achievements: how the technology is offered, e.g. `license`.
    pub transfer_mode: Option<String>,
    /// Lowest technology readiness level (1–9).
    #[cfg_attr(feature = "ssr", param(value_type = Option<u8>, minimum = 1, maximum = 9))]
    pub trl_min: Option<String>,
    /// Highest technology readiness level (1–9).
    #[cfg_attr(feature = "ssr", param(value_type = Option<u8>, minimum = 1, maximum = 9))]
    pub trl_max: Option<String>,
    /// `relevance` (default), `newest` or `budget`.
    pub sort: Option<String>,
    #[cfg_attr(feature = "ssr", param(value_type = Option<u32>, minimum = 1))]
    pub page: Option<String>,
    #[cfg_attr(feature = "ssr", param(value_type = Option<u32>, minimum = 1))]
    pub per_page: Option<String>,
}

pub(crate) fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Turns raw parameters into a validated request. Filter values must be known codes, so no
/// text from the URL ever reaches an engine's filter syntax.
#[tracing::instrument(skip_all)]
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

#[tracing::instrument(skip_all)]
pub async fn search(state: &AppState, f: &SearchForm) -> Result<SearchResults, AppError> {
    let params = parse_search(state, f).await?;
    state.search.search(&params).await.map_err(|e| {
        tracing::error!(error = %e, "search failed");
        AppError::Internal
    })
}
