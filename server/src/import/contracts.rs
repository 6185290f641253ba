//! Bulk import of registered technology contracts from a registry's sheet (技术合同登记台账):
//! CSV (UTF-8, or GBK as Excel on Chinese Windows saves it) or XLSX, one row per contract,
//! headed by the column codes or their Chinese names (`seeds/examples/contracts.csv`).
//!
//! - The whole file is checked first (every row through `records::contract::parse_registered`,
//!   registration numbers unique within the file); any bad row and nothing is written, and
//!   every bad row is reported by line and column.
//! - A registration number already stored is skipped: importing the same file again changes
//!   nothing. (A correction of a registered contract is a 变更, not a re-import.)
//! - The rows are read twice (check, then write) rather than held: a CSV is streamed, so a
//!   million-row file costs the file and the set of its numbers, not a million records.
//! - XLSX: the first sheet is read (others, such as a 说明 sheet, are ignored); merged cells
//!   are refused (their value sits in one cell only); a formula is read as the value Excel saved
//!   with it, and a formula saved without one is refused; date cells become dates, and a date
//!   column that lost its format (an Excel day number such as 46082) is read as that day.
use super::{row_err, ImportKind, ImportReport, RowError};
use app::domain::contract::{ContractStatus, COUNTRY_NAMES};
use app::model::RefData;
use app::ports::{AuditEvent, ContractRecord, PartyRecord, Store};
use app::records::contract::{parse_registered, Counterpart, RegisteredContent, RegistryRow};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The sheet's columns: code, Chinese header, required.
pub const COLUMNS: &[(&str, &str, bool)] = &[
    ("registration_number", "登记编号", true),
    ("title", "合同名称", true),
    ("contract_type", "合同类型", true),
    ("seller_name", "卖方名称", true),
    ("seller_credit_code", "卖方统一社会信用代码", false),
    ("seller_type", "卖方类型", true),
    ("seller_place", "卖方所在地", true),
    ("buyer_name", "买方名称", true),
    ("buyer_credit_code", "买方统一社会信用代码", false),
    ("buyer_type", "买方类型", true),
    ("buyer_place", "买方所在地", true),
    ("contract_amount", "合同成交额（元）", true),
    ("tech_amount", "技术交易额（元）", true),
    ("non_technical", "非技术性款项", false),
    ("signed_on", "签订日期", true),
    ("ends_on", "有效期截止", false),
    ("registered_on", "登记日期", true),
    ("chain", "产业链", true),
    ("field", "技术领域", true),
    ("ip_type", "知识产权类型", true),
    ("plan_origin", "政府计划来源", false),
];

/// Largest sheet the command line reads (uploads keep `MAX_IMPORT_BYTES`).
pub const MAX_CLI_BYTES: usize = 2 * 1024 * 1024 * 1024;

/// Most problems listed in one report (the count says how many more there were).
pub const MAX_REPORTED: usize = 1_000;
/// Rows written per statement batch handed to the store.
const CHUNK: usize = 2_000;

fn norm_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .replace(['（', '('], "(")
        .replace(['）', ')'], ")")
        .replace("(元)", "")
        .replace(char::is_whitespace, "")
}

/// Which column of the file holds each field (`None`: the file lacks it).
fn column_map(headers: &[String]) -> (Vec<Option<usize>>, Vec<RowError>) {
    let mut errors = Vec::new();
    let normed: Vec<String> = headers.iter().map(|h| norm_header(h)).collect();
    let map: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|(code, zh, required)| {
            let found = normed
                .iter()
                .position(|h| h == code || *h == norm_header(zh));
            if found.is_none() && *required {
                errors.push(row_err(
                    1,
                    code,
                    format!("缺少必需的列“{zh}”（{code}）"),
                    format!("Required column “{code}” ({zh}) is missing"),
                ));
            }
            found
        })
        .collect();
    for (i, h) in normed.iter().enumerate() {
        if !h.is_empty() && !map.contains(&Some(i)) {
            errors.push(row_err(
                1,
                &headers[i],
                format!("未知的列“{}”", headers[i]),
                format!("Unknown column “{}”", headers[i]),
            ));
        }
    }
    (map, errors)
}

/// What the sheet's cells say, turned into the codes the parser reads: district, country and
/// chain names become their codes; "南宁市青秀区" is 青秀区.
struct Names {
    districts: HashMap<String, String>,
    chains: HashMap<String, String>,
}

