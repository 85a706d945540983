//! `POST /v1/xapi/command/{name}`: the command catalogue with argument value spaces, argument
//! validation (names case-insensitive, repeated arguments as arrays) and the checks before a
//! command reaches a device. What a command does to the device lives in `xapi_effects`.
//!
//! Offline devices: Webex does not document the answer. We answer **502 Bad Gateway** ("device
//! is not connected"): the cloud relays commands to the device and cannot reach it, which is
//! what a gateway error means; clients must not blindly retry commands anyway (DESIGN rule 7).

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::OrgState;
use super::http::{json_response, object_body};
use super::model::Device;
use super::xapi_effects;
use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;

/// The values an argument accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ValueSpace {
    /// A JSON integer in `min..=max`.
    Integer { min: i64, max: i64 },
    /// One of these literals (matched ignoring case, stored in this case).
    Literal(&'static [&'static str]),
    /// A string of `min..=max` characters.
    Text { min: usize, max: usize },
}

/// One argument of a command.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ArgSpec {
    pub name: &'static str,
    pub space: ValueSpace,
    pub required: bool,
    /// May be repeated (sent as a JSON array).
    pub multiple: bool,
}

/// One command of the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommandSpec {
    pub name: &'static str,
    pub args: &'static [ArgSpec],
}

const fn arg(name: &'static str, space: ValueSpace) -> ArgSpec {
    ArgSpec {
        name,
        space,
        required: false,
        multiple: false,
    }
}

const fn required(spec: ArgSpec) -> ArgSpec {
    ArgSpec {
        required: true,
        ..spec
    }
}

const fn repeated(spec: ArgSpec) -> ArgSpec {
    ArgSpec {
        multiple: true,
        ..spec
    }
}

const fn int(min: i64, max: i64) -> ValueSpace {
    ValueSpace::Integer { min, max }
}

const fn text(max: usize) -> ValueSpace {
    ValueSpace::Text { min: 0, max }
}

const ON_OFF: ValueSpace = ValueSpace::Literal(&["On", "Off"]);
const PIP_POSITIONS: ValueSpace = ValueSpace::Literal(&[
    "CenterLeft",
    "CenterRight",
    "LowerLeft",
    "LowerRight",
    "UpperCenter",
    "UpperLeft",
    "UpperRight",
]);

const fn command(name: &'static str, args: &'static [ArgSpec]) -> CommandSpec {
    CommandSpec { name, args }
}

/// The commands the sandbox devices understand (RoomOS names and value spaces).
pub(crate) const CATALOGUE: &[CommandSpec] = &[
    command("Audio.Microphones.Mute", &[]),
    command("Audio.Microphones.Unmute", &[]),
    command("Audio.Microphones.ToggleMute", &[]),
    command("Audio.Volume.Set", &[required(arg("Level", int(0, 100)))]),
    command("Audio.Volume.Increase", &[arg("Steps", int(1, 10))]),
    command("Audio.Volume.Decrease", &[arg("Steps", int(1, 10))]),
    command("Audio.Volume.Mute", &[]),
    command("Audio.Volume.Unmute", &[]),
    command("Standby.Activate", &[]),
    command("Standby.Deactivate", &[]),
    command("Standby.Halfwake", &[]),
    command(
        "SystemUnit.Boot",
        &[
            arg("Action", ValueSpace::Literal(&["Restart", "Shutdown"])),
            arg("Force", ValueSpace::Literal(&["False", "True"])),
        ],
    ),
    command(
        "Dial",
        &[
            required(arg("Number", ValueSpace::Text { min: 1, max: 255 })),
            arg(
                "Protocol",
                ValueSpace::Literal(&["H320", "H323", "Sip", "Spark"]),
            ),
            arg("CallRate", int(64, 6000)),
            arg("CallType", ValueSpace::Literal(&["Audio", "Video"])),
            arg("DisplayName", text(255)),
        ],
    ),
    command("Call.Disconnect", &[arg("CallId", int(0, 65534))]),
    command(
        "UserInterface.Message.Alert.Display",
        &[
            required(arg("Text", text(255))),
            arg("Title", text(255)),
            arg("Duration", int(0, 3600)),
        ],
    ),
    command("UserInterface.Message.Alert.Clear", &[]),
    command(
        "UserInterface.Message.TextLine.Display",
        &[
            required(arg("Text", text(140))),
            arg("Duration", int(0, 3600)),
            arg("X", int(1, 10000)),
            arg("Y", int(1, 10000)),
        ],
    ),
    command("UserInterface.Message.TextLine.Clear", &[]),
    command(
        "Video.Selfview.Set",
        &[
            arg("Mode", ON_OFF),
            arg("FullscreenMode", ON_OFF),
            arg("PIPPosition", PIP_POSITIONS),
            arg(
                "OnMonitorRole",
                ValueSpace::Literal(&["First", "Second", "Third", "Fourth"]),
            ),
        ],
    ),
    command(
        "Presentation.Start",
        &[
            repeated(arg("ConnectorId", int(1, 7))),
            arg("Layout", ValueSpace::Literal(&["Equal", "Prominent"])),
            arg(
                "SendingMode",
                ValueSpace::Literal(&["LocalRemote", "LocalOnly"]),
            ),
            repeated(arg("PresentationSource", int(1, 4))),
            arg(
                "Instance",
                ValueSpace::Literal(&["New", "1", "2", "3", "4", "5", "6"]),
            ),
        ],
    ),
    command(
        "Presentation.Stop",
        &[
            arg("Instance", int(1, 6)),
            arg("PresentationSource", int(1, 4)),
        ],
    ),
    command(
        "Camera.Preset.Activate",
        &[required(arg("PresetId", int(1, 35)))],
    ),
    command(
        "Conference.DoNotDisturb.Activate",
        &[arg("Timeout", int(1, 1440))],
    ),
    command("Conference.DoNotDisturb.Deactivate", &[]),
    command("Time.DateTime.Get", &[]),
];

