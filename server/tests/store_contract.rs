//! One store contract, written once, run against SQLite and PostgreSQL.
mod common;

use app::domain::{DemandStatus, IpPreference, OrgType, Role};
use app::ports::*;
use chrono::{Duration, Utc};
use common::each_backend;
use uuid::Uuid;

fn org(code: &str) -> OrgRecord {
    OrgRecord {
        id: Uuid::new_v4(),
        name: format!("测试机构{code}"),
        org_type: OrgType::Enterprise,
        credit_code: code.into(),
        district_code: "qingxiu".into(),
        contact_name: "张三".into(),
        contact_phone: "0771-1234567".into(),
        verified: false,
        created_at: Utc::now(),
    }
}

fn user(email: &str, org: Option<Uuid>) -> UserRecord {
    UserRecord {
        id: Uuid::new_v4(),
        email: email.into(),
        display_name: "测试用户".into(),
        password_hash: "x".into(),
        org_id: org,
        membership_active: org.is_some(),
        is_org_admin: org.is_some(),
        privacy_accepted_at: Utc::now(),
        created_at: Utc::now(),
    }
}

fn ev(entity: &'static str, id: impl ToString, action: &str) -> AuditEvent {
    AuditEvent {
        actor_id: None,
        entity_type: entity,
        entity_id: id.to_string(),
        action: action.into(),
        from_state: None,
        to_state: None,
        reason: None,
        at: Utc::now(),
    }
}

/// The confidential detail every test demand carries.
const SECRET: &str = "当前良率 82%，供应商为某某公司";

fn demand(org: Uuid, by: Uuid, title: &str, chain: &str) -> DemandRecord {
    let now = Utc::now();
    DemandRecord {
        id: Uuid::new_v4(),
        org_id: org,
        created_by: by,
        title: title.into(),
        description: "高强铝合金挤压型材热处理后变形控制，需要一套工艺方案".into(),
        chain_code: chain.into(),
        field: "材料成型".into(),
        keywords: vec!["铝合金".into(), "热处理".into()],
        budget_min_fen: 50_000_000,
        budget_max_fen: 120_000_000,
        trl: 6,
        deadline: now + Duration::days(90),
        ip_preference: IpPreference::Negotiable,
        status: DemandStatus::Draft,
        status_reason: None,
        created_at: now,
        updated_at: now,
        published_at: None,
    }
}

async fn seeded(b: &common::Backend) {
    server::seeds::load(
        b.store.as_ref(),
        &server::secrets::Argon2Secrets,
        &common::seeds_dir(),
        false,
    )
    .await
    .expect("seed");
}

const CODE_A: &str = "91450100JBTEXT001X";
const CODE_B: &str = "91450100JBTEXT002X";

fn valid(body: &str) -> String {
    let c = app::domain::credit_code::compute_check_char(body).expect("17 valid chars");
    format!("{body}{c}")
}

#[tokio::test]
async fn reference_seeds_load_and_reloading_changes_nothing() {
    each_backend(|b| async move {
        seeded(&b).await;
        let d1 = b.store.list_districts().await.unwrap();
        let c1 = b.store.list_chains().await.unwrap();
        let t1 = b.store.list_targets().await.unwrap();
        seeded(&b).await;
        assert_eq!(d1, b.store.list_districts().await.unwrap(), "{}", b.name);
        assert_eq!(c1, b.store.list_chains().await.unwrap());
        assert_eq!(t1, b.store.list_targets().await.unwrap());
        assert!(d1.iter().any(|d| d.name_zh == "青秀区"));
        assert!(d1.iter().any(|d| d.name_zh.contains("高新")));
        assert!(c1
            .iter()
            .any(|c| c.name_zh == "新能源汽车" && c.parent_code.is_some()));
        assert_eq!(t1.len(), 35, "all 35 plan targets ({})", b.name);
        let g6 = t1.iter().find(|t| t.code == "G6").expect("G6");
        assert_eq!(g6.target_value, "400");
        assert_eq!(g6.source, "computed");
    })
    .await;
}

