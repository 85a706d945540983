//! Shared reply shapes: cards with a markdown fallback, error cards with the Webex trackingId,
//! refusals, "no workspace named …" with the closest names, pickers for ambiguous names, and
//! the resolution helpers that produce them.

use std::sync::Arc;

use crate::access::Role;
use crate::cards::{Button, Card, DeviceOutcome, ErrorReport, Outcome, RenderError, TargetPicker};
use crate::command::{Command, Target};
use crate::request::Reply;
use crate::resolve::{NameMatch, Org, Resolution, SkipReason};
use crate::webex::{Device, WebexError, Workspace};

use super::audit::Verdict;
use super::target::{target_text, with_name, with_target};
use super::{Ctx, Done, Ops};

/// Most candidate buttons in a picker.
const MAX_CANDIDATES: usize = 15;

impl Ops {
    /// The card's reply, or its markdown alone if rendering failed (logged).
    pub(crate) fn card(
        &self,
        card: Result<Card, RenderError>,
        fallback: impl Into<String>,
    ) -> Reply {
        match card {
            Ok(card) => Reply::card(card.content, card.fallback_markdown),
            Err(error) => {
                tracing::error!(%error, "card rendering failed; replying with markdown");
                Reply::text(fallback)
            }
        }
    }

    /// An error card: what went wrong, what to do, and the trackingId when Webex was involved.
    pub(crate) fn error_reply(
        &self,
        message: &str,
        hint: &str,
        tracking_id: &str,
        buttons: Vec<Button>,
    ) -> Reply {
        let report = ErrorReport {
            message: message.to_owned(),
            hint: hint.to_owned(),
            tracking_id: tracking_id.to_owned(),
            buttons,
        };
        let mut fallback = message.to_owned();
        if !hint.is_empty() {
            fallback.push_str(&format!("\n\n{hint}"));
        }
        if !tracking_id.is_empty() {
            fallback.push_str(&format!("\n\ntrackingId: `{tracking_id}`"));
        }
        self.card(self.templates.render_error(&report), fallback)
    }

    /// Nothing happened because the input cannot work (bad value, unknown name, …).
    pub(crate) fn rejected(&self, message: &str, hint: &str) -> Done {
        Done::new(
            self.error_reply(message, hint, "", Vec::new()),
            Verdict::Rejected,
        )
        .detail(message)
    }

    /// A failed Webex call, shown with its trackingId.
    pub(crate) fn webex_failure(&self, what: &str, error: &WebexError) -> Done {
        let message = format!("I could not {what}: {}", describe(error));
        let tracking = error.tracking_id().unwrap_or_default().to_owned();
        let hint = "Quote the trackingId if you contact Webex support.";
        Done::new(
            self.error_reply(&message, hint, &tracking, Vec::new()),
            Verdict::Failed,
        )
        .tracking(vec![tracking])
        .detail(message)
    }

    /// The person's role is too low: say which role is needed. No Webex call.
    pub(crate) fn refuse(&self, ctx: &Ctx<'_>, command: &Command, needed: Role) -> Done {
        let have = ctx.request.actor.role;
        let verb = command.canonical();
        let verb = verb.split_whitespace().next().unwrap_or("this");
        let message = format!(
            "`{verb}` needs the {} role; you have {}.",
            needed.name(),
            match have {
                Role::None => "no role here".to_owned(),
                other => format!("the {} role", other.name()),
            }
        );
        let hint = "Roles are set by the bot's operators (access settings).";
        Done::new(
            self.error_reply(&message, hint, "", vec![Button::new("Help", "help")]),
            Verdict::Refused,
        )
        .detail(message)
    }

    /// One button per candidate target, each carrying the whole command aimed there.
    pub(crate) fn picker(&self, command: &Command, prompt: &str, candidates: Vec<Target>) -> Done {
        let buttons = candidates
            .iter()
            .take(MAX_CANDIDATES)
            .map(|t| {
                Button::new(
                    target_label(t),
                    with_target(command.clone(), t.clone()).canonical(),
                )
            })
            .collect();
        self.picker_reply(
            prompt,
            buttons,
            candidates.iter().map(target_text).collect(),
        )
    }

    /// One button per candidate name, each carrying the whole command naming it.
    pub(crate) fn name_picker(&self, command: &Command, prompt: &str, names: Vec<String>) -> Done {
        let buttons = names
            .iter()
            .take(MAX_CANDIDATES)
            .map(|n| Button::new(n.clone(), with_name(command.clone(), n.clone()).canonical()))
            .collect();
        self.picker_reply(prompt, buttons, names)
    }

