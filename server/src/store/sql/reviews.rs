// Expert review, the award and its 公示 with objections, and the holiday calendar. Included
// into both the SQLite and the PostgreSQL module (see ../mod.rs).

use app::domain::review::ReviewStatus;

const REVIEW_SELECT: &str = "SELECT r.id, r.call_id, r.bid_id, r.expert_user_id, r.status, r.status_reason, r.override_reason, \
    r.comment, r.created_at, r.updated_at, u.display_name AS expert_name, b.title AS bid_title, c.title AS call_title, c.status AS call_status \
    FROM review_assignments r JOIN users u ON u.id = r.expert_user_id JOIN bids b ON b.id = r.bid_id \
    JOIN calls c ON c.id = r.call_id";

fn review_from(r: &DbRow) -> Result<ReviewRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(ReviewRow {
        review: ReviewRecord {
            id: r.try_get("id")?,
            call_id: r.try_get("call_id")?,
            bid_id: r.try_get("bid_id")?,
            expert_user_id: r.try_get("expert_user_id")?,
            status: ReviewStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
            status_reason: r.try_get("status_reason")?,
            override_reason: r.try_get("override_reason")?,
            comment: r.try_get("comment")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        },
        expert_name: r.try_get("expert_name")?,
        // Sealed like the bid: its title only once the call's window has closed.
        bid_title: {
            let call_status: String = r.try_get("call_status")?;
            let opened = app::domain::call::CallStatus::parse(&call_status)
                .is_some_and(app::domain::call::bids_opened);
            if opened {
                r.try_get("bid_title")?
            } else {
                String::new()
            }
        },
        call_title: r.try_get("call_title")?,
        scores: vec![],
    })
}

