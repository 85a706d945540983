//! What one row of the grammar table is ([`Spec`], its [`Group`] and [`Parser`]) and the
//! lookups within one row (usage lines, examples). Parsers use this; they never import the
//! table, which imports them.

use super::args::Args;
use super::{Command, ParseError};

/// A row's parser: gets the tokens after the verb.
pub(crate) type Parser = fn(&mut Args<'_>) -> Result<Command, ParseError>;

/// One command of the chat language.
pub(crate) struct Spec {
    /// Help topic and entry name, e.g. `volume up`.
    pub name: &'static str,
    /// What it does, as the issue table names it (`Volume step`).
    pub title: &'static str,
    pub group: Group,
    /// Lowercase verbs, possibly several words (`hang up`); the longest match wins.
    pub verbs: &'static [&'static str],
    pub summary: &'static str,
    pub forms: &'static [&'static str],
    pub variants: &'static [&'static str],
    pub examples: &'static [&'static str],
    /// The xAPI or REST call it leads to.
    pub api: &'static str,
    pub parse: Parser,
}

/// Help groups, in the order `help` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    General,
    AudioVideo,
    PowerCalls,
    StatusConfig,
    Fleet,
}

impl Group {
    /// Every group, in help order.
    pub const ALL: [Self; 5] = [
        Self::AudioVideo,
        Self::PowerCalls,
        Self::StatusConfig,
        Self::Fleet,
        Self::General,
    ];

    /// The group's heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::General => "General",
            Self::AudioVideo => "Audio and video",
            Self::PowerCalls => "Power, calls and messages",
            Self::StatusConfig => "Status and configuration",
            Self::Fleet => "Workspaces and devices",
        }
    }
}

/// The form (or else variant) of `spec` that starts with `verb`, for usage lines.
pub(crate) fn usage_for(spec: &Spec, verb: &str) -> &'static str {
    let starts = |line: &&&'static str| {
        line.get(..verb.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(verb))
    };
    spec.forms
        .iter()
        .find(starts)
        .or_else(|| spec.variants.iter().find(starts))
        .or(spec.forms.first())
        .copied()
        .unwrap_or(spec.name)
}

/// The form of `spec` that mentions `word` as a keyword (`… capacity <n>`), if any.
pub(crate) fn usage_mentioning(spec: &Spec, word: &str) -> Option<&'static str> {
    spec.forms
        .iter()
        .find(|form| form.split(' ').skip(1).any(|part| part == word))
        .copied()
}

/// The example of `spec` that starts with `verb`, else its first example.
pub(crate) fn example_for(spec: &Spec, verb: &str) -> Option<&'static str> {
    let starts = |line: &&&'static str| {
        line.get(..verb.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(verb))
    };
    spec.examples
        .iter()
        .find(starts)
        .or(spec.examples.first())
        .copied()
}
