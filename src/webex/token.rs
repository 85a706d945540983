//! Where a request's bearer token comes from: the bot's fixed token, or an OAuth refresh token
//! (an integration or service app an org admin authorized) exchanged at
//! `POST {api_base}/access_token` for short-lived access tokens. A [`Refresher`] refreshes
//! before expiry and once after a 401, one refresh at a time; Webex rotates refresh tokens, and
//! each new one is handed to `on_rotate` (to be kept). No token ever reaches a log line.
//!
//! Documentation: <https://developer.webex.com/docs/integrations> ("Using the Refresh Token").

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::error::WebexError;

/// An access token is refreshed when it expires within this margin.
const EXPIRY_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Called with each new refresh token Webex hands out (rotation), to be kept; the refresh
/// waits for it, so a token Webex already replaced is never the only one kept.
pub type OnRotate = Arc<
    dyn Fn(SecretString) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

/// Asked for a newer refresh token when Webex refuses the current one (an admin signed roombot
/// in again meanwhile, `roombot auth login`); `None` when there is none.
pub type Reload = Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<SecretString>> + Send>>
        + Send
        + Sync,
>;

/// The bearer token of a client.
#[derive(Clone)]
pub enum Credential {
    /// A fixed token: the bot's.
    Static(SecretString),
    /// Access tokens from a refresh token.
    Refreshing(Arc<Refresher>),
}

/// An integration's (or service app's) id and secret, as registered with Webex.
#[derive(Clone)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: SecretString,
}

/// What a refresh gave, for `roombot check` (never the tokens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// How long the access token lasts.
    pub expires_in: Duration,
    /// How long the refresh token lasts, when Webex says.
    pub refresh_expires_in: Option<Duration>,
    /// Scopes granted, when Webex says.
    pub scopes: Option<String>,
}

/// Exchanges a refresh token for access tokens, keeping the current one.
pub struct Refresher {
    client: OAuthClient,
    token_url: Url,
    http: reqwest::Client,
    state: Mutex<State>,
    on_rotate: Option<OnRotate>,
    reload: Option<Reload>,
}

struct State {
    refresh: SecretString,
    access: Option<Access>,
    /// Bumped at each refresh, so a 401 only drops the token it was given.
    generation: u64,
}

struct Access {
    token: SecretString,
    expires_at: Instant,
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct Grant {
    access_token: SecretString,
    expires_in: u64,
    refresh_token: Option<SecretString>,
    refresh_token_expires_in: Option<u64>,
    scope: Option<String>,
}

impl fmt::Debug for Refresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refresher")
            .field("client_id", &self.client.client_id)
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

impl Refresher {
    /// Sends the token requests through `proxy`, each within `timeout`.
    pub fn via_proxy(
        mut self,
        proxy: &super::client::HttpProxy,
        timeout: Duration,
    ) -> Result<Self, WebexError> {
        self.http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("roombot/", env!("CARGO_PKG_VERSION")))
            .proxy(proxy.to_reqwest()?)
            .build()
            .map_err(|e| WebexError::InvalidRequest(format!("cannot build HTTP client: {e}")))?;
        Ok(self)
    }

