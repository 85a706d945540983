//! Did-you-mean for targets: when a name matches nothing, the command as it was likely meant,
//! ready to run from a button. A misspelled or dropped kind word comes first (`mute rom 4B`,
//! `mute worksapce 4B` → `mute room 4B`), then the closest names (`mute Sagrda` → `mute room
//! Sagrada`).

use crate::command::{Command, Target};
use crate::resolve::{Resolution, resolve_in};

use super::{Choice, Snapshot};

/// Most did-you-mean buttons.
const MAX_SUGGESTIONS: usize = 3;

/// The words that say what kind of target follows, and what each makes of a name.
/// Makes a target of a name.
type MakeTarget = fn(String) -> Target;

const KINDS: &[(&str, MakeTarget)] = &[
    ("room", Target::Room),
    ("workspace", Target::Workspace),
    ("device", Target::Device),
    ("tag", Target::Tag),
    ("location", Target::Location),
];

/// The likeliest commands `command` stood for when `target` matched nothing: a misspelled kind
/// word corrected, then each of the `closest` names in the target's place.
pub(super) fn suggestions(
    command: &Command,
    target: &Target,
    closest: &[String],
    snapshot: &Snapshot,
) -> Vec<Choice> {
    // A corrected kind word is sure enough to be the only suggestion.
    let targets: Vec<Target> = match misspelled_kind(target, snapshot) {
        Some(corrected) => vec![corrected],
        None => closest
            .iter()
            .map(|name| retarget(target, name.clone()))
            .collect(),
    };
    let mut choices: Vec<Choice> = Vec::new();
    for target in targets {
        let command = command.clone().with_target(target.clone()).canonical();
        let label = target.name().to_owned();
        // The same command twice is one button (a command without a target slot, `devices`,
        // is told apart by the label its caller puts in).
        let known = |c: &Choice| c.command == command && c.label == label;
        if choices.len() < MAX_SUGGESTIONS && !choices.iter().any(known) {
            choices.push(Choice {
                label,
                context: String::new(),
                command,
            });
        }
    }
    choices
}

/// `rom 4B` → `room 4B` when the first word is one edit or two from a kind word and the rest
/// names something of that kind.
fn misspelled_kind(target: &Target, snapshot: &Snapshot) -> Option<Target> {
    let (Target::Bare(text) | Target::Room(text) | Target::Workspace(text)) = target else {
        return None;
    };
    let (first, rest) = text.trim().split_once(' ')?;
    let first = first.to_lowercase();
    let limit = if first.chars().count() <= 4 { 1 } else { 2 };
    KINDS
        .iter()
        .filter(|(word, _)| *word != first && strsim::damerau_levenshtein(word, &first) <= limit)
        .map(|(_, make)| make(rest.trim().to_owned()))
        .find(|candidate| {
            matches!(
                resolve_in(&snapshot.org, &snapshot.locations, candidate),
                Resolution::Devices(_)
            )
        })
}

/// `target` with `name` in its place (a bare name's closest names are workspaces; without
/// admin access, a room is found by a device's name).
fn retarget(target: &Target, name: String) -> Target {
    match target {
        Target::Device(_) => Target::Device(name),
        Target::Tag(_) => Target::Tag(name),
        Target::Location(_) => Target::Location(name),
        _ => Target::Room(name),
    }
}
