//! Use cases end to end through the services and a real store, on both engines: registration
//! with credit codes, login, the demand flow, confidentiality and bad input.
mod common;

use app::domain::demand::DemandAction;
use app::domain::{DemandStatus, Role};
use app::error::AppError;
use app::model::DemandForm;
use app::policy::Actor;
use app::services;
use common::each_backend;
use common::people::{code, fields, form, official, reg};

type Mutation = Box<dyn Fn(&mut DemandForm)>;

#[tokio::test]
async fn registration_validates_every_field_and_writes_nothing_on_error() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let mut bad = reg("not-an-email", "91450100JBTEXT001X");
        bad.password = "short".into();
        bad.privacy = false;
        bad.org_name = "<script>alert(1)</script>".repeat(20);
        bad.district = "atlantis".into();
        bad.org_type = "pirate".into();
        let e = services::register(&s, bad, "test-client")
            .await
            .unwrap_err();
        let f = fields(&e);
        for want in [
            "email",
            "password",
            "privacy",
            "credit_code",
            "org_name",
            "district",
            "org_type",
        ] {
            assert!(
                f.contains(&want.to_string()),
                "{want} missing from {f:?} ({})",
                b.name
            );
        }
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM users").await, 0);
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM organizations").await, 0);
        // The credit-code message names what is wrong, in both languages.
        let e = services::register(&s, reg("a@example.cn", "91450100JBTEXT00IX"), "test-client")
            .await
            .unwrap_err();
        let msg = &e.field_errors()[0];
        assert!(msg.zh.contains("第 17 位"), "{}", msg.zh);
        assert!(msg.en.contains("position 17"), "{}", msg.en);
        let good = code("91450100JBTEXT001");
        let wrong_check = format!(
            "{}{}",
            &good[..17],
            if good.ends_with('0') { '1' } else { '0' }
        );
        let e = services::register(&s, reg("a@example.cn", &wrong_check), "test-client")
            .await
            .unwrap_err();
        assert!(e.field_errors()[0].zh.contains("校验码"), "{:?}", e);
    })
    .await;
}

#[tokio::test]
async fn registering_an_organization_makes_its_first_member_and_admits_joiners() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let c = code("91450100JBTEXT002");
        let me = services::register(&s, reg("Owner@Example.cn", &c), "test-client")
            .await
            .unwrap();
        assert_eq!(me.email, "owner@example.cn");
        assert_eq!(me.roles, vec![Role::EnterpriseMember]);
        assert!(me.is_org_admin && me.membership_active);
        let org = me.org.clone().unwrap();
        assert!(!org.verified);
        // The same code cannot be registered again; the message says how to proceed.
        let e = services::register(
            &s,
            reg("other@example.cn", &c.to_lowercase()),
            "test-client",
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["credit_code"]);
        assert!(e.field_errors()[0].zh.contains("加入已有机构"));
        // Asking to join instead.
        let mut join = reg("joiner@example.cn", &c);
        join.mode = "join".into();
        let j = services::register(&s, join, "test-client").await.unwrap();
        assert!(!j.membership_active);
        assert!(j.roles.is_empty());
        let joiner = Actor::from(&j);
        assert_eq!(
            services::create_demand(&s, &joiner, &form(), false)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        // Only the organization's administrator (or an official) admits.
        assert_eq!(
            services::decide_member(&s, &joiner, j.id, true)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        services::decide_member(&s, &Actor::from(&me), j.id, true)
            .await
            .unwrap();
        let roles = b.store.user_roles(j.id).await.unwrap();
        assert_eq!(roles, vec![Role::EnterpriseMember]);
        // Duplicate e-mail.
        let e = services::register(
            &s,
            reg("owner@example.cn", &code("91450100JBTEXT003")),
            "test-client",
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["email"]);
    })
    .await;
}

