//! Configuration changes (reads are in `config_read`): set reads the key's `valueSpace` on the
//! device, validates, refuses non-editable keys, PATCHes `replace` with a typed value and reports
//! the new effective value; reset PATCHes `remove`. Offline devices take changes when they reconnect: the reply says so.

use serde_json::Value;

use crate::access::Role;
use crate::cards::{CommandResult, DeviceOutcome, FollowUp, Outcome};
use crate::command::Command;
use crate::resolve::{Need, select};
use crate::webex::{ConfigPatch, Device, WebexError};

use super::audit::Verdict;
use super::config_read::not_editable;
use super::reply::{describe, device_name, skipped_rows};
use super::target::{parse_target, target_text};
use super::value_space::typed_value;
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
        let webex = &self.webex;
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
        rows.extend(skipped_rows(&skipped, &snapshot));
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
            done.reply = crate::request::Reply::text(replies.join("\n\n"));
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
