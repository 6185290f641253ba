//! 揭榜挂帅, part 2: carrying out an awarded call. Each winning team gets a task contract
//! (立项 / 任务书) whose milestone plan becomes milestones, each with a payment tranche:
//!
//! - the first milestone is the 立项 itself, paid when the task contract is recorded (in
//!   Nanning's 2023 calls about 65% of the funding);
//! - the middle ones are deliverables the team submits and officials accept or reject (a
//!   rejected one may be resubmitted); an accepted one releases its tranche;
//! - the last one is the final acceptance (验收): accepted releases the final payment (兑付),
//!   failed closes the task without it.
//!
//! A 赛马制 call runs several tasks in parallel; its mid-term review continues, cuts or merges
//! each team with a recorded reason. A cut or merged team's unpaid tranches are cancelled and
//! what they free may enlarge the continuing teams' budgets. The call follows its tasks: in
//! progress from the first 立项, accepted when its last live task is accepted, failed when
//! every task ended without acceptance, or terminated (终止) by an official with a reason.
use serde::{Deserialize, Serialize};

/// One team's task contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    InProgress,
    Accepted,
    Failed,
    Cut,
    Merged,
    Terminated,
}

impl TaskStatus {
    pub const ALL: &'static [Self] = &[
        Self::InProgress,
        Self::Accepted,
        Self::Failed,
        Self::Cut,
        Self::Merged,
        Self::Terminated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Accepted => "accepted",
            Self::Failed => "failed",
            Self::Cut => "cut",
            Self::Merged => "merged",
            Self::Terminated => "terminated",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::InProgress => "实施中",
            Self::Accepted => "验收通过",
            Self::Failed => "验收未通过",
            Self::Cut => "中期淘汰",
            Self::Merged => "中期合并",
            Self::Terminated => "已终止",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::InProgress => "In progress",
            Self::Accepted => "Accepted",
            Self::Failed => "Failed acceptance",
            Self::Cut => "Cut at mid-term",
            Self::Merged => "Merged at mid-term",
            Self::Terminated => "Terminated",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::InProgress => "blue",
            Self::Accepted => "green",
            Self::Failed | Self::Terminated => "red",
            Self::Cut | Self::Merged => "grey",
        }
    }
    /// Whether the task still runs (its milestones may move).
    pub fn is_live(self) -> bool {
        self == Self::InProgress
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    /// 验收通过: the final milestone is accepted and the final payment released.
    Accept,
    /// 验收不通过, with reasons.
    Fail,
    /// Cut at the mid-term review of a 赛马制 call, with a reason.
    Cut,
    /// Merged into a continuing team at the mid-term review, with a reason.
    Merge,
    /// The call was terminated (终止), with a reason.
    Terminate,
}

impl TaskAction {
    pub const ALL: &'static [Self] = &[
        Self::Accept,
        Self::Fail,
        Self::Cut,
        Self::Merge,
        Self::Terminate,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Fail => "fail",
            Self::Cut => "cut",
            Self::Merge => "merge",
            Self::Terminate => "terminate",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Accept => "验收通过",
            Self::Fail => "验收不通过",
            Self::Cut => "中期淘汰",
            Self::Merge => "中期合并",
            Self::Terminate => "终止",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Accept => "Pass acceptance",
            Self::Fail => "Fail acceptance",
            Self::Cut => "Cut at mid-term",
            Self::Merge => "Merge at mid-term",
            Self::Terminate => "Terminate",
        }
    }
}

pub type TaskTransitionError = super::lifecycle::TransitionError<TaskStatus, TaskAction>;

crate::status_labelled!(TaskStatus, MilestoneStatus);
crate::labelled!(TaskAction, MilestoneAction);

pub fn task_transition(
    from: TaskStatus,
    action: TaskAction,
) -> Result<TaskStatus, TaskTransitionError> {
    use TaskAction as A;
    use TaskStatus as S;
    Ok(match (from, action) {
        (S::InProgress, A::Accept) => S::Accepted,
        (S::InProgress, A::Fail) => S::Failed,
        (S::InProgress, A::Cut) => S::Cut,
        (S::InProgress, A::Merge) => S::Merged,
        (S::InProgress, A::Terminate) => S::Terminated,
        _ => return Err(TaskTransitionError { from, action }),
    })
}

