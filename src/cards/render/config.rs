//! The configuration form: one input per key, typed by the key's `valueSpace` on the device;
//! Apply carries the original values so the bot sends only the keys that changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Button, ButtonView, NAME_CHARS, TEXT_CHARS, button_views, buttons_markdown};
use crate::cards::markdown::literal;
use crate::cards::{Card, RenderError, Templates};

/// Most keys in one form.
const MAX_FIELDS: usize = 20;
/// Most choices shown in a drop-down.
const MAX_CHOICES: usize = 50;

/// How a configuration value is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigInput {
    /// A drop-down of the allowed values (`{type: string, enum}`).
    Choice {
        /// Allowed values, canonical case.
        options: Vec<String>,
    },
    /// A number between `min` and `max` (`{type: integer, minimum, maximum}`).
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// Free text up to `max_length` characters.
    Text {
        /// Longest value.
        max_length: u64,
    },
    /// An On/Off switch (an enum of exactly `On` and `Off`).
    Toggle,
    /// Shown, not editable; the reason says why.
    ReadOnly {
        /// e.g. "managed by a configuration rule".
        reason: String,
    },
}

impl ConfigInput {
    /// Chooses the input for a Webex `valueSpace` (JSON Schema); `None` if it is not understood.
    pub fn from_value_space(value_space: &Value) -> Option<Self> {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        match value_space.get("type").and_then(Value::as_str)? {
            "integer" | "number" => Some(Self::Integer {
                min: value_space.get("minimum").and_then(Value::as_i64)?,
                max: value_space.get("maximum").and_then(Value::as_i64)?,
            }),
            "string" => match value_space.get("enum").and_then(Value::as_array) {
                Some(values) => {
                    let options: Vec<String> = values.iter().filter_map(text).collect();
                    let mut sorted: Vec<String> =
                        options.iter().map(|o| o.to_ascii_lowercase()).collect();
                    sorted.sort();
                    Some(if sorted == ["off", "on"] {
                        Self::Toggle
                    } else {
                        Self::Choice { options }
                    })
                }
                None => Some(Self::Text {
                    max_length: value_space
                        .get("maxLength")
                        .and_then(Value::as_u64)
                        .unwrap_or(255),
                }),
            },
            _ => None,
        }
    }
}

/// One configuration key in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigField {
    /// Configuration key, e.g. `Audio.DefaultVolume` (also the input id).
    pub key: String,
    /// Current value, as text.
    pub value: String,
    /// How it is edited.
    pub input: ConfigInput,
    /// Extra line: source, unit, "applied when the device reconnects"… (may be empty).
    pub note: String,
}

/// A configuration form for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigForm {
    /// Headline, e.g. "Configuration of room 4B".
    pub title: String,
    /// Canonical target text, sent back with Apply.
    pub target: String,
    /// The keys.
    pub fields: Vec<ConfigField>,
    /// Other buttons (e.g. Refresh); at most 4 besides Apply.
    pub buttons: Vec<Button>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ConfigView {
    title: String,
    summary: String,
    fields: Vec<FieldView>,
    apply: ApplyView,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApplyView {
    target: String,
    original: BTreeMap<String, String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FieldView {
    kind: String,
    key: String,
    value: String,
    note: String,
    #[serde(default)]
    choices: Option<Vec<ChoiceView>>,
    #[serde(default)]
    min: Option<i64>,
    #[serde(default)]
    max: Option<i64>,
    #[serde(default)]
    number: Option<i64>,
    #[serde(default)]
    max_length: Option<u64>,
    #[serde(default)]
    key_text: Option<String>,
    #[serde(default)]
    value_text: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceView {
    title: String,
    value: String,
}

impl Templates {
    /// Renders the form: ChoiceSet for enums, Number for integers, Text for strings, Toggle for On/Off.
    pub fn render_config_form(&self, form: &ConfigForm) -> Result<Card, RenderError> {
        let fields: Vec<FieldView> = form
            .fields
            .iter()
            .take(MAX_FIELDS)
            .map(field_view)
            .collect();
        let original = form
            .fields
            .iter()
            .take(MAX_FIELDS)
            .filter(|f| !matches!(f.input, ConfigInput::ReadOnly { .. }))
            .map(|f| (f.key.clone(), f.value.clone()))
            .collect::<BTreeMap<_, _>>();
        let editable = original.len();
        let summary = match (editable, form.fields.len()) {
            (0, _) => "Nothing here can be changed.".to_owned(),
            _ => "Change values and press Apply: only changed keys are sent.".to_owned(),
        };
        let view = ConfigView {
            title: literal(&form.title, TEXT_CHARS),
            summary,
            fields,
            apply: ApplyView {
                target: form.target.clone(),
                original,
            },
            buttons: button_views(&form.buttons[..form.buttons.len().min(4)]),
        };
        let mut md = vec![format!("**{}**", view.title), String::new()];
        md.extend(form.fields.iter().take(MAX_FIELDS).map(field_markdown));
        md.extend([
            "".into(),
            "To change a value, reply “config set <Key> <value> <target>”.".into(),
        ]);
        if !form.buttons.is_empty() {
            md.push(buttons_markdown(&form.buttons));
        }
        self.card("config_form", &view, md.join("\n"))
    }
}

fn field_view(field: &ConfigField) -> FieldView {
    let mut view = FieldView {
        kind: String::new(),
        key: field.key.clone(),
        value: field.value.clone(),
        note: literal(&field.note, TEXT_CHARS),
        choices: None,
        min: None,
        max: None,
        number: None,
        max_length: None,
        key_text: None,
        value_text: None,
    };
    view.kind = match &field.input {
        ConfigInput::Choice { options } => {
            view.choices = Some(
                options
                    .iter()
                    .take(MAX_CHOICES)
                    .map(|o| ChoiceView {
                        title: o.clone(),
                        value: o.clone(),
                    })
                    .collect(),
            );
            "choice"
        }
        ConfigInput::Integer { min, max } => {
            (view.min, view.max) = (Some(*min), Some(*max));
            view.number = Some(field.value.trim().parse().unwrap_or(*min));
            "number"
        }
        ConfigInput::Text { max_length } => {
            view.max_length = Some(*max_length);
            "text"
        }
        ConfigInput::Toggle => "toggle",
        ConfigInput::ReadOnly { reason } => {
            view.key_text = Some(literal(&field.key, NAME_CHARS * 2));
            view.value_text = Some(literal(&field.value, TEXT_CHARS));
            if view.note.is_empty() {
                view.note = literal(&format!("Read-only: {reason}"), TEXT_CHARS);
            }
            "readonly"
        }
    }
    .to_owned();
    view
}

fn field_markdown(field: &ConfigField) -> String {
    let allowed = match &field.input {
        ConfigInput::Choice { options } => {
            format!("one of {}", literal(&options.join(", "), TEXT_CHARS))
        }
        ConfigInput::Integer { min, max } => format!("{min}–{max}"),
        ConfigInput::Text { max_length } => format!("text up to {max_length} characters"),
        ConfigInput::Toggle => "On or Off".to_owned(),
        ConfigInput::ReadOnly { reason } => format!("read-only: {}", literal(reason, TEXT_CHARS)),
    };
    format!(
        "- **{}** = {} ({allowed})",
        literal(&field.key, NAME_CHARS * 2),
        literal(&field.value, TEXT_CHARS)
    )
}
