//! Normalisation and tokenising: the only code that looks at raw characters. It strips
//! backticks around the whole command, splits on whitespace outside quotes, understands
//! straight and smart quotes with `\` escapes, and drops trailing punctuation.

use super::ParseError;

/// One word of a command, either as typed or quoted (quoted words are never keywords).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Word(String),
    Quoted(String),
}

impl Token {
    /// The text of the token, without quotes.
    pub(crate) fn text(&self) -> &str {
        match self {
            Self::Word(text) | Self::Quoted(text) => text,
        }
    }

    /// True for an unquoted word equal to `keyword`, ignoring ASCII case.
    pub(crate) fn is(&self, keyword: &str) -> bool {
        matches!(self, Self::Word(word) if word.eq_ignore_ascii_case(keyword))
    }

    /// The unquoted word, if this is one.
    pub(crate) fn word(&self) -> Option<&str> {
        match self {
            Self::Word(word) => Some(word),
            Self::Quoted(_) => None,
        }
    }
}

/// Characters that open a double-quoted string; any of [`DOUBLE_CLOSE`] closes it.
const DOUBLE_OPEN: &[char] = &['"', '“', '”', '„'];
/// Characters that close a double-quoted string (canonical text escapes them inside quotes).
pub(crate) const DOUBLE_CLOSE: &[char] = &['"', '“', '”'];
const SINGLE_OPEN: &[char] = &['\'', '‘', '’'];
const SINGLE_CLOSE: &[char] = &['\'', '‘', '’'];
/// Punctuation dropped from the end of the last word (`mute 4B!`).
pub(crate) const TRAILING_PUNCTUATION: &[char] = &['!', '?', '.', ',', ';', '…'];

/// Normalises and tokenises `input`. Text made only of `?` becomes `["help"]`.
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token>, ParseError> {
    let text = strip_backticks(input.trim());
    if !text.is_empty() && text.chars().all(|c| c == '?') {
        return Ok(vec![Token::Word("help".to_owned())]);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while pos < chars.len() {
        if chars[pos].is_whitespace() {
            pos += 1;
            continue;
        }
        let (token, next) = read_token(&chars, pos)?;
        tokens.push(token);
        pos = next;
    }
    strip_trailing_punctuation(&mut tokens);
    Ok(tokens)
}

/// Removes one layer of backticks (single or triple) around the whole command.
fn strip_backticks(text: &str) -> &str {
    for fence in ["```", "`"] {
        if text.len() >= 2 * fence.len()
            && let Some(inner) = text
                .strip_prefix(fence)
                .and_then(|rest| rest.strip_suffix(fence))
        {
            return inner.trim();
        }
    }
    text
}

fn read_token(chars: &[char], start: usize) -> Result<(Token, usize), ParseError> {
    let first = chars[start];
    if DOUBLE_OPEN.contains(&first) {
        return match read_quoted(chars, start + 1, DOUBLE_CLOSE) {
            Some(found) => Ok(found),
            None => Err(ParseError::UnterminatedQuote),
        };
    }
    if SINGLE_OPEN.contains(&first) {
        // An apostrophe without a partner is just a character (`'s-Hertogenbosch`).
        if let Some(found) = read_quoted(chars, start + 1, SINGLE_CLOSE) {
            return Ok(found);
        }
    }
    Ok(read_word(chars, start))
}

/// Reads a quoted string whose content starts at `pos`; `None` if it never closes.
fn read_quoted(chars: &[char], mut pos: usize, close: &[char]) -> Option<(Token, usize)> {
    let mut text = String::new();
    while pos < chars.len() {
        let c = chars[pos];
        if c == '\\' {
            text.push(*chars.get(pos + 1)?);
            pos += 2;
        } else if close.contains(&c) {
            return Some((Token::Quoted(text), pos + 1));
        } else {
            text.push(c);
            pos += 1;
        }
    }
    None
}

/// Reads an unquoted word. `Key:"value"` splits after the `:` (or `=`) so the value is quoted.
fn read_word(chars: &[char], start: usize) -> (Token, usize) {
    let mut pos = start;
    let mut text = String::new();
    while pos < chars.len() && !chars[pos].is_whitespace() {
        let c = chars[pos];
        text.push(c);
        pos += 1;
        let next_opens_quote = chars
            .get(pos)
            .is_some_and(|next| DOUBLE_OPEN.contains(next) || SINGLE_OPEN.contains(next));
        if (c == ':' || c == '=') && next_opens_quote {
            break;
        }
    }
    (Token::Word(text), pos)
}

fn strip_trailing_punctuation(tokens: &mut Vec<Token>) {
    let Some(Token::Word(last)) = tokens.last_mut() else {
        return;
    };
    let kept = last.trim_end_matches(TRAILING_PUNCTUATION).len();
    last.truncate(kept);
    if last.is_empty() {
        tokens.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Vec<Token> {
        tokenize(input).expect("tokenizes")
    }

    #[test]
    fn smart_quotes_and_escapes_make_one_quoted_token() {
        let tokens = words(r#"alert “Lunch \"now\"” ‘4B’"#);
        assert_eq!(
            tokens,
            vec![
                Token::Word("alert".into()),
                Token::Quoted("Lunch \"now\"".into()),
                Token::Quoted("4B".into()),
            ]
        );
    }

    #[test]
    fn backticks_and_trailing_punctuation_are_dropped() {
        assert_eq!(words("`mute 4B!!`"), words("mute 4B"));
        assert_eq!(words("```mute 4B```"), words("mute 4B"));
        assert_eq!(words("mute 4B ?"), words("mute 4B"));
    }

    #[test]
    fn a_lone_apostrophe_is_a_character() {
        assert_eq!(
            words("'s-Hertogenbosch"),
            vec![Token::Word("'s-Hertogenbosch".into())]
        );
    }

    #[test]
    fn colon_before_a_quote_splits_the_word() {
        assert_eq!(
            words(r#"Text:"a b""#),
            vec![Token::Word("Text:".into()), Token::Quoted("a b".into())]
        );
    }

    #[test]
    fn an_open_double_quote_is_an_error() {
        assert_eq!(tokenize("alert \"hi"), Err(ParseError::UnterminatedQuote));
    }
}
