//! Reading and replacing the target of a [`Command`], the role each command needs, and the
//! canonical text of a target alone (what `use` stores and buttons carry).

use crate::access::Role;
use crate::command::{Command, Target};

/// The target slot of a device command (`None` for commands that take no target).
pub fn target_slot(command: &mut Command) -> Option<&mut Option<Target>> {
    match command {
        Command::Mute { target }
        | Command::Unmute { target }
        | Command::Volume { target, .. }
        | Command::VolumeStep { target, .. }
        | Command::Standby { target, .. }
        | Command::Reboot { target }
        | Command::Dial { target, .. }
        | Command::Hangup { target }
        | Command::Alert { target, .. }
        | Command::Selfview { target, .. }
        | Command::Status { target, .. }
        | Command::ConfigGet { target, .. }
        | Command::ConfigSet { target, .. }
        | Command::ConfigReset { target, .. }
        | Command::XCommand { target, .. }
        | Command::XStatus { target, .. }
        | Command::XConfiguration { target, .. }
        | Command::Tag { target, .. } => Some(target),
        _ => None,
    }
}

/// The name slot of commands that name one workspace or device.
pub fn name_slot(command: &mut Command) -> Option<&mut String> {
    match command {
        Command::Workspace { name }
        | Command::WorkspaceEdit { name, .. }
        | Command::WorkspaceDelete { name }
        | Command::DeleteDevice { name }
        | Command::Activate { workspace: name } => Some(name),
        _ => None,
    }
}

/// `command` aimed at `target` instead (unchanged if it takes no target).
pub fn with_target(mut command: Command, target: Target) -> Command {
    if let Some(slot) = target_slot(&mut command) {
        *slot = Some(target);
    }
    command
}

/// `command` naming `name` instead (unchanged if it names nothing).
pub fn with_name(mut command: Command, name: String) -> Command {
    if let Some(slot) = name_slot(&mut command) {
        *slot = name;
    }
    command
}

/// The canonical text of a target alone, e.g. `room 4B` or `device "4B Room Kit Pro"`.
pub fn target_text(target: &Target) -> String {
    let text = Command::Use {
        target: target.clone(),
    }
    .canonical();
    text.strip_prefix("use ").unwrap_or(&text).to_owned()
}

/// Parses target text written by [`target_text`] (a stored default target).
pub fn parse_target(text: &str) -> Option<Target> {
    match Command::parse(&format!("use {text}")) {
        Ok(Command::Use { target }) => Some(target),
        _ => None,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_text_round_trips() {
        for target in [
            Target::Room("4B North".into()),
            Target::Device("4B Room Kit Pro".into()),
            Target::Tag("oslo".into()),
            Target::All,
            Target::Bare("4B".into()),
            Target::Location("San Jose".into()),
        ] {
            let text = target_text(&target);
            assert_eq!(parse_target(&text), Some(target), "text: {text}");
        }
    }

    #[test]
    fn roles_grow_with_impact() {
        let role = |text: &str| required_role(&Command::parse(text).expect(text));
        assert_eq!(role("status 4B"), Role::Viewer);
        assert_eq!(role("config Audio.DefaultVolume in 4B"), Role::Viewer);
        assert_eq!(role("mute 4B"), Role::Operator);
        assert_eq!(
            role("config set Audio.DefaultVolume 60 in 4B"),
            Role::Operator
        );
        assert_eq!(role("workspace delete 4B"), Role::Admin);
        assert_eq!(role("activate 4B"), Role::Admin);
    }

    #[test]
    fn a_target_replaces_the_default() {
        let command = Command::parse("mute").expect("mute parses");
        let aimed = with_target(command, Target::Room("4B North".into()));
        assert_eq!(aimed.canonical(), r#"mute room "4B North""#);
    }
}
