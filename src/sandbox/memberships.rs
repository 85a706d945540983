//! Spaces changing hands: `POST /rooms` (a group space with its creator in it),
//! `POST /memberships` (someone adds a person to a space they are in) and
//! `DELETE /memberships/{id}` (someone removes a member, or leaves). Each change is delivered
//! to webhooks as `memberships/created` or `memberships/deleted`, `data` being the membership
//! as `GET /memberships` shows it and `actorId` who made the change, to every member of the
//! space (the removed person included, as Webex tells a bot it was removed).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Extension, Json, Router};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

use super::caller::Caller;
use super::delivery::{self, Event};
use super::demo_people::DemoPerson;
use super::error::ApiError;
use super::http::parse_json;
use super::ids;
use super::model::{Room, RoomType, timestamp};
use super::rooms::{member_room, membership_json, room_json};
use super::state::Shared;

/// The routes that change spaces and their members.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/rooms", post(create_room))
        .route("/v1/memberships", post(create_membership))
        .route("/v1/memberships/{id}", delete(delete_membership))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewRoom {
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewMembership {
    room_id: Option<String>,
    person_id: Option<String>,
    person_email: Option<String>,
}

async fn create_room(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let new: NewRoom = parse_json(&body)?;
    let title = new
        .title
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("title is required."))?;
    let now = timestamp(chrono::Utc::now());
    let room = Room {
        id: ids::new_id("ROOM"),
        room_type: RoomType::Group,
        title: Some(title),
        members: vec![caller.person_id.clone()],
        creator_id: caller.person_id.clone(),
        created: now.clone(),
        last_activity: now,
        joined: Default::default(),
    };
    let event = membership_event(
        &shared,
        &room,
        &caller.person_id,
        &caller.person_id,
        "created",
    );
    let json = room_json(&shared, &room, &caller.person_id);
    shared.store().rooms.push(room);
    shared.changed();
    if let Some(event) = event {
        delivery::dispatch(&shared, event);
    }
    Ok(Json(json))
}

async fn create_membership(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let new: NewMembership = parse_json(&body)?;
    let room_id = new
        .room_id
        .clone()
        .ok_or_else(|| ApiError::bad_request("roomId is required."))?;
    let person = the_person(&shared, &new)?;
    let (json, event) = {
        let mut store = shared.store();
        let room = member_room(&store, &room_id, &caller.person_id)?;
        if room.has_member(&person.id) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "Person is already in the room.",
            ));
        }
        if room.room_type == RoomType::Direct {
            return Err(ApiError::bad_request(
                "A 1:1 room cannot have more members.",
            ));
        }
        let room = store
            .rooms
            .iter_mut()
            .find(|r| r.id == room_id)
            .expect("found above");
        room.members.push(person.id.clone());
        room.joined
            .insert(person.id.clone(), timestamp(chrono::Utc::now()));
        let room = room.clone();
        let event = membership_event(&shared, &room, &person.id, &caller.person_id, "created");
        (membership_json(&room, &person), event)
    };
    shared.changed();
    if let Some(event) = event {
        delivery::dispatch(&shared, event);
    }
    Ok(Json(json))
}

/// The person a new membership names, by id or email.
fn the_person(shared: &Shared, new: &NewMembership) -> Result<DemoPerson, ApiError> {
    let found = match (&new.person_id, &new.person_email) {
        (Some(id), _) => shared.person(id),
        (None, Some(email)) => shared.person_by_email(email),
        (None, None) => {
            return Err(ApiError::bad_request(
                "personId or personEmail is required.",
            ));
        }
    };
    found.cloned().ok_or_else(|| {
        ApiError::not_found("Could not find a person with the provided ID or email.")
    })
}

async fn delete_membership(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let missing = || ApiError::not_found("Could not find a membership with the provided ID.");
    let (kind, pair) = ids::decode(&id).ok_or_else(missing)?;
    let (person_uuid, room_uuid) = pair.split_once(':').ok_or_else(missing)?;
    if kind != "MEMBERSHIP" {
        return Err(missing());
    }
    let person = shared
        .people
        .iter()
        .find(|p| p.uuid() == person_uuid)
        .ok_or_else(missing)?
        .clone();
    let event = {
        let mut store = shared.store();
        let room = store
            .rooms
            .iter_mut()
            .find(|r| ids::decode(&r.id).is_some_and(|(_, u)| u == room_uuid))
            .filter(|r| r.has_member(&caller.person_id) && r.has_member(&person.id))
            .ok_or_else(missing)?;
        if room.room_type == RoomType::Direct {
            return Err(ApiError::bad_request(
                "Members of a 1:1 room cannot be removed.",
            ));
        }
        // Everyone in the space hears of it, the removed person included.
        let before = room.clone();
        room.members.retain(|m| *m != person.id);
        membership_event(&shared, &before, &person.id, &caller.person_id, "deleted")
    };
    shared.changed();
    if let Some(event) = event {
        delivery::dispatch(&shared, event);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The `memberships` event for `person_id` in `room` (whose members hear of it), made by
/// `actor`.
fn membership_event(
    shared: &Shared,
    room: &Room,
    person_id: &str,
    actor: &str,
    event: &'static str,
) -> Option<Event> {
    let person = shared.person(person_id)?;
    let mut audience = room.members.clone();
    if !audience.iter().any(|m| m == person_id) {
        audience.push(person_id.to_owned());
    }
    Some(Event {
        resource: "memberships",
        event,
        actor_id: actor.to_owned(),
        data: membership_json(room, person),
        audience,
        extra: Vec::new(),
    })
}
