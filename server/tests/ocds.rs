//! Open data on both engines: every public call's OCDS 1.1 release package validates against
//! the standard's schemas (server/tests/data/ocds-1.1.5) in every state a call passes through,
//! holds nothing sealed, and the feed pages through the calls as they change.
//!
//! The package schema names the release schema by its URL; the test validates the package with
//! that reference left open and each release against the release schema itself, which is the
//! same check without fetching anything.
mod common;

use app::domain::bid::BidAction;
use app::domain::call::{CallAction, CallStatus};
use app::model::MilestoneSubmission;
use app::ports::{AppState, FakeClock};
use app::services::{self, Verdict};
use common::calls::*;
use common::each_backend;
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;

fn schema(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ocds-1.1.5")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every schema violation of `package`, as text (empty when it validates).
fn violations(package: &Value) -> Vec<String> {
    let mut envelope = schema("release-package-schema.json");
    envelope["properties"]["releases"]
        .as_object_mut()
        .unwrap()
        .remove("items");
    let release = schema("release-schema.json");
    let mut out: Vec<String> = jsonschema::validator_for(&envelope)
        .unwrap()
        .iter_errors(package)
        .map(|e| format!("package: {e} at {}", e.instance_path()))
        .collect();
    let v = jsonschema::validator_for(&release).unwrap();
    for r in package["releases"].as_array().unwrap() {
        out.extend(
            v.iter_errors(r)
                .map(|e| format!("release: {e} at {}", e.instance_path())),
        );
    }
    out
}

/// The call's package, checked against the schema; the state is also published to the feed
/// (as the server's ticker does), and the clock moves on so the next change is a new one.
async fn valid_package(s: &AppState, clock: &FakeClock, call: Uuid, state: &str) -> Value {
    let p = services::call_release_package(s, call).await.unwrap();
    let v = violations(&p);
    assert!(v.is_empty(), "{state}: {v:#?}\n{p:#}");
    services::snapshot_releases(s).await.unwrap();
    clock.advance(chrono::Duration::seconds(1));
    p
}

#[test]
fn the_check_itself_refuses_a_broken_release() {
    let mut p = serde_json::json!({
        "uri": "http://x/y", "version": "1.1", "publishedDate": "2027-01-01T00:00:00Z",
        "publisher": { "name": "x" },
        "releases": [{ "ocid": "ocds-x-1", "id": "1", "date": "2027-01-01T00:00:00Z",
                       "tag": ["tender"], "initiationType": "tender" }],
    });
    assert!(violations(&p).is_empty(), "{:?}", violations(&p));
    p["releases"][0]["tag"] = serde_json::json!(["bidding"]);
    p["releases"][0]["tender"] = serde_json::json!({ "id": "t", "status": "open-ish" });
    assert!(violations(&p).len() >= 2, "{:?}", violations(&p));
    p["releases"] = serde_json::json!([]);
    assert!(
        !violations(&p).is_empty(),
        "a package holds at least one release"
    );
}

#[tokio::test]
async fn every_state_of_a_call_is_valid_open_data_and_nothing_sealed_leaks() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(start()));
        let s = common::seeded_state_at(&b, clock.clone()).await;

        // A draft is not open data; a published call is a tender.
        let off =
            common::people::official(&s, &b, "ocds-off@example.cn", "91450100JBQC00001").await;
        let lead = person(
            &s,
            "ocds-lead@example.cn",
            "12450100JBQC00002",
            "university",
        )
        .await;
        let call = services::create_call(&s, &off, &call_form(vec![]), false)
            .await
            .unwrap();
        assert_eq!(
            services::call_release_package(&s, call).await.unwrap_err(),
            app::error::AppError::NotFound
        );
        services::call_action(&s, &off, call, CallAction::Publish, None)
            .await
            .unwrap();
        let p = valid_package(&s, &clock, call, "published").await;
        let r = &p["releases"][0];
        assert_eq!(r["tag"][0], "tender");
        assert_eq!(r["tender"]["status"], "active");
        assert_eq!(r["tender"]["value"]["amount"], 4_500_000.0);
        assert_eq!(
            r["tender"]["items"].as_array().unwrap().len(),
            2,
            "one item per indicator"
        );
        assert!(
            r["tender"].get("numberOfTenderers").is_none(),
            "no count while bids are sealed"
        );
        assert!(r["ocid"].as_str().unwrap().starts_with("ocds-"));

        // A draft bid changes nothing public; after the close the count of bids appears, and
        // the 流榜 is a cancellation.
        clock.set(opens());
        let mut bf = bid_form("");
        bf.title = "秘密的揭榜方案标题".into();
        let bid = services::save_bid(&s, &lead, call, None, &bf, false)
            .await
            .unwrap();
        services::bid_action(&s, &lead, bid, BidAction::Submit, None)
            .await
            .unwrap();
        let text =
            serde_json::to_string(&valid_package(&s, &clock, call, "bids in").await).unwrap();
        assert!(
            !text.contains("秘密的揭榜方案标题") && !text.contains("ocds-lead@example.cn 的单位")
        );
        clock.set(closes());
        services::close_due_calls(&s).await.unwrap();
        let p = valid_package(&s, &clock, call, "screening").await;
        assert_eq!(p["releases"][0]["tender"]["numberOfTenderers"], 1);
        services::bid_action(&s, &off, bid, BidAction::Disqualify, Some("材料不全"))
            .await
            .unwrap();
        services::call_action(&s, &off, call, CallAction::MarkUnfilled, Some("无合格申报"))
            .await
            .unwrap();
        let p = valid_package(&s, &clock, call, "unfilled").await;
        assert_eq!(p["releases"][0]["tender"]["status"], "unsuccessful");
        let text = p.to_string();
        assert!(
            !text.contains("秘密的揭榜方案标题"),
            "a losing bid never appears"
        );

        // A race through the award notice, 立项, milestones and the acceptance.
        let a = awarded_call(&s, &b, &clock, 2, 'Q', false).await;
        let p = valid_package(&s, &clock, a.call, "publicity").await;
        let r = &p["releases"][0];
        assert_eq!(r["tag"][0], "award");
        assert_eq!(r["awards"].as_array().unwrap().len(), 2);
        assert_eq!(r["awards"][0]["status"], "pending");
        assert!(!p.to_string().contains("专家aw-exp"), "no reviewer appears");
        clock.advance(chrono::Duration::days(10));
        services::conclude_publicity(&s, &a.off, a.call)
            .await
            .unwrap();
        assert_eq!(
            valid_package(&s, &clock, a.call, "awarded").await["releases"][0]["awards"][0]
                ["status"],
            "active"
        );
        let mut tasks = vec![];
        for (i, (_, bid)) in a.teams.iter().enumerate() {
            let f = services::task_form(&s, &a.off, a.call, *bid)
                .await
                .unwrap()
                .2;
            tasks.push(services::start_task(&s, &a.off, a.call, &f).await.unwrap());
            valid_package(&s, &clock, a.call, &format!("task {i} started")).await;
        }
        let p = valid_package(&s, &clock, a.call, "in progress").await;
        let r = &p["releases"][0];
        assert_eq!(r["tag"], serde_json::json!(["contract", "implementation"]));
        let contracts = r["contracts"].as_array().unwrap();
        assert_eq!(contracts.len(), 2);
        assert_eq!(
            contracts[0]["implementation"]["transactions"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "the first tranche"
        );
        assert_eq!(
            contracts[0]["implementation"]["milestones"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        let lead0 = a.teams[0].0.clone();
        let v = services::task_detail(&s, Some(&lead0), tasks[0])
            .await
            .unwrap();
        let (m1, m2) = (v.milestones[1].id, v.milestones[2].id);
        let sub = |values: &[&str]| MilestoneSubmission {
            report: "阶段成果报告：样机与田间数据见附件。".into(),
            values: values.iter().map(|x| x.to_string()).collect(),
        };
        services::submit_milestone(&s, &lead0, m1, &sub(&[]))
            .await
            .unwrap();
        services::decide_milestone(&s, &a.off, m1, Verdict::Accept, None, false)
            .await
            .unwrap();
        valid_package(&s, &clock, a.call, "milestone accepted").await;
        services::midterm_review(
            &s,
            &a.off,
            a.call,
            &[
                app::model::MidtermLine {
                    task_id: tasks[0].to_string(),
                    decision: "continue".into(),
                    reason: "进展良好".into(),
                    ..Default::default()
                },
                app::model::MidtermLine {
                    task_id: tasks[1].to_string(),
                    decision: "merge".into(),
                    merge_into: tasks[0].to_string(),
                    reason: "技术路线相近，并入".into(),
                    ..Default::default()
                },
            ],
        )
        .await
        .unwrap();
        let p = valid_package(&s, &clock, a.call, "mid-term").await;
        let contract = |p: &Value, task: Uuid| {
            p["releases"][0]["contracts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == task.to_string())
                .cloned()
                .unwrap()
        };
        assert_eq!(contract(&p, tasks[1])["status"], "terminated");
        assert_eq!(contract(&p, tasks[0])["status"], "active");
        services::submit_milestone(&s, &lead0, m2, &sub(&["4", "6"]))
            .await
            .unwrap();
        expert_opinion(&s, &a, m2, "pass").await;
        services::decide_milestone(&s, &a.off, m2, Verdict::Accept, Some("验收通过"), true)
            .await
            .unwrap();
        let p = valid_package(&s, &clock, a.call, "accepted").await;
        assert!(
            !p.to_string().contains("专家aw-exp") && !p.to_string().contains("现场核验"),
            "no acceptance reviewer nor their opinion appears"
        );
        let c0 = &contract(&p, tasks[0])["implementation"];
        assert_eq!(
            c0["transactions"].as_array().unwrap().len(),
            3,
            "every tranche paid"
        );
        assert!(c0["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "met"));
        assert_eq!(
            services::call_detail(&s, None, a.call)
                .await
                .unwrap()
                .summary
                .status,
            CallStatus::Accepted
        );

        // Termination is a contract termination.
        let t = awarded_call(&s, &b, &clock, 1, 'U', true).await;
        let f = services::task_form(&s, &t.off, t.call, t.teams[0].1)
            .await
            .unwrap()
            .2;
        services::start_task(&s, &t.off, t.call, &f).await.unwrap();
        services::terminate_call(&s, &t.off, t.call, "合作企业退出")
            .await
            .unwrap();
        let p = valid_package(&s, &clock, t.call, "terminated").await;
        assert_eq!(p["releases"][0]["tag"][0], "contractTermination");

        // The feed: one release per change of each public call, in order, each valid; the
        // race's releases replay its states from the award notice to the acceptance.
        let feed = services::release_feed(&s, None, None).await.unwrap();
        assert!(violations(&feed).is_empty(), "{:?}", violations(&feed));
        let releases = feed["releases"].as_array().unwrap();
        let of = |c: Uuid| -> Vec<&Value> {
            releases
                .iter()
                .filter(|r| r["ocid"].as_str().unwrap().ends_with(&c.to_string()))
                .collect()
        };
        let race = of(a.call);
        let tags: Vec<String> = race
            .iter()
            .map(|r| r["tag"][0].as_str().unwrap().to_string())
            .collect();
        assert!(race.len() >= 5, "{tags:?}");
        assert_eq!(tags.first().map(String::as_str), Some("award"), "{tags:?}");
        assert!(tags.iter().any(|t| t == "contract"), "{tags:?}");
        let last = race.last().unwrap();
        assert_eq!(
            last["contracts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["status"] == "active")
                .count(),
            1,
            "the latest release is the accepted state"
        );
        let mut ids: Vec<&str> = race.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let dates: Vec<&str> = race.iter().map(|r| r["date"].as_str().unwrap()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
        ids.dedup();
        assert_eq!(ids.len(), race.len(), "each release has its own id");
        let first_call: Vec<String> = of(call)
            .iter()
            .map(|r| r["tender"]["status"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            first_call.first().map(String::as_str),
            Some("active"),
            "{first_call:?}"
        );
        assert_eq!(
            first_call.last().map(String::as_str),
            Some("unsuccessful"),
            "{first_call:?}"
        );
        assert_eq!(
            of(t.call).len(),
            of(t.call)
                .iter()
                .map(|r| r["id"].as_str())
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
        // Nothing changed: nothing new is published, and the cursor reads nothing after the end.
        assert_eq!(services::snapshot_releases(&s).await.unwrap(), 0);
        let next = feed["next_after"].as_i64().unwrap();
        let rest = services::release_feed(&s, Some(next), None).await.unwrap();
        assert!(rest["releases"].as_array().unwrap().is_empty());
        assert_eq!(rest["next_after"].as_i64(), Some(next));
        // A change shows up after the cursor, once.
        clock.advance(chrono::Duration::days(1));
        let mut later = call_form(vec![]);
        later.opens_at = "2027-03-01T09:00".into();
        later.closes_at = "2027-04-01T17:00".into();
        let c2 = services::create_call(&s, &off, &later, true).await.unwrap();
        let after = services::release_feed(&s, Some(next), None).await.unwrap();
        let ids: Vec<&str> = after["releases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ocid"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 1, "{ids:?}");
        assert!(ids.iter().any(|o| o.ends_with(&c2.to_string())), "{ids:?}");
    })
    .await;
}
