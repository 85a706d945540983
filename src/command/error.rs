//! [`ParseError`]: why a chat text is not a command. Its `Display` text is the user-facing
//! reply, so every message says what to type instead (a usage line and an example).

use super::{spec, table};

/// Why [`super::Command::parse`] rejected a text. `command` fields hold the help entry name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Nothing left after normalisation.
    #[error("Type “help” to see what I can do.")]
    Empty,
    /// The first word is no command; `suggestions` are the closest commands (edit distance).
    #[error("I don't know the command “{input}”.{}", did_you_mean(.suggestions))]
    UnknownCommand {
        input: String,
        suggestions: Vec<String>,
    },
    /// `help <topic>` with an unknown topic.
    #[error("There is no help on “{topic}”.{}", did_you_mean(.suggestions))]
    UnknownHelpTopic {
        topic: String,
        suggestions: Vec<String>,
    },
    /// A required argument is missing.
    #[error("“{command}” needs {argument}.{}", usage_hint(.command, .usage))]
    MissingArgument {
        command: &'static str,
        argument: &'static str,
        usage: &'static str,
    },
    /// An argument is present but not allowed; `reason` names the allowed values.
    #[error("{reason}.{}", usage_hint(.command, .usage))]
    InvalidArgument {
        command: &'static str,
        argument: &'static str,
        reason: String,
        usage: &'static str,
    },
    /// Words left over that the command does not take.
    #[error("“{command}” does not take “{text}”.{}", usage_hint(.command, .usage))]
    UnexpectedText {
        command: &'static str,
        text: String,
        usage: &'static str,
    },
    /// A `"` was opened and never closed.
    #[error("A quote is not closed: end the quoted text with “\"”.")]
    UnterminatedQuote,
}

fn did_you_mean(suggestions: &[String]) -> String {
    let listed = suggestions
        .iter()
        .map(|verb| format!("“{verb}”"))
        .collect::<Vec<_>>();
    let hint = match listed.as_slice() {
        [] => String::new(),
        [one] => format!(" Did you mean {one}?"),
        [init @ .., last] => format!(" Did you mean {} or {last}?", init.join(", ")),
    };
    format!("{hint} Type “help” to see all commands.")
}

fn usage_hint(command: &str, usage: &str) -> String {
    match table::spec_named(command).and_then(|spec| spec::example_for(spec, command)) {
        Some(example) => format!(" Usage: “{usage}”, for example “{example}”."),
        None => format!(" Usage: “{usage}”."),
    }
}
