//! Normalising message text before parsing: our leading @mention removed (from `html` when it is
//! there, else the bot's first name at the start of `text`), `@all` mentions tolerated, markdown
//! backticks and smart quotes undone, white space collapsed. The parser only sees clean text.

use std::sync::LazyLock;

use regex::Regex;

static WHITESPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").expect("valid regex"));
static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid regex"));
static GROUP_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*<spark-mention[^>]*data-object-type="groupMention"[^>]*>.*?</spark-mention>"#)
        .expect("valid regex")
});

/// Strips the bot's mention; built once at start-up from `GET /people/me`.
#[derive(Debug, Clone)]
pub struct MentionStripper {
    leading_mention: Regex,
    first_name: String,
}

impl MentionStripper {
    /// `bot_id` is the bot's REST id; Webex may put it or its decoded UUID in `data-object-id`.
    pub fn new(bot_id: &str, display_name: &str) -> Self {
        let mut ids = vec![regex::escape(bot_id)];
        if let Some((_, uuid)) = crate::webex::ids::decode_rest_id(bot_id) {
            ids.push(regex::escape(&uuid));
        }
        let pattern = format!(
            r#"^\s*<spark-mention[^>]*data-object-id="(?:{})"[^>]*>.*?</spark-mention>"#,
            ids.join("|")
        );
        let first_name = display_name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        Self {
            leading_mention: Regex::new(&pattern).expect("escaped ids form a valid regex"),
            first_name,
        }
    }

    /// The text the command parser sees.
    pub fn command_text(&self, text: &str, html: Option<&str>) -> String {
        let rest = match html {
            Some(html) => {
                let body = strip_paragraph(html);
                let body = GROUP_MENTION.replace(body, "");
                if self.leading_mention.is_match(&body) {
                    unescape_html(&TAGS.replace_all(&self.leading_mention.replace(&body, ""), ""))
                } else {
                    self.strip_first_name(text)
                }
            }
            None => self.strip_first_name(text),
        };
        clean(&rest)
    }

    fn strip_first_name(&self, text: &str) -> String {
        let mut text = text.trim_start();
        // `@all` (or `@here`) before our name in plain text.
        for group in ["@all", "All", "@here"] {
            if let Some(rest) = text.strip_prefix(group)
                && rest.starts_with(char::is_whitespace)
            {
                text = rest.trim_start();
            }
        }
        let text = text.strip_prefix('@').unwrap_or(text);
        if !self.first_name.is_empty()
            && text.len() >= self.first_name.len()
            && text.is_char_boundary(self.first_name.len())
            && text[..self.first_name.len()].eq_ignore_ascii_case(&self.first_name)
        {
            let rest = &text[self.first_name.len()..];
            if rest.is_empty()
                || rest.starts_with(|c: char| c.is_whitespace() || c == ',' || c == ':')
            {
                return rest.trim_start_matches([',', ':']).to_owned();
            }
        }
        text.to_owned()
    }
}

fn strip_paragraph(html: &str) -> &str {
    let html = html.trim();
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html)
}

/// Backticks around the whole command, smart quotes, and white space.
fn clean(text: &str) -> String {
    let text = text
        .replace(['\u{201c}', '\u{201d}', '\u{201e}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'");
    let text = text.replace('\u{a0}', " ");
    let trimmed = text.trim();
    let unticked = trimmed
        .strip_prefix("```")
        .and_then(|t| t.strip_suffix("```"))
        .or_else(|| trimmed.strip_prefix('`').and_then(|t| t.strip_suffix('`')))
        .unwrap_or(trimmed);
    WHITESPACE.replace_all(unticked.trim(), " ").into_owned()
}

fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT_ID: &str =
        "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY";
    const BOT_UUID: &str = "f5b36187-c8dd-4727-8b2f-f9c447f29046";

    #[test]
    fn mention_stripping_table() {
        let bot = MentionStripper::new(BOT_ID, "Roombot Demo");
        let rest_id = format!(
            r#"<p><spark-mention data-object-type="person" data-object-id="{BOT_ID}">Roombot</spark-mention> mute room 4B</p>"#
        );
        let uuid_id = format!(
            r#"<spark-mention data-object-type="person" data-object-id="{BOT_UUID}">Roombot Demo</spark-mention>  status   4B"#
        );
        let all = format!(
            r#"<p><spark-mention data-object-type="groupMention" data-group-type="all">All</spark-mention> <spark-mention data-object-type="person" data-object-id="{BOT_ID}">Roombot</spark-mention> devices offline</p>"#
        );
        let other = r#"<p><spark-mention data-object-type="person" data-object-id="OTHER">Ada</spark-mention> hi</p>"#;
        let cases: [(&str, Option<&str>, &str); 12] = [
            ("Roombot mute room 4B", Some(&rest_id), "mute room 4B"),
            ("Roombot Demo status 4B", Some(&uuid_id), "status 4B"),
            ("All Roombot devices offline", Some(&all), "devices offline"),
            ("Roombot mute room 4B", None, "mute room 4B"),
            ("roombot, mute 4B", None, "mute 4B"),
            ("@all Roombot help", None, "help"),
            ("mute room 4B", None, "mute room 4B"),
            ("Roomboter help", None, "Roomboter help"),
            ("`mute room 4B`", None, "mute room 4B"),
            (
                "alert \u{201c}Fire drill\u{201d} 4B",
                None,
                "alert \"Fire drill\" 4B",
            ),
            ("Ada hi", Some(other), "Ada hi"),
            ("Roombot", None, ""),
        ];
        for (text, html, expected) in cases {
            assert_eq!(
                bot.command_text(text, html),
                expected,
                "text {text:?} html {html:?}"
            );
        }
    }

    #[test]
    fn html_entities_come_back_literally() {
        let bot = MentionStripper::new(BOT_ID, "Roombot");
        let html = format!(
            r#"<spark-mention data-object-type="person" data-object-id="{BOT_ID}">Roombot</spark-mention> workspace notes &quot;a &amp; b &lt;c&gt;&quot; 4B"#
        );
        assert_eq!(
            bot.command_text("", Some(&html)),
            "workspace notes \"a & b <c>\" 4B"
        );
    }
}
