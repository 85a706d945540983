//! Confirmation first: a plan that asks for one is stored (the plan itself, serialized) under a
//! single-use, expiring token bound to the person and the space, and the reply is a card with
//! Confirm / Cancel. Confirm runs exactly the stored plan after re-checking it against a fresh
//! listing ([`recheck`]): devices gone or changed since are reported, not guessed. The clicked
//! card is closed (`closing`): one message per outcome.

use std::sync::Arc;

use crate::cards::markdown::escape;
use crate::cards::{Card, Confirmation, ConfirmationState};
use crate::command::Command;
use crate::plan::{Plan, Snapshot, Space, recheck, scoped};
use crate::request::{Reply, Request};
use crate::store::{Confirmation as StoredConfirmation, NewConfirmation, Taken};

use super::asking::asking;
use super::audit::Verdict;
use super::{Ctx, Done, Ops};

impl Ops {
    /// Stores `plan` and asks `ctx`'s person to confirm it.
    pub(crate) async fn ask_confirmation(&self, ctx: Ctx<'_>, plan: &Plan) -> Done {
        let asking = asking(plan);
        let question = format!("{} {}", asking.title, asking.summary);
        let token = match self.store_plan(ctx, plan, &question).await {
            Some(token) => token,
            None => {
                return self.rejected(
                    "I could not prepare the confirmation, so nothing was done.",
                    "Please try again in a moment.",
                );
            }
        };
        let minutes = self.confirmation_ttl.as_secs().div_ceil(60);
        let card = Confirmation {
            title: asking.title.clone(),
            summary: asking.summary.clone(),
            targets: asking.targets.clone(),
            state: ConfirmationState::Pending {
                token,
                expires_in_minutes: u32::try_from(minutes).unwrap_or(u32::MAX),
            },
        };
        let targets: Vec<String> = asking.targets.iter().map(|t| escape(t)).collect();
        let fallback = format!(
            "**{}**\n\n{}\n\n{}\n\nConfirm with the card's button.",
            escape(&asking.title),
            escape(&asking.summary),
            targets.join(", ")
        );
        Done::new(
            self.card(self.templates.render_confirmation(&card), fallback),
            Verdict::AwaitingConfirmation,
        )
        .targets(asking.targets)
    }

    /// Stores `plan` for a confirmation; its token, or `None` (logged) when it cannot be kept.
    async fn store_plan(&self, ctx: Ctx<'_>, plan: &Plan, summary: &str) -> Option<String> {
        let stored = serde_json::to_string(plan)
            .inspect_err(|error| tracing::error!(%error, "cannot serialize a plan"))
            .ok()?;
        let place = &ctx.request.place;
        let new = NewConfirmation {
            command: plan.text.clone(),
            plan: Some(stored),
            person_id: ctx.request.actor.person_id.clone(),
            room_id: place.room_id.clone(),
            thread_id: place.thread.clone(),
            summary: summary.to_owned(),
            ttl_secs: i64::try_from(self.confirmation_ttl.as_secs()).unwrap_or(i64::MAX),
        };
        self.store
            .create_confirmation(new)
            .await
            .inspect_err(|error| tracing::error!(%error, "cannot store a confirmation"))
            .ok()
    }

    /// A click on Confirm or Cancel: the token is used up (by the person who asked only), the
    /// card closed, and on Confirm the stored plan runs.
    pub(crate) async fn run_confirmation(
        &self,
        request: &Request,
        token: &str,
        confirm: bool,
    ) -> Reply {
        let confirmation = match self.take(request, token, confirm).await {
            Ok(confirmation) => confirmation,
            Err(reply) => return reply,
        };
        let closed = self.closed_card(request, &confirmation.summary, confirm);
        if !confirm {
            // One message: the pending card goes, its closed form is the reply.
            let text = format!("cancel {}", confirmation.command);
            self.audit_unplanned(request, &text, Verdict::Done, &confirmation.summary)
                .await;
            self.close_clicked(request, None).await;
            return match closed {
                Some(card) => Reply::card(card.content, card.fallback_markdown),
                None => Reply::text(format!("Cancelled: {}", confirmation.summary)),
            };
        }
        // Closed in place where Webex lets roombot edit, else deleted: the result that follows
        // says what was done (and by whom, in group spaces).
        self.close_clicked(request, closed).await;
        self.run_stored(request, &confirmation).await
    }