#[tokio::test]
async fn login_gives_one_message_for_unknown_account_and_wrong_password_and_is_rate_limited() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        services::register(
            &s,
            reg("u@example.cn", &code("91450100JBTEXT004")),
            "test-client",
        )
        .await
        .unwrap();
        let wrong = services::login(&s, "u@example.cn", "Wrong-password-1", "1.1.1.1", "web")
            .await
            .unwrap_err();
        let unknown = services::login(
            &s,
            "nobody@example.cn",
            "Wrong-password-1",
            "1.1.1.1",
            "web",
        )
        .await
        .unwrap_err();
        assert_eq!(wrong, unknown);
        let (token, user) =
            services::login(&s, " U@example.cn ", "Correct-horse-9", "1.1.1.1", "web")
                .await
                .unwrap();
        assert_eq!(user.email, "u@example.cn");
        assert_eq!(
            services::resolve_session(&s, &token)
                .await
                .unwrap()
                .unwrap()
                .id,
            user.id
        );
        assert_eq!(
            services::resolve_session(&s, &format!("{token}x"))
                .await
                .unwrap(),
            None,
            "tampered token"
        );
        services::logout(&s, &token).await.unwrap();
        assert_eq!(services::resolve_session(&s, &token).await.unwrap(), None);
        // Ten tries per account and address in the window, then that address is refused even
        // with the right password; the owner elsewhere still gets in.
        for _ in 0..10 {
            let _ = services::login(&s, "u@example.cn", "bad-bad-bad-1", "2.2.2.2", "web").await;
        }
        assert_eq!(
            services::login(&s, "u@example.cn", "Correct-horse-9", "2.2.2.2", "web")
                .await
                .unwrap_err(),
            AppError::RateLimited
        );
        services::login(&s, "u@example.cn", "Correct-horse-9", "3.3.3.3", "web")
            .await
            .expect("the owner from another address");
    })
    .await;
}

