//! The sealed-bid proof, on SQLite and PostgreSQL: two teams bid with marker texts in every
//! field and in an attachment (its name and its bytes); then every read path — every page
//! route (from the app's route list: the bid, review, timeline, notification and receipt pages
//! among them), every server function (from the server-function registry), every REST route
//! (from `server::api_routes`, the attachment download among them) and search — is tried as
//! every other role at four moments: before the close, after it, in review, and in the 公示
//! after the award. No response may carry a bid's content, its files or its bidder's identity,
//! except what the award notice publishes of the winner (its title and organization). New
//! routes and server functions join by themselves.
//!
//! The roles: a visitor, the co-funding enterprise, an unassigned reviewer, another
//! researcher, the other team, and a reviewer assigned to the first bid before the close (the
//! services assign only after it, so the test writes that assignment into the store itself, to
//! prove the seal does not rest on that ordering). Exports do not exist yet.
mod common;

use app::domain::bid::BidAction;
use app::domain::call::CallAction;
use app::domain::demand::DemandAction;
use app::model::{BidForm, CallForm};
use app::policy::Actor;
use app::ports::{AppState, FakeClock};
use app::services;
use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;
use chrono::{Duration, TimeZone, Utc};
use common::http::{api_token, send};
use common::people::{code, form, reg};
use std::sync::Arc;
use uuid::Uuid;

struct Team {
    actor: Actor,
    email: String,
    bid: Uuid,
    org: Uuid,
    /// Texts only this team's readers may see: the bid's content and who bids.
    content: Vec<String>,
    identity: Vec<String>,
    /// What the award notice makes public if this team wins: its bid's title, its organization.
    published_if_won: Vec<String>,
    attachment: Uuid,
}

async fn team(s: &AppState, app: &Router, call: Uuid, tag: &str, credit17: &str) -> Team {
    let email = format!("sealed-{}@example.cn", tag.to_lowercase());
    let mut r = reg(&email, &code(credit17));
    r.org_type = "university".into();
    r.org_name = format!("{tag}揭榜大学");
    r.display_name = format!("{tag}队长");
    let actor = Actor::from(&services::register(s, r, "t").await.unwrap());
    let f = BidForm {
        title: format!("{tag}标题方案"),
        proposal: format!("{tag}技术路线：柔性喂入与仿形切割结合，分三阶段验证指标。"),
        budget: "420".into(),
        timeline: format!("{tag}进度两年"),
        milestone_plan: format!("{tag}计划一\n{tag}计划二\n{tag}计划三"),
        members: String::new(),
    };
    let bid = services::save_bid(s, &actor, call, None, &f, false)
        .await
        .unwrap();
    let file = app::domain::attachment::fixtures::pdf(&format!("{tag}附件正文"));
    let attachment = services::add_attachment(s, &actor, bid, &format!("{tag}附件名.pdf"), &file)
        .await
        .unwrap()
        .id;
    services::bid_action(s, &actor, bid, BidAction::Submit, None)
        .await
        .unwrap();
    let _ = app;
    Team {
        attachment,
        published_if_won: vec![f.title.clone(), format!("{tag}揭榜大学")],
        email,
        org: actor.org_id.unwrap(),
        actor,
        bid,
        content: vec![
            f.title,
            format!("{tag}技术路线"),
            format!("{tag}进度"),
            format!("{tag}计划"),
            format!("{tag}附件名"),
            format!("{tag}附件正文"),
        ],
        identity: vec![format!("{tag}揭榜大学"), format!("{tag}队长")],
    }
}

