//! Scoped spaces and the governance commands' plans. A space bound to a location and/or a tag
//! ([`SpaceScope`]) sees only the devices inside: commands there are planned against a
//! snapshot cut down to them ([`scoped`]), so lists show only them and nothing else can be
//! reached; a name found only outside the scope gets a refusal saying so. A space may also
//! need a least role for its commands. `scope …` and `audit …` are planned here too.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::command::{AUDIT_DEFAULT, AuditFilter, Command, ScopeChange};
use crate::request::Actor;
use crate::resolve::Org;
use crate::webex::{Device, Workspace};

use super::find::{location_ref, one_location};
use super::role::required_role;
use super::{Action, Call, LocationRef, Op, Plan, Refusal, Snapshot, Subject};

/// What a space is bound to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceScope {
    /// Only devices in this location.
    #[serde(default)]
    pub location: Option<LocationRef>,
    /// Only devices with this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// The least role commands that act need here (reading stays open to everyone).
    #[serde(default)]
    pub min_role: Option<Role>,
}

impl SpaceScope {
    /// The refusal of a stored `plan` (confirmed after the scope was set or narrowed) that acts
    /// while `actor` lacks the space's least role.
    pub fn refuses(&self, plan: &Plan, actor: &Actor) -> Option<Refusal> {
        let needed = self.min_role?;
        (plan.role > Role::Viewer && actor.role < needed).then(|| Refusal::Role {
            verb: plan
                .text
                .split_whitespace()
                .next()
                .unwrap_or("this")
                .to_owned(),
            needed,
            have: actor.role,
        })
    }

    /// Whether it limits the devices (a least role alone does not).
    pub fn limits_devices(&self) -> bool {
        self.location.is_some() || self.tag.is_some()
    }

    /// How people read it: `location Barcelona and tag floor3; commands need operator`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(location) = &self.location {
            parts.push(format!("location {}", location.name));
        }
        if let Some(tag) = &self.tag {
            parts.push(format!("tag {tag}"));
        }
        let mut text = match parts.is_empty() {
            true => "every device".to_owned(),
            false => parts.join(" and "),
        };
        if let Some(role) = self.min_role {
            let role = role.name();
            text.push_str(&format!(
                "; commands that act need the {role} role, anyone may read"
            ));
        }
        text
    }

    fn has_device(&self, device: &Device, workspaces: &[&Workspace]) -> bool {
        let tagged = self.tag.as_ref().is_none_or(|tag| {
            device
                .tags
                .iter()
                .flatten()
                .any(|t| t.eq_ignore_ascii_case(tag))
        });
        let placed = self.location.as_ref().is_none_or(|location| {
            let of_workspace = device
                .workspace_id
                .as_ref()
                .and_then(|id| workspaces.iter().find(|w| &w.id == id))
                .is_some_and(|w| {
                    in_location(
                        w.location_id.iter().chain(&w.workspace_location_id),
                        location,
                    )
                });
            of_workspace
                || in_location(
                    device
                        .location_id
                        .iter()
                        .chain(&device.workspace_location_id),
                    location,
                )
        });
        tagged && placed
    }
}

fn in_location<'a>(
    mut ids: impl Iterator<Item = &'a crate::webex::LocationId>,
    location: &LocationRef,
) -> bool {
    ids.any(|id| *id == location.id)
}

/// `snapshot` cut down to what `scope` lets its space reach.
pub fn scoped(snapshot: &Snapshot, scope: &SpaceScope) -> Snapshot {
    let org = &snapshot.org;
    let all: Vec<&Workspace> = org.workspaces.iter().collect();
    let devices: Vec<Device> = org
        .devices
        .iter()
        .filter(|d| scope.has_device(d, &all))
        .cloned()
        .collect();
    let workspaces: Vec<Workspace> = org
        .workspaces
        .iter()
        .filter(|w| {
            let placed = scope.location.as_ref().is_none_or(|l| {
                in_location(w.location_id.iter().chain(&w.workspace_location_id), l)
            });
            let tagged = scope.tag.is_none()
                || devices
                    .iter()
                    .any(|d| d.workspace_id.as_ref() == Some(&w.id));
            placed && tagged
        })
        .cloned()
        .collect();
    let mut cut = Org::new(workspaces, devices);
    cut.named = org.named;
    cut.admin_broken = org.admin_broken.clone();
    let locations = snapshot
        .locations
        .iter()
        .filter(|l| scope.location.as_ref().is_none_or(|s| s.id == l.id))
        .cloned()
        .collect();
    Snapshot {
        org: std::sync::Arc::new(cut),
        locations: std::sync::Arc::new(locations),
        space: snapshot.space.clone(),
        admin: snapshot.admin.clone(),
    }
}

/// Whether `command` is about the space itself (never cut down by its scope).
fn about_the_space(command: &Command) -> bool {
    matches!(
        command,
        Command::Scope { .. } | Command::Audit { .. } | Command::Help { .. }
    )
}

