//! The plan's values: [`Plan`] with its devices and [`Call`]s ([`Op`] on a [`Subject`]), the
//! [`Action`] a reply renders from and [`Confirm`]. Serializable, so a confirmation can store the
//! plan it showed. The [`Refusal`](super::Refusal) that stands in for a plan that cannot be made
//! is in `refusal`, [`Paging`](super::Paging) in `paging`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Paging;

use crate::access::Role;
use crate::resolve::SkipReason;
use crate::webex::{DeviceId, LocationId, PersonId, WorkspaceId, WorkspaceLocationFields};

/// A plan: what a command will do, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The canonical text of what was asked (`mute room 4B`), as the audit log records it.
    pub text: String,
    /// What kind of thing it does, with what its reply needs.
    pub action: Action,
    /// The least role that may run it.
    pub role: Role,
    /// The target as written (`room 4B`); empty when the command has none.
    pub label: String,
    /// Every device the target stands for, in order: included, or skipped and why.
    pub devices: Vec<Targeted>,
    /// The calls to make, in order. Device calls name their device by index in `devices`.
    pub calls: Vec<Call>,
    /// Why it must be confirmed before it runs, if it must.
    pub confirm: Option<Confirm>,
}

/// One device of the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targeted {
    pub device: DeviceRef,
    /// `None`: a call goes to it; else why not.
    pub skip: Option<SkipReason>,
}

/// A device as a plan names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRef {
    pub id: DeviceId,
    /// Display name (its id when it has none).
    pub name: String,
    /// Its workspace's name ("" when none).
    pub workspace: String,
    /// Connected when planned (configuration changes to offline devices apply on reconnect).
    pub online: bool,
}

/// A workspace as a plan names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRef {
    pub id: WorkspaceId,
    pub name: String,
}

/// A location as a plan names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRef {
    pub id: LocationId,
    pub name: String,
}

/// One call: what it addresses and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub subject: Subject,
    pub op: Op,
}

/// What a call addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A device, by index in [`Plan::devices`].
    Device(usize),
    Workspace(WorkspaceRef),
    Location(LocationRef),
    /// The organisation (creating a workspace or a location).
    Organisation,
    /// The space the command came from (its stored default target).
    Space,
}

/// What a call does. Each is one Webex request unless its doc says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `POST xapi/command/<path>` with the arguments.
    XapiCommand {
        path: String,
        arguments: Option<Value>,
    },
    /// `GET xapi/status` for up to ten names.
    XapiStatus { names: Vec<String> },
    /// `GET deviceConfigurations` for a key (wildcards allowed).
    ConfigRead { key: String },
    /// `GET deviceConfigurations` for the key's value space, then (if the value is allowed and
    /// the key editable) `PATCH` replace.
    ConfigSet { key: String, value: Value },
    /// `GET deviceConfigurations` (is it editable?), then `PATCH` remove.
    ConfigReset { key: String },
    /// `PATCH devices/{id}` with the complete new tag list.
    SetTags { tags: Vec<String> },
    /// `DELETE devices/{id}`.
    DeleteDevice,
    /// `GET workspaces/{id}`, merge the changes, `PUT` it whole (a PUT clears what it omits).
    UpdateWorkspace { changes: WorkspaceChanges },
    /// `DELETE workspaces/{id}` (its devices go too).
    DeleteWorkspace,
    /// `POST devices/activationCode`; with `deliver_to`, the code then goes to that person by
    /// direct message (`POST messages`), never into a group space.
    CreateActivationCode { deliver_to: Option<PersonId> },
    /// (`GET` the location's floors to find the floor's id, then) `POST workspaces`.
    CreateWorkspace { new: NewWorkspacePlan },
    /// `POST workspaceLocations`.
    CreateLocation { fields: WorkspaceLocationFields },
    /// `POST locations/{id}/floors`.
    CreateFloor { number: i32, name: Option<String> },
    /// `GET locations/{id}/floors`.
    ListFloors,
    /// Stores the space's default target (no Webex call).
    SetDefaultTarget { target: String },
    /// Forgets the space's default target (no Webex call).
    ClearDefaultTarget,
    /// Binds the space to a scope (no Webex call).
    SetScope { scope: super::SpaceScope },
    /// Unbinds the space (no Webex call).
    ClearScope,
    /// Reads the audit trail (no Webex call).
    ReadAudit { query: super::AuditRead },
}

/// Whose token makes a call (DESIGN rule 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    /// The bot's token: messages and xAPI, on the workspaces an admin granted the bot.
    Bot,
    /// The admin credential: configurations, workspaces, locations, floors, tags, activation
    /// codes and device deletes ("restricted to administrators, not bots").
    Admin,
    /// No Webex call: roombot's own store.
    Local,
}

impl Op {
    /// Whose token makes the call. An activation code is created with the admin credential;
    /// the direct message that carries it is the bot's.
    pub fn credential(&self) -> Credential {
        match self {
            Self::XapiCommand { .. } | Self::XapiStatus { .. } => Credential::Bot,
            Self::SetDefaultTarget { .. }
            | Self::ClearDefaultTarget
            | Self::SetScope { .. }
            | Self::ClearScope
            | Self::ReadAudit { .. } => Credential::Local,
            Self::ConfigRead { .. }
            | Self::ConfigSet { .. }
            | Self::ConfigReset { .. }
            | Self::SetTags { .. }
            | Self::DeleteDevice
            | Self::UpdateWorkspace { .. }
            | Self::DeleteWorkspace
            | Self::CreateActivationCode { .. }
            | Self::CreateWorkspace { .. }
            | Self::CreateLocation { .. }
            | Self::CreateFloor { .. }
            | Self::ListFloors => Credential::Admin,
        }
    }

