//! The replies about workspaces: the list (a button per workspace), one workspace with its
//! devices, an edit, a create, a delete, and an activation code (sent to the requester directly
//! in group spaces, never into the group).

use crate::cards::markdown::escape;
use crate::cards::words::{count, plural, showing};
use crate::cards::{Button, Fact, Line, ListCard, ListRow, Tone, WorkspaceDevice, WorkspaceInfo};
use crate::command::{Command, Target};
use crate::plan::{Paging, Plan, Snapshot, WorkspaceRef, WorkspaceRow};
use crate::request::Reply;
use crate::webex::Workspace;

use super::audit::Verdict;
use super::devices::connection;
use super::execute::{Answer, CallResult, Outcome};
use super::workspace_words::{calendar_words, calling_words, type_words};
use super::{Done, Ops};

impl Ops {
    /// `workspaces [in <location>]`: one page, each workspace with where it is and how its
    /// devices are, an Open button beside it, and More.
    pub(crate) fn render_workspaces(
        &self,
        rows: &[WorkspaceRow],
        location: Option<&str>,
        paging: &Paging,
    ) -> Done {
        let noun = plural(paging.total, "workspace", "workspaces");
        let title = match location {
            Some(place) => format!("{noun} in {place}"),
            None => noun,
        };
        let list = ListCard {
            title,
            summary: page_line(paging),
            rows: rows.iter().map(workspace_row).collect(),
            note: String::new(),
            buttons: more_button(paging),
        };
        let names: Vec<String> = rows.iter().map(|r| escape(&r.workspace.name)).collect();
        let fallback = format!("{}: {}", escape(&list.title), names.join(", "));
        Done::new(
            self.card(self.templates.render_list(&list), fallback),
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
        let text = match plan.devices.len() {
            0 => format!("Deleted workspace **{}**.", escape(label)),
            n => format!(
                "Deleted workspace **{}** and its {}.",
                escape(label),
                plural(n, "device", "devices")
            ),
        };
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
                .map(|t| type_words(t.as_str())),
        );
        fact("Capacity", workspace.capacity.map(plural_people));
        fact("Location", location);
        fact("Calendar", calendar_words(&workspace.calendar));
        fact("Calling", calling_words(&workspace.calling));
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
        let target = Target::Room(snapshot.org.workspace_address(&workspace.id, &name)).text();
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

/// A workspace's row: its name, then its location and its devices' health.
fn workspace_row(row: &WorkspaceRow) -> ListRow {
    let devices = match row.devices {
        0 => "no devices".to_owned(),
        n => plural(n, "device", "devices"),
    };
    let mut trouble = Vec::new();
    if row.offline > 0 {
        trouble.push(format!("{} offline", count(row.offline)));
    }
    if row.issues > 0 {
        trouble.push(format!("{} with issues", count(row.issues)));
    }
    let (health, tone) = match (row.devices, trouble.is_empty()) {
        (0, _) => (devices, Tone::Default),
        (1, true) => (format!("{devices}, online"), Tone::Default),
        (_, true) => (format!("{devices}, all online"), Tone::Default),
        (1, false) => {
            let state = if row.offline > 0 {
                "offline"
            } else {
                "with issues"
            };
            (format!("{devices}, {state}"), Tone::Warning)
        }
        (_, false) => (format!("{devices}: {}", trouble.join(", ")), Tone::Warning),
    };
    let line = match row.location.as_str() {
        "" => health,
        place => format!("{place} · {health}"),
    };
    let name = row.workspace.name.clone();
    let address = match row.address.as_str() {
        "" => name.clone(),
        address => address.to_owned(),
    };
    ListRow {
        header: String::new(),
        button: Some(Button::new(
            "Open",
            Command::Workspace { name: address }.canonical(),
        )),
        name,
        lines: vec![Line::new(line, tone)],
    }
}

/// The line saying which rows of how many a page shows.
pub(crate) fn page_line(paging: &Paging) -> String {
    let range = paging.range();
    showing(range.start + 1, range.end, paging.total)
}

/// More, when a page follows.
pub(crate) fn more_button(paging: &Paging) -> Vec<Button> {
    paging
        .more
        .iter()
        .map(|command| Button::new("More", command.clone()))
        .collect()
}

/// A capacity in words: `8 people`.
fn plural_people(capacity: i64) -> String {
    match capacity {
        1 => "1 person".to_owned(),
        n => format!("{n} people"),
    }
}
