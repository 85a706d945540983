//! `/v1/locations` and the deprecated `/v1/workspaceLocations`: two views of the same
//! locations (structured address and string coordinates vs one-line address and numeric
//! coordinates), each with CRUD. Floors of both APIs live in [`floors`].
//!
//! PUT semantics: `/workspaceLocations` PUT resets omitted optional fields (`cityName`, `notes`),
//! as documented. `/locations` PUT has no required fields in the spec and the docs say nothing
//! about resets, so omitted fields keep their value there.

mod floors;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde_json::{Value, json};

use super::OrgState;
use super::http::{
    Query, json_response, not_found, object_body, page_response, request_url, string_field,
};
use super::model::{Address, Location, Org};
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::ids;

/// The location and floor routes of both APIs (state attached by [`super::routes`]).
pub(crate) fn routes() -> Router<Arc<OrgState>> {
    Router::new()
        .route("/v1/locations", get(list_locations).post(create_location))
        .route(
            "/v1/locations/{id}",
            get(get_location)
                .put(update_location)
                .delete(delete_location),
        )
        .route(
            "/v1/workspaceLocations",
            get(list_legacy).post(create_legacy),
        )
        .route(
            "/v1/workspaceLocations/{id}",
            get(get_legacy).put(update_legacy).delete(delete_location),
        )
        .merge(floors::routes())
}

/// Finds a location by either of its ids, for a caller of this org.
fn find<'a>(
    org: &'a Org,
    state: &OrgState,
    caller: &Caller,
    id: &str,
) -> Result<&'a Location, ApiError> {
    org.locations
        .iter()
        .find(|l| l.has_id(id) && state.visible(caller))
        .ok_or_else(|| not_found("Location", id))
}

async fn list_locations(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = Query::from_uri(&uri);
    let url = request_url(&headers, &uri);
    let name = query.first("name").map(str::to_lowercase);
    let org = state.read();
    let matching: Vec<&Location> = org
        .locations
        .iter()
        .filter(|_| state.visible(&caller))
        .filter(|l| {
            name.as_ref()
                .is_none_or(|n| l.name.to_lowercase().contains(n.as_str()))
        })
        .filter(|l| query.first("id").is_none_or(|id| l.id == id))
        .collect();
    Ok(page_response(
        matching,
        &url,
        state.default_page_size,
        |l| l.to_json(&org.org_id),
    ))
}

async fn get_location(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let location = find(&org, &state, &caller, &id)?;
    Ok(json_response(StatusCode::OK, location.to_json(&org.org_id)))
}

fn required_string(body: &Value, name: &str) -> Result<String, ApiError> {
    string_field(body, name)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
}

fn parse_address(body: &Value) -> Result<Option<Address>, ApiError> {
    let Some(raw) = body.get("address").filter(|a| !a.is_null()) else {
        return Ok(None);
    };
    let address: Address = serde_json::from_value(raw.clone())
        .map_err(|e| ApiError::bad_request(format!("Invalid address: {e}")))?;
    if address.address1.is_empty() || address.city.is_empty() || address.country.is_empty() {
        return Err(ApiError::bad_request(
            "address needs address1, city and country",
        ));
    }
    Ok(Some(address))
}

/// Latitude/longitude arrive as strings on `/locations` and numbers on `/workspaceLocations`.
fn coordinate(body: &Value, name: &str) -> Result<Option<f64>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("{name} must be a number"))),
        Some(_) => Err(ApiError::bad_request(format!("{name} must be a number"))),
    }
}

