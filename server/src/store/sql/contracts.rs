// Technology contracts and their registration. Included into both the SQLite and the
// PostgreSQL module (see ../mod.rs).

const CONTRACT_COLUMNS: &str = "id, registration_number, applicant_user_id, applicant_org_id, applicant_side, contract_type, title, \
    seller_name, seller_credit_code, seller_org_id, seller_type, seller_region, seller_place, \
    buyer_name, buyer_credit_code, buyer_org_id, buyer_type, buyer_region, buyer_place, \
    contract_amount_fen, tech_amount_fen, non_technical, signed_on, ends_on, chain_code, field, ip_type, plan_origin, \
    demand_id, call_id, achievement_id, status, status_reason, submitted_at, registered_at, source, version, created_at, updated_at";

fn party_from(r: &DbRow, side: &str) -> Result<PartyRecord, sqlx::Error> {
    let col = |c: &str| format!("{side}_{c}");
    let org_type: String = r.try_get(col("type").as_str())?;
    let region: String = r.try_get(col("region").as_str())?;
    let place: String = r.try_get(col("place").as_str())?;
    Ok(PartyRecord {
        name: r.try_get(col("name").as_str())?,
        credit_code: r.try_get(col("credit_code").as_str())?,
        org_id: r.try_get(col("org_id").as_str())?,
        org_type: OrgType::parse(&org_type).ok_or_else(|| bad("org_type", &org_type))?,
        // Districts were checked when written; reading back trusts the stored code.
        place: app::domain::contract::Place::from_parts(&region, &place, |_| true)
            .ok_or_else(|| bad("place", &place))?,
    })
}

fn contract_from(r: &DbRow) -> Result<ContractRecord, sqlx::Error> {
    use app::domain::contract::{ContractStatus, ContractType, IpType, PlanOrigin};
    let s = |c: &str| -> Result<String, sqlx::Error> { r.try_get(c) };
    let (ct, ip, po, st) = (s("contract_type")?, s("ip_type")?, s("plan_origin")?, s("status")?);
    Ok(ContractRecord {
        id: r.try_get("id")?,
        registration_number: r.try_get("registration_number")?,
        applicant_user_id: r.try_get("applicant_user_id")?,
        applicant_org_id: r.try_get("applicant_org_id")?,
        applicant_side: s("applicant_side")?,
        contract_type: ContractType::parse(&ct).ok_or_else(|| bad("contract_type", &ct))?,
        title: s("title")?,
        seller: party_from(r, "seller")?,
        buyer: party_from(r, "buyer")?,
        contract_amount_fen: r.try_get("contract_amount_fen")?,
        tech_amount_fen: r.try_get("tech_amount_fen")?,
        non_technical: json_of(r, "non_technical")?,
        signed_on: r.try_get("signed_on")?,
        ends_on: r.try_get("ends_on")?,
        chain_code: s("chain_code")?,
        field: s("field")?,
        ip_type: IpType::parse(&ip).ok_or_else(|| bad("ip_type", &ip))?,
        plan_origin: PlanOrigin::parse(&po).ok_or_else(|| bad("plan_origin", &po))?,
        demand_id: r.try_get("demand_id")?,
        call_id: r.try_get("call_id")?,
        achievement_id: r.try_get("achievement_id")?,
        status: ContractStatus::parse(&st).ok_or_else(|| bad("status", &st))?,
        status_reason: r.try_get("status_reason")?,
        submitted_at: r.try_get("submitted_at")?,
        registered_at: r.try_get("registered_at")?,
        source: s("source")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

type DbQuery<'q> = sqlx::query::Query<'q, Db, <Db as Database>::Arguments<'q>>;

/// Binds a party's six columns (name, credit code, org, type, region, place), in that order.
fn bind_party<'q>(q: DbQuery<'q>, p: &PartyRecord) -> DbQuery<'q> {
    q.bind(p.name.clone())
        .bind(p.credit_code.clone())
        .bind(p.org_id)
        .bind(p.org_type.as_str())
        .bind(p.place.region())
        .bind(p.place.detail().to_string())
}

/// Binds what an applicant writes, the 24 columns from `applicant_side` to `achievement_id` in
/// `CONTRACT_COLUMNS` order: the insert and the correction of a draft share them.
fn bind_content<'q>(q: DbQuery<'q>, c: &ContractRecord) -> StoreResult<DbQuery<'q>> {
    let q = q
        .bind(c.applicant_side.clone())
        .bind(c.contract_type.as_str())
        .bind(c.title.clone());
    Ok(bind_party(bind_party(q, &c.seller), &c.buyer)
        .bind(c.contract_amount_fen)
        .bind(c.tech_amount_fen)
        .bind(json_list(&c.non_technical)?)
        .bind(c.signed_on)
        .bind(c.ends_on)
        .bind(c.chain_code.clone())
        .bind(c.field.clone())
        .bind(c.ip_type.as_str())
        .bind(c.plan_origin.as_str())
        .bind(c.demand_id)
        .bind(c.call_id)
        .bind(c.achievement_id))
}

