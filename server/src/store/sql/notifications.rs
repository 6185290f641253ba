// In-app notifications and their e-mails. Included into both the SQLite and the PostgreSQL
// module (see ../mod.rs).

fn notification_from(r: &DbRow) -> Result<NotificationRecord, sqlx::Error> {
    Ok(NotificationRecord {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        kind: r.try_get("kind")?,
        title_zh: r.try_get("title_zh")?,
        title_en: r.try_get("title_en")?,
        link: r.try_get("link")?,
        dedupe_key: r.try_get("dedupe_key")?,
        created_at: r.try_get("created_at")?,
        read_at: r.try_get("read_at")?,
    })
}

#[async_trait]
impl NotificationStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn notify(&self, items: &[(NotificationRecord, EmailRecord)]) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut n = 0;
        for (x, mail) in items {
            let r = sqlx::query(
                "INSERT INTO notifications (id, user_id, kind, title_zh, title_en, link, dedupe_key, created_at, read_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) ON CONFLICT (user_id, dedupe_key) DO NOTHING",
            )
            .bind(x.id)
            .bind(x.user_id)
            .bind(&x.kind)
            .bind(&x.title_zh)
            .bind(&x.title_en)
            .bind(&x.link)
            .bind(&x.dedupe_key)
            .bind(micros(x.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if r.rows_affected() == 0 {
                continue;
            }
            n += 1;
            sqlx::query("INSERT INTO email_outbox (id, to_email, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(mail.id)
                .bind(&mail.to_email)
                .bind(&mail.subject)
                .bind(&mail.body)
                .bind(micros(mail.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(n)
    }

    #[tracing::instrument(skip_all)]
    async fn notifications_of(&self, user_id: Uuid, limit: i64) -> StoreResult<Vec<NotificationRecord>> {
        let rows = sqlx::query(
            "SELECT id, user_id, kind, title_zh, title_en, link, dedupe_key, created_at, read_at FROM notifications \
             WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2",
        )
        .bind(user_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(notification_from).collect::<Result<Vec<_>, _>>().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn unread_notifications(&self, user_id: Uuid) -> StoreResult<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_notifications_read(&self, user_id: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(micros(at))
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }
}
