//! The admin's consent (OAuth authorization code flow, for `roombot auth login`): the authorize
//! URL with the scopes roombot needs, and the exchange of the code Webex redirects back with for
//! a refresh token. <https://developer.webex.com/docs/integrations>

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::error::WebexError;
use super::token::OAuthClient;

/// What roombot asks an admin to approve: every device and workspace (names, all devices,
/// configurations, tags, deletes), workspace locations and locations with their floors,
/// activation codes, and people (who asked). xAPI stays with the bot's own grants.
pub const ADMIN_SCOPES: &[&str] = &[
    "spark:people_read",
    "spark-admin:devices_read",
    "spark-admin:devices_write",
    "spark-admin:workspaces_read",
    "spark-admin:workspaces_write",
    "spark-admin:workspace_locations_read",
    "spark-admin:workspace_locations_write",
    "spark-admin:locations_read",
    "spark-admin:locations_write",
    "identity:placeonetimepassword_create",
];

/// The consent page's address: `{api_base}/authorize` with the client, redirect, scopes, state.
pub fn authorize_url(api_base: &Url, client_id: &str, redirect_uri: &str, state: &str) -> Url {
    let mut url = endpoint(api_base, "authorize");
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", &ADMIN_SCOPES.join(" "))
        .append_pair("state", state);
    url
}

#[derive(Deserialize)]
struct Grant {
    refresh_token: SecretString,
}

/// Exchanges the consent's `code` for a refresh token (`grant_type=authorization_code`).
pub async fn exchange_code(
    api_base: &Url,
    client: &OAuthClient,
    code: &str,
    redirect_uri: &str,
    timeout: Duration,
) -> Result<SecretString, WebexError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.expose_secret()),
        ("code", code),
        ("redirect_uri", redirect_uri),
    ];
    let refused = |message: String| WebexError::Credential {
        message,
        tracking_id: String::new(),
    };
    let response = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| refused(format!("cannot build an HTTP client: {e}")))?
        .post(endpoint(api_base, "access_token"))
        .form(&form)
        .send()
        .await
        .map_err(|e| refused(format!("cannot reach Webex: {}", e.without_url())))?;
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    if !status.is_success() {
        let why = String::from_utf8_lossy(&body)
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect::<String>();
        return Err(refused(format!("Webex refused the code ({status}): {why}")));
    }
    serde_json::from_slice::<Grant>(&body)
        .map(|grant| grant.refresh_token)
        .map_err(|_| refused("Webex's token answer could not be read".into()))
}

/// `{api_base}/<name>`.
pub(crate) fn endpoint(api_base: &Url, name: &str) -> Url {
    let mut url = api_base.clone();
    let path = format!("{}/{name}", api_base.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_url_asks_for_the_admin_scopes_with_state() {
        let base = Url::parse("https://webexapis.com/v1/").unwrap();
        let url = authorize_url(&base, "C1", "https://bot.example.com/oauth/callback", "S1");
        assert_eq!(url.path(), "/v1/authorize");
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| {
            query
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("state"), Some("S1"));
        assert!(
            get("scope")
                .unwrap()
                .contains("spark-admin:workspaces_write")
        );
    }
}
