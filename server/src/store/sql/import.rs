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
}