pub struct TaskLifecycle;

impl super::lifecycle::Lifecycle for TaskLifecycle {
    type Status = TaskStatus;
    type Action = TaskAction;
    const ENTITY: &'static str = "task";
    const NOUN_ZH: &'static str = "任务";
    const NOUN_EN: &'static str = "task";
    fn transition(from: TaskStatus, action: TaskAction) -> Result<TaskStatus, TaskTransitionError> {
        task_transition(from, action)
    }
    fn requires_reason(action: TaskAction) -> bool {
        // Every decision on a task is written down; the acceptance opinion too.
        let _ = action;
        true
    }
    fn is_public(_: TaskStatus) -> bool {
        true
    }
    fn publishes(_: TaskStatus) -> bool {
        false
    }
    fn is_editable(_: TaskStatus) -> bool {
        false
    }
}

/// What a milestone is in its task's plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// The 立项 itself: accepted, and its tranche paid, when the task contract is recorded.
    Start,
    /// A deliverable the team submits.
    Regular,
    /// The final acceptance (验收): the final report with each indicator's achieved value.
    Final,
}

impl MilestoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Regular => "regular",
            Self::Final => "final",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Start, Self::Regular, Self::Final]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
    /// The kind of milestone `i` of a plan of `n` (n ≥ 2).
    pub fn of(i: usize, n: usize) -> Self {
        if i == 0 {
            Self::Start
        } else if i + 1 == n {
            Self::Final
        } else {
            Self::Regular
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MilestoneStatus {
    Pending,
    Submitted,
    Accepted,
    Rejected,
    Cancelled,
}

impl MilestoneStatus {
    pub const ALL: &'static [Self] = &[
        Self::Pending,
        Self::Submitted,
        Self::Accepted,
        Self::Rejected,
        Self::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pending => "待提交",
            Self::Submitted => "待审核",
            Self::Accepted => "已通过",
            Self::Rejected => "已退回",
            Self::Cancelled => "已取消",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Submitted => "Submitted",
            Self::Accepted => "Accepted",
            Self::Rejected => "Rejected",
            Self::Cancelled => "Cancelled",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::Pending => "grey",
            Self::Submitted => "gold",
            Self::Accepted => "green",
            Self::Rejected => "red",
            Self::Cancelled => "grey",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MilestoneAction {
    /// The team submits (or resubmits) its deliverables.
    Submit,
    /// Officials accept; the tranche is released.
    Accept,
    /// Officials reject with reasons; the team may resubmit.
    Reject,
    /// The task ended before this milestone (cut, merged, failed, terminated): its tranche is
    /// not paid.
    Cancel,
}

impl MilestoneAction {
    pub const ALL: &'static [Self] = &[Self::Submit, Self::Accept, Self::Reject, Self::Cancel];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Cancel => "cancel",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submit => "提交成果",
            Self::Accept => "审核通过",
            Self::Reject => "退回",
            Self::Cancel => "取消",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Submit => "Submit deliverables",
            Self::Accept => "Accept",
            Self::Reject => "Reject",
            Self::Cancel => "Cancel",
        }
    }
}

pub type MilestoneTransitionError =
    super::lifecycle::TransitionError<MilestoneStatus, MilestoneAction>;

pub fn milestone_transition(
    from: MilestoneStatus,
    action: MilestoneAction,
) -> Result<MilestoneStatus, MilestoneTransitionError> {
    use MilestoneAction as A;
    use MilestoneStatus as S;
    Ok(match (from, action) {
        (S::Pending | S::Rejected, A::Submit) => S::Submitted,
        (S::Submitted, A::Accept) => S::Accepted,
        (S::Submitted, A::Reject) => S::Rejected,
        (S::Pending | S::Submitted | S::Rejected, A::Cancel) => S::Cancelled,
        _ => return Err(MilestoneTransitionError { from, action }),
    })
}

pub struct MilestoneLifecycle;

impl super::lifecycle::Lifecycle for MilestoneLifecycle {
    type Status = MilestoneStatus;
    type Action = MilestoneAction;
    const ENTITY: &'static str = "milestone";
    const NOUN_ZH: &'static str = "里程碑";
    const NOUN_EN: &'static str = "milestone";
    fn transition(
        from: MilestoneStatus,
        action: MilestoneAction,
    ) -> Result<MilestoneStatus, MilestoneTransitionError> {
        milestone_transition(from, action)
    }
    fn requires_reason(action: MilestoneAction) -> bool {
        matches!(action, MilestoneAction::Reject | MilestoneAction::Cancel)
    }
    fn is_public(_: MilestoneStatus) -> bool {
        true
    }
    fn publishes(_: MilestoneStatus) -> bool {
        false
    }
    fn is_editable(_: MilestoneStatus) -> bool {
        false
    }
}

/// Whether the tranche of a milestone in this status is still to be paid (not paid, not
/// cancelled).
pub fn tranche_open(status: MilestoneStatus) -> bool {
    matches!(
        status,
        MilestoneStatus::Pending | MilestoneStatus::Submitted | MilestoneStatus::Rejected
    )
}

/// A mid-term decision on one team of a 赛马制 call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Goes on, its budget possibly enlarged by `extra_fen`.
    Continue { extra_fen: i64 },
    /// Stops; its unpaid tranches are cancelled.
    Cut,
    /// Joins the team of task `into` (which continues); its unpaid tranches are cancelled.
    Merge { into: uuid::Uuid },
}

