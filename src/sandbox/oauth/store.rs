//! The OAuth side of the sandbox's state: registered integrations and service apps, the
//! authorizations people (or admins, for service apps) gave them, single-use codes, and the
//! access and refresh tokens issued for them, with expiry, rotation and revocation.
//!
//! Pure bookkeeping, no HTTP. Times are `tokio::time::Instant` (paused-time tests move them).
//! Every refresh rotates the refresh token: the old one is refused from then on. Revoking a
//! refresh token revokes its authorization, so its access tokens stop working too.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;

use super::{Integration, OAuthError, OAuthOptions, ServiceApp, TokenPair};

/// Who an authorization speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A person (REST id) who consented to an integration.
    Person(String),
    /// A service app (its id) an admin authorized for the organisation.
    ServiceApp(String),
}

/// What an access token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub subject: Subject,
    pub scopes: Arc<Vec<String>>,
    pub client_id: String,
}

/// Whether a known access token may still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    Expired,
    Revoked,
}

#[derive(Debug)]
struct Authorization {
    granted: Authorized,
    revoked: bool,
}

#[derive(Debug)]
struct Expiring {
    authorization: usize,
    expires_at: Instant,
}

#[derive(Debug)]
struct Code {
    client_id: String,
    redirect_uri: String,
    person_id: String,
    scopes: Vec<String>,
    expires_at: Instant,
}

/// How long a code from the consent page may wait for its exchange.
const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// Registered clients and every token issued.
#[derive(Debug, Default)]
pub struct TokenStore {
    pub(super) options: OAuthOptions,
    pub(super) integrations: Vec<Integration>,
    pub(super) service_apps: Vec<ServiceApp>,
    authorizations: Vec<Authorization>,
    codes: HashMap<String, Code>,
    access: HashMap<String, Expiring>,
    refresh: HashMap<String, Expiring>,
}

/// A random token as opaque as Webex's (64 letters and digits).
pub fn random_token() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(64)
        .map(char::from)
        .collect()
}

