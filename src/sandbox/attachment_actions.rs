//! `/attachment/actions`: a person submits a card (`{type:"submit", messageId, inputs}`) on a
//! message with a card in a room they belong to; the card's author and the submitter can read
//! the action back. Creating one notifies the card author's `attachmentActions` webhooks.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::caller::Caller;
use super::delivery::{self, Event};
use super::error::ApiError;
use super::http::parse_json;
use super::ids;
use super::model::{AttachmentAction, timestamp};
use super::rooms::member_room;
use super::state::Shared;

/// The attachment action routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/attachment/actions", post(create_action))
        .route("/v1/attachment/actions/{id}", get(get_action))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewAction {
    #[serde(rename = "type")]
    kind: Option<String>,
    message_id: Option<String>,
    inputs: Option<Value>,
}

/// Answers 202 Accepted, as the OpenAPI spec documents.
async fn create_action(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<(StatusCode, Json<AttachmentAction>), ApiError> {
    let new: NewAction = parse_json(&body)?;
    if new.kind.as_deref() != Some("submit") {
        return Err(ApiError::bad_request("type must be 'submit'."));
    }
    let message_id = new
        .message_id
        .ok_or_else(|| ApiError::bad_request("messageId is required."))?;
    let inputs = match new.inputs {
        None => Value::Object(Map::new()),
        Some(Value::Object(map)) => Value::Object(map),
        Some(_) => return Err(ApiError::bad_request("inputs must be an object.")),
    };
    let (action, event) = {
        let mut store = shared.store();
        let not_found = || ApiError::not_found("Could not find a message with provided ID.");
        let message = store
            .message(&message_id)
            .ok_or_else(not_found)?
            .message
            .clone();
        member_room(&store, &message.room_id, &caller.person_id).map_err(|_| not_found())?;
        if message.attachments.is_empty() {
            return Err(ApiError::bad_request(
                "The message has no card attachment to submit.",
            ));
        }
        let action = AttachmentAction {
            id: ids::new_id("ATTACHMENT_ACTION"),
            kind: "submit".to_owned(),
            message_id: message.id.clone(),
            inputs,
            person_id: caller.person_id.clone(),
            room_id: message.room_id.clone(),
            created: timestamp(chrono::Utc::now()),
        };
        store.actions.push(action.clone());
        (action.clone(), action_event(&action, &message.person_id))
    };
    shared.changed();
    delivery::dispatch(&shared, event);
    Ok((StatusCode::ACCEPTED, Json(action)))
}

/// The `attachmentActions/created` event, for the card author's webhooks.
fn action_event(action: &AttachmentAction, card_author: &str) -> Event {
    Event {
        resource: "attachmentActions",
        event: "created",
        actor_id: action.person_id.clone(),
        data: json!({
            "id": action.id,
            "type": action.kind,
            "messageId": action.message_id,
            "personId": action.person_id,
            "roomId": action.room_id,
            "created": action.created,
        }),
        audience: vec![card_author.to_owned()],
        extra: Vec::new(),
    }
}

async fn get_action(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<AttachmentAction>, ApiError> {
    let store = shared.store();
    let action = store
        .actions
        .iter()
        .find(|a| a.id == id)
        .filter(|a| {
            a.person_id == caller.person_id
                || store
                    .message(&a.message_id)
                    .is_some_and(|m| m.message.person_id == caller.person_id)
        })
        .ok_or_else(|| {
            ApiError::not_found("Could not find an attachment action with provided ID.")
        })?;
    Ok(Json(action.clone()))
}
