// 揭榜挂帅 calls and their sealed bids. Included into both the SQLite and the PostgreSQL module
// (see ../mod.rs). The call queries count bids and read nothing else of them.

use app::domain::bid::BidStatus;
use app::domain::call::CallStatus;
use app::model::{BidReceipt, LinkedDemand};

fn json_of<T: serde::de::DeserializeOwned>(r: &DbRow, col: &str) -> Result<T, sqlx::Error> {
    let s: String = r.try_get(col)?;
    serde_json::from_str(&s).map_err(|_| bad(col, &s))
}

fn small(r: &DbRow, col: &str) -> Result<u32, sqlx::Error> {
    let v: i64 = r.try_get(col)?;
    u32::try_from(v).map_err(|_| bad(col, &v.to_string()))
}

fn call_from(r: &DbRow) -> Result<CallRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(CallRow {
        call: CallRecord {
            id: r.try_get("id")?,
            created_by: r.try_get("created_by")?,
            title: r.try_get("title")?,
            background: r.try_get("background")?,
            goal: r.try_get("goal")?,
            chain_code: r.try_get("chain_code")?,
            district_code: r.try_get("district_code")?,
            indicators: json_of(r, "indicators")?,
            acceptance: r.try_get("acceptance")?,
            city_fund_fen: r.try_get("city_fund_fen")?,
            enterprise_fund_fen: r.try_get("enterprise_fund_fen")?,
            co_funder_org_id: r.try_get("co_funder_org_id")?,
            eligibility: json_of(r, "eligibility")?,
            opens_at: r.try_get("opens_at")?,
            closes_at: r.try_get("closes_at")?,
            criteria: json_of(r, "criteria")?,
            score_scale: small(r, "score_scale")?,
            winners: small(r, "winners")?,
            duration_months: small(r, "duration_months")?,
            milestones: json_of(r, "milestones")?,
            status: CallStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
            status_reason: r.try_get("status_reason")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            published_at: r.try_get("published_at")?,
        },
        co_funder_name: r.try_get("co_funder_name")?,
        bids_submitted: r.try_get("bids_submitted")?,
    })
}

const CALL_FROM: &str = "FROM calls c LEFT JOIN organizations cf ON cf.id = c.co_funder_org_id";

/// The call columns, the co-funder's name, and the count of bids past draft: nothing else of
/// the bids.
fn call_select() -> String {
    format!(
        "SELECT c.id, c.created_by, c.title, c.background, c.goal, c.chain_code, c.district_code, c.indicators, \
         c.acceptance, c.city_fund_fen, c.enterprise_fund_fen, c.co_funder_org_id, c.eligibility, c.opens_at, c.closes_at, \
         c.criteria, c.score_scale, c.winners, c.duration_months, c.milestones, c.status, c.status_reason, \
         c.created_at, c.updated_at, c.published_at, cf.name AS co_funder_name, \
         (SELECT COUNT(*) FROM bids b WHERE b.call_id = c.id AND b.status NOT IN ('draft', 'withdrawn')) AS bids_submitted \
         {CALL_FROM}"
    )
}

