//! `GET /v1/xapi/status?deviceId=…&name=…`: 1–10 status expressions (repeated or
//! comma-separated; `*`, `[n]`, `[a..b]`, `[*]`; case-insensitive) answered as one nested tree in
//! canonical case. An expression that matches nothing adds nothing: an unknown path answers
//! 200 with `"result": {}`, as the real cloud does.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::OrgState;
use super::http::{Query, json_response};
use super::keypath::{Pattern, insert, leaves};
use super::model::Device;
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;

/// The most expressions one request may carry.
const MAX_NAMES: usize = 10;

/// `GET /v1/xapi/status`
pub(crate) async fn get_status(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = Query::from_uri(&uri);
    let device_id = query.required("deviceId")?;
    let patterns = parse_names(&query.all_split("name"))?;
    let org = state.read();
    let (index, permissions) = state.device_for(&org, &caller, device_id)?;
    let device = &org.devices[index];
    check_can_read(device, &permissions, Instant::now())?;
    let result = select(&device.status, &patterns);
    Ok(json_response(
        StatusCode::OK,
        json!({ "deviceId": device.id, "result": result }),
    ))
}

fn parse_names(names: &[&str]) -> Result<Vec<Pattern>, ApiError> {
    if names.is_empty() {
        return Err(ApiError::bad_request(
            "Missing required query parameter: name",
        ));
    }
    if names.len() > MAX_NAMES {
        return Err(ApiError::bad_request(format!(
            "Too many status expressions: {} given, at most {MAX_NAMES} allowed",
            names.len()
        )));
    }
    names
        .iter()
        .map(|name| {
            Pattern::parse(name)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid status expression: {name}")))
        })
        .collect()
}

/// 403 unless the caller holds an xAPI permission; 502 when the device cannot be reached
/// (see [`super::xapi_commands`] for why 502).
pub(crate) fn check_can_read(
    device: &Device,
    permissions: &[String],
    now: Instant,
) -> Result<(), ApiError> {
    let allowed = permissions
        .iter()
        .any(|p| matches!(p.as_str(), "xapi:readonly" | "xapi:all" | "xapi"));
    if !allowed {
        return Err(ApiError::forbidden(format!(
            "Not authorized to read the status of device {}",
            device.id
        )));
    }
    super::xapi_commands::check_online(device, now)
}

/// The part of `tree` that any pattern selects, as a tree in the same (canonical) case.
pub(crate) fn select(tree: &Value, patterns: &[Pattern]) -> Value {
    let mut result = json!({});
    for (path, value) in leaves(tree) {
        if patterns.iter().any(|p| p.matches(&path, true)) {
            insert(&mut result, &path, value.clone());
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Value {
        json!({
            "Audio": {
                "Volume": 50,
                "Microphones": {"Mute": "Off"},
                "Input": {"Connectors": {"HDMI": [
                    {"id": 1, "Mute": "Off"}, {"id": 2, "Mute": "On"}, {"id": 3, "Mute": "Off"}
                ]}}
            },
            "Standby": {"State": "Off"}
        })
    }

    fn query(names: &[&str]) -> Value {
        select(&tree(), &parse_names(names).unwrap())
    }

    #[test]
    fn expressions_select_canonical_subtrees() {
        assert_eq!(query(&["audio.volume"]), json!({"Audio": {"Volume": 50}}));
        assert_eq!(query(&["*.Volume"]), json!({"Audio": {"Volume": 50}}));
        assert_eq!(
            query(&["Audio.Input.Connectors.HDMI[2..3].Mute"]),
            json!({"Audio": {"Input": {"Connectors": {"HDMI": [{"id": 2, "Mute": "On"}, {"id": 3, "Mute": "Off"}]}}}})
        );
        assert_eq!(
            query(&["Standby", "Audio.Microphones.Mute"]),
            json!({
                "Audio": {"Microphones": {"Mute": "Off"}}, "Standby": {"State": "Off"}
            })
        );
        assert_eq!(query(&["No.Such.Path"]), json!({}));
    }

    #[test]
    fn name_count_is_limited() {
        assert!(parse_names(&[]).is_err());
        assert!(parse_names(&["Audio.Volume"; 11]).is_err());
        assert!(parse_names(&["Audio.Volume"; 10]).is_ok());
    }
}
