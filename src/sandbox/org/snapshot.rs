//! Read accessors for the sandbox chat page's side panel: workspaces with their devices and a
//! few live status values, and a device's whole status tree. Copies out of the lock; never
//! hands out references into it.

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use super::OrgState;
use super::keypath;
use super::model::Device;

/// A workspace and its devices, as the side panel shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSnapshot {
    pub id: String,
    pub display_name: String,
    /// The location's name, when the workspace has one.
    pub location: Option<String>,
    pub devices: Vec<DeviceSnapshot>,
}

/// A device with the live values the side panel shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSnapshot {
    pub id: String,
    pub display_name: String,
    pub product: String,
    /// As `GET /devices` reports it now (`disconnected` while restarting).
    pub connection_status: String,
    pub permissions: Vec<String>,
    pub tags: Vec<String>,
    /// `Audio.Microphones.Mute` (`On`/`Off`).
    pub microphones_mute: Option<String>,
    /// `Audio.Volume` (0–100).
    pub volume: Option<i64>,
    /// `Standby.State` (`Off`, `Halfwake`, `Standby`, …).
    pub standby: Option<String>,
    /// `Video.Selfview.Mode`.
    pub selfview: Option<String>,
    /// `RoomAnalytics.PeopleCount.Current` (-1 in standby).
    pub people_count: Option<i64>,
    /// The calls in `Call[n]`.
    pub calls: Vec<CallSnapshot>,
    /// The alert or text line on screen, if any.
    pub on_screen: Option<String>,
}

/// One entry of the device's `Call` list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallSnapshot {
    pub id: i64,
    pub status: String,
    pub remote_number: Option<String>,
}

impl OrgState {
    /// Every workspace with its devices and their live values, in organisation order.
    pub fn workspace_snapshots(&self) -> Vec<WorkspaceSnapshot> {
        let org = self.read();
        let now = Instant::now();
        let mut by_workspace: HashMap<&str, Vec<DeviceSnapshot>> = HashMap::new();
        for device in &org.devices {
            if let Some(workspace) = device.workspace_id.as_deref() {
                by_workspace
                    .entry(workspace)
                    .or_default()
                    .push(device_snapshot(device, now));
            }
        }
        org.workspaces
            .iter()
            .map(|w| WorkspaceSnapshot {
                id: w.id.clone(),
                display_name: w.display_name.clone(),
                location: org.workspace_location(Some(&w.id)).map(|l| l.name.clone()),
                devices: by_workspace.remove(w.id.as_str()).unwrap_or_default(),
            })
            .collect()
    }

    /// One device's live values, if it exists.
    pub fn device_snapshot(&self, device_id: &str) -> Option<DeviceSnapshot> {
        let org = self.read();
        org.devices
            .iter()
            .find(|d| d.id == device_id)
            .map(|d| device_snapshot(d, Instant::now()))
    }

    /// A device's whole xAPI status tree (canonical case), if the device exists.
    pub fn device_status(&self, device_id: &str) -> Option<Value> {
        let org = self.read();
        org.devices
            .iter()
            .find(|d| d.id == device_id)
            .map(|d| d.status.clone())
    }

    /// The effective value of configuration `key` on a device, if both exist.
    pub fn device_configuration(&self, device_id: &str, key: &str) -> Option<Value> {
        let org = self.read();
        org.devices
            .iter()
            .find(|d| d.id == device_id)?
            .config
            .effective(key)
    }

    /// How many devices the organisation has.
    pub fn device_count(&self) -> usize {
        self.read().devices.len()
    }
}

fn device_snapshot(device: &Device, now: Instant) -> DeviceSnapshot {
    let text = |key: &str| {
        keypath::get(&device.status, key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let number = |key: &str| keypath::get(&device.status, key).and_then(Value::as_i64);
    let calls = device
        .status
        .get("Call")
        .and_then(Value::as_array)
        .map(|calls| {
            calls
                .iter()
                .map(|c| CallSnapshot {
                    id: c["id"].as_i64().unwrap_or_default(),
                    status: c["Status"].as_str().unwrap_or("Unknown").to_owned(),
                    remote_number: c["RemoteNumber"].as_str().map(str::to_owned),
                })
                .collect()
        })
        .unwrap_or_default();
    DeviceSnapshot {
        id: device.id.clone(),
        display_name: device.display_name.clone(),
        product: device.product.clone(),
        connection_status: device.effective_connection(now).to_owned(),
        permissions: device.permissions.clone(),
        tags: device.tags.clone(),
        microphones_mute: text("Audio.Microphones.Mute"),
        volume: number("Audio.Volume"),
        standby: text("Standby.State"),
        selfview: text("Video.Selfview.Mode"),
        people_count: number("RoomAnalytics.PeopleCount.Current"),
        calls,
        on_screen: device.on_screen.clone(),
    }
}
