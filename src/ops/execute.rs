//! The executor: the only code that runs a [`Plan`]'s calls. Calls run with bounded
//! concurrency (`webex.max_in_flight`); their results come back in plan order, each done (with
//! what Webex answered), refused before any change (a value the device does not allow, a key
//! it cannot change) or failed (with the trackingId). After a call that changes the
//! organisation, the listing cache is dropped.

use std::future::Future;

use futures::StreamExt;
use serde_json::Value;

use crate::plan::{Call, Credential, Op, Plan, Subject};
use crate::request::Request;
use crate::webex::{
    DeviceConfigurations, Floor, LocationKind, NewMessage, TagsPatch, WebexError, Workspace,
    WorkspaceLocation, flatten_status,
};

use super::Ops;
use super::reply::describe;

/// Most pages of floors read.
const FLOOR_PAGES: usize = 20;

/// What running a plan did: one result per call, in plan order.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub results: Vec<CallResult>,
}

/// How one call ended.
#[derive(Debug)]
pub(crate) enum CallResult {
    /// Done; what Webex answered.
    Done(Answer),
    /// Not sent (or nothing changed): the value or the key does not allow it.
    Refused { message: String, hint: String },
    /// Webex (or the store) failed.
    Failed(Failure),
}

/// A failed call: what to tell people, and the trackingId support asks for ("" for the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub message: String,
    pub tracking_id: String,
}

/// What a call that went through answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// An xAPI command's `result`.
    Command(Value),
    /// Status names flattened (`Audio.Volume = 70`).
    Status(Vec<(String, Value)>),
    Configurations(DeviceConfigurations),
    /// A configuration change; `pending` when the device is offline and applies it later.
    Changed {
        detail: String,
        pending: bool,
    },
    /// The device's tags now.
    Tags(Vec<String>),
    Workspace(Box<Workspace>),
    Deleted,
    /// An activation code; `direct` when it went to the person by direct message.
    Code {
        code: String,
        expiry: Option<String>,
        direct: bool,
    },
    Location(Box<WorkspaceLocation>),
    Floor(Floor),
    Floors(Vec<Floor>),
    /// The space's default target was stored or cleared; `had` whether one was set before.
    Stored {
        had: bool,
    },
    /// A page of the audit trail, and whether more records match.
    Audit {
        entries: Vec<crate::store::AuditEntry>,
        more: bool,
    },
}

impl Outcome {
    /// The trackingIds of failed calls.
    pub fn tracking_ids(&self) -> Vec<String> {
        self.results
            .iter()
            .filter_map(|r| match r {
                CallResult::Failed(failure) if !failure.tracking_id.is_empty() => {
                    Some(failure.tracking_id.clone())
                }
                _ => None,
            })
            .collect()
    }

    /// The first result, for plans of one call.
    pub fn first(&self) -> Option<&CallResult> {
        self.results.first()
    }
}

impl Failure {
    /// A Webex error as people read it; the whole error chain goes to the log.
    pub fn of(error: &WebexError, what: &str) -> Self {
        let tracking_id = error.tracking_id().unwrap_or_default().to_owned();
        let chain = error_chain(error);
        match error {
            WebexError::Api(_) => {
                tracing::warn!(%tracking_id, error = %chain, what, "Webex call failed")
            }
            _ => tracing::error!(%tracking_id, error = %chain, what, "Webex call failed"),
        }
        Self {
            message: describe(error),
            tracking_id,
        }
    }
}

/// `error` and each of its sources, joined by `: `.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

impl Ops {
    /// Runs every call of `plan` for `request`; results in plan order.
    pub(crate) async fn execute(&self, request: &Request, plan: &Plan) -> Outcome {
        let calls: Vec<_> = plan
            .calls
            .iter()
            .map(|call| self.run_call(request, plan, call))
            .collect();
        let results = self.bounded(calls).await;
        if plan.calls.iter().any(|call| call.op.changes_org()) {
            self.directory.invalidate();
        }
        Outcome { results }
    }

