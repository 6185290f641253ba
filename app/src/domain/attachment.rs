//! Attachments to bids: which files are accepted, decided by their content (the bytes), never by
//! the name a browser sends. A name's extension is only checked against what the content is,
//! so a file renamed to `.pdf` is refused with a message that says what it really is.
//!
//! Office files (DOCX, XLSX) are ZIP packages: we read the ZIP's central directory (without
//! decompressing anything, so a "zip bomb" costs nothing) and look for the parts every such
//! package has. Macro-enabled packages are refused.
use serde::{Deserialize, Serialize};

/// The kinds of file a bid may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    Png,
    Jpeg,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Pdf,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Png,
        FileKind::Jpeg,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The extension a stored name gets when it has none of its own.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            k => k.as_str(),
        }
    }

    /// What a browser is told the file is when it downloads it.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }

    /// The name people know the kind by.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Docx => "Word (DOCX)",
            FileKind::Xlsx => "Excel (XLSX)",
            FileKind::Png => "PNG",
            FileKind::Jpeg => "JPEG",
        }
    }

    /// The kind a file name claims by its extension, if it names one of ours.
    pub fn claimed_by(name: &str) -> Option<FileKind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(FileKind::Pdf),
            "docx" => Some(FileKind::Docx),
            "xlsx" => Some(FileKind::Xlsx),
            "png" => Some(FileKind::Png),
            "jpg" | "jpeg" => Some(FileKind::Jpeg),
            _ => None,
        }
    }
}

/// The value of an HTML file input's `accept`: a hint for the browser's picker only.
pub const ACCEPT: &str = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg";

/// Default largest attachment, in bytes (configurable: `JIEBANG_MAX_UPLOAD_MB`).
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;
/// Most attachments one bid may carry.
pub const MAX_PER_BID: usize = 10;
/// Longest stored file name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// What sniffing found in bytes that are none of our kinds, when it can tell (for the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Kind(FileKind),
    /// A macro-enabled Office package (DOCM, XLSM…).
    Macro,
    Unknown,
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

fn sniff_inner(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(b"%PDF-") {
        // A complete PDF ends with an end-of-file marker, possibly followed by whitespace.
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        return if tail.windows(5).any(|w| w == b"%%EOF") {
            Sniffed::Kind(FileKind::Pdf)
        } else {
            Sniffed::Unknown
        };
    }
    if bytes.starts_with(PNG_MAGIC) {
        // The first chunk of every PNG is its 13-byte header, IHDR.
        return if bytes.len() >= 33 && &bytes[12..16] == b"IHDR" {
            Sniffed::Kind(FileKind::Png)
        } else {
            Sniffed::Unknown
        };
    }
    if bytes.len() >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF {
        return Sniffed::Kind(FileKind::Jpeg);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return match zip_entry_names(bytes) {
            Some(names) => office_kind(&names),
            None => Sniffed::Unknown,
        };
    }
    Sniffed::Unknown
}

/// The kind `bytes` really are, if they are one we accept.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    match sniff_inner(bytes) {
        Sniffed::Kind(k) => Some(k),
        _ => None,
    }
}