/// The Beijing day and month a registration time falls on (the statistics count by them).
fn registered_day(at: DateTime<Utc>) -> (chrono::NaiveDate, String) {
    let d = at.with_timezone(&app::domain::time::shanghai()).date_naive();
    (d, d.format("%Y-%m").to_string())
}

/// Writes the keys the statistics group a contract by (see migration 0013), as the domain
/// decides them from the row being written.
async fn write_stat_keys(tx: &mut Tx<'_>, c: &ContractRecord) -> StoreResult<()> {
    let k = app::domain::stats::StatKeys::of(c.seller.org_type, &c.seller.place, &c.buyer.place, &c.chain_code);
    let day = c.registered_at.map(registered_day);
    sqlx::query(
        "UPDATE contracts SET district = $1, flow = $2, chain_top = $3, seller_kind = $4, registered_on = $5, registered_month = $6 \
         WHERE id = $7",
    )
    .bind(k.district)
    .bind(k.flow.as_str())
    .bind(k.chain_top)
    .bind(k.seller_type.as_str())
    .bind(day.as_ref().map(|d| d.0))
    .bind(day.map(|d| d.1))
    .bind(c.id)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Writes one new contract (and its statistics keys) inside the caller's transaction: the
/// application form's and the award's drafts go through here.
async fn insert_contract_tx(tx: &mut Tx<'_>, c: &ContractRecord) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO contracts ({CONTRACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, 0, $37, $38)"
    );
    let q = sqlx::query(&sql)
        .bind(c.id)
        .bind(&c.registration_number)
        .bind(c.applicant_user_id)
        .bind(c.applicant_org_id);
    bind_content(q, c)?
        .bind(c.status.as_str())
        .bind(&c.status_reason)
        .bind(c.submitted_at.map(micros))
        .bind(c.registered_at.map(micros))
        .bind(&c.source)
        .bind(micros(c.created_at))
        .bind(micros(c.updated_at))
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    write_stat_keys(tx, c).await
}

/// The one value a contract query binds as `$1`.
enum ContractArg {
    Id(Uuid),
    Limit(i64),
}

impl SqlStore {
    async fn contracts_where(&self, tail: &str, arg: ContractArg) -> StoreResult<Vec<ContractRecord>> {
        let sql = format!("SELECT {CONTRACT_COLUMNS} FROM contracts {tail}");
        let q = sqlx::query(&sql);
        let q = match arg {
            ContractArg::Id(id) => q.bind(id),
            ContractArg::Limit(n) => q.bind(n),
        };
        let rows = q.fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(contract_from).collect::<Result<_, _>>().map_err(map_err)
    }
}

/// An import of registered contracts in one transaction (see `ContractImport`).
struct SqlContractImport {
    tx: sqlx::Transaction<'static, Db>,
    last_seq: std::collections::BTreeMap<i32, u32>,
    stats_log: std::sync::Arc<std::sync::Mutex<StatsLog>>,
}

/// Rows per INSERT statement (45 values each: well under both engines' parameter limits).
const IMPORT_ROWS_PER_STATEMENT: usize = 200;

