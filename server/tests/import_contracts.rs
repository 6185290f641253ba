//! Importing a registry's sheet of registered contracts, on both engines: the shipped example
//! imports whole (Chinese headers, 万/亿, full-width digits, commas, district and country names);
//! the same file again changes nothing; a GBK copy reads the same; any bad row (each case the
//! issue lists) and nothing is written, every bad row named by line and column; XLSX with
//! merged cells or a formula without its value is refused, date serials and extra sheets are
//! handled; the statistics then count what was imported, and the registry's next number
//! continues past the imported ones.
mod common;

use app::domain::stats::Dimension;
use app::ports::FakeClock;
use app::services;
use chrono::{TimeZone, Utc};
use common::each_backend;
use server::import::{import, ImportKind, ImportReport};
use std::io::Write;
use std::sync::Arc;

fn example() -> Vec<u8> {
    std::fs::read(common::seeds_dir().join("examples/contracts.csv")).unwrap()
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

async fn run(s: &app::ports::AppState, bytes: &[u8], name: &str) -> ImportReport {
    import(
        s.store.as_ref(),
        now(),
        ImportKind::Contracts,
        bytes,
        Some(name),
        None,
        &|_, _| {},
    )
    .await
    .unwrap()
}

async fn registered(s: &app::ports::AppState) -> i64 {
    services::turnover_rows(s, None, &[], Dimension::Year)
        .await
        .unwrap()
        .2
        .iter()
        .map(|r| r.count)
        .sum()
}

/// The example's header and its first good row, to build bad rows from.
fn header_and_row() -> (String, Vec<String>) {
    let text = String::from_utf8(example()).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(lines.next().unwrap().as_bytes());
    let row = rdr
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (header, row)
}

fn csv_of(header: &str, rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = format!("{header}\n").into_bytes();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for r in rows {
            w.write_record(r).unwrap();
        }
    }
    out
}

