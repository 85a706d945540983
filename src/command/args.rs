//! The argument cursor every command parser uses, and the target phrase grammar:
//! `[in|on|at|for] (room|workspace|device|tag|location <name> | all | <bare name>)`.

use super::lexer::Token;
use super::spec::{self, Spec};
use super::{ParseError, Target};

/// Words that introduce a target (`in room 4B`, `on 4B`, `for tag x`).
pub(crate) const INTRODUCERS: &[&str] = &["in", "on", "at", "for"];

/// Tokens after the verb, with the table row being parsed.
pub(crate) struct Args<'a> {
    /// The table row whose verb matched.
    pub spec: &'static Spec,
    /// The verb as listed in the table (lowercase), e.g. `hang up`.
    pub verb: &'static str,
    tokens: &'a [Token],
    pos: usize,
}

impl<'a> Args<'a> {
    pub(crate) fn new(spec: &'static Spec, verb: &'static str, tokens: &'a [Token]) -> Self {
        Self {
            spec,
            verb,
            tokens,
            pos: 0,
        }
    }

    /// The next token, not consumed.
    pub(crate) fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    /// Consumes and returns the next token.
    pub(crate) fn next_token(&mut self) -> Option<&'a Token> {
        let token = self.tokens.get(self.pos)?;
        self.pos += 1;
        Some(token)
    }

    /// Skips `count` tokens.
    pub(crate) fn advance(&mut self, count: usize) {
        self.pos = (self.pos + count).min(self.tokens.len());
    }

    /// Consumes the next token if it is the keyword `keyword`.
    pub(crate) fn eat(&mut self, keyword: &str) -> bool {
        let found = self.peek().is_some_and(|token| token.is(keyword));
        if found {
            self.pos += 1;
        }
        found
    }

    /// Consumes the next token if it is one of `keywords`; returns the keyword matched.
    pub(crate) fn eat_any(&mut self, keywords: &[&'static str]) -> Option<&'static str> {
        let keyword = keywords.iter().find(|k| self.eat(k))?;
        Some(keyword)
    }

    /// Everything not consumed yet.
    pub(crate) fn rest(&self) -> &'a [Token] {
        &self.tokens[self.pos.min(self.tokens.len())..]
    }

    /// True once every token is consumed.
    pub(crate) fn is_done(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// Consumes tokens up to (not including) the first keyword in `stops`.
    pub(crate) fn take_until(&mut self, stops: &[&str]) -> &'a [Token] {
        let rest = self.rest();
        let len = rest
            .iter()
            .position(|token| stops.iter().any(|stop| token.is(stop)))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// Consumes everything left.
    pub(crate) fn take_rest(&mut self) -> &'a [Token] {
        let rest = self.rest();
        self.pos = self.tokens.len();
        rest
    }

    /// Takes a trailing `<keyword> <n>` (unquoted, `n` a whole number) off the end, if there.
    pub(crate) fn take_trailing_number(&mut self, keyword: &str) -> Option<u64> {
        let [.., word, number] = self.rest() else {
            return None;
        };
        if !word.is(keyword) || number.word().is_none() {
            return None;
        }
        let number = number.text().parse::<u64>().ok()?;
        self.tokens = &self.tokens[..self.tokens.len() - 2];
        Some(number)
    }

    /// Takes a trailing `page <n>` (unquoted) off the end: `Some(n)` for pages after the first,
    /// `None` when there is none or it is page 1 (the list itself).
    pub(crate) fn take_page(&mut self) -> Result<Option<u32>, ParseError> {
        let rest = self.rest();
        let [.., keyword, number] = rest else {
            return Ok(None);
        };
        if !keyword.is("page") || number.word().is_none() {
            return Ok(None);
        }
        let page = match number.text().parse::<u32>() {
            Ok(page) if page >= 1 => page,
            _ => return Err(self.invalid("page", "page must be a whole number from 1")),
        };
        self.tokens = &self.tokens[..self.tokens.len() - 2];
        Ok((page > 1).then_some(page))
    }

    /// Fails if tokens are left over.
    pub(crate) fn finish(&self) -> Result<(), ParseError> {
        if self.is_done() {
            return Ok(());
        }
        Err(ParseError::UnexpectedText {
            command: self.verb,
            text: join_display(self.rest()),
            usage: self.usage(),
        })
    }

    /// The usage line for the verb typed.
    pub(crate) fn usage(&self) -> &'static str {
        spec::usage_for(self.spec, self.verb)
    }

    /// A `MissingArgument` error for this command.
    pub(crate) fn missing(&self, argument: &'static str) -> ParseError {
        ParseError::MissingArgument {
            command: self.verb,
            argument,
            usage: self.usage(),
        }
    }

    /// An `InvalidArgument` error for this command.
    pub(crate) fn invalid(&self, argument: &'static str, reason: impl Into<String>) -> ParseError {
        ParseError::InvalidArgument {
            command: self.verb,
            argument,
            reason: reason.into(),
            usage: spec::usage_mentioning(self.spec, argument).unwrap_or(self.usage()),
        }
    }

    /// Parses all remaining tokens as an optional target.
    pub(crate) fn target(&mut self) -> Result<Option<Target>, ParseError> {
        self.target_with(INTRODUCERS)
    }

    /// Like [`Self::target`] with a custom set of introducing words.
    pub(crate) fn target_with(
        &mut self,
        introducers: &[&str],
    ) -> Result<Option<Target>, ParseError> {
        let tokens = self.take_rest();
        parse_target(self, tokens, introducers)
    }

    /// Parses `tokens` (taken from this cursor) as an optional target.
    pub(crate) fn target_of(&self, tokens: &[Token]) -> Result<Option<Target>, ParseError> {
        parse_target(self, tokens, INTRODUCERS)
    }

    /// A name made of `tokens`: one quoted token, or unquoted words joined by one space.
    pub(crate) fn name_of(
        &self,
        argument: &'static str,
        tokens: &[Token],
    ) -> Result<Option<String>, ParseError> {
        match tokens {
            [] => Ok(None),
            [Token::Quoted(text)] if text.trim().is_empty() => {
                Err(self.invalid(argument, format!("the {argument} must not be empty")))
            }
            [Token::Quoted(text)] => Ok(Some(text.clone())),
            _ if tokens.iter().all(|token| token.word().is_some()) => Ok(Some(
                tokens.iter().map(Token::text).collect::<Vec<_>>().join(" "),
            )),
            _ => Err(self.invalid(
                argument,
                format!("put the whole {argument} in quotes, like \"Big Conference\""),
            )),
        }
    }

    /// A required name running to the next keyword in `stops` (or the end).
    pub(crate) fn name_until(
        &mut self,
        argument: &'static str,
        stops: &[&str],
    ) -> Result<String, ParseError> {
        let tokens = self.take_until(stops);
        self.name_of(argument, tokens)?
            .ok_or_else(|| self.missing(argument))
    }
}