    /// Runs `calls`, at most `max_in_flight` at a time; results in their order.
    pub(crate) async fn bounded<T, Fut>(&self, calls: Vec<Fut>) -> Vec<T>
    where
        Fut: Future<Output = T>,
    {
        // The futures are built before the stream (not by a closure inside it): that keeps the
        // whole future `Send` for the worker's higher-ranked check.
        let indexed: Vec<_> = calls
            .into_iter()
            .enumerate()
            .map(|(index, call)| async move { (index, call.await) })
            .collect();
        let mut results: Vec<(usize, T)> = futures::stream::iter(indexed)
            .buffer_unordered(self.max_in_flight)
            .collect()
            .await;
        results.sort_by_key(|(index, _)| *index);
        results.into_iter().map(|(_, result)| result).collect()
    }

    /// Runs one call of `plan` with a retry deadline of its own (a fleet action may outlast
    /// the event's deadline; each of its calls still rides out 429s and passing failures).
    async fn run_call(&self, request: &Request, plan: &Plan, call: &Call) -> CallResult {
        self.webex
            .with_fresh_deadline(self.call(request, plan, call))
            .await
    }

    async fn call(&self, request: &Request, plan: &Plan, call: &Call) -> CallResult {
        match &call.subject {
            Subject::Device(_) => match plan.device_of(call) {
                Some(device) => self.device_call(device, &call.op).await,
                None => refused("The plan names a device it does not list.", ""),
            },
            Subject::Workspace(workspace) => self.workspace_call(workspace, &call.op).await,
            Subject::Location(location) => self.location_call(location, &call.op).await,
            Subject::Organisation => self.org_call(&call.op).await,
            Subject::Space => self.space_call(request, &call.op).await,
        }
    }

    async fn device_call(&self, device: &crate::plan::DeviceRef, op: &Op) -> CallResult {
        let Some(webex) = self.client_for(op) else {
            return no_admin();
        };
        let id = &device.id;
        match op {
            Op::XapiCommand { path, arguments } => webex
                .xapi_command(id, path, arguments.clone(), None)
                .await
                .map(|r| Answer::Command(r.result.unwrap_or(Value::Null)))
                .into_result(path),
            Op::XapiStatus { names } => {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                webex
                    .xapi_status(id, &names)
                    .await
                    .map(|status| Answer::Status(flatten_status(&status.result)))
                    .into_result("read status")
            }
            Op::ConfigRead { key } => webex
                .get_configurations(id, Some(key))
                .await
                .map(Answer::Configurations)
                .into_result("read configurations"),
            Op::ConfigSet { key, value } => self.change_config(device, key, Some(value)).await,
            Op::ConfigReset { key } => self.change_config(device, key, None).await,
            Op::SetTags { tags } => webex
                .modify_device_tags(id, &TagsPatch::Replace(tags.clone()))
                .await
                .map(|d| Answer::Tags(d.tags.unwrap_or_default()))
                .into_result("set tags"),
            Op::DeleteDevice => webex
                .delete_device(id)
                .await
                .map(|()| Answer::Deleted)
                .into_result("delete a device"),
            other => misplaced(other),
        }
    }

    async fn workspace_call(&self, workspace: &crate::plan::WorkspaceRef, op: &Op) -> CallResult {
        let Some(webex) = self.client_for(op) else {
            return no_admin();
        };
        match op {
            Op::UpdateWorkspace { changes } => self.update_workspace(workspace, changes).await,
            Op::DeleteWorkspace => webex
                .delete_workspace(&workspace.id)
                .await
                .map(|()| Answer::Deleted)
                .into_result("delete a workspace"),
            Op::CreateActivationCode { deliver_to } => {
                self.activation_code(workspace, deliver_to.as_ref()).await
            }
            other => misplaced(other),
        }
    }

    async fn location_call(&self, location: &crate::plan::LocationRef, op: &Op) -> CallResult {
        let Some(webex) = self.client_for(op) else {
            return no_admin();
        };
        match op {
            Op::ListFloors => webex
                .list_floors(LocationKind::Org, &location.id)
                .list_all(FLOOR_PAGES)
                .await
                .map(Answer::Floors)
                .into_result("list floors"),
            Op::CreateFloor { number, name } => {
                let fields = crate::webex::FloorFields {
                    floor_number: i64::from(*number),
                    display_name: name.clone(),
                };
                webex
                    .create_floor(LocationKind::Org, &location.id, &fields)
                    .await
                    .map(Answer::Floor)
                    .into_result("create a floor")
            }
            other => misplaced(other),
        }
    }

