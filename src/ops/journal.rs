//! The action gate: the one check before a command's first Webex call that changes something
//! (an xAPI command, a create). The request's event ticket says which attempt at the event this
//! is; if an earlier attempt (before a crash or restart) already got this far, the call may have
//! gone out, so it is not made again and the answer says "may have run; please check".

use crate::cards::markdown::escape;
use crate::plan::Plan;
use crate::request::{Reply, Request};
use crate::store::Gate;

use super::audit::Verdict;
use super::{Done, Ops};

impl Ops {
    /// Checked right before running `plan` when one of its calls may not be repeated (an xAPI
    /// command, a create, a delete). `None`: go ahead. `Some(answer)`: do not run it. Requests
    /// without an event (`exec`) and plans of repeatable calls always go ahead.
    pub(crate) async fn begin_action(&self, request: &Request, plan: &Plan) -> Option<Done> {
        if plan.calls.iter().all(|call| call.op.is_idempotent()) {
            return None;
        }
        let ticket = request.ticket?;
        let what = plan.text.as_str();
        match self.store.begin_action(ticket).await {
            Ok(Gate::Go) => None,
            Ok(Gate::MayHaveRun) => {
                tracing::warn!(event = ticket.event, attempt = ticket.attempt, %what,
                    "an earlier attempt may have run this action; not running it again");
                let text = format!(
                    "I may already have run “{}” before I was interrupted, so I did not run it \
                     again. Please check, and send the command again if it did not happen.",
                    escape(what)
                );
                Some(
                    Done::new(Reply::text(text), Verdict::Failed)
                        .detail("may have run before an interruption; not repeated"),
                )
            }
            Err(error) => {
                tracing::error!(%error, "could not record an action in the journal; not running it");
                Some(self.rejected(
                    "I could not record this action safely, so I did not run it.",
                    "Please try again in a moment.",
                ))
            }
        }
    }
}
