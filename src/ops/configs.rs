//! Configurations: read (value, source, allowed values with unit, editable or why not; a form
//! for one device), change (read the key's `valueSpace` on the device, validate, refuse
//! non-editable keys, PATCH `replace` with a typed value, report the new effective value) and
//! reset (PATCH `remove`). Offline devices take changes when they reconnect: the reply says so.

use serde_json::Value;

use crate::access::Role;
use crate::cards::{
    Button, CommandResult, ConfigField, ConfigForm, ConfigInput, DeviceOutcome, DeviceStatus, Fact,
    FollowUp, Outcome, StatusReport,
};
use crate::command::{Command, Target};
use crate::resolve::{Need, select};
use crate::webex::{ConfigPatch, ConfigurationItem, Device, DeviceConfigurations, WebexError};

use super::audit::Verdict;
use super::reply::{describe, device_name};
use super::target::{parse_target, target_text};
use super::value_space::{describe_space, typed_value};
use super::xapi::plain;
use super::{Ctx, Done, Ops};

/// A configuration change asked for.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Set(Value),
    Reset,
}

/// What a change did on one device.
enum Changed {
    /// Applied; the new effective value (pending when the device is offline).
    Applied { detail: String, pending: bool },
    /// Not sent: the key is unknown, not editable, or the value is not allowed.
    Refused(String),
    /// Webex failed: message and trackingId.
    Failed(String, String),
}

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
        let webex = &ctx.bot.webex;
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

    /// `config set`, `config reset` and `xConfiguration … : value`.
    pub(crate) async fn config_change(&self, ctx: &Ctx<'_>, command: Command) -> Done {
        let (key, change, target) = match command.clone() {
            Command::ConfigSet { key, value, target } => (key, Change::Set(value), target),
            Command::XConfiguration {
                path,
                value: Some(value),
                target,
            } => (path, Change::Set(value), target),
            Command::ConfigReset { key, target } => (key, Change::Reset, target),
            _ => return self.rejected("That is not a configuration change.", ""),
        };
        let Some(target) = target else {
            return self.rejected(
                "Change the configuration of what?",
                "Add a workspace, e.g. `in 4B`.",
            );
        };
        let (devices, snapshot) = match self.resolve_target(ctx, &command, &target).await {
            Ok(found) => found,
            Err(done) => return done,
        };
        let (usable, skipped) = select(devices, Need::CONFIGURE);
        if !ctx.confirmed && usable.len() > 1 {
            let names: Vec<String> = usable.iter().map(device_name).collect();
            let title = format!("Change {key} on {} devices?", usable.len());
            let summary = format!("`{}` on {}", command.canonical(), names.join(", "));
            return self
                .ask_confirmation(ctx, &command, &title, &summary, names)
                .await;
        }
        let webex = &ctx.bot.webex;
        let (key_ref, change_ref) = (&key, &change);
        let results = self
            .for_each_device(&usable, |d| async move {
                change_one(webex, d, key_ref, change_ref).await
            })
            .await;
        if let ([device], [Changed::Refused(message) | Changed::Failed(message, _)]) =
            (usable.as_slice(), results.as_slice())
            && skipped.is_empty()
        {
            let tracking = match &results[0] {
                Changed::Failed(_, id) => id.clone(),
                _ => String::new(),
            };
            let message = format!("{}: {message}", device_name(device));
            let verdict = if tracking.is_empty() {
                Verdict::Rejected
            } else {
                Verdict::Failed
            };
            let reply = self.error_reply(&message, "", &tracking, Vec::new());
            let tracking: Vec<String> = [tracking].into_iter().filter(|t| !t.is_empty()).collect();
            return Done::new(reply, verdict)
                .targets(vec![device_name(device)])
                .tracking(tracking)
                .detail(message);
        }
        let mut tracking = Vec::new();
        let mut rows: Vec<DeviceOutcome> = usable
            .iter()
            .zip(results)
            .map(|(device, changed)| {
                let (outcome, detail) = match changed {
                    Changed::Applied {
                        detail,
                        pending: false,
                    } => (Outcome::Done, detail),
                    Changed::Applied {
                        detail,
                        pending: true,
                    } => (Outcome::Pending, detail),
                    Changed::Refused(message) => (Outcome::Failed, message),
                    Changed::Failed(message, id) => {
                        tracking.push(id.clone());
                        (Outcome::Failed, format!("{message} (trackingId {id})"))
                    }
                };
                DeviceOutcome {
                    device: device_name(device),
                    workspace: snapshot.workspace_name(device),
                    outcome,
                    detail,
                }
            })
            .collect();
        rows.extend(skipped.iter().map(|(d, reason)| DeviceOutcome {
            device: device_name(d),
            workspace: snapshot.workspace_name(d),
            outcome: Outcome::Skipped,
            detail: reason.explain().to_owned(),
        }));
        let verb = if change == Change::Reset {
            "Reset"
        } else {
            "Set"
        };
        let result = CommandResult {
            title: format!("{verb} {key} in {}", target_text(&target)),
            target: target_text(&target),
            rows,
            follow_up: FollowUp::Other,
        };
        let names = result.rows.iter().map(|r| r.device.clone()).collect();
        let verdict = if usable.is_empty() {
            Verdict::Rejected
        } else {
            Verdict::Done
        };
        Done::new(
            self.card(
                self.templates.render_command_result(&result),
                result.title.clone(),
            ),
            verdict,
        )
        .targets(names)
        .tracking(tracking)
    }

    /// The configuration form's Apply: each changed key becomes a `config set` on the target.
    pub(crate) async fn apply_form(
        &self,
        ctx: &Ctx<'_>,
        target: &str,
        changes: &[(String, String)],
    ) -> Done {
        let Some(target) = parse_target(target) else {
            return self.rejected(
                "The form names a target I cannot read.",
                "Ask for the configuration again.",
            );
        };
        let commands: Vec<Command> = changes
            .iter()
            .map(|(key, value)| Command::ConfigSet {
                key: key.clone(),
                value: Value::String(value.clone()),
                target: Some(target.clone()),
            })
            .collect();
        if ctx.request.actor.role < Role::Operator {
            return self.refuse(ctx, &commands[0], Role::Operator);
        }
        let mut last = None;
        let mut replies = Vec::new();
        for command in commands {
            let done = self.config_change(ctx, command).await;
            replies.push(done.reply.markdown.clone());
            last = Some(done);
        }
        let Some(mut done) = last else {
            return self.rejected("Nothing changed in the form.", "");
        };
        if replies.len() > 1 {
            done.reply = crate::bot::reply::Reply::text(replies.join("\n\n"));
        }
        done
    }
}

