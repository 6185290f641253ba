//! Open data: every public call as an Open Contracting Data Standard 1.1 release, so an outside
//! system can mirror the platform. A release holds only what is public when it is read: the
//! call, the count of bids once the window closed (never their content or the losing teams),
//! the award once its 公示 opened, and the task contracts with their milestones and paid
//! tranches. No reviewer appears anywhere. Each change of a public call is published as its own
//! release and kept, so the feed replays every state an outside mirror needs.
use super::calls::load_call;
use super::*;
use crate::domain::call::CallStatus;
use crate::domain::task::{MilestoneKind, MilestoneStatus, TaskStatus};
use serde_json::{json, Value};

/// The publisher named in every package.
pub const PUBLISHER_ZH: &str = "南宁市科学技术局 · 揭榜科技成果转化平台";
/// Releases per page of the feed.
pub const FEED_PAGE: i64 = 50;

fn money(fen: i64) -> Value {
    json!({ "amount": fen as f64 / 100.0, "currency": "CNY" })
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The instant a Beijing date starts, as OCDS wants dates (date-time).
fn day(d: chrono::NaiveDate) -> String {
    let start = d
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_local_timezone(crate::domain::time::shanghai())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    time(start)
}

/// The call's open-contracting id: the configured prefix and the call's id.
pub fn ocid(state: &AppState, call: Uuid) -> String {
    format!("{}-{call}", state.settings.ocid_prefix)
}

fn package(state: &AppState, uri: String, releases: Vec<Value>) -> Value {
    json!({
        "uri": uri,
        "version": "1.1",
        "publishedDate": time(state.clock.now()),
        "publisher": { "name": PUBLISHER_ZH },
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": format!("{}/privacy", state.settings.public_url.trim_end_matches('/')),
        "releases": releases,
    })
}

/// `GET /api/v1/calls/{id}/ocds`: the call's current release in a release package. Drafts do
/// not exist for the public.
#[tracing::instrument(skip_all)]
pub async fn call_release_package(state: &AppState, call_id: Uuid) -> Result<Value, AppError> {
    let row = load_call(state, call_id).await?;
    if row.call.status == CallStatus::Draft {
        return Err(AppError::NotFound);
    }
    let r = release(state, &row).await?;
    let base = state.settings.public_url.trim_end_matches('/');
    Ok(package(
        state,
        format!("{base}/api/v1/calls/{call_id}/ocds"),
        vec![r],
    ))
}

/// The hash of what a release says publicly: everything but its id and date.
fn content_hash(release: &Value) -> String {
    let mut r = release.clone();
    if let Some(o) = r.as_object_mut() {
        o.remove("id");
        o.remove("date");
    }
    sha256_hex(r.to_string().as_bytes())
}

/// Publishes a release for every public call changed since its latest snapshot, as the call
/// stands now: each change gets one (changes between two snapshots — the server takes them
/// every few seconds and before serving the feed — share one). A change that altered nothing
/// public is marked, not published. Returns how many releases were published.
#[tracing::instrument(skip_all)]
pub async fn snapshot_releases(state: &AppState) -> Result<usize, AppError> {
    let mut published = 0;
    loop {
        let due = state.store.calls_due_release(200).await.map_err(internal)?;
        if due.is_empty() {
            return Ok(published);
        }
        for (id, changed_at) in &due {
            let row = load_call(state, *id).await?;
            let r = release(state, &row).await?;
            let hash = content_hash(&r);
            let same = state
                .store
                .last_release_hash(*id)
                .await
                .map_err(internal)?
                .is_some_and(|h| h == hash);
            // Keyed by the latest change it shows (one landing after the list was read is in
            // it already, and is not published twice).
            let at = row.call.updated_at.max(*changed_at);
            state
                .store
                .insert_release(&ReleaseSnapshot {
                    call_id: *id,
                    released_at: at,
                    release_id: (!same).then(|| r["id"].as_str().unwrap_or_default().to_string()),
                    content_hash: hash,
                    body: (!same).then(|| r.to_string()),
                })
                .await
                .map_err(internal)?;
            published += usize::from(!same);
        }
        if due.len() < 200 {
            return Ok(published);
        }
    }
}

/// `GET /api/v1/ocds/releases?after=&since=`: every release published, one per change of a
/// public call, in publication order, [`FEED_PAGE`] at a time. `after` is the sequence number
/// of the last release read (`next_after` continues); `since` keeps only changes after a time.
#[tracing::instrument(skip_all)]
pub async fn release_feed(
    state: &AppState,
    after: Option<i64>,
    since: Option<DateTime<Utc>>,
) -> Result<Value, AppError> {
    snapshot_releases(state).await?;
    let page = state
        .store
        .releases_page(after.unwrap_or(0), since, FEED_PAGE)
        .await
        .map_err(internal)?;
    let mut releases = vec![];
    for (_, _, body) in &page {
        releases.push(serde_json::from_str::<Value>(body).map_err(|e| {
            tracing::error!(error = %e, "a stored release is not JSON");
            AppError::Internal
        })?);
    }
    let base = state.settings.public_url.trim_end_matches('/');
    let mut query = vec![];
    if let Some(a) = after {
        query.push(format!("after={a}"));
    }
    if let Some(s) = since {
        query.push(format!(
            "since={}",
            crate::domain::text::urlencode(&s.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        ));
    }
    let uri = if query.is_empty() {
        format!("{base}/api/v1/ocds/releases")
    } else {
        format!("{base}/api/v1/ocds/releases?{}", query.join("&"))
    };
    let mut p = package(state, uri, releases);
    let last = page.last();
    p["next_after"] = json!(last.map(|(seq, _, _)| *seq).or(after));
    p["next_since"] = json!(last
        .map(|(_, at, _)| *at)
        .or(since)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)));
    p["has_more"] = json!(page.len() as i64 == FEED_PAGE);
    Ok(p)
}

