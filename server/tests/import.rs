//! Bulk import: whole-file validation, every bad row reported, nothing written on error;
//! UTF-8 with and without BOM, GBK, XLSX and JSON Lines.
mod common;

use server::import::{import, ImportKind, ImportReport};

fn examples(name: &str) -> Vec<u8> {
    std::fs::read(common::seeds_dir().join("examples").join(name)).expect("example file")
}

async fn run(b: &common::Backend, kind: ImportKind, bytes: &[u8], name: &str) -> ImportReport {
    import(
        b.store.as_ref(),
        chrono::Utc::now(),
        kind,
        bytes,
        Some(name),
        None,
        &|_, _| {},
    )
    .await
    .expect("import ran")
}

/// Districts, chains and targets (no demo data).
async fn reference_data(b: &common::Backend) {
    server::seeds::load(
        b.store.as_ref(),
        &server::secrets::Argon2Secrets,
        &common::seeds_dir(),
        false,
    )
    .await
    .unwrap();
}

fn columns(r: &ImportReport) -> Vec<(usize, String)> {
    r.errors
        .iter()
        .map(|e| (e.line, e.column.clone()))
        .collect()
}

#[tokio::test]
async fn example_files_import_in_order_and_reimporting_is_refused() {
    common::each_backend(|b| async move {
        reference_data(&b).await;
        let r = run(
            &b,
            ImportKind::Organizations,
            &examples("organizations.csv"),
            "organizations.csv",
        )
        .await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!((r.rows, r.imported), (3, 3));
        let r = run(
            &b,
            ImportKind::Organizations,
            &examples("organizations.xlsx"),
            "organizations.xlsx",
        )
        .await;
        assert!(r.errors.is_empty(), "xlsx: {:?}", r.errors);
        assert_eq!(r.imported, 1);
        let r = run(
            &b,
            ImportKind::Demands,
            &examples("demands.csv"),
            "demands.csv",
        )
        .await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.imported, 2);
        let r = run(
            &b,
            ImportKind::Achievements,
            &examples("achievements.jsonl"),
            "achievements.jsonl",
        )
        .await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.imported, 1);
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM demands").await, 2);
        // The same file again: every row is reported as already imported, nothing changes.
        let again = run(
            &b,
            ImportKind::Demands,
            &examples("demands.csv"),
            "demands.csv",
        )
        .await;
        assert_eq!(again.imported, 0);
        assert_eq!(again.errors.len(), 2, "{:?}", again.errors);
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM demands").await, 2);
        let again = run(
            &b,
            ImportKind::Organizations,
            &examples("organizations.csv"),
            "organizations.csv",
        )
        .await;
        assert_eq!(
            columns(&again),
            vec![
                (2, "credit_code".into()),
                (3, "credit_code".into()),
                (4, "credit_code".into())
            ]
        );
        assert!(b.store.verify_audit_chain().await.unwrap().is_ok());
    })
    .await;
}

