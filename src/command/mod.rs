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
mod governance;
mod help;
mod keys;
mod keywords;
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
pub use governance::{AUDIT_DEFAULT, AUDIT_MAX, AuditFilter, ScopeChange, Since};
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

/// `pick <command> [page <n>]`: the command whose target candidates to page through.
pub(crate) fn parse_pick(args: &mut args::Args<'_>) -> Result<Command, ParseError> {
    let page = args.take_page()?;
    let tokens = args.take_rest();
    if tokens.is_empty() {
        return Err(args.missing("command"));
    }
    match parse_tokens(tokens)? {
        inner @ (Command::Plan { .. } | Command::Pick { .. } | Command::Help { .. }) => Err(args
            .invalid(
                "command",
                format!("there is nothing to pick in {}", inner.canonical()),
            )),
        command => Ok(Command::Pick {
            command: Box::new(command),
            page,
        }),
    }
}

fn parse_tokens(tokens: &[lexer::Token]) -> Result<Command, ParseError> {
    let Some(first) = tokens.first() else {
        return Err(ParseError::Empty);
    };
    let Some((spec, verb, used)) = table::match_verb(tokens) else {
        let suggestions = suggest(first.text());
        // A bare target (`4B`, `"Big Conference"`, `Audio.Volume in 4B`) asks for its status;
        // a word close to a command is a typo of that command instead.
        if suggestions.is_empty()
            && let Some(status) = bare_status(tokens)
        {
            return Ok(status);
        }
        return Err(ParseError::UnknownCommand {
            input: first.text().to_owned(),
            suggestions,
        });
    };
    let mut args = args::Args::new(spec, verb, &tokens[used..]);
    let command = (spec.parse)(&mut args)?;
    args.finish()?;
    Ok(command)
}

/// `tokens` read as the arguments of `status`, if they are a target (or keys and a target).
fn bare_status(tokens: &[lexer::Token]) -> Option<Command> {
    let spec = table::spec_named("status")?;
    let mut args = args::Args::new(spec, "status", tokens);
    let command = (spec.parse)(&mut args).ok()?;
    args.finish().ok()?;
    match &command {
        Command::Status {
            target: Some(_), ..
        } => Some(command),
        _ => None,
    }
}

/// The commands `input` likely meant when its first word is no command: the same words after
/// each suggested verb, where that parses (`stauts 4B` → `status 4B`), best first.
pub fn corrections(input: &str) -> Vec<Command> {
    let Ok(tokens) = lexer::tokenize(input) else {
        return Vec::new();
    };
    let Some((first, rest)) = tokens.split_first() else {
        return Vec::new();
    };
    if table::match_verb(&tokens).is_some() {
        return Vec::new();
    }
    let rest = args::join_display(rest);
    suggest(first.text())
        .into_iter()
        .filter_map(|verb| Command::parse(&format!("{verb} {rest}")).ok())
        .collect()
}

impl FromStr for Command {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}
