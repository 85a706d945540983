//! The command layer's entry: parses typed or clicked text, answers help and parse errors itself,
//! runs confirmations (single-use tokens from the store), and hands every other command to
//! [`Ops`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::bot::context::{Input, Request};
use crate::bot::reply::Reply;
use crate::bot::{Bot, Responder};
use crate::cards::{
    Button, Card, Confirmation, ConfirmationState, ErrorReport, Help, HelpEntry, HelpSection,
    Templates,
};
use crate::command::{self, Command, ParseError};
use crate::ops::Ops;
use crate::settings::Settings;
use crate::store::Taken;
use crate::webex::{MessageEdit, MessageId, NewMessage};

/// Parses and dispatches requests.
pub struct CommandResponder {
    pub templates: Arc<Templates>,
    pub ops: Ops,
}

impl CommandResponder {
    /// Loads and checks every card template (a bad template fails start-up, not a reply).
    pub fn new(settings: &Settings) -> anyhow::Result<Self> {
        let templates = Arc::new(Templates::load()?);
        Ok(Self {
            ops: Ops::new(settings, templates.clone()),
            templates,
        })
    }

    async fn run(&self, bot: &Bot, request: &Request) -> Reply {
        match &request.input {
            Input::Text(text) => self.run_text(bot, request, text).await,
            Input::Confirmation { token, confirm } => {
                self.run_confirmation(bot, request, token, *confirm).await
            }
            Input::ConfigForm { target, changes } => {
                if changes.is_empty() {
                    return Reply::text("Nothing changed in the form, so nothing was applied.");
                }
                self.ops
                    .apply_config_form(bot, request, target, changes)
                    .await
            }
            Input::Form { kind, fields } => self.ops.submit_form(bot, request, *kind, fields).await,
        }
    }

    async fn run_text(&self, bot: &Bot, request: &Request, text: &str) -> Reply {
        match Command::parse(text) {
            Ok(Command::Help { topic }) => self.help(topic.as_deref()).with_outcome("help", "read"),
            Ok(command) => self.ops.run(bot, request, command, false).await,
            Err(error) => self
                .parse_error(&error)
                .with_outcome("unparsed", "rejected"),
        }
    }

    /// Help from the command table: the overview, or one command's forms and examples.
    pub fn help(&self, topic: Option<&str>) -> Reply {
        let help = match topic.and_then(command::help_for) {
            Some(entry) => Help {
                title: format!("Help: {}", entry.title),
                intro: entry.summary.clone(),
                sections: vec![HelpSection {
                    title: "Forms".into(),
                    entries: entry
                        .forms
                        .iter()
                        .map(|form| HelpEntry {
                            syntax: form.clone(),
                            summary: String::new(),
                        })
                        .chain(entry.examples.iter().map(|example| HelpEntry {
                            syntax: example.clone(),
                            summary: "example".into(),
                        }))
                        .collect(),
                }],
                buttons: vec![Button::new("All commands", "help")],
            },
            None => Help {
                title: "What I can do".into(),
                intro: "Type a command, or `help <command>` for details.".into(),
                sections: command::help_overview()
                    .into_iter()
                    .map(|group| HelpSection {
                        title: group.title,
                        entries: group
                            .commands
                            .into_iter()
                            .map(|c| HelpEntry {
                                syntax: c.example,
                                summary: c.summary,
                            })
                            .collect(),
                    })
                    .collect(),
                buttons: vec![
                    Button::new("Devices", "devices"),
                    Button::new("Workspaces", "workspaces"),
                ],
            },
        };
        let fallback = match topic.and_then(command::help_for) {
            Some(entry) => entry.markdown(),
            None => command::overview_markdown(),
        };
        self.card_or_text(self.templates.render_help(&help), fallback)
    }

    fn parse_error(&self, error: &ParseError) -> Reply {
        let report = ErrorReport {
            message: error.to_string(),
            hint: String::new(),
            tracking_id: String::new(),
            buttons: vec![Button::new("Help", "help")],
        };
        self.card_or_text(self.templates.render_error(&report), error.to_string())
    }

    async fn run_confirmation(
        &self,
        bot: &Bot,
        request: &Request,
        token: &str,
        confirm: bool,
    ) -> Reply {
        let taken = match bot
            .store
            .take_confirmation(token, &request.actor.person_id, request.ticket)
            .await
        {
            Ok(taken) => taken,
            Err(error) => {
                tracing::error!(%error, "cannot read confirmations");
                return Reply::text("I could not read that confirmation; please ask again.");
            }
        };
        let confirmation = match taken {
            Taken::Valid(confirmation) => confirmation,
            Taken::Stale => {
                return Reply::text(
                    "This confirmation has expired or was already used. Type the command again to get a new one.",
                );
            }
            Taken::NotYours { .. } => {
                return Reply::text("Only the person who asked can confirm or cancel this.");
            }
        };
        let by = request.actor.email.clone();
        let state = if confirm {
            ConfirmationState::Confirmed { by }
        } else {
            ConfirmationState::Cancelled { by }
        };
        let closed = Confirmation {
            title: if confirm {
                "Confirmed".into()
            } else {
                "Cancelled".into()
            },
            summary: confirmation.summary.clone(),
            targets: Vec::new(),
            state,
        };
        if let (Some(message), Ok(card)) = (
            &request.card_message,
            self.templates.render_confirmation(&closed),
        ) {
            close_card(bot, request, message, card).await;
        }
        if !confirm {
            return Reply::text(format!("Cancelled: {}", confirmation.summary));
        }
        match Command::parse(&confirmation.command) {
            Ok(command) => self.ops.run(bot, request, command, true).await,
            Err(error) => self.parse_error(&error),
        }
    }

    /// A card reply, or the markdown alone if the card cannot be rendered (logged).
    pub fn card_or_text(
        &self,
        card: Result<Card, crate::cards::RenderError>,
        fallback: String,
    ) -> Reply {
        Reply::from_card(card, fallback)
    }
}

/// Replaces a clicked confirmation card with its closed form so it cannot be clicked again: edit
/// the message, and where Webex refuses to edit a card message (400), delete it and post anew.
async fn close_card(bot: &Bot, request: &Request, message: &MessageId, card: Card) {
    let edit = MessageEdit {
        room_id: request.place.room_id.clone(),
        text: None,
        markdown: Some(card.fallback_markdown.clone()),
        attachments: vec![crate::webex::Attachment::adaptive_card(
            card.content.clone(),
        )],
    };
    match bot.webex.update_message(message, &edit).await {
        Ok(_) => {}
        Err(error) if error.status() == Some(400) => {
            if let Err(error) = bot.webex.delete_message(message).await {
                tracing::warn!(%error, "could not delete a confirmation card");
            }
            let mut repost = NewMessage::to_room(&request.place.room_id)
                .markdown(card.fallback_markdown)
                .card(card.content);
            if let Some(thread) = &request.place.thread {
                repost = repost.in_thread(thread);
            }
            if let Err(error) = bot.webex.create_message(&repost).await {
                tracing::warn!(%error, "could not repost a closed confirmation card");
            }
        }
        Err(error) => tracing::warn!(%error, "could not close a confirmation card"),
    }
}

impl Responder for CommandResponder {
    fn respond<'a>(
        &'a self,
        bot: &'a Bot,
        request: &'a Request,
    ) -> Pin<Box<dyn Future<Output = Reply> + Send + 'a>> {
        Box::pin(self.run(bot, request))
    }
}
