//! xAPI key syntax (`Audio.Volume`, `Audio.*`, `HDMI[1..3].Mute`, `Service[2..n]`) and the
//! `status` and `config` commands built on it.

use serde_json::Value;

use super::args::{Args, INTRODUCERS, integer};
use super::lexer::Token;
use super::{Command, ParseError};

/// Most keys one `status` command may ask for.
pub const STATUS_KEYS_MAX: usize = 10;

/// Words that start a target phrase without an introducer.
pub(crate) const KIND_WORDS: &[&str] = &["room", "workspace", "device", "tag", "location", "all"];

/// Top-level xAPI status and configuration nodes; a bare word equal to one of these is read
/// as a key, not a workspace name (`status Audio 4B`).
pub(crate) const XAPI_ROOTS: &[&str] = &[
    "Audio",
    "Bookings",
    "Call",
    "Cameras",
    "Capabilities",
    "Conference",
    "Diagnostics",
    "FacilityService",
    "GPIO",
    "H323",
    "HttpClient",
    "HttpFeedback",
    "Logging",
    "Macros",
    "MediaChannels",
    "Network",
    "NetworkServices",
    "Peripherals",
    "Phonebook",
    "Provisioning",
    "Proximity",
    "RoomAnalytics",
    "RoomPreset",
    "RTP",
    "Security",
    "SerialPort",
    "SIP",
    "Standby",
    "SystemUnit",
    "Time",
    "UserInterface",
    "UserManagement",
    "Video",
    "WebEngine",
    "Webex",
];

const KEY_HINT: &str = "keys look like Audio.Volume, Audio.*, *.Volume, \
                        Audio.Input.Connectors.HDMI[1..3].Mute or FacilityService.Service[2..n].Name";

/// True if `text` is an xAPI key: dot-separated segments, each a name or `*`, optionally
/// followed by `[n]`, `[*]`, `[a..b]` or `[a..n]`.
pub fn is_key(text: &str) -> bool {
    !text.is_empty() && key_segments(text).into_iter().all(is_key_segment)
}

/// Splits a key at the dots outside `[…]` (`HDMI[2..3].Mute` → `HDMI[2..3]`, `Mute`).
pub(crate) fn key_segments(text: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                segments.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    segments.push(&text[start..]);
    segments
}

/// True if a key selects more than one node (`*`, `[*]` or a range).
pub fn is_pattern(key: &str) -> bool {
    key.contains('*') || key.contains("..")
}

/// One key segment: `Name`, `*`, `Name[1]`, `Name[*]`, `Name[1..3]`, `Name[2..n]`.
pub(crate) fn is_key_segment(segment: &str) -> bool {
    let (name, index) = match segment.split_once('[') {
        Some((name, rest)) => match rest.strip_suffix(']') {
            Some(index) => (name, Some(index)),
            None => return false,
        },
        None => (segment, None),
    };
    (name == "*" || is_identifier(name)) && index.is_none_or(is_index)
}

/// A name segment: an ASCII letter, then letters, digits or `_`.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_index(index: &str) -> bool {
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    match index.split_once("..") {
        Some((from, to)) => number(from) && (number(to) || to == "n"),
        None => index == "*" || number(index),
    }
}

/// True for an unquoted word that reads as a key rather than a name.
fn looks_like_key(token: &Token) -> bool {
    token.word().is_some_and(|word| {
        is_key(word)
            && (word.contains(['.', '*', '['])
                || XAPI_ROOTS
                    .iter()
                    .any(|root| root.eq_ignore_ascii_case(word)))
    })
}

