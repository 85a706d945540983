//! What Webex derives from a posted message: `html` with `<spark-mention>` elements, `text` in
//! which each mention is the mentioned person's FIRST name (as Webex clients render a mention
//! of a multi-word name), `mentionedPeople` (REST ids) and `mentionedGroups` (`all`).
//!
//! Mentions arrive as `<spark-mention data-object-type="person" data-object-id="…">Name
//! </spark-mention>` (in `markdown` or `html`; the id may be the REST id or the bare uuid), or
//! in Webex markdown as `<@personId:ID|Name>`, `<@personEmail:EMAIL|Name>` and `<@all>`.
//! Pure functions. Markdown becomes html through a CommonMark renderer (`pulldown-cmark`), as
//! Webex renders it; raw html in markdown other than a spark-mention is shown as text.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::demo_people::DemoPerson;
use super::ids;

/// The derived content fields of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub text: Option<String>,
    pub html: Option<String>,
    pub mentioned_people: Vec<String>,
    pub mentioned_groups: Vec<String>,
}

/// A spark-mention of `person` as a Webex client writes it (first name only).
pub fn spark_mention(person_id: &str, first_name: &str) -> String {
    format!(
        "<spark-mention data-object-type=\"person\" data-object-id=\"{person_id}\">{first_name}</spark-mention>"
    )
}

static SPARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<spark-mention\s+([^>]*)>(.*?)</spark-mention>").expect("valid regex")
});
static ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"([a-zA-Z-]+)\s*=\s*"([^"]*)""#).expect("valid regex"));
static MD_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<@(personId|personEmail):([^|>]+)(?:\|([^>]*))?>|<@all>").expect("valid regex")
});
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]+>").expect("valid regex"));

/// Derives `text`, `html` and the mentions from what was posted.
///
/// `text` given explicitly is kept as is; otherwise it is derived from `html` or `markdown`.
pub fn render(
    text: Option<&str>,
    markdown: Option<&str>,
    html: Option<&str>,
    people: &[DemoPerson],
) -> Rendered {
    let html = match (html, markdown) {
        (Some(html), _) => Some(html.to_owned()),
        (None, Some(md)) => Some(markdown_to_html(md, people)),
        (None, None) => None,
    };
    let Some(html) = html else {
        return Rendered {
            text: text.map(str::to_owned),
            ..Rendered::default()
        };
    };
    let (mentioned_people, mentioned_groups) = mentions_in(&html);
    let derived = plain_text(&html, people);
    Rendered {
        text: Some(text.map(str::to_owned).unwrap_or(derived)),
        html: Some(html),
        mentioned_people,
        mentioned_groups,
    }
}

