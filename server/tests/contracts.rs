//! Technology contract registration on both engines: a Nanning seller applies, the registry
//! returns it for correction, the seller corrects and applies again (the clock restarts), the
//! registry receives and registers it with a corrected type (numbered in the year's sequence);
//! a ¥5m contract must pass expert review first; a registration is cancelled with a reason.
//! Bad input and the wrong reader change nothing.
mod common;

use app::domain::contract::{ContractAction, ContractStatus, ContractType};
use app::error::AppError;
use app::model::ContractForm;
use app::policy::Actor;
use app::ports::{AuditEvent, FakeClock};
use app::services;
use chrono::{Duration, TimeZone, Utc};
use common::calls::{conflict, person};
use common::each_backend;
use common::people::{code, fields, official};
use std::sync::Arc;

fn form(counterpart17: &str) -> ContractForm {
    ContractForm {
        contract_type: "development_commissioned".into(),
        title: "动力电池热管理系统委托开发".into(),
        applicant_side: "seller".into(),
        counterpart_name: "柳州某汽车零部件有限公司".into(),
        counterpart_credit_code: code(counterpart17),
        counterpart_type: "enterprise".into(),
        counterpart_region: "guangxi".into(),
        counterpart_place: String::new(),
        contract_amount: "120".into(),
        tech_amount: "100".into(),
        non_technical: "测试设备 | 15\n材料 | 5".into(),
        signed_on: "2026-03-01".into(),
        ends_on: "2027-02-28".into(),
        chain: "advanced_manufacturing.new_energy_vehicle".into(),
        field: "电池热管理".into(),
        ip_type: "technical_secret".into(),
        plan_origin: "municipal".into(),
        ..Default::default()
    }
}

async fn clerk(s: &app::ports::AppState, b: &common::Backend) -> Actor {
    let u = person(
        s,
        "registry-clerk@example.cn",
        "12450100JBCLRK001",
        "institute",
    )
    .await;
    b.store
        .grant_role(
            u.user_id,
            app::domain::Role::Clerk,
            &AuditEvent {
                actor_id: None,
                entity_type: "user",
                entity_id: u.user_id.to_string(),
                action: "grant_role".into(),
                from_state: None,
                to_state: None,
                reason: None,
                at: Utc::now(),
            },
        )
        .await
        .unwrap();
    Actor {
        roles: vec![app::domain::Role::Clerk],
        ..u
    }
}

