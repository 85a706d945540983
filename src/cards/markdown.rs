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

/// `text` as a markdown code span, shown exactly as written so that typing what is shown gives
/// `text` back: the fence is one backtick longer than the longest run of backticks inside, and a
/// space pads text that starts or ends with a backtick (CommonMark strips one on each side).
pub fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
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

    /// The content of a CommonMark code span: between the fences, one padding space stripped
    /// from each side when both are there.
    fn span_content(span: &str) -> &str {
        let fence = span.len() - span.trim_start_matches('`').len();
        let inner = &span[fence..span.len() - fence];
        match inner.strip_prefix(' ').and_then(|i| i.strip_suffix(' ')) {
            Some(stripped) if !stripped.trim().is_empty() => stripped,
            _ => inner,
        }
    }

    #[test]
    fn a_code_span_shows_backticks_so_typing_it_gives_the_text_back() {
        let cases = [
            ("status room 4B", "`status room 4B`"),
            (
                "status device \"Room `A`\"",
                "``status device \"Room `A`\"``",
            ),
            ("use `x``", "``` use `x`` ```"),
            ("`", "`` ` ``"),
        ];
        for (text, span) in cases {
            assert_eq!(code(text), span, "{text}");
            assert_eq!(span_content(&code(text)), text, "{text}");
        }
        let command = "status device \"Room `A` 2\"";
        assert_eq!(
            crate::command::Command::parse(span_content(&code(command))),
            crate::command::Command::parse(command)
        );
    }

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
