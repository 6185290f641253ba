// Organizations and their members. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

fn org_from(r: &DbRow) -> Result<OrgRecord, sqlx::Error> {
    let t: String = r.try_get("org_type")?;
    Ok(OrgRecord {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        org_type: OrgType::parse(&t).ok_or_else(|| bad("org_type", &t))?,
        credit_code: r.try_get("credit_code")?,
        district_code: r.try_get("district_code")?,
        contact_name: r.try_get("contact_name")?,
        contact_phone: r.try_get("contact_phone")?,
        verified: r.try_get("verified")?,
        created_at: r.try_get("created_at")?,
    })
}

async fn insert_org_row(
    tx: &mut Tx<'_>,
    org: &OrgRecord,
    owner: &UserRecord,
    roles: &[Role],
) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO organizations ({ORG_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(org.id)
    .bind(&org.name)
    .bind(org.org_type.as_str())
    .bind(&org.credit_code)
    .bind(&org.district_code)
    .bind(&org.contact_name)
    .bind(&org.contact_phone)
    .bind(org.verified)
    .bind(micros(org.created_at))
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    insert_user(tx, owner).await.map_err(map_err)?;
    insert_roles(tx, owner.id, roles, owner.created_at)
        .await
        .map_err(map_err)?;
    if org.verified {
        queue_search(tx, "organization", &org.id.to_string(), org.created_at)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

const ORG_COLS: &str = "id, name, org_type, credit_code, district_code, contact_name, contact_phone, verified, created_at";

#[async_trait]
impl OrgStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn create_org_with_owner(
        &self,
        org: &OrgRecord,
        owner: &UserRecord,
        roles: &[Role],
        audit: &[AuditEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        insert_org_row(&mut tx, org, owner, roles).await?;
        for ev in audit {
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn get_org(&self, id: Uuid) -> StoreResult<Option<OrgRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLS} FROM organizations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.as_ref().map(org_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn find_org_by_credit_code(&self, code: &str) -> StoreResult<Option<OrgRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLS} FROM organizations WHERE credit_code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.as_ref().map(org_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_orgs(&self) -> StoreResult<Vec<(OrgRecord, i64)>> {
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLS}, (SELECT COUNT(*) FROM users u WHERE u.org_id = organizations.id AND u.membership_active) AS members \
             FROM organizations ORDER BY verified, created_at DESC"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| Ok((org_from(r)?, r.try_get::<i64, _>("members")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn set_org_verified(
        &self,
        id: Uuid,
        verified: bool,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query("UPDATE organizations SET verified = $1 WHERE id = $2")
                    .bind(verified)
                    .bind(id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                queue_search(tx, "organization", &id.to_string(), at)
                    .await
                    .map_err(map_err)
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn org_members(&self, org_id: Uuid) -> StoreResult<Vec<(UserRecord, Vec<Role>)>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLS} FROM users WHERE org_id = $1 ORDER BY created_at"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        // All members' roles in one query, not one per member (institutions have thousands).
        let mut roles = self
            .roles_where(" WHERE u.org_id = $1", Some(org_id))
            .await
            .map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let u = user_from(r).map_err(map_err)?;
            let list = roles.remove(&u.id).unwrap_or_default();
            out.push((u, roles_from(list)));
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn decide_membership(
        &self,
        user_id: Uuid,
        org_id: Uuid,
        admit: bool,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let roles = roles.to_vec();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let sql = if admit {
                    "UPDATE users SET membership_active = TRUE WHERE id = $1 AND org_id = $2 AND membership_active = FALSE"
                } else {
                    "UPDATE users SET org_id = NULL WHERE id = $1 AND org_id = $2 AND membership_active = FALSE"
                };
                let r = sqlx::query(sql).bind(user_id).bind(org_id).execute(&mut **tx).await.map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                insert_roles(tx, user_id, &roles, at).await.map_err(map_err)?;
                // An expert's organization shows in the pool and search only once admitted.
                queue_search(tx, "expert", &user_id.to_string(), at).await.map_err(map_err)
            })
        })
        .await
    }
}
