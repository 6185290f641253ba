// The expert pool. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

const EXPERT_FROM: &str = expert_from_sql!();

const EXPERT_SELECT: &str = concat!(
    "SELECT e.user_id, e.title, e.fields, e.keywords, e.bio, e.accepts_review, e.is_public, e.updated_at, \
     u.display_name AS name, o.id AS org_id, o.name AS org_name, o.org_type AS org_type, o.district_code AS org_district ",
    expert_from_sql!()
);

fn expert_from(r: &DbRow) -> Result<ExpertRow, sqlx::Error> {
    let fields: String = r.try_get("fields")?;
    let kw: String = r.try_get("keywords")?;
    let org_type: Option<String> = r.try_get("org_type")?;
    Ok(ExpertRow {
        profile: ExpertRecord {
            user_id: r.try_get("user_id")?,
            title: r.try_get("title")?,
            fields: serde_json::from_str(&fields).map_err(|_| bad("fields", &fields))?,
            keywords: serde_json::from_str(&kw).map_err(|_| bad("keywords", &kw))?,
            bio: r.try_get("bio")?,
            accepts_review: r.try_get("accepts_review")?,
            is_public: r.try_get("is_public")?,
            updated_at: r.try_get("updated_at")?,
        },
        name: r.try_get("name")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        org_type: org_type.as_deref().and_then(OrgType::parse),
        district_code: r.try_get("org_district")?,
    })
}

async fn upsert_expert_row(tx: &mut Tx<'_>, e: &ExpertRecord) -> StoreResult<()> {
    sqlx::query(
                    "INSERT INTO expert_profiles (user_id, title, fields, keywords, bio, accepts_review, is_public, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id) DO UPDATE SET title = excluded.title, \
                     fields = excluded.fields, keywords = excluded.keywords, bio = excluded.bio, accepts_review = excluded.accepts_review, \
                     is_public = excluded.is_public, updated_at = excluded.updated_at",
                )
                .bind(e.user_id)
                .bind(&e.title)
                .bind(json_list(&e.fields)?)
                .bind(json_list(&e.keywords)?)
                .bind(&e.bio)
                .bind(e.accepts_review)
                .bind(e.is_public)
                .bind(micros(e.updated_at))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
    // Always queued: making a profile private must take it out of the index.
    queue_search(tx, "expert", &e.user_id.to_string(), e.updated_at)
        .await
        .map_err(map_err)
}

#[async_trait]
impl ExpertStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn upsert_expert(&self, e: &ExpertRecord, audit: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        upsert_expert_row(&mut tx, e).await?;
        append_audit(&mut tx, audit).await.map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn get_expert(&self, user_id: Uuid) -> StoreResult<Option<ExpertRow>> {
        let row = sqlx::query(&format!("{EXPERT_SELECT} WHERE e.user_id = $1"))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(expert_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_experts(
        &self,
        public_only: bool,
        org_id: Option<Uuid>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<ExpertRow>, i64)> {
        let mut conds = vec![];
        if public_only {
            conds.push("e.is_public");
        }
        if org_id.is_some() {
            conds.push("o.id = $3");
        }
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let sql = format!(
            "{EXPERT_SELECT}{filter} ORDER BY e.updated_at DESC, e.user_id LIMIT $1 OFFSET $2"
        );
        let mut q = sqlx::query(&sql)
            .bind(limit.clamp(1, 1000))
            .bind(offset.max(0));
        if let Some(id) = org_id {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(map_err)?;
        // The count takes the same filter; `$3` becomes `$1` there.
        let count_sql = format!(
            "SELECT COUNT(*) AS n {EXPERT_FROM}{}",
            filter.replace("$3", "$1")
        );
        let mut cq = sqlx::query(&count_sql);
        if let Some(id) = org_id {
            cq = cq.bind(id);
        }
        let total: i64 = cq
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)?;
        let items = rows
            .iter()
            .map(expert_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        Ok((items, total))
    }
}
