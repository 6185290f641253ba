//! What the state machines of reviewed records have in common: demands and achievements today,
//! calls, bids, milestones and contracts next. Each kind keeps its own table of legal moves in
//! its own file and describes itself here once; the services apply every status change through
//! one path (reason check → transition → audit event → store write with outbox → stale-version
//! conflict), and the pages show every status and history with one component.
use serde::{Deserialize, Serialize};

/// A status or an action: its stored identifier and its labels.
pub trait Labelled: Copy + Eq + std::fmt::Debug + Send + Sync + 'static {
    fn as_str(&self) -> &'static str;
    fn parse(code: &str) -> Option<Self>;
    fn label_zh(&self) -> &'static str;
    fn label_en(&self) -> &'static str;
}

/// A status, which the pages show as a coloured tag.
pub trait Status: Labelled {
    /// The tag colour: `grey`, `blue`, `green`, `orange`, `red`, …
    fn tag_color(&self) -> &'static str;
}

/// The labels of a stored identifier (`None` for one the type does not know), as the audit
/// history holds them.
pub fn labels_of<T: Labelled>(code: &str) -> Option<(&'static str, &'static str)> {
    T::parse(code).map(|t| (t.label_zh(), t.label_en()))
}

/// One kind of record that moves through a reviewed lifecycle.
pub trait Lifecycle: 'static {
    type Status: Status;
    type Action: Labelled;
    /// The audit log's and the search outbox's entity type, e.g. `"demand"`.
    const ENTITY: &'static str;
    /// What a record is called in messages, e.g. ("需求", "demand").
    const NOUN_ZH: &'static str;
    const NOUN_EN: &'static str;

    /// The status `action` leads to from `from`, or why it is not allowed.
    fn transition(
        from: Self::Status,
        action: Self::Action,
    ) -> Result<Self::Status, TransitionError<Self::Status, Self::Action>>;
    /// Whether the action must come with a written reason (shown to the owner).
    fn requires_reason(action: Self::Action) -> bool;
    /// Whether a record in this status is public (and so in search).
    fn is_public(status: Self::Status) -> bool;
    /// Whether entering this status publishes the record (its publication time is stamped).
    fn publishes(status: Self::Status) -> bool;
    /// Whether the owner may edit the record's content in this status.
    fn is_editable(status: Self::Status) -> bool;
}

/// An action that is not allowed in the record's current status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransitionError<S, A> {
    /// Status the record was in.
    pub from: S,
    /// Action that was attempted.
    pub action: A,
}

impl<S: Labelled, A: Labelled> TransitionError<S, A> {
    /// User-facing Chinese message, e.g. "当前状态“已发布”不能执行“提交”".
    pub fn message_zh(&self) -> String {
        format!(
            "当前状态“{}”不能执行“{}”",
            self.from.label_zh(),
            self.action.label_zh()
        )
    }

    /// User-facing English message (same text as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl<S: Labelled, A: Labelled> std::fmt::Display for TransitionError<S, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Cannot \"{}\" while the status is \"{}\"",
            self.action.label_en(),
            self.from.label_en()
        )
    }
}

impl<S: Labelled, A: Labelled> std::error::Error for TransitionError<S, A> {}

/// Implements [`Labelled`] for an enum that has inherent `as_str`, `label_zh` and `label_en`.
#[macro_export]
macro_rules! labelled {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::domain::lifecycle::Labelled for $t {
            // `(*self).` reaches the inherent method whether it takes `self` or `&self`.
            fn as_str(&self) -> &'static str {
                (*self).as_str()
            }
            fn parse(code: &str) -> Option<Self> {
                <$t>::parse(code)
            }
            fn label_zh(&self) -> &'static str {
                (*self).label_zh()
            }
            fn label_en(&self) -> &'static str {
                (*self).label_en()
            }
        }
    )*};
}

/// Implements [`Status`] (and [`Labelled`]) for a status enum with an inherent `tag_color`.
#[macro_export]
macro_rules! status_labelled {
    ($($t:ty),* $(,)?) => {$(
        $crate::labelled!($t);
        impl $crate::domain::lifecycle::Status for $t {
            fn tag_color(&self) -> &'static str {
                (*self).tag_color()
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::achievement::{AchievementAction, AchievementLifecycle, AchievementStatus};
    use crate::domain::demand::{DemandAction, DemandLifecycle, DemandStatus};

    fn round_trip<T: Labelled>(all: &[T]) {
        for t in all {
            assert_eq!(T::parse(t.as_str()), Some(*t));
            assert_eq!(
                labels_of::<T>(t.as_str()),
                Some((t.label_zh(), t.label_en()))
            );
        }
        assert_eq!(labels_of::<T>("no_such_code"), None);
    }

    #[test]
    fn every_status_reads_back_from_its_stored_code() {
        round_trip(DemandStatus::ALL);
        round_trip(AchievementStatus::ALL);
    }

    #[test]
    fn refused_moves_explain_themselves_in_both_languages_for_every_kind() {
        let e =
            DemandLifecycle::transition(DemandStatus::Published, DemandAction::Submit).unwrap_err();
        assert_eq!(e.message_zh(), "当前状态“已发布”不能执行“提交”");
        assert!(
            e.message_en().starts_with("Cannot \""),
            "{}",
            e.message_en()
        );
        let e = AchievementLifecycle::transition(
            AchievementStatus::Transferred,
            AchievementAction::Withdraw,
        )
        .unwrap_err();
        assert!(e
            .message_zh()
            .contains(AchievementStatus::Transferred.label_zh()));
        assert!(e
            .message_en()
            .contains(AchievementStatus::Transferred.label_en()));
    }

    #[test]
    fn publication_and_visibility_are_declared_per_kind() {
        assert!(DemandLifecycle::publishes(DemandStatus::Published));
        assert!(!DemandLifecycle::publishes(DemandStatus::Closed));
        assert!(AchievementLifecycle::publishes(
            AchievementStatus::Published
        ));
        assert!(AchievementLifecycle::is_public(
            AchievementStatus::Transferred
        ));
        assert!(!DemandLifecycle::is_public(DemandStatus::Submitted));
    }
}
