//! Devices: list with every documented filter, get, tags (JSON Patch), delete, activation codes.
//! `permissions` decide what the bot may do (DESIGN rule 4).
//! Docs: <https://developer.webex.com/docs/api/v1/devices>.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::{DeviceId, LocationId, OrgId, PersonId, WorkspaceId};
use super::open_enum::open_enum;
use super::pagination::Listing;
use super::request::{Query, Request};

open_enum!(
    /// A device's connection to the cloud.
    ConnectionStatus {
        Connected => "connected",
        Disconnected => "disconnected",
        ConnectedWithIssues => "connected_with_issues",
        OfflineExpired => "offline_expired",
        Activating => "activating",
        Unknown => "unknown",
        OfflineDeepSleep => "offline_deep_sleep",
        Pending => "pending",
    }
);

open_enum!(
    /// What the token may do with a device.
    Permission {
        /// Commands and status.
        XapiAll => "xapi:all",
        /// Status only.
        XapiReadonly => "xapi:readonly",
        /// Legacy spelling of full access.
        Xapi => "xapi",
    }
);

/// A device. Every field but `id` may be missing; unknown fields are kept in `extra`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: DeviceId,
    pub display_name: Option<String>,
    pub workspace_id: Option<WorkspaceId>,
    pub person_id: Option<PersonId>,
    pub org_id: Option<OrgId>,
    pub capabilities: Option<Vec<String>>,
    pub permissions: Option<Vec<Permission>>,
    pub connection_status: Option<ConnectionStatus>,
    pub product: Option<String>,
    #[serde(rename = "type")]
    pub device_type: Option<String>,
    pub tags: Option<Vec<String>>,
    pub ip: Option<String>,
    pub mac: Option<String>,
    pub serial: Option<String>,
    pub software: Option<String>,
    pub upgrade_channel: Option<String>,
    pub primary_sip_url: Option<String>,
    pub location_id: Option<LocationId>,
    pub workspace_location_id: Option<LocationId>,
    pub error_codes: Option<Vec<String>>,
    pub created: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub device_platform: Option<String>,
    /// A string in real answers (`off`, `on`, `upcoming`), an object in the spec.
    pub planned_maintenance: Option<serde_json::Value>,
    /// Everything else Webex sent (`webexDeviceId`, `sipUrls`, `lifecycle`, …).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Device {
    fn has_permission(&self, wanted: &[Permission]) -> bool {
        // A device that lists its capabilities without `xapi` (a desk phone) takes no xAPI at
        // all, whatever grant its workspace has.
        let has_xapi = self
            .capabilities
            .as_ref()
            .is_none_or(|c| c.iter().any(|c| c == "xapi"));
        has_xapi
            && self
                .permissions
                .iter()
                .flatten()
                .any(|p| wanted.contains(p))
    }

    /// May run xAPI commands: `xapi:all` or the legacy bare `xapi`.
    pub fn can_command(&self) -> bool {
        self.has_permission(&[Permission::XapiAll, Permission::Xapi])
    }

    /// May read xAPI status: full access or `xapi:readonly`.
    pub fn can_read_status(&self) -> bool {
        self.has_permission(&[
            Permission::XapiAll,
            Permission::Xapi,
            Permission::XapiReadonly,
        ])
    }

    /// Connected to the cloud (possibly with issues), so commands can reach it.
    pub fn is_online(&self) -> bool {
        matches!(
            self.connection_status,
            Some(ConnectionStatus::Connected | ConnectionStatus::ConnectedWithIssues)
        )
    }
}

/// Filters of `GET /devices` (all optional; `tags` are ANDed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFilter {
    pub display_name: Option<String>,
    pub product: Option<String>,
    pub device_type: Option<String>,
    pub tags: Vec<String>,
    pub connection_status: Option<String>,
    pub serial: Option<String>,
    pub software: Option<String>,
    pub upgrade_channel: Option<String>,
    pub error_code: Option<String>,
    pub capability: Option<String>,
    pub permission: Option<String>,
    pub workspace_id: Option<WorkspaceId>,
    pub person_id: Option<PersonId>,
    pub location_id: Option<LocationId>,
    pub workspace_location_id: Option<LocationId>,
    pub mac: Option<String>,
    pub device_platform: Option<String>,
    pub planned_maintenance: Option<String>,
    pub org_id: Option<OrgId>,
    pub start: Option<u32>,
    pub max: Option<u32>,
}

