//! The plan stage: every command becomes a [`Plan`], a value that says exactly what will happen
//! before anything does: the action, every device of the target (included, or skipped and why),
//! each Webex call to make, the role it needs and whether it must be confirmed first.
//!
//! [`plan`] is pure (no I/O, no `async`): it reads a [`Snapshot`] of what is known (the
//! organisation's listing, its locations when needed, the space) and the [`Actor`]. The executor
//! in `ops` is the only code that runs a plan; a confirmation stores the plan it showed and
//! Confirm runs that plan after [`recheck`] against the organisation as it is then. The audit
//! record is the plan plus its outcome. Plans are serializable (serde) for exactly that.
//!
//! Layout: this file (the values, the entry point and its exhaustive match), `devices` (device
//! commands, status, configuration, tags), `manage` (workspaces, locations, floors, device
//! deletes, `use`), `lists` (`devices`, `workspaces`, `locations`), `find` (targets and names to
//! devices or refusals), `recheck`, `role`.

mod devices;
mod find;
mod lists;
mod manage;
mod recheck;
mod role;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::access::Role;
use crate::command::{Command, Target, WorkspaceDetails};
use crate::request::Actor;
use crate::resolve::{Org, SkipReason};
use crate::webex::{
    DeviceId, Location, LocationId, PersonId, WorkspaceId, WorkspaceLocationFields,
};

pub use devices::{STATUS_SUMMARY, xapi_call};
pub use manage::{plan_location_form, plan_location_submit, plan_workspace_submit};
pub use recheck::recheck;
pub use role::{check_role, required_role};

/// What is known when planning: the organisation as listed, its locations (loaded only for
/// commands that name one, else empty) and the space the command came from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub org: Arc<Org>,
    pub locations: Arc<Vec<Location>>,
    pub space: Space,
}

/// The space a command came from, as planning needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Space {
    /// True in group spaces (activation codes then go by direct message).
    pub is_group: bool,
    /// The space's default target (`use`), for commands given without one.
    pub default_target: Option<Target>,
}

/// A plan: what a command will do, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The canonical text of what was asked (`mute room 4B`), as the audit log records it.
    pub text: String,
    /// What kind of thing it does, with what its reply needs.
    pub action: Action,
    /// The least role that may run it.
    pub role: Role,
    /// The target as written (`room 4B`); empty when the command has none.
    pub label: String,
    /// Every device the target stands for, in order: included, or skipped and why.
    pub devices: Vec<Targeted>,
    /// The calls to make, in order. Device calls name their device by index in `devices`.
    pub calls: Vec<Call>,
    /// Why it must be confirmed before it runs, if it must.
    pub confirm: Option<Confirm>,
}

/// One device of the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targeted {
    pub device: DeviceRef,
    /// `None`: a call goes to it; else why not.
    pub skip: Option<SkipReason>,
}

/// A device as a plan names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRef {
    pub id: DeviceId,
    /// Display name (its id when it has none).
    pub name: String,
    /// Its workspace's name ("" when none).
    pub workspace: String,
    /// Connected when planned (configuration changes to offline devices apply on reconnect).
    pub online: bool,
}

/// A workspace as a plan names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRef {
    pub id: WorkspaceId,
    pub name: String,
}

/// A location as a plan names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRef {
    pub id: LocationId,
    pub name: String,
}

/// One call: what it addresses and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub subject: Subject,
    pub op: Op,
}

/// What a call addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A device, by index in [`Plan::devices`].
    Device(usize),
    Workspace(WorkspaceRef),
    Location(LocationRef),
    /// The organisation (creating a workspace or a location).
    Organisation,
    /// The space the command came from (its stored default target).
    Space,
}

