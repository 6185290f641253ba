// Implementation of awarded calls: task contracts, milestones and tranches, mid-term decisions.
// Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

use app::domain::task::{MilestoneKind, MilestoneStatus, TaskStatus};

const TASK_SELECT: &str = "SELECT t.id, t.call_id, t.bid_id, t.org_id, t.lead_user_id, t.starts_on, t.city_fund_fen, \
     t.enterprise_fund_fen, t.indicators, t.status, t.status_reason, t.created_by, t.created_at, t.updated_at, \
     o.name AS org_name, u.display_name AS lead_name, c.title AS call_title \
     FROM tasks t JOIN organizations o ON o.id = t.org_id JOIN users u ON u.id = t.lead_user_id \
     JOIN calls c ON c.id = t.call_id";

const MILESTONE_COLS: &str = "id, task_id, seq, kind, deliverable, due_on, tranche_fen, status, status_reason, report, \
     indicator_values, submitted_at, submitted_by, decided_at, decided_by, paid_at, updated_at";

fn task_from(r: &DbRow) -> Result<TaskRecord, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let indicators: String = r.try_get("indicators")?;
    Ok(TaskRecord {
        id: r.try_get("id")?,
        call_id: r.try_get("call_id")?,
        bid_id: r.try_get("bid_id")?,
        org_id: r.try_get("org_id")?,
        lead_user_id: r.try_get("lead_user_id")?,
        starts_on: r.try_get("starts_on")?,
        city_fund_fen: r.try_get("city_fund_fen")?,
        enterprise_fund_fen: r.try_get("enterprise_fund_fen")?,
        indicators: serde_json::from_str(&indicators).map_err(|_| bad("indicators", &indicators))?,
        status: TaskStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        status_reason: r.try_get("status_reason")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn milestone_from(r: &DbRow) -> Result<MilestoneRecord, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let kind: String = r.try_get("kind")?;
    let values: String = r.try_get("indicator_values")?;
    let seq: i64 = r.try_get("seq")?;
    Ok(MilestoneRecord {
        id: r.try_get("id")?,
        task_id: r.try_get("task_id")?,
        seq: u32::try_from(seq).map_err(|_| bad("seq", &seq.to_string()))?,
        kind: MilestoneKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        deliverable: r.try_get("deliverable")?,
        due_on: r.try_get("due_on")?,
        tranche_fen: r.try_get("tranche_fen")?,
        status: MilestoneStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        status_reason: r.try_get("status_reason")?,
        report: r.try_get("report")?,
        values: serde_json::from_str(&values).map_err(|_| bad("indicator_values", &values))?,
        submitted_at: r.try_get("submitted_at")?,
        submitted_by: r.try_get("submitted_by")?,
        decided_at: r.try_get("decided_at")?,
        decided_by: r.try_get("decided_by")?,
        paid_at: r.try_get("paid_at")?,
        updated_at: r.try_get("updated_at")?,
        files: vec![],
    })
}

const MILESTONE_FILE_SELECT: &str =
    "SELECT id, milestone_id AS owner_id, sha256, name, size, kind, uploaded_by, created_at FROM milestone_files";

async fn insert_milestone_tx(tx: &mut Tx<'_>, m: &MilestoneRecord) -> StoreResult<()> {
    let values = serde_json::to_string(&m.values).map_err(|e| StoreError::Other(e.to_string()))?;
    sqlx::query(&format!(
        "INSERT INTO milestones ({MILESTONE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    ))
    .bind(m.id)
    .bind(m.task_id)
    .bind(i64::from(m.seq))
    .bind(m.kind.as_str())
    .bind(&m.deliverable)
    .bind(m.due_on)
    .bind(m.tranche_fen)
    .bind(m.status.as_str())
    .bind(&m.status_reason)
    .bind(&m.report)
    .bind(values)
    .bind(m.submitted_at.map(micros))
    .bind(m.submitted_by)
    .bind(m.decided_at.map(micros))
    .bind(m.decided_by)
    .bind(m.paid_at.map(micros))
    .bind(micros(m.updated_at))
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

impl SqlStore {
    /// The tasks `filter` selects (a condition on `t` with `$1`), each with its milestones.
    async fn task_rows(&self, filter: &str, id: Uuid) -> StoreResult<Vec<TaskRow>> {
        let rows = sqlx::query(&format!("{TASK_SELECT} WHERE {filter} ORDER BY t.created_at, t.id"))
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        let mut out = vec![];
        for r in &rows {
            let task = task_from(r).map_err(map_err)?;
            let ms = sqlx::query(&format!("SELECT {MILESTONE_COLS} FROM milestones WHERE task_id = $1 ORDER BY seq"))
                .bind(task.id)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?
                .iter()
                .map(milestone_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(map_err)?;
            let mut ms = ms;
            for m in &mut ms {
                m.files = sqlx::query(&format!("{MILESTONE_FILE_SELECT} WHERE milestone_id = $1 ORDER BY created_at, id"))
                    .bind(m.id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)?
                    .iter()
                    .map(attachment_from)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(map_err)?;
            }
            out.push(TaskRow {
                task,
                org_name: r.try_get("org_name").map_err(map_err)?,
                lead_name: r.try_get("lead_name").map_err(map_err)?,
                call_title: r.try_get("call_title").map_err(map_err)?,
                milestones: ms,
            });
        }
        Ok(out)
    }
}

#[async_trait]
impl TaskStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn start_task(
        &self,
        task: &TaskRecord,
        milestones: &[MilestoneRecord],
        call: Option<&StatusChange>,
        audit: &[AuditEvent],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let at = task.created_at;
        if let Some(c) = call {
            write_status(&mut tx, c, at).await?;
            queue_search(&mut tx, "call", &c.id.to_string(), at).await.map_err(map_err)?;
        } else {
            // The call must still be in progress (not terminated meanwhile).
            let r = sqlx::query("UPDATE calls SET updated_at = $1 WHERE id = $2 AND status = 'in_progress'")
                .bind(micros(at))
                .bind(task.call_id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::Stale);
            }
        }
        // The call's row is taken: a racing 立项 of the same call waits here, then sees this
        // one's funding. Each party's money stays within what the call put up.
        let fits: bool = sqlx::query_scalar(
            "SELECT (COALESCE((SELECT SUM(city_fund_fen) FROM tasks WHERE call_id = $1), 0) + $2 <= c.city_fund_fen) \
             AND (COALESCE((SELECT SUM(enterprise_fund_fen) FROM tasks WHERE call_id = $1), 0) + $3 <= c.enterprise_fund_fen) \
             FROM calls c WHERE c.id = $1",
        )
        .bind(task.call_id)
        .bind(task.city_fund_fen)
        .bind(task.enterprise_fund_fen)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?
        .unwrap_or(false);
        if !fits {
            return Err(StoreError::Stale);
        }
        let indicators = serde_json::to_string(&task.indicators).map_err(|e| StoreError::Other(e.to_string()))?;
        sqlx::query(
            "INSERT INTO tasks (id, call_id, bid_id, org_id, lead_user_id, starts_on, city_fund_fen, enterprise_fund_fen, \
             indicators, status, status_reason, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(task.id)
        .bind(task.call_id)
        .bind(task.bid_id)
        .bind(task.org_id)
        .bind(task.lead_user_id)
        .bind(task.starts_on)
        .bind(task.city_fund_fen)
        .bind(task.enterprise_fund_fen)
        .bind(indicators)
        .bind(task.status.as_str())
        .bind(&task.status_reason)
        .bind(task.created_by)
        .bind(micros(task.created_at))
        .bind(micros(task.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for m in milestones {
            insert_milestone_tx(&mut tx, m).await?;
        }
        for ev in audit {
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn get_task(&self, id: Uuid) -> StoreResult<Option<TaskRow>> {
        Ok(self.task_rows("t.id = $1", id).await?.into_iter().next())
    }

    #[tracing::instrument(skip_all)]
    async fn tasks_of_call(&self, call_id: Uuid) -> StoreResult<Vec<TaskRow>> {
        self.task_rows("t.call_id = $1", call_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn task_of_milestone(&self, milestone_id: Uuid) -> StoreResult<Option<TaskRow>> {
        Ok(self
            .task_rows("t.id = (SELECT task_id FROM milestones WHERE id = $1)", milestone_id)
            .await?
            .into_iter()
            .next())
    }

    #[tracing::instrument(skip_all)]
    async fn write_tasks(&self, w: &TaskWrite) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for (step, ev) in &w.milestones {
            let at = ev.at;
            write_status(&mut tx, &step.change, at).await?;
            // The call's open-data release changes with its milestones.
            sqlx::query(
                "UPDATE calls SET updated_at = $1 WHERE id = (SELECT t.call_id FROM tasks t JOIN milestones m ON m.task_id = t.id WHERE m.id = $2)",
            )
            .bind(micros(at))
            .bind(step.change.id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if let Some((report, values, by)) = &step.submission {
                let values = serde_json::to_string(values).map_err(|e| StoreError::Other(e.to_string()))?;
                sqlx::query(
                    "UPDATE milestones SET report = $1, indicator_values = $2, submitted_at = $3, submitted_by = $4, \
                     decided_at = NULL, decided_by = NULL WHERE id = $5",
                )
                .bind(report)
                .bind(values)
                .bind(micros(at))
                .bind(*by)
                .bind(step.change.id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            }
            if let Some(by) = step.decided_by {
                sqlx::query("UPDATE milestones SET decided_at = $1, decided_by = $2 WHERE id = $3")
                    .bind(micros(at))
                    .bind(by)
                    .bind(step.change.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
            }
            if step.pays {
                let r = sqlx::query("UPDATE milestones SET paid_at = $1 WHERE id = $2 AND paid_at IS NULL")
                    .bind(micros(at))
                    .bind(step.change.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
            }
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        for (task, milestone, extra) in &w.enlargements {
            let r = sqlx::query(
                "UPDATE milestones SET tranche_fen = tranche_fen + $1 WHERE id = $2 AND task_id = $3 \
                 AND kind = 'final' AND paid_at IS NULL",
            )
            .bind(*extra)
            .bind(*milestone)
            .bind(*task)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if r.rows_affected() == 0 {
                return Err(StoreError::Stale);
            }
            sqlx::query("UPDATE tasks SET city_fund_fen = city_fund_fen + $1 WHERE id = $2")
                .bind(*extra)
                .bind(*task)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            sqlx::query("UPDATE calls SET updated_at = $1 WHERE id = (SELECT call_id FROM tasks WHERE id = $2)")
                .bind(micros(
                    // An enlargement is decided with its mid-term event; the store keeps no clock.
                    w.events
                        .first()
                        .map(|e| e.at)
                        .ok_or_else(|| StoreError::Other("an enlargement without its mid-term event".into()))?,
                ))
                .bind(*task)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        for (change, ev) in &w.tasks {
            write_status(&mut tx, change, ev.at).await?;
            sqlx::query("UPDATE calls SET updated_at = $1 WHERE id = (SELECT call_id FROM tasks WHERE id = $2)")
                .bind(micros(ev.at))
                .bind(change.id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        for d in &w.midterm {
            sqlx::query(
                "INSERT INTO midterm_decisions (id, call_id, task_id, decision, merge_into, extra_fen, reason, decided_by, decided_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(d.id)
            .bind(d.call_id)
            .bind(d.task_id)
            .bind(&d.decision)
            .bind(d.merge_into)
            .bind(d.extra_fen)
            .bind(&d.reason)
            .bind(d.decided_by)
            .bind(micros(d.decided_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        if let Some((call, flag)) = w.breakthrough {
            sqlx::query("UPDATE calls SET breakthrough = $1 WHERE id = $2")
                .bind(flag)
                .bind(call)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        for ev in &w.events {
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        if let Some((change, ev)) = &w.call {
            write_status(&mut tx, change, ev.at).await?;
            queue_search(&mut tx, "call", &change.id.to_string(), ev.at).await.map_err(map_err)?;
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn midterm_of_call(&self, call_id: Uuid) -> StoreResult<Vec<MidtermRecord>> {
        let rows = sqlx::query(
            "SELECT id, call_id, task_id, decision, merge_into, extra_fen, reason, decided_by, decided_at \
             FROM midterm_decisions WHERE call_id = $1 ORDER BY decided_at, id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(MidtermRecord {
                    id: r.try_get("id")?,
                    call_id: r.try_get("call_id")?,
                    task_id: r.try_get("task_id")?,
                    decision: r.try_get("decision")?,
                    merge_into: r.try_get("merge_into")?,
                    extra_fen: r.try_get("extra_fen")?,
                    reason: r.try_get("reason")?,
                    decided_by: r.try_get("decided_by")?,
                    decided_at: r.try_get("decided_at")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn call_breakthrough(&self, call_id: Uuid) -> StoreResult<bool> {
        let r = sqlx::query("SELECT breakthrough FROM calls WHERE id = $1")
            .bind(call_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        match r {
            Some(r) => r.try_get::<bool, _>("breakthrough").map_err(map_err),
            None => Ok(false),
        }
    }

    #[tracing::instrument(skip_all)]
    async fn open_milestones_due(&self, by: chrono::NaiveDate) -> StoreResult<Vec<(MilestoneRecord, TaskRecord)>> {
        let cols: String = MILESTONE_COLS
            .split(", ")
            .map(|c| format!("m.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {cols}, t.call_id AS t_call_id, t.bid_id AS t_bid_id, t.org_id AS t_org_id, \
             t.lead_user_id AS t_lead_user_id, t.starts_on AS t_starts_on, t.city_fund_fen AS t_city_fund_fen, \
             t.enterprise_fund_fen AS t_enterprise_fund_fen, t.indicators AS t_indicators, t.status AS t_status, \
             t.status_reason AS t_status_reason, t.created_by AS t_created_by, t.created_at AS t_created_at, \
             t.updated_at AS t_updated_at \
             FROM milestones m JOIN tasks t ON t.id = m.task_id \
             WHERE m.status IN ('pending', 'rejected') AND m.due_on <= $1 AND t.status = 'in_progress' \
             ORDER BY m.due_on, m.id"
        ))
        .bind(by)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let m = milestone_from(r)?;
                let status: String = r.try_get("t_status")?;
                let indicators: String = r.try_get("t_indicators")?;
                let t = TaskRecord {
                    id: m.task_id,
                    call_id: r.try_get("t_call_id")?,
                    bid_id: r.try_get("t_bid_id")?,
                    org_id: r.try_get("t_org_id")?,
                    lead_user_id: r.try_get("t_lead_user_id")?,
                    starts_on: r.try_get("t_starts_on")?,
                    city_fund_fen: r.try_get("t_city_fund_fen")?,
                    enterprise_fund_fen: r.try_get("t_enterprise_fund_fen")?,
                    indicators: serde_json::from_str(&indicators).map_err(|_| bad("indicators", &indicators))?,
                    status: TaskStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
                    status_reason: r.try_get("t_status_reason")?,
                    created_by: r.try_get("t_created_by")?,
                    created_at: r.try_get("t_created_at")?,
                    updated_at: r.try_get("t_updated_at")?,
                };
                Ok((m, t))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn add_milestone_file(&self, f: &AttachmentRecord, max: usize, audit: &AuditEvent) -> StoreResult<()> {
        let f = f.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                // Taking the milestone's row first orders this write against a racing submission.
                let r = sqlx::query(
                    "UPDATE milestones SET updated_at = $1 WHERE id = $2 AND status IN ('pending', 'rejected') \
                     AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = milestones.task_id AND t.status = 'in_progress') \
                     AND (SELECT COUNT(*) FROM milestone_files x WHERE x.milestone_id = milestones.id) < $3",
                )
                .bind(micros(f.created_at))
                .bind(f.owner_id)
                .bind(max as i64)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                insert_file_tx(tx, "milestone_files", "milestone_id", &f).await
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn remove_milestone_file(&self, milestone_id: Uuid, file_id: Uuid, audit: &AuditEvent) -> StoreResult<()> {
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE milestones SET updated_at = $1 WHERE id = $2 AND status IN ('pending', 'rejected') \
                     AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = milestones.task_id AND t.status = 'in_progress') \
                     AND EXISTS (SELECT 1 FROM milestone_files x WHERE x.milestone_id = milestones.id AND x.id = $3)",
                )
                .bind(micros(at))
                .bind(milestone_id)
                .bind(file_id)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                sqlx::query("DELETE FROM milestone_files WHERE id = $1 AND milestone_id = $2")
                    .bind(file_id)
                    .bind(milestone_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_milestone_file(&self, id: Uuid) -> StoreResult<Option<AttachmentRecord>> {
        sqlx::query(&format!("{MILESTONE_FILE_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(attachment_from)
            .transpose()
            .map_err(map_err)
    }
}
