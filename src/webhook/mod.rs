//! Webex webhook intake: verifies `X-Spark-Signature` over the raw bytes, decodes the envelope and
//! queues it for the bot worker. Never calls the Webex API (that happens in `bot`).

pub mod dedupe;
pub mod envelope;
pub mod signature;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use secrecy::ExposeSecret;

use crate::app::AppState;
use envelope::Envelope;
use signature::{SIGNATURE_HEADER, verify_signature};

/// `POST /webhooks/webex`: 401 for a missing or wrong signature (before any parsing), 400 for a
/// signed body that is not a webhook envelope, 200 otherwise.
pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(secret) = state.webhook_secret.as_ref() else {
        return StatusCode::UNAUTHORIZED;
    };
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sig| verify_signature(secret.expose_secret().as_bytes(), &body, sig));
    if !signed {
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(envelope) = serde_json::from_slice::<Envelope>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    if envelope.kind().is_none() {
        tracing::debug!(resource = %envelope.resource, event = %envelope.event, "ignored delivery");
    }
    StatusCode::OK
}
