//! Signing roombot in as an admin (`roombot auth login`, and `GET /oauth/callback` on the
//! server): the consent URL with a single-use state kept in the store, then the code Webex
//! redirects back with, exchanged for a refresh token that is kept in the store. The kept token
//! is what the admin client uses from then on (until the configured one changes).

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::identity::{admin_token_name, fingerprint};
use crate::settings::{AdminSettings, Settings};
use crate::store::{KeptSecret, Store};
use crate::webex::OAuthClient;
use crate::webex::oauth::{authorize_url, exchange_code};

/// Where the consent's state waits for the callback.
const STATE: &str = "admin sign-in state";

/// The redirect address for `settings`: the server's public URL, else a loopback address the
/// login command listens on itself.
pub fn redirect_uri(settings: &Settings) -> String {
    match &settings.server.public_url {
        Some(url) => format!("{}/oauth/callback", url.as_str().trim_end_matches('/')),
        None => "http://127.0.0.1:8765/oauth/callback".to_owned(),
    }
}

/// Starts a sign-in: keeps a fresh state and returns the consent page's address.
pub async fn begin(settings: &Settings, store: &Store, redirect_uri: &str) -> anyhow::Result<Url> {
    let admin = admin(settings)?;
    let state = uuid::Uuid::new_v4().simple().to_string();
    let kept = KeptSecret {
        secret: SecretString::from(state.clone()),
        setting_fingerprint: String::new(),
    };
    store.keep_secret(STATE, kept).await?;
    Ok(authorize_url(
        &settings.webex.api_base,
        &admin.client_id,
        redirect_uri,
        &state,
    ))
}

/// Finishes a sign-in with the `code` Webex redirected back with: checks `state` (when the
/// redirect carried one) against the kept one, exchanges the code and keeps the refresh token.
pub async fn finish(
    settings: &Settings,
    store: &Store,
    code: &str,
    state: Option<&str>,
    redirect_uri: &str,
) -> anyhow::Result<()> {
    let admin = admin(settings)?;
    if let Some(state) = state {
        let kept = store.kept_secret(STATE).await?;
        let expected = kept.as_ref().map(|k| k.secret.expose_secret());
        anyhow::ensure!(
            expected == Some(state),
            "this sign-in was not started here, or was already used: run `roombot auth login` again"
        );
        // Single use: a replayed redirect finds no state.
        let used = KeptSecret {
            secret: SecretString::from(uuid::Uuid::new_v4().simple().to_string()),
            setting_fingerprint: String::new(),
        };
        store.keep_secret(STATE, used).await?;
    }
    let client = OAuthClient {
        client_id: admin.client_id.clone(),
        client_secret: admin.client_secret.clone(),
    };
    let refresh = exchange_code(
        &settings.webex.api_base,
        &client,
        code,
        redirect_uri,
        settings.webex.timeout,
    )
    .await?;
    // Kept against today's setting: it wins until that setting changes.
    let kept = KeptSecret {
        secret: refresh,
        setting_fingerprint: admin
            .refresh_token
            .as_ref()
            .map(fingerprint)
            .unwrap_or_default(),
    };
    store
        .keep_secret(&admin_token_name(&admin.client_id), kept)
        .await?;
    tracing::info!(client_id = %admin.client_id, "roombot signed in with admin access");
    Ok(())
}

fn admin(settings: &Settings) -> anyhow::Result<&AdminSettings> {
    settings.webex.admin.as_ref().context(
        "set webex.admin.client_id and webex.admin.client_secret (ROOMBOT__WEBEX__ADMIN__CLIENT_ID, \
         ROOMBOT__WEBEX__ADMIN__CLIENT_SECRET) to the integration's, then sign in",
    )
}