#[tokio::test]
async fn demo_seeds_are_idempotent() {
    each_backend(|b| async move {
        let s = server::secrets::Argon2Secrets;
        let first = server::seeds::load(b.store.as_ref(), &s, &common::seeds_dir(), true)
            .await
            .unwrap();
        // enterprise, researcher, expert, official, clerk, and the 市科技局 colleague who reviews
        // reported targets.
        assert_eq!(
            first.len(),
            6,
            "one demo account per role, and the target reviewer"
        );
        let orgs = b.store.list_orgs().await.unwrap().len();
        let audit = b.raw.count("SELECT COUNT(*) FROM audit_log").await;
        let again = server::seeds::load(b.store.as_ref(), &s, &common::seeds_dir(), true)
            .await
            .unwrap();
        assert!(again.is_empty(), "no account is created twice");
        assert_eq!(orgs, b.store.list_orgs().await.unwrap().len());
        assert_eq!(audit, b.raw.count("SELECT COUNT(*) FROM audit_log").await);
        let q = DemandQuery {
            statuses: vec![DemandStatus::Published, DemandStatus::InCall],
            limit: 100,
            ..Default::default()
        };
        let (items, total) = b.store.list_demands(&q).await.unwrap();
        assert_eq!(total, 10);
        assert_eq!(items.len(), 10);
        // The demo calls are there once, and the open ones' demands show they are in a call.
        let calls = b.raw.count("SELECT COUNT(*) FROM calls").await;
        assert_eq!(calls, 10);
        // Four of them in implementation: one still awaiting its task contracts, the others
        // with theirs (tasks.rs checks their states).
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM tasks").await, 4);
        let in_call = items
            .iter()
            .filter(|d| d.demand.status == DemandStatus::InCall)
            .count();
        assert_eq!(in_call, 2);
    })
    .await;
}

#[tokio::test]
async fn duplicate_credit_code_is_refused_and_writes_nothing() {
    each_backend(|b| async move {
        seeded(&b).await;
        let o = org(&valid(&CODE_A[..17]));
        let u = user("a@example.cn", Some(o.id));
        b.store
            .create_org_with_owner(
                &o,
                &u,
                &[Role::EnterpriseMember],
                &[ev("organization", o.id, "register")],
            )
            .await
            .unwrap();
        let mut o2 = org(&valid(&CODE_A[..17]));
        o2.name = "另一家".into();
        let u2 = user("b@example.cn", Some(o2.id));
        let err = b
            .store
            .create_org_with_owner(&o2, &u2, &[], &[ev("organization", o2.id, "register")])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Unique), "{} {err:?}", b.name);
        assert!(
            b.store
                .find_user_by_email("b@example.cn")
                .await
                .unwrap()
                .is_none(),
            "the user of the failed registration was rolled back"
        );
        assert_eq!(
            b.raw.count("SELECT COUNT(*) FROM audit_log").await,
            1,
            "no audit row for the refused write"
        );
        // Same e-mail, other organization: refused too.
        let o3 = org(&valid(&CODE_B[..17]));
        let u3 = user("a@example.cn", Some(o3.id));
        assert!(matches!(
            b.store.create_org_with_owner(&o3, &u3, &[], &[]).await,
            Err(StoreError::Unique)
        ));
        assert!(b
            .store
            .find_org_by_credit_code(&o3.credit_code)
            .await
            .unwrap()
            .is_none());
        let got = b
            .store
            .find_org_by_credit_code(&o.credit_code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got, o.clone().tap_micros());
        assert_eq!(
            b.store.user_roles(u.id).await.unwrap(),
            vec![Role::EnterpriseMember]
        );
    })
    .await;
}

trait TapMicros {
    fn tap_micros(self) -> Self;
}
impl TapMicros for OrgRecord {
    fn tap_micros(mut self) -> Self {
        use chrono::SubsecRound;
        self.created_at = self.created_at.trunc_subsecs(6);
        self
    }
}

