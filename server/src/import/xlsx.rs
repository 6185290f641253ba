//! What an XLSX file must pass before calamine reads it. calamine gives a sheet a grid as large
//! as the box around its cells, so one cell at A1 and another at XFD1048576 would ask for
//! seventeen billion cells; and an archive's parts can inflate far beyond the file's size.
//! Both are checked here from the archive itself, without building any grid.
use super::{row_err, RowError};
use std::io::Read;

/// Most cells in the box around a sheet's cells (a grid of this many is about 130 MB).
pub const MAX_CELLS: u64 = 4_000_000;
/// Most columns a sheet may span (the widest layout we read has 21).
pub const MAX_COLUMNS: u64 = 256;
/// Largest uncompressed part, and all parts together.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;

fn refuse(zh: String, en: String) -> RowError {
    row_err(0, "", zh, en)
}

/// Refuses a workbook whose parts inflate too far or one of whose sheets spans too large a box
/// (by its declared `<dimension>` and by the cells it really holds: a declaration can lie).
/// A file that is not a readable archive passes, for calamine to report.
pub fn check(bytes: &[u8]) -> Result<(), RowError> {
    check_within(bytes, MAX_PART_BYTES, MAX_TOTAL_BYTES)
}

/// [`check`] with other bounds on the uncompressed sizes (the tests use small ones).
pub fn check_within(bytes: &[u8], max_part: u64, max_total: u64) -> Result<(), RowError> {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            return Ok(());
        };
        total = total.saturating_add(part.size());
        if part.size() > max_part || total > max_total {
            return Err(too_big());
        }
    }
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            return Ok(());
        };
        let Ok(name) = part.name().map(|n| n.to_string()) else {
            continue;
        };
        if !(name.starts_with("xl/worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        // The declared size can lie too: read no more than the limit.
        let mut xml = Vec::new();
        if part.take(max_part + 1).read_to_end(&mut xml).is_err() {
            return Ok(());
        }
        if xml.len() as u64 > max_part {
            return Err(too_big());
        }
        let sheet = name.trim_start_matches("xl/worksheets/");
        if let Some((rows, cols)) = declared_box(&xml) {
            box_ok(sheet, rows, cols)?;
        }
        let (rows, cols) = used_box(&xml);
        box_ok(sheet, rows, cols)?;
    }
    Ok(())
}

fn too_big() -> RowError {
    refuse(
        format!(
            "XLSX 文件解压后过大（单个部件最多 {} MB，合计最多 {} MB），请另存为 CSV 或拆分后再导入",
            MAX_PART_BYTES >> 20,
            MAX_TOTAL_BYTES >> 20
        ),
        format!(
            "The XLSX file is too large once uncompressed (at most {} MB per part, {} MB in all): save it as CSV or split it",
            MAX_PART_BYTES >> 20,
            MAX_TOTAL_BYTES >> 20
        ),
    )
}

fn box_ok(sheet: &str, rows: u64, cols: u64) -> Result<(), RowError> {
    if cols > MAX_COLUMNS || rows.saturating_mul(cols) > MAX_CELLS {
        return Err(refuse(
            format!(
                "工作表 {sheet} 的数据范围过大（{rows} 行 × {cols} 列；最多 {MAX_COLUMNS} 列、{MAX_CELLS} 个单元格）：请删除表格远处的空白或多余单元格，或另存为 CSV 后再导入"
            ),
            format!(
                "Sheet {sheet} spans too large a range ({rows} rows × {cols} columns; at most {MAX_COLUMNS} columns and {MAX_CELLS} cells): delete stray cells far from the table, or save it as CSV"
            ),
        ));
    }
    Ok(())
}

/// A cell reference (`B12`) as (row, column), both from 1.
fn cell_ref(s: &str) -> Option<(u64, u64)> {
    let s = s.trim().trim_start_matches('$');
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    let letters = letters.trim_end_matches('$');
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u64 = digits.parse().ok()?;
    Some((row, col))
}

/// The box `<dimension ref="A1:XFD1048576"/>` declares, as (rows, columns).
fn declared_box(xml: &[u8]) -> Option<(u64, u64)> {
    let mut tags = Tags::new(xml);
    while let Some((name, attrs)) = tags.next() {
        if name == b"dimension" {
            let r = attr(attrs, b"ref")?;
            let r = std::str::from_utf8(r).ok()?;
            let (a, b) = r.split_once(':').unwrap_or((r, r));
            let (r0, c0) = cell_ref(a)?;
            let (r1, c1) = cell_ref(b)?;
            return Some((r1.abs_diff(r0) + 1, c1.abs_diff(c0) + 1));
        }
        if name == b"sheetData" {
            return None;
        }
    }
    None
}

