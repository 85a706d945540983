//! The reply to xAPI commands (every device command of the language and raw `xCommand`): one
//! row per device called, with what it did or why it failed, then the skipped devices; the
//! follow-up buttons fit the command (Unmute after Mute, Volume +/- …).

use serde_json::Value;

use crate::cards::markdown::escape;
use crate::cards::{
    CommandResult, DeviceOutcome, FollowUp, Outcome as RowOutcome, follow_up_buttons,
};
use crate::plan::Plan;

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Outcome};
use super::reply::{SUPPORT_HINT, device_names};
use super::results::{call_rows, counts, skip_notes, target_words, verdict_of};
use super::{Done, Ops};

/// How a command's result reads: the row text, the headline verb and the follow-up buttons.
pub(crate) struct Wording {
    /// Past tense for a result row, e.g. "Microphones muted".
    pub done: String,
    /// Headline verb, e.g. "Muted".
    pub verb: &'static str,
    pub follow_up: FollowUp,
}

/// The wording of xAPI command `path` with `arguments`.
pub(crate) fn wording(path: &str, arguments: Option<&Value>) -> Wording {
    let argument = |name: &str| {
        arguments
            .and_then(|a| a.get(name))
            .map(plain)
            .unwrap_or_default()
    };
    let word = |done: String, verb, follow_up| Wording {
        done,
        verb,
        follow_up,
    };
    match path.to_ascii_lowercase().as_str() {
        "audio.microphones.mute" => word("Microphones muted".into(), "Muted", FollowUp::Mute),
        "audio.microphones.unmute" => {
            word("Microphones unmuted".into(), "Unmuted", FollowUp::Unmute)
        }
        "audio.volume.set" => word(
            format!("Volume set to {}", argument("Level")),
            "Set volume of",
            FollowUp::Volume,
        ),
        "audio.volume.increase" | "audio.volume.decrease" => {
            let up = path.eq_ignore_ascii_case("Audio.Volume.Increase");
            let steps = argument("Steps");
            let done = format!(
                "Volume {} {steps} {}",
                if up { "up" } else { "down" },
                if steps == "1" { "step" } else { "steps" }
            );
            word(done, "Changed volume of", FollowUp::Volume)
        }
        "standby.activate" => word("Standby".into(), "Put in standby", FollowUp::Standby),
        "standby.deactivate" => word("Awake".into(), "Woke", FollowUp::Wake),
        "standby.halfwake" => word("Half awake".into(), "Half-woke", FollowUp::Wake),
        "systemunit.boot" => word("Restarting".into(), "Rebooted", FollowUp::Other),
        "dial" => word(
            format!("Dialling {}", argument("Number")),
            "Dialled from",
            FollowUp::Call,
        ),
        "call.disconnect" => word("Call ended".into(), "Hung up", FollowUp::Other),
        "userinterface.message.alert.display" => {
            word("Alert shown".into(), "Alerted", FollowUp::Other)
        }
        "video.selfview.set" => {
            let on = argument("Mode").eq_ignore_ascii_case("On");
            let done = if on { "Selfview on" } else { "Selfview off" };
            word(done.into(), "Set selfview on", FollowUp::Selfview { on })
        }
        _ => word(
            format!("xCommand {path} ran"),
            "Ran xCommand on",
            FollowUp::Other,
        ),
    }
}

impl Ops {
    /// The result card of an xAPI command plan; a single device that failed gets an error card.
    /// `by` ("asked by Ada" in group spaces, else "") ends the title.
    pub(crate) fn render_xapi(&self, plan: &Plan, outcome: &Outcome, path: &str, by: &str) -> Done {
        let arguments = match &plan.action {
            crate::plan::Action::Xapi { arguments, .. } => arguments.as_ref(),
            _ => None,
        };
        let wording = wording(path, arguments);
        let terminal = plan.text.to_ascii_lowercase().starts_with("xcommand");
        let rows = call_rows(plan, outcome, |answer| match answer {
            Answer::Command(result) if terminal => {
                (RowOutcome::Done, terminal_result(path, result))
            }
            Answer::Command(result) => (RowOutcome::Done, done_detail(&wording, result)),
            _ => (RowOutcome::Done, wording.done.clone()),
        });
        if let Some(done) = self.lone_failure(plan, outcome, path, rows.first()) {
            return done;
        }
        let usable = plan.included().count();
        // Only what can work is offered: no Unmute where nothing was muted.
        let follow_up = match rows.iter().any(|r| r.outcome == RowOutcome::Done) {
            true => wording.follow_up,
            false => FollowUp::Other,
        };
        let result = CommandResult {
            title: title(plan, usable, wording.verb, by),
            buttons: follow_up_buttons(follow_up, &plan.label),
            summary: counts(&rows, plan),
            rows,
            notes: skip_notes(plan),
        };
        let verdict = verdict_of(&result.rows, usable == 0);
        let card = self.templates.render_command_result(&result);
        Done::new(self.card(card, escape(&result.title)), verdict)
            .targets(device_names(plan))
            .tracking(outcome.tracking_ids())
    }

