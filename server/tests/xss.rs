//! The second net under escaping: payloads are stored in every text field through the import,
//! then the server-rendered HTML of every route, for every role, is scanned for them raw — on
//! SQLite and PostgreSQL. (The first net is `end2end/tests/xss.spec.ts`, in Chromium.)
//!
//! A new route joins by itself (the routes come from the app's route list); a route with a new
//! kind of parameter fails until `ids_for` says which stored records to open it with.
mod common;

use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::http::{api_token, get_as, send};
use serde_json::{json, Value};

/// Markup that would run if written raw, and the escaped text that must stand in its place.
const PAYLOADS: [&str; 6] = [
    "</title><script>window.__x=1</script>",
    "\"><img src=x onerror=window.__x=2>",
    "</script><script>window.__x=3</script>",
    "<svg onload=window.__x=4>",
    "{{7*7}}",
    "</textarea><script>window.__x=6</script>",
];
/// The payloads' markup, raw: what no page may contain anywhere (escaped, each starts with
/// `&lt;` or `&quot;` instead; the app itself writes no such markup).
const RAW: [&str; 8] = [
    "<script>window.__",
    "<img src=x onerror=",
    "\"><img",
    "<svg onload",
    "<svg/onload",
    "</title><script>",
    "</script><script>",
    "</textarea><script>",
];

fn jsonl(rows: &[Value]) -> String {
    rows.iter().map(|r| r.to_string() + "\n").collect()
}

async fn import(app: &Router, token: &str, kind: &str, rows: &[Value]) {
    let req = Request::post(format!("/api/v1/import/{kind}?file_name=xss.jsonl"))
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::from(jsonl(rows)))
        .unwrap();
    let (status, _, body) = send(app, req).await;
    assert_eq!(status, StatusCode::OK, "import {kind}: {body}");
}

/// The stored records a parameterised route is opened with.
struct Ids {
    demands: Vec<String>,
    achievements: Vec<String>,
    orgs: Vec<String>,
    experts: Vec<String>,
    calls: Vec<String>,
    bids: Vec<String>,
    /// Review assignments need a closed window, which this test's system clock does not reach:
    /// their pages are covered by `calls.rs` flows and the sealed-bid proof.
    reviews: Vec<String>,
    contracts: Vec<String>,
    /// Target codes: reported ones carrying payload notes, and a computed one.
    targets: Vec<String>,
    /// Tasks of calls in implementation, payloads in their plans, reports and reasons.
    tasks: Vec<String>,
}

fn ids_for<'a>(route: &str, ids: &'a Ids) -> &'a [String] {
    let prefix = route.split([':', '{']).next().unwrap_or_default();
    match prefix {
        "/demands/" => &ids.demands,
        "/achievements/" => &ids.achievements,
        "/orgs/" => &ids.orgs,
        "/experts/" => &ids.experts,
        "/calls/" => &ids.calls,
        "/bids/" => &ids.bids,
        "/reviews/" => &ids.reviews,
        "/contracts/" => &ids.contracts,
        "/targets/" => &ids.targets,
        "/tasks/" => &ids.tasks,
        _ => panic!(
            "route {route} has a parameter this test does not know: add its records to ids_for"
        ),
    }
}

