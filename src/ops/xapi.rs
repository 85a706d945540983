//! xAPI commands: every device command of the language (and raw `xCommand`) becomes one
//! `POST xapi/command/<Path>` per usable device, fanned out with bounded concurrency. Offline,
//! read-only and unauthorised devices are skipped and listed; reboots and anything reaching
//! more than one device are confirmed first.

use serde_json::{Value, json};

use crate::cards::{CommandResult, DeviceOutcome, FollowUp, Outcome};
use crate::command::{Command, StandbyMode, StepDirection};
use crate::resolve::{Need, select};
use crate::webex::Device;

use super::audit::Verdict;
use super::reply::{describe, device_name, skipped_rows};
use super::target::target_text;
use super::{Ctx, Done, Ops};

/// One xAPI command as sent: path, arguments, and how to describe and follow it up.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct XapiCall {
    pub path: String,
    pub arguments: Option<Value>,
    /// Past tense for the result row, e.g. "Microphones muted".
    pub done: String,
    /// Headline verb, e.g. "Muted".
    pub verb: &'static str,
    pub follow_up: FollowUp,
}

/// The xAPI call a device command stands for (`None` for commands that are not xAPI commands).
pub(crate) fn xapi_call(command: &Command) -> Option<XapiCall> {
    let call = |path: &str, arguments: Option<Value>, done: &str, verb, follow_up| XapiCall {
        path: path.to_owned(),
        arguments,
        done: done.to_owned(),
        verb,
        follow_up,
    };
    Some(match command {
        Command::Mute { .. } => call(
            "Audio.Microphones.Mute",
            None,
            "Microphones muted",
            "Muted",
            FollowUp::Mute,
        ),
        Command::Unmute { .. } => call(
            "Audio.Microphones.Unmute",
            None,
            "Microphones unmuted",
            "Unmuted",
            FollowUp::Unmute,
        ),
        Command::Volume { level, .. } => call(
            "Audio.Volume.Set",
            Some(json!({ "Level": level })),
            &format!("Volume set to {level}"),
            "Set volume of",
            FollowUp::Volume,
        ),
        Command::VolumeStep {
            direction, steps, ..
        } => {
            let (path, word) = match direction {
                StepDirection::Up => ("Audio.Volume.Increase", "up"),
                StepDirection::Down => ("Audio.Volume.Decrease", "down"),
            };
            let done = format!("Volume {word} {steps} step(s)");
            call(
                path,
                Some(json!({ "Steps": steps })),
                &done,
                "Changed volume of",
                FollowUp::Volume,
            )
        }
        Command::Standby { mode, .. } => match mode {
            StandbyMode::Activate => call(
                "Standby.Activate",
                None,
                "Standby",
                "Put in standby",
                FollowUp::Standby,
            ),
            StandbyMode::Deactivate => {
                call("Standby.Deactivate", None, "Awake", "Woke", FollowUp::Wake)
            }
            StandbyMode::Halfwake => call(
                "Standby.Halfwake",
                None,
                "Half awake",
                "Half-woke",
                FollowUp::Wake,
            ),
        },
        Command::Reboot { .. } => call(
            "SystemUnit.Boot",
            Some(json!({ "Action": "Restart" })),
            "Restarting",
            "Rebooted",
            FollowUp::Other,
        ),
        Command::Dial { number, .. } => call(
            "Dial",
            Some(json!({ "Number": number })),
            &format!("Dialling {number}"),
            "Dialled from",
            FollowUp::Call,
        ),
        Command::Hangup { .. } => call(
            "Call.Disconnect",
            None,
            "Call ended",
            "Hung up",
            FollowUp::Other,
        ),
        Command::Alert { text, duration, .. } => {
            let mut arguments = json!({ "Text": text });
            if let Some(seconds) = duration {
                arguments["Duration"] = json!(seconds);
            }
            call(
                "UserInterface.Message.Alert.Display",
                Some(arguments),
                "Alert shown",
                "Alerted",
                FollowUp::Other,
            )
        }
        Command::Selfview { on, .. } => call(
            "Video.Selfview.Set",
            Some(json!({ "Mode": if *on { "On" } else { "Off" } })),
            if *on { "Selfview on" } else { "Selfview off" },
            "Set selfview on",
            FollowUp::Selfview { on: *on },
        ),
        Command::XCommand {
            path, arguments, ..
        } => call(
            path,
            (!arguments.is_empty()).then(|| Value::Object(arguments.clone())),
            &format!("xCommand {path} ran"),
            "Ran xCommand on",
            FollowUp::Other,
        ),
        _ => return None,
    })
}

