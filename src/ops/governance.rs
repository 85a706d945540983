//! Governance replies: a request over the rate limit, a role refusal that knows the person
//! (who can grant the role; that they are outside the organisation), and the space's scope
//! (stored as JSON of [`SpaceScope`]; read for every command's snapshot).

use crate::cards::markdown::escape;
use crate::plan::{Op, Refusal, SpaceScope};
use crate::request::{Input, Reply, Request};

use super::execute::{Answer, CallResult, Failure, Outcome};
use super::limits::Exceeded;
use super::{Done, Ops, Verdict};

impl Ops {
    /// Counts `request` against the rate limits; over one, the reply saying so (audited, no
    /// Webex call).
    pub(super) async fn over_limit(&self, request: &Request) -> Option<Reply> {
        let person = request.actor.person_id.as_str();
        let space = request.place.room_id.as_str();
        let exceeded = self.limits.check(person, space).err()?;
        let text = match &request.input {
            Input::Text(text) => text.clone(),
            Input::Confirmation { confirm: true, .. } => "confirm".to_owned(),
            Input::Confirmation { .. } => "cancel".to_owned(),
            Input::ConfigForm { target, .. } => format!("config form {target}"),
            Input::Form { kind, .. } => format!("form {}", kind.as_str()),
            Input::Introduction { .. } => "introduction".to_owned(),
        };
        let message = limited_message(exceeded);
        self.audit_unplanned(request, &text, Verdict::Limited, &message)
            .await;
        Some(Reply::text(message).with_outcome("limited", Verdict::Limited.as_str()))
    }

    /// A refusal for `request`'s person: a role refusal says who can grant the role and, to
    /// someone of another organisation, that they are outside it.
    pub(super) fn refusal_for(&self, request: &Request, refusal: &Refusal) -> Done {
        match refusal {
            Refusal::Role { verb, needed, have } => {
                self.refuse(verb, *needed, *have, request.actor.outside_org)
            }
            other => self.refusal(other),
        }
    }
}

impl Ops {
    /// The space's scope (a store failure, or a stored scope that no longer reads, is logged
    /// and counts as none).
    pub(super) async fn space_scope(&self, request: &Request) -> Option<SpaceScope> {
        let stored = match self.store.space_scope(&request.place.room_id).await {
            Ok(stored) => stored?,
            Err(error) => {
                tracing::error!(%error, "cannot read the space's scope");
                return None;
            }
        };
        serde_json::from_str(&stored)
            .inspect_err(|error| tracing::warn!(%error, "stored scope does not read; ignored"))
            .ok()
    }

    /// Runs a governance call of the space: its scope set or cleared, the audit trail read.
    pub(super) async fn governance_call(&self, request: &Request, op: &Op) -> CallResult {
        let room = &request.place.room_id;
        let stored = match op {
            Op::ReadAudit { query } => return self.read_audit(request, query).await,
            Op::SetScope { scope } => {
                let text = serde_json::to_string(scope).unwrap_or_default();
                let by = &request.actor.email;
                self.store
                    .set_space_scope(room, &text, by)
                    .await
                    .map(|()| true)
            }
            _ => self.store.clear_space_scope(room).await,
        };
        match stored {
            Ok(had) => CallResult::Done(Answer::Stored { had }),
            Err(error) => {
                tracing::error!(%error, "cannot store the space's scope");
                CallResult::Failed(Failure {
                    message: "I could not store this space's scope.".into(),
                    tracking_id: String::new(),
                })
            }
        }
    }

    /// `scope`: what this space's commands reach.
    pub(crate) fn render_scope_show(&self, current: Option<&str>) -> Done {
        let text = match current {
            Some(scope) => format!(
                "Commands in this space reach **{}**. Change it with `scope <location>`, `scope tag <tag>`, `scope role <role>`; clear it with `scope none`.",
                escape(scope)
            ),
            None => "This space has no scope: commands here reach every device I may address. An admin can bind it with `scope <location>` or `scope tag <tag>`.".to_owned(),
        };
        Done::new(Reply::text(text), Verdict::Read)
    }

    /// `scope …` set.
    pub(crate) fn render_scope_set(&self, outcome: &Outcome, scope: &str) -> Done {
        if let Some(CallResult::Failed(failure)) = outcome.first() {
            return self.rejected(&failure.message, "Please try again in a moment.");
        }
        let text = format!(
            "From now on, commands in this space reach **{}**; lists here show only those devices.",
            escape(scope)
        );
        Done::new(Reply::text(text), Verdict::Done).detail(scope.to_owned())
    }

    /// `scope none`.
    pub(crate) fn render_scope_clear(&self, outcome: &Outcome) -> Done {
        let text = match outcome.first() {
            Some(CallResult::Failed(failure)) => {
                return self.rejected(&failure.message, "Please try again in a moment.");
            }
            Some(CallResult::Done(Answer::Stored { had: true })) => {
                "This space has no scope any more: commands here reach every device I may address."
            }
            _ => "This space had no scope.",
        };
        Done::new(Reply::text(text), Verdict::Done)
    }
}

/// What a person over a limit reads.
fn limited_message(exceeded: Exceeded) -> String {
    let whose = match exceeded.space {
        true => "this space",
        false => "one person",
    };
    let wait = exceeded.retry_in.as_secs().max(1);
    format!(
        "That is more than {} commands in a minute, the most I take from {whose}, so I did nothing. \
         Try again in {wait} s.",
        exceeded.limit
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_limit_message_says_whose_limit_and_when_to_retry() {
        let text = limited_message(Exceeded {
            space: false,
            limit: 30,
            retry_in: Duration::from_millis(12_400),
        });
        assert!(
            text.contains("30 commands") && text.contains("one person"),
            "{text}"
        );
        assert!(
            text.contains("12 s") && text.contains("did nothing"),
            "{text}"
        );
    }
}
