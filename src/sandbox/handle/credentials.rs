//! The handle's credentials side: what tests and `roombot sandbox` need to set up and break an
//! admin credential without clicking through the consent page (register an integration or a
//! service app, issue tokens to a demo person directly, revoke a refresh token, let access
//! tokens expire now) and to change per-workspace grants.

use tokio::time::Instant;

use super::{SandboxError, SandboxHandle};
use crate::sandbox::access::{Access, scopes};
use crate::sandbox::caller::Caller;
use crate::sandbox::oauth::store::Subject;
use crate::sandbox::oauth::{Integration, ServiceApp, TokenPair};
use crate::sandbox::org::Grant;

impl SandboxHandle {
    /// Whether the sandbox enforces Webex's authorization.
    pub fn access(&self) -> Access {
        self.shared.settings.access
    }

    /// Who `token` speaks for and what it may do, if it may be used now.
    pub fn caller(&self, token: &str) -> Option<Caller> {
        self.shared.caller_for_token(token)
    }

    /// Registers an OAuth integration (random client id and secret) that may send people back
    /// to `redirect_uris` from the consent page (`{base_url}/authorize`).
    pub fn register_integration(&self, name: &str, redirect_uris: &[&str]) -> Integration {
        self.shared
            .tokens()
            .register_integration(name, redirect_uris)
    }

    /// Registers a service app with `scopes`, already authorized for the demo organisation by
    /// its admin; its developer fetches tokens with `POST /v1/applications/{id}/token`.
    pub fn register_service_app(&self, name: &str, scopes: &[&str]) -> ServiceApp {
        let org_id = self.shared.org.org_id().to_owned();
        self.shared
            .tokens()
            .register_service_app(name, scopes, &org_id)
    }

    /// Tokens for `email`'s consent to integration `client_id` with `scopes`, as if the person
    /// had accepted on the consent page and the code had been exchanged.
    pub fn issue_tokens(
        &self,
        client_id: &str,
        email: &str,
        scopes: &[&str],
    ) -> Result<TokenPair, SandboxError> {
        let person = self
            .shared
            .person_by_email(email)
            .filter(|p| !p.is_bot())
            .ok_or_else(|| SandboxError::Unknown(format!("person {email}")))?;
        let mut tokens = self.shared.tokens();
        if tokens.integration(client_id).is_none() {
            return Err(SandboxError::Unknown(format!("integration {client_id}")));
        }
        let subject = Subject::Person(person.id.clone());
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        Ok(tokens.issue(client_id, subject, scopes, Instant::now()))
    }

    /// A refresh token of integration `client_id` for the demo admin (Ada, an organisation
    /// admin) with every admin scope ([`scopes::ADMIN_ALL`]): what an admin credential needs.
    pub fn admin_refresh_token(&self, client_id: &str) -> Result<String, SandboxError> {
        let admin = self.person(crate::sandbox::Role::Admin).email.clone();
        Ok(self
            .issue_tokens(client_id, &admin, scopes::ADMIN_ALL)?
            .refresh_token)
    }

    /// Revokes the authorization behind `refresh_token`: it and the access tokens issued with
    /// it are refused from now on (401). False if the token is unknown or already rotated.
    pub fn revoke_refresh_token(&self, refresh_token: &str) -> bool {
        self.shared.tokens().revoke_refresh(refresh_token)
    }

    /// Lets every OAuth access token issued so far expire now (401 until refreshed).
    pub fn expire_access_tokens(&self) {
        self.shared.tokens().expire_access_tokens(Instant::now());
    }

    /// Grants (`Some`) or withdraws (`None`) the access of `email` (the bot or a person) to the
    /// devices of workspace `workspace_id`, as an admin does in Control Hub.
    pub fn set_grant(
        &self,
        email: &str,
        workspace_id: &str,
        grant: Option<Grant>,
    ) -> Result<(), SandboxError> {
        let person = self
            .shared
            .person_by_email(email)
            .ok_or_else(|| SandboxError::Unknown(format!("person {email}")))?;
        self.shared.org.set_grant(&person.id, workspace_id, grant);
        Ok(())
    }
}
