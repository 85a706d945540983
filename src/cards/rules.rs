//! The Webex rules for Adaptive Cards (WEBEX-FACTS.md): version 1.3, at most 5 actions per
//! action set, no `Action.Execute`, no element `fallback`, no `Media`, and our own size limit.

use serde_json::Value;

/// Largest card JSON we send (serialised, bytes): long lists page with a More button instead.
pub const MAX_CARD_BYTES: usize = 20 * 1024;
/// Largest markdown Webex accepts in a message (bytes).
pub const MAX_MARKDOWN_BYTES: usize = 7439;
/// Most actions Webex shows in one action set.
const MAX_ACTIONS: usize = 5;

/// Checks an expanded card against the Webex rules; lists every problem found.
pub fn check_webex_rules(card: &Value) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    if card.get("type").and_then(Value::as_str) != Some("AdaptiveCard") {
        problems.push("the root is not an AdaptiveCard".to_owned());
    }
    if card.get("version").and_then(Value::as_str) != Some("1.3") {
        problems.push(format!(
            "version is {}, not \"1.3\"",
            card.get("version").unwrap_or(&Value::Null)
        ));
    }
    let size = card.to_string().len();
    if size > MAX_CARD_BYTES {
        problems.push(format!(
            "card JSON is {size} bytes, more than {MAX_CARD_BYTES}"
        ));
    }
    walk(card, "$", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn walk(value: &Value, path: &str, problems: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), problems);
            }
        }
        Value::Object(map) => {
            match map.get("type").and_then(Value::as_str) {
                Some("Action.Execute") => {
                    problems.push(format!("{path}: Action.Execute is not supported by Webex"))
                }
                Some("Media") => problems.push(format!("{path}: Media is not supported by Webex")),
                _ => {}
            }
            if map.contains_key("fallback") {
                problems.push(format!(
                    "{path}: element fallback is not supported by Webex"
                ));
            }
            if let Some(Value::Array(actions)) = map.get("actions")
                && actions.len() > MAX_ACTIONS
            {
                problems.push(format!(
                    "{path}.actions: {} actions, at most {MAX_ACTIONS}",
                    actions.len()
                ));
            }
            for (key, child) in map {
                walk(child, &format!("{path}.{key}"), problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_plain_card_passes() {
        let card = json!({"type": "AdaptiveCard", "version": "1.3", "body": [{"type": "TextBlock", "text": "hi"}]});
        assert_eq!(check_webex_rules(&card), Ok(()));
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let action = json!({"type": "Action.Submit", "title": "x"});
        let card = json!({
            "type": "AdaptiveCard", "version": "1.4",
            "body": [{"type": "Media", "sources": []}, {"type": "TextBlock", "text": "x", "fallback": "drop"},
                     {"type": "ActionSet", "actions": [action.clone(), action.clone(), action.clone(), action.clone(), action.clone(), action]}],
            "actions": [{"type": "Action.Execute", "title": "go"}],
            "padding": "x".repeat(MAX_CARD_BYTES),
        });
        let problems = check_webex_rules(&card).expect_err("card breaks rules");
        for needle in [
            "version",
            "Media",
            "fallback",
            "6 actions",
            "Action.Execute",
            "bytes",
        ] {
            assert!(
                problems.iter().any(|p| p.contains(needle)),
                "{needle} not in {problems:?}"
            );
        }
    }
}
