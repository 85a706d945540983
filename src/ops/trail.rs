//! The audit trail in the store: what a plan and its outcome add to the audit record (label,
//! the workspaces reached, each device's result, the credentials used), and keeping the record
//! through [`AuditLog`](crate::store::AuditLog) (a failure there is logged; the reply still goes out).

use super::audit::{self, AuditRecord};
use super::execute::{CallResult, Outcome};
use super::{Ops, Verdict};
use crate::plan::Plan;
use crate::request::Request;
use crate::store::DeviceResult;

/// Adds to `audit` what `plan` aimed at and, once it ran, how each device's call ended.
pub(super) fn record_plan(audit: &mut AuditRecord, plan: &Plan, outcome: Option<&Outcome>) {
    audit.label = plan.label.clone();
    audit.credentials = Vec::new();
    for call in &plan.calls {
        let name = serde_json::to_value(call.op.credential())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if !audit.credentials.contains(&name) {
            audit.credentials.push(name);
        }
    }
    audit.workspaces = Vec::new();
    for device in plan.included() {
        if !device.workspace.is_empty() && !audit.workspaces.contains(&device.workspace) {
            audit.workspaces.push(device.workspace.clone());
        }
    }
    audit.devices = called(plan, outcome);
    for (device, reason) in plan.left_out() {
        let why = serde_json::to_value(reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        audit.devices.push(DeviceResult {
            device: device.name.clone(),
            workspace: device.workspace.clone(),
            result: format!("skipped: {why}"),
            tracking_id: String::new(),
        });
    }
}

/// Each device call's result (`planned` while it has not run).
fn called(plan: &Plan, outcome: Option<&Outcome>) -> Vec<DeviceResult> {
    plan.calls
        .iter()
        .enumerate()
        .filter_map(|(at, call)| {
            let device = plan.device_of(call)?;
            let (result, tracking_id) = match outcome.and_then(|o| o.results.get(at)) {
                None => ("planned", String::new()),
                Some(CallResult::Done(_)) => ("done", String::new()),
                Some(CallResult::Refused { .. }) => ("refused", String::new()),
                Some(CallResult::Failed(f)) => ("failed", f.tracking_id.clone()),
            };
            Some(DeviceResult {
                device: device.name.clone(),
                workspace: device.workspace.clone(),
                result: result.to_owned(),
                tracking_id,
            })
        })
        .collect()
}

impl Ops {
    /// Appends the record to the store's audit trail.
    pub(super) async fn keep_audit(
        &self,
        request: &Request,
        text: &str,
        confirmed: bool,
        record: &AuditRecord,
    ) {
        let entry = audit::entry(request, text, confirmed, record, crate::store::now_ms());
        if let Err(error) = self.audit_log.append_audit(entry).await {
            tracing::error!(%error, "cannot keep an audit record in the store (the log line has it)");
        }
    }

    /// Audits a request that never became a command (text that does not parse, a request over
    /// the rate limit).
    pub(super) async fn audit_unplanned(
        &self,
        request: &Request,
        text: &str,
        verdict: Verdict,
        detail: &str,
    ) {
        let record = AuditRecord {
            detail: detail.to_owned(),
            ..AuditRecord::new(verdict)
        };
        let text = super::redact::redact_secrets(text);
        audit::record(request, &text, false, &record);
        self.keep_audit(request, &text, false, &record).await;
    }
}
