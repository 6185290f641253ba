//! Expert opinions on a call's implementation (揭榜挂帅 part 2): reviewers assigned to a
//! milestone, to the final acceptance (验收) or to a 赛马制 mid-term review give an opinion that
//! the officials decide with. The same recusal rules as the review of bids apply
//! (`review::conflicts`).
use serde::{Deserialize, Serialize};

/// A reviewer's conclusion on a submitted milestone or final report. The mid-term review asks
/// for a written opinion only: the officials decide each team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Opinion {
    /// 同意通过.
    Pass,
    /// 修改后通过: the deliverables need changes first.
    Revise,
    /// 不同意通过.
    Fail,
}

impl Opinion {
    pub const ALL: [Opinion; 3] = [Opinion::Pass, Opinion::Revise, Opinion::Fail];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Revise => "revise",
            Self::Fail => "fail",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pass => "同意通过",
            Self::Revise => "修改后通过",
            Self::Fail => "不同意通过",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Pass => "Pass",
            Self::Revise => "Pass after changes",
            Self::Fail => "Do not pass",
        }
    }
    pub fn tag_color(self) -> &'static str {
        match self {
            Self::Pass => "green",
            Self::Revise => "gold",
            Self::Fail => "red",
        }
    }
}

/// Fewest characters of a reviewer's written opinion.
pub const MIN_COMMENT: usize = 10;

/// Whether an opinion given against the submission of `answered` still speaks of the
/// milestone's latest submission (`submitted`): a resubmission asks every reviewer again.
/// A mid-term opinion answers no submission (both `None`) and always counts.
pub fn is_current(
    answered: Option<chrono::DateTime<chrono::Utc>>,
    submitted: Option<chrono::DateTime<chrono::Utc>>,
) -> bool {
    answered.is_some() && answered == submitted
}

/// How many reviewers must have given a current opinion before an official decides: the final
/// acceptance is decided "with reviewers", a milestone and the mid-term optionally.
pub fn opinions_needed(final_acceptance: bool) -> usize {
    usize::from(final_acceptance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn opinions_parse_back_and_are_labelled() {
        for o in Opinion::ALL {
            assert_eq!(Opinion::parse(o.as_str()), Some(o));
            assert!(!o.label_zh().is_empty() && !o.label_en().is_empty());
        }
        assert_eq!(Opinion::parse("PASS"), None);
        assert_eq!(Opinion::parse(""), None);
    }

    #[test]
    fn a_resubmission_makes_earlier_opinions_stale() {
        let first = Utc.with_ymd_and_hms(2026, 5, 1, 2, 0, 0).unwrap();
        let second = Utc.with_ymd_and_hms(2026, 5, 9, 2, 0, 0).unwrap();
        assert!(is_current(Some(first), Some(first)));
        assert!(!is_current(Some(first), Some(second)));
        assert!(!is_current(None, Some(first)));
        assert!(!is_current(None, None));
    }

    #[test]
    fn only_the_final_acceptance_needs_an_opinion() {
        assert_eq!(opinions_needed(true), 1);
        assert_eq!(opinions_needed(false), 0);
    }
}
