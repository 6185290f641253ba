//! Search conformance: what every engine must agree on (which documents match a query and a
//! filter, facet counts, all-word matches above partial ones, hidden content never found),
//! plus the outbox that keeps the index in step with the database.
mod common;

use app::model::{SearchDoc, SearchKind, SearchParams, SearchResults, SearchSort};
use app::ports::SearchIndex;
use chrono::{TimeZone, Utc};
use server::search::embedded::EmbeddedIndex;
use server::search::meili::MeiliIndex;
use std::sync::Arc;

fn doc(id: &str, title: &str, body: &str, chain: &str, district: &str, trl: u8) -> SearchDoc {
    SearchDoc {
        kind: SearchKind::Demand,
        id: id.into(),
        title: title.into(),
        body: body.into(),
        keywords: vec![],
        org_name: "测试企业".into(),
        chain: Some(chain.into()),
        district: Some(district.into()),
        org_type: Some("enterprise".into()),
        transfer_modes: vec![],
        trl: Some(trl),
        budget_fen: Some(i64::from(trl) * 1_000_000),
        published_at: Utc
            .with_ymd_and_hms(2026, 1, u32::from(trl), 0, 0, 0)
            .unwrap(),
    }
}

fn corpus() -> Vec<SearchDoc> {
    vec![
        doc(
            "d1",
            "中国农业发展银行信贷数据分析",
            "面向农村金融的风险模型",
            "modern_agriculture.smart_agriculture",
            "qingxiu",
            5,
        ),
        doc(
            "d2",
            "新能源汽车电池热管理",
            "动力电池包液冷板设计",
            "advanced_manufacturing.new_energy_vehicle",
            "nanning_hitech",
            6,
        ),
        doc(
            "d3",
            "汽车电子控制器测试平台",
            "车身控制器硬件在环测试",
            "advanced_manufacturing.automotive_electronics",
            "liangqing",
            7,
        ),
        doc(
            "d4",
            "高端铝合金挤压型材变形控制",
            "铝材热处理后变形大，需要工艺优化",
            "strategic_emerging.high_end_aluminum",
            "nanning_etdz",
            6,
        ),
        doc(
            "d5",
            "5G基站散热材料",
            "基站功放散热需要新型导热材料",
            "new_tech_application.mobile_5g",
            "qingxiu",
            4,
        ),
        doc(
            "d6",
            "AI视觉检测在甘蔗分选中的应用",
            "利用机器视觉识别甘蔗品质",
            "new_tech_application.artificial_intelligence",
            "hengzhou",
            3,
        ),
        doc(
            "d7",
            "壮药质量标志物研究",
            "指纹图谱与含量测定",
            "biomedicine_health.tcm_ethnic",
            "xingning",
            2,
        ),
    ]
}

async fn index_with(docs: Vec<SearchDoc>) -> EmbeddedIndex {
    let ix = EmbeddedIndex::in_memory().unwrap();
    ix.apply(docs, vec![]).await.unwrap();
    ix
}

fn q(text: &str) -> SearchParams {
    SearchParams {
        q: text.into(),
        page: 1,
        per_page: 20,
        ..Default::default()
    }
}

fn ids(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.id.as_str()).collect()
}