    /// Whether the op changes something (the listing cache is stale after it).
    pub fn changes_org(&self) -> bool {
        matches!(
            self,
            Self::SetTags { .. }
                | Self::DeleteDevice
                | Self::UpdateWorkspace { .. }
                | Self::DeleteWorkspace
                | Self::CreateActivationCode { .. }
                | Self::CreateWorkspace { .. }
                | Self::CreateLocation { .. }
                | Self::CreateFloor { .. }
        )
    }

    /// Whether running it twice could do something twice (it is not blindly retried or re-run).
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self,
            Self::XapiStatus { .. }
                | Self::ConfigRead { .. }
                | Self::ConfigSet { .. }
                | Self::ConfigReset { .. }
                | Self::SetTags { .. }
                | Self::UpdateWorkspace { .. }
                | Self::ListFloors
                | Self::SetDefaultTarget { .. }
                | Self::ClearDefaultTarget
                | Self::SetScope { .. }
                | Self::ClearScope
                | Self::ReadAudit { .. }
        )
    }
}

/// Workspace fields an edit sets (`None` keeps the current value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceChanges {
    pub kind: Option<String>,
    pub capacity: Option<u32>,
    pub notes: Option<String>,
}

/// A workspace to create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWorkspacePlan {
    pub name: String,
    pub kind: Option<String>,
    pub capacity: Option<u32>,
    pub notes: Option<String>,
    pub location: Option<LocationRef>,
    /// Floor number in `location` (its id is looked up when creating).
    pub floor: Option<i32>,
}

/// One configuration change: a value to set, or `None` to reset to the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigChange {
    pub key: String,
    pub value: Option<Value>,
}

/// What a plan does, with what its reply needs beyond the devices and calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// One xAPI command on every usable device.
    Xapi {
        path: String,
        arguments: Option<Value>,
    },
    /// Status names (empty: the summary) on every readable device.
    Status {
        keys: Vec<String>,
        /// With many devices, the page of per-device detail shown (the first page reads every
        /// device for a fleet summary; later pages read only their own devices); `None`: all.
        #[serde(default)]
        detail: Option<Paging>,
    },
    /// A configuration key (wildcards allowed) on every readable device.
    ConfigRead {
        key: String,
    },
    /// Configuration changes on every device that takes them.
    ConfigChange {
        changes: Vec<ConfigChange>,
    },
    /// A tag added to or removed from the target's devices.
    Tag {
        add: bool,
        tag: String,
    },
    /// One device deleted.
    DeleteDevice,
    /// One page of a device list: the plan's devices are that page's, grouped by location.
    Devices {
        paging: Paging,
    },
    /// One page of a workspace list.
    Workspaces {
        rows: Vec<WorkspaceRow>,
        location: Option<String>,
        paging: Paging,
    },
    /// One workspace and its devices (the plan's devices).
    ShowWorkspace {
        workspace: WorkspaceRef,
    },
    EditWorkspace {
        workspace: WorkspaceRef,
    },
    /// A workspace deleted with its devices (the plan's devices).
    DeleteWorkspace {
        workspace: WorkspaceRef,
    },
    Activate {
        workspace: WorkspaceRef,
    },
    CreateWorkspace {
        name: String,
    },
    /// The "new workspace" form, filled with what was typed.
    WorkspaceForm {
        defaults: WorkspaceFormDefaults,
    },
    /// The "new location" form.
    LocationForm {
        name: String,
    },
    CreateLocation {
        name: String,
    },
    /// One page of the locations.
    Locations {
        rows: Vec<LocationRow>,
        paging: Paging,
    },
    Floors {
        location: LocationRef,
    },
    CreateFloor {
        location: LocationRef,
        number: i32,
    },
    /// The space's default target, if any.
    UseShow {
        current: Option<String>,
    },
    UseSet {
        target: String,
    },
    UseClear,
    /// The space's scope, described (`None`: it has none).
    ScopeShow {
        current: Option<String>,
    },
    /// The space's new scope, described.
    ScopeSet {
        scope: String,
    },
    ScopeClear,
    /// A page of the audit trail.
    Audit {
        query: super::AuditRead,
    },
}

/// A workspace in a list: where it is and how its devices are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRow {
    pub workspace: WorkspaceRef,
    /// How a command addresses it alone: its name, or its id when others share the name.
    #[serde(default)]
    pub address: String,
    /// Its location's name ("" when none or unknown).
    pub location: String,
    pub devices: usize,
    /// Devices not connected.
    pub offline: usize,
    /// Devices connected with issues or reporting error codes.
    pub issues: usize,
}

/// A location in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRow {
    pub name: String,
    pub workspaces: usize,
}

/// What the "new workspace" form starts with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceFormDefaults {
    pub kind: Option<String>,
    pub capacity: Option<u32>,
    pub location: Option<LocationId>,
    pub floor: Option<i32>,
    pub notes: Option<String>,
}

/// Why a plan must be confirmed before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirm {
    /// It restarts or deletes something.
    Disruptive,
    /// It reaches more than one device.
    Bulk,
}
