//! The embedded search engine (default): tantivy with a Chinese tokenizer (jieba, traditional
//! folded to simplified). Files live under `data/index`, or in memory for tests.
use super::zh;
use app::model::{
    FacetCount, SearchDoc, SearchHit, SearchKind, SearchParams, SearchResults, SearchSort,
};
use app::ports::{SearchError, SearchIndex};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value,
    FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};

const TOKENIZER: &str = "zh";
/// Facets the engine counts, in the order they are collected.
pub const FACETS: [&str; 6] = [
    "kind",
    "chain",
    "district",
    "org_type",
    "transfer_mode",
    "trl",
];

#[derive(Clone)]
struct ZhTokenizer;

struct VecStream {
    tokens: Vec<Token>,
    idx: usize,
}

impl TokenStream for VecStream {
    fn advance(&mut self) -> bool {
        if self.idx < self.tokens.len() {
            self.idx += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.idx - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.idx - 1]
    }
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = VecStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        let folded = zh::fold(text);
        let tokens = zh::index_tokens(&folded)
            .into_iter()
            .map(|(text, from, to, position)| Token {
                offset_from: from,
                offset_to: to,
                position,
                text,
                position_length: 1,
            })
            .collect();
        VecStream { tokens, idx: 0 }
    }
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    id: Field,
    title: Field,
    body: Field,
    keywords: Field,
    org_name: Field,
    chain: Field,
    district: Field,
    facets: [Field; 6],
    trl: Field,
    published: Field,
    budget: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let f = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text.clone()),
        keywords: b.add_text_field("keywords", text.clone()),
        org_name: b.add_text_field("org_name", text),
        chain: b.add_text_field("chain", STRING | STORED),
        district: b.add_text_field("district", STRING | STORED),
        facets: FACETS.map(|name| b.add_facet_field(&format!("f_{name}"), FacetOptions::default())),
        trl: b.add_u64_field("trl", INDEXED | FAST),
        published: b.add_i64_field("published", FAST),
        budget: b.add_i64_field("budget", FAST),
    };
    (b.build(), f)
}

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
}

/// Cheap to clone: the reader and writer are shared handles.
#[derive(Clone)]
pub struct EmbeddedIndex {
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter>>,
    f: Fields,
}

