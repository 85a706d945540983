//! Shared reply shapes: cards with a markdown fallback, error cards with the Webex trackingId,
//! refusals (a role too low, a choice between candidates, an unknown name, bad input), and the
//! result rows of device plans (included devices with their outcome, then the skipped ones).

use crate::access::Role;
use crate::cards::markdown::escape;
use crate::cards::words::count;
use crate::cards::{Button, Card, ErrorReport, Line, ListCard, ListRow, RenderError, Tone};
use crate::plan::{Choice, Paging, Plan, Refusal};
use crate::request::Reply;
use crate::webex::WebexError;

use super::audit::Verdict;
use super::execute::{CallResult, Failure};
use super::workspaces::{more_button, page_line};
use super::{Done, Ops};

/// Said under a Webex failure.
pub(crate) const SUPPORT_HINT: &str = "Quote the trackingId if you contact Webex support.";

impl Ops {
    /// The card's reply, or its markdown alone if rendering failed (logged).
    pub(crate) fn card(
        &self,
        card: Result<Card, RenderError>,
        fallback: impl Into<String>,
    ) -> Reply {
        match card {
            Ok(card) => Reply::card(card.content, card.fallback_markdown),
            Err(error) => {
                tracing::error!(%error, "card rendering failed; replying with markdown");
                Reply::text(fallback)
            }
        }
    }

    /// An error card: what went wrong, what to do, and the trackingId when Webex was involved.
    pub(crate) fn error_reply(
        &self,
        message: &str,
        hint: &str,
        tracking_id: &str,
        buttons: Vec<Button>,
    ) -> Reply {
        let report = ErrorReport {
            message: message.to_owned(),
            hint: hint.to_owned(),
            tracking_id: tracking_id.to_owned(),
            buttons,
        };
        let mut fallback = message.to_owned();
        if !hint.is_empty() {
            fallback.push_str(&format!("\n\n{hint}"));
        }
        if !tracking_id.is_empty() {
            fallback.push_str(&format!("\n\ntrackingId: `{tracking_id}`"));
        }
        self.card(self.templates.render_error(&report), fallback)
    }

    /// Nothing happened because the input cannot work (bad value, unknown name, …).
    pub(crate) fn rejected(&self, message: &str, hint: &str) -> Done {
        Done::new(
            self.error_reply(message, hint, "", Vec::new()),
            Verdict::Rejected,
        )
        .detail(message)
    }

    /// A failed Webex call, shown with its trackingId.
    pub(crate) fn webex_failure(&self, what: &str, error: &WebexError) -> Done {
        self.failure(what, &Failure::of(error, what))
    }

    /// A failed call (Webex, or the store when there is no trackingId).
    pub(crate) fn failure(&self, what: &str, failure: &Failure) -> Done {
        let message = format!("I could not {what}: {}", failure.message);
        let (hint, tracking) = match failure.tracking_id.as_str() {
            "" => ("Please try again in a moment.", Vec::new()),
            id => (SUPPORT_HINT, vec![id.to_owned()]),
        };
        Done::new(
            self.error_reply(&message, hint, &failure.tracking_id, Vec::new()),
            Verdict::Failed,
        )
        .tracking(tracking)
        .detail(message)
    }

    /// The reply to a plan's single call that did not go through (refused or failed).
    pub(crate) fn call_failed(&self, what: &str, result: &CallResult) -> Option<Done> {
        match result {
            CallResult::Done(_) => None,
            CallResult::Refused { message, hint } => Some(self.rejected(message, hint)),
            CallResult::Failed(failure) => Some(self.failure(what, failure)),
        }
    }

    /// Why there is no plan: nothing was called.
    pub(crate) fn refusal(&self, refusal: &Refusal) -> Done {
        match refusal {
            Refusal::Role { verb, needed, have } => self.refuse(verb, *needed, *have, false),
            Refusal::Choose {
                prompt,
                options,
                paging,
            } => self.picker(prompt, options, paging),
            Refusal::NotFound {
                kind,
                query,
                closest,
                suggestions,
            } => self.not_found(kind, query, closest, suggestions),
            Refusal::Invalid { message, hint } => self.rejected(message, hint),
            Refusal::NeedsAdmin { verb, broken } => self.needs_admin(verb, broken.as_deref()),
        }
    }

    /// The person's role is too low: say which role is needed and who can grant it (and, to
    /// someone of another organisation, that they are outside the bot's). No Webex call.
    pub(crate) fn refuse(&self, verb: &str, needed: Role, have: Role, outside_org: bool) -> Done {
        let message = format!(
            "“{verb}” needs the {} role; you have {}.",
            needed.name(),
            match have {
                Role::None => "no role here".to_owned(),
                other => format!("the {} role", other.name()),
            }
        );
        let hint = match outside_org {
            true => format!(
                "You are outside the organisation this bot serves, so it grants you nothing by default. Ask {} if you need the {} role.",
                self.granters,
                needed.name()
            ),
            false => format!("Ask {} for the {} role.", self.granters, needed.name()),
        };
        let hint = hint.as_str();
        Done::new(
            self.error_reply(&message, hint, "", vec![Button::new("Help", "help")]),
            Verdict::Refused,
        )
        .detail(message)
    }

