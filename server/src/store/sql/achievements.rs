// Technology achievements. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

const ACHIEVEMENT_SELECT: &str = "SELECT a.id, a.org_id, a.created_by, a.title, a.summary, a.chain_code, a.field, a.keywords, a.trl, \
    a.patents, a.transfer_modes, a.price_fen, a.status, a.status_reason, a.created_at, a.updated_at, a.published_at, \
    o.name AS org_name, o.org_type AS org_type, o.district_code AS org_district \
    FROM achievements a JOIN organizations o ON o.id = a.org_id";

fn achievement_from(r: &DbRow) -> Result<AchievementRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let kw: String = r.try_get("keywords")?;
    let patents: String = r.try_get("patents")?;
    let modes: String = r.try_get("transfer_modes")?;
    let modes: Vec<String> =
        serde_json::from_str(&modes).map_err(|_| bad("transfer_modes", &modes))?;
    let trl: i64 = r.try_get("trl")?;
    let org_type: String = r.try_get("org_type")?;
    Ok(AchievementRow {
        achievement: AchievementRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            created_by: r.try_get("created_by")?,
            title: r.try_get("title")?,
            summary: r.try_get("summary")?,
            chain_code: r.try_get("chain_code")?,
            field: r.try_get("field")?,
            keywords: serde_json::from_str(&kw).map_err(|_| bad("keywords", &kw))?,
            trl: u8::try_from(trl).map_err(|_| bad("trl", &trl.to_string()))?,
            patents: serde_json::from_str(&patents).map_err(|_| bad("patents", &patents))?,
            transfer_modes: modes
                .iter()
                .map(|m| TransferMode::parse(m).ok_or_else(|| bad("transfer_modes", m)))
                .collect::<Result<_, _>>()?,
            price_fen: r.try_get("price_fen")?,
            status: AchievementStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
            status_reason: r.try_get("status_reason")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            published_at: r.try_get("published_at")?,
        },
        org_name: r.try_get("org_name")?,
        org_type: OrgType::parse(&org_type).ok_or_else(|| bad("org_type", &org_type))?,
        district_code: r.try_get("org_district")?,
    })
}

async fn insert_achievement_row(tx: &mut Tx<'_>, a: &AchievementRecord) -> StoreResult<()> {
    let modes: Vec<&str> = a.transfer_modes.iter().map(|m| m.as_str()).collect();
    sqlx::query(
                    "INSERT INTO achievements (id, org_id, created_by, title, summary, chain_code, field, keywords, trl, patents, \
                     transfer_modes, price_fen, status, status_reason, created_at, updated_at, published_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(a.id)
                .bind(a.org_id)
                .bind(a.created_by)
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.chain_code)
                .bind(&a.field)
                .bind(json_list(&a.keywords)?)
                .bind(i64::from(a.trl))
                .bind(json_list(&a.patents)?)
                .bind(json_list(&modes)?)
                .bind(a.price_fen)
                .bind(a.status.as_str())
                .bind(&a.status_reason)
                .bind(micros(a.created_at))
                .bind(micros(a.updated_at))
                .bind(a.published_at.map(micros))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
    if app::domain::achievement::is_public(a.status) {
        queue_search(tx, "achievement", &a.id.to_string(), a.updated_at)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

#[async_trait]
impl AchievementStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_achievement(
        &self,
        a: &AchievementRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let a = a.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move { insert_achievement_row(tx, &a).await })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn update_achievement_draft(
        &self,
        a: &AchievementRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let a = a.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let modes: Vec<&str> = a.transfer_modes.iter().map(|m| m.as_str()).collect();
                let r = sqlx::query(
                    "UPDATE achievements SET title = $1, summary = $2, chain_code = $3, field = $4, keywords = $5, trl = $6, \
                     patents = $7, transfer_modes = $8, price_fen = $9, updated_at = $10 WHERE id = $11 AND status = $12",
                )
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.chain_code)
                .bind(&a.field)
                .bind(json_list(&a.keywords)?)
                .bind(i64::from(a.trl))
                .bind(json_list(&a.patents)?)
                .bind(json_list(&modes)?)
                .bind(a.price_fen)
                .bind(micros(a.updated_at))
                .bind(a.id)
                .bind(AchievementStatus::Draft.as_str())
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_achievement(&self, id: Uuid) -> StoreResult<Option<AchievementRow>> {
        let row = sqlx::query(&format!("{ACHIEVEMENT_SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref()
            .map(achievement_from)
            .transpose()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_achievements(
        &self,
        q: &AchievementQuery,
    ) -> StoreResult<(Vec<AchievementRow>, i64)> {
        let mut f = Filters::default();
        let statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
        f.any_of("a.status", &statuses);
        f.uuid_is("a.org_id", q.org_id);
        self.list_page(
            ACHIEVEMENT_SELECT,
            "FROM achievements a",
            "COALESCE(a.published_at, a.updated_at) DESC, a.id",
            &f,
            q.limit,
            q.offset,
            achievement_from,
        )
        .await
    }
}
