//! Device operations: turns a parsed [`Command`] into Webex calls and a [`Reply`], one file per
//! capability. Every command goes the same way: role check (refusals make no Webex call) →
//! default target → resolution ([`crate::resolve`]) → confirmation when disruptive or bulk →
//! bounded fan-out → result card → exactly one audit event ([`audit::record`]).
//!
//! Layout: `target` (target slots, roles), `reply` (cards, errors, pickers), `confirm`,
//! `xapi` (device commands, xCommand), `status` (status, xStatus), `config_read`, `configs` (+ `value_space`),
//! `workspaces`, `locations`, `forms` (the create forms' submits, checked in `form_checks`),
//! `devices` (lists, tags, delete), `spaces` (`use`), [`check`] (`roombot check`), [`audit`].

pub mod audit;
pub mod check;
mod config_read;
mod configs;
mod confirm;
mod devices;
mod form_checks;
mod forms;
mod journal;
mod locations;
mod reply;
mod spaces;
mod status;
pub mod target;
mod value_space;
mod workspaces;
mod xapi;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use crate::bot::Bot;
use crate::bot::context::Request;
use crate::bot::reply::Reply;
use crate::cards::Templates;
use crate::command::{Command, Target};
use crate::resolve::Directory;
use crate::settings::Settings;
use crate::webex::Device;
use audit::{AuditRecord, Verdict};

/// Runs commands against Webex. Shared by all workers.
pub struct Ops {
    templates: Arc<Templates>,
    directory: Directory,
    confirmation_ttl: Duration,
    max_in_flight: usize,
}

/// Everything a handler needs about the request being served.
pub(crate) struct Ctx<'a> {
    pub bot: &'a Bot,
    pub request: &'a Request,
    /// The person clicked Confirm on this command's confirmation card.
    pub confirmed: bool,
}

/// A handler's answer: the reply and what the audit log records.
pub(crate) struct Done {
    pub reply: Reply,
    pub audit: AuditRecord,
}

impl Done {
    /// A reply with `verdict` and no targets yet.
    pub fn new(reply: Reply, verdict: Verdict) -> Self {
        Self {
            reply,
            audit: AuditRecord {
                verdict,
                targets: Vec::new(),
                tracking_ids: Vec::new(),
                detail: String::new(),
            },
        }
    }

    /// Records the names acted on.
    pub fn targets(mut self, targets: Vec<String>) -> Self {
        self.audit.targets = targets;
        self
    }

    /// Records failed calls' trackingIds (a failure turns the verdict to `Failed`).
    pub fn tracking(mut self, ids: Vec<String>) -> Self {
        if !ids.is_empty() {
            self.audit.verdict = Verdict::Failed;
        }
        self.audit.tracking_ids = ids;
        self
    }

    /// Records one line of detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.audit.detail = detail.into();
        self
    }
}

impl Ops {
    /// Operations using `templates`, with the cache TTL, confirmation TTL and fan-out bound
    /// from `settings`.
    pub fn new(settings: &Settings, templates: Arc<Templates>) -> Self {
        Self {
            templates,
            directory: Directory::new(settings.bot.cache_ttl),
            confirmation_ttl: settings.bot.confirmation_ttl,
            max_in_flight: settings.webex.max_in_flight.max(1),
        }
    }

    /// Runs `command` for `request`; `confirmed` is true once the person clicked Confirm.
    #[tracing::instrument(name = "run command", skip_all, fields(room = %request.place.room_id))]
    pub async fn run(
        &self,
        bot: &Bot,
        request: &Request,
        command: Command,
        confirmed: bool,
    ) -> Reply {
        let text = command.canonical();
        let ctx = Ctx {
            bot,
            request,
            confirmed,
        };
        let done = self.dispatch(&ctx, command).await;
        audit::record(request, &text, confirmed, &done.audit);
        let kind = text
            .split_whitespace()
            .next()
            .unwrap_or("other")
            .to_lowercase();
        done.reply.with_outcome(kind, done.audit.verdict.as_str())
    }

    /// Applies the configuration form's changed keys to `target` (canonical target text).
    #[tracing::instrument(name = "apply config form", skip_all, fields(room = %request.place.room_id))]
    pub async fn apply_config_form(
        &self,
        bot: &Bot,
        request: &Request,
        target: &str,
        changes: &[(String, String)],
    ) -> Reply {
        let ctx = Ctx {
            bot,
            request,
            confirmed: false,
        };
        let text = format!("config form {target}: {} change(s)", changes.len());
        let done = self.apply_form(&ctx, target, changes).await;
        audit::record(request, &text, false, &done.audit);
        done.reply
    }

