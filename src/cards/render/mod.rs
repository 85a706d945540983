//! Typed card data and the `render_*` functions: each builds a view model (the JSON a template
//! binds to, same shape as `cards/samples/<name>.json`), expands the template and writes the
//! markdown fallback. Text from people or the organisation is escaped here, once.

mod config;
mod devices;
mod dialogs;
mod forms;
mod lists;
mod plan;
mod results;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use config::{ConfigField, ConfigForm, ConfigInput};
pub use devices::{Connection, DeviceList, DeviceRow, WorkspaceDevice, WorkspaceInfo};
pub use dialogs::{
    Confirmation, ConfirmationState, ErrorReport, Help, HelpEntry, HelpSection, TargetPicker,
};
pub use forms::{Choice, FORM_LIMITS, FormLimits, LocationForm, WorkspaceForm};
pub use lists::{Line, ListCard, ListRow, Tone};
pub use plan::{PlanCall, PlanPreview, PlanSkip};
pub use results::{
    CommandResult, DeviceOutcome, DeviceStatus, FollowUp, Outcome, StatusReport, follow_up_buttons,
};

use super::markdown::{code, literal};

/// Longest name shown (characters); longer names are clipped with `…`.
const NAME_CHARS: usize = 60;
/// Longest free text shown (messages, details, values).
const TEXT_CHARS: usize = 300;
/// Most actions in one action set (Webex).
const MAX_ACTIONS: usize = 5;

/// A command button: `Action.Submit` whose `data` is `{"cmd": command}` (DESIGN rule 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// Button text.
    pub title: String,
    /// Canonical command text the click runs, exactly as if typed.
    pub command: String,
}

impl Button {
    /// A button that runs `command`.
    pub fn new(title: impl Into<String>, command: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            command: command.into(),
        }
    }
}

/// A name and a value, shown as a fact (status values, workspace details).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// What the value is (`Volume`).
    pub title: String,
    /// The value (`70`).
    pub value: String,
}

impl Fact {
    /// A fact.
    pub fn new(title: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ButtonView {
    title: String,
    cmd: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactView {
    title: String,
    value: String,
}

fn button_views(buttons: &[Button]) -> Vec<ButtonView> {
    buttons
        .iter()
        .take(MAX_ACTIONS)
        .map(|b| ButtonView {
            title: b.title.clone(),
            cmd: b.command.clone(),
        })
        .collect()
}

fn fact_views(facts: &[Fact]) -> Vec<FactView> {
    facts
        .iter()
        .map(|f| FactView {
            title: literal(&f.title, NAME_CHARS),
            value: literal(&f.value, TEXT_CHARS),
        })
        .collect()
}

/// Fallback lines for buttons: `Reply \`cmd\` to …` so the fallback stays usable alone.
fn buttons_markdown(buttons: &[Button]) -> String {
    buttons
        .iter()
        .take(MAX_ACTIONS)
        .map(|b| format!("- {}: {}", literal(&b.title, NAME_CHARS), code(&b.command)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks that `data` has the shape of template `name`'s view model (used on the samples).
pub fn check_view_model(name: &str, data: &Value) -> Result<(), String> {
    let data = data.clone();
    let result = match name {
        "help" => serde_json::from_value::<dialogs::HelpView>(data).map(drop),
        "command_result" => serde_json::from_value::<results::ResultView>(data).map(drop),
        "status" => serde_json::from_value::<results::StatusView>(data).map(drop),
        "device_list" => serde_json::from_value::<devices::DeviceListView>(data).map(drop),
        "workspace" => serde_json::from_value::<devices::WorkspaceView>(data).map(drop),
        "config_form" => serde_json::from_value::<config::ConfigView>(data).map(drop),
        "target_picker" => serde_json::from_value::<dialogs::PickerView>(data).map(drop),
        "confirmation" => serde_json::from_value::<dialogs::ConfirmationView>(data).map(drop),
        "error" => serde_json::from_value::<dialogs::ErrorView>(data).map(drop),
        "workspace_form" => serde_json::from_value::<forms::WorkspaceFormView>(data).map(drop),
        "location_form" => serde_json::from_value::<forms::LocationFormView>(data).map(drop),
        "plan" => serde_json::from_value::<plan::PlanView>(data).map(drop),
        "list" => serde_json::from_value::<lists::ListView>(data).map(drop),
        other => return Err(format!("no card template named {other}")),
    };
    result.map_err(|e| e.to_string())
}
