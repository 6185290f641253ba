//! In-app notifications for the events of a call that concern a person (the bell in the header),
//! each also written to the e-mail outbox. They name the event and link to the page; the page
//! decides what the reader may see, so a notification carries nothing sealed.
use super::*;
use crate::model::NotificationView;
use crate::policy::Actor;

/// One event for some people: its kind, both titles and the page it links to.
pub(crate) struct Event<'a> {
    pub kind: &'a str,
    pub zh: String,
    pub en: String,
    pub link: String,
    /// Fires once per person for this key (`None`: every time).
    pub once: Option<String>,
}

/// Tells `users` about `event` (each once), in the app and by e-mail. A failure is logged and
/// does not undo the change the event reports, which has committed already.
pub(crate) async fn notify(state: &AppState, users: &[Uuid], event: Event<'_>) {
    let now = state.clock.now();
    let mut items = vec![];
    let mut seen = vec![];
    for u in users {
        if seen.contains(u) {
            continue;
        }
        seen.push(*u);
        let Ok(Some(user)) = state.store.get_user(*u).await else {
            continue;
        };
        let url = format!(
            "{}{}",
            state.settings.public_url.trim_end_matches('/'),
            event.link
        );
        items.push((
            NotificationRecord {
                id: Uuid::new_v4(),
                user_id: *u,
                kind: event.kind.to_string(),
                title_zh: event.zh.clone(),
                title_en: event.en.clone(),
                link: event.link.clone(),
                dedupe_key: event.once.clone(),
                created_at: now,
                read_at: None,
            },
            EmailRecord {
                id: Uuid::new_v4(),
                to_email: user.email,
                subject: format!("【揭榜】{}", event.zh),
                body: format!(
                    "{}\n\n{}\n\n{}\n{url}",
                    user.display_name, event.zh, event.en
                ),
                created_at: now,
            },
        ));
    }
    if items.is_empty() {
        return;
    }
    if let Err(e) = state.store.notify(&items).await {
        tracing::error!(error = %e, kind = event.kind, "writing notifications failed");
    }
}

#[tracing::instrument(skip_all)]
pub async fn my_notifications(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<NotificationView>, AppError> {
    Ok(state
        .store
        .notifications_of(actor.user_id, 100)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            kind: n.kind,
            title_zh: n.title_zh,
            title_en: n.title_en,
            link: n.link,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn unread_notifications(state: &AppState, actor: &Actor) -> Result<i64, AppError> {
    state
        .store
        .unread_notifications(actor.user_id)
        .await
        .map_err(internal)
}

#[tracing::instrument(skip_all)]
pub async fn mark_notifications_read(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    state
        .store
        .mark_notifications_read(actor.user_id, state.clock.now())
        .await
        .map_err(internal)
}

/// Reminds the leads of draft bids on calls closing within 24 hours (once per bid). Run with
/// the window sweeper.
#[tracing::instrument(skip_all)]
pub async fn remind_draft_bids(state: &AppState) -> Result<usize, AppError> {
    use crate::domain::call::CallStatus;
    let now = state.clock.now();
    let q = CallQuery {
        statuses: vec![CallStatus::Published],
        limit: 1000,
        ..Default::default()
    };
    let (rows, _) = state.store.list_calls(&q).await.map_err(internal)?;
    let mut n = 0;
    for c in rows
        .iter()
        .filter(|c| c.call.closes_at > now && c.call.closes_at - now <= chrono::Duration::hours(24))
    {
        for (bid, lead) in state
            .store
            .draft_bids_of_call(c.call.id)
            .await
            .map_err(internal)?
        {
            let when = crate::domain::time::format_datetime(c.call.closes_at);
            notify(
                state,
                &[lead],
                Event {
                    kind: "draft_closing",
                    zh: format!("揭榜申报尚未提交：“{}”将于 {when} 截止", c.call.title),
                    en: format!(
                        "Your bid is not submitted: “{}” closes {when} (Beijing time)",
                        c.call.title
                    ),
                    link: format!("/bids/{bid}"),
                    once: Some(format!("draft_closing:{bid}")),
                },
            )
            .await;
            n += 1;
        }
    }
    Ok(n)
}
