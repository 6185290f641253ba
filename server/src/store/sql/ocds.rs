// Open data: the OCDS releases published per change of a public call.
// Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl OcdsStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn calls_due_release(&self, limit: i64) -> StoreResult<Vec<(Uuid, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT c.id, c.updated_at FROM calls c WHERE c.status <> 'draft' AND NOT EXISTS \
             (SELECT 1 FROM ocds_releases r WHERE r.call_id = c.id AND r.released_at >= c.updated_at) \
             ORDER BY c.updated_at, c.id LIMIT $1",
        )
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("updated_at")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn last_release_hash(&self, call_id: Uuid) -> StoreResult<Option<String>> {
        sqlx::query("SELECT content_hash FROM ocds_releases WHERE call_id = $1 ORDER BY seq DESC LIMIT 1")
            .bind(call_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .map(|r| r.try_get("content_hash"))
            .transpose()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn insert_release(&self, s: &ReleaseSnapshot) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO ocds_releases (call_id, released_at, release_id, content_hash, body) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(s.call_id)
        .bind(micros(s.released_at))
        .bind(&s.release_id)
        .bind(&s.content_hash)
        .bind(&s.body)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn releases_page(
        &self,
        after: i64,
        since: Option<DateTime<Utc>>,
        limit: i64,
    ) -> StoreResult<Vec<(i64, DateTime<Utc>, String)>> {
        let since = since.map(micros).unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let rows = sqlx::query(
            "SELECT seq, released_at, body FROM ocds_releases WHERE body IS NOT NULL AND seq > $1 AND released_at > $2 \
             ORDER BY seq LIMIT $3",
        )
        .bind(after)
        .bind(since)
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| Ok((r.try_get("seq")?, r.try_get("released_at")?, r.try_get("body")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }
}
