//! Loads the demo organisation from `demo-org.json` (embedded at build time): locations with
//! floors, workspaces, devices, and per-product profiles (status tree template and
//! configuration schema). Ids are derived from names, so they are stable across restarts.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::configurations::{ConfigDef, ConfigSchema, DeviceConfig};
use super::grants::{Grant, Grants};
use super::keypath;
use super::model::{Address, Device, Floor, Location, Org, Workspace};
use super::workspaces::sip_address;
use crate::sandbox::{demo_people, ids};

/// The demo organisation's data file.
const DEMO_ORG: &str = include_str!("demo-org.json");
/// When demo things were created and last seen.
const CREATED: &str = "2024-03-11T09:30:00.000Z";
const LAST_SEEN: &str = "2026-11-01T08:15:00.000Z";
/// The software most demo devices run.
const SOFTWARE: &str = "RoomOS 11.14.1.5 8d2c5e1a1c3";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoData {
    profiles: HashMap<String, Profile>,
    /// Email → workspace name (or `*`) → `full` | `readonly` | `none`.
    #[serde(default)]
    grants: HashMap<String, HashMap<String, String>>,
    locations: Vec<DemoLocation>,
    workspaces: Vec<DemoWorkspace>,
    devices: Vec<DemoDevice>,
}

/// A product family's status template and configuration schema.
#[derive(Debug, Deserialize)]
pub(crate) struct Profile {
    pub status: Value,
    pub configurations: Vec<ConfigDef>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoLocation {
    name: String,
    address: Address,
    time_zone: String,
    preferred_language: String,
    latitude: f64,
    longitude: f64,
    notes: Option<String>,
    floors: Vec<DemoFloor>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoFloor {
    floor_number: i64,
    display_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoWorkspace {
    display_name: String,
    location: String,
    floor: i64,
    #[serde(rename = "type")]
    kind: Option<String>,
    capacity: Option<i64>,
    notes: Option<String>,
    calendar: Option<Value>,
    hotdesking_status: Option<String>,
    supported_devices: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoDevice {
    display_name: String,
    workspace: Option<String>,
    person: Option<String>,
    product: String,
    profile: String,
    permissions: Vec<String>,
    connection_status: String,
    serial: String,
    mac: String,
    ip: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    capabilities: Option<Vec<String>>,
    software: Option<String>,
    upgrade_channel: Option<String>,
    last_seen: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    error_codes: Vec<String>,
    #[serde(default)]
    status: Map<String, Value>,
    #[serde(default)]
    configured: Map<String, Value>,
}

/// A uuid derived from `kind` and `name` (FNV-1a), so demo ids never change.
pub(crate) fn stable_uuid(kind: &str, name: &str) -> String {
    let hash = |seed: u64| {
        format!("{kind}/{name}").bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let (high, low) = (hash(0xcbf2_9ce4_8422_2325), hash(0x84222325_cbf29ce4));
    let bytes = ((u128::from(high) << 64) | u128::from(low)).to_be_bytes();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The product profiles of the data file (`room`, `navigator`, `phone`).
pub(crate) fn profiles() -> HashMap<String, Profile> {
    let data: DemoData = serde_json::from_str(DEMO_ORG).expect("demo-org.json is valid");
    data.profiles
}

/// The demo organisation. Panics only if the embedded data file is broken, which the tests
/// of this module catch at build time.
pub(crate) fn load() -> Org {
    let data: DemoData = serde_json::from_str(DEMO_ORG).expect("demo-org.json is valid");
    let schemas: HashMap<&str, Arc<ConfigSchema>> = data
        .profiles
        .iter()
        .map(|(name, p)| {
            (
                name.as_str(),
                Arc::new(ConfigSchema::new(p.configurations.clone())),
            )
        })
        .collect();
    let locations: Vec<Location> = data.locations.iter().map(location).collect();
    let workspaces: Vec<Workspace> = data
        .workspaces
        .iter()
        .map(|w| workspace(w, &locations, &data.locations))
        .collect();
    let devices = data
        .devices
        .iter()
        .map(|d| {
            let profile = &data.profiles[d.profile.as_str()];
            device(
                d,
                profile,
                Arc::clone(&schemas[d.profile.as_str()]),
                &workspaces,
            )
        })
        .collect();
    let grants = grants(&data.grants, &workspaces);
    Org {
        org_id: ids::demo_org_id(),
        locations,
        workspaces,
        devices,
        grants,
    }
}

/// The data file's grants, by person id and workspace id (`*` expanded to the file's other
/// workspaces, so workspaces created later start with no grant, as in Webex).
fn grants(data: &HashMap<String, HashMap<String, String>>, workspaces: &[Workspace]) -> Grants {
    let people = demo_people::demo_people();
    let mut grants = Grants::default();
    for (email, by_name) in data {
        let person = people
            .iter()
            .find(|p| p.email.eq_ignore_ascii_case(email))
            .unwrap_or_else(|| panic!("grants name unknown person {email}"));
        let parse = |text: &String| {
            Grant::parse(text).unwrap_or_else(|| panic!("{email}: unknown grant {text}"))
        };
        let default = by_name.get("*").map(parse).unwrap_or(None);
        for workspace in workspaces {
            let grant = by_name.get(&workspace.display_name).map_or(default, parse);
            grants.set(&person.id, &workspace.id, grant);
        }
        let unknown = by_name
            .keys()
            .find(|name| *name != "*" && !workspaces.iter().any(|w| &&w.display_name == name));
        assert!(
            unknown.is_none(),
            "{email}: grant for unknown workspace {unknown:?}"
        );
    }
    grants
}

fn location(demo: &DemoLocation) -> Location {
    let floors = demo
        .floors
        .iter()
        .map(|f| Floor {
            id: ids::encode(
                "WORKSPACE_LOCATION_FLOOR",
                &stable_uuid("FLOOR", &format!("{}/{}", demo.name, f.floor_number)),
            ),
            floor_number: f.floor_number,
            display_name: f.display_name.clone(),
        })
        .collect();
    let address = &demo.address;
    Location {
        id: ids::encode("LOCATION", &stable_uuid("LOCATION", &demo.name)),
        legacy_id: ids::encode(
            "WORKSPACE_LOCATION",
            &stable_uuid("WORKSPACE_LOCATION", &demo.name),
        ),
        name: demo.name.clone(),
        address_line: format!(
            "{}, {}, {}",
            address.address1, address.city, address.country
        ),
        city_name: Some(address.city.clone()),
        address: address.clone(),
        time_zone: Some(demo.time_zone.clone()),
        preferred_language: Some(demo.preferred_language.clone()),
        latitude: Some(demo.latitude),
        longitude: Some(demo.longitude),
        notes: demo.notes.clone(),
        floors,
    }
}

fn workspace(demo: &DemoWorkspace, locations: &[Location], names: &[DemoLocation]) -> Workspace {
    let index = names
        .iter()
        .position(|l| l.name == demo.location)
        .unwrap_or_else(|| panic!("workspace {} names unknown location", demo.display_name));
    let location = &locations[index];
    let floor = location
        .floors
        .iter()
        .find(|f| f.floor_number == demo.floor)
        .unwrap_or_else(|| panic!("workspace {} names unknown floor", demo.display_name));
    Workspace {
        id: ids::encode("WORKSPACE", &stable_uuid("WORKSPACE", &demo.display_name)),
        display_name: demo.display_name.clone(),
        location_id: Some(location.id.clone()),
        floor_id: Some(floor.id.clone()),
        capacity: demo.capacity,
        kind: demo.kind.clone(),
        notes: demo.notes.clone(),
        calling: json!({"type": "freeCalling"}),
        calendar: demo.calendar.clone().unwrap_or(json!({"type": "none"})),
        supported_devices: demo
            .supported_devices
            .clone()
            .unwrap_or("collaborationDevices".into()),
        hotdesking_status: demo.hotdesking_status.clone(),
        sip_address: sip_address(&demo.display_name),
        created: CREATED.into(),
    }
}

fn device(
    demo: &DemoDevice,
    profile: &Profile,
    schema: Arc<ConfigSchema>,
    workspaces: &[Workspace],
) -> Device {
    let workspace = demo.workspace.as_ref().map(|name| {
        workspaces
            .iter()
            .find(|w| &w.display_name == name)
            .unwrap_or_else(|| panic!("device {} names unknown workspace", demo.display_name))
    });
    let software = demo.software.clone().unwrap_or(SOFTWARE.into());
    let mut status = profile.status.clone();
    fill_identity(
        &mut status,
        &demo.product,
        &demo.serial,
        &software,
        &demo.ip,
        &demo.mac,
    );
    if let Some(w) = workspace {
        set_if_present(
            &mut status,
            "UserInterface.ContactInfo.Name",
            json!(w.display_name),
        );
        if let Some(capacity) = w.capacity {
            set_if_present(
                &mut status,
                "RoomAnalytics.PeopleCount.Capacity",
                json!(capacity),
            );
        }
    }
    for (key, value) in &demo.status {
        keypath::set(&mut status, key, value.clone());
    }
    let mut config = DeviceConfig::new(schema);
    for (key, value) in &demo.configured {
        assert!(
            config.preset(key, value.clone()),
            "device {} configures unknown key {key}",
            demo.display_name
        );
    }
    Device {
        id: ids::encode("DEVICE", &stable_uuid("DEVICE", &demo.display_name)),
        display_name: demo.display_name.clone(),
        workspace_id: workspace.map(|w| w.id.clone()),
        person_id: demo
            .person
            .as_ref()
            .map(|p| ids::encode("PEOPLE", &stable_uuid("PEOPLE", p))),
        product: demo.product.clone(),
        kind: demo.kind.clone().unwrap_or("roomdesk".into()),
        tags: demo.tags.clone(),
        permissions: demo.permissions.clone(),
        capabilities: demo.capabilities.clone().unwrap_or(vec!["xapi".into()]),
        connection_status: demo.connection_status.clone(),
        ip: demo.ip.clone(),
        mac: demo.mac.clone(),
        serial: demo.serial.clone(),
        software,
        upgrade_channel: demo.upgrade_channel.clone().unwrap_or("stable".into()),
        primary_sip_url: sip_address(&demo.display_name),
        created: CREATED.into(),
        first_seen: CREATED.into(),
        last_seen: demo.last_seen.clone().unwrap_or(LAST_SEEN.into()),
        error_codes: demo.error_codes.clone(),
        device_platform: "cisco".into(),
        planned_maintenance: "off".into(),
        status,
        config,
        rebooting_until: None,
        on_screen: None,
    }
}

/// Writes the device's identity into the status tree where the template has the node.
pub(crate) fn fill_identity(
    status: &mut Value,
    product: &str,
    serial: &str,
    software: &str,
    ip: &str,
    mac: &str,
) {
    let version = software.trim_start_matches("RoomOS ").replace(' ', ".");
    set_if_present(status, "SystemUnit.ProductId", json!(product));
    set_if_present(
        status,
        "SystemUnit.ProductPlatform",
        json!(product.trim_start_matches("Cisco ")),
    );
    set_if_present(
        status,
        "SystemUnit.Hardware.Module.SerialNumber",
        json!(serial),
    );
    set_if_present(status, "SystemUnit.Software.DisplayName", json!(software));
    set_if_present(
        status,
        "SystemUnit.Software.Version",
        json!(format!("ce{version}")),
    );
    set_if_present(status, "Network[1].IPv4.Address", json!(ip));
    set_if_present(status, "Network[1].Ethernet.MacAddress", json!(mac));
}

fn set_if_present(status: &mut Value, key: &str, value: Value) {
    if keypath::get(status, key).is_some() {
        keypath::set(status, key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_loads_with_what_the_issue_asks_for() {
        let org = load();
        assert!(org.locations.len() >= 3 && org.locations.iter().all(|l| !l.floors.is_empty()));
        assert!(org.workspaces.len() >= 12);
        assert!(org.devices.len() >= 15);
        let names: Vec<&str> = org
            .workspaces
            .iter()
            .map(|w| w.display_name.as_str())
            .collect();
        for needed in ["4B", "4B North", "Big Conference"] {
            assert!(names.contains(&needed), "{needed}");
        }
        let products: std::collections::HashSet<&str> =
            org.devices.iter().map(|d| d.product.as_str()).collect();
        assert!(products.len() >= 8, "{products:?}");
    }

    #[test]
    fn the_bot_is_granted_most_workspaces_read_only_big_conference_and_not_the_lobby() {
        let org = load();
        let bot = &demo_people::demo_people()[0];
        let grant = |name: &str| {
            let id = &org
                .workspaces
                .iter()
                .find(|w| w.display_name == name)
                .unwrap()
                .id;
            org.grants.get(&bot.id, id)
        };
        assert_eq!(grant("4B"), Some(Grant::Full));
        assert_eq!(grant("Big Conference"), Some(Grant::ReadOnly));
        assert_eq!(grant("Lobby SJ"), None);
        let full = org
            .workspaces
            .iter()
            .filter(|w| org.grants.get(&bot.id, &w.id) == Some(Grant::Full))
            .count();
        assert!(full * 2 > org.workspaces.len(), "{full}");
    }

    #[test]
    fn stable_ids_are_stable_and_distinct() {
        assert_eq!(stable_uuid("DEVICE", "a"), stable_uuid("DEVICE", "a"));
        assert_ne!(stable_uuid("DEVICE", "a"), stable_uuid("DEVICE", "b"));
        assert_ne!(stable_uuid("DEVICE", "a"), stable_uuid("WORKSPACE", "a"));
    }
}
