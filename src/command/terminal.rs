//! Terminal notation as the RoomOS Device guide writes it: `xCommand <Path…> [<Arg>: <value>]…`,
//! `xStatus <Path…>`, `xConfiguration <Path…>: <value>`, each optionally followed by
//! `on|in <target>`. Paths may be spaced (`Audio Volume`) or dotted (`Audio.Volume`); a number
//! after a segment is its index (`Service 1 Name` → `Service[1].Name`).

use serde_json::{Map, Value};

use super::args::Args;
use super::keys::{is_identifier, is_key_segment, key_segments, typed_value};
use super::lexer::Token;
use super::{Command, ParseError};

/// Words that introduce the target in terminal notation.
pub(crate) const TERMINAL_INTRODUCERS: &[&str] = &["on", "in"];

/// `xCommand <Path…> [<Arg>: <value>]… [on <target>]`.
pub(crate) fn parse_xcommand(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let (path, _) = read_path(args, false)?;
    let mut arguments = Map::new();
    while let Some(token) = args.peek() {
        if TERMINAL_INTRODUCERS.iter().any(|word| token.is(word)) {
            break;
        }
        let Some((name, inline)) = token.word().and_then(|word| word.split_once(':')) else {
            return Err(args.invalid(
                "argument",
                format!(
                    "expected “Name: value” after the path, found “{}”",
                    token.text()
                ),
            ));
        };
        if !is_identifier(name) {
            return Err(args.invalid("argument", format!("“{name}” is not an argument name")));
        }
        args.next_token();
        let value = match inline {
            "" => args
                .next_token()
                .map(typed_value)
                .ok_or_else(|| args.missing("a value after the argument name"))?,
            text => typed_value(&Token::Word(text.to_owned())),
        };
        add_argument(&mut arguments, name, value);
    }
    let target = args.target_with(TERMINAL_INTRODUCERS)?;
    Ok(Command::XCommand {
        path,
        arguments,
        target,
    })
}

/// A repeated argument becomes an array, in the order given.
fn add_argument(arguments: &mut Map<String, Value>, name: &str, value: Value) {
    match arguments.get_mut(name) {
        Some(Value::Array(values)) => values.push(value),
        Some(first) => *first = Value::Array(vec![first.take(), value]),
        None => {
            arguments.insert(name.to_owned(), value);
        }
    }
}

/// `xStatus <Path…> [on <target>]`.
pub(crate) fn parse_xstatus(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let (path, colon) = read_path(args, true)?;
    if colon.is_some() {
        return Err(args.invalid(
            "path",
            "xStatus takes no value: write “xStatus Audio Volume”",
        ));
    }
    let target = args.target_with(TERMINAL_INTRODUCERS)?;
    Ok(Command::XStatus { path, target })
}

/// `xConfiguration <Path…>[: <value>] [on <target>]`.
pub(crate) fn parse_xconfiguration(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let (path, colon) = read_path(args, true)?;
    let value = match colon {
        Some(inline) => Some(read_config_value(args, inline)?),
        None => None,
    };
    let target = args.target_with(TERMINAL_INTRODUCERS)?;
    Ok(Command::XConfiguration {
        path,
        value,
        target,
    })
}

/// The value after `Path:`: the rest of the colon word, or the next token plus any further
/// unquoted words up to `on`/`in` (joined into one string).
fn read_config_value(args: &mut Args<'_>, inline: &str) -> Result<Value, ParseError> {
    if !inline.is_empty() {
        return Ok(typed_value(&Token::Word(inline.to_owned())));
    }
    let first = args
        .next_token()
        .ok_or_else(|| args.missing("a value after the colon"))?;
    let more = args.take_until(TERMINAL_INTRODUCERS);
    if more.is_empty() {
        return Ok(typed_value(first));
    }
    let all = std::iter::once(first).chain(more);
    if all.clone().any(|token| token.word().is_none()) {
        return Err(args.invalid("value", "put a value with spaces in quotes"));
    }
    Ok(Value::String(
        all.map(Token::text).collect::<Vec<_>>().join(" "),
    ))
}

/// Reads path words up to an argument (`Name:`), a value colon, `on`/`in` or the end.
/// When a colon ends the path (`indexed` paths only), also returns the text after it.
fn read_path<'a>(
    args: &mut Args<'a>,
    indexed: bool,
) -> Result<(String, Option<&'a str>), ParseError> {
    let mut colon = None;
    let mut segments: Vec<String> = Vec::new();
    while let Some(token) = args.peek() {
        if TERMINAL_INTRODUCERS.iter().any(|word| token.is(word)) {
            break;
        }
        let Some(word) = token.word() else {
            return Err(args.invalid("path", "a path is not quoted: write “Audio Volume”"));
        };
        if word.contains(':') && !indexed {
            break; // an xCommand argument starts here
        }
        let part = match word.split_once(':') {
            Some((part, rest)) => {
                colon = Some(rest);
                part
            }
            None => word,
        };
        args.next_token();
        if !part.is_empty() {
            push_path_word(args, &mut segments, part, indexed)?;
        }
        if colon.is_some() {
            break;
        }
    }
    if segments.is_empty() {
        return Err(args.missing("a path, like “Audio Volume”"));
    }
    Ok((segments.join("."), colon))
}

fn push_path_word(
    args: &Args<'_>,
    segments: &mut Vec<String>,
    word: &str,
    indexed: bool,
) -> Result<(), ParseError> {
    for part in key_segments(word) {
        let is_number = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        match segments.last_mut() {
            Some(last) if indexed && is_number && !last.ends_with(']') => {
                last.push_str(&format!("[{part}]"));
            }
            _ if indexed && is_key_segment(part) => segments.push(part.to_owned()),
            _ if !indexed && is_identifier(part) => segments.push(part.to_owned()),
            _ => {
                return Err(args.invalid(
                    "path",
                    format!("“{part}” is not a path segment: write paths like “Audio Volume Set”"),
                ));
            }
        }
    }
    Ok(())
}
