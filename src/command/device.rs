//! Parsers for the everyday device actions: microphones, volume, standby, reboot, calls,
//! on-screen alerts and selfview. Each takes the tokens after its verb.

use super::args::{Args, INTRODUCERS, integer};
use super::lexer::Token;
use super::{Command, ParseError, StandbyMode, StepDirection};

/// Largest alert text, in characters (the device's own limit).
pub const ALERT_TEXT_MAX: usize = 255;
/// Longest alert duration, in seconds.
pub const ALERT_DURATION_MAX: u16 = 3600;
/// Most volume steps one `volume up|down` may take.
pub const VOLUME_STEPS_MAX: u8 = 10;

const MIC_WORDS: &[&str] = &["mics", "mic", "microphones", "microphone"];

/// `mute|unmute [mics] <target>`.
pub(crate) fn parse_microphones(args: &mut Args<'_>) -> Result<Command, ParseError> {
    args.eat_any(MIC_WORDS);
    let target = args.target()?;
    Ok(match args.verb {
        "unmute" => Command::Unmute { target },
        _ => Command::Mute { target },
    })
}

/// `volume <0-100> <target>`, `volume <target> <0-100>`, `set volume to <n> in <target>`.
pub(crate) fn parse_volume(args: &mut Args<'_>) -> Result<Command, ParseError> {
    args.eat("to");
    let rest = args.take_rest();
    let (level, target_tokens) = match rest {
        [first, tail @ ..] if level_of(first).is_some() => (first, tail),
        [init @ .., last] if level_of(last).is_some() => (last, init),
        _ => return Err(args.missing("a level from 0 to 100")),
    };
    let level = level_of(level)
        .flatten()
        .filter(|level| (0..=100).contains(level))
        .ok_or_else(|| args.invalid("level", "volume must be 0–100"))?;
    let target = args.target_of(target_tokens)?;
    Ok(Command::Volume {
        level: u8::try_from(level).unwrap_or(100),
        target,
    })
}

/// The number in a level word (`60`, `60%`), as [`integer`] reports it.
fn level_of(token: &Token) -> Option<Option<i64>> {
    let word = token.word()?;
    let number = word.strip_suffix('%').unwrap_or(word);
    integer(&Token::Word(number.to_owned()))
}

/// `volume up|down [[by] <1-10>] <target>`.
pub(crate) fn parse_volume_step(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let direction = match args.verb {
        "volume down" => StepDirection::Down,
        _ => StepDirection::Up,
    };
    args.eat("by");
    let mut steps = 1;
    if let Some(number) = args.peek().and_then(integer) {
        args.next_token();
        steps = number
            .and_then(|n| u8::try_from(n).ok())
            .filter(|n| (1..=VOLUME_STEPS_MAX).contains(n))
            .ok_or_else(|| args.invalid("steps", "steps must be 1–10"))?;
    }
    let target = args.target()?;
    Ok(Command::VolumeStep {
        direction,
        steps,
        target,
    })
}

/// `standby|sleep|wake [up]|halfwake <target>`.
pub(crate) fn parse_standby(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let mode = match args.verb {
        "wake" => {
            args.eat("up");
            StandbyMode::Deactivate
        }
        "halfwake" | "half-wake" => StandbyMode::Halfwake,
        _ => StandbyMode::Activate,
    };
    let target = args.target()?;
    Ok(Command::Standby { mode, target })
}

/// `reboot|restart <target>`.
pub(crate) fn parse_reboot(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let target = args.target()?;
    Ok(Command::Reboot { target })
}

/// `dial <number> <target>`, `call <number> from <target>`, `hangup|hang up|end call <target>`.
pub(crate) fn parse_call(args: &mut Args<'_>) -> Result<Command, ParseError> {
    if !matches!(args.verb, "dial" | "call") {
        let target = args.target()?;
        return Ok(Command::Hangup { target });
    }
    let number = match args.peek() {
        Some(token) if !INTRODUCERS.iter().any(|word| token.is(word)) && !token.is("from") => {
            token.text().to_owned()
        }
        _ => return Err(args.missing("a number or address to dial")),
    };
    args.next_token();
    if number.trim().is_empty() {
        return Err(args.invalid("number", "the number to dial must not be empty"));
    }
    let target = args.target_with(&["from", "in", "on", "at", "for"])?;
    Ok(Command::Dial { number, target })
}

/// `alert|say "<text>" [for <duration>] <target>`.
pub(crate) fn parse_alert(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let text = match args.peek() {
        Some(Token::Quoted(text)) => {
            args.next_token();
            text.clone()
        }
        _ => {
            let words = args.take_until(INTRODUCERS);
            args.name_of("text", words)?.unwrap_or_default()
        }
    };
    if text.trim().is_empty() {
        return Err(args.missing("the text to show, in quotes"));
    }
    if text.chars().count() > ALERT_TEXT_MAX {
        return Err(args.invalid("text", "alert text must be at most 255 characters"));
    }
    let mut duration = None;
    if args.peek().is_some_and(|token| token.is("for"))
        && let Some((seconds, used)) = duration_of(&args.rest()[1..])
    {
        duration = Some(check_duration(args, seconds)?);
        args.advance(used + 1);
    }
    let mut rest = args.take_rest();
    if duration.is_none()
        && let Some((seconds, at)) = trailing_duration(rest)
    {
        duration = Some(check_duration(args, seconds)?);
        rest = &rest[..at];
    }
    let target = args.target_of(rest)?;
    Ok(Command::Alert {
        text,
        duration,
        target,
    })
}

fn check_duration(args: &Args<'_>, seconds: u64) -> Result<u16, ParseError> {
    u16::try_from(seconds)
        .ok()
        .filter(|s| *s <= ALERT_DURATION_MAX)
        .ok_or_else(|| args.invalid("duration", "duration must be 0–3600 seconds"))
}

/// `… for <duration>` at the very end of `tokens`: the seconds and where `for` starts.
fn trailing_duration(tokens: &[Token]) -> Option<(u64, usize)> {
    (2..=3).filter(|len| tokens.len() >= *len).find_map(|len| {
        let at = tokens.len() - len;
        let (seconds, used) = duration_of(&tokens[at + 1..])?;
        (tokens[at].is("for") && used == len - 1).then_some((seconds, at))
    })
}

/// A duration at the start of `tokens` (`30s`, `30 seconds`, `2min`, `1h`, `45`):
/// seconds and tokens used.
fn duration_of(tokens: &[Token]) -> Option<(u64, usize)> {
    let word = tokens.first()?.word()?;
    let split = word
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(word.len());
    let (digits, unit) = word.split_at(split);
    let number: u64 = digits.parse().unwrap_or(u64::MAX);
    if digits.is_empty() {
        return None;
    }
    if !unit.is_empty() {
        return Some((number.saturating_mul(unit_seconds(unit)?), 1));
    }
    match tokens.get(1).and_then(Token::word).and_then(unit_seconds) {
        Some(scale) => Some((number.saturating_mul(scale), 2)),
        None => Some((number, 1)),
    }
}

fn unit_seconds(unit: &str) -> Option<u64> {
    match unit.to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => Some(1),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(60),
        "h" | "hour" | "hours" => Some(3600),
        _ => None,
    }
}

/// `selfview on|off <target>`.
pub(crate) fn parse_selfview(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let on = match args.next_token() {
        Some(token) if token.is("on") => true,
        Some(token) if token.is("off") => false,
        Some(_) => return Err(args.invalid("mode", "selfview must be on or off")),
        None => return Err(args.missing("on or off")),
    };
    let target = args.target()?;
    Ok(Command::Selfview { on, target })
}
