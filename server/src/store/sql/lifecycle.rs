// Status changes of reviewed records. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl LifecycleStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn change_status(&self, change: &StatusChange, audit: &AuditEvent) -> StoreResult<()> {
        // The table is chosen from a fixed list, never spliced from input.
        let table = match change.entity {
            "demand" => "demands",
            "achievement" => "achievements",
            other => return Err(StoreError::Other(format!("no status column for {other}"))),
        };
        let c = change.clone();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let published = c.publishes.then(|| micros(at));
                let r = sqlx::query(&format!(
                    "UPDATE {table} SET status = $1, status_reason = $2, updated_at = $3, published_at = COALESCE($4, published_at) \
                     WHERE id = $5 AND status = $6"
                ))
                .bind(c.to)
                .bind(c.reason)
                .bind(micros(at))
                .bind(published)
                .bind(c.id)
                .bind(c.from)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                if c.searchable {
                    queue_search(tx, c.entity, &c.id.to_string(), at).await.map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }
}
