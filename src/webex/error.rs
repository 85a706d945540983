//! `WebexError`: every way a Webex call can fail, each carrying the trackingId support asks for.
//! HTTP statuses become errors in exactly one place ([`ApiError::from_response`]). The token
//! never appears here: errors hold only method, path, status and Webex's own message.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::Deserialize;

/// A failed Webex call.
#[derive(Debug, thiserror::Error)]
pub enum WebexError {
    /// Webex answered with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No complete answer within the configured timeout.
    #[error("Webex {method} {path} timed out after {after:?} (trackingId {tracking_id})")]
    Timeout {
        method: Method,
        path: String,
        after: Duration,
        tracking_id: String,
    },
    /// The request could not be sent or the answer not read (connection refused, reset, TLS).
    #[error("Webex {method} {path} failed: {source} (trackingId {tracking_id})")]
    Transport {
        method: Method,
        path: String,
        tracking_id: String,
        #[source]
        source: reqwest::Error,
    },
    /// A success answer whose body is not what the API documents.
    #[error("could not decode Webex {method} {path} response: {source} (trackingId {tracking_id})")]
    Decode {
        method: Method,
        path: String,
        tracking_id: String,
        #[source]
        source: serde_json::Error,
    },
    /// The call was refused before sending (e.g. more than 10 xAPI status names).
    #[error("invalid Webex request: {0}")]
    InvalidRequest(String),
    /// A message that could not be posted by the retry deadline
    /// ([`deliver_message`](super::WebexClient::deliver_message)).
    #[error("message to {destination} not delivered (trackingIds {}): {last}", .tracking_ids.join(", "))]
    Undelivered {
        /// `room <id>`, `person <id>` or `a person by email`.
        destination: String,
        /// The trackingId of every attempt, posts and searches.
        tracking_ids: Vec<String>,
        /// The last post's error.
        last: Box<WebexError>,
    },
    /// The admin credential could not be refreshed (a revoked or expired refresh token, a wrong
    /// client secret, or no answer from the token endpoint).
    #[error("admin access to Webex failed: {message} (trackingId {tracking_id})")]
    Credential {
        message: String,
        tracking_id: String,
    },
}

/// A Webex error answer: `{message, errors[].description, trackingId}` plus what we sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Webex {method} {path} returned {status}: {message} (trackingId {tracking_id})")]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HTTP method of the request.
    pub method: Method,
    /// Request path below the base URL (no query).
    pub path: String,
    /// Webex's `message`, else the HTTP reason phrase.
    pub message: String,
    /// Every `errors[].description`.
    pub descriptions: Vec<String>,
    /// The body's `trackingId`, else the `trackingId` header, else the TrackingID we sent.
    pub tracking_id: String,
    /// `Retry-After` of a 429/423 answer, when present.
    pub retry_after: Option<Duration>,
}

impl WebexError {
    /// The trackingId to quote to Webex support (ours when Webex gave none).
    pub fn tracking_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => Some(&api.tracking_id),
            Self::Timeout { tracking_id, .. }
            | Self::Transport { tracking_id, .. }
            | Self::Decode { tracking_id, .. } => Some(tracking_id),
            Self::InvalidRequest(_) => None,
            Self::Undelivered { last, .. } => last.tracking_id(),
            Self::Credential { tracking_id, .. } => Some(tracking_id),
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|api| api.status)
    }

    /// The API error details, if Webex answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            Self::Undelivered { last, .. } => last.api(),
            _ => None,
        }
    }

    /// True when trying again later may succeed: a 5xx, 408, 423 or 429, a timeout, a connection
    /// problem. False for other client errors (a rejected token, a wrong URL), undecodable
    /// answers and refused requests.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Api(api) => api.status >= 500 || matches!(api.status, 408 | 423 | 429),
            Self::Timeout { .. } | Self::Transport { .. } => true,
            Self::Decode { .. } | Self::InvalidRequest(_) | Self::Credential { .. } => false,
            Self::Undelivered { last, .. } => last.is_transient(),
        }
    }

    /// True for a 404 answer.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True when Webex rate-limited the call (429 or 423) and retries ran out.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.status(), Some(429 | 423))
    }

    /// `Retry-After` of a rate-limited answer.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }
}

/// Webex's error envelope; every field may be missing.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    message: Option<String>,
    #[serde(default)]
    errors: Vec<ErrorDescription>,
    tracking_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ErrorDescription {
    description: Option<String>,
}

/// What the caller knows about the request that failed.
pub(crate) struct RequestInfo<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub tracking_id: &'a str,
}

impl ApiError {
    /// Builds the error for a non-success answer from its status, headers and body.
    pub(crate) fn from_response(
        request: &RequestInfo<'_>,
        status: reqwest::StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        retry_after: Option<Duration>,
    ) -> Self {
        let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        let descriptions: Vec<String> = parsed
            .errors
            .into_iter()
            .filter_map(|e| e.description)
            .collect();
        let message = parsed
            .message
            .filter(|m| !m.trim().is_empty())
            .or_else(|| descriptions.first().cloned())
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
        let header_tracking = headers
            .get("trackingid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let tracking_id = parsed
            .tracking_id
            .or(header_tracking)
            .unwrap_or_else(|| request.tracking_id.to_owned());
        Self {
            status: status.as_u16(),
            method: request.method.clone(),
            path: request.path.to_owned(),
            message,
            descriptions,
            tracking_id,
            retry_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> RequestInfo<'static> {
        RequestInfo {
            method: &Method::GET,
            path: "people/me",
            tracking_id: "ROOMBOT_x",
        }
    }

    #[test]
    fn body_tracking_id_wins_over_header() {
        let mut headers = HeaderMap::new();
        headers.insert("trackingId", "HEADER_1".parse().expect("valid header"));
        let body = br#"{"message":"Nope","errors":[{"description":"Nope, really"}],"trackingId":"BODY_1"}"#;
        let err = ApiError::from_response(
            &info(),
            reqwest::StatusCode::NOT_FOUND,
            &headers,
            body,
            None,
        );
        assert_eq!(err.tracking_id, "BODY_1");
        assert_eq!(err.message, "Nope");
        assert_eq!(err.descriptions, vec!["Nope, really".to_owned()]);
        let text = WebexError::Api(Box::new(err)).to_string();
        assert!(
            text.contains("Nope") && text.contains("BODY_1") && text.contains("404"),
            "{text}"
        );
    }

    #[test]
    fn header_then_own_tracking_id_when_body_is_not_json() {
        let mut headers = HeaderMap::new();
        headers.insert("trackingid", "HEADER_1".parse().expect("valid header"));
        let err = ApiError::from_response(
            &info(),
            reqwest::StatusCode::BAD_GATEWAY,
            &headers,
            b"<html>",
            None,
        );
        assert_eq!(err.tracking_id, "HEADER_1");
        assert_eq!(err.message, "Bad Gateway");
        let err = ApiError::from_response(
            &info(),
            reqwest::StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"",
            None,
        );
        assert_eq!(err.tracking_id, "ROOMBOT_x");
    }
}
