//! `/v1/devices`: list with every documented filter and `Link` pagination, get, tag PATCH
//! (JSON Patch: `replace` sets, `add` appends, `remove` clears all), delete and activation codes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde::Deserialize;
use serde_json::{Value, json};

use super::OrgState;
use super::http::{
    Query, json_response, not_found, object_body, page_response, parse_json, request_url,
    require_content_type, string_field,
};
use super::model::{Device, Placement};
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;

/// `GET /v1/devices`
pub(crate) async fn list_devices(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = Query::from_uri(&uri);
    let filter = DeviceFilter::from_query(&query);
    let url = request_url(&headers, &uri);
    let now = Instant::now();
    let org = state.read();
    let placements = org.placements();
    let none = Placement::default();
    // Admins see every device; bots and people only those of workspaces granted to them.
    let matching: Vec<(&Device, &Placement<'_>, Vec<String>)> = org
        .devices
        .iter()
        .filter_map(|d| {
            let permissions = org.permissions_for(&caller, d)?;
            let placement = d.workspace_id.as_deref().and_then(|w| placements.get(w));
            Some((d, placement.unwrap_or(&none), permissions))
        })
        .filter(|(d, p, held)| filter.matches(d, p, held, now))
        .collect();
    Ok(page_response(
        matching,
        &url,
        state.default_page_size,
        |(d, p, held)| d.to_json(&org.org_id, p, &held, now),
    ))
}

/// The list filters of `GET /v1/devices`.
#[derive(Debug, Default)]
struct DeviceFilter<'q> {
    display_name: Option<String>,
    product: Option<String>,
    exact: Vec<(&'static str, &'q str)>,
    tags: Vec<&'q str>,
}

/// Filters compared exactly (ignoring case) against one device field.
const EXACT_FILTERS: [&str; 15] = [
    "type",
    "connectionStatus",
    "serial",
    "software",
    "upgradeChannel",
    "errorCode",
    "capability",
    "permission",
    "workspaceId",
    "personId",
    "locationId",
    "workspaceLocationId",
    "mac",
    "devicePlatform",
    "plannedMaintenance",
];

impl<'q> DeviceFilter<'q> {
    fn from_query(query: &'q Query) -> Self {
        Self {
            // Webex matches display names and products partially ("DX80" finds "Cisco Webex DX80").
            display_name: query.first("displayName").map(str::to_lowercase),
            product: query.first("product").map(str::to_lowercase),
            exact: EXACT_FILTERS
                .iter()
                .filter_map(|name| query.first(name).map(|value| (*name, value)))
                .collect(),
            tags: query.all_split("tag"),
        }
    }

