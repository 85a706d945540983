//! Who may run what: the least role of each command (viewers read, operators act, admins
//! manage), checked before anything else is planned.

use crate::access::Role;
use crate::command::Command;

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
        | Command::Locations
        | Command::Floors { .. }
        | Command::UseShow
        | Command::Plan { .. } => Role::Viewer,
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
        | Command::DeleteDevice { .. } => Role::Admin,
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
