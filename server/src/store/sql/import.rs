// Bulk import in one transaction. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl ImportStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn import_batch(
        &self,
        records: &[(ImportRecord, AuditEvent)],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for (i, (record, audit)) in records.iter().enumerate() {
            match record {
                ImportRecord::Org(org, owner, roles) => {
                    insert_org_row(&mut tx, org, owner, roles).await?
                }
                ImportRecord::Demand(d, confidential) => {
                    insert_demand_row(&mut tx, d, confidential).await?
                }
                ImportRecord::Achievement(a) => insert_achievement_row(&mut tx, a).await?,
                ImportRecord::Expert {
                    user,
                    new_user,
                    profile,
                } => {
                    if *new_user {
                        insert_user(&mut tx, user).await.map_err(map_err)?;
                    }
                    insert_roles(&mut tx, user.id, &[Role::Expert], profile.updated_at)
                        .await
                        .map_err(map_err)?;
                    upsert_expert_row(&mut tx, profile).await?;
                }
            }
            append_audit(&mut tx, audit).await.map_err(map_err)?;
            progress(i + 1);
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn save_import_report(
        &self,
        token: &str,
        user_id: Uuid,
        at: DateTime<Utc>,
        report_json: &str,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query("DELETE FROM import_reports WHERE created_at < $1")
            .bind(micros(expired_before))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query("INSERT INTO import_reports (token, user_id, created_at, report) VALUES ($1, $2, $3, $4)")
            .bind(token)
            .bind(user_id)
            .bind(micros(at))
            .bind(report_json)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn import_report(
        &self,
        token: &str,
    ) -> StoreResult<Option<(Uuid, DateTime<Utc>, String)>> {
        let row = sqlx::query("SELECT user_id, created_at, report FROM import_reports WHERE token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.map(|r| -> Result<_, sqlx::Error> {
            Ok((r.try_get("user_id")?, r.try_get("created_at")?, r.try_get("report")?))
        })
        .transpose()
        .map_err(map_err)
    }
}
