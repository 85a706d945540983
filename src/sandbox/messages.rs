//! `/messages`: create (validated as Webex validates), get, edit (at most 10 times), delete.
//! Listing lives in [`super::message_list`]. Who may see a message is decided here once
//! ([`visible_to`](super::model::visible_to)): a bot in a group room sees only messages that mention it and its own.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

use super::caller::Caller;
use super::delivery;
use super::error::ApiError;
use super::http::parse_json;
use super::ids;
use super::mentions;
use super::message_list;
use super::message_rules::{
    MAX_EDITS, NewMessage, validate_attachments, validate_lengths, validate_new,
};
use super::model::{Message, Room, StoredMessage, timestamp, visible_to};
use super::rooms::{direct_room_between, member_room};
use super::state::{Shared, Store};

/// The message routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/v1/messages",
            post(create_message).get(message_list::list_messages),
        )
        .route("/v1/messages/direct", get(message_list::list_direct))
        .route(
            "/v1/messages/{id}",
            get(get_message).put(edit_message).delete(delete_message),
        )
}

async fn create_message(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let new: NewMessage = parse_json(&body)?;
    validate_new(&new)?;
    let (message, event) = {
        let mut store = shared.store();
        let room_id = destination_room(&shared, &mut store, &caller, &new)?;
        let room = member_room(&store, &room_id, &caller.person_id)?.clone();
        check_parent(&store, &room, new.parent_id.as_deref())?;
        let message = build_message(&shared, &mut store, &room, &caller, new_content(&new));
        let event = delivery::message_event(&shared, &room, &message, "created");
        (message, event)
    };
    shared.changed();
    delivery::dispatch(&shared, event);
    let mut json = serde_json::to_value(&message).unwrap_or_default();
    if let Some(obj) = json.as_object_mut() {
        for (key, value) in [
            ("toPersonId", new.to_person_id),
            ("toPersonEmail", new.to_person_email),
        ] {
            if let Some(value) = value {
                obj.insert(key.to_owned(), Value::String(value));
            }
        }
    }
    Ok(Json(json))
}

/// The content fields a message was posted with.
struct Content {
    parent_id: Option<String>,
    text: Option<String>,
    markdown: Option<String>,
    html: Option<String>,
    files: Vec<String>,
    attachments: Vec<Value>,
}

fn new_content(new: &NewMessage) -> Content {
    Content {
        parent_id: new.parent_id.clone(),
        text: new.text.clone(),
        markdown: new.markdown.clone(),
        html: new.html.clone(),
        files: new.files.clone(),
        attachments: new.attachments.clone(),
    }
}

/// The room a new message goes to: `roomId`, or the 1:1 room with `toPersonId`/`toPersonEmail`.
fn destination_room(
    shared: &Shared,
    store: &mut Store,
    caller: &Caller,
    new: &NewMessage,
) -> Result<String, ApiError> {
    if let Some(room_id) = &new.room_id {
        return Ok(room_id.clone());
    }
    let person = match (&new.to_person_id, &new.to_person_email) {
        (Some(id), _) => shared.person(id),
        (_, Some(email)) => shared.person_by_email(email),
        _ => None,
    }
    .ok_or_else(|| ApiError::not_found("Could not find the person to send the message to."))?;
    if person.id == caller.person_id {
        return Err(ApiError::bad_request(
            "Cannot send a direct message to yourself.",
        ));
    }
    Ok(direct_room_between(store, &caller.person_id, &person.id))
}

/// A reply's parent must be a root message of the same room (threads are one level deep).
fn check_parent(store: &Store, room: &Room, parent_id: Option<&str>) -> Result<(), ApiError> {
    let Some(parent_id) = parent_id else {
        return Ok(());
    };
    let parent = store
        .message(parent_id)
        .filter(|p| p.message.room_id == room.id)
        .ok_or_else(|| ApiError::not_found("Could not find the parent message in this room."))?;
    if parent.message.parent_id.is_some() {
        return Err(ApiError::bad_request(
            "The parent message is itself a reply; replies must point at a root message.",
        ));
    }
    Ok(())
}

fn build_message(
    shared: &Shared,
    store: &mut Store,
    room: &Room,
    caller: &Caller,
    content: Content,
) -> Message {
    let at = chrono::Utc::now();
    let rendered = mentions::render(
        content.text.as_deref(),
        content.markdown.as_deref(),
        content.html.as_deref(),
        &shared.people,
    );
    let message = Message {
        id: ids::new_id("MESSAGE"),
        parent_id: content.parent_id,
        room_id: room.id.clone(),
        room_type: room.room_type.as_str().to_owned(),
        text: rendered.text,
        markdown: content.markdown,
        html: rendered.html,
        files: content.files,
        person_id: caller.person_id.clone(),
        person_email: caller.email.clone(),
        mentioned_people: rendered.mentioned_people,
        mentioned_groups: rendered.mentioned_groups,
        attachments: content.attachments,
        created: timestamp(at),
        updated: None,
    };
    store.next_seq += 1;
    let seq = store.next_seq;
    store.messages.push(StoredMessage {
        message: message.clone(),
        seq,
        created_at: at,
        edits: 0,
    });
    if let Some(r) = store.rooms.iter_mut().find(|r| r.id == room.id) {
        r.last_activity = message.created.clone();
    }
    message
}

