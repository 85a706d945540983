//! Markdown helpers for cards and fallbacks: text from people or the organisation is shown
//! literally (escaped), long values are clipped, and a fallback is kept under Webex's limit.

use super::rules::MAX_MARKDOWN_BYTES;

/// Characters that mean something in Webex or CommonMark markdown.
const SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '(', ')', '#', '+', '-', '.', '!', '|', '<', '>', '~', '&',
];

/// Escapes `text` so markdown shows it literally, on one line (line breaks become spaces).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            c if SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Shortens `text` to at most `max_chars` characters, ending with `…` when cut.
pub fn clip(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// [`clip`] then [`escape`]: the usual treatment of a name or message shown in a card.
pub fn literal(text: &str, max_chars: usize) -> String {
    escape(&clip(text, max_chars))
}

/// Keeps a fallback within [`MAX_MARKDOWN_BYTES`], cutting whole lines and saying so.
pub fn fit(markdown: &str) -> String {
    if markdown.len() <= MAX_MARKDOWN_BYTES {
        return markdown.to_owned();
    }
    const NOTE: &str = "\n\n… (cut: the card has the rest)";
    let mut out = String::new();
    for line in markdown.lines() {
        if out.len() + line.len() + 1 + NOTE.len() > MAX_MARKDOWN_BYTES {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    if out.is_empty() {
        // One huge line: cut it at a character boundary.
        let mut end = MAX_MARKDOWN_BYTES - NOTE.len();
        while !markdown.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&markdown[..end]);
    }
    out.truncate(out.trim_end().len());
    out.push_str(NOTE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_markdown_literal_and_single_line() {
        assert_eq!(
            escape("*bold* [x](y) #1\nnext"),
            "\\*bold\\* \\[x\\]\\(y\\) \\#1 next"
        );
        assert_eq!(escape("Room 4B"), "Room 4B");
    }

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("ééééé", 3), "éé…");
        assert_eq!(clip("abc", 3), "abc");
    }

    #[test]
    fn fit_keeps_fallbacks_under_the_webex_limit() {
        let long = "line of text é\n".repeat(2000);
        let fitted = fit(&long);
        assert!(fitted.len() <= MAX_MARKDOWN_BYTES);
        assert!(fitted.ends_with("the card has the rest)"));
        let one_line = "é".repeat(9000);
        assert!(fit(&one_line).len() <= MAX_MARKDOWN_BYTES);
        assert_eq!(fit("short"), "short");
    }
}
