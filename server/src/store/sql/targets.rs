// The plan's target tracker: reported values with evidence and their review, organizations'
// plan units, and the platform's own counts. Included into both the SQLite and the PostgreSQL
// module (see ../mod.rs).

const REPORT_SELECT: &str = "SELECT r.id, r.target_code, r.period, r.value, r.note, r.unit, r.reported_by, u.display_name AS reporter_name, \
    r.reported_at, r.status, r.review_note, r.reviewed_by, r.reviewed_at FROM target_reports r JOIN users u ON u.id = r.reported_by";

fn evidence_from(r: &DbRow) -> Result<EvidenceRecord, sqlx::Error> {
    Ok(EvidenceRecord {
        id: r.try_get("id")?,
        report_id: r.try_get("report_id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
    })
}

#[async_trait]
impl TargetStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn target_reports(&self, code: Option<&str>) -> StoreResult<Vec<TargetReportRecord>> {
        let rows = match code {
            Some(c) => sqlx::query(&format!("{REPORT_SELECT} WHERE r.target_code = $1 ORDER BY r.reported_at DESC, r.id"))
                .bind(c.to_string())
                .fetch_all(&self.pool)
                .await,
            None => sqlx::query(&format!("{REPORT_SELECT} ORDER BY r.reported_at DESC, r.id"))
                .fetch_all(&self.pool)
                .await,
        }
        .map_err(map_err)?;
        let mut out: Vec<TargetReportRecord> = rows
            .iter()
            .map(|r| {
                Ok(TargetReportRecord {
                    id: r.try_get("id")?,
                    target_code: r.try_get("target_code")?,
                    period: r.try_get("period")?,
                    value: r.try_get("value")?,
                    note: r.try_get("note")?,
                    unit: r.try_get("unit")?,
                    reported_by: r.try_get("reported_by")?,
                    reporter_name: r.try_get("reporter_name")?,
                    reported_at: r.try_get("reported_at")?,
                    status: r.try_get("status")?,
                    review_note: r.try_get("review_note")?,
                    reviewed_by: r.try_get("reviewed_by")?,
                    reviewed_at: r.try_get("reviewed_at")?,
                    evidence: vec![],
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(map_err)?;
        if out.is_empty() {
            return Ok(out);
        }
        let ev = sqlx::query("SELECT id, report_id, name, kind, size, sha256 FROM target_evidence ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        for r in &ev {
            let e = evidence_from(r).map_err(map_err)?;
            if let Some(rep) = out.iter_mut().find(|x| x.id == e.report_id) {
                rep.evidence.push(e);
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn insert_target_report(&self, r: &TargetReportRecord, audit: &AuditEvent) -> StoreResult<()> {
        let r = r.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO target_reports (id, target_code, period, value, note, unit, reported_by, reported_at, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(r.id)
                .bind(&r.target_code)
                .bind(&r.period)
                .bind(r.value)
                .bind(&r.note)
                .bind(&r.unit)
                .bind(r.reported_by)
                .bind(micros(r.reported_at))
                .bind(&r.status)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn review_target_report(
        &self,
        id: Uuid,
        status: &str,
        note: Option<&str>,
        by: Uuid,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let (status, note) = (status.to_string(), note.map(str::to_string));
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE target_reports SET status = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4 \
                     WHERE id = $5 AND status = 'submitted'",
                )
                .bind(&status)
                .bind(&note)
                .bind(by)
                .bind(micros(at))
                .bind(id)
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
    async fn add_target_evidence(&self, e: &EvidenceRecord, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("INSERT INTO target_evidence (id, report_id, name, kind, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(e.id)
            .bind(e.report_id)
            .bind(&e.name)
            .bind(&e.kind)
            .bind(e.size)
            .bind(&e.sha256)
            .bind(micros(at))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn target_evidence(&self, id: Uuid) -> StoreResult<Option<EvidenceRecord>> {
        let row = sqlx::query("SELECT id, report_id, name, kind, size, sha256 FROM target_evidence WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(evidence_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn org_plan_unit(&self, org_id: Uuid) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT plan_unit FROM organizations WHERE id = $1")
            .bind(org_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(match row {
            Some(r) => r.try_get::<Option<String>, _>("plan_unit").map_err(map_err)?,
            None => None,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn set_org_plan_unit(&self, org_id: Uuid, unit: Option<&str>, audit: &AuditEvent) -> StoreResult<()> {
        let unit = unit.map(str::to_string);
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE organizations SET plan_unit = $1 WHERE id = $2")
                    .bind(&unit)
                    .bind(org_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn platform_counts(&self) -> StoreResult<PlatformCounts> {
        let r = sqlx::query(
            "SELECT \
             (SELECT COUNT(*) FROM demands WHERE status IN ('published', 'in_call', 'matched', 'resolved', 'closed')) AS d, \
             (SELECT COUNT(*) FROM achievements WHERE status IN ('published', 'transferred')) AS a, \
             (SELECT COUNT(*) FROM calls WHERE status NOT IN ('draft', 'cancelled')) AS c, \
             (SELECT COUNT(*) FROM bids WHERE status NOT IN ('draft', 'withdrawn')) AS b, \
             (SELECT COUNT(*) FROM contracts WHERE status = 'registered') AS k, \
             (SELECT COUNT(DISTINCT achievement_id) FROM contracts WHERE status = 'registered' AND achievement_id IS NOT NULL \
                AND contract_type IN ('transfer', 'licence')) AS t, \
             (SELECT COUNT(*) FROM calls WHERE status = 'accepted' AND breakthrough = TRUE) AS kb",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        let g = |c: &str| -> StoreResult<i64> { r.try_get::<i64, _>(c).map_err(map_err) };
        Ok(PlatformCounts {
            demands_published: g("d")?,
            achievements_published: g("a")?,
            calls_published: g("c")?,
            bids_submitted: g("b")?,
            contracts_registered: g("k")?,
            achievements_transferred: g("t")?,
            breakthroughs: g("kb")?,
        })
    }
}
