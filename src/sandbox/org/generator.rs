//! Generates an organisation of N devices (deterministic for a seed) for scale tests and
//! benchmarks: locations with floors, two devices per workspace on average, the demo's
//! product profiles, and a realistic mix of permissions, connection states, tags and errors.

use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::configurations::{ConfigSchema, DeviceConfig};
use super::demo::{fill_identity, profiles};
use super::grants::{Grant, Grants};
use super::model::{Address, Device, Floor, Location, Org, Workspace};
use super::workspaces::sip_address;
use crate::sandbox::ids;

const CITIES: [(&str, &str); 6] = [
    ("Barcelona", "ES"),
    ("Oslo", "NO"),
    ("San Jose", "US"),
    ("London", "GB"),
    ("Sydney", "AU"),
    ("Tokyo", "JP"),
];
const PRODUCTS: [&str; 8] = [
    "Cisco Room Kit Pro",
    "Cisco Room Bar",
    "Cisco Room Bar Pro",
    "Cisco Board Pro 55",
    "Cisco Board Pro 75",
    "Cisco Desk Pro",
    "Cisco Desk Mini",
    "Cisco Room Kit EQ",
];
const TAGS: [&str; 5] = ["earlyAdopters", "lab", "vip", "training", "floorManaged"];
const ERRORS: [&str; 4] = [
    "sipprofileregistration",
    "softwareoutofdate",
    "temperaturecheck",
    "missingdisplay",
];
const SOFTWARE: &str = "RoomOS 11.14.1.5 8d2c5e1a1c3";
const TYPES: [&str; 5] = ["meetingRoom", "huddle", "focus", "open", "desk"];

/// Builds an organisation with `device_count` devices.
pub(crate) fn generate(device_count: usize, seed: u64) -> Org {
    let mut rng = StdRng::seed_from_u64(seed);
    let profiles = profiles();
    let room = &profiles["room"];
    let schema = Arc::new(ConfigSchema::new(room.configurations.clone()));
    // Identity fields shared by every generated device are written once, into the template.
    let mut template = room.status.clone();
    fill_identity(&mut template, "", "", SOFTWARE, "", "");
    let workspace_count = device_count.div_ceil(2).max(1);
    let location_count = (workspace_count / 200).clamp(3, 60);
    let locations: Vec<Location> = (0..location_count).map(|i| location(i, seed)).collect();
    let workspaces: Vec<Workspace> = (0..workspace_count)
        .map(|i| workspace(i, seed, &locations[i % location_count], &mut rng))
        .collect();
    let devices: Vec<Device> = (0..device_count)
        .map(|i| {
            let workspace = &workspaces[i / 2];
            let mut device = device(i, seed, workspace, Arc::clone(&schema), &mut rng);
            let volume = rng.random_range(20..=90);
            let mut status = template.clone();
            personalise(&mut status, &device, volume);
            device.status = status;
            device
        })
        .collect();
    let grants = bot_grants(&workspaces, &devices);
    Org {
        org_id: ids::demo_org_id(),
        locations,
        workspaces,
        devices,
        grants,
    }
}

/// The bot's grant per workspace: the strongest permission among the workspace's devices (so
/// enforced access shows what the permissive mode shows, one grant per workspace).
fn bot_grants(workspaces: &[Workspace], devices: &[Device]) -> Grants {
    let bot = &crate::sandbox::demo_people::demo_people()[0];
    let mut strongest: std::collections::HashMap<&str, Grant> = std::collections::HashMap::new();
    for device in devices {
        let (Some(workspace), Some(grant)) = (
            device.workspace_id.as_deref(),
            Grant::from_permissions(&device.permissions),
        ) else {
            continue;
        };
        let held = strongest.entry(workspace).or_insert(grant);
        if grant == Grant::Full {
            *held = Grant::Full;
        }
    }
    let mut grants = Grants::default();
    for workspace in workspaces {
        grants.set(
            &bot.id,
            &workspace.id,
            strongest.get(workspace.id.as_str()).copied(),
        );
    }
    grants
}

/// Writes the per-device values with JSON pointers (cheap enough for 10,000 devices).
fn personalise(status: &mut Value, device: &Device, volume: i64) {
    let mut put = |pointer: &str, value: Value| {
        if let Some(slot) = status.pointer_mut(pointer) {
            *slot = value;
        }
    };
    put("/SystemUnit/ProductId", json!(device.product));
    put(
        "/SystemUnit/ProductPlatform",
        json!(device.product.trim_start_matches("Cisco ")),
    );
    put(
        "/SystemUnit/Hardware/Module/SerialNumber",
        json!(device.serial),
    );
    put("/Network/0/IPv4/Address", json!(device.ip));
    put("/Network/0/Ethernet/MacAddress", json!(device.mac));
    put("/Audio/Volume", json!(volume));
}

