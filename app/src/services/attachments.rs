//! Bid attachments: the team uploads files to its draft (checked by content, kept outside the
//! database by SHA-256), removes them, and whoever may read the bid downloads them. The same
//! `policy::bid_access` that seals the bid seals its files: a reader it refuses is told the
//! file does not exist.
use super::bids::load_for;
use super::calls::call_summary;
use super::*;
use crate::domain::attachment::{self, UploadError};
use crate::domain::bid::{BidLifecycle, BidStatus};
use crate::domain::lifecycle::Lifecycle;
use crate::model::AttachmentView;
use crate::policy::Actor;

/// Why an upload did not happen: a refusal the form shows next to the file field, or an error
/// of the request itself (not found, forbidden, a failure).
#[derive(Debug)]
pub enum UploadFailure {
    Refused(UploadError),
    Failed(AppError),
}

impl From<AppError> for UploadFailure {
    fn from(e: AppError) -> Self {
        UploadFailure::Failed(e)
    }
}

pub(crate) fn view_of(a: &AttachmentRecord) -> AttachmentView {
    AttachmentView {
        id: a.id,
        name: a.name.clone(),
        size: a.size,
        kind: a.kind,
        sha256: a.sha256.clone(),
        uploaded_at: a.created_at,
    }
}

/// Checks an upload to `owner_id` (a bid or a milestone) that holds `held` files already:
/// its content, the count, the uploader's rate; then keeps the bytes in the file store (before
/// the database names them) and returns the record to write.
pub(crate) async fn accept_upload(
    state: &AppState,
    actor: &Actor,
    owner_id: Uuid,
    file_name: &str,
    bytes: &[u8],
    held: usize,
) -> Result<AttachmentRecord, UploadFailure> {
    // Every upload counts, a refused one too: checking a file costs the server its reading.
    let now = state.clock.now();
    let charge = Charge::new(UPLOAD_PERSON, &actor.user_id.to_string());
    if spend(state, &[charge], now)
        .await
        .map_err(UploadFailure::Failed)?
        .is_none()
    {
        return Err(UploadFailure::Refused(UploadError::RateLimited));
    }
    let accepted = attachment::check(file_name, bytes, state.settings.max_upload_bytes)
        .map_err(UploadFailure::Refused)?;
    if held >= attachment::MAX_PER_BID {
        return Err(UploadFailure::Refused(UploadError::TooMany {
            max: attachment::MAX_PER_BID,
        }));
    }
    let sha256 = state.files.put(bytes).await.map_err(internal)?;
    Ok(AttachmentRecord {
        id: Uuid::new_v4(),
        owner_id,
        sha256,
        name: accepted.name,
        size: bytes.len() as i64,
        kind: accepted.kind,
        uploaded_by: actor.user_id,
        created_at: now,
    })
}

/// The stored bytes of `a`, checked against the hash recorded at upload.
pub(crate) async fn stored_bytes(
    state: &AppState,
    a: &AttachmentRecord,
) -> Result<(AttachmentView, Vec<u8>), AppError> {
    let bytes = state
        .files
        .get(&a.sha256)
        .await
        .map_err(internal)?
        .filter(|b| sha256_hex(b) == a.sha256);
    match bytes {
        Some(b) => Ok((view_of(a), b)),
        None => {
            tracing::error!(attachment = %a.id, sha256 = %a.sha256, "attachment file missing or altered");
            Err(AppError::conflict(
                "附件文件缺失或与提交时不一致，请联系平台管理员",
                "The attachment's file is missing or differs from what was submitted; contact the platform's administrators",
            ))
        }
    }
}

/// The draft `bid_id` the lead may change now, or why not.
async fn editable_draft(
    state: &AppState,
    actor: &Actor,
    bid_id: Uuid,
) -> Result<BidRow, UploadFailure> {
    let (row, call, access) = load_for(state, Some(actor), bid_id).await?;
    if !access.lead {
        return Err(AppError::Forbidden.into());
    }
    if !call_summary(&call).window_open(state.clock.now()) {
        return Err(UploadFailure::Refused(UploadError::Closed));
    }
    if row.bid.status != BidStatus::Draft {
        return Err(UploadFailure::Refused(UploadError::NotDraft));
    }
    Ok(row)
}

