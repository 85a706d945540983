//! The reply to status reads (`status <keys> <target>`, `xStatus`): the flattened tree per
//! device (`Audio.Volume = 70`, `Call[1].Status = Connected`), or for `status <target>` alone a
//! summary (standby, volume, microphones, calls, people, uptime, software). An empty answer
//! means the status does not exist on that device.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cards::{DeviceStatus, Fact, StatusReport};
use crate::plan::Plan;

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Outcome};
use super::reply::SUPPORT_HINT;
use super::xapi::plain;
use super::{Done, Ops};

impl Ops {
    /// One entry per device read (facts, or why there are none), then the skipped devices.
    pub(crate) fn render_status(&self, plan: &Plan, outcome: &Outcome, keys: &[String]) -> Done {
        let mut devices = status_entries(plan, outcome, keys);
        let tracking = outcome.tracking_ids();
        if let [CallResult::Failed(failure)] = outcome.results.as_slice() {
            let message = format!(
                "Reading status of {} failed: {}",
                devices[0].device, devices[0].note
            );
            let reply = self.error_reply(&message, SUPPORT_HINT, &failure.tracking_id, Vec::new());
            return Done::new(reply, Verdict::Failed)
                .tracking(tracking)
                .detail(message);
        }
        devices.extend(plan.skipped().map(|(device, reason)| DeviceStatus {
            device: device.name.clone(),
            workspace: device.workspace.clone(),
            facts: Vec::new(),
            note: reason.explain().to_owned(),
        }));
        let title = match devices.is_empty() {
            true => format!("No devices in {}", plan.label),
            false => format!("Status of {}", plan.label),
        };
        let report = StatusReport {
            title,
            devices,
            refresh_command: plan.text.clone(),
        };
        let names = report.devices.iter().map(|d| d.device.clone()).collect();
        let card = self.templates.render_status(&report);
        Done::new(self.card(card, report.title.clone()), Verdict::Read)
            .targets(names)
            .tracking(tracking)
    }
}

/// One entry per device read, in plan order.
fn status_entries(plan: &Plan, outcome: &Outcome, keys: &[String]) -> Vec<DeviceStatus> {
    plan.calls
        .iter()
        .zip(&outcome.results)
        .filter_map(|(call, result)| {
            let device = plan.device_of(call)?;
            let (facts, note) = status_facts(result, keys);
            Some(DeviceStatus {
                device: device.name.clone(),
                workspace: device.workspace.clone(),
                facts,
                note,
            })
        })
        .collect()
}

/// The facts one read gave (or the note saying why there are none).
fn status_facts(result: &CallResult, keys: &[String]) -> (Vec<Fact>, String) {
    match result {
        CallResult::Done(Answer::Status(pairs)) if keys.is_empty() => {
            (summary_facts(pairs), String::new())
        }
        CallResult::Done(Answer::Status(pairs)) if pairs.is_empty() => (
            Vec::new(),
            format!("{} does not exist on this device.", keys.join(", ")),
        ),
        CallResult::Done(Answer::Status(pairs)) => (
            pairs.iter().map(|(k, v)| Fact::new(k, plain(v))).collect(),
            String::new(),
        ),
        CallResult::Done(_) => (Vec::new(), String::new()),
        CallResult::Refused { message, .. } => (Vec::new(), message.clone()),
        CallResult::Failed(failure) => (
            Vec::new(),
            format!("{} (trackingId {})", failure.message, failure.tracking_id),
        ),
    }
}

/// The summary facts from the summary names' flattened values.
fn summary_facts(pairs: &[(String, Value)]) -> Vec<Fact> {
    let values: BTreeMap<&str, &Value> = pairs.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let text = |key: &str| values.get(key).map(|v| plain(v));
    let mut facts = Vec::new();
    let mut push = |title: &str, value: Option<String>| {
        if let Some(value) = value {
            facts.push(Fact::new(title, value));
        }
    };
    push("Standby", text("Standby.State"));
    push("Volume", text("Audio.Volume"));
    push(
        "Microphones",
        text("Audio.Microphones.Mute").map(|m| {
            if m == "On" {
                "muted".to_owned()
            } else {
                "unmuted".to_owned()
            }
        }),
    );
    let calls: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k.starts_with("Call[") && k.ends_with(".Status"))
        .map(|(k, v)| format!("{} {}", k.trim_end_matches(".Status"), plain(v)))
        .collect();
    push(
        "Calls",
        Some(if calls.is_empty() {
            "none".to_owned()
        } else {
            calls.join(", ")
        }),
    );
    push(
        "People",
        values
            .get("RoomAnalytics.PeopleCount.Current")
            .and_then(|v| v.as_i64())
            .map(|n| match n {
                n if n < 0 => "unknown (standby)".to_owned(),
                n => n.to_string(),
            }),
    );
    push(
        "Uptime",
        values
            .get("SystemUnit.Uptime")
            .and_then(|v| v.as_u64())
            .map(uptime),
    );
    push(
        "Software",
        text("SystemUnit.Software.Version").filter(|v| !v.is_empty()),
    );
    facts
}

/// Seconds as `6 d 1 h 30 min`.
fn uptime(seconds: u64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, _) => format!("{hours} h {minutes} min"),
        _ => format!("{days} d {hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webex::flatten_status;
    use serde_json::json;

    #[test]
    fn the_summary_reads_like_a_person_would_say_it() {
        let tree = json!({
            "Standby": {"State": "Off"}, "Audio": {"Volume": 70, "Microphones": {"Mute": "On"}},
            "Call": [{"id": 3, "Status": "Connected"}],
            "RoomAnalytics": {"PeopleCount": {"Current": -1}}, "SystemUnit": {"Uptime": 523811}
        });
        let facts = summary_facts(&flatten_status(&tree));
        let shown: Vec<(String, String)> = facts.into_iter().map(|f| (f.title, f.value)).collect();
        assert_eq!(
            shown,
            [
                ("Standby", "Off"),
                ("Volume", "70"),
                ("Microphones", "muted"),
                ("Calls", "Call[3] Connected"),
                ("People", "unknown (standby)"),
                ("Uptime", "6 d 1 h"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }
}