impl EmbeddedIndex {
    /// Opens (or creates) the index in `dir`. An index written with another schema is rebuilt
    /// from scratch: it is derived data, and the caller reindexes an empty index.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir).map_err(err)?;
        let (schema, _) = schema();
        let index = match Index::open_in_dir(dir) {
            Ok(i) if i.schema() == schema => i,
            Ok(_) => {
                tracing::warn!("search index schema changed; rebuilding {}", dir.display());
                std::fs::remove_dir_all(dir).map_err(err)?;
                std::fs::create_dir_all(dir).map_err(err)?;
                Index::create_in_dir(dir, schema).map_err(err)?
            }
            Err(_) => Index::create_in_dir(dir, schema).map_err(err)?,
        };
        Self::with_index(index)
    }

    pub fn in_memory() -> Result<Self, SearchError> {
        Self::with_index(Index::create_in_ram(schema().0))
    }

    fn with_index(index: Index) -> Result<Self, SearchError> {
        index.tokenizers().register(TOKENIZER, ZhTokenizer);
        let (_, f) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        let writer = index.writer_with_num_threads(1, 64_000_000).map_err(err)?;
        Ok(EmbeddedIndex {
            reader,
            writer: Arc::new(Mutex::new(writer)),
            f,
        })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn to_doc(&self, d: &SearchDoc) -> Result<TantivyDocument, SearchError> {
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, key(d.kind, &d.id));
        doc.add_text(f.kind, d.kind.as_str());
        doc.add_text(f.id, &d.id);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.body, &d.body);
        doc.add_text(f.keywords, d.keywords.join(" "));
        doc.add_text(f.org_name, &d.org_name);
        let facet = |parts: &[&str]| Facet::from_path(parts.iter().copied());
        doc.add_facet(f.facets[0], facet(&[d.kind.as_str()]));
        if let (Some(leaf), Some(top)) = (d.chain.as_deref(), d.chain_top()) {
            doc.add_text(f.chain, leaf);
            doc.add_facet(f.facets[1], facet(&[top.as_str(), leaf]));
        }
        if let Some(v) = &d.district {
            doc.add_text(f.district, v);
            doc.add_facet(f.facets[2], facet(&[v]));
        }
        if let Some(v) = &d.org_type {
            doc.add_facet(f.facets[3], facet(&[v]));
        }
        for m in &d.transfer_modes {
            doc.add_facet(f.facets[4], facet(&[m]));
        }
        if let Some(t) = d.trl {
            doc.add_u64(f.trl, u64::from(t));
            doc.add_facet(f.facets[5], facet(&[&t.to_string()]));
        }
        doc.add_i64(f.published, d.published_at.timestamp());
        doc.add_i64(f.budget, d.budget_fen.unwrap_or(0));
        Ok(doc)
    }

    fn text_fields(&self) -> [Field; 4] {
        [self.f.title, self.f.keywords, self.f.org_name, self.f.body]
    }

    fn word_query(&self, w: &str) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = self
            .text_fields()
            .iter()
            .map(|&field| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, w),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    /// A query word matches as itself or as all of its parts (新能源汽车 = 新能源 + 汽车).
    fn query_word_clause(&self, w: &zh::QueryWord) -> Box<dyn Query> {
        let mut alts: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, self.word_query(&w.word))];
        if !w.parts.is_empty() {
            let all: Vec<(Occur, Box<dyn Query>)> = w
                .parts
                .iter()
                .map(|p| (Occur::Must, self.word_query(p)))
                .collect();
            alts.push((Occur::Should, Box::new(BooleanQuery::new(all))));
        }
        Box::new(BooleanQuery::new(alts))
    }

    fn filters(&self, p: &SearchParams) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.f;
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut facet_filter = |field: Field, path: Vec<&str>| {
            let term = Term::from_facet(field, &Facet::from_path(path));
            out.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        };
        if let Some(k) = p.kind {
            facet_filter(f.facets[0], vec![k.as_str()]);
        }
        if let Some(c) = &p.chain {
            let top = c.split('.').next().unwrap_or(c);
            if top == c {
                facet_filter(f.facets[1], vec![top]);
            } else {
                facet_filter(f.facets[1], vec![top, c]);
            }
        }
        if let Some(v) = &p.district {
            facet_filter(f.facets[2], vec![v]);
        }
        if let Some(v) = &p.org_type {
            facet_filter(f.facets[3], vec![v]);
        }
        if let Some(v) = &p.transfer_mode {
            facet_filter(f.facets[4], vec![v]);
        }
        if p.trl_min.is_some() || p.trl_max.is_some() {
            let lo = Term::from_field_u64(f.trl, u64::from(p.trl_min.unwrap_or(1)));
            let hi = Term::from_field_u64(f.trl, u64::from(p.trl_max.unwrap_or(9)));
            out.push((
                Occur::Must,
                Box::new(RangeQuery::new(Bound::Included(lo), Bound::Included(hi))),
            ));
        }
        out
    }

    fn run(&self, p: &SearchParams) -> Result<SearchResults, SearchError> {
        let started = std::time::Instant::now();
        let searcher = self.reader.searcher();
        let words = zh::query_words(&p.q);
        let filters = self.filters(p);
        let with_filters =
            |main: Option<Box<dyn Query>>, not: Option<Box<dyn Query>>| -> Box<dyn Query> {
                let mut c: Vec<(Occur, Box<dyn Query>)> =
                    filters.iter().map(|(o, q)| (*o, q.box_clone())).collect();
                c.push((Occur::Must, main.unwrap_or_else(|| Box::new(AllQuery))));
                if let Some(n) = not {
                    c.push((Occur::MustNot, n));
                }
                Box::new(BooleanQuery::new(c))
            };
        let any_words: Option<Box<dyn Query>> = if words.is_empty() {
            None
        } else {
            let mut c: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for w in &words {
                c.push((Occur::Should, self.word_query(&w.word)));
                for part in &w.parts {
                    c.push((Occur::Should, self.word_query(part)));
                }
            }
            Some(Box::new(BooleanQuery::new(c)))
        };
        let all_words: Option<Box<dyn Query>> = if words.is_empty() {
            None
        } else {
            Some(Box::new(BooleanQuery::new(
                words
                    .iter()
                    .map(|w| (Occur::Must, self.query_word_clause(w)))
                    .collect(),
            )))
        };
        let matching = with_filters(any_words.as_ref().map(|q| q.box_clone()), None);

        // Total and facet counts over everything that matches any word.
        let mut fcs: Vec<FacetCollector> = FACETS
            .iter()
            .map(|name| {
                let mut c = FacetCollector::for_field(format!("f_{name}"));
                c.add_facet(Facet::root());
                c
            })
            .collect();
        let f5 = fcs.pop().ok_or_else(|| err("facets"))?;
        let f4 = fcs.pop().ok_or_else(|| err("facets"))?;
        let f3 = fcs.pop().ok_or_else(|| err("facets"))?;
        let f2 = fcs.pop().ok_or_else(|| err("facets"))?;
        let f1 = fcs.pop().ok_or_else(|| err("facets"))?;
        let f0 = fcs.pop().ok_or_else(|| err("facets"))?;
        let (total, ((c0, c1, c2), (c3, c4, c5))) = searcher
            .search(&*matching, &(Count, ((f0, f1, f2), (f3, f4, f5))))
            .map_err(err)?;
        let mut facets = BTreeMap::new();
        for (name, counts) in FACETS.iter().zip([c0, c1, c2, c3, c4, c5]) {
            let mut v: Vec<FacetCount> = counts
                .get(Facet::root())
                .map(|(facet, count)| FacetCount {
                    value: facet
                        .to_path()
                        .last()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    count,
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            facets.insert(name.to_string(), v);
        }

        let per = p.per_page.max(1) as usize;
        let offset = (p.page.max(1) as usize - 1) * per;
        let end = offset + per;
        let mut addrs: Vec<(f32, DocAddress)> = Vec::new();
        match (p.sort, &all_words) {
            (SearchSort::Relevance, Some(all)) => {
                // Documents with every word first, then those with some, each by BM25.
                let strict = with_filters(Some(all.box_clone()), None);
                let (n_all, top) = searcher
                    .search(
                        &*strict,
                        &(Count, TopDocs::with_limit(end).order_by_score()),
                    )
                    .map_err(err)?;
                addrs.extend(top.into_iter().skip(offset));
                if n_all < end {
                    let rest = with_filters(
                        any_words.as_ref().map(|q| q.box_clone()),
                        Some(all.box_clone()),
                    );
                    let skip = offset.saturating_sub(n_all);
                    let take = end - n_all.max(offset);
                    let more = searcher
                        .search(&*rest, &TopDocs::with_limit(skip + take).order_by_score())
                        .map_err(err)?;
                    addrs.extend(more.into_iter().skip(skip));
                }
            }
            (SearchSort::Budget, _) => {
                let top: Vec<(Option<i64>, DocAddress)> = searcher
                    .search(
                        &*matching,
                        &TopDocs::with_limit(per)
                            .and_offset(offset)
                            .order_by_fast_field("budget", Order::Desc),
                    )
                    .map_err(err)?;
                addrs.extend(top.into_iter().map(|(_, a)| (0.0, a)));
            }
            _ => {
                let top: Vec<(Option<i64>, DocAddress)> = searcher
                    .search(
                        &*matching,
                        &TopDocs::with_limit(per)
                            .and_offset(offset)
                            .order_by_fast_field("published", Order::Desc),
                    )
                    .map_err(err)?;
                addrs.extend(top.into_iter().map(|(_, a)| (0.0, a)));
            }
        }
        let terms: Vec<String> = words
            .iter()
            .flat_map(|w| std::iter::once(w.word.clone()).chain(w.parts.iter().cloned()))
            .collect();
        let hits = addrs
            .into_iter()
            .take(per)
            .map(|(score, a)| self.hit(&searcher, a, score, &terms))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchResults {
            hits,
            facets,
            total: total as u64,
            took_ms: started.elapsed().as_millis() as u64,
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        a: DocAddress,
        score: f32,
        terms: &[String],
    ) -> Result<SearchHit, SearchError> {
        let doc: TantivyDocument = searcher.doc(a).map_err(err)?;
        let get = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let kind = get(self.f.kind)
            .and_then(|k| SearchKind::parse(&k))
            .ok_or_else(|| err("stored kind"))?;
        let body = get(self.f.body).unwrap_or_default();
        let (snippet, highlights) = zh::snippet(&body, terms, 120);
        Ok(SearchHit {
            kind,
            id: get(self.f.id).unwrap_or_default(),
            title: get(self.f.title).unwrap_or_default(),
            snippet,
            highlights,
            score,
            org_name: get(self.f.org_name).unwrap_or_default(),
            chain: get(self.f.chain),
            district: get(self.f.district),
        })
    }
}

fn key(kind: SearchKind, id: &str) -> String {
    format!("{}:{}", kind.as_str(), id)
}

#[async_trait]
impl SearchIndex for EmbeddedIndex {
    fn engine(&self) -> &'static str {
        "embedded"
    }

    async fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<(SearchKind, String)>,
    ) -> Result<(), SearchError> {
        let docs = upserts
            .iter()
            .map(|d| self.to_doc(d))
            .collect::<Result<Vec<_>, _>>()?;
        let keys: Vec<String> = upserts
            .iter()
            .map(|d| key(d.kind, &d.id))
            .chain(deletes.iter().map(|(k, id)| key(*k, id)))
            .collect();
        let writer = self.writer.clone();
        let reader = self.reader.clone();
        let key_field = self.f.key;
        tokio::task::spawn_blocking(move || {
            let mut w = writer
                .lock()
                .map_err(|_| err("index writer lock poisoned"))?;
            let unique: HashSet<String> = keys.into_iter().collect();
            for k in unique {
                w.delete_term(Term::from_field_text(key_field, &k));
            }
            for d in docs {
                w.add_document(d).map_err(err)?;
            }
            w.commit().map_err(err)?;
            reader.reload().map_err(err)
        })
        .await
        .map_err(err)?
    }

    async fn search(&self, params: &SearchParams) -> Result<SearchResults, SearchError> {
        // A search is CPU work (milliseconds at 100k records): on the blocking pool, so the
        // runtime's workers keep serving other requests meanwhile.
        let me = self.clone();
        let params = params.clone();
        tokio::task::spawn_blocking(move || me.run(&params))
            .await
            .map_err(err)?
    }

    async fn clear(&self) -> Result<(), SearchError> {
        let writer = self.writer.clone();
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let mut w = writer
                .lock()
                .map_err(|_| err("index writer lock poisoned"))?;
            w.delete_all_documents().map_err(err)?;
            w.commit().map_err(err)?;
            reader.reload().map_err(err)
        })
        .await
        .map_err(err)?
    }
}