#[tokio::test]
async fn a_contract_is_applied_for_corrected_received_registered_and_cancelled() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(
            Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap(),
        ));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let seller = person(&s, "seller@example.cn", "91450100JBMKTA001", "enterprise").await;
        let stranger = person(&s, "stranger@example.cn", "91450100JBMKTA002", "enterprise").await;
        let off = official(&s, &b, "contract-off@example.cn", "91450100JBMKTA003").await;
        let clerk = clerk(&s, &b).await;

        // Bad input: every problem named, nothing stored.
        let mut bad = form("91450200JBBUYR001");
        bad.tech_amount = "130万".into();
        bad.signed_on = "2027-01-01".into();
        bad.contract_type = "技术买卖".into();
        let e = services::save_contract(&s, &seller, None, &bad, true)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec!["contract_type", "tech_amount", "signed_on"]
        );
        let mut import = form("91450200JBBUYR001");
        import.applicant_side = "buyer".into();
        let e = services::save_contract(&s, &seller, None, &import, true)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec!["applicant_side"],
            "a buyer applies only for an import"
        );
        assert!(services::my_contracts(&s, &seller)
            .await
            .unwrap()
            .is_empty());
        // Only applicants' organizations apply; the registry does not apply for itself.
        assert_eq!(
            services::save_contract(&s, &clerk, None, &form("91450200JBBUYR001"), true)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );

        let id = services::save_contract(&s, &seller, None, &form("91450200JBBUYR001"), true)
            .await
            .unwrap();
        let d = services::contract_detail(&s, Some(&seller), id)
            .await
            .unwrap();
        assert_eq!(d.status, ContractStatus::Submitted);
        assert_eq!(d.contract_amount_fen, 120 * 1_000_000);
        assert_eq!(d.seller.name, "seller@example.cn 的单位");
        let first_submission = d.submitted_at.unwrap();
        // Confidential: neither another organization nor a visitor reads it.
        for reader in [Some(&stranger), None] {
            assert_eq!(
                services::contract_detail(&s, reader, id).await.unwrap_err(),
                AppError::NotFound
            );
        }
        assert!(services::contract_detail(&s, Some(&off), id).await.is_ok());
        // The applicant cannot act for the registry, nor an official.
        for who in [&seller, &off] {
            assert!(
                services::contract_action(&s, who, id, ContractAction::Receive, None)
                    .await
                    .is_err()
            );
        }
        assert_eq!(
            services::registry_queue(&s, &clerk).await.unwrap().len(),
            1,
            "the application waits in the registry's list"
        );

        // 补正: a reason is required; the applicant corrects and applies again.
        let e = services::contract_action(&s, &clerk, id, ContractAction::Return, Some(""))
            .await
            .unwrap_err();
        assert!(!fields(&e).is_empty());
        services::contract_action(
            &s,
            &clerk,
            id,
            ContractAction::Return,
            Some("请补充非技术性款项的明细依据"),
        )
        .await
        .unwrap();
        let d = services::contract_detail(&s, Some(&seller), id)
            .await
            .unwrap();
        assert_eq!(d.status, ContractStatus::Returned);
        assert!(d.permissions.edit);
        // The saved application reads back into the form it came from (the correction starts
        // from it), and saves again unchanged.
        let saved = services::contract_form(&s, &seller, id).await.unwrap();
        assert_eq!(saved.counterpart_place, "guangxi");
        assert_eq!(saved.tech_amount, "100.00");
        services::save_contract(&s, &seller, Some(id), &saved, false)
            .await
            .unwrap();
        clock.advance(Duration::days(2));
        let mut fixed = form("91450200JBBUYR001");
        fixed.tech_amount = "110".into();
        fixed.non_technical = "测试设备 | 10".into();
        services::save_contract(&s, &seller, Some(id), &fixed, true)
            .await
            .unwrap();
        let d = services::contract_detail(&s, Some(&clerk), id)
            .await
            .unwrap();
        assert_eq!(d.status, ContractStatus::Submitted);
        assert_eq!(d.tech_amount_fen, 110 * 1_000_000);
        assert!(
            d.submitted_at.unwrap() > first_submission,
            "the clock restarts"
        );

        // The city's figures (summed in memory) before the registration.
        let city = || async {
            s.stats
                .turnover_total(&app::domain::stats::TurnoverFilter::default())
                .await
                .unwrap()
        };
        let before = city().await;
        // 受理, then 登记 with the type corrected: the year's first number.
        services::contract_action(&s, &clerk, id, ContractAction::Receive, None)
            .await
            .unwrap();
        let e = services::register_contract(&s, &clerk, id, None, Some("130"))
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["tech_amount"]);
        let n = services::register_contract(
            &s,
            &clerk,
            id,
            Some(ContractType::DevelopmentCooperative.as_str()),
            None,
        )
        .await
        .unwrap();
        assert_eq!(n, "2026450100000001");
        let after = city().await;
        assert_eq!(
            after.count,
            before.count + 1,
            "the registration counts at once"
        );
        assert_eq!(
            after.contract_amount_fen,
            before.contract_amount_fen + 120 * 1_000_000
        );
        let d = services::contract_detail(&s, Some(&seller), id)
            .await
            .unwrap();
        assert_eq!(d.status, ContractStatus::Registered);
        assert_eq!(d.registration_number.as_deref(), Some(n.as_str()));
        assert_eq!(d.contract_type, ContractType::DevelopmentCooperative);
        assert!(d
            .history
            .iter()
            .any(|h| h.reason.as_deref().is_some_and(|r| r.contains("核定"))));
        assert!(!d.permissions.edit, "a registered contract is fixed");

        // ¥5m of technology: expert review before registration.
        let mut big = form("91450200JBBUYR002");
        big.contract_amount = "800".into();
        big.tech_amount = "500".into();
        big.non_technical = "设备 | 300".into();
        let big_id = services::save_contract(&s, &seller, None, &big, true)
            .await
            .unwrap();
        services::contract_action(&s, &clerk, big_id, ContractAction::Receive, None)
            .await
            .unwrap();
        let e = services::register_contract(&s, &clerk, big_id, None, None)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("专家评审"));
        services::contract_action(&s, &clerk, big_id, ContractAction::SendToExperts, None)
            .await
            .unwrap();
        assert!(
            services::contract_detail(&s, Some(&clerk), big_id)
                .await
                .unwrap()
                .may_register
        );
        let n2 = services::register_contract(&s, &clerk, big_id, None, None)
            .await
            .unwrap();
        assert_eq!(n2, "2026450100000002");
        assert_eq!(
            city().await.contract_amount_fen,
            before.contract_amount_fen + 920 * 1_000_000
        );

        // 注销 with a reason; then nothing more.
        services::contract_action(
            &s,
            &clerk,
            id,
            ContractAction::Cancel,
            Some("双方协议解除合同"),
        )
        .await
        .unwrap();
        let d = services::contract_detail(&s, Some(&seller), id)
            .await
            .unwrap();
        assert_eq!(d.status, ContractStatus::Cancelled);
        assert_eq!(d.status_reason.as_deref(), Some("双方协议解除合同"));
        let now = city().await;
        assert_eq!(
            (now.count, now.contract_amount_fen),
            (
                before.count + 1,
                before.contract_amount_fen + 800 * 1_000_000
            ),
            "a cancelled registration no longer counts"
        );
        let e = services::contract_action(
            &s,
            &clerk,
            id,
            ContractAction::Refuse,
            Some("不符合技术合同特征"),
        )
        .await
        .unwrap_err();
        assert!(conflict(&e).contains("已注销"), "{e:?}");
    })
    .await;
}