/// Plans `command` in a space with a scope: the least role first, then against the cut-down
/// snapshot; a name that exists only outside the scope is refused saying so.
pub(super) fn plan_in_scope(
    command: &Command,
    snapshot: &Snapshot,
    actor: &Actor,
    plan: impl Fn(&Command, &Snapshot, &Actor) -> Result<Plan, Refusal>,
) -> Result<Plan, Refusal> {
    let Some(scope) = snapshot
        .space
        .scope
        .as_ref()
        .filter(|_| !about_the_space(command))
    else {
        return plan(command, snapshot, actor);
    };
    // A least role holds for what acts on devices or the organisation: reading (status,
    // lists, help) stays open to everyone, so `scope role admin` makes a status space.
    if let Some(needed) = scope.min_role
        && required_role(command) > Role::Viewer
        && actor.role < needed
    {
        let text = command.canonical();
        return Err(Refusal::Role {
            verb: text.split_whitespace().next().unwrap_or("this").to_owned(),
            needed,
            have: actor.role,
        });
    }
    if !scope.limits_devices() {
        return plan(command, snapshot, actor);
    }
    match plan(command, &scoped(snapshot, scope), actor) {
        Err(refusal) if refusal.is_not_found() => match plan(command, snapshot, actor) {
            Ok(_) | Err(Refusal::Choose { .. }) => Err(outside(command, scope)),
            Err(_) => Err(refusal),
        },
        other => other,
    }
}

/// The refusal of a name that exists only outside the space's scope.
fn outside(command: &Command, scope: &SpaceScope) -> Refusal {
    let name = command.target().map(|t| t.text()).unwrap_or_default();
    Refusal::invalid(
        format!(
            "“{name}” is outside this space's scope ({}), so I did nothing.",
            scope.describe()
        ),
        "Ask in a space without this scope, or in a 1:1 space with me. An admin can change it with “scope none”.",
    )
}

/// `scope …`: shows, changes or clears this space's scope (a location must exist).
pub(super) fn scope(
    change: &ScopeChange,
    command: &Command,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let current = snapshot.space.scope.clone().unwrap_or_default();
    let mut next = current.clone();
    match change {
        ScopeChange::Show => {
            let shown = snapshot.space.scope.as_ref().map(SpaceScope::describe);
            return Ok(Plan::new(
                command,
                Action::ScopeShow { current: shown },
                String::new(),
            ));
        }
        ScopeChange::Clear => {
            let mut plan = Plan::new(command, Action::ScopeClear, String::new());
            plan.calls.push(Call {
                subject: Subject::Space,
                op: Op::ClearScope,
            });
            return Ok(plan);
        }
        ScopeChange::Location(name) => {
            next.location = Some(location_ref(one_location(name, &snapshot.locations)?));
        }
        ScopeChange::Tag(tag) => next.tag = Some(tag.clone()),
        ScopeChange::MinRole(role) => next.min_role = role.as_deref().and_then(Role::from_name),
    }
    let described = next.describe();
    let mut plan = Plan::new(
        command,
        Action::ScopeSet { scope: described },
        String::new(),
    );
    plan.calls.push(Call {
        subject: Subject::Space,
        op: Op::SetScope { scope: next },
    });
    Ok(plan)
}

/// `audit …`: this space's records (every space's with `all`, in a 1:1 space only).
pub(super) fn audit(
    filter: &AuditFilter,
    command: &Command,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    if filter.all && snapshot.space.is_group {
        return Err(Refusal::invalid(
            "“audit all” shows every space's records, so I answer it only in a 1:1 space.",
            "Ask me in a 1:1 space, or type “audit” for this space's records.",
        ));
    }
    let query = AuditRead {
        all: filter.all,
        by: filter.by.clone(),
        on: filter.on.clone(),
        since: filter.since.map(|s| s.text()),
        count: filter.count.unwrap_or(AUDIT_DEFAULT),
        page: filter.page.unwrap_or(1),
        before: filter.before,
    };
    // No label: reading the trail about 4B is no action on 4B.
    let mut plan = Plan::new(
        command,
        Action::Audit {
            query: query.clone(),
        },
        String::new(),
    );
    plan.calls.push(Call {
        subject: Subject::Space,
        op: Op::ReadAudit { query },
    });
    Ok(plan)
}

/// An audit query as a plan carries it (the `since` words are read when it runs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRead {
    /// Every space (else only the asking space).
    pub all: bool,
    pub by: Option<String>,
    pub on: Option<String>,
    /// `since` words (`yesterday`, `7d`, …).
    pub since: Option<String>,
    /// Records per page.
    pub count: u32,
    /// Which page, from 1.
    pub page: u32,
    /// Only records numbered below this (pinned by More).
    #[serde(default)]
    pub before: Option<u64>,
}
