//! The `WebexClient` handle: configuration, the shared HTTP client, the in-flight semaphore and
//! the metrics observer. Resource files add their calls as `impl WebexClient` blocks.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use secrecy::SecretString;
use tokio::sync::Semaphore;
use url::Url;

use super::error::WebexError;
use super::token::{Credential, Refresher};

/// How to reach Webex and how hard to push it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// API root, e.g. `https://webexapis.com/v1` (a trailing `/` is optional).
    pub base_url: Url,
    /// The bot's access token (never logged).
    pub token: SecretString,
    /// Per-attempt timeout, connect to last body byte.
    pub timeout: Duration,
    /// Requests in flight at once across all clones of the client.
    pub max_in_flight: usize,
    /// How long a call (or, inside [`retry::within`](super::retry::within), all the calls of
    /// one event) may keep retrying.
    pub retry_deadline: Duration,
    /// First backoff step after a transient failure (it doubles per failure, up to 10 s).
    pub backoff_base: Duration,
    /// Wait after a 429/423 that has no usable `Retry-After`.
    pub retry_after_default: Duration,
    /// Longest wait honoured from a `Retry-After`.
    pub retry_after_cap: Duration,
    /// An HTTP proxy for the calls and the hosts that bypass it; `None`: reqwest's own
    /// environment lookup.
    pub proxy: Option<HttpProxy>,
}

/// An HTTP proxy for Webex calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpProxy {
    /// `http://host:port`.
    pub url: Url,
    /// Comma-separated hosts that bypass it (reqwest's `NoProxy` syntax).
    pub no_proxy: String,
    /// Only for `https://` targets (a proxy from `HTTPS_PROXY`); else for every target.
    pub secure_only: bool,
}

impl HttpProxy {
    /// The proxy as reqwest takes it.
    pub fn to_reqwest(&self) -> Result<reqwest::Proxy, WebexError> {
        let proxy = if self.secure_only {
            reqwest::Proxy::https(self.url.as_str())
        } else {
            reqwest::Proxy::all(self.url.as_str())
        };
        let proxy =
            proxy.map_err(|e| WebexError::InvalidRequest(format!("cannot use the proxy: {e}")))?;
        Ok(proxy.no_proxy(reqwest::NoProxy::from_string(&self.no_proxy)))
    }
}

impl ClientConfig {
    /// Defaults: 30 s timeout, 8 in flight, retries for 2 minutes, `Retry-After` default 5 s
    /// capped at 60 s.
    pub fn new(base_url: Url, token: SecretString) -> Self {
        Self {
            base_url,
            token,
            timeout: Duration::from_secs(30),
            max_in_flight: 8,
            retry_deadline: Duration::from_secs(30),
            backoff_base: Duration::from_millis(500),
            retry_after_default: Duration::from_secs(5),
            retry_after_cap: Duration::from_secs(60),
            proxy: None,
        }
    }
}

/// One HTTP attempt, reported to the observer (metrics, the sandbox's call log).
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// HTTP method.
    pub method: Method,
    /// Route template, e.g. `messages/{id}` or `xapi/command`.
    pub endpoint: &'static str,
    /// Response status; `None` when no response arrived (timeout, connection error).
    pub status: Option<u16>,
    /// Time from sending to the last body byte (or the failure).
    pub elapsed: Duration,
    /// The `TrackingID` we sent.
    pub tracking_id: String,
}

/// Callback invoked once per HTTP attempt.
pub type Observer = Arc<dyn Fn(&CallRecord) + Send + Sync>;

/// The Webex REST client. Cheap to clone: clones share connections and the in-flight limit.
#[derive(Clone)]
pub struct WebexClient {
    pub(crate) inner: Arc<Inner>,
    pub(crate) observer: Option<Observer>,
    /// Where the bearer token comes from (`config.token`, unless a refresher replaced it).
    pub(crate) credential: Credential,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// `config.base_url` with its path ending in `/`.
    pub(crate) base: Url,
    pub(crate) config: ClientConfig,
    pub(crate) permits: Semaphore,
}

impl fmt::Debug for WebexClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebexClient")
            .field("host", &self.inner.base.host_str())
            .field("max_in_flight", &self.inner.config.max_in_flight)
            .finish_non_exhaustive()
    }
}

