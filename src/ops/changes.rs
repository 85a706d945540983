//! The executor's steps of more than one request: a configuration change (read the key's value
//! space, validate, PATCH, report the new value), a workspace edit (GET → merge → PUT, DESIGN
//! rule 6) and a workspace create (the floor's id looked up by number first).

use serde_json::Value;

use crate::plan::{DeviceRef, NewWorkspacePlan, WorkspaceChanges, WorkspaceRef};
use crate::webex::{ConfigPatch, LocationKind, NewWorkspace, WorkspaceType};

use super::Ops;
use super::config_read::not_editable;
use super::execute::{Answer, CallResult, Failure, no_admin, refused};
use super::value_space::typed_value;
use super::xapi::plain;

/// Most pages of floors read.
const FLOOR_PAGES: usize = 20;

impl Ops {
    /// Sets `key` to `value` (or resets it with `None`) on `device`, checked against the key's
    /// value space and editability first.
    pub(crate) async fn change_config(
        &self,
        device: &DeviceRef,
        key: &str,
        value: Option<&Value>,
    ) -> CallResult {
        let Some(webex) = self.admin.as_ref() else {
            return no_admin();
        };
        let current = match webex.get_configurations(&device.id, Some(key)).await {
            Ok(current) => current,
            Err(error) => return CallResult::Failed(Failure::of(&error, "read configurations")),
        };
        let Some((key, item)) = current
            .items
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        else {
            return refused(
                format!("there is no configuration {key} on this device"),
                "",
            );
        };
        if !item.is_editable() {
            return refused(
                format!("{key} cannot be changed: {}", not_editable(item)),
                "",
            );
        }
        let patch = match value {
            None => ConfigPatch::remove(key),
            Some(value) => {
                let Some(space) = &item.value_space else {
                    return refused(format!("{key} has no value space to check against"), "");
                };
                match typed_value(key, space, value) {
                    Ok(typed) => ConfigPatch::replace(key, typed),
                    Err(message) => return refused(message, ""),
                }
            }
        };
        let answer = match webex.patch_configurations(&device.id, &[patch]).await {
            Ok(answer) => answer,
            Err(error) => return CallResult::Failed(Failure::of(&error, "change configuration")),
        };
        let now = answer
            .items
            .get(key)
            .and_then(|i| i.value.as_ref())
            .map(plain)
            .unwrap_or_default();
        let before = item.value.as_ref().map(plain).unwrap_or_default();
        CallResult::Done(changed(device, key, value, &now, &before))
    }

    /// GET the workspace (fresh), change only the named fields, PUT it back whole.
    pub(crate) async fn update_workspace(
        &self,
        workspace: &WorkspaceRef,
        changes: &WorkspaceChanges,
    ) -> CallResult {
        let Some(webex) = self.admin.as_ref() else {
            return no_admin();
        };
        let mut current = match webex.get_workspace(&workspace.id).await {
            Ok(current) => current,
            Err(error) => return CallResult::Failed(Failure::of(&error, "read a workspace")),
        };
        if let Some(kind) = &changes.kind {
            current.workspace_type = Some(WorkspaceType::from(kind.as_str()));
        }
        if let Some(capacity) = changes.capacity {
            current.capacity = Some(i64::from(capacity));
        }
        if let Some(notes) = &changes.notes {
            current.notes = Some(notes.clone());
        }
        match webex.update_workspace(&current).await {
            Ok(updated) => CallResult::Done(Answer::Workspace(Box::new(updated))),
            Err(error) => CallResult::Failed(Failure::of(&error, "update a workspace")),
        }
    }

    /// Creates `new`, finding its floor's id by number in its location first.
    pub(crate) async fn create_workspace(&self, new: &NewWorkspacePlan) -> CallResult {
        let Some(webex) = self.admin.as_ref() else {
            return no_admin();
        };
        let mut body = NewWorkspace {
            display_name: new.name.clone(),
            workspace_type: new.kind.as_deref().map(WorkspaceType::from),
            capacity: new.capacity.map(i64::from),
            notes: new.notes.clone(),
            ..NewWorkspace::default()
        };
        if let Some(location) = &new.location {
            if let Some(number) = new.floor {
                let floors = webex
                    .list_floors(LocationKind::Org, &location.id)
                    .list_all(FLOOR_PAGES)
                    .await;
                let floors = match floors {
                    Ok(floors) => floors,
                    Err(error) => return CallResult::Failed(Failure::of(&error, "list floors")),
                };
                let Some(floor) = floors
                    .into_iter()
                    .find(|f| f.floor_number == Some(i64::from(number)))
                else {
                    return refused(
                        format!("{} has no floor {number}.", location.name),
                        format!(
                            "Create it first: “floor create \"{}\" {number}”.",
                            location.name
                        ),
                    );
                };
                body.floor_id = Some(floor.id);
            }
            body.location_id = Some(location.id.clone());
        }
        match webex.create_workspace(&body).await {
            Ok(created) => CallResult::Done(Answer::Workspace(Box::new(created))),
            Err(error) => CallResult::Failed(Failure::of(&error, "create a workspace")),
        }
    }
}

/// What a configuration change did, in words: the new value, or (offline) what applies later.
fn changed(
    device: &DeviceRef,
    key: &str,
    value: Option<&Value>,
    now: &str,
    before: &str,
) -> Answer {
    if !device.online {
        let asked = match value {
            Some(value) => format!("{key} set to {}", plain(value)),
            None => format!("{key} reset to its default"),
        };
        return Answer::Changed {
            detail: format!(
                "{asked}; the device is offline and applies it when it reconnects (now {now})"
            ),
            pending: true,
        };
    }
    Answer::Changed {
        detail: format!("{key} = {now} (was {before})"),
        pending: false,
    }
}
