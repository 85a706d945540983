//! The organisation's state and its Webex APIs: devices, device configurations, xAPI status and
//! commands, workspaces, workspace locations and `/locations` with floors. Requests arrive
//! already authenticated and admitted (an `Extension<Caller>`; see `sandbox::access`); this
//! module never looks at tokens, only at what the caller may see ([`Caller::device_view`]).
//!
//! All state sits behind one `RwLock` that is never held across an `.await`.
//!
//! - [`model`]: the entities and their Webex JSON.
//! - [`keypath`]: xAPI key expressions (`*`, `[n]`, `[a..b]`, `[*]`) and status trees.
//! - [`devices`], [`configurations`], [`xapi_status`], [`xapi_commands`] (+ `xapi_effects`),
//!   [`workspaces`], [`locations`]: the routes.
//! - [`grants`]: per-workspace grants and the `permissions` a caller holds on a device.
//! - [`demo`] (data in `demo-org.json`) and [`generator`]: how an organisation is made.
//! - [`snapshot`]: read accessors for the sandbox chat page.

mod configurations;
mod demo;
mod devices;
mod generator;
mod grants;
mod http;
mod keypath;
mod locations;
mod model;
mod snapshot;
mod workspaces;
mod xapi_commands;
mod xapi_effects;
mod xapi_status;

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::sandbox::caller::Caller;
use crate::sandbox::error::ApiError;
use http::not_found;
use model::Org;

pub use grants::Grant;
pub use snapshot::{CallSnapshot, DeviceSnapshot, WorkspaceSnapshot};

/// Page size when a list request has no `max`.
const DEFAULT_PAGE_SIZE: usize = 100;
/// How long a device stays `disconnected` after `SystemUnit.Boot`.
const DEFAULT_REBOOT_TIME: Duration = Duration::from_secs(5);

/// The in-memory organisation behind the device, xAPI and workspace APIs.
#[derive(Debug)]
pub struct OrgState {
    org: RwLock<Org>,
    /// A copy of the org id, readable without the lock.
    org_id: String,
    default_page_size: usize,
    reboot_time: Duration,
}

impl OrgState {
    /// The demo organisation from `demo-org.json` (embedded at build time).
    pub fn demo() -> Self {
        Self::from_org(demo::load())
    }

    /// A generated organisation of `devices` devices (deterministic for a `seed`), for scale
    /// tests and benchmarks.
    pub fn generated(devices: usize, seed: u64) -> Self {
        Self::from_org(generator::generate(devices, seed))
    }

    /// Sets the page size used when a list request has no `max` (small in tests).
    pub fn with_default_page_size(mut self, n: usize) -> Self {
        self.default_page_size = n.max(1);
        self
    }

    /// Sets how long a rebooting device stays offline (default 5 s; tests use zero or hours).
    pub fn with_reboot_time(mut self, time: Duration) -> Self {
        self.reboot_time = time;
        self
    }

    /// The organisation's id (devices and workspaces carry it as `orgId`).
    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    fn from_org(org: Org) -> Self {
        Self {
            org_id: org.org_id.clone(),
            org: RwLock::new(org),
            default_page_size: DEFAULT_PAGE_SIZE,
            reboot_time: DEFAULT_REBOOT_TIME,
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Org> {
        self.org
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Org> {
        self.org
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// True when `caller` belongs to this organisation; others see nothing of it.
    fn visible(&self, caller: &Caller) -> bool {
        caller.org_id == self.org_id
    }

    /// The index of device `id` in `org` and the permissions `caller` holds on it; 404 when
    /// the caller may not see it (another organisation, or no grant for its workspace).
    fn device_for(
        &self,
        org: &Org,
        caller: &Caller,
        id: &str,
    ) -> Result<(usize, Vec<String>), ApiError> {
        org.devices
            .iter()
            .enumerate()
            .filter(|(_, d)| d.id == id)
            .find_map(|(i, d)| org.permissions_for(caller, d).map(|p| (i, p)))
            .ok_or_else(|| not_found("Device", id))
    }

    /// Grants (`Some`) or withdraws (`None`) `person_id`'s access to `workspace_id`'s devices
    /// (Control Hub's per-workspace setting; only enforced access consults it).
    pub fn set_grant(&self, person_id: &str, workspace_id: &str, grant: Option<Grant>) {
        self.write().grants.set(person_id, workspace_id, grant);
    }

    /// What `person_id` was granted on `workspace_id`.
    pub fn grant(&self, person_id: &str, workspace_id: &str) -> Option<Grant> {
        self.read().grants.get(person_id, workspace_id)
    }
}

/// The organisation's routes, all under `/v1`. Expects an `Extension<Caller>` on every request.
pub fn routes(state: Arc<OrgState>) -> Router {
    Router::new()
        .route("/v1/devices", get(devices::list_devices))
        .route("/v1/devices/activationCode", post(devices::activation_code))
        .route(
            "/v1/devices/{id}",
            get(devices::get_device)
                .patch(devices::patch_device)
                .delete(devices::delete_device),
        )
        .route(
            "/v1/deviceConfigurations",
            get(configurations::get_configurations).patch(configurations::patch_configurations),
        )
        .route("/v1/xapi/status", get(xapi_status::get_status))
        .route("/v1/xapi/command/{name}", post(xapi_commands::run_command))
        .merge(workspaces::routes())
        .merge(locations::routes())
        .with_state(state)
}
