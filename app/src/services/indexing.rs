//! What enters the search index, and when: the one projection of demands, achievements, experts
//! and organizations into search documents, used by the outbox worker and by the full rebuild.
//! A record is in the index exactly while its kind's rule says it is public: a demand or an
//! achievement in a public status of its lifecycle, an expert whose profile is public, a
//! verified organization. Confidential detail is never read here.
use super::*;
use crate::domain::achievement::AchievementLifecycle;
use crate::domain::demand::DemandLifecycle;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::OrgType;
use crate::model::{SearchDoc, SearchKind};

/// Why indexing stopped: the database or the search engine failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// How long a claim on outbox rows holds: far longer than a batch takes; a worker that dies
/// mid-batch leaves its rows to the others after it.
pub const OUTBOX_LEASE_SECONDS: i64 = 60;

pub fn demand_document(row: DemandRow, org_type: Option<OrgType>) -> Option<SearchDoc> {
    let d = row.demand;
    DemandLifecycle::is_public(d.status).then(|| SearchDoc {
        kind: SearchKind::Demand,
        id: d.id.to_string(),
        title: d.title,
        body: format!("{}\n{}", d.field, d.description),
        keywords: d.keywords,
        org_name: row.org_name,
        chain: Some(d.chain_code),
        district: Some(row.district_code),
        org_type: org_type.map(|t| t.as_str().to_string()),
        transfer_modes: vec![],
        trl: Some(d.trl),
        budget_fen: Some(d.budget_max_fen),
        published_at: d.published_at.unwrap_or(d.updated_at),
    })
}

pub fn achievement_document(row: AchievementRow) -> Option<SearchDoc> {
    let a = row.achievement;
    AchievementLifecycle::is_public(a.status).then(|| SearchDoc {
        kind: SearchKind::Achievement,
        id: a.id.to_string(),
        title: a.title,
        body: format!("{}\n{}", a.field, a.summary),
        keywords: a.keywords,
        org_name: row.org_name,
        chain: Some(a.chain_code),
        district: Some(row.district_code),
        org_type: Some(row.org_type.as_str().to_string()),
        transfer_modes: a
            .transfer_modes
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
        trl: Some(a.trl),
        budget_fen: a.price_fen,
        published_at: a.published_at.unwrap_or(a.updated_at),
    })
}

/// `row` is an expert (the store returns profiles of people holding the expert role only).
pub fn expert_document(row: ExpertRow) -> Option<SearchDoc> {
    let e = row;
    e.profile.is_public.then(|| SearchDoc {
        kind: SearchKind::Expert,
        id: e.profile.user_id.to_string(),
        title: format!("{}（{}）", e.name, e.profile.title),
        body: format!("{}\n{}", e.profile.fields.join("、"), e.profile.bio),
        keywords: e.profile.keywords,
        org_name: e.org_name.unwrap_or_default(),
        chain: None,
        district: e.district_code,
        org_type: e.org_type.map(|t| t.as_str().to_string()),
        transfer_modes: vec![],
        trl: None,
        budget_fen: None,
        published_at: e.profile.updated_at,
    })
}

pub fn organization_document(o: OrgRecord) -> Option<SearchDoc> {
    o.verified.then(|| SearchDoc {
        kind: SearchKind::Organization,
        id: o.id.to_string(),
        title: o.name.clone(),
        body: format!("{} {}", o.org_type.label_zh(), o.name),
        keywords: vec![],
        org_name: o.name,
        chain: None,
        district: Some(o.district_code),
        org_type: Some(o.org_type.as_str().to_string()),
        transfer_modes: vec![],
        trl: None,
        budget_fen: None,
        published_at: o.created_at,
    })
}

