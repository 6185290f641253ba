// Expert opinions on a call's implementation (milestones, acceptance, the mid-term review).
// Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

use app::domain::stage_review::Opinion;

const STAGE_REVIEW_SELECT: &str = "SELECT r.id, r.call_id, r.task_id, r.milestone_id, r.expert_user_id, r.override_reason, \
     r.assigned_by, r.opinion, r.comment, r.given_at, r.answers, r.created_at, u.display_name AS expert_name, \
     c.title AS call_title, o.name AS org_name, m.deliverable \
     FROM stage_reviews r JOIN users u ON u.id = r.expert_user_id JOIN calls c ON c.id = r.call_id \
     LEFT JOIN tasks t ON t.id = r.task_id LEFT JOIN organizations o ON o.id = t.org_id \
     LEFT JOIN milestones m ON m.id = r.milestone_id";

fn stage_review_from(r: &DbRow) -> Result<StageReviewRow, sqlx::Error> {
    let opinion: Option<String> = r.try_get("opinion")?;
    Ok(StageReviewRow {
        review: StageReviewRecord {
            id: r.try_get("id")?,
            call_id: r.try_get("call_id")?,
            task_id: r.try_get("task_id")?,
            milestone_id: r.try_get("milestone_id")?,
            expert_user_id: r.try_get("expert_user_id")?,
            override_reason: r.try_get("override_reason")?,
            assigned_by: r.try_get("assigned_by")?,
            opinion: match opinion {
                Some(o) => Some(Opinion::parse(&o).ok_or_else(|| bad("opinion", &o))?),
                None => None,
            },
            comment: r.try_get("comment")?,
            given_at: r.try_get("given_at")?,
            answers: r.try_get("answers")?,
            created_at: r.try_get("created_at")?,
        },
        expert_name: r.try_get("expert_name")?,
        call_title: r.try_get("call_title")?,
        org_name: r.try_get("org_name")?,
        deliverable: r.try_get("deliverable")?,
    })
}

impl SqlStore {
    async fn stage_reviews_where(&self, filter: &str, order: &str, arg: Uuid) -> StoreResult<Vec<StageReviewRow>> {
        sqlx::query(&format!("{STAGE_REVIEW_SELECT} WHERE {filter} ORDER BY {order}"))
            .bind(arg)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(stage_review_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_err)
    }
}

#[async_trait]
impl StageReviewStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_stage_reviews(&self, rows: &[(StageReviewRecord, AuditEvent)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for (r, ev) in rows {
            sqlx::query(
                "INSERT INTO stage_reviews (id, call_id, task_id, milestone_id, expert_user_id, override_reason, assigned_by, \
                 opinion, comment, given_at, answers, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, NULL, $8)",
            )
            .bind(r.id)
            .bind(r.call_id)
            .bind(r.task_id)
            .bind(r.milestone_id)
            .bind(r.expert_user_id)
            .bind(&r.override_reason)
            .bind(r.assigned_by)
            .bind(micros(r.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            append_audit(&mut tx, ev).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn stage_reviews_of_call(&self, call_id: Uuid) -> StoreResult<Vec<StageReviewRow>> {
        self.stage_reviews_where("r.call_id = $1", "r.created_at, r.id", call_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn stage_reviews_of_expert(&self, user_id: Uuid) -> StoreResult<Vec<StageReviewRow>> {
        self.stage_reviews_where("r.expert_user_id = $1", "r.created_at DESC, r.id", user_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_stage_review(&self, id: Uuid) -> StoreResult<Option<StageReviewRow>> {
        Ok(self.stage_reviews_where("r.id = $1", "r.id", id).await?.into_iter().next())
    }

    #[tracing::instrument(skip_all)]
    async fn give_opinion(&self, w: &OpinionWrite, audit: &AuditEvent) -> StoreResult<()> {
        let w = w.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                // A milestone's opinion lands only while it awaits a decision on the very
                // submission it answers; a mid-term opinion while the call is in progress.
                let guard = if w.answers.is_some() {
                    "EXISTS (SELECT 1 FROM milestones m WHERE m.id = stage_reviews.milestone_id \
                     AND m.status = 'submitted' AND m.submitted_at = $5)"
                } else {
                    "milestone_id IS NULL AND $5 IS NULL \
                     AND EXISTS (SELECT 1 FROM calls c WHERE c.id = stage_reviews.call_id AND c.status = 'in_progress')"
                };
                let r = sqlx::query(&format!(
                    "UPDATE stage_reviews SET opinion = $1, comment = $2, given_at = $3, answers = $5 \
                     WHERE id = $4 AND {guard}"
                ))
                .bind(w.opinion.map(Opinion::as_str))
                .bind(&w.comment)
                .bind(micros(w.at))
                .bind(w.review_id)
                .bind(w.answers.map(micros))
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
}