impl Names {
    fn new(refs: &RefData) -> Names {
        let mut districts = HashMap::new();
        for d in refs.districts.iter().filter(|d| d.kind != "outside") {
            districts.insert(d.name_zh.clone(), d.code.clone());
            districts.insert(d.name_en.to_lowercase(), d.code.clone());
        }
        let mut chains = HashMap::new();
        for c in &refs.chains {
            chains.insert(c.name_zh.clone(), c.code.clone());
            chains.insert(c.name_en.to_lowercase(), c.code.clone());
        }
        Names { districts, chains }
    }
    fn place(&self, s: &str) -> String {
        let t = s.trim();
        let local = t.strip_prefix("南宁市").unwrap_or(t);
        if let Some(code) = self
            .districts
            .get(local)
            .or_else(|| self.districts.get(&local.to_lowercase()))
        {
            return code.clone();
        }
        if let Some((code, _, _)) = COUNTRY_NAMES
            .iter()
            .find(|(_, zh, en)| *zh == t || en.eq_ignore_ascii_case(t))
        {
            return code.to_string();
        }
        t.to_string()
    }
    fn chain(&self, s: &str) -> String {
        let t = s.trim();
        self.chains
            .get(t)
            .or_else(|| self.chains.get(&t.to_lowercase()))
            .cloned()
            .unwrap_or_else(|| t.to_string())
    }
}

fn registry_row(cells: &[String], map: &[Option<usize>], names: &Names) -> RegistryRow {
    let get = |i: usize| -> String {
        map[i]
            .and_then(|c| cells.get(c))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    RegistryRow {
        registration_number: get(0),
        title: get(1),
        contract_type: get(2),
        seller_name: get(3),
        seller_credit_code: get(4),
        seller_type: get(5),
        seller_place: names.place(&get(6)),
        buyer_name: get(7),
        buyer_credit_code: get(8),
        buyer_type: get(9),
        buyer_place: names.place(&get(10)),
        contract_amount: get(11),
        tech_amount: get(12),
        non_technical: get(13),
        signed_on: get(14),
        ends_on: get(15),
        registered_on: get(16),
        chain: names.chain(&get(17)),
        field: get(18),
        ip_type: get(19),
        plan_origin: get(20),
    }
}

/// The file's rows, read the same way on each pass.
enum Sheet<'a> {
    Csv(std::borrow::Cow<'a, [u8]>),
    Xlsx(calamine::Range<calamine::Data>),
}

fn open<'a>(bytes: &'a [u8], file_name: Option<&str>) -> Result<Sheet<'a>, Vec<RowError>> {
    use super::Format;
    match Format::detect(file_name, bytes) {
        Format::Xlsx => open_xlsx(bytes).map(Sheet::Xlsx),
        Format::Jsonl => Err(vec![row_err(
            0,
            "",
            "技术合同只能从 CSV 或 XLSX 文件导入",
            "Contracts are imported from CSV or XLSX files only",
        )]),
        Format::Csv => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            if std::str::from_utf8(body).is_ok() {
                Ok(Sheet::Csv(std::borrow::Cow::Borrowed(body)))
            } else {
                super::decode(bytes)
                    .map(|s| Sheet::Csv(std::borrow::Cow::Owned(s.into_bytes())))
                    .map_err(|e| vec![e])
            }
        }
    }
}

fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", crate::export::column_name(col as usize), row + 1)
}

