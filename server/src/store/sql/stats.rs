// Technology-contract statistics: sums over registered contracts by the keys the contracts
// table keeps on each row (migration 0013). Included into both the SQLite and the PostgreSQL
// module (see ../mod.rs).

/// A value a statistics query binds, in placeholder order.
enum StatArg {
    Text(String),
    Date(chrono::NaiveDate),
}

/// `WHERE …` for a filter, and its arguments (`$1`…). Every value is bound, never spliced.
fn stats_where(f: &app::domain::stats::TurnoverFilter) -> (String, Vec<StatArg>) {
    let mut sql = String::from("WHERE status = 'registered'");
    let mut args = Vec::new();
    let mut add = |sql: &mut String, cond: &str, a: StatArg| {
        args.push(a);
        sql.push_str(&format!(" AND {cond} ${}", args.len()));
    };
    if let Some(d) = f.from {
        add(&mut sql, "registered_on >=", StatArg::Date(d));
    }
    if let Some(d) = f.to {
        add(&mut sql, "registered_on <=", StatArg::Date(d));
    }
    if let Some(v) = &f.district {
        add(&mut sql, "district =", StatArg::Text(v.clone()));
    }
    if let Some(v) = f.contract_type {
        add(&mut sql, "contract_type =", StatArg::Text(v.as_str().into()));
    }
    if let Some(v) = &f.chain {
        add(&mut sql, "chain_top =", StatArg::Text(v.clone()));
    }
    if let Some(v) = f.seller_type {
        add(&mut sql, "seller_kind =", StatArg::Text(v.as_str().into()));
    }
    if let Some(v) = f.flow {
        add(&mut sql, "flow =", StatArg::Text(v.as_str().into()));
    }
    if let Some(v) = f.ip_type {
        add(&mut sql, "ip_type =", StatArg::Text(v.as_str().into()));
    }
    (sql, args)
}

fn bind_stats<'q>(mut q: DbQuery<'q>, args: Vec<StatArg>) -> DbQuery<'q> {
    for a in args {
        q = match a {
            StatArg::Text(s) => q.bind(s),
            StatArg::Date(d) => q.bind(d),
        };
    }
    q
}

fn stat_key_sql(by: app::domain::stats::Dimension) -> &'static str {
    use app::domain::stats::Dimension::*;
    match by {
        Year => "substr(registered_month, 1, 4)",
        Month => "registered_month",
        District => "COALESCE(district, '')",
        Type => "contract_type",
        Chain => "chain_top",
        SellerType => "seller_kind",
        Flow => "flow",
        IpType => "ip_type",
    }
}

fn turnover_row(r: &DbRow) -> Result<app::domain::stats::TurnoverRow, sqlx::Error> {
    Ok(app::domain::stats::TurnoverRow {
        key: r.try_get::<Option<String>, _>("k")?.unwrap_or_default(),
        contract_amount_fen: r.try_get::<Option<i64>, _>("ca")?.unwrap_or(0),
        tech_amount_fen: r.try_get::<Option<i64>, _>("ta")?.unwrap_or(0),
        count: r.try_get("n")?,
    })
}

/// Sums as BIGINT on both engines (PostgreSQL's SUM of a BIGINT is NUMERIC).
const STAT_SUMS: &str = "CAST(SUM(contract_amount_fen) AS BIGINT) AS ca, CAST(SUM(tech_amount_fen) AS BIGINT) AS ta, COUNT(*) AS n";

