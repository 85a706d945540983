//! Start-up: the Webex client from settings, and the bot's identity from `GET /people/me`, asked
//! until Webex answers: transient failures never stop start-up, a rejected token does.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::webex::{ClientConfig, OrgId, Person, PersonId, WebexClient, WebexError, retry};

/// Who the bot is, from `GET /people/me`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub id: PersonId,
    pub display_name: String,
    pub org_id: Option<OrgId>,
}

/// How long one try of `GET /people/me` may retry inside the client before start-up reports
/// the failure (in `/readyz`) and tries again.
const ME_TRY: Duration = Duration::from_secs(5);

/// A Webex client configured from settings, reporting its calls to `metrics`.
pub fn client(settings: &Settings, metrics: Arc<Metrics>) -> anyhow::Result<WebexClient> {
    let token = settings.require_token()?.clone();
    let mut config = ClientConfig::new(settings.webex.api_base.clone(), token);
    config.timeout = settings.webex.timeout;
    config.max_in_flight = settings.webex.max_in_flight;
    config.retry_deadline = settings.webex.retry_deadline;
    config.backoff_base = settings.webex.retry_backoff;
    config.retry_after_cap = settings.webex.retry_after_cap;
    let observer: crate::webex::Observer = Arc::new(move |call: &crate::webex::CallRecord| {
        let status = call
            .status
            .map_or_else(|| "error".to_owned(), |s| s.to_string());
        metrics.webex_call(call.method.as_str(), call.endpoint, &status, call.elapsed);
    });
    Ok(WebexClient::new(config)?.with_observer(observer))
}

/// Asks Webex who the bot is until it answers. Transient failures (5xx, 429, timeouts, no
/// connection) are waited out with backoff and passed to `on_wait`; a rejected token (401/403),
/// another client error or an answer that is not a person fails at once.
pub async fn who_am_i(
    webex: &WebexClient,
    on_wait: impl Fn(&WebexError),
) -> anyhow::Result<BotIdentity> {
    let mut attempt = 1;
    loop {
        let error = match retry::within(Instant::now() + ME_TRY, webex.me()).await {
            Ok(person) => return Ok(identity_of(person)),
            Err(error) => error,
        };
        if matches!(error.status(), Some(401 | 403)) {
            anyhow::bail!(
                "Webex rejected the bot token (webex.token / ROOMBOT__WEBEX__TOKEN): {error}"
            );
        }
        if !error.is_transient() {
            anyhow::bail!(
                "GET /people/me failed; is webex.api_base (ROOMBOT__WEBEX__API_BASE) right? {error}"
            );
        }
        let wait = webex.backoff(attempt);
        tracing::warn!(%error, attempt, wait_ms = wait.as_millis() as u64, "cannot learn who the bot is yet; retrying");
        on_wait(&error);
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

fn identity_of(person: Person) -> BotIdentity {
    BotIdentity {
        display_name: person.display_name.unwrap_or_else(|| "roombot".into()),
        org_id: person.org_id,
        id: person.id,
    }
}
