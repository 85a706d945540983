//! Who may run what: the least role of each command (viewers read, operators act, admins
//! manage), and which commands need roombot's admin credential; both checked before anything
//! else is planned, so a refusal makes no Webex call.

use crate::access::Role;
use crate::command::{Command, ScopeChange};

use super::Refusal;

/// The least role that may run `command` (DESIGN: viewers read, operators act, admins manage).
pub fn required_role(command: &Command) -> Role {
    match command {
        Command::Help { .. }
        | Command::Status { .. }
        | Command::ConfigGet { .. }
        | Command::XStatus { .. }
        | Command::XConfiguration { value: None, .. }
        | Command::Devices { .. }
        | Command::Workspaces { .. }
        | Command::Workspace { .. }
        | Command::Locations { .. }
        | Command::Floors { .. }
        | Command::UseShow
        | Command::Scope {
            change: ScopeChange::Show,
        }
        | Command::Plan { .. } => Role::Viewer,
        Command::Pick { command, .. } => required_role(command),
        Command::Mute { .. }
        | Command::Unmute { .. }
        | Command::Volume { .. }
        | Command::VolumeStep { .. }
        | Command::Standby { .. }
        | Command::Reboot { .. }
        | Command::Dial { .. }
        | Command::Hangup { .. }
        | Command::Alert { .. }
        | Command::Selfview { .. }
        | Command::ConfigSet { .. }
        | Command::ConfigReset { .. }
        | Command::XCommand { .. }
        | Command::XConfiguration { value: Some(_), .. }
        | Command::Tag { .. }
        | Command::Use { .. }
        | Command::UseClear => Role::Operator,
        Command::WorkspaceEdit { .. }
        | Command::WorkspaceCreate { .. }
        | Command::WorkspaceDelete { .. }
        | Command::LocationCreate { .. }
        | Command::FloorCreate { .. }
        | Command::Activate { .. }
        | Command::DeleteDevice { .. }
        | Command::Audit { .. }
        | Command::Scope { .. } => Role::Admin,
    }
}

/// Refuses `command` when `role` is below what it needs (before anything is looked up).
pub fn check_role(command: &Command, role: Role) -> Result<(), Refusal> {
    let needed = required_role(command);
    if role >= needed {
        return Ok(());
    }
    let text = command.canonical();
    Err(Refusal::Role {
        verb: text.split_whitespace().next().unwrap_or("this").to_owned(),
        needed,
        have: role,
    })
}

/// Whether `command` needs the admin credential: it reads or changes configurations, tags,
/// workspaces, locations or floors, deletes a device, or lists what only admins may list
/// (workspace names, locations). Device commands, status, device lists and `use` do not.
pub fn needs_admin(command: &Command) -> bool {
    match command {
        Command::ConfigGet { .. }
        | Command::ConfigSet { .. }
        | Command::ConfigReset { .. }
        | Command::XConfiguration { .. }
        | Command::Tag { .. }
        | Command::DeleteDevice { .. }
        | Command::Workspaces { .. }
        | Command::Workspace { .. }
        | Command::WorkspaceEdit { .. }
        | Command::WorkspaceCreate { .. }
        | Command::WorkspaceDelete { .. }
        | Command::Activate { .. }
        | Command::LocationCreate { .. }
        | Command::FloorCreate { .. }
        | Command::Locations { .. }
        | Command::Floors { .. } => true,
        Command::Devices { filters } => filters.place.is_some(),
        Command::Scope { change } => matches!(change, ScopeChange::Location(_)),
        Command::Plan { command } | Command::Pick { command, .. } => needs_admin(command),
        Command::Help { .. }
        | Command::Mute { .. }
        | Command::Unmute { .. }
        | Command::Volume { .. }
        | Command::VolumeStep { .. }
        | Command::Standby { .. }
        | Command::Reboot { .. }
        | Command::Dial { .. }
        | Command::Hangup { .. }
        | Command::Alert { .. }
        | Command::Selfview { .. }
        | Command::Status { .. }
        | Command::XCommand { .. }
        | Command::XStatus { .. }
        | Command::UseShow
        | Command::Use { .. }
        | Command::UseClear
        | Command::Audit { .. } => false,
    }
}

/// Refuses `command` when it needs the admin credential and roombot has none (`Err(None)`)
/// or the one it has does not work (`Err(Some(why))`).
pub fn check_admin(command: &Command, admin: &Result<(), Option<String>>) -> Result<(), Refusal> {
    let Err(broken) = admin else {
        return Ok(());
    };
    if !needs_admin(command) {
        return Ok(());
    }
    let text = command.canonical();
    Err(Refusal::NeedsAdmin {
        verb: text.split_whitespace().next().unwrap_or("this").to_owned(),
        broken: broken.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grow_with_impact() {
        let role = |text: &str| required_role(&Command::parse(text).expect(text));
        assert_eq!(role("status 4B"), Role::Viewer);
        assert_eq!(role("config Audio.DefaultVolume in 4B"), Role::Viewer);
        assert_eq!(role("plan reboot 4B"), Role::Viewer);
        assert_eq!(role("mute 4B"), Role::Operator);
        assert_eq!(
            role("config set Audio.DefaultVolume 60 in 4B"),
            Role::Operator
        );
        assert_eq!(role("workspace delete 4B"), Role::Admin);
        assert_eq!(role("activate 4B"), Role::Admin);
    }
}
