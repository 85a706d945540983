//! Workspaces: the list, one workspace with its devices, create, edit (GET → merge → PUT so
//! nothing is lost, DESIGN rule 6), delete (confirmed first; its devices go too) and device
//! activation codes (sent to the requester directly, never into a group room).

use crate::bot::reply::Reply;
use crate::cards::{Button, Fact, TargetPicker, WorkspaceDevice, WorkspaceInfo};
use crate::command::{Command, Target, WorkspaceDetails};
use crate::resolve::Snapshot;
use crate::webex::{Location, NewMessage, NewWorkspace, Workspace, WorkspaceType};

use super::audit::Verdict;
use super::devices::connection;
use super::reply::device_name;
use super::target::target_text;
use super::xapi::plain;
use super::{Ctx, Done, Ops};

/// Most workspace buttons in the list card.
const MAX_LISTED: usize = 30;

impl Ops {
    /// `workspaces [in <location>]`: one button per workspace opening it.
    pub(crate) async fn workspaces(&self, ctx: &Ctx<'_>, location: Option<&str>) -> Done {
        let snapshot = match self.directory.snapshot(&ctx.bot.webex).await {
            Ok(snapshot) => snapshot,
            Err(error) => return self.webex_failure("list workspaces", &error),
        };
        let mut workspaces: Vec<&Workspace> = snapshot.workspaces.iter().collect();
        if let Some(place) = location {
            let location = match self.one_location(ctx, place).await {
                Ok(location) => location,
                Err(done) => return done,
            };
            workspaces.retain(|w| {
                w.location_id.as_ref() == Some(&location.id)
                    || w.workspace_location_id.as_ref() == Some(&location.id)
            });
        }
        let names: Vec<String> = workspaces
            .iter()
            .filter_map(|w| w.display_name.clone())
            .collect();
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
        let picker = TargetPicker {
            prompt: prompt.clone(),
            candidates: buttons,
        };
        let fallback = format!("{prompt}: {}", names.join(", "));
        Done::new(
            self.card(self.templates.render_target_picker(&picker), fallback),
            Verdict::Read,
        )
        .targets(names)
    }

    /// Commands on one named workspace: info, edit, delete, activation code.
    pub(crate) async fn workspace_named(&self, ctx: &Ctx<'_>, command: Command) -> Done {
        let name = match &command {
            Command::Workspace { name }
            | Command::WorkspaceEdit { name, .. }
            | Command::WorkspaceDelete { name }
            | Command::Activate { workspace: name } => name.clone(),
            _ => return self.rejected("Which workspace?", ""),
        };
        let (workspace, snapshot) = match self.one_workspace(ctx, &command, &name).await {
            Ok(found) => found,
            Err(done) => return done,
        };
        let label = workspace.display_name.clone().unwrap_or(name);
        match command {
            Command::WorkspaceEdit { changes, .. } => {
                self.workspace_edit(ctx, &workspace, &changes).await
            }
            Command::WorkspaceDelete { .. } => {
                self.workspace_delete(ctx, &workspace, &snapshot, &label)
                    .await
            }
            Command::Activate { .. } => self.activate(ctx, &workspace, &label).await,
            _ => {
                let reply = self
                    .workspace_card(ctx, &workspace, &snapshot, &label)
                    .await;
                Done::new(reply, Verdict::Read).targets(vec![label])
            }
        }
    }