    fn matches(
        &self,
        device: &Device,
        placement: &Placement<'_>,
        permissions: &[String],
        now: Instant,
    ) -> bool {
        let contains = |field: &str, needle: &Option<String>| {
            needle
                .as_ref()
                .is_none_or(|n| field.to_lowercase().contains(n.as_str()))
        };
        contains(&device.display_name, &self.display_name)
            && contains(&device.product, &self.product)
            && self
                .tags
                .iter()
                .all(|tag| device.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            && self.exact.iter().all(|(name, value)| match *name {
                "permission" => permissions.iter().any(|p| p.eq_ignore_ascii_case(value)),
                _ => exact_match(device, placement, now, name, value),
            })
    }
}

fn exact_match(
    device: &Device,
    placement: &Placement<'_>,
    now: Instant,
    name: &str,
    value: &str,
) -> bool {
    let eq = |field: &str| field.eq_ignore_ascii_case(value);
    let any = |list: &[String]| list.iter().any(|item| eq(item));
    let opt = |field: Option<&str>| field.is_some_and(eq);
    match name {
        "type" => eq(&device.kind),
        "connectionStatus" => eq(device.effective_connection(now)),
        "serial" => eq(&device.serial),
        "software" => eq(&device.software),
        "upgradeChannel" => eq(&device.upgrade_channel),
        "errorCode" => any(&device.error_codes),
        "capability" => any(&device.capabilities),
        "workspaceId" => opt(device.workspace_id.as_deref()),
        "personId" => opt(device.person_id.as_deref()),
        "locationId" => opt(placement.location_id),
        // The legacy filter accepts ids of both location APIs.
        "workspaceLocationId" => opt(placement.legacy_location_id) || opt(placement.location_id),
        "mac" => eq(&device.mac),
        "devicePlatform" => eq(&device.device_platform),
        "plannedMaintenance" => eq(&device.planned_maintenance),
        _ => true,
    }
}

/// `GET /v1/devices/{id}`
pub(crate) async fn get_device(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let org = state.read();
    let (index, permissions) = state.device_for(&org, &caller, &id)?;
    Ok(json_response(
        StatusCode::OK,
        org.device_json(&org.devices[index], &permissions, Instant::now()),
    ))
}

/// One operation of a tag PATCH.
#[derive(Debug, Deserialize)]
struct TagOp {
    op: String,
    path: String,
    #[serde(default)]
    value: Option<Vec<String>>,
}

/// `PATCH /v1/devices/{id}` (`application/json-patch+json`, only the `tags` path).
pub(crate) async fn patch_device(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_content_type(&headers, "application/json-patch+json")?;
    let raw: Value = parse_json(&body)?;
    // The spec's schema shows one object, its example an array: accept both.
    let ops: Vec<TagOp> = match raw {
        Value::Array(_) => serde_json::from_value(raw),
        other => serde_json::from_value(other).map(|op| vec![op]),
    }
    .map_err(|error| ApiError::bad_request(format!("Invalid JSON Patch: {error}")))?;
    let mut org = state.write();
    let (index, permissions) = state.device_for(&org, &caller, &id)?;
    let mut tags = org.devices[index].tags.clone();
    for op in &ops {
        apply_tag_op(&mut tags, op)?;
    }
    org.devices[index].tags = tags;
    Ok(json_response(
        StatusCode::OK,
        org.device_json(&org.devices[index], &permissions, Instant::now()),
    ))
}

fn apply_tag_op(tags: &mut Vec<String>, op: &TagOp) -> Result<(), ApiError> {
    if op.path.trim_start_matches('/') != "tags" {
        return Err(ApiError::bad_request(format!(
            "Invalid path '{}': only the tags path is supported",
            op.path
        )));
    }
    let value = || {
        op.value
            .clone()
            .ok_or_else(|| ApiError::bad_request(format!("Operation {} needs a value", op.op)))
    };
    match op.op.as_str() {
        "replace" => *tags = dedupe(value()?),
        "add" => {
            for tag in value()? {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        "remove" => tags.clear(),
        other => {
            return Err(ApiError::bad_request(format!(
                "Unsupported operation '{other}': use add, remove or replace"
            )));
        }
    }
    Ok(())
}

fn dedupe(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

/// `DELETE /v1/devices/{id}`
pub(crate) async fn delete_device(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut org = state.write();
    let (index, _) = state.device_for(&org, &caller, &id)?;
    org.devices.remove(index);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /v1/devices/activationCode` with `{workspaceId}` or `{personId}` → `{code, expiryTime}`.
pub(crate) async fn activation_code(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = object_body(&body)?;
    let workspace = string_field(&body, "workspaceId")?;
    let person = string_field(&body, "personId")?;
    match (&workspace, &person) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "Provide either workspaceId or personId, not both",
            ));
        }
        (None, None) => return Err(ApiError::bad_request("workspaceId or personId is required")),
        _ => {}
    }
    if let Some(workspace) = &workspace {
        let org = state.read();
        if !state.visible(&caller) || !org.workspaces.iter().any(|w| &w.id == workspace) {
            return Err(not_found("Workspace", workspace));
        }
    }
    let code: String = {
        let mut rng = rand::rng();
        (0..16)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect()
    };
    let expiry = chrono::Utc::now() + Duration::from_secs(7 * 24 * 3600);
    let expiry_time = expiry.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    Ok(json_response(
        StatusCode::OK,
        json!({ "code": code, "expiryTime": expiry_time }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(op: &str, value: Option<&[&str]>) -> TagOp {
        TagOp {
            op: op.into(),
            path: "tags".into(),
            value: value.map(|v| v.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn tag_operations_follow_the_docs() {
        let mut tags = vec!["a".to_owned()];
        apply_tag_op(&mut tags, &op("add", Some(&["b", "a"]))).unwrap();
        assert_eq!(tags, ["a", "b"]);
        apply_tag_op(&mut tags, &op("replace", Some(&["c"]))).unwrap();
        assert_eq!(tags, ["c"]);
        apply_tag_op(&mut tags, &op("remove", None)).unwrap();
        assert!(tags.is_empty());
        assert!(apply_tag_op(&mut tags, &op("move", Some(&["x"]))).is_err());
        assert!(apply_tag_op(&mut tags, &op("replace", None)).is_err());
    }
}
