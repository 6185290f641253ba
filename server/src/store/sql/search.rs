// The search outbox, and the keys a rebuild walks (what a record looks like in the index is app::services::indexing). Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl SearchOutboxStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn pending_search_updates(&self) -> StoreResult<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM search_outbox WHERE processed_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn search_outbox_batch(&self, limit: i64) -> StoreResult<Vec<(i64, String, String)>> {
        let rows = sqlx::query("SELECT id, entity_type, entity_id FROM search_outbox WHERE processed_at IS NULL ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("entity_type")?,
                    r.try_get("entity_id")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn claim_search_batch(
        &self,
        worker: &str,
        limit: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<(i64, String, String)>> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        if BACKEND == "postgres" {
            // One claimer at a time across app servers; released at commit.
            sqlx::query("SELECT pg_advisory_xact_lock(7340025)")
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        let rows = sqlx::query(
            "UPDATE search_outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN ( \
                SELECT o.id FROM search_outbox o WHERE o.processed_at IS NULL \
                AND NOT EXISTS (SELECT 1 FROM search_outbox c WHERE c.entity_type = o.entity_type \
                    AND c.entity_id = o.entity_id AND c.processed_at IS NULL \
                    AND c.claimed_until > $3 AND c.claimed_by <> $1) \
                ORDER BY o.id LIMIT $4) \
             RETURNING id, entity_type, entity_id",
        )
        .bind(worker)
        .bind(micros(until))
        .bind(micros(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        let mut out = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("entity_type")?, r.try_get("entity_id")?)))
            .collect::<Result<Vec<(i64, String, String)>, sqlx::Error>>()
            .map_err(map_err)?;
        out.sort_by_key(|r| r.0);
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_search_processed(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
        for chunk in ids.chunks(500) {
            let ph: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "UPDATE search_outbox SET processed_at = $1 WHERE id IN ({})",
                ph.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(micros(at));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&self.pool).await.map_err(map_err)?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn search_entity_keys(&self) -> StoreResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        for (kind, sql) in [
            ("demand", "SELECT id FROM demands"),
            ("achievement", "SELECT id FROM achievements"),
            ("expert", "SELECT user_id AS id FROM expert_profiles"),
            ("organization", "SELECT id FROM organizations"),
            ("call", "SELECT id FROM calls"),
        ] {
            for r in sqlx::query(sql)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?
            {
                let id: Uuid = r.try_get("id").map_err(map_err)?;
                out.push((kind.to_string(), id.to_string()));
            }
        }
        Ok(out)
    }
}
