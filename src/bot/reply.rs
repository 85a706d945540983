//! A reply: markdown that reads well on its own, and optionally an Adaptive Card.

use serde_json::Value;

/// Webex's limit on `text` and `markdown`, in bytes.
pub const MARKDOWN_LIMIT: usize = 7439;

/// What the bot answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub markdown: String,
    pub card: Option<Value>,
    /// What kind of command this answers and how it went (`mute`, `done`), for `/metrics`.
    pub outcome: Option<(String, &'static str)>,
}

impl Reply {
    /// A markdown-only reply.
    pub fn text(markdown: impl Into<String>) -> Self {
        Self {
            markdown: markdown.into(),
            card: None,
            outcome: None,
        }
    }

    /// A rendered card with its fallback, or `fallback` alone when rendering failed (logged).
    pub fn from_card(
        card: Result<crate::cards::Card, crate::cards::RenderError>,
        fallback: impl Into<String>,
    ) -> Self {
        match card {
            Ok(card) => Self {
                markdown: card.fallback_markdown,
                card: Some(card.content),
                outcome: None,
            },
            Err(error) => {
                tracing::error!(%error, "card rendering failed; replying with markdown");
                Self::text(fallback)
            }
        }
    }

    /// Labels the reply for `/metrics`: the command's kind and its result.
    pub fn with_outcome(mut self, kind: impl Into<String>, result: &'static str) -> Self {
        self.outcome = Some((kind.into(), result));
        self
    }

    /// The markdown, cut at a character boundary to fit Webex's limit.
    pub fn bounded_markdown(&self) -> String {
        truncate(&self.markdown, MARKDOWN_LIMIT)
    }
}

/// Cuts `text` to at most `limit` bytes, ending with an ellipsis when cut.
pub fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Escapes markdown so text from people or the organisation shows literally.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | '#'
                | '+'
                | '-'
                | '.'
                | '!'
                | '|'
                | '<'
                | '>'
                | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_the_limit_and_char_boundaries() {
        let long = "é".repeat(5000);
        let cut = truncate(&long, MARKDOWN_LIMIT);
        assert!(cut.len() <= MARKDOWN_LIMIT);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", 10), "short");
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(
            escape_markdown("**4B** [x](y) <b>"),
            "\\*\\*4B\\*\\* \\[x\\]\\(y\\) \\<b\\>"
        );
    }
}
