// Credit-code disputes. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl DisputeStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn create_dispute(
        &self,
        claimant: &UserRecord,
        d: &DisputeRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let claimant = claimant.clone();
        let d = d.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                insert_user(tx, &claimant).await.map_err(map_err)?;
                sqlx::query(
                    "INSERT INTO credit_code_disputes (id, org_id, user_id, reason, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5)",
                )
                .bind(d.id)
                .bind(d.org_id)
                .bind(d.user_id)
                .bind(&d.reason)
                .bind(micros(d.created_at))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn list_disputes(&self, open_only: bool) -> StoreResult<Vec<DisputeRecord>> {
        let filter = if open_only {
            " WHERE d.status = 'open'"
        } else {
            ""
        };
        let rows = sqlx::query(&format!(
            "SELECT d.id, d.org_id, d.user_id, d.reason, d.status, d.created_at, o.name AS org_name, o.credit_code AS credit_code, \
             u.display_name AS claimant_name, u.email AS claimant_email FROM credit_code_disputes d \
             JOIN organizations o ON o.id = d.org_id JOIN users u ON u.id = d.user_id{filter} ORDER BY d.created_at"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(DisputeRecord {
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    user_id: r.try_get("user_id")?,
                    reason: r.try_get("reason")?,
                    status: r.try_get("status")?,
                    created_at: r.try_get("created_at")?,
                    org_name: r.try_get("org_name")?,
                    credit_code: r.try_get("credit_code")?,
                    claimant_name: r.try_get("claimant_name")?,
                    claimant_email: r.try_get("claimant_email")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn decide_dispute(
        &self,
        id: Uuid,
        upheld: bool,
        decided_by: Uuid,
        note: &str,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let note = note.to_string();
        let roles = roles.to_vec();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let row = sqlx::query(
                    "UPDATE credit_code_disputes SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                     WHERE id = $5 AND status = 'open' RETURNING org_id, user_id",
                )
                .bind(if upheld { "upheld" } else { "dismissed" })
                .bind(decided_by)
                .bind(micros(at))
                .bind(&note)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await
                .map_err(map_err)?;
                let Some(row) = row else {
                    return Err(StoreError::Stale);
                };
                if upheld {
                    let org_id: Uuid = row.try_get("org_id").map_err(map_err)?;
                    let user_id: Uuid = row.try_get("user_id").map_err(map_err)?;
                    sqlx::query("UPDATE organizations SET verified = FALSE WHERE id = $1")
                        .bind(org_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(map_err)?;
                    sqlx::query("UPDATE users SET org_id = $1, membership_active = TRUE, is_org_admin = TRUE WHERE id = $2")
                        .bind(org_id)
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(map_err)?;
                    insert_roles(tx, user_id, &roles, at).await.map_err(map_err)?;
                    queue_search(tx, "organization", &org_id.to_string(), at).await.map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }
}
