//! 揭榜挂帅 open calls (榜单): their lifecycle and what a call is made of.
//!
//! draft → published (发榜; bids are taken inside the window) → screening (形式审查, entered when
//! the window closes, by the clock) → reviewing (专家评审) → publicity (公示 of the award) →
//! awarded (公示 over) → in progress (the first task contract, 立项) → accepted (its last live
//! task passed 验收) or failed acceptance (every task ended without it). Exits: unfilled (流榜,
//! no qualified bid), cancelled (撤榜, with a public reason, at any stage before the award) and
//! terminated (终止 during implementation, with a reason). An upheld objection sends a call in
//! publicity back to reviewing. The tasks themselves are `domain::task`.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    Draft,
    Published,
    Screening,
    Reviewing,
    Publicity,
    Awarded,
    InProgress,
    Accepted,
    FailedAcceptance,
    Unfilled,
    Cancelled,
    Terminated,
}

impl CallStatus {
    pub const ALL: &'static [Self] = &[
        Self::Draft,
        Self::Published,
        Self::Screening,
        Self::Reviewing,
        Self::Publicity,
        Self::Awarded,
        Self::InProgress,
        Self::Accepted,
        Self::FailedAcceptance,
        Self::Unfilled,
        Self::Cancelled,
        Self::Terminated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Screening => "screening",
            Self::Reviewing => "reviewing",
            Self::Publicity => "publicity",
            Self::Awarded => "awarded",
            Self::InProgress => "in_progress",
            Self::Accepted => "accepted",
            Self::FailedAcceptance => "failed_acceptance",
            Self::Unfilled => "unfilled",
            Self::Cancelled => "cancelled",
            Self::Terminated => "terminated",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Published => "揭榜中",
            Self::Screening => "形式审查",
            Self::Reviewing => "专家评审",
            Self::Publicity => "公示中",
            Self::Awarded => "已定榜",
            Self::InProgress => "实施中",
            Self::Accepted => "验收通过",
            Self::FailedAcceptance => "验收未通过",
            Self::Unfilled => "流榜",
            Self::Cancelled => "已撤榜",
            Self::Terminated => "已终止",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Published => "Open for bids",
            Self::Screening => "Eligibility check",
            Self::Reviewing => "Expert review",
            Self::Publicity => "Award notice",
            Self::Awarded => "Awarded",
            Self::InProgress => "In progress",
            Self::Accepted => "Accepted",
            Self::FailedAcceptance => "Failed acceptance",
            Self::Unfilled => "Unfilled",
            Self::Cancelled => "Cancelled",
            Self::Terminated => "Terminated",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::Draft | Self::Cancelled => "grey",
            Self::Published => "green",
            Self::Screening | Self::Reviewing => "gold",
            Self::Publicity | Self::Awarded | Self::InProgress => "blue",
            Self::Accepted => "green",
            Self::Unfilled | Self::FailedAcceptance | Self::Terminated => "red",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallAction {
    /// An official publishes a draft (发榜).
    Publish,
    /// The clock closes the bid window (system).
    CloseBidding,
    /// Officials finish the eligibility check with at least one qualified bid.
    StartReview,
    /// No bid qualified (流榜); needs a reason.
    MarkUnfilled,
    /// Officials award and open the 公示.
    OpenPublicity,
    /// The 公示 ended with every objection answered.
    ConcludePublicity,
    /// An upheld objection sends the call back to review; needs a reason.
    ReturnToReview,
    /// 撤榜 before the award, with a public reason.
    Cancel,
    /// The first task contract is recorded (立项).
    StartImplementation,
    /// The last live task passed its acceptance (system, after a decision).
    CloseAccepted,
    /// Every task ended without acceptance (system, after a decision).
    CloseFailed,
    /// 终止 during implementation, with a reason: unpaid tranches are cancelled.
    Terminate,
}

impl CallAction {
    pub const ALL: &'static [Self] = &[
        Self::Publish,
        Self::CloseBidding,
        Self::StartReview,
        Self::MarkUnfilled,
        Self::OpenPublicity,
        Self::ConcludePublicity,
        Self::ReturnToReview,
        Self::Cancel,
        Self::StartImplementation,
        Self::CloseAccepted,
        Self::CloseFailed,
        Self::Terminate,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::CloseBidding => "close_bidding",
            Self::StartReview => "start_review",
            Self::MarkUnfilled => "mark_unfilled",
            Self::OpenPublicity => "open_publicity",
            Self::ConcludePublicity => "conclude_publicity",
            Self::ReturnToReview => "return_to_review",
            Self::Cancel => "cancel",
            Self::StartImplementation => "start_implementation",
            Self::CloseAccepted => "close_accepted",
            Self::CloseFailed => "close_failed",
            Self::Terminate => "terminate",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Publish => "发榜",
            Self::CloseBidding => "截止揭榜",
            Self::StartReview => "完成形式审查，进入评审",
            Self::MarkUnfilled => "流榜",
            Self::OpenPublicity => "定榜并公示",
            Self::ConcludePublicity => "结束公示",
            Self::ReturnToReview => "退回重新评审",
            Self::Cancel => "撤榜",
            Self::StartImplementation => "立项",
            Self::CloseAccepted => "验收通过结题",
            Self::CloseFailed => "验收未通过结题",
            Self::Terminate => "终止实施",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Publish => "Publish",
            Self::CloseBidding => "Close bidding",
            Self::StartReview => "Finish eligibility check and start review",
            Self::MarkUnfilled => "Declare unfilled",
            Self::OpenPublicity => "Award and open the notice period",
            Self::ConcludePublicity => "End the notice period",
            Self::ReturnToReview => "Return to review",
            Self::Cancel => "Cancel the call",
            Self::StartImplementation => "Start implementation",
            Self::CloseAccepted => "Close as accepted",
            Self::CloseFailed => "Close as failed",
            Self::Terminate => "Terminate implementation",
        }
    }
}

