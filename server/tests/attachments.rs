//! Bid attachments on both engines: files checked by content (a fake PDF, an oversized file, a
//! macro document and an eleventh file are refused and change nothing), kept outside the
//! database by SHA-256, sealed like the bid they belong to, committed to by the receipt (a file
//! altered on disk afterwards breaks the receipt), and uploaded and downloaded over HTTP.
mod common;

use app::domain::attachment::{fixtures, FileKind, UploadError, MAX_PER_BID};
use app::domain::bid::BidAction;
use app::domain::demand::DemandAction;
use app::model::ReceiptCheck;
use app::policy::Actor;
use app::ports::{sha256_hex, AppState, FakeClock};
use app::services::{self, UploadFailure};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Duration;
use common::calls::*;
use common::each_backend;
use common::http::{api_token, send};
use common::people::{form, official};
use std::path::PathBuf;
use std::sync::Arc;
use uuid::Uuid;

struct Setup {
    s: AppState,
    clock: Arc<FakeClock>,
    files_dir: PathBuf,
    off: Actor,
    ent: Actor,
    call: Uuid,
}

/// A published call from an enterprise's demand, the window open, attachments kept in a
/// directory the test can reach.
async fn setup(b: &common::Backend, tag: &str) -> Setup {
    let clock = Arc::new(FakeClock::at(start()));
    let mut s = common::seeded_state_at(b, clock.clone()).await;
    let files_dir = std::env::temp_dir().join(format!("jb-attach-{}", Uuid::new_v4()));
    s.files = Arc::new(server::files::DiskFiles::new(&files_dir).unwrap());
    let off = official(&s, b, &format!("{tag}-off@example.cn"), "91450100JBATTA001").await;
    let ent = person(
        &s,
        &format!("{tag}-ent@example.cn"),
        "91450100JBATTA002",
        "enterprise",
    )
    .await;
    let demand = services::create_demand(&s, &ent, &form(), true)
        .await
        .unwrap();
    services::demand_action(&s, &off, demand, DemandAction::Approve, None)
        .await
        .unwrap();
    let call = services::create_call(&s, &off, &call_form(vec![demand]), true)
        .await
        .unwrap();
    clock.set(opens() + Duration::hours(1));
    Setup {
        s,
        clock,
        files_dir,
        off,
        ent,
        call,
    }
}