/// A call is searchable once published (and stays findable through its later stages, as its
/// page does). Its bids are never part of it.
pub fn call_document(row: CallRow) -> Option<SearchDoc> {
    use crate::domain::call::CallLifecycle;
    let c = row.call;
    let indicators: Vec<String> = c
        .indicators
        .iter()
        .map(|i| format!("{} {}{}", i.name, i.target, i.unit))
        .collect();
    CallLifecycle::is_public(c.status).then(|| SearchDoc {
        kind: SearchKind::Call,
        id: c.id.to_string(),
        title: c.title,
        body: format!("{}\n{}\n{}", c.goal, indicators.join("；"), c.background),
        keywords: vec![],
        org_name: row.co_funder_name.unwrap_or_default(),
        chain: Some(c.chain_code),
        district: Some(c.district_code),
        org_type: None,
        transfer_modes: vec![],
        trl: None,
        budget_fen: Some(c.city_fund_fen.saturating_add(c.enterprise_fund_fen)),
        published_at: c.published_at.unwrap_or(c.updated_at),
    })
}

/// The search document of one entity as it is now, or `None` if it must not be searchable.
#[tracing::instrument(skip_all)]
pub async fn search_document(
    store: &dyn Store,
    entity_type: &str,
    entity_id: &str,
) -> StoreResult<Option<SearchDoc>> {
    let Ok(id) = Uuid::parse_str(entity_id) else {
        return Ok(None);
    };
    Ok(match SearchKind::parse(entity_type) {
        Some(SearchKind::Demand) => match store.get_demand(id).await? {
            Some(row) => {
                let org_type = store.get_org(row.demand.org_id).await?.map(|o| o.org_type);
                demand_document(row, org_type)
            }
            None => None,
        },
        Some(SearchKind::Achievement) => store
            .get_achievement(id)
            .await?
            .and_then(achievement_document),
        Some(SearchKind::Expert) => store.get_expert(id).await?.and_then(expert_document),
        Some(SearchKind::Organization) => store.get_org(id).await?.and_then(organization_document),
        Some(SearchKind::Call) => store.get_call(id).await?.and_then(call_document),
        None => None,
    })
}

/// Claims up to `batch` pending outbox rows for `worker` (skipping records another worker is
/// applying, so each record's changes go in order and the last one wins), projects each
/// entity as it is now (or learns it must leave the index), applies them to the index, and only
/// then marks the rows done. A crash in between repeats the work once the lease ends, which is
/// harmless (upserts replace). Stamps come from `clock`.
#[tracing::instrument(skip_all)]
pub async fn apply_outbox(
    store: &dyn Store,
    index: &dyn SearchIndex,
    clock: &dyn Clock,
    batch: i64,
    worker: &str,
) -> Result<usize, IndexingError> {
    let now = clock.now();
    let rows = store
        .claim_search_batch(
            worker,
            batch,
            now,
            now + chrono::Duration::seconds(OUTBOX_LEASE_SECONDS),
        )
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut upserts = Vec::new();
    let mut deletes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, entity_type, entity_id) in &rows {
        if !seen.insert((entity_type.clone(), entity_id.clone())) {
            continue;
        }
        let Some(kind) = SearchKind::parse(entity_type) else {
            continue;
        };
        match search_document(store, entity_type, entity_id).await? {
            Some(doc) => upserts.push(doc),
            None => deletes.push((kind, entity_id.clone())),
        }
    }
    index.apply(upserts, deletes).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    store.mark_search_processed(&ids, clock.now()).await?;
    Ok(rows.len())
}

/// Rebuilds the index from the database: clears it and indexes every searchable entity. Outbox
/// rows already committed when it starts are covered by the rebuild (it reads every entity
/// afterwards) and are marked done; rows committed later are left for the worker.
#[tracing::instrument(skip_all)]
pub async fn reindex(
    store: &dyn Store,
    index: &dyn SearchIndex,
    clock: &dyn Clock,
) -> Result<usize, IndexingError> {
    let covered: Vec<i64> = store
        .search_outbox_batch(i64::MAX)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    index.clear().await?;
    let keys = store.search_entity_keys().await?;
    let mut n = 0;
    for chunk in keys.chunks(500) {
        let mut docs = Vec::with_capacity(chunk.len());
        for (t, id) in chunk {
            if let Some(d) = search_document(store, t, id).await? {
                docs.push(d);
            }
        }
        n += docs.len();
        index.apply(docs, vec![]).await?;
    }
    store.mark_search_processed(&covered, clock.now()).await?;
    Ok(n)
}