fn tender_status(s: CallStatus) -> &'static str {
    match s {
        CallStatus::Draft => "planning",
        CallStatus::Published => "active",
        CallStatus::Cancelled => "cancelled",
        CallStatus::Unfilled => "unsuccessful",
        _ => "complete",
    }
}

fn tags(s: CallStatus) -> Vec<&'static str> {
    match s {
        CallStatus::Draft | CallStatus::Published => vec!["tender"],
        CallStatus::Screening | CallStatus::Reviewing => vec!["tenderUpdate"],
        CallStatus::Cancelled | CallStatus::Unfilled => vec!["tenderCancellation"],
        CallStatus::Publicity | CallStatus::Awarded => vec!["award"],
        CallStatus::InProgress | CallStatus::Accepted | CallStatus::FailedAcceptance => {
            vec!["contract", "implementation"]
        }
        CallStatus::Terminated => vec!["contractTermination"],
    }
}

fn org(id: Uuid, name: &str) -> Value {
    json!({ "id": id.to_string(), "name": name })
}

/// One call's release as of now.
async fn release(state: &AppState, row: &CallRow) -> Result<Value, AppError> {
    let c = &row.call;
    let ocid = ocid(state, c.id);
    // The city unit that set the call buys; its organization is the official's.
    let buyer = match state.store.get_user(c.created_by).await.map_err(internal)? {
        Some(u) => match u.org_id {
            Some(o) => state.store.get_org(o).await.map_err(internal)?,
            None => None,
        },
        None => None,
    };
    let mut parties: Vec<(Uuid, String, Vec<&'static str>)> = vec![];
    let mut add =
        |id: Uuid, name: &str, role: &'static str| match parties.iter_mut().find(|p| p.0 == id) {
            Some(p) if !p.2.contains(&role) => p.2.push(role),
            Some(_) => {}
            None => parties.push((id, name.to_string(), vec![role])),
        };
    if let Some(b) = &buyer {
        add(b.id, &b.name, "buyer");
        add(b.id, &b.name, "procuringEntity");
        add(b.id, &b.name, "payer");
    }
    if let (Some(id), Some(name)) = (c.co_funder_org_id, row.co_funder_name.as_deref()) {
        add(id, name, "funder");
        add(id, name, "payer");
    }
    let opened = crate::domain::call::bids_opened(c.status);
    let mut tender = json!({
        "id": format!("{ocid}-tender"),
        "title": c.title,
        "description": c.goal,
        "status": tender_status(c.status),
        "procurementMethod": "open",
        "procurementMethodDetails": "揭榜挂帅",
        "mainProcurementCategory": "services",
        "awardCriteriaDetails": c.criteria.iter().map(|k| format!("{} {}%", k.name, k.weight)).collect::<Vec<_>>().join("；"),
        "eligibilityCriteria": c.acceptance,
        "value": money(c.city_fund_fen.saturating_add(c.enterprise_fund_fen)),
        "tenderPeriod": { "startDate": time(c.opens_at), "endDate": time(c.closes_at) },
        "contractPeriod": { "durationInDays": i64::from(c.duration_months) * 30 },
        "items": c.indicators.iter().enumerate().map(|(i, ind)| json!({
            "id": format!("indicator-{}", i + 1),
            "description": format!("{} {}", ind.name, ind.target),
            "unit": { "name": ind.unit },
        })).collect::<Vec<_>>(),
    });
    if let Some(b) = &buyer {
        tender["procuringEntity"] = org(b.id, &b.name);
    }
    if opened {
        tender["numberOfTenderers"] = json!(row.bids_submitted);
    }
    let mut date = c.updated_at;
    let mut awards = vec![];
    let mut contracts = vec![];
    let publicity = state.store.publicity_period(c.id).await.map_err(internal)?;
    let tasks = state.store.tasks_of_call(c.id).await.map_err(internal)?;
    if let Some((starts, _)) = publicity {
        for a in state.store.call_awards(c.id).await.map_err(internal)? {
            add(a.org_id, &a.org_name, "supplier");
            add(a.org_id, &a.org_name, "tenderer");
            add(a.org_id, &a.org_name, "payee");
            let task = tasks.iter().find(|t| t.task.bid_id == a.award.bid_id);
            let value = match task {
                Some(t) => t.task.city_fund_fen + t.task.enterprise_fund_fen,
                None => match state
                    .store
                    .get_bid(a.award.bid_id)
                    .await
                    .map_err(internal)?
                {
                    Some(b) => crate::domain::contract::award_amount(
                        c.city_fund_fen,
                        c.enterprise_fund_fen,
                        c.winners,
                        b.bid.budget_fen,
                    )
                    .fen(),
                    None => 0,
                },
            };
            awards.push(json!({
                "id": format!("award-{}", a.award.bid_id),
                "title": a.bid_title,
                "description": a.award.reason,
                "status": if c.status == CallStatus::Publicity { "pending" } else { "active" },
                "date": time(starts),
                "suppliers": [org(a.org_id, &a.org_name)],
                "value": money(value),
            }));
        }
    }
    for t in &tasks {
        let tk = &t.task;
        date = date.max(tk.updated_at);
        let payer = buyer
            .as_ref()
            .map(|b| org(b.id, &b.name))
            .unwrap_or_else(|| json!({ "name": PUBLISHER_ZH }));
        let mut milestones = vec![];
        let mut transactions = vec![];
        for m in &t.milestones {
            date = date.max(m.updated_at);
            let status = match m.status {
                MilestoneStatus::Accepted => "met",
                MilestoneStatus::Cancelled => "notMet",
                _ => "scheduled",
            };
            let mut ms = json!({
                "id": m.id.to_string(),
                "title": m.deliverable,
                "type": match m.kind {
                    MilestoneKind::Start => "financing",
                    MilestoneKind::Regular => "delivery",
                    MilestoneKind::Final => "assessment",
                },
                "dueDate": day(m.due_on),
                "status": status,
                "value": money(m.tranche_fen),
                "dateModified": time(m.updated_at),
            });
            if let (MilestoneStatus::Accepted, Some(at)) = (m.status, m.decided_at) {
                ms["dateMet"] = json!(time(at));
            }
            milestones.push(ms);
            if let Some(paid) = m.paid_at {
                transactions.push(json!({
                    "id": format!("tranche-{}", m.id),
                    "date": time(paid),
                    "value": money(m.tranche_fen),
                    "payer": payer,
                    "payee": org(tk.org_id, &t.org_name),
                }));
            }
        }
        let end = t.milestones.last().map(|m| day(m.due_on));
        contracts.push(json!({
            "id": tk.id.to_string(),
            "awardID": format!("award-{}", tk.bid_id),
            "title": format!("{} · {}", c.title, t.org_name),
            "description": tk.status.label_zh(),
            "status": match tk.status {
                TaskStatus::InProgress | TaskStatus::Accepted => "active",
                TaskStatus::Terminated | TaskStatus::Cut | TaskStatus::Merged | TaskStatus::Failed => "terminated",
            },
            "value": money(tk.city_fund_fen + tk.enterprise_fund_fen),
            "dateSigned": day(tk.starts_on),
            "period": { "startDate": day(tk.starts_on), "endDate": end },
            "implementation": { "milestones": milestones, "transactions": transactions },
        }));
    }
    let mut r = json!({
        "ocid": ocid,
        "id": format!("{ocid}-{}", date.format("%Y%m%dT%H%M%S%6fZ")),
        "date": time(date),
        "tag": tags(c.status),
        "initiationType": "tender",
        "language": "zh",
        "parties": parties.iter().map(|(id, name, roles)| json!({
            "id": id.to_string(), "name": name, "roles": roles,
        })).collect::<Vec<_>>(),
        "tender": tender,
    });
    if let Some(b) = &buyer {
        r["buyer"] = org(b.id, &b.name);
    }
    if !awards.is_empty() {
        r["awards"] = json!(awards);
    }
    if !contracts.is_empty() {
        r["contracts"] = json!(contracts);
    }
    Ok(r)
}