#[async_trait]
impl ContractImport for SqlContractImport {
    async fn write(&mut self, rows: &[ContractRecord]) -> StoreResult<usize> {
        let tx = &mut self.tx;
        let mut inserted = 0usize;
        for chunk in rows.chunks(IMPORT_ROWS_PER_STATEMENT) {
            let mut qb: sqlx::QueryBuilder<Db> = sqlx::QueryBuilder::new(format!(
                "INSERT INTO contracts ({CONTRACT_COLUMNS}, district, flow, chain_top, seller_kind, registered_on, registered_month) "
            ));
            qb.push_values(chunk, |mut b, c| {
                let k = app::domain::stats::StatKeys::of(c.seller.org_type, &c.seller.place, &c.buyer.place, &c.chain_code);
                let day = c.registered_at.map(registered_day);
                let party = |b: &mut sqlx::query_builder::Separated<'_, '_, Db, &'static str>, p: &PartyRecord| {
                    b.push_bind(p.name.clone())
                        .push_bind(p.credit_code.clone())
                        .push_bind(p.org_id)
                        .push_bind(p.org_type.as_str())
                        .push_bind(p.place.region())
                        .push_bind(p.place.detail().to_string());
                };
                b.push_bind(c.id)
                    .push_bind(c.registration_number.clone())
                    .push_bind(c.applicant_user_id)
                    .push_bind(c.applicant_org_id)
                    .push_bind(c.applicant_side.clone())
                    .push_bind(c.contract_type.as_str())
                    .push_bind(c.title.clone());
                party(&mut b, &c.seller);
                party(&mut b, &c.buyer);
                b.push_bind(c.contract_amount_fen)
                    .push_bind(c.tech_amount_fen)
                    .push_bind(serde_json::to_string(&c.non_technical).unwrap_or_else(|_| "[]".into()))
                    .push_bind(c.signed_on)
                    .push_bind(c.ends_on)
                    .push_bind(c.chain_code.clone())
                    .push_bind(c.field.clone())
                    .push_bind(c.ip_type.as_str())
                    .push_bind(c.plan_origin.as_str())
                    .push_bind(c.demand_id)
                    .push_bind(c.call_id)
                    .push_bind(c.achievement_id)
                    .push_bind(c.status.as_str())
                    .push_bind(c.status_reason.clone())
                    .push_bind(c.submitted_at.map(micros))
                    .push_bind(c.registered_at.map(micros))
                    .push_bind(c.source.clone())
                    .push_bind(c.version)
                    .push_bind(micros(c.created_at))
                    .push_bind(micros(c.updated_at))
                    .push_bind(k.district)
                    .push_bind(k.flow.as_str())
                    .push_bind(k.chain_top)
                    .push_bind(k.seller_type.as_str())
                    .push_bind(day.as_ref().map(|d| d.0))
                    .push_bind(day.map(|d| d.1));
            });
            qb.push(" ON CONFLICT (registration_number) DO NOTHING");
            let r = qb.build().execute(&mut **tx).await.map_err(map_err)?;
            inserted += r.rows_affected() as usize;
            for c in chunk {
                if let Some((y, seq)) = c.registration_number.as_deref().and_then(app::domain::contract::own_registration_seq) {
                    let e = self.last_seq.entry(y).or_insert(0);
                    *e = (*e).max(seq);
                }
            }
        }
        Ok(inserted)
    }

    async fn commit(mut self: Box<Self>, audit: &AuditEvent) -> StoreResult<()> {
        for (y, seq) in std::mem::take(&mut self.last_seq) {
            sqlx::query(
                "INSERT INTO contract_sequences (year, last) VALUES ($1, $2) ON CONFLICT (year) DO UPDATE SET \
                 last = CASE WHEN excluded.last > contract_sequences.last THEN excluded.last ELSE contract_sequences.last END",
            )
            .bind(i64::from(y))
            .bind(i64::from(seq))
            .execute(&mut *self.tx)
            .await
            .map_err(map_err)?;
        }
        append_audit(&mut self.tx, audit).await.map_err(map_err)?;
        // A bulk load leaves PostgreSQL's planner with the table's old size: refresh its
        // statistics so lookups by registration number keep using the index (measured: a
        // re-import of 100k rows took 58 s without this).
        if BACKEND == "postgres" {
            sqlx::query("ANALYZE contracts").execute(&mut *self.tx).await.map_err(map_err)?;
        }
        let log = self.stats_log.clone();
        self.tx.commit().await.map_err(map_err)?;
        if let Ok(mut log) = log.lock() {
            log.changed(None);
        }
        Ok(())
    }
}