impl Decision {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Continue { .. } => "continue",
            Self::Cut => "cut",
            Self::Merge { .. } => "merge",
        }
    }
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::Continue { .. } => "继续支持",
            Self::Cut => "淘汰",
            Self::Merge { .. } => "合并",
        }
    }
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::Continue { .. } => "Continue",
            Self::Cut => "Cut",
            Self::Merge { .. } => "Merge",
        }
    }
}

/// A live task as the mid-term review weighs it: its id and what it has not been paid yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveTask {
    pub id: uuid::Uuid,
    pub unpaid_fen: i64,
}

/// Why a mid-term review cannot stand as decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MidtermError {
    /// The call runs one team: there is no race to review.
    NotARace,
    /// Every live team needs one decision (the first one missing or decided twice).
    Undecided(uuid::Uuid),
    /// A decision names a team that is not live in this call.
    Unknown(uuid::Uuid),
    /// Cutting every team ends the call: terminate it instead.
    NoneContinues,
    /// A team can only merge into a team that continues, and not into itself.
    BadMerge(uuid::Uuid),
    /// More money added than the cut and merged teams free.
    Overrun { extra_fen: i64, freed_fen: i64 },
    /// An enlargement below zero.
    Negative(uuid::Uuid),
}

impl MidtermError {
    pub fn message_zh(&self) -> String {
        match self {
            Self::NotARace => "本榜单只有一个中榜团队，不适用赛马制中期评估".into(),
            Self::Undecided(_) => "每个在研团队须有且仅有一项中期决定".into(),
            Self::Unknown(_) => "所选团队不是本榜单的在研团队".into(),
            Self::NoneContinues => "不能淘汰全部团队：如需停止实施，请终止榜单".into(),
            Self::BadMerge(_) => "合并须并入一个继续支持的其他团队".into(),
            Self::Overrun {
                extra_fen,
                freed_fen,
            } => format!(
                "追加经费 {} 万元超过淘汰、合并团队释放的未拨经费 {} 万元",
                super::Fen(*extra_fen).format_wan(),
                super::Fen(*freed_fen).format_wan()
            ),
            Self::Negative(_) => "追加经费不能为负数".into(),
        }
    }
    pub fn message_en(&self) -> String {
        match self {
            Self::NotARace => "This call has a single winner: there is no race to review".into(),
            Self::Undecided(_) => "Every team in progress needs exactly one decision".into(),
            Self::Unknown(_) => "A chosen team is not in progress in this call".into(),
            Self::NoneContinues => "Every team cannot be cut: terminate the call to stop it".into(),
            Self::BadMerge(_) => "A team can only merge into another team that continues".into(),
            Self::Overrun {
                extra_fen,
                freed_fen,
            } => format!(
                "The added funding (¥{}) exceeds what the cut and merged teams free (¥{})",
                super::Fen(*extra_fen).format_yuan_en(),
                super::Fen(*freed_fen).format_yuan_en()
            ),
            Self::Negative(_) => "An enlargement cannot be negative".into(),
        }
    }
}

