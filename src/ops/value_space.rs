//! Configuration values against a device's `valueSpace` (JSON Schema): integers within range,
//! enums matched ignoring case and sent in canonical case, strings within length. Pure.

use serde_json::{Value, json};

use crate::webex::ValueSpace;

/// The JSON value to PATCH for `value` (as typed or from a form) under `space`, or why not.
pub(crate) fn typed_value(key: &str, space: &ValueSpace, value: &Value) -> Result<Value, String> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        other => other.to_string(),
    };
    let refuse = |what: &str| Err(format!("{key} takes {}; {what}.", describe_space(space)));
    if let Some(allowed) = &space.allowed {
        return match allowed
            .iter()
            .find(|a| a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(&text)) || **a == *value)
        {
            Some(canonical) => Ok(canonical.clone()),
            None => refuse(&format!("“{text}” is not one of them")),
        };
    }
    match space.value_type.as_deref() {
        Some("integer") | Some("number") => {
            let Ok(number) = text.parse::<i64>() else {
                return refuse(&format!("“{text}” is not a whole number"));
            };
            let min = space.minimum.as_ref().and_then(|n| n.as_i64());
            let max = space.maximum.as_ref().and_then(|n| n.as_i64());
            if min.is_some_and(|min| number < min) || max.is_some_and(|max| number > max) {
                return refuse(&format!("{number} is out of range"));
            }
            Ok(json!(number))
        }
        Some("boolean") => match text.to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" => Ok(json!(true)),
            "false" | "off" | "no" => Ok(json!(false)),
            _ => refuse(&format!("“{text}” is not true or false")),
        },
        _ => {
            let length = text.chars().count() as u64;
            if space.min_length.is_some_and(|min| length < min)
                || space.max_length.is_some_and(|max| length > max)
            {
                return refuse(&format!("“{text}” has {length} characters"));
            }
            Ok(json!(text))
        }
    }
}

/// The allowed values in words: `0–100 minutes`, `one of Off, On`, `text of 0–50 characters`.
pub(crate) fn describe_space(space: &ValueSpace) -> String {
    let unit = space
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    if let Some(allowed) = &space.allowed {
        let values: Vec<String> = allowed.iter().map(super::xapi::plain).collect();
        return format!("one of {}", values.join(", "));
    }
    match space.value_type.as_deref() {
        Some("integer") | Some("number") => {
            let bound = |n: &Option<serde_json::Number>| n.as_ref().map(|n| n.to_string());
            match (bound(&space.minimum), bound(&space.maximum)) {
                (Some(min), Some(max)) => format!("a whole number {min}–{max}{unit}"),
                (Some(min), None) => format!("a whole number from {min}{unit}"),
                (None, Some(max)) => format!("a whole number up to {max}{unit}"),
                (None, None) => format!("a whole number{unit}"),
            }
        }
        Some("boolean") => "true or false".to_owned(),
        _ => format!(
            "text of {}–{} characters",
            space.min_length.unwrap_or(0),
            space
                .max_length
                .map_or("any number of".to_owned(), |m| m.to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(value: Value) -> ValueSpace {
        serde_json::from_value(value).expect("value space")
    }

    #[test]
    fn integers_are_checked_against_the_range_and_sent_as_numbers() {
        let volume = space(json!({"type": "integer", "minimum": 0, "maximum": 100}));
        assert_eq!(
            typed_value("Audio.DefaultVolume", &volume, &json!(60)),
            Ok(json!(60))
        );
        assert_eq!(
            typed_value("Audio.DefaultVolume", &volume, &json!("60")),
            Ok(json!(60))
        );
        let refused = typed_value("Audio.DefaultVolume", &volume, &json!(150)).unwrap_err();
        assert!(refused.contains("0–100"), "{refused}");
        assert!(typed_value("Audio.DefaultVolume", &volume, &json!("loud")).is_err());
    }

    #[test]
    fn enums_match_ignoring_case_and_come_back_canonical() {
        let pip = space(json!({"type": "string", "enum": ["CenterLeft", "LowerLeft", "On"]}));
        assert_eq!(
            typed_value("K", &pip, &json!("lowerleft")),
            Ok(json!("LowerLeft"))
        );
        let refused = typed_value("K", &pip, &json!("middle")).unwrap_err();
        assert!(refused.contains("CenterLeft, LowerLeft, On"), "{refused}");
    }

    #[test]
    fn strings_respect_their_length() {
        let name = space(json!({"type": "string", "minLength": 0, "maxLength": 5}));
        assert_eq!(typed_value("K", &name, &json!("Room")), Ok(json!("Room")));
        assert_eq!(typed_value("K", &name, &json!(12)), Ok(json!("12")));
        assert!(typed_value("K", &name, &json!("Too long")).is_err());
    }
}
