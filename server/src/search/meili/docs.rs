//! Documents as the index holds them, filters, sorting, facet counts and index settings.
use super::*;

pub(super) fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
}

/// Document ids allow only `[A-Za-z0-9_-]` and must be unique across kinds: `demand-<id>`, with
/// any other byte of the id (and `_` itself) written as `_xx`, so the encoding is one-to-one.
pub(super) fn doc_key(kind: SearchKind, id: &str) -> String {
    let mut k = String::with_capacity(kind.as_str().len() + 1 + id.len());
    k.push_str(kind.as_str());
    k.push('-');
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            k.push(char::from(b));
        } else {
            let _ = write!(k, "_{b:02x}");
        }
    }
    k
}

/// Folded text as the space-separated tokens the embedded engine indexes.
pub(super) fn searchable(text: &str) -> String {
    zh::index_tokens(&zh::fold(text))
        .into_iter()
        .map(|t| t.0)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A filter value in double quotes. Values are validated codes; escaping is a second fence.
pub(super) fn quote(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The filter, built only from validated parameters (never from the query text).
pub(super) fn filter_for(p: &SearchParams) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(k) = p.kind {
        parts.push(format!("kind = {}", quote(k.as_str())));
    }
    if let Some(c) = &p.chain {
        // A top-level code matches all its children; a leaf code only itself.
        if c.contains('.') {
            parts.push(format!("chain = {}", quote(c)));
        } else {
            parts.push(format!("chain_top = {}", quote(c)));
        }
    }
    if let Some(v) = &p.district {
        parts.push(format!("district = {}", quote(v)));
    }
    if let Some(v) = &p.org_type {
        parts.push(format!("org_type = {}", quote(v)));
    }
    if let Some(v) = &p.transfer_mode {
        parts.push(format!("transfer_modes = {}", quote(v)));
    }
    if p.trl_min.is_some() || p.trl_max.is_some() {
        parts.push(format!(
            "trl >= {} AND trl <= {}",
            p.trl_min.unwrap_or(1),
            p.trl_max.unwrap_or(9)
        ));
    }
    parts.join(" AND ")
}

pub(super) fn sort_spec(sort: SearchSort) -> Option<&'static [&'static str]> {
    match sort {
        SearchSort::Relevance => None,
        SearchSort::Newest => Some(&SORT_NEWEST[..]),
        SearchSort::Budget => Some(&SORT_BUDGET[..]),
    }
}

/// The terms a document must contain. A query word matches as itself or as all of its parts,
/// and a document with the word always has its parts too (both come from jieba's search
/// mode), so "word OR all parts" is simply "all parts". Quotes and a leading `-` are dropped:
/// Meilisearch reads them as phrase and negation operators.
pub(super) fn match_terms(words: &[zh::QueryWord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let alts: &[String] = if w.parts.is_empty() {
            std::slice::from_ref(&w.word)
        } else {
            &w.parts
        };
        for t in alts {
            let clean: String = t.chars().filter(|c| *c != '"').collect();
            let clean = clean.trim().trim_start_matches('-').trim().to_string();
            if !clean.is_empty() && !out.contains(&clean) {
                out.push(clean);
            }
        }
    }
    out
}

/// A term as written into a Meilisearch query. A two-character Chinese word goes in quotes (a
/// phrase of one word): unquoted, Meilisearch also matches it split into its two characters,
/// which the index holds as single-character tokens all over every document, so 化工 matched
/// five times the documents that contain it (measured at 100k documents). Our own quotes are
/// the only ones: `match_terms` removes any from the query text.
pub(super) fn as_query_word(term: &str) -> String {
    let cjk =
        |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c);
    if term.chars().count() == 2 && term.chars().all(cjk) {
        format!("\"{term}\"")
    } else {
        term.to_string()
    }
}

/// One document as written to the index.
#[derive(Debug, Serialize)]
pub(super) struct IndexDoc<'a> {
    pub(super) key: String,
    pub(super) kind: &'static str,
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    pub(super) body: &'a str,
    pub(super) org_name: &'a str,
    pub(super) s_title: String,
    pub(super) s_keywords: String,
    pub(super) s_org: String,
    pub(super) s_body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) chain: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) chain_top: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) district: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) org_type: Option<&'a str>,
    pub(super) transfer_modes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) trl: Option<u8>,
    /// 0 when unknown, as in the embedded engine, so budget sorting agrees.
    pub(super) budget_fen: i64,
    pub(super) published_ts: i64,
}

impl<'a> IndexDoc<'a> {
    pub(super) fn new(d: &'a SearchDoc) -> Self {
        IndexDoc {
            key: doc_key(d.kind, &d.id),
            kind: d.kind.as_str(),
            id: &d.id,
            title: &d.title,
            body: &d.body,
            org_name: &d.org_name,
            s_title: searchable(&d.title),
            s_keywords: searchable(&d.keywords.join(" ")),
            s_org: searchable(&d.org_name),
            s_body: searchable(&d.body),
            chain: d.chain.as_deref(),
            chain_top: d.chain_top(),
            district: d.district.as_deref(),
            org_type: d.org_type.as_deref(),
            transfer_modes: &d.transfer_modes,
            trl: d.trl,
            budget_fen: d.budget_fen.unwrap_or(0),
            published_ts: d.published_at.timestamp(),
        }
    }
}