#[tokio::test]
async fn bad_files_are_refused_whole_with_every_problem_listed() {
    let b = common::sqlite().await;
    reference_data(&b).await;
    let header = "name,org_type,credit_code,district,contact_name,contact_phone\n";
    let good = "南宁甲公司,enterprise,91450100JBEX000010,qingxiu,张三,0771-5550001\n";
    // Missing and extra columns.
    let r = run(
        &b,
        ImportKind::Organizations,
        "name,org_type,credit_code,district,contact_name,colour\nx,y,z,w,v,u\n".as_bytes(),
        "o.csv",
    )
    .await;
    assert!(
        columns(&r).contains(&(1, "contact_phone".into())),
        "{:?}",
        r.errors
    );
    assert!(columns(&r).contains(&(1, "colour".into())));
    // One good row and four bad ones: every bad row is listed, nothing is written.
    let body = format!(
        "{header}{good}南宁乙公司,enterprise,91450100JBEX000011,qingxiu,李四,0771-5550002\n\
         南宁丙公司,pirate,91450100JBEX000023,atlantis,王五,0771\n\
         南宁丁公司,enterprise,91450100JBEX000010,qingxiu,赵六,0771-5550004\n\
         南宁戊公司,enterprise,91450100JBEX00002,qingxiu,钱七,0771-5550005,extra\n"
    );
    let r = run(&b, ImportKind::Organizations, body.as_bytes(), "o.csv").await;
    assert_eq!(r.imported, 0);
    let cols = columns(&r);
    assert!(
        cols.contains(&(6, "".into())),
        "column-count mismatch reported first: {cols:?}"
    );
    let body = format!(
        "{header}{good}南宁乙公司,enterprise,91450100JBEX000011,qingxiu,李四,0771-5550002\n\
         南宁丙公司,pirate,91450100JBEX000023,atlantis,王五,0771\n\
         南宁丁公司,enterprise,91450100JBEX000010,qingxiu,赵六,0771-5550004\n"
    );
    let r = run(&b, ImportKind::Organizations, body.as_bytes(), "o.csv").await;
    let cols = columns(&r);
    for want in [
        (3, "credit_code"),
        (4, "org_type"),
        (4, "district"),
        (4, "contact_phone"),
        (5, "credit_code"),
    ] {
        assert!(
            cols.contains(&(want.0, want.1.to_string())),
            "{want:?} missing from {cols:?}"
        );
    }
    assert!(r
        .errors
        .iter()
        .all(|e| !e.zh.is_empty() && !e.en.is_empty()));
    assert_eq!(
        b.raw.count("SELECT COUNT(*) FROM organizations").await,
        0,
        "nothing written"
    );
    // GBK (as Excel writes on Chinese Windows) is read correctly.
    let text = format!("{header}{good}");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = run(&b, ImportKind::Organizations, &gbk, "o.csv").await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let org = b
        .store
        .find_org_by_credit_code("91450100JBEX000010")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.name, "南宁甲公司");
    // Bytes that are neither UTF-8 nor GBK are refused with a clear message.
    let r = run(
        &b,
        ImportKind::Organizations,
        &[0x6e, 0x61, 0xff, 0xff, 0xff, 0x0a],
        "o.csv",
    )
    .await;
    assert!(r.errors[0].en.contains("encoding"), "{:?}", r.errors);
    // TRL 0 and 10, duplicate ids, an unknown organization.
    let demands = "id,org_credit_code,title,description,chain,field,keywords,budget_min_wan,budget_max_wan,trl,deadline,ip_preference\n\
        D1,91450100JBEX000010,示例需求甲,需要一种新的检测方法以提高效率,modern_agriculture.efficient_production,检测,检测,1,2,0,2030-01-01,shared\n\
        D1,91450100JBEX000010,示例需求乙,需要一种新的检测方法以提高效率,modern_agriculture.efficient_production,检测,检测,1,2,10,2030-01-01,shared\n\
        D3,91450100JBEX000023,示例需求丙,需要一种新的检测方法以提高效率,modern_agriculture.efficient_production,检测,检测,12.5万,2,5,2020-01-01,shared\n";
    let r = run(&b, ImportKind::Demands, demands.as_bytes(), "d.csv").await;
    let cols = columns(&r);
    for want in [
        (2, "trl"),
        (3, "trl"),
        (3, "id"),
        (4, "org_credit_code"),
        (4, "budget_min_wan"),
        (4, "deadline"),
    ] {
        assert!(
            cols.contains(&(want.0, want.1.to_string())),
            "{want:?} missing from {cols:?}"
        );
    }
    assert_eq!(b.raw.count("SELECT COUNT(*) FROM demands").await, 0);
    // Over the size limit: refused before parsing.
    let huge = vec![b'a'; server::import::MAX_IMPORT_BYTES + 1];
    let r = run(&b, ImportKind::Organizations, &huge, "big.csv").await;
    assert_eq!(r.rows, 0);
    assert!(r.errors[0].en.contains("limit"));
}