async fn write_call(tx: &mut Tx<'_>, c: &CallRecord, insert: bool) -> StoreResult<()> {
    let sql = if insert {
        "INSERT INTO calls (title, background, goal, chain_code, district_code, indicators, acceptance, city_fund_fen, \
         enterprise_fund_fen, co_funder_org_id, eligibility, opens_at, closes_at, criteria, score_scale, winners, \
         duration_months, milestones, updated_at, id, created_by, status, status_reason, created_at, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)"
    } else {
        "UPDATE calls SET title = $1, background = $2, goal = $3, chain_code = $4, district_code = $5, indicators = $6, \
         acceptance = $7, city_fund_fen = $8, enterprise_fund_fen = $9, co_funder_org_id = $10, eligibility = $11, \
         opens_at = $12, closes_at = $13, criteria = $14, score_scale = $15, winners = $16, duration_months = $17, \
         milestones = $18, updated_at = $19 WHERE id = $20 AND status = $21"
    };
    let mut q = sqlx::query(sql)
        .bind(&c.title)
        .bind(&c.background)
        .bind(&c.goal)
        .bind(&c.chain_code)
        .bind(&c.district_code)
        .bind(json_list(&c.indicators)?)
        .bind(&c.acceptance)
        .bind(c.city_fund_fen)
        .bind(c.enterprise_fund_fen)
        .bind(c.co_funder_org_id)
        .bind(json_list(&c.eligibility)?)
        .bind(micros(c.opens_at))
        .bind(micros(c.closes_at))
        .bind(json_list(&c.criteria)?)
        .bind(i64::from(c.score_scale))
        .bind(i64::from(c.winners))
        .bind(i64::from(c.duration_months))
        .bind(json_list(&c.milestones)?)
        .bind(micros(c.updated_at))
        .bind(c.id);
    q = if insert {
        q.bind(c.created_by)
            .bind(c.status.as_str())
            .bind(&c.status_reason)
            .bind(micros(c.created_at))
            .bind(c.published_at.map(micros))
    } else {
        q.bind(CallStatus::Draft.as_str())
    };
    let r = q.execute(&mut **tx).await.map_err(map_err)?;
    if r.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

async fn link_demands(tx: &mut Tx<'_>, call: Uuid, demands: &[Uuid]) -> StoreResult<()> {
    sqlx::query("DELETE FROM call_demands WHERE call_id = $1")
        .bind(call)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    for d in demands {
        sqlx::query("INSERT INTO call_demands (call_id, demand_id) VALUES ($1, $2)")
            .bind(call)
            .bind(*d)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

fn bid_from(r: &DbRow) -> Result<BidRecord, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(BidRecord {
        id: r.try_get("id")?,
        call_id: r.try_get("call_id")?,
        org_id: r.try_get("org_id")?,
        lead_user_id: r.try_get("lead_user_id")?,
        title: r.try_get("title")?,
        proposal: r.try_get("proposal")?,
        budget_fen: r.try_get("budget_fen")?,
        timeline: r.try_get("timeline")?,
        milestone_plan: json_of(r, "milestone_plan")?,
        status: BidStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        status_reason: r.try_get("status_reason")?,
        submitted_at: r.try_get("submitted_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

fn attachment_from(r: &DbRow) -> Result<AttachmentRecord, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    Ok(AttachmentRecord {
        id: r.try_get("id")?,
        owner_id: r.try_get("owner_id")?,
        sha256: r.try_get("sha256")?,
        name: r.try_get("name")?,
        size: r.try_get("size")?,
        kind: app::domain::attachment::FileKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        uploaded_by: r.try_get("uploaded_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Writes a file's record into `table` (a constant), its owner in `owner_col`.
async fn insert_file_tx(tx: &mut Tx<'_>, table: &str, owner_col: &str, a: &AttachmentRecord) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO {table} (id, {owner_col}, sha256, name, size, kind, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(a.id)
    .bind(a.owner_id)
    .bind(&a.sha256)
    .bind(&a.name)
    .bind(a.size)
    .bind(a.kind.as_str())
    .bind(a.uploaded_by)
    .bind(micros(a.created_at))
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

const ATTACHMENT_SELECT: &str =
    "SELECT id, bid_id AS owner_id, sha256, name, size, kind, uploaded_by, created_at FROM bid_attachments";

const BID_SELECT: &str = "SELECT b.id, b.call_id, b.org_id, b.lead_user_id, b.title, b.proposal, b.budget_fen, b.timeline, \
    b.milestone_plan, b.status, b.status_reason, b.submitted_at, b.created_at, b.updated_at, b.version, o.name AS org_name, \
    c.title AS call_title FROM bids b JOIN organizations o ON o.id = b.org_id JOIN calls c ON c.id = b.call_id";

async fn set_members(tx: &mut Tx<'_>, bid: Uuid, members: &[Uuid]) -> StoreResult<()> {
    let rows = sqlx::query("SELECT user_id FROM bid_members WHERE bid_id = $1")
        .bind(bid)
        .fetch_all(&mut **tx)
        .await
        .map_err(map_err)?;
    let current: Vec<Uuid> = rows
        .iter()
        .map(|r| r.try_get("user_id"))
        .collect::<Result<_, _>>()
        .map_err(map_err)?;
    for u in current.iter().filter(|u| !members.contains(u)) {
        sqlx::query("DELETE FROM bid_members WHERE bid_id = $1 AND user_id = $2")
            .bind(bid)
            .bind(*u)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    for u in members.iter().filter(|u| !current.contains(u)) {
        sqlx::query("INSERT INTO bid_members (bid_id, user_id, confirmed_at) VALUES ($1, $2, NULL)")
            .bind(bid)
            .bind(*u)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

fn receipt_from(r: &DbRow) -> Result<BidReceipt, sqlx::Error> {
    Ok(BidReceipt {
        bid_id: r.try_get("bid_id")?,
        call_id: r.try_get("call_id")?,
        submitted_at: r.try_get("submitted_at")?,
        sha256: r.try_get("sha256")?,
        attachments: json_of(r, "attachments")?,
    })
}

impl SqlStore {
    /// Bids matching `filter` (on `bids b`, bound to `arg`) with their teams.
    async fn bids_where(&self, filter: &str, arg: Uuid) -> StoreResult<Vec<BidRow>> {
        let rows = sqlx::query(&format!(
            "{BID_SELECT} WHERE {filter} ORDER BY b.updated_at DESC, b.id"
        ))
        .bind(arg)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let bid = bid_from(r).map_err(map_err)?;
            let members = sqlx::query(
                "SELECT m.user_id, u.display_name, m.confirmed_at FROM bid_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.bid_id = $1 ORDER BY u.display_name, m.user_id",
            )
            .bind(bid.id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(|m| {
                Ok(BidMemberRow {
                    user_id: m.try_get("user_id")?,
                    name: m.try_get("display_name")?,
                    confirmed_at: m.try_get("confirmed_at")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)?;
            let attachments = sqlx::query(&format!(
                "{ATTACHMENT_SELECT} WHERE bid_id = $1 ORDER BY created_at, id"
            ))
            .bind(bid.id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(attachment_from)
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)?;
            out.push(BidRow {
                org_name: r.try_get("org_name").map_err(map_err)?,
                call_title: r.try_get("call_title").map_err(map_err)?,
                bid,
                members,
                attachments,
            });
        }
        Ok(out)
    }
}

#[async_trait]
impl CallStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_call(&self, c: &CallRecord, demands: &[Uuid], audit: &AuditEvent) -> StoreResult<()> {
        let (c, demands) = (c.clone(), demands.to_vec());
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_call(tx, &c, true).await?;
                link_demands(tx, c.id, &demands).await?;
                if c.status != CallStatus::Draft {
                    queue_search(tx, "call", &c.id.to_string(), c.updated_at).await.map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn update_call_draft(&self, c: &CallRecord, demands: &[Uuid], audit: &AuditEvent) -> StoreResult<()> {
        let (c, demands) = (c.clone(), demands.to_vec());
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_call(tx, &c, false).await?;
                link_demands(tx, c.id, &demands).await
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_call(&self, id: Uuid) -> StoreResult<Option<CallRow>> {
        let row = sqlx::query(&format!("{} WHERE c.id = $1", call_select()))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(call_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_calls(&self, q: &CallQuery) -> StoreResult<(Vec<CallRow>, i64)> {
        let mut f = Filters::default();
        let statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
        f.any_of("c.status", &statuses);
        f.code_under("c.chain_code", q.chain_prefix.as_deref());
        f.text_is("c.district_code", q.district.as_deref());
        self.list_page(
            &call_select(),
            CALL_FROM,
            "c.closes_at DESC, c.id",
            &f,
            q.limit,
            q.offset,
            call_from,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn calls_changed_since(&self, since: Option<DateTime<Utc>>, limit: i64) -> StoreResult<Vec<(Uuid, DateTime<Utc>)>> {
        let since = since.map(micros).unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let rows = sqlx::query(
            "SELECT id, updated_at FROM calls WHERE status <> 'draft' AND updated_at > $1 ORDER BY updated_at, id LIMIT $2",
        )
        .bind(since)
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("updated_at")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn call_demands(&self, id: Uuid) -> StoreResult<Vec<LinkedDemand>> {
        let rows = sqlx::query(
            "SELECT d.id, d.title, d.org_id, o.name AS org_name FROM call_demands cd JOIN demands d ON d.id = cd.demand_id \
             JOIN organizations o ON o.id = d.org_id WHERE cd.call_id = $1 ORDER BY d.title, d.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(LinkedDemand {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("org_name")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn insert_bid(&self, b: &BidRecord, members: &[Uuid], audit: &AuditEvent) -> StoreResult<()> {
        let (b, members) = (b.clone(), members.to_vec());
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO bids (id, call_id, org_id, lead_user_id, title, proposal, budget_fen, timeline, milestone_plan, \
                     status, status_reason, submitted_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(b.id)
                .bind(b.call_id)
                .bind(b.org_id)
                .bind(b.lead_user_id)
                .bind(&b.title)
                .bind(&b.proposal)
                .bind(b.budget_fen)
                .bind(&b.timeline)
                .bind(json_list(&b.milestone_plan)?)
                .bind(b.status.as_str())
                .bind(&b.status_reason)
                .bind(b.submitted_at.map(micros))
                .bind(micros(b.created_at))
                .bind(micros(b.updated_at))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                set_members(tx, b.id, &members).await
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn update_bid_draft(&self, b: &BidRecord, members: &[Uuid], audit: &AuditEvent) -> StoreResult<()> {
        let (b, members) = (b.clone(), members.to_vec());
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE bids SET title = $1, proposal = $2, budget_fen = $3, timeline = $4, milestone_plan = $5, updated_at = $6, \
                     version = version + 1 WHERE id = $7 AND status = $8",
                )
                .bind(&b.title)
                .bind(&b.proposal)
                .bind(b.budget_fen)
                .bind(&b.timeline)
                .bind(json_list(&b.milestone_plan)?)
                .bind(micros(b.updated_at))
                .bind(b.id)
                .bind(BidStatus::Draft.as_str())
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                set_members(tx, b.id, &members).await
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn submit_bid(&self, change: &StatusChange, receipt: &BidReceipt, version: i64, audit: &AuditEvent) -> StoreResult<()> {
        let (c, receipt) = (change.clone(), receipt.clone());
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let at = micros(receipt.submitted_at);
                let r = sqlx::query(
                    "UPDATE bids SET status = $1, status_reason = NULL, submitted_at = $2, updated_at = $2 \
                     WHERE id = $3 AND status = $4 AND version = $7 \
                     AND NOT EXISTS (SELECT 1 FROM bid_members m WHERE m.bid_id = bids.id AND m.confirmed_at IS NULL) \
                     AND EXISTS (SELECT 1 FROM calls c WHERE c.id = bids.call_id AND c.status IN ($5, $6) \
                                 AND c.opens_at <= $2 AND c.closes_at > $2)",
                )
                .bind(c.to)
                .bind(at)
                .bind(c.id)
                .bind(c.from)
                .bind(CallStatus::Published.as_str())
                // A submission that arrived before the close may land just after the sweeper
                // moved the call on: its arrival time, not the sweeper, decides.
                .bind(CallStatus::Screening.as_str())
                .bind(version)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                sqlx::query(
                    "INSERT INTO bid_receipts (sha256, bid_id, call_id, submitted_at, attachments) VALUES ($1, $2, $3, $4, $5)",
                )
                    .bind(&receipt.sha256)
                    .bind(receipt.bid_id)
                    .bind(receipt.call_id)
                    .bind(at)
                    .bind(json_list(&receipt.attachments)?)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn add_bid_attachment(&self, a: &AttachmentRecord, max: usize, audit: &AuditEvent) -> StoreResult<()> {
        let a = a.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                // Taking the bid's row first orders this write against a racing submission.
                let r = sqlx::query(
                    "UPDATE bids SET version = version + 1, updated_at = $1 WHERE id = $2 AND status = $3 \
                     AND (SELECT COUNT(*) FROM bid_attachments x WHERE x.bid_id = bids.id) < $4",
                )
                .bind(micros(a.created_at))
                .bind(a.owner_id)
                .bind(BidStatus::Draft.as_str())
                .bind(max as i64)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                insert_file_tx(tx, "bid_attachments", "bid_id", &a).await
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn remove_bid_attachment(&self, bid_id: Uuid, attachment_id: Uuid, audit: &AuditEvent) -> StoreResult<()> {
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE bids SET version = version + 1, updated_at = $1 WHERE id = $2 AND status = $3 \
                     AND EXISTS (SELECT 1 FROM bid_attachments x WHERE x.bid_id = bids.id AND x.id = $4)",
                )
                .bind(micros(at))
                .bind(bid_id)
                .bind(BidStatus::Draft.as_str())
                .bind(attachment_id)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                sqlx::query("DELETE FROM bid_attachments WHERE id = $1 AND bid_id = $2")
                    .bind(attachment_id)
                    .bind(bid_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_attachment(&self, id: Uuid) -> StoreResult<Option<AttachmentRecord>> {
        sqlx::query(&format!("{ATTACHMENT_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(attachment_from)
            .transpose()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn confirm_bid_member(&self, bid_id: Uuid, user_id: Uuid, at: DateTime<Utc>, audit: &AuditEvent) -> StoreResult<()> {
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE bid_members SET confirmed_at = $1 WHERE bid_id = $2 AND user_id = $3 AND confirmed_at IS NULL",
                )
                .bind(micros(at))
                .bind(bid_id)
                .bind(user_id)
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
    async fn get_bid(&self, id: Uuid) -> StoreResult<Option<BidRow>> {
        Ok(self.bids_where("b.id = $1", id).await?.into_iter().next())
    }

    #[tracing::instrument(skip_all)]
    async fn bid_of_org(&self, call_id: Uuid, org_id: Uuid) -> StoreResult<Option<Uuid>> {
        let row = sqlx::query("SELECT id FROM bids WHERE call_id = $1 AND org_id = $2")
            .bind(call_id)
            .bind(org_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.map(|r| r.try_get::<Uuid, _>("id")).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn bids_of_user(&self, user_id: Uuid) -> StoreResult<Vec<BidRow>> {
        self.bids_where(
            "(b.lead_user_id = $1 OR EXISTS (SELECT 1 FROM bid_members m WHERE m.bid_id = b.id AND m.user_id = $1))",
            user_id,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn bids_of_call(&self, call_id: Uuid) -> StoreResult<Vec<BidRow>> {
        self.bids_where("b.call_id = $1 AND b.status NOT IN ('draft', 'withdrawn')", call_id)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn bid_receipts(&self, bid_id: Uuid) -> StoreResult<Vec<BidReceipt>> {
        let rows = sqlx::query(
            "SELECT sha256, bid_id, call_id, submitted_at, attachments FROM bid_receipts WHERE bid_id = $1 ORDER BY submitted_at DESC",
        )
        .bind(bid_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(receipt_from).collect::<Result<Vec<_>, _>>().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn draft_bids_of_call(&self, call_id: Uuid) -> StoreResult<Vec<(Uuid, Uuid)>> {
        let rows = sqlx::query("SELECT id, lead_user_id FROM bids WHERE call_id = $1 AND status = 'draft'")
            .bind(call_id)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("lead_user_id")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn find_receipt(&self, sha256: &str) -> StoreResult<Option<BidReceipt>> {
        let row = sqlx::query("SELECT sha256, bid_id, call_id, submitted_at, attachments FROM bid_receipts WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(receipt_from).transpose().map_err(map_err)
    }
}