pub type CallTransitionError = super::lifecycle::TransitionError<CallStatus, CallAction>;

crate::status_labelled!(CallStatus);
crate::labelled!(CallAction);

pub struct CallLifecycle;

impl super::lifecycle::Lifecycle for CallLifecycle {
    type Status = CallStatus;
    type Action = CallAction;
    const ENTITY: &'static str = "call";
    const NOUN_ZH: &'static str = "榜单";
    const NOUN_EN: &'static str = "call";
    fn transition(from: CallStatus, action: CallAction) -> Result<CallStatus, CallTransitionError> {
        transition(from, action)
    }
    fn requires_reason(action: CallAction) -> bool {
        matches!(
            action,
            CallAction::MarkUnfilled
                | CallAction::ReturnToReview
                | CallAction::Cancel
                | CallAction::Terminate
        )
    }
    fn is_public(status: CallStatus) -> bool {
        status != CallStatus::Draft
    }
    fn publishes(status: CallStatus) -> bool {
        status == CallStatus::Published
    }
    fn is_editable(status: CallStatus) -> bool {
        status == CallStatus::Draft
    }
}

pub fn transition(from: CallStatus, action: CallAction) -> Result<CallStatus, CallTransitionError> {
    use CallAction as A;
    use CallStatus as S;
    Ok(match (from, action) {
        (S::Draft, A::Publish) => S::Published,
        (S::Published, A::CloseBidding) => S::Screening,
        (S::Screening, A::StartReview) => S::Reviewing,
        (S::Screening, A::MarkUnfilled) => S::Unfilled,
        (S::Reviewing, A::OpenPublicity) => S::Publicity,
        (S::Publicity, A::ConcludePublicity) => S::Awarded,
        (S::Publicity, A::ReturnToReview) => S::Reviewing,
        (S::Published | S::Screening | S::Reviewing | S::Publicity, A::Cancel) => S::Cancelled,
        (S::Awarded, A::StartImplementation) => S::InProgress,
        (S::InProgress, A::CloseAccepted) => S::Accepted,
        (S::InProgress, A::CloseFailed) => S::FailedAcceptance,
        (S::Awarded | S::InProgress, A::Terminate) => S::Terminated,
        _ => return Err(CallTransitionError { from, action }),
    })
}

/// Whether bids of a call in this status have been opened to officials (the window closed and
/// the call went on). Before that, only each bidding team sees its own bid.
pub fn bids_opened(status: CallStatus) -> bool {
    !matches!(status, CallStatus::Draft | CallStatus::Published)
}

/// One quantified hard indicator (考核指标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub name: String,
    pub unit: String,
    /// As typed, e.g. "≥ 95" or "0.5": a target is often a bound, not a bare number.
    pub target: String,
}

