//! `/v1/workspaces`: list (filters, `includeDevices`, pagination), get, create, update with the
//! real PUT semantics (omitted `capacity`, `type`, `notes` are cleared; location, floor, calling,
//! calendar and supported devices are kept) and delete (which deletes the workspace's devices).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde_json::{Value, json};

use super::OrgState;
use super::http::{
    Query, integer_field, json_response, not_found, object_body, page_response, request_url,
    string_field,
};
use super::model::{Org, Workspace};
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::ids;

const TYPES: [&str; 7] = [
    "notSet",
    "focus",
    "huddle",
    "meetingRoom",
    "open",
    "desk",
    "other",
];
const CALLING_TYPES: [&str; 6] = [
    "freeCalling",
    "hybridCalling",
    "webexCalling",
    "webexEdgeForDevices",
    "thirdPartySipCalling",
    "none",
];
const CALENDAR_TYPES: [&str; 3] = ["none", "google", "microsoft"];
const SUPPORTED_DEVICES: [&str; 2] = ["collaborationDevices", "phones"];

/// The workspace routes (state attached by [`super::routes`]).
pub(crate) fn routes() -> Router<Arc<OrgState>> {
    Router::new()
        .route(
            "/v1/workspaces",
            get(list_workspaces).post(create_workspace),
        )
        .route(
            "/v1/workspaces/{id}",
            get(get_workspace)
                .put(update_workspace)
                .delete(delete_workspace),
        )
}

async fn list_workspaces(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = Query::from_uri(&uri);
    let url = request_url(&headers, &uri);
    let include_devices = query.flag("includeDevices");
    let org = state.read();
    let matching: Vec<&Workspace> = if state.visible(&caller) {
        org.workspaces
            .iter()
            .filter(|w| matches_filters(&org, w, &query))
            .collect()
    } else {
        Vec::new()
    };
    Ok(page_response(
        matching,
        &url,
        state.default_page_size,
        |w| render(&org, &caller, w, include_devices),
    ))
}

fn matches_filters(org: &Org, workspace: &Workspace, query: &Query) -> bool {
    let location = workspace
        .location_id
        .as_deref()
        .and_then(|id| org.locations.iter().find(|l| l.id == id));
    let check = |name: &str, test: &dyn Fn(&str) -> bool| query.first(name).is_none_or(test);
    // Whether Webex matches names exactly is undocumented: we match a case-insensitive part.
    check("displayName", &|v| {
        workspace
            .display_name
            .to_lowercase()
            .contains(&v.to_lowercase())
    }) && check("locationId", &|v| location.is_some_and(|l| l.id == v))
        && check("workspaceLocationId", &|v| {
            location.is_some_and(|l| l.has_id(v))
        })
        && check("floorId", &|v| workspace.floor_id.as_deref() == Some(v))
        && check("capacity", &|v| match v.parse::<i64>() {
            Ok(-1) => workspace.capacity.is_none(),
            Ok(n) => workspace.capacity == Some(n),
            Err(_) => false,
        })
        && check("type", &|v| match workspace.kind.as_deref() {
            None => v == "notSet",
            Some(kind) => kind == v,
        })
        && check("calling", &|v| workspace.calling["type"] == v)
        && check("calendar", &|v| workspace.calendar["type"] == v)
        && check("supportedDevices", &|v| workspace.supported_devices == v)
        && check("devicePlatform", &|v| v == "cisco")
}

fn render(org: &Org, caller: &Caller, workspace: &Workspace, include_devices: bool) -> Value {
    let location = workspace
        .location_id
        .as_deref()
        .and_then(|id| org.locations.iter().find(|l| l.id == id));
    let mut json = workspace.to_json(&org.org_id, location);
    if include_devices {
        let now = Instant::now();
        let devices: Vec<Value> = org
            .devices
            .iter()
            .filter(|d| d.workspace_id.as_deref() == Some(workspace.id.as_str()))
            .filter_map(|d| Some(org.device_json(d, &org.permissions_for(caller, d)?, now)))
            .collect();
        json["devices"] = Value::Array(devices);
    }
    json
}

async fn get_workspace(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let include_devices = Query::from_uri(&uri).flag("includeDevices");
    let org = state.read();
    let workspace = org
        .workspaces
        .iter()
        .find(|w| w.id == id && state.visible(&caller))
        .ok_or_else(|| not_found("Workspace", &id))?;
    Ok(json_response(
        StatusCode::OK,
        render(&org, &caller, workspace, include_devices),
    ))
}

async fn create_workspace(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = object_body(&body)?;
    if !state.visible(&caller) {
        return Err(ApiError::forbidden(
            "Not allowed to create workspaces in this organization",
        ));
    }
    let display_name = string_field(&body, "displayName")?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("displayName is required"))?;
    let mut org = state.write();
    let (location_id, floor_id) = placement(&org, &body, None, None)?;
    let workspace = Workspace {
        id: ids::new_id("WORKSPACE"),
        sip_address: sip_address(&display_name),
        display_name,
        location_id,
        floor_id,
        capacity: capacity(&body)?,
        kind: enum_field(&body, "type", &TYPES)?,
        notes: string_field(&body, "notes")?,
        calling: typed_object(&body, "calling", &CALLING_TYPES)?
            .unwrap_or(json!({"type": "freeCalling"})),
        calendar: typed_object(&body, "calendar", &CALENDAR_TYPES)?
            .unwrap_or(json!({"type": "none"})),
        supported_devices: enum_field(&body, "supportedDevices", &SUPPORTED_DEVICES)?
            .unwrap_or_else(|| "collaborationDevices".into()),
        hotdesking_status: enum_field(&body, "hotdeskingStatus", &["on", "off"])?,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    let json = render(&org, &caller, &workspace, false);
    org.workspaces.push(workspace);
    Ok(json_response(StatusCode::CREATED, json))
}