fn expand(route: &str, id: &str) -> String {
    route
        .split('/')
        .map(|seg| {
            if seg.starts_with(':') || seg.starts_with('{') {
                id
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn no_read_path_shows_a_bid_or_its_bidder_to_anyone_the_seal_excludes() {
    common::each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(
            Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
        ));
        server::seeds::load_at(
            b.store.as_ref(),
            &server::secrets::Argon2Secrets,
            &common::seeds_dir(),
            true,
            app::ports::Clock::now(clock.as_ref()),
        )
        .await
        .expect("seeds");
        let mut s = common::state(b.store.clone());
        s.clock = clock.clone();
        let app = server::router(s.clone());
        let off =
            common::people::official(&s, &b, "sealed-off@example.cn", "91450100JBKEAL001").await;
        let mut er = reg("sealed-ent@example.cn", &code("91450100JBKEAL002"));
        er.org_name = "共同出资企业".into();
        let ent = Actor::from(&services::register(&s, er, "t").await.unwrap());
        let demand = services::create_demand(&s, &ent, &form(), true)
            .await
            .unwrap();
        services::demand_action(&s, &off, demand, DemandAction::Approve, None)
            .await
            .unwrap();
        let f = CallForm {
            title: "密封验证榜单".into(),
            background: "南宁甘蔗机收率偏低，丘陵地块断尾率高，制约机收推广。".into(),
            goal: "研制适合丘陵地块的切割与输送装置，断尾率降到 5% 以下。".into(),
            chain: "modern_agriculture.efficient_production".into(),
            district: "wuming".into(),
            indicators: "断尾率 | % | ≤ 5".into(),
            acceptance: "在武鸣区 500 亩丘陵蔗地连续作业测试，第三方检测指标全部达到。".into(),
            city_fund: "300".into(),
            enterprise_fund: "150".into(),
            name_cofunder: true,
            org_types: vec!["university".into()],
            guangxi_only: true,
            consortium_allowed: true,
            opens_at: "2026-12-02T09:00".into(),
            closes_at: "2027-01-15T17:00".into(),
            criteria: "技术方案 | 50\n团队能力 | 30\n经费合理性 | 20".into(),
            score_scale: "100".into(),
            winners: "1".into(),
            duration_months: "24".into(),
            milestones: "签约启动 | 0 | 65\n样机 | 12 | 20\n验收 | 24 | 15".into(),
            demand_ids: vec![demand.to_string()],
        };
        let call = services::create_call(&s, &off, &f, true).await.unwrap();
        clock.set(Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).unwrap());
        let a = team(&s, &app, call, "甲SEALA", "12450100JBKEAL003").await;
        let bteam = team(&s, &app, call, "乙SEALB", "12450100JBKEAL004").await;
        // A reviewer assigned to the first bid (and past the conflict declaration) before the
        // window closes: written into the store directly, as no service does it before then.
        let rev = common::calls::expert(&s, &b, "sealed-rev@example.cn", "12450100JBKEAL005").await;
        let review_id = Uuid::new_v4();
        let now = app::ports::Clock::now(clock.as_ref());
        b.store
            .insert_reviews(&[(
                app::ports::ReviewRecord {
                    id: review_id,
                    call_id: call,
                    bid_id: a.bid,
                    expert_user_id: rev.user_id,
                    status: app::domain::review::ReviewStatus::Accepted,
                    status_reason: None,
                    override_reason: None,
                    comment: None,
                    created_at: now,
                    updated_at: now,
                },
                app::ports::AuditEvent {
                    actor_id: Some(off.user_id),
                    entity_type: "review",
                    entity_id: review_id.to_string(),
                    action: "assign".into(),
                    from_state: None,
                    to_state: Some("accepted".into()),
                    reason: None,
                    at: now,
                },
            )])
            .await
            .unwrap();
        let receipt_a = services::bid_detail(&s, Some(&a.actor), a.bid)
            .await
            .unwrap()
            .receipts[0]
            .sha256
            .clone();

        // Who reads, signing in again at each moment (sessions follow the moved clock).
        let readers = [
            (
                "enterprise (co-funder)",
                Some(("sealed-ent@example.cn", "Correct-horse-9")),
            ),
            (
                "unassigned reviewer",
                Some(("expert@demo.jiebang.local", "Demo-2026-expert")),
            ),
            (
                "other researcher",
                Some(("researcher@demo.jiebang.local", "Demo-2026-researcher")),
            ),
            ("visitor", None),
        ];
        let assigned = ("sealed-rev@example.cn", "Correct-horse-9");

        // Every path to try, with every id a path could take.
        let ids: Vec<String> = vec![
            call.to_string(),
            a.bid.to_string(),
            bteam.bid.to_string(),
            demand.to_string(),
            a.org.to_string(),
            bteam.org.to_string(),
            a.actor.user_id.to_string(),
            receipt_a.clone(),
            a.attachment.to_string(),
            bteam.attachment.to_string(),
            review_id.to_string(),
        ];
        let mut pages = vec![];
        for route in leptos_axum::generate_route_list(app::App) {
            let r = route.path().to_string();
            if r.contains(':') || r.contains('{') {
                pages.extend(ids.iter().map(|id| expand(&r, id)));
            } else {
                pages.push(r);
            }
        }
        pages.extend([
            "/search?q=SEALA".to_string(),
            "/search?q=%E6%8F%AD%E6%A6%9C%E5%A4%A7%E5%AD%A6".into(),
        ]);
        let mut rest = vec![];
        for (r, _) in server::api_routes() {
            let r = format!("/api/v1{r}");
            if r.contains('{') {
                rest.extend(ids.iter().map(|id| expand(&r, id)));
            } else {
                rest.push(r);
            }
        }
        rest.push("/api/v1/search?q=SEALA".into());
        let fns: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(p, _)| p)
            .collect();
        assert!(
            fns.iter().any(|p| p.ends_with("/bid")),
            "the registry lists the bid server function"
        );
        assert!(
            rest.iter().any(|p| p.contains("/bids/")),
            "the REST list has the bid route"
        );

        // (who reads, token) → every response; `own` is the reader's own team, whose texts are theirs.
        // `opened`: the window has closed (the assigned reviewer may read the first bid);
        // `awarded`: the first bid won and its notice is public.
        let check = |moment: &'static str, opened: bool, awarded: bool| {
            let (app, readers, pages, rest, fns, ids) = (&app, &readers, &pages, &rest, &fns, &ids);
            let (a, bteam) = (&a, &bteam);
            async move {
                // (who, token, the team whose texts are the reader's own)
                let mut signed: Vec<(String, Option<String>, Option<&Team>)> = vec![];
                for (n, login) in readers.iter() {
                    let token = match login {
                        Some((e, p)) => Some(api_token(app, e, p).await),
                        None => None,
                    };
                    signed.push((n.to_string(), token, None));
                }
                signed.push((
                    "the other team".into(),
                    Some(api_token(app, &bteam.email, "Correct-horse-9").await),
                    Some(bteam),
                ));
                signed.push((
                    "the reviewer assigned to the first bid".into(),
                    Some(api_token(app, assigned.0, assigned.1).await),
                    opened.then_some(a),
                ));
                let mut tried = 0;
                for (who, token, own) in &signed {
                    let sealed: Vec<&String> = [a, bteam]
                        .into_iter()
                        .filter(|t| own.is_none_or(|o| o.bid != t.bid))
                        .flat_map(|t| {
                            t.content.iter().chain(t.identity.iter()).filter(move |m| {
                                !(awarded && t.bid == a.bid && t.published_if_won.contains(m))
                            })
                        })
                        .collect();
                    let cookie = token.as_ref().map(|t| format!("jb_session={t}"));
                    let mut responses = vec![];
                    for p in pages.iter().chain(rest.iter()) {
                        let mut req =
                            Request::get(p.as_str()).header(header::HOST, "127.0.0.1:3000");
                        if let Some(c) = &cookie {
                            req = req.header(header::COOKIE, c);
                        }
                        if let Some(t) = token {
                            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
                        }
                        responses.push((
                            p.clone(),
                            send(app, req.body(Body::empty()).unwrap()).await.2,
                        ));
                    }
                    for f in fns.iter() {
                        for id in ids.iter() {
                            let body = format!(
                                "id={id}&call_id={}&receipt={id}&kind=bid&action=no_such_action",
                                ids[0]
                            );
                            let mut req = Request::post(*f)
                                .header(header::HOST, "127.0.0.1:3000")
                                .header("sec-fetch-site", "same-origin")
                                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                            if let Some(c) = &cookie {
                                req = req.header(header::COOKIE, c);
                            }
                            responses.push((
                                format!("POST {f} id={id}"),
                                send(app, req.body(Body::from(body)).unwrap()).await.2,
                            ));
                        }
                    }
                    for (path, body) in &responses {
                        tried += 1;
                        for m in &sealed {
                            // An organization's own page names it: that is not a bid's bidder.
                            let own_org_page = path.starts_with("/orgs/")
                                && (path.ends_with(&a.org.to_string())
                                    || path.ends_with(&bteam.org.to_string()));
                            if own_org_page && (m.ends_with("揭榜大学") || m.ends_with("队长"))
                            {
                                continue;
                            }
                            assert!(
                                !body.contains(m.as_str()),
                                "{moment}: {who} reads {m:?} at {path}"
                            );
                        }
                    }
                }
                tried
            }
        };

        let before = check("before the close", false, false).await;
        assert!(before > 200, "{before} responses checked");
        // The seal holds against officials too until the window closes.
        let official_token = api_token(&app, "sealed-off@example.cn", "Correct-horse-9").await;
        let (_, _, html) = send(
            &app,
            Request::get(format!("/bids/{}", a.bid))
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, format!("jb_session={official_token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(
            !html.contains("甲SEALA标题方案"),
            "an official before the close"
        );

        clock.set(Utc.with_ymd_and_hms(2027, 1, 15, 9, 0, 0).unwrap());
        // (The demo calls' windows have ended by then too.)
        assert!(services::close_due_calls(&s).await.unwrap() >= 1);
        assert_eq!(
            b.store.get_call(call).await.unwrap().unwrap().call.status,
            app::domain::call::CallStatus::Screening
        );
        check("after the close", true, false).await;
        // The control for the files: the assigned reviewer now downloads the first bid's file.
        let rev_token = api_token(&app, assigned.0, assigned.1).await;
        let (st, _, file) = send(
            &app,
            Request::get(format!("/api/v1/attachments/{}", a.attachment))
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, format!("jb_session={rev_token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(st, axum::http::StatusCode::OK);
        assert!(file.contains("甲SEALA附件正文"));
        let official_token = api_token(&app, "sealed-off@example.cn", "Correct-horse-9").await;
        let team_a_token = api_token(&app, &a.email, "Correct-horse-9").await;
        // Now officials read it (the control: the markers are really on the bid page).
        let (_, _, html) = send(
            &app,
            Request::get(format!("/bids/{}", a.bid))
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, format!("jb_session={official_token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(
            html.contains("甲SEALA标题方案") && html.contains("甲SEALA揭榜大学"),
            "{}",
            &html[html.len().saturating_sub(3000)..]
        );
        let (_, _, own) = send(
            &app,
            Request::get(format!("/bids/{}", a.bid))
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, format!("jb_session={team_a_token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(
            own.contains("甲SEALA技术路线"),
            "the team reads its own bid"
        );

        services::bid_action(&s, &off, a.bid, BidAction::Qualify, None)
            .await
            .unwrap();
        services::bid_action(&s, &off, bteam.bid, BidAction::Disqualify, Some("材料不全"))
            .await
            .unwrap();
        services::call_action(&s, &off, call, CallAction::StartReview, None)
            .await
            .unwrap();
        clock.advance(Duration::days(1));
        check("after eligibility, in review", true, false).await;

        // The assigned reviewer scores; the first bid wins; its notice is public.
        let comments: Vec<String> = (0..3).map(|i| format!("评审意见{i}")).collect();
        services::submit_review(
            &s,
            &rev,
            review_id,
            &common::calls::scores(&[90, 85, 80]),
            &comments,
            "总体可行",
        )
        .await
        .unwrap();
        services::award_call(&s, &off, call, &[(a.bid, "评审排名第一".into())], None)
            .await
            .unwrap();
        assert_eq!(
            b.store.get_call(call).await.unwrap().unwrap().call.status,
            app::domain::call::CallStatus::Publicity
        );
        clock.advance(Duration::hours(1));
        let after = check("after the award, in 公示", true, true).await;
        assert!(after > 200, "{after} responses checked after the award");
        // The control: the notice does publish the winner.
        let (_, _, html) = send(&app, common::http::get(&format!("/calls/{call}"))).await;
        assert!(
            html.contains("甲SEALA揭榜大学"),
            "the 公示 names the winner"
        );
    })
    .await;
}
