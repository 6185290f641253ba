//! Bids (揭榜申报) on an open call: their lifecycle and the receipt that commits to what was
//! submitted.
//!
//! draft → submitted (a receipt is issued) → revised back to draft and submitted again (a new
//! receipt), or withdrawn, all only while the call's window is open. After the window closes
//! officials mark each submitted bid qualified or disqualified (形式审查), and after review the
//! winners are awarded and the others not.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BidStatus {
    Draft,
    Submitted,
    Withdrawn,
    Qualified,
    Disqualified,
    Awarded,
    NotAwarded,
}

impl BidStatus {
    pub const ALL: &'static [Self] = &[
        Self::Draft,
        Self::Submitted,
        Self::Withdrawn,
        Self::Qualified,
        Self::Disqualified,
        Self::Awarded,
        Self::NotAwarded,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
            Self::Qualified => "qualified",
            Self::Disqualified => "disqualified",
            Self::Awarded => "awarded",
            Self::NotAwarded => "not_awarded",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已提交",
            Self::Withdrawn => "已撤回",
            Self::Qualified => "形式审查通过",
            Self::Disqualified => "形式审查未通过",
            Self::Awarded => "中榜",
            Self::NotAwarded => "未中榜",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Submitted",
            Self::Withdrawn => "Withdrawn",
            Self::Qualified => "Eligible",
            Self::Disqualified => "Not eligible",
            Self::Awarded => "Awarded",
            Self::NotAwarded => "Not awarded",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::Draft | Self::Withdrawn => "grey",
            Self::Submitted => "gold",
            Self::Qualified | Self::Awarded => "green",
            Self::Disqualified => "red",
            Self::NotAwarded => "blue",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BidAction {
    Submit,
    /// Takes a submitted bid back to draft to change it (it must be submitted again).
    Revise,
    Withdraw,
    Qualify,
    /// Needs a reason, which the team reads.
    Disqualify,
    Award,
    NotAward,
}

impl BidAction {
    pub const ALL: &'static [Self] = &[
        Self::Submit,
        Self::Revise,
        Self::Withdraw,
        Self::Qualify,
        Self::Disqualify,
        Self::Award,
        Self::NotAward,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Revise => "revise",
            Self::Withdraw => "withdraw",
            Self::Qualify => "qualify",
            Self::Disqualify => "disqualify",
            Self::Award => "award",
            Self::NotAward => "not_award",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submit => "提交揭榜",
            Self::Revise => "撤回修改",
            Self::Withdraw => "放弃揭榜",
            Self::Qualify => "形式审查通过",
            Self::Disqualify => "形式审查不通过",
            Self::Award => "中榜",
            Self::NotAward => "未中榜",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Submit => "Submit the bid",
            Self::Revise => "Take back to revise",
            Self::Withdraw => "Withdraw the bid",
            Self::Qualify => "Mark eligible",
            Self::Disqualify => "Mark not eligible",
            Self::Award => "Award",
            Self::NotAward => "Not awarded",
        }
    }
}

pub type BidTransitionError = super::lifecycle::TransitionError<BidStatus, BidAction>;

crate::status_labelled!(BidStatus);
crate::labelled!(BidAction);

pub struct BidLifecycle;

impl super::lifecycle::Lifecycle for BidLifecycle {
    type Status = BidStatus;
    type Action = BidAction;
    const ENTITY: &'static str = "bid";
    const NOUN_ZH: &'static str = "揭榜申报";
    const NOUN_EN: &'static str = "bid";
    fn transition(from: BidStatus, action: BidAction) -> Result<BidStatus, BidTransitionError> {
        transition(from, action)
    }
    fn requires_reason(action: BidAction) -> bool {
        action == BidAction::Disqualify
    }
    /// Bids are sealed: never public, never in search.
    fn is_public(_: BidStatus) -> bool {
        false
    }
    fn publishes(_: BidStatus) -> bool {
        false
    }
    fn is_editable(status: BidStatus) -> bool {
        status == BidStatus::Draft
    }
}

pub fn transition(from: BidStatus, action: BidAction) -> Result<BidStatus, BidTransitionError> {
    use BidAction as A;
    use BidStatus as S;
    Ok(match (from, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Submitted, A::Revise) => S::Draft,
        (S::Draft | S::Submitted, A::Withdraw) => S::Withdrawn,
        (S::Submitted, A::Qualify) => S::Qualified,
        (S::Submitted, A::Disqualify) => S::Disqualified,
        (S::Qualified, A::Award) => S::Awarded,
        (S::Qualified, A::NotAward) => S::NotAwarded,
        _ => return Err(BidTransitionError { from, action }),
    })
}