fn open_xlsx(bytes: &[u8]) -> Result<calamine::Range<calamine::Data>, Vec<RowError>> {
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
    let mut wb: Xlsx<std::io::Cursor<&[u8]>> =
        open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e: calamine::XlsxError| bad(e.to_string()))?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| bad("no worksheet".into()))?;
    let merged: Vec<String> = wb
        .merge_cells_by_sheet_name(&name)
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .take(5)
        .map(|d| {
            format!(
                "{}:{}",
                cell_ref(d.start.0, d.start.1),
                cell_ref(d.end.0, d.end.1)
            )
        })
        .collect();
    if !merged.is_empty() {
        return Err(vec![row_err(
            0,
            "",
            format!(
                "工作表“{name}”含合并单元格（{}），请取消合并并在每一行填写完整后再导入",
                merged.join("、")
            ),
            format!(
                "Sheet “{name}” has merged cells ({}): unmerge them and fill in every row",
                merged.join(", ")
            ),
        )]);
    }
    let range = wb.worksheet_range(&name).map_err(|e| bad(e.to_string()))?;
    let formulas = wb
        .worksheet_formula(&name)
        .map_err(|e| bad(e.to_string()))?;
    let mut errors = Vec::new();
    if let Some((r0, c0)) = formulas.start() {
        for (r, c, f) in formulas.used_cells() {
            if f.is_empty() {
                continue;
            }
            let at = (r0 + r as u32, c0 + c as u32);
            if matches!(range.get_value(at), None | Some(Data::Empty)) {
                errors.push(row_err(
                    at.0 as usize + 1,
                    &cell_ref(at.0, at.1),
                    "此单元格是公式，但文件中没有保存计算结果：请在 Excel 中打开并保存后再导入",
                    "This cell is a formula saved without its value: open and save the file in Excel, then import it",
                ));
                if errors.len() >= MAX_REPORTED {
                    break;
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(range)
    } else {
        Err(errors)
    }
}

type Cells = Result<(usize, Vec<String>), RowError>;

impl Sheet<'_> {
    /// The rows with their line numbers, the header first; blank rows are skipped.
    fn iter(&self) -> Box<dyn Iterator<Item = Cells> + Send + '_> {
        match self {
            Sheet::Csv(bytes) => {
                let rdr = csv::ReaderBuilder::new()
                    .flexible(true)
                    .has_headers(false)
                    .from_reader(bytes.as_ref());
                let mut last = 0usize;
                Box::new(rdr.into_records().filter_map(move |r| match r {
                    Ok(rec) => {
                        last = rec
                            .position()
                            .map(|p| p.line() as usize)
                            .unwrap_or(last + 1);
                        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
                        (last == 1 || cells.iter().any(|c| !c.is_empty()))
                            .then_some(Ok((last, cells)))
                    }
                    Err(e) => Some(Err(row_err(
                        e.position().map(|p| p.line() as usize).unwrap_or(last + 1),
                        "",
                        format!("无法解析：{e}"),
                        format!("Cannot parse: {e}"),
                    ))),
                }))
            }
            Sheet::Xlsx(range) => {
                let first_row = range.start().map(|s| s.0 as usize).unwrap_or(0);
                Box::new(range.rows().enumerate().filter_map(move |(i, r)| {
                    let cells: Vec<String> = r.iter().map(super::table::cell_text).collect();
                    (i == 0 || cells.iter().any(|c| !c.is_empty()))
                        .then_some(Ok((first_row + i + 1, cells)))
                }))
            }
        }
    }
}

fn party_record(p: Counterpart, org_ids: &HashMap<String, Uuid>) -> PartyRecord {
    PartyRecord {
        org_id: p.credit_code.as_ref().and_then(|c| org_ids.get(c).copied()),
        name: p.name,
        credit_code: p.credit_code,
        org_type: p.org_type,
        place: p.place,
    }
}

fn record(
    c: RegisteredContent,
    now: DateTime<Utc>,
    org_ids: &HashMap<String, Uuid>,
) -> ContractRecord {
    // A registration day without its hour counts at noon, Beijing time.
    let at = app::domain::time::shanghai()
        .from_local_datetime(&c.registered_on.and_hms_opt(12, 0, 0).expect("noon"))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc);
    let seller_local = matches!(c.seller.place, app::domain::contract::Place::Nanning { .. });
    ContractRecord {
        id: Uuid::new_v4(),
        registration_number: Some(c.registration_number),
        applicant_user_id: None,
        applicant_org_id: None,
        applicant_side: if seller_local { "seller" } else { "buyer" }.into(),
        contract_type: c.contract_type,
        title: c.title,
        seller: party_record(c.seller, org_ids),
        buyer: party_record(c.buyer, org_ids),
        contract_amount_fen: c.contract_amount.fen(),
        tech_amount_fen: c.tech_amount.fen(),
        non_technical: c
            .non_technical
            .into_iter()
            .map(|(n, f)| (n, f.fen()))
            .collect(),
        signed_on: c.signed_on,
        ends_on: c.ends_on,
        chain_code: c.chain_code,
        field: c.field,
        ip_type: c.ip_type,
        plan_origin: c.plan_origin,
        demand_id: None,
        call_id: None,
        achievement_id: None,
        status: ContractStatus::Registered,
        status_reason: None,
        submitted_at: Some(at),
        registered_at: Some(at),
        source: "import".into(),
        version: 0,
        created_at: now,
        updated_at: now,
    }
}

