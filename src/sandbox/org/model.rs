//! The organisation's entities (locations with floors, workspaces, devices) and how each is
//! rendered as Webex JSON. Pure data: no locking, no HTTP.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::configurations::DeviceConfig;
use super::grants::Grants;

/// Everything the organisation holds; lives behind the [`super::OrgState`] lock.
#[derive(Debug, Default)]
pub(crate) struct Org {
    pub org_id: String,
    pub locations: Vec<Location>,
    pub workspaces: Vec<Workspace>,
    pub devices: Vec<Device>,
    /// What bots and non-admin people were granted, per workspace.
    pub grants: Grants,
}

/// A location, served both by `/locations` and by the legacy `/workspaceLocations`.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    /// The `/locations` id (`LOCATION`).
    pub id: String,
    /// The `/workspaceLocations` id (`WORKSPACE_LOCATION`).
    pub legacy_id: String,
    pub name: String,
    pub address: Address,
    pub time_zone: Option<String>,
    pub preferred_language: Option<String>,
    /// The legacy API's one-line address.
    pub address_line: String,
    pub city_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub notes: Option<String>,
    pub floors: Vec<Floor>,
}

/// The structured address of `/locations`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Address {
    #[serde(default)]
    pub address1: String,
    #[serde(default)]
    pub address2: Option<String>,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: String,
}

/// A floor of a location.
#[derive(Debug, Clone)]
pub(crate) struct Floor {
    pub id: String,
    pub floor_number: i64,
    pub display_name: Option<String>,
}

/// A workspace (room, desk, open area).
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    pub id: String,
    pub display_name: String,
    /// The owning [`Location::id`].
    pub location_id: Option<String>,
    pub floor_id: Option<String>,
    pub capacity: Option<i64>,
    pub kind: Option<String>,
    pub notes: Option<String>,
    pub calling: Value,
    pub calendar: Value,
    pub supported_devices: String,
    pub hotdesking_status: Option<String>,
    pub sip_address: String,
    pub created: String,
}

/// A RoomOS device (or phone) with its live status tree and configuration.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub id: String,
    pub display_name: String,
    pub workspace_id: Option<String>,
    pub person_id: Option<String>,
    pub product: String,
    pub kind: String,
    pub tags: Vec<String>,
    pub permissions: Vec<String>,
    pub capabilities: Vec<String>,
    pub connection_status: String,
    pub ip: String,
    pub mac: String,
    pub serial: String,
    pub software: String,
    pub upgrade_channel: String,
    pub primary_sip_url: String,
    pub created: String,
    pub first_seen: String,
    pub last_seen: String,
    pub error_codes: Vec<String>,
    pub device_platform: String,
    pub planned_maintenance: String,
    /// The xAPI status tree in canonical case.
    pub status: Value,
    pub config: DeviceConfig,
    /// While set and in the future, the device is restarting and reported `disconnected`.
    pub rebooting_until: Option<Instant>,
    /// The alert or text line currently on screen, if any (not part of the xAPI status).
    pub on_screen: Option<String>,
}

/// Ids of the location a device is in, derived from its workspace.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement<'a> {
    pub location_id: Option<&'a str>,
    pub legacy_location_id: Option<&'a str>,
}

impl Device {
    /// The connection status as the cloud reports it now (a restarting device is offline).
    pub(crate) fn effective_connection(&self, now: Instant) -> &str {
        match self.rebooting_until {
            Some(until) if until > now => "disconnected",
            _ => &self.connection_status,
        }
    }

    /// True when the device can take commands and answer status queries.
    pub(crate) fn is_online(&self, now: Instant) -> bool {
        matches!(
            self.effective_connection(now),
            "connected" | "connected_with_issues"
        )
    }

    /// The device JSON as `GET /devices/{id}` answers it to a caller holding `permissions`.
    pub(crate) fn to_json(
        &self,
        org_id: &str,
        placement: &Placement<'_>,
        permissions: &[String],
        now: Instant,
    ) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), json!(self.id));
        map.insert("displayName".into(), json!(self.display_name));
        if let Some(workspace) = &self.workspace_id {
            map.insert("placeId".into(), json!(workspace));
            map.insert("workspaceId".into(), json!(workspace));
        }
        if let Some(person) = &self.person_id {
            map.insert("personId".into(), json!(person));
        }
        map.insert("orgId".into(), json!(org_id));
        map.insert("capabilities".into(), json!(self.capabilities));
        map.insert("permissions".into(), json!(permissions));
        map.insert(
            "connectionStatus".into(),
            json!(self.effective_connection(now)),
        );
        map.insert("product".into(), json!(self.product));
        map.insert("type".into(), json!(self.kind));
        map.insert("tags".into(), json!(self.tags));
        map.insert("ip".into(), json!(self.ip));
        map.insert("activeInterface".into(), json!("wired"));
        map.insert("mac".into(), json!(self.mac));
        map.insert("primarySipUrl".into(), json!(self.primary_sip_url));
        map.insert("sipUrls".into(), json!([self.primary_sip_url]));
        map.insert("serial".into(), json!(self.serial));
        map.insert("software".into(), json!(self.software));
        map.insert("upgradeChannel".into(), json!(self.upgrade_channel));
        map.insert("created".into(), json!(self.created));
        if let Some(location) = placement.location_id {
            map.insert("locationId".into(), json!(location));
        }
        if let Some(legacy) = placement.legacy_location_id {
            map.insert("workspaceLocationId".into(), json!(legacy));
        }
        map.insert("errorCodes".into(), json!(self.error_codes));
        map.insert("firstSeen".into(), json!(self.first_seen));
        map.insert("lastSeen".into(), json!(self.last_seen));
        map.insert("managedBy".into(), json!("CISCO"));
        map.insert("devicePlatform".into(), json!(self.device_platform));
        // Real responses carry a plain string here; the spec says object (README defect 3).
        map.insert("plannedMaintenance".into(), json!(self.planned_maintenance));
        Value::Object(map)
    }
}

