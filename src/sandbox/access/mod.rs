//! Webex's authorization, as the sandbox enforces it when [`Access::Enforced`]:
//!
//! - [`rules`]: the table of who may call which endpoint (token kind and scopes), each row
//!   citing the doc sentence or spec scope; anyone else gets 403 in Webex's error shape.
//! - Per-workspace grants (full or read-only) for bots and non-admin people live with the
//!   organisation (`org::grants`): a device's `permissions` is what the caller holds, `GET
//!   /devices` lists every device for admins and only granted workspaces' devices for others,
//!   xAPI commands need full access, status reads read-only or full, and configurations show
//!   `NOT_AUTHORIZED` to callers who may not change them.
//! - [`scopes`]: the scope names.
//!
//! [`Access::Permissive`] is the sandbox's older behaviour (any token of the organisation may
//! call anything; devices show the permissions stored on them); it stays the default until
//! roombot sends admin calls with its admin credential.

pub mod rules;
pub mod scopes;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::caller::Caller;
use super::error::ApiError;

/// Whether the sandbox enforces Webex's authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any token of the organisation may call anything; devices keep their stored permissions.
    Permissive,
    /// Who may call what follows [`rules::RULES`] and the per-workspace grants.
    Enforced,
}

impl Default for Access {
    /// Enforced, as Webex does: roombot makes admin calls with its admin credential.
    fn default() -> Self {
        Self::Enforced
    }
}

/// Webex's words for a token that lacks a scope or a role.
pub const FORBIDDEN: &str = "The server understood the request, but refused to fulfill it \
                             because the access token is missing required scopes or the user is \
                             missing required roles or licenses.";

/// Middleware (inside authentication): 403 unless the table admits the caller.
pub async fn enforce(request: Request, next: Next) -> Response {
    let refused = request.extensions().get::<Caller>().is_some_and(|caller| {
        caller.enforced
            && rules::rule_for(request.method().as_str(), request.uri().path())
                .is_some_and(|rule| !rule.allows(caller))
    });
    if refused {
        ApiError::new(StatusCode::FORBIDDEN, FORBIDDEN).into_response()
    } else {
        next.run(request).await
    }
}
