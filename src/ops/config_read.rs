//! The reply to configuration reads: value, source, allowed values or range with unit, and
//! whether the key is editable (or why not); one device gets a form with an input per editable
//! key, several get a list per device.

use crate::cards::markdown::escape;
use crate::cards::{
    Button, ConfigField, ConfigForm, ConfigInput, DeviceStatus, Fact, StatusReport,
};
use crate::command::Target;
use crate::plan::{DeviceRef, Plan};
use crate::webex::{ConfigurationItem, DeviceConfigurations};

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Outcome};
use super::reply::device_names;
use super::results::skip_notes;
use super::value_space::describe_space;
use super::xapi::plain;
use super::{Done, Ops};

impl Ops {
    /// The form for one device read; else one entry per device, then the skipped devices.
    pub(crate) fn render_config_read(&self, plan: &Plan, outcome: &Outcome, key: &str) -> Done {
        if let ([call], [CallResult::Done(Answer::Configurations(answer))]) =
            (plan.calls.as_slice(), outcome.results.as_slice())
            && let Some(device) = plan.device_of(call)
        {
            return self.config_form(plan, device, key, answer);
        }
        let rows: Vec<DeviceStatus> = plan
            .calls
            .iter()
            .zip(&outcome.results)
            .filter_map(|(call, result)| Some(config_entry(plan.device_of(call)?, result, key)))
            .collect();
        let report = StatusReport {
            title: format!("{key} on {}", super::results::target_words(&plan.label)),
            summary: String::new(),
            fleet: Vec::new(),
            devices: rows,
            notes: skip_notes(plan),
            refresh_command: plan.text.clone(),
            more_command: None,
        };
        let names = device_names(plan);
        Done::new(
            self.card(self.templates.render_status(&report), escape(&report.title)),
            Verdict::Read,
        )
        .targets(names)
        .tracking(outcome.tracking_ids())
    }

    /// The form for one device: an input per editable key, the reason for the others.
    fn config_form(
        &self,
        plan: &Plan,
        device: &DeviceRef,
        key: &str,
        answer: &DeviceConfigurations,
    ) -> Done {
        let name = &device.name;
        if answer.items.is_empty() {
            return self.rejected(
                &format!("There is no configuration {key} on {name}."),
                "Check the key's spelling, e.g. “Audio.DefaultVolume”.",
            );
        }
        let fields = answer
            .items
            .iter()
            .map(|(k, item)| ConfigField {
                key: k.clone(),
                value: item.value.as_ref().map(plain).unwrap_or_default(),
                input: input_for(item),
                note: summary(item, device.online),
            })
            .collect();
        let form = ConfigForm {
            title: format!("{key} on {name}"),
            target: Target::Device(name.clone()).text(),
            fields,
            buttons: vec![Button::new("Refresh", plan.text.clone())],
        };
        let fallback = form
            .fields
            .iter()
            .map(|f| format!("- {} = {} ({})", f.key, f.value, f.note))
            .collect::<Vec<_>>()
            .join("\n");
        Done::new(
            self.card(self.templates.render_config_form(&form), fallback),
            Verdict::Read,
        )
        .targets(vec![name.clone()])
    }
}

/// One device's entry: each key read with its summary, or why there is none.
fn config_entry(device: &DeviceRef, result: &CallResult, key: &str) -> DeviceStatus {
    let (facts, note) = match result {
        CallResult::Done(Answer::Configurations(answer)) if answer.items.is_empty() => (
            Vec::new(),
            format!("No configuration {key} on this device."),
        ),
        CallResult::Done(Answer::Configurations(answer)) => (
            answer
                .items
                .iter()
                .map(|(k, item)| Fact::new(k, summary(item, device.online)))
                .collect(),
            String::new(),
        ),
        CallResult::Failed(failure) => (
            Vec::new(),
            format!("{} (trackingId {})", failure.message, failure.tracking_id),
        ),
        _ => (Vec::new(), String::new()),
    };
    DeviceStatus {
        device: device.name.clone(),
        workspace: device.workspace.clone(),
        facts,
        note,
    }
}

/// Source, allowed values, editability, and the offline note.
pub(super) fn summary(item: &ConfigurationItem, online: bool) -> String {
    let mut parts = Vec::new();
    if let Some(value) = &item.value {
        parts.push(format!("value {}", plain(value)));
    }
    if let Some(source) = item
        .source
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
    {
        parts.push(format!("source {}", plain(&source)));
    }
    if let Some(space) = &item.value_space {
        parts.push(describe_space(space));
    }
    parts.push(match item.is_editable() {
        true => "editable".to_owned(),
        false => format!("not editable: {}", not_editable(item)),
    });
    if !online {
        parts.push("device offline: changes apply when it reconnects".to_owned());
    }
    parts.join(" · ")
}

fn input_for(item: &ConfigurationItem) -> ConfigInput {
    if !item.is_editable() {
        return ConfigInput::ReadOnly {
            reason: not_editable(item),
        };
    }
    item.value_space
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|s| ConfigInput::from_value_space(&s))
        .unwrap_or(ConfigInput::ReadOnly {
            reason: "its value space is not understood".to_owned(),
        })
}

/// Webex's reason in words.
pub(super) fn not_editable(item: &ConfigurationItem) -> String {
    match item.not_editable_reason() {
        Some("NOT_AUTHORIZED") => {
            "the bot is not authorised to change it (NOT_AUTHORIZED)".to_owned()
        }
        Some("CONFIG_MANAGED_BY_DIFFERENT_AUTHORITY") => {
            "it is managed by a different authority (CONFIG_MANAGED_BY_DIFFERENT_AUTHORITY)"
                .to_owned()
        }
        Some("CONFIG_MANAGED_BY_RULE") => {
            "a configuration rule manages it (CONFIG_MANAGED_BY_RULE)".to_owned()
        }
        Some("FACTORY_DEFAULT") => "it is a factory default (FACTORY_DEFAULT)".to_owned(),
        Some(other) => other.to_owned(),
        None => "Webex does not say it is editable".to_owned(),
    }
}
