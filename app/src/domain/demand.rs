//! Technology demand (技术需求) lifecycle and attributes.
//!
//! All status changes go through [`transition`], so the legal moves live in
//! one table instead of being re-checked ad hoc in handlers.

use serde::{Deserialize, Serialize};

/// Lifecycle status of a demand. The snake_case form is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DemandStatus {
    /// Being written by its owner; not visible to others.
    Draft,
    /// Waiting for review.
    Submitted,
    /// Approved and publicly listed.
    Published,
    /// Sent back by a reviewer; must be reopened before editing.
    Rejected,
    /// Selected for a call (揭榜挂帅 list).
    InCall,
    /// Paired with a solution provider.
    Matched,
    /// Solved.
    Resolved,
    /// Closed before being solved.
    Closed,
    /// Deadline passed without a match.
    Expired,
}

impl DemandStatus {
    /// Every status, in lifecycle order.
    pub const ALL: &[Self] = &[
        Self::Draft,
        Self::Submitted,
        Self::Published,
        Self::Rejected,
        Self::InCall,
        Self::Matched,
        Self::Resolved,
        Self::Closed,
        Self::Expired,
    ];

    /// Stable identifier, identical to the serde form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::InCall => "in_call",
            Self::Matched => "matched",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Expired => "expired",
        }
    }

    /// Inverse of [`DemandStatus::as_str`]; exact match only.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// Chinese display name.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "待审核",
            Self::Published => "已发布",
            Self::Rejected => "已驳回",
            Self::InCall => "已入榜",
            Self::Matched => "已对接",
            Self::Resolved => "已解决",
            Self::Closed => "已关闭",
            Self::Expired => "已过期",
        }
    }

    /// English display name.
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Pending review",
            Self::Published => "Published",
            Self::Rejected => "Rejected",
            Self::InCall => "In call",
            Self::Matched => "Matched",
            Self::Resolved => "Resolved",
            Self::Closed => "Closed",
            Self::Expired => "Expired",
        }
    }

    /// Tag colour name: "grey", "gold", "green", "red" or "blue".
    pub fn tag_color(&self) -> &'static str {
        match self {
            Self::Draft | Self::Closed | Self::Expired => "grey",
            Self::Submitted => "gold",
            Self::Published | Self::Resolved => "green",
            Self::Rejected => "red",
            Self::InCall | Self::Matched => "blue",
        }
    }
}

/// Something a user or the system does to a demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DemandAction {
    /// Owner sends a draft for review.
    Submit,
    /// Reviewer publishes a submitted demand.
    Approve,
    /// Reviewer sends a submitted demand back (needs a reason).
    Reject,
    /// Owner pulls a submitted demand back to draft.
    Withdraw,
    /// Owner turns a rejected demand back into a draft to edit it.
    Reopen,
    /// Owner or official closes a live demand (needs a reason).
    Close,
    /// System marks a published demand whose deadline has passed.
    Expire,
    /// Official adds a published demand to a call.
    MarkInCall,
    /// A published demand is paired with a provider.
    MarkMatched,
    /// A demand in a call or matched is marked solved.
    Resolve,
}

impl DemandAction {
    /// Every action.
    pub const ALL: &[Self] = &[
        Self::Submit,
        Self::Approve,
        Self::Reject,
        Self::Withdraw,
        Self::Reopen,
        Self::Close,
        Self::Expire,
        Self::MarkInCall,
        Self::MarkMatched,
        Self::Resolve,
    ];

    /// Stable identifier, identical to the serde form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Withdraw => "withdraw",
            Self::Reopen => "reopen",
            Self::Close => "close",
            Self::Expire => "expire",
            Self::MarkInCall => "mark_in_call",
            Self::MarkMatched => "mark_matched",
            Self::Resolve => "resolve",
        }
    }

    /// Inverse of [`DemandAction::as_str`]; exact match only.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// Chinese display name (a verb, e.g. for buttons).
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::Submit => "提交",
            Self::Approve => "审核通过",
            Self::Reject => "驳回",
            Self::Withdraw => "撤回",
            Self::Reopen => "重新编辑",
            Self::Close => "关闭",
            Self::Expire => "标记过期",
            Self::MarkInCall => "入榜",
            Self::MarkMatched => "标记已对接",
            Self::Resolve => "标记已解决",
        }
    }

    /// English display name (a verb, e.g. for buttons).
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::Submit => "Submit",
            Self::Approve => "Approve",
            Self::Reject => "Reject",
            Self::Withdraw => "Withdraw",
            Self::Reopen => "Reopen for editing",
            Self::Close => "Close",
            Self::Expire => "Mark as expired",
            Self::MarkInCall => "Add to call",
            Self::MarkMatched => "Mark as matched",
            Self::Resolve => "Mark as resolved",
        }
    }
}

