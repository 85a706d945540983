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
//! Layout: this file (the snapshot, the entry point and its exhaustive match), `model` (the
//! values), `devices` (device
//! commands, status, configuration, tags), `manage` (workspaces, locations, floors, device
//! deletes, `use`), `lists` (`devices`, `workspaces`, `locations`), `find` (targets and names to
//! devices or refusals), `recheck`, `role`.

mod devices;
mod find;
mod lists;
mod manage;
mod model;
mod paging;
mod recheck;
mod refusal;
mod role;
mod scope;
mod suggest;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde_json::Value;

use crate::command::{Command, Target, WorkspaceDetails};
use crate::request::Actor;
use crate::resolve::{Org, SkipReason};
use crate::webex::Location;

pub use devices::{STATUS_SUMMARY, xapi_call};
pub use find::location_names;
pub use manage::{plan_location_form, plan_location_submit, plan_workspace_submit};
pub use model::*;
pub use paging::{CHOICE_PAGE, DEVICE_PAGE, LOCATION_PAGE, Paging, STATUS_DETAIL, WORKSPACE_PAGE};
pub use recheck::recheck;
pub use refusal::{Choice, Refusal};
pub use role::{check_admin, check_role, needs_admin, required_role};
pub use scope::{AuditRead, SpaceScope, scoped};

/// What is known when planning: the organisation as listed, its locations (loaded only for
/// commands that name one, else empty) and the space the command came from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub org: Arc<Org>,
    pub locations: Arc<Vec<Location>>,
    pub space: Space,
    /// roombot's admin credential works (`Err(None)`: it has none, bot-only mode; `Err(Some)`:
    /// it does not work, and why). What needs admin is refused without it.
    pub admin: Result<(), Option<String>>,
}

/// The space a command came from, as planning needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Space {
    /// True in group spaces (activation codes then go by direct message).
    pub is_group: bool,
    /// The space's default target (`use`), for commands given without one.
    pub default_target: Option<Target>,
    /// What the space is bound to (`scope`): its commands reach only devices inside.
    pub scope: Option<SpaceScope>,
}

/// Plans `command` for `actor` against `snapshot`. Pure: the same inputs give the same plan.
/// A choice between candidates comes one page at a time (`pick` shows the others).
pub fn plan(command: &Command, snapshot: &Snapshot, actor: &Actor) -> Result<Plan, Refusal> {
    match command {
        Command::Pick { command, page } => {
            role::check_role(command, actor.role)?;
            scope::plan_in_scope(command, snapshot, actor, |c, s, a| {
                paging::pick(c, *page, s, a)
            })
        }
        _ => scope::plan_in_scope(command, snapshot, actor, plan_one)
            .map_err(|r| r.paged(command, None)),
    }
}

/// Plans one command; a choice comes with all its candidates.
fn plan_one(command: &Command, snapshot: &Snapshot, actor: &Actor) -> Result<Plan, Refusal> {
    role::check_role(command, actor.role)?;
    role::check_admin(command, &snapshot.admin)?;
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
        Command::Workspaces { location, page } => {
            lists::workspaces(command, location, *page, snapshot)
        }
        Command::Locations { page } => Ok(lists::locations(command, *page, snapshot)),
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
        Command::Audit { filter } => scope::audit(filter, command, snapshot),
        Command::Scope { change } => scope::scope(change, command, snapshot),
        Command::Help { .. } => Err(Refusal::invalid(
            "Help is answered directly, not planned.",
            "Type “help”.",
        )),
        Command::Plan { command } => Err(Refusal::invalid(
            format!("“{}” is already a plan.", command.canonical()),
            "Type the command after “plan” once.",
        )),
        Command::Pick { command, page } => paging::pick(command, *page, snapshot, actor),
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
    // The space's scope holds for a form as for the typed command (its least role, its devices).
    scope::plan_in_scope(&command, snapshot, actor, |command, snapshot, actor| {
        role::check_role(command, actor.role)?;
        devices::config_changes(command, target, changes.clone(), snapshot)
    })
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
    let places = find::location_names(snapshot);
    let options = snapshot
        .org
        .workspaces
        .iter()
        .filter_map(|w| Some((w.display_name.clone()?, w)))
        .map(|(name, w)| Choice {
            command: command
                .clone()
                .with_target(Target::Room(name.clone()))
                .canonical(),
            context: places.get(&w.id).copied().unwrap_or_default().to_owned(),
            label: name,
        })
        .collect();
    Err(Refusal::choose(
        "Which workspace? (Set a default for this space with “use <workspace>”.)",
        options,
    ))
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

    /// The devices left out and why, but for touch controllers folded into their room (their
    /// room's main device stands for them).
    pub fn left_out(&self) -> impl Iterator<Item = (&DeviceRef, SkipReason)> {
        self.skipped()
            .filter(|(_, reason)| *reason != SkipReason::Peripheral)
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