#[tokio::test]
async fn sessions_resolve_until_they_expire_or_are_deleted() {
    each_backend(|b| async move {
        seeded(&b).await;
        let o = org(&valid(&CODE_A[..17]));
        let u = user("s@example.cn", Some(o.id));
        b.store
            .create_org_with_owner(&o, &u, &[Role::EnterpriseMember], &[])
            .await
            .unwrap();
        let now = Utc::now();
        b.store
            .create_session("h1", u.id, "web", now, now + Duration::days(7))
            .await
            .unwrap();
        b.store
            .create_session(
                "h2",
                u.id,
                "api",
                now - Duration::days(8),
                now - Duration::days(1),
            )
            .await
            .unwrap_or(());
        let s = b
            .store
            .session_user("h1", now)
            .await
            .unwrap()
            .expect("live session");
        assert_eq!(s.user.email, "s@example.cn");
        assert_eq!(s.roles, vec![Role::EnterpriseMember]);
        assert!(
            b.store.session_user("h2", now).await.unwrap().is_none(),
            "expired"
        );
        assert!(
            b.store.session_user("nope", now).await.unwrap().is_none(),
            "unknown"
        );
        assert!(
            b.store
                .session_user("h1", now + Duration::days(8))
                .await
                .unwrap()
                .is_none(),
            "expires by the clock"
        );
        b.store.delete_session("h1").await.unwrap();
        assert!(
            b.store.session_user("h1", now).await.unwrap().is_none(),
            "deleted"
        );
        // A password change ends every session.
        b.store
            .create_session("h3", u.id, "web", now, now + Duration::days(7))
            .await
            .unwrap();
        b.store
            .set_password(u.id, "new-hash", &ev("user", u.id, "change_password"))
            .await
            .unwrap();
        assert!(b.store.session_user("h3", now).await.unwrap().is_none());
        assert_eq!(
            b.store.get_user(u.id).await.unwrap().unwrap().password_hash,
            "new-hash"
        );
    })
    .await;
}

#[tokio::test]
async fn demand_lifecycle_guards_state_and_queues_search_updates() {
    each_backend(|b| async move {
        seeded(&b).await;
        let o = org(&valid(&CODE_A[..17]));
        let u = user("d@example.cn", Some(o.id));
        b.store
            .create_org_with_owner(&o, &u, &[Role::EnterpriseMember], &[])
            .await
            .unwrap();
        let mut d = demand(
            o.id,
            u.id,
            "高强铝合金热处理变形控制",
            "strategic_emerging.high_end_aluminum",
        );
        if !b
            .store
            .list_chains()
            .await
            .unwrap()
            .iter()
            .any(|c| c.code == d.chain_code)
        {
            d.chain_code = b
                .store
                .list_chains()
                .await
                .unwrap()
                .iter()
                .find(|c| c.parent_code.is_some())
                .unwrap()
                .code
                .clone();
        }
        b.store
            .insert_demand(&d, SECRET, &ev("demand", d.id, "create"))
            .await
            .unwrap();
        // The confidential detail is read by its own query only.
        assert_eq!(
            b.store.demand_confidential(d.id).await.unwrap().as_deref(),
            Some(SECRET)
        );
        assert_eq!(
            b.store.demand_confidential(Uuid::new_v4()).await.unwrap(),
            None
        );
        assert_eq!(
            b.store.pending_search_updates().await.unwrap(),
            0,
            "a draft never reaches the index"
        );
        let mut edited = d.clone();
        edited.title = "修改后的标题".into();
        b.store
            .update_demand_draft(&edited, "新的保密信息", &ev("demand", d.id, "edit"))
            .await
            .unwrap();
        assert_eq!(
            b.store.demand_confidential(d.id).await.unwrap().as_deref(),
            Some("新的保密信息"),
            "a draft's edit rewrites its confidential detail too"
        );
        b.store
            .change_status(
                &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    d.id,
                    DemandStatus::Draft,
                    DemandStatus::Submitted,
                    None,
                ),
                &ev("demand", d.id, "submit"),
            )
            .await
            .unwrap();
        // Editing is refused once submitted; a transition from a stale state is refused.
        assert!(matches!(
            b.store
                .update_demand_draft(&edited, "新的保密信息", &ev("demand", d.id, "edit"))
                .await,
            Err(StoreError::Stale)
        ));
        assert!(matches!(
            b.store
                .change_status(
                    &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                        d.id,
                        DemandStatus::Draft,
                        DemandStatus::Submitted,
                        None
                    ),
                    &ev("demand", d.id, "submit"),
                )
                .await,
            Err(StoreError::Stale)
        ));
        b.store
            .change_status(
                &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    d.id,
                    DemandStatus::Submitted,
                    DemandStatus::Rejected,
                    Some("预算不清晰"),
                ),
                &ev("demand", d.id, "reject"),
            )
            .await
            .unwrap();
        let got = b.store.get_demand(d.id).await.unwrap().unwrap();
        assert_eq!(got.demand.status, DemandStatus::Rejected);
        assert_eq!(got.demand.status_reason.as_deref(), Some("预算不清晰"));
        assert_eq!(got.demand.title, "修改后的标题");
        assert_eq!(got.org_name, o.name);
        b.store
            .change_status(
                &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    d.id,
                    DemandStatus::Rejected,
                    DemandStatus::Draft,
                    None,
                ),
                &ev("demand", d.id, "reopen"),
            )
            .await
            .unwrap();
        b.store
            .change_status(
                &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    d.id,
                    DemandStatus::Draft,
                    DemandStatus::Submitted,
                    None,
                ),
                &ev("demand", d.id, "submit"),
            )
            .await
            .unwrap();
        b.store
            .change_status(
                &app::ports::StatusChange::of::<app::domain::demand::DemandLifecycle>(
                    d.id,
                    DemandStatus::Submitted,
                    DemandStatus::Published,
                    None,
                ),
                &ev("demand", d.id, "approve"),
            )
            .await
            .unwrap();
        let got = b.store.get_demand(d.id).await.unwrap().unwrap();
        assert!(got.demand.published_at.is_some());
        assert_eq!(got.demand.status_reason, None, "the old reason is cleared");
        assert_eq!(
            got.demand.keywords,
            vec!["铝合金".to_string(), "热处理".to_string()]
        );
        assert_eq!(got.demand.budget_max_fen, 120_000_000);
        assert_eq!(
            b.store.pending_search_updates().await.unwrap(),
            1,
            "publishing queues one index update"
        );
        let history = b
            .store
            .audit_for("demand", &d.id.to_string())
            .await
            .unwrap();
        let actions: Vec<_> = history.iter().map(|h| h.event.action.as_str()).collect();
        assert_eq!(
            actions,
            ["create", "edit", "submit", "reject", "reopen", "submit", "approve"],
            "{}",
            b.name
        );
    })
    .await;
}