/// What a call does. Each is one Webex request unless its doc says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `POST xapi/command/<path>` with the arguments.
    XapiCommand {
        path: String,
        arguments: Option<Value>,
    },
    /// `GET xapi/status` for up to ten names.
    XapiStatus { names: Vec<String> },
    /// `GET deviceConfigurations` for a key (wildcards allowed).
    ConfigRead { key: String },
    /// `GET deviceConfigurations` for the key's value space, then (if the value is allowed and
    /// the key editable) `PATCH` replace.
    ConfigSet { key: String, value: Value },
    /// `GET deviceConfigurations` (is it editable?), then `PATCH` remove.
    ConfigReset { key: String },
    /// `PATCH devices/{id}` with the complete new tag list.
    SetTags { tags: Vec<String> },
    /// `DELETE devices/{id}`.
    DeleteDevice,
    /// `GET workspaces/{id}`, merge the changes, `PUT` it whole (a PUT clears what it omits).
    UpdateWorkspace { changes: WorkspaceChanges },
    /// `DELETE workspaces/{id}` (its devices go too).
    DeleteWorkspace,
    /// `POST devices/activationCode`; with `deliver_to`, the code then goes to that person by
    /// direct message (`POST messages`), never into a group space.
    CreateActivationCode { deliver_to: Option<PersonId> },
    /// (`GET` the location's floors to find the floor's id, then) `POST workspaces`.
    CreateWorkspace { new: NewWorkspacePlan },
    /// `POST workspaceLocations`.
    CreateLocation { fields: WorkspaceLocationFields },
    /// `POST locations/{id}/floors`.
    CreateFloor { number: i32, name: Option<String> },
    /// `GET locations/{id}/floors`.
    ListFloors,
    /// Stores the space's default target (no Webex call).
    SetDefaultTarget { target: String },
    /// Forgets the space's default target (no Webex call).
    ClearDefaultTarget,
}

impl Op {
    /// Whether the op changes something (the listing cache is stale after it).
    pub fn changes_org(&self) -> bool {
        matches!(
            self,
            Self::SetTags { .. }
                | Self::DeleteDevice
                | Self::UpdateWorkspace { .. }
                | Self::DeleteWorkspace
                | Self::CreateActivationCode { .. }
                | Self::CreateWorkspace { .. }
                | Self::CreateLocation { .. }
                | Self::CreateFloor { .. }
        )
    }

    /// Whether running it twice could do something twice (it is not blindly retried or re-run).
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self,
            Self::XapiStatus { .. }
                | Self::ConfigRead { .. }
                | Self::ConfigSet { .. }
                | Self::ConfigReset { .. }
                | Self::SetTags { .. }
                | Self::UpdateWorkspace { .. }
                | Self::ListFloors
                | Self::SetDefaultTarget { .. }
                | Self::ClearDefaultTarget
        )
    }
}

/// Workspace fields an edit sets (`None` keeps the current value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceChanges {
    pub kind: Option<String>,
    pub capacity: Option<u32>,
    pub notes: Option<String>,
}

/// A workspace to create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWorkspacePlan {
    pub name: String,
    pub kind: Option<String>,
    pub capacity: Option<u32>,
    pub notes: Option<String>,
    pub location: Option<LocationRef>,
    /// Floor number in `location` (its id is looked up when creating).
    pub floor: Option<i32>,
}

/// One configuration change: a value to set, or `None` to reset to the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigChange {
    pub key: String,
    pub value: Option<Value>,
}

/// What a plan does, with what its reply needs beyond the devices and calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// One xAPI command on every usable device.
    Xapi {
        path: String,
        arguments: Option<Value>,
    },
    /// Status names (empty: the summary) on every readable device.
    Status {
        keys: Vec<String>,
    },
    /// A configuration key (wildcards allowed) on every readable device.
    ConfigRead {
        key: String,
    },
    /// Configuration changes on every device that takes them.
    ConfigChange {
        changes: Vec<ConfigChange>,
    },
    /// A tag added to or removed from the target's devices.
    Tag {
        add: bool,
        tag: String,
    },
    /// One device deleted.
    DeleteDevice,
    /// A list of devices (the plan's devices), one page shown.
    Devices {
        /// The page asked for, from 1.
        page: u32,
        /// The command that shows the page after it (used when there is one).
        next: String,
    },
    /// A list of workspaces.
    Workspaces {
        workspaces: Vec<WorkspaceRef>,
        location: Option<String>,
    },
    /// One workspace and its devices (the plan's devices).
    ShowWorkspace {
        workspace: WorkspaceRef,
    },
    EditWorkspace {
        workspace: WorkspaceRef,
    },
    /// A workspace deleted with its devices (the plan's devices).
    DeleteWorkspace {
        workspace: WorkspaceRef,
    },
    Activate {
        workspace: WorkspaceRef,
    },
    CreateWorkspace {
        name: String,
    },
    /// The "new workspace" form, filled with what was typed.
    WorkspaceForm {
        defaults: WorkspaceFormDefaults,
    },
    /// The "new location" form.
    LocationForm {
        name: String,
    },
    CreateLocation {
        name: String,
    },
    /// Every location, by name.
    Locations {
        names: Vec<String>,
    },
    Floors {
        location: LocationRef,
    },
    CreateFloor {
        location: LocationRef,
        number: i32,
    },
    /// The space's default target, if any.
    UseShow {
        current: Option<String>,
    },
    UseSet {
        target: String,
    },
    UseClear,
}

