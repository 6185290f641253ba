//! Expert review of a call's qualified bids (专家评审): one assignment per (bid, reviewer), its
//! lifecycle, and the weighted ranking officials read.
//!
//! assigned → accepted (the reviewer declares no conflict of interest) → submitted (scores per
//! criterion, each with a comment); assigned → recused (the reviewer declares a conflict);
//! assigned or accepted → revoked (an official takes the assignment back).
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Assigned,
    Accepted,
    Submitted,
    Recused,
    Revoked,
}

impl ReviewStatus {
    pub const ALL: &'static [Self] = &[
        Self::Assigned,
        Self::Accepted,
        Self::Submitted,
        Self::Recused,
        Self::Revoked,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assigned => "assigned",
            Self::Accepted => "accepted",
            Self::Submitted => "submitted",
            Self::Recused => "recused",
            Self::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Assigned => "待确认回避",
            Self::Accepted => "评审中",
            Self::Submitted => "已提交评分",
            Self::Recused => "已回避",
            Self::Revoked => "已撤销",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Assigned => "Awaiting conflict declaration",
            Self::Accepted => "Reviewing",
            Self::Submitted => "Scores submitted",
            Self::Recused => "Recused",
            Self::Revoked => "Revoked",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::Assigned => "gold",
            Self::Accepted => "blue",
            Self::Submitted => "green",
            Self::Recused | Self::Revoked => "grey",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    DeclareNoConflict,
    DeclareConflict,
    Submit,
    Revoke,
}

impl ReviewAction {
    pub const ALL: &'static [Self] = &[
        Self::DeclareNoConflict,
        Self::DeclareConflict,
        Self::Submit,
        Self::Revoke,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeclareNoConflict => "declare_no_conflict",
            Self::DeclareConflict => "declare_conflict",
            Self::Submit => "submit",
            Self::Revoke => "revoke",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::DeclareNoConflict => "声明无利益冲突",
            Self::DeclareConflict => "声明回避",
            Self::Submit => "提交评分",
            Self::Revoke => "撤销评审任务",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::DeclareNoConflict => "Declare no conflict of interest",
            Self::DeclareConflict => "Declare a conflict and recuse",
            Self::Submit => "Submit scores",
            Self::Revoke => "Revoke the assignment",
        }
    }
}

pub type ReviewTransitionError = super::lifecycle::TransitionError<ReviewStatus, ReviewAction>;

crate::status_labelled!(ReviewStatus);
crate::labelled!(ReviewAction);

pub struct ReviewLifecycle;

impl super::lifecycle::Lifecycle for ReviewLifecycle {
    type Status = ReviewStatus;
    type Action = ReviewAction;
    const ENTITY: &'static str = "review";
    const NOUN_ZH: &'static str = "评审任务";
    const NOUN_EN: &'static str = "review";
    fn transition(
        from: ReviewStatus,
        action: ReviewAction,
    ) -> Result<ReviewStatus, ReviewTransitionError> {
        transition(from, action)
    }
    fn requires_reason(action: ReviewAction) -> bool {
        matches!(action, ReviewAction::DeclareConflict | ReviewAction::Revoke)
    }
    fn is_public(_: ReviewStatus) -> bool {
        false
    }
    fn publishes(_: ReviewStatus) -> bool {
        false
    }
    fn is_editable(status: ReviewStatus) -> bool {
        status == ReviewStatus::Accepted
    }
}

pub fn transition(
    from: ReviewStatus,
    action: ReviewAction,
) -> Result<ReviewStatus, ReviewTransitionError> {
    use ReviewAction as A;
    use ReviewStatus as S;
    Ok(match (from, action) {
        (S::Assigned, A::DeclareNoConflict) => S::Accepted,
        (S::Assigned, A::DeclareConflict) => S::Recused,
        (S::Accepted, A::Submit) => S::Submitted,
        (S::Assigned | S::Accepted, A::Revoke) => S::Revoked,
        _ => return Err(ReviewTransitionError { from, action }),
    })
}

/// Why a reviewer may not review a bid unless an official overrides with a recorded reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Conflict {
    /// The reviewer belongs to the bidding organization.
    SameOrganization,
    /// The reviewer is on the bidding team.
    OnTeam,
}

