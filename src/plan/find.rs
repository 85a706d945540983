//! From names to things: a target to its devices, a name to its one workspace, device or
//! location, each miss or ambiguity turned into the [`Refusal`] that explains it (the closest
//! names, or one option per candidate carrying the whole command).

use std::collections::HashMap;

use crate::command::{Command, Target};
use crate::resolve::{NameMatch, Org, Resolution, match_name, resolve_in};
use crate::webex::{Device, Location, Workspace, WorkspaceId};

use super::suggest::suggestions;
use super::{Choice, DeviceRef, LocationRef, Refusal, Snapshot, WorkspaceRef};

/// The devices `target` stands for, for `command` (whose options a picker offers).
pub(super) fn devices_of(
    command: &Command,
    target: &Target,
    snapshot: &Snapshot,
) -> Result<Vec<Device>, Refusal> {
    match resolve_in(&snapshot.org, &snapshot.locations, target) {
        Resolution::Devices(devices) => Ok(devices),
        Resolution::Ambiguous { query, candidates } => {
            let places = location_names(snapshot);
            let options = candidates
                .into_iter()
                .map(|t| Choice {
                    label: t.name().to_owned(),
                    context: context_of(&t, snapshot, &places),
                    command: command.clone().with_target(t).canonical(),
                })
                .collect();
            Err(Refusal::choose(
                format!("Which one do you mean by “{query}”?"),
                options,
            ))
        }
        Resolution::NotFound {
            kind,
            query,
            closest,
        } => Err(Refusal::NotFound {
            suggestions: suggestions(command, target, &closest, snapshot),
            kind,
            query,
            closest,
        }),
    }
}

/// Each workspace's location name, by workspace id (empty without locations).
pub fn location_names(snapshot: &Snapshot) -> HashMap<&WorkspaceId, &str> {
    let names: HashMap<_, &str> = snapshot
        .locations
        .iter()
        .filter_map(|l| Some((&l.id, l.fields.name.as_deref()?)))
        .collect();
    snapshot
        .org
        .workspaces
        .iter()
        .filter_map(|w| {
            let at = [&w.location_id, &w.workspace_location_id]
                .into_iter()
                .flatten()
                .find_map(|id| names.get(id))?;
            Some((&w.id, *at))
        })
        .collect()
}

/// Where a candidate is, so candidates with alike names can be told apart: a workspace's
/// location, a device's workspace.
fn context_of(
    target: &Target,
    snapshot: &Snapshot,
    places: &HashMap<&WorkspaceId, &str>,
) -> String {
    let org = &snapshot.org;
    match target {
        Target::Room(name) | Target::Workspace(name) => org
            .workspaces
            .iter()
            .find(|w| w.display_name.as_deref() == Some(name))
            .and_then(|w| places.get(&w.id))
            .map(|p| (*p).to_owned())
            .unwrap_or_default(),
        Target::Device(name) => org
            .devices
            .iter()
            .find(|d| d.display_name.as_deref() == Some(name))
            .map(|d| org.workspace_name(d))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The one workspace named `name` (else one option per match, or the closest names).
pub(super) fn one_workspace<'a>(
    command: &Command,
    name: &str,
    snapshot: &'a Snapshot,
) -> Result<&'a Workspace, Refusal> {
    let items: Vec<(String, &Workspace)> = snapshot
        .org
        .workspaces
        .iter()
        .map(|w| (w.display_name.clone().unwrap_or_default(), w))
        .collect();
    let places = location_names(snapshot);
    one_named(command, "workspace", name, match_name(&items, name), |w| {
        let place = places.get(&w.id).copied().unwrap_or_default();
        Some((w.display_name.clone()?, place.to_owned()))
    })
}

/// The one device named `name` (else one option per match, or the closest names).
pub(super) fn one_device<'a>(
    command: &Command,
    name: &str,
    snapshot: &'a Snapshot,
) -> Result<&'a Device, Refusal> {
    let org = &snapshot.org;
    let items: Vec<(String, &Device)> = org
        .devices
        .iter()
        .map(|d| (d.display_name.clone().unwrap_or_default(), d))
        .collect();
    one_named(command, "device", name, match_name(&items, name), |d| {
        Some((d.display_name.clone()?, org.workspace_name(d)))
    })
}

/// The one item found, else a choice between the matches (`describe` gives each one's name and
/// context) or the closest names, each a did-you-mean.
fn one_named<'a, T>(
    command: &Command,
    kind: &'static str,
    query: &str,
    found: NameMatch<&'a T>,
    describe: impl Fn(&T) -> Option<(String, String)>,
) -> Result<&'a T, Refusal> {
    let choice = |(name, context): (String, String)| Choice {
        command: command.clone().with_name(name.clone()).canonical(),
        context,
        label: name,
    };
    match found {
        NameMatch::One(item) => Ok(item),
        NameMatch::Many(many) => Err(Refusal::choose(
            format!("Which {kind} do you mean by “{query}”?"),
            many.into_iter().filter_map(describe).map(choice).collect(),
        )),
        NameMatch::None { closest } => Err(Refusal::NotFound {
            kind,
            query: query.to_owned(),
            suggestions: closest
                .iter()
                .map(|name| choice((name.clone(), String::new())))
                .collect(),
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
            suggestions: Vec::new(),
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
