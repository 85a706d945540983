//! Device operations: the command layer behind the bot. Every command goes one way: a
//! [`Snapshot`] (the cached listing, the locations when the command names one, the space's
//! default target) → a pure [`plan`](crate::plan::plan) (refusals make no Webex call) → a
//! confirmation when the plan asks for one → [`execute`](Ops::execute), the only code that
//! makes a plan's calls → a reply rendered from plan and outcome → exactly one audit event.
//!
//! Layout: `respond` (the [`Responder`](crate::request::Responder): text, clicks, forms),
//! `execute` + `changes` (the executor), `confirm`, `show` (`plan <command>`), and one render
//! file per capability: `xapi`, `status`, `config_read`, `configs` (+ `value_space`),
//! `devices`, `workspaces`, `locations`, `forms` (+ `form_checks`), `spaces`; `reply` (shared
//! reply shapes, refusals, errors), [`audit`], [`check`] (`roombot check`).

mod asking;
pub mod audit;
mod audit_view;
mod changes;
pub mod check;
mod closing;
mod config_read;
mod configs;
mod confirm;
mod devices;
mod error_codes;
mod execute;
mod form_checks;
mod forms;
mod governance;
mod introduce;
mod journal;
mod limits;
mod locations;
mod redact;
mod reply;
mod respond;
mod results;
mod show;
mod spaces;
mod status;
mod trail;
mod value_space;
mod workspace_words;
mod workspaces;
mod xapi;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::cards::Templates;
use crate::command::{Command, Target};
use crate::plan::{Action, Plan, Snapshot, Space, check_admin, check_role, plan};
use crate::request::{Reply, Request};
use crate::resolve::Directory;
use crate::settings::Settings;
use crate::store::Store;
use crate::webex::{PersonId, WebexClient, WebexError};
use audit::{AuditRecord, Verdict};
use execute::Outcome;

/// Runs commands against Webex. Shared by all workers.
pub struct Ops {
    /// The bot's client: messages and xAPI.
    webex: WebexClient,
    /// The admin credential's client (`None`: bot-only mode).
    admin: Option<WebexClient>,
    store: Store,
    templates: Arc<Templates>,
    directory: Directory,
    confirmation_ttl: Duration,
    max_in_flight: usize,
    /// The bot's own person id, once known: messages ops posts itself (a direct message, a
    /// reposted card) are then delivered checking for a landed copy before posting again.
    bot_id: OnceLock<PersonId>,
    /// Whether Webex lets roombot edit its card messages (learnt once per process).
    card_edits: closing::CardEdits,
    /// Commands per minute per person and per space.
    limits: limits::RateLimiter,
    /// Who to ask for a role (refusals, the introduction).
    granters: String,
    /// Who holds each role, as the introduction lists them (highest first).
    roles: Vec<(crate::access::Role, Vec<String>)>,
    /// Where audit records go and are read back (the store's SQLite trail by default).
    audit_log: Arc<dyn crate::store::AuditLog>,
}