impl Conflict {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::SameOrganization => "与揭榜单位同属一个单位",
            Self::OnTeam => "是揭榜团队成员",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::SameOrganization => "works for the bidding organization",
            Self::OnTeam => "is on the bidding team",
        }
    }
}

/// Why `expert` (of `expert_org`) may not review the work of a team of `team_org` led by
/// `lead` with `members`: the rule of part 1's bids, applied again at every implementation
/// stage.
pub fn conflicts(
    expert: uuid::Uuid,
    expert_org: Option<uuid::Uuid>,
    team_org: uuid::Uuid,
    lead: uuid::Uuid,
    members: &[uuid::Uuid],
) -> Vec<Conflict> {
    let mut c = vec![];
    if expert_org == Some(team_org) {
        c.push(Conflict::SameOrganization);
    }
    if lead == expert || members.contains(&expert) {
        c.push(Conflict::OnTeam);
    }
    c
}

/// One reviewer's weighted total for one bid, in hundredths of a point out of 100:
/// Σ score_i / scale × weight_i. `scores` are in criterion order.
pub fn weighted_total(scores: &[u32], weights: &[u32], scale: u32) -> i64 {
    if scale == 0 {
        return 0;
    }
    let raw: i64 = scores
        .iter()
        .zip(weights)
        .map(|(s, w)| i64::from(*s) * i64::from(*w) * 100)
        .sum();
    // Rounded half up to the nearest hundredth.
    (raw * 2 + i64::from(scale)) / (2 * i64::from(scale))
}

/// How far (in hundredths) a reviewer's total may sit from the median of the others before it
/// is flagged as an outlier: 15 points out of 100.
pub const OUTLIER_HUNDREDTHS: i64 = 1500;

/// One bid's place in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Ranked {
    /// Index of the bid in the input.
    pub index: usize,
    /// 1 for the best; tied bids share a rank (1, 1, 3, …).
    pub rank: usize,
    pub tied: bool,
    /// Mean of the reviewers' totals, hundredths; `None` without a submitted review.
    pub mean: Option<i64>,
    /// Highest minus lowest reviewer total, hundredths.
    pub spread: i64,
    /// Positions (into that bid's totals) of the reviewers whose total is far from the others'.
    pub outliers: Vec<usize>,
}