#[tokio::test]
async fn experts_import_into_the_pool_and_only_public_ones_reach_search() {
    common::each_backend(|b| async move {
        reference_data(&b).await;
        let r = run(
            &b,
            ImportKind::Organizations,
            &examples("organizations.csv"),
            "organizations.csv",
        )
        .await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let r = run(
            &b,
            ImportKind::Experts,
            &examples("experts.csv"),
            "experts.csv",
        )
        .await;
        assert!(r.errors.is_empty(), "{}: {:?}", b.name, r.errors);
        assert_eq!((r.rows, r.imported), (2, 2));
        let meng = b
            .store
            .find_user_by_email("meng.expert@example.org")
            .await
            .unwrap()
            .expect("account created");
        assert_eq!(
            b.store.user_roles(meng.id).await.unwrap(),
            vec![app::domain::Role::Expert]
        );
        let inst = b
            .store
            .find_org_by_credit_code("12450000JBEX000036")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(meng.org_id, Some(inst.id));
        let profile = b.store.get_expert(meng.id).await.unwrap().unwrap();
        assert_eq!(profile.profile.fields, vec!["植物保护", "微生物"]);
        assert!(profile.profile.is_public && profile.profile.accepts_review);
        // 是/否 read as yes/no: the second expert accepts reviews but stays private.
        let qin = b
            .store
            .find_user_by_email("qin.expert@example.org")
            .await
            .unwrap()
            .unwrap();
        let p = b.store.get_expert(qin.id).await.unwrap().unwrap();
        assert!(p.profile.accepts_review && !p.profile.is_public);
        assert_eq!(p.org_id, None);
        // Imported people cannot sign in until they set a password through a reset link.
        assert!(qin.password_hash.starts_with('!'));
        // Only the public profile becomes a search document.
        let doc = app::services::search_document(b.store.as_ref(), "expert", &meng.id.to_string())
            .await
            .unwrap();
        assert!(doc.is_some());
        let doc = app::services::search_document(b.store.as_ref(), "expert", &qin.id.to_string())
            .await
            .unwrap();
        assert!(doc.is_none(), "private profile kept out of search");
        // The same file again: both rows refused, nothing changes.
        let again = run(
            &b,
            ImportKind::Experts,
            &examples("experts.csv"),
            "experts.csv",
        )
        .await;
        assert_eq!(
            columns(&again),
            vec![(2, "email".into()), (3, "email".into())]
        );
        // Bad rows: a broken e-mail, no fields, a duplicate address, an unknown organization,
        // and a flag that is neither yes nor no.
        let body = "name,email,title,fields,keywords,org_credit_code,is_public\n\
            甲专家,not-an-email,研究员,材料,铝,,true\n\
            乙专家,b@example.org,研究员,,铝,,true\n\
            丙专家,b@example.org,研究员,材料,铝,91450100JBEX000023,maybe\n\
            丁专家,d@example.org,研究员,材料,铝,91450100JBEX00009X,true\n";
        let r = run(&b, ImportKind::Experts, body.as_bytes(), "e.csv").await;
        let cols = columns(&r);
        for want in [
            (2, "email"),
            (3, "fields"),
            (4, "email"),
            (4, "is_public"),
            (5, "org_credit_code"),
        ] {
            assert!(
                cols.contains(&(want.0, want.1.to_string())),
                "{want:?} missing from {cols:?}"
            );
        }
        assert_eq!(r.imported, 0);
        assert!(b
            .store
            .find_user_by_email("d@example.org")
            .await
            .unwrap()
            .is_none());
        assert!(b.store.verify_audit_chain().await.unwrap().is_ok());
    })
    .await;
}