/// Runs the shared checks against one engine.
async fn conformance(ix: &dyn SearchIndex) {
    // Words inside compounds: 农业 finds 中国农业发展银行.
    let r = ix.search(&q("农业")).await.unwrap();
    assert_eq!(ids(&r), vec!["d1"], "{}", ix.engine());
    // One and two characters.
    let r = ix.search(&q("铝")).await.unwrap();
    assert_eq!(ids(&r), vec!["d4"]);
    let r = ix.search(&q("基站")).await.unwrap();
    assert_eq!(ids(&r), vec!["d5"]);
    // Mixed scripts.
    assert_eq!(ids(&ix.search(&q("5G基站")).await.unwrap())[0], "d5");
    assert_eq!(ids(&ix.search(&q("AI视觉检测")).await.unwrap())[0], "d6");
    assert_eq!(
        ids(&ix.search(&q("ai")).await.unwrap()),
        vec!["d6"],
        "ASCII is case-insensitive"
    );
    // Traditional characters find simplified text.
    assert_eq!(ids(&ix.search(&q("農業")).await.unwrap()), vec!["d1"]);
    assert_eq!(ids(&ix.search(&q("鋁合金")).await.unwrap())[0], "d4");
    // All words above some: 新能源汽车 ranks the EV document first and still finds 汽车电子.
    let r = ix.search(&q("新能源汽车")).await.unwrap();
    let got = ids(&r);
    assert_eq!(got.first(), Some(&"d2"), "{got:?}");
    assert!(
        got.contains(&"d3"),
        "partial matches are kept, lower: {got:?}"
    );
    assert_eq!(r.total, 2);
    let kinds = &r.facets["kind"];
    assert_eq!(
        (kinds.len(), kinds[0].value.as_str(), kinds[0].count),
        (1, "demand", 2),
        "facets count every match, full or partial"
    );
    // One result per page: the full match, then the partial one, then nothing; the total and
    // the facets stay the same on every page.
    for (page, want) in [(1, vec!["d2"]), (2, vec!["d3"]), (3, vec![])] {
        let mut p = q("新能源汽车");
        p.per_page = 1;
        p.page = page;
        let r = ix.search(&p).await.unwrap();
        assert_eq!(ids(&r), want, "page {page} ({})", ix.engine());
        assert_eq!(r.total, 2, "page {page}");
        let am = r.facets["chain"]
            .iter()
            .find(|f| f.value == "advanced_manufacturing")
            .map(|f| f.count);
        assert_eq!(am, Some(2), "page {page}");
    }
    // Filters combine with the query and with each other; facets count the matches.
    let mut p = q("");
    p.district = Some("qingxiu".into());
    let r = ix.search(&p).await.unwrap();
    assert_eq!(r.total, 2);
    let mut p = q("");
    p.chain = Some("advanced_manufacturing".into());
    let r = ix.search(&p).await.unwrap();
    let mut got = ids(&r);
    got.sort();
    assert_eq!(
        got,
        vec!["d2", "d3"],
        "a top-level chain matches its children"
    );
    let mut p = q("汽车");
    p.trl_min = Some(7);
    assert_eq!(ids(&ix.search(&p).await.unwrap()), vec!["d3"]);
    let r = ix.search(&q("")).await.unwrap();
    assert_eq!(r.total, 7);
    let chains = &r.facets["chain"];
    let am = chains
        .iter()
        .find(|f| f.value == "advanced_manufacturing")
        .expect("facet");
    assert_eq!(am.count, 2);
    let districts = &r.facets["district"];
    assert_eq!(
        districts
            .iter()
            .find(|f| f.value == "qingxiu")
            .unwrap()
            .count,
        2
    );
    // Sorting by budget and newest.
    let mut p = q("");
    p.sort = SearchSort::Budget;
    assert_eq!(ids(&ix.search(&p).await.unwrap())[0], "d3");
    p.sort = SearchSort::Newest;
    assert_eq!(ids(&ix.search(&p).await.unwrap())[0], "d3");
    // A sort order overrides relevance, for one word and for several (新能源汽车 ranks d2 first
    // by relevance; d3 is newer and has the larger budget).
    for text in ["汽车", "新能源汽车"] {
        for sort in [SearchSort::Newest, SearchSort::Budget] {
            let mut p = q(text);
            p.sort = sort;
            let r = ix.search(&p).await.unwrap();
            assert_eq!(
                ids(&r),
                vec!["d3", "d2"],
                "{text} {sort:?} ({})",
                ix.engine()
            );
            assert_eq!(r.total, 2);
            p.per_page = 1;
            p.page = 2;
            assert_eq!(
                ids(&ix.search(&p).await.unwrap()),
                vec!["d2"],
                "{text} page 2"
            );
        }
    }
    // Paging.
    let mut p = q("");
    p.per_page = 3;
    p.page = 3;
    let r = ix.search(&p).await.unwrap();
    assert_eq!((r.total, r.hits.len()), (7, 1));
    // Hostile input is just words or nothing.
    for hostile in [
        "status = 'published' OR 1=1",
        "'; DROP TABLE demands; --",
        "🚀🚀🚀",
        "!!!???",
        &"长".repeat(200),
    ] {
        let r = ix.search(&q(hostile)).await.unwrap();
        assert!(r.total <= 7, "{hostile}");
    }
    // Highlights point into the plain-text snippet.
    let r = ix.search(&q("热处理")).await.unwrap();
    let h = &r.hits[0];
    let chars: Vec<char> = h.snippet.chars().collect();
    assert!(!h.highlights.is_empty());
    for [s, e] in &h.highlights {
        let piece: String = chars[*s..*e].iter().collect();
        assert!("热处理".contains(&piece), "{piece}");
    }
    // Deleting removes a document.
    ix.apply(vec![], vec![(SearchKind::Demand, "d4".into())])
        .await
        .unwrap();
    assert_eq!(ix.search(&q("铝")).await.unwrap().total, 0);

    // Calls are the fifth kind: found by their words, filtered and faceted by kind.
    let mut call = doc(
        "c1",
        "甘蔗收获机低损收获技术攻关",
        "揭榜挂帅：丘陵地块断尾率降到 5% 以下",
        "modern_agriculture.efficient_production",
        "wuming",
        1,
    );
    call.kind = SearchKind::Call;
    call.trl = None;
    ix.apply(vec![call], vec![]).await.unwrap();
    let all = ix.search(&q("甘蔗")).await.unwrap();
    let mut kinds: Vec<(String, u64)> = all.facets["kind"]
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![("call".to_string(), 1), ("demand".to_string(), 1)],
        "{}",
        ix.engine()
    );
    let mut only_calls = q("甘蔗");
    only_calls.kind = Some(SearchKind::Call);
    let r = ix.search(&only_calls).await.unwrap();
    assert_eq!(ids(&r), vec!["c1"]);
    assert_eq!(r.hits[0].kind, SearchKind::Call);
    ix.apply(vec![], vec![(SearchKind::Call, "c1".into())])
        .await
        .unwrap();
    assert_eq!(ix.search(&only_calls).await.unwrap().total, 0);
}