/// An action that is not allowed in the demand's current status.
pub type TransitionError = super::lifecycle::TransitionError<DemandStatus, DemandAction>;

crate::status_labelled!(DemandStatus);
crate::labelled!(DemandAction);

/// Demands in the shared reviewed-record lifecycle.
pub struct DemandLifecycle;

impl super::lifecycle::Lifecycle for DemandLifecycle {
    type Status = DemandStatus;
    type Action = DemandAction;
    const ENTITY: &'static str = "demand";
    const NOUN_ZH: &'static str = "需求";
    const NOUN_EN: &'static str = "demand";
    fn transition(
        from: DemandStatus,
        action: DemandAction,
    ) -> Result<DemandStatus, TransitionError> {
        transition(from, action)
    }
    fn requires_reason(action: DemandAction) -> bool {
        requires_reason(action)
    }
    fn is_public(status: DemandStatus) -> bool {
        is_public(status)
    }
    fn publishes(status: DemandStatus) -> bool {
        status == DemandStatus::Published
    }
    fn is_editable(status: DemandStatus) -> bool {
        is_editable(status)
    }
}

/// Applies `action` to a demand in status `from`.
///
/// Only checks that the move exists; who may perform it is an authorization
/// question for the caller.
pub fn transition(
    from: DemandStatus,
    action: DemandAction,
) -> Result<DemandStatus, TransitionError> {
    use DemandAction as A;
    use DemandStatus as S;
    let to = match (from, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Submitted, A::Approve) => S::Published,
        (S::Submitted, A::Reject) => S::Rejected,
        (S::Submitted, A::Withdraw) => S::Draft,
        (S::Rejected, A::Reopen) => S::Draft,
        (S::Published, A::MarkInCall) => S::InCall,
        (S::Published, A::MarkMatched) => S::Matched,
        (S::InCall | S::Matched, A::Resolve) => S::Resolved,
        (S::Published | S::InCall | S::Matched, A::Close) => S::Closed,
        (S::Published, A::Expire) => S::Expired,
        _ => return Err(TransitionError { from, action }),
    };
    Ok(to)
}

/// Whether the owner may edit the content. Only drafts: a rejected demand
/// must be reopened first so the review history stays unambiguous.
pub fn is_editable(status: DemandStatus) -> bool {
    status == DemandStatus::Draft
}

/// Whether the action must be accompanied by a written reason, which is
/// shown to the owner.
pub fn requires_reason(action: DemandAction) -> bool {
    matches!(action, DemandAction::Reject | DemandAction::Close)
}

/// Whether a demand in this status is visible to the public.
pub fn is_public(status: DemandStatus) -> bool {
    matches!(
        status,
        DemandStatus::Published
            | DemandStatus::InCall
            | DemandStatus::Matched
            | DemandStatus::Resolved
    )
}

/// Who should own the intellectual property of the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IpPreference {
    /// 需求方所有
    BuyerOwns,
    /// 双方共有
    Shared,
    /// 成果方所有、许可使用
    SellerOwnsLicense,
    /// 面议
    Negotiable,
}

impl IpPreference {
    /// Every option, in display order.
    pub const ALL: &[Self] = &[
        Self::BuyerOwns,
        Self::Shared,
        Self::SellerOwnsLicense,
        Self::Negotiable,
    ];

    /// Stable identifier, identical to the serde form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::BuyerOwns => "buyer_owns",
            Self::Shared => "shared",
            Self::SellerOwnsLicense => "seller_owns_license",
            Self::Negotiable => "negotiable",
        }
    }

    /// Inverse of [`IpPreference::as_str`]; exact match only.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// Chinese display name.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::BuyerOwns => "需求方所有",
            Self::Shared => "双方共有",
            Self::SellerOwnsLicense => "成果方所有、许可使用",
            Self::Negotiable => "面议",
        }
    }

    /// English display name.
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::BuyerOwns => "Owned by the demand side",
            Self::Shared => "Jointly owned",
            Self::SellerOwnsLicense => "Owned by the provider, licensed for use",
            Self::Negotiable => "Negotiable",
        }
    }
}

/// Technology readiness level (技术就绪度), 1..=9.
///
/// Serialized as a bare integer; deserialization validates the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "u8", into = "u8")]
pub struct Trl(u8);

