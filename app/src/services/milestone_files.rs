//! Files a team attaches to a milestone's submission (reports, test certificates, data): the
//! same content checks, limits and file store as a bid's attachments (`attachments.rs`); they
//! can change while the milestone waits for its submission or after a return, and are read by
//! whoever may read the task's reports (`policy::task_access`) — anyone else is told the file
//! does not exist.
use super::attachments::{accept_upload, stored_bytes, view_of, UploadFailure};
use super::milestones::load_milestone;
use super::tasks::team_of;
use super::*;
use crate::domain::attachment::UploadError;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::task::{MilestoneKind, MilestoneLifecycle, MilestoneStatus};
use crate::model::AttachmentView;
use crate::policy::{task_access, Actor};

/// The milestone `id` with its task, when `actor` is on the team and its files may change now.
async fn editable(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<(TaskRow, MilestoneRecord), UploadFailure> {
    let (row, m) = load_milestone(state, id).await?;
    if !task_access(Some(actor), &team_of(state, &row.task).await?).submit {
        return Err(AppError::Forbidden.into());
    }
    if !row.task.status.is_live()
        || m.kind == MilestoneKind::Start
        || !matches!(
            m.status,
            MilestoneStatus::Pending | MilestoneStatus::Rejected
        )
    {
        return Err(UploadFailure::Refused(UploadError::Locked));
    }
    Ok((row, m))
}

/// A team member attaches `bytes` (sent as `file_name`) to milestone `milestone_id`.
#[tracing::instrument(skip_all, fields(size = bytes.len()))]
pub async fn add_milestone_file(
    state: &AppState,
    actor: &Actor,
    milestone_id: Uuid,
    file_name: &str,
    bytes: &[u8],
) -> Result<AttachmentView, UploadFailure> {
    let (_, m) = editable(state, actor, milestone_id).await?;
    let rec = accept_upload(state, actor, m.id, file_name, bytes, m.files.len()).await?;
    let mut ev = audit(
        Some(actor.user_id),
        MilestoneLifecycle::ENTITY,
        m.id,
        "attach",
        rec.created_at,
    );
    ev.reason = Some(format!("{} ({})", rec.name, &rec.sha256[..12]));
    match state
        .store
        .add_milestone_file(&rec, crate::domain::attachment::MAX_PER_BID, &ev)
        .await
    {
        Ok(()) => Ok(view_of(&rec)),
        // Submitted, or filled up, between the read and the write: say which.
        Err(StoreError::Stale) => {
            editable(state, actor, milestone_id).await?;
            Err(UploadFailure::Refused(UploadError::TooMany {
                max: crate::domain::attachment::MAX_PER_BID,
            }))
        }
        Err(e) => Err(UploadFailure::Failed(internal(e))),
    }
}

/// A team member removes a file from a milestone whose files may still change.
#[tracing::instrument(skip_all)]
pub async fn remove_milestone_file(
    state: &AppState,
    actor: &Actor,
    milestone_id: Uuid,
    file_id: Uuid,
) -> Result<Uuid, AppError> {
    let (row, m) = match editable(state, actor, milestone_id).await {
        Ok(x) => x,
        Err(UploadFailure::Failed(e)) => return Err(e),
        Err(UploadFailure::Refused(r)) => {
            return Err(AppError::conflict(r.message_zh(), r.message_en()))
        }
    };
    let Some(f) = m.files.iter().find(|f| f.id == file_id) else {
        return Err(AppError::NotFound);
    };
    let mut ev = audit(
        Some(actor.user_id),
        MilestoneLifecycle::ENTITY,
        m.id,
        "detach",
        state.clock.now(),
    );
    ev.reason = Some(format!("{} ({})", f.name, &f.sha256[..12]));
    lifecycle::written::<MilestoneLifecycle>(
        state.store.remove_milestone_file(m.id, file_id, &ev).await,
    )?;
    Ok(row.task.id)
}

/// A milestone file's record and bytes, for the readers of the task's reports (others: not
/// found), checked against the hash recorded at upload.
#[tracing::instrument(skip_all)]
pub async fn milestone_file_download(
    state: &AppState,
    actor: Option<&Actor>,
    file_id: Uuid,
) -> Result<(AttachmentView, Vec<u8>), AppError> {
    let f = state
        .store
        .get_milestone_file(file_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let row = state
        .store
        .task_of_milestone(f.owner_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !task_access(actor, &team_of(state, &row.task).await?).read {
        return Err(AppError::NotFound);
    }
    stored_bytes(state, &f).await
}