/// `status [<Key>…] <target>`.
pub(crate) fn parse_status(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let page = args.take_page()?;
    let rest = args.take_rest();
    let starts_target = |token: &Token| {
        INTRODUCERS
            .iter()
            .chain(KIND_WORDS)
            .any(|word| token.is(word))
    };
    let split = rest.iter().position(starts_target).unwrap_or_else(|| {
        rest.iter()
            .take_while(|token| looks_like_key(token))
            .count()
    });
    let (key_tokens, target_tokens) = rest.split_at(split);
    let keys = key_tokens
        .iter()
        .map(|token| match token.word() {
            Some(word) if looks_like_key(token) => Ok(word.to_owned()),
            _ => Err(args.invalid(
                "key",
                format!("“{}” is not a status key: {KEY_HINT}", token.text()),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if keys.len() > STATUS_KEYS_MAX {
        return Err(args.invalid("keys", "status takes at most 10 keys"));
    }
    let target = args.target_of(target_tokens)?;
    Ok(Command::Status { keys, target, page })
}

/// `config <Key> <target>`, or `config <Key> = <value> <target>`.
pub(crate) fn parse_config(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let (key, inline) = config_key(args, false)?;
    if inline.is_some() || args.eat("=") {
        return finish_config_set(args, key, inline);
    }
    if !is_key(&key) {
        return Err(bad_key(args, &key));
    }
    let target = args.target()?;
    Ok(Command::ConfigGet { key, target })
}

/// `config set <Key> [=|to] <value> <target>`.
pub(crate) fn parse_config_set(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let (key, inline) = config_key(args, true)?;
    if inline.is_none() {
        args.eat_any(&["=", "to"]);
    }
    finish_config_set(args, key, inline)
}

/// `config reset <Key> <target>`.
pub(crate) fn parse_config_reset(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let (key, _) = config_key(args, true)?;
    let key = exact_key(args, key)?;
    let target = args.target()?;
    Ok(Command::ConfigReset { key, target })
}

fn finish_config_set(
    args: &mut Args<'_>,
    key: String,
    inline: Option<Value>,
) -> Result<Command, ParseError> {
    let key = exact_key(args, key)?;
    let value = match inline {
        Some(value) => value,
        None => args
            .next_token()
            .map(typed_value)
            .ok_or_else(|| args.missing("a value"))?,
    };
    let target = args.target()?;
    Ok(Command::ConfigSet { key, value, target })
}

/// The key word, split at `=` when written `Key=value` (the value then comes back too).
fn config_key(args: &mut Args<'_>, exact: bool) -> Result<(String, Option<Value>), ParseError> {
    let argument = if exact {
        "one configuration key"
    } else {
        "a configuration key"
    };
    let token = args.next_token().ok_or_else(|| args.missing(argument))?;
    let Some(word) = token.word() else {
        return Err(bad_key(args, token.text()));
    };
    let Some((key, value)) = word.split_once('=') else {
        return Ok((word.to_owned(), None));
    };
    let value = match value {
        "" => match args.next_token() {
            Some(token) => typed_value(token),
            None => return Err(args.missing("a value")),
        },
        text => typed_value(&Token::Word(text.to_owned())),
    };
    Ok((key.to_owned(), Some(value)))
}

fn exact_key(args: &Args<'_>, key: String) -> Result<String, ParseError> {
    if !is_key(&key) {
        return Err(bad_key(args, &key));
    }
    if is_pattern(&key) {
        return Err(args.invalid(
            "key",
            format!("“{key}” names several settings: give one exact key, without * or ranges"),
        ));
    }
    Ok(key)
}

fn bad_key(args: &Args<'_>, key: &str) -> ParseError {
    args.invalid(
        "key",
        format!("“{key}” is not a configuration key: {KEY_HINT}"),
    )
}

/// A value as typed: an unquoted integer becomes a JSON number, anything else a string.
pub(crate) fn typed_value(token: &Token) -> Value {
    match integer(token).flatten() {
        Some(number) => Value::from(number),
        None => Value::String(token.text().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_syntax_follows_the_device_guide() {
        for key in [
            "Audio.Volume",
            "Audio.*",
            "*.Volume",
            "Audio.Input.Connectors.HDMI[1].Mute",
            "Audio.Input.Connectors.HDMI[2..3].Mute",
            "Audio.Input.Connectors.HDMI[*].*",
            "FacilityService.Service[2..n].Name",
        ] {
            assert!(is_key(key), "key: {key}");
        }
        for key in [
            "",
            "Audio.",
            "4B",
            "Audio[1",
            "Audio[x]",
            "Audio..Volume",
            "Au-dio",
        ] {
            assert!(!is_key(key), "not a key: {key}");
        }
    }
}
