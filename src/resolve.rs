//! Target → devices: workspace, device, tag and location names matched case-insensitively
//! (exact, then unique prefix, then unique substring; never a guess between several), the
//! per-device permission and connection checks (DESIGN rule 4), and the listing cache.
//!
//! The cache holds one listing of workspaces and devices (and, when a location is named, of
//! locations) for `bot.cache_ttl`. A name that matches nothing refetches once before giving up,
//! and the bot's own changes call [`Directory::invalidate`]. Only `ops` calls into this module.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use crate::command::Target;
use crate::webex::{Device, DeviceId, Location, Workspace, WorkspaceId};

mod cache;
mod candidates;
mod names;
mod need;

pub use cache::Directory;
pub use candidates::{Candidate, candidates_of};
pub use names::{NameMatch, closest_names, match_name, match_name_or_id};
pub use need::{Need, SkipReason, select, skip_reason};

/// One listing of the organisation as the bot sees it.
#[derive(Debug)]
pub struct Org {
    pub workspaces: Vec<Workspace>,
    pub devices: Vec<Device>,
    /// When the listing was fetched (the cache's TTL counts from here).
    pub fetched: Instant,
    /// Workspace names by id: result cards name every device's workspace, so a lookup must not
    /// scan the list (a 10,000-device answer would be quadratic).
    names: HashMap<WorkspaceId, String>,
    /// Device positions by id: re-checking a stored plan looks every device up.
    device_index: HashMap<DeviceId, usize>,
    /// Workspaces were listed (admin access); else targets name devices, and a workspace is
    /// the devices sharing a `workspaceId`.
    pub named: bool,
    /// Workspaces with a main device (one that is not a touch controller).
    with_main: HashSet<WorkspaceId>,
    /// The admin credential failed when this was listed (so it is the bot's view alone), why.
    pub admin_broken: Option<String>,
    /// Workspace and device names (lowercase) that more than one workspace, or more than one
    /// device, carries: a button addresses those by id.
    shared: HashSet<(bool, String)>,
}

impl Org {
    /// A snapshot of these listings, fetched now.
    pub fn new(workspaces: Vec<Workspace>, devices: Vec<Device>) -> Self {
        let names = workspaces
            .iter()
            .filter_map(|w| Some((w.id.clone(), w.display_name.clone()?)))
            .collect();
        let device_index = devices
            .iter()
            .enumerate()
            .map(|(at, d)| (d.id.clone(), at))
            .collect();
        let with_main = devices
            .iter()
            .filter(|d| !is_controller(d))
            .filter_map(|d| d.workspace_id.clone())
            .collect();
        let shared = shared_names(&workspaces, &devices);
        Self {
            workspaces,
            devices,
            fetched: Instant::now(),
            names,
            device_index,
            named: true,
            with_main,
            admin_broken: None,
            shared,
        }
    }

    /// How a command addresses `device` alone: its name, or its id when it has none or other
    /// devices share it.
    pub fn device_address(&self, device: &Device) -> String {
        match &device.display_name {
            Some(name) if !self.shared.contains(&(false, name.to_lowercase())) => name.clone(),
            _ => device.id.as_str().to_owned(),
        }
    }

    /// How a command addresses the workspace `id` named `name` alone: the name, or the id when
    /// other workspaces share it.
    pub fn workspace_address(&self, id: &WorkspaceId, name: &str) -> String {
        match name.is_empty() || self.shared.contains(&(true, name.to_lowercase())) {
            true => id.as_str().to_owned(),
            false => name.to_owned(),
        }
    }

    /// Whether `device` is in personal mode: someone's own, in no workspace.
    pub fn is_personal(device: &Device) -> bool {
        device.workspace_id.is_none() && device.person_id.is_some()
    }

