//! What a device plan's result card says, for every command that calls devices: one row per
//! call with what it did or why it failed, the counts by outcome (done, failed, skipped by
//! reason) that lead the card, and the devices left out folded into one line per reason, with
//! touch controllers a quiet note of their own.

use std::collections::HashMap;

use crate::cards::words::{count, names_folded};
use crate::cards::{DeviceOutcome, Line, Outcome, Tone};
use crate::command::Target;
use crate::plan::{DeviceRef, Plan};
use crate::request::Request;
use crate::resolve::SkipReason;

use super::audit::Verdict;
use super::execute::{Answer, CallResult};

/// Names listed in a folded line before "and N more".
const NAMES_SHOWN: usize = 5;

/// Every reason a device is left out, in the order results list them.
const REASONS: [SkipReason; 7] = [
    SkipReason::Offline,
    SkipReason::ReadOnly,
    SkipReason::NoAccess,
    SkipReason::Unchanged,
    SkipReason::Gone,
    SkipReason::Personal,
    SkipReason::Peripheral,
];

/// One row per call to a device, in plan order; `detail` words what a call that went through
/// did.
pub(crate) fn call_rows(
    plan: &Plan,
    outcome: &super::execute::Outcome,
    detail: impl Fn(&Answer) -> (Outcome, String),
) -> Vec<DeviceOutcome> {
    plan.calls
        .iter()
        .zip(&outcome.results)
        .filter_map(|(call, result)| {
            let device = plan.device_of(call)?;
            let (outcome, text) = match result {
                CallResult::Done(answer) => detail(answer),
                CallResult::Refused { message, .. } => (Outcome::Failed, message.clone()),
                CallResult::Failed(failure) => (
                    Outcome::Failed,
                    format!("{} (trackingId {})", failure.message, failure.tracking_id),
                ),
            };
            Some(row(device, outcome, text))
        })
        .collect()
}

/// The verdict of a device plan's result: rejected when it had nothing to call, failed when
/// any call failed (a script must notice a partial failure), else done.
pub(crate) fn verdict_of(rows: &[DeviceOutcome], nothing_to_call: bool) -> Verdict {
    match (
        nothing_to_call,
        rows.iter().any(|r| r.outcome == Outcome::Failed),
    ) {
        (true, _) => Verdict::Rejected,
        (false, true) => Verdict::Failed,
        (false, false) => Verdict::Done,
    }
}

/// A result row for `device`.
pub(crate) fn row(device: &DeviceRef, outcome: Outcome, detail: String) -> DeviceOutcome {
    DeviceOutcome {
        device: device.name.clone(),
        workspace: workspace_words(&device.workspace),
        outcome,
        detail,
    }
}

/// A device's workspace as a row names it ("no workspace" for a personal device).
pub(crate) fn workspace_words(workspace: &str) -> String {
    match workspace {
        "" => "no workspace".to_owned(),
        name => name.to_owned(),
    }
}

/// A plan's target as a title says it, without the quoting typed commands need: `room "Big
/// Conference"` → `room Big Conference`, `all` → `all devices`.
pub(crate) fn target_words(label: &str) -> String {
    match Target::from_text(label) {
        Some(Target::All) => "all devices".to_owned(),
        Some(Target::Room(name)) => format!("room {name}"),
        Some(Target::Workspace(name)) => format!("workspace {name}"),
        Some(Target::Tag(tag)) => format!("tag {tag}"),
        Some(Target::Location(place)) => format!("location {place}"),
        Some(Target::Device(name) | Target::Bare(name)) => name,
        None => label.to_owned(),
    }
}

/// The devices left out: one line per reason (`Skipped 80 offline: A, B, C, D, E and 75
/// more`), touch controllers last and quiet.
pub(crate) fn skip_notes(plan: &Plan) -> Vec<Line> {
    REASONS
        .iter()
        .filter_map(|&reason| {
            let names: Vec<String> = plan
                .skipped()
                .filter(|(_, r)| *r == reason)
                .map(|(d, _)| d.name.clone())
                .collect();
            (!names.is_empty()).then(|| skip_line(reason, &names))
        })
        .collect()
}

fn skip_line(reason: SkipReason, names: &[String]) -> Line {
    let listed = names_folded(names, NAMES_SHOWN);
    if reason == SkipReason::Peripheral {
        let text = match names.len() {
            1 => format!(
                "Not called: {listed}, a touch controller (its room's main device stands for it)"
            ),
            _ => format!(
                "Not called: {listed}, touch controllers (their rooms' main devices stand for them)"
            ),
        };
        return Line::new(text, Tone::Default);
    }
    let text = format!(
        "Skipped {} {}: {listed}",
        count(names.len()),
        reason_words(reason)
    );
    Line::new(text, Tone::Warning)
}

