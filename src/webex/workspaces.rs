//! Workspaces: list with every filter, get, create, update, delete.
//! **PUT replaces**: omitted `capacity`, `type` and `notes` are cleared, so an update sends back
//! the whole workspace as fetched (unknown fields are kept in `extra` for that).
//! Docs: <https://developer.webex.com/docs/api/v1/workspaces>.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::WebexClient;
use super::devices::Device;
use super::error::WebexError;
use super::ids::{FloorId, LocationId, OrgId, WorkspaceId};
use super::open_enum::open_enum;
use super::pagination::Listing;
use super::request::{Query, Request};

open_enum!(
    /// The kind of workspace.
    WorkspaceType {
        NotSet => "notSet",
        Focus => "focus",
        Huddle => "huddle",
        MeetingRoom => "meetingRoom",
        Open => "open",
        Desk => "desk",
        OtherType => "other",
    }
);

/// A workspace. Every field but `id` may be missing; unknown fields are kept in `extra`, so
/// GET → change → PUT sends back everything Webex sent.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub id: WorkspaceId,
    pub org_id: Option<OrgId>,
    pub display_name: Option<String>,
    pub location_id: Option<LocationId>,
    pub workspace_location_id: Option<LocationId>,
    pub floor_id: Option<FloorId>,
    pub capacity: Option<i64>,
    #[serde(rename = "type")]
    pub workspace_type: Option<WorkspaceType>,
    pub notes: Option<String>,
    pub sip_address: Option<String>,
    pub created: Option<String>,
    pub calling: Option<serde_json::Value>,
    pub calendar: Option<serde_json::Value>,
    pub supported_devices: Option<String>,
    pub device_platform: Option<String>,
    /// Present when listed with `includeDevices=true`.
    pub devices: Option<Vec<Device>>,
    /// Everything else Webex sent (`hotdeskingStatus`, `health`, `indoorNavigation`, …).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The body of `POST /workspaces`; fields not modelled go in `extra`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewWorkspace {
    pub display_name: String,
    pub workspace_location_id: Option<LocationId>,
    pub location_id: Option<LocationId>,
    /// Needs `workspace_location_id` (or `location_id`).
    pub floor_id: Option<FloorId>,
    #[serde(rename = "type")]
    pub workspace_type: Option<WorkspaceType>,
    pub capacity: Option<i64>,
    pub notes: Option<String>,
    pub calling: Option<serde_json::Value>,
    pub calendar: Option<serde_json::Value>,
    pub supported_devices: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Filters of `GET /workspaces` (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceFilter {
    pub org_id: Option<OrgId>,
    pub location_id: Option<LocationId>,
    pub workspace_location_id: Option<LocationId>,
    pub floor_id: Option<FloorId>,
    /// Exactness is undocumented: match names locally too.
    pub display_name: Option<String>,
    pub capacity: Option<i64>,
    pub workspace_type: Option<String>,
    pub calling: Option<String>,
    pub supported_devices: Option<String>,
    pub calendar: Option<String>,
    pub device_hosted_meetings_enabled: Option<bool>,
    pub device_platform: Option<String>,
    pub health_level: Option<String>,
    pub include_devices: Option<bool>,
    pub include_capabilities: Option<bool>,
    pub planned_maintenance: Option<String>,
    pub custom_attribute: Option<String>,
    pub start: Option<u32>,
    pub max: Option<u32>,
}

impl WorkspaceFilter {
    fn to_query(&self) -> Query {
        let mut q = Query::default();
        q.opt("orgId", self.org_id.as_ref())
            .opt("locationId", self.location_id.as_ref())
            .opt("workspaceLocationId", self.workspace_location_id.as_ref())
            .opt("floorId", self.floor_id.as_ref())
            .opt("displayName", self.display_name.as_ref())
            .opt("capacity", self.capacity)
            .opt("type", self.workspace_type.as_ref())
            .opt("calling", self.calling.as_ref())
            .opt("supportedDevices", self.supported_devices.as_ref())
            .opt("calendar", self.calendar.as_ref())
            .opt(
                "deviceHostedMeetingsEnabled",
                self.device_hosted_meetings_enabled,
            )
            .opt("devicePlatform", self.device_platform.as_ref())
            .opt("healthLevel", self.health_level.as_ref())
            .opt("includeDevices", self.include_devices)
            .opt("includeCapabilities", self.include_capabilities)
            .opt("plannedMaintenance", self.planned_maintenance.as_ref())
            .opt("customAttribute", self.custom_attribute.as_ref())
            .opt("start", self.start)
            .opt("max", self.max);
        q
    }
}

impl WebexClient {
    /// Workspaces of the org, paginated.
    /// <https://developer.webex.com/docs/api/v1/workspaces/list-workspaces>
    pub fn list_workspaces(&self, filter: &WorkspaceFilter) -> Listing<Workspace> {
        Listing::new(
            self,
            Request::get("workspaces", &["workspaces"]).query(filter.to_query()),
        )
    }

    /// One workspace.
    /// <https://developer.webex.com/docs/api/v1/workspaces/get-workspace-details>
    #[tracing::instrument(skip(self), fields(workspace = %id))]
    pub async fn get_workspace(&self, id: &WorkspaceId) -> Result<Workspace, WebexError> {
        self.call(Request::get(
            "workspaces/{id}",
            &["workspaces", id.as_str()],
        ))
        .await
    }

    /// Creates a workspace (not retried after a 5xx: it may exist).
    /// <https://developer.webex.com/docs/api/v1/workspaces/create-a-workspace>
    #[tracing::instrument(skip(self, workspace), fields(name = %workspace.display_name))]
    pub async fn create_workspace(
        &self,
        workspace: &NewWorkspace,
    ) -> Result<Workspace, WebexError> {
        self.call(Request::new(Method::POST, "workspaces", &["workspaces"]).json(workspace)?)
            .await
    }

    /// Replaces a workspace with `workspace` as given: fetch it, change it, send it back whole.
    /// <https://developer.webex.com/docs/api/v1/workspaces/update-a-workspace>
    #[tracing::instrument(skip(self, workspace), fields(workspace = %workspace.id))]
    pub async fn update_workspace(&self, workspace: &Workspace) -> Result<Workspace, WebexError> {
        let segments = ["workspaces", workspace.id.as_str()];
        self.call(Request::new(Method::PUT, "workspaces/{id}", &segments).json(workspace)?)
            .await
    }

    /// Deletes a workspace and its devices (204).
    /// <https://developer.webex.com/docs/api/v1/workspaces/delete-a-workspace>
    #[tracing::instrument(skip(self), fields(workspace = %id))]
    pub async fn delete_workspace(&self, id: &WorkspaceId) -> Result<(), WebexError> {
        self.call_empty(Request::new(
            Method::DELETE,
            "workspaces/{id}",
            &["workspaces", id.as_str()],
        ))
        .await
    }
}