/// Builds a named target (`Target::Room` and friends).
type MakeTarget = fn(String) -> Target;

/// The words that name a target's kind, its constructor and what a missing name is called.
const KINDS: &[(&str, MakeTarget, &str)] = &[
    ("room", Target::Room, "a room name"),
    ("workspace", Target::Workspace, "a workspace name"),
    ("device", Target::Device, "a device name"),
    ("tag", Target::Tag, "a tag"),
    ("location", Target::Location, "a location name"),
];

/// Parses a target phrase from `tokens` (empty → `None`).
fn parse_target(
    args: &Args<'_>,
    tokens: &[Token],
    introducers: &[&str],
) -> Result<Option<Target>, ParseError> {
    let tokens = match tokens.split_first() {
        None => return Ok(None),
        Some((first, rest)) if introducers.iter().any(|word| first.is(word)) => {
            if rest.is_empty() {
                return Err(args.missing("a target after “in”/“on”"));
            }
            rest
        }
        Some(_) => tokens,
    };
    let Some((first, rest)) = tokens.split_first() else {
        return Ok(None);
    };
    if let Some((_, make, argument)) = KINDS.iter().find(|(word, ..)| first.is(word)) {
        let name = args.name_of("name", rest)?;
        return name
            .map(make)
            .map(Some)
            .ok_or_else(|| args.missing(argument));
    }
    if first.is("all") && (rest.is_empty() || is_all_suffix(rest)) {
        return Ok(Some(Target::All));
    }
    Ok(args.name_of("name", tokens)?.map(Target::Bare))
}

fn is_all_suffix(rest: &[Token]) -> bool {
    matches!(rest, [word] if ["devices", "rooms", "workspaces"].iter().any(|w| word.is(w)))
}

/// Tokens as the user might have typed them, for error messages.
pub(crate) fn join_display(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|token| match token {
            Token::Word(word) => word.clone(),
            Token::Quoted(text) => format!("\"{text}\""),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// True for text like `42`, `-3` or `+7` (ASCII digits with an optional sign).
pub(crate) fn looks_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The value of an unquoted integer word: `None` if the token is no integer at all,
/// `Some(None)` if it is one but does not fit in `i64`.
pub(crate) fn integer(token: &Token) -> Option<Option<i64>> {
    let word = token.word()?;
    looks_integer(word).then(|| word.parse().ok())
}
