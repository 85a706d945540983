//! Configuration reads: value, source, allowed values or range with unit, and whether the key
//! is editable (or why not); one device gets a form with an input per editable key, several
//! get a list per device.

use crate::cards::{
    Button, ConfigField, ConfigForm, ConfigInput, DeviceStatus, Fact, StatusReport,
};
use crate::command::{Command, Target};
use crate::resolve::{Need, select};
use crate::webex::{ConfigurationItem, Device, DeviceConfigurations, WebexError};

use super::audit::Verdict;
use super::reply::{describe, device_name};
use super::target::target_text;
use super::value_space::describe_space;
use super::xapi::plain;
use super::{Ctx, Done, Ops};

impl Ops {
    /// Reads `key` (wildcards allowed) on every readable device of `target`.
    pub(crate) async fn config_get(
        &self,
        ctx: &Ctx<'_>,
        key: &str,
        target: Option<Target>,
    ) -> Done {
        let Some(target) = target else {
            return self.rejected("Configuration of what?", "Add a workspace, e.g. `in 4B`.");
        };
        let command = Command::ConfigGet {
            key: key.to_owned(),
            target: Some(target.clone()),
        };
        let (devices, snapshot) = match self.resolve_target(ctx, &command, &target).await {
            Ok(found) => found,
            Err(done) => return done,
        };
        let (usable, skipped) = select(devices, Need::READ_CONFIG);
        let webex = &self.webex;
        let answers = self
            .for_each_device(&usable, |d| async move {
                webex.get_configurations(&d.id, Some(key)).await
            })
            .await;
        if let ([device], [Ok(answer)]) = (usable.as_slice(), answers.as_slice()) {
            return self.config_form(device, key, answer, &command);
        }
        let mut tracking = Vec::new();
        let mut rows: Vec<DeviceStatus> = usable
            .iter()
            .zip(answers)
            .map(|(device, answer)| {
                let (facts, note) = match answer {
                    Ok(answer) if answer.items.is_empty() => (
                        Vec::new(),
                        format!("No configuration {key} on this device."),
                    ),
                    Ok(answer) => (
                        answer
                            .items
                            .iter()
                            .map(|(k, item)| Fact::new(k, summary(item, device)))
                            .collect(),
                        String::new(),
                    ),
                    Err(error) => {
                        tracking.push(error.tracking_id().unwrap_or_default().to_owned());
                        (Vec::new(), failure_text(&error))
                    }
                };
                DeviceStatus {
                    device: device_name(device),
                    workspace: snapshot.workspace_name(device),
                    facts,
                    note,
                }
            })
            .collect();
        rows.extend(skipped.iter().map(|(d, reason)| DeviceStatus {
            device: device_name(d),
            workspace: snapshot.workspace_name(d),
            facts: Vec::new(),
            note: reason.explain().to_owned(),
        }));
        let report = StatusReport {
            title: format!("{key} in {}", target_text(&target)),
            devices: rows,
            refresh_command: command.canonical(),
        };
        let names = report.devices.iter().map(|d| d.device.clone()).collect();
        Done::new(
            self.card(self.templates.render_status(&report), report.title.clone()),
            Verdict::Read,
        )
        .targets(names)
        .tracking(tracking)
    }

    /// The form for one device: an input per editable key, the reason for the others.
    fn config_form(
        &self,
        device: &Device,
        key: &str,
        answer: &DeviceConfigurations,
        command: &Command,
    ) -> Done {
        let name = device_name(device);
        if answer.items.is_empty() {
            return self.rejected(
                &format!("There is no configuration {key} on {name}."),
                "Check the key's spelling, e.g. `Audio.DefaultVolume`.",
            );
        }
        let fields = answer
            .items
            .iter()
            .map(|(k, item)| ConfigField {
                key: k.clone(),
                value: item.value.as_ref().map(plain).unwrap_or_default(),
                input: input_for(item),
                note: summary(item, device),
            })
            .collect();
        let form = ConfigForm {
            title: format!("{key} on {name}"),
            target: target_text(&Target::Device(name.clone())),
            fields,
            buttons: vec![Button::new("Refresh", command.canonical())],
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
        .targets(vec![name])
    }
}

fn failure_text(error: &WebexError) -> String {
    format!(
        "{} (trackingId {})",
        describe(error),
        error.tracking_id().unwrap_or_default()
    )
}

/// Source, allowed values, editability, and the offline note.
pub(super) fn summary(item: &ConfigurationItem, device: &Device) -> String {
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
    if !device.is_online() {
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