/// Reads the key's value space on `device`, validates, PATCHes, and reports the new value.
async fn change_one(
    webex: &crate::webex::WebexClient,
    device: &Device,
    key: &str,
    change: &Change,
) -> Changed {
    let current = match webex.get_configurations(&device.id, Some(key)).await {
        Ok(current) => current,
        Err(error) => return failed(&error),
    };
    let Some((key, item)) = current
        .items
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
    else {
        return Changed::Refused(format!("there is no configuration {key} on this device"));
    };
    if !item.is_editable() {
        return Changed::Refused(format!("{key} cannot be changed: {}", not_editable(item)));
    }
    let patch = match change {
        Change::Reset => ConfigPatch::remove(key),
        Change::Set(value) => {
            let Some(space) = &item.value_space else {
                return Changed::Refused(format!("{key} has no value space to check against"));
            };
            match typed_value(key, space, value) {
                Ok(typed) => ConfigPatch::replace(key, typed),
                Err(message) => return Changed::Refused(message),
            }
        }
    };
    let answer = match webex.patch_configurations(&device.id, &[patch]).await {
        Ok(answer) => answer,
        Err(error) => return failed(&error),
    };
    let now = answer
        .items
        .get(key)
        .and_then(|i| i.value.as_ref())
        .map(plain)
        .unwrap_or_default();
    let before = item.value.as_ref().map(plain).unwrap_or_default();
    if !device.is_online() {
        let asked = match change {
            Change::Set(value) => format!("{key} set to {}", plain(value)),
            Change::Reset => format!("{key} reset to its default"),
        };
        return Changed::Applied {
            detail: format!(
                "{asked}; the device is offline and applies it when it reconnects (now {now})"
            ),
            pending: true,
        };
    }
    Changed::Applied {
        detail: format!("{key} = {now} (was {before})"),
        pending: false,
    }
}

fn failed(error: &WebexError) -> Changed {
    Changed::Failed(
        describe(error),
        error.tracking_id().unwrap_or_default().to_owned(),
    )
}

fn failure_text(error: &WebexError) -> String {
    format!(
        "{} (trackingId {})",
        describe(error),
        error.tracking_id().unwrap_or_default()
    )
}

/// Source, allowed values, editability, and the offline note.
fn summary(item: &ConfigurationItem, device: &Device) -> String {
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
fn not_editable(item: &ConfigurationItem) -> String {
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
