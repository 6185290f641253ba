//! Reading an import file into a table: CSV (UTF-8 with or without BOM, or GBK as Excel on
//! Chinese Windows writes it), XLSX and JSON Lines.
use super::{row_err, RowError};
use chrono::NaiveDate;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Jsonl,
}

impl Format {
    /// From a file name or, failing that, from the first bytes (XLSX is a zip archive).
    pub fn detect(name: Option<&str>, bytes: &[u8]) -> Format {
        let lower = name.map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else if lower.ends_with(".jsonl")
            || lower.ends_with(".ndjson")
            || bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        {
            Format::Jsonl
        } else {
            Format::Csv
        }
    }
}

/// Text of a CSV or JSON Lines file: UTF-8 (a BOM is dropped) or GBK; anything else is refused.
pub fn decode(bytes: &[u8]) -> Result<String, RowError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok(s.to_string());
    }
    match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(body) {
        Some(s) => Ok(s.into_owned()),
        None => Err(row_err(
            0,
            "",
            "文件编码无法识别：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV",
            "The file's encoding is not recognised: save it as “CSV UTF-8 (comma delimited)” or as GBK CSV",
        )),
    }
}

pub type Row = (usize, BTreeMap<String, String>);

/// A cell's text: strings trimmed, whole numbers without a decimal point, dates as YYYY-MM-DD.
pub(super) fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            format!("{}", *f as i64)
        }
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        // A serial no calendar holds (a hostile file's 1e300) stays a number, which the
        // row's date check then refuses by name.
        Data::DateTime(d) => excel_date(d.as_f64()).unwrap_or_else(|| d.as_f64().to_string()),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// The date of an Excel serial, or `None` outside Excel's calendar (1900-01-01 to
/// 9999-12-31) or for a value that is no number at all.
fn excel_date(serial: f64) -> Option<String> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Excel's day 0 is 1899-12-30 (it counts the fictitious 1900-02-29).
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::try_days(serial.floor() as i64)?)
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Reads the table: a header row, then one map per data row, keyed by trimmed header names.
pub fn read_table(bytes: &[u8], format: Format) -> Result<(Vec<String>, Vec<Row>), Vec<RowError>> {
    match format {
        Format::Csv => {
            let text = decode(bytes).map_err(|e| vec![e])?;
            let mut rdr = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(text.as_bytes());
            let headers: Vec<String> = rdr
                .headers()
                .map_err(|e| {
                    vec![row_err(
                        1,
                        "",
                        format!("无法读取表头：{e}"),
                        format!("Cannot read the header row: {e}"),
                    )]
                })?
                .iter()
                .map(|h| h.trim().to_string())
                .collect();
            let mut rows = Vec::new();
            let mut errors = Vec::new();
            for (i, rec) in rdr.records().enumerate() {
                let line = i + 2;
                match rec {
                    Ok(r) if r.len() != headers.len() => errors.push(row_err(
                        line,
                        "",
                        format!("本行有 {} 列，表头有 {} 列", r.len(), headers.len()),
                        format!(
                            "This row has {} columns, the header has {}",
                            r.len(),
                            headers.len()
                        ),
                    )),
                    Ok(r) => rows.push((
                        line,
                        headers
                            .iter()
                            .cloned()
                            .zip(r.iter().map(|v| v.trim().to_string()))
                            .collect(),
                    )),
                    Err(e) => errors.push(row_err(
                        line,
                        "",
                        format!("无法解析：{e}"),
                        format!("Cannot parse: {e}"),
                    )),
                }
            }
            if errors.is_empty() {
                Ok((headers, rows))
            } else {
                Err(errors)
            }
        }
        Format::Jsonl => {
            let text = decode(bytes).map_err(|e| vec![e])?;
            let mut headers: Vec<String> = Vec::new();
            let mut rows = Vec::new();
            let mut errors = Vec::new();
            for (i, l) in text.lines().enumerate() {
                let line = i + 1;
                if l.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(l) {
                    Ok(obj) => {
                        let mut m = BTreeMap::new();
                        for (k, v) in obj {
                            let s = match v {
                                serde_json::Value::Null => String::new(),
                                serde_json::Value::String(s) => s,
                                serde_json::Value::Array(a) => a
                                    .iter()
                                    .map(|x| {
                                        x.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| x.to_string())
                                    })
                                    .collect::<Vec<_>>()
                                    .join(","),
                                other => other.to_string(),
                            };
                            if !headers.contains(&k) {
                                headers.push(k.clone());
                            }
                            m.insert(k, s.trim().to_string());
                        }
                        rows.push((line, m));
                    }
                    Err(e) => errors.push(row_err(
                        line,
                        "",
                        format!("不是有效的 JSON 对象：{e}"),
                        format!("Not a valid JSON object: {e}"),
                    )),
                }
            }
            if errors.is_empty() {
                Ok((headers, rows))
            } else {
                Err(errors)
            }
        }
        Format::Xlsx => {
            use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
            let bad = |e: String| {
                vec![row_err(
                    0,
                    "",
                    format!("无法读取 XLSX 文件：{e}"),
                    format!("Cannot read the XLSX file: {e}"),
                )]
            };
            super::xlsx::check(bytes).map_err(|e| vec![e])?;
            let mut wb: Xlsx<std::io::Cursor<Vec<u8>>> =
                open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
                    .map_err(|e: calamine::XlsxError| bad(e.to_string()))?;
            let range = wb
                .worksheet_range_at(0)
                .ok_or_else(|| bad("no worksheet".into()))?
                .map_err(|e| bad(e.to_string()))?;
            let cell = cell_text;
            let mut it = range.rows();
            let headers: Vec<String> = it
                .next()
                .map(|r| r.iter().map(cell).collect())
                .unwrap_or_default();
            let rows = it
                .enumerate()
                .filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)))
                .map(|(i, r)| {
                    (
                        i + 2,
                        headers.iter().cloned().zip(r.iter().map(cell)).collect(),
                    )
                })
                .collect();
            Ok((headers, rows))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::excel_date;

    #[test]
    fn excel_dates_outside_the_calendar_are_not_dates_and_do_not_panic() {
        assert_eq!(excel_date(45658.0).as_deref(), Some("2025-01-01"));
        assert_eq!(excel_date(45658.75).as_deref(), Some("2025-01-01"));
        assert_eq!(excel_date(2_958_465.0).as_deref(), Some("9999-12-31"));
        for bad in [1e300, -1e300, -5.0, 0.0, 3e6, f64::NAN, f64::INFINITY] {
            assert_eq!(excel_date(bad), None, "{bad}");
        }
    }
}
