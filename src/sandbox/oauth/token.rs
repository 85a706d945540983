//! `POST /v1/access_token` (form-encoded: `grant_type=authorization_code` with `code` and
//! `redirect_uri`, or `grant_type=refresh_token` with `refresh_token`; always `client_id` and
//! `client_secret`) and `POST /v1/applications/{id}/token` (JSON `{clientId, clientSecret,
//! targetOrgId}`, with the developer's bearer token): both answer a [`TokenPair`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use tokio::time::Instant;

use super::store::Subject;
use super::{OAuthError, TokenPair};
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::http::parse_json;
use crate::sandbox::state::Shared;

/// The JSON a token endpoint answers.
fn token_json(pair: TokenPair) -> Response {
    Json(json!({
        "access_token": pair.access_token,
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
        "refresh_token_expires_in": pair.refresh_token_expires_in,
        "token_type": "Bearer",
    }))
    .into_response()
}

/// `POST /v1/access_token`.
pub async fn access_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match grant(&shared, &headers, &body) {
        Ok(pair) => token_json(pair),
        Err(error) => error.into_response(),
    }
}

fn grant(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<TokenPair, OAuthError> {
    let form = form_fields(headers, body)?;
    let field = |name: &str| {
        form.get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| OAuthError::invalid_request(format!("{name} is required.")))
    };
    let grant_type = field("grant_type")?;
    let client_id = field("client_id")?;
    let mut tokens = shared.tokens();
    tokens.check_client(client_id, field("client_secret")?)?;
    let now = Instant::now();
    match grant_type.as_str() {
        "authorization_code" => {
            tokens.exchange_code(client_id, field("code")?, field("redirect_uri")?, now)
        }
        "refresh_token" => tokens.refresh(client_id, field("refresh_token")?, now),
        other => Err(OAuthError {
            error: "unsupported_grant_type",
            ..OAuthError::invalid_request(format!("Unsupported grant_type '{other}'."))
        }),
    }
}

/// The form fields of an `application/x-www-form-urlencoded` body (400 for anything else, as
/// the token endpoint takes forms only).
fn form_fields(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim();
    if !media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request(
            "The token endpoint takes application/x-www-form-urlencoded bodies.",
        ));
    }
    Ok(url::form_urlencoded::parse(body).into_owned().collect())
}

/// The body of `POST /v1/applications/{id}/token`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceAppRequest {
    client_id: String,
    client_secret: String,
    target_org_id: String,
}

/// `POST /v1/applications/{id}/token`: the tokens of a service app an admin of
/// `targetOrgId` authorized (the table admits people and service apps, not bots).
pub async fn service_app_token(
    State(shared): State<Arc<Shared>>,
    Extension(_developer): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    match service_app_pair(&shared, &id, &body) {
        Ok(pair) => token_json(pair),
        Err(error) => error.into_response(),
    }
}

/// Why a service app gets no tokens.
enum Refusal {
    Api(ApiError),
    OAuth(OAuthError),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::Api(error) => error.into_response(),
            Self::OAuth(error) => error.into_response(),
        }
    }
}

fn service_app_pair(shared: &Shared, id: &str, body: &[u8]) -> Result<TokenPair, Refusal> {
    let request: ServiceAppRequest =
        parse_json(&Bytes::copy_from_slice(body)).map_err(Refusal::Api)?;
    let mut tokens = shared.tokens();
    let app = tokens
        .service_app(id)
        .cloned()
        .ok_or_else(|| Refusal::Api(ApiError::not_found(format!("Application not found: {id}"))))?;
    if app.client_id != request.client_id || app.client_secret != request.client_secret {
        return Err(Refusal::OAuth(OAuthError::invalid_client()));
    }
    if app.org_id != request.target_org_id {
        return Err(Refusal::Api(ApiError::forbidden(
            "The application is not authorized for the target organization.",
        )));
    }
    let subject = Subject::ServiceApp(app.id.clone());
    Ok(tokens.issue(&app.client_id, subject, app.scopes.clone(), Instant::now()))
}
