//! The Webex error envelope. Every sandbox error answers with
//! `{"message": …, "errors": [{"description": …}], "trackingId": …}` and a `trackingId` header,
//! as the real cloud does.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer in Webex's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub description: String,
}

impl ApiError {
    /// An error whose description repeats the message (what Webex does for most errors).
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status,
            description: message.clone(),
            message,
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 Unauthorized, worded as Webex words it.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "The request requires a valid access token set in the Authorization request header.",
        )
    }

    /// 403 Forbidden.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

/// A fresh tracking id in the form Webex uses (`ROUTER_<uuid>`).
pub fn new_tracking_id() -> String {
    format!(
        "ROUTER_{}",
        uuid::Uuid::new_v4().simple().to_string().to_uppercase()
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let tracking_id = new_tracking_id();
        let body = json!({
            "message": self.message,
            "errors": [{ "description": self.description }],
            "trackingId": tracking_id,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Ok(value) = HeaderValue::from_str(&tracking_id) {
            response.headers_mut().insert("trackingId", value);
        }
        response
    }
}