#[tokio::test]
async fn embedded_engine_conformance() {
    let ix = index_with(corpus()).await;
    conformance(&ix).await;
}

/// Runs only against a real server: `MEILISEARCH_URL` (and `MEILISEARCH_KEY` if it needs one).
#[tokio::test]
#[ignore = "needs a Meilisearch server: set MEILISEARCH_URL (and MEILISEARCH_KEY), run with --include-ignored"]
async fn meilisearch_conformance() {
    let url = std::env::var("MEILISEARCH_URL").expect("MEILISEARCH_URL names the server to test");
    let key = std::env::var("MEILISEARCH_KEY").ok();
    // A fresh index per run, so parallel or earlier runs cannot interfere.
    let uid = format!("jiebang_test_{}", uuid::Uuid::new_v4().simple());
    let ix = Arc::new(
        MeiliIndex::connect(&url, key.as_deref(), &uid)
            .await
            .unwrap(),
    );
    // Load and check in a task so a failed assertion still lets us delete the index.
    let run = {
        let ix = ix.clone();
        tokio::spawn(async move {
            ix.apply(corpus(), vec![]).await.unwrap();
            conformance(&*ix).await
        })
        .await
    };
    let cleanup = ix.delete_index().await;
    if let Err(e) = run {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("conformance task failed: {e}");
    }
    cleanup.unwrap();
}

