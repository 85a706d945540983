//! `use`: the space's default target (stored as canonical target text), shown, set or cleared.
//! A target is checked before it is stored, so the default always named something real.

use crate::bot::reply::Reply;
use crate::cards::{Button, TargetPicker};
use crate::command::{Command, Target};
use crate::resolve::Resolution;

use super::audit::Verdict;
use super::target::{parse_target, target_text};
use super::{Ctx, Done, Ops};

impl Ops {
    /// `use`, `use <target>`, `use none`.
    pub(crate) async fn use_target(&self, ctx: &Ctx<'_>, command: Command) -> Done {
        let store = &ctx.bot.store;
        let room = &ctx.request.place.room_id;
        match command {
            Command::Use { target } => self.set_default(ctx, target).await,
            Command::UseClear => match store.clear_default_target(room).await {
                Ok(true) => Done::new(
                    Reply::text("Cleared this space's default target."),
                    Verdict::Done,
                ),
                Ok(false) => Done::new(
                    Reply::text("This space had no default target."),
                    Verdict::Done,
                ),
                Err(error) => self.store_failure(&error),
            },
            _ => match store.default_target(room).await {
                Ok(Some(text)) if parse_target(&text).is_some() => {
                    let reply = format!(
                        "Commands without a target here go to **{text}**. Change it with `use <target>`, clear it with `use none`."
                    );
                    Done::new(Reply::text(reply), Verdict::Read).targets(vec![text])
                }
                Ok(_) => Done::new(
                    Reply::text("No default target here. Set one with `use <workspace>`."),
                    Verdict::Read,
                ),
                Err(error) => self.store_failure(&error),
            },
        }
    }

    async fn set_default(&self, ctx: &Ctx<'_>, target: Target) -> Done {
        match self.directory.resolve(&ctx.bot.webex, &target).await {
            Err(error) => return self.webex_failure("list devices and workspaces", &error),
            Ok((
                Resolution::NotFound {
                    kind,
                    query,
                    closest,
                },
                _,
            )) => return self.not_found(kind, &query, &closest),
            Ok((Resolution::Ambiguous { query, candidates }, _)) => {
                let buttons = candidates
                    .iter()
                    .map(|t| {
                        Button::new(
                            target_text(t),
                            Command::Use { target: t.clone() }.canonical(),
                        )
                    })
                    .collect();
                let picker = TargetPicker {
                    prompt: format!("Which one do you mean by “{query}”?"),
                    candidates: buttons,
                };
                let fallback = picker.prompt.clone();
                return Done::new(
                    self.card(self.templates.render_target_picker(&picker), fallback),
                    Verdict::Rejected,
                );
            }
            Ok((Resolution::Devices(_), _)) => {}
        }
        let text = target_text(&target);
        let room = &ctx.request.place.room_id;
        if let Err(error) = ctx
            .bot
            .store
            .set_default_target(room, &text, &ctx.request.actor.email)
            .await
        {
            return self.store_failure(&error);
        }
        let reply = format!(
            "Commands without a target in this space now go to **{text}** (e.g. `mute`, `status`)."
        );
        Done::new(Reply::text(reply), Verdict::Done).targets(vec![text])
    }

    fn store_failure(&self, error: &crate::store::StoreError) -> Done {
        tracing::error!(%error, "cannot use the space defaults");
        self.rejected(
            "I could not read or write this space's default target.",
            "Please try again in a moment.",
        )
    }
}
