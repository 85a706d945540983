//! What a confirmation asks, in words: the action as a question with its device count ("Mute
//! the microphones on 11 devices?"), one line saying where and what is left out, and each
//! device listed once. Deletes say what goes with them and that it cannot be undone.

use serde_json::Value;

use crate::cards::words::{count, plural};
use crate::plan::{Action, Plan};

use super::results::{short_reason, target_words};
use super::xapi::plain;

/// What a confirmation card says: its title, one line of summary, and the names it affects.
pub(crate) struct Asking {
    pub title: String,
    pub summary: String,
    pub targets: Vec<String>,
}

/// What the confirmation card of `plan` says.
pub(crate) fn asking(plan: &Plan) -> Asking {
    let names: Vec<String> = plan.included().map(|d| d.name.clone()).collect();
    let devices = plural(names.len(), "device", "devices");
    let title = match &plan.action {
        Action::Xapi { path, arguments } => command_question(path, arguments.as_ref(), &devices),
        Action::ConfigChange { changes } => match changes.as_slice() {
            [one] => match &one.value {
                Some(value) => format!("Set {} to {} on {devices}?", one.key, plain(value)),
                None => format!("Reset {} to its default on {devices}?", one.key),
            },
            many => format!("Change {} settings on {devices}?", many.len()),
        },
        Action::Tag { add: true, tag } => format!("Add the tag “{tag}” to {devices}?"),
        Action::Tag { add: false, tag } => format!("Remove the tag “{tag}” from {devices}?"),
        Action::DeleteDevice | Action::DeleteWorkspace { .. } => return asking_delete(plan),
        _ => format!("Run “{}”?", plan.text),
    };
    Asking {
        title,
        summary: where_and_left_out(plan),
        targets: names,
    }
}

/// The question for an xAPI command on `devices` ("Mute the microphones on 11 devices?").
fn command_question(path: &str, arguments: Option<&Value>, devices: &str) -> String {
    let argument = |name: &str| {
        arguments
            .and_then(|a| a.get(name))
            .map(plain)
            .unwrap_or_default()
    };
    match path.to_ascii_lowercase().as_str() {
        "audio.microphones.mute" => format!("Mute the microphones on {devices}?"),
        "audio.microphones.unmute" => format!("Unmute the microphones on {devices}?"),
        "audio.volume.set" => format!("Set the volume to {} on {devices}?", argument("Level")),
        "audio.volume.increase" => format!("Turn the volume up on {devices}?"),
        "audio.volume.decrease" => format!("Turn the volume down on {devices}?"),
        "standby.activate" => format!("Put {devices} in standby?"),
        "standby.deactivate" => format!("Wake {devices}?"),
        "standby.halfwake" => format!("Put {devices} in half-wake?"),
        "systemunit.boot" => format!("Restart {devices}?"),
        "dial" => format!("Dial {} from {devices}?", argument("Number")),
        "call.disconnect" => format!("Hang up the calls on {devices}?"),
        "userinterface.message.alert.display" => {
            format!("Show “{}” on the screens of {devices}?", argument("Text"))
        }
        "video.selfview.set" => format!(
            "Turn selfview {} on {devices}?",
            argument("Mode").to_lowercase()
        ),
        _ => format!("Run xCommand {path} on {devices}?"),
    }
}

/// Where the plan goes and what it leaves out: `On all devices; 2 left out: 1 offline, 1
/// read-only.` (a personal device is left out unless named, and the preview says so).
fn where_and_left_out(plan: &Plan) -> String {
    let mut reasons: Vec<(&'static str, usize)> = Vec::new();
    for (_, reason) in plan.left_out() {
        let words = short_reason(reason);
        match reasons.iter_mut().find(|(w, _)| *w == words) {
            Some((_, n)) => *n += 1,
            None => reasons.push((words, 1)),
        }
    }
    let on = format!("On {}", target_words(&plan.label));
    let total: usize = reasons.iter().map(|(_, n)| n).sum();
    match total {
        0 => format!("{on}."),
        _ => {
            let left: Vec<String> = reasons.iter().map(|(w, n)| format!("{n} {w}")).collect();
            format!("{on}; {} left out: {}.", count(total), left.join(", "))
        }
    }
}

/// What the confirmation of a delete says: what goes, with it, and that it cannot be undone.
fn asking_delete(plan: &Plan) -> Asking {
    let label = &plan.label;
    let devices: Vec<String> = plan.devices.iter().map(|d| d.device.name.clone()).collect();
    if let Action::DeleteDevice = plan.action {
        let workspace = plan
            .devices
            .first()
            .map(|d| d.device.workspace.clone())
            .unwrap_or_default();
        return Asking {
            title: format!("Delete the device {label}?"),
            summary: format!(
                "It leaves the organisation ({workspace}) and must be activated again to come back."
            ),
            targets: vec![label.clone()],
        };
    }
    let summary = match devices.len() {
        0 => "It has no devices. This cannot be undone.".to_owned(),
        n => format!(
            "Its {} go with it. This cannot be undone.",
            plural(n, "device", "devices")
        ),
    };
    Asking {
        title: format!("Delete the workspace {label}?"),
        summary,
        targets: devices,
    }
}
