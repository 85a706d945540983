//! The values the chat language parses into: [`Command`], [`Target`] and their small enums.
//! Pure data; parsing lives in the sibling modules and rendering in `render.rs`.

use serde_json::{Map, Value};

/// Where a command is aimed. `None` in a command means "the space's default target".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// `room <name>`: a workspace addressed by its name.
    Room(String),
    /// `workspace <name>`.
    Workspace(String),
    /// `device <name>`: one device by display name.
    Device(String),
    /// `tag <tag>`: every device carrying the tag.
    Tag(String),
    /// `location <name>`: every device in a workspace location.
    Location(String),
    /// `all`: every device the bot may address.
    All,
    /// A bare name (`mute 4B`): the resolver tries workspaces first.
    Bare(String),
}

/// One parsed chat command; handlers match on this, never on strings (DESIGN rule 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `help`, `help <command>`; `topic` is the help entry name (see [`super::help_for`]).
    Help { topic: Option<String> },
    /// `mute <target>`: Audio.Microphones.Mute.
    Mute { target: Option<Target> },
    /// `unmute <target>`: Audio.Microphones.Unmute.
    Unmute { target: Option<Target> },
    /// `volume <0-100> <target>`: Audio.Volume.Set Level.
    Volume { level: u8, target: Option<Target> },
    /// `volume up|down [<1-10>] <target>`: Audio.Volume.Increase/Decrease Steps.
    VolumeStep {
        direction: StepDirection,
        steps: u8,
        target: Option<Target>,
    },
    /// `standby|wake|halfwake <target>`: Standby.Activate/Deactivate/Halfwake.
    Standby {
        mode: StandbyMode,
        target: Option<Target>,
    },
    /// `reboot <target>`: SystemUnit.Boot Action: Restart (needs confirmation).
    Reboot { target: Option<Target> },
    /// `dial <number> <target>`: Dial Number.
    Dial {
        number: String,
        target: Option<Target>,
    },
    /// `hangup <target>`: Call.Disconnect.
    Hangup { target: Option<Target> },
    /// `alert "<text>" [for <n>s] <target>`: UserInterface.Message.Alert.Display.
    Alert {
        text: String,
        /// Seconds, 0–3600; `None` leaves the device default.
        duration: Option<u16>,
        target: Option<Target>,
    },
    /// `selfview on|off <target>`: Video.Selfview.Set Mode.
    Selfview { on: bool, target: Option<Target> },
    /// `status [<Key>…] <target> [page <n>]`: GET xapi/status; no keys means the summary.
    Status {
        keys: Vec<String>,
        target: Option<Target>,
        /// Which page of the per-device detail, from 1 (`None` is the first).
        page: Option<u32>,
    },
    /// `config <Key> <target>`: read configurations (wildcards and ranges allowed).
    ConfigGet { key: String, target: Option<Target> },
    /// `config set <Key> <value> <target>`: JSON Patch replace of one exact key.
    ConfigSet {
        key: String,
        /// As typed: unquoted integers are numbers, everything else strings.
        value: Value,
        target: Option<Target>,
    },
    /// `config reset <Key> <target>`: JSON Patch remove (back to the default).
    ConfigReset { key: String, target: Option<Target> },
    /// `xCommand <Path…> [<Arg>: <value>]… [on <target>]`.
    XCommand {
        /// Dotted path, e.g. `Presentation.Start`.
        path: String,
        /// Unquoted integers → numbers, others → strings, repeated → arrays (≥ 2 items).
        arguments: Map<String, Value>,
        target: Option<Target>,
    },
    /// `xStatus <Path…> [on <target>]`.
    XStatus {
        path: String,
        target: Option<Target>,
    },
    /// `xConfiguration <Path…>[: <value>] [on <target>]`; no value reads it.
    XConfiguration {
        path: String,
        value: Option<Value>,
        target: Option<Target>,
    },
    /// `devices [filters]`: GET devices.
    Devices { filters: DeviceFilters },
    /// `workspaces [in <location>] [page <n>]`.
    Workspaces {
        location: Option<String>,
        /// Which page, from 1 (`None` is the first).
        page: Option<u32>,
    },
    /// `workspace <name>`: the workspace and its devices.
    Workspace { name: String },
    /// `workspace <name> capacity|type|notes …`: GET + merge + PUT; at least one change.
    WorkspaceEdit {
        name: String,
        changes: WorkspaceDetails,
    },
    /// `workspace create [<name>] [details]`; no name means "show the form card".
    WorkspaceCreate {
        name: Option<String>,
        details: WorkspaceDetails,
    },
    /// `workspace delete <name>` (needs confirmation; its devices go too).
    WorkspaceDelete { name: String },
    /// `location create [<name>]`: the address fields come from a form card.
    LocationCreate { name: Option<String> },
    /// `floor create <location> <number> [<name>]`.
    FloorCreate {
        location: String,
        number: i32,
        name: Option<String>,
    },
    /// `tag <target> add|remove <tag>`: PATCH device tags.
    Tag {
        action: TagAction,
        tag: String,
        target: Option<Target>,
    },
    /// `activate <workspace>`: POST devices/activationCode.
    Activate { workspace: String },
    /// `delete device <name>` (needs confirmation).
    DeleteDevice { name: String },
    /// `locations [page <n>]`.
    Locations {
        /// Which page, from 1 (`None` is the first).
        page: Option<u32>,
    },
    /// `floors <location>`.
    Floors { location: String },
    /// `use`: show the space's default target.
    UseShow,
    /// `use <target>`: set the space's default target.
    Use { target: Target },
    /// `use none`: clear the space's default target.
    UseClear,
    /// `audit [all] [<n>] [by <person>] [on <target>] [since <time>] [page <n>]`: the audit
    /// trail (admins).
    Audit { filter: super::AuditFilter },
    /// `scope …`: the locations or tags this space's commands reach, and the least role here.
    Scope { change: super::ScopeChange },
    /// `plan <command>`: show what the command would do (targets, skipped devices, calls,
    /// confirmation), without doing it.
    Plan { command: Box<Command> },
    /// `pick <command> [page <n>]`: every target the command's name could mean, one page at a
    /// time (what a picker's More button runs); nothing is done until one is chosen.
    Pick {
        command: Box<Command>,
        /// Which page of candidates, from 1 (`None` is the first).
        page: Option<u32>,
    },
}