#[async_trait]
impl StatsStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn turnover(
        &self,
        filter: &app::domain::stats::TurnoverFilter,
        by: app::domain::stats::Dimension,
    ) -> StoreResult<Vec<app::domain::stats::TurnoverRow>> {
        let (w, args) = stats_where(filter);
        let key = stat_key_sql(by);
        let sql = format!("SELECT {key} AS k, {STAT_SUMS} FROM contracts {w} GROUP BY {key} ORDER BY k");
        let rows = bind_stats(sqlx::query(&sql), args)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(turnover_row).collect::<Result<_, _>>().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn turnover_total(
        &self,
        filter: &app::domain::stats::TurnoverFilter,
    ) -> StoreResult<app::domain::stats::TurnoverRow> {
        let (w, args) = stats_where(filter);
        let sql = format!("SELECT '' AS k, {STAT_SUMS} FROM contracts {w}");
        let row = bind_stats(sqlx::query(&sql), args)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        turnover_row(&row).map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn turnover_contracts(
        &self,
        filter: &app::domain::stats::TurnoverFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<ContractRecord>> {
        let (w, args) = stats_where(filter);
        let n = args.len();
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts {w} ORDER BY contract_amount_fen DESC, registration_number LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let q = bind_stats(sqlx::query(&sql), args);
        let rows = q
            .bind(limit.clamp(0, 10_000))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(contract_from).collect::<Result<_, _>>().map_err(map_err)
    }

    fn stats_generation(&self) -> u64 {
        self.stats_log.lock().map(|l| l.generation()).unwrap_or(0)
    }

    fn stats_changes_since(&self, generation: u64) -> (u64, Option<Vec<Uuid>>) {
        self.stats_log.lock().map(|l| l.since(generation)).unwrap_or((0, None))
    }

    #[tracing::instrument(skip_all)]
    async fn stat_facts(
        &self,
        sink: &mut (dyn FnMut(Uuid, app::domain::stats_facts::StatFact) + Send),
    ) -> StoreResult<()> {
        use futures_util::TryStreamExt;
        let sql = format!("SELECT id, {FACT_COLUMNS} FROM contracts WHERE status = 'registered' AND registered_on IS NOT NULL");
        let mut rows = sqlx::query(&sql).fetch(&self.pool);
        while let Some(r) = rows.try_next().await.map_err(map_err)? {
            let id: Uuid = r.try_get("id").map_err(map_err)?;
            match fact_from(&r).map_err(map_err)? {
                Some(f) => sink(id, f),
                None => tracing::warn!(%id, "a registered contract with an unknown statistics code is left out of the figures"),
            }
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn stat_fact_of(&self, id: Uuid) -> StoreResult<Option<app::domain::stats_facts::StatFact>> {
        let sql = format!("SELECT {FACT_COLUMNS} FROM contracts WHERE id = $1 AND status = 'registered' AND registered_on IS NOT NULL");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await.map_err(map_err)?;
        match row {
            Some(r) => fact_from(&r).map_err(map_err),
            None => Ok(None),
        }
    }
}

const FACT_COLUMNS: &str =
    "registered_on, district, contract_type, chain_top, seller_kind, flow, ip_type, contract_amount_fen, tech_amount_fen";

/// A row of `FACT_COLUMNS` as the statistics count it (`None` for a code that is not ours).
fn fact_from(r: &DbRow) -> Result<Option<app::domain::stats_facts::StatFact>, sqlx::Error> {
    use app::domain::contract::{ContractType, IpType};
    use app::domain::stats::{Flow, SellerType};
    let text = |c: &str| r.try_get::<Option<String>, _>(c).map(Option::unwrap_or_default);
    let (Some(ty), Some(seller), Some(flow), Some(ip)) = (
        ContractType::parse(&text("contract_type")?),
        SellerType::parse(&text("seller_kind")?),
        Flow::parse(&text("flow")?),
        IpType::parse(&text("ip_type")?),
    ) else {
        return Ok(None);
    };
    Ok(Some(app::domain::stats_facts::StatFact {
        registered_on: r.try_get("registered_on")?,
        district: r.try_get("district")?,
        contract_type: ty,
        chain_top: text("chain_top")?,
        seller_type: seller,
        flow,
        ip_type: ip,
        contract_amount_fen: r.try_get("contract_amount_fen")?,
        tech_amount_fen: r.try_get("tech_amount_fen")?,
    }))
}
