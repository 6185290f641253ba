// Reference data (seeds). Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl RefStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn upsert_district(&self, d: &District) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO districts (code, name_zh, name_en, kind, sort) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, kind = excluded.kind, sort = excluded.sort",
        )
        .bind(&d.code)
        .bind(&d.name_zh)
        .bind(&d.name_en)
        .bind(&d.kind)
        .bind(d.sort)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn upsert_chain(&self, c: &Chain) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO industry_chains (code, parent_code, name_zh, name_en, sort) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name_zh = excluded.name_zh, name_en = excluded.name_en, sort = excluded.sort",
        )
        .bind(&c.code)
        .bind(&c.parent_code)
        .bind(&c.name_zh)
        .bind(&c.name_en)
        .bind(c.sort)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn upsert_target(&self, t: &PlanTarget) -> StoreResult<()> {
        let co =
            serde_json::to_string(&t.co_units).map_err(|e| StoreError::Other(e.to_string()))?;
        sqlx::query(
            "INSERT INTO plan_targets (code, task, name_zh, name_en, target_value, unit_zh, comparator, period, lead_unit, co_units, source, note, sort) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (code) DO UPDATE SET task = excluded.task, name_zh = excluded.name_zh, name_en = excluded.name_en, \
             target_value = excluded.target_value, unit_zh = excluded.unit_zh, comparator = excluded.comparator, period = excluded.period, \
             lead_unit = excluded.lead_unit, co_units = excluded.co_units, source = excluded.source, note = excluded.note, sort = excluded.sort",
        )
        .bind(&t.code)
        .bind(t.task)
        .bind(&t.name_zh)
        .bind(&t.name_en)
        .bind(&t.target_value)
        .bind(&t.unit_zh)
        .bind(&t.comparator)
        .bind(&t.period)
        .bind(&t.lead_unit)
        .bind(co)
        .bind(&t.source)
        .bind(&t.note)
        .bind(t.sort)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn list_districts(&self) -> StoreResult<Vec<District>> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, kind, sort FROM districts ORDER BY sort, code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(District {
                    code: r.try_get("code")?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                    kind: r.try_get("kind")?,
                    sort: r.try_get("sort")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_chains(&self) -> StoreResult<Vec<Chain>> {
        let rows = sqlx::query("SELECT code, parent_code, name_zh, name_en, sort FROM industry_chains ORDER BY sort, code")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(Chain {
                    code: r.try_get("code")?,
                    parent_code: r.try_get("parent_code")?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                    sort: r.try_get("sort")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_targets(&self) -> StoreResult<Vec<PlanTarget>> {
        let rows = sqlx::query(
            "SELECT code, task, name_zh, name_en, target_value, unit_zh, comparator, period, lead_unit, co_units, source, note, sort \
             FROM plan_targets ORDER BY sort, code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let co: String = r.try_get("co_units")?;
                Ok(PlanTarget {
                    code: r.try_get("code")?,
                    task: r.try_get("task")?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                    target_value: r.try_get("target_value")?,
                    unit_zh: r.try_get("unit_zh")?,
                    comparator: r.try_get("comparator")?,
                    period: r.try_get("period")?,
                    lead_unit: r.try_get("lead_unit")?,
                    co_units: serde_json::from_str(&co).map_err(|_| bad("co_units", &co))?,
                    source: r.try_get("source")?,
                    note: r.try_get("note")?,
                    sort: r.try_get("sort")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }
}