#[tokio::test]
async fn demand_flow_from_draft_to_published_with_authorization_and_confidentiality() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let owner = services::register(
            &s,
            reg("e@example.cn", &code("91450100JBTEXT005")),
            "test-client",
        )
        .await
        .unwrap();
        let rival = services::register(
            &s,
            reg("r@example.cn", &code("91450100JBTEXT006")),
            "test-client",
        )
        .await
        .unwrap();
        let owner_a = Actor::from(&owner);
        let rival_a = Actor::from(&rival);
        let id = services::create_demand(&s, &owner_a, &form(), false)
            .await
            .unwrap();
        let d = services::demand_detail(&s, Some(&owner_a), id)
            .await
            .unwrap();
        assert_eq!(d.summary.status, DemandStatus::Draft);
        assert_eq!(d.summary.budget_min_fen, 50 * 1_000_000);
        assert_eq!(d.summary.budget_max_fen, 120_500_000);
        assert_eq!(d.keywords, vec!["甘蔗", "收获机", "切割"]);
        assert!(d.permissions.edit && d.permissions.may("submit"));
        // Others see nothing of a draft; an anonymous reader neither.
        assert_eq!(
            services::demand_detail(&s, Some(&rival_a), id)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(
            services::demand_detail(&s, None, id).await.unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(
            services::update_demand(&s, &rival_a, id, &form(), false)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        services::demand_action(&s, &owner_a, id, DemandAction::Submit, None)
            .await
            .unwrap();
        // Owner cannot approve their own demand.
        assert_eq!(
            services::demand_action(&s, &owner_a, id, DemandAction::Approve, None)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        // An official (the role granted through the store, as the CLI would), signed in.
        official(&s, &b, "off@example.cn", "11450100JBTEXT007").await;
        let off = services::resolve_session(
            &s,
            &services::login(&s, "off@example.cn", "Correct-horse-9", "x", "web")
                .await
                .unwrap()
                .0,
        )
        .await
        .unwrap()
        .unwrap();
        let off_a = Actor::from(&off);
        assert_eq!(services::review_queue(&s, &off_a).await.unwrap().len(), 1);
        assert_eq!(
            services::review_queue(&s, &owner_a).await.unwrap_err(),
            AppError::Forbidden
        );
        // Rejection needs a reason.
        let e = services::demand_action(&s, &off_a, id, DemandAction::Reject, Some("  "))
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        services::demand_action(&s, &off_a, id, DemandAction::Reject, Some("请补充验收指标"))
            .await
            .unwrap();
        let d = services::demand_detail(&s, Some(&owner_a), id)
            .await
            .unwrap();
        assert_eq!(d.status_reason.as_deref(), Some("请补充验收指标"));
        assert!(d.permissions.may("reopen"));
        services::demand_action(&s, &owner_a, id, DemandAction::Reopen, None)
            .await
            .unwrap();
        services::update_demand(&s, &owner_a, id, &form(), true)
            .await
            .unwrap();
        services::demand_action(&s, &off_a, id, DemandAction::Approve, None)
            .await
            .unwrap();
        // Approving twice is a clear conflict, not a silent no-op.
        assert!(matches!(
            services::demand_action(&s, &off_a, id, DemandAction::Approve, None).await,
            Err(AppError::Conflict { .. })
        ));
        // A published demand's content is no longer editable, and the owner is told why.
        match services::update_demand(&s, &owner_a, id, &form(), false).await {
            Err(AppError::Conflict { zh, en }) => {
                assert_eq!(zh, "当前状态“已发布”的需求不能修改");
                assert!(en.contains("demand") && en.contains("Published"), "{en}");
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        // Published: public fields for everyone, the confidential detail only for owner and officials.
        let public = services::demand_detail(&s, None, id).await.unwrap();
        assert_eq!(public.confidential_detail, None);
        assert!(public.history.is_empty());
        assert_eq!(
            services::demand_detail(&s, Some(&rival_a), id)
                .await
                .unwrap()
                .confidential_detail,
            None
        );
        assert!(services::demand_detail(&s, Some(&owner_a), id)
            .await
            .unwrap()
            .confidential_detail
            .unwrap()
            .contains("12.3%"));
        assert!(services::demand_detail(&s, Some(&off_a), id)
            .await
            .unwrap()
            .confidential_detail
            .is_some());
        let page = services::public_demands(&s, None, None, None, None)
            .await
            .unwrap();
        assert_eq!(page.total, 1);
        let json = serde_json::to_string(&page).unwrap();
        assert!(
            !json.contains("12.3%") && !json.contains("confidential"),
            "{json}"
        );
        let history = services::demand_detail(&s, Some(&owner_a), id)
            .await
            .unwrap()
            .history;
        let actions: Vec<_> = history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(
            actions,
            ["create", "submit", "reject", "reopen", "edit", "submit", "approve"]
        );
        assert!(b.store.verify_audit_chain().await.unwrap().is_ok());
    })
    .await;
}

#[tokio::test]
async fn bad_demand_input_gets_field_messages_and_writes_nothing() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let owner = services::register(
            &s,
            reg("x@example.cn", &code("91450100JBTEXT008")),
            "test-client",
        )
        .await
        .unwrap();
        let a = Actor::from(&owner);
        let before = b.raw.count("SELECT COUNT(*) FROM audit_log").await;
        let cases: Vec<(&str, Mutation)> = vec![
            ("title", Box::new(|f| f.title = String::new())),
            ("title", Box::new(|f| f.title = "长".repeat(81))),
            ("description", Box::new(|f| f.description = "短".into())),
            ("budget_min", Box::new(|f| f.budget_min = "-5".into())),
            ("budget_min", Box::new(|f| f.budget_min = "abc".into())),
            ("budget_min", Box::new(|f| f.budget_min = "12.5万".into())),
            (
                "budget_max",
                Box::new(|f| f.budget_max = "99999999999999999999".into()),
            ),
            ("budget_max", Box::new(|f| f.budget_max = "10".into())),
            ("deadline", Box::new(|f| f.deadline = "2020-01-01".into())),
            ("deadline", Box::new(|f| f.deadline = "明天".into())),
            ("chain", Box::new(|f| f.chain = "space_mining".into())),
            ("trl", Box::new(|f| f.trl = "0".into())),
            ("trl", Box::new(|f| f.trl = "10".into())),
            (
                "ip_preference",
                Box::new(|f| f.ip_preference = "mine".into()),
            ),
            (
                "keywords",
                Box::new(|f| {
                    f.keywords = (0..11)
                        .map(|i| format!("词{i}"))
                        .collect::<Vec<_>>()
                        .join(",")
                }),
            ),
        ];
        for (field, mutate) in cases {
            let mut f = form();
            mutate(&mut f);
            let e = services::create_demand(&s, &a, &f, false)
                .await
                .unwrap_err();
            assert!(
                fields(&e).contains(&field.to_string()),
                "{field}: {e:?} ({})",
                b.name
            );
            assert!(e
                .field_errors()
                .iter()
                .all(|m| !m.zh.is_empty() && !m.en.is_empty()));
        }
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM demands").await, 0);
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM audit_log").await, before);
        // HTML is kept as text (escaped when rendered), never stripped or executed.
        let mut f = form();
        f.title = "<script>alert('x')</script>需求".into();
        let id = services::create_demand(&s, &a, &f, false).await.unwrap();
        assert_eq!(
            services::demand_detail(&s, Some(&a), id)
                .await
                .unwrap()
                .summary
                .title,
            f.title
        );
    })
    .await;
}

