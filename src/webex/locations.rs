//! Locations and their floors, in both families Webex serves: `/workspaceLocations`
//! (deprecated, still used by workspaces) and `/locations`. PUTs reset omitted optional fields:
//! send the whole object. Docs: <https://developer.webex.com/docs/api/v1/workspace-locations>,
//! <https://developer.webex.com/docs/api/v1/locations>.

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize};

use super::client::WebexClient;
use super::error::WebexError;
use super::ids::{FloorId, LocationId, OrgId};
use super::pagination::Listing;
use super::request::{Query, Request};

type Extra = serde_json::Map<String, serde_json::Value>;

/// Which family of locations a floor call is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationKind {
    /// `/workspaceLocations/{id}/floors`.
    Workspace,
    /// `/locations/{id}/floors`.
    Org,
}

/// A workspace location (`/workspaceLocations`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceLocation {
    pub id: LocationId,
    /// The matching `/locations` id.
    pub location_id: Option<LocationId>,
    #[serde(flatten)]
    pub fields: WorkspaceLocationFields,
}

/// The editable fields of a workspace location (the body of create and update).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceLocationFields {
    pub display_name: Option<String>,
    pub address: Option<String>,
    pub country_code: Option<String>,
    pub city_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub latitude: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub longitude: Option<f64>,
    pub notes: Option<String>,
}

/// A location (`/locations`). Coordinates are strings there.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: LocationId,
    pub org_id: Option<OrgId>,
    #[serde(flatten)]
    pub fields: LocationFields,
}

/// The editable fields of a location (the body of create and update).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationFields {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub preferred_language: Option<String>,
    pub announcement_language: Option<String>,
    /// `{address1, address2, city, state, postalCode, country}`.
    pub address: Option<serde_json::Value>,
    pub latitude: Option<serde_json::Value>,
    pub longitude: Option<serde_json::Value>,
    pub notes: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A floor of either kind of location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Floor {
    pub id: FloorId,
    pub location_id: Option<LocationId>,
    pub floor_number: Option<i64>,
    pub display_name: Option<String>,
}

/// The body of a floor create or update.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FloorFields {
    pub floor_number: i64,
    pub display_name: Option<String>,
}

/// Filters of `GET /workspaceLocations`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceLocationFilter {
    pub org_id: Option<OrgId>,
    pub display_name: Option<String>,
    pub address: Option<String>,
    pub country_code: Option<String>,
    pub city_name: Option<String>,
}

/// Filters of `GET /locations`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocationFilter {
    pub name: Option<String>,
    pub id: Option<LocationId>,
    pub org_id: Option<OrgId>,
    pub max: Option<u32>,
}

/// Accepts a number or a numeric string (Webex uses both for coordinates).
fn lenient_f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        },
    )
}

const WL: &str = "workspaceLocations";
const LOC: &str = "locations";

impl WebexClient {
    /// Workspace locations, paginated.
    /// <https://developer.webex.com/docs/api/v1/workspace-locations/list-workspace-locations>
    pub fn list_workspace_locations(
        &self,
        filter: &WorkspaceLocationFilter,
    ) -> Listing<WorkspaceLocation> {
        let mut q = Query::default();
        q.opt("orgId", filter.org_id.as_ref())
            .opt("displayName", filter.display_name.as_ref())
            .opt("address", filter.address.as_ref())
            .opt("countryCode", filter.country_code.as_ref())
            .opt("cityName", filter.city_name.as_ref());
        Listing::new(self, Request::get("workspaceLocations", &[WL]).query(q))
    }

    /// One workspace location.
    /// <https://developer.webex.com/docs/api/v1/workspace-locations/get-a-workspace-location-details>
    #[tracing::instrument(skip_all)]
    pub async fn get_workspace_location(
        &self,
        id: &LocationId,
    ) -> Result<WorkspaceLocation, WebexError> {
        self.call(Request::get("workspaceLocations/{id}", &[WL, id.as_str()]))
            .await
    }

    /// Creates a workspace location.
    /// <https://developer.webex.com/docs/api/v1/workspace-locations/create-a-workspace-location>
    #[tracing::instrument(skip_all)]
    pub async fn create_workspace_location(
        &self,
        fields: &WorkspaceLocationFields,
    ) -> Result<WorkspaceLocation, WebexError> {
        self.call(Request::new(Method::POST, "workspaceLocations", &[WL]).json(fields)?)
            .await
    }

    /// Replaces a workspace location's fields.
    /// <https://developer.webex.com/docs/api/v1/workspace-locations/update-a-workspace-location>
    #[tracing::instrument(skip_all)]
    pub async fn update_workspace_location(
        &self,
        id: &LocationId,
        fields: &WorkspaceLocationFields,
    ) -> Result<WorkspaceLocation, WebexError> {
        let request = Request::new(Method::PUT, "workspaceLocations/{id}", &[WL, id.as_str()]);
        self.call(request.json(fields)?).await
    }

    /// Deletes a workspace location (204).
    /// <https://developer.webex.com/docs/api/v1/workspace-locations/delete-a-workspace-location>
    #[tracing::instrument(skip_all)]
    pub async fn delete_workspace_location(&self, id: &LocationId) -> Result<(), WebexError> {
        self.call_empty(Request::new(
            Method::DELETE,
            "workspaceLocations/{id}",
            &[WL, id.as_str()],
        ))
        .await
    }

