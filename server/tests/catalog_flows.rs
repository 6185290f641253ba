//! Use cases of the catalog end to end through the services and a real store, on both
//! engines: technology achievements (review, publication, search, withdrawal, bad input) and
//! the expert pool's visibility.
mod common;

use app::domain::Role;
use app::error::AppError;
use app::policy::Actor;
use app::services;
use common::each_backend;
use common::people::{code, fields, official, reg};

fn ach_form() -> app::model::AchievementForm {
    app::model::AchievementForm {
        title: "甘蔗收获低损切割技术".into(),
        summary: "研制仿形切割器与柔性喂入装置，田间试验断尾率低于 5%，已在南宁蔗区示范。".into(),
        chain: "modern_agriculture.efficient_production".into(),
        field: "农业机械".into(),
        keywords: "甘蔗，切割".into(),
        trl: "7".into(),
        patents: "CN 112345678 B\nZL2020 1 0123456.7".into(),
        transfer_modes: vec!["license".into(), "joint_development".into()],
        price: "30".into(),
        negotiable: false,
    }
}

#[tokio::test]
async fn achievement_flow_review_publication_search_and_withdrawal() {
    use app::domain::achievement::{AchievementAction, AchievementStatus};
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let mut r = reg("lab@example.cn", &code("12450000JBTEXT010"));
        r.org_type = "university".into();
        r.org_name = "广西某大学".into();
        let researcher = services::register(&s, r, "test-client").await.unwrap();
        assert_eq!(researcher.roles, vec![Role::Researcher]);
        let ra = Actor::from(&researcher);
        let id = services::create_achievement(&s, &ra, &ach_form(), true)
            .await
            .unwrap();
        let d = services::achievement_detail(&s, Some(&ra), id)
            .await
            .unwrap();
        assert_eq!(d.summary.status, AchievementStatus::Submitted);
        assert_eq!(d.patents, vec!["CN112345678B", "CN2020101234567"]);
        assert_eq!(d.summary.price_fen, Some(30 * 1_000_000));
        assert_eq!(
            services::achievement_detail(&s, None, id)
                .await
                .unwrap_err(),
            AppError::NotFound,
            "not public before review"
        );
        // Only an official reviews.
        assert_eq!(
            services::achievement_action(&s, &ra, id, AchievementAction::Approve, None)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let off_a = official(&s, &b, "off2@example.cn", "11450100JBTEXT011").await;
        assert_eq!(
            services::achievement_review_queue(&s, &off_a)
                .await
                .unwrap()
                .len(),
            1
        );
        services::achievement_action(&s, &off_a, id, AchievementAction::Approve, None)
            .await
            .unwrap();
        let public = services::achievement_detail(&s, None, id).await.unwrap();
        assert_eq!(public.summary.status, AchievementStatus::Published);
        assert!(
            public.history.is_empty(),
            "the public sees no review history"
        );
        assert_eq!(
            services::public_achievements(&s, None, None)
                .await
                .unwrap()
                .total,
            1
        );
        // Searchable once the outbox is applied, with its transfer modes as a facet.
        server::search::catch_up(b.store.as_ref(), s.search.as_ref())
            .await
            .unwrap();
        let form = services::SearchForm {
            q: Some("甘蔗".into()),
            kind: Some("achievement".into()),
            ..Default::default()
        };
        let res = services::search(&s, &form).await.unwrap();
        assert_eq!(res.hits.len(), 1);
        assert!(res.facets["transfer_mode"]
            .iter()
            .any(|f| f.value == "license" && f.count == 1));
        // Withdrawing needs a reason and takes it out of public view and search.
        let e = services::achievement_action(&s, &ra, id, AchievementAction::Withdraw, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        services::achievement_action(
            &s,
            &ra,
            id,
            AchievementAction::Withdraw,
            Some("与企业签订独家许可"),
        )
        .await
        .unwrap();
        assert_eq!(
            services::achievement_detail(&s, None, id)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        server::search::catch_up(b.store.as_ref(), s.search.as_ref())
            .await
            .unwrap();
        assert_eq!(services::search(&s, &form).await.unwrap().total, 0);
    })
    .await;
}

#[tokio::test]
async fn bad_achievement_input_is_refused_field_by_field() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let mut r = reg("lab2@example.cn", &code("12450000JBTEXT012"));
        r.org_type = "institute".into();
        let a = Actor::from(&services::register(&s, r, "test-client").await.unwrap());
        type M = Box<dyn Fn(&mut app::model::AchievementForm)>;
        let cases: Vec<(&str, M)> = vec![
            ("title", Box::new(|f| f.title = "  ".into())),
            ("summary", Box::new(|f| f.summary = "太短".into())),
            ("patents", Box::new(|f| f.patents = "US1234567".into())),
            ("transfer_modes", Box::new(|f| f.transfer_modes = vec![])),
            (
                "transfer_modes",
                Box::new(|f| f.transfer_modes = vec!["sell_everything".into()]),
            ),
            ("price", Box::new(|f| f.price = "-1".into())),
            ("trl", Box::new(|f| f.trl = "10".into())),
            ("chain", Box::new(|f| f.chain = "<script>".into())),
        ];
        for (field, m) in cases {
            let mut f = ach_form();
            m(&mut f);
            let e = services::create_achievement(&s, &a, &f, false)
                .await
                .unwrap_err();
            assert!(fields(&e).contains(&field.to_string()), "{field}: {e:?}");
        }
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM achievements").await, 0);
        // Negotiable ignores the price box; the word 面议 in it means the same (as in imports).
        for (price, negotiable) in [("", true), ("12", true), ("面议", false)] {
            let mut f = ach_form();
            f.title = format!("可议价成果 {price}");
            f.price = price.into();
            f.negotiable = negotiable;
            let id = services::create_achievement(&s, &a, &f, false)
                .await
                .unwrap();
            assert_eq!(
                services::achievement_detail(&s, Some(&a), id)
                    .await
                    .unwrap()
                    .summary
                    .price_fen,
                None
            );
        }
        // A clerk (no researcher or enterprise role) cannot list achievements.
        let mut clerk = a.clone();
        clerk.roles = vec![Role::Clerk];
        assert_eq!(
            services::create_achievement(&s, &clerk, &ach_form(), false)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
    })
    .await;
}