#[tokio::test]
async fn password_change_and_reset_through_the_outbox() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let me = services::register(
            &s,
            reg("p@example.cn", &code("91450100JBTEXT009")),
            "test-client",
        )
        .await
        .unwrap();
        let e = services::change_password(
            &s,
            &me,
            "wrong-old-pw-1",
            "New-password-22",
            "New-password-22",
            "x",
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["old_password"]);
        services::change_password(
            &s,
            &me,
            "Correct-horse-9",
            "New-password-22",
            "New-password-22",
            "x",
        )
        .await
        .unwrap();
        assert!(
            services::login(&s, "p@example.cn", "New-password-22", "x", "web")
                .await
                .is_ok()
        );
        // Unknown e-mails get the same answer and no mail.
        assert_eq!(
            services::request_password_reset(&s, "ghost@example.cn", "y", None)
                .await
                .unwrap(),
            None
        );
        let link = services::request_password_reset(&s, "p@example.cn", "y", None)
            .await
            .unwrap()
            .unwrap();
        let mails = b.store.list_emails("p@example.cn").await.unwrap();
        assert_eq!(mails.len(), 1);
        assert!(mails[0].body.contains(&link));
        let token = link.split("token=").nth(1).unwrap();
        services::reset_password(&s, token, "Reset-password-33", "Reset-password-33", "y")
            .await
            .unwrap();
        assert!(
            services::login(&s, "p@example.cn", "Reset-password-33", "x", "web")
                .await
                .is_ok()
        );
        let e = services::reset_password(&s, token, "Again-password-44", "Again-password-44", "y")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["token"], "a link works once");
    })
    .await;
}

#[tokio::test]
async fn a_disputed_credit_code_goes_to_officials_who_decide() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let c = code("91450100JBTEXT014");
        let squatter = services::register(&s, reg("first@example.cn", &c), "test-client")
            .await
            .unwrap();
        let org_id = squatter.org.clone().unwrap().id;
        // A claim needs a reason; then the claimant gets an account in no organization.
        let mut claim = reg("owner@example.cn", &c);
        claim.mode = "dispute".into();
        let e = services::register(&s, claim.clone(), "test-client")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["dispute_reason"]);
        claim.dispute_reason = "本人为该公司法定代表人，营业执照原件可供核验。".into();
        let claimant = services::register(&s, claim, "test-client").await.unwrap();
        assert!(claimant.org.is_none());
        let official = Actor {
            roles: vec![Role::Official],
            ..Actor::from(&claimant)
        };
        assert_eq!(
            services::list_disputes(&s, &Actor::from(&squatter))
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let open = services::list_disputes(&s, &official).await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].claimant_email, "owner@example.cn");
        let e = services::decide_dispute(&s, &official, open[0].id, true, "")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["note"]);
        services::decide_dispute(&s, &official, open[0].id, true, "核验营业执照，支持异议")
            .await
            .unwrap();
        let org = b.store.get_org(org_id).await.unwrap().unwrap();
        assert!(!org.verified);
        let u = b.store.get_user(claimant.id).await.unwrap().unwrap();
        assert_eq!(u.org_id, Some(org_id));
        assert!(u.membership_active && u.is_org_admin);
        assert!(services::list_disputes(&s, &official)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            services::decide_dispute(&s, &official, open[0].id, false, "重复处理").await,
            Err(AppError::Conflict { .. })
        ));
        let history = b
            .store
            .audit_for("organization", &org_id.to_string())
            .await
            .unwrap();
        assert!(history.iter().any(|h| h.event.action == "dispute_upheld"));
    })
    .await;
}

