//! Plans for managing the organisation: one workspace (show, edit, delete, activation code),
//! creating workspaces, locations and floors (by command or form), deleting a device, and the
//! space's default target (`use`). Deletes are always confirmed first.

use crate::command::{Command, WorkspaceDetails};
use crate::request::Actor;
use crate::webex::{LocationId, WorkspaceLocationFields};

use super::find::workspace_ref;
use super::find::{device_ref, devices_of, location_ref, one_device, one_location, one_workspace};
use super::{
    Action, Call, Confirm, NewWorkspacePlan, Op, Plan, Refusal, Snapshot, Subject, Targeted,
    WorkspaceFormDefaults, changes_of, role,
};

/// `delete device <name>`: confirmed first, then deleted.
pub(super) fn delete_device(
    command: &Command,
    name: &str,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let device = one_device(command, name, snapshot)?;
    let device = device_ref(device, &snapshot.org);
    // The confirmation runs exactly this device, named as Webex names it.
    let exact = Command::DeleteDevice {
        name: device.name.clone(),
    };
    let mut plan = Plan::new(&exact, Action::DeleteDevice, device.name.clone());
    plan.devices.push(Targeted { device, skip: None });
    plan.calls.push(Call {
        subject: Subject::Device(0),
        op: Op::DeleteDevice,
    });
    plan.confirm = Some(Confirm::Disruptive);
    Ok(plan)
}

/// Commands on one named workspace: show, edit, delete (confirmed), activation code.
pub(super) fn workspace_named(
    command: &Command,
    snapshot: &Snapshot,
    actor: &Actor,
) -> Result<Plan, Refusal> {
    let name = match command {
        Command::Workspace { name }
        | Command::WorkspaceEdit { name, .. }
        | Command::WorkspaceDelete { name }
        | Command::Activate { workspace: name } => name,
        _ => return Err(Refusal::invalid("Which workspace?", "")),
    };
    let found = one_workspace(command, name, snapshot)?;
    let workspace = workspace_ref(found);
    let subject = Subject::Workspace(workspace.clone());
    let (action, op) = workspace_step(command, workspace.clone(), snapshot, actor);
    let exact = command.clone().with_name(workspace.name.clone());
    let mut plan = Plan::new(&exact, action, workspace.name.clone());
    plan.devices = snapshot
        .org
        .devices_in(&found.id)
        .iter()
        .map(|d| Targeted {
            device: device_ref(d, &snapshot.org),
            skip: None,
        })
        .collect();
    if let Some(op) = op {
        plan.calls.push(Call { subject, op });
    }
    if matches!(command, Command::WorkspaceDelete { .. }) {
        plan.confirm = Some(Confirm::Disruptive);
    }
    Ok(plan)
}

/// What a command on one workspace does to it: the action and the call (none to show it).
fn workspace_step(
    command: &Command,
    workspace: super::WorkspaceRef,
    snapshot: &Snapshot,
    actor: &Actor,
) -> (Action, Option<Op>) {
    match command {
        Command::WorkspaceEdit { changes, .. } => (
            Action::EditWorkspace { workspace },
            Some(Op::UpdateWorkspace {
                changes: changes_of(changes),
            }),
        ),
        Command::WorkspaceDelete { .. } => (
            Action::DeleteWorkspace { workspace },
            Some(Op::DeleteWorkspace),
        ),
        Command::Activate { .. } => (
            Action::Activate { workspace },
            Some(Op::CreateActivationCode {
                deliver_to: snapshot.space.is_group.then(|| actor.person_id.clone()),
            }),
        ),
        _ => (Action::ShowWorkspace { workspace }, None),
    }
}

/// `workspace create <name> [details]`; without a name, the "new workspace" form.
pub(super) fn workspace_create(
    command: &Command,
    name: Option<&str>,
    details: &WorkspaceDetails,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let Some(name) = name else {
        let location = details.location.as_deref().and_then(|place| {
            snapshot.locations.iter().find(|l| {
                l.fields
                    .name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(place))
            })
        });
        let changes = changes_of(details);
        let defaults = WorkspaceFormDefaults {
            kind: changes.kind,
            capacity: changes.capacity,
            location: location.map(|l| l.id.clone()),
            floor: details.floor,
            notes: changes.notes,
        };
        return Ok(Plan::new(
            command,
            Action::WorkspaceForm { defaults },
            String::new(),
        ));
    };
    let location = match &details.location {
        Some(place) => Some(location_ref(one_location(place, &snapshot.locations)?)),
        None => None,
    };
    Ok(create_workspace(command, name, details, location))
}

