//! Floors of a location, served under both `/v1/locations/{id}/floors` and
//! `/v1/workspaceLocations/{id}/floors`. Each API names the location by its own id in a floor's
//! `locationId`. PUT resets an omitted `displayName`; deleting a floor unsets it on workspaces.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde_json::{Value, json};

use super::super::OrgState;
use super::super::http::{integer_field, json_response, not_found, object_body, string_field};
use super::super::model::{Floor, Location};
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::ids;

/// Floor routes for both location APIs.
pub(super) fn routes() -> Router<Arc<OrgState>> {
    Router::new()
        .route(
            "/v1/locations/{id}/floors",
            get(list_floors::<false>).post(create_floor::<false>),
        )
        .route(
            "/v1/locations/{id}/floors/{floor_id}",
            get(get_floor::<false>)
                .put(update_floor::<false>)
                .delete(delete_floor),
        )
        .route(
            "/v1/workspaceLocations/{id}/floors",
            get(list_floors::<true>).post(create_floor::<true>),
        )
        .route(
            "/v1/workspaceLocations/{id}/floors/{floor_id}",
            get(get_floor::<true>)
                .put(update_floor::<true>)
                .delete(delete_floor),
        )
}

/// The location id a floor shows in the API being served.
fn shown_id(location: &Location, legacy: bool) -> &str {
    if legacy {
        &location.legacy_id
    } else {
        &location.id
    }
}

fn location_mut<'a>(
    locations: &'a mut [Location],
    state: &OrgState,
    caller: &Caller,
    id: &str,
) -> Result<&'a mut Location, ApiError> {
    locations
        .iter_mut()
        .find(|l| l.has_id(id) && state.visible(caller))
        .ok_or_else(|| not_found("Location", id))
}

/// `{floorNumber, displayName?}` of a create or update body.
fn floor_fields(body: &Value) -> Result<(i64, Option<String>), ApiError> {
    let number = integer_field(body, "floorNumber")?
        .ok_or_else(|| ApiError::bad_request("floorNumber is required"))?;
    Ok((number, string_field(body, "displayName")?))
}

async fn list_floors<const LEGACY: bool>(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let location = org
        .locations
        .iter()
        .find(|l| l.has_id(&id) && state.visible(&caller))
        .ok_or_else(|| not_found("Location", &id))?;
    let items: Vec<Value> = location
        .floors
        .iter()
        .map(|f| f.to_json(shown_id(location, LEGACY)))
        .collect();
    Ok(json_response(StatusCode::OK, json!({ "items": items })))
}

async fn create_floor<const LEGACY: bool>(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (floor_number, display_name) = floor_fields(&object_body(&body)?)?;
    let mut org = state.write();
    let location = location_mut(&mut org.locations, &state, &caller, &id)?;
    let floor = Floor {
        id: ids::new_id("WORKSPACE_LOCATION_FLOOR"),
        floor_number,
        display_name,
    };
    let json = floor.to_json(shown_id(location, LEGACY));
    location.floors.push(floor);
    Ok(json_response(StatusCode::CREATED, json))
}

async fn get_floor<const LEGACY: bool>(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path((id, floor_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let location = org
        .locations
        .iter()
        .find(|l| l.has_id(&id) && state.visible(&caller))
        .ok_or_else(|| not_found("Location", &id))?;
    let floor = location
        .floors
        .iter()
        .find(|f| f.id == floor_id)
        .ok_or_else(|| not_found("Floor", &floor_id))?;
    Ok(json_response(
        StatusCode::OK,
        floor.to_json(shown_id(location, LEGACY)),
    ))
}

async fn update_floor<const LEGACY: bool>(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path((id, floor_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (floor_number, display_name) = floor_fields(&object_body(&body)?)?;
    let mut org = state.write();
    let location = location_mut(&mut org.locations, &state, &caller, &id)?;
    let shown = shown_id(location, LEGACY).to_owned();
    let floor = location
        .floors
        .iter_mut()
        .find(|f| f.id == floor_id)
        .ok_or_else(|| not_found("Floor", &floor_id))?;
    floor.floor_number = floor_number;
    // PUT replaces: an omitted displayName is no longer defined.
    floor.display_name = display_name;
    Ok(json_response(StatusCode::OK, floor.to_json(&shown)))
}

async fn delete_floor(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path((id, floor_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut org = state.write();
    let location = location_mut(&mut org.locations, &state, &caller, &id)?;
    let before = location.floors.len();
    location.floors.retain(|f| f.id != floor_id);
    if location.floors.len() == before {
        return Err(not_found("Floor", &floor_id));
    }
    for workspace in org
        .workspaces
        .iter_mut()
        .filter(|w| w.floor_id.as_ref() == Some(&floor_id))
    {
        workspace.floor_id = None;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
