//! The reply to status reads (`status <keys> <target>`, `xStatus`): the flattened tree per
//! device (`Audio.Volume = 70`, `Call[1].Status = Connected`), or for `status <target>` alone a
//! summary (standby, volume, microphones, calls, people, uptime, software). An empty answer
//! means the status does not exist on that device. Over many devices, a fleet summary comes
//! first (how many read and offline, in a call, muted, standby and software versions with
//! counts) and the per-device detail is paged.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cards::markdown::escape;
use crate::cards::words::count;
use crate::cards::{DeviceStatus, Fact, StatusReport};
use crate::plan::{Paging, Plan};
use crate::resolve::SkipReason;

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Outcome};
use super::reply::{SUPPORT_HINT, device_names};
use super::results::{skip_notes, target_words};
use super::workspaces::page_line;
use super::xapi::plain;
use super::{Done, Ops};

/// Distinct values shown per fact of a fleet summary; the rest are counted.
const VALUES_SHOWN: usize = 4;

impl Ops {
    /// One entry per device read (facts, or why there are none), the devices left out folded
    /// into lines; with many devices, a fleet summary first and the detail one page at a time.
    pub(crate) fn render_status(
        &self,
        plan: &Plan,
        outcome: &Outcome,
        keys: &[String],
        detail: Option<&Paging>,
    ) -> Done {
        let mut devices = status_entries(plan, outcome, keys);
        let tracking = outcome.tracking_ids();
        // One device read and failed, none left out: the error alone says it all.
        let lone = plan.left_out().next().is_none();
        if let ([CallResult::Failed(failure)], None, true) =
            (outcome.results.as_slice(), detail, lone)
        {
            let message = format!(
                "Reading status of {} failed: {}",
                devices[0].device, devices[0].note
            );
            let reply = self.error_reply(&message, SUPPORT_HINT, &failure.tracking_id, Vec::new());
            return Done::new(reply, Verdict::Failed)
                .tracking(tracking)
                .detail(message);
        }
        let (fleet, summary, more) = match detail {
            None => (Vec::new(), String::new(), None),
            Some(paging) => paged(&mut devices, paging, plan, outcome, keys),
        };
        let shown = target_words(&plan.label);
        let title = match plan.devices.is_empty() {
            true => format!("No devices in {shown}"),
            false => format!("Status of {shown}"),
        };
        let report = StatusReport {
            title,
            summary,
            fleet,
            devices,
            notes: skip_notes(plan),
            refresh_command: plan.text.clone(),
            more_command: more,
        };
        let card = self.templates.render_status(&report);
        // Every read failed: nothing was read (a script must not take it for an answer).
        let all_failed = !outcome.results.is_empty()
            && outcome
                .results
                .iter()
                .all(|r| matches!(r, CallResult::Failed(_)));
        let verdict = match all_failed {
            true => Verdict::Failed,
            false => Verdict::Read,
        };
        Done::new(self.card(card, escape(&report.title)), verdict)
            .targets(device_names(plan))
            .tracking(tracking)
    }
}

/// Over many devices: the page's entries kept (the first page read them all), the fleet
/// summary (first page only), the page line and More.
fn paged(
    devices: &mut Vec<DeviceStatus>,
    paging: &Paging,
    plan: &Plan,
    outcome: &Outcome,
    keys: &[String],
) -> (Vec<Fact>, String, Option<String>) {
    let fleet = match paging.page {
        1 => {
            devices.truncate(paging.per_page as usize);
            fleet_facts(plan, outcome, keys)
        }
        _ => Vec::new(),
    };
    (fleet, page_line(paging), paging.more.clone())
}

/// Across every device read: how many were read and left out, and how the values spread (for
/// the summary: calls, microphones, standby, software; for keys: each key's values).
fn fleet_facts(plan: &Plan, outcome: &Outcome, keys: &[String]) -> Vec<Fact> {
    let answers: Vec<&Vec<(String, Value)>> = outcome
        .results
        .iter()
        .filter_map(|r| match r {
            CallResult::Done(Answer::Status(pairs)) => Some(pairs),
            _ => None,
        })
        .collect();
    let mut facts = vec![read_fact(plan, answers.len(), outcome.results.len())];
    match keys.is_empty() {
        true => facts.extend(summary_spread(&answers)),
        false => facts.extend(key_spread(&answers)),
    }
    facts
}

/// How many devices were read, are offline, failed.
fn read_fact(plan: &Plan, read: usize, called: usize) -> Fact {
    let offline = plan
        .skipped()
        .filter(|(_, r)| *r == SkipReason::Offline)
        .count();
    let mut text = format!("{} read", count(read));
    if offline > 0 {
        text.push_str(&format!(" · {} offline", count(offline)));
    }
    if called > read {
        text.push_str(&format!(" · {} failed", count(called - read)));
    }
    Fact::new("Devices", text)
}

/// The value of `key` in one device's answer.
fn value_of(pairs: &[(String, Value)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| plain(v))
}

/// The status summary over devices: in a call, muted, standby and software spread.
fn summary_spread(answers: &[&Vec<(String, Value)>]) -> Vec<Fact> {
    let in_call = answers
        .iter()
        .filter(|pairs| pairs.iter().any(|(k, _)| k.starts_with("Call[")))
        .count();
    let muted = answers
        .iter()
        .filter(|p| value_of(p, "Audio.Microphones.Mute").as_deref() == Some("On"))
        .count();
    let mut facts = vec![
        Fact::new("In a call", count(in_call)),
        Fact::new("Muted", count(muted)),
    ];
    for (title, key) in [
        ("Standby", "Standby.State"),
        ("Software", "SystemUnit.Software.Version"),
    ] {
        let values = answers.iter().filter_map(|p| value_of(p, key));
        facts.push(Fact::new(title, spread(values)));
    }
    facts
}

/// Each key read, with how its values spread.
fn key_spread(answers: &[&Vec<(String, Value)>]) -> Vec<Fact> {
    let mut names: Vec<&str> = answers
        .iter()
        .flat_map(|p| p.iter().map(|(k, _)| k.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .take(MAX_FLEET_KEYS)
        .map(|name| {
            let values = answers.iter().filter_map(|p| value_of(p, name));
            Fact::new(name, spread(values))
        })
        .collect()
}

/// Most keys summed up in a fleet summary.
const MAX_FLEET_KEYS: usize = 10;

/// How values spread: the commonest first, with their counts (`Off 201 · Standby 98`).
fn spread(values: impl Iterator<Item = String>) -> String {
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    for value in values {
        *counted.entry(value).or_default() += 1;
    }
    let mut ranked: Vec<(String, usize)> = counted.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut parts: Vec<String> = ranked
        .iter()
        .take(VALUES_SHOWN)
        .map(|(v, n)| format!("{v} ({})", count(*n)))
        .collect();
    if ranked.len() > VALUES_SHOWN {
        parts.push(format!(
            "{} more values",
            count(ranked.len() - VALUES_SHOWN)
        ));
    }
    match parts.is_empty() {
        true => "none".to_owned(),
        false => parts.join(" · "),
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