    /// Uses up the confirmation `token` for the person asking; else the reply saying why not
    /// (a stale or someone else's click is audited).
    async fn take(
        &self,
        request: &Request,
        token: &str,
        confirm: bool,
    ) -> Result<StoredConfirmation, Reply> {
        let taken = self
            .store
            .take_confirmation(token, &request.actor.person_id, request.ticket)
            .await;
        let refused = |verdict: Verdict, text: &'static str| async move {
            self.audit_unplanned(request, click_text(confirm), verdict, text)
                .await;
            Reply::text(text)
        };
        match taken {
            Ok(Taken::Valid(confirmation)) => Ok(confirmation),
            Ok(Taken::Stale) => Err(refused(
                Verdict::Rejected,
                "This confirmation has expired or was already used. Type the command again to get a new one.",
            )
            .await),
            Ok(Taken::NotYours { .. }) => Err(refused(
                Verdict::Refused,
                "Only the person who asked can confirm or cancel this.",
            )
            .await),
            Err(error) => {
                tracing::error!(%error, "cannot read confirmations");
                Err(Reply::text(
                    "I could not read that confirmation; please ask again.",
                ))
            }
        }
    }

    /// Runs what a confirmation holds: its plan, or (stored by an older version) its command.
    async fn run_stored(&self, request: &Request, confirmation: &StoredConfirmation) -> Reply {
        let stored = confirmation
            .plan
            .as_deref()
            .map(serde_json::from_str::<Plan>);
        match stored {
            Some(Ok(plan)) => self.run_confirmed(request, &plan).await,
            Some(Err(error)) => {
                tracing::error!(%error, "a stored plan no longer reads; asking again");
                Reply::text(
                    "I could not read the plan behind that confirmation. Type the command again to get a new one.",
                )
            }
            // A confirmation stored before plans holds the command text alone.
            None => match Command::parse(&confirmation.command) {
                Ok(command) => self.run_legacy(request, command).await,
                Err(error) => Reply::text(error.to_string()),
            },
        }
    }

    /// Runs a confirmed plan as it stands in the organisation now.
    async fn run_confirmed(&self, request: &Request, stored: &Plan) -> Reply {
        let done = match self.directory.refresh().await {
            Err(error) => self.webex_failure("list devices and workspaces", &error),
            Ok(org) => {
                let scope = self.space_scope(request).await;
                let full = Snapshot {
                    admin: self.admin_access(Some(&org)),
                    org,
                    locations: Arc::default(),
                    space: Space {
                        is_group: request.place.is_group,
                        default_target: None,
                        scope: scope.clone(),
                    },
                };
                // The space's scope as it is now: a scope set or narrowed since the question
                // holds (its least role; devices outside it are no longer there for this plan).
                let snapshot = match &scope {
                    Some(scope) => scoped(&full, scope),
                    None => full,
                };
                let refused = scope
                    .as_ref()
                    .and_then(|scope| scope.refuses(stored, &request.actor));
                let rechecked = match refused {
                    Some(refusal) => Err(refusal),
                    None => recheck(stored, &snapshot, &request.actor),
                };
                match rechecked {
                    Err(refusal) => self.refusal(&refusal),
                    Ok(plan) => {
                        let by = super::results::asked_by(request, true);
                        self.run_plan(request, &plan, &snapshot, &by).await
                    }
                }
            }
        };
        self.finish(request, &stored.text, true, done).await
    }

    /// Runs a command confirmed under an older version (plan it now, confirmed).
    async fn run_legacy(&self, request: &Request, command: Command) -> Reply {
        let ctx = Ctx {
            request,
            confirmed: true,
        };
        let done = match self.plan_for(request, &command).await {
            Err(done) => done,
            Ok((plan, snapshot)) => self.carry_out(ctx, &plan, &snapshot).await,
        };
        self.finish(request, &command.canonical(), true, done).await
    }

    /// The clicked confirmation card as it reads once closed: who confirmed or cancelled what.
    fn closed_card(&self, request: &Request, summary: &str, confirmed: bool) -> Option<Card> {
        let by = request.actor.email.clone();
        let closed = Confirmation {
            title: if confirmed { "Confirmed" } else { "Cancelled" }.into(),
            summary: summary.to_owned(),
            targets: Vec::new(),
            state: match confirmed {
                true => ConfirmationState::Confirmed { by },
                false => ConfirmationState::Cancelled { by },
            },
        };
        self.templates
            .render_confirmation(&closed)
            .inspect_err(|error| tracing::error!(%error, "cannot render a closed confirmation"))
            .ok()
    }
}

/// How the audit names a Confirm or Cancel click it could not match to a command.
fn click_text(confirm: bool) -> &'static str {
    match confirm {
        true => "confirm",
        false => "cancel",
    }
}
