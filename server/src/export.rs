//! Table exports: CSV (UTF-8 with a BOM, so Excel on Chinese Windows opens it as UTF-8) and
//! XLSX (a minimal Office Open XML workbook: one sheet, shared strings, numbers as numbers).
//! Text never becomes a formula: XLSX stores it as strings, and CSV cells that a spreadsheet
//! would read as one (`=`, `+`, `-`, `@`, tab, CR first) are prefixed with `'`.
use std::io::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Fen, written as yuan with two decimals (exactly: from the integer, not a float).
    Yuan(i64),
}

impl Cell {
    fn number(&self) -> Option<String> {
        match self {
            Cell::Text(_) => None,
            Cell::Int(n) => Some(n.to_string()),
            Cell::Yuan(f) => {
                let sign = if *f < 0 { "-" } else { "" };
                let a = f.unsigned_abs();
                Some(format!("{sign}{}.{:02}", a / 100, a % 100))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet's name (cut to what Excel allows).
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let _ = w.write_record(t.headers.iter().map(|h| csv_text(h)));
        for r in &t.rows {
            let _ = w.write_record(r.iter().map(|c| match c {
                Cell::Text(s) => csv_text(s),
                n => n.number().unwrap_or_default(),
            }));
        }
        let _ = w.flush();
    }
    out
}

/// Text as XML 1.0 allows it: markup escaped, and the control characters XML cannot carry
/// dropped.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A spreadsheet column's letters (0 → A, 26 → AA).
pub fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Sheet1".into()
    } else {
        clean
    }
}

pub fn to_xlsx(t: &Table) -> anyhow::Result<Vec<u8>> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut strings: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"{MAIN}\"><sheetData>"
    );
    let header: Vec<Cell> = t.headers.iter().map(|h| Cell::Text(h.clone())).collect();
    for (r, row) in std::iter::once(&header).chain(t.rows.iter()).enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column_name(c), r + 1);
            match cell {
                Cell::Text(s) => {
                    let next = strings.len();
                    let i = *index.entry(s.clone()).or_insert_with(|| {
                        strings.push(s.clone());
                        next
                    });
                    sheet.push_str(&format!("<c r=\"{at}\" t=\"s\"><v>{i}</v></c>"));
                }
                n => {
                    let v = n.number().unwrap_or_default();
                    sheet.push_str(&format!("<c r=\"{at}\"><v>{v}</v></c>"));
                }
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut shared = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"{MAIN}\" count=\"{n}\" uniqueCount=\"{n}\">",
        n = strings.len()
    );
    for s in &strings {
        shared.push_str(&format!(
            "<si><t xml:space=\"preserve\">{}</t></si>",
            xml_text(s)
        ));
    }
    shared.push_str("</sst>");
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
             <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>\
             </Types>")),
        ("_rels/.rels", format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"{REL}\">\
             <Relationship Id=\"rId1\" Type=\"{DOC}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")),
        ("xl/workbook.xml", format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"{MAIN}\" xmlns:r=\"{DOC}\">\
             <sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
            xml_text(&sheet_name(&t.name)))),
        ("xl/_rels/workbook.xml.rels", format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"{REL}\">\
             <Relationship Id=\"rId1\" Type=\"{DOC}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
             <Relationship Id=\"rId2\" Type=\"{DOC}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>")),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", shared),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        zip.start_file(name, opts)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

    fn table() -> Table {
        Table {
            name: "按县区/开发区[2026]".into(),
            headers: vec!["县区".into(), "合同成交额（元）".into(), "合同数".into()],
            rows: vec![
                vec![
                    Cell::Text("青秀区".into()),
                    Cell::Yuan(123_456_789),
                    Cell::Int(3),
                ],
                vec![
                    Cell::Text("=HYPERLINK(\"http://x\")".into()),
                    Cell::Yuan(-5),
                    Cell::Int(-1),
                ],
                vec![Cell::Text("<b>&\u{1}".into()), Cell::Yuan(0), Cell::Int(0)],
            ],
        }
    }

    #[test]
    fn xlsx_reads_back_with_numbers_as_numbers_and_text_as_text() {
        let bytes = to_xlsx(&table()).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["按县区开发区2026"]);
        let r = wb.worksheet_range_at(0).unwrap().unwrap();
        let rows: Vec<Vec<Data>> = r.rows().map(|r| r.to_vec()).collect();
        assert_eq!(rows[0][1], Data::String("合同成交额（元）".into()));
        assert_eq!(rows[1][0], Data::String("青秀区".into()));
        assert_eq!(rows[1][1], Data::Float(1_234_567.89));
        assert_eq!(rows[1][2], Data::Float(3.0));
        // A formula-looking title stays a string in XLSX.
        assert_eq!(rows[2][0], Data::String("=HYPERLINK(\"http://x\")".into()));
        assert_eq!(rows[2][1], Data::Float(-0.05));
        assert_eq!(rows[3][0], Data::String("<b>&".into()));
    }

    #[test]
    fn csv_has_a_bom_exact_amounts_and_no_formulas() {
        let bytes = to_csv(&table());
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[1], "青秀区,1234567.89,3");
        assert_eq!(lines[2], "\"'=HYPERLINK(\"\"http://x\"\")\",-0.05,-1");
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27 * 26), "AAA");
    }
}