    /// Whether `device` is a touch controller in a room with a main device (a peripheral:
    /// commands and status go to the main device).
    pub fn is_peripheral(&self, device: &Device) -> bool {
        is_controller(device)
            && device
                .workspace_id
                .as_ref()
                .is_some_and(|w| self.with_main.contains(w))
    }

    /// The bot's devices alone (bot-only mode: no Workspaces API, so no workspace names).
    pub fn bot_only(devices: Vec<Device>) -> Self {
        Self {
            named: false,
            ..Self::new(Vec::new(), devices)
        }
    }

    /// The devices of `device`'s workspace (just `device` when it has none).
    fn workspace_of(&self, device: &Device) -> Vec<Device> {
        match &device.workspace_id {
            Some(id) => self.devices_in(id),
            None => vec![device.clone()],
        }
    }

    /// The device with `id`, if it is still listed.
    pub fn device(&self, id: &DeviceId) -> Option<&Device> {
        self.device_index.get(id).map(|&at| &self.devices[at])
    }

    /// The workspace with `id`, if it is still listed.
    pub fn workspace(&self, id: &WorkspaceId) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| &w.id == id)
    }

    /// The name of `device`'s workspace ("" when it has none or it is unknown).
    pub fn workspace_name(&self, device: &Device) -> String {
        device
            .workspace_id
            .as_ref()
            .and_then(|id| self.names.get(id))
            .cloned()
            .unwrap_or_default()
    }

    /// The devices of a workspace.
    pub fn devices_in(&self, workspace: &WorkspaceId) -> Vec<Device> {
        self.devices
            .iter()
            .filter(|d| d.workspace_id.as_ref() == Some(workspace))
            .cloned()
            .collect()
    }

    /// Finds a workspace by name (or id).
    pub fn find_workspace(&self, name: &str) -> NameMatch<Workspace> {
        let items: Vec<(String, Workspace)> = self
            .workspaces
            .iter()
            .map(|w| (w.display_name.clone().unwrap_or_default(), w.clone()))
            .collect();
        match_name_or_id(&items, |w| w.id.as_str(), name)
    }

    /// Finds a device by display name (or id).
    pub fn find_device(&self, name: &str) -> NameMatch<Device> {
        let items: Vec<(String, Device)> = self
            .devices
            .iter()
            .map(|d| (d.display_name.clone().unwrap_or_default(), d.clone()))
            .collect();
        match_name_or_id(&items, |d| d.id.as_str(), name)
    }

    /// Devices carrying `tag` (ignoring case).
    pub fn tagged(&self, tag: &str) -> Vec<Device> {
        self.devices
            .iter()
            .filter(|d| d.tags.iter().flatten().any(|t| t.eq_ignore_ascii_case(tag)))
            .cloned()
            .collect()
    }

    /// Every tag in use, for "did you mean".
    fn all_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self
            .devices
            .iter()
            .flat_map(|d| d.tags.clone().unwrap_or_default())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }
}

/// Whether `device` is a touch controller (Room Navigator, Touch 10), by its product name.
fn is_controller(device: &Device) -> bool {
    device.product.as_deref().is_some_and(|p| {
        let p = p.to_ascii_lowercase();
        p.contains("navigator") || p.contains("touch 10")
    })
}

/// Devices a target stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// The target's devices (possibly none, e.g. a workspace without devices).
    Devices(Vec<Device>),
    /// Several names match: one candidate per match.
    Ambiguous {
        query: String,
        candidates: Vec<Candidate>,
    },
    /// Nothing matches.
    NotFound {
        /// "workspace", "device", "tag" or "location".
        kind: &'static str,
        query: String,
        closest: Vec<String>,
    },
}