impl WebexClient {
    /// Builds the client once; share it by cloning.
    pub fn new(config: ClientConfig) -> Result<Self, WebexError> {
        let base = normalise_base(&config.base_url)?;
        let cannot = |e: reqwest::Error| {
            WebexError::InvalidRequest(format!("cannot build HTTP client: {e}"))
        };
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("roombot/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = &config.proxy {
            builder = builder.proxy(proxy.to_reqwest()?);
        }
        let http = builder.build().map_err(cannot)?;
        let permits = Semaphore::new(config.max_in_flight.max(1));
        let credential = Credential::Static(config.token.clone());
        let inner = Inner {
            http,
            base,
            config,
            permits,
        };
        Ok(Self {
            inner: Arc::new(inner),
            observer: None,
            credential,
        })
    }

    /// Takes its bearer tokens from `refresher` (an admin credential) instead of `config.token`.
    pub fn with_refresher(mut self, refresher: Arc<Refresher>) -> Self {
        self.credential = Credential::Refreshing(refresher);
        self
    }

    /// The refresher behind this client's tokens, if they are refreshed.
    pub fn refresher(&self) -> Option<&Arc<Refresher>> {
        match &self.credential {
            Credential::Refreshing(refresher) => Some(refresher),
            Credential::Static(_) => None,
        }
    }

    /// Calls `observer` once per HTTP attempt (after the answer or the failure).
    pub fn with_observer(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Runs `work` (one attempt at handling an event) under one retry deadline shared by every
    /// Webex call inside it: `retry_deadline` from now, or `until` (the event's own deadline)
    /// when that comes first.
    pub async fn with_event_deadline<F: std::future::Future>(
        &self,
        until: tokio::time::Instant,
        work: F,
    ) -> F::Output {
        let deadline = (tokio::time::Instant::now() + self.inner.config.retry_deadline).min(until);
        super::retry::within(deadline, work).await
    }

    /// Runs `work` with its own retry deadline, `retry_deadline` from now, even past the
    /// enclosing event's: once an action has begun, its calls and the reply are seen through.
    pub async fn with_fresh_deadline<F: std::future::Future>(&self, work: F) -> F::Output {
        let deadline = tokio::time::Instant::now() + self.inner.config.retry_deadline;
        super::retry::afresh(deadline, work).await
    }

    /// A backoff wait (with random jitter) before try number `failures + 1` of something that
    /// failed `failures` times, for retry loops above single calls.
    pub fn backoff(&self, failures: u32) -> Duration {
        super::retry::backoff(
            self.inner.config.backoff_base,
            failures,
            super::retry::random_jitter(),
        )
    }

    /// The API root with a trailing `/`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }
}

/// Checks the base URL and makes its path end in `/` so relative paths append to it. A user or
/// password in it is dropped: Webex takes the bearer token, and the HTTP client would otherwise
/// send them as Basic credentials instead.
fn normalise_base(url: &Url) -> Result<Url, WebexError> {
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(WebexError::InvalidRequest(format!(
            "Webex base URL must be http(s): {url}"
        )));
    }
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let _ = base.set_password(None);
    let _ = base.set_username("");
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_gets_a_trailing_slash_once() {
        for raw in ["https://webexapis.com/v1", "https://webexapis.com/v1/"] {
            let base = normalise_base(&Url::parse(raw).expect("valid URL")).expect("accepted");
            assert_eq!(base.as_str(), "https://webexapis.com/v1/", "from {raw}");
        }
    }

    #[test]
    fn credentials_in_the_base_are_dropped() {
        let url = Url::parse("https://bot:pw@proxy.example.com/v1").expect("valid URL");
        let base = normalise_base(&url).expect("accepted");
        assert_eq!(base.as_str(), "https://proxy.example.com/v1/");
    }

    #[test]
    fn non_http_base_is_refused() {
        let url = Url::parse("mailto:bot@example.com").expect("valid URL");
        assert!(normalise_base(&url).is_err());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let config = ClientConfig::new(
            Url::parse("https://webexapis.com/v1").expect("valid URL"),
            SecretString::from("super-secret-token"),
        );
        let client = WebexClient::new(config.clone()).expect("client builds");
        let shown = format!("{config:?} {client:?}");
        assert!(!shown.contains("super-secret-token"), "{shown}");
    }
}