    /// roombot runs without a working admin credential: say so, and who can fix it. No Webex
    /// call.
    fn needs_admin(&self, verb: &str, broken: Option<&str>) -> Done {
        let message = match broken {
            None => format!(
                "“{verb}” needs admin access for roombot, and it has none: Webex keeps configurations, workspaces, locations, tags, activation codes and device deletes for administrators, not bots."
            ),
            Some(why) => format!(
                "“{verb}” needs admin access for roombot, and its admin access does not work right now ({why})."
            ),
        };
        let hint = match broken {
            None => {
                "An organisation admin can give roombot admin access (README: Admin access); device commands and status work without it."
            }
            Some(_) => {
                "An organisation admin must sign roombot in again with “roombot auth login”; device commands and status still work."
            }
        };
        Done::new(
            self.error_reply(&message, hint, "", vec![Button::new("Help", "help")]),
            Verdict::Refused,
        )
        .detail(message)
    }

    /// One row per option of the page (its full name, where it is, a Choose button running the
    /// whole command), how many there are, and More.
    fn picker(&self, prompt: &str, options: &[Choice], paging: &Paging) -> Done {
        let names: Vec<String> = options.iter().map(|o| escape(&o.label)).collect();
        let rows = options
            .iter()
            .map(|o| ListRow {
                header: String::new(),
                name: o.label.clone(),
                lines: match o.context.as_str() {
                    "" => Vec::new(),
                    context => vec![Line::new(context, Tone::Default)],
                },
                button: Some(Button::new("Choose", o.command.clone())),
            })
            .collect();
        let left = paging.total.saturating_sub(paging.range().end);
        let note = match left {
            0 => String::new(),
            n => format!(
                "{} more: type more of the name, or see them with More.",
                count(n)
            ),
        };
        let list = ListCard {
            title: prompt.to_owned(),
            summary: match paging.total > options.len() {
                true => page_line(paging),
                false => String::new(),
            },
            rows,
            note,
            buttons: more_button(paging),
        };
        let fallback = format!("{}\n\n{}", escape(prompt), names.join(", "));
        Done::new(
            self.card(self.templates.render_list(&list), fallback),
            Verdict::Rejected,
        )
        .targets(names)
        .detail("ambiguous")
    }

    /// "No workspace named …", with the closest names, each a button running the command as it
    /// was likely meant.
    fn not_found(
        &self,
        kind: &str,
        query: &str,
        closest: &[String],
        suggestions: &[Choice],
    ) -> Done {
        let message = format!("There is no {kind} named “{query}” that I can see.");
        let hint = match (suggestions, closest) {
            ([], []) => format!("Type {kind}s to list them, or check that the bot has access."),
            ([], names) => format!("Closest: {}.", names.join(", ")),
            (likely, _) => {
                let names: Vec<&str> = likely.iter().map(|c| c.label.as_str()).collect();
                format!("Did you mean {}?", names.join(" or "))
            }
        };
        let buttons = suggestions
            .iter()
            .map(|c| Button::new(c.command.clone(), c.command.clone()))
            .collect();
        Done::new(
            self.error_reply(&message, &hint, "", buttons),
            Verdict::Rejected,
        )
        .detail(message)
    }
}

/// A Webex error in one plain sentence (the trackingId is shown apart).
pub(crate) fn describe(error: &WebexError) -> String {
    match error {
        WebexError::Api(api) => {
            let mut text = format!("Webex answered {}: {}", api.status, api.message);
            if let Some(first) = api.descriptions.first().filter(|d| **d != api.message) {
                text.push_str(&format!(" ({first})"));
            }
            text
        }
        WebexError::Timeout { after, .. } => {
            format!("Webex did not answer within {} s", after.as_secs().max(1))
        }
        WebexError::Transport { .. } => {
            "I could not reach Webex (the connection failed or broke)".to_owned()
        }
        WebexError::Decode { .. } => "Webex answered with something I could not read".to_owned(),
        WebexError::InvalidRequest(reason) => format!("the request was not sent: {reason}"),
        WebexError::Undelivered { last, .. } => describe(last),
        WebexError::Credential { message, .. } => format!(
            "my admin access to Webex does not work ({message}); an admin must sign roombot in again with “roombot auth login”"
        ),
    }
}

/// Every device name of the plan: included first, then skipped (what the audit names).
pub(crate) fn device_names(plan: &Plan) -> Vec<String> {
    plan.included()
        .chain(plan.skipped().map(|(d, _)| d))
        .map(|d| d.name.clone())
        .collect()
}