#[tokio::test]
async fn expert_profiles_are_public_only_when_the_expert_says_so() {
    each_backend(|b| async move {
        let s = common::seeded_state(&b).await;
        let mut r = reg("exp@example.cn", &code("12450000JBTEXT013"));
        r.org_type = "institute".into();
        let user = services::register(&s, r, "test-client").await.unwrap();
        let mut a = Actor::from(&user);
        let form = app::model::ExpertForm {
            title: "研究员".into(),
            fields: "铝合金，热处理".into(),
            keywords: "变形控制".into(),
            bio: "从事铝合金热处理研究。".into(),
            accepts_review: true,
            is_public: false,
        };
        // Only holders of the expert role keep a profile.
        assert_eq!(
            services::save_expert_profile(&s, &a, &form)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let ev = |action: &str| app::ports::AuditEvent {
            actor_id: None,
            entity_type: "user",
            entity_id: user.id.to_string(),
            action: action.into(),
            from_state: None,
            to_state: None,
            reason: Some("expert".into()),
            at: chrono::Utc::now(),
        };
        b.store
            .grant_role(user.id, Role::Expert, &ev("grant_role"))
            .await
            .unwrap();
        a.roles.push(Role::Expert);
        let mut bad = form.clone();
        bad.title = String::new();
        bad.fields = "  ".into();
        let e = services::save_expert_profile(&s, &a, &bad)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["pro_title", "fields"]);
        services::save_expert_profile(&s, &a, &form).await.unwrap();
        // Private: not in the public directory, but officials see it with availability.
        assert_eq!(
            services::list_experts(&s, None, None, None)
                .await
                .unwrap()
                .total,
            0
        );
        let official = Actor {
            roles: vec![Role::Official],
            ..a.clone()
        };
        let pool = services::list_experts(&s, Some(&official), None, None)
            .await
            .unwrap();
        assert_eq!(pool.total, 1);
        assert_eq!(pool.items[0].accepts_review, Some(true));
        // The private profile's own page: officials only; anyone else is told it does not exist.
        assert_eq!(
            services::expert_detail(&s, None, user.id)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        let stranger = Actor {
            user_id: uuid::Uuid::new_v4(),
            roles: vec![Role::Researcher],
            ..a.clone()
        };
        assert_eq!(
            services::expert_detail(&s, Some(&stranger), user.id)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        let seen = services::expert_detail(&s, Some(&official), user.id)
            .await
            .unwrap();
        assert_eq!(seen.is_public, Some(false));
        server::search::catch_up(b.store.as_ref(), s.search.as_ref())
            .await
            .unwrap();
        let q = services::SearchForm {
            q: Some("铝合金".into()),
            kind: Some("expert".into()),
            ..Default::default()
        };
        assert_eq!(
            services::search(&s, &q).await.unwrap().total,
            0,
            "a private profile is not searchable"
        );
        // Public: listed (without availability) and searchable.
        let mut public = form.clone();
        public.is_public = true;
        services::save_expert_profile(&s, &a, &public)
            .await
            .unwrap();
        let listed = services::list_experts(&s, None, None, None).await.unwrap();
        assert_eq!(listed.total, 1);
        assert_eq!(listed.items[0].accepts_review, None);
        let page = services::expert_detail(&s, None, user.id).await.unwrap();
        assert_eq!((page.title.as_str(), page.accepts_review), ("研究员", None));
        assert_eq!(listed.items[0].fields, vec!["铝合金", "热处理"]);
        server::search::catch_up(b.store.as_ref(), s.search.as_ref())
            .await
            .unwrap();
        assert_eq!(services::search(&s, &q).await.unwrap().total, 1);
        // Losing the expert role removes the profile from the pool and the index.
        b.store
            .revoke_role(user.id, Role::Expert, &ev("revoke_role"))
            .await
            .unwrap();
        assert_eq!(
            services::list_experts(&s, None, None, None)
                .await
                .unwrap()
                .total,
            0
        );
        server::search::catch_up(b.store.as_ref(), s.search.as_ref())
            .await
            .unwrap();
        assert_eq!(services::search(&s, &q).await.unwrap().total, 0);
    })
    .await;
}
