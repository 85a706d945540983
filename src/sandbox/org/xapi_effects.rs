//! What each catalogue command does to a device: the status tree changes a real RoomOS device
//! would report afterwards (microphones, volume, standby, calls, selfview, presentation, do not
//! disturb), the on-screen message, and a restart. Arguments arrive validated and canonical.

use std::time::{Duration, Instant};

use chrono::{Datelike, Timelike};
use serde_json::{Map, Value, json};

use super::keypath;
use super::model::Device;
use crate::sandbox::error::ApiError;

/// Applies command `name` (canonical) to `device`; returns the command's `result`.
pub(crate) fn apply(
    device: &mut Device,
    name: &str,
    args: &Map<String, Value>,
    now: Instant,
    reboot_time: Duration,
) -> Result<Value, ApiError> {
    let tree = &mut device.status;
    match name {
        "Audio.Microphones.Mute" => keypath::set(tree, "Audio.Microphones.Mute", json!("On")),
        "Audio.Microphones.Unmute" => keypath::set(tree, "Audio.Microphones.Mute", json!("Off")),
        "Audio.Microphones.ToggleMute" => {
            let muted = keypath::get(tree, "Audio.Microphones.Mute") == Some(&json!("On"));
            keypath::set(
                tree,
                "Audio.Microphones.Mute",
                json!(if muted { "Off" } else { "On" }),
            );
        }
        "Audio.Volume.Set" => keypath::set(tree, "Audio.Volume", args["Level"].clone()),
        "Audio.Volume.Increase" => step_volume(tree, steps(args)),
        "Audio.Volume.Decrease" => step_volume(tree, -steps(args)),
        "Audio.Volume.Mute" => keypath::set(tree, "Audio.VolumeMute", json!("On")),
        "Audio.Volume.Unmute" => keypath::set(tree, "Audio.VolumeMute", json!("Off")),
        "Standby.Activate" => set_standby(tree, "Standby"),
        "Standby.Deactivate" => set_standby(tree, "Off"),
        "Standby.Halfwake" => set_standby(tree, "Halfwake"),
        "SystemUnit.Boot" => boot(device, args, now, reboot_time),
        "Dial" => return Ok(dial(tree, args)),
        "Call.Disconnect" => disconnect(tree, args)?,
        "UserInterface.Message.Alert.Display" => {
            let title = args.get("Title").and_then(Value::as_str).unwrap_or("");
            let text = args.get("Text").and_then(Value::as_str).unwrap_or("");
            device.on_screen = Some(if title.is_empty() {
                text.to_owned()
            } else {
                format!("{title}: {text}")
            });
        }
        "UserInterface.Message.TextLine.Display" => {
            device.on_screen = args.get("Text").and_then(Value::as_str).map(str::to_owned);
        }
        "UserInterface.Message.Alert.Clear" | "UserInterface.Message.TextLine.Clear" => {
            device.on_screen = None;
        }
        "Video.Selfview.Set" => {
            for (arg, value) in args {
                keypath::set(tree, &format!("Video.Selfview.{arg}"), value.clone());
            }
        }
        "Presentation.Start" => return Ok(start_presentation(tree, args)),
        "Presentation.Stop" => stop_presentation(tree, args),
        "Conference.DoNotDisturb.Activate" => {
            keypath::set(tree, "Conference.DoNotDisturb", json!("Active"));
        }
        "Conference.DoNotDisturb.Deactivate" => {
            keypath::set(tree, "Conference.DoNotDisturb", json!("Inactive"));
        }
        "Time.DateTime.Get" => return Ok(date_time()),
        // Camera presets have no visible status in the sandbox.
        _ => {}
    }
    Ok(json!({}))
}

fn steps(args: &Map<String, Value>) -> i64 {
    args.get("Steps").and_then(Value::as_i64).unwrap_or(5)
}

fn step_volume(tree: &mut Value, delta: i64) {
    let current = keypath::get(tree, "Audio.Volume")
        .and_then(Value::as_i64)
        .unwrap_or(50);
    keypath::set(tree, "Audio.Volume", json!((current + delta).clamp(0, 100)));
}

fn set_standby(tree: &mut Value, state: &str) {
    keypath::set(tree, "Standby.State", json!(state));
    // The people counter reports -1 while the room is in standby.
    if keypath::get(tree, "RoomAnalytics.PeopleCount.Current").is_some() {
        let current =
            keypath::get(tree, "RoomAnalytics.PeopleCount.Current").and_then(Value::as_i64);
        match (state, current) {
            ("Standby", _) => keypath::set(tree, "RoomAnalytics.PeopleCount.Current", json!(-1)),
            (_, Some(-1)) => keypath::set(tree, "RoomAnalytics.PeopleCount.Current", json!(0)),
            _ => {}
        }
    }
}