#[tokio::test]
async fn listing_filters_paginates_and_counts() {
    each_backend(|b| async move {
        seeded(&b).await;
        let chains = b.store.list_chains().await.unwrap();
        let kids: Vec<_> = chains.iter().filter(|c| c.parent_code.is_some()).collect();
        let c1 = kids[0].clone();
        let c2 = (*kids
            .iter()
            .find(|c| c.parent_code != kids[0].parent_code)
            .unwrap())
        .clone();
        let o = org(&valid(&CODE_A[..17]));
        let u = user("l@example.cn", Some(o.id));
        b.store
            .create_org_with_owner(&o, &u, &[], &[])
            .await
            .unwrap();
        for i in 0..25 {
            let mut d = demand(
                o.id,
                u.id,
                &format!("需求{i:02}"),
                if i % 5 == 0 { &c2.code } else { &c1.code },
            );
            d.status = if i < 23 {
                DemandStatus::Published
            } else {
                DemandStatus::Draft
            };
            d.published_at = (i < 23).then(|| Utc::now() + Duration::seconds(i));
            b.store
                .insert_demand(&d, SECRET, &ev("demand", d.id, "create"))
                .await
                .unwrap();
        }
        let public = DemandQuery {
            statuses: vec![DemandStatus::Published],
            limit: 10,
            offset: 0,
            ..Default::default()
        };
        let (p1, total) = b.store.list_demands(&public).await.unwrap();
        assert_eq!(total, 23);
        assert_eq!(p1.len(), 10);
        assert_eq!(p1[0].demand.title, "需求22", "newest first");
        let (p3, _) = b
            .store
            .list_demands(&DemandQuery {
                offset: 20,
                ..public.clone()
            })
            .await
            .unwrap();
        assert_eq!(p3.len(), 3);
        let by_chain = DemandQuery {
            chain_prefix: c2.parent_code.clone(),
            limit: 100,
            ..public.clone()
        };
        let (items, n) = b.store.list_demands(&by_chain).await.unwrap();
        assert_eq!(
            n, 5,
            "top-level chain filter matches its children ({})",
            b.name
        );
        assert!(items.iter().all(|r| r.demand.chain_code == c2.code));
        let by_district = DemandQuery {
            district: Some("wuming".into()),
            limit: 100,
            ..public.clone()
        };
        assert_eq!(b.store.list_demands(&by_district).await.unwrap().1, 0);
        let mine = DemandQuery {
            org_id: Some(o.id),
            limit: 100,
            ..Default::default()
        };
        assert_eq!(b.store.list_demands(&mine).await.unwrap().1, 25);
        // Filter text is bound, never spliced into SQL.
        let hostile = DemandQuery {
            chain_prefix: Some("x' OR '1'='1".into()),
            limit: 100,
            ..public
        };
        assert_eq!(b.store.list_demands(&hostile).await.unwrap().1, 0);
    })
    .await;
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_tampering() {
    each_backend(|b| async move {
        seeded(&b).await;
        let o = org(&valid(&CODE_A[..17]));
        let u = user("t@example.cn", Some(o.id));
        b.store
            .create_org_with_owner(
                &o,
                &u,
                &[],
                &[
                    ev("organization", o.id, "register"),
                    ev("user", u.id, "register"),
                ],
            )
            .await
            .unwrap();
        b.store
            .set_org_verified(o.id, true, &ev("organization", o.id, "verify"))
            .await
            .unwrap();
        b.store
            .grant_role(u.id, Role::Expert, &ev("user", u.id, "grant_role"))
            .await
            .unwrap();
        assert_eq!(
            b.store.verify_audit_chain().await.unwrap(),
            Ok(4),
            "{}",
            b.name
        );
        b.raw
            .exec("UPDATE audit_log SET reason = 'forged' WHERE seq = 2")
            .await;
        assert_eq!(
            b.store.verify_audit_chain().await.unwrap(),
            Err(2),
            "{}",
            b.name
        );
    })
    .await;
}

#[tokio::test]
async fn password_reset_tokens_work_once_and_expire() {
    each_backend(|b| async move {
        seeded(&b).await;
        let u = user("r@example.cn", None);
        b.store
            .create_user(&u, &[], &ev("user", u.id, "register"))
            .await
            .unwrap();
        let now = Utc::now();
        let mail = EmailRecord {
            id: Uuid::new_v4(),
            to_email: u.email.clone(),
            subject: "重置".into(),
            body: "link".into(),
            created_at: now,
        };
        b.store
            .create_password_reset(
                u.id,
                "tok1",
                now + Duration::hours(2),
                &mail,
                &ev("user", u.id, "reset"),
            )
            .await
            .unwrap();
        let mail2 = EmailRecord {
            id: Uuid::new_v4(),
            ..mail.clone()
        };
        b.store
            .create_password_reset(
                u.id,
                "tok2",
                now - Duration::minutes(1),
                &mail2,
                &ev("user", u.id, "reset"),
            )
            .await
            .unwrap();
        assert_eq!(b.store.list_emails(&u.email).await.unwrap().len(), 2);
        assert_eq!(
            b.store
                .consume_password_reset("tok2", now, "h")
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert_eq!(
            b.store
                .consume_password_reset("tok1", now, "h1")
                .await
                .unwrap(),
            Some(u.id)
        );
        assert_eq!(
            b.store
                .consume_password_reset("tok1", now, "h2")
                .await
                .unwrap(),
            None,
            "used once"
        );
        assert_eq!(
            b.store.get_user(u.id).await.unwrap().unwrap().password_hash,
            "h1"
        );
    })
    .await;
}

#[tokio::test]
async fn membership_requests_are_admitted_or_declined_once() {
    each_backend(|b| async move {
        seeded(&b).await;
        let o = org(&valid(&CODE_A[..17]));
        let owner = user("o@example.cn", Some(o.id));
        b.store
            .create_org_with_owner(&o, &owner, &[Role::EnterpriseMember], &[])
            .await
            .unwrap();
        let mut p = user("p@example.cn", Some(o.id));
        p.membership_active = false;
        p.is_org_admin = false;
        b.store
            .create_user(&p, &[], &ev("user", p.id, "request_join"))
            .await
            .unwrap();
        let members = b.store.org_members(o.id).await.unwrap();
        assert_eq!(members.len(), 2);
        b.store
            .decide_membership(
                p.id,
                o.id,
                true,
                &[Role::EnterpriseMember],
                &ev("user", p.id, "admit"),
            )
            .await
            .unwrap();
        assert!(
            b.store
                .get_user(p.id)
                .await
                .unwrap()
                .unwrap()
                .membership_active
        );
        assert_eq!(
            b.store.user_roles(p.id).await.unwrap(),
            vec![Role::EnterpriseMember]
        );
        assert!(matches!(
            b.store
                .decide_membership(p.id, o.id, true, &[], &ev("user", p.id, "admit"))
                .await,
            Err(StoreError::Stale)
        ));
        let list = b.store.list_orgs().await.unwrap();
        assert_eq!(list.iter().find(|(x, _)| x.id == o.id).unwrap().1, 2);
    })
    .await;
}

#[tokio::test]
async fn an_import_batch_is_written_whole_or_not_at_all() {
    each_backend(|b| async move {
        seeded(&b).await;
        let mut o1 = org(&valid(&CODE_A[..17]));
        o1.verified = true;
        let u1 = user("i1@example.cn", Some(o1.id));
        let d1 = {
            let mut d = demand(
                o1.id,
                u1.id,
                "导入需求一",
                "strategic_emerging.high_end_aluminum",
            );
            d.status = DemandStatus::Published;
            d.published_at = Some(d.created_at);
            d
        };
        let o2 = org(&valid(&CODE_B[..17]));
        // The third record reuses the first one's e-mail: the database refuses it after two
        // records were already written inside the transaction.
        let u2 = user("i1@example.cn", Some(o2.id));
        let records = vec![
            (
                ImportRecord::Org(Box::new(o1.clone()), Box::new(u1.clone()), vec![]),
                ev("organization", o1.id, "import"),
            ),
            (
                ImportRecord::Demand(Box::new(d1.clone()), SECRET.into()),
                ev("demand", d1.id, "import"),
            ),
            (
                ImportRecord::Org(Box::new(o2.clone()), Box::new(u2), vec![]),
                ev("organization", o2.id, "import"),
            ),
        ];
        let audit_before = b.raw.count("SELECT COUNT(*) FROM audit_log").await;
        let outbox_before = b.raw.count("SELECT COUNT(*) FROM search_outbox").await;
        let written = std::sync::atomic::AtomicUsize::new(0);
        let err = b
            .store
            .import_batch(&records, &|n| {
                written.store(n, std::sync::atomic::Ordering::SeqCst)
            })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Unique), "{} {err:?}", b.name);
        assert_eq!(written.load(std::sync::atomic::Ordering::SeqCst), 2);
        for (table, before) in [
            ("organizations", 0),
            ("demands", 0),
            ("audit_log", audit_before),
            ("search_outbox", outbox_before),
        ] {
            assert_eq!(
                b.raw.count(&format!("SELECT COUNT(*) FROM {table}")).await,
                before,
                "{}: {table} rolled back",
                b.name
            );
        }
        // Without the bad record, the batch lands whole: rows, audit and search outbox.
        b.store.import_batch(&records[..2], &|_| {}).await.unwrap();
        assert!(b.store.get_demand(d1.id).await.unwrap().is_some());
        assert_eq!(
            b.raw.count("SELECT COUNT(*) FROM audit_log").await,
            audit_before + 2
        );
        assert_eq!(
            b.raw.count("SELECT COUNT(*) FROM search_outbox").await,
            outbox_before + 2,
            "the verified organization and the published demand are queued for search"
        );
        assert!(b.store.verify_audit_chain().await.unwrap().is_ok());
    })
    .await;
}
