//! The replies to `use`: the space's default target (stored as canonical target text, checked
//! to name something real before it is stored), shown, set or cleared.

use crate::cards::markdown::escape;
use crate::request::Reply;

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Outcome};
use super::{Done, Ops};

impl Ops {
    /// `use`: what commands without a target aim at here.
    pub(crate) fn render_use_show(&self, current: Option<&str>) -> Done {
        match current {
            Some(text) => {
                let reply = format!(
                    "Commands without a target here go to **{}**. Change it with `use <target>`, clear it with `use none`.",
                    escape(text)
                );
                Done::new(Reply::text(reply), Verdict::Read).targets(vec![text.to_owned()])
            }
            None => Done::new(
                Reply::text("No default target here. Set one with `use <workspace>`."),
                Verdict::Read,
            ),
        }
    }

    /// `use <target>`.
    pub(crate) fn render_use_set(&self, outcome: &Outcome, target: &str) -> Done {
        if let Some(done) = self.store_refused(outcome) {
            return done;
        }
        let reply = format!(
            "Commands without a target in this space now go to **{}** (e.g. `mute`, `status`).",
            escape(target)
        );
        Done::new(Reply::text(reply), Verdict::Done).targets(vec![target.to_owned()])
    }

    /// `use none`.
    pub(crate) fn render_use_clear(&self, outcome: &Outcome) -> Done {
        if let Some(done) = self.store_refused(outcome) {
            return done;
        }
        let text = match outcome.first() {
            Some(CallResult::Done(Answer::Stored { had: true })) => {
                "Cleared this space's default target."
            }
            _ => "This space had no default target.",
        };
        Done::new(Reply::text(text), Verdict::Done)
    }

    fn store_refused(&self, outcome: &Outcome) -> Option<Done> {
        match outcome.first()? {
            CallResult::Failed(failure) => {
                Some(self.rejected(&failure.message, "Please try again in a moment."))
            }
            _ => None,
        }
    }
}
