//! Start-up: the Webex client from settings, and the bot's identity from `GET /people/me`.

use std::sync::Arc;
use std::time::Duration;

use crate::app::BotIdentity;
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::webex::{ClientConfig, WebexClient, WebexError};

/// How often `GET /people/me` is tried before start-up gives up.
const ME_ATTEMPTS: u32 = 5;

/// A Webex client configured from settings, reporting its calls to `metrics`.
pub fn client(settings: &Settings, metrics: Arc<Metrics>) -> anyhow::Result<WebexClient> {
    let token = settings.require_token()?.clone();
    let mut config = ClientConfig::new(settings.webex.api_base.clone(), token);
    config.timeout = settings.webex.timeout;
    config.max_in_flight = settings.webex.max_in_flight;
    config.retry_deadline = settings.webex.retry_deadline;
    config.retry_after_cap = settings.webex.retry_after_cap;
    let observer: crate::webex::Observer = Arc::new(move |call: &crate::webex::CallRecord| {
        let status = call
            .status
            .map_or_else(|| "error".to_owned(), |s| s.to_string());
        metrics.webex_call(call.method.as_str(), call.endpoint, &status, call.elapsed);
    });
    Ok(WebexClient::new(config)?.with_observer(observer))
}

/// Asks Webex who the bot is, retrying transient failures; a rejected token fails at once.
pub async fn who_am_i(webex: &WebexClient) -> anyhow::Result<BotIdentity> {
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1;
    loop {
        match webex.me().await {
            Ok(person) => {
                return Ok(BotIdentity {
                    display_name: person.display_name.unwrap_or_else(|| "roombot".into()),
                    org_id: person.org_id.map(|o| o.as_str().to_owned()),
                    id: person.id.into_inner(),
                });
            }
            Err(error) if matches!(error.status(), Some(401 | 403)) => {
                anyhow::bail!(
                    "Webex rejected the bot token (webex.token / ROOMBOT__WEBEX__TOKEN): {error}"
                );
            }
            Err(error) if attempt < ME_ATTEMPTS => {
                tracing::warn!(%error, attempt, "GET /people/me failed; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            Err(error) => return Err(report(error)),
        }
    }
}

fn report(error: WebexError) -> anyhow::Error {
    anyhow::anyhow!("cannot reach Webex to learn who the bot is (GET /people/me): {error}")
}