/// A readiness level outside 1..=9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TrlError {
    /// The given value is not between 1 and 9.
    #[error("Technology readiness level must be between 1 and 9, got {value}")]
    OutOfRange { value: u8 },
}

impl TrlError {
    /// User-facing Chinese message.
    pub fn message_zh(&self) -> String {
        match self {
            Self::OutOfRange { value } => format!("技术就绪度应为 1 至 9 级，实际为 {value}"),
        }
    }

    /// User-facing English message (same text as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl Trl {
    /// All nine levels, ascending.
    pub const ALL: &[Self] = &[
        Self(1),
        Self(2),
        Self(3),
        Self(4),
        Self(5),
        Self(6),
        Self(7),
        Self(8),
        Self(9),
    ];

    /// Validates a level.
    pub fn new(level: u8) -> Result<Self, TrlError> {
        if (1..=9).contains(&level) {
            Ok(Self(level))
        } else {
            Err(TrlError::OutOfRange { value: level })
        }
    }

    /// The level number, 1..=9.
    pub fn level(&self) -> u8 {
        self.0
    }

    /// Short Chinese description of the level.
    pub fn label_zh(&self) -> &'static str {
        match self.0 {
            1 => "基本原理被发现",
            2 => "形成技术概念或应用设想",
            3 => "关键功能通过原理验证",
            4 => "部件在实验室环境中验证",
            5 => "部件在相关环境中验证",
            6 => "原型在相关环境中演示",
            7 => "原型在实际环境中演示",
            8 => "实际系统完成并通过试验验证",
            _ => "实际系统通过使用验证",
        }
    }

    /// Short English description of the level.
    pub fn label_en(&self) -> &'static str {
        match self.0 {
            1 => "Basic principles observed",
            2 => "Technology concept formulated",
            3 => "Experimental proof of concept",
            4 => "Technology validated in lab",
            5 => "Technology validated in relevant environment",
            6 => "Prototype demonstrated in relevant environment",
            7 => "Prototype demonstrated in operational environment",
            8 => "System complete and qualified",
            _ => "Actual system proven in operational use",
        }
    }
}

impl TryFrom<u8> for Trl {
    type Error = TrlError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Trl> for u8 {
    fn from(trl: Trl) -> Self {
        trl.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, StrDeserializer, U8Deserializer};
    use std::collections::HashSet;

    use DemandAction as A;
    use DemandStatus as S;

    /// The complete list of legal moves; every other pair must fail.
    const LEGAL: &[(DemandStatus, DemandAction, DemandStatus)] = &[
        (S::Draft, A::Submit, S::Submitted),
        (S::Submitted, A::Approve, S::Published),
        (S::Submitted, A::Reject, S::Rejected),
        (S::Submitted, A::Withdraw, S::Draft),
        (S::Rejected, A::Reopen, S::Draft),
        (S::Published, A::MarkInCall, S::InCall),
        (S::Published, A::MarkMatched, S::Matched),
        (S::InCall, A::Resolve, S::Resolved),
        (S::Matched, A::Resolve, S::Resolved),
        (S::Published, A::Close, S::Closed),
        (S::InCall, A::Close, S::Closed),
        (S::Matched, A::Close, S::Closed),
        (S::Published, A::Expire, S::Expired),
    ];

    #[test]
    fn every_status_action_pair() {
        let mut legal_seen = 0;
        for &from in DemandStatus::ALL {
            for &action in DemandAction::ALL {
                let expected = LEGAL
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|&(_, _, to)| to);
                match expected {
                    Some(to) => {
                        assert_eq!(transition(from, action), Ok(to), "{from:?} {action:?}");
                        legal_seen += 1;
                    }
                    None => assert_eq!(
                        transition(from, action),
                        Err(TransitionError { from, action }),
                        "{from:?} {action:?}"
                    ),
                }
            }
        }
        assert_eq!(legal_seen, LEGAL.len());
        assert_eq!(DemandStatus::ALL.len() * DemandAction::ALL.len(), 90);
    }

    #[test]
    fn terminal_statuses_allow_nothing() {
        for &from in &[S::Resolved, S::Closed, S::Expired] {
            for &action in DemandAction::ALL {
                assert!(transition(from, action).is_err());
            }
        }
    }

    #[test]
    fn transition_error_messages() {
        let err = TransitionError {
            from: S::Published,
            action: A::Submit,
        };
        assert_eq!(err.message_zh(), "当前状态“已发布”不能执行“提交”");
        assert_eq!(
            err.message_en(),
            "Cannot \"Submit\" while the status is \"Published\""
        );
    }

