//! The audit trail: one `tracing` event on target `roombot::audit` per action, refusals
//! included (who, where, what, on which targets, how it ended, Webex trackingIds), and the same
//! record as an [`AuditEntry`] for the store's trail (`audit` in chat, `roombot audit`). This
//! is the only place that emits either.

use crate::request::Request;
use crate::store::{AuditEntry, DeviceResult};

/// How an action ended, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Done (possibly with some devices skipped).
    Done,
    /// Read-only answer (status, lists).
    Read,
    /// A confirmation card was sent; nothing happened yet.
    AwaitingConfirmation,
    /// The person lacks the role.
    Refused,
    /// Bad input or a name that matched nothing or several: nothing happened.
    Rejected,
    /// Webex failed on at least one call.
    Failed,
    /// Over the rate limit: nothing was looked at or called.
    Limited,
}

impl Verdict {
    /// Lower-case name for the log field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Read => "read",
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::Refused => "refused",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
            Self::Limited => "limited",
        }
    }
}

/// What one action did, for the audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub verdict: Verdict,
    /// Device or workspace names acted on (or asked about).
    pub targets: Vec<String>,
    /// trackingIds of failed Webex calls.
    pub tracking_ids: Vec<String>,
    /// One line of detail (the refusal reason, the error).
    pub detail: String,
    /// The plan behind it, when there was one: what it did, in numbers.
    pub plan: Option<PlanSummary>,
    /// The target as written (`room 4B`).
    pub label: String,
    /// The workspaces of the devices it reached.
    pub workspaces: Vec<String>,
    /// Each device call's result, and each skipped device.
    pub devices: Vec<DeviceResult>,
    /// Whose credential its calls used (`bot`, `admin`, `local`).
    pub credentials: Vec<String>,
}

impl AuditRecord {
    /// A record with `verdict` and nothing else yet.
    pub fn new(verdict: Verdict) -> Self {
        Self {
            verdict,
            targets: Vec::new(),
            tracking_ids: Vec::new(),
            detail: String::new(),
            plan: None,
            label: String::new(),
            workspaces: Vec::new(),
            devices: Vec::new(),
            credentials: Vec::new(),
        }
    }
}

/// The store's record of `command` run by `request` (at `at_ms`, Unix ms).
pub fn entry(
    request: &Request,
    command: &str,
    confirmed: bool,
    audit: &AuditRecord,
    at_ms: i64,
) -> AuditEntry {
    let time = chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    AuditEntry {
        seq: 0,
        at_ms,
        time,
        person_id: request.actor.person_id.clone(),
        email: request.actor.email.clone(),
        role: request.actor.role.name().to_owned(),
        room_id: request.place.room_id.clone(),
        group: request.place.is_group,
        text: command.to_owned(),
        confirmed,
        action: audit
            .plan
            .as_ref()
            .map(|p| p.action.clone())
            .unwrap_or_default(),
        role_needed: audit
            .plan
            .as_ref()
            .map(|p| p.role.to_owned())
            .unwrap_or_default(),
        result: audit.verdict.as_str().to_owned(),
        detail: audit.detail.clone(),
        label: audit.label.clone(),
        targets: audit.targets.clone(),
        workspaces: audit.workspaces.clone(),
        devices: audit.devices.clone(),
        tracking_ids: audit.tracking_ids.clone(),
        credentials: audit.credentials.clone(),
    }
}

/// A plan and its outcome as the audit event records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    /// The plan's action (`xapi`, `config_change`, `delete_workspace`, …).
    pub action: String,
    /// The role it needed.
    pub role: &'static str,
    /// Calls planned, and (once run) how many failed or were refused.
    pub calls: usize,
    pub failed: usize,
    /// Devices left out.
    pub skipped: usize,
}

/// Emits the audit event for `command` run by `request`.
pub fn record(request: &Request, command: &str, confirmed: bool, audit: &AuditRecord) {
    tracing::info!(
        target: "roombot::audit",
        who = %request.actor.email,
        person_id = %request.actor.person_id,
        role = request.actor.role.name(),
        room = %request.place.room_id,
        command = %command,
        confirmed,
        targets = ?audit.targets,
        outcome = audit.verdict.as_str(),
        tracking_ids = ?audit.tracking_ids,
        detail = %audit.detail,
        action = audit.plan.as_ref().map(|p| p.action.as_str()),
        role_needed = audit.plan.as_ref().map(|p| p.role),
        calls = audit.plan.as_ref().map(|p| p.calls),
        failed_calls = audit.plan.as_ref().map(|p| p.failed),
        skipped_devices = audit.plan.as_ref().map(|p| p.skipped),
        "audit"
    );
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt;

    use super::*;
    use crate::access::Role;
    use crate::request::{Actor, Input, Place};
    use crate::webex::{PersonId, RoomId};

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<String>>>);

    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .expect("lock")
                .push(String::from_utf8_lossy(buf).into());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn one_event_names_who_where_what_and_the_outcome() {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .json()
                .with_writer(move || writer.clone()),
        );
        let request = Request {
            actor: Actor {
                person_id: PersonId::from("P1"),
                email: "vera@example.com".into(),
                role: Role::Viewer,
                outside_org: false,
            },
            place: Place {
                room_id: RoomId::from("R1"),
                is_group: false,
                thread: None,
            },
            input: Input::Text("reboot 4B".into()),
            card_message: None,
            ticket: None,
        };
        let refused = AuditRecord {
            detail: "needs operator".into(),
            ..AuditRecord::new(Verdict::Refused)
        };
        let ran = AuditRecord {
            targets: vec!["4B Room Kit Pro".into(), "4B Navigator".into()],
            tracking_ids: vec!["ROUTER_1".into()],
            plan: Some(PlanSummary {
                action: "xapi".into(),
                role: "operator",
                calls: 1,
                failed: 1,
                skipped: 1,
            }),
            ..AuditRecord::new(Verdict::Failed)
        };
        tracing::subscriber::with_default(subscriber, || {
            record(&request, "reboot 4B", false, &refused);
            record(&request, "mute 4B", false, &ran);
        });
        let lines = capture.0.lock().expect("lock").concat();
        let events: Vec<serde_json::Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON event"))
            .collect();
        let event = &events[0];
        assert_eq!(event["target"], "roombot::audit");
        assert_eq!(event["fields"]["who"], "vera@example.com");
        assert_eq!(event["fields"]["room"], "R1");
        assert_eq!(event["fields"]["command"], "reboot 4B");
        assert_eq!(event["fields"]["outcome"], "refused");
        let fields = &events[1]["fields"];
        assert_eq!(
            (&fields["action"], &fields["calls"], &fields["failed_calls"]),
            (&"xapi".into(), &1.into(), &1.into())
        );
        assert_eq!(fields["skipped_devices"], 1);
        let stored = entry(&request, "mute 4B", false, &ran, 1_764_547_200_000);
        assert_eq!(stored.time, "2025-12-01T00:00:00.000Z");
        assert_eq!(
            (stored.result.as_str(), stored.action.as_str()),
            ("failed", "xapi")
        );
        assert_eq!(stored.role, "viewer");
    }
}