fn office_kind(names: &[String]) -> Sniffed {
    let has = |n: &str| names.iter().any(|e| e == n);
    if !has("[Content_Types].xml") {
        return Sniffed::Unknown;
    }
    if names
        .iter()
        .any(|e| e.to_ascii_lowercase().ends_with("vbaproject.bin"))
    {
        return Sniffed::Macro;
    }
    if has("word/document.xml") {
        Sniffed::Kind(FileKind::Docx)
    } else if has("xl/workbook.xml") {
        Sniffed::Kind(FileKind::Xlsx)
    } else {
        Sniffed::Unknown
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// The entry names in a ZIP's central directory, or `None` when it is not a well-formed ZIP
/// (every offset is bounds-checked: hostile bytes cannot make this read outside the slice).
fn zip_entry_names(b: &[u8]) -> Option<Vec<String>> {
    const EOCD: &[u8] = b"PK\x05\x06";
    // The end record is 22 bytes plus a comment of at most 65 535 bytes.
    let from = b.len().saturating_sub(22 + 65_535);
    let eocd = (from..=b.len().checked_sub(22)?)
        .rev()
        .find(|&i| &b[i..i + 4] == EOCD)?;
    let count = u16_at(b, eocd + 10)?;
    let size = u32_at(b, eocd + 12)?;
    let start = u32_at(b, eocd + 16)?;
    if start.checked_add(size)? > eocd || count > 65_535 {
        return None;
    }
    let mut names = Vec::with_capacity(count.min(4096));
    let mut at = start;
    for _ in 0..count {
        if b.get(at..at + 4)? != b"PK\x01\x02" {
            return None;
        }
        let name_len = u16_at(b, at + 28)?;
        let extra = u16_at(b, at + 30)?;
        let comment = u16_at(b, at + 32)?;
        let name = b.get(at + 46..at + 46 + name_len)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + name_len + extra + comment;
    }
    Some(names)
}

/// Why an upload was refused. Each has a short code (it travels in the address of the page
/// the browser returns to, so a crafted link can only show one of these fixed messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    Empty,
    TooLarge {
        max_bytes: u64,
    },
    TooMany {
        max: usize,
    },
    /// None of the accepted kinds.
    Unsupported,
    /// The name says one kind, the content is another one of ours (`Some`) or none (`None`).
    Mismatch {
        claimed: FileKind,
        actual: Option<FileKind>,
    },
    Macro,
    /// The form carried no file.
    Missing,
    /// The bid window is not open (the server's clock decides).
    Closed,
    /// The bid is not a draft (a submitted bid is taken back to revise first).
    NotDraft,
    /// The milestone's deliverables are submitted or decided: its files are fixed.
    Locked,
    /// Too many uploads in a short time.
    RateLimited,
}

fn mb(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

impl UploadError {
    pub fn code(&self) -> String {
        match self {
            UploadError::Empty => "empty".into(),
            UploadError::TooLarge { .. } => "too_large".into(),
            UploadError::TooMany { .. } => "too_many".into(),
            UploadError::Unsupported => "unsupported".into(),
            UploadError::Mismatch { claimed, actual } => format!(
                "mismatch.{}.{}",
                claimed.as_str(),
                actual.map(FileKind::as_str).unwrap_or("none")
            ),
            UploadError::Macro => "macro".into(),
            UploadError::Missing => "missing".into(),
            UploadError::Closed => "closed".into(),
            UploadError::NotDraft => "not_draft".into(),
            UploadError::Locked => "locked".into(),
            UploadError::RateLimited => "rate".into(),
        }
    }

    /// The error a code stands for; the limits come from the server's settings, not the code.
    pub fn from_code(code: &str, max_bytes: u64) -> Option<UploadError> {
        Some(match code {
            "empty" => UploadError::Empty,
            "too_large" => UploadError::TooLarge { max_bytes },
            "too_many" => UploadError::TooMany { max: MAX_PER_BID },
            "unsupported" => UploadError::Unsupported,
            "macro" => UploadError::Macro,
            "missing" => UploadError::Missing,
            "closed" => UploadError::Closed,
            "not_draft" => UploadError::NotDraft,
            "locked" => UploadError::Locked,
            "rate" => UploadError::RateLimited,
            other => {
                let rest = other.strip_prefix("mismatch.")?;
                let (c, a) = rest.split_once('.')?;
                UploadError::Mismatch {
                    claimed: FileKind::parse(c)?,
                    actual: if a == "none" {
                        None
                    } else {
                        Some(FileKind::parse(a)?)
                    },
                }
            }
        })
    }

    pub fn message_zh(&self) -> String {
        match self {
            UploadError::Empty => "文件为空，请重新选择".into(),
            UploadError::TooLarge { max_bytes } => {
                format!("文件超过大小上限（{} MB），未上传", mb(*max_bytes))
            }
            UploadError::TooMany { max } => {
                format!("每份申报最多 {max} 个附件，请先删除不需要的附件")
            }
            UploadError::Unsupported => {
                "只接受 PDF、DOCX、XLSX、PNG、JPEG 文件（按文件内容判断，而非文件名）".into()
            }
            UploadError::Mismatch {
                claimed,
                actual: None,
            } => format!(
                "文件名显示为 {}，但内容不是有效的 {} 文件，未上传",
                claimed.label(),
                claimed.label()
            ),
            UploadError::Mismatch {
                claimed,
                actual: Some(a),
            } => format!(
                "文件名显示为 {}，但内容是 {} 文件，请更正扩展名后重新上传",
                claimed.label(),
                a.label()
            ),
            UploadError::Macro => {
                "不接受含宏的 Office 文档（如 DOCM、XLSM），请另存为 DOCX 或 XLSX".into()
            }
            UploadError::Missing => "请选择要上传的文件".into(),
            UploadError::Closed => {
                "揭榜时间窗口未开放或已截止（以服务器时间为准），不能再更改附件".into()
            }
            UploadError::NotDraft => {
                "只有草稿可以更改附件；已提交的申报请先点击“撤回修改”，改好后重新提交".into()
            }
            UploadError::Locked => "成果已提交或已审核，附件不能再更改；被退回后可重新上传".into(),
            UploadError::RateLimited => "上传过于频繁，请稍后再试".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            UploadError::Empty => "The file is empty; choose it again".into(),
            UploadError::TooLarge { max_bytes } => format!(
                "The file is larger than the limit ({} MB) and was not uploaded",
                mb(*max_bytes)
            ),
            UploadError::TooMany { max } => {
                format!("A bid can carry at most {max} attachments; delete one first")
            }
            UploadError::Unsupported => {
                "Only PDF, DOCX, XLSX, PNG and JPEG files are accepted (judged by their content, not their name)".into()
            }
            UploadError::Mismatch {
                claimed,
                actual: None,
            } => format!(
                "The name says {}, but the content is not a valid {} file; it was not uploaded",
                claimed.label(),
                claimed.label()
            ),
            UploadError::Mismatch {
                claimed,
                actual: Some(a),
            } => format!(
                "The name says {}, but the content is a {} file; correct the extension and upload it again",
                claimed.label(),
                a.label()
            ),
            UploadError::Macro => {
                "Office documents with macros (DOCM, XLSM…) are not accepted; save as DOCX or XLSX".into()
            }
            UploadError::Missing => "Choose a file to upload".into(),
            UploadError::Closed => {
                "The bid window is not open (the server's clock decides); attachments can no longer change".into()
            }
            UploadError::NotDraft => {
                "Only a draft's attachments can change; take a submitted bid back to revise, then submit it again".into()
            }
            UploadError::Locked => {
                "The deliverables are submitted or decided and their files are fixed; after a return they can change again".into()
            }
            UploadError::RateLimited => "Too many uploads in a short time; try again later".into(),
        }
    }
}

/// A safe name to keep and offer on download: the last path segment, without control or
/// quote characters, at most [`MAX_NAME_CHARS`] characters (the extension kept), ending in the
/// content's extension.
pub fn clean_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = base
        .chars()
        .filter(|c| {
            !super::text::is_forbidden_control(*c)
                && *c != '\n'
                && *c != '\t'
                && !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|')
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    name = name.trim_start_matches('.').to_string();
    let (stem, ext) = match FileKind::claimed_by(&name) {
        Some(_) => {
            let (s, e) = name.rsplit_once('.').unwrap_or((&name, ""));
            (s.to_string(), e.to_ascii_lowercase())
        }
        None => (name.clone(), kind.extension().to_string()),
    };
    let stem = if stem.trim().is_empty() {
        "附件".to_string()
    } else {
        stem
    };
    let room = MAX_NAME_CHARS.saturating_sub(ext.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    format!("{}.{ext}", stem.trim_end())
}

/// An accepted upload: what it is and the name to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub kind: FileKind,
    pub name: String,
}

/// Decides on an upload: its size, then its content, then whether its name tells the truth.
pub fn check(name: &str, bytes: &[u8], max_bytes: u64) -> Result<Accepted, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() as u64 > max_bytes {
        return Err(UploadError::TooLarge { max_bytes });
    }
    let claimed = FileKind::claimed_by(name);
    let kind = match (sniff_inner(bytes), claimed) {
        (Sniffed::Macro, _) => return Err(UploadError::Macro),
        (Sniffed::Kind(k), Some(c)) if k != c => {
            return Err(UploadError::Mismatch {
                claimed: c,
                actual: Some(k),
            })
        }
        (Sniffed::Kind(k), _) => k,
        (Sniffed::Unknown, Some(c)) => {
            return Err(UploadError::Mismatch {
                claimed: c,
                actual: None,
            })
        }
        (Sniffed::Unknown, None) => return Err(UploadError::Unsupported),
    };
    Ok(Accepted {
        kind,
        name: clean_name(name, kind),
    })
}

/// Test fixtures: the smallest well-formed file of each kind, and a ZIP writer for packages.
#[cfg(any(test, feature = "ssr"))]
pub mod fixtures {
    /// A ZIP of `entries` stored uncompressed (CRCs left zero: nothing here reads them).
    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = vec![];
        let mut central = vec![];
        for (name, data) in entries {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 4]); // crc
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&[0; 4]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    pub fn pdf(text: &str) -> Vec<u8> {
        format!("%PDF-1.4\n1 0 obj<<>>endobj\n% {text}\ntrailer<<>>\n%%EOF\n").into_bytes()
    }

    pub fn png() -> Vec<u8> {
        let mut b = super::PNG_MAGIC.to_vec();
        b.extend_from_slice(&[0, 0, 0, 13]);
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        b.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
        b.extend_from_slice(&[0, 0, 0, 0]);
        b.extend_from_slice(b"IEND");
        b.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
        b
    }

    pub fn jpeg() -> Vec<u8> {
        vec![
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 0xFF, 0xD9,
        ]
    }

    pub fn docx() -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ])
    }

    pub fn xlsx() -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    const MAX: u64 = 1024 * 1024;

    #[test]
    fn each_accepted_kind_is_recognized_by_its_content() {
        for (bytes, kind) in [
            (pdf("x"), FileKind::Pdf),
            (png(), FileKind::Png),
            (jpeg(), FileKind::Jpeg),
            (docx(), FileKind::Docx),
            (xlsx(), FileKind::Xlsx),
        ] {
            assert_eq!(sniff(&bytes), Some(kind));
            // Named truthfully, misnamed without extension: both accepted by content.
            let name = format!("方案.{}", kind.extension());
            assert_eq!(check(&name, &bytes, MAX).unwrap().kind, kind);
            let a = check("方案", &bytes, MAX).unwrap();
            assert_eq!(a.name, format!("方案.{}", kind.extension()));
        }
    }

    #[test]
    fn a_file_that_claims_to_be_a_pdf_but_is_not_is_refused_with_what_it_is() {
        let e = check("技术方案.pdf", b"MZ\x90\x00 this is a program", MAX).unwrap_err();
        assert_eq!(
            e,
            UploadError::Mismatch {
                claimed: FileKind::Pdf,
                actual: None
            }
        );
        assert!(e.message_zh().contains("不是有效的 PDF"));
        let e = check("照片.pdf", &png(), MAX).unwrap_err();
        assert!(e.message_zh().contains("内容是 PNG"), "{}", e.message_zh());
        assert!(e.message_en().contains("content is a PNG"));
        // A PDF header without its end (a truncated or disguised file) is not a PDF.
        assert!(check("a.pdf", b"%PDF-1.7\n<script>", MAX).is_err());
        // A plain ZIP, or an HTML page, is none of ours.
        assert_eq!(
            check("a.zip", &zip(&[("a.txt", b"x")]), MAX).unwrap_err(),
            UploadError::Unsupported
        );
        assert_eq!(
            check("a.html", b"<html><script>alert(1)</script>", MAX).unwrap_err(),
            UploadError::Unsupported
        );
        assert_eq!(
            check("a.docx", &zip(&[("a.txt", b"x")]), MAX).unwrap_err(),
            UploadError::Mismatch {
                claimed: FileKind::Docx,
                actual: None
            }
        );
    }

    #[test]
    fn size_emptiness_and_macros_are_refused() {
        assert_eq!(check("a.pdf", b"", MAX).unwrap_err(), UploadError::Empty);
        let mut big = pdf("x");
        big.resize(MAX as usize + 1, b' ');
        assert_eq!(
            check("a.pdf", &big, MAX).unwrap_err(),
            UploadError::TooLarge { max_bytes: MAX }
        );
        assert!(check("a.pdf", &big[..MAX as usize], MAX)
            .is_err_and(|e| e != UploadError::TooLarge { max_bytes: MAX }));
        let docm = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
            ("word/vbaProject.bin", b"\0"),
        ]);
        assert_eq!(check("a.docx", &docm, MAX).unwrap_err(), UploadError::Macro);
        assert!(UploadError::TooLarge { max_bytes: MAX }
            .message_zh()
            .contains("1 MB"));
        assert!(UploadError::TooLarge {
            max_bytes: 20 * 1024 * 1024
        }
        .message_en()
        .contains("20 MB"));
    }

    #[test]
    fn hostile_zip_structures_are_read_safely() {
        let mut d = docx();
        // Point the central directory past the end, then truncate: never a panic, never a kind.
        let n = d.len();
        d[n - 6..n - 2].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(sniff(&d), None);
        let d = docx();
        for cut in 0..d.len() {
            let _ = sniff(&d[..cut]);
        }
        assert_eq!(sniff(b"PK\x03\x04"), None);
    }

    #[test]
    fn names_are_cleaned_but_keep_chinese() {
        assert_eq!(
            clean_name("C:\\fakepath\\技术方案.PDF", FileKind::Pdf),
            "技术方案.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd", FileKind::Pdf), "passwd.pdf");
        assert_eq!(clean_name("a\"<b>\u{0}.png", FileKind::Png), "ab.png");
        // A right-to-left override cannot make "报告fdp.exe" read as "报告exe.pdf".
        assert_eq!(
            clean_name("报告\u{202E}fdp.exe", FileKind::Pdf),
            "报告fdp.exe.pdf"
        );
        assert_eq!(clean_name("数\u{200B}据.pdf", FileKind::Pdf), "数据.pdf");
        assert_eq!(clean_name("...", FileKind::Jpeg), "附件.jpg");
        let long = "长".repeat(300) + ".xlsx";
        let n = clean_name(&long, FileKind::Xlsx);
        assert_eq!(n.chars().count(), MAX_NAME_CHARS);
        assert!(n.ends_with(".xlsx"));
    }

    #[test]
    fn error_codes_round_trip_and_unknown_codes_show_nothing() {
        for e in [
            UploadError::Empty,
            UploadError::TooLarge { max_bytes: MAX },
            UploadError::TooMany { max: MAX_PER_BID },
            UploadError::Unsupported,
            UploadError::Macro,
            UploadError::Missing,
            UploadError::Closed,
            UploadError::NotDraft,
            UploadError::Locked,
            UploadError::RateLimited,
            UploadError::Mismatch {
                claimed: FileKind::Pdf,
                actual: None,
            },
            UploadError::Mismatch {
                claimed: FileKind::Docx,
                actual: Some(FileKind::Xlsx),
            },
        ] {
            assert_eq!(UploadError::from_code(&e.code(), MAX), Some(e));
        }
        assert_eq!(UploadError::from_code("<script>", MAX), None);
        assert_eq!(UploadError::from_code("mismatch.pdf.exe", MAX), None);
    }
}
