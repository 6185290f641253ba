// Technical demands. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

fn demand_from(r: &DbRow) -> Result<DemandRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let ip: String = r.try_get("ip_preference")?;
    let kw: String = r.try_get("keywords")?;
    let trl: i64 = r.try_get("trl")?;
    Ok(DemandRow {
        demand: DemandRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            created_by: r.try_get("created_by")?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            chain_code: r.try_get("chain_code")?,
            field: r.try_get("field")?,
            keywords: serde_json::from_str(&kw).map_err(|_| bad("keywords", &kw))?,
            budget_min_fen: r.try_get("budget_min_fen")?,
            budget_max_fen: r.try_get("budget_max_fen")?,
            trl: u8::try_from(trl).map_err(|_| bad("trl", &trl.to_string()))?,
            deadline: r.try_get("deadline")?,
            ip_preference: IpPreference::parse(&ip).ok_or_else(|| bad("ip_preference", &ip))?,
            status: DemandStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
            status_reason: r.try_get("status_reason")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            published_at: r.try_get("published_at")?,
        },
        org_name: r.try_get("org_name")?,
        district_code: r.try_get("org_district")?,
    })
}

const DEMAND_SELECT: &str = "SELECT d.id, d.org_id, d.created_by, d.title, d.description, d.chain_code, d.field, d.keywords, \
    d.budget_min_fen, d.budget_max_fen, d.trl, d.deadline, d.ip_preference, d.status, \
    d.status_reason, d.created_at, d.updated_at, d.published_at, o.name AS org_name, o.district_code AS org_district \
    FROM demands d JOIN organizations o ON o.id = d.org_id";

async fn insert_demand_row(
    tx: &mut Tx<'_>,
    d: &DemandRecord,
    confidential: &str,
) -> StoreResult<()> {
    let kw = serde_json::to_string(&d.keywords).map_err(|e| StoreError::Other(e.to_string()))?;
    sqlx::query(
                    "INSERT INTO demands (id, org_id, created_by, title, description, chain_code, field, keywords, budget_min_fen, budget_max_fen, \
                     trl, deadline, ip_preference, confidential_detail, status, status_reason, created_at, updated_at, published_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
                )
                .bind(d.id)
                .bind(d.org_id)
                .bind(d.created_by)
                .bind(&d.title)
                .bind(&d.description)
                .bind(&d.chain_code)
                .bind(&d.field)
                .bind(kw)
                .bind(d.budget_min_fen)
                .bind(d.budget_max_fen)
                .bind(i64::from(d.trl))
                .bind(micros(d.deadline))
                .bind(d.ip_preference.as_str())
                .bind(confidential)
                .bind(d.status.as_str())
                .bind(&d.status_reason)
                .bind(micros(d.created_at))
                .bind(micros(d.updated_at))
                .bind(d.published_at.map(micros))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
    if app::domain::demand::is_public(d.status) {
        queue_search(tx, "demand", &d.id.to_string(), d.updated_at)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

#[async_trait]
impl DemandStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_demand(
        &self,
        d: &DemandRecord,
        confidential: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let (d, confidential) = (d.clone(), confidential.to_string());
        self.audited(audit, move |tx| {
            Box::pin(async move { insert_demand_row(tx, &d, &confidential).await })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn update_demand_draft(
        &self,
        d: &DemandRecord,
        confidential: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let d = d.clone();
        let confidential = confidential.to_string();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let kw = serde_json::to_string(&d.keywords).map_err(|e| StoreError::Other(e.to_string()))?;
                let r = sqlx::query(
                    "UPDATE demands SET title = $1, description = $2, chain_code = $3, field = $4, keywords = $5, budget_min_fen = $6, \
                     budget_max_fen = $7, trl = $8, deadline = $9, ip_preference = $10, confidential_detail = $11, updated_at = $12 \
                     WHERE id = $13 AND status = $14",
                )
                .bind(&d.title)
                .bind(&d.description)
                .bind(&d.chain_code)
                .bind(&d.field)
                .bind(kw)
                .bind(d.budget_min_fen)
                .bind(d.budget_max_fen)
                .bind(i64::from(d.trl))
                .bind(micros(d.deadline))
                .bind(d.ip_preference.as_str())
                .bind(&confidential)
                .bind(micros(d.updated_at))
                .bind(d.id)
                .bind(DemandStatus::Draft.as_str())
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
    async fn demand_confidential(&self, id: Uuid) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT confidential_detail FROM demands WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.map(|r| r.try_get::<String, _>(0))
            .transpose()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn get_demand(&self, id: Uuid) -> StoreResult<Option<DemandRow>> {
        let row = sqlx::query(&format!("{DEMAND_SELECT} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(demand_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_demands(&self, q: &DemandQuery) -> StoreResult<(Vec<DemandRow>, i64)> {
        let mut f = Filters::default();
        let statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
        f.any_of("d.status", &statuses);
        f.uuid_is("d.org_id", q.org_id);
        f.code_under("d.chain_code", q.chain_prefix.as_deref());
        f.text_is("o.district_code", q.district.as_deref());
        self.list_page(
            DEMAND_SELECT,
            "FROM demands d JOIN organizations o ON o.id = d.org_id",
            "COALESCE(d.published_at, d.updated_at) DESC, d.id",
            &f,
            q.limit,
            q.offset,
            demand_from,
        )
        .await
    }
}
