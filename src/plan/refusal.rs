//! The [`Refusal`] that stands in for a plan that cannot be made (nothing is called, the reply
//! says why) and the [`Choice`]s a picker offers.

use crate::access::Role;

use super::Paging;

/// Why a command has no plan: nothing is called, and the reply says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The person's role is below what the command needs.
    Role {
        /// The command's first word, e.g. `reboot`.
        verb: String,
        needed: Role,
        have: Role,
    },
    /// Several things match (or no target was given): one option per candidate of the page
    /// shown.
    Choose {
        prompt: String,
        options: Vec<Choice>,
        paging: Paging,
    },
    /// Nothing of that name; the closest names, and the command with the likeliest one (a
    /// did-you-mean button), best first.
    NotFound {
        kind: &'static str,
        query: String,
        closest: Vec<String>,
        suggestions: Vec<Choice>,
    },
    /// The input cannot work as given.
    Invalid { message: String, hint: String },
    /// It needs the admin credential, and roombot has none (bot-only mode).
    NeedsAdmin {
        /// The command's first word, e.g. `config`.
        verb: String,
        /// Why the admin credential roombot has does not work (`None`: it has none).
        broken: Option<String>,
    },
}

/// One option of a [`Refusal::Choose`]: the candidate's full name, where it is (its location,
/// or a device's workspace; "" when unknown) and the command it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub context: String,
    pub command: String,
}

impl Refusal {
    pub(super) fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::Invalid {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// True when a fresher listing might find what this one did not.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}