/// The "new workspace" form's Submit, checked: `name`, `details` and the chosen location's id.
pub fn plan_workspace_submit(
    name: &str,
    details: &WorkspaceDetails,
    location: Option<&LocationId>,
    snapshot: &Snapshot,
    actor: &Actor,
) -> Result<Plan, Refusal> {
    let location = match location {
        None => None,
        Some(id) => match snapshot.locations.iter().find(|l| &l.id == id) {
            Some(location) => Some(location_ref(location)),
            None => {
                return Err(Refusal::invalid(
                    "location no longer exists; choose another one.",
                    "",
                ));
            }
        },
    };
    let command = Command::WorkspaceCreate {
        name: Some(name.to_owned()),
        details: WorkspaceDetails {
            location: location.as_ref().map(|l| l.name.clone()),
            ..details.clone()
        },
    };
    role::check_role(&command, actor.role)?;
    Ok(create_workspace(&command, name, details, location))
}

fn create_workspace(
    command: &Command,
    name: &str,
    details: &WorkspaceDetails,
    location: Option<super::LocationRef>,
) -> Plan {
    let changes = changes_of(details);
    let new = NewWorkspacePlan {
        name: name.to_owned(),
        kind: changes.kind,
        capacity: changes.capacity,
        notes: changes.notes,
        floor: location.as_ref().and(details.floor),
        location,
    };
    let action = Action::CreateWorkspace {
        name: name.to_owned(),
    };
    let mut plan = Plan::new(command, action, name.to_owned());
    plan.calls.push(Call {
        subject: Subject::Organisation,
        op: Op::CreateWorkspace { new },
    });
    plan
}

/// `location create [<name>]`: the "new location" form (address and coordinates).
pub fn plan_location_form(command: &Command, name: Option<&str>) -> Plan {
    let action = Action::LocationForm {
        name: name.unwrap_or_default().to_owned(),
    };
    Plan::new(command, action, String::new())
}

/// The "new location" form's Submit, checked into the create call's `fields`.
pub fn plan_location_submit(
    fields: &WorkspaceLocationFields,
    actor: &Actor,
) -> Result<Plan, Refusal> {
    let name = fields.display_name.clone().unwrap_or_default();
    let command = Command::LocationCreate {
        name: Some(name.clone()),
    };
    role::check_role(&command, actor.role)?;
    let mut plan = Plan::new(
        &command,
        Action::CreateLocation { name: name.clone() },
        name,
    );
    plan.calls.push(Call {
        subject: Subject::Organisation,
        op: Op::CreateLocation {
            fields: fields.clone(),
        },
    });
    Ok(plan)
}

/// `floors <location>`.
pub(super) fn floors(command: &Command, place: &str, snapshot: &Snapshot) -> Result<Plan, Refusal> {
    let location = location_ref(one_location(place, &snapshot.locations)?);
    let action = Action::Floors {
        location: location.clone(),
    };
    let mut plan = Plan::new(command, action, location.name.clone());
    plan.calls.push(Call {
        subject: Subject::Location(location),
        op: Op::ListFloors,
    });
    Ok(plan)
}

/// `floor create <location> <number> [<name>]`.
pub(super) fn floor_create(
    command: &Command,
    place: &str,
    number: i32,
    name: &Option<String>,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let location = location_ref(one_location(place, &snapshot.locations)?);
    let action = Action::CreateFloor {
        location: location.clone(),
        number,
    };
    let mut plan = Plan::new(command, action, location.name.clone());
    plan.calls.push(Call {
        subject: Subject::Location(location),
        op: Op::CreateFloor {
            number,
            name: name.clone(),
        },
    });
    Ok(plan)
}

/// `use`, `use <target>` (checked to name something real before it is stored), `use none`.
pub(super) fn use_target(command: &Command, snapshot: &Snapshot) -> Result<Plan, Refusal> {
    let (action, op) = match command {
        Command::Use { target } => {
            devices_of(command, target, snapshot)?;
            let text = target.text();
            (
                Action::UseSet {
                    target: text.clone(),
                },
                Some(Op::SetDefaultTarget { target: text }),
            )
        }
        Command::UseClear => (Action::UseClear, Some(Op::ClearDefaultTarget)),
        _ => {
            let current = snapshot.space.default_target.as_ref().map(|t| t.text());
            (Action::UseShow { current }, None)
        }
    };
    let label = command.target().map(|t| t.text()).unwrap_or_default();
    let mut plan = Plan::new(command, action, label);
    if let Some(op) = op {
        plan.calls.push(Call {
            subject: Subject::Space,
            op,
        });
    }
    Ok(plan)
}
