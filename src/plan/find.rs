//! From names to things: a target to its devices, a name to its one workspace, device or
//! location, each miss or ambiguity turned into the [`Refusal`] that explains it (the closest
//! names, or one option per candidate carrying the whole command).

use std::collections::HashMap;

use crate::command::{Command, Target};
use crate::resolve::{
    NameMatch, Org, Resolution, candidates_of, match_name, match_name_or_id, resolve_in,
};
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
                .map(|c| Choice {
                    context: context_of(&c.id, snapshot, &places),
                    command: command.clone().with_target(c.target).canonical(),
                    label: c.name,
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

/// Where the candidate with Webex id `id` is, so candidates with alike (or equal) names can be
/// told apart: a workspace's location, a device's workspace.
fn context_of(id: &str, snapshot: &Snapshot, places: &HashMap<&WorkspaceId, &str>) -> String {
    let org = &snapshot.org;
    if let Some(workspace) = org.workspaces.iter().find(|w| w.id.as_str() == id) {
        return places
            .get(&workspace.id)
            .map(|p| (*p).to_owned())
            .unwrap_or_default();
    }
    org.devices
        .iter()
        .find(|d| d.id.as_str() == id)
        .map(|d| org.workspace_name(d))
        .unwrap_or_default()
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
    let found = match_name_or_id(&items, |w| w.id.as_str(), name);
    one_named(command, "workspace", name, found, |w| {
        let place = places.get(&w.id).copied().unwrap_or_default();
        Some((
            w.display_name.clone()?,
            place.to_owned(),
            w.id.as_str().to_owned(),
        ))
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
    let found = match_name_or_id(&items, |d| d.id.as_str(), name);
    one_named(command, "device", name, found, |d| {
        Some((
            d.display_name.clone()?,
            org.workspace_name(d),
            d.id.as_str().to_owned(),
        ))
    })
}

/// The one item found, else a choice between the matches (`describe` gives each one's name,
/// context and id: a name several matches share is addressed by the id) or the closest names,
/// each a did-you-mean.
fn one_named<'a, T>(
    command: &Command,
    kind: &'static str,
    query: &str,
    found: NameMatch<&'a T>,
    describe: impl Fn(&T) -> Option<(String, String, String)>,
) -> Result<&'a T, Refusal> {
    let choice = |name: String, context: String, address: String| Choice {
        command: command.clone().with_name(address).canonical(),
        context,
        label: name,
    };
    match found {
        NameMatch::One(item) => Ok(item),
        NameMatch::Many(many) => {
            let described: Vec<(String, String, String)> =
                many.into_iter().filter_map(describe).collect();
            let contexts: HashMap<String, String> = described
                .iter()
                .map(|(_, context, id)| (id.clone(), context.clone()))
                .collect();
            let named = described.into_iter().map(|(name, _, id)| (name, id));
            let options = candidates_of(named)
                .into_iter()
                .map(|c| {
                    let context = contexts.get(&c.id).cloned().unwrap_or_default();
                    choice(c.name, context, c.target.name().to_owned())
                })
                .collect();
            Err(Refusal::choose(
                format!("Which {kind} do you mean by “{query}”?"),
                options,
            ))
        }
        NameMatch::None { closest } => Err(Refusal::NotFound {
            kind,
            query: query.to_owned(),
            suggestions: closest
                .iter()
                .map(|name| choice(name.clone(), String::new(), name.clone()))
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
