//! What a command needs of a device (full or read access, online or not) and, when a device
//! does not allow it, why it is left out (DESIGN rule 4).

use crate::webex::Device;

/// What a command needs of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// Full xAPI access (`xapi:all` or bare `xapi`); else status access is enough.
    pub command: bool,
    /// The device must be online (xAPI calls); configuration changes work offline.
    pub online: bool,
}

impl Need {
    /// xAPI commands: full access, online.
    pub const COMMAND: Self = Self {
        command: true,
        online: true,
    };
    /// xAPI status: read access, online.
    pub const STATUS: Self = Self {
        command: false,
        online: true,
    };
    /// Configuration reads: read access, offline allowed.
    pub const READ_CONFIG: Self = Self {
        command: false,
        online: false,
    };
    /// Configuration changes: full access, offline allowed (applied on reconnect).
    pub const CONFIGURE: Self = Self {
        command: true,
        online: false,
    };
}

/// Why a device of the target was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// `xapi:readonly`: status only.
    ReadOnly,
    /// No xAPI permission at all.
    NoAccess,
    /// Not connected, so a command cannot reach it.
    Offline,
    /// Already as asked (e.g. the tag is already there): nothing to send.
    Unchanged,
    /// A touch controller (Room Navigator, Touch 10) of a room with a main device: commands and
    /// status go to the main device.
    Peripheral,
    /// No longer in the organisation (deleted since a confirmation was asked).
    Gone,
    /// A personal-mode device (someone's own, in no workspace): left out of `all`, tags and
    /// locations; named on its own, it is addressed.
    Personal,
}

impl SkipReason {
    /// The line shown to people.
    pub fn explain(self) -> &'static str {
        match self {
            Self::ReadOnly => "skipped: read-only (xapi:readonly), status only",
            Self::NoAccess => {
                "skipped: no access granted; an admin grants it per workspace in Control Hub"
            }
            Self::Offline => "skipped: offline, not called",
            Self::Unchanged => "unchanged: already so, nothing sent",
            Self::Peripheral => {
                "not called: a touch controller; the room's main device is addressed"
            }
            Self::Gone => {
                "skipped: no longer in the organisation (gone since you were asked to confirm)"
            }
            Self::Personal => "left out: a personal device; name it to address it",
        }
    }
}

/// Splits `devices` into those that allow `need` and the skipped ones with their reason.
pub fn select(devices: Vec<Device>, need: Need) -> (Vec<Device>, Vec<(Device, SkipReason)>) {
    let mut usable = Vec::new();
    let mut skipped = Vec::new();
    for device in devices {
        match skip_reason(&device, need) {
            Some(reason) => skipped.push((device, reason)),
            None => usable.push(device),
        }
    }
    (usable, skipped)
}

/// Why `device` does not allow `need`, or `None` when it does.
pub fn skip_reason(device: &Device, need: Need) -> Option<SkipReason> {
    if need.command && !device.can_command() {
        Some(if device.can_read_status() {
            SkipReason::ReadOnly
        } else {
            SkipReason::NoAccess
        })
    } else if !device.can_read_status() {
        Some(SkipReason::NoAccess)
    } else if need.online && !device.is_online() {
        Some(SkipReason::Offline)
    } else {
        None
    }
}