/// A contract names the demand it answers and the achievement it transfers: only the buyer's
/// published demand and the seller's published achievement are accepted; once registered, both
/// pages show the contract to everyone by type, number and date, never its amounts or title.
#[tokio::test]
async fn a_contract_links_to_the_buyers_demand_and_the_sellers_achievement() {
    use app::domain::achievement::AchievementAction;
    use app::domain::demand::DemandAction;
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let lab = person(&s, "link-lab@example.cn", "12450100JBLNKA001", "university").await;
        let buyer = person(
            &s,
            "link-buyer@example.cn",
            "91450100JBLNKA002",
            "enterprise",
        )
        .await;
        let other = person(
            &s,
            "link-other@example.cn",
            "91450100JBLNKA003",
            "enterprise",
        )
        .await;
        let off = official(&s, &b, "link-off@example.cn", "11450100JBLNKA004").await;
        let clerk = clerk(&s, &b).await;
        let demand_of = |who: Actor| {
            let s = s.clone();
            let off = off.clone();
            async move {
                let id = services::create_demand(&s, &who, &common::people::form(), true)
                    .await
                    .unwrap();
                services::demand_action(&s, &off, id, DemandAction::Approve, None)
                    .await
                    .unwrap();
                id
            }
        };
        let wanted = demand_of(buyer.clone()).await;
        let elsewhere = demand_of(other.clone()).await;
        let ach = app::model::AchievementForm {
            title: "动力电池热管理仿真与控制技术".into(),
            summary: "基于多物理场仿真的电池包液冷设计与控制策略，已在两款车型样机验证。".into(),
            chain: "advanced_manufacturing.new_energy_vehicle".into(),
            field: "电池热管理".into(),
            keywords: "电池，热管理".into(),
            trl: "6".into(),
            patents: String::new(),
            transfer_modes: vec!["transfer".into(), "license".into()],
            price: "100".into(),
            negotiable: false,
        };
        let achievement = services::create_achievement(&s, &lab, &ach, true)
            .await
            .unwrap();
        services::achievement_action(&s, &off, achievement, AchievementAction::Approve, None)
            .await
            .unwrap();
        let foreign_ach = services::create_achievement(&s, &buyer, &ach, true)
            .await
            .unwrap();
        services::achievement_action(&s, &off, foreign_ach, AchievementAction::Approve, None)
            .await
            .unwrap();
        let draft_ach = services::create_achievement(&s, &lab, &ach, false)
            .await
            .unwrap();

        let mut f = form("91450100JBLNKA002");
        f.counterpart_region = "nanning".into();
        f.counterpart_place = "qingxiu".into();
        f.contract_type = "transfer".into();
        // Bad links: each named by its field, nothing stored.
        let cases: Vec<(String, String, &str)> = vec![
            ("需求 12".into(), String::new(), "demand_ref"),
            (
                format!("/achievements/{achievement}"),
                String::new(),
                "demand_ref",
            ),
            (
                uuid::Uuid::new_v4().to_string(),
                String::new(),
                "demand_ref",
            ),
            (
                format!("https://x.example/demands/{elsewhere}"),
                String::new(),
                "demand_ref",
            ),
            (String::new(), foreign_ach.to_string(), "achievement_ref"),
            (String::new(), draft_ach.to_string(), "achievement_ref"),
            (
                String::new(),
                "<script>alert(1)</script>".into(),
                "achievement_ref",
            ),
        ];
        for (d, a, field) in cases {
            let mut g = f.clone();
            g.demand_ref = d.clone();
            g.achievement_ref = a.clone();
            let e = services::save_contract(&s, &lab, None, &g, true)
                .await
                .unwrap_err();
            assert_eq!(fields(&e), vec![field], "{d} / {a}: {e:?}");
        }
        let e = {
            let mut g = f.clone();
            g.demand_ref = format!("/demands/{elsewhere}");
            services::save_contract(&s, &lab, None, &g, true)
                .await
                .unwrap_err()
        };
        assert!(format!("{e:?}").contains("不是本合同的买方"), "{e:?}");
        assert!(services::my_contracts(&s, &lab).await.unwrap().is_empty());

        f.demand_ref = format!("http://127.0.0.1:3000/demands/{wanted}?lang=en");
        f.achievement_ref = achievement.to_string();
        let id = services::save_contract(&s, &lab, None, &f, true)
            .await
            .unwrap();
        let d = services::contract_detail(&s, Some(&lab), id).await.unwrap();
        assert_eq!(d.links.demand.as_ref().map(|l| l.id), Some(wanted));
        assert_eq!(
            d.links.achievement.as_ref().map(|l| l.title.as_str()),
            Some("动力电池热管理仿真与控制技术")
        );
        assert!(d.links.call.is_none());
        // The correction form gives the links back as they are stored.
        let back = services::contract_form(&s, &lab, id).await.unwrap();
        assert_eq!(back.demand_ref, wanted.to_string());
        assert_eq!(back.achievement_ref, achievement.to_string());

        // Before registration the public sees no contract on either page; the parties do.
        let public = services::achievement_detail(&s, None, achievement)
            .await
            .unwrap();
        assert!(public.contracts.is_empty());
        let own = services::demand_detail(&s, Some(&buyer), wanted)
            .await
            .unwrap();
        assert_eq!(own.contracts.len(), 1);
        assert!(own.contracts[0].title.is_some() && !own.contracts[0].may_edit);

        services::contract_action(&s, &clerk, id, ContractAction::Receive, None)
            .await
            .unwrap();
        let number = services::register_contract(&s, &clerk, id, None, None)
            .await
            .unwrap();
        for page in [
            services::achievement_detail(&s, None, achievement)
                .await
                .unwrap()
                .contracts,
            services::demand_detail(&s, None, wanted)
                .await
                .unwrap()
                .contracts,
        ] {
            assert_eq!(page.len(), 1);
            let c = &page[0];
            assert_eq!(c.registration_number.as_deref(), Some(number.as_str()));
            assert_eq!(c.contract_type, ContractType::Transfer);
            assert!(c.registered_at.is_some());
            assert!(c.title.is_none(), "the title stays with the parties");
            assert!(
                !serde_json::to_string(c).unwrap().contains("100000000"),
                "no amount is shown"
            );
        }
        assert!(services::demand_detail(&s, None, elsewhere)
            .await
            .unwrap()
            .contracts
            .is_empty());
    })
    .await;
}