/// Any subset of a stored document, as read back (`attributesToRetrieve` varies).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Stored {
    pub(super) key: String,
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) title: String,
    pub(super) body: String,
    pub(super) org_name: String,
    pub(super) chain: Option<String>,
    pub(super) chain_top: Option<String>,
    pub(super) district: Option<String>,
    pub(super) org_type: Option<String>,
    pub(super) transfer_modes: Vec<String>,
    pub(super) trl: Option<u8>,
    pub(super) budget_fen: Option<i64>,
    pub(super) published_ts: Option<i64>,
}

/// A document matched by some of the query's terms.
pub(super) struct Entry {
    pub(super) doc: Stored,
    /// How many terms found it.
    pub(super) matched: usize,
    /// Its best rank among the single-term answers.
    pub(super) best: usize,
    /// Its best ranking score among them.
    pub(super) score: f64,
}

pub(super) fn to_hit(d: Stored, score: f32, terms: &[String]) -> Result<SearchHit, SearchError> {
    let kind = SearchKind::parse(&d.kind)
        .ok_or_else(|| err(format!("unknown kind {:?} stored under {}", d.kind, d.key)))?;
    let (snippet, highlights) = zh::snippet(&d.body, terms, 120);
    Ok(SearchHit {
        kind,
        id: d.id,
        title: d.title,
        snippet,
        highlights,
        score,
        org_name: d.org_name,
        chain: d.chain,
        district: d.district,
    })
}

pub(super) fn sorted_counts(c: HashMap<String, u64>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = c
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}

/// Facet counts over documents we hold (the union of several answers).
pub(super) fn count_facets<'a>(
    docs: impl Iterator<Item = &'a Stored>,
) -> BTreeMap<String, Vec<FacetCount>> {
    let mut counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); FACETS.len()];
    for d in docs {
        let mut bump = |i: usize, v: &str| {
            if !v.is_empty() {
                *counts[i].entry(v.to_string()).or_insert(0) += 1;
            }
        };
        bump(0, &d.kind);
        if let Some(v) = &d.chain_top {
            bump(1, v);
        }
        if let Some(v) = &d.district {
            bump(2, v);
        }
        if let Some(v) = &d.org_type {
            bump(3, v);
        }
        // A document counts once per mode, however often the mode is listed.
        let modes: HashSet<&String> = d.transfer_modes.iter().collect();
        for m in modes {
            bump(4, m);
        }
        if let Some(t) = d.trl {
            bump(5, &t.to_string());
        }
    }
    FACETS
        .iter()
        .zip(counts)
        .map(|((name, _), c)| (name.to_string(), sorted_counts(c)))
        .collect()
}

/// Numeric facet values come back as text of a float; the embedded engine says "5", not "5.0".
pub(super) fn integer_text(raw: &str) -> String {
    match raw.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => raw.to_string(),
    }
}

/// Facet counts as Meilisearch computed them, under our facet names (all six always present).
pub(super) fn facets_from_distribution(
    dist: Option<&HashMap<String, HashMap<String, usize>>>,
) -> BTreeMap<String, Vec<FacetCount>> {
    FACETS
        .iter()
        .map(|(name, attr)| {
            let mut c: HashMap<String, u64> = HashMap::new();
            if let Some(values) = dist.and_then(|d| d.get(*attr)) {
                for (raw, n) in values {
                    let v = if *attr == "trl" {
                        integer_text(raw)
                    } else {
                        raw.clone()
                    };
                    *c.entry(v).or_insert(0) += *n as u64;
                }
            }
            (name.to_string(), sorted_counts(c))
        })
        .collect()
}

pub(super) fn index_settings() -> Settings {
    Settings::new()
        .with_searchable_attributes(SEARCHABLE)
        .with_filterable_attributes(FILTERABLE)
        .with_sortable_attributes(SORTABLE)
        .with_ranking_rules(RANKING)
        // The embedded engine has no typo tolerance, and for Chinese words of two or three
        // characters a "typo" is a different word; off keeps both engines' matches equal.
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(false),
            ..Default::default()
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: MAX_FACET_VALUES,
            sort_facet_values_by: None,
        })
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_TOTAL_HITS,
        })
        .with_localized_attributes([LocalizedAttributes {
            locales: LOCALES.iter().map(|s| s.to_string()).collect(),
            attribute_patterns: SEARCHABLE.iter().map(|s| s.to_string()).collect(),
        }])
}

/// Waits for a task (with a timeout that suits bulk loads) and returns how it ended.
pub(super) async fn wait_task(client: &Client, task: TaskInfo) -> Result<Task, SearchError> {
    client
        .wait_for_task(task, Some(TASK_POLL), Some(TASK_TIMEOUT))
        .await
        .map_err(err)
}

pub(super) fn succeeded(task: Task) -> Result<(), SearchError> {
    match task {
        Task::Succeeded { .. } => Ok(()),
        Task::Failed { content } => Err(err(content.error)),
        other => Err(err(format!(
            "meilisearch task {} has not finished",
            other.get_uid()
        ))),
    }
}