/// Checks the whole file, then writes every new row in one transaction (one audit event for
/// the file, carrying its SHA-256). `progress(done, total)` is called as rows are checked and
/// written (total is the file's row count).
pub async fn import(
    store: &dyn Store,
    now: DateTime<Utc>,
    bytes: &[u8],
    file_name: Option<&str>,
    actor: Option<Uuid>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<ImportReport> {
    let report = |rows, imported, skipped, errors| ImportReport {
        kind: ImportKind::Contracts,
        rows,
        imported,
        skipped,
        errors,
    };
    let sheet = match open(bytes, file_name) {
        Ok(s) => s,
        Err(errors) => return Ok(report(0, 0, 0, errors)),
    };
    let refs = RefData {
        districts: store.list_districts().await?,
        chains: store.list_chains().await?,
    };
    let cat = app::records::RefSets::from(&refs);
    let names = Names::new(&refs);
    let today = now
        .with_timezone(&app::domain::time::shanghai())
        .date_naive();

    // Pass 1: every row checked; only the numbers are kept.
    let mut errors: Vec<RowError> = Vec::new();
    let mut more = 0usize;
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut rows = 0usize;
    let mut it = sheet.iter();
    let headers = match it.next() {
        None => {
            return Ok(report(
                0,
                0,
                0,
                vec![row_err(0, "", "文件是空的", "The file is empty")],
            ))
        }
        Some(Err(e)) => return Ok(report(0, 0, 0, vec![e])),
        Some(Ok((_, h))) => h,
    };
    let (map, header_errors) = column_map(&headers);
    if !header_errors.is_empty() {
        return Ok(report(0, 0, 0, header_errors));
    }
    let col_name = |code: &str| -> String {
        COLUMNS
            .iter()
            .position(|(c, _, _)| *c == code)
            .and_then(|i| map[i])
            .and_then(|i| headers.get(i).cloned())
            .unwrap_or_else(|| code.to_string())
    };
    for item in it {
        let mut push = |e: RowError| {
            if errors.len() < MAX_REPORTED {
                errors.push(e);
            } else {
                more += 1;
            }
        };
        let (line, cells) = match item {
            Ok(x) => x,
            Err(e) => {
                push(e);
                continue;
            }
        };
        rows += 1;
        let row = registry_row(&cells, &map, &names);
        match parse_registered(&row, &cat, today) {
            Ok(c) => {
                if let Some(first) = numbers.get(&c.registration_number) {
                    push(row_err(
                        line,
                        &col_name("registration_number"),
                        format!("登记编号 {} 与第 {first} 行重复", c.registration_number),
                        format!(
                            "Registration number {} repeats line {first}",
                            c.registration_number
                        ),
                    ));
                } else {
                    numbers.insert(c.registration_number, line);
                }
            }
            Err(e) => {
                for f in e.field_errors() {
                    push(row_err(
                        line,
                        &col_name(&f.field),
                        f.zh.clone(),
                        f.en.clone(),
                    ));
                }
                if e.field_errors().is_empty() {
                    push(row_err(line, "", "无法读取本行", "This row cannot be read"));
                }
            }
        }
        if rows.is_multiple_of(10_000) {
            progress(rows, 0);
        }
    }
    if rows == 0 && errors.is_empty() {
        errors.push(row_err(
            0,
            "",
            "文件中没有数据行",
            "The file has no data rows",
        ));
    }
    if more > 0 {
        errors.push(row_err(
            0,
            "",
            format!("另有 {more} 处错误未列出"),
            format!("{more} more problems are not listed"),
        ));
    }
    if !errors.is_empty() {
        return Ok(report(rows, 0, 0, errors));
    }

    // Numbers already registered are skipped; the rest are written in one transaction.
    let all: Vec<String> = numbers.into_keys().collect();
    let known: HashSet<String> = store
        .existing_registration_numbers(&all)
        .await?
        .into_iter()
        .collect();
    drop(all);
    let org_ids: HashMap<String, Uuid> = store
        .list_orgs()
        .await?
        .into_iter()
        .map(|(o, _)| (o.credit_code, o.id))
        .collect();
    let skipped = known.len();
    let new_rows = rows - skipped;
    if new_rows == 0 {
        return Ok(report(rows, 0, skipped, vec![]));
    }
    let audit = AuditEvent {
        actor_id: actor,
        entity_type: "contract_import",
        entity_id: app::ports::sha256_hex(bytes),
        action: "import".into(),
        from_state: None,
        to_state: Some(format!("{new_rows} registered")),
        reason: file_name.map(|n| n.chars().take(200).collect()),
        at: now,
    };
    // Pass 2: read again, a chunk at a time, inside one transaction.
    let mut tx = store.begin_contract_import().await?;
    let mut chunk: Vec<ContractRecord> = Vec::with_capacity(CHUNK);
    let mut written = 0usize;
    let mut done = 0usize;
    for item in sheet.iter().skip(1) {
        let Ok((_, cells)) = item else { continue };
        done += 1;
        let row = registry_row(&cells, &map, &names);
        if let Ok(c) = parse_registered(&row, &cat, today) {
            if !known.contains(&c.registration_number) {
                chunk.push(record(c, now, &org_ids));
            }
        }
        if chunk.len() >= CHUNK {
            written += tx.write(&chunk).await?;
            chunk.clear();
            progress(done, rows);
        }
    }
    if !chunk.is_empty() {
        written += tx.write(&chunk).await?;
    }
    tx.commit(&audit).await?;
    progress(rows, rows);
    Ok(report(rows, written, rows - written, vec![]))
}