/// Resolves `target` within `snapshot` (and `locations`, needed for location targets).
pub fn resolve_in(snapshot: &Org, locations: &[Location], target: &Target) -> Resolution {
    let not_found = |kind, query: &str, closest| Resolution::NotFound {
        kind,
        query: query.to_owned(),
        closest,
    };
    match target {
        Target::All => Resolution::Devices(snapshot.devices.clone()),
        Target::Room(name) | Target::Workspace(name) | Target::Bare(name) if !snapshot.named => {
            by_device_names(snapshot, name)
        }
        Target::Room(name) | Target::Workspace(name) => match snapshot.find_workspace(name) {
            NameMatch::One(w) => Resolution::Devices(snapshot.devices_in(&w.id)),
            NameMatch::Many(many) => ambiguous_workspaces(name, &many),
            NameMatch::None { closest } => not_found("workspace", name, closest),
        },
        Target::Device(name) => match snapshot.find_device(name) {
            NameMatch::One(d) => Resolution::Devices(vec![d]),
            NameMatch::Many(many) => ambiguous_devices(name, &many),
            NameMatch::None { closest } => not_found("device", name, closest),
        },
        Target::Tag(tag) => match snapshot.tagged(tag) {
            devices if !devices.is_empty() => Resolution::Devices(devices),
            _ => {
                let tags = snapshot.all_tags();
                not_found(
                    "tag",
                    tag,
                    closest_names(tags.iter().map(String::as_str), tag),
                )
            }
        },
        Target::Location(name) => resolve_location(snapshot, locations, name),
        Target::Bare(name) => match snapshot.find_workspace(name) {
            NameMatch::One(w) => Resolution::Devices(snapshot.devices_in(&w.id)),
            NameMatch::Many(many) => ambiguous_workspaces(name, &many),
            NameMatch::None { closest } => match snapshot.find_device(name) {
                NameMatch::One(d) => Resolution::Devices(vec![d]),
                NameMatch::Many(many) => ambiguous_devices(name, &many),
                NameMatch::None { .. } => not_found("workspace", name, closest),
            },
        },
    }
}

/// Bot-only mode: `name` matched against device names; the matching devices' workspaces are the
/// target (one `workspaceId`, one workspace), several of them a choice.
fn by_device_names(org: &Org, name: &str) -> Resolution {
    match org.find_device(name) {
        NameMatch::One(device) => Resolution::Devices(org.workspace_of(&device)),
        NameMatch::Many(many) => {
            // One candidate per workspace, named (or, its name shared, addressed by the id) by
            // its first matching device.
            let mut groups: Vec<&Device> = Vec::new();
            for device in &many {
                if !groups.iter().any(|d| d.workspace_id == device.workspace_id) {
                    groups.push(device);
                }
            }
            match groups.as_slice() {
                [_] => Resolution::Devices(org.workspace_of(&many[0])),
                _ => ambiguous(name, groups.into_iter().map(named_device), Target::Room),
            }
        }
        NameMatch::None { closest } => Resolution::NotFound {
            kind: "device",
            query: name.to_owned(),
            closest,
        },
    }
}

fn resolve_location(snapshot: &Org, locations: &[Location], name: &str) -> Resolution {
    let items: Vec<(String, Location)> = locations
        .iter()
        .map(|l| (l.fields.name.clone().unwrap_or_default(), l.clone()))
        .collect();
    match match_name_or_id(&items, |l| l.id.as_str(), name) {
        NameMatch::One(location) => {
            let ids: Vec<&WorkspaceId> = snapshot
                .workspaces
                .iter()
                .filter(|w| {
                    w.location_id.as_ref() == Some(&location.id)
                        || w.workspace_location_id.as_ref() == Some(&location.id)
                })
                .map(|w| &w.id)
                .collect();
            Resolution::Devices(
                snapshot
                    .devices
                    .iter()
                    .filter(|d| d.workspace_id.as_ref().is_some_and(|id| ids.contains(&id)))
                    .cloned()
                    .collect(),
            )
        }
        NameMatch::Many(many) => ambiguous(
            name,
            many.iter().map(|l| {
                let name = l.fields.name.clone().unwrap_or_default();
                (name, l.id.as_str().to_owned())
            }),
            Target::Location,
        ),
        NameMatch::None { closest } => Resolution::NotFound {
            kind: "location",
            query: name.to_owned(),
            closest,
        },
    }
}