fn boot(device: &mut Device, args: &Map<String, Value>, now: Instant, reboot_time: Duration) {
    let tree = &mut device.status;
    keypath::set(tree, "SystemUnit.Uptime", json!(0));
    if let Some(Value::Array(calls)) = tree.get_mut("Call") {
        calls.clear();
    }
    keypath::set(tree, "SystemUnit.State.NumberOfActiveCalls", json!(0));
    set_standby(tree, "Off");
    device.on_screen = None;
    if args.get("Action").and_then(Value::as_str) == Some("Shutdown") {
        device.connection_status = "disconnected".into();
    } else {
        device.rebooting_until = Some(now + reboot_time);
    }
}

fn calls(tree: &Value) -> &[Value] {
    tree.get("Call")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn dial(tree: &mut Value, args: &Map<String, Value>) -> Value {
    let id = calls(tree)
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .max()
        .unwrap_or(0)
        + 1;
    let number = args
        .get("Number")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let call = json!({
        "id": id,
        "AnswerState": "Answered",
        "CallType": args.get("CallType").cloned().unwrap_or(json!("Video")),
        "CallbackNumber": format!("sip:{number}"),
        "DeviceType": "Endpoint",
        "Direction": "outgoing",
        "DisplayName": args.get("DisplayName").cloned().unwrap_or(json!(number)),
        "Duration": 0,
        "Protocol": args.get("Protocol").cloned().unwrap_or(json!("Spark")),
        "RemoteNumber": number,
        "Status": "Connected",
    });
    if let Value::Object(root) = tree {
        let list = root.entry("Call").or_insert_with(|| json!([]));
        if let Value::Array(items) = list {
            items.push(call);
        }
    }
    update_call_count(tree);
    set_standby(tree, "Off");
    json!({ "CallId": id, "ConferenceId": id + 10000 })
}

fn disconnect(tree: &mut Value, args: &Map<String, Value>) -> Result<(), ApiError> {
    let wanted = args.get("CallId").and_then(Value::as_i64);
    let exists = calls(tree)
        .iter()
        .any(|c| wanted.is_none_or(|id| c["id"].as_i64() == Some(id)));
    if !exists {
        return Err(ApiError::bad_request(match wanted {
            Some(id) => format!("Call.Disconnect failed: no call with CallId {id}"),
            None => "Call.Disconnect failed: no active call".to_owned(),
        }));
    }
    if let Some(Value::Array(items)) = tree.get_mut("Call") {
        items.retain(|c| wanted.is_some_and(|id| c["id"].as_i64() != Some(id)));
    }
    update_call_count(tree);
    Ok(())
}

fn update_call_count(tree: &mut Value) {
    let count = calls(tree).len();
    keypath::set(tree, "SystemUnit.State.NumberOfActiveCalls", json!(count));
}

fn instances(tree: &Value) -> Vec<i64> {
    keypath::get(tree, "Conference.Presentation.LocalInstance")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default()
}

fn start_presentation(tree: &mut Value, args: &Map<String, Value>) -> Value {
    let id = instances(tree).into_iter().max().unwrap_or(0) + 1;
    let source = args
        .get("ConnectorId")
        .and_then(|c| c.get(0))
        .cloned()
        .unwrap_or(json!(1));
    let mode = args
        .get("SendingMode")
        .cloned()
        .unwrap_or(json!("LocalRemote"));
    keypath::set(
        tree,
        &format!("Conference.Presentation.LocalInstance[{id}].SendingMode"),
        mode,
    );
    keypath::set(
        tree,
        &format!("Conference.Presentation.LocalInstance[{id}].Source"),
        source,
    );
    keypath::set(tree, "Conference.Presentation.Mode", json!("Sending"));
    json!({ "Instance": id })
}

fn stop_presentation(tree: &mut Value, args: &Map<String, Value>) {
    let wanted = args.get("Instance").and_then(Value::as_i64);
    for id in instances(tree) {
        if wanted.is_none_or(|w| w == id) {
            keypath::remove_element(tree, "Conference.Presentation.LocalInstance", id);
        }
    }
    if instances(tree).is_empty() {
        keypath::set(tree, "Conference.Presentation.Mode", json!("Off"));
    }
}

fn date_time() -> Value {
    let now = chrono::Utc::now();
    json!({
        "Year": now.year(), "Month": now.month(), "Day": now.day(),
        "Hour": now.hour(), "Minute": now.minute(), "Second": now.second(),
    })
}
