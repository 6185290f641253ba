//! The one authorization policy. Every server function and REST handler asks `authorize`
//! before it reads or changes anything; pages only hide buttons the policy would refuse anyway.
use crate::domain::Role;
use crate::model::CurrentUser;
use uuid::Uuid;

/// Who is asking, reduced to what the policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub org_id: Option<Uuid>,
    /// A member whose join request has not been admitted acts for no organization.
    pub membership_active: bool,
    pub is_org_admin: bool,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    /// The organization this person may act for, if admitted.
    pub fn acting_org(&self) -> Option<Uuid> {
        if self.membership_active {
            self.org_id
        } else {
            None
        }
    }
}

impl From<&CurrentUser> for Actor {
    fn from(u: &CurrentUser) -> Self {
        Actor {
            user_id: u.id,
            org_id: u.org.as_ref().map(|o| o.id),
            membership_active: u.membership_active,
            is_org_admin: u.is_org_admin,
            roles: u.roles.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the public fields of a published demand.
    ViewPublicDemand,
    /// Read a demand in any state, with its history.
    ViewDemand,
    /// Read the confidential detail of a demand.
    ViewConfidential,
    CreateDemand,
    EditDemand,
    SubmitDemand,
    WithdrawDemand,
    ReviewDemand,
    ViewReviewQueue,
    VerifyOrg,
    GrantRole,
    ResetPasswordFor,
    ListUsers,
    AdmitMember,
    ViewOrgMembers,
    /// Read an achievement in any state (owner organization, officials).
    ViewAchievement,
    CreateAchievement,
    /// Edit, submit, reopen, withdraw or mark transferred one's own achievement.
    EditAchievement,
    ReviewAchievement,
    /// Keep one's own expert profile (评审专家 only).
    EditExpertProfile,
    /// See the whole expert pool, private profiles and review availability included.
    ViewExpertPool,
    /// Bulk import of organizations, experts, demands and achievements.
    ImportData,
    /// An organization's profile page: public once verified; before that, its own members and
    /// officials only.
    ViewOrgProfile,
    /// One expert's profile: public when the expert published it; otherwise officials only
    /// (the expert edits their own at /experts/me).
    ViewExpertProfile,
    /// Build, publish, cancel and run 揭榜挂帅 calls; read drafts and, once a window has
    /// closed, the bids (officials only).
    ManageCall,
    /// Lead a bid on an open call for one's organization (eligibility aside, which the call
    /// decides).
    CreateBid,
    /// Apply to register a technology contract for one's organization (its seller, or the
    /// domestic buyer of an import).
    ApplyContract,
    /// Change, submit or withdraw one's organization's application.
    EditContract,
    /// Read a contract in any status with its history: its parties, the registry, officials.
    ViewContract,
    /// Receive, return, send to experts, register, refuse or cancel (registry clerks).
    RegisterContract,
    /// Open the registered contracts behind a statistic, and export them (the registry and
    /// officials; everyone reads the aggregates).
    ViewContractStats,
    /// Import registered contracts from a registry's sheet (the registry and officials).
    ImportContracts,
    /// Report a value for one of the plan's targets (an official of its lead unit; the unit is
    /// checked by the targets service).
    ReportTarget,
    /// Accept or return a reported value (an official of 市科技局, checked by the service).
    ReviewTarget,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewPublicDemand,
        Action::ViewDemand,
        Action::ViewConfidential,
        Action::CreateDemand,
        Action::EditDemand,
        Action::SubmitDemand,
        Action::WithdrawDemand,
        Action::ReviewDemand,
        Action::ViewReviewQueue,
        Action::VerifyOrg,
        Action::GrantRole,
        Action::ResetPasswordFor,
        Action::ListUsers,
        Action::AdmitMember,
        Action::ViewOrgMembers,
        Action::ViewAchievement,
        Action::CreateAchievement,
        Action::EditAchievement,
        Action::ReviewAchievement,
        Action::EditExpertProfile,
        Action::ViewExpertPool,
        Action::ImportData,
        Action::ViewOrgProfile,
        Action::ViewExpertProfile,
        Action::ManageCall,
        Action::CreateBid,
        Action::ApplyContract,
        Action::EditContract,
        Action::ViewContract,
        Action::RegisterContract,
        Action::ViewContractStats,
        Action::ImportContracts,
        Action::ReportTarget,
        Action::ReviewTarget,
    ];
}

/// What the action is about: the organization that owns it, and whether it is public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Target {
    pub owner_org: Option<Uuid>,
    pub is_public: bool,
}

