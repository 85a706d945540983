//! `plan <command>`: the plan card, built from the plan alone: no call is made. How an operator
//! checks `mute tag earlyAdopters` before running it.

use serde_json::Value;

use crate::cards::words::count;
use crate::cards::{Button, Fact, PlanCall, PlanPreview, PlanSkip};
use crate::plan::{Action, Confirm, Credential, Op, Plan, Subject};

use super::audit::Verdict;
use super::reply::device_names;
use super::xapi::plain;
use super::{Done, Ops};

impl Ops {
    /// The plan card for `plan`, with a button that runs the command for real.
    pub(crate) fn show_plan(&self, plan: &Plan) -> Done {
        let calls = plan
            .calls
            .iter()
            .map(|call| {
                let (subject, workspace) = match (&call.subject, plan.device_of(call)) {
                    (_, Some(device)) => (device.name.clone(), device.workspace.clone()),
                    (Subject::Workspace(w), _) => (w.name.clone(), String::new()),
                    (Subject::Location(l), _) => (l.name.clone(), String::new()),
                    (Subject::Space, _) => ("this space".to_owned(), String::new()),
                    _ => ("the organisation".to_owned(), String::new()),
                };
                PlanCall {
                    what: format!("{} ({})", describe_op(&call.op), credential(&call.op)),
                    subject,
                    workspace,
                }
            })
            .collect();
        let skipped = plan
            .skipped()
            .map(|(device, reason)| PlanSkip {
                device: device.name.clone(),
                workspace: super::results::workspace_words(&device.workspace),
                reason: reason.explain().to_owned(),
            })
            .collect();
        let preview = PlanPreview {
            command: plan.text.clone(),
            facts: facts(plan),
            calls,
            skipped,
            buttons: vec![Button::new("Run it", plan.text.clone())],
        };
        let fallback = format!("Plan: {}", plan.text);
        Done::new(
            self.card(self.templates.render_plan(&preview), fallback),
            Verdict::Read,
        )
        .targets(device_names(plan))
    }
}

/// Who may run it, how many devices it calls and leaves out, and whether it is confirmed first.
fn facts(plan: &Plan) -> Vec<Fact> {
    let mut facts = vec![Fact::new("Needs", format!("the {} role", plan.role.name()))];
    let called = plan.calls.iter().filter_map(|c| plan.device_of(c)).count();
    let left = plan.skipped().count();
    if called + left > 0 {
        facts.push(Fact::new(
            "Devices",
            format!("{} called, {} left out", count(called), count(left)),
        ));
    }
    if let Action::DeleteWorkspace { .. } = plan.action {
        let names: Vec<String> = plan.devices.iter().map(|d| d.device.name.clone()).collect();
        let gone = match names.is_empty() {
            true => "none: it has no devices".to_owned(),
            false => names.join(", "),
        };
        facts.push(Fact::new("Devices deleted with it", gone));
    }
    facts.push(Fact::new("Calls", count(plan.calls.len())));
    let confirmation = match plan.confirm {
        Some(Confirm::Bulk) => "asked first: it reaches more than one device",
        Some(Confirm::Disruptive) => "asked first: it restarts or deletes something",
        None => "not needed",
    };
    facts.push(Fact::new("Confirmation", confirmation));
    facts
}

/// Whose token makes the call, in words.
fn credential(op: &Op) -> &'static str {
    match (op.credential(), op) {
        (
            Credential::Admin,
            Op::CreateActivationCode {
                deliver_to: Some(_),
            },
        ) => "admin credential; the message: bot token",
        (Credential::Admin, _) => "admin credential",
        (Credential::Bot, _) => "bot token",
        (Credential::Local, _) => "no Webex call",
    }
}

/// What a call does, in words an operator knows.
fn describe_op(op: &Op) -> String {
    match op {
        Op::XapiCommand { path, arguments } => {
            match arguments.as_ref().and_then(Value::as_object) {
                Some(args) if !args.is_empty() => {
                    let args: Vec<String> = args
                        .iter()
                        .map(|(k, v)| format!("{k}: {}", plain(v)))
                        .collect();
                    format!("xCommand {path} {}", args.join(" "))
                }
                _ => format!("xCommand {path}"),
            }
        }
        Op::XapiStatus { names } => format!("read status {}", names.join(", ")),
        Op::ConfigRead { key } => format!("read configuration {key}"),
        Op::ConfigSet { key, value } => format!(
            "set configuration {key} = {} (checked against the device's allowed values first)",
            plain(value)
        ),
        Op::ConfigReset { key } => format!("reset configuration {key} to its default"),
        Op::SetTags { tags } if tags.is_empty() => "set tags to none".to_owned(),
        Op::SetTags { tags } => format!("set tags to {}", tags.join(", ")),
        Op::DeleteDevice => "delete the device".to_owned(),
        Op::UpdateWorkspace { .. } => "update the workspace (read, change, write back)".to_owned(),
        Op::DeleteWorkspace => "delete the workspace and its devices".to_owned(),
        Op::CreateActivationCode { deliver_to: None } => "create an activation code".to_owned(),
        Op::CreateActivationCode { .. } => {
            "create an activation code, sent to you by direct message".to_owned()
        }
        Op::CreateWorkspace { new } => format!("create workspace {}", new.name),
        Op::CreateLocation { fields } => format!(
            "create location {}",
            fields.display_name.clone().unwrap_or_default()
        ),
        Op::CreateFloor { number, .. } => format!("create floor {number}"),
        Op::ListFloors => "list floors".to_owned(),
        Op::SetDefaultTarget { target } => format!("store {target} as the default target"),
        Op::ClearDefaultTarget => "forget the default target".to_owned(),
        Op::SetScope { scope } => format!("bind this space to {}", scope.describe()),
        Op::ClearScope => "forget this space's scope".to_owned(),
        Op::ReadAudit { .. } => "read the audit trail".to_owned(),
    }
}