/// What the "new workspace" form starts with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceFormDefaults {
    pub kind: Option<String>,
    pub capacity: Option<u32>,
    pub location: Option<LocationId>,
    pub floor: Option<i32>,
    pub notes: Option<String>,
}

/// Why a plan must be confirmed before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirm {
    /// It restarts or deletes something.
    Disruptive,
    /// It reaches more than one device.
    Bulk,
}

/// Why a command has no plan: nothing is called, and the reply says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The person's role is below what the command needs.
    Role {
        /// The command's first word, e.g. `reboot`.
        verb: String,
        needed: Role,
        have: Role,
    },
    /// Several things match (or no target was given): one option per candidate.
    Choose {
        prompt: String,
        options: Vec<Choice>,
    },
    /// Nothing of that name; the closest names.
    NotFound {
        kind: &'static str,
        query: String,
        closest: Vec<String>,
    },
    /// The input cannot work as given.
    Invalid { message: String, hint: String },
}

/// One option of a [`Refusal::Choose`]: a button title and the command it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub command: String,
}

impl Refusal {
    fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::Invalid {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// True when a fresher listing might find what this one did not.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}

/// Plans `command` for `actor` against `snapshot`. Pure: the same inputs give the same plan.
pub fn plan(command: &Command, snapshot: &Snapshot, actor: &Actor) -> Result<Plan, Refusal> {
    role::check_role(command, actor.role)?;
    let command = with_default_target(command, snapshot)?;
    let command = &command;
    match command {
        Command::Mute { .. }
        | Command::Unmute { .. }
        | Command::Volume { .. }
        | Command::VolumeStep { .. }
        | Command::Standby { .. }
        | Command::Reboot { .. }
        | Command::Dial { .. }
        | Command::Hangup { .. }
        | Command::Alert { .. }
        | Command::Selfview { .. }
        | Command::XCommand { .. } => devices::xapi(command, snapshot),
        Command::Status { .. } | Command::XStatus { .. } => devices::status(command, snapshot),
        Command::ConfigGet { .. } | Command::XConfiguration { value: None, .. } => {
            devices::config_read(command, snapshot)
        }
        Command::ConfigSet { .. }
        | Command::ConfigReset { .. }
        | Command::XConfiguration { value: Some(_), .. } => {
            devices::config_change(command, snapshot)
        }
        Command::Tag { .. } => devices::tag(command, snapshot),
        Command::DeleteDevice { name } => manage::delete_device(command, name, snapshot),
        Command::Devices { filters } => lists::devices(command, filters, snapshot),
        Command::Workspaces { location } => lists::workspaces(command, location, snapshot),
        Command::Locations => Ok(lists::locations(command, snapshot)),
        Command::Workspace { .. }
        | Command::WorkspaceEdit { .. }
        | Command::WorkspaceDelete { .. }
        | Command::Activate { .. } => manage::workspace_named(command, snapshot, actor),
        Command::WorkspaceCreate { name, details } => {
            manage::workspace_create(command, name.as_deref(), details, snapshot)
        }
        Command::LocationCreate { name } => Ok(plan_location_form(command, name.as_deref())),
        Command::Floors { location } => manage::floors(command, location, snapshot),
        Command::FloorCreate {
            location,
            number,
            name,
        } => manage::floor_create(command, location, *number, name, snapshot),
        Command::UseShow | Command::Use { .. } | Command::UseClear => {
            manage::use_target(command, snapshot)
        }
        Command::Help { .. } => Err(Refusal::invalid(
            "Help is answered directly, not planned.",
            "Type `help`.",
        )),
        Command::Plan { command } => Err(Refusal::invalid(
            format!("`{}` is already a plan.", command.canonical()),
            "Type the command after `plan` once.",
        )),
    }
}

/// Plans the configuration form's Apply: each changed key set on the form's target, as one
/// plan (one confirmation, one audit record).
pub fn plan_config_form(
    target: &Target,
    changes: &[(String, String)],
    snapshot: &Snapshot,
    actor: &Actor,
) -> Result<Plan, Refusal> {
    let changes: Vec<ConfigChange> = changes
        .iter()
        .map(|(key, value)| ConfigChange {
            key: key.clone(),
            value: Some(Value::String(value.clone())),
        })
        .collect();
    let Some(first) = changes.first() else {
        return Err(Refusal::invalid(
            "Nothing changed in the form, so nothing was applied.",
            "",
        ));
    };
    // The command the form stands for: what its role and target resolution follow.
    let command = Command::ConfigSet {
        key: first.key.clone(),
        value: first.value.clone().unwrap_or(Value::Null),
        target: Some(target.clone()),
    };
    role::check_role(&command, actor.role)?;
    devices::config_changes(&command, target, changes, snapshot)
}

/// Fills a missing target from the space's default, or asks which workspace.
fn with_default_target(command: &Command, snapshot: &Snapshot) -> Result<Command, Refusal> {
    let mut command = command.clone();
    let Some(slot) = command.target_slot() else {
        return Ok(command);
    };
    if slot.is_some() {
        return Ok(command);
    }
    if let Some(target) = &snapshot.space.default_target {
        *slot = Some(target.clone());
        return Ok(command);
    }
    let options = snapshot
        .org
        .workspaces
        .iter()
        .filter_map(|w| w.display_name.clone())
        .map(|name| Choice {
            command: command
                .clone()
                .with_target(Target::Room(name.clone()))
                .canonical(),
            label: name,
        })
        .collect();
    Err(Refusal::Choose {
        prompt: "Which workspace? (Set a default for this space with `use <workspace>`.)".into(),
        options,
    })
}

impl Plan {
    /// A plan of `command` doing `action`, aimed at `label`, with no devices or calls yet.
    fn new(command: &Command, action: Action, label: String) -> Self {
        Self {
            text: command.canonical(),
            action,
            role: required_role(command),
            label,
            devices: Vec::new(),
            calls: Vec::new(),
            confirm: None,
        }
    }

    /// Adds `op` on every included device.
    fn call_each_included(&mut self, op: impl Fn(usize) -> Op) {
        let calls: Vec<Call> = (0..self.devices.len())
            .filter(|&at| self.devices[at].skip.is_none())
            .map(|at| Call {
                subject: Subject::Device(at),
                op: op(at),
            })
            .collect();
        self.calls.extend(calls);
    }

    /// Asks for a confirmation when more than one device would be called.
    fn confirm_if_bulk(&mut self) {
        let devices = self.devices.iter().filter(|d| d.skip.is_none()).count();
        if devices > 1 && self.confirm.is_none() {
            self.confirm = Some(Confirm::Bulk);
        }
    }

    /// The devices a call goes to.
    pub fn included(&self) -> impl Iterator<Item = &DeviceRef> {
        self.devices
            .iter()
            .filter(|d| d.skip.is_none())
            .map(|d| &d.device)
    }

    /// The devices left out, with why.
    pub fn skipped(&self) -> impl Iterator<Item = (&DeviceRef, SkipReason)> {
        self.devices
            .iter()
            .filter_map(|d| d.skip.map(|reason| (&d.device, reason)))
    }

    /// The device a call addresses, if it addresses one.
    pub fn device_of(&self, call: &Call) -> Option<&DeviceRef> {
        match call.subject {
            Subject::Device(at) => self.devices.get(at).map(|d| &d.device),
            _ => None,
        }
    }
}

/// The details of `workspace create` as the form and the create call carry them.
fn changes_of(details: &WorkspaceDetails) -> WorkspaceChanges {
    WorkspaceChanges {
        kind: details.kind.map(|k| k.as_str().to_owned()),
        capacity: details.capacity,
        notes: details.notes.clone(),
    }
}
