//! Rooms and memberships as the bot needs them: `GET /rooms` (the caller's rooms, `type`
//! filter), `GET /rooms/{id}` and `GET /memberships` (`roomId`, `personId`, `personEmail`).
//! A 1:1 room's title is the other member's display name, as Webex shows it to each side.
//! Also the rule that finds or opens a 1:1 room for `toPersonId`/`toPersonEmail` messages.
//! Creating spaces and changing their members is in `memberships`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};

use super::caller::Caller;
use super::error::ApiError;
use super::http::{list_response, query_pairs, query_value};
use super::ids;
use super::model::{Room, RoomType, timestamp};
use super::state::{Shared, Store};

/// The room and membership routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/rooms", get(list_rooms))
        .route("/v1/rooms/{id}", get(get_room))
        .route("/v1/memberships", get(list_memberships))
}

/// The room with `id` if `person_id` is a member; 404 otherwise (Webex does not reveal rooms
/// one is not in).
pub fn member_room<'a>(store: &'a Store, id: &str, person_id: &str) -> Result<&'a Room, ApiError> {
    store
        .room(id)
        .filter(|room| room.has_member(person_id))
        .ok_or_else(|| ApiError::not_found("Could not find a room with provided ID."))
}

/// The 1:1 room between `a` and `b`, opened if they have none yet. Returns its id.
pub fn direct_room_between(store: &mut Store, a: &str, b: &str) -> String {
    let existing = store
        .rooms
        .iter()
        .find(|r| r.room_type == RoomType::Direct && r.has_member(a) && r.has_member(b));
    if let Some(room) = existing {
        return room.id.clone();
    }
    let now = timestamp(chrono::Utc::now());
    let room = Room {
        id: ids::new_id("ROOM"),
        room_type: RoomType::Direct,
        title: None,
        members: vec![a.to_owned(), b.to_owned()],
        creator_id: a.to_owned(),
        created: now.clone(),
        last_activity: now,
        joined: Default::default(),
    };
    let id = room.id.clone();
    store.rooms.push(room);
    id
}

/// A room's JSON as `viewer` sees it.
pub fn room_json(shared: &Shared, room: &Room, viewer: &str) -> Value {
    let title = match &room.title {
        Some(title) => title.clone(),
        None => room
            .members
            .iter()
            .filter(|m| *m != viewer)
            .find_map(|m| shared.person(m))
            .map(|p| p.display_name.clone())
            .unwrap_or_default(),
    };
    let owner = shared
        .person(&room.creator_id)
        .map(|p| p.org_id.clone())
        .unwrap_or_default();
    json!({
        "id": room.id,
        "title": title,
        "type": room.room_type.as_str(),
        "isLocked": false,
        "lastActivity": room.last_activity,
        "creatorId": room.creator_id,
        "created": room.created,
        "ownerId": owner,
        "isPublic": false,
        "isReadOnly": false,
    })
}

async fn list_rooms(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Response {
    let pairs = query_pairs(&uri);
    let wanted = query_value(&pairs, "type");
    if wanted.is_some_and(|t| t != "direct" && t != "group") {
        return ApiError::bad_request("type must be 'direct' or 'group'.").into_response();
    }
    let items: Vec<Value> = {
        let store = shared.store();
        store
            .rooms
            .iter()
            .filter(|r| r.has_member(&caller.person_id))
            .filter(|r| wanted.is_none_or(|t| r.room_type.as_str() == t))
            .map(|r| room_json(&shared, r, &caller.person_id))
            .collect()
    };
    list_response(&shared, &uri, items)
}

async fn get_room(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Response {
    let store = shared.store();
    match member_room(&store, &id, &caller.person_id) {
        Ok(room) => Json(room_json(&shared, room, &caller.person_id)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn list_memberships(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Response {
    let pairs = query_pairs(&uri);
    let room_id = query_value(&pairs, "roomId");
    let person_id = query_value(&pairs, "personId");
    let email = query_value(&pairs, "personEmail");
    if room_id.is_none() && (person_id.is_some() || email.is_some()) {
        return ApiError::bad_request("roomId is required when filtering by person.")
            .into_response();
    }
    let items = {
        let store = shared.store();
        let rooms: Vec<&Room> = match room_id {
            Some(id) => match member_room(&store, id, &caller.person_id) {
                Ok(room) => vec![room],
                Err(e) => return e.into_response(),
            },
            None => store
                .rooms
                .iter()
                .filter(|r| r.has_member(&caller.person_id))
                .collect(),
        };
        let mut items = Vec::new();
        for room in rooms {
            let members = room.members.iter().filter_map(|m| shared.person(m));
            for person in members {
                let by_id = person_id.is_none_or(|id| id == person.id);
                let by_email = email.is_none_or(|e| person.email.eq_ignore_ascii_case(e));
                if by_id && by_email {
                    items.push(membership_json(room, person));
                }
            }
        }
        items
    };
    list_response(&shared, &uri, items)
}

/// A membership as `GET /memberships` and the `memberships` webhooks show it.
pub fn membership_json(room: &Room, person: &super::demo_people::DemoPerson) -> Value {
    let room_uuid = ids::decode(&room.id).map(|(_, u)| u).unwrap_or_default();
    json!({
        "id": ids::encode("MEMBERSHIP", &format!("{}:{room_uuid}", person.uuid())),
        "roomId": room.id,
        "personId": person.id,
        "personEmail": person.email,
        "personDisplayName": person.display_name,
        "personOrgId": person.org_id,
        "isModerator": false,
        "isMonitor": false,
        "isRoomHidden": false,
        "roomType": room.room_type.as_str(),
        "created": room.joined.get(&person.id).unwrap_or(&room.created),
    })
}
