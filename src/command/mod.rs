//! The chat command language: text (typed, or carried by a card button) → [`Command`].
//! Pure: no I/O. One grammar table (`table.rs`) drives parsing, help and the README
//! reference; every command has one canonical text ([`Command::canonical`]) that parses back
//! to it.
//!
//! Layout: `lexer` (normalisation, quotes, tokens), `args` (cursor and target phrases),
//! `device`, `keys`, `terminal` and `fleet` (per-family parsers), `render` (canonical text),
//! `help` (help data and markdown), `suggest` (did-you-mean), `error` ([`ParseError`]).

mod args;
mod device;
mod error;
mod fleet;
mod help;
mod keys;
mod lexer;
mod model;
mod render;
mod slots;
mod spec;
mod suggest;
mod table;
mod terminal;

use std::str::FromStr;

pub use device::{ALERT_DURATION_MAX, ALERT_TEXT_MAX, VOLUME_STEPS_MAX};
pub use error::ParseError;
pub use help::{
    HelpEntry, HelpGroup, HelpSummary, TARGETS_HELP, help_for, help_overview, overview_markdown,
    reference_markdown,
};
pub use keys::{STATUS_KEYS_MAX, is_key, is_pattern};
pub use model::{
    Command, Connectivity, DeviceFilters, StandbyMode, StepDirection, TagAction, Target,
    WorkspaceDetails, WorkspaceType,
};
pub use suggest::suggest;

impl Command {
    /// Parses one chat command. Tolerates case in verbs, extra spaces, trailing punctuation,
    /// smart quotes and backticks around the whole command. The error's `Display` is the reply.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        parse_tokens(&lexer::tokenize(input)?)
    }
}

/// `plan <command>`: the command to preview, parsed from the rest of the tokens.
pub(crate) fn parse_plan(args: &mut args::Args<'_>) -> Result<Command, ParseError> {
    let tokens = args.take_rest();
    if tokens.is_empty() {
        return Err(args.missing("command"));
    }
    match parse_tokens(tokens)? {
        Command::Plan { .. } => Err(args.invalid("command", "a plan of a plan shows nothing more")),
        command => Ok(Command::Plan {
            command: Box::new(command),
        }),
    }
}

fn parse_tokens(tokens: &[lexer::Token]) -> Result<Command, ParseError> {
    let Some(first) = tokens.first() else {
        return Err(ParseError::Empty);
    };
    let Some((spec, verb, used)) = table::match_verb(tokens) else {
        return Err(ParseError::UnknownCommand {
            input: first.text().to_owned(),
            suggestions: suggest(first.text()),
        });
    };
    let mut args = args::Args::new(spec, verb, &tokens[used..]);
    let command = (spec.parse)(&mut args)?;
    args.finish()?;
    Ok(command)
}

impl FromStr for Command {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}
