// Rate limits: counted attempts under hashed keys, one row each, shared by every app server.
// Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl LimitStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn count_rate_hits(&self, keys: &[(String, DateTime<Utc>)]) -> StoreResult<Vec<i64>> {
        let mut out = Vec::with_capacity(keys.len());
        for (key, since) in keys {
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM rate_hits WHERE key = $1 AND at > $2")
                .bind(key)
                .bind(since.timestamp_micros())
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get("n"))
                .map_err(map_err)?;
            out.push(n);
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn add_rate_hits(&self, hits: &[RateHit]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for h in hits {
            sqlx::query("INSERT INTO rate_hits (id, key, at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(h.id)
                .bind(&h.key)
                .bind(h.at.timestamp_micros())
                .bind(h.expires_at.timestamp_micros())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn remove_rate_hits(&self, ids: &[Uuid]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for id in ids {
            sqlx::query("DELETE FROM rate_hits WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn clear_rate_key(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_hits WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn purge_rate_hits(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        sqlx::query("DELETE FROM rate_hits WHERE expires_at <= $1")
            .bind(now.timestamp_micros())
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(map_err)
    }
}