impl Workspace {
    /// The workspace JSON; optional fields appear only when set, as Webex does.
    pub(crate) fn to_json(&self, org_id: &str, location: Option<&Location>) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), json!(self.id));
        map.insert("orgId".into(), json!(org_id));
        if let Some(location) = location {
            map.insert("locationId".into(), json!(location.id));
            map.insert("workspaceLocationId".into(), json!(location.legacy_id));
        }
        if let Some(floor) = &self.floor_id {
            map.insert("floorId".into(), json!(floor));
        }
        map.insert("displayName".into(), json!(self.display_name));
        if let Some(capacity) = self.capacity {
            map.insert("capacity".into(), json!(capacity));
        }
        if let Some(kind) = &self.kind {
            map.insert("type".into(), json!(kind));
        }
        map.insert("sipAddress".into(), json!(self.sip_address));
        map.insert("created".into(), json!(self.created));
        map.insert("calling".into(), self.calling.clone());
        map.insert("calendar".into(), self.calendar.clone());
        if let Some(notes) = &self.notes {
            map.insert("notes".into(), json!(notes));
        }
        if let Some(hotdesking) = &self.hotdesking_status {
            map.insert("hotdeskingStatus".into(), json!(hotdesking));
        }
        map.insert("supportedDevices".into(), json!(self.supported_devices));
        map.insert("devicePlatform".into(), json!("cisco"));
        Value::Object(map)
    }
}

impl Location {
    /// The `/locations` shape (structured address, latitude/longitude as strings).
    pub(crate) fn to_json(&self, org_id: &str) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), json!(self.id));
        map.insert("name".into(), json!(self.name));
        map.insert("orgId".into(), json!(org_id));
        map.insert("address".into(), json!(self.address));
        if let Some(zone) = &self.time_zone {
            map.insert("timeZone".into(), json!(zone));
        }
        if let Some(language) = &self.preferred_language {
            map.insert("preferredLanguage".into(), json!(language));
        }
        if let Some(latitude) = self.latitude {
            map.insert("latitude".into(), json!(latitude.to_string()));
        }
        if let Some(longitude) = self.longitude {
            map.insert("longitude".into(), json!(longitude.to_string()));
        }
        if let Some(notes) = &self.notes {
            map.insert("notes".into(), json!(notes));
        }
        Value::Object(map)
    }

    /// The legacy `/workspaceLocations` shape (one-line address, numeric coordinates).
    pub(crate) fn to_legacy_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), json!(self.legacy_id));
        map.insert("locationId".into(), json!(self.id));
        map.insert("displayName".into(), json!(self.name));
        map.insert("address".into(), json!(self.address_line));
        map.insert("countryCode".into(), json!(self.address.country));
        if let Some(city) = &self.city_name {
            map.insert("cityName".into(), json!(city));
        }
        map.insert("latitude".into(), json!(self.latitude.unwrap_or(0.0)));
        map.insert("longitude".into(), json!(self.longitude.unwrap_or(0.0)));
        if let Some(notes) = &self.notes {
            map.insert("notes".into(), json!(notes));
        }
        Value::Object(map)
    }

    /// True when `id` names this location in either API.
    pub(crate) fn has_id(&self, id: &str) -> bool {
        self.id == id || self.legacy_id == id
    }
}

impl Floor {
    /// The floor JSON; `location_id` is the id in the API being served.
    pub(crate) fn to_json(&self, location_id: &str) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), json!(self.id));
        map.insert("locationId".into(), json!(location_id));
        map.insert("floorNumber".into(), json!(self.floor_number));
        if let Some(name) = &self.display_name {
            map.insert("displayName".into(), json!(name));
        }
        Value::Object(map)
    }
}

impl Org {
    /// The location a workspace id belongs to.
    pub(crate) fn workspace_location(&self, workspace_id: Option<&str>) -> Option<&Location> {
        let workspace = self
            .workspaces
            .iter()
            .find(|w| Some(w.id.as_str()) == workspace_id)?;
        let location_id = workspace.location_id.as_deref()?;
        self.locations.iter().find(|l| l.id == location_id)
    }

    /// Maps workspace id → placement, built once per request so listing stays linear.
    pub(crate) fn placements(&self) -> std::collections::HashMap<&str, Placement<'_>> {
        self.workspaces
            .iter()
            .map(|w| {
                let location = w
                    .location_id
                    .as_deref()
                    .and_then(|id| self.locations.iter().find(|l| l.id == id));
                let placement = Placement {
                    location_id: location.map(|l| l.id.as_str()),
                    legacy_location_id: location.map(|l| l.legacy_id.as_str()),
                };
                (w.id.as_str(), placement)
            })
            .collect()
    }

    /// Renders one device with its placement, for a caller holding `permissions`.
    pub(crate) fn device_json(
        &self,
        device: &Device,
        permissions: &[String],
        now: Instant,
    ) -> Value {
        let location = self.workspace_location(device.workspace_id.as_deref());
        let placement = Placement {
            location_id: location.map(|l| l.id.as_str()),
            legacy_location_id: location.map(|l| l.legacy_id.as_str()),
        };
        device.to_json(&self.org_id, &placement, permissions, now)
    }
}