impl SqlStore {
    async fn reviews_where(&self, filter: &str, arg: Uuid) -> StoreResult<Vec<ReviewRow>> {
        let rows = sqlx::query(&format!(
            "{REVIEW_SELECT} WHERE {filter} ORDER BY b.title, u.display_name, r.id"
        ))
        .bind(arg)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut out = rows
            .iter()
            .map(review_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)?;
        for r in &mut out {
            r.scores = sqlx::query(
                "SELECT criterion, score, comment FROM review_scores WHERE assignment_id = $1 ORDER BY criterion",
            )
            .bind(r.review.id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(|s| {
                Ok(ScoreRow {
                    criterion: small(s, "criterion")?,
                    score: small(s, "score")?,
                    comment: s.try_get("comment")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)?;
        }
        Ok(out)
    }
}

#[async_trait]
impl ReviewStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_reviews(&self, rows: &[(ReviewRecord, AuditEvent)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for (r, ev) in rows {
            sqlx::query(
                "INSERT INTO review_assignments (id, call_id, bid_id, expert_user_id, status, status_reason, override_reason, comment, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(r.id)
            .bind(r.call_id)
            .bind(r.bid_id)
            .bind(r.expert_user_id)
            .bind(r.status.as_str())
            .bind(&r.status_reason)
            .bind(&r.override_reason)
            .bind(&r.comment)
            .bind(micros(r.created_at))
            .bind(micros(r.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn get_review(&self, id: Uuid) -> StoreResult<Option<ReviewRow>> {
        Ok(self.reviews_where("r.id = $1", id).await?.into_iter().next())
    }

    #[tracing::instrument(skip_all)]
    async fn reviews_of_call(&self, call_id: Uuid) -> StoreResult<Vec<ReviewRow>> {
        self.reviews_where("r.call_id = $1", call_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn reviews_of_expert(&self, user_id: Uuid) -> StoreResult<Vec<ReviewRow>> {
        self.reviews_where("r.expert_user_id = $1", user_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn submit_review(&self, change: &StatusChange, scores: &[ScoreRow], comment: &str, audit: &AuditEvent) -> StoreResult<()> {
        let (c, scores, comment, at) = (change.clone(), scores.to_vec(), comment.to_string(), audit.at);
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_status(tx, &c, at).await?;
                sqlx::query("UPDATE review_assignments SET comment = $1 WHERE id = $2")
                    .bind(&comment)
                    .bind(c.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                for s in &scores {
                    sqlx::query("INSERT INTO review_scores (assignment_id, criterion, score, comment) VALUES ($1, $2, $3, $4)")
                        .bind(c.id)
                        .bind(i64::from(s.criterion))
                        .bind(i64::from(s.score))
                        .bind(&s.comment)
                        .execute(&mut **tx)
                        .await
                        .map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn open_publicity(&self, change: &StatusChange, awards: &[AwardRecord], starts: DateTime<Utc>, ends: DateTime<Utc>, audit: &AuditEvent) -> StoreResult<()> {
        let (c, awards, at) = (change.clone(), awards.to_vec(), audit.at);
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_status(tx, &c, at).await?;
                sqlx::query("UPDATE calls SET publicity_starts_at = $1, publicity_ends_at = $2 WHERE id = $3")
                    .bind(micros(starts))
                    .bind(micros(ends))
                    .bind(c.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                for a in &awards {
                    sqlx::query("INSERT INTO call_awards (call_id, bid_id, reason, justification) VALUES ($1, $2, $3, $4)")
                        .bind(c.id)
                        .bind(a.bid_id)
                        .bind(&a.reason)
                        .bind(&a.justification)
                        .execute(&mut **tx)
                        .await
                        .map_err(map_err)?;
                }
                queue_search(tx, "call", &c.id.to_string(), at).await.map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn reopen_review(&self, change: &StatusChange, audit: &AuditEvent) -> StoreResult<()> {
        let (c, at) = (change.clone(), audit.at);
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_status(tx, &c, at).await?;
                sqlx::query("UPDATE calls SET publicity_starts_at = NULL, publicity_ends_at = NULL WHERE id = $1")
                    .bind(c.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query("DELETE FROM call_awards WHERE call_id = $1")
                    .bind(c.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                queue_search(tx, "call", &c.id.to_string(), at).await.map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn conclude_publicity(&self, change: &StatusChange, awarded: &[Uuid], drafts: &[(ContractRecord, AuditEvent)], audit: &AuditEvent) -> StoreResult<()> {
        let (c, awarded, drafts, at) = (change.clone(), awarded.to_vec(), drafts.to_vec(), audit.at);
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_status(tx, &c, at).await?;
                for b in &awarded {
                    sqlx::query("UPDATE bids SET status = 'awarded', updated_at = $1 WHERE id = $2 AND status = 'qualified'")
                        .bind(micros(at))
                        .bind(*b)
                        .execute(&mut **tx)
                        .await
                        .map_err(map_err)?;
                }
                sqlx::query("UPDATE bids SET status = 'not_awarded', updated_at = $1 WHERE call_id = $2 AND status = 'qualified'")
                    .bind(micros(at))
                    .bind(c.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                for (d, ev) in &drafts {
                    insert_contract_tx(tx, d).await?;
                    append_audit(tx, ev).await.map_err(map_err)?;
                }
                queue_search(tx, "call", &c.id.to_string(), at).await.map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn call_awards(&self, call_id: Uuid) -> StoreResult<Vec<AwardRow>> {
        let rows = sqlx::query(
            "SELECT a.bid_id, a.reason, a.justification, b.title AS bid_title, b.org_id, o.name AS org_name \
             FROM call_awards a JOIN bids b ON b.id = a.bid_id JOIN organizations o ON o.id = b.org_id \
             WHERE a.call_id = $1 ORDER BY o.name, a.bid_id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(AwardRow {
                    award: AwardRecord {
                        bid_id: r.try_get("bid_id")?,
                        reason: r.try_get("reason")?,
                        justification: r.try_get("justification")?,
                    },
                    bid_title: r.try_get("bid_title")?,
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("org_name")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn publicity_period(&self, call_id: Uuid) -> StoreResult<Option<(DateTime<Utc>, DateTime<Utc>)>> {
        let r = sqlx::query("SELECT publicity_starts_at, publicity_ends_at FROM calls WHERE id = $1")
            .bind(call_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        let Some(r) = r else { return Ok(None) };
        let s: Option<DateTime<Utc>> = r.try_get("publicity_starts_at").map_err(map_err)?;
        let e: Option<DateTime<Utc>> = r.try_get("publicity_ends_at").map_err(map_err)?;
        Ok(s.zip(e))
    }

    #[tracing::instrument(skip_all)]
    async fn insert_objection(&self, o: &ObjectionRecord, audit: &AuditEvent) -> StoreResult<()> {
        let o = o.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                // Only while the call is in its 公示 (the service checks the period's end).
                let r = sqlx::query(
                    "INSERT INTO objections (id, call_id, user_id, body, created_at) \
                     SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM calls WHERE id = $2 AND status = 'publicity')",
                )
                .bind(o.id)
                .bind(o.call_id)
                .bind(o.user_id)
                .bind(&o.body)
                .bind(micros(o.created_at))
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
    async fn objections_of(&self, call_id: Uuid) -> StoreResult<Vec<ObjectionRow>> {
        let rows = sqlx::query(
            "SELECT x.id, x.call_id, x.user_id, x.body, x.created_at, x.answer, x.upheld, x.answered_by, x.answered_at, \
             u.display_name FROM objections x JOIN users u ON u.id = x.user_id WHERE x.call_id = $1 ORDER BY x.created_at, x.id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| Ok(ObjectionRow { objection: objection_from(r)?, user_name: r.try_get("display_name")? }))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn answer_objection(&self, id: Uuid, answer: &str, upheld: bool, by: Uuid, at: DateTime<Utc>, audit: &AuditEvent) -> StoreResult<()> {
        let answer = answer.to_string();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE objections SET answer = $1, upheld = $2, answered_by = $3, answered_at = $4 WHERE id = $5 AND answer IS NULL",
                )
                .bind(&answer)
                .bind(upheld)
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
    async fn get_objection(&self, id: Uuid) -> StoreResult<Option<ObjectionRecord>> {
        let r = sqlx::query(
            "SELECT id, call_id, user_id, body, created_at, answer, upheld, answered_by, answered_at FROM objections WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        r.as_ref().map(objection_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn holidays(&self) -> StoreResult<Vec<(chrono::NaiveDate, String)>> {
        let rows = sqlx::query("SELECT day, kind FROM holidays ORDER BY day")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let d: String = r.try_get("day")?;
                let day = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad("day", &d))?;
                Ok((day, r.try_get("kind")?))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn upsert_holiday(
        &self,
        day: chrono::NaiveDate,
        kind: &str,
        name: &str,
        audit: Option<&AuditEvent>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3) \
             ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        )
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(kind)
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if let Some(ev) = audit {
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }
}

fn objection_from(r: &DbRow) -> Result<ObjectionRecord, sqlx::Error> {
    Ok(ObjectionRecord {
        id: r.try_get("id")?,
        call_id: r.try_get("call_id")?,
        user_id: r.try_get("user_id")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
        answer: r.try_get("answer")?,
        upheld: r.try_get("upheld")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: r.try_get("answered_at")?,
    })
}