fn expand(route: &str, id: &str) -> String {
    route
        .split('/')
        .map(|seg| {
            if seg.starts_with(':') || (seg.starts_with('{') && seg.ends_with('}')) {
                id
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn no_route_writes_a_stored_payload_as_markup_for_any_role() {
    common::each_backend(|b| async move {
        server::seeds::load(
            b.store.as_ref(),
            &server::secrets::Argon2Secrets,
            &common::seeds_dir(),
            true,
        )
        .await
        .expect("seeds");
        let state = common::state(b.store.clone());
        let app = server::router(state.clone());
        let official = api_token(&app, "official@demo.jiebang.local", "Demo-2026-official").await;
        let owner = api_token(
            &app,
            "enterprise@demo.jiebang.local",
            "Demo-2026-enterprise_member",
        )
        .await;
        let expert = api_token(&app, "expert@demo.jiebang.local", "Demo-2026-expert").await;

        // Organizations, their published demands, the demo enterprise's submitted ones, the demo
        // institute's achievements and public experts, every text field carrying a payload.
        let codes = ["91450100JBXQQ00069", "91450100JBXQQ0001R", "91450100JBXQQ0002W", "91450100JBXQQ00030", "91450100JBXQQ00043", "91450100JBXQQ00056"];
        for c in codes {
            assert!(app::domain::credit_code::CreditCode::parse(c).is_ok(), "{c}");
        }
        let orgs: Vec<Value> = PAYLOADS.iter().zip(codes).map(|(p, c)| json!({
            "name": format!("南宁机构{p}"), "org_type": "enterprise", "credit_code": c,
            "district": "qingxiu", "contact_name": format!("联系人{p}"), "contact_phone": "0771-5550000", "verified": true,
        })).collect();
        import(&app, &official, "organizations", &orgs).await;
        let demand = |i: usize, p: &str, org: &str, status: &str| json!({
            "id": format!("xss-{status}-{i}"), "org_credit_code": org, "title": format!("需求{i}{p}"),
            "description": format!("描述 {p} 需要解决"), "chain": "modern_agriculture.efficient_production",
            "field": format!("领域{p}"), "keywords": ["<svg/onload=x>", "</title>", "</script>"],
            "budget_min_wan": "10", "budget_max_wan": "20", "trl": 5, "deadline": "2030-12-31",
            "ip_preference": "negotiable", "confidential_detail": format!("保密{p}"), "status": status,
        });
        let published: Vec<Value> = PAYLOADS.iter().enumerate().map(|(i, p)| demand(i, p, codes[i], "published")).collect();
        import(&app, &official, "demands", &published).await;
        let submitted: Vec<Value> = PAYLOADS.iter().enumerate().map(|(i, p)| demand(i, p, "91450100JBRMD0TQJ5", "submitted")).collect();
        import(&app, &official, "demands", &submitted).await;
        let achievements: Vec<Value> = PAYLOADS.iter().enumerate().map(|(i, p)| json!({
            "id": format!("xss-ach-{i}"), "org_credit_code": "12450000JB109Y03WR", "title": format!("成果{i}{p}"),
            "summary": format!("成果简介 {p} 已完成中试验证并具备转化条件"), "chain": "modern_agriculture.efficient_production",
            "field": format!("领域{p}"), "keywords": ["<svg/onload=x>"], "trl": 6, "transfer_modes": ["license"],
            "status": if i % 2 == 0 { "published" } else { "submitted" },
        })).collect();
        import(&app, &official, "achievements", &achievements).await;
        let experts: Vec<Value> = PAYLOADS.iter().enumerate().map(|(i, p)| json!({
            "name": format!("专家{i}{}", p.chars().take(30).collect::<String>()), "email": format!("xss-{i}@example.org"),
            "title": p.chars().take(30).collect::<String>(), "fields": ["</title>"], "keywords": ["<svg/onload=x>"],
            "org_credit_code": codes[i], "bio": format!("简介 {p}"), "accepts_review": true, "is_public": true,
        })).collect();
        import(&app, &official, "experts", &experts).await;

        // Calls (every text and list field carrying a payload), each with a bid by the demo
        // researcher's team, made through the services: there is no call import.
        let actor_of = |email: &'static str| {
            let st = state.clone();
            async move {
                let u = st.store.find_user_by_email(email).await.unwrap().unwrap();
                app::policy::Actor {
                    user_id: u.id,
                    org_id: u.org_id,
                    membership_active: u.membership_active,
                    is_org_admin: u.is_org_admin,
                    roles: st.store.user_roles(u.id).await.unwrap(),
                }
            }
        };
        let off_actor = actor_of("official@demo.jiebang.local").await;
        let team = actor_of("researcher@demo.jiebang.local").await;
        let now = chrono::Utc::now();
        for (i, p) in PAYLOADS.iter().enumerate() {
            let form = app::model::CallForm {
                title: format!("榜单{i}{p}"),
                background: format!("背景 {p} 需要攻关"),
                goal: format!("目标 {p} 达到指标"),
                chain: "modern_agriculture.efficient_production".into(),
                district: "wuming".into(),
                indicators: format!("指标{p} | %<b> | ≤ 5{}", p.chars().take(20).collect::<String>()),
                acceptance: format!("验收 {p} 全部达到"),
                city_fund: "100".into(),
                enterprise_fund: "0".into(),
                name_cofunder: false,
                org_types: vec!["university".into()],
                guangxi_only: false,
                consortium_allowed: true,
                opens_at: app::domain::time::format_local_input(now),
                closes_at: app::domain::time::format_local_input(now + chrono::Duration::days(30)),
                criteria: format!("方案{} | 60\n团队 | 40", p.chars().take(30).collect::<String>()),
                score_scale: "100".into(),
                winners: "1".into(),
                duration_months: "12".into(),
                milestones: format!("签约{p} | 0 | 65\n验收 | 12 | 35"),
                demand_ids: vec![],
            };
            let call = app::services::create_call(&state, &off_actor, &form, true).await.expect("call");
            let bid = app::model::BidForm {
                title: format!("申报{i}{}", p.chars().take(40).collect::<String>()),
                proposal: format!("技术方案 {p} 分三阶段完成验证并满足全部考核指标"),
                budget: "90".into(),
                timeline: format!("进度 {p}"),
                milestone_plan: format!("计划{p}\n验收计划"),
                members: String::new(),
            };
            let bid = app::services::save_bid(&state, &team, call, None, &bid, false).await.expect("bid");
            // An attachment whose name carries the payload (what survives the name cleaning).
            app::services::add_attachment(&state, &team, bid, &format!("附件{p}.pdf"), &app::domain::attachment::fixtures::pdf(p))
                .await
                .map_err(|e| format!("{e:?}"))
                .expect("attachment");
            app::services::bid_action(&state, &team, bid, app::domain::bid::BidAction::Submit, None).await.expect("submit");
        }
        // Contract applications by the demo enterprise, payloads in their free-text fields.
        let applicant = actor_of("enterprise@demo.jiebang.local").await;
        for (i, p) in PAYLOADS.iter().enumerate() {
            let f = app::model::ContractForm {
                contract_type: "service".into(),
                title: format!("合同{i}{p}"),
                applicant_side: "seller".into(),
                counterpart_name: format!("对方{p}"),
                counterpart_credit_code: common::people::code(&format!("91450200JBXKRC{i:03}")),
                counterpart_type: "enterprise".into(),
                counterpart_region: String::new(),
                counterpart_place: "guangxi".into(),
                contract_amount: "50".into(),
                tech_amount: "40".into(),
                non_technical: format!("设备{} | 10", p.chars().take(20).collect::<String>()),
                signed_on: "2026-03-01".into(),
                ends_on: String::new(),
                chain: "modern_agriculture.efficient_production".into(),
                field: format!("领域{p}"),
                ip_type: "other".into(),
                plan_origin: String::new(),
                ..Default::default()
            };
            app::services::save_contract(&state, &applicant, None, &f, true)
                .await
                .map_err(|e| format!("{e:?}"))
                .expect("contract");
        }
        // Three of the calls in implementation (the system clock cannot reach an award, so the
        // call is moved by SQL and its task written through the store), payloads in the plan,
        // the indicators, a report, its reached values and the reasons.
        let payload_calls = b.raw.uuids("SELECT id FROM calls WHERE title LIKE '榜单%' ORDER BY title").await;
        for (i, p) in PAYLOADS.iter().take(3).enumerate() {
            let call = uuid::Uuid::parse_str(&payload_calls[i]).unwrap();
            let bid = state.store.bids_of_call(call).await.unwrap()[0].bid.clone();
            let at = chrono::Utc::now();
            let change = app::ports::StatusChange {
                entity: "call",
                id: call,
                from: "published",
                to: "in_progress",
                reason: None,
                publishes: false,
                searchable: true,
            };
            let ev = app::ports::AuditEvent {
                actor_id: None,
                entity_type: "call",
                entity_id: call.to_string(),
                action: "start_implementation".into(),
                from_state: Some("published".into()),
                to_state: Some("in_progress".into()),
                reason: None,
                at,
            };
            state.store.change_status(&change, &ev).await.expect("call in implementation");
            let task = app::ports::TaskRecord {
                id: uuid::Uuid::new_v4(),
                call_id: call,
                bid_id: bid.id,
                org_id: bid.org_id,
                lead_user_id: bid.lead_user_id,
                starts_on: at.date_naive(),
                city_fund_fen: 100_000_000,
                enterprise_fund_fen: 0,
                indicators: vec![app::domain::call::Indicator { name: format!("指标{p}"), unit: format!("单位{p}"), target: format!("≥ 5{p}") }],
                status: app::domain::task::TaskStatus::InProgress,
                status_reason: Some(format!("说明{p}")),
                created_by: off_actor.user_id,
                created_at: at,
                updated_at: at,
            };
            let ms: Vec<app::ports::MilestoneRecord> = [app::domain::task::MilestoneKind::Start, app::domain::task::MilestoneKind::Regular, app::domain::task::MilestoneKind::Final]
                .into_iter()
                .enumerate()
                .map(|(k, kind)| app::ports::MilestoneRecord {
                    id: uuid::Uuid::new_v4(),
                    task_id: task.id,
                    seq: k as u32,
                    kind,
                    deliverable: format!("交付{k}{p}"),
                    due_on: at.date_naive(),
                    tranche_fen: [60_000_000, 20_000_000, 20_000_000][k],
                    status: [app::domain::task::MilestoneStatus::Accepted, app::domain::task::MilestoneStatus::Submitted, app::domain::task::MilestoneStatus::Pending][k],
                    status_reason: Some(format!("意见{p}")),
                    report: (k == 1).then(|| format!("报告{p}")),
                    values: vec![(k == 1).then(|| format!("6{p}"))],
                    submitted_at: (k == 1).then_some(at),
                    submitted_by: (k == 1).then_some(bid.lead_user_id),
                    decided_at: None,
                    decided_by: None,
                    paid_at: (k == 0).then_some(at),
                    updated_at: at,
                    files: vec![],
                })
                .collect();
            state.store.start_task(&task, &ms, None, &[]).await.expect("task");
            // The demo expert's opinion on the submitted milestone, and a file with a payload
            // for a name (the upload path would clean it; the page must escape it anyway).
            let expert_actor = actor_of("expert@demo.jiebang.local").await;
            let rev = app::ports::StageReviewRecord {
                id: uuid::Uuid::new_v4(),
                call_id: call,
                task_id: Some(task.id),
                milestone_id: Some(ms[1].id),
                expert_user_id: expert_actor.user_id,
                override_reason: Some(format!("豁免{p}")),
                assigned_by: off_actor.user_id,
                opinion: None,
                comment: None,
                given_at: None,
                answers: None,
                created_at: at,
            };
            let ev = |action: &str| app::ports::AuditEvent {
                actor_id: Some(off_actor.user_id),
                entity_type: "stage_review",
                entity_id: rev.id.to_string(),
                action: action.into(),
                from_state: None,
                to_state: None,
                reason: None,
                at,
            };
            state.store.insert_stage_reviews(&[(rev.clone(), ev("assign"))]).await.expect("reviewer");
            // Files change only before a submission: attach while pending, then submitted again.
            b.raw.exec("UPDATE milestones SET status = 'pending' WHERE report LIKE '报告%' AND status = 'submitted'").await;
            let file = app::ports::AttachmentRecord {
                id: uuid::Uuid::new_v4(),
                owner_id: ms[1].id,
                sha256: "0".repeat(64),
                name: format!("附件{p}.pdf"),
                size: 10,
                kind: app::domain::attachment::FileKind::Pdf,
                uploaded_by: bid.lead_user_id,
                created_at: at,
            };
            state.store.add_milestone_file(&file, 10, &ev("attach")).await.expect("milestone file");
            b.raw.exec("UPDATE milestones SET status = 'submitted' WHERE report LIKE '报告%' AND status = 'pending'").await;
            state
                .store
                .give_opinion(
                    &app::ports::OpinionWrite {
                        review_id: rev.id,
                        opinion: Some(app::domain::stage_review::Opinion::Revise),
                        comment: format!("专家意见{p}"),
                        answers: ms[1].submitted_at,
                        at,
                    },
                    &ev("opinion"),
                )
                .await
                .expect("opinion");
        }
        // Target values reported by 市科技局's demo official, payloads in their notes.
        let city_official = actor_of("official@demo.jiebang.local").await;
        let reported = ["G1", "G2", "G3", "G4", "G5", "T1-1"];
        for (code, p) in reported.iter().zip(PAYLOADS.iter()) {
            app::services::report_target(&state, &city_official, code, "2025", "12", &format!("说明{p}"))
                .await
                .map_err(|e| format!("{code}: {e:?}"))
                .expect("target report");
        }
        let researcher = api_token(&app, "researcher@demo.jiebang.local", "Demo-2026-researcher").await;

        // Ids of what was stored, straight from the database.
        let ids = Ids {
            demands: b.raw.uuids("SELECT id FROM demands WHERE title LIKE '需求%'").await,
            achievements: b.raw.uuids("SELECT id FROM achievements WHERE title LIKE '成果%'").await,
            orgs: b.raw.uuids("SELECT id FROM organizations WHERE name LIKE '南宁机构%'").await,
            experts: b.raw.uuids("SELECT user_id FROM expert_profiles WHERE bio LIKE '简介 %'").await,
            calls: b.raw.uuids("SELECT id FROM calls WHERE title LIKE '榜单%'").await,
            bids: b.raw.uuids("SELECT id FROM bids WHERE title LIKE '申报%'").await,
            reviews: vec![],
            contracts: b.raw.uuids("SELECT id FROM contracts WHERE title LIKE '合同%'").await,
            targets: vec!["G1".into(), "G2".into(), "G6".into()],
            tasks: b.raw.uuids("SELECT DISTINCT task_id FROM milestones WHERE deliverable LIKE '交付%'").await,
        };
        assert_eq!(ids.tasks.len(), 3);
        assert_eq!(ids.contracts.len(), 6);
        assert_eq!(ids.calls.len(), 6);
        assert_eq!(ids.bids.len(), 6);
        assert_eq!(ids.demands.len(), 12, "{}", b.name);
        assert_eq!(ids.achievements.len(), 6);
        assert_eq!(ids.orgs.len(), 6);
        assert_eq!(ids.experts.len(), 6);

        let mut paths: Vec<String> = Vec::new();
        for route in leptos_axum::generate_route_list(app::App) {
            let route = route.path().to_string();
            if route.contains(':') || route.contains('{') {
                for id in ids_for(&route, &ids) {
                    paths.push(expand(&route, id));
                }
            } else {
                paths.push(route);
            }
        }
        for p in PAYLOADS {
            paths.push(format!("/search?q={}", urlencode(p)));
        }
        paths.push("/search?q=%E9%9C%80%E6%B1%82&per_page=50".into());
        paths.push("/no-such-page/<script>window.__x=9</script>".replace('<', "%3C").replace('>', "%3E"));
        assert!(paths.len() > 40, "{} paths", paths.len());

        let mut shown = 0usize;
        // The registry's clerk reads the submitted contract applications (/registry, /contracts/:id).
        let clerk = api_token(&app, "clerk@demo.jiebang.local", "Demo-2026-clerk").await;
        let (_, _, registry) = send(&app, get_as("/registry", Some(clerk.as_str()))).await;
        assert!(registry.contains("&lt;/title&gt;&lt;script&gt;"), "the registry lists the payload contracts, escaped");
        for (role, session) in [("visitor", None), ("owner", Some(owner.as_str())), ("official", Some(official.as_str())), ("reviewer", Some(expert.as_str())), ("team", Some(researcher.as_str())), ("clerk", Some(clerk.as_str()))] {
            for path in &paths {
                let (status, headers, html) = send(&app, get_as(path, session)).await;
                assert!(status.as_u16() < 500, "{role} {path}: {status}");
                for raw in RAW {
                    assert!(!html.contains(raw), "{}: {role} {path} writes {raw:?} raw:\n{}", b.name, excerpt(&html, raw));
                }
                if status == StatusCode::OK {
                    assert_nonce_matches(&headers, &html, path);
                }
                if html.contains("&lt;/title&gt;&lt;script&gt;") || html.contains("&lt;svg onload") {
                    shown += 1;
                }
            }
        }
        // The payloads did reach pages (escaped): the scan looked at real content.
        assert!(shown > 30, "{}: payloads shown escaped on only {shown} pages", b.name);
        // A task's page shows its plan, report and values, escaped, to the officials.
        let (_, _, html) = send(&app, get_as(&format!("/tasks/{}", ids.tasks[0]), Some(&official))).await;
        assert!(
            html.contains("交付1") && html.contains("报告") && html.contains("专家意见") && html.contains("附件")
                && (html.contains("&lt;script&gt;") || html.contains("&lt;img")),
            "{}",
            excerpt(&html, "交付1")
        );
        // The demand detail's title element holds the escaped title.
        let first = &b.raw.uuids("SELECT id FROM demands WHERE title LIKE '需求0%'").await[0];
        let (_, _, html) = send(&app, get_as(&format!("/demands/{first}"), Some(&official))).await;
        assert!(html.contains("<title>需求") && html.contains("&lt;/title&gt;&lt;script&gt;window.__x=1&lt;/script&gt; · 揭榜</title>"), "{}", excerpt(&html, "<title>"));
    })
    .await;
}

/// Every HTML page carries a CSP whose nonce is the one on its hydration script, and no inline
/// script goes without it.
fn assert_nonce_matches(headers: &header::HeaderMap, html: &str, path: &str) {
    if !html.starts_with("<!DOCTYPE html>") {
        return;
    }
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_else(|| panic!("{path}: CSP without a nonce: {csp}"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let scripts = html.matches("<script").count();
    let nonced = html.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(scripts > 0, "{path}: no hydration script");
    assert!(
        nonced >= scripts,
        "{path}: {scripts} scripts, {nonced} with the nonce"
    );
}

fn excerpt(html: &str, needle: &str) -> String {
    match html.find(needle) {
        Some(i) => {
            let start = html.floor_char_boundary(i.saturating_sub(200));
            let end = html.ceil_char_boundary((i + 200).min(html.len()));
            html[start..end].to_string()
        }
        None => String::new(),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