/// Renders Webex markdown: mentions first (as spark-mention elements), then CommonMark. Raw
/// html other than spark-mention tags is escaped, so `<b>` in markdown stays literal text.
fn markdown_to_html(markdown: &str, people: &[DemoPerson]) -> String {
    use pulldown_cmark::{CowStr, Event, Options, Parser, html};
    let source = markdown_mentions_to_html(markdown, people);
    let is_mention = |tag: &CowStr<'_>| {
        let tag = tag.trim();
        tag.starts_with("<spark-mention") || tag == "</spark-mention>"
    };
    let events = Parser::new_ext(&source, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::InlineHtml(tag) if is_mention(&tag) => Event::InlineHtml(tag),
        Event::InlineHtml(raw) | Event::Html(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out.trim_end().to_owned()
}

/// Rewrites Webex markdown mentions (`<@personId:…>`, `<@personEmail:…>`, `<@all>`) as
/// spark-mention elements.
fn markdown_mentions_to_html(markdown: &str, people: &[DemoPerson]) -> String {
    MD_MENTION
        .replace_all(markdown, |caps: &Captures| {
            let Some(kind) = caps.get(1) else {
                return "<spark-mention data-object-type=\"groupMention\" data-group-type=\"all\">All</spark-mention>".to_owned();
            };
            let key = &caps[2];
            let person = match kind.as_str() {
                "personEmail" => people.iter().find(|p| p.email.eq_ignore_ascii_case(key)),
                _ => people.iter().find(|p| p.id == key),
            };
            let id = person.map(|p| p.id.clone()).unwrap_or_else(|| key.to_owned());
            let name = caps
                .get(3)
                .map(|m| m.as_str().to_owned())
                .or_else(|| person.map(|p| p.first_name.clone()))
                .unwrap_or_else(|| key.to_owned());
            spark_mention(&id, &name)
        })
        .into_owned()
}

/// `mentionedPeople` (REST ids, no duplicates) and `mentionedGroups` of an html body.
fn mentions_in(html: &str) -> (Vec<String>, Vec<String>) {
    let (mut people, mut groups) = (Vec::new(), Vec::new());
    for caps in SPARK.captures_iter(html) {
        let attrs = attributes(&caps[1]);
        match attrs.object_type.as_deref() {
            Some("groupMention") => {
                let group = attrs.group_type.unwrap_or_else(|| "all".to_owned());
                if !groups.contains(&group) {
                    groups.push(group);
                }
            }
            _ => {
                let Some(id) = attrs.object_id.map(|id| rest_person_id(&id)) else {
                    continue;
                };
                if !people.contains(&id) {
                    people.push(id);
                }
            }
        }
    }
    (people, groups)
}

/// The plain text of an html body: each person mention becomes the person's first name.
fn plain_text(html: &str, people: &[DemoPerson]) -> String {
    let mentions_named = SPARK.replace_all(html, |caps: &Captures| {
        let attrs = attributes(&caps[1]);
        let known = attrs
            .object_id
            .map(|id| rest_person_id(&id))
            .and_then(|id| people.iter().find(|p| p.id == id));
        match known {
            Some(person) => person.first_name.clone(),
            None => caps[2].to_owned(),
        }
    });
    let without_tags = TAG.replace_all(&mentions_named, "");
    without_tags
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

#[derive(Default)]
struct Attributes {
    object_type: Option<String>,
    object_id: Option<String>,
    group_type: Option<String>,
}

fn attributes(source: &str) -> Attributes {
    let mut attrs = Attributes::default();
    for caps in ATTR.captures_iter(source) {
        let value = caps[2].to_owned();
        match &caps[1] {
            "data-object-type" => attrs.object_type = Some(value),
            "data-object-id" => attrs.object_id = Some(value),
            "data-group-type" => attrs.group_type = Some(value),
            _ => {}
        }
    }
    attrs
}

/// A mention's id as a REST id (a bare uuid is encoded as `PEOPLE`).
fn rest_person_id(id: &str) -> String {
    if ids::decode(id).is_some_and(|(kind, _)| kind == "PEOPLE") {
        id.to_owned()
    } else {
        ids::encode("PEOPLE", id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::demo_people::demo_people;

    #[test]
    fn a_mention_of_the_bot_puts_its_first_name_first_in_text() {
        let people = demo_people();
        let bot = &people[0];
        let md = format!("{} mute room 4B", spark_mention(&bot.id, "Roombot Demo"));
        let r = render(None, Some(&md), None, &people);
        assert_eq!(r.text.as_deref(), Some("Roombot mute room 4B"));
        assert_eq!(r.mentioned_people, vec![bot.id.clone()]);
        assert!(r.html.unwrap().starts_with("<p><spark-mention"));
    }

    #[test]
    fn a_bare_uuid_mention_is_reported_as_the_rest_id() {
        let people = demo_people();
        let bot = &people[0];
        let md = format!("{} help", spark_mention(&bot.uuid(), "Roombot"));
        let r = render(None, Some(&md), None, &people);
        assert_eq!(r.mentioned_people, vec![bot.id.clone()]);
    }

    #[test]
    fn markdown_person_and_all_mentions_become_spark_mentions() {
        let people = demo_people();
        let md = "<@personEmail:roombot-demo@webex.bot|Roombot> status <@all> &amp; more";
        let r = render(None, Some(md), None, &people);
        assert_eq!(r.text.as_deref(), Some("Roombot status All & more"));
        assert_eq!(r.mentioned_people, vec![people[0].id.clone()]);
        assert_eq!(r.mentioned_groups, vec!["all".to_owned()]);
    }

    #[test]
    fn markdown_is_rendered_as_commonmark() {
        let r = render(
            None,
            Some("**Done**: 2 devices\n\n- `4B`\n- <b>x</b> & y"),
            None,
            &demo_people(),
        );
        assert_eq!(
            r.html.as_deref(),
            Some(
                "<p><strong>Done</strong>: 2 devices</p>\n<ul>\n<li><code>4B</code></li>\n<li>&lt;b&gt;x&lt;/b&gt; &amp; y</li>\n</ul>"
            )
        );
        assert_eq!(
            r.text.as_deref(),
            Some("Done: 2 devices\n\n4B\n<b>x</b> & y")
        );
    }

    #[test]
    fn plain_text_has_no_html_and_no_mentions() {
        let r = render(Some("hello"), None, None, &demo_people());
        assert_eq!(
            r,
            Rendered {
                text: Some("hello".into()),
                ..Rendered::default()
            }
        );
    }
}