    /// A refresher for `client` holding `refresh_token`; tokens come from `{api_base}/access_token`.
    pub fn new(
        client: OAuthClient,
        refresh_token: SecretString,
        api_base: &Url,
        timeout: Duration,
    ) -> Result<Self, WebexError> {
        let token_url = super::oauth::endpoint(api_base, "access_token");
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("roombot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WebexError::InvalidRequest(format!("cannot build HTTP client: {e}")))?;
        Ok(Self {
            client,
            token_url,
            http,
            state: Mutex::new(State {
                refresh: refresh_token,
                access: None,
                generation: 0,
            }),
            on_rotate: None,
            reload: None,
        })
    }

    /// Asks `reload` for a newer refresh token when Webex refuses the current one.
    pub fn reload_with(mut self, reload: Reload) -> Self {
        self.reload = Some(reload);
        self
    }

    /// Hands each rotated refresh token to `on_rotate`.
    pub fn on_rotate(mut self, on_rotate: OnRotate) -> Self {
        self.on_rotate = Some(on_rotate);
        self
    }

    /// A valid access token and its generation: the current one, else a fresh one.
    pub async fn access_token(&self) -> Result<(SecretString, u64), WebexError> {
        let mut state = self.state.lock().await;
        if let Some(access) = &state.access
            && access.expires_at > Instant::now() + EXPIRY_MARGIN
        {
            return Ok((access.token.clone(), state.generation));
        }
        self.refresh_locked(&mut state).await?;
        let token = state.access.as_ref().map(|a| a.token.clone());
        token
            .map(|t| (t, state.generation))
            .ok_or_else(|| WebexError::InvalidRequest("no access token after a refresh".into()))
    }

    /// Webex answered 401 to the token of `generation`: drop it (unless a newer one replaced it
    /// meanwhile), so the next call refreshes.
    pub async fn reject(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state.generation == generation {
            state.access = None;
        }
    }

    /// Refreshes now (for `roombot check`), whatever the current token's age.
    pub async fn refresh(&self) -> Result<TokenInfo, WebexError> {
        let mut state = self.state.lock().await;
        self.refresh_locked(&mut state).await
    }

    async fn refresh_locked(&self, state: &mut State) -> Result<TokenInfo, WebexError> {
        let error = match self.exchange(state).await {
            Ok(info) => return Ok(info),
            Err(error) => error,
        };
        // Refused: perhaps an admin signed roombot in again; try their newer token once.
        let newer = match &self.reload {
            Some(reload) => reload().await,
            None => None,
        };
        match newer {
            Some(token) if token.expose_secret() != state.refresh.expose_secret() => {
                tracing::info!(client_id = %self.client.client_id, "trying the newer admin refresh token");
                state.refresh = token;
                self.exchange(state).await
            }
            _ => Err(error),
        }
    }

    async fn exchange(&self, state: &mut State) -> Result<TokenInfo, WebexError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client.client_id.as_str()),
            ("client_secret", self.client.client_secret.expose_secret()),
            ("refresh_token", state.refresh.expose_secret()),
        ];
        let tracking_id = format!("ROOMBOT_{}", uuid::Uuid::new_v4());
        let response = self
            .http
            .post(self.token_url.clone())
            .header("TrackingID", &tracking_id)
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                credential_error(
                    &format!("cannot reach Webex: {}", e.without_url()),
                    &tracking_id,
                )
            })?;
        let status = response.status();
        let header_id = response
            .headers()
            .get("trackingid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.unwrap_or_default();
        let tracking_id = header_id.unwrap_or(tracking_id);
        if !status.is_success() {
            return Err(credential_error(
                &refusal_text(status.as_u16(), &body),
                &tracking_id,
            ));
        }
        let grant: Grant = serde_json::from_slice(&body).map_err(|_| {
            credential_error("Webex's token answer could not be read", &tracking_id)
        })?;
        let (info, rotated) = self.install(state, grant);
        if let (Some(rotated), Some(on_rotate)) = (rotated, &self.on_rotate) {
            on_rotate(rotated).await;
        }
        Ok(info)
    }

    /// Takes a grant: the new access token, and a rotated refresh token (returned, to be kept).
    fn install(&self, state: &mut State, grant: Grant) -> (TokenInfo, Option<SecretString>) {
        let expires_in = Duration::from_secs(grant.expires_in);
        state.access = Some(Access {
            token: grant.access_token,
            expires_at: Instant::now() + expires_in,
        });
        state.generation += 1;
        let rotated = grant
            .refresh_token
            .filter(|new| new.expose_secret() != state.refresh.expose_secret());
        if let Some(new) = &rotated {
            state.refresh = new.clone();
        }
        tracing::info!(
            client_id = %self.client.client_id,
            expires_in_secs = expires_in.as_secs(),
            "admin access token refreshed"
        );
        let info = TokenInfo {
            expires_in,
            refresh_expires_in: grant.refresh_token_expires_in.map(Duration::from_secs),
            scopes: grant.scope,
        };
        (info, rotated)
    }
}

impl Credential {
    /// The token for the next attempt, with the generation to hand back on a 401 (0 for fixed
    /// tokens, which are never refreshed).
    pub(crate) async fn token(&self) -> Result<(SecretString, u64), WebexError> {
        match self {
            Self::Static(token) => Ok((token.clone(), 0)),
            Self::Refreshing(refresher) => refresher.access_token().await,
        }
    }
}

fn credential_error(message: &str, tracking_id: &str) -> WebexError {
    WebexError::Credential {
        message: message.to_owned(),
        tracking_id: tracking_id.to_owned(),
    }
}

/// The token endpoint's refusal in words: OAuth's `error`/`error_description`, or Webex's
/// `message`, never the request.
fn refusal_text(status: u16, body: &[u8]) -> String {
    #[derive(Deserialize, Default)]
    struct Refusal {
        error: Option<String>,
        error_description: Option<String>,
        message: Option<String>,
    }
    let refusal: Refusal = serde_json::from_slice(body).unwrap_or_default();
    let what = [refusal.error, refusal.error_description, refusal.message]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(": ");
    match what.is_empty() {
        true => format!("Webex refused the admin refresh token ({status})"),
        false => format!("Webex refused the admin refresh token ({status}, {what})"),
    }
}
