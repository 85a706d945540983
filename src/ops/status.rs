//! Status: `status <keys> <target>` and `xStatus` read up to ten names with one
//! `GET xapi/status` per device and show the flattened tree (`Audio.Volume = 70`,
//! `Call[1].Status = Connected`); `status <target>` alone shows a summary (standby, volume,
//! microphones, calls, people, uptime, software). An empty answer means the status does not
//! exist on that device.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cards::{DeviceStatus, Fact, StatusReport};
use crate::command::{Command, Target};
use crate::resolve::{Need, select};
use crate::webex::{Device, flatten_status};

use super::audit::Verdict;
use super::reply::{describe, device_name};
use super::target::target_text;
use super::xapi::plain;
use super::{Ctx, Done, Ops};

/// What the summary reads (one request: at most ten names).
const SUMMARY: &[&str] = &[
    "Standby.State",
    "Audio.Volume",
    "Audio.Microphones.Mute",
    "Call[*].Status",
    "RoomAnalytics.PeopleCount.Current",
    "SystemUnit.Uptime",
    "SystemUnit.Software.Version",
];

type StatusResult = Result<Vec<(String, Value)>, (String, String)>;

impl Ops {
    /// Reads `keys` (or the summary when empty) on every readable device of `target`.
    pub(crate) async fn status(
        &self,
        ctx: &Ctx<'_>,
        keys: Vec<String>,
        target: Option<Target>,
    ) -> Done {
        let Some(target) = target else {
            return self.rejected("Status of what?", "Add a workspace, e.g. `status 4B`.");
        };
        let command = Command::Status {
            keys: keys.clone(),
            target: Some(target.clone()),
        };
        let (devices, snapshot) = match self.resolve_target(ctx, &command, &target).await {
            Ok(found) => found,
            Err(done) => return done,
        };
        let (usable, skipped) = select(devices, Need::STATUS);
        let names: Vec<&str> = match keys.is_empty() {
            true => SUMMARY.to_vec(),
            false => keys.iter().map(String::as_str).collect(),
        };
        let results = self.read_status(ctx, &usable, &names).await;
        let mut devices = Vec::new();
        let mut tracking = Vec::new();
        for (device, result) in usable.iter().zip(results) {
            let (facts, note) = match result {
                Ok(pairs) if keys.is_empty() => (summary_facts(&pairs), String::new()),
                Ok(pairs) if pairs.is_empty() => (
                    Vec::new(),
                    format!("{} does not exist on this device.", keys.join(", ")),
                ),
                Ok(pairs) => (
                    pairs.iter().map(|(k, v)| Fact::new(k, plain(v))).collect(),
                    String::new(),
                ),
                Err((message, id)) => {
                    tracking.push(id.clone());
                    (Vec::new(), format!("{message} (trackingId {id})"))
                }
            };
            devices.push(DeviceStatus {
                device: device_name(device),
                workspace: snapshot.workspace_name(device),
                facts,
                note,
            });
        }
        if usable.len() == 1 && tracking.len() == 1 {
            let message = format!(
                "Reading status of {} failed: {}",
                device_name(&usable[0]),
                devices[0].note
            );
            let reply = self.error_reply(
                &message,
                "Quote the trackingId if you contact Webex support.",
                &tracking[0],
                Vec::new(),
            );
            return Done::new(reply, Verdict::Failed)
                .tracking(tracking)
                .detail(message);
        }
        devices.extend(skipped.iter().map(|(device, reason)| DeviceStatus {
            device: device_name(device),
            workspace: snapshot.workspace_name(device),
            facts: Vec::new(),
            note: reason.explain().to_owned(),
        }));
        let label = target_text(&target);
        let title = match devices.is_empty() {
            true => format!("No devices in {label}"),
            false => format!("Status of {label}"),
        };
        let refresh_command = command.canonical();
        let report = StatusReport {
            title,
            devices,
            refresh_command,
        };
        let names = report.devices.iter().map(|d| d.device.clone()).collect();
        Done::new(
            self.card(self.templates.render_status(&report), report.title.clone()),
            Verdict::Read,
        )
        .targets(names)
        .tracking(tracking)
    }

    async fn read_status(
        &self,
        _ctx: &Ctx<'_>,
        devices: &[Device],
        names: &[&str],
    ) -> Vec<StatusResult> {
        let webex = &self.webex;
        self.for_each_device(devices, |device| async move {
            webex
                .xapi_status(&device.id, names)
                .await
                .map(|status| flatten_status(&status.result))
                .map_err(|e| (describe(&e), e.tracking_id().unwrap_or_default().to_owned()))
        })
        .await
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
