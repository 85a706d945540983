//! The HTTP side of Mercury, behind the sandbox's auth layer: `GET /u2c/api/v1/catalog`
//! (`serviceLinks.wdm`), the registration service (`GET/POST /wdm/api/v1/devices`,
//! `DELETE /wdm/api/v1/devices/{uuid}`, each caller seeing only their own), and the conversation
//! service's `GET …/messages/{activity}` and `…/attachment/actions/{activity}` answering the
//! REST `id` to members of the room.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Extension, Json, Router};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::caller::Caller;
use super::super::error::ApiError;
use super::super::http::parse_json;
use super::super::ids;
use super::super::state::Shared;
use super::Registration;

/// The catalog, registration and conversation routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/u2c/api/v1/catalog", get(catalog))
        .route("/wdm/api/v1/devices", get(list_devices).post(register))
        .route("/wdm/api/v1/devices/{uuid}", delete(unregister))
        .route(
            "/conversation/api/v1/messages/{uuid}",
            get(message_by_activity),
        )
        .route(
            "/conversation/api/v1/attachment/actions/{uuid}",
            get(action_by_activity),
        )
}

async fn catalog(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let origin = &shared.origin;
    Json(json!({
        "serviceLinks": {
            "wdm": format!("{origin}/wdm/api/v1"),
            "conversation": format!("{origin}/conversation/api/v1"),
            "hydra": format!("{origin}/v1"),
        },
        "hostCatalog": {},
    }))
}

async fn list_devices(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    let state = shared.mercury.lock();
    let devices: Vec<Value> = state
        .registrations
        .iter()
        .filter(|r| r.owner == caller.person_id)
        .map(|r| r.body.clone())
        .collect();
    Json(json!({ "devices": devices }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewDevice {
    name: Option<String>,
    device_type: Option<String>,
}

async fn register(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let new: NewDevice = parse_json(&body)?;
    let name = new
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("name is required."))?;
    let device_type = new.device_type.unwrap_or_else(|| "DESKTOP".to_owned());
    let registration = registration(&shared.origin, &caller.person_id, name, &device_type);
    let body = registration.body.clone();
    let mut state = shared.mercury.lock();
    let held = state
        .registrations
        .iter()
        .filter(|r| r.owner == caller.person_id)
        .count();
    if held >= state.max_registrations {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Excessive device registrations.",
        ));
    }
    state.registrations.push(registration);
    Ok(Json(body))
}

/// A new registration of `owner` with its `url` and `webSocketUrl` on the sandbox's origin.
fn registration(origin: &str, owner: &str, name: String, device_type: &str) -> Registration {
    let uuid = uuid::Uuid::new_v4().to_string();
    let body = json!({
        "url": format!("{origin}/wdm/api/v1/devices/{uuid}"),
        "webSocketUrl": format!(
            "{}/mercury/v1/registrations/{uuid}/messages",
            origin.replacen("http", "ws", 1)
        ),
        "name": name,
        "deviceType": device_type,
        "creationTime": chrono::Utc::now().to_rfc3339(),
    });
    Registration {
        uuid,
        owner: owner.to_owned(),
        name,
        body,
        unacked: Vec::new(),
        connection: None,
    }
}

async fn unregister(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(uuid): Path<String>,
) -> Result<StatusCode, ApiError> {
    let mut state = shared.mercury.lock();
    let at = state
        .registrations
        .iter()
        .position(|r| r.uuid == uuid && r.owner == caller.person_id)
        .ok_or_else(|| ApiError::not_found("Device not found."))?;
    let gone = state.registrations.remove(at);
    if let Some(connection) = gone.connection {
        let _ = connection.tx.send(super::Outgoing::Drop);
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn message_by_activity(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(uuid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let not_found = || ApiError::not_found("Activity not found.");
    let store = shared.store();
    let message = store
        .messages
        .iter()
        .map(|m| &m.message)
        .find(|m| ids::decode(&m.id).is_some_and(|(_, u)| u == uuid))
        .ok_or_else(not_found)?;
    let member = store
        .room(&message.room_id)
        .is_some_and(|r| r.has_member(&caller.person_id));
    if !member {
        return Err(not_found());
    }
    Ok(Json(
        json!({"id": message.id, "objectType": "activity", "verb": "post"}),
    ))
}

async fn action_by_activity(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(uuid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let not_found = || ApiError::not_found("Activity not found.");
    let store = shared.store();
    let action = store
        .actions
        .iter()
        .find(|a| ids::decode(&a.id).is_some_and(|(_, u)| u == uuid))
        .ok_or_else(not_found)?;
    let author = store
        .message(&action.message_id)
        .map(|m| &m.message.person_id);
    if action.person_id != caller.person_id && author != Some(&caller.person_id) {
        return Err(not_found());
    }
    Ok(Json(
        json!({"id": action.id, "objectType": "activity", "verb": "cardAction"}),
    ))
}
