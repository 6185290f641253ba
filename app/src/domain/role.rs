//! User roles and organization types.

use serde::{Deserialize, Serialize};

/// What a user may do on the platform.
///
/// The snake_case string form (`as_str`, serde) is what is stored, so it
/// must not change once data exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Staff of an enterprise or service agency; posts demands.
    EnterpriseMember,
    /// University or institute researcher; offers results and solutions.
    Researcher,
    /// Reviews demands and solutions.
    Expert,
    /// Government staff; approves and runs calls.
    Official,
    /// Registers technology contracts.
    Clerk,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: &[Self] = &[
        Self::EnterpriseMember,
        Self::Researcher,
        Self::Expert,
        Self::Official,
        Self::Clerk,
    ];

    /// Stable identifier, identical to the serde form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::EnterpriseMember => "enterprise_member",
            Self::Researcher => "researcher",
            Self::Expert => "expert",
            Self::Official => "official",
            Self::Clerk => "clerk",
        }
    }

    /// Inverse of [`Role::as_str`]; exact match only.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.as_str() == s)
    }

    /// Chinese display name.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::EnterpriseMember => "企业用户",
            Self::Researcher => "科研人员",
            Self::Expert => "评审专家",
            Self::Official => "管理人员",
            Self::Clerk => "技术合同登记员",
        }
    }

    /// English display name.
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::EnterpriseMember => "Enterprise user",
            Self::Researcher => "Researcher",
            Self::Expert => "Review expert",
            Self::Official => "Official",
            Self::Clerk => "Technology contract registrar",
        }
    }
}

/// Kind of organization a user belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgType {
    /// 企业
    Enterprise,
    /// 高校
    University,
    /// 科研院所
    Institute,
    /// 科技服务机构
    ServiceAgency,
    /// 政府部门
    Government,
}

impl OrgType {
    /// Every organization type, in display order.
    pub const ALL: &[Self] = &[
        Self::Enterprise,
        Self::University,
        Self::Institute,
        Self::ServiceAgency,
        Self::Government,
    ];

    /// Stable identifier, identical to the serde form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Enterprise => "enterprise",
            Self::University => "university",
            Self::Institute => "institute",
            Self::ServiceAgency => "service_agency",
            Self::Government => "government",
        }
    }

    /// Inverse of [`OrgType::as_str`]; exact match only.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|o| o.as_str() == s)
    }

    /// Chinese display name.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Self::Enterprise => "企业",
            Self::University => "高校",
            Self::Institute => "科研院所",
            Self::ServiceAgency => "科技服务机构",
            Self::Government => "政府部门",
        }
    }

    /// English display name.
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::Enterprise => "Enterprise",
            Self::University => "University",
            Self::Institute => "Research institute",
            Self::ServiceAgency => "Technology service agency",
            Self::Government => "Government agency",
        }
    }

    /// Role granted automatically when someone joins this kind of
    /// organization.
    ///
    /// `None` for government: the official role carries approval powers,
    /// so it is granted only by an existing official, never by self-signup.
    pub fn default_member_role(&self) -> Option<Role> {
        match self {
            Self::Enterprise | Self::ServiceAgency => Some(Role::EnterpriseMember),
            Self::University | Self::Institute => Some(Role::Researcher),
            Self::Government => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn de_role(s: &str) -> Result<Role, DeError> {
        let de = StrDeserializer::<DeError>::new(s);
        Role::deserialize(de)
    }

    fn de_org(s: &str) -> Result<OrgType, DeError> {
        let de = StrDeserializer::<DeError>::new(s);
        OrgType::deserialize(de)
    }

    #[test]
    fn role_strings_round_trip_and_match_serde() {
        let expected = [
            "enterprise_member",
            "researcher",
            "expert",
            "official",
            "clerk",
        ];
        assert_eq!(Role::ALL.len(), expected.len());
        for (role, s) in Role::ALL.iter().zip(expected) {
            assert_eq!(role.as_str(), s);
            assert_eq!(Role::parse(s), Some(*role));
            assert_eq!(de_role(s).ok(), Some(*role));
        }
        assert_eq!(Role::parse("Expert"), None);
        assert_eq!(Role::parse(""), None);
        assert!(de_role("admin").is_err());
    }

    #[test]
    fn role_labels() {
        let zh: Vec<_> = Role::ALL.iter().map(Role::label_zh).collect();
        assert_eq!(
            zh,
            [
                "企业用户",
                "科研人员",
                "评审专家",
                "管理人员",
                "技术合同登记员"
            ]
        );
        assert!(Role::ALL.iter().all(|r| !r.label_en().is_empty()));
    }

    #[test]
    fn org_type_strings_round_trip_and_match_serde() {
        let expected = [
            "enterprise",
            "university",
            "institute",
            "service_agency",
            "government",
        ];
        assert_eq!(OrgType::ALL.len(), expected.len());
        for (org, s) in OrgType::ALL.iter().zip(expected) {
            assert_eq!(org.as_str(), s);
            assert_eq!(OrgType::parse(s), Some(*org));
            assert_eq!(de_org(s).ok(), Some(*org));
        }
        assert_eq!(OrgType::parse("company"), None);
    }

    #[test]
    fn org_type_labels() {
        let zh: Vec<_> = OrgType::ALL.iter().map(OrgType::label_zh).collect();
        assert_eq!(zh, ["企业", "高校", "科研院所", "科技服务机构", "政府部门"]);
        assert!(OrgType::ALL.iter().all(|o| !o.label_en().is_empty()));
    }

    #[test]
    fn default_member_roles() {
        assert_eq!(
            OrgType::Enterprise.default_member_role(),
            Some(Role::EnterpriseMember)
        );
        assert_eq!(
            OrgType::ServiceAgency.default_member_role(),
            Some(Role::EnterpriseMember)
        );
        assert_eq!(
            OrgType::University.default_member_role(),
            Some(Role::Researcher)
        );
        assert_eq!(
            OrgType::Institute.default_member_role(),
            Some(Role::Researcher)
        );
        assert_eq!(OrgType::Government.default_member_role(), None);
    }
}
