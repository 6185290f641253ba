//! Bulk import: whole-file validation, every bad row reported, nothing written on error;
//! UTF-8 with and without BOM, GBK, XLSX and JSON Lines.
mod common;

use server::import::{import, ImportKind, ImportReport};

fn examples(name: &str) -> Vec<u8> {
    std::fs::read(common::seeds_dir().join("examples").join(name)).expect("example file")
}

async fn run(b: &common::Backend, kind: ImportKind, bytes: &[u8], name: &str) -> ImportReport {
    import(b.store.as_ref(), kind, bytes, Some(name), None, &|_, _| {})
        .await
        .expect("import ran")
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
        server::seeds::load(
            b.store.as_ref(),
            &server::secrets::Argon2Secrets,
            &common::seeds_dir(),
            false,
        )
        .await
        .unwrap();
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
    server::seeds::load(
        b.store.as_ref(),
        &server::secrets::Argon2Secrets,
        &common::seeds_dir(),
        false,
    )
    .await
    .unwrap();
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