fn median(v: &mut [i64]) -> i64 {
    v.sort_unstable();
    let n = v.len();
    if n == 0 {
        0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

/// Ranks bids by the mean of their reviewers' totals (each bid's list of totals, hundredths).
/// Bids without any review come last, unranked among themselves by input order. Ties (equal
/// means to the hundredth) share a rank.
pub fn rank(totals: &[Vec<i64>]) -> Vec<Ranked> {
    let mut rows: Vec<Ranked> = totals
        .iter()
        .enumerate()
        .map(|(index, t)| {
            let mean = (!t.is_empty()).then(|| {
                let n = t.len() as i64;
                let sum: i64 = t.iter().sum();
                (sum * 2 + n) / (2 * n)
            });
            let spread = t.iter().max().unwrap_or(&0) - t.iter().min().unwrap_or(&0);
            let outliers = if t.len() >= 3 {
                (0..t.len())
                    .filter(|&i| {
                        let mut others: Vec<i64> = t
                            .iter()
                            .enumerate()
                            .filter(|(j, _)| *j != i)
                            .map(|(_, v)| *v)
                            .collect();
                        (t[i] - median(&mut others)).abs() > OUTLIER_HUNDREDTHS
                    })
                    .collect()
            } else {
                vec![]
            };
            Ranked {
                index,
                rank: 0,
                tied: false,
                mean,
                spread,
                outliers,
            }
        })
        .collect();
    rows.sort_by(|a, b| match (a.mean, b.mean) {
        (Some(x), Some(y)) => y.cmp(&x).then(a.index.cmp(&b.index)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.index.cmp(&b.index),
    });
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].mean.is_some() && rows[i].mean == rows[i - 1].mean {
            rows[i - 1].rank
        } else {
            i + 1
        };
    }
    for i in 0..rows.len() {
        let same = |j: usize| rows[j].mean.is_some() && rows[j].mean == rows[i].mean;
        rows[i].tied = (i > 0 && same(i - 1)) || (i + 1 < rows.len() && same(i + 1));
    }
    rows
}

/// The band an unsuccessful team is told: its place among `n` ranked bids by quarter, without
/// naming the others.
pub fn band(rank: usize, n: usize) -> (&'static str, &'static str) {
    if n == 0 {
        return ("未排名", "Not ranked");
    }
    let q = (rank.saturating_sub(1) * 4) / n;
    match q {
        0 => ("前 25%", "Top 25%"),
        1 => ("前 25%–50%", "25%–50%"),
        2 => ("前 50%–75%", "50%–75%"),
        _ => ("后 25%", "Bottom 25%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewAction as A;
    use ReviewStatus as S;

    #[test]
    fn conflicts_name_the_organization_and_the_team() {
        let (e, org, other, lead) = (
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
        );
        assert!(conflicts(e, Some(other), org, lead, &[]).is_empty());
        assert!(conflicts(e, None, org, lead, &[]).is_empty());
        assert_eq!(
            conflicts(e, Some(org), org, lead, &[]),
            vec![Conflict::SameOrganization]
        );
        assert_eq!(conflicts(e, None, org, e, &[]), vec![Conflict::OnTeam]);
        assert_eq!(
            conflicts(e, Some(org), org, lead, &[e]),
            vec![Conflict::SameOrganization, Conflict::OnTeam]
        );
    }

    const LEGAL: &[(ReviewStatus, ReviewAction, ReviewStatus)] = &[
        (S::Assigned, A::DeclareNoConflict, S::Accepted),
        (S::Assigned, A::DeclareConflict, S::Recused),
        (S::Accepted, A::Submit, S::Submitted),
        (S::Assigned, A::Revoke, S::Revoked),
        (S::Accepted, A::Revoke, S::Revoked),
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
                        Err(ReviewTransitionError { from, action })
                    ),
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
    }

    #[test]
    fn scores_cannot_be_submitted_before_declaring_no_conflict() {
        assert!(transition(S::Assigned, A::Submit).is_err());
        assert!(transition(S::Submitted, A::Submit).is_err());
    }

    #[test]
    fn weighted_totals_are_exact_hundredths() {
        // 80/100·50 + 60/100·30 + 100/100·20 = 40 + 18 + 20 = 78.00
        assert_eq!(weighted_total(&[80, 60, 100], &[50, 30, 20], 100), 7800);
        // 7/10·100 = 70.00; 2/3 of 100 rounds to 66.67.
        assert_eq!(weighted_total(&[7], &[100], 10), 7000);
        assert_eq!(weighted_total(&[2], &[100], 3), 6667);
        assert_eq!(weighted_total(&[10, 10], &[40, 60], 10), 10000);
    }

    #[test]
    fn ranking_shows_ties_as_ties_and_puts_unreviewed_bids_last() {
        let r = rank(&[vec![7000, 7200], vec![8000], vec![], vec![7100, 7100]]);
        let order: Vec<(usize, usize, bool)> =
            r.iter().map(|x| (x.index, x.rank, x.tied)).collect();
        assert_eq!(
            order,
            vec![(1, 1, false), (0, 2, true), (3, 2, true), (2, 4, false)]
        );
        assert_eq!(r[1].mean, Some(7100));
        assert_eq!(r[1].spread, 200);
        assert_eq!(r[3].mean, None);
    }

    #[test]
    fn a_score_far_from_the_others_is_an_outlier() {
        let r = rank(&[vec![8000, 8200, 7900, 4000]]);
        assert_eq!(r[0].outliers, vec![3]);
        assert_eq!(r[0].spread, 4200);
        // Two reviewers: nothing to compare against.
        assert!(rank(&[vec![9000, 3000]])[0].outliers.is_empty());
    }

    #[test]
    fn bands_are_quarters() {
        assert_eq!(band(1, 8).0, "前 25%");
        assert_eq!(band(3, 8).0, "前 25%–50%");
        assert_eq!(band(8, 8).0, "后 25%");
        assert_eq!(band(2, 2).0, "前 50%–75%");
    }
}