impl Ops {
    /// Runs a device command on its target's usable devices.
    pub(crate) async fn device_command(&self, ctx: &Ctx<'_>, mut command: Command) -> Done {
        let Some(call) = xapi_call(&command) else {
            return self.rejected("That command is not available here.", "Type `help`.");
        };
        let Some(target) = super::target::target_slot(&mut command).and_then(|t| t.clone()) else {
            return self.rejected(
                "That command needs a target.",
                "Add a workspace, e.g. `in 4B`.",
            );
        };
        let (devices, snapshot) = match self.resolve_target(ctx, &command, &target).await {
            Ok(found) => found,
            Err(done) => return done,
        };
        let (usable, skipped) = select(devices, Need::COMMAND);
        let label = target_text(&target);
        let mut names: Vec<String> = usable.iter().map(device_name).collect();
        if !ctx.confirmed && !usable.is_empty() && (is_reboot(&command) || usable.len() > 1) {
            let title = format!("{} {} device(s)?", confirm_verb(&call), usable.len());
            let summary = format!("`{}` on {label}: {}", call.path, names.join(", "));
            return self
                .ask_confirmation(ctx, &command, &title, &summary, names)
                .await;
        }
        if !usable.is_empty()
            && let Some(done) = self.begin_action(ctx, &command.canonical()).await
        {
            return done.targets(names);
        }
        let results = self.fan_out(ctx, &usable, &call).await;
        let mut rows = Vec::new();
        let mut tracking = Vec::new();
        for (device, result) in usable.iter().zip(results) {
            let workspace = snapshot.workspace_name(device);
            let (outcome, detail) = match result {
                Ok(answer) => (Outcome::Done, done_detail(&call, &answer)),
                Err((message, id)) => {
                    tracking.push(id.clone());
                    (Outcome::Failed, format!("{message} (trackingId {id})"))
                }
            };
            rows.push(DeviceOutcome {
                device: device_name(device),
                workspace,
                outcome,
                detail,
            });
        }
        if usable.len() == 1 && tracking.len() == 1 && skipped.is_empty() {
            let message = format!("{} failed on {}: {}", call.path, names[0], rows[0].detail);
            let reply = self.error_reply(
                &message,
                "Quote the trackingId if you contact Webex support.",
                &tracking[0],
                Vec::new(),
            );
            return Done::new(reply, Verdict::Failed)
                .targets(names)
                .tracking(tracking)
                .detail(message);
        }
        names.extend(skipped.iter().map(|(device, _)| device_name(device)));
        rows.extend(skipped_rows(&skipped, &snapshot));
        let title = match usable.is_empty() {
            true => format!("Nothing to run on {label}: no device there accepts commands from me"),
            false => format!("{} {label}", call.verb),
        };
        let result = CommandResult {
            title,
            target: label,
            rows,
            follow_up: call.follow_up,
        };
        let fallback = result.title.clone();
        let verdict = if usable.is_empty() {
            Verdict::Rejected
        } else {
            Verdict::Done
        };
        Done::new(
            self.card(self.templates.render_command_result(&result), fallback),
            verdict,
        )
        .targets(names)
        .tracking(tracking)
    }

    /// Sends `call` to every device (bounded fan-out); results in device order.
    async fn fan_out(
        &self,
        ctx: &Ctx<'_>,
        devices: &[Device],
        call: &XapiCall,
    ) -> Vec<Result<Value, (String, String)>> {
        let webex = &ctx.bot.webex;
        self.for_each_device(devices, |device| async move {
            webex
                .xapi_command(&device.id, &call.path, call.arguments.clone(), None)
                .await
                .map(|r| r.result.unwrap_or(Value::Null))
                .map_err(|e| (describe(&e), e.tracking_id().unwrap_or_default().to_owned()))
        })
        .await
    }
}

fn is_reboot(command: &Command) -> bool {
    matches!(command, Command::Reboot { .. })
        || matches!(command, Command::XCommand { path, .. } if path.eq_ignore_ascii_case("SystemUnit.Boot"))
}

fn confirm_verb(call: &XapiCall) -> String {
    match call.path.as_str() {
        "SystemUnit.Boot" => "Reboot".to_owned(),
        path => format!("Run {path} on"),
    }
}

/// The row text: the command's past tense, plus what the device answered when it said more.
fn done_detail(call: &XapiCall, answer: &Value) -> String {
    match answer {
        Value::Object(map) if !map.is_empty() => {
            let fields: Vec<String> = crate::webex::flatten_status(answer)
                .into_iter()
                .map(|(k, v)| format!("{k} = {}", plain(&v)))
                .collect();
            format!("{}: {}", call.done, fields.join(", "))
        }
        _ => call.done.clone(),
    }
}

/// A JSON value as people write it (strings without quotes).
pub(crate) fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_commands_map_to_the_documented_xapi_calls() {
        let call =
            |text: &str| xapi_call(&Command::parse(text).expect(text)).expect("an xAPI call");
        assert_eq!(call("mute 4B").path, "Audio.Microphones.Mute");
        let volume = call("volume 60 4B");
        assert_eq!(
            (volume.path.as_str(), volume.arguments),
            ("Audio.Volume.Set", Some(json!({"Level": 60})))
        );
        assert_eq!(
            call("reboot 4B").arguments,
            Some(json!({"Action": "Restart"}))
        );
        let x =
            call("xCommand Presentation Start Layout: Equal ConnectorId: 2 ConnectorId: 3 on 4B");
        assert_eq!(x.path, "Presentation.Start");
        assert_eq!(
            x.arguments,
            Some(json!({"Layout": "Equal", "ConnectorId": [2, 3]}))
        );
    }
}