async fn update_workspace(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = object_body(&body)?;
    let mut org = state.write();
    let index = org
        .workspaces
        .iter()
        .position(|w| w.id == id && state.visible(&caller))
        .ok_or_else(|| not_found("Workspace", &id))?;
    let current = org.workspaces[index].clone();
    let (location_id, floor_id) = placement(
        &org,
        &body,
        current.location_id.as_deref(),
        current.floor_id.as_deref(),
    )?;
    if current.location_id.is_some() && location_id != current.location_id {
        return Err(ApiError::bad_request(
            "locationId cannot be changed once configured",
        ));
    }
    let supported = enum_field(&body, "supportedDevices", &SUPPORTED_DEVICES)?;
    if supported
        .as_ref()
        .is_some_and(|s| *s != current.supported_devices)
    {
        return Err(ApiError::bad_request(
            "supportedDevices cannot be changed once configured",
        ));
    }
    let updated = Workspace {
        display_name: string_field(&body, "displayName")?
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(current.display_name.clone()),
        location_id,
        floor_id,
        // PUT replaces: these three are cleared when omitted (README defect 8, the docs agree).
        capacity: capacity(&body)?,
        kind: enum_field(&body, "type", &TYPES)?,
        notes: string_field(&body, "notes")?,
        calling: typed_object(&body, "calling", &CALLING_TYPES)?.unwrap_or(current.calling.clone()),
        calendar: typed_object(&body, "calendar", &CALENDAR_TYPES)?
            .unwrap_or(current.calendar.clone()),
        hotdesking_status: enum_field(&body, "hotdeskingStatus", &["on", "off"])?
            .or(current.hotdesking_status.clone()),
        ..current
    };
    let json = render(&org, &caller, &updated, false);
    org.workspaces[index] = updated;
    Ok(json_response(StatusCode::OK, json))
}

async fn delete_workspace(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut org = state.write();
    let before = org.workspaces.len();
    if state.visible(&caller) {
        org.workspaces.retain(|w| w.id != id);
    }
    if org.workspaces.len() == before {
        return Err(not_found("Workspace", &id));
    }
    // Deleting a workspace deletes its devices (they must be activated again) and its grants.
    org.devices
        .retain(|d| d.workspace_id.as_deref() != Some(id.as_str()));
    org.grants.forget_workspace(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Resolves `locationId`/`workspaceLocationId` and `floorId`, keeping `current` when omitted.
fn placement(
    org: &Org,
    body: &Value,
    current_location: Option<&str>,
    current_floor: Option<&str>,
) -> Result<(Option<String>, Option<String>), ApiError> {
    let given = match string_field(body, "locationId")? {
        Some(id) => Some(id),
        None => string_field(body, "workspaceLocationId")?,
    };
    let floor_given = string_field(body, "floorId")?;
    if floor_given.is_some() && given.is_none() {
        // The docs, for POST and PUT alike: "A locationId must be provided when the floorId is set."
        return Err(ApiError::bad_request(
            "A locationId must be provided when floorId is set",
        ));
    }
    let location = match given {
        Some(id) => Some(
            org.locations
                .iter()
                .find(|l| l.has_id(&id))
                .ok_or_else(|| ApiError::bad_request(format!("Unknown location: {id}")))?,
        ),
        None => current_location.and_then(|id| org.locations.iter().find(|l| l.id == id)),
    };
    // A floor is only ever given with a location (checked above).
    let floor = match floor_given.zip(location) {
        Some((floor, location)) if !location.floors.iter().any(|f| f.id == floor) => {
            return Err(ApiError::bad_request(format!(
                "Floor {floor} is not in location {}",
                location.id
            )));
        }
        Some((floor, _)) => Some(floor),
        None => current_floor.map(str::to_owned),
    };
    Ok((location.map(|l| l.id.clone()), floor))
}

fn capacity(body: &Value) -> Result<Option<i64>, ApiError> {
    match integer_field(body, "capacity")? {
        Some(n) if n < 0 => Err(ApiError::bad_request("capacity must be 0 or higher")),
        other => Ok(other),
    }
}

fn enum_field(body: &Value, name: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
    match string_field(body, name)? {
        Some(value) if !allowed.contains(&value.as_str()) => Err(ApiError::bad_request(format!(
            "Invalid {name} '{value}': allowed values are {}",
            allowed.join(", ")
        ))),
        other => Ok(other),
    }
}

/// An object field with a `type` from `allowed` (`calling`, `calendar`).
fn typed_object(body: &Value, name: &str, allowed: &[&str]) -> Result<Option<Value>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value @ Value::Object(_)) => {
            let kind = value["type"].as_str().unwrap_or("");
            if allowed.contains(&kind) {
                Ok(Some(value.clone()))
            } else {
                Err(ApiError::bad_request(format!(
                    "Invalid {name}.type '{kind}': allowed values are {}",
                    allowed.join(", ")
                )))
            }
        }
        Some(_) => Err(ApiError::bad_request(format!(
            "Field '{name}' must be an object"
        ))),
    }
}

/// The SIP address Webex derives from a workspace name.
pub(crate) fn sip_address(display_name: &str) -> String {
    let local: String = display_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "{}@roombot-demo.room.ciscospark.com",
        local.trim_matches('-')
    )
}