/// The catalogue entry for `name`, ignoring case.
pub(crate) fn find_command(name: &str) -> Option<&'static CommandSpec> {
    CATALOGUE.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// Validates `arguments` against `spec`; returns them keyed by canonical name with canonical
/// literal case, a repeated argument always as an array.
pub(crate) fn validate_arguments(
    spec: &CommandSpec,
    arguments: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (name, value) in arguments {
        let arg = spec
            .args
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| unknown_argument(spec, name))?;
        let checked = match value {
            Value::Array(items) if arg.multiple => Value::Array(
                items
                    .iter()
                    .map(|item| check_value(spec, arg, item))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Array(_) => {
                return Err(ApiError::bad_request(format!(
                    "Argument '{}' of {} cannot be repeated",
                    arg.name, spec.name
                )));
            }
            single if arg.multiple => Value::Array(vec![check_value(spec, arg, single)?]),
            single => check_value(spec, arg, single)?,
        };
        out.insert(arg.name.to_owned(), checked);
    }
    if let Some(missing) = spec
        .args
        .iter()
        .find(|a| a.required && !out.contains_key(a.name))
    {
        return Err(ApiError::bad_request(format!(
            "Missing required argument '{}' for {}: {}",
            missing.name,
            spec.name,
            describe(&missing.space)
        )));
    }
    Ok(out)
}

fn unknown_argument(spec: &CommandSpec, name: &str) -> ApiError {
    let known: Vec<&str> = spec.args.iter().map(|a| a.name).collect();
    let allowed = if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    };
    ApiError::bad_request(format!(
        "Unknown argument '{name}' for {}: valid arguments are {allowed}",
        spec.name
    ))
}

fn check_value(spec: &CommandSpec, arg: &ArgSpec, value: &Value) -> Result<Value, ApiError> {
    let bad = || {
        ApiError::bad_request(format!(
            "Invalid value {value} for argument '{}' of {}: {}",
            arg.name,
            spec.name,
            describe(&arg.space)
        ))
    };
    match arg.space {
        ValueSpace::Integer { min, max } => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(json!(n)),
            _ => Err(bad()),
        },
        ValueSpace::Literal(allowed) => {
            let given = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return Err(bad()),
            };
            allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(&given))
                .map(|a| json!(a))
                .ok_or_else(bad)
        }
        ValueSpace::Text { min, max } => match value.as_str() {
            Some(s) if (min..=max).contains(&s.chars().count()) => Ok(value.clone()),
            _ => Err(bad()),
        },
    }
}

/// A human description of a value space, for error messages.
pub(crate) fn describe(space: &ValueSpace) -> String {
    match space {
        ValueSpace::Integer { min, max } => format!("an integer from {min} to {max}"),
        ValueSpace::Literal(allowed) => format!("one of {}", allowed.join(", ")),
        ValueSpace::Text { min, max } => format!("a string of {min} to {max} characters"),
    }
}

