// The search outbox and the search documents (what a record looks like in the index). Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl SearchOutboxStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn pending_search_updates(&self) -> StoreResult<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM search_outbox WHERE processed_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn search_outbox_batch(&self, limit: i64) -> StoreResult<Vec<(i64, String, String)>> {
        let rows = sqlx::query("SELECT id, entity_type, entity_id FROM search_outbox WHERE processed_at IS NULL ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("entity_type")?,
                    r.try_get("entity_id")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn claim_search_batch(
        &self,
        worker: &str,
        limit: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<(i64, String, String)>> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        if BACKEND == "postgres" {
            // One claimer at a time across app servers; released at commit.
            sqlx::query("SELECT pg_advisory_xact_lock(7340025)")
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        let rows = sqlx::query(
            "UPDATE search_outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN ( \
                SELECT o.id FROM search_outbox o WHERE o.processed_at IS NULL \
                AND NOT EXISTS (SELECT 1 FROM search_outbox c WHERE c.entity_type = o.entity_type \
                    AND c.entity_id = o.entity_id AND c.processed_at IS NULL \
                    AND c.claimed_until > $3 AND c.claimed_by <> $1) \
                ORDER BY o.id LIMIT $4) \
             RETURNING id, entity_type, entity_id",
        )
        .bind(worker)
        .bind(micros(until))
        .bind(micros(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        let mut out = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("entity_type")?, r.try_get("entity_id")?)))
            .collect::<Result<Vec<(i64, String, String)>, sqlx::Error>>()
            .map_err(map_err)?;
        out.sort_by_key(|r| r.0);
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_search_processed(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
        for chunk in ids.chunks(500) {
            let ph: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "UPDATE search_outbox SET processed_at = $1 WHERE id IN ({})",
                ph.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(micros(at));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&self.pool).await.map_err(map_err)?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn search_doc(
        &self,
        entity_type: &str,
        entity_id: &str,
    ) -> StoreResult<Option<SearchDoc>> {
        let Ok(id) = Uuid::parse_str(entity_id) else {
            return Ok(None);
        };
        match entity_type {
            "demand" => {
                let Some(row) = self.get_demand(id).await? else {
                    return Ok(None);
                };
                let d = row.demand;
                if !app::domain::demand::is_public(d.status) {
                    return Ok(None);
                }
                let org_type = self
                    .get_org(d.org_id)
                    .await?
                    .map(|o| o.org_type.as_str().to_string());
                Ok(Some(SearchDoc {
                    kind: SearchKind::Demand,
                    id: d.id.to_string(),
                    title: d.title,
                    body: format!("{}\n{}", d.field, d.description),
                    keywords: d.keywords,
                    org_name: row.org_name,
                    chain: Some(d.chain_code),
                    district: Some(row.district_code),
                    org_type,
                    transfer_modes: vec![],
                    trl: Some(d.trl),
                    budget_fen: Some(d.budget_max_fen),
                    published_at: d.published_at.unwrap_or(d.updated_at),
                }))
            }
            "achievement" => {
                let Some(row) = self.get_achievement(id).await? else {
                    return Ok(None);
                };
                let a = row.achievement;
                if !app::domain::achievement::is_public(a.status) {
                    return Ok(None);
                }
                Ok(Some(SearchDoc {
                    kind: SearchKind::Achievement,
                    id: a.id.to_string(),
                    title: a.title,
                    body: format!("{}\n{}", a.field, a.summary),
                    keywords: a.keywords,
                    org_name: row.org_name,
                    chain: Some(a.chain_code),
                    district: Some(row.district_code),
                    org_type: Some(row.org_type.as_str().to_string()),
                    transfer_modes: a
                        .transfer_modes
                        .iter()
                        .map(|m| m.as_str().to_string())
                        .collect(),
                    trl: Some(a.trl),
                    budget_fen: a.price_fen,
                    published_at: a.published_at.unwrap_or(a.updated_at),
                }))
            }
            "expert" => {
                let Some(e) = self.get_expert(id).await? else {
                    return Ok(None);
                };
                if !e.profile.is_public {
                    return Ok(None);
                }
                Ok(Some(SearchDoc {
                    kind: SearchKind::Expert,
                    id: e.profile.user_id.to_string(),
                    title: format!("{}（{}）", e.name, e.profile.title),
                    body: format!("{}\n{}", e.profile.fields.join("、"), e.profile.bio),
                    keywords: e.profile.keywords,
                    org_name: e.org_name.unwrap_or_default(),
                    chain: None,
                    district: e.district_code,
                    org_type: e.org_type.map(|t| t.as_str().to_string()),
                    transfer_modes: vec![],
                    trl: None,
                    budget_fen: None,
                    published_at: e.profile.updated_at,
                }))
            }
            "organization" => {
                let Some(o) = self.get_org(id).await? else {
                    return Ok(None);
                };
                if !o.verified {
                    return Ok(None);
                }
                Ok(Some(SearchDoc {
                    kind: SearchKind::Organization,
                    id: o.id.to_string(),
                    title: o.name.clone(),
                    body: format!("{} {}", o.org_type.label_zh(), o.name),
                    keywords: vec![],
                    org_name: o.name,
                    chain: None,
                    district: Some(o.district_code),
                    org_type: Some(o.org_type.as_str().to_string()),
                    transfer_modes: vec![],
                    trl: None,
                    budget_fen: None,
                    published_at: o.created_at,
                }))
            }
            _ => Ok(None),
        }
    }

    #[tracing::instrument(skip_all)]
    async fn searchable_keys(&self) -> StoreResult<Vec<(String, String)>> {
        let public: Vec<&str> = DemandStatus::ALL
            .iter()
            .filter(|s| app::domain::demand::is_public(**s))
            .map(|s| s.as_str())
            .collect();
        let ph: Vec<String> = (1..=public.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id FROM demands WHERE status IN ({})", ph.join(", "));
        let mut q = sqlx::query(&sql);
        for s in &public {
            q = q.bind(*s);
        }
        let mut out = Vec::new();
        for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
            let id: Uuid = r.try_get("id").map_err(map_err)?;
            out.push(("demand".to_string(), id.to_string()));
        }
        let public: Vec<&str> = AchievementStatus::ALL
            .iter()
            .filter(|s| app::domain::achievement::is_public(**s))
            .map(|s| s.as_str())
            .collect();
        let ph: Vec<String> = (1..=public.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id FROM achievements WHERE status IN ({})",
            ph.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for s in &public {
            q = q.bind(*s);
        }
        for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
            let id: Uuid = r.try_get("id").map_err(map_err)?;
            out.push(("achievement".to_string(), id.to_string()));
        }
        for r in sqlx::query("SELECT e.user_id FROM expert_profiles e JOIN user_roles r ON r.user_id = e.user_id AND r.role = 'expert' WHERE e.is_public")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
        {
            let id: Uuid = r.try_get("user_id").map_err(map_err)?;
            out.push(("expert".to_string(), id.to_string()));
        }
        for r in sqlx::query("SELECT id FROM organizations WHERE verified")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
        {
            let id: Uuid = r.try_get("id").map_err(map_err)?;
            out.push(("organization".to_string(), id.to_string()));
        }
        Ok(out)
    }
}
