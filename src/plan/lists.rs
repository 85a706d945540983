//! Plans for lists: `devices` with its filters, `workspaces [in <location>]` and `locations`,
//! each one page at a time with the total and the command behind More. They read the listing
//! only: no calls. Device lists are grouped by location.

use std::collections::HashMap;

use crate::command::{Command, Connectivity, DeviceFilters, Target};
use crate::resolve::{Resolution, resolve_in};
use crate::webex::{ConnectionStatus, Device, Workspace, WorkspaceId};

use super::find::{device_ref, devices_of, location_names, one_location, workspace_ref};
use super::paging::{DEVICE_PAGE, LOCATION_PAGE, WORKSPACE_PAGE};
use super::{Action, Choice, LocationRow, Paging, Plan, Refusal, Snapshot, Targeted, WorkspaceRow};

/// `devices [offline|online] [issues] [tag t] [product p] [in place] [page n]`: the page's
/// devices, grouped by location (those without one last).
pub(super) fn devices(
    command: &Command,
    filters: &DeviceFilters,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let candidates = match &filters.place {
        None => snapshot.org.devices.clone(),
        Some(place) => devices_in(filters, place, snapshot)?,
    };
    let places = location_names(snapshot);
    let place_of = |d: &Device| d.workspace_id.as_ref().and_then(|w| places.get(w).copied());
    let mut matching: Vec<&Device> = candidates.iter().filter(|d| keep(d, filters)).collect();
    // Stable: within a location, the listing's order.
    matching.sort_by_key(|d| (place_of(d).is_none(), place_of(d)));
    let paging = Paging::of(filters.page, DEVICE_PAGE, matching.len(), |page| {
        Command::Devices {
            filters: DeviceFilters {
                page: Some(page),
                ..filters.clone()
            },
        }
        .canonical()
    });
    let range = paging.range();
    let label = filters.place.clone().unwrap_or_default();
    let mut plan = Plan::new(command, Action::Devices { paging }, label);
    plan.devices = matching[range]
        .iter()
        .map(|d| Targeted {
            device: device_ref(d, &snapshot.org),
            skip: None,
        })
        .collect();
    Ok(plan)
}

/// The devices of `place`: a workspace or device name first, else a location.
fn devices_in(
    filters: &DeviceFilters,
    place: &str,
    snapshot: &Snapshot,
) -> Result<Vec<Device>, Refusal> {
    let bare = Target::Bare(place.to_owned());
    let target = match resolve_in(&snapshot.org, &snapshot.locations, &bare) {
        Resolution::NotFound { .. } => Target::Location(place.to_owned()),
        _ => bare,
    };
    let command = Command::Devices {
        filters: filters.clone(),
    };
    // `devices` has no target slot: a picker's options and a did-you-mean's buttons name the
    // place in the filters.
    let in_place = |option: Choice| Choice {
        command: Command::Devices {
            filters: DeviceFilters {
                place: Some(option.label.clone()),
                ..filters.clone()
            },
        }
        .canonical(),
        ..option
    };
    devices_of(&command, &target, snapshot).map_err(|refusal| match refusal {
        Refusal::Choose {
            prompt,
            options,
            paging,
        } => Refusal::Choose {
            prompt,
            options: options.into_iter().map(in_place).collect(),
            paging,
        },
        Refusal::NotFound {
            kind,
            query,
            closest,
            suggestions,
        } => Refusal::NotFound {
            kind,
            query,
            closest,
            suggestions: suggestions.into_iter().map(in_place).collect(),
        },
        other => other,
    })
}

/// Whether `device` passes the list filters (the place filter is applied before).
fn keep(device: &Device, filters: &DeviceFilters) -> bool {
    let online = device.is_online();
    let connectivity = match filters.connectivity {
        Some(Connectivity::Online) => online,
        Some(Connectivity::Offline) => !online,
        None => true,
    };
    let issues = !filters.issues || has_issues(device);
    let tag = filters.tag.as_ref().is_none_or(|t| {
        device
            .tags
            .iter()
            .flatten()
            .any(|d| d.eq_ignore_ascii_case(t))
    });
    let product = filters.product.as_ref().is_none_or(|p| {
        device
            .product
            .as_ref()
            .is_some_and(|d| d.to_lowercase().contains(&p.to_lowercase()))
    });
    connectivity && issues && tag && product
}

