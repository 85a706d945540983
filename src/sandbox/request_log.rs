//! The request log: every request the sandbox receives (including 401s and injected faults),
//! with method, path, query, JSON body, answered status and which token made it (its kind and
//! identity, never the token itself), so tests can count and inspect what a client called and
//! with which credential. Secrets in bodies (client secrets, codes, refresh tokens) are
//! replaced by `[redacted]`. Outermost middleware.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::caller::TokenKind;
use super::error::ApiError;
use super::faults::{Fault, InjectedDelay};

/// Largest request body the sandbox reads (bigger → 413).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// One request as the sandbox saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, with `/v1`, e.g. `/v1/messages`.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The body: parsed JSON, or a JSON string holding a non-JSON body; `None` when empty.
    pub body: Option<Value>,
    /// The status answered; `0` when the connection was dropped by an injected fault.
    pub status: u16,
    /// The email of the token's identity; `None` for a missing or unknown token.
    pub caller_email: Option<String>,
    /// Which token made the request (also for an expired or revoked one); `None` for a
    /// missing or unknown token.
    pub token: Option<TokenInfo>,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
    /// Latency injected before this request was handled.
    pub delay: Duration,
}

/// A token as the log records it: how it was obtained and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Bot, user, admin, integration or service app.
    pub kind: TokenKind,
    /// The identity's email (a service app's machine account for service-app tokens).
    pub email: String,
    /// The OAuth client the token was issued to (integration and service-app tokens).
    pub client_id: Option<String>,
}

/// Where logged requests go, and who a request's token belongs to: the sandbox's state, behind
/// this seam so the log knows nothing of it.
pub trait LogSink: Send + Sync {
    /// The token `headers` carry, if the sandbox knows it.
    fn token_info(&self, headers: &axum::http::HeaderMap) -> Option<TokenInfo>;
    /// Keeps one finished request.
    fn record(&self, entry: LoggedRequest);
}

/// Middleware: records the request and its answer.
pub async fn log_requests(
    State(sink): State<Arc<dyn LogSink>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            )
            .into_response();
        }
    };
    let token = sink.token_info(&parts.headers);
    let mut entry = LoggedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        body: body_value(&bytes),
        status: 0,
        caller_email: token.as_ref().map(|t| t.email.clone()),
        token,
        fault: None,
        delay: Duration::ZERO,
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    entry.fault = response.extensions().get::<Fault>().cloned();
    entry.delay = response
        .extensions()
        .get::<InjectedDelay>()
        .map(|d| d.0)
        .unwrap_or_default();
    entry.status = match entry.fault {
        Some(Fault::Dropped) => 0,
        _ => response.status().as_u16(),
    };
    sink.record(entry);
    response
}

/// Body fields that hold secrets (OAuth forms and the service-app token request).
const SECRET_FIELDS: [&str; 5] = [
    "client_secret",
    "clientSecret",
    "code",
    "refresh_token",
    "access_token",
];
const REDACTED: &str = "[redacted]";

fn body_value(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(mut object)) => {
            for field in SECRET_FIELDS {
                if let Some(value) = object.get_mut(field) {
                    *value = Value::String(REDACTED.to_owned());
                }
            }
            Some(Value::Object(object))
        }
        Ok(other) => Some(other),
        Err(_) => Some(Value::String(redact_form(&String::from_utf8_lossy(bytes)))),
    }
}

/// A form body with secret fields redacted (other text is kept as is).
fn redact_form(text: &str) -> String {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    if !pairs
        .iter()
        .any(|(k, _)| SECRET_FIELDS.contains(&k.as_str()))
    {
        return text.to_owned();
    }
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        let shown = if SECRET_FIELDS.contains(&key.as_str()) {
            REDACTED
        } else {
            value
        };
        out.append_pair(key, shown);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_json_bodies_are_kept_as_strings() {
        assert_eq!(body_value(b""), None);
        assert_eq!(body_value(b"{\"a\":1}"), Some(serde_json::json!({"a": 1})));
        assert_eq!(body_value(b"a=1"), Some(Value::String("a=1".into())));
    }

    #[test]
    fn secrets_in_bodies_are_redacted() {
        let form = b"grant_type=refresh_token&client_id=C1&client_secret=s3cret&refresh_token=r";
        let Some(Value::String(logged)) = body_value(form) else {
            panic!("a form is kept as text");
        };
        assert!(
            !logged.contains("s3cret") && logged.contains("client_id=C1"),
            "{logged}"
        );
        let json = body_value(br#"{"clientId":"C1","clientSecret":"s3cret"}"#).unwrap();
        assert_eq!(json["clientSecret"], REDACTED);
        assert_eq!(json["clientId"], "C1");
    }
}
