//! Roles and policy: who may do what. Admins and operators are listed by email in settings;
//! everyone else in the bot's organisation is a viewer (unless `access.viewers = "listed"`);
//! people from other organisations get nothing. Pure: the org of a person is looked up by the
//! caller (and cached there).

use crate::settings::{AccessSettings, ViewerPolicy};

/// What a person may do, from least to most.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Nothing but help.
    None,
    /// Status, configuration reads, lists.
    Viewer,
    /// Device commands and configuration changes.
    Operator,
    /// Everything, including creating and deleting workspaces, locations and devices.
    Admin,
}

impl Role {
    /// The role's name as shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "no role",
            Self::Viewer => "viewer",
            Self::Operator => "operator",
            Self::Admin => "admin",
        }
    }
}

/// Decides roles from settings.
#[derive(Debug, Clone)]
pub struct AccessPolicy {
    settings: AccessSettings,
}

/// Whether the person belongs to the bot's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    SameOrg,
    OtherOrg,
    /// Not looked up (a lookup failed or is not needed).
    Unknown,
}

impl AccessPolicy {
    /// A policy over the `[access]` settings.
    pub fn new(settings: AccessSettings) -> Self {
        Self { settings }
    }

    /// The role listed for `email` alone, if any (no org lookup needed then).
    pub fn listed_role(&self, email: &str) -> Option<Role> {
        let email = email.trim().to_lowercase();
        if self.settings.admins.contains(&email) {
            Some(Role::Admin)
        } else if self.settings.operators.contains(&email) {
            Some(Role::Operator)
        } else {
            None
        }
    }

    /// Whether deciding `email`'s role needs their organisation.
    pub fn needs_membership(&self, email: &str) -> bool {
        self.listed_role(email).is_none() && self.settings.viewers == ViewerPolicy::Org
    }

    /// The role of `email`, given what is known of their organisation.
    pub fn role(&self, email: &str, membership: Membership) -> Role {
        if let Some(role) = self.listed_role(email) {
            return role;
        }
        match (self.settings.viewers, membership) {
            (ViewerPolicy::Org, Membership::SameOrg) => Role::Viewer,
            _ => Role::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(viewers: ViewerPolicy) -> AccessPolicy {
        AccessPolicy::new(AccessSettings {
            admins: vec!["ada@example.com".into()],
            operators: vec!["oscar@example.com".into()],
            viewers,
        })
    }

    #[test]
    fn roles_come_from_lists_then_org_membership() {
        let org = policy(ViewerPolicy::Org);
        assert_eq!(
            org.role("Ada@Example.com", Membership::OtherOrg),
            Role::Admin
        );
        assert_eq!(
            org.role("oscar@example.com", Membership::Unknown),
            Role::Operator
        );
        assert_eq!(
            org.role("vera@example.com", Membership::SameOrg),
            Role::Viewer
        );
        assert_eq!(
            org.role("eve@elsewhere.com", Membership::OtherOrg),
            Role::None
        );
        assert_eq!(
            org.role("vera@example.com", Membership::Unknown),
            Role::None
        );
        assert!(org.needs_membership("vera@example.com"));
        assert!(!org.needs_membership("ada@example.com"));

        let listed = policy(ViewerPolicy::Listed);
        assert_eq!(
            listed.role("vera@example.com", Membership::SameOrg),
            Role::None
        );
        assert!(!listed.needs_membership("vera@example.com"));
    }

    #[test]
    fn roles_are_ordered() {
        assert!(
            Role::Admin > Role::Operator
                && Role::Operator > Role::Viewer
                && Role::Viewer > Role::None
        );
    }
}