#[tokio::test]
async fn owners_and_officials_close_demands_with_a_reason() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let owner = services::register(
            &s,
            reg("c1@example.cn", &code("91450100JBTEXT015")),
            "test-client",
        )
        .await
        .unwrap();
        let rival = services::register(
            &s,
            reg("c2@example.cn", &code("91450100JBTEXT016")),
            "test-client",
        )
        .await
        .unwrap();
        let (oa, ra) = (Actor::from(&owner), Actor::from(&rival));
        let official = Actor {
            roles: vec![Role::Official],
            ..ra.clone()
        };
        let id = services::create_demand(&s, &oa, &form(), true)
            .await
            .unwrap();
        services::demand_action(&s, &official, id, DemandAction::Approve, None)
            .await
            .unwrap();
        assert!(services::demand_detail(&s, Some(&oa), id)
            .await
            .unwrap()
            .permissions
            .may("close"));
        assert!(!services::demand_detail(&s, Some(&ra), id)
            .await
            .unwrap()
            .permissions
            .may("close"));
        assert_eq!(
            services::demand_action(&s, &ra, id, DemandAction::Close, Some("不是我的"))
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let e = services::demand_action(&s, &oa, id, DemandAction::Close, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        assert_eq!(
            services::demand_action(&s, &oa, id, DemandAction::Close, Some("已自行解决"))
                .await
                .unwrap(),
            DemandStatus::Closed
        );
        // Expiry past the deadline is tested by moving the clock (tests/clock.rs).
    })
    .await;
}

#[tokio::test]
async fn an_organization_page_shows_only_published_work_and_hides_until_public() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let user = services::register(
            &s,
            reg("orgpage@example.cn", &code("91450100JBTEXT015")),
            "test-client",
        )
        .await
        .unwrap();
        let a = Actor::from(&user);
        let org_id = user.org.as_ref().unwrap().id;
        // Unverified with nothing published: only its members and officials see the page.
        assert_eq!(
            services::org_profile(&s, None, org_id).await.unwrap_err(),
            AppError::NotFound
        );
        let own = services::org_profile(&s, Some(&a), org_id).await.unwrap();
        assert_eq!(own.demands.total, 0);
        assert!(!own.org.verified);
        // A demand awaiting review stays off the page; once published, the page and the demand
        // are public.
        let d = services::create_demand(&s, &a, &form(), true)
            .await
            .unwrap();
        assert_eq!(
            services::org_profile(&s, None, org_id).await.unwrap_err(),
            AppError::NotFound
        );
        let off_a = official(&s, &b, "orgpage-off@example.cn", "11450100JBTEXT016").await;
        // Officials see the unverified organization's page before anything is public.
        assert!(services::org_profile(&s, Some(&off_a), org_id)
            .await
            .is_ok());
        services::demand_action(&s, &off_a, d, DemandAction::Approve, None)
            .await
            .unwrap();
        let public = services::org_profile(&s, None, org_id).await.unwrap();
        assert_eq!(public.demands.total, 1);
        assert_eq!(public.demands.items[0].id, d);
        assert_eq!(public.demands.items[0].org_id, org_id);
        assert_eq!(public.achievements.total, 0);
        // An unknown id is simply not found.
        assert_eq!(
            services::org_profile(&s, None, uuid::Uuid::new_v4())
                .await
                .unwrap_err(),
            AppError::NotFound
        );
    })
    .await;
}

#[tokio::test]
async fn names_that_reorder_or_hide_their_text_are_refused_by_every_form() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        // A display name ending in a right-to-left override, an organization name with a
        // zero-width space: each is named, in Chinese, and no account is made.
        let mut r = reg("spoof@example.cn", &code("91450100JBXPF0001"));
        r.display_name = "管理员\u{202E}".into();
        r.org_name = "南宁\u{200B}测试科技有限公司".into();
        let e = services::register(&s, r, "t").await.unwrap_err();
        let mut f = fields(&e);
        f.sort();
        assert_eq!(f, vec!["display_name", "org_name"], "{e:?}");
        assert!(format!("{e:?}").contains("文字方向控制符"), "{e:?}");
        assert!(b
            .store
            .find_user_by_email("spoof@example.cn")
            .await
            .unwrap()
            .is_none());
        // A demand's title carries the same rule.
        let ent = common::calls::person(
            &s,
            "spoof-ent@example.cn",
            "91450100JBXPF0002",
            "enterprise",
        )
        .await;
        let mut d = form();
        d.title = "甘蔗\u{2066}收获机需求".into();
        let e = services::create_demand(&s, &ent, &d, false)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["title"], "{e:?}");
    })
    .await;
}