impl Target {
    pub const NONE: Target = Target {
        owner_org: None,
        is_public: false,
    };
    pub fn owned_by(org: Uuid, is_public: bool) -> Target {
        Target {
            owner_org: Some(org),
            is_public,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// Nobody is signed in; signing in might help.
    Unauthenticated,
    /// Signed in, but this person may not do this.
    Forbidden,
}

impl From<Denial> for crate::error::AppError {
    fn from(d: Denial) -> Self {
        match d {
            Denial::Unauthenticated => crate::error::AppError::Unauthenticated,
            Denial::Forbidden => crate::error::AppError::Forbidden,
        }
    }
}

pub fn authorize(actor: Option<&Actor>, action: Action, target: Target) -> Result<(), Denial> {
    let public_read = matches!(
        action,
        Action::ViewPublicDemand | Action::ViewOrgProfile | Action::ViewExpertProfile
    );
    if public_read && target.is_public {
        return Ok(());
    }
    if action == Action::ViewPublicDemand {
        // Unpublished demands are looked at only through ViewDemand.
        return authorize(actor, Action::ViewDemand, target);
    }
    let Some(a) = actor else {
        return Err(Denial::Unauthenticated);
    };
    let official = a.has(Role::Official);
    let own = match (a.acting_org(), target.owner_org) {
        (Some(mine), Some(theirs)) => mine == theirs,
        _ => false,
    };
    let allowed = match action {
        Action::ViewPublicDemand => unreachable_public(),
        Action::ViewDemand | Action::ViewConfidential => official || own,
        Action::CreateDemand => a.has(Role::EnterpriseMember) && a.acting_org().is_some(),
        Action::EditDemand | Action::SubmitDemand | Action::WithdrawDemand => {
            own && a.has(Role::EnterpriseMember)
        }
        Action::ReviewDemand
        | Action::ViewReviewQueue
        | Action::VerifyOrg
        | Action::GrantRole
        | Action::ResetPasswordFor
        | Action::ListUsers => official,
        Action::AdmitMember => official || (own && a.is_org_admin),
        Action::ViewAchievement => official || own,
        Action::CreateAchievement => {
            (a.has(Role::Researcher) || a.has(Role::EnterpriseMember)) && a.acting_org().is_some()
        }
        Action::EditAchievement => {
            own && (a.has(Role::Researcher) || a.has(Role::EnterpriseMember))
        }
        Action::ReviewAchievement => official,
        Action::EditExpertProfile => a.has(Role::Expert),
        Action::ViewExpertPool | Action::ImportData => official,
        Action::ViewOrgMembers | Action::ViewOrgProfile => official || own,
        Action::ViewExpertProfile => official,
        Action::ManageCall => official,
        Action::CreateBid | Action::ApplyContract => {
            (a.has(Role::Researcher) || a.has(Role::EnterpriseMember)) && a.acting_org().is_some()
        }
        Action::EditContract => own && (a.has(Role::Researcher) || a.has(Role::EnterpriseMember)),
        Action::ViewContract => official || a.has(Role::Clerk) || own,
        Action::RegisterContract => a.has(Role::Clerk),
        Action::ViewContractStats | Action::ImportContracts => official || a.has(Role::Clerk),
        Action::ReportTarget | Action::ReviewTarget => official,
    };
    if allowed {
        Ok(())
    } else {
        Err(Denial::Forbidden)
    }
}

/// What is known about one bid when deciding who may see it. Bids are sealed: this is the one
/// rule for every read path (pages, server functions, REST, exports, notifications, history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidFacts {
    pub lead: Uuid,
    /// Everyone invited to the team, confirmed or not (they read it to decide).
    pub members: Vec<Uuid>,
    /// The call's window has closed and the call went on (`domain::call::bids_opened`).
    pub opened: bool,
    /// Reviewers assigned to this bid.
    pub reviewers: Vec<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BidAccess {
    /// Read the bid's content, team and history.
    pub read: bool,
    /// Change, submit, revise or withdraw it (the lead; the window is checked by the clock).
    pub lead: bool,
    /// Decide its eligibility (officials, once opened).
    pub screen: bool,
}

/// Who may do what with one bid: its team always; officials and its assigned reviewers only
/// once the window has closed; nobody else, ever (not the co-funding enterprise, not other
/// members of the bidding organization, not other reviewers).
pub fn bid_access(actor: Option<&Actor>, bid: &BidFacts) -> BidAccess {
    let Some(a) = actor else {
        return BidAccess::default();
    };
    let lead = a.user_id == bid.lead;
    let team = lead || bid.members.contains(&a.user_id);
    let official = a.has(Role::Official);
    let reviewer = a.has(Role::Expert) && bid.reviewers.contains(&a.user_id);
    BidAccess {
        read: team || (bid.opened && (official || reviewer)),
        lead,
        screen: bid.opened && official,
    }
}

/// Who is on the team of one task of an awarded call (立项 onwards): the bid's lead and the
/// members who confirmed; and the experts assigned to give an opinion on one of its stages
/// (a milestone, the acceptance, the call's mid-term review).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub lead: Uuid,
    pub members: Vec<Uuid>,
    pub reviewers: Vec<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskAccess {
    /// Read the milestone reports, the reached values and the reasons of decisions.
    pub read: bool,
    /// Submit a milestone's deliverables or the final report (the team).
    pub submit: bool,
    /// Accept or reject a milestone, decide the acceptance (officials not on the team).
    pub decide: bool,
    /// Give an expert opinion on a stage one is assigned to (never a team member).
    pub review: bool,
}

/// Who may do what with one task: the plan, the funding and the payments are public; the
/// reports are the team's, the officials' and the assigned reviewers'; only the team submits,
/// only an official who is not on it decides, and only an assigned reviewer off the team gives
/// an opinion.
pub fn task_access(actor: Option<&Actor>, task: &TaskFacts) -> TaskAccess {
    let Some(a) = actor else {
        return TaskAccess::default();
    };
    let team = a.user_id == task.lead || task.members.contains(&a.user_id);
    let official = a.has(Role::Official);
    let reviewer = task.reviewers.contains(&a.user_id) && !team;
    TaskAccess {
        read: team || official || reviewer,
        submit: team,
        decide: official && !team,
        review: reviewer,
    }
}

// ViewPublicDemand returns before the match; kept as a function so the match stays exhaustive
// without a panic path.
fn unreachable_public() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug)]
    enum Who {
        Anonymous,
        Enterprise,
        EnterpriseAdmin,
        EnterprisePending,
        Researcher,
        Expert,
        Official,
        Clerk,
    }

    const WHO: &[Who] = &[
        Who::Anonymous,
        Who::Enterprise,
        Who::EnterpriseAdmin,
        Who::EnterprisePending,
        Who::Researcher,
        Who::Expert,
        Who::Official,
        Who::Clerk,
    ];

    fn actor(who: Who, org: Uuid) -> Option<Actor> {
        let mk = |roles: Vec<Role>, active: bool, admin: bool| {
            Some(Actor {
                user_id: Uuid::new_v4(),
                org_id: Some(org),
                membership_active: active,
                is_org_admin: admin,
                roles,
            })
        };
        match who {
            Who::Anonymous => None,
            Who::Enterprise => mk(vec![Role::EnterpriseMember], true, false),
            Who::EnterpriseAdmin => mk(vec![Role::EnterpriseMember], true, true),
            Who::EnterprisePending => mk(vec![], false, false),
            Who::Researcher => mk(vec![Role::Researcher], true, false),
            Who::Expert => mk(vec![Role::Expert], true, false),
            Who::Official => mk(vec![Role::Official], true, false),
            Who::Clerk => mk(vec![Role::Clerk], true, false),
        }
    }

    /// The expected answer, written out independently of `authorize`: (who, action, own org?)
    /// → allowed. `public` says whether the target is a published demand.
    fn expected(who: Who, action: Action, own: bool, public: bool) -> Result<(), Denial> {
        use Action::*;
        use Who::*;
        if matches!(
            action,
            ViewPublicDemand | ViewOrgProfile | ViewExpertProfile
        ) && public
        {
            return Ok(());
        }
        if matches!(who, Anonymous) {
            return Err(Denial::Unauthenticated);
        }
        let ok = match (who, action) {
            (Official, RegisterContract) => false,
            (Official, _) => !matches!(
                action,
                CreateBid
                    | ApplyContract
                    | EditContract
                    | CreateDemand
                    | EditDemand
                    | SubmitDemand
                    | WithdrawDemand
                    | CreateAchievement
                    | EditAchievement
                    | EditExpertProfile
            ),
            (EnterprisePending, _) => false,
            (Enterprise | EnterpriseAdmin, ViewPublicDemand | ViewDemand | ViewConfidential) => own,
            (Enterprise | EnterpriseAdmin, CreateDemand) => true,
            (Enterprise | EnterpriseAdmin, EditDemand | SubmitDemand | WithdrawDemand) => own,
            (EnterpriseAdmin, AdmitMember) => own,
            (Enterprise | EnterpriseAdmin, ViewOrgMembers | ViewOrgProfile) => own,
            (Expert, EditExpertProfile) => true,
            (
                Enterprise | EnterpriseAdmin | Researcher,
                CreateAchievement | CreateBid | ApplyContract,
            ) => true,
            (Enterprise | EnterpriseAdmin | Researcher, EditContract) => own,
            (Clerk, ViewContract | RegisterContract | ViewContractStats | ImportContracts) => true,
            (Enterprise | EnterpriseAdmin | Researcher | Expert, ViewContract) => own,
            (Enterprise | EnterpriseAdmin | Researcher, EditAchievement) => own,
            (Enterprise | EnterpriseAdmin | Researcher | Expert | Clerk, ViewAchievement) => own,
            (
                Researcher | Expert | Clerk,
                ViewPublicDemand | ViewDemand | ViewConfidential | ViewOrgMembers | ViewOrgProfile,
            ) => own,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(Denial::Forbidden)
        }
    }

    #[test]
    fn matrix_role_by_action_by_ownership() {
        let mine = Uuid::new_v4();
        let theirs = Uuid::new_v4();
        let mut checked = 0;
        for &who in WHO {
            let a = actor(who, mine);
            for &action in Action::ALL {
                for own in [true, false] {
                    for public in [true, false] {
                        let target = Target::owned_by(if own { mine } else { theirs }, public);
                        let got = authorize(a.as_ref(), action, target);
                        let want = expected(who, action, own, public);
                        assert_eq!(got, want, "{who:?} {action:?} own={own} public={public}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, WHO.len() * Action::ALL.len() * 4);
    }

    #[test]
    fn an_official_reads_confidential_detail_of_any_org_but_cannot_write_demands_for_it() {
        let org = Uuid::new_v4();
        let a = actor(Who::Official, Uuid::new_v4()).unwrap();
        let t = Target::owned_by(org, false);
        assert!(authorize(Some(&a), Action::ViewConfidential, t).is_ok());
        assert_eq!(
            authorize(Some(&a), Action::EditDemand, t),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn a_bid_is_sealed_from_everyone_but_its_team_until_the_window_closes() {
        let org = Uuid::new_v4();
        let lead = actor(Who::Researcher, org).unwrap();
        let member = actor(Who::Researcher, Uuid::new_v4()).unwrap();
        let colleague = actor(Who::Researcher, org).unwrap();
        let official = actor(Who::Official, Uuid::new_v4()).unwrap();
        let assigned = actor(Who::Expert, Uuid::new_v4()).unwrap();
        let unassigned = actor(Who::Expert, Uuid::new_v4()).unwrap();
        let cofunder = actor(Who::EnterpriseAdmin, Uuid::new_v4()).unwrap();
        for opened in [false, true] {
            let facts = BidFacts {
                lead: lead.user_id,
                members: vec![member.user_id],
                opened,
                reviewers: vec![assigned.user_id],
            };
            let access = |a: Option<&Actor>| bid_access(a, &facts);
            assert_eq!(
                access(Some(&lead)),
                BidAccess {
                    read: true,
                    lead: true,
                    screen: false
                }
            );
            assert_eq!(
                access(Some(&member)),
                BidAccess {
                    read: true,
                    lead: false,
                    screen: false
                }
            );
            for outsider in [None, Some(&colleague), Some(&unassigned), Some(&cofunder)] {
                assert_eq!(access(outsider), BidAccess::default(), "opened={opened}");
            }
            assert_eq!(access(Some(&official)).read, opened);
            assert_eq!(access(Some(&official)).screen, opened);
            assert_eq!(access(Some(&assigned)).read, opened);
            assert!(!access(Some(&assigned)).screen);
        }
    }

    #[test]
    fn a_task_is_submitted_by_its_team_and_decided_by_officials_off_the_team() {
        let org = Uuid::new_v4();
        let lead = actor(Who::Researcher, org).unwrap();
        let member = actor(Who::Researcher, org).unwrap();
        let colleague = actor(Who::Researcher, org).unwrap();
        let official = actor(Who::Official, Uuid::new_v4()).unwrap();
        let mut official_on_team = actor(Who::Official, org).unwrap();
        official_on_team.roles.push(Role::Researcher);
        let reviewer = actor(Who::Expert, Uuid::new_v4()).unwrap();
        let facts = TaskFacts {
            lead: lead.user_id,
            members: vec![member.user_id, official_on_team.user_id],
            reviewers: vec![reviewer.user_id, member.user_id],
        };
        let access = |a: Option<&Actor>| task_access(a, &facts);
        for team in [&lead, &member] {
            assert_eq!(
                access(Some(team)),
                TaskAccess {
                    read: true,
                    submit: true,
                    decide: false,
                    review: false
                },
                "a team member never reviews the team, even if assigned"
            );
        }
        assert_eq!(
            access(Some(&reviewer)),
            TaskAccess {
                read: true,
                submit: false,
                decide: false,
                review: true
            }
        );
        assert_eq!(access(None), TaskAccess::default());
        assert_eq!(
            access(Some(&colleague)),
            TaskAccess::default(),
            "same organization, not on the team"
        );
        assert_eq!(
            access(Some(&official)),
            TaskAccess {
                read: true,
                submit: false,
                decide: true,
                review: false
            }
        );
        assert!(
            !access(Some(&official_on_team)).decide,
            "an official on the team recuses"
        );
    }

    #[test]
    fn a_member_awaiting_admission_acts_for_no_organization() {
        let org = Uuid::new_v4();
        let mut a = actor(Who::Enterprise, org).unwrap();
        a.membership_active = false;
        let t = Target::owned_by(org, false);
        assert_eq!(
            authorize(Some(&a), Action::ViewConfidential, t),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            authorize(Some(&a), Action::CreateDemand, Target::NONE),
            Err(Denial::Forbidden)
        );
    }
}