/// The message with `id` if `caller` may see it.
pub fn visible_message<'a>(
    store: &'a Store,
    id: &str,
    caller: &Caller,
) -> Result<&'a StoredMessage, ApiError> {
    let not_found = || ApiError::not_found("Could not find a message with provided ID.");
    let stored = store.message(id).ok_or_else(not_found)?;
    let room = store.room(&stored.message.room_id).ok_or_else(not_found)?;
    if visible_to(room, &stored.message, &caller.person_id, caller.is_bot) {
        Ok(stored)
    } else {
        Err(not_found())
    }
}

async fn get_message(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Message>, ApiError> {
    let store = shared.store();
    Ok(Json(visible_message(&store, &id, &caller)?.message.clone()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageEdit {
    room_id: Option<String>,
    text: Option<String>,
    markdown: Option<String>,
    #[serde(default)]
    attachments: Vec<Value>,
}

async fn edit_message(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Message>, ApiError> {
    let edit: MessageEdit = parse_json(&body)?;
    validate_lengths(edit.text.as_deref(), edit.markdown.as_deref())?;
    validate_attachments(&edit.attachments)?;
    if edit.text.is_none() && edit.markdown.is_none() {
        return Err(ApiError::bad_request("An edit needs text or markdown."));
    }
    let (message, event) = {
        let mut store = shared.store();
        let stored = visible_message(&store, &id, &caller)?;
        check_editable(&shared, stored, &caller, &edit)?;
        let room = store
            .room(&stored.message.room_id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("Could not find a room with provided ID."))?;
        let Some(stored) = store.messages.iter_mut().find(|m| m.message.id == id) else {
            return Err(ApiError::not_found(
                "Could not find a message with provided ID.",
            ));
        };
        apply_edit(&shared, stored, edit);
        let message = stored.message.clone();
        let event = delivery::message_event(&shared, &room, &message, "updated");
        (message, event)
    };
    shared.changed();
    delivery::dispatch(&shared, event);
    Ok(Json(message))
}

fn check_editable(
    shared: &Shared,
    stored: &StoredMessage,
    caller: &Caller,
    edit: &MessageEdit,
) -> Result<(), ApiError> {
    if stored.message.person_id != caller.person_id {
        return Err(ApiError::forbidden(
            "Only the author of a message may edit it.",
        ));
    }
    if edit.room_id.as_deref() != Some(stored.message.room_id.as_str()) {
        return Err(ApiError::bad_request(
            "roomId is required and must be the message's room.",
        ));
    }
    let has_card = !stored.message.attachments.is_empty() || !stored.message.files.is_empty();
    if has_card && !shared.settings.allow_card_edits {
        return Err(ApiError::bad_request(
            "Editing messages with files or attachments is currently not supported.",
        ));
    }
    if stored.edits >= MAX_EDITS {
        return Err(ApiError::bad_request(format!(
            "The edit limit of {MAX_EDITS} edits for this message has been reached."
        )));
    }
    Ok(())
}

fn apply_edit(shared: &Shared, stored: &mut StoredMessage, edit: MessageEdit) {
    let rendered = mentions::render(
        edit.text.as_deref(),
        edit.markdown.as_deref(),
        None,
        &shared.people,
    );
    let message = &mut stored.message;
    message.text = rendered.text;
    message.markdown = edit.markdown;
    message.html = rendered.html;
    message.mentioned_people = rendered.mentioned_people;
    message.mentioned_groups = rendered.mentioned_groups;
    if !edit.attachments.is_empty() {
        message.attachments = edit.attachments;
    }
    message.updated = Some(timestamp(chrono::Utc::now()));
    stored.edits += 1;
}

async fn delete_message(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let event = {
        let mut store = shared.store();
        let stored = visible_message(&store, &id, &caller)?;
        if stored.message.person_id != caller.person_id {
            return Err(ApiError::forbidden(
                "Only the author of a message may delete it.",
            ));
        }
        let message = stored.message.clone();
        let room = store.room(&message.room_id).cloned();
        store.messages.retain(|m| m.message.id != id);
        room.map(|room| delivery::message_event(&shared, &room, &message, "deleted"))
    };
    shared.changed();
    if let Some(event) = event {
        delivery::dispatch(&shared, event);
    }
    Ok(StatusCode::NO_CONTENT)
}
