//! Roles and policy: who may do what. Admins and operators are listed by email in settings
//! (a listed email's role wins); else a person gets the highest of the grants by email domain
//! (`access.domains`), by membership of a space (`access.spaces`), and the viewer role for
//! everyone in the bot's organisation (unless `access.viewers = "listed"`); people from other
//! organisations get only what a domain or space grants them. Pure: the org of a person and
//! the spaces they are in are looked up by the caller (and cached there).

use crate::settings::{AccessSettings, Grant, GrantRole, ViewerPolicy};

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

impl From<GrantRole> for Role {
    fn from(role: GrantRole) -> Self {
        match role {
            GrantRole::Viewer => Self::Viewer,
            GrantRole::Operator => Self::Operator,
            GrantRole::Admin => Self::Admin,
        }
    }
}

impl Role {
    /// Parses `viewer`, `operator` or `admin` (any case).
    pub fn from_name(name: &str) -> Option<Self> {
        GrantRole::from_name(name).map(Self::from)
    }

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
        self.role_in(email, membership, &[])
    }

    /// The role of `email`, given their organisation and the granting spaces (room ids of
    /// `access.spaces`) they are a member of.
    pub fn role_in(&self, email: &str, membership: Membership, spaces: &[&str]) -> Role {
        if let Some(role) = self.listed_role(email) {
            return role;
        }
        let org = match (self.settings.viewers, membership) {
            (ViewerPolicy::Org, Membership::SameOrg) => Role::Viewer,
            _ => Role::None,
        };
        let email = email.trim().to_lowercase();
        let domain = email.rfind('@').map(|at| &email[at..]).unwrap_or_default();
        let by_domain = self.grants().domains.iter().filter(|g| g.key == domain);
        let by_space = self
            .grants()
            .spaces
            .iter()
            .filter(|g| spaces.contains(&g.key.as_str()));
        by_domain
            .chain(by_space)
            .map(|g| Role::from(g.role))
            .fold(org, Role::max)
    }

    /// The spaces whose members get a role (`access.spaces`).
    pub fn space_grants(&self) -> &[Grant] {
        &self.grants().spaces
    }

    /// Who to ask for a role: the contact setting, else the configured admins.
    pub fn granters(&self) -> String {
        let contact = &self.grants().contact;
        if !contact.is_empty() {
            return contact.clone();
        }
        match self.settings.admins.as_slice() {
            [] => "whoever runs this bot".to_owned(),
            admins => admins.join(", "),
        }
    }

    /// Who holds `role` besides those granted more: listed emails, domains, granting spaces
    /// and (viewers) everyone in the organisation; as people read it.
    pub fn holders(&self, role: Role) -> Vec<String> {
        let mut out: Vec<String> = match role {
            Role::Admin => self.settings.admins.clone(),
            Role::Operator => self.settings.operators.clone(),
            _ => Vec::new(),
        };
        let grants = self.grants();
        out.extend(
            grants
                .domains
                .iter()
                .filter(|g| Role::from(g.role) == role)
                .map(|g| format!("everyone with an {} address", g.key)),
        );
        out.extend(
            grants
                .spaces
                .iter()
                .filter(|g| Role::from(g.role) == role)
                .map(|g| format!("the members of space {}", g.key)),
        );
        if role == Role::Viewer && self.settings.viewers == ViewerPolicy::Org {
            out.push("everyone in the organisation".to_owned());
        }
        out
    }

    /// How long a granting space's member list is trusted.
    pub fn space_grant_ttl(&self) -> std::time::Duration {
        self.grants().space_grant_ttl
    }

    /// Whether to leave spaces someone outside the organisation added the bot to.
    pub fn leaves_foreign_spaces(&self) -> bool {
        self.grants().foreign_spaces == crate::settings::ForeignSpaces::Leave
    }

    fn grants(&self) -> &crate::settings::Governance {
        &self.settings.governance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(viewers: ViewerPolicy) -> AccessPolicy {
        let settings = crate::settings::Settings::load(&Default::default()).expect("defaults");
        AccessPolicy::new(AccessSettings {
            admins: vec!["ada@example.com".into()],
            operators: vec!["oscar@example.com".into()],
            viewers,
            governance: settings.access.governance,
        })
    }

    #[test]
    fn domains_and_spaces_grant_roles_and_listed_emails_win() {
        let mut policy = policy(ViewerPolicy::Org);
        policy.settings.governance.domains = vec![Grant {
            key: "@partner.org".into(),
            role: GrantRole::Operator,
        }];
        policy.settings.governance.spaces = vec![Grant {
            key: "R-ops".into(),
            role: GrantRole::Admin,
        }];
        let other = Membership::OtherOrg;
        assert_eq!(policy.role("pat@Partner.org", other), Role::Operator);
        assert_eq!(policy.role("pat@partner.org.evil", other), Role::None);
        assert_eq!(
            policy.role_in("pat@partner.org", other, &["R-ops"]),
            Role::Admin
        );
        assert_eq!(
            policy.role_in("vera@example.com", Membership::SameOrg, &["R-x"]),
            Role::Viewer
        );
        assert_eq!(
            policy.role_in("oscar@example.com", other, &["R-ops"]),
            Role::Operator
        );
        assert_eq!(policy.granters(), "ada@example.com");
        policy.settings.governance.contact = "the IT desk".into();
        assert_eq!(policy.granters(), "the IT desk");
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