    async fn org_call(&self, op: &Op) -> CallResult {
        let Some(webex) = self.client_for(op) else {
            return no_admin();
        };
        match op {
            Op::CreateWorkspace { new } => self.create_workspace(new).await,
            Op::CreateLocation { fields } => webex
                .create_workspace_location(fields)
                .await
                .map(|l| Answer::Location(Box::new(l)))
                .into_result("create a location"),
            other => misplaced(other),
        }
    }

    async fn space_call(&self, request: &Request, op: &Op) -> CallResult {
        if matches!(
            op,
            Op::SetScope { .. } | Op::ClearScope | Op::ReadAudit { .. }
        ) {
            return self.governance_call(request, op).await;
        }
        let room = &request.place.room_id;
        let stored = match op {
            Op::SetDefaultTarget { target } => self
                .store
                .set_default_target(room, target, &request.actor.email)
                .await
                .map(|()| true),
            Op::ClearDefaultTarget => self.store.clear_default_target(room).await,
            other => return misplaced(other),
        };
        match stored {
            Ok(had) => CallResult::Done(Answer::Stored { had }),
            Err(error) => {
                tracing::error!(error = %error_chain(&error), "cannot use the space defaults");
                CallResult::Failed(Failure {
                    message: "I could not read or write this space's default target.".into(),
                    tracking_id: String::new(),
                })
            }
        }
    }

    /// The client whose token an op's calls carry (`None`: it needs admin access roombot lacks).
    pub(crate) fn client_for(&self, op: &Op) -> Option<&crate::webex::WebexClient> {
        match op.credential() {
            Credential::Admin => self.admin.as_ref(),
            Credential::Bot | Credential::Local => Some(&self.webex),
        }
    }

    /// An activation code; in a group space it goes to `deliver_to` by direct message.
    async fn activation_code(
        &self,
        workspace: &crate::plan::WorkspaceRef,
        deliver_to: Option<&crate::webex::PersonId>,
    ) -> CallResult {
        let Some(admin) = self.admin.as_ref() else {
            return no_admin();
        };
        let code = match admin.create_activation_code(&workspace.id, None).await {
            Ok(code) => code,
            Err(error) => return CallResult::Failed(Failure::of(&error, "activation code")),
        };
        let expiry = code.expiry_time.clone();
        let Some(person) = deliver_to else {
            return CallResult::Done(Answer::Code {
                code: code.code,
                expiry,
                direct: false,
            });
        };
        let text = format!(
            "Activation code for **{}**: `{}` (expires {}).",
            crate::cards::markdown::escape(&workspace.name),
            code.code,
            expiry.as_deref().unwrap_or("soon")
        );
        match self
            .post_message(&NewMessage::to_person(person).markdown(text))
            .await
        {
            Ok(_) => CallResult::Done(Answer::Code {
                code: code.code,
                expiry,
                direct: true,
            }),
            Err(error) => CallResult::Failed(Failure::of(&error, "direct message")),
        }
    }
}

/// A call that needs the admin credential in bot-only mode (planning refuses those first).
pub(crate) fn no_admin() -> CallResult {
    refused(
        "This needs admin access for roombot, which it does not have.",
        "README: Admin access.",
    )
}

/// A refusal result.
pub(crate) fn refused(message: impl Into<String>, hint: impl Into<String>) -> CallResult {
    CallResult::Refused {
        message: message.into(),
        hint: hint.into(),
    }
}

/// An op on a subject it does not apply to: a planner bug, reported rather than run.
fn misplaced(op: &Op) -> CallResult {
    tracing::error!(?op, "a plan put an op on the wrong kind of subject");
    refused("That step cannot run on what the plan names.", "")
}

/// Turns a Webex result into a call result, logging a failure with what it was for.
trait IntoResult {
    fn into_result(self, what: &str) -> CallResult;
}

impl IntoResult for Result<Answer, WebexError> {
    fn into_result(self, what: &str) -> CallResult {
        match self {
            Ok(answer) => CallResult::Done(answer),
            Err(error) => CallResult::Failed(Failure::of(&error, what)),
        }
    }
}