#[tokio::test]
async fn embedded_index_survives_reopen() {
    let dir = std::env::temp_dir().join(format!("jb-index-{}", uuid::Uuid::new_v4()));
    {
        let ix = EmbeddedIndex::open(&dir).unwrap();
        ix.apply(corpus(), vec![]).await.unwrap();
    }
    let ix = EmbeddedIndex::open(&dir).unwrap();
    assert_eq!(ix.search(&q("铝")).await.unwrap().total, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn outbox_brings_published_demands_in_and_takes_unpublished_ones_out() {
    common::each_backend(|b| async move {
        let ix = EmbeddedIndex::in_memory().unwrap();
        outbox_conformance(&b, &ix).await;
    })
    .await;
}

/// The same outbox checks with Meilisearch as the index (only when `MEILISEARCH_URL` is set).
#[tokio::test]
#[ignore = "needs a Meilisearch server: set MEILISEARCH_URL (and MEILISEARCH_KEY), run with --include-ignored"]
async fn outbox_on_meilisearch() {
    let url = std::env::var("MEILISEARCH_URL").expect("MEILISEARCH_URL names the server to test");
    let key = std::env::var("MEILISEARCH_KEY").ok();
    common::each_backend(|b| {
        let (url, key) = (url.clone(), key.clone());
        async move {
            let uid = format!("jiebang_test_{}", uuid::Uuid::new_v4().simple());
            let ix = MeiliIndex::connect(&url, key.as_deref(), &uid)
                .await
                .unwrap();
            outbox_conformance(&b, &ix).await;
            ix.delete_index().await.unwrap();
        }
    })
    .await;
}

async fn outbox_conformance(b: &common::Backend, ix: &dyn SearchIndex) {
    {
        let s = server::secrets::Argon2Secrets;
        server::seeds::load(b.store.as_ref(), &s, &common::seeds_dir(), true)
            .await
            .unwrap();
        let n = server::search::catch_up(b.store.as_ref(), ix)
            .await
            .unwrap();
        assert!(n > 0);
        assert_eq!(b.store.pending_search_updates().await.unwrap(), 0);
        let all = ix.search(&q("")).await.unwrap();
        let demands = all.facets["kind"]
            .iter()
            .find(|f| f.value == "demand")
            .unwrap()
            .count;
        assert_eq!(
            demands, 10,
            "the 10 published demo demands, not the 2 submitted ones ({})",
            b.name
        );
        // No confidential detail is searchable.
        use sqlx::Row;
        let secrets: Vec<String> = match &b.raw {
            common::Raw::Sqlite(p) => sqlx::query("SELECT confidential_detail FROM demands")
                .fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect(),
            common::Raw::Postgres(p) => sqlx::query("SELECT confidential_detail FROM demands")
                .fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect(),
        };
        for secret in secrets {
            let probe: String = secret.chars().take(10).collect();
            let r = ix.search(&q(&probe)).await.unwrap();
            for h in &r.hits {
                assert!(
                    !h.snippet.contains(&probe),
                    "confidential text in the index: {probe}"
                );
            }
        }
        // Closing a published demand takes it out after the worker runs; a crash before the
        // worker runs loses nothing because the outbox row waits.
        let q_demands = app::ports::DemandQuery {
            statuses: vec![app::domain::DemandStatus::Published],
            limit: 1,
            ..Default::default()
        };
        let (rows, _) = b.store.list_demands(&q_demands).await.unwrap();
        let d = &rows[0].demand;
        let ev = app::ports::AuditEvent {
            actor_id: None,
            entity_type: "demand",
            entity_id: d.id.to_string(),
            action: "close".into(),
            from_state: None,
            to_state: None,
            reason: Some("test".into()),
            at: Utc::now(),
        };
        b.store
            .change_status(
                &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    d.id,
                    app::domain::DemandStatus::Published,
                    app::domain::DemandStatus::Closed,
                    Some("test"),
                ),
                &ev,
            )
            .await
            .unwrap();
        assert_eq!(b.store.pending_search_updates().await.unwrap(), 1);
        let mut by_title = q(&d.title);
        by_title.kind = Some(SearchKind::Demand);
        assert!(
            ix.search(&by_title)
                .await
                .unwrap()
                .hits
                .iter()
                .any(|h| h.id == d.id.to_string()),
            "still there before the worker"
        );
        server::search::catch_up(b.store.as_ref(), ix)
            .await
            .unwrap();
        assert!(
            !ix.search(&by_title)
                .await
                .unwrap()
                .hits
                .iter()
                .any(|h| h.id == d.id.to_string()),
            "gone after it"
        );
        // A full rebuild gives the same answer, and covers changes queued before it started:
        // close a second demand, rebuild without running the worker, and nothing is left pending.
        let (rows, _) = b.store.list_demands(&q_demands).await.unwrap();
        let d2 = &rows[0].demand;
        b.store
            .change_status(
                &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    d2.id,
                    app::domain::DemandStatus::Published,
                    app::domain::DemandStatus::Closed,
                    Some("test"),
                ),
                &app::ports::AuditEvent {
                    entity_id: d2.id.to_string(),
                    ..ev.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(b.store.pending_search_updates().await.unwrap(), 1);
        server::search::reindex(b.store.as_ref(), ix).await.unwrap();
        assert_eq!(b.store.pending_search_updates().await.unwrap(), 0);
        assert_eq!(ix.search(&q("")).await.unwrap().total, all.total - 2);
    }
}

#[tokio::test]
async fn bad_search_parameters_get_clear_errors() {
    let b = common::sqlite().await;
    let s = common::seeded_state(&b).await;
    let bad = |f: app::services::SearchForm| {
        let s = s.clone();
        async move { app::services::search(&s, &f).await.unwrap_err() }
    };
    use app::services::SearchForm;
    let field = |e: app::error::AppError| {
        e.field_errors()
            .iter()
            .map(|f| f.field.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        field(
            bad(SearchForm {
                q: Some("长".repeat(10_000)),
                ..Default::default()
            })
            .await
        ),
        vec!["q"]
    );
    assert_eq!(
        field(
            bad(SearchForm {
                chain: Some("x' OR 1=1".into()),
                ..Default::default()
            })
            .await
        ),
        vec!["chain"]
    );
    assert_eq!(
        field(
            bad(SearchForm {
                district: Some("district = qingxiu".into()),
                ..Default::default()
            })
            .await
        ),
        vec!["district"]
    );
    assert_eq!(
        field(
            bad(SearchForm {
                trl_min: Some("0".into()),
                trl_max: Some("10".into()),
                ..Default::default()
            })
            .await
        ),
        vec!["trl_min", "trl_max"]
    );
    assert_eq!(
        field(
            bad(SearchForm {
                kind: Some("user".into()),
                ..Default::default()
            })
            .await
        ),
        vec!["kind"]
    );
    assert_eq!(
        field(
            bad(SearchForm {
                page: Some("0".into()),
                ..Default::default()
            })
            .await
        ),
        vec!["page"]
    );
    // Empty and punctuation-only queries are fine: they browse.
    for ok in ["", "   ", "，。！", "🚀"] {
        assert!(
            app::services::search(
                &s,
                &SearchForm {
                    q: Some(ok.into()),
                    ..Default::default()
                }
            )
            .await
            .is_ok(),
            "{ok}"
        );
    }
}

/// Two app servers' workers over one database: while worker A is applying a record's change,
/// worker B does not take that record's newer change, so A's (by then stale) document cannot
/// land over B's newer one: the last write wins.
#[tokio::test]
async fn two_workers_apply_each_records_changes_in_order_so_the_last_write_wins() {
    common::each_backend(|b| async move {
        let ix = EmbeddedIndex::in_memory().unwrap();
        let s = server::secrets::Argon2Secrets;
        server::seeds::load(b.store.as_ref(), &s, &common::seeds_dir(), true)
            .await
            .unwrap();
        server::search::catch_up(b.store.as_ref(), &ix).await.unwrap();
        let q_demands = app::ports::DemandQuery {
            statuses: vec![app::domain::DemandStatus::Published],
            limit: 1,
            ..Default::default()
        };
        let (rows, _) = b.store.list_demands(&q_demands).await.unwrap();
        let d = rows[0].demand.clone();
        let change = |from, to, action: &str| {
            let ev = app::ports::AuditEvent {
                actor_id: None,
                entity_type: "demand",
                entity_id: d.id.to_string(),
                action: action.into(),
                from_state: None,
                to_state: None,
                reason: Some("test".into()),
                at: Utc::now(),
            };
            let c = app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                d.id, from, to, Some("test"),
            );
            let store = b.store.clone();
            async move { store.change_status(&c, &ev).await.unwrap() }
        };
        use app::domain::DemandStatus::{Closed, Published};
        // An edit that keeps it public queues a row (re-publishing after a close stands for it).
        change(Published, Closed, "close").await;
        server::search::catch_up(b.store.as_ref(), &ix).await.unwrap();
        b.raw
            .exec(&format!(
                "UPDATE demands SET status = 'published' WHERE title = '{}'",
                d.title.replace('\'', "''")
            ))
            .await;
        b.raw
            .exec(&format!(
                "INSERT INTO search_outbox (entity_type, entity_id, created_at) VALUES ('demand', '{}', '2026-01-01T00:00:00+00:00')",
                d.id
            ))
            .await;
        // Worker A claims the row and reads the document while the demand is public...
        let now = Utc::now();
        let claimed = b
            .store
            .claim_search_batch("A", 500, now, now + chrono::Duration::seconds(60))
            .await
            .unwrap();
        assert!(claimed.iter().any(|r| r.2 == d.id.to_string()));
        let stale = app::services::search_document(b.store.as_ref(), "demand", &d.id.to_string())
            .await
            .unwrap()
            .expect("public when A read it");
        // ...then the owner closes it, and worker B runs: it must leave that record to A.
        change(Published, Closed, "close").await;
        app::services::apply_outbox(b.store.as_ref(), &ix, &app::ports::SystemClock, 500, "B")
            .await
            .unwrap();
        assert_eq!(b.store.pending_search_updates().await.unwrap(), 2, "{}", b.name);
        // A applies its stale document and finishes; B then applies the close.
        ix.apply(vec![stale], vec![]).await.unwrap();
        let ids: Vec<i64> = claimed.iter().map(|r| r.0).collect();
        b.store.mark_search_processed(&ids, Utc::now()).await.unwrap();
        app::services::apply_outbox(b.store.as_ref(), &ix, &app::ports::SystemClock, 500, "B")
            .await
            .unwrap();
        assert_eq!(b.store.pending_search_updates().await.unwrap(), 0);
        let mut by_title = q(&d.title);
        by_title.kind = Some(SearchKind::Demand);
        assert!(
            !ix.search(&by_title)
                .await
                .unwrap()
                .hits
                .iter()
                .any(|h| h.id == d.id.to_string()),
            "{}: the closed demand stays out of the index",
            b.name
        );
    })
    .await;
}