/// The names more than one workspace (`true`) or device (`false`) carries, lowercase.
fn shared_names(workspaces: &[Workspace], devices: &[Device]) -> HashSet<(bool, String)> {
    let mut seen = HashSet::new();
    let names = workspaces
        .iter()
        .map(|w| (true, &w.display_name))
        .chain(devices.iter().map(|d| (false, &d.display_name)));
    names
        .filter_map(|(kind, name)| Some((kind, name.as_deref()?.to_lowercase())))
        .filter(|key| !seen.insert(key.clone()))
        .collect()
}

fn ambiguous(
    query: &str,
    matches: impl Iterator<Item = (String, String)>,
    make: fn(String) -> Target,
) -> Resolution {
    Resolution::Ambiguous {
        query: query.to_owned(),
        candidates: candidates::candidates(matches, make),
    }
}

fn ambiguous_workspaces(query: &str, many: &[Workspace]) -> Resolution {
    let named = many.iter().map(|w| (ws_name(w), w.id.as_str().to_owned()));
    ambiguous(query, named, Target::Room)
}

fn ambiguous_devices(query: &str, many: &[Device]) -> Resolution {
    ambiguous(query, many.iter().map(named_device), Target::Device)
}

fn named_device(device: &Device) -> (String, String) {
    (dev_name(device), device.id.as_str().to_owned())
}

pub(crate) fn ws_name(workspace: &Workspace) -> String {
    workspace.display_name.clone().unwrap_or_default()
}

fn dev_name(device: &Device) -> String {
    device.display_name.clone().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<(String, String)> {
        list.iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect()
    }

    #[test]
    fn exact_beats_prefix_and_prefix_must_be_unique() {
        let items = names(&["4B", "4B North", "4C", "Big Conference"]);
        assert_eq!(match_name(&items, "4b"), NameMatch::One("4B".into()));
        assert_eq!(
            match_name(&items, "4"),
            NameMatch::Many(vec!["4B".into(), "4B North".into(), "4C".into()])
        );
        assert_eq!(
            match_name(&items, "big"),
            NameMatch::One("Big Conference".into())
        );
        assert_eq!(
            match_name(&items, "north"),
            NameMatch::One("4B North".into())
        );
    }

    #[test]
    fn no_match_offers_the_closest_names() {
        let items = names(&["Sagrada", "Sequoia", "Redwood"]);
        match match_name(&items, "Sagrda") {
            NameMatch::None { closest } => {
                assert_eq!(closest.first().map(String::as_str), Some("Sagrada"))
            }
            other => panic!("expected no match, got {other:?}"),
        }
    }

    fn device(permissions: &str, status: &str) -> Device {
        serde_json::from_value(serde_json::json!({
            "id": "D", "permissions": [permissions], "connectionStatus": status
        }))
        .expect("device json")
    }

    #[test]
    fn selection_explains_every_skipped_device() {
        let devices = vec![
            device("xapi:all", "connected"),
            device("xapi:readonly", "connected"),
            device("none", "connected"),
            device("xapi", "disconnected"),
        ];
        let (usable, skipped) = select(devices.clone(), Need::COMMAND);
        assert_eq!(usable.len(), 1);
        let reasons: Vec<SkipReason> = skipped.iter().map(|(_, r)| *r).collect();
        assert_eq!(
            reasons,
            [
                SkipReason::ReadOnly,
                SkipReason::NoAccess,
                SkipReason::Offline
            ]
        );
        let (usable, _) = select(devices.clone(), Need::STATUS);
        assert_eq!(usable.len(), 2);
        let (usable, _) = select(devices, Need::CONFIGURE);
        assert_eq!(
            usable.len(),
            2,
            "configuration changes reach offline devices"
        );
    }
}
