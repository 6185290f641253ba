//! The working-day calendar the 公示 counts with: weekends off, the seeded official holidays
//! and make-up working days, extended by officials.
use super::reviews::official;
use super::*;
use crate::domain::text::clean_text;
use crate::domain::workdays::{Calendar, DayKind};
use crate::policy::Actor;

/// The holiday calendar the 公示 counts working days with.
pub(crate) async fn calendar(state: &AppState) -> Result<Calendar, AppError> {
    Ok(Calendar::new(
        state
            .store
            .holidays()
            .await
            .map_err(internal)?
            .into_iter()
            .filter_map(|(d, k)| DayKind::parse(&k).map(|k| (d, k))),
    ))
}

/// The holiday calendar, for officials to read and extend.
#[tracing::instrument(skip_all)]
pub async fn holidays(state: &AppState, actor: &Actor) -> Result<Vec<(String, String)>, AppError> {
    official(actor)?;
    Ok(state
        .store
        .holidays()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(d, k)| (d.format("%Y-%m-%d").to_string(), k))
        .collect())
}

/// Adds or corrects one day of the calendar (a holiday, or a make-up working day).
#[tracing::instrument(skip_all)]
pub async fn set_holiday(
    state: &AppState,
    actor: &Actor,
    day: &str,
    kind: &str,
    name: &str,
) -> Result<(), AppError> {
    official(actor)?;
    let mut errs = crate::error::Errors::default();
    let d = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        errs.push(
            "day",
            "请输入日期，格式 YYYY-MM-DD",
            "Enter a date as YYYY-MM-DD",
        );
    }
    let k = DayKind::parse(kind.trim());
    if k.is_none() {
        errs.push(
            "kind",
            "请选择放假或调休上班",
            "Choose a holiday or a make-up working day",
        );
    }
    let name = errs.take("name", clean_text(name, 2, 40));
    errs.finish()?;
    let (Some(d), Some(k), Some(name)) = (d, k, name) else {
        return Err(AppError::Internal);
    };
    let ev = audit(
        Some(actor.user_id),
        "holiday",
        d.format("%Y-%m-%d"),
        k.as_str(),
        state.clock.now(),
    );
    state
        .store
        .upsert_holiday(d, k.as_str(), &name, Some(&ev))
        .await
        .map_err(internal)
}