/// One evaluation criterion with its weight (the weights of a call sum to 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub name: String,
    pub weight: u32,
}

/// One milestone of the template: what is delivered, when (months after the contract) and the
/// share of the funding it releases (in percent; the shares sum to 100, the first is the first
/// tranche).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MilestoneTemplate {
    pub deliverable: String,
    pub due_months: u32,
    pub share_pct: u32,
}

/// Who may bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Eligibility {
    /// Organization types allowed to lead a bid.
    pub org_types: Vec<super::OrgType>,
    /// Only organizations registered in Guangxi (every district the platform knows is in
    /// Nanning, so today this means "registered on the platform with a Guangxi district").
    pub guangxi_only: bool,
    pub consortium_allowed: bool,
}

impl Eligibility {
    /// Whether an organization of this type may lead a bid.
    pub fn admits(&self, org_type: super::OrgType) -> bool {
        self.org_types.contains(&org_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::Lifecycle;
    use CallAction as A;
    use CallStatus as S;

    const LEGAL: &[(CallStatus, CallAction, CallStatus)] = &[
        (S::Draft, A::Publish, S::Published),
        (S::Published, A::CloseBidding, S::Screening),
        (S::Screening, A::StartReview, S::Reviewing),
        (S::Screening, A::MarkUnfilled, S::Unfilled),
        (S::Reviewing, A::OpenPublicity, S::Publicity),
        (S::Publicity, A::ConcludePublicity, S::Awarded),
        (S::Publicity, A::ReturnToReview, S::Reviewing),
        (S::Published, A::Cancel, S::Cancelled),
        (S::Screening, A::Cancel, S::Cancelled),
        (S::Reviewing, A::Cancel, S::Cancelled),
        (S::Publicity, A::Cancel, S::Cancelled),
        (S::Awarded, A::StartImplementation, S::InProgress),
        (S::InProgress, A::CloseAccepted, S::Accepted),
        (S::InProgress, A::CloseFailed, S::FailedAcceptance),
        (S::Awarded, A::Terminate, S::Terminated),
        (S::InProgress, A::Terminate, S::Terminated),
    ];

    #[test]
    fn every_status_action_pair_legal_or_refused() {
        let mut legal = 0;
        for &from in S::ALL {
            for &action in A::ALL {
                match LEGAL.iter().find(|(f, a, _)| *f == from && *a == action) {
                    Some(&(_, _, to)) => {
                        assert_eq!(transition(from, action), Ok(to));
                        legal += 1;
                    }
                    None => {
                        let e = transition(from, action).unwrap_err();
                        assert_eq!(e, CallTransitionError { from, action });
                        assert!(e.message_zh().contains(from.label_zh()));
                        assert!(e.message_en().contains(from.label_en()));
                    }
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
    }

    #[test]
    fn an_awarded_call_can_no_longer_be_cancelled_and_terminal_states_allow_nothing() {
        for &from in &[S::Awarded, S::InProgress] {
            assert!(
                transition(from, A::Cancel).is_err(),
                "{from:?}: terminate instead"
            );
        }
        for &from in &[
            S::Unfilled,
            S::Cancelled,
            S::Accepted,
            S::FailedAcceptance,
            S::Terminated,
        ] {
            for &action in A::ALL {
                assert!(transition(from, action).is_err(), "{from:?} {action:?}");
            }
        }
        assert!(CallLifecycle::requires_reason(A::Terminate));
    }

    #[test]
    fn bids_open_only_after_the_window() {
        assert!(!bids_opened(S::Draft));
        assert!(!bids_opened(S::Published));
        for s in [
            S::Screening,
            S::Reviewing,
            S::Publicity,
            S::Awarded,
            S::Unfilled,
        ] {
            assert!(bids_opened(s));
        }
    }

    #[test]
    fn exits_need_reasons_and_drafts_stay_private() {
        assert!(CallLifecycle::requires_reason(A::Cancel));
        assert!(CallLifecycle::requires_reason(A::MarkUnfilled));
        assert!(!CallLifecycle::requires_reason(A::Publish));
        assert!(!CallLifecycle::is_public(S::Draft));
        assert!(CallLifecycle::is_public(S::Cancelled));
        assert!(CallLifecycle::is_editable(S::Draft));
        assert!(!CallLifecycle::is_editable(S::Published));
    }
}
