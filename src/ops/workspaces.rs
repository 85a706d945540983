//! The replies about workspaces: the list (a button per workspace), one workspace with its
//! devices, an edit, a create, a delete, and an activation code (sent to the requester directly
//! in group spaces, never into the group).

use crate::cards::markdown::escape;
use crate::cards::{Button, Fact, TargetPicker, WorkspaceDevice, WorkspaceInfo};
use crate::command::{Command, Target};
use crate::plan::{Plan, Snapshot, WorkspaceRef};
use crate::request::Reply;
use crate::webex::Workspace;

use super::audit::Verdict;
use super::devices::connection;
use super::execute::{Answer, CallResult, Outcome};
use super::xapi::plain;
use super::{Done, Ops};

/// Most workspace buttons in the list card.
const MAX_LISTED: usize = 30;

impl Ops {
    /// `workspaces [in <location>]`: one button per workspace opening it.
    pub(crate) fn render_workspaces(
        &self,
        workspaces: &[WorkspaceRef],
        location: Option<&str>,
    ) -> Done {
        let names: Vec<String> = workspaces.iter().map(|w| w.name.clone()).collect();
        let buttons = names
            .iter()
            .take(MAX_LISTED)
            .map(|n| {
                Button::new(
                    n.clone(),
                    Command::Workspace { name: n.clone() }.canonical(),
                )
            })
            .collect();
        let prompt = match location {
            Some(place) => format!("{} workspace(s) in {place}", names.len()),
            None => format!("{} workspace(s)", names.len()),
        };
        let fallback = format!("{prompt}: {}", names.join(", "));
        let picker = TargetPicker {
            prompt,
            candidates: buttons,
        };
        Done::new(
            self.card(self.templates.render_target_picker(&picker), fallback),
            Verdict::Read,
        )
        .targets(names)
    }

    /// `workspace <name>`: the workspace and its devices.
    pub(crate) fn render_workspace(
        &self,
        plan: &Plan,
        workspace: &WorkspaceRef,
        snapshot: &Snapshot,
    ) -> Done {
        let Some(found) = snapshot.org.workspace(&workspace.id) else {
            return self.rejected(&format!("{} is no longer there.", workspace.name), "");
        };
        let reply = self.workspace_card(found, snapshot, &plan.label);
        Done::new(reply, Verdict::Read).targets(vec![plan.label.clone()])
    }

    /// A workspace edit: the workspace as Webex has it now.
    pub(crate) fn render_edit(
        &self,
        plan: &Plan,
        outcome: &Outcome,
        workspace: &WorkspaceRef,
        snapshot: &Snapshot,
    ) -> Done {
        let label = &workspace.name;
        match outcome.first() {
            Some(CallResult::Done(Answer::Workspace(updated))) => {
                let reply = self.workspace_card(updated, snapshot, &format!("Updated {label}"));
                Done::new(reply, Verdict::Done).targets(vec![plan.label.clone()])
            }
            Some(other) => self
                .call_failed(&format!("update workspace {label}"), other)
                .unwrap_or_else(|| self.rejected("Nothing was updated.", "")),
            None => self.rejected("Nothing was updated.", ""),
        }
    }

    /// `workspace create …`: the new workspace's card.
    pub(crate) fn render_create(&self, outcome: &Outcome, name: &str, snapshot: &Snapshot) -> Done {
        match outcome.first() {
            Some(CallResult::Done(Answer::Workspace(created))) => {
                let reply = self.workspace_card(created, snapshot, &format!("Created {name}"));
                Done::new(reply, Verdict::Done).targets(vec![name.to_owned()])
            }
            Some(other) => self
                .call_failed(&format!("create workspace {name}"), other)
                .unwrap_or_else(|| self.rejected("Nothing was created.", "")),
            None => self.rejected("Nothing was created.", ""),
        }
    }

    /// `workspace delete <name>` after its confirmation.
    pub(crate) fn render_workspace_delete(
        &self,
        plan: &Plan,
        outcome: &Outcome,
        workspace: &WorkspaceRef,
    ) -> Done {
        let label = &workspace.name;
        if let Some(done) = outcome
            .first()
            .and_then(|r| self.call_failed(&format!("delete workspace {label}"), r))
        {
            return done;
        }
        let text = format!(
            "Deleted workspace **{}** and its {} device(s).",
            escape(label),
            plan.devices.len()
        );
        Done::new(Reply::text(text), Verdict::Done).targets(vec![label.clone()])
    }

    /// `activate <workspace>`: the code here in a 1:1 space; in a group, a note that it went
    /// by direct message.
    pub(crate) fn render_activate(&self, outcome: &Outcome, workspace: &WorkspaceRef) -> Done {
        let label = &workspace.name;
        let text = match outcome.first() {
            Some(CallResult::Done(Answer::Code { direct: true, .. })) => format!(
                "I sent you the activation code for **{}** in a direct message.",
                escape(label)
            ),
            Some(CallResult::Done(Answer::Code { code, expiry, .. })) => format!(
                "Activation code for **{}**: `{code}` (expires {}).",
                escape(label),
                expiry.as_deref().unwrap_or("soon")
            ),
            Some(other) => {
                let what = format!("create and send the activation code for {label}");
                return self
                    .call_failed(&what, other)
                    .unwrap_or_else(|| self.rejected("No code was created.", ""));
            }
            None => return self.rejected("No code was created.", ""),
        };
        Done::new(Reply::text(text), Verdict::Done).targets(vec![label.clone()])
    }

    /// The workspace card: its facts, its devices, and Status / Use here buttons.
    fn workspace_card(&self, workspace: &Workspace, snapshot: &Snapshot, title: &str) -> Reply {
        let name = workspace.display_name.clone().unwrap_or_default();
        let location = workspace.location_id.as_ref().and_then(|id| {
            snapshot
                .locations
                .iter()
                .find(|l| &l.id == id)
                .and_then(|l| l.fields.name.clone())
        });
        let mut facts = Vec::new();
        let mut fact = |title: &str, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                facts.push(Fact::new(title, value));
            }
        };
        fact(
            "Type",
            workspace
                .workspace_type
                .as_ref()
                .map(|t| t.as_str().to_owned()),
        );
        fact("Capacity", workspace.capacity.map(|c| c.to_string()));
        fact("Location", location);
        fact("Calendar", kind_of(&workspace.calendar));
        fact("Calling", kind_of(&workspace.calling));
        fact("Notes", workspace.notes.clone());
        let devices = snapshot
            .org
            .devices_in(&workspace.id)
            .iter()
            .map(|d| WorkspaceDevice {
                name: d
                    .display_name
                    .clone()
                    .unwrap_or_else(|| d.id.as_str().to_owned()),
                product: d.product.clone().unwrap_or_default(),
                connection: connection(d),
            })
            .collect();
        let target = Target::Room(name).text();
        let info = WorkspaceInfo {
            name: title.to_owned(),
            facts,
            devices,
            buttons: vec![
                Button::new("Status", format!("status {target}")),
                Button::new("Use here", format!("use {target}")),
            ],
        };
        self.card(
            self.templates.render_workspace(&info),
            format!("**{}**", escape(title)),
        )
    }
}

/// The `type` of a calendar or calling object (`microsoft`, `freeCalling`, …).
fn kind_of(value: &Option<serde_json::Value>) -> Option<String> {
    value.as_ref()?.get("type").map(plain)
}