/// Whether `device` reports error codes or is connected with issues.
pub(super) fn has_issues(device: &Device) -> bool {
    device.error_codes.as_ref().is_some_and(|c| !c.is_empty())
        || device.connection_status == Some(ConnectionStatus::ConnectedWithIssues)
}

/// `workspaces [in <location>] [page <n>]`: each with its location, device count and health.
pub(super) fn workspaces(
    command: &Command,
    location: &Option<String>,
    page: Option<u32>,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let within = match location {
        Some(place) => Some(one_location(place, &snapshot.locations)?),
        None => None,
    };
    let listed: Vec<&Workspace> = snapshot
        .org
        .workspaces
        .iter()
        .filter(|w| w.display_name.is_some())
        .filter(|w| {
            within.is_none_or(|l| {
                w.location_id.as_ref() == Some(&l.id)
                    || w.workspace_location_id.as_ref() == Some(&l.id)
            })
        })
        .collect();
    let paging = Paging::of(page, WORKSPACE_PAGE, listed.len(), |page| {
        Command::Workspaces {
            location: location.clone(),
            page: Some(page),
        }
        .canonical()
    });
    let rows = workspace_rows(&listed[paging.range()], snapshot);
    let action = Action::Workspaces {
        rows,
        location: location.clone(),
        paging,
    };
    Ok(Plan::new(
        command,
        action,
        location.clone().unwrap_or_default(),
    ))
}

/// The rows of `workspaces`: each with its location and its devices' health.
fn workspace_rows(workspaces: &[&Workspace], snapshot: &Snapshot) -> Vec<WorkspaceRow> {
    let places = location_names(snapshot);
    let health = device_health(snapshot);
    workspaces
        .iter()
        .map(|w| {
            let (devices, offline, issues) = health.get(&w.id).copied().unwrap_or_default();
            let name = w.display_name.as_deref().unwrap_or_default();
            WorkspaceRow {
                address: snapshot.org.workspace_address(&w.id, name),
                workspace: workspace_ref(w),
                location: places.get(&w.id).copied().unwrap_or_default().to_owned(),
                devices,
                offline,
                issues,
            }
        })
        .collect()
}

/// Per workspace: its devices, how many are offline and how many have issues.
fn device_health(snapshot: &Snapshot) -> HashMap<&WorkspaceId, (usize, usize, usize)> {
    let mut health: HashMap<&WorkspaceId, (usize, usize, usize)> = HashMap::new();
    for device in &snapshot.org.devices {
        let Some(workspace) = &device.workspace_id else {
            continue;
        };
        let entry = health.entry(workspace).or_default();
        entry.0 += 1;
        entry.1 += usize::from(!device.is_online());
        entry.2 += usize::from(device.is_online() && has_issues(device));
    }
    health
}

/// `locations [page <n>]`: each with how many workspaces it has.
pub(super) fn locations(command: &Command, page: Option<u32>, snapshot: &Snapshot) -> Plan {
    let named: Vec<_> = snapshot
        .locations
        .iter()
        .filter_map(|l| Some((l, l.fields.name.clone()?)))
        .collect();
    let paging = Paging::of(page, LOCATION_PAGE, named.len(), |page| {
        Command::Locations { page: Some(page) }.canonical()
    });
    let rows = named[paging.range()]
        .iter()
        .map(|(location, name)| LocationRow {
            name: name.clone(),
            workspaces: snapshot
                .org
                .workspaces
                .iter()
                .filter(|w| {
                    w.location_id.as_ref() == Some(&location.id)
                        || w.workspace_location_id.as_ref() == Some(&location.id)
                })
                .count(),
        })
        .collect();
    Plan::new(command, Action::Locations { rows, paging }, String::new())
}