/// A workbook written by hand, to carry what our own export never writes (merged cells,
/// formulas, a second sheet).
fn xlsx(sheet1: &str, with_second_sheet: bool) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let second = if with_second_sheet {
        r#"<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
    } else {
        ""
    };
    let files = [
        (
            "[Content_Types].xml".to_string(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{second}</Types>"#
            ),
        ),
        (
            "_rels/.rels".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/>{}</sheets></workbook>"#,
                if with_second_sheet {
                    r#"<sheet name="说明" sheetId="2" r:id="rId2"/>"#
                } else {
                    ""
                }
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>{}</Relationships>"#,
                if with_second_sheet {
                    format!(
                        r#"<Relationship Id="rId2" Type="{rel}/worksheet" Target="worksheets/sheet2.xml"/>"#
                    )
                } else {
                    String::new()
                }
            ),
        ),
        (
            "xl/worksheets/sheet1.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">{sheet1}</worksheet>"#
            ),
        ),
        (
            "xl/worksheets/sheet2.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>填表说明</t></is></c></row></sheetData></worksheet>"#
            ),
        ),
    ];
    for (name, body) in files {
        if name.ends_with("sheet2.xml") && !with_second_sheet {
            continue;
        }
        z.start_file(name, o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn col(i: usize) -> String {
    ((b'A' + i as u8) as char).to_string()
}

/// Sheet XML with the example's header and the given rows (inline strings; `None` leaves a
/// cell out; a value starting with `#` is written as a number cell; `=` as a formula).
fn sheet_xml(rows: &[Vec<Option<String>>], tail: &str) -> String {
    let (header, _) = header_and_row();
    let mut all: Vec<Vec<Option<String>>> =
        vec![header.split(',').map(|h| Some(h.to_string())).collect()];
    all.extend(rows.iter().cloned());
    let mut x = String::from("<sheetData>");
    for (r, row) in all.iter().enumerate() {
        x.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, v) in row.iter().enumerate() {
            let at = format!("{}{}", col(c), r + 1);
            match v {
                None => {}
                Some(v) if v.starts_with('#') => {
                    x.push_str(&format!(r#"<c r="{at}"><v>{}</v></c>"#, &v[1..]))
                }
                Some(v) if v.starts_with('=') => {
                    x.push_str(&format!(r#"<c r="{at}"><f>{}</f></c>"#, &v[1..]))
                }
                Some(v) => x.push_str(&format!(
                    r#"<c r="{at}" t="inlineStr"><is><t>{v}</t></is></c>"#
                )),
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData>");
    x.push_str(tail);
    x
}

#[tokio::test]
async fn the_example_imports_once_and_bad_sheets_change_nothing() {
    each_backend(|b| async move {
        let s = common::seeded_state_at(&b, Arc::new(FakeClock::at(now()))).await;
        let r = run(&s, &example(), "contracts.csv").await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!((r.rows, r.imported, r.skipped), (10, 10, 0));
        assert_eq!(registered(&s).await, 10);
        // What was read: units, full-width digits, commas, places by name.
        let (_, _, by_flow) = services::turnover_rows(&s, None, &[], Dimension::Flow).await.unwrap();
        let flows: Vec<&str> = by_flow.iter().map(|r| r.key.as_str()).collect();
        for f in ["output_guangxi", "output_domestic", "output_asean", "absorb_domestic", "local"] {
            assert!(flows.contains(&f), "{f} in {flows:?}");
        }
        let total = b.raw.count("SELECT CAST(SUM(contract_amount_fen) AS BIGINT) FROM contracts").await;
        let want_yuan: i64 = 1_200_000 + 80_000 + 3_500_000 + 2_600_000 + 12_000_000 + 1_500_000 + 50_000_000 + 360_000 + 50_000 + 180_000;
        assert_eq!(total, want_yuan * 100 + 50);
        // Again: nothing changes.
        let again = run(&s, &example(), "contracts.csv").await;
        assert_eq!((again.imported, again.skipped), (0, 10));
        assert_eq!(registered(&s).await, 10);
        // The same sheet saved as GBK by Excel on Chinese Windows reads the same.
        let text = String::from_utf8(example()).unwrap();
        let (gbk, _, lossy) = encoding_rs::GBK.encode(text.trim_start_matches('\u{feff}'));
        assert!(!lossy);
        let g = run(&s, &gbk, "台账.csv").await;
        assert!(g.errors.is_empty(), "{:?}", g.errors);
        assert_eq!(g.skipped, 10);
        // The registry's next number of 2026 continues after the imported 2026450100000002.
        let seq = b.raw.count("SELECT CAST(last AS BIGINT) FROM contract_sequences WHERE year = 2026").await;
        assert_eq!(seq, 2);

        // Bad rows: each named, and nothing written even though other rows are good.
        let (header, good) = header_and_row();
        let with = |n: &str, edits: &[(usize, &str)]| {
            let mut r = good.clone();
            r[0] = n.to_string();
            for (i, v) in edits {
                r[*i] = v.to_string();
            }
            r
        };
        let rows = vec![
            with("2026450100000901", &[]),                                          // line 2: good
            with("2026450100000902", &[(11, "-5000"), (12, "-5000"), (13, "")]),  // negative
            with("2026450100000903", &[(11, "0"), (12, "0"), (13, "")]),          // zero
            with("2026450100000904", &[(11, "99999999999999999999"), (13, "")]),  // beyond i64 fen
            with("2026450100000905", &[(12, "1300000"), (13, "")]),               // tech > contract
            with("2026450100000906", &[(14, "2027-01-01"), (16, "2027-01-02")]),  // future
            with("2026450100000907", &[(14, "1999-12-31"), (15, "")]),            // before 2000
            with("2026450100000908", &[(2, "技术买卖")]),                          // unknown type
            with("2026450100000909", &[(8, &good[4].clone())]),                    // buyer = seller
            with("2026450100000901", &[]),                                          // duplicate number
            with("2026450100000910", &[(6, "火星")]),                              // unknown place
        ];
        let bad = run(&s, &csv_of(&header, &rows), "bad.csv").await;
        assert_eq!(bad.imported, 0);
        let named: Vec<(usize, String)> = bad.errors.iter().map(|e| (e.line, e.column.clone())).collect();
        for want in [
            (3, "合同成交额（元）"),
            (4, "合同成交额（元）"),
            (5, "合同成交额（元）"),
            (6, "技术交易额（元）"),
            (7, "签订日期"),
            (8, "签订日期"),
            (9, "合同类型"),
            (10, "买方统一社会信用代码"),
            (11, "登记编号"),
            (12, "卖方所在地"),
        ] {
            assert!(named.contains(&(want.0, want.1.to_string())), "{want:?} in {named:?}");
        }
        assert!(!named.iter().any(|(l, _)| *l == 2), "the good row has no error: {named:?}");
        assert!(bad.errors.iter().all(|e| !e.zh.is_empty() && !e.en.is_empty()));
        assert_eq!(registered(&s).await, 10, "nothing written");

        // A header the registry does not use, and a sheet that is not a sheet.
        let r = run(&s, "登记编号,备注\n1,2\n".as_bytes(), "x.csv").await;
        assert!(r.errors.iter().any(|e| e.column == "contract_amount"), "{:?}", r.errors);
        assert!(r.errors.iter().any(|e| e.column == "备注"));
        let r = run(&s, b"\xff\xfe\x00\x01garbage", "x.csv").await;
        assert!(!r.errors.is_empty() && r.imported == 0);
        let r = run(&s, b"PK\x03\x04 not a zip", "x.xlsx").await;
        assert!(r.errors[0].zh.contains("XLSX"));

        // XLSX: a good row with dates as serial numbers (46082 = 2026-03-01) and a 说明 sheet.
        let g = &good;
        let cells = |n: &str, extra: &[(usize, Option<String>)]| -> Vec<Option<String>> {
            let mut v: Vec<Option<String>> = g.iter().map(|c| Some(c.clone())).collect();
            v[0] = Some(n.to_string());
            v[14] = Some("#46082".into());
            v[15] = None;
            v[16] = Some("#46090".into());
            for (i, x) in extra {
                v[*i] = x.clone();
            }
            v
        };
        let book = xlsx(&sheet_xml(&[cells("2026450100000950", &[])], ""), true);
        let r = run(&s, &book, "台账.xlsx").await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.imported, 1);
        let signed = b.raw.count("SELECT COUNT(*) FROM contracts WHERE registration_number = '2026450100000950' AND signed_on = '2026-03-01'").await;
        assert_eq!(signed, 1);
        // Merged cells: refused, naming them.
        let merged = xlsx(
            &sheet_xml(&[cells("2026450100000951", &[]), cells("2026450100000952", &[(3, None)])], r#"<mergeCells count="1"><mergeCell ref="D2:D3"/></mergeCells>"#),
            false,
        );
        let r = run(&s, &merged, "merged.xlsx").await;
        assert_eq!(r.imported, 0);
        assert!(r.errors[0].zh.contains("D2:D3"), "{:?}", r.errors);
        // A formula saved without its value: refused at its cell.
        let formula = xlsx(&sheet_xml(&[cells("2026450100000953", &[(11, Some("=L1*2".into()))])], ""), false);
        let r = run(&s, &formula, "formula.xlsx").await;
        assert_eq!(r.imported, 0);
        assert!(r.errors.iter().any(|e| e.column == "L2"), "{:?}", r.errors);
        assert_eq!(registered(&s).await, 11);
        // Every import is audited, and the chain reads back whole (verify-audit).
        assert!(s.store.verify_audit_chain().await.unwrap().is_ok());
    })
    .await;
}

/// Hostile workbooks, made here: a sheet spanning A1 to XFD1048576 (calamine would allocate
/// the whole box), one whose declared dimension lies about it, a part that inflates past the
/// limit, and a date cell with an absurd serial number. Each is refused with a message in both
/// languages; nothing is written and nothing panics.
#[tokio::test]
async fn hostile_workbooks_are_refused_with_a_message_before_they_are_read() {
    each_backend(|b| async move {
        let s = common::seeded_state_at(&b, Arc::new(FakeClock::at(now()))).await;
        let corners = xlsx(
            r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>登记编号</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#,
            false,
        );
        let liar = xlsx(
            r#"<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>登记编号</t></is></c></row><row r="900000"><c r="CV900000"><v>1</v></c></row></sheetData>"#,
            false,
        );
        for (name, book) in [("corners", &corners), ("liar", &liar)] {
            let r = run(&s, book, "台账.xlsx").await;
            assert_eq!(r.imported, 0, "{name}");
            assert_eq!(r.errors.len(), 1, "{name}: {:?}", r.errors);
            assert!(r.errors[0].zh.contains("数据范围过大"), "{name}: {:?}", r.errors);
            assert!(r.errors[0].en.contains("too large a range"), "{name}");
            // The other imports read XLSX through the same gate.
            for kind in [ImportKind::Organizations, ImportKind::Experts] {
                let r = import(s.store.as_ref(), now(), kind, book, Some("x.xlsx"), None, &|_, _| {})
                    .await
                    .unwrap();
                assert_eq!(r.imported, 0);
                assert!(r.errors[0].zh.contains("数据范围过大"), "{name} {kind:?}: {:?}", r.errors);
            }
        }
        // A part that inflates beyond the bound (small bounds here; 256 MB in service).
        let padded = xlsx(
            &format!(r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row></sheetData>"#, "空".repeat(400_000)),
            false,
        );
        assert!(padded.len() < 100_000, "it compresses: {}", padded.len());
        let e = server::import::xlsx::check_within(&padded, 1 << 20, 4 << 20).unwrap_err();
        assert!(e.zh.contains("解压后过大") && e.en.contains("uncompressed"), "{e:?}");
        assert!(server::import::xlsx::check_within(&padded, 2 << 20, 4 << 20).is_ok());
        // A date serial number far past the calendar: a message at the cell, not a panic.
        let (_, good) = header_and_row();
        let mut row: Vec<Option<String>> = good.iter().map(|c| Some(c.clone())).collect();
        row[0] = Some("2026450100000990".into());
        row[14] = Some("#1e300".into());
        row[16] = Some("#46090".into());
        let r = run(&s, &xlsx(&sheet_xml(&[row], ""), false), "date.xlsx").await;
        assert_eq!(r.imported, 0);
        assert!(!r.errors.is_empty(), "refused");
        assert!(r.errors.iter().all(|e| !e.zh.is_empty() && !e.en.is_empty()));
        assert_eq!(registered(&s).await, 0);
    })
    .await;
}