fn uuid(seed: u64, kind: u64, index: usize) -> String {
    let value = (u128::from(seed) << 64) | (u128::from(kind) << 48) | index as u128;
    uuid::Builder::from_random_bytes(value.to_be_bytes())
        .into_uuid()
        .to_string()
}

fn location(index: usize, seed: u64) -> Location {
    let (city, country) = CITIES[index % CITIES.len()];
    let name = format!("{city} {}", index / CITIES.len() + 1);
    let floors = (1..=3)
        .map(|n| Floor {
            id: ids::encode(
                "WORKSPACE_LOCATION_FLOOR",
                &uuid(seed, 1, index * 10 + n as usize),
            ),
            floor_number: n,
            display_name: None,
        })
        .collect();
    let address = Address {
        address1: format!("Street {}", index + 1),
        city: city.into(),
        country: country.into(),
        ..Address::default()
    };
    Location {
        id: ids::encode("LOCATION", &uuid(seed, 2, index)),
        legacy_id: ids::encode("WORKSPACE_LOCATION", &uuid(seed, 3, index)),
        address_line: format!("Street {}, {city}, {country}", index + 1),
        city_name: Some(city.into()),
        name,
        address,
        time_zone: Some("UTC".into()),
        preferred_language: Some("en_US".into()),
        latitude: Some(0.0),
        longitude: Some(0.0),
        notes: None,
        floors,
    }
}

fn workspace(index: usize, seed: u64, location: &Location, rng: &mut StdRng) -> Workspace {
    let floor = &location.floors[index % location.floors.len()];
    let display_name = format!("{} {}-{:04}", location.name, floor.floor_number, index);
    Workspace {
        id: ids::encode("WORKSPACE", &uuid(seed, 4, index)),
        sip_address: sip_address(&display_name),
        display_name,
        location_id: Some(location.id.clone()),
        floor_id: Some(floor.id.clone()),
        capacity: Some(rng.random_range(1..=20)),
        kind: Some(TYPES[index % TYPES.len()].into()),
        notes: None,
        calling: json!({"type": "freeCalling"}),
        calendar: json!({"type": "none"}),
        supported_devices: "collaborationDevices".into(),
        hotdesking_status: None,
        created: "2024-03-11T09:30:00.000Z".into(),
    }
}

fn device(
    index: usize,
    seed: u64,
    workspace: &Workspace,
    schema: Arc<ConfigSchema>,
    rng: &mut StdRng,
) -> Device {
    let product = PRODUCTS[index % PRODUCTS.len()];
    let permissions = match rng.random_range(0..20) {
        0 => vec![],
        1 | 2 => vec!["xapi:readonly".to_owned()],
        _ => vec!["xapi:all".to_owned()],
    };
    let connection = match rng.random_range(0..20) {
        0 => "disconnected",
        1 => "connected_with_issues",
        _ => "connected",
    };
    let tags =
        (0..rng.random_range(0..3)).map(|_| TAGS[rng.random_range(0..TAGS.len())].to_owned());
    let mut tags: Vec<String> = tags.collect();
    tags.dedup();
    let error_codes = if rng.random_range(0..10) == 0 {
        vec![ERRORS[index % ERRORS.len()].to_owned()]
    } else {
        vec![]
    };
    let display_name = format!(
        "{} {}",
        workspace.display_name,
        product.trim_start_matches("Cisco ")
    );
    Device {
        id: ids::encode("DEVICE", &uuid(seed, 5, index)),
        primary_sip_url: sip_address(&display_name),
        display_name,
        workspace_id: Some(workspace.id.clone()),
        person_id: None,
        product: product.into(),
        kind: "roomdesk".into(),
        tags,
        permissions,
        capabilities: vec!["xapi".into()],
        connection_status: connection.into(),
        ip: format!(
            "10.{}.{}.{}",
            index >> 16 & 255,
            index >> 8 & 255,
            index & 255
        ),
        mac: format!(
            "AC:7A:56:{:02X}:{:02X}:{:02X}",
            index >> 16 & 255,
            index >> 8 & 255,
            index & 255
        ),
        serial: format!("FOC{index:08}"),
        software: SOFTWARE.into(),
        upgrade_channel: "stable".into(),
        created: "2024-03-11T09:30:00.000Z".into(),
        first_seen: "2024-03-11T09:30:00.000Z".into(),
        last_seen: "2026-11-01T08:15:00.000Z".into(),
        error_codes,
        device_platform: "cisco".into(),
        planned_maintenance: "off".into(),
        status: json!({}),
        config: DeviceConfig::new(schema),
        rebooting_until: None,
        on_screen: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_sized() {
        let a = generate(50, 7);
        let b = generate(50, 7);
        assert_eq!(a.devices.len(), 50);
        assert_eq!(a.workspaces.len(), 25);
        let ids = |o: &Org| {
            o.devices
                .iter()
                .map(|d| (d.id.clone(), d.permissions.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&generate(50, 8)));
    }
}
