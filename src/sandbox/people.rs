//! `/people/me`, `/people/{id}` and `GET /people?email=…|id=…`: the fixed demo identities.
//! People from another organisation are visible too (they share rooms with the bot).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::Value;

use super::caller::{Caller, TokenKind};
use super::error::ApiError;
use super::http::{list_response, query_pairs, query_value};
use super::state::Shared;

/// The people routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/people/me", get(me))
        .route("/v1/people/{id}", get(person))
        .route("/v1/people", get(list_people))
}

async fn me(State(shared): State<Arc<Shared>>, Extension(caller): Extension<Caller>) -> Response {
    match shared.person(&caller.person_id) {
        Some(p) => Json(p.to_json()).into_response(),
        None if caller.kind == TokenKind::ServiceApp => {
            Json(machine_account(&caller)).into_response()
        }
        None => ApiError::not_found("Could not find the person.").into_response(),
    }
}

/// A service app's machine account. Webex does not document its `type`; the spec's third
/// value, `appuser`, is our guess (neither a person nor a bot).
fn machine_account(caller: &Caller) -> Value {
    serde_json::json!({
        "id": caller.person_id,
        "emails": [caller.email],
        "displayName": caller.display_name,
        "orgId": caller.org_id,
        "created": super::demo_people::DEMO_CREATED,
        "type": "appuser",
    })
}

async fn person(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.person(&id) {
        Some(p) => Json(p.to_json()).into_response(),
        None => ApiError::not_found(format!("Person not found: {id}")).into_response(),
    }
}

/// Webex needs one of `email`, `displayName` or `id` (comma-separated ids).
async fn list_people(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let pairs = query_pairs(&uri);
    let email = query_value(&pairs, "email");
    let name = query_value(&pairs, "displayName");
    let ids = query_value(&pairs, "id");
    if email.is_none() && name.is_none() && ids.is_none() {
        return ApiError::bad_request("Email, displayName, or id list should be specified.")
            .into_response();
    }
    let items: Vec<Value> = shared
        .people
        .iter()
        .filter(|p| email.is_none_or(|e| p.email.eq_ignore_ascii_case(e)))
        .filter(|p| {
            name.is_none_or(|n| p.display_name.to_lowercase().starts_with(&n.to_lowercase()))
        })
        .filter(|p| ids.is_none_or(|list| list.split(',').any(|id| id.trim() == p.id)))
        .map(|p| p.to_json())
        .collect();
    list_response(&shared, &uri, items)
}