    async fn workspace_card(
        &self,
        ctx: &Ctx<'_>,
        workspace: &Workspace,
        snapshot: &Snapshot,
        title: &str,
    ) -> Reply {
        let name = workspace.display_name.clone().unwrap_or_default();
        let location = match &workspace.location_id {
            Some(id) => self
                .directory
                .locations(&ctx.bot.webex, false)
                .await
                .ok()
                .and_then(|all| {
                    all.iter()
                        .find(|l| &l.id == id)
                        .and_then(|l| l.fields.name.clone())
                }),
            None => None,
        };
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
            .devices_in(&workspace.id)
            .iter()
            .map(|d| WorkspaceDevice {
                name: device_name(d),
                product: d.product.clone().unwrap_or_default(),
                connection: connection(d),
            })
            .collect();
        let target = target_text(&Target::Room(name.clone()));
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
            format!("**{title}**"),
        )
    }

    /// GET the workspace (fresh), change only the named fields, PUT it back whole.
    async fn workspace_edit(
        &self,
        ctx: &Ctx<'_>,
        workspace: &Workspace,
        changes: &WorkspaceDetails,
    ) -> Done {
        let webex = &ctx.bot.webex;
        let label = workspace.display_name.clone().unwrap_or_default();
        let mut current = match webex.get_workspace(&workspace.id).await {
            Ok(current) => current,
            Err(error) => return self.webex_failure(&format!("read workspace {label}"), &error),
        };
        if let Some(kind) = changes.kind {
            current.workspace_type = Some(WorkspaceType::from(kind.as_str()));
        }
        if let Some(capacity) = changes.capacity {
            current.capacity = Some(i64::from(capacity));
        }
        if let Some(notes) = &changes.notes {
            current.notes = Some(notes.clone());
        }
        let updated = match webex.update_workspace(&current).await {
            Ok(updated) => updated,
            Err(error) => return self.webex_failure(&format!("update workspace {label}"), &error),
        };
        self.directory.invalidate();
        let snapshot = self.directory.snapshot(webex).await.ok();
        let reply = match &snapshot {
            Some(snapshot) => {
                self.workspace_card(ctx, &updated, snapshot, &format!("Updated {label}"))
                    .await
            }
            None => Reply::text(format!("Updated workspace **{label}**.")),
        };
        Done::new(reply, Verdict::Done).targets(vec![label])
    }

    async fn workspace_delete(
        &self,
        ctx: &Ctx<'_>,
        workspace: &Workspace,
        snapshot: &Snapshot,
        label: &str,
    ) -> Done {
        let devices: Vec<String> = snapshot
            .devices_in(&workspace.id)
            .iter()
            .map(device_name)
            .collect();
        if !ctx.confirmed {
            let summary = match devices.len() {
                0 => format!("Delete workspace {label}? It has no devices."),
                n => format!(
                    "Delete workspace {label}? Its {n} device(s) are deleted too: {}.",
                    devices.join(", ")
                ),
            };
            let command = Command::WorkspaceDelete {
                name: label.to_owned(),
            };
            let targets = std::iter::once(label.to_owned()).chain(devices).collect();
            return self
                .ask_confirmation(
                    ctx,
                    &command,
                    &format!("Delete {label}?"),
                    &summary,
                    targets,
                )
                .await;
        }
        if let Some(done) = self
            .begin_action(ctx, &format!("workspace delete {label}"))
            .await
        {
            return done;
        }
        if let Err(error) = ctx.bot.webex.delete_workspace(&workspace.id).await {
            return self.webex_failure(&format!("delete workspace {label}"), &error);
        }
        self.directory.invalidate();
        Done::new(
            Reply::text(format!(
                "Deleted workspace **{label}** and its {} device(s).",
                devices.len()
            )),
            Verdict::Done,
        )
        .targets(vec![label.to_owned()])
    }

    /// An activation code, sent only to the requester: in a group space it goes by direct message.
    async fn activate(&self, ctx: &Ctx<'_>, workspace: &Workspace, label: &str) -> Done {
        if let Some(done) = self.begin_action(ctx, &format!("activate {label}")).await {
            return done;
        }
        let webex = &ctx.bot.webex;
        let code = match webex.create_activation_code(&workspace.id, None).await {
            Ok(code) => code,
            Err(error) => {
                return self
                    .webex_failure(&format!("create an activation code for {label}"), &error);
            }
        };
        self.directory.invalidate();
        let expiry = code
            .expiry_time
            .clone()
            .unwrap_or_else(|| "soon".to_owned());
        let secret = format!(
            "Activation code for **{label}**: `{}` (expires {expiry}).",
            code.code
        );
        if !ctx.request.place.is_group {
            return Done::new(Reply::text(secret), Verdict::Done).targets(vec![label.to_owned()]);
        }
        let direct = NewMessage::to_person(&ctx.request.actor.person_id).markdown(secret);
        if let Err(error) = webex.create_message(&direct).await {
            return self.webex_failure("send you the activation code directly", &error);
        }
        let note = format!("I sent you the activation code for **{label}** in a direct message.");
        Done::new(Reply::text(note), Verdict::Done).targets(vec![label.to_owned()])
    }

    /// `workspace create <name> [type …] [capacity n] [notes "…"] [in <location> [floor n]]`;
    /// without a name, the "new workspace" form (filled with any details given).
    pub(crate) async fn workspace_create(
        &self,
        ctx: &Ctx<'_>,
        name: Option<String>,
        details: &WorkspaceDetails,
    ) -> Done {
        let Some(name) = name else {
            return self.workspace_form(ctx, details).await;
        };
        let location = match &details.location {
            Some(place) => match self.one_location(ctx, place).await {
                Ok(location) => Some(location),
                Err(done) => return done,
            },
            None => None,
        };
        self.create_workspace(ctx, name, details, location).await
    }

    /// The one create path (typed command and form): the floor is looked up in `location`,
    /// then `POST /workspaces`, then the new workspace's card.
    pub(crate) async fn create_workspace(
        &self,
        ctx: &Ctx<'_>,
        name: String,
        details: &WorkspaceDetails,
        location: Option<Location>,
    ) -> Done {
        let mut new = NewWorkspace {
            display_name: name.clone(),
            workspace_type: details.kind.map(|k| WorkspaceType::from(k.as_str())),
            capacity: details.capacity.map(i64::from),
            notes: details.notes.clone(),
            ..NewWorkspace::default()
        };
        if let Some(location) = location {
            if let Some(number) = details.floor {
                match self.floor_id(ctx, &location, number).await {
                    Ok(floor) => new.floor_id = Some(floor),
                    Err(done) => return done,
                }
            }
            new.location_id = Some(location.id);
        }
        if let Some(done) = self
            .begin_action(ctx, &format!("workspace create {name}"))
            .await
        {
            return done;
        }
        let webex = &ctx.bot.webex;
        let created = match webex.create_workspace(&new).await {
            Ok(created) => created,
            Err(error) => return self.webex_failure(&format!("create workspace {name}"), &error),
        };
        self.directory.invalidate();
        let snapshot = self.directory.snapshot(webex).await.ok();
        let reply = match &snapshot {
            Some(snapshot) => {
                self.workspace_card(ctx, &created, snapshot, &format!("Created {name}"))
                    .await
            }
            None => Reply::text(format!("Created workspace **{name}**.")),
        };
        Done::new(reply, Verdict::Done).targets(vec![name])
    }
}

/// The `type` of a calendar or calling object (`microsoft`, `freeCalling`, …).
fn kind_of(value: &Option<serde_json::Value>) -> Option<String> {
    value.as_ref()?.get("type").map(plain)
}