impl TokenStore {
    /// An empty store issuing tokens with these lifetimes.
    pub fn new(options: OAuthOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    /// 401 `invalid_client` unless `client_id` and `secret` name a registered client.
    pub fn check_client(&self, client_id: &str, secret: &str) -> Result<(), OAuthError> {
        let known = self
            .integrations
            .iter()
            .map(|i| (&i.client_id, &i.client_secret))
            .chain(
                self.service_apps
                    .iter()
                    .map(|a| (&a.client_id, &a.client_secret)),
            )
            .any(|(id, s)| id == client_id && s == secret);
        if known {
            Ok(())
        } else {
            Err(OAuthError::invalid_client())
        }
    }

    /// The integration with `client_id`.
    pub fn integration(&self, client_id: &str) -> Option<&Integration> {
        self.integrations.iter().find(|i| i.client_id == client_id)
    }

    /// The service app with id `id`.
    pub fn service_app(&self, id: &str) -> Option<&ServiceApp> {
        self.service_apps.iter().find(|a| a.id == id)
    }

    /// The service app whose machine account is `person_id`.
    pub fn service_app_by_person(&self, person_id: &str) -> Option<&ServiceApp> {
        self.service_apps.iter().find(|a| a.person_id == person_id)
    }

    /// A single-use code for `person_id`'s consent to `client_id` (the consent page's accept).
    pub fn new_code(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        person_id: &str,
        scopes: Vec<String>,
        now: Instant,
    ) -> String {
        let code = random_token();
        let pending = Code {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            person_id: person_id.to_owned(),
            scopes,
            expires_at: now + CODE_LIFETIME,
        };
        self.codes.insert(code.clone(), pending);
        code
    }

    /// `grant_type=authorization_code`: the code is spent whatever the outcome.
    pub fn exchange_code(
        &mut self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        now: Instant,
    ) -> Result<TokenPair, OAuthError> {
        let pending = self
            .codes
            .remove(code)
            .filter(|c| c.client_id == client_id && c.expires_at > now)
            .ok_or_else(|| OAuthError::invalid_grant("The authorization code is not valid."))?;
        if pending.redirect_uri != redirect_uri {
            return Err(OAuthError::invalid_grant(
                "redirect_uri does not match the one the code was issued for.",
            ));
        }
        let subject = Subject::Person(pending.person_id);
        Ok(self.issue(client_id, subject, pending.scopes, now))
    }

    /// `grant_type=refresh_token`: a new access token and a rotated refresh token.
    pub fn refresh(
        &mut self,
        client_id: &str,
        refresh_token: &str,
        now: Instant,
    ) -> Result<TokenPair, OAuthError> {
        let refused = || OAuthError::invalid_grant("The refresh token is not valid.");
        let entry = self.refresh.get(refresh_token).ok_or_else(refused)?;
        let authorization = &self.authorizations[entry.authorization];
        if authorization.revoked
            || entry.expires_at <= now
            || authorization.granted.client_id != client_id
        {
            return Err(refused());
        }
        let index = entry.authorization;
        self.refresh.remove(refresh_token);
        Ok(self.tokens_for(index, now))
    }

    /// A new authorization of `subject` for `client_id` with `scopes`, and its first tokens.
    pub fn issue(
        &mut self,
        client_id: &str,
        subject: Subject,
        scopes: Vec<String>,
        now: Instant,
    ) -> TokenPair {
        self.authorizations.push(Authorization {
            granted: Authorized {
                subject,
                scopes: Arc::new(scopes),
                client_id: client_id.to_owned(),
            },
            revoked: false,
        });
        self.tokens_for(self.authorizations.len() - 1, now)
    }

    fn tokens_for(&mut self, authorization: usize, now: Instant) -> TokenPair {
        let (access_life, refresh_life) = (
            self.options.access_token_lifetime,
            self.options.refresh_token_lifetime,
        );
        let access_token = random_token();
        let refresh_token = random_token();
        let expiring = |life: Duration| Expiring {
            authorization,
            expires_at: now + life,
        };
        self.access
            .insert(access_token.clone(), expiring(access_life));
        self.refresh
            .insert(refresh_token.clone(), expiring(refresh_life));
        TokenPair {
            access_token,
            expires_in: access_life.as_secs(),
            refresh_token,
            refresh_token_expires_in: refresh_life.as_secs(),
        }
    }

    /// What `access_token` stands for and whether it may be used now; `None` if unknown.
    pub fn lookup(&self, access_token: &str, now: Instant) -> Option<(Authorized, Validity)> {
        let entry = self.access.get(access_token)?;
        let authorization = &self.authorizations[entry.authorization];
        let validity = if authorization.revoked {
            Validity::Revoked
        } else if entry.expires_at <= now {
            Validity::Expired
        } else {
            Validity::Valid
        };
        Some((authorization.granted.clone(), validity))
    }

    /// Revokes the authorization behind `refresh_token` (its access tokens stop working).
    /// False if the token is unknown (or was already rotated away).
    pub fn revoke_refresh(&mut self, refresh_token: &str) -> bool {
        let Some(entry) = self.refresh.get(refresh_token) else {
            return false;
        };
        self.authorizations[entry.authorization].revoked = true;
        true
    }

    /// Lets every access token issued so far expire at `now`.
    pub fn expire_access_tokens(&mut self, now: Instant) {
        for entry in self.access.values_mut() {
            entry.expires_at = entry.expires_at.min(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> TokenStore {
        TokenStore::new(OAuthOptions::default())
    }

    #[tokio::test(start_paused = true)]
    async fn refresh_rotates_and_old_tokens_are_refused() {
        let mut store = store();
        let now = Instant::now();
        let first = store.issue("c", Subject::Person("p".into()), vec!["s".into()], now);
        let second = store.refresh("c", &first.refresh_token, now).unwrap();
        assert_ne!(second.refresh_token, first.refresh_token);
        assert!(store.refresh("c", &first.refresh_token, now).is_err());
        assert!(store.refresh("other", &second.refresh_token, now).is_err());
        let (who, validity) = store.lookup(&first.access_token, now).unwrap();
        assert_eq!(
            (who.subject, validity),
            (Subject::Person("p".into()), Validity::Valid)
        );
        store.expire_access_tokens(now);
        assert_eq!(
            store.lookup(&second.access_token, now).unwrap().1,
            Validity::Expired
        );
        assert!(store.revoke_refresh(&second.refresh_token));
        assert_eq!(
            store.lookup(&first.access_token, now).unwrap().1,
            Validity::Revoked
        );
        assert!(store.refresh("c", &second.refresh_token, now).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn codes_are_single_use_and_bound_to_client_and_redirect() {
        let mut store = store();
        let now = Instant::now();
        let code = store.new_code("c", "http://x/cb", "p", vec![], now);
        assert!(store.exchange_code("c", &code, "http://y/cb", now).is_err());
        let code = store.new_code("c", "http://x/cb", "p", vec![], now);
        assert!(store.exchange_code("d", &code, "http://x/cb", now).is_err());
        let code = store.new_code("c", "http://x/cb", "p", vec![], now);
        assert!(store.exchange_code("c", &code, "http://x/cb", now).is_ok());
        assert!(store.exchange_code("c", &code, "http://x/cb", now).is_err());
        let late = store.new_code("c", "http://x/cb", "p", vec![], now);
        let later = now + CODE_LIFETIME;
        assert!(
            store
                .exchange_code("c", &late, "http://x/cb", later)
                .is_err()
        );
    }
}