/// Whether the team may still change this bid's state itself (only inside the window; the
/// service checks the window with the server clock).
pub fn is_team_action(action: BidAction) -> bool {
    matches!(
        action,
        BidAction::Submit | BidAction::Revise | BidAction::Withdraw
    )
}

/// One milestone of a bid's plan, answering one milestone of the call's template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlannedMilestone {
    /// Position in the call's template, from 0.
    pub index: u32,
    pub plan: String,
}

/// An attachment as the receipt commits to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentDigest {
    pub sha256: String,
    pub name: String,
    pub size: u64,
}

/// Everything a submitted bid says, in the fixed order the receipt serializes it. The receipt is
/// the SHA-256 of [`BidCommitment::canonical`]; anyone holding the receipt can have the opened
/// bid serialized again and compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BidCommitment {
    /// Version of this serialization, so a later change of format can still verify old receipts.
    pub v: u32,
    pub call_id: String,
    pub bid_id: String,
    pub org_id: String,
    /// The server's time of the submission, RFC 3339 in UTC with microseconds.
    pub submitted_at: String,
    pub title: String,
    pub proposal: String,
    pub budget_fen: i64,
    pub timeline: String,
    pub milestones: Vec<PlannedMilestone>,
    /// Team members' user ids, sorted.
    pub members: Vec<String>,
    /// Sorted by hash, then name.
    pub attachments: Vec<AttachmentDigest>,
}

impl BidCommitment {
    /// The canonical bytes: compact JSON of the fields above, in declaration order, with the
    /// lists sorted. serde_json writes struct fields in order and escapes deterministically.
    pub fn canonical(&self) -> String {
        let mut c = self.clone();
        c.members.sort();
        c.attachments.sort();
        c.milestones.sort_by_key(|m| m.index);
        serde_json::to_string(&c).unwrap_or_default()
    }

    /// The receipt: SHA-256 of the canonical form, in lower-case hex.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BidAction as A;
    use BidStatus as S;

    const LEGAL: &[(BidStatus, BidAction, BidStatus)] = &[
        (S::Draft, A::Submit, S::Submitted),
        (S::Submitted, A::Revise, S::Draft),
        (S::Draft, A::Withdraw, S::Withdrawn),
        (S::Submitted, A::Withdraw, S::Withdrawn),
        (S::Submitted, A::Qualify, S::Qualified),
        (S::Submitted, A::Disqualify, S::Disqualified),
        (S::Qualified, A::Award, S::Awarded),
        (S::Qualified, A::NotAward, S::NotAwarded),
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
                    None => assert_eq!(
                        transition(from, action),
                        Err(BidTransitionError { from, action })
                    ),
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
    }

    #[test]
    fn a_withdrawn_or_decided_bid_cannot_be_submitted_again() {
        for s in [S::Withdrawn, S::Disqualified, S::Awarded, S::NotAwarded] {
            assert!(transition(s, A::Submit).is_err());
        }
    }

    fn commitment() -> BidCommitment {
        BidCommitment {
            v: 1,
            call_id: "c".into(),
            bid_id: "b".into(),
            org_id: "o".into(),
            submitted_at: "2026-12-01T08:00:00.000000Z".into(),
            title: "方案".into(),
            proposal: "技术路线\n\"引号\"".into(),
            budget_fen: 123,
            timeline: "12 个月".into(),
            milestones: vec![
                PlannedMilestone {
                    index: 1,
                    plan: "二".into(),
                },
                PlannedMilestone {
                    index: 0,
                    plan: "一".into(),
                },
            ],
            members: vec!["u2".into(), "u1".into()],
            attachments: vec![],
        }
    }

    #[test]
    fn the_canonical_form_ignores_list_order_and_changes_with_any_content() {
        let a = commitment();
        let mut b = commitment();
        b.members.reverse();
        b.milestones.reverse();
        assert_eq!(a.canonical(), b.canonical());
        let mut c = commitment();
        c.budget_fen += 1;
        assert_ne!(a.canonical(), c.canonical());
        let mut d = commitment();
        d.proposal.push(' ');
        assert_ne!(a.canonical(), d.canonical());
        assert!(a.canonical().starts_with("{\"v\":1,\"call_id\":\"c\""));
    }
}