impl DeviceFilter {
    fn to_query(&self) -> Query {
        let mut q = Query::default();
        q.opt("displayName", self.display_name.as_ref())
            .opt("product", self.product.as_ref())
            .opt("type", self.device_type.as_ref())
            .opt("tag", (!self.tags.is_empty()).then(|| self.tags.join(",")))
            .opt("connectionStatus", self.connection_status.as_ref())
            .opt("serial", self.serial.as_ref())
            .opt("software", self.software.as_ref())
            .opt("upgradeChannel", self.upgrade_channel.as_ref())
            .opt("errorCode", self.error_code.as_ref())
            .opt("capability", self.capability.as_ref())
            .opt("permission", self.permission.as_ref())
            .opt("workspaceId", self.workspace_id.as_ref())
            .opt("personId", self.person_id.as_ref())
            .opt("locationId", self.location_id.as_ref())
            .opt("workspaceLocationId", self.workspace_location_id.as_ref())
            .opt("mac", self.mac.as_ref())
            .opt("devicePlatform", self.device_platform.as_ref())
            .opt("plannedMaintenance", self.planned_maintenance.as_ref())
            .opt("orgId", self.org_id.as_ref())
            .opt("start", self.start)
            .opt("max", self.max);
        q
    }
}

/// A change to a device's tags. Webex stores what `Replace` sends: send the complete list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagsPatch {
    /// The tags become exactly this list.
    Replace(Vec<String>),
    /// These tags are appended.
    Add(Vec<String>),
    /// Every tag is removed.
    RemoveAll,
}

impl TagsPatch {
    fn to_body(&self) -> serde_json::Value {
        match self {
            Self::Replace(tags) => json!([{ "op": "replace", "path": "tags", "value": tags }]),
            Self::Add(tags) => json!([{ "op": "add", "path": "tags", "value": tags }]),
            Self::RemoveAll => json!([{ "op": "remove", "path": "tags" }]),
        }
    }
}

/// A one-time code that activates a new device in a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationCode {
    pub code: String,
    pub expiry_time: Option<String>,
}

impl WebexClient {
    /// Devices the token may see, paginated.
    /// <https://developer.webex.com/docs/api/v1/devices/list-devices>
    pub fn list_devices(&self, filter: &DeviceFilter) -> Listing<Device> {
        Listing::new(
            self,
            Request::get("devices", &["devices"]).query(filter.to_query()),
        )
    }

    /// One device.
    /// <https://developer.webex.com/docs/api/v1/devices/get-device-details>
    #[tracing::instrument(skip(self), fields(device = %id))]
    pub async fn get_device(&self, id: &DeviceId) -> Result<Device, WebexError> {
        self.call(Request::get("devices/{id}", &["devices", id.as_str()]))
            .await
    }

    /// Changes a device's tags (JSON Patch); answers the updated device.
    /// <https://developer.webex.com/docs/api/v1/devices/modify-device-tags>
    #[tracing::instrument(skip(self), fields(device = %id))]
    pub async fn modify_device_tags(
        &self,
        id: &DeviceId,
        patch: &TagsPatch,
    ) -> Result<Device, WebexError> {
        let request = Request::new(Method::PATCH, "devices/{id}", &["devices", id.as_str()])
            .json_patch(&patch.to_body())?
            // Replacing or clearing the list twice has the same effect; appending does not.
            .idempotent(!matches!(patch, TagsPatch::Add(_)));
        self.call(request).await
    }

    /// Deletes a device (204).
    /// <https://developer.webex.com/docs/api/v1/devices/delete-a-device>
    #[tracing::instrument(skip(self), fields(device = %id))]
    pub async fn delete_device(&self, id: &DeviceId) -> Result<(), WebexError> {
        self.call_empty(Request::new(
            Method::DELETE,
            "devices/{id}",
            &["devices", id.as_str()],
        ))
        .await
    }

    /// An activation code for a new device in `workspace` (`model` is optional).
    /// <https://developer.webex.com/docs/api/v1/devices/create-a-device-activation-code>
    #[tracing::instrument(skip(self), fields(workspace = %workspace))]
    pub async fn create_activation_code(
        &self,
        workspace: &WorkspaceId,
        model: Option<&str>,
    ) -> Result<ActivationCode, WebexError> {
        let mut body = json!({ "workspaceId": workspace });
        if let Some(model) = model {
            body["model"] = json!(model);
        }
        let request = Request::new(
            Method::POST,
            "devices/activationCode",
            &["devices", "activationCode"],
        );
        self.call(request.json(&body)?).await
    }
}
