//! Adaptive Card replies: the templates in `cards/*.json` (embedded at build time), their
//! expander ([`template`], the Adaptive Cards Templating subset the cards use), typed render
//! functions that turn reply data into a [`Card`] (card JSON + markdown fallback), and the Webex
//! rules every card must pass ([`check_webex_rules`]). Pure: no I/O, no Webex calls.
//!
//! Buttons follow DESIGN rule 3: a command button is `Action.Submit` with
//! `data: {"cmd": "<canonical command text>"}`; confirmations carry `{"confirm": token}` or
//! `{"cancel": token}`; the configuration form's Apply carries
//! `{"form": "config", "target": …, "original": {key: value}}` and its inputs are named by key;
//! the create forms' Submit carries `{"form": "workspace_create"}` or `{"form": "location_create"}`
//! and their inputs are named after the fields.

pub mod expr;
pub mod markdown;
mod render;
mod rules;
pub mod template;
pub mod words;

use serde_json::Value;

pub use render::*;
pub use rules::{MAX_CARD_BYTES, MAX_MARKDOWN_BYTES, check_webex_rules};
use template::{ExpandError, Template};

/// Every template: name and JSON source (`cards/<name>.json`), embedded at build time.
pub const TEMPLATE_SOURCES: &[(&str, &str)] = &[
    ("help", include_str!("../../cards/help.json")),
    (
        "command_result",
        include_str!("../../cards/command_result.json"),
    ),
    ("status", include_str!("../../cards/status.json")),
    ("device_list", include_str!("../../cards/device_list.json")),
    ("workspace", include_str!("../../cards/workspace.json")),
    ("config_form", include_str!("../../cards/config_form.json")),
    (
        "target_picker",
        include_str!("../../cards/target_picker.json"),
    ),
    (
        "confirmation",
        include_str!("../../cards/confirmation.json"),
    ),
    ("error", include_str!("../../cards/error.json")),
    (
        "workspace_form",
        include_str!("../../cards/workspace_form.json"),
    ),
    (
        "location_form",
        include_str!("../../cards/location_form.json"),
    ),
    ("plan", include_str!("../../cards/plan.json")),
    ("list", include_str!("../../cards/list.json")),
];

/// A reply: the Adaptive Card and the markdown Webex shows where cards are not rendered.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Card {
    /// The expanded card (`attachments[0].content`).
    pub content: Value,
    /// Markdown fallback, readable on its own, at most [`MAX_MARKDOWN_BYTES`] bytes.
    pub fallback_markdown: String,
}

/// A template that does not load (checked at start-up, never at reply time).
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template is not JSON.
    #[error("card template {name} is not valid JSON")]
    Json {
        /// Template name.
        name: &'static str,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A binding does not parse or names an unknown function.
    #[error("card template {name}: {source}")]
    Binding {
        /// Template name.
        name: &'static str,
        /// What is wrong with the binding.
        #[source]
        source: expr::ParseError,
    },
}

/// A card that could not be produced (a bug: templates and data are typed and tested).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No template of that name.
    #[error("no card template named {0}")]
    UnknownTemplate(String),
    /// The expansion failed.
    #[error("card {name} did not expand: {source}")]
    Expand {
        /// Template name.
        name: String,
        /// Why.
        #[source]
        source: ExpandError,
    },
    /// The expanded card breaks a Webex rule.
    #[error("card {name} breaks Webex rules: {}", problems.join("; "))]
    Rules {
        /// Template name.
        name: String,
        /// Each broken rule.
        problems: Vec<String>,
    },
}

/// All card templates, parsed and checked. Build once at start-up with [`Templates::load`].
#[derive(Debug, Clone)]
pub struct Templates {
    templates: Vec<(&'static str, Template)>,
}

impl Templates {
    /// Parses every embedded template; any syntax error or unknown function is an error here.
    pub fn load() -> Result<Self, TemplateError> {
        let mut templates = Vec::with_capacity(TEMPLATE_SOURCES.len());
        for &(name, source) in TEMPLATE_SOURCES {
            let json: Value = serde_json::from_str(source)
                .map_err(|source| TemplateError::Json { name, source })?;
            let template =
                Template::parse(&json).map_err(|source| TemplateError::Binding { name, source })?;
            templates.push((name, template));
        }
        Ok(Self { templates })
    }

    /// Expands template `name` with `data` (the view model), without the Webex checks.
    pub fn expand(&self, name: &str, data: &Value) -> Result<Value, RenderError> {
        let (_, template) = self
            .templates
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| RenderError::UnknownTemplate(name.to_owned()))?;
        template.expand(data).map_err(|source| RenderError::Expand {
            name: name.to_owned(),
            source,
        })
    }

    /// Drops trailing rows (through `shrink`) until `view` expands to at most [`MAX_CARD_BYTES`].
    fn shrink_to_fit<V: serde::Serialize>(
        &self,
        name: &str,
        view: &mut V,
        mut shrink: impl FnMut(&mut V) -> bool,
    ) -> Result<(), RenderError> {
        loop {
            let data = serde_json::to_value(&*view).unwrap_or(Value::Null);
            if self.expand(name, &data)?.to_string().len() <= MAX_CARD_BYTES || !shrink(view) {
                return Ok(());
            }
        }
    }

    /// Expands `name` with a view model, checks the Webex rules and pairs it with `fallback`.
    fn card(
        &self,
        name: &str,
        view: &impl serde::Serialize,
        fallback: String,
    ) -> Result<Card, RenderError> {
        let data = serde_json::to_value(view).unwrap_or(Value::Null);
        let content = self.expand(name, &data)?;
        check_webex_rules(&content).map_err(|problems| RenderError::Rules {
            name: name.to_owned(),
            problems,
        })?;
        Ok(Card {
            content,
            fallback_markdown: markdown::fit(&fallback),
        })
    }
}