    /// The error card when the plan's only call failed and nothing was left out.
    fn lone_failure(
        &self,
        plan: &Plan,
        outcome: &Outcome,
        path: &str,
        row: Option<&DeviceOutcome>,
    ) -> Option<Done> {
        let [CallResult::Failed(failure)] = outcome.results.as_slice() else {
            return None;
        };
        if plan.left_out().next().is_some() {
            return None;
        }
        let name = plan.included().next().map(|d| d.name.clone());
        let detail = row.map(|r| r.detail.as_str()).unwrap_or_default();
        let message = format!("{path} failed on {}: {detail}", name.unwrap_or_default());
        let reply = self.error_reply(&message, SUPPORT_HINT, &failure.tracking_id, Vec::new());
        Some(
            Done::new(reply, Verdict::Failed)
                .targets(device_names(plan))
                .tracking(outcome.tracking_ids())
                .detail(message),
        )
    }
}

/// The headline: what was done where (and who asked), or that nothing could be.
fn title(plan: &Plan, usable: usize, verb: &str, by: &str) -> String {
    let shown = target_words(&plan.label);
    match usable {
        0 => format!("Nothing to run on {shown}: no device there accepts commands from me"),
        _ => with_by(format!("{verb} {shown}"), by),
    }
}

/// A title ending with who asked (`Muted room 4B, asked by Ada`), when `by` says.
pub(crate) fn with_by(title: String, by: &str) -> String {
    match by {
        "" => title,
        by => format!("{title}, {by}"),
    }
}

/// What an xCommand answered, as the RoomOS terminal prints it:
/// `*r PresentationStartResult (status=OK): Instance: 1`.
fn terminal_result(path: &str, answer: &Value) -> String {
    let name: String = path.split('.').collect();
    let head = format!("*r {name}Result (status=OK)");
    let fields: Vec<String> = crate::webex::flatten_status(answer)
        .into_iter()
        .map(|(k, v)| format!("{k}: {}", plain(&v)))
        .collect();
    match fields.is_empty() {
        true => head,
        false => format!("{head}: {}", fields.join(", ")),
    }
}

/// The row text: the command's past tense, plus what the device answered when it said more.
fn done_detail(wording: &Wording, answer: &Value) -> String {
    match answer {
        Value::Object(map) if !map.is_empty() => {
            let fields: Vec<String> = crate::webex::flatten_status(answer)
                .into_iter()
                .map(|(k, v)| format!("{k} = {}", plain(&v)))
                .collect();
            format!("{}: {}", wording.done, fields.join(", "))
        }
        _ => wording.done.clone(),
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
    use serde_json::json;

    use super::*;

    #[test]
    fn commands_read_as_what_they_did() {
        let volume = wording("Audio.Volume.Set", Some(&json!({"Level": 60})));
        assert_eq!(
            (volume.done.as_str(), volume.verb),
            ("Volume set to 60", "Set volume of")
        );
        let down = wording("Audio.Volume.Decrease", Some(&json!({"Steps": 3})));
        assert_eq!(down.done, "Volume down 3 steps");
        let off = wording("Video.Selfview.Set", Some(&json!({"Mode": "Off"})));
        assert_eq!(off.follow_up, FollowUp::Selfview { on: false });
        let raw = wording("Presentation.Start", None);
        assert_eq!(raw.done, "xCommand Presentation.Start ran");
        assert_eq!(wording("audio.microphones.mute", None).verb, "Muted");
    }
}
