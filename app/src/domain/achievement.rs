//! Technology achievement (科技成果) lifecycle and transfer modes.
//!
//! draft → submitted → published | rejected → (reopen) draft; published → transferred | withdrawn.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AchievementStatus {
    Draft,
    Submitted,
    Published,
    Rejected,
    Transferred,
    Withdrawn,
}

impl AchievementStatus {
    pub const ALL: &'static [Self] = &[
        Self::Draft,
        Self::Submitted,
        Self::Published,
        Self::Rejected,
        Self::Transferred,
        Self::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Published => "published",
            Self::Rejected => "rejected",
            Self::Transferred => "transferred",
            Self::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "待审核",
            Self::Published => "已发布",
            Self::Rejected => "已驳回",
            Self::Transferred => "已转化",
            Self::Withdrawn => "已撤回",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Awaiting review",
            Self::Published => "Published",
            Self::Rejected => "Rejected",
            Self::Transferred => "Transferred",
            Self::Withdrawn => "Withdrawn",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::Draft | Self::Withdrawn => "grey",
            Self::Submitted => "gold",
            Self::Published | Self::Transferred => "green",
            Self::Rejected => "red",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AchievementAction {
    Submit,
    Approve,
    Reject,
    Reopen,
    Withdraw,
    MarkTransferred,
}

impl AchievementAction {
    pub const ALL: &'static [Self] = &[
        Self::Submit,
        Self::Approve,
        Self::Reject,
        Self::Reopen,
        Self::Withdraw,
        Self::MarkTransferred,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Reopen => "reopen",
            Self::Withdraw => "withdraw",
            Self::MarkTransferred => "mark_transferred",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submit => "提交",
            Self::Approve => "审核通过",
            Self::Reject => "驳回",
            Self::Reopen => "重新编辑",
            Self::Withdraw => "撤回",
            Self::MarkTransferred => "标记已转化",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Submit => "Submit",
            Self::Approve => "Approve",
            Self::Reject => "Reject",
            Self::Reopen => "Reopen",
            Self::Withdraw => "Withdraw",
            Self::MarkTransferred => "Mark transferred",
        }
    }
}

/// An action that is not allowed in the achievement's current status.
pub type AchievementTransitionError =
    super::lifecycle::TransitionError<AchievementStatus, AchievementAction>;

crate::status_labelled!(AchievementStatus);
crate::labelled!(AchievementAction);

/// Achievements in the shared reviewed-record lifecycle.
pub struct AchievementLifecycle;

impl super::lifecycle::Lifecycle for AchievementLifecycle {
    type Status = AchievementStatus;
    type Action = AchievementAction;
    const ENTITY: &'static str = "achievement";
    const NOUN_ZH: &'static str = "成果";
    const NOUN_EN: &'static str = "achievement";
    fn transition(
        from: AchievementStatus,
        action: AchievementAction,
    ) -> Result<AchievementStatus, AchievementTransitionError> {
        transition(from, action)
    }
    fn requires_reason(action: AchievementAction) -> bool {
        requires_reason(action)
    }
    fn is_public(status: AchievementStatus) -> bool {
        is_public(status)
    }
    fn publishes(status: AchievementStatus) -> bool {
        status == AchievementStatus::Published
    }
    fn is_editable(status: AchievementStatus) -> bool {
        is_editable(status)
    }
}

pub fn transition(
    from: AchievementStatus,
    action: AchievementAction,
) -> Result<AchievementStatus, AchievementTransitionError> {
    use AchievementAction as A;
    use AchievementStatus as S;
    Ok(match (from, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Submitted, A::Approve) => S::Published,
        (S::Submitted, A::Reject) => S::Rejected,
        (S::Rejected, A::Reopen) => S::Draft,
        // The owner may pull back an achievement at any point before it is transferred.
        (S::Draft | S::Submitted | S::Published, A::Withdraw) => S::Withdrawn,
        (S::Published, A::MarkTransferred) => S::Transferred,
        _ => return Err(AchievementTransitionError { from, action }),
    })
}