    async fn dispatch(&self, ctx: &Ctx<'_>, command: Command) -> Done {
        let needed = target::required_role(&command);
        if ctx.request.actor.role < needed {
            return self.refuse(ctx, &command, needed);
        }
        let command = match self.with_default_target(ctx, command).await {
            Ok(command) => command,
            Err(done) => return done,
        };
        self.route(ctx, command).await
    }

    async fn route(&self, ctx: &Ctx<'_>, command: Command) -> Done {
        match command {
            Command::Help { .. } => Done::new(
                Reply::text("Type `help` for the list of commands."),
                Verdict::Read,
            ),
            Command::Status { keys, target } => self.status(ctx, keys, target).await,
            Command::XStatus { path, target } => self.status(ctx, vec![path], target).await,
            Command::ConfigGet { key, target } => self.config_get(ctx, &key, target).await,
            Command::XConfiguration {
                path,
                value: None,
                target,
            } => self.config_get(ctx, &path, target).await,
            Command::ConfigSet { .. }
            | Command::ConfigReset { .. }
            | Command::XConfiguration { .. } => self.config_change(ctx, command).await,
            Command::Devices { filters } => self.devices(ctx, &filters).await,
            Command::Tag { .. } => self.tag(ctx, command).await,
            Command::DeleteDevice { .. } => self.delete_device(ctx, command).await,
            Command::Workspaces { location } => self.workspaces(ctx, location.as_deref()).await,
            Command::Workspace { .. }
            | Command::WorkspaceEdit { .. }
            | Command::WorkspaceDelete { .. }
            | Command::Activate { .. } => self.workspace_named(ctx, command).await,
            Command::WorkspaceCreate { name, details } => {
                self.workspace_create(ctx, name, &details).await
            }
            Command::Locations => self.locations(ctx).await,
            Command::Floors { location } => self.floors(ctx, &location).await,
            Command::LocationCreate { name } => self.location_create(name),
            Command::FloorCreate {
                location,
                number,
                name,
            } => self.floor_create(ctx, &location, number, name).await,
            Command::UseShow | Command::Use { .. } | Command::UseClear => {
                self.use_target(ctx, command).await
            }
            device_command => self.device_command(ctx, device_command).await,
        }
    }

    /// Fills a missing target from the space's default, or asks with a picker of workspaces.
    async fn with_default_target(
        &self,
        ctx: &Ctx<'_>,
        mut command: Command,
    ) -> Result<Command, Done> {
        let Some(slot) = target::target_slot(&mut command) else {
            return Ok(command);
        };
        if slot.is_some() {
            return Ok(command);
        }
        let room = &ctx.request.place.room_id;
        match ctx.bot.store.default_target(room).await {
            Ok(Some(text)) => {
                if let Some(target) = target::parse_target(&text) {
                    *slot = Some(target);
                    return Ok(command);
                }
                tracing::warn!(%text, "stored default target does not parse; ignored");
            }
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "cannot read the space's default target"),
        }
        Err(self.pick_workspace(ctx, &command).await)
    }

    /// Runs `f` on every device, at most `max_in_flight` at a time; results in device order.
    pub(crate) async fn for_each_device<'d, T, F, Fut>(&self, devices: &'d [Device], f: F) -> Vec<T>
    where
        F: Fn(&'d Device) -> Fut,
        Fut: Future<Output = T>,
    {
        // Futures are built first (not polled yet): a closure inside the stream would make the
        // whole future fail the higher-ranked `Send` check the worker needs.
        let pending: Vec<_> = devices
            .iter()
            .enumerate()
            .map(|(index, device)| {
                let call = f(device);
                async move { (index, call.await) }
            })
            .collect();
        let mut results: Vec<(usize, T)> = futures::stream::iter(pending)
            .buffer_unordered(self.max_in_flight)
            .collect()
            .await;
        results.sort_by_key(|(index, _)| *index);
        results.into_iter().map(|(_, result)| result).collect()
    }

    /// A picker of every workspace for a command given without a target.
    async fn pick_workspace(&self, ctx: &Ctx<'_>, command: &Command) -> Done {
        let snapshot = match self.directory.snapshot(&ctx.bot.webex).await {
            Ok(snapshot) => snapshot,
            Err(error) => return self.webex_failure("list workspaces", &error),
        };
        let candidates = snapshot
            .workspaces
            .iter()
            .filter_map(|w| w.display_name.clone())
            .map(Target::Room)
            .collect::<Vec<_>>();
        let prompt = "Which workspace? (Set a default for this space with `use <workspace>`.)";
        self.picker(command, prompt, candidates)
    }
}
