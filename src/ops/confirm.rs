//! Confirmation first: disruptive or bulk actions store a single-use, expiring token bound to
//! the exact command (with its target spelled out), the person and the space, and answer a
//! card with Confirm / Cancel. `bot::respond` takes the token and runs the command again with
//! `confirmed = true`.

use crate::cards::{Confirmation, ConfirmationState};
use crate::command::Command;
use crate::store::NewConfirmation;

use super::audit::Verdict;
use super::{Ctx, Done, Ops};

impl Ops {
    /// Asks `ctx`'s person to confirm `command`; `targets` are the names it will affect.
    pub(crate) async fn ask_confirmation(
        &self,
        ctx: &Ctx<'_>,
        command: &Command,
        title: &str,
        summary: &str,
        targets: Vec<String>,
    ) -> Done {
        let ttl = self.confirmation_ttl.as_secs();
        let new = NewConfirmation {
            command: command.canonical(),
            person_id: ctx.request.actor.person_id.clone(),
            room_id: ctx.request.place.room_id.clone(),
            thread_id: ctx.request.place.thread.clone(),
            summary: summary.to_owned(),
            ttl_secs: i64::try_from(ttl).unwrap_or(i64::MAX),
        };
        let token = match ctx.bot.store.create_confirmation(new).await {
            Ok(token) => token,
            Err(error) => {
                tracing::error!(%error, "cannot store a confirmation");
                return self.rejected(
                    "I could not prepare the confirmation, so nothing was done.",
                    "Please try again in a moment.",
                );
            }
        };
        let card = Confirmation {
            title: title.to_owned(),
            summary: summary.to_owned(),
            targets: targets.clone(),
            state: ConfirmationState::Pending {
                token,
                expires_in_minutes: u32::try_from(ttl.div_ceil(60)).unwrap_or(u32::MAX),
            },
        };
        let fallback = format!(
            "**{title}**\n\n{summary}\n\n{}\n\nConfirm with the card's button.",
            targets.join(", ")
        );
        Done::new(
            self.card(self.templates.render_confirmation(&card), fallback),
            Verdict::AwaitingConfirmation,
        )
        .targets(targets)
    }
}