/// Checks a mid-term review of a call with `winners` teams: one decision for every live team,
/// at least one continuing, merges only into continuing teams, and enlargements within what
/// the stopped teams free. Returns the freed amount.
pub fn check_midterm(
    winners: u32,
    live: &[LiveTask],
    decisions: &[(uuid::Uuid, Decision)],
) -> Result<i64, MidtermError> {
    if winners < 2 {
        return Err(MidtermError::NotARace);
    }
    for (id, _) in decisions {
        if !live.iter().any(|t| t.id == *id) {
            return Err(MidtermError::Unknown(*id));
        }
    }
    for t in live {
        if decisions.iter().filter(|(id, _)| *id == t.id).count() != 1 {
            return Err(MidtermError::Undecided(t.id));
        }
    }
    let continues = |id: uuid::Uuid| {
        decisions
            .iter()
            .any(|(t, d)| *t == id && matches!(d, Decision::Continue { .. }))
    };
    if !decisions
        .iter()
        .any(|(_, d)| matches!(d, Decision::Continue { .. }))
    {
        return Err(MidtermError::NoneContinues);
    }
    let mut freed = 0i64;
    let mut extra = 0i64;
    for (id, d) in decisions {
        let unpaid = live
            .iter()
            .find(|t| t.id == *id)
            .map_or(0, |t| t.unpaid_fen);
        match d {
            Decision::Continue { extra_fen } => {
                if *extra_fen < 0 {
                    return Err(MidtermError::Negative(*id));
                }
                extra = extra.saturating_add(*extra_fen);
            }
            Decision::Cut => freed += unpaid,
            Decision::Merge { into } => {
                if *into == *id || !continues(*into) {
                    return Err(MidtermError::BadMerge(*id));
                }
                freed += unpaid;
            }
        }
    }
    if extra > freed {
        return Err(MidtermError::Overrun {
            extra_fen: extra,
            freed_fen: freed,
        });
    }
    Ok(freed)
}

/// Why an indicator value was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    Empty,
    NotANumber,
    /// The value carries a unit other than the indicator's.
    WrongUnit {
        typed: String,
        expected: String,
    },
}

impl ValueError {
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "请填写达到的数值".into(),
            Self::NotANumber => "请填写数字，例如 6.5".into(),
            Self::WrongUnit { typed, expected } => {
                format!("单位“{typed}”与指标单位“{expected}”不一致")
            }
        }
    }
    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "Enter the value reached".into(),
            Self::NotANumber => "Enter a number, e.g. 6.5".into(),
            Self::WrongUnit { typed, expected } => {
                format!("The unit “{typed}” is not the indicator's unit “{expected}”")
            }
        }
    }
}

fn unit_key(u: &str) -> String {
    super::text::fullwidth_to_ascii(u)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Reads a reached value of an indicator measured in `unit`: a number, optionally followed by
/// the indicator's own unit ("6.5", "6.5%", "６．５ ％"). Returns the number as written
/// canonically ("6.5", "-2", "1200").
pub fn parse_value(input: &str, unit: &str) -> Result<String, ValueError> {
    let s = super::text::fullwidth_to_ascii(input.trim()).replace('。', ".");
    let s = s.trim();
    if s.is_empty() {
        return Err(ValueError::Empty);
    }
    let end = s
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))))
        .map_or(s.len(), |(i, _)| i);
    let (num, rest) = s.split_at(end);
    let rest = rest.trim();
    let digits = num.trim_start_matches(['-', '+']);
    let valid = !digits.is_empty()
        && digits.len() <= 18
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if !valid {
        return Err(ValueError::NotANumber);
    }
    if !rest.is_empty() && unit_key(rest) != unit_key(unit) {
        // "12 abc" with the unit "%" is a wrong unit; "12abc%" too: only the exact unit passes.
        return Err(ValueError::WrongUnit {
            typed: rest.chars().take(20).collect(),
            expected: unit.into(),
        });
    }
    let negative = num.starts_with('-');
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if negative && (!int.is_empty() || !frac.is_empty()) {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Ok(out)
}