/// Direction of `volume up` / `volume down`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepDirection {
    Up,
    Down,
}

/// What `standby`, `wake` and `halfwake` ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StandbyMode {
    /// `standby`, `sleep`: Standby.Activate.
    Activate,
    /// `wake`: Standby.Deactivate.
    Deactivate,
    /// `halfwake`: Standby.Halfwake.
    Halfwake,
}

/// `add` or `remove` in `tag <target> add|remove <tag>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagAction {
    Add,
    Remove,
}

/// `online` / `offline` in `devices` filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Connectivity {
    Online,
    Offline,
}

/// Filters of `devices`; all optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFilters {
    pub connectivity: Option<Connectivity>,
    /// `issues`: only devices with open issues.
    pub issues: bool,
    pub tag: Option<String>,
    /// `product <p>`: partial product name, e.g. `DX80`.
    pub product: Option<String>,
    /// `in <location or workspace>`.
    pub place: Option<String>,
    /// `page <n>`: which page of a long list, from 1 (`None` is the first).
    pub page: Option<u32>,
}

/// Workspace fields set by `workspace create` and `workspace <name> …`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceDetails {
    pub kind: Option<WorkspaceType>,
    pub capacity: Option<u32>,
    pub notes: Option<String>,
    /// `in <location>` (create only).
    pub location: Option<String>,
    /// `floor <n>` (create only, needs `location`).
    pub floor: Option<i32>,
}

impl WorkspaceDetails {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The Webex workspace `type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkspaceType {
    NotSet,
    Focus,
    Huddle,
    MeetingRoom,
    Open,
    Desk,
    Other,
}

impl WorkspaceType {
    /// Every type, in the order help lists them.
    pub const ALL: [Self; 7] = [
        Self::NotSet,
        Self::Focus,
        Self::Huddle,
        Self::MeetingRoom,
        Self::Open,
        Self::Desk,
        Self::Other,
    ];

    /// The value the Webex API uses, e.g. `meetingRoom`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotSet => "notSet",
            Self::Focus => "focus",
            Self::Huddle => "huddle",
            Self::MeetingRoom => "meetingRoom",
            Self::Open => "open",
            Self::Desk => "desk",
            Self::Other => "other",
        }
    }

    /// Parses a type name, ignoring case.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name))
    }
}
