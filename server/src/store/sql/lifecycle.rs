// Status changes of reviewed records. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

/// The one guarded status write of every lifecycle kind, inside `tx`: the new status, its
/// reason and stamps, `Stale` when the record is no longer in `c.from`. Writes that carry more
/// (an award, a review's scores) call it inside their own transaction.
async fn write_status(tx: &mut Tx<'_>, c: &StatusChange, at: DateTime<Utc>) -> StoreResult<()> {
    // The table is chosen from a fixed list, never spliced from input.
    // (table, whether it stamps a publication time)
    let (table, stamped) = match c.entity {
        "demand" => ("demands", true),
        "achievement" => ("achievements", true),
        "call" => ("calls", true),
        "bid" => ("bids", false),
        "review" => ("review_assignments", false),
        "contract" => ("contracts", false),
        "task" => ("tasks", false),
        "milestone" => ("milestones", false),
        other => return Err(StoreError::Other(format!("no status column for {other}"))),
    };
    let sql = if stamped {
        format!(
            "UPDATE {table} SET status = $1, status_reason = $2, updated_at = $3, published_at = COALESCE($6, published_at) \
             WHERE id = $4 AND status = $5"
        )
    } else {
        format!("UPDATE {table} SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4 AND status = $5")
    };
    let mut q = sqlx::query(&sql)
        .bind(c.to)
        .bind(&c.reason)
        .bind(micros(at))
        .bind(c.id)
        .bind(c.from);
    if stamped {
        q = q.bind(c.publishes.then(|| micros(at)));
    }
    let r = q.execute(&mut **tx).await.map_err(map_err)?;
    if r.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

#[async_trait]
impl LifecycleStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn change_status(&self, change: &StatusChange, audit: &AuditEvent) -> StoreResult<()> {
        let c = change.clone();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_status(tx, &c, at).await?;
                if c.searchable {
                    queue_search(tx, c.entity, &c.id.to_string(), at).await.map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await?;
        // A registration cancelled (or any contract step) may change the figures.
        if change.entity == "contract" {
            self.stats_changed(Some(change.id));
        }
        Ok(())
    }
}
