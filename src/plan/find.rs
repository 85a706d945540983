//! From names to things: a target to its devices, a name to its one workspace, device or
//! location, each miss or ambiguity turned into the [`Refusal`] that explains it (the closest
//! names, or one option per candidate carrying the whole command).

use crate::command::{Command, Target};
use crate::resolve::{NameMatch, Org, Resolution, match_name, resolve_in};
use crate::webex::{Device, Location, Workspace};

use super::{Choice, DeviceRef, LocationRef, Refusal, Snapshot, WorkspaceRef};

/// The devices `target` stands for, for `command` (whose options a picker offers).
pub(super) fn devices_of(
    command: &Command,
    target: &Target,
    snapshot: &Snapshot,
) -> Result<Vec<Device>, Refusal> {
    match resolve_in(&snapshot.org, &snapshot.locations, target) {
        Resolution::Devices(devices) => Ok(devices),
        Resolution::Ambiguous { query, candidates } => Err(Refusal::Choose {
            prompt: format!("Which one do you mean by “{query}”?"),
            options: candidates
                .into_iter()
                .map(|t| Choice {
                    label: t.name().to_owned(),
                    command: command.clone().with_target(t).canonical(),
                })
                .collect(),
        }),
        Resolution::NotFound {
            kind,
            query,
            closest,
        } => Err(Refusal::NotFound {
            kind,
            query,
            closest,
        }),
    }
}

/// The one workspace named `name` (else one option per match, or the closest names).
pub(super) fn one_workspace<'a>(
    command: &Command,
    name: &str,
    org: &'a Org,
) -> Result<&'a Workspace, Refusal> {
    let items: Vec<(String, &Workspace)> = org
        .workspaces
        .iter()
        .map(|w| (w.display_name.clone().unwrap_or_default(), w))
        .collect();
    one_named(command, "workspace", name, match_name(&items, name), |w| {
        w.display_name.clone()
    })
}

/// The one device named `name` (else one option per match, or the closest names).
pub(super) fn one_device<'a>(
    command: &Command,
    name: &str,
    org: &'a Org,
) -> Result<&'a Device, Refusal> {
    let items: Vec<(String, &Device)> = org
        .devices
        .iter()
        .map(|d| (d.display_name.clone().unwrap_or_default(), d))
        .collect();
    one_named(command, "device", name, match_name(&items, name), |d| {
        d.display_name.clone()
    })
}

fn one_named<'a, T>(
    command: &Command,
    kind: &'static str,
    query: &str,
    found: NameMatch<&'a T>,
    name_of: impl Fn(&T) -> Option<String>,
) -> Result<&'a T, Refusal> {
    match found {
        NameMatch::One(item) => Ok(item),
        NameMatch::Many(many) => Err(Refusal::Choose {
            prompt: format!("Which {kind} do you mean by “{query}”?"),
            options: many
                .into_iter()
                .filter_map(name_of)
                .map(|name| Choice {
                    command: command.clone().with_name(name.clone()).canonical(),
                    label: name,
                })
                .collect(),
        }),
        NameMatch::None { closest } => Err(Refusal::NotFound {
            kind,
            query: query.to_owned(),
            closest,
        }),
    }
}

/// The one location named `place`.
pub(super) fn one_location<'a>(
    place: &str,
    locations: &'a [Location],
) -> Result<&'a Location, Refusal> {
    let items: Vec<(String, &Location)> = locations
        .iter()
        .map(|l| (l.fields.name.clone().unwrap_or_default(), l))
        .collect();
    match match_name(&items, place) {
        NameMatch::One(location) => Ok(location),
        NameMatch::Many(many) => {
            let names: Vec<String> = many.iter().filter_map(|l| l.fields.name.clone()).collect();
            Err(Refusal::invalid(
                format!("“{place}” matches several locations: {}.", names.join(", ")),
                "Type more of the name.",
            ))
        }
        NameMatch::None { closest } => Err(Refusal::NotFound {
            kind: "location",
            query: place.to_owned(),
            closest,
        }),
    }
}

/// How a plan names `device`.
pub(super) fn device_ref(device: &Device, org: &Org) -> DeviceRef {
    DeviceRef {
        id: device.id.clone(),
        name: device
            .display_name
            .clone()
            .unwrap_or_else(|| device.id.as_str().to_owned()),
        workspace: org.workspace_name(device),
        online: device.is_online(),
    }
}

/// How a plan names `workspace`.
pub(super) fn workspace_ref(workspace: &Workspace) -> WorkspaceRef {
    WorkspaceRef {
        id: workspace.id.clone(),
        name: workspace.display_name.clone().unwrap_or_default(),
    }
}

/// How a plan names `location`.
pub(super) fn location_ref(location: &Location) -> LocationRef {
    LocationRef {
        id: location.id.clone(),
        name: location.fields.name.clone().unwrap_or_default(),
    }
}