fn one_line(address: &Address) -> String {
    [
        Some(address.address1.as_str()),
        Some(address.city.as_str()),
        Some(address.country.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

async fn create_location(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = object_body(&body)?;
    if !state.visible(&caller) {
        return Err(ApiError::forbidden(
            "Not allowed to create locations in this organization",
        ));
    }
    let name = required_string(&body, "name")?;
    let time_zone = required_string(&body, "timeZone")?;
    let preferred_language = required_string(&body, "preferredLanguage")?;
    // Required by the API; the sandbox has no announcements to make.
    required_string(&body, "announcementLanguage")?;
    let address =
        parse_address(&body)?.ok_or_else(|| ApiError::bad_request("address is required"))?;
    let location = Location {
        id: ids::new_id("LOCATION"),
        legacy_id: ids::new_id("WORKSPACE_LOCATION"),
        name,
        address_line: one_line(&address),
        city_name: Some(address.city.clone()),
        address,
        time_zone: Some(time_zone),
        preferred_language: Some(preferred_language),
        latitude: coordinate(&body, "latitude")?,
        longitude: coordinate(&body, "longitude")?,
        notes: string_field(&body, "notes")?,
        floors: Vec::new(),
    };
    let id = location.id.clone();
    state.write().locations.push(location);
    Ok(json_response(StatusCode::CREATED, json!({ "id": id })))
}

async fn update_location(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = object_body(&body)?;
    let address = parse_address(&body)?;
    let (latitude, longitude) = (
        coordinate(&body, "latitude")?,
        coordinate(&body, "longitude")?,
    );
    let mut org = state.write();
    let location = org
        .locations
        .iter_mut()
        .find(|l| l.has_id(&id) && state.visible(&caller))
        .ok_or_else(|| not_found("Location", &id))?;
    if let Some(name) = string_field(&body, "name")?.filter(|n| !n.is_empty()) {
        location.name = name;
    }
    if let Some(zone) = string_field(&body, "timeZone")? {
        location.time_zone = Some(zone);
    }
    if let Some(language) = string_field(&body, "preferredLanguage")? {
        location.preferred_language = Some(language);
    }
    if let Some(address) = address {
        location.address_line = one_line(&address);
        location.city_name = Some(address.city.clone());
        location.address = address;
    }
    location.latitude = latitude.or(location.latitude);
    location.longitude = longitude.or(location.longitude);
    if let Some(notes) = string_field(&body, "notes")? {
        location.notes = Some(notes);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deleting a location leaves its workspaces without a location (and floor).
async fn delete_location(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut org = state.write();
    let location_id = find(&org, &state, &caller, &id)?.id.clone();
    org.locations.retain(|l| l.id != location_id);
    for workspace in org
        .workspaces
        .iter_mut()
        .filter(|w| w.location_id.as_ref() == Some(&location_id))
    {
        workspace.location_id = None;
        workspace.floor_id = None;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_legacy(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = Query::from_uri(&uri);
    let url = request_url(&headers, &uri);
    let contains = |field: &str, name: &str| {
        query
            .first(name)
            .is_none_or(|v| field.to_lowercase().contains(&v.to_lowercase()))
    };
    let org = state.read();
    let matching: Vec<&Location> = org
        .locations
        .iter()
        .filter(|_| state.visible(&caller))
        .filter(|l| contains(&l.name, "displayName") && contains(&l.address_line, "address"))
        .filter(|l| {
            query
                .first("countryCode")
                .is_none_or(|c| l.address.country.eq_ignore_ascii_case(c))
        })
        .filter(|l| contains(l.city_name.as_deref().unwrap_or(""), "cityName"))
        .collect();
    Ok(page_response(
        matching,
        &url,
        state.default_page_size,
        Location::to_legacy_json,
    ))
}

async fn get_legacy(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let org = state.read();
    Ok(json_response(
        StatusCode::OK,
        find(&org, &state, &caller, &id)?.to_legacy_json(),
    ))
}

/// The fields of a legacy create or update body (all required ones checked).
struct LegacyFields {
    display_name: String,
    address: String,
    country_code: String,
    city_name: Option<String>,
    latitude: f64,
    longitude: f64,
    notes: Option<String>,
}

fn legacy_fields(body: &Value) -> Result<LegacyFields, ApiError> {
    let required_number = |name: &str| {
        coordinate(body, name)?.ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
    };
    Ok(LegacyFields {
        display_name: required_string(body, "displayName")?,
        address: required_string(body, "address")?,
        country_code: required_string(body, "countryCode")?,
        city_name: string_field(body, "cityName")?,
        latitude: required_number("latitude")?,
        longitude: required_number("longitude")?,
        notes: string_field(body, "notes")?,
    })
}

fn apply_legacy(location: &mut Location, fields: LegacyFields) {
    location.name = fields.display_name;
    location.address_line = fields.address.clone();
    location.address.address1 = fields.address;
    location.address.country = fields.country_code;
    location.address.city = fields.city_name.clone().unwrap_or_default();
    location.city_name = fields.city_name;
    location.latitude = Some(fields.latitude);
    location.longitude = Some(fields.longitude);
    location.notes = fields.notes;
}

async fn create_legacy(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = legacy_fields(&object_body(&body)?)?;
    if !state.visible(&caller) {
        return Err(ApiError::forbidden(
            "Not allowed to create locations in this organization",
        ));
    }
    let mut location = Location {
        id: ids::new_id("LOCATION"),
        legacy_id: ids::new_id("WORKSPACE_LOCATION"),
        name: String::new(),
        address: Address::default(),
        time_zone: None,
        preferred_language: None,
        address_line: String::new(),
        city_name: None,
        latitude: None,
        longitude: None,
        notes: None,
        floors: Vec::new(),
    };
    apply_legacy(&mut location, fields);
    let json = location.to_legacy_json();
    state.write().locations.push(location);
    Ok(json_response(StatusCode::CREATED, json))
}

async fn update_legacy(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = legacy_fields(&object_body(&body)?)?;
    let mut org = state.write();
    let location = org
        .locations
        .iter_mut()
        .find(|l| l.has_id(&id) && state.visible(&caller))
        .ok_or_else(|| not_found("Location", &id))?;
    // PUT replaces: omitted cityName and notes are cleared.
    apply_legacy(location, fields);
    Ok(json_response(StatusCode::OK, location.to_legacy_json()))
}