/// Why devices were left out, after their count ("3 offline").
pub(crate) fn reason_words(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Offline => "offline",
        SkipReason::ReadOnly => "read-only (status only)",
        SkipReason::NoAccess => "without access (an admin grants it per workspace in Control Hub)",
        SkipReason::Unchanged => "already so (nothing sent)",
        SkipReason::Gone => "gone since you were asked to confirm",
        SkipReason::Personal => "personal (left out unless named)",
        SkipReason::Peripheral => "touch controllers",
    }
}

/// The counts that lead a result: `1,574 done · 3 failed · 120 skipped: 80 offline, 40
/// read-only` (touch controllers are not counted: they are not skipped, their room's main
/// device answers for them).
pub(crate) fn counts(rows: &[DeviceOutcome], plan: &Plan) -> String {
    let devices = worst_per_device(rows);
    let mut parts: Vec<String> = [Outcome::Done, Outcome::Pending, Outcome::Failed]
        .iter()
        .filter_map(|o| {
            let n = devices.iter().filter(|outcome| *outcome == o).count();
            (n > 0).then(|| format!("{} {}", count(n), o.word()))
        })
        .collect();
    let skipped: Vec<(SkipReason, usize)> = REASONS
        .iter()
        .filter(|r| **r != SkipReason::Peripheral)
        .map(|&r| (r, plan.skipped().filter(|(_, s)| *s == r).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let total: usize = skipped.iter().map(|(_, n)| n).sum();
    if total > 0 {
        let by: Vec<String> = skipped
            .iter()
            .map(|(r, n)| format!("{} {}", count(*n), short_reason(*r)))
            .collect();
        parts.push(format!("{} skipped: {}", count(total), by.join(", ")));
    }
    parts.join(" · ")
}

/// Each device's worst outcome, in the order the rows first name it: a change of several
/// settings is one row per setting, yet the counts are of devices.
fn worst_per_device(rows: &[DeviceOutcome]) -> Vec<Outcome> {
    let mut at: HashMap<(&str, &str), usize> = HashMap::new();
    let mut worst: Vec<Outcome> = Vec::new();
    for row in rows {
        let key = (row.device.as_str(), row.workspace.as_str());
        match at.get(&key) {
            Some(&i) if row.outcome.rank() < worst[i].rank() => worst[i] = row.outcome,
            Some(_) => {}
            None => {
                at.insert(key, worst.len());
                worst.push(row.outcome);
            }
        }
    }
    worst
}

/// Why devices were left out, in a word or two (`2 read-only`).
pub(crate) fn short_reason(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Offline => "offline",
        SkipReason::ReadOnly => "read-only",
        SkipReason::NoAccess => "without access",
        SkipReason::Unchanged => "already so",
        SkipReason::Gone => "gone",
        SkipReason::Personal => "personal (only when named)",
        SkipReason::Peripheral => "touch controllers",
    }
}

/// Who asked, for the results of changes in group spaces (`asked by Ada`, or `asked and
/// confirmed by Ada`); "" in a 1:1 space.
pub(crate) fn asked_by(request: &Request, confirmed: bool) -> String {
    if !request.place.is_group {
        return String::new();
    }
    let name = person_name(&request.actor.email);
    match confirmed {
        true => format!("asked and confirmed by {name}"),
        false => format!("asked by {name}"),
    }
}

/// A person's name as their email's local part spells it: `ada.lovelace@…` → `Ada Lovelace`.
fn person_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let words: Vec<String> = local
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    match words.is_empty() {
        true => email.to_owned(),
        false => words.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(device: &str, outcome: Outcome) -> DeviceOutcome {
        DeviceOutcome {
            device: device.into(),
            workspace: "4B".into(),
            outcome,
            detail: String::new(),
        }
    }

    #[test]
    fn a_device_with_several_changes_counts_once_by_its_worst() {
        let rows = [
            row("Codec", Outcome::Done),
            row("Codec", Outcome::Failed),
            row("Codec", Outcome::Done),
            row("Bar", Outcome::Done),
            row("Bar", Outcome::Pending),
            row("Board", Outcome::Done),
        ];
        assert_eq!(
            worst_per_device(&rows),
            [Outcome::Failed, Outcome::Pending, Outcome::Done]
        );
    }
}