/// The lead attaches `bytes` (sent as `file_name`) to the draft `bid_id`.
#[tracing::instrument(skip_all, fields(size = bytes.len()))]
pub async fn add_attachment(
    state: &AppState,
    actor: &Actor,
    bid_id: Uuid,
    file_name: &str,
    bytes: &[u8],
) -> Result<AttachmentView, UploadFailure> {
    let row = editable_draft(state, actor, bid_id).await?;
    let rec = accept_upload(
        state,
        actor,
        bid_id,
        file_name,
        bytes,
        row.attachments.len(),
    )
    .await?;
    let now = rec.created_at;
    let mut ev = audit(
        Some(actor.user_id),
        BidLifecycle::ENTITY,
        bid_id,
        "attach",
        now,
    );
    ev.reason = Some(format!("{} ({})", rec.name, &rec.sha256[..12]));
    match state
        .store
        .add_bid_attachment(&rec, attachment::MAX_PER_BID, &ev)
        .await
    {
        Ok(()) => Ok(view_of(&rec)),
        // Submitted, or filled up, between the read and the write: say which.
        Err(StoreError::Stale) => {
            let now_row = editable_draft(state, actor, bid_id).await?;
            if now_row.attachments.len() >= attachment::MAX_PER_BID {
                Err(UploadFailure::Refused(UploadError::TooMany {
                    max: attachment::MAX_PER_BID,
                }))
            } else {
                Err(UploadFailure::Failed(lifecycle::stale::<BidLifecycle>()))
            }
        }
        Err(e) => Err(UploadFailure::Failed(internal(e))),
    }
}

/// The lead removes an attachment from the draft.
#[tracing::instrument(skip_all)]
pub async fn remove_attachment(
    state: &AppState,
    actor: &Actor,
    bid_id: Uuid,
    attachment_id: Uuid,
) -> Result<(), AppError> {
    let row = match editable_draft(state, actor, bid_id).await {
        Ok(r) => r,
        Err(UploadFailure::Failed(e)) => return Err(e),
        Err(UploadFailure::Refused(r)) => {
            return Err(AppError::conflict(r.message_zh(), r.message_en()))
        }
    };
    let Some(a) = row.attachments.iter().find(|a| a.id == attachment_id) else {
        return Err(AppError::NotFound);
    };
    let now = state.clock.now();
    let mut ev = audit(
        Some(actor.user_id),
        BidLifecycle::ENTITY,
        bid_id,
        "detach",
        now,
    );
    ev.reason = Some(format!("{} ({})", a.name, &a.sha256[..12]));
    lifecycle::written::<BidLifecycle>(
        state
            .store
            .remove_bid_attachment(bid_id, attachment_id, &ev)
            .await,
    )
}

/// An attachment's record and bytes, for a reader the bid's seal admits (others: not found).
/// The bytes are checked against the hash the bid committed to before they are handed out.
#[tracing::instrument(skip_all)]
pub async fn attachment_download(
    state: &AppState,
    actor: Option<&Actor>,
    attachment_id: Uuid,
) -> Result<(AttachmentView, Vec<u8>), AppError> {
    let a = state
        .store
        .get_attachment(attachment_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    load_for(state, actor, a.owner_id).await?;
    stored_bytes(state, &a).await
}

/// Whether every attachment's stored bytes still hash to what the bid says (for the receipt
/// check: a file changed on disk after submission breaks the receipt like changed text does).
pub(crate) async fn files_intact(state: &AppState, row: &BidRow) -> Result<bool, AppError> {
    for a in &row.attachments {
        let ok = state
            .files
            .get(&a.sha256)
            .await
            .map_err(internal)?
            .is_some_and(|b| sha256_hex(&b) == a.sha256);
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}
