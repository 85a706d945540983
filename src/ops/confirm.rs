//! Confirmation first: a plan that asks for one is stored (the plan itself, serialized) under a
//! single-use, expiring token bound to the person and the space, and the reply is a card with
//! Confirm / Cancel. Confirm runs exactly the stored plan after re-checking it against a fresh
//! listing ([`recheck`]): devices gone or changed since are reported, not guessed.

use std::sync::Arc;

use crate::cards::{Card, Confirmation, ConfirmationState};
use crate::command::Command;
use crate::plan::{Action, Plan, Snapshot, Space, recheck};
use crate::request::{Reply, Request};
use crate::store::{NewConfirmation, Taken};
use crate::webex::{MessageEdit, MessageId, NewMessage};

use super::audit::Verdict;
use super::{Ctx, Done, Ops};

/// What a confirmation card says: its title, one line of summary, and the names it affects.
struct Asking {
    title: String,
    summary: String,
    targets: Vec<String>,
}

impl Ops {
    /// Stores `plan` and asks `ctx`'s person to confirm it.
    pub(crate) async fn ask_confirmation(&self, ctx: Ctx<'_>, plan: &Plan) -> Done {
        let asking = asking(plan);
        let token = match self.store_plan(ctx, plan, &asking.summary).await {
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
        let fallback = format!(
            "**{}**\n\n{}\n\n{}\n\nConfirm with the card's button.",
            asking.title,
            asking.summary,
            asking.targets.join(", ")
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
        let taken = self
            .store
            .take_confirmation(token, &request.actor.person_id, request.ticket)
            .await;
        let confirmation = match taken {
            Ok(Taken::Valid(confirmation)) => confirmation,
            Ok(Taken::Stale) => {
                return Reply::text(
                    "This confirmation has expired or was already used. Type the command again to get a new one.",
                );
            }
            Ok(Taken::NotYours { .. }) => {
                return Reply::text("Only the person who asked can confirm or cancel this.");
            }
            Err(error) => {
                tracing::error!(%error, "cannot read confirmations");
                return Reply::text("I could not read that confirmation; please ask again.");
            }
        };
        self.close_card(request, &confirmation.summary, confirm)
            .await;
        if !confirm {
            return Reply::text(format!("Cancelled: {}", confirmation.summary));
        }
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
                let snapshot = Snapshot {
                    admin: self.admin_access(Some(&org)),
                    org,
                    locations: Arc::default(),
                    space: Space {
                        is_group: request.place.is_group,
                        default_target: None,
                    },
                };
                match recheck(stored, &snapshot, &request.actor) {
                    Err(refusal) => self.refusal(&refusal),
                    Ok(plan) => self.run_plan(request, &plan, &snapshot).await,
                }
            }
        };
        self.finish(request, &stored.text, true, done)
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
        self.finish(request, &command.canonical(), true, done)
    }

    /// Replaces the clicked confirmation card with its closed form so it cannot be clicked
    /// again: edit the message, and where Webex refuses to edit a card message (400), delete
    /// it and post anew.
    async fn close_card(&self, request: &Request, summary: &str, confirmed: bool) {
        let Some(message) = &request.card_message else {
            return;
        };
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
        match self.templates.render_confirmation(&closed) {
            Ok(card) => self.replace_card(request, message, card).await,
            Err(error) => tracing::error!(%error, "cannot render a closed confirmation card"),
        }
    }

    async fn replace_card(&self, request: &Request, message: &MessageId, card: Card) {
        let webex = &self.webex;
        let edit = MessageEdit {
            room_id: request.place.room_id.clone(),
            text: None,
            markdown: Some(card.fallback_markdown.clone()),
            attachments: vec![crate::webex::Attachment::adaptive_card(
                card.content.clone(),
            )],
        };
        match webex.update_message(message, &edit).await {
            Ok(_) => {}
            Err(error) if error.status() == Some(400) => {
                if let Err(error) = webex.delete_message(message).await {
                    tracing::warn!(%error, "could not delete a confirmation card");
                }
                let mut repost = NewMessage::to_room(&request.place.room_id)
                    .markdown(card.fallback_markdown)
                    .card(card.content);
                if let Some(thread) = &request.place.thread {
                    repost = repost.in_thread(thread);
                }
                if let Err(error) = self.post_message(&repost).await {
                    tracing::warn!(%error, "could not repost a closed confirmation card");
                }
            }
            Err(error) => tracing::warn!(%error, "could not close a confirmation card"),
        }
    }
}

/// What the confirmation card of `plan` says.
fn asking(plan: &Plan) -> Asking {
    let names: Vec<String> = plan.included().map(|d| d.name.clone()).collect();
    let n = names.len();
    let on_names = format!("`{}` on {}", plan.text, names.join(", "));
    let label = &plan.label;
    let (title, summary) = match &plan.action {
        Action::Xapi { path, .. } => {
            let verb = match path.eq_ignore_ascii_case("SystemUnit.Boot") {
                true => "Reboot".to_owned(),
                false => format!("Run {path} on"),
            };
            let summary = format!("`{path}` on {label}: {}", names.join(", "));
            (format!("{verb} {n} device(s)?"), summary)
        }
        Action::ConfigChange { changes } => match changes.as_slice() {
            [one] => (format!("Change {} on {n} devices?", one.key), on_names),
            many => (
                format!("Change {} settings on {n} devices?", many.len()),
                on_names,
            ),
        },
        Action::Tag { add, tag } => {
            let verb = if *add { "Tag" } else { "Untag" };
            (format!("{verb} {n} devices “{tag}”?"), on_names)
        }
        Action::DeleteDevice | Action::DeleteWorkspace { .. } => return asking_delete(plan),
        _ => (format!("Run `{}`?", plan.text), on_names),
    };
    Asking {
        title,
        summary,
        targets: names,
    }
}

/// What the confirmation of a delete says: what goes, with it, and that it cannot be undone.
fn asking_delete(plan: &Plan) -> Asking {
    let label = &plan.label;
    let devices: Vec<String> = plan.devices.iter().map(|d| d.device.name.clone()).collect();
    let summary = match (&plan.action, devices.len()) {
        (Action::DeleteDevice, _) => {
            let workspace = plan
                .devices
                .first()
                .map(|d| d.device.workspace.clone())
                .unwrap_or_default();
            return Asking {
                title: format!("Delete {label}?"),
                summary: format!(
                    "Delete device {label} ({workspace}) from the organisation? It must be activated again to come back."
                ),
                targets: vec![label.clone()],
            };
        }
        (_, 0) => format!("Delete workspace {label}? It has no devices."),
        (_, n) => format!(
            "Delete workspace {label}? Its {n} device(s) are deleted too: {}.",
            devices.join(", ")
        ),
    };
    Asking {
        title: format!("Delete {label}?"),
        summary,
        targets: std::iter::once(label.clone()).chain(devices).collect(),
    }
}
