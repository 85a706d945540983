//! Plans for lists: `devices` with its filters, `workspaces [in <location>]` and `locations`.
//! They read the listing only: no calls.

use crate::command::{Command, Connectivity, DeviceFilters, Target};
use crate::resolve::{Resolution, resolve_in};
use crate::webex::{ConnectionStatus, Device};

use super::find::{device_ref, devices_of, one_location, workspace_ref};
use super::{Action, Choice, Plan, Refusal, Snapshot, Targeted};

/// `devices [offline|online] [issues] [tag t] [product p] [in place] [page n]`.
pub(super) fn devices(
    command: &Command,
    filters: &DeviceFilters,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let candidates = match &filters.place {
        None => snapshot.org.devices.clone(),
        Some(place) => devices_in(filters, place, snapshot)?,
    };
    let next = Command::Devices {
        filters: DeviceFilters {
            page: Some(filters.page.unwrap_or(1) + 1),
            ..filters.clone()
        },
    };
    let action = Action::Devices {
        page: filters.page.unwrap_or(1).max(1),
        next: next.canonical(),
    };
    let mut plan = Plan::new(command, action, filters.place.clone().unwrap_or_default());
    plan.devices = candidates
        .iter()
        .filter(|d| keep(d, filters))
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
    devices_of(&command, &target, snapshot).map_err(|refusal| match refusal {
        // A picker's options name the place in the filters (`devices` has no target slot).
        Refusal::Choose { prompt, options } => Refusal::Choose {
            prompt,
            options: options
                .into_iter()
                .map(|option| Choice {
                    command: Command::Devices {
                        filters: DeviceFilters {
                            place: Some(option.label.clone()),
                            ..filters.clone()
                        },
                    }
                    .canonical(),
                    label: option.label,
                })
                .collect(),
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
    let issues = !filters.issues
        || device.error_codes.as_ref().is_some_and(|c| !c.is_empty())
        || device.connection_status == Some(ConnectionStatus::ConnectedWithIssues);
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

/// `workspaces [in <location>]`.
pub(super) fn workspaces(
    command: &Command,
    location: &Option<String>,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let within = match location {
        Some(place) => Some(one_location(place, &snapshot.locations)?),
        None => None,
    };
    let workspaces = snapshot
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
        .map(workspace_ref)
        .collect();
    let action = Action::Workspaces {
        workspaces,
        location: location.clone(),
    };
    Ok(Plan::new(
        command,
        action,
        location.clone().unwrap_or_default(),
    ))
}

/// `locations`.
pub(super) fn locations(command: &Command, snapshot: &Snapshot) -> Plan {
    let names = snapshot
        .locations
        .iter()
        .filter_map(|l| l.fields.name.clone())
        .collect();
    Plan::new(command, Action::Locations { names }, String::new())
}