    fn picker_reply(&self, prompt: &str, candidates: Vec<Button>, names: Vec<String>) -> Done {
        let fallback = format!("{prompt}\n\n{}", names.join(", "));
        let picker = TargetPicker {
            prompt: prompt.to_owned(),
            candidates,
        };
        Done::new(
            self.card(self.templates.render_target_picker(&picker), fallback),
            Verdict::Rejected,
        )
        .targets(names)
        .detail("ambiguous")
    }

    /// "No workspace named …", with the closest names.
    pub(crate) fn not_found(&self, kind: &str, query: &str, closest: &[String]) -> Done {
        let message = format!("There is no {kind} named “{query}” that I can see.");
        let hint = match closest {
            [] => format!("Try `{kind}s` to list them, or check that the bot has access."),
            names => format!("Closest: {}.", names.join(", ")),
        };
        self.rejected(&message, &hint)
    }

    /// The devices of `target` for `command`, or the reply explaining why there are none to pick.
    pub(crate) async fn resolve_target(
        &self,
        _ctx: &Ctx<'_>,
        command: &Command,
        target: &Target,
    ) -> Result<(Vec<Device>, Arc<Org>), Done> {
        let resolved = self.directory.resolve(&self.webex, target).await;
        match resolved {
            Err(error) => Err(self.webex_failure("list devices and workspaces", &error)),
            Ok((Resolution::Devices(devices), snapshot)) => Ok((devices, snapshot)),
            Ok((Resolution::Ambiguous { query, candidates }, _)) => {
                let prompt = format!("Which one do you mean by “{query}”?");
                Err(self.picker(command, &prompt, candidates))
            }
            Ok((
                Resolution::NotFound {
                    kind,
                    query,
                    closest,
                },
                _,
            )) => Err(self.not_found(kind, &query, &closest)),
        }
    }

    /// The one workspace named `name` for `command` (else a picker or "no workspace named").
    pub(crate) async fn one_workspace(
        &self,
        _ctx: &Ctx<'_>,
        command: &Command,
        name: &str,
    ) -> Result<(Workspace, Arc<Org>), Done> {
        match self.directory.find_workspace(&self.webex, name).await {
            Err(error) => Err(self.webex_failure("list workspaces", &error)),
            Ok((NameMatch::One(workspace), snapshot)) => Ok((workspace, snapshot)),
            Ok((NameMatch::Many(many), _)) => {
                let names = many.into_iter().filter_map(|w| w.display_name).collect();
                Err(self.name_picker(
                    command,
                    &format!("Which workspace do you mean by “{name}”?"),
                    names,
                ))
            }
            Ok((NameMatch::None { closest }, _)) => {
                Err(self.not_found("workspace", name, &closest))
            }
        }
    }

    /// The one device named `name` for `command` (else a picker or "no device named").
    pub(crate) async fn one_device(
        &self,
        _ctx: &Ctx<'_>,
        command: &Command,
        name: &str,
    ) -> Result<(Device, Arc<Org>), Done> {
        match self.directory.find_device(&self.webex, name).await {
            Err(error) => Err(self.webex_failure("list devices", &error)),
            Ok((NameMatch::One(device), snapshot)) => Ok((device, snapshot)),
            Ok((NameMatch::Many(many), _)) => {
                let names = many.into_iter().filter_map(|d| d.display_name).collect();
                Err(self.name_picker(
                    command,
                    &format!("Which device do you mean by “{name}”?"),
                    names,
                ))
            }
            Ok((NameMatch::None { closest }, _)) => Err(self.not_found("device", name, &closest)),
        }
    }
}

/// A Webex error in one line: status and Webex's message (the trackingId is shown apart).
pub(crate) fn describe(error: &WebexError) -> String {
    match error.api() {
        Some(api) => {
            let mut text = format!("Webex answered {}: {}", api.status, api.message);
            if let Some(first) = api.descriptions.first().filter(|d| **d != api.message) {
                text.push_str(&format!(" ({first})"));
            }
            text
        }
        None => error.to_string(),
    }
}

/// A device's display name, or its id when it has none.
/// One "skipped" result row per device left out, with its reason.
pub(crate) fn skipped_rows(skipped: &[(Device, SkipReason)], snapshot: &Org) -> Vec<DeviceOutcome> {
    skipped
        .iter()
        .map(|(device, reason)| DeviceOutcome {
            device: device_name(device),
            workspace: snapshot.workspace_name(device),
            outcome: Outcome::Skipped,
            detail: reason.explain().to_owned(),
        })
        .collect()
}

pub(crate) fn device_name(device: &Device) -> String {
    device
        .display_name
        .clone()
        .unwrap_or_else(|| device.id.as_str().to_owned())
}

/// The button title for a target: its name.
fn target_label(target: &Target) -> String {
    match target {
        Target::Room(n)
        | Target::Workspace(n)
        | Target::Device(n)
        | Target::Tag(n)
        | Target::Location(n)
        | Target::Bare(n) => n.clone(),
        Target::All => "all".to_owned(),
    }
}
