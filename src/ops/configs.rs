//! The reply to configuration changes (`config set`, `config reset`, `xConfiguration … : value`
//! and the configuration form's Apply): one row per device and key with the new value (pending
//! when the device is offline: it applies the change when it reconnects), refused values with
//! the allowed ones, then the skipped devices.

use crate::cards::markdown::escape;
use crate::cards::{Button, CommandResult, Outcome as RowOutcome};
use crate::command::{Command, Target};
use crate::plan::{ConfigChange, Plan};

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Outcome};
use super::reply::device_names;
use super::results::{call_rows, counts, skip_notes, target_words, verdict_of};
use super::xapi::with_by;
use super::{Done, Ops};

impl Ops {
    /// The result card; one device whose one change did not go through gets an error card.
    pub(crate) fn render_config_change(
        &self,
        plan: &Plan,
        outcome: &Outcome,
        changes: &[ConfigChange],
        by: &str,
    ) -> Done {
        if let (Some(done), true) = (
            self.single_failure(plan, outcome),
            plan.left_out().next().is_none(),
        ) {
            return done;
        }
        let rows = call_rows(plan, outcome, |answer| match answer {
            Answer::Changed {
                detail,
                pending: true,
            } => (RowOutcome::Pending, detail.clone()),
            Answer::Changed { detail, .. } => (RowOutcome::Done, detail.clone()),
            _ => (RowOutcome::Done, String::new()),
        });
        let title = match changes {
            [one] => {
                let verb = if one.value.is_some() { "Set" } else { "Reset" };
                format!("{verb} {} on {}", one.key, target_words(&plan.label))
            }
            many => format!(
                "Changed {} settings on {}",
                many.len(),
                target_words(&plan.label)
            ),
        };
        let result = CommandResult {
            title: with_by(title, by),
            summary: counts(&rows, plan),
            rows,
            notes: skip_notes(plan),
            buttons: refresh_config(changes, &plan.label),
        };
        let names = device_names(plan);
        let verdict = verdict_of(&result.rows, plan.calls.is_empty());
        Done::new(
            self.card(
                self.templates.render_command_result(&result),
                escape(&result.title),
            ),
            verdict,
        )
        .targets(names)
        .tracking(outcome.tracking_ids())
    }

    /// The error card for a plan of one call on one device that was refused or failed.
    fn single_failure(&self, plan: &Plan, outcome: &Outcome) -> Option<Done> {
        let ([call], [result]) = (plan.calls.as_slice(), outcome.results.as_slice()) else {
            return None;
        };
        let device = plan.device_of(call)?;
        let (message, tracking) = match result {
            CallResult::Done(_) => return None,
            CallResult::Refused { message, .. } => (message, String::new()),
            CallResult::Failed(failure) => (&failure.message, failure.tracking_id.clone()),
        };
        let message = format!("{}: {message}", device.name);
        let verdict = match tracking.is_empty() {
            true => Verdict::Rejected,
            false => Verdict::Failed,
        };
        let reply = self.error_reply(&message, "", &tracking, Vec::new());
        let tracking = [tracking].into_iter().filter(|t| !t.is_empty()).collect();
        Some(
            Done::new(reply, verdict)
                .targets(vec![device.name.clone()])
                .tracking(tracking)
                .detail(message),
        )
    }
}

/// Refresh after one key changed: read it again on the same target.
fn refresh_config(changes: &[ConfigChange], label: &str) -> Vec<Button> {
    let ([change], Some(target)) = (changes, Target::from_text(label)) else {
        return Vec::new();
    };
    let read = Command::ConfigGet {
        key: change.key.clone(),
        target: Some(target),
    };
    vec![Button::new("Refresh", read.canonical())]
}