/// The request being served, and whether its person already confirmed it.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub request: &'a Request,
    /// The person clicked Confirm on this plan's confirmation card.
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
            audit: AuditRecord::new(verdict),
        }
    }

    /// Records the plan behind the reply and, once it ran, how its calls went.
    pub fn plan(mut self, plan: &Plan, outcome: Option<&Outcome>) -> Self {
        let action = serde_json::to_value(&plan.action)
            .ok()
            .and_then(|v| v.get("action").and_then(|a| a.as_str()).map(str::to_owned))
            .unwrap_or_default();
        let failed = outcome.map_or(0, |o| {
            o.results
                .iter()
                .filter(|r| !matches!(r, execute::CallResult::Done(_)))
                .count()
        });
        self.audit.plan = Some(audit::PlanSummary {
            action,
            role: plan.role.name(),
            calls: plan.calls.len(),
            failed,
            skipped: plan.skipped().count(),
        });
        trail::record_plan(&mut self.audit, plan, outcome);
        self
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
    /// Operations through `webex` (the bot), `admin` (the admin credential, if any) and `store`,
    /// with the cache TTL, confirmation TTL and fan-out
    /// bound from `settings`. Loads and checks every card template: a bad template fails
    /// start-up, not a reply.
    pub fn new(
        settings: &Settings,
        webex: WebexClient,
        admin: Option<WebexClient>,
        store: Store,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            directory: Directory::new(settings.bot.cache_ttl, webex.clone(), admin.clone()),
            webex,
            admin,
            templates: Arc::new(Templates::load()?),
            confirmation_ttl: settings.bot.confirmation_ttl,
            max_in_flight: settings.webex.max_in_flight.max(1),
            bot_id: OnceLock::new(),
            card_edits: closing::CardEdits::default(),
            limits: limits::RateLimiter::new(
                settings.access.governance.rate_per_person,
                settings.access.governance.rate_per_space,
            ),
            granters: crate::access::AccessPolicy::new(settings.access.clone()).granters(),
            roles: introduce::role_holders(settings),
            audit_log: Arc::new(store.clone()),
            store,
        })
    }

    /// Whether admin access works: none configured, or (per the last listing) broken and why.
    pub(crate) fn admin_access(
        &self,
        org: Option<&crate::resolve::Org>,
    ) -> Result<(), Option<String>> {
        match (&self.admin, org.and_then(|o| o.admin_broken.clone())) {
            (None, _) => Err(None),
            (Some(_), Some(why)) => Err(Some(why)),
            (Some(_), None) => Ok(()),
        }
    }

    /// Tells ops who the bot is (from `GET /people/me`, once start-up learnt it).
    pub fn know_bot(&self, id: PersonId) {
        let _ = self.bot_id.set(id);
    }

    /// Posts a message of ops' own (not the reply): delivered once where Webex lets us check.
    pub(crate) async fn post_message(
        &self,
        message: &crate::webex::NewMessage,
    ) -> Result<crate::webex::Message, WebexError> {
        match self.bot_id.get() {
            Some(me) => self.webex.deliver_message(message, me).await,
            None => self.webex.create_message(message).await,
        }
    }

    /// Runs `command` for `request`: plan, confirm if needed, execute, reply. `plan <command>`
    /// stops after the plan and shows it.
    #[tracing::instrument(name = "run command", skip_all, fields(room = %request.place.room_id))]
    pub(crate) async fn run(&self, request: &Request, command: Command) -> Reply {
        let ctx = Ctx {
            request,
            confirmed: false,
        };
        let (preview, command) = match command {
            Command::Plan { command } => (true, *command),
            command => (false, command),
        };
        let done = match self.plan_for(request, &command).await {
            Err(done) => done,
            Ok((plan, _)) if preview => self.show_plan(&plan).plan(&plan, None),
            Ok((plan, snapshot)) => {
                let done = self.carry_out(ctx, &plan, &snapshot).await;
                // A card whose button changed devices would offer the opposite of what is now
                // true (Unmute on a card that says Muted): the new reply replaces it.
                if request.card_message.is_some() && closing::changed_devices(&plan, &done) {
                    self.close_clicked(request, None).await;
                }
                done
            }
        };
        let text = match preview {
            true => format!("plan {}", command.canonical()),
            false => command.canonical(),
        };
        let mut done = done;
        if done.audit.label.is_empty() {
            done.audit.label = command.target().map(|t| t.text()).unwrap_or_default();
        }
        self.finish(request, &text, false, done).await
    }

    /// Records the audit event (log line and the store's trail) and labels the reply for
    /// `/metrics`.
    async fn finish(&self, request: &Request, text: &str, confirmed: bool, done: Done) -> Reply {
        let kept = redact::redact_secrets(text);
        audit::record(request, &kept, confirmed, &done.audit);
        self.keep_audit(request, &kept, confirmed, &done.audit)
            .await;
        let kind = text
            .split_whitespace()
            .next()
            .unwrap_or("other")
            .to_lowercase();
        done.reply.with_outcome(kind, done.audit.verdict.as_str())
    }

    /// Plans `command` against the cached listing; a name that matches nothing is looked for
    /// once more in a fresh listing before the refusal stands.
    async fn plan_for(
        &self,
        request: &Request,
        command: &Command,
    ) -> Result<(Plan, Snapshot), Done> {
        // A role too low, or a need for admin access roombot lacks, is refused before anything
        // is looked up: no Webex call.
        check_role(command, request.actor.role)
            .and_then(|()| check_admin(command, &self.admin_access(None)))
            .map_err(|refusal| self.refusal_for(request, &refusal))?;
        let (mut fresh, mut places) = (false, false);
        loop {
            let snapshot = self
                .snapshot(request, command, fresh, places)
                .await
                .map_err(|error| self.webex_failure("list devices and workspaces", &error))?;
            match plan(command, &snapshot, &request.actor) {
                // What renders the result sees the space's scope too (a workspace card lists
                // only the devices inside it).
                Ok(plan) => return Ok((plan, within_scope(snapshot))),
                Err(refusal) if refusal.is_not_found() && !fresh => fresh = true,
                // A choice names each candidate's location: look them up (cached) and ask again.
                Err(crate::plan::Refusal::Choose { .. })
                    if !places && snapshot.locations.is_empty() && self.directory.has_admin() =>
                {
                    places = true
                }
                Err(refusal) => return Err(self.refusal_for(request, &refusal)),
            }
        }
    }

    /// Asks for a confirmation when the plan needs one and has none yet; else runs it.
    async fn carry_out(&self, ctx: Ctx<'_>, plan: &Plan, snapshot: &Snapshot) -> Done {
        if plan.confirm.is_some() && !ctx.confirmed {
            return self.ask_confirmation(ctx, plan).await.plan(plan, None);
        }
        let by = results::asked_by(ctx.request, ctx.confirmed);
        self.run_plan(ctx.request, plan, snapshot, &by).await
    }

    /// Runs `plan` (after the action gate: an earlier attempt at this event may have run it)
    /// and renders what happened; `by` names who asked, in group spaces.
    async fn run_plan(
        &self,
        request: &Request,
        plan: &Plan,
        snapshot: &Snapshot,
        by: &str,
    ) -> Done {
        if let Some(done) = self.begin_action(request, plan).await {
            return done.plan(plan, None);
        }
        let outcome = self.execute(request, plan).await;
        self.render(plan, &outcome, snapshot, by)
            .plan(plan, Some(&outcome))
    }

    /// What is known for planning `command`: the listing (fetched anew with `fresh`), the
    /// locations when the command needs them (or `places` asks), and the space with its
    /// default target.
    async fn snapshot(
        &self,
        request: &Request,
        command: &Command,
        fresh: bool,
        places: bool,
    ) -> Result<Snapshot, WebexError> {
        let org = match fresh {
            true => self.directory.refresh().await?,
            false => self.directory.snapshot().await?,
        };
        let locations = match places || needs_locations(command) {
            true => self.directory.locations(fresh).await?,
            false => Arc::default(),
        };
        let wants_default = matches!(command, Command::UseShow)
            || command.clone().target_slot().is_some_and(|t| t.is_none());
        let default_target = match wants_default {
            true => self.default_target(request).await,
            false => None,
        };
        let space = Space {
            is_group: request.place.is_group,
            default_target,
            scope: self.space_scope(request).await,
        };
        Ok(Snapshot {
            admin: self.admin_access(Some(&org)),
            org,
            locations,
            space,
        })
    }

    /// The space's stored default target (a store failure is logged and counts as none).
    async fn default_target(&self, request: &Request) -> Option<Target> {
        match self.store.default_target(&request.place.room_id).await {
            Ok(Some(text)) => Target::from_text(&text).or_else(|| {
                tracing::warn!(%text, "stored default target does not parse; ignored");
                None
            }),
            Ok(None) => None,
            Err(error) => {
                tracing::error!(%error, "cannot read the space's default target");
                None
            }
        }
    }

    /// The reply to a plan that ran: one renderer per action. `by` ("asked by Ada" in group
    /// spaces) ends the title of what changed something.
    fn render(&self, plan: &Plan, outcome: &Outcome, snapshot: &Snapshot, by: &str) -> Done {
        match &plan.action {
            Action::Xapi { path, .. } => self.render_xapi(plan, outcome, path, by),
            Action::Status { keys, detail } => {
                self.render_status(plan, outcome, keys, detail.as_ref())
            }
            Action::ConfigRead { key } => self.render_config_read(plan, outcome, key),
            Action::ConfigChange { changes } => {
                self.render_config_change(plan, outcome, changes, by)
            }
            Action::Tag { add, tag } => self.render_tag(plan, outcome, *add, tag, by),
            Action::DeleteDevice => self.render_device_delete(plan, outcome),
            Action::Devices { paging } => self.render_devices(plan, snapshot, paging),
            Action::Workspaces {
                rows,
                location,
                paging,
            } => self.render_workspaces(rows, location.as_deref(), paging),
            Action::ShowWorkspace { workspace } => self.render_workspace(plan, workspace, snapshot),
            Action::EditWorkspace { workspace } => {
                self.render_edit(plan, outcome, workspace, snapshot)
            }
            Action::DeleteWorkspace { workspace } => {
                self.render_workspace_delete(plan, outcome, workspace)
            }
            Action::Activate { workspace } => self.render_activate(outcome, workspace),
            Action::CreateWorkspace { name } => self.render_create(outcome, name, snapshot),
            Action::WorkspaceForm { defaults } => self.render_workspace_form(defaults, snapshot),
            Action::LocationForm { name } => self.render_location_form(name),
            Action::CreateLocation { name } => self.render_location_created(outcome, name),
            Action::Locations { rows, paging } => self.render_locations(rows, paging),
            Action::Floors { location } => self.render_floors(outcome, location),
            Action::CreateFloor { location, number } => {
                self.render_floor_created(outcome, location, *number)
            }
            Action::UseShow { current } => self.render_use_show(current.as_deref()),
            Action::UseSet { target } => self.render_use_set(outcome, target),
            Action::UseClear => self.render_use_clear(outcome),
            Action::ScopeShow { current } => self.render_scope_show(current.as_deref()),
            Action::ScopeSet { scope } => self.render_scope_set(outcome, scope),
            Action::ScopeClear => self.render_scope_clear(outcome),
            Action::Audit { query } => self.render_audit(outcome, query),
        }
    }
}

/// Whether planning `command` needs the organisation's locations.
fn needs_locations(command: &Command) -> bool {
    match command {
        Command::Devices { .. }
        | Command::Workspaces { .. }
        | Command::Workspace { .. }
        | Command::WorkspaceEdit { .. }
        | Command::WorkspaceCreate { .. }
        | Command::Locations { .. }
        | Command::Floors { .. }
        | Command::FloorCreate { .. }
        | Command::Pick { .. }
        | Command::Scope {
            change: crate::command::ScopeChange::Location(_),
        } => true,
        Command::Plan { command } => needs_locations(command),
        other => matches!(other.target(), Some(Target::Location(_))),
    }
}

/// `snapshot` cut down to its space's scope, when the scope limits devices.
fn within_scope(snapshot: Snapshot) -> Snapshot {
    match &snapshot.space.scope {
        Some(scope) if scope.limits_devices() => crate::plan::scoped(&snapshot, scope),
        _ => snapshot,
    }
}
