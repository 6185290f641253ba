//! The Meilisearch adapter: the same answers as the embedded engine, from a Meilisearch server.
//!
//! Chinese text is segmented by us, not by Meilisearch: every searchable field is stored as the
//! space-separated tokens of `zh::index_tokens` over the folded text (words, their dictionary
//! parts and single characters), and queries are sent as the same kind of tokens. Meilisearch's
//! tokenizer still runs, but it sees identical space-separated tokens on both sides and so cuts
//! them identically: a traditional query finds simplified text and 农业 finds 中国农业发展银行
//! whatever the server's charabia version or normalization does. The original text is
//! stored beside it for display; snippets and highlights are computed here (`zh::snippet`),
//! never taken from engine-highlighted HTML.
//!
//! Needs Meilisearch 1.12 or later (localized attributes, the `locales` search parameter and the
//! prefix-search setting); tested against 1.50.
use super::zh;
use app::model::{
    FacetCount, SearchDoc, SearchHit, SearchKind, SearchParams, SearchResults, SearchSort,
};
use app::ports::{SearchError, SearchIndex};
use async_trait::async_trait;
use meilisearch_sdk::client::Client;
use meilisearch_sdk::errors::{Error as MeiliError, ErrorCode};
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{
    MatchingStrategies, SearchQuery, SearchResults as MeiliResults, Selectors,
};
use meilisearch_sdk::settings::{
    FacetingSettings, LocalizedAttributes, PaginationSetting, PrefixSearchSettings, Settings,
    TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use meilisearch_sdk::DefaultHttpClient;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const PRIMARY_KEY: &str = "key";
/// Bulk loads (a full reindex) can take minutes; the SDK's default wait is only 5 s.
const TASK_TIMEOUT: Duration = Duration::from_secs(300);
const TASK_POLL: Duration = Duration::from_millis(100);
/// Documents per add request: well under Meilisearch's 100 MB payload limit.
const BATCH: usize = 500;
/// Meilisearch counts `totalHits` only up to this, so it is well above any catalog Nanning
/// will have; pages go no deeper than 1000 × 50 anyway.
const MAX_TOTAL_HITS: usize = 1_000_000;
/// Most matches read back per word when a query has several words (see `search_words`).
const WORD_CAP: usize = 10_000;
const MAX_FACET_VALUES: usize = 1_000;
/// Up to this many terms, the matches of a multi-word query are counted exactly with one
/// count-only query per subset of terms (2^k - 1 of them, 1–3 ms each at 100k documents).
const EXACT_COUNT_MAX_TERMS: usize = 8;

/// Query and attribute language: without it Meilisearch may guess Japanese for Han text and
/// segment documents and queries differently.
static LOCALES: [&str; 1] = ["cmn"];
/// Folded, pre-segmented copies of title, keywords, organization and body, by importance.
static SEARCHABLE: [&str; 4] = ["s_title", "s_keywords", "s_org", "s_body"];
static FILTERABLE: [&str; 8] = [
    "key",
    "kind",
    "chain_top",
    "chain",
    "district",
    "org_type",
    "transfer_modes",
    "trl",
];
static SORTABLE: [&str; 2] = ["published_ts", "budget_fen"];
/// `sort` first: when a search asks for newest or budget order, that order is the order (as in
/// the embedded engine), relevance only breaks ties; without a sort it does nothing.
static RANKING: [&str; 6] = [
    "sort",
    "words",
    "typo",
    "proximity",
    "attribute",
    "exactness",
];
/// Facet names of `SearchResults` and the attributes that hold them.
static FACETS: [(&str, &str); 6] = [
    ("kind", "kind"),
    ("chain", "chain_top"),
    ("district", "district"),
    ("org_type", "org_type"),
    ("transfer_mode", "transfer_modes"),
    ("trl", "trl"),
];
static FACET_ATTRS: [&str; 6] = [
    "kind",
    "chain_top",
    "district",
    "org_type",
    "transfer_modes",
    "trl",
];
/// What a hit shows.
static HIT_ATTRS: [&str; 8] = [
    "key", "kind", "id", "title", "body", "org_name", "chain", "district",
];
/// A hit and the values it is sorted by (for merging sorted lists).
static SORTED_HIT_ATTRS: [&str; 10] = [
    "key",
    "kind",
    "id",
    "title",
    "body",
    "org_name",
    "chain",
    "district",
    "published_ts",
    "budget_fen",
];
/// What ranking, sorting and facet counting need of every match (no long text).
static ENTRY_ATTRS: [&str; 9] = [
    "key",
    "kind",
    "chain_top",
    "district",
    "org_type",
    "transfer_modes",
    "trl",
    "budget_fen",
    "published_ts",
];
static SORT_NEWEST: [&str; 1] = ["published_ts:desc"];
static SORT_BUDGET: [&str; 1] = ["budget_fen:desc"];

mod docs;
use docs::*;

pub struct MeiliIndex {
    client: Client,
    index: Index,
}

impl MeiliIndex {
    /// Connects, creates the index if needed (primary key `key`) and applies the settings,
    /// waiting until Meilisearch has taken them (existing documents are re-indexed then).
    pub async fn connect(
        url: &str,
        key: Option<&str>,
        index_uid: &str,
    ) -> Result<MeiliIndex, SearchError> {
        // The SDK appends paths to the host as given: no trailing slash.
        let client = Client::new(url.trim_end_matches('/'), key).map_err(err)?;
        match client.get_index(index_uid).await {
            Ok(mut existing) => match existing.primary_key.clone().as_deref() {
                Some(PRIMARY_KEY) => {}
                Some(other) => {
                    return Err(err(format!(
                        "meilisearch index {index_uid} has primary key {other:?}, expected \
                         {PRIMARY_KEY:?}; delete it and reindex"
                    )))
                }
                None => {
                    let task = existing.set_primary_key(PRIMARY_KEY).await.map_err(err)?;
                    succeeded(wait_task(&client, task).await?)?;
                }
            },
            Err(MeiliError::Meilisearch(e)) if e.error_code == ErrorCode::IndexNotFound => {
                let task = client
                    .create_index(index_uid, Some(PRIMARY_KEY))
                    .await
                    .map_err(err)?;
                match wait_task(&client, task).await? {
                    // Another process created it in between: fine, it is the same index.
                    Task::Failed { content }
                        if content.error.error_code == ErrorCode::IndexAlreadyExists => {}
                    other => succeeded(other)?,
                }
            }
            Err(e) => return Err(err(e)),
        }
        let index = client.index(index_uid);
        let task = index.set_settings(&index_settings()).await.map_err(err)?;
        succeeded(wait_task(&client, task).await?)?;
        // A query word matches that word only, as in the embedded engine: with prefix search
        // the last word of a query would also match longer words, so "a b" would no longer be
        // exactly "a" and "b" (which the exact counts in `search_words` rely on).
        let task = index
            .set_prefix_search(PrefixSearchSettings::Disabled)
            .await
            .map_err(err)?;
        succeeded(wait_task(&client, task).await?)?;
        tracing::info!(index = index_uid, "meilisearch index ready");
        Ok(MeiliIndex { client, index })
    }

    /// How many documents the index holds.
    pub async fn num_docs(&self) -> Result<usize, SearchError> {
        Ok(self
            .index
            .get_stats()
            .await
            .map_err(err)?
            .number_of_documents)
    }

    /// Deletes the whole index (tests use a throwaway index each).
    pub async fn delete_index(&self) -> Result<(), SearchError> {
        let task = self
            .client
            .delete_index(&self.index.uid)
            .await
            .map_err(err)?;
        succeeded(wait_task(&self.client, task).await?)
    }

    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        succeeded(wait_task(&self.client, task).await?)
    }

    /// A query on this index with the filter (if any) and an explicit matching strategy.
    fn query<'a>(&'a self, filter: &'a str) -> SearchQuery<'a, DefaultHttpClient> {
        let mut q = SearchQuery::new(&self.index);
        q.with_matching_strategy(MatchingStrategies::ALL);
        if !filter.is_empty() {
            q.with_filter(filter);
        }
        q
    }

    /// Every match of `text` (up to `WORD_CAP`), in relevance order, without long fields.
    fn word_query<'a>(
        &'a self,
        filter: &'a str,
        text: &'a str,
    ) -> SearchQuery<'a, DefaultHttpClient> {
        let mut q = self.query(filter);
        q.with_query(text)
            .with_locales(&LOCALES[..])
            .with_page(1)
            .with_hits_per_page(WORD_CAP)
            .with_attributes_to_retrieve(Selectors::Some(&ENTRY_ATTRS[..]))
            .with_show_ranking_score(true);
        q
    }

    /// The displayable documents with these keys (keys are ours: `[A-Za-z0-9_-]`).
    async fn fetch(&self, keys: &[String]) -> Result<HashMap<String, Stored>, SearchError> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let list: Vec<String> = keys.iter().map(|k| quote(k)).collect();
        let filter = format!("{PRIMARY_KEY} IN [{}]", list.join(", "));
        let mut q = SearchQuery::new(&self.index);
        q.with_filter(&filter)
            .with_limit(keys.len())
            .with_attributes_to_retrieve(Selectors::Some(&HIT_ATTRS[..]));
        let res = self.index.execute_query::<Stored>(&q).await.map_err(err)?;
        Ok(res
            .hits
            .into_iter()
            .map(|h| (h.result.key.clone(), h.result))
            .collect())
    }

    /// One request answers it: no query words (browse everything that passes the filters), or
    /// a single term (strategy `all`, so "all words" and "some words" are the same thing).
    /// Meilisearch then ranks, sorts, pages and counts facets itself, exactly.
    async fn single(
        &self,
        p: &SearchParams,
        filter: &str,
        term: Option<&str>,
        highlight: &[String],
    ) -> Result<SearchResults, SearchError> {
        let per = p.per_page.max(1) as usize;
        let page = p.page.max(1) as usize;
        let mut q = self.query(filter);
        q.with_page(page)
            .with_hits_per_page(per)
            .with_facets(Selectors::Some(&FACET_ATTRS[..]))
            .with_attributes_to_retrieve(Selectors::Some(&HIT_ATTRS[..]));
        if let Some(t) = term {
            q.with_query(t)
                .with_locales(&LOCALES[..])
                .with_show_ranking_score(true);
        }
        if let Some(sort) = sort_spec(p.sort) {
            q.with_sort(sort);
        }
        let res = self.index.execute_query::<Stored>(&q).await.map_err(err)?;
        let total = res.total_hits.or(res.estimated_total_hits).unwrap_or(0) as u64;
        let facets = facets_from_distribution(res.facet_distribution.as_ref());
        let hits = res
            .hits
            .into_iter()
            .map(|h| {
                let score = if term.is_some() {
                    h.ranking_score.unwrap_or(0.0) as f32
                } else {
                    0.0
                };
                to_hit(h.result, score, highlight)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchResults {
            hits,
            facets,
            total,
            took_ms: 0,
        })
    }

    /// Query words present. Documents with every term must come first and documents with only
    /// some must still be found (新能源汽车 finds 汽车电子, after the EV documents).
    ///
    /// One Meilisearch request cannot do that: with matching strategy `all` only the full
    /// matches come back, and `last` / `frequency` drop terms from the end / the most frequent
    /// first, so a document that has only a dropped term (汽车 but not 能源) is never returned.
    /// So, like the embedded engine, we split it, in one multi-search round trip:
    /// - the strict query: all terms, strategy `all`, ranked by Meilisearch's rules;
    /// - with two or more terms, one query per term (strategy `all`, set explicitly too).
    ///
    /// Their union is the "any term" set: total and facet counts are counted over it here
    /// (no single request is that broad). Full matches keep Meilisearch's order; the partial
    /// ones follow, by number of terms matched, then best single-term rank. Sorting by newest
    /// or budget orders the whole union by that field. The page's documents are then read by
    /// key in a second request. A strict hit only counts as full if every single-term query
    /// also found it: Meilisearch reads at most 10 query words, so with more terms its strict
    /// answer is too broad and the rest of it falls back into the partial list.
    /// Few terms: the total and facets of "any term" are counted exactly by inclusion–exclusion
    /// over the subsets of terms: |A ∪ B| = |A| + |B| - |A ∩ B|, and the same for every facet
    /// value (count-only queries, no ranking, one multi-search). The page comes from the same
    /// round trip:
    /// - by relevance, full matches come first, so a page inside them is the strict query's own
    ///   page. If the page reaches past them, hits are None and `search_words` merges the
    ///   ranked lists, keeping these exact counts;
    /// - by newest or budget, the first n of the union are among the first n of each term, so
    ///   each term's first n (sorted by Meilisearch) are merged here.
    async fn counted(
        &self,
        p: &SearchParams,
        filter: &str,
        terms: &[String],
        highlight: &[String],
    ) -> Result<
        (
            Option<Vec<SearchHit>>,
            u64,
            BTreeMap<String, Vec<FacetCount>>,
        ),
        SearchError,
    > {
        let k = terms.len();
        let per = p.per_page.max(1) as usize;
        let page = p.page.max(1) as usize;
        let offset = (page - 1).saturating_mul(per);
        let subsets: Vec<String> = (1u32..(1u32 << k))
            .map(|mask| {
                terms
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let strict_q = terms.join(" ");
        let sort = sort_spec(p.sort);
        let mut ms = self.client.multi_search();
        // The page queries first: the strict page, or each term's first `offset + per`.
        let page_texts: Vec<&str> = match sort {
            None => vec![strict_q.as_str()],
            Some(_) => terms.iter().map(String::as_str).collect(),
        };
        for text in &page_texts {
            let mut q = self.query(filter);
            q.with_query(text)
                .with_locales(&LOCALES[..])
                .with_attributes_to_retrieve(Selectors::Some(&SORTED_HIT_ATTRS[..]))
                .with_show_ranking_score(true);
            match sort {
                None => q.with_page(page).with_hits_per_page(per),
                Some(order) => q
                    .with_sort(order)
                    .with_page(1)
                    .with_hits_per_page(offset + per),
            };
            ms.with_search_query(q);
        }
        for text in &subsets {
            let mut q = self.query(filter);
            q.with_query(text)
                .with_locales(&LOCALES[..])
                .with_page(1)
                .with_hits_per_page(0)
                .with_facets(Selectors::Some(&FACET_ATTRS[..]));
            ms.with_search_query(q);
        }
        let resp = self
            .client
            .execute_multi_search_query::<Stored>(&ms)
            .await
            .map_err(err)?;
        let expected = page_texts.len() + subsets.len();
        if resp.results.len() != expected {
            return Err(err(format!(
                "multi-search answered {} of {expected} queries",
                resp.results.len()
            )));
        }
        let mut results = resp.results.into_iter();
        let pages: Vec<MeiliResults<Stored>> = results.by_ref().take(page_texts.len()).collect();
        let mut total: i64 = 0;
        let mut counts: Vec<HashMap<String, i64>> = vec![HashMap::new(); FACETS.len()];
        for (mask, r) in (1u32..).zip(results) {
            let sign: i64 = if mask.count_ones() % 2 == 1 { 1 } else { -1 };
            total += sign * r.total_hits.unwrap_or(0) as i64;
            let dist = facets_from_distribution(r.facet_distribution.as_ref());
            for (i, (name, _)) in FACETS.iter().enumerate() {
                for fc in dist.get(*name).into_iter().flatten() {
                    *counts[i].entry(fc.value.clone()).or_insert(0) += sign * fc.count as i64;
                }
            }
        }
        let facets: BTreeMap<String, Vec<FacetCount>> = FACETS
            .iter()
            .zip(counts)
            .map(|((name, _), c)| {
                let positive: HashMap<String, u64> = c
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(v, n)| (v, n as u64))
                    .collect();
                (name.to_string(), sorted_counts(positive))
            })
            .collect();
        let total = total.max(0) as u64;
        if offset as u64 >= total {
            return Ok((Some(vec![]), total, facets));
        }
        let hits = match sort {
            None => {
                let strict = pages
                    .into_iter()
                    .next()
                    .ok_or_else(|| err("multi-search answered no query"))?;
                let full = strict.total_hits.unwrap_or(0);
                if offset + per <= full {
                    let hits = strict
                        .hits
                        .into_iter()
                        .map(|h| {
                            let score = h.ranking_score.unwrap_or(0.0) as f32;
                            to_hit(h.result, score, highlight)
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    Some(hits)
                } else {
                    None
                }
            }
            Some(_) => {
                let value = |d: &Stored| match p.sort {
                    SearchSort::Budget => d.budget_fen.unwrap_or(0),
                    _ => d.published_ts.unwrap_or(0),
                };
                let mut seen: HashMap<String, Stored> = HashMap::new();
                for list in pages {
                    for h in list.hits {
                        seen.entry(h.result.key.clone()).or_insert(h.result);
                    }
                }
                let mut all: Vec<Stored> = seen.into_values().collect();
                all.sort_by(|a, b| value(b).cmp(&value(a)).then_with(|| a.key.cmp(&b.key)));
                let hits = all
                    .into_iter()
                    .skip(offset)
                    .take(per)
                    .map(|d| to_hit(d, 0.0, highlight))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(hits)
            }
        };
        Ok((hits, total, facets))
    }

    async fn search_words(
        &self,
        p: &SearchParams,
        filter: &str,
        terms: &[String],
        highlight: &[String],
    ) -> Result<SearchResults, SearchError> {
        let k = terms.len();
        let exact = if k <= EXACT_COUNT_MAX_TERMS {
            match self.counted(p, filter, terms, highlight).await? {
                (Some(hits), total, facets) => {
                    return Ok(SearchResults {
                        hits,
                        facets,
                        total,
                        took_ms: 0,
                    })
                }
                (None, total, facets) => Some((total, facets)),
            }
        } else {
            None
        };
        let strict_q = terms.join(" ");
        let mut ms = self.client.multi_search();
        ms.with_search_query(self.word_query(filter, &strict_q));
        if k > 1 {
            for t in terms {
                ms.with_search_query(self.word_query(filter, t));
            }
        }
        let resp = self
            .client
            .execute_multi_search_query::<Stored>(&ms)
            .await
            .map_err(err)?;
        let expected = if k > 1 { k + 1 } else { 1 };
        if resp.results.len() != expected {
            return Err(err(format!(
                "multi-search answered {} of {expected} queries",
                resp.results.len()
            )));
        }
        let mut results = resp.results.into_iter();
        let strict: MeiliResults<Stored> = results
            .next()
            .ok_or_else(|| err("multi-search answered no query"))?;
        let strict_hits: Vec<(String, f64)> = strict
            .hits
            .iter()
            .map(|h| (h.result.key.clone(), h.ranking_score.unwrap_or(0.0)))
            .collect();
        // Single-term answers count matches; with one term the strict answer is that answer.
        // Otherwise the strict answer only fills in a document no single term returned.
        let mut lists: Vec<(bool, MeiliResults<Stored>)> = results.map(|r| (true, r)).collect();
        lists.push((k == 1, strict));
        let mut entries: HashMap<String, Entry> = HashMap::new();
        for (counts, list) in lists {
            for (pos, h) in list.hits.into_iter().enumerate() {
                let score = h.ranking_score.unwrap_or(0.0);
                let key = h.result.key.clone();
                let e = entries.entry(key).or_insert_with(|| Entry {
                    doc: h.result,
                    matched: 0,
                    best: usize::MAX,
                    score: 0.0,
                });
                if counts {
                    e.matched += 1;
                    e.best = e.best.min(pos);
                    e.score = e.score.max(score);
                }
            }
        }
        let strict_order: Vec<(String, f32)> = strict_hits
            .into_iter()
            .filter(|(key, _)| entries.get(key).is_some_and(|e| e.matched == k))
            .map(|(key, s)| (key, s as f32))
            .collect();
        // Exact counts when they were made; otherwise counted over the lists read (exact
        // unless a word has more than WORD_CAP matches).
        let (total, facets) = match exact {
            Some(counted) => counted,
            None => (
                entries.len() as u64,
                count_facets(entries.values().map(|e| &e.doc)),
            ),
        };

        let order: Vec<(String, f32)> = match p.sort {
            SearchSort::Relevance => {
                let full: HashSet<&str> =
                    strict_order.iter().map(|(key, _)| key.as_str()).collect();
                let mut partial: Vec<(&String, &Entry)> = entries
                    .iter()
                    .filter(|(key, _)| !full.contains(key.as_str()))
                    .collect();
                partial.sort_by(|a, b| {
                    b.1.matched
                        .cmp(&a.1.matched)
                        .then(a.1.best.cmp(&b.1.best))
                        .then_with(|| a.0.cmp(b.0))
                });
                let partial: Vec<(String, f32)> = partial
                    .into_iter()
                    .map(|(key, e)| (key.clone(), (e.score * e.matched as f64 / k as f64) as f32))
                    .collect();
                strict_order.into_iter().chain(partial).collect()
            }
            SearchSort::Newest | SearchSort::Budget => {
                let value = |e: &Entry| match p.sort {
                    SearchSort::Budget => e.doc.budget_fen.unwrap_or(0),
                    _ => e.doc.published_ts.unwrap_or(0),
                };
                let mut all: Vec<(&String, &Entry)> = entries.iter().collect();
                all.sort_by(|a, b| value(b.1).cmp(&value(a.1)).then_with(|| a.0.cmp(b.0)));
                all.into_iter().map(|(key, _)| (key.clone(), 0.0)).collect()
            }
        };

        let per = p.per_page.max(1) as usize;
        let offset = (p.page.max(1) as usize - 1).saturating_mul(per);
        let page: Vec<(String, f32)> = order.into_iter().skip(offset).take(per).collect();
        let keys: Vec<String> = page.iter().map(|(key, _)| key.clone()).collect();
        let mut docs = self.fetch(&keys).await?;
        // A document deleted between the two requests is simply left out.
        let hits = page
            .into_iter()
            .filter_map(|(key, score)| docs.remove(&key).map(|d| (d, score)))
            .map(|(d, score)| to_hit(d, score, highlight))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchResults {
            hits,
            facets,
            total,
            took_ms: 0,
        })
    }
}

#[async_trait]
impl SearchIndex for MeiliIndex {
    fn engine(&self) -> &'static str {
        "meilisearch"
    }

    async fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<(SearchKind, String)>,
    ) -> Result<(), SearchError> {
        let docs: Vec<IndexDoc> = upserts.iter().map(IndexDoc::new).collect();
        // Replacing a document already removes its old version; delete only the others.
        let upserted: HashSet<&str> = docs.iter().map(|d| d.key.as_str()).collect();
        let mut gone: Vec<String> = deletes
            .iter()
            .map(|(kind, id)| doc_key(*kind, id))
            .filter(|k| !upserted.contains(k.as_str()))
            .collect();
        gone.sort();
        gone.dedup();
        // Enqueue everything first (Meilisearch applies an index's tasks in order), then wait
        // for each so any failure is reported.
        let mut tasks = Vec::new();
        for chunk in gone.chunks(BATCH) {
            tasks.push(self.index.delete_documents(chunk).await.map_err(err)?);
        }
        for chunk in docs.chunks(BATCH) {
            tasks.push(self.index.add_or_replace(chunk, None).await.map_err(err)?);
        }
        for task in tasks {
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn search(&self, params: &SearchParams) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        let words = zh::query_words(&params.q);
        let terms: Vec<String> = match_terms(&words)
            .iter()
            .map(|t| as_query_word(t))
            .collect();
        let filter = filter_for(params);
        // Highlight the words and their parts, as the embedded engine does.
        let highlight: Vec<String> = words
            .iter()
            .flat_map(|w| std::iter::once(w.word.clone()).chain(w.parts.iter().cloned()))
            .collect();
        let mut out = match terms.as_slice() {
            [] => self.single(params, &filter, None, &[]).await?,
            [one] => self.single(params, &filter, Some(one), &highlight).await?,
            _ => {
                self.search_words(params, &filter, &terms, &highlight)
                    .await?
            }
        };
        out.took_ms = started.elapsed().as_millis() as u64;
        Ok(out)
    }

    async fn clear(&self) -> Result<(), SearchError> {
        let task = self.index.delete_all_documents().await.map_err(err)?;
        self.wait(task).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_valid_meilisearch_ids_and_distinct() {
        let a = doc_key(SearchKind::Demand, "0b6f7a52-8d7e-4c1e-9a43-1f2a3b4c5d6e");
        assert_eq!(a, "demand-0b6f7a52-8d7e-4c1e-9a43-1f2a3b4c5d6e");
        let b = doc_key(SearchKind::Expert, "a_b:c");
        assert_eq!(b, "expert-a_5fb_3ac");
        assert!(b
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(
            doc_key(SearchKind::Demand, "x"),
            doc_key(SearchKind::Achievement, "x")
        );
        assert_ne!(
            doc_key(SearchKind::Demand, "_41"),
            doc_key(SearchKind::Demand, "A")
        );
    }

    #[test]
    fn filters_come_only_from_validated_parameters() {
        let p = SearchParams {
            q: "x\" OR kind = \"expert".into(),
            kind: Some(SearchKind::Demand),
            chain: Some("advanced_manufacturing".into()),
            district: Some("qingxiu".into()),
            trl_min: Some(3),
            ..Default::default()
        };
        assert_eq!(
            filter_for(&p),
            "kind = \"demand\" AND chain_top = \"advanced_manufacturing\" AND \
             district = \"qingxiu\" AND trl >= 3 AND trl <= 9"
        );
        let leaf = SearchParams {
            chain: Some("advanced_manufacturing.new_energy_vehicle".into()),
            ..Default::default()
        };
        assert_eq!(
            filter_for(&leaf),
            "chain = \"advanced_manufacturing.new_energy_vehicle\""
        );
        assert_eq!(quote("a\"b\\"), "\"a\\\"b\\\\\"");
    }

    #[test]
    fn two_character_chinese_words_are_sent_as_phrases() {
        assert_eq!(as_query_word("化工"), "\"化工\"");
        assert_eq!(as_query_word("链"), "链");
        assert_eq!(as_query_word("水肥一体化"), "水肥一体化");
        assert_eq!(as_query_word("5g"), "5g");
    }

    #[test]
    fn terms_carry_no_operators() {
        let terms = match_terms(&zh::query_words("-汽车 \"电池\" -1"));
        assert!(!terms.is_empty());
        for t in &terms {
            assert!(!t.starts_with('-') && !t.contains('"'), "{terms:?}");
        }
    }

    #[test]
    fn numeric_facet_values_read_as_integers() {
        assert_eq!(integer_text("5"), "5");
        assert_eq!(integer_text("5.0"), "5");
        assert_eq!(integer_text("x"), "x");
    }
}
