//! The plan's target tracker: every target of the catalog with its units, target, current
//! value, progress and status. G6, G7 and task 5's breakthroughs are computed live from the
//! platform; the others are reported by an official of the lead unit each period, with a note
//! (and evidence files), and count once 市科技局 accepts them. Reports are kept: a correction
//! is a new report. The tracker's values are public; the reports behind them are officials'.
use super::*;
use crate::domain::target::{self, Comparator, TargetStatus, SCALE};
use crate::domain::text::clean_text;
use crate::model::{
    EvidenceView, PlatformFigures, TargetDetail, TargetReportView, TargetRow, Tracker,
};
use crate::policy::{authorize, Action, Actor, Target};

/// The unit that reviews every report (保障措施: 市科技局 splits and follows the targets).
pub const REVIEWING_UNIT: &str = "市科技局";

async fn unit_of(state: &AppState, actor: Option<&Actor>) -> Result<Option<String>, AppError> {
    let Some(a) = actor.filter(|a| authorize(Some(a), Action::ReportTarget, Target::NONE).is_ok())
    else {
        return Ok(None);
    };
    let Some(org) = a.acting_org() else {
        return Ok(None);
    };
    state.store.org_plan_unit(org).await.map_err(internal)
}

fn is_official(actor: Option<&Actor>) -> bool {
    authorize(actor, Action::ReportTarget, Target::NONE).is_ok()
}

/// The values the platform computes itself, in ten-thousandths of the target's unit, with a
/// note on how.
async fn computed(state: &AppState, code: &str) -> Result<Option<(i64, &'static str)>, AppError> {
    Ok(match code {
        "G6" => {
            let p = super::g6_projection(state).await?;
            // 亿元 in ten-thousandths: fen / 10^10 × 10^4.
            Some((
                p.cumulative_fen / 1_000_000,
                "已登记技术合同的合同成交额，2021年起累计，实时计算",
            ))
        }
        "G7" => {
            let c = state.store.platform_counts().await.map_err(internal)?;
            Some((
                c.achievements_transferred * SCALE,
                "经登记的技术转让、许可合同关联的科技成果数（成果的“重大”标记尚未建立，暂计全部）",
            ))
        }
        "T5-1" => {
            let c = state.store.platform_counts().await.map_err(internal)?;
            Some((
                c.breakthroughs * SCALE,
                "验收通过并在验收时标记“突破关键技术”的揭榜挂帅榜单数，实时计算",
            ))
        }
        _ => None,
    })
}

fn target_text(t: &PlanTarget) -> String {
    let sym = Comparator::parse(&t.comparator)
        .map(|c| c.symbol())
        .unwrap_or("");
    format!("{sym}{} {}", t.target_value, t.unit_zh)
        .trim()
        .to_string()
}

