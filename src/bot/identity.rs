//! Start-up: the Webex client from settings, and the bot's identity from `GET /people/me`, asked
//! until Webex answers: transient failures never stop start-up, a rejected token does.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::store::{KeptSecret, Store};
use crate::webex::{
    ClientConfig, OAuthClient, OnRotate, OrgId, Person, PersonId, Refresher, Reload, WebexClient,
    WebexError, retry,
};

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
    client_with(settings, metrics, token)
}

/// The Webex client's proxy from `webex.proxy` or the environment's.
fn http_proxy(settings: &Settings) -> Option<crate::webex::HttpProxy> {
    let proxy = settings.webex.proxy.as_ref()?;
    Some(crate::webex::HttpProxy {
        url: proxy.url.clone(),
        no_proxy: proxy.no_proxy_list(),
        secure_only: proxy.secure_only,
    })
}

fn client_with(
    settings: &Settings,
    metrics: Arc<Metrics>,
    token: secrecy::SecretString,
) -> anyhow::Result<WebexClient> {
    let mut config = ClientConfig::new(settings.webex.api_base.clone(), token);
    config.timeout = settings.webex.timeout;
    config.max_in_flight = settings.webex.max_in_flight;
    config.retry_deadline = settings.webex.retry_deadline;
    config.backoff_base = settings.webex.retry_backoff;
    config.retry_after_cap = settings.webex.retry_after_cap;
    config.proxy = http_proxy(settings);
    let observer: crate::webex::Observer = Arc::new(move |call: &crate::webex::CallRecord| {
        let status = call
            .status
            .map_or_else(|| "error".to_owned(), |s| s.to_string());
        metrics.webex_call(call.method.as_str(), call.endpoint, &status, call.elapsed);
    });
    Ok(WebexClient::new(config)?.with_observer(observer))
}

/// The admin credential's client (`None` in bot-only mode): every call's token comes from the
/// configured refresh token (`refresh_token`, when given, wins over the setting: the store's
/// rotated one), exchanged at `{webex.api_base}/access_token`; `on_rotate` keeps each new one.
pub fn admin_client(
    settings: &Settings,
    metrics: Arc<Metrics>,
    refresh_token: Option<secrecy::SecretString>,
    on_rotate: Option<crate::webex::OnRotate>,
    reload: Option<Reload>,
) -> anyhow::Result<Option<WebexClient>> {
    let Some(admin) = &settings.webex.admin else {
        return Ok(None);
    };
    let refresh_token = match refresh_token.or_else(|| admin.refresh_token.clone()) {
        Some(token) => token,
        None => {
            // Not signed in yet: admin access starts working once `roombot auth login` kept a
            // token (the refresher reloads it), no restart needed.
            tracing::warn!(
                "webex.admin.client_id is set but roombot is not signed in: run `roombot auth login` \
                 or set webex.admin.refresh_token (ROOMBOT__WEBEX__ADMIN__REFRESH_TOKEN)"
            );
            secrecy::SecretString::from(String::new())
        }
    };
    let client = OAuthClient {
        client_id: admin.client_id.clone(),
        client_secret: admin.client_secret.clone(),
    };
    let mut refresher = Refresher::new(
        client,
        refresh_token,
        &settings.webex.api_base,
        settings.webex.timeout,
    )?;
    if let Some(proxy) = http_proxy(settings) {
        refresher = refresher.via_proxy(&proxy, settings.webex.timeout)?;
    }
    if let Some(on_rotate) = on_rotate {
        refresher = refresher.on_rotate(on_rotate);
    }
    if let Some(reload) = reload {
        refresher = refresher.reload_with(reload);
    }
    // The fixed token is never sent: every call asks the refresher.
    let bot = client_with(
        settings,
        metrics,
        secrecy::SecretString::from(String::new()),
    )?;
    Ok(Some(bot.with_refresher(Arc::new(refresher))))
}

/// The admin client (`None` in bot-only mode) with its refresh token chosen and kept: the
/// store's rotated token while the setting it came from is unchanged, else the setting's (then
/// kept); each rotated token is kept before it is used.
pub async fn admin_client_kept(
    settings: &Settings,
    metrics: Arc<Metrics>,
    store: &Store,
) -> anyhow::Result<Option<WebexClient>> {
    let Some(admin) = &settings.webex.admin else {
        return Ok(None);
    };
    let name = admin_token_name(&admin.client_id);
    let fingerprint = admin
        .refresh_token
        .as_ref()
        .map(fingerprint)
        .unwrap_or_default();
    let kept = store.kept_secret(&name).await?;
    let token = match (kept, &admin.refresh_token) {
        (Some(kept), Some(_)) if kept.setting_fingerprint == fingerprint => Some(kept.secret),
        (Some(kept), None) => Some(kept.secret),
        (_, Some(setting)) => {
            let kept = KeptSecret {
                secret: setting.clone(),
                setting_fingerprint: fingerprint.clone(),
            };
            store.keep_secret(&name, kept).await?;
            Some(setting.clone())
        }
        (None, None) => None,
    };
    let reload: Reload = {
        let (store, name) = (store.clone(), name.clone());
        Arc::new(move || {
            let (store, name) = (store.clone(), name.clone());
            Box::pin(async move {
                store
                    .kept_secret(&name)
                    .await
                    .ok()
                    .flatten()
                    .map(|k| k.secret)
            })
        })
    };
    let store = store.clone();
    let on_rotate: OnRotate = Arc::new(move |secret| {
        let (store, name, fingerprint) = (store.clone(), name.clone(), fingerprint.clone());
        Box::pin(async move {
            let kept = KeptSecret {
                secret,
                setting_fingerprint: fingerprint,
            };
            if let Err(error) = store.keep_secret(&name, kept).await {
                tracing::error!(%error, "could not keep the rotated admin refresh token; after a restart admin access needs `roombot auth login`");
            }
        })
    });
    admin_client(settings, metrics, token, Some(on_rotate), Some(reload))
}

/// The store's name for the admin refresh token of integration `client_id`.
pub(crate) fn admin_token_name(client_id: &str) -> String {
    format!("admin refresh token of {client_id}")
}

/// A fingerprint of a configured secret (to notice it changed), never the secret.
pub(crate) fn fingerprint(secret: &secrecy::SecretString) -> String {
    use secrecy::ExposeSecret;
    use sha1::Digest;
    hex::encode(sha1::Sha1::digest(secret.expose_secret().as_bytes()))
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