#[async_trait]
impl ContractStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_contract(&self, c: &ContractRecord, audit: &AuditEvent) -> StoreResult<()> {
        let c = c.clone();
        self.audited(audit, move |tx| Box::pin(async move { insert_contract_tx(tx, &c).await })).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_contract_draft(&self, c: &ContractRecord, audit: &AuditEvent) -> StoreResult<()> {
        let c = c.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let q = sqlx::query(
                    "UPDATE contracts SET applicant_side = $1, contract_type = $2, title = $3, \
                     seller_name = $4, seller_credit_code = $5, seller_org_id = $6, seller_type = $7, seller_region = $8, seller_place = $9, \
                     buyer_name = $10, buyer_credit_code = $11, buyer_org_id = $12, buyer_type = $13, buyer_region = $14, buyer_place = $15, \
                     contract_amount_fen = $16, tech_amount_fen = $17, non_technical = $18, signed_on = $19, ends_on = $20, chain_code = $21, \
                     field = $22, ip_type = $23, plan_origin = $24, demand_id = $25, call_id = $26, achievement_id = $27, updated_at = $28, \
                     version = version + 1 WHERE id = $29 AND status IN ('draft', 'returned')",
                )
;
                let r = bind_content(q, &c)?
                .bind(micros(c.updated_at))
                .bind(c.id)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale);
                }
                write_stat_keys(tx, &c).await
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn submit_contract(&self, change: &StatusChange, version: i64, audit: &AuditEvent) -> StoreResult<()> {
        let c = change.clone();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE contracts SET status = $1, status_reason = NULL, submitted_at = $2, updated_at = $2 \
                     WHERE id = $3 AND status = $4 AND version = $5",
                )
                .bind(c.to)
                .bind(micros(at))
                .bind(c.id)
                .bind(c.from)
                .bind(version)
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
    async fn get_contract(&self, id: Uuid) -> StoreResult<Option<ContractRecord>> {
        Ok(self
            .contracts_where("WHERE id = $1", ContractArg::Id(id))
            .await?
            .into_iter()
            .next())
    }

    #[tracing::instrument(skip_all)]
    async fn contracts_of_org(&self, org_id: Uuid) -> StoreResult<Vec<ContractRecord>> {
        self.contracts_where(
            "WHERE applicant_org_id = $1 OR seller_org_id = $1 OR buyer_org_id = $1 ORDER BY updated_at DESC, id LIMIT 500",
            ContractArg::Id(org_id),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn contracts_in(&self, statuses: &[app::domain::contract::ContractStatus], limit: i64) -> StoreResult<Vec<ContractRecord>> {
        // The statuses come from the closed enum, never from input.
        let list = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        if list.is_empty() {
            return Ok(vec![]);
        }
        self.contracts_where(
            &format!("WHERE status IN ({list}) ORDER BY submitted_at, id LIMIT $1"),
            ContractArg::Limit(limit),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn import_contracts(
        &self,
        rows: &[ContractRecord],
        audit: &AuditEvent,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<usize> {
        let mut imp = self.begin_contract_import().await?;
        let mut inserted = 0;
        let mut done = 0;
        for chunk in rows.chunks(2_000) {
            inserted += imp.write(chunk).await?;
            done += chunk.len();
            progress(done);
        }
        imp.commit(audit).await?;
        Ok(inserted)
    }

    #[tracing::instrument(skip_all)]
    async fn begin_contract_import(&self) -> StoreResult<Box<dyn ContractImport>> {
        Ok(Box::new(SqlContractImport {
            tx: self.pool.begin().await.map_err(map_err)?,
            last_seq: Default::default(),
            stats_log: self.stats_log.clone(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn existing_registration_numbers(&self, numbers: &[String]) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for chunk in numbers.chunks(500) {
            let mut qb: sqlx::QueryBuilder<Db> =
                sqlx::QueryBuilder::new("SELECT registration_number FROM contracts WHERE registration_number IN (");
            let mut sep = qb.separated(", ");
            for n in chunk {
                sep.push_bind(n.clone());
            }
            qb.push(")");
            let rows = qb.build().fetch_all(&self.pool).await.map_err(map_err)?;
            for r in rows {
                out.push(r.try_get("registration_number").map_err(map_err)?);
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn contracts_linked(&self, link: ContractLink, id: Uuid) -> StoreResult<Vec<ContractRecord>> {
        let column = match link {
            ContractLink::Demand => "demand_id",
            ContractLink::Call => "call_id",
            ContractLink::Achievement => "achievement_id",
        };
        self.contracts_where(
            &format!(
                "WHERE {column} = $1 ORDER BY CASE WHEN status = 'registered' THEN 0 ELSE 1 END, registered_at, updated_at DESC, id LIMIT 200"
            ),
            ContractArg::Id(id),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn register_contract(&self, change: &StatusChange, reg: &Registration, audit: &AuditEvent) -> StoreResult<String> {
        let (c, reg) = (change.clone(), reg.clone());
        let number = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let out = number.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                write_status(tx, &c, reg.at).await?;
                let seq: i64 = sqlx::query(
                    "INSERT INTO contract_sequences (year, last) VALUES ($1, 1) \
                     ON CONFLICT (year) DO UPDATE SET last = contract_sequences.last + 1 RETURNING last",
                )
                .bind(i64::from(reg.year))
                .fetch_one(&mut **tx)
                .await
                .map_err(map_err)?
                .try_get("last")
                .map_err(map_err)?;
                let n = app::domain::contract::registration_number(reg.year, seq as u32);
                let day = registered_day(reg.at);
                sqlx::query(
                    "UPDATE contracts SET registration_number = $1, registered_at = $2, contract_type = $3, tech_amount_fen = $4, \
                     registered_on = $5, registered_month = $6 WHERE id = $7",
                )
                .bind(&n)
                .bind(micros(reg.at))
                .bind(reg.contract_type.as_str())
                .bind(reg.tech_amount_fen)
                .bind(day.0)
                .bind(day.1)
                .bind(c.id)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                if let Ok(mut slot) = out.lock() {
                    *slot = n;
                }
                Ok(())
            })
        })
        .await?;
        self.stats_changed(Some(change.id));
        let n = number.lock().map(|n| n.clone()).unwrap_or_default();
        Ok(n)
    }
}
