//! OAuth as Webex does it, for the admin credential of a bot service:
//!
//! - [`consent`]: `GET /v1/authorize` (a plain HTML consent page where a demo person approves
//!   an integration's scopes; no script, so a headless client can submit its form) and
//!   `POST /v1/authorize` (the form: redirects to `redirect_uri` with `code` and `state`, or
//!   `error=access_denied`).
//! - [`token`]: `POST /v1/access_token` (form-encoded `authorization_code` and `refresh_token`
//!   grants, client id and secret checked, refresh tokens rotate) and
//!   `POST /v1/applications/{id}/token` (a service app's tokens, asked for by its developer).
//! - [`store`]: registered clients, authorizations and tokens with expiry and revocation.
//!
//! Tokens answer `{access_token, expires_in, refresh_token, refresh_token_expires_in,
//! token_type}`. Refusals use Webex's error envelope plus OAuth's `error` and
//! `error_description`: 400 for malformed requests, 401 for an unknown client or a code or
//! refresh token that is unknown, spent, expired or revoked. An expired or revoked access token
//! gets 401 from every API route (see `sandbox::auth`).

pub mod consent;
pub mod store;
pub mod token;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::error::new_tracking_id;
use super::ids;
use super::state::Shared;
use store::TokenStore;

/// Lifetimes of issued tokens (Webex: about 14 days and 90 days; tests use seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OAuthOptions {
    /// How long an access token works.
    pub access_token_lifetime: Duration,
    /// How long a refresh token works (each refresh issues a new one with a fresh lifetime).
    pub refresh_token_lifetime: Duration,
}

impl Default for OAuthOptions {
    fn default() -> Self {
        Self {
            access_token_lifetime: Duration::from_secs(14 * 24 * 3600),
            refresh_token_lifetime: Duration::from_secs(90 * 24 * 3600),
        }
    }
}

/// An OAuth integration registered with the sandbox (developer.webex.com's "My Apps").
#[derive(Clone, PartialEq, Eq)]
pub struct Integration {
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the consent page may send people back (exact match).
    pub redirect_uris: Vec<String>,
}

/// A service app that an administrator of the demo organisation authorized in Control Hub.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceApp {
    /// The application id (`POST /v1/applications/{id}/token`).
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    /// The scopes the admin approved.
    pub scopes: Vec<String>,
    /// The organisation it was authorized for.
    pub org_id: String,
    /// Its machine account's REST id and email (who its tokens act as).
    pub person_id: String,
    pub email: String,
}

/// Tokens as the token endpoints answer them.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub access_token: String,
    /// Seconds.
    pub expires_in: u64,
    pub refresh_token: String,
    /// Seconds.
    pub refresh_token_expires_in: u64,
}

macro_rules! redacted_debug {
    ($type:ty, $($field:ident),*) => {
        impl fmt::Debug for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($type))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }
    };
}
redacted_debug!(Integration, name, client_id, redirect_uris);
redacted_debug!(ServiceApp, id, name, client_id, scopes, org_id, email);
redacted_debug!(TokenPair, expires_in, refresh_token_expires_in);

/// A refusal of the OAuth endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    /// OAuth's error code (`invalid_client`, `invalid_grant`, …).
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    /// 400 `invalid_request`.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 401 `invalid_client`.
    pub fn invalid_client() -> Self {
        let text = "The client_id and client_secret do not match a registered client.";
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", text)
    }

    /// 401 `invalid_grant`: a code or refresh token that is unknown, spent, expired or revoked.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_grant", description)
    }

    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let tracking_id = new_tracking_id();
        let body = json!({
            "message": self.description,
            "errors": [{"description": self.description}],
            "trackingId": tracking_id,
            "error": self.error,
            "error_description": self.description,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Ok(value) = HeaderValue::from_str(&tracking_id) {
            response.headers_mut().insert("trackingId", value);
        }
        response
    }
}

impl TokenStore {
    /// Registers an integration allowed to send people back to `redirect_uris`.
    pub fn register_integration(&mut self, name: &str, redirect_uris: &[&str]) -> Integration {
        let integration = Integration {
            name: name.to_owned(),
            client_id: format!("C{}", hex_id()),
            client_secret: hex_id(),
            redirect_uris: redirect_uris.iter().map(|u| u.to_string()).collect(),
        };
        self.integrations.push(integration.clone());
        integration
    }

    /// Registers a service app with `scopes`, authorized for `org_id` by an admin.
    pub fn register_service_app(
        &mut self,
        name: &str,
        scopes: &[&str],
        org_id: &str,
    ) -> ServiceApp {
        let slug: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let app = ServiceApp {
            id: ids::new_id("APPLICATION"),
            name: name.to_owned(),
            client_id: format!("C{}", hex_id()),
            client_secret: hex_id(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            org_id: org_id.to_owned(),
            person_id: ids::new_id("PEOPLE"),
            email: format!("{}@serviceapps.example.com", slug.trim_matches('-')),
        };
        self.service_apps.push(app.clone());
        app
    }
}

/// 64 hex digits, as Webex client ids and secrets look.
fn hex_id() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// The routes that need no bearer token: the consent page and the token endpoint.
pub fn public_routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/authorize", get(consent::page).post(consent::decide))
        .route("/v1/access_token", post(token::access_token))
}

/// The routes a bearer token calls: a service app's tokens.
pub fn authenticated_routes() -> Router<Arc<Shared>> {
    Router::new().route(
        "/v1/applications/{id}/token",
        post(token::service_app_token),
    )
}
