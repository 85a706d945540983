//! The request log: every request the sandbox receives (including 401s and injected faults),
//! with method, path, query, JSON body, answered status and the caller's email, so tests can
//! count and inspect what a client called. Outermost middleware.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

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
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
    /// Latency injected before this request was handled.
    pub delay: Duration,
}

/// Where logged requests go, and who a request's token belongs to: the sandbox's state, behind
/// this seam so the log knows nothing of it.
pub trait LogSink: Send + Sync {
    /// The email of the identity whose bearer token `headers` carry, if any.
    fn caller_email(&self, headers: &axum::http::HeaderMap) -> Option<String>;
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
    let caller_email = sink.caller_email(&parts.headers);
    let mut entry = LoggedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        body: body_value(&bytes),
        status: 0,
        caller_email,
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

fn body_value(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())),
    )
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
}
