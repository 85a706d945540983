//! Reading and replacing the target or name a [`Command`] is aimed at, and the canonical text
//! of a target alone (what `use` stores and picker buttons carry). Pure.

use super::{Command, Target};

impl Command {
    /// The target slot of a command that takes one (`None` for commands that take none).
    pub fn target_slot(&mut self) -> Option<&mut Option<Target>> {
        match self {
            Self::Mute { target }
            | Self::Unmute { target }
            | Self::Volume { target, .. }
            | Self::VolumeStep { target, .. }
            | Self::Standby { target, .. }
            | Self::Reboot { target }
            | Self::Dial { target, .. }
            | Self::Hangup { target }
            | Self::Alert { target, .. }
            | Self::Selfview { target, .. }
            | Self::Status { target, .. }
            | Self::ConfigGet { target, .. }
            | Self::ConfigSet { target, .. }
            | Self::ConfigReset { target, .. }
            | Self::XCommand { target, .. }
            | Self::XStatus { target, .. }
            | Self::XConfiguration { target, .. }
            | Self::Tag { target, .. } => Some(target),
            _ => None,
        }
    }

    /// The target of a command that takes one, if given (`use <target>`'s included).
    pub fn target(&self) -> Option<Target> {
        match self {
            Self::Use { target } => Some(target.clone()),
            other => other.clone().target_slot().and_then(|slot| slot.take()),
        }
    }

    /// This command aimed at `target` instead (unchanged if it takes no target).
    pub fn with_target(mut self, target: Target) -> Self {
        if let Self::Use { target: slot } = &mut self {
            *slot = target;
        } else if let Some(slot) = self.target_slot() {
            *slot = Some(target);
        }
        self
    }

    /// This command naming the workspace or device `name` instead (unchanged if it names none).
    pub fn with_name(mut self, name: String) -> Self {
        match &mut self {
            Self::Workspace { name: slot }
            | Self::WorkspaceEdit { name: slot, .. }
            | Self::WorkspaceDelete { name: slot }
            | Self::DeleteDevice { name: slot }
            | Self::Activate { workspace: slot } => *slot = name,
            _ => {}
        }
        self
    }
}

impl Target {
    /// The canonical text of the target alone, e.g. `room 4B` or `device "4B Room Kit Pro"`.
    pub fn text(&self) -> String {
        let text = Command::Use {
            target: self.clone(),
        }
        .canonical();
        text.strip_prefix("use ").unwrap_or(&text).to_owned()
    }

    /// Parses target text written by [`Target::text`] (a stored default target).
    pub fn from_text(text: &str) -> Option<Self> {
        match Command::parse(&format!("use {text}")) {
            Ok(Command::Use { target }) => Some(target),
            _ => None,
        }
    }

    /// The name the target is written with (`all` for everything), for button titles.
    pub fn name(&self) -> &str {
        match self {
            Self::Room(n)
            | Self::Workspace(n)
            | Self::Device(n)
            | Self::Tag(n)
            | Self::Location(n)
            | Self::Bare(n) => n,
            Self::All => "all",
        }
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
            let text = target.text();
            assert_eq!(Target::from_text(&text), Some(target), "text: {text}");
        }
    }

    #[test]
    fn a_target_replaces_the_default() {
        let command = Command::parse("mute").expect("mute parses");
        let aimed = command.with_target(Target::Room("4B North".into()));
        assert_eq!(aimed.canonical(), r#"mute room "4B North""#);
        let used = Command::parse("use 4").expect("use parses");
        assert_eq!(
            used.with_target(Target::Room("4B".into())).canonical(),
            "use room 4B"
        );
    }
}
