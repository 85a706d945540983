//! `GET /messages/direct`: the 1:1 room with `personId` or `personEmail`, newest first, all at
//! once (the spec gives it no paging), optionally only the replies to `parentId`.
//!
//! `GET /messages`: newest first, filtered by `roomId` (required), `parentId`,
//! `mentionedPeople` (`me` or the caller's own id), `before` (time) and `beforeMessage` (id).
//! Pages are cut by `max` and continue through a `Link` whose `beforeMessage` is the page's last
//! message, so new messages never shift a page. A bot listing a group room without
//! `mentionedPeople=me` gets Webex's `403 Failed to get activity.`

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::caller::Caller;
use super::error::ApiError;
use super::http::{items_response, query_max, query_pairs, query_value, request_url};
use super::model::visible_to;
use super::model::{Room, RoomType, StoredMessage};
use super::rooms::member_room;
use super::state::Shared;

/// Webex's cap on `max` when `mentionedPeople` is used.
const MAX_WITH_MENTIONS: usize = 100;

/// The parsed filters of one list request.
struct Filters {
    room_id: String,
    parent_id: Option<String>,
    mentioned: Option<String>,
    before: Option<DateTime<Utc>>,
    before_message: Option<String>,
    max: usize,
}

/// `GET /messages`.
pub async fn list_messages(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Response {
    match list(&shared, &caller, &uri) {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn list(shared: &Shared, caller: &Caller, uri: &Uri) -> Result<Response, ApiError> {
    let filters = parse_filters(shared, caller, uri)?;
    let store = shared.store();
    let room = member_room(&store, &filters.room_id, &caller.person_id)?;
    if caller.is_bot && room.room_type == RoomType::Group && filters.mentioned.is_none() {
        return Err(ApiError::forbidden("Failed to get activity."));
    }
    let mut matching: Vec<&StoredMessage> = store
        .messages
        .iter()
        .filter(|m| m.message.room_id == room.id)
        .filter(|m| visible_to(room, &m.message, &caller.person_id, caller.is_bot))
        .filter(|m| {
            filters
                .parent_id
                .as_ref()
                .is_none_or(|p| m.message.parent_id.as_ref() == Some(p))
        })
        .filter(|m| {
            filters
                .mentioned
                .as_ref()
                .is_none_or(|who| m.message.mentioned_people.contains(who))
        })
        .filter(|m| filters.before.is_none_or(|t| m.created_at < t))
        .collect();
    matching.sort_by_key(|m| std::cmp::Reverse(m.seq));
    if let Some(id) = &filters.before_message {
        let seq = store
            .message(id)
            .map(|m| m.seq)
            .ok_or_else(|| ApiError::bad_request(format!("Invalid beforeMessage: {id}")))?;
        matching.retain(|m| m.seq < seq);
    }
    let more = matching.len() > filters.max;
    let page: Vec<Value> = matching
        .iter()
        .take(filters.max)
        .map(|m| serde_json::to_value(&m.message).unwrap_or_default())
        .collect();
    let mut headers = HeaderMap::new();
    if more
        && let Some(last) = page.last().and_then(|m| m["id"].as_str())
        && let Some(link) = next_link(shared, uri, last, filters.max)
    {
        headers.insert(header::LINK, link);
    }
    Ok(items_response(headers, page))
}

/// `GET /messages/direct?personId=…|personEmail=…[&parentId=…]`.
pub async fn list_direct(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Response {
    match direct(&shared, &caller, &uri) {
        Ok(items) => items_response(HeaderMap::new(), items),
        Err(error) => error.into_response(),
    }
}

fn direct(shared: &Shared, caller: &Caller, uri: &Uri) -> Result<Vec<Value>, ApiError> {
    let pairs = query_pairs(uri);
    let other = match (
        query_value(&pairs, "personId"),
        query_value(&pairs, "personEmail"),
    ) {
        (Some(id), _) => shared.person(id),
        (None, Some(email)) => shared.person_by_email(email),
        (None, None) => {
            return Err(ApiError::bad_request(
                "personId or personEmail is required.",
            ));
        }
    }
    .ok_or_else(|| ApiError::not_found("Could not find the person."))?;
    let parent = query_value(&pairs, "parentId");
    let store = shared.store();
    let is_direct_with = |r: &&Room| {
        r.room_type == RoomType::Direct
            && r.has_member(&caller.person_id)
            && r.has_member(&other.id)
    };
    let Some(room) = store.rooms.iter().find(is_direct_with) else {
        return Ok(Vec::new());
    };
    let mut matching: Vec<&StoredMessage> = store
        .messages
        .iter()
        .filter(|m| m.message.room_id == room.id)
        .filter(|m| parent.is_none_or(|p| m.message.parent_id.as_deref() == Some(p)))
        .collect();
    matching.sort_by_key(|m| std::cmp::Reverse(m.seq));
    Ok(matching
        .iter()
        .map(|m| serde_json::to_value(&m.message).unwrap_or_default())
        .collect())
}

fn parse_filters(shared: &Shared, caller: &Caller, uri: &Uri) -> Result<Filters, ApiError> {
    let pairs = query_pairs(uri);
    let room_id = query_value(&pairs, "roomId")
        .ok_or_else(|| ApiError::bad_request("roomId is required."))?
        .to_owned();
    let mentioned = match query_value(&pairs, "mentionedPeople") {
        None => None,
        Some("me") => Some(caller.person_id.clone()),
        Some(id) if id == caller.person_id => Some(id.to_owned()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "Only 'me' or the caller's own person id may be used in mentionedPeople.",
            ));
        }
    };
    let max = query_max(&pairs)?.unwrap_or(shared.settings.default_page_size);
    if mentioned.is_some() && max > MAX_WITH_MENTIONS {
        return Err(ApiError::bad_request(
            "max cannot exceed 100 when used with mentionedPeople.",
        ));
    }
    let before = match query_value(&pairs, "before") {
        None => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| ApiError::bad_request(format!("Invalid before: '{text}'.")))?
                .with_timezone(&Utc),
        ),
    };
    Ok(Filters {
        room_id,
        parent_id: query_value(&pairs, "parentId").map(str::to_owned),
        mentioned,
        before,
        before_message: query_value(&pairs, "beforeMessage").map(str::to_owned),
        max,
    })
}

/// The next page's link: the original query with `beforeMessage` moved to `last_id`.
fn next_link(shared: &Shared, uri: &Uri, last_id: &str, max: usize) -> Option<HeaderValue> {
    let mut url = request_url(shared, uri);
    let kept: Vec<(String, String)> = query_pairs(uri)
        .into_iter()
        .filter(|(k, _)| k != "beforeMessage" && k != "before" && k != "max")
        .collect();
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair("max", &max.to_string());
        query.append_pair("beforeMessage", last_id);
    }
    HeaderValue::from_str(&format!("<{url}>; rel=\"next\"")).ok()
}