async fn row(
    state: &AppState,
    t: &PlanTarget,
    reports: &[TargetReportRecord],
    my_unit: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<TargetRow, AppError> {
    let mine: Vec<&TargetReportRecord> =
        reports.iter().filter(|r| r.target_code == t.code).collect();
    let (current, as_of, note) = match computed(state, &t.code).await? {
        Some((v, note)) => (Some(v), None, Some(note.to_string())),
        None => match mine.iter().find(|r| r.status == "accepted") {
            Some(r) => (Some(r.value), Some(r.period.clone()), Some(r.note.clone())),
            None => (None, None, None),
        },
    };
    let goal = target::parse_value(&t.target_value).ok();
    let cmp = Comparator::parse(&t.comparator).unwrap_or(Comparator::AtLeast);
    let status = match goal {
        Some(g) => target::status(current, g, cmp, &t.period, today),
        None => TargetStatus::NoData,
    };
    Ok(TargetRow {
        code: t.code.clone(),
        task: t.task,
        name_zh: t.name_zh.clone(),
        name_en: t.name_en.clone(),
        lead_unit: t.lead_unit.clone(),
        co_units: t.co_units.clone(),
        target: target_text(t),
        unit_zh: t.unit_zh.clone(),
        period: t.period.clone(),
        source: t.source.clone(),
        current: current.map(|v| format!("{} {}", target::format_value(v), t.unit_zh)),
        current_raw: current,
        progress_bp: current.zip(goal).map(|(c, g)| target::progress_bp(c, g)),
        status,
        as_of,
        note,
        pending: mine.iter().filter(|r| r.status == "submitted").count(),
        mine: my_unit.is_some_and(|u| u == t.lead_unit || t.co_units.iter().any(|c| c == u)),
    })
}

/// Every target (or, with `only_mine`, those the viewer's unit leads or shares).
#[tracing::instrument(skip_all)]
pub async fn tracker(
    state: &AppState,
    actor: Option<&Actor>,
    only_mine: bool,
) -> Result<Tracker, AppError> {
    let targets = state.store.list_targets().await.map_err(internal)?;
    let reports = state.store.target_reports(None).await.map_err(internal)?;
    let my_unit = unit_of(state, actor).await?;
    let day = beijing_today(state);
    let mut rows = Vec::with_capacity(targets.len());
    for t in &targets {
        let mut r = row(state, t, &reports, my_unit.as_deref(), day).await?;
        if !is_official(actor) {
            r.pending = 0;
        }
        if !only_mine || r.mine {
            rows.push(r);
        }
    }
    let c = state.store.platform_counts().await.map_err(internal)?;
    Ok(Tracker {
        rows,
        figures: PlatformFigures {
            demands_published: c.demands_published,
            achievements_published: c.achievements_published,
            calls_published: c.calls_published,
            bids_submitted: c.bids_submitted,
            contracts_registered: c.contracts_registered,
        },
        my_unit,
        only_mine,
    })
}

/// One target with its reports (officials) and whether the viewer may report for it.
#[tracing::instrument(skip_all)]
pub async fn target_detail(
    state: &AppState,
    actor: Option<&Actor>,
    code: &str,
) -> Result<TargetDetail, AppError> {
    let targets = state.store.list_targets().await.map_err(internal)?;
    let t = targets
        .iter()
        .find(|t| t.code == code)
        .ok_or(AppError::NotFound)?;
    let reports = state
        .store
        .target_reports(Some(code))
        .await
        .map_err(internal)?;
    let my_unit = unit_of(state, actor).await?;
    let official = is_official(actor);
    let mut r = row(state, t, &reports, my_unit.as_deref(), beijing_today(state)).await?;
    if !official {
        r.pending = 0;
    }
    let reviewer = my_unit.as_deref() == Some(REVIEWING_UNIT);
    let me = actor.map(|a| a.user_id);
    let reports = reports
        .into_iter()
        .filter(|x| official || x.status == "accepted")
        .map(|x| TargetReportView {
            can_review: reviewer && x.status == "submitted" && Some(x.reported_by) != me,
            id: x.id,
            period: x.period,
            value: format!("{} {}", target::format_value(x.value), t.unit_zh),
            note: x.note,
            unit: x.unit,
            reporter_name: if official {
                x.reporter_name
            } else {
                String::new()
            },
            reported_at: x.reported_at,
            status: x.status,
            review_note: x.review_note,
            reviewed_at: x.reviewed_at,
            evidence: if official {
                x.evidence
                    .into_iter()
                    .map(|e| EvidenceView {
                        id: e.id,
                        name: e.name,
                        size: e.size,
                    })
                    .collect()
            } else {
                vec![]
            },
        })
        .collect();
    Ok(TargetDetail {
        can_report: t.source == "reported" && my_unit.as_deref() == Some(t.lead_unit.as_str()),
        row: r,
        reports,
    })
}

/// An official of the lead unit reports a value for a period. The value may carry the target's
/// own unit (`1.94%`, `1800家`); anything else is refused with its reason.
#[tracing::instrument(skip_all)]
pub async fn report_target(
    state: &AppState,
    actor: &Actor,
    code: &str,
    period: &str,
    value: &str,
    note: &str,
) -> Result<Uuid, AppError> {
    authorize(Some(actor), Action::ReportTarget, Target::NONE)?;
    let targets = state.store.list_targets().await.map_err(internal)?;
    let t = targets
        .iter()
        .find(|t| t.code == code)
        .ok_or(AppError::NotFound)?;
    if t.source != "reported" {
        return Err(AppError::field(
            "value",
            "此指标由平台数据实时计算，无需填报",
            "This target is computed from the platform's data and is not reported",
        ));
    }
    let unit = state
        .store
        .org_plan_unit(actor.acting_org().ok_or(AppError::Forbidden)?)
        .await
        .map_err(internal)?;
    if unit.as_deref() != Some(t.lead_unit.as_str()) {
        return Err(AppError::Forbidden);
    }
    let mut errs = crate::error::Errors::default();
    let (period, _) = match target::parse_period(period, beijing_today(state)) {
        Ok(p) => p,
        Err(e) => {
            errs.push("period", e.message_zh(), e.message_en());
            (String::new(), beijing_today(state))
        }
    };
    let bare = value.trim();
    let bare = bare.strip_suffix(t.unit_zh.as_str()).unwrap_or(bare);
    let value = errs.take("value", target::parse_value(bare));
    let note = errs.take("note", clean_text(note, 2, 500));
    errs.finish()?;
    let (Some(value), Some(note)) = (value, note) else {
        return Err(AppError::Internal);
    };
    let now = state.clock.now();
    let rec = TargetReportRecord {
        id: Uuid::new_v4(),
        target_code: t.code.clone(),
        period: period.clone(),
        value,
        note,
        unit: t.lead_unit.clone(),
        reported_by: actor.user_id,
        reporter_name: String::new(),
        reported_at: now,
        status: "submitted".into(),
        review_note: None,
        reviewed_by: None,
        reviewed_at: None,
        evidence: vec![],
    };
    let ev = AuditEvent {
        actor_id: Some(actor.user_id),
        entity_type: "target_report",
        entity_id: rec.id.to_string(),
        action: "report".into(),
        from_state: None,
        to_state: Some("submitted".into()),
        reason: Some(format!(
            "{} {} = {}",
            t.code,
            period,
            target::format_value(value)
        )),
        at: now,
    };
    state
        .store
        .insert_target_report(&rec, &ev)
        .await
        .map_err(internal)?;
    Ok(rec.id)
}

/// 市科技局 accepts a report (its value becomes the target's current value) or returns it with
/// a reason. Nobody reviews their own report.
#[tracing::instrument(skip_all)]
pub async fn review_target(
    state: &AppState,
    actor: &Actor,
    report_id: Uuid,
    accept: bool,
    note: &str,
) -> Result<(), AppError> {
    authorize(Some(actor), Action::ReviewTarget, Target::NONE)?;
    let unit = match actor.acting_org() {
        Some(o) => state.store.org_plan_unit(o).await.map_err(internal)?,
        None => None,
    };
    if unit.as_deref() != Some(REVIEWING_UNIT) {
        return Err(AppError::Forbidden);
    }
    let all = state.store.target_reports(None).await.map_err(internal)?;
    let r = all
        .iter()
        .find(|r| r.id == report_id)
        .ok_or(AppError::NotFound)?;
    if r.reported_by == actor.user_id {
        return Err(AppError::field(
            "review",
            "不能审核自己填报的数据，请由其他同事审核",
            "You cannot review your own report: a colleague must",
        ));
    }
    let note = note.trim();
    if !accept && note.chars().count() < 2 {
        return Err(AppError::field(
            "review_note",
            "退回时请写明原因",
            "Say why the report is returned",
        ));
    }
    let note = (!note.is_empty()).then(|| note.chars().take(500).collect::<String>());
    let status = if accept { "accepted" } else { "returned" };
    let now = state.clock.now();
    let ev = AuditEvent {
        actor_id: Some(actor.user_id),
        entity_type: "target_report",
        entity_id: report_id.to_string(),
        action: if accept { "accept" } else { "return" }.into(),
        from_state: Some("submitted".into()),
        to_state: Some(status.into()),
        reason: note.clone(),
        at: now,
    };
    match state
        .store
        .review_target_report(report_id, status, note.as_deref(), actor.user_id, now, &ev)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Stale) => Err(AppError::Conflict {
            zh: "该报告已被审核".into(),
            en: "This report has already been reviewed".into(),
        }),
        Err(e) => Err(internal(e)),
    }
}