fn refused(r: Result<app::model::AttachmentView, UploadFailure>) -> UploadError {
    match r {
        Err(UploadFailure::Refused(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        files_under(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

async fn attachment_count(s: &AppState, lead: &Actor, bid: Uuid) -> usize {
    services::bid_detail(s, Some(lead), bid)
        .await
        .unwrap()
        .attachments
        .len()
}

#[tokio::test]
async fn attachments_are_checked_by_content_sealed_and_committed_to_by_the_receipt() {
    each_backend(|b| async move {
        let Setup {
            s,
            clock,
            files_dir,
            off,
            ent,
            call,
        } = setup(&b, "att").await;
        let a = person(&s, "att-a@example.cn", "12450100JBATTA003", "university").await;
        let other = person(&s, "att-b@example.cn", "12450100JBATTA004", "institute").await;
        let bid = services::save_bid(&s, &a, call, None, &bid_form(""), false)
            .await
            .unwrap();
        let other_bid = services::save_bid(&s, &other, call, None, &bid_form(""), false)
            .await
            .unwrap();

        // A real PDF is kept under its hash, outside the database.
        let pdf = fixtures::pdf("技术方案正文");
        let v = services::add_attachment(&s, &a, bid, "技术方案.pdf", &pdf)
            .await
            .unwrap();
        assert_eq!(v.kind, FileKind::Pdf);
        assert_eq!(v.sha256, sha256_hex(&pdf));
        assert_eq!(v.name, "技术方案.pdf");
        let on_disk = files_dir.join(&v.sha256[..2]).join(&v.sha256);
        assert_eq!(std::fs::read(&on_disk).unwrap(), pdf);
        let docx = services::add_attachment(&s, &a, bid, "预算表", &fixtures::docx())
            .await
            .unwrap();
        assert_eq!(docx.kind, FileKind::Docx);
        assert_eq!(docx.name, "预算表.docx", "the content's extension is added");

        // Bad files are refused with a message and change nothing.
        let before_files = files_under(&files_dir);
        let e = refused(
            services::add_attachment(&s, &a, bid, "伪装.pdf", b"MZ\x90\0not a pdf at all").await,
        );
        assert!(
            e.message_zh().contains("不是有效的 PDF"),
            "{}",
            e.message_zh()
        );
        let e = refused(services::add_attachment(&s, &a, bid, "照片.pdf", &fixtures::png()).await);
        assert!(e.message_zh().contains("内容是 PNG"));
        let docm = fixtures::zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
            ("word/vbaProject.bin", b"\0"),
        ]);
        assert_eq!(
            refused(services::add_attachment(&s, &a, bid, "宏.docx", &docm).await),
            UploadError::Macro
        );
        let mut small = s.clone();
        small.settings.max_upload_bytes = 1024;
        let mut big = fixtures::pdf("大文件");
        big.resize(1025, b' ');
        assert_eq!(
            refused(services::add_attachment(&small, &a, bid, "大.pdf", &big).await),
            UploadError::TooLarge { max_bytes: 1024 }
        );
        assert_eq!(
            refused(services::add_attachment(&s, &a, bid, "空.pdf", b"").await),
            UploadError::Empty
        );
        assert_eq!(attachment_count(&s, &a, bid).await, 2);
        assert_eq!(
            files_under(&files_dir),
            before_files,
            "no refused file reached the file store"
        );

        // Another team cannot attach to, list or download this bid's files: they do not exist
        // for it. Nor can the co-funder, an official (before the close) or a visitor.
        assert!(matches!(
            services::add_attachment(&s, &other, bid, "x.pdf", &pdf).await,
            Err(UploadFailure::Failed(app::error::AppError::NotFound))
        ));
        for reader in [Some(&other), Some(&ent), Some(&off), None] {
            assert_eq!(
                services::attachment_download(&s, reader, v.id)
                    .await
                    .unwrap_err(),
                app::error::AppError::NotFound
            );
        }
        let (got, bytes) = services::attachment_download(&s, Some(&a), v.id)
            .await
            .unwrap();
        assert_eq!(
            (got.name.as_str(), bytes.as_slice()),
            ("技术方案.pdf", pdf.as_slice())
        );

        // The eleventh file is refused.
        for i in 0..MAX_PER_BID {
            services::add_attachment(
                &s,
                &other,
                other_bid,
                &format!("图{i}.png"),
                &fixtures::png(),
            )
            .await
            .unwrap();
        }
        assert_eq!(
            refused(
                services::add_attachment(&s, &other, other_bid, "多.png", &fixtures::png()).await
            ),
            UploadError::TooMany { max: MAX_PER_BID }
        );

        // The receipt commits to the files; a submitted bid's files are fixed.
        services::bid_action(&s, &a, bid, BidAction::Submit, None)
            .await
            .unwrap();
        let d = services::bid_detail(&s, Some(&a), bid).await.unwrap();
        let first = d.receipts[0].clone();
        assert_eq!(first.attachments.len(), 2);
        assert!(first
            .attachments
            .iter()
            .any(|x| x.sha256 == v.sha256 && x.size == pdf.len() as u64));
        assert_eq!(
            refused(services::add_attachment(&s, &a, bid, "晚.png", &fixtures::png()).await),
            UploadError::NotDraft
        );
        assert!(services::remove_attachment(&s, &a, bid, docx.id)
            .await
            .is_err());
        assert_eq!(attachment_count(&s, &a, bid).await, 2);

        // Taken back, one file removed, submitted again: a new receipt without it.
        services::bid_action(&s, &a, bid, BidAction::Revise, None)
            .await
            .unwrap();
        services::remove_attachment(&s, &a, bid, docx.id)
            .await
            .unwrap();
        clock.advance(Duration::seconds(5));
        // A submission computed from an earlier read (before an edit or upload) cannot land:
        // the store holds it to the version its receipt was computed from.
        let row = b.store.get_bid(bid).await.unwrap().unwrap();
        let change = app::ports::StatusChange::of::<app::domain::bid::BidLifecycle>(
            bid,
            app::domain::bid::BidStatus::Draft,
            app::domain::bid::BidStatus::Submitted,
            None,
        );
        let stale_receipt = app::model::BidReceipt {
            bid_id: bid,
            call_id: call,
            submitted_at: app::ports::Clock::now(clock.as_ref()),
            sha256: "0".repeat(64),
            attachments: vec![],
        };
        let ev = app::ports::AuditEvent {
            actor_id: Some(a.user_id),
            entity_type: "bid",
            entity_id: bid.to_string(),
            action: "submit".into(),
            from_state: None,
            to_state: None,
            reason: None,
            at: stale_receipt.submitted_at,
        };
        assert!(matches!(
            b.store
                .submit_bid(&change, &stale_receipt, row.bid.version - 1, &ev)
                .await,
            Err(app::ports::StoreError::Stale)
        ));
        services::bid_action(&s, &a, bid, BidAction::Submit, None)
            .await
            .unwrap();
        let d = services::bid_detail(&s, Some(&a), bid).await.unwrap();
        let latest = d.receipts[0].clone();
        assert_ne!(latest.sha256, first.sha256);
        assert_eq!(latest.attachments.len(), 1);
        assert_eq!(d.attachments.len(), 1);
        let history: Vec<String> = d.history.iter().map(|h| h.action.clone()).collect();
        assert!(history.iter().any(|h| h == "attach") && history.iter().any(|h| h == "detach"));

        // After the close officials read the files; the co-funder and the other team still not.
        clock.set(closes() + Duration::minutes(1));
        services::close_due_calls(&s).await.unwrap();
        let (_, bytes) = services::attachment_download(&s, Some(&off), v.id)
            .await
            .unwrap();
        assert_eq!(bytes, pdf);
        for reader in [Some(&other), Some(&ent), None] {
            assert!(services::attachment_download(&s, reader, v.id)
                .await
                .is_err());
        }
        assert!(matches!(
            services::verify_receipt(&s, &latest.sha256).await.unwrap(),
            ReceiptCheck::Matches { .. }
        ));

        // A file altered on disk after the submission breaks the receipt, and is not served.
        std::fs::write(&on_disk, fixtures::pdf("篡改后的内容")).unwrap();
        assert!(matches!(
            services::verify_receipt(&s, &latest.sha256).await.unwrap(),
            ReceiptCheck::Mismatch { .. }
        ));
        let e = services::attachment_download(&s, Some(&off), v.id)
            .await
            .unwrap_err();
        assert!(conflict(&e).contains("不一致"));
        std::fs::remove_dir_all(&files_dir).ok();
    })
    .await;
}

/// A multipart body with one file part (and the boundary to name in the content type).
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----jiebang-test-boundary".to_string();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

fn upload(
    bid: Uuid,
    token: Option<&str>,
    name: &str,
    bytes: &[u8],
    same_site: bool,
) -> Request<Body> {
    let (boundary, body) = multipart(name, bytes);
    let mut r = Request::post(format!("/bids/{bid}/attachments"))
        .header(header::HOST, "127.0.0.1:3000")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::CONTENT_LENGTH, body.len());
    if same_site {
        r = r.header("sec-fetch-site", "same-origin");
    }
    if let Some(t) = token {
        r = r.header(header::COOKIE, format!("jb_session={t}"));
    }
    r.body(Body::from(body)).unwrap()
}

fn location(h: &header::HeaderMap) -> String {
    h.get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn files_are_uploaded_by_a_plain_form_and_downloaded_only_by_readers_of_the_bid() {
    each_backend(|b| async move {
        let Setup { mut s, call, .. } = setup(&b, "http").await;
        s.settings.max_upload_bytes = 64 * 1024;
        let app = server::router(s.clone());
        let a = person(&s, "http-a@example.cn", "12450100JBATTA005", "university").await;
        person(&s, "http-b@example.cn", "12450100JBATTA006", "institute").await;
        let bid = services::save_bid(&s, &a, call, None, &bid_form(""), false)
            .await
            .unwrap();
        let token = api_token(&app, "http-a@example.cn", "Correct-horse-9").await;
        let other = api_token(&app, "http-b@example.cn", "Correct-horse-9").await;

        let pdf = fixtures::pdf("表单上传");
        let (st, h, _) = send(&app, upload(bid, Some(&token), "申报书.pdf", &pdf, true)).await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        assert_eq!(location(&h), format!("/bids/{bid}?uploaded=1#attachments"));

        // Refusals come back as a fixed code the page turns into a message.
        let (_, h, _) = send(&app, upload(bid, Some(&token), "伪装.pdf", b"<html>", true)).await;
        assert_eq!(
            location(&h),
            format!("/bids/{bid}?upload_error=mismatch.pdf.none#attachments")
        );
        let big = vec![b'%'; 64 * 1024 + 1];
        let (st, h, body) = send(&app, upload(bid, Some(&token), "大.pdf", &big, true)).await;
        assert!(
            location(&h).contains("upload_error=too_large"),
            "{st} {body} {h:?}"
        );
        let huge = vec![0u8; 200 * 1024];
        let (_, h, _) = send(&app, upload(bid, Some(&token), "巨大.pdf", &huge, true)).await;
        assert!(location(&h).contains("upload_error=too_large"), "{h:?}");
        // Another site's page cannot upload with the team's cookie; a visitor is sent to sign in;
        // another team is told the bid does not exist.
        let (st, _, _) = send(&app, upload(bid, Some(&token), "跨站.pdf", &pdf, false)).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, h, _) = send(&app, upload(bid, None, "访客.pdf", &pdf, true)).await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        assert!(location(&h).starts_with("/login"));
        let (st, _, _) = send(&app, upload(bid, Some(&other), "他队.pdf", &pdf, true)).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let d = services::bid_detail(&s, Some(&a), bid).await.unwrap();
        assert_eq!(d.attachments.len(), 1, "only the good file was kept");
        let att = d.attachments[0].id;

        // The page shows the refusal in the reader's language; an unknown code shows nothing.
        let page = |q: &str| {
            Request::get(format!("/bids/{bid}?{q}"))
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, format!("jb_session={token}"))
                .body(Body::empty())
                .unwrap()
        };
        let (_, _, html) = send(&app, page("upload_error=mismatch.pdf.none")).await;
        assert!(
            html.contains("文件名显示为 PDF，但内容不是有效的 PDF 文件"),
            "{html}"
        );
        assert!(html.contains("申报书.pdf") && html.contains("upload-form"));
        let (_, _, html) = send(&app, page("upload_error=%3Cscript%3Ealert(1)%3C/script%3E")).await;
        assert!(!html.contains("data-testid=\"upload-error\"") && !html.contains("<script>alert"));

        // The download: the sniffed type, saved not opened, never cached; 404 for others.
        let get = |t: Option<&str>| {
            let mut r = Request::get(format!("/api/v1/attachments/{att}"))
                .header(header::HOST, "127.0.0.1:3000");
            if let Some(t) = t {
                r = r.header(header::COOKIE, format!("jb_session={t}"));
            }
            r.body(Body::empty()).unwrap()
        };
        let (st, h, body) = send(&app, get(Some(&token))).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
        assert!(h[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::CACHE_CONTROL], "private, no-store");
        assert_eq!(body.as_bytes(), pdf.as_slice());
        for t in [Some(other.as_str()), None] {
            let (st, _, body) = send(&app, get(t)).await;
            assert_eq!(st, StatusCode::NOT_FOUND);
            assert!(!body.contains("申报书"));
        }
    })
    .await;
}