/// 502 unless the device is connected (see the module docs).
pub(crate) fn check_online(device: &Device, now: Instant) -> Result<(), ApiError> {
    if device.is_online(now) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::BAD_GATEWAY,
        format!(
            "Device {} is not connected (connectionStatus {}): it cannot be reached",
            device.id,
            device.effective_connection(now)
        ),
    ))
}

/// 403 unless the caller holds full xAPI access (`xapi:all`, or the legacy bare `xapi`).
fn check_can_command(device: &Device, permissions: &[String]) -> Result<(), ApiError> {
    if permissions.iter().any(|p| p == "xapi:all" || p == "xapi") {
        return Ok(());
    }
    let why = if permissions.iter().any(|p| p == "xapi:readonly") {
        "only read-only xAPI access (xapi:readonly) is granted"
    } else {
        "no xAPI access is granted"
    };
    Err(ApiError::forbidden(format!(
        "Not authorized to run commands on device {}: {why}",
        device.id
    )))
}

/// `POST /v1/xapi/command/{name}` with `{deviceId, arguments?, body?}`.
pub(crate) async fn run_command(
    State(state): State<Arc<OrgState>>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = object_body(&body)?;
    let device_id = request["deviceId"]
        .as_str()
        .ok_or_else(|| ApiError::bad_request("deviceId is required"))?
        .to_owned();
    let arguments = match &request["arguments"] {
        Value::Null => Map::new(),
        Value::Object(map) => map.clone(),
        _ => return Err(ApiError::bad_request("arguments must be a JSON object")),
    };
    let now = Instant::now();
    let mut org = state.write();
    let (index, permissions) = state.device_for(&org, &caller, &device_id)?;
    let device = &mut org.devices[index];
    check_can_command(device, &permissions)?;
    check_online(device, now)?;
    let spec = find_command(&name)
        .ok_or_else(|| ApiError::bad_request(format!("[Command '{name}' not supported]")))?;
    let checked = validate_arguments(spec, &arguments)?;
    let result = xapi_effects::apply(device, spec.name, &checked, now, state.reboot_time)?;
    Ok(json_response(
        StatusCode::OK,
        json!({ "deviceId": device_id, "arguments": arguments, "result": result }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn arguments_are_case_insensitive_and_canonicalised() {
        let spec = find_command("video.selfview.set").unwrap();
        let checked = validate_arguments(
            spec,
            &args(json!({"mode": "on", "pipposition": "lowerleft"})),
        )
        .unwrap();
        assert_eq!(
            Value::Object(checked),
            json!({"Mode": "On", "PIPPosition": "LowerLeft"})
        );
    }

    #[test]
    fn repeated_arguments_become_arrays() {
        let spec = find_command("Presentation.Start").unwrap();
        let checked = validate_arguments(
            spec,
            &args(json!({"ConnectorId": [2, 3], "Layout": "Equal"})),
        )
        .unwrap();
        assert_eq!(checked["ConnectorId"], json!([2, 3]));
        let single = validate_arguments(spec, &args(json!({"ConnectorId": 2}))).unwrap();
        assert_eq!(single["ConnectorId"], json!([2]));
    }

    #[test]
    fn bad_arguments_name_the_argument_and_the_allowed_values() {
        let spec = find_command("Audio.Volume.Set").unwrap();
        let cases = [
            (json!({"Level": 101}), "Level", "0 to 100"),
            (json!({"Level": "50"}), "Level", "integer"),
            (json!({}), "Level", "Missing"),
            (
                json!({"Level": 5, "Loud": 1}),
                "Loud",
                "valid arguments are Level",
            ),
        ];
        for (input, name, hint) in cases {
            let err = validate_arguments(spec, &args(input.clone())).unwrap_err();
            assert!(
                err.message.contains(name) && err.message.contains(hint),
                "{input}: {}",
                err.message
            );
        }
        let spec = find_command("Audio.Volume.Increase").unwrap();
        assert!(validate_arguments(spec, &args(json!({"Steps": [1, 2]}))).is_err());
    }

    #[test]
    fn catalogue_names_are_unique() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            assert!(
                CATALOGUE[i + 1..]
                    .iter()
                    .all(|b| !b.name.eq_ignore_ascii_case(a.name)),
                "{}",
                a.name
            );
        }
    }
}