#[tokio::test]
async fn a_report_kept_by_one_app_server_is_shown_by_another_to_its_uploader_for_thirty_minutes() {
    common::each_backend(|b| async move {
        use app::model::{ImportOutcome, ImportRowError};
        use chrono::{Duration, TimeZone, Utc};
        let clock = std::sync::Arc::new(app::ports::FakeClock::at(
            Utc.with_ymd_and_hms(2027, 5, 1, 2, 0, 0).unwrap(),
        ));
        // Two app servers: separate states over the same database.
        let one = common::seeded_state_at(&b, clock.clone()).await;
        let mut other = common::state(b.store.clone());
        other.clock = clock.clone();
        let uploader =
            common::people::official(&one, &b, "rep-1@example.cn", "91450100JBTEXT030").await;
        let colleague =
            common::people::official(&one, &b, "rep-2@example.cn", "91450100JBTEXT031").await;
        let report = ImportOutcome {
            rows: 2,
            imported: 0,
            skipped: 0,
            report_url: None,
            errors: vec![ImportRowError {
                line: 2,
                column: "credit_code".into(),
                zh: "统一社会信用代码校验位错误".into(),
                en: "Wrong check character".into(),
            }],
        };
        let token = app::services::stash_import_report(&one, &uploader, &report)
            .await
            .unwrap();
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM import_reports").await, 1);
        assert_eq!(
            app::services::import_report(&other, &uploader, &token)
                .await
                .unwrap(),
            Some(report.clone())
        );
        assert_eq!(
            app::services::import_report(&other, &colleague, &token)
                .await
                .unwrap(),
            None,
            "another official does not see it"
        );
        assert_eq!(
            app::services::import_report(&other, &uploader, "no-such-token")
                .await
                .unwrap(),
            None
        );
        clock.advance(Duration::minutes(31));
        assert_eq!(
            app::services::import_report(&other, &uploader, &token)
                .await
                .unwrap(),
            None,
            "gone after thirty minutes"
        );
        // The next report clears the expired one out of the table.
        app::services::stash_import_report(&other, &uploader, &report)
            .await
            .unwrap();
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM import_reports").await, 1);
    })
    .await;
}

/// The form and the import run the same parser: the same bad demand gets the same messages,
/// each under the form's field or the file's column.
#[tokio::test]
async fn a_bad_demand_gets_the_same_messages_from_the_form_and_the_import() {
    let b = common::sqlite().await;
    let s = common::seeded_state(&b).await;
    let r = run(
        &b,
        ImportKind::Organizations,
        "name,org_type,credit_code,district,contact_name,contact_phone\n南宁同一规则公司,enterprise,91450100JBEX000010,qingxiu,张三,0771-5550001\n".as_bytes(),
        "o.csv",
    )
    .await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let row = "91450100JBEX000010,短,太短,modern_agriculture,,甘蔗,12.5万,120,10,2020-01-01,mine,";
    let r = run(
        &b,
        ImportKind::Demands,
        format!("org_credit_code,title,description,chain,field,keywords,budget_min_wan,budget_max_wan,trl,deadline,ip_preference,confidential_detail\n{row}\n").as_bytes(),
        "d.csv",
    )
    .await;
    let form = app::model::DemandForm {
        title: "短".into(),
        description: "太短".into(),
        chain: "modern_agriculture".into(),
        field: String::new(),
        keywords: "甘蔗".into(),
        budget_min: "12.5万".into(),
        budget_max: "120".into(),
        trl: "10".into(),
        deadline: "2020-01-01".into(),
        ip_preference: "mine".into(),
        confidential_detail: String::new(),
    };
    let refs = app::services::ref_data(&s).await.unwrap();
    let Err(app::error::AppError::Validation(from_form)) =
        app::records::demand::parse(&form, &*refs, chrono::Utc::now())
    else {
        panic!("the form refuses it");
    };
    let mut form_msgs: Vec<(String, String)> = from_form
        .iter()
        .map(|e| {
            (
                e.field.replace("budget_min", "budget_min_wan"),
                e.zh.clone(),
            )
        })
        .collect();
    let mut file_msgs: Vec<(String, String)> = r
        .errors
        .iter()
        .map(|e| (e.column.clone(), e.zh.clone()))
        .collect();
    form_msgs.sort();
    file_msgs.sort();
    assert_eq!(form_msgs, file_msgs);
    assert!(form_msgs.len() >= 7, "{form_msgs:?}");
    assert_eq!(b.raw.count("SELECT COUNT(*) FROM demands").await, 0);
}