pub fn is_editable(s: AchievementStatus) -> bool {
    s == AchievementStatus::Draft
}

/// Visible to the public (and so to search).
pub fn is_public(s: AchievementStatus) -> bool {
    matches!(
        s,
        AchievementStatus::Published | AchievementStatus::Transferred
    )
}

pub fn requires_reason(a: AchievementAction) -> bool {
    matches!(a, AchievementAction::Reject | AchievementAction::Withdraw)
}

/// How an achievement may change hands (促进科技成果转化法 第十六条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferMode {
    Transfer,
    License,
    Equity,
    JointDevelopment,
}

impl TransferMode {
    pub const ALL: &'static [Self] = &[
        Self::Transfer,
        Self::License,
        Self::Equity,
        Self::JointDevelopment,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transfer => "transfer",
            Self::License => "license",
            Self::Equity => "equity",
            Self::JointDevelopment => "joint_development",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Transfer => "转让",
            Self::License => "许可",
            Self::Equity => "作价入股",
            Self::JointDevelopment => "合作开发",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Transfer => "Transfer",
            Self::License => "Licence",
            Self::Equity => "Equity",
            Self::JointDevelopment => "Joint development",
        }
    }
}

/// Chinese patent numbers as people write them: CN + 9 or 12 digits (+ check digit and an
/// optional kind code), or the application form ZL2020 1 0123456.7. Separators are dropped.
pub fn parse_patent(s: &str) -> Option<String> {
    let cleaned: String = crate::domain::text::fullwidth_to_ascii(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let body = cleaned
        .strip_prefix("CN")
        .or_else(|| cleaned.strip_prefix("ZL"))?;
    let digits: String = body
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == 'X')
        .collect();
    let rest = &body[digits.len()..];
    let kind_ok = rest.is_empty()
        || (rest.len() <= 2
            && rest.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && rest.chars().skip(1).all(|c| c.is_ascii_digit()));
    if (9..=13).contains(&digits.len()) && kind_ok {
        Some(format!("CN{digits}{rest}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_action_pair() {
        use AchievementAction as A;
        use AchievementStatus as S;
        let legal = [
            (S::Draft, A::Submit, S::Submitted),
            (S::Submitted, A::Approve, S::Published),
            (S::Submitted, A::Reject, S::Rejected),
            (S::Rejected, A::Reopen, S::Draft),
            (S::Draft, A::Withdraw, S::Withdrawn),
            (S::Submitted, A::Withdraw, S::Withdrawn),
            (S::Published, A::Withdraw, S::Withdrawn),
            (S::Published, A::MarkTransferred, S::Transferred),
        ];
        for &from in S::ALL {
            for &action in A::ALL {
                let want = legal
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|l| l.2);
                match (transition(from, action), want) {
                    (Ok(to), Some(w)) => assert_eq!(to, w),
                    (Err(e), None) => {
                        assert_eq!((e.from, e.action), (from, action));
                        assert!(e.message_zh().contains(from.label_zh()));
                    }
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn only_published_and_transferred_are_public() {
        let public: Vec<_> = AchievementStatus::ALL
            .iter()
            .copied()
            .filter(|s| is_public(*s))
            .collect();
        assert_eq!(
            public,
            vec![AchievementStatus::Published, AchievementStatus::Transferred]
        );
    }

    #[test]
    fn patent_numbers() {
        assert_eq!(
            parse_patent("CN 112345678 B").as_deref(),
            Some("CN112345678B")
        );
        assert_eq!(
            parse_patent("ZL2020 1 0123456.7").as_deref(),
            Some("CN2020101234567")
        );
        assert_eq!(
            parse_patent("cn114000001a").as_deref(),
            Some("CN114000001A")
        );
        assert_eq!(parse_patent("US1234567"), None);
        assert_eq!(parse_patent("CN12"), None);
        assert_eq!(parse_patent("<script>"), None);
    }
}
