//! Who is calling the sandbox: the identity behind a bearer token, how the token was obtained
//! and what it may do. The auth middleware inserts a [`Caller`] into every authenticated
//! request's extensions; routes read it with `axum::Extension<Caller>`.
//!
//! Pure data and the questions routes ask of it ([`Caller::has_scopes`],
//! [`Caller::device_view`], [`Caller::may_configure`]); the table of who may call which
//! endpoint is in [`super::access`].

use std::sync::Arc;

use super::access::scopes;

/// How a token was obtained (the request log records it with the identity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// The bot's own token (never expires).
    Bot,
    /// A regular (non-admin) person's own token.
    User,
    /// An organisation administrator's own token.
    Admin,
    /// An OAuth integration token, issued to whoever consented, with the scopes asked for.
    Integration,
    /// A service app's token (the app was authorized for the organisation by an admin).
    ServiceApp,
}

impl TokenKind {
    /// A short name: `bot`, `user`, `admin`, `integration`, `service-app`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bot => "bot",
            Self::User => "user",
            Self::Admin => "admin",
            Self::Integration => "integration",
            Self::ServiceApp => "service-app",
        }
    }
}

/// Which devices a caller sees and what it holds on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceView {
    /// Every device of the organisation with the `permissions` stored on it (permissive mode).
    AsStored,
    /// Every device of the organisation with full xAPI access (administrators).
    All,
    /// Devices of the workspaces granted to this identity, plus its own personal devices.
    Granted,
}

/// The authenticated identity of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The person's (bot's, service app's) REST id.
    pub person_id: String,
    /// Primary email.
    pub email: String,
    /// Display name, e.g. "Roombot Demo".
    pub display_name: String,
    /// The caller's organisation id.
    pub org_id: String,
    /// True for the bot's own token.
    pub is_bot: bool,
    /// How the token was obtained.
    pub kind: TokenKind,
    /// True for a full administrator of `org_id` (and for a service app an admin authorized).
    pub admin: bool,
    /// The token's scopes; `None` for bot and personal tokens, which carry every scope their
    /// identity may hold (being an admin is still required where the table says so).
    pub scopes: Option<Arc<Vec<String>>>,
    /// The OAuth client the token was issued to, if any.
    pub client_id: Option<String>,
    /// False in the sandbox's permissive mode: every endpoint is open to any token and devices
    /// show the permissions stored on them.
    pub enforced: bool,
}

impl Caller {
    /// A permissive caller of `kind` (what tests of the organisation routes use).
    pub fn permissive(
        person_id: impl Into<String>,
        email: impl Into<String>,
        org_id: impl Into<String>,
        kind: TokenKind,
    ) -> Self {
        Self {
            person_id: person_id.into(),
            email: email.into(),
            display_name: String::new(),
            org_id: org_id.into(),
            is_bot: kind == TokenKind::Bot,
            kind,
            admin: matches!(kind, TokenKind::Admin | TokenKind::ServiceApp),
            scopes: None,
            client_id: None,
            enforced: false,
        }
    }

    /// True when the token carries `scope` (bot and personal tokens carry all).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes
            .as_ref()
            .is_none_or(|held| held.iter().any(|s| s == scope))
    }

    /// True when every group of `required` has at least one scope the token carries (an empty
    /// group list asks for nothing).
    pub fn has_scopes(&self, required: &[&[&str]]) -> bool {
        required
            .iter()
            .all(|group| group.iter().any(|scope| self.has_scope(scope)))
    }

    /// Which devices the caller sees: admins with an admin devices scope see all; bots and
    /// other people only what was granted to them.
    pub fn device_view(&self) -> DeviceView {
        if !self.enforced {
            DeviceView::AsStored
        } else if self.admin
            && (self.has_scope(scopes::ADMIN_DEVICES_READ)
                || self.has_scope(scopes::ADMIN_DEVICES_WRITE))
        {
            DeviceView::All
        } else {
            DeviceView::Granted
        }
    }

    /// True when the caller may change device configurations (otherwise they show
    /// `editability: {isEditable: false, reason: "NOT_AUTHORIZED"}`).
    pub fn may_configure(&self) -> bool {
        !self.enforced || (self.admin && self.has_scope(scopes::ADMIN_DEVICES_WRITE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integration(admin: bool, held: &[&str]) -> Caller {
        Caller {
            admin,
            kind: TokenKind::Integration,
            scopes: Some(Arc::new(held.iter().map(|s| s.to_string()).collect())),
            enforced: true,
            ..Caller::permissive("p", "a@example.com", "o", TokenKind::User)
        }
    }

    #[test]
    fn scope_groups_need_one_scope_each() {
        let caller = integration(true, &["a", "c"]);
        assert!(caller.has_scopes(&[]));
        assert!(caller.has_scopes(&[&["a", "b"], &["c"]]));
        assert!(!caller.has_scopes(&[&["a"], &["b"]]));
        let personal = Caller::permissive("p", "e", "o", TokenKind::Admin);
        assert!(personal.has_scopes(&[&["anything"]]));
    }

    #[test]
    fn only_admins_with_an_admin_scope_see_every_device() {
        let admin = integration(true, &[scopes::ADMIN_DEVICES_READ]);
        assert_eq!(admin.device_view(), DeviceView::All);
        assert!(!admin.may_configure());
        let user = integration(false, &[scopes::ADMIN_DEVICES_WRITE]);
        assert_eq!(user.device_view(), DeviceView::Granted);
        assert!(!user.may_configure());
        let permissive = Caller::permissive("p", "e", "o", TokenKind::Bot);
        assert_eq!(permissive.device_view(), DeviceView::AsStored);
        assert!(permissive.may_configure());
    }
}