    /// Locations, paginated.
    /// <https://developer.webex.com/docs/api/v1/locations/list-locations>
    pub fn list_locations(&self, filter: &LocationFilter) -> Listing<Location> {
        let mut q = Query::default();
        q.opt("name", filter.name.as_ref())
            .opt("id", filter.id.as_ref())
            .opt("orgId", filter.org_id.as_ref())
            .opt("max", filter.max);
        Listing::new(self, Request::get("locations", &[LOC]).query(q))
    }

    /// One location.
    /// <https://developer.webex.com/docs/api/v1/locations/get-location-details>
    #[tracing::instrument(skip_all)]
    pub async fn get_location(&self, id: &LocationId) -> Result<Location, WebexError> {
        self.call(Request::get("locations/{id}", &[LOC, id.as_str()]))
            .await
    }

    /// Creates a location; Webex answers only its `id`.
    /// <https://developer.webex.com/docs/api/v1/locations/create-a-location>
    #[tracing::instrument(skip_all)]
    pub async fn create_location(&self, fields: &LocationFields) -> Result<Location, WebexError> {
        self.call(Request::new(Method::POST, "locations", &[LOC]).json(fields)?)
            .await
    }

    /// Updates a location (204 or the location; the body is ignored).
    /// <https://developer.webex.com/docs/api/v1/locations/update-a-location>
    #[tracing::instrument(skip_all)]
    pub async fn update_location(
        &self,
        id: &LocationId,
        fields: &LocationFields,
    ) -> Result<(), WebexError> {
        let request = Request::new(Method::PUT, "locations/{id}", &[LOC, id.as_str()]);
        self.call_empty(request.json(fields)?).await
    }

    /// Deletes a location (204).
    /// <https://developer.webex.com/docs/api/v1/locations/delete-a-location>
    #[tracing::instrument(skip_all)]
    pub async fn delete_location(&self, id: &LocationId) -> Result<(), WebexError> {
        self.call_empty(Request::new(
            Method::DELETE,
            "locations/{id}",
            &[LOC, id.as_str()],
        ))
        .await
    }
}

impl LocationKind {
    fn root(self) -> &'static str {
        match self {
            Self::Workspace => WL,
            Self::Org => LOC,
        }
    }

    fn floors_endpoint(self) -> &'static str {
        match self {
            Self::Workspace => "workspaceLocations/{id}/floors",
            Self::Org => "locations/{id}/floors",
        }
    }

    fn floor_endpoint(self) -> &'static str {
        match self {
            Self::Workspace => "workspaceLocations/{id}/floors/{floorId}",
            Self::Org => "locations/{id}/floors/{floorId}",
        }
    }
}

impl WebexClient {
    /// Floors of a location.
    /// <https://developer.webex.com/docs/api/v1/workspace-locations/list-workspace-location-floors>,
    /// <https://developer.webex.com/docs/api/v1/locations/list-location-floors>
    pub fn list_floors(&self, kind: LocationKind, location: &LocationId) -> Listing<Floor> {
        let segments = [kind.root(), location.as_str(), "floors"];
        Listing::new(self, Request::get(kind.floors_endpoint(), &segments))
    }

    /// One floor.
    /// <https://developer.webex.com/docs/api/v1/locations/get-location-floor-details>
    #[tracing::instrument(skip_all)]
    pub async fn get_floor(
        &self,
        kind: LocationKind,
        location: &LocationId,
        floor: &FloorId,
    ) -> Result<Floor, WebexError> {
        let segments = [kind.root(), location.as_str(), "floors", floor.as_str()];
        self.call(Request::get(kind.floor_endpoint(), &segments))
            .await
    }

    /// Creates a floor.
    /// <https://developer.webex.com/docs/api/v1/locations/create-a-location-floor>
    #[tracing::instrument(skip_all)]
    pub async fn create_floor(
        &self,
        kind: LocationKind,
        location: &LocationId,
        fields: &FloorFields,
    ) -> Result<Floor, WebexError> {
        let segments = [kind.root(), location.as_str(), "floors"];
        self.call(Request::new(Method::POST, kind.floors_endpoint(), &segments).json(fields)?)
            .await
    }

    /// Replaces a floor's fields.
    /// <https://developer.webex.com/docs/api/v1/locations/update-a-location-floor>
    #[tracing::instrument(skip_all)]
    pub async fn update_floor(
        &self,
        kind: LocationKind,
        location: &LocationId,
        floor: &FloorId,
        fields: &FloorFields,
    ) -> Result<Floor, WebexError> {
        let segments = [kind.root(), location.as_str(), "floors", floor.as_str()];
        self.call(Request::new(Method::PUT, kind.floor_endpoint(), &segments).json(fields)?)
            .await
    }

    /// Deletes a floor (204).
    /// <https://developer.webex.com/docs/api/v1/locations/delete-a-location-floor>
    #[tracing::instrument(skip_all)]
    pub async fn delete_floor(
        &self,
        kind: LocationKind,
        location: &LocationId,
        floor: &FloorId,
    ) -> Result<(), WebexError> {
        let segments = [kind.root(), location.as_str(), "floors", floor.as_str()];
        self.call_empty(Request::new(
            Method::DELETE,
            kind.floor_endpoint(),
            &segments,
        ))
        .await
    }
}