    #[test]
    fn status_strings_labels_and_colors() {
        let expected = [
            ("draft", "草稿", "grey"),
            ("submitted", "待审核", "gold"),
            ("published", "已发布", "green"),
            ("rejected", "已驳回", "red"),
            ("in_call", "已入榜", "blue"),
            ("matched", "已对接", "blue"),
            ("resolved", "已解决", "green"),
            ("closed", "已关闭", "grey"),
            ("expired", "已过期", "grey"),
        ];
        assert_eq!(DemandStatus::ALL.len(), expected.len());
        for (&status, (s, zh, color)) in DemandStatus::ALL.iter().zip(expected) {
            assert_eq!(status.as_str(), s);
            assert_eq!(DemandStatus::parse(s), Some(status));
            assert_eq!(status.label_zh(), zh);
            assert_eq!(status.tag_color(), color);
            assert!(!status.label_en().is_empty());
            let de = StrDeserializer::<DeError>::new(s);
            assert_eq!(DemandStatus::deserialize(de), Ok(status));
        }
        assert_eq!(DemandStatus::parse("Draft"), None);
    }

    #[test]
    fn action_strings_round_trip() {
        let names: HashSet<_> = DemandAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), DemandAction::ALL.len());
        for &action in DemandAction::ALL {
            assert_eq!(DemandAction::parse(action.as_str()), Some(action));
            let de = StrDeserializer::<DeError>::new(action.as_str());
            assert_eq!(DemandAction::deserialize(de), Ok(action));
            assert!(!action.label_zh().is_empty());
            assert!(!action.label_en().is_empty());
        }
    }

    #[test]
    fn editable_reason_and_public() {
        for &status in DemandStatus::ALL {
            assert_eq!(is_editable(status), status == S::Draft, "{status:?}");
        }
        for &action in DemandAction::ALL {
            assert_eq!(
                requires_reason(action),
                action == A::Reject || action == A::Close,
                "{action:?}"
            );
        }
        let public = [S::Published, S::InCall, S::Matched, S::Resolved];
        for &status in DemandStatus::ALL {
            assert_eq!(is_public(status), public.contains(&status), "{status:?}");
        }
    }

    #[test]
    fn ip_preference_strings_and_labels() {
        let expected = [
            ("buyer_owns", "需求方所有"),
            ("shared", "双方共有"),
            ("seller_owns_license", "成果方所有、许可使用"),
            ("negotiable", "面议"),
        ];
        assert_eq!(IpPreference::ALL.len(), expected.len());
        for (&pref, (s, zh)) in IpPreference::ALL.iter().zip(expected) {
            assert_eq!(pref.as_str(), s);
            assert_eq!(IpPreference::parse(s), Some(pref));
            assert_eq!(pref.label_zh(), zh);
            assert!(!pref.label_en().is_empty());
            let de = StrDeserializer::<DeError>::new(s);
            assert_eq!(IpPreference::deserialize(de), Ok(pref));
        }
    }

    #[test]
    fn trl_range() {
        assert_eq!(Trl::new(0), Err(TrlError::OutOfRange { value: 0 }));
        assert_eq!(Trl::new(10), Err(TrlError::OutOfRange { value: 10 }));
        assert_eq!(Trl::new(255), Err(TrlError::OutOfRange { value: 255 }));
        for level in 1..=9 {
            let trl = Trl::new(level).expect("in range");
            assert_eq!(trl.level(), level);
            assert_eq!(u8::from(trl), level);
        }
        assert_eq!(Trl::ALL.len(), 9);
        assert!(Trl::ALL.iter().zip(1..).all(|(t, l)| t.level() == l));
    }

    #[test]
    fn trl_labels_are_distinct() {
        let zh: HashSet<_> = Trl::ALL.iter().map(Trl::label_zh).collect();
        let en: HashSet<_> = Trl::ALL.iter().map(Trl::label_en).collect();
        assert_eq!(zh.len(), 9);
        assert_eq!(en.len(), 9);
        assert_eq!(Trl::ALL[0].label_zh(), "基本原理被发现");
        assert_eq!(Trl::ALL[8].label_zh(), "实际系统通过使用验证");
    }

    #[test]
    fn trl_deserialization_validates() {
        let de = U8Deserializer::<DeError>::new(7u8);
        assert_eq!(Trl::deserialize(de), Ok(Trl(7)));
        let de = U8Deserializer::<DeError>::new(0u8);
        assert!(Trl::deserialize(de).is_err());
        let de = U8Deserializer::<DeError>::new(10u8);
        assert!(Trl::deserialize(de).is_err());
        assert!(!TrlError::OutOfRange { value: 0 }.message_zh().is_empty());
    }
}