/// Whether `value` (as [`parse_value`] wrote it) meets a target written as a bound ("≥ 95",
/// "<=0.5", "不低于 8") or a bare number (read as "at least"). `None` when the target is not
/// of that shape, which the page then leaves for the reviewers to judge.
pub fn meets(target: &str, value: &str) -> Option<bool> {
    let t = super::text::fullwidth_to_ascii(target.trim());
    let t = t.trim();
    let ops: [(&str, i8); 12] = [
        ("≥", 1),
        (">=", 1),
        ("不低于", 1),
        ("不少于", 1),
        ("≤", -1),
        ("<=", -1),
        ("不高于", -1),
        ("不超过", -1),
        (">", 2),
        ("<", -2),
        ("=", 0),
        ("", 1),
    ];
    let (rest, op) = ops
        .iter()
        .find_map(|(p, op)| t.strip_prefix(p).map(|r| (r.trim(), *op)))?;
    let end = rest
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
        .map_or(rest.len(), |(i, _)| i);
    let bound: f64 = rest[..end].parse().ok()?;
    let v: f64 = value.parse().ok()?;
    Some(match op {
        1 => v >= bound,
        2 => v > bound,
        -1 => v <= bound,
        -2 => v < bound,
        _ => (v - bound).abs() < 1e-9,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn every_task_status_action_pair_is_legal_or_refused() {
        for s in TaskStatus::ALL {
            for a in TaskAction::ALL {
                let r = task_transition(*s, *a);
                assert_eq!(r.is_ok(), *s == TaskStatus::InProgress, "{s:?} {a:?}");
            }
        }
        assert_eq!(
            task_transition(TaskStatus::InProgress, TaskAction::Merge),
            Ok(TaskStatus::Merged)
        );
        let e = task_transition(TaskStatus::Accepted, TaskAction::Fail).unwrap_err();
        assert!(e.message_zh().contains("验收通过"));
    }

    #[test]
    fn milestones_submit_accept_reject_resubmit_and_cancel() {
        use MilestoneAction as A;
        use MilestoneStatus as S;
        let legal = [
            (S::Pending, A::Submit, S::Submitted),
            (S::Rejected, A::Submit, S::Submitted),
            (S::Submitted, A::Accept, S::Accepted),
            (S::Submitted, A::Reject, S::Rejected),
            (S::Pending, A::Cancel, S::Cancelled),
            (S::Submitted, A::Cancel, S::Cancelled),
            (S::Rejected, A::Cancel, S::Cancelled),
        ];
        for s in MilestoneStatus::ALL {
            for a in MilestoneAction::ALL {
                let want = legal.iter().find(|(f, x, _)| f == s && x == a).map(|l| l.2);
                assert_eq!(milestone_transition(*s, *a).ok(), want, "{s:?} {a:?}");
            }
        }
        // Accepting twice, or accepting what was not submitted, is refused.
        assert!(milestone_transition(S::Accepted, A::Accept).is_err());
        assert!(milestone_transition(S::Pending, A::Accept).is_err());
        assert!(tranche_open(S::Rejected) && !tranche_open(S::Accepted));
    }

    #[test]
    fn plan_kinds_run_start_regular_final() {
        let kinds: Vec<_> = (0..4).map(|i| MilestoneKind::of(i, 4)).collect();
        assert_eq!(
            kinds,
            vec![
                MilestoneKind::Start,
                MilestoneKind::Regular,
                MilestoneKind::Regular,
                MilestoneKind::Final
            ]
        );
        assert_eq!(MilestoneKind::of(1, 2), MilestoneKind::Final);
    }

    #[test]
    fn a_midterm_review_keeps_one_team_and_the_money_within_what_it_frees() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let live = [
            LiveTask {
                id: a,
                unpaid_fen: 100,
            },
            LiveTask {
                id: b,
                unpaid_fen: 60,
            },
            LiveTask {
                id: c,
                unpaid_fen: 40,
            },
        ];
        let cont = |x| Decision::Continue { extra_fen: x };
        assert_eq!(
            check_midterm(
                3,
                &live,
                &[
                    (a, cont(90)),
                    (b, Decision::Cut),
                    (c, Decision::Merge { into: a })
                ]
            ),
            Ok(100)
        );
        assert_eq!(
            check_midterm(
                3,
                &live,
                &[
                    (a, cont(101)),
                    (b, Decision::Cut),
                    (c, Decision::Merge { into: a })
                ]
            ),
            Err(MidtermError::Overrun {
                extra_fen: 101,
                freed_fen: 100
            })
        );
        assert_eq!(
            check_midterm(
                3,
                &live,
                &[(a, Decision::Cut), (b, Decision::Cut), (c, Decision::Cut)]
            ),
            Err(MidtermError::NoneContinues)
        );
        assert_eq!(
            check_midterm(
                3,
                &live,
                &[
                    (a, cont(0)),
                    (b, Decision::Merge { into: c }),
                    (c, Decision::Cut)
                ]
            ),
            Err(MidtermError::BadMerge(b))
        );
        assert_eq!(
            check_midterm(3, &live, &[(a, cont(0)), (b, Decision::Cut)]),
            Err(MidtermError::Undecided(c))
        );
        assert_eq!(
            check_midterm(
                3,
                &live,
                &[
                    (a, cont(0)),
                    (b, Decision::Cut),
                    (c, Decision::Cut),
                    (a, Decision::Cut)
                ]
            ),
            Err(MidtermError::Undecided(a))
        );
        let stranger = Uuid::from_u128(9);
        assert_eq!(
            check_midterm(3, &live, &[(stranger, cont(0))]),
            Err(MidtermError::Unknown(stranger))
        );
        assert_eq!(
            check_midterm(1, &live[..1], &[(a, cont(0))]),
            Err(MidtermError::NotARace)
        );
        assert_eq!(
            check_midterm(2, &live[..2], &[(a, cont(-1)), (b, Decision::Cut)]),
            Err(MidtermError::Negative(a))
        );
        assert!(MidtermError::NoneContinues.message_zh().contains("终止"));
    }

    #[test]
    fn values_are_numbers_in_the_indicators_unit() {
        assert_eq!(parse_value("6.50", "%"), Ok("6.5".into()));
        assert_eq!(parse_value("６．５ ％", "%"), Ok("6.5".into()));
        assert_eq!(parse_value("1200 亩/小时", "亩/小时"), Ok("1200".into()));
        assert_eq!(parse_value("007", "次"), Ok("7".into()));
        assert_eq!(parse_value("-0.0", "℃"), Ok("0".into()));
        assert_eq!(parse_value("-3.20℃", "℃"), Ok("-3.2".into()));
        assert_eq!(parse_value("  ", "%"), Err(ValueError::Empty));
        for bad in ["约七", "abc", ".5", "5.", "1.2.3", "--1", "1e5", "∞"] {
            assert!(
                matches!(
                    parse_value(bad, "%"),
                    Err(ValueError::NotANumber | ValueError::WrongUnit { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(parse_value("abc", "%"), Err(ValueError::NotANumber));
        assert_eq!(
            parse_value("7 kg", "%"),
            Err(ValueError::WrongUnit {
                typed: "kg".into(),
                expected: "%".into()
            })
        );
        assert!(parse_value("7 kg", "%")
            .unwrap_err()
            .message_zh()
            .contains("kg"));
    }

    #[test]
    fn targets_are_bounds_and_unknown_shapes_are_left_to_people() {
        assert_eq!(meets("≤ 7", "6.5"), Some(true));
        assert_eq!(meets("≤ 7", "7.1"), Some(false));
        assert_eq!(meets(">= 8", "8"), Some(true));
        assert_eq!(meets("＞8", "8"), Some(false));
        assert_eq!(meets("不低于 95", "96"), Some(true));
        assert_eq!(meets("2000", "1999"), Some(false));
        assert_eq!(meets("国内领先", "1"), None);
    }
}
