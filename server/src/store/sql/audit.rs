// The hash-chained audit log. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

fn audit_from(r: &DbRow) -> Result<AuditRecord, sqlx::Error> {
    let et: String = r.try_get("entity_type")?;
    Ok(AuditRecord {
        seq: r.try_get("seq")?,
        event: AuditEvent {
            actor_id: r.try_get("actor_id")?,
            entity_type: crate::store::entity_type_static(&et)
                .ok_or_else(|| bad("entity_type", &et))?,
            entity_id: r.try_get("entity_id")?,
            action: r.try_get("action")?,
            from_state: r.try_get("from_state")?,
            to_state: r.try_get("to_state")?,
            reason: r.try_get("reason")?,
            at: r.try_get("at")?,
        },
        actor_name: r.try_get("actor_name")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

#[async_trait]
impl AuditStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn audit_for(&self, entity_type: &str, entity_id: &str) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT a.seq, a.at, a.actor_id, a.entity_type, a.entity_id, a.action, a.from_state, a.to_state, a.reason, a.prev_hash, a.hash, \
             u.display_name AS actor_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
             WHERE a.entity_type = $1 AND a.entity_id = $2 ORDER BY a.seq",
        )
        .bind(entity_type)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(audit_from)
            .collect::<Result<_, _>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn verify_audit_chain(&self) -> StoreResult<Result<i64, i64>> {
        let rows = sqlx::query(
            "SELECT a.seq, a.at, a.actor_id, a.entity_type, a.entity_id, a.action, a.from_state, a.to_state, a.reason, a.prev_hash, a.hash, \
             NULL AS actor_name FROM audit_log a ORDER BY a.seq",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut prev = "0".repeat(64);
        let mut count = 0;
        for r in &rows {
            let rec = audit_from(r).map_err(map_err)?;
            let expect = crate::store::audit_hash(&prev, rec.seq, rec.event.at, &rec.event);
            if rec.prev_hash != prev || rec.hash != expect {
                return Ok(Err(rec.seq));
            }
            prev = rec.hash;
            count += 1;
        }
        Ok(Ok(count))
    }
}