/// The box around the cells the sheet holds, counted as calamine places them (a `<row>` or
/// `<c>` without `r` follows the one before it).
fn used_box(xml: &[u8]) -> (u64, u64) {
    let (mut row, mut col) = (0u64, 0u64);
    let (mut min_row, mut max_row, mut min_col, mut max_col) = (u64::MAX, 0, u64::MAX, 0);
    let mut tags = Tags::new(xml);
    while let Some((name, attrs)) = tags.next() {
        match name {
            b"row" => {
                row = attr(attrs, b"r")
                    .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse().ok())
                    .unwrap_or(row + 1);
                col = 0;
            }
            b"c" => {
                match attr(attrs, b"r")
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .and_then(cell_ref)
                {
                    Some((r, c)) => {
                        row = r;
                        col = c;
                    }
                    None => col += 1,
                }
                min_row = min_row.min(row);
                max_row = max_row.max(row);
                min_col = min_col.min(col);
                max_col = max_col.max(col);
            }
            _ => {}
        }
    }
    if max_row == 0 {
        return (0, 0);
    }
    (max_row - min_row + 1, max_col - min_col + 1)
}

/// The value of attribute `name` in a tag's attribute text.
fn attr<'a>(attrs: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    while i < attrs.len() {
        while i < attrs.len() && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < attrs.len() && attrs[i] != b'=' && !attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &attrs[start..i];
        while i < attrs.len() && (attrs[i].is_ascii_whitespace() || attrs[i] == b'=') {
            i += 1;
        }
        let quote = *attrs.get(i)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        i += 1;
        let vstart = i;
        while i < attrs.len() && attrs[i] != quote {
            i += 1;
        }
        let value = attrs.get(vstart..i)?;
        i += 1;
        let local = key.rsplit(|b| *b == b':').next().unwrap_or(key);
        if local == name && !key.starts_with(b"xmlns") {
            return Some(value);
        }
    }
    None
}

/// Start tags of an XML text, as (local name, attribute text); closing tags, comments and
/// declarations are skipped.
struct Tags<'a> {
    xml: &'a [u8],
    at: usize,
}

impl<'a> Tags<'a> {
    fn new(xml: &'a [u8]) -> Self {
        Self { xml, at: 0 }
    }

    fn next(&mut self) -> Option<(&'a [u8], &'a [u8])> {
        loop {
            let rel = self.xml.get(self.at..)?.iter().position(|b| *b == b'<')?;
            let start = self.at + rel + 1;
            let rest = self.xml.get(start..)?;
            if rest.starts_with(b"!--") {
                let end = find(rest, b"-->")?;
                self.at = start + end + 3;
                continue;
            }
            let end = start + rest.iter().position(|b| *b == b'>')?;
            self.at = end + 1;
            let tag = &self.xml[start..end];
            if matches!(tag.first(), Some(b'/' | b'?' | b'!')) {
                continue;
            }
            let tag = tag.strip_suffix(b"/").unwrap_or(tag);
            let name_end = tag
                .iter()
                .position(|b| b.is_ascii_whitespace())
                .unwrap_or(tag.len());
            let name = &tag[..name_end];
            let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
            return Some((local, &tag[name_end..]));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_boxes_are_read_as_excel_means_them() {
        assert_eq!(cell_ref("A1"), Some((1, 1)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref("$B$3"), Some((3, 2)));
        assert_eq!(cell_ref("1A"), None);
        assert_eq!(cell_ref("ABCD1"), None);
        let sheet = br#"<?xml version="1.0"?><worksheet xmlns="m"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><!-- <c r="ZZ9"/> --><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
        assert_eq!(declared_box(sheet), Some((1_048_576, 16_384)));
        assert_eq!(used_box(sheet), (1_048_576, 16_384));
        // Prefixed tags, cells without references, single quotes.
        let sheet = br#"<x:worksheet xmlns:x="m"><x:sheetData><x:row r='2'><x:c><x:v>1</x:v></x:c><x:c/><x:c r='E2'/></x:row><x:row><x:c/></x:row></x:sheetData></x:worksheet>"#;
        assert_eq!(declared_box(sheet), None);
        assert_eq!(used_box(sheet), (2, 5));
    }
}
