//! The action gate: the one check before a command's first Webex call that changes something
//! (an xAPI command, a create). The request's event ticket says which attempt at the event this
//! is; if an earlier attempt (before a crash or restart) already got this far, the call may have
//! gone out, so it is not made again and the answer says "may have run; please check".

use crate::bot::reply::{Reply, escape_markdown};
use crate::store::Gate;

use super::audit::Verdict;
use super::{Ctx, Done, Ops};

impl Ops {
    /// Call right before the first call that changes something; `what` names the action
    /// (command text). `None`: go ahead. `Some(answer)`: do not make the call. Requests without
    /// an event (`exec`) always go ahead.
    pub(crate) async fn begin_action(&self, ctx: &Ctx<'_>, what: &str) -> Option<Done> {
        let ticket = ctx.request.ticket?;
        match ctx.bot.store.begin_action(ticket).await {
            Ok(Gate::Go) => None,
            Ok(Gate::MayHaveRun) => {
                tracing::warn!(event = ticket.event, attempt = ticket.attempt, %what,
                    "an earlier attempt may have run this action; not running it again");
                let text = format!(
                    "I may already have run “{}” before I was interrupted, so I did not run it \
                     again. Please check, and send the command again if it did not happen.",
                    escape_markdown(what)
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
