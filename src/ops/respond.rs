//! The command layer's entry ([`Responder`] for the bot): parses typed or clicked text, answers
//! help and parse errors itself, runs confirmations (single-use tokens from the store), and
//! hands every other command to [`Ops::run`].

use std::future::Future;
use std::pin::Pin;

use super::{Ctx, Ops};
use crate::cards::{Button, ErrorReport, Help, HelpEntry, HelpSection};
use crate::command::{self, Command, ParseError, Target};
use crate::plan::plan_config_form;
use crate::request::{Input, Reply, Request, Responder};

/// Most did-you-mean buttons under a parse error.
const MAX_CORRECTIONS: usize = 3;

impl Ops {
    async fn respond_to(&self, request: &Request) -> Reply {
        let counted = !matches!(request.input, Input::Introduction { .. });
        if counted && let Some(limited) = self.over_limit(request).await {
            return limited;
        }
        match &request.input {
            Input::Text(text) => self.run_text(request, text).await,
            Input::Confirmation { token, confirm } => {
                self.run_confirmation(request, token, *confirm).await
            }
            Input::ConfigForm { target, changes } => {
                self.apply_config_form(request, target, changes).await
            }
            Input::Form { kind, fields } => self.submit_form(request, *kind, fields).await,
            Input::Introduction { bot_name } => self.introduce(request, bot_name).await,
        }
    }

    async fn run_text(&self, request: &Request, text: &str) -> Reply {
        match Command::parse(text) {
            Ok(Command::Help { topic }) => {
                let text = Command::Help {
                    topic: topic.clone(),
                }
                .canonical();
                self.audit_unplanned(request, &text, super::Verdict::Read, "")
                    .await;
                self.help_for(topic.as_deref(), request.actor.role)
                    .with_outcome("help", "read")
            }
            Ok(command) => self.run(request, command).await,
            Err(error) => {
                let detail = error.to_string();
                self.audit_unplanned(request, text, super::Verdict::Rejected, &detail)
                    .await;
                self.parse_error(&error, text)
                    .with_outcome("unparsed", "rejected")
            }
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
                intro: "Type a command, or “help <command>” for details.".into(),
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
        self.card(self.templates.render_help(&help), fallback)
    }

    /// The configuration form's Apply: every changed key set on the form's target, as one plan
    /// with the role `config set` needs, one confirmation if any, and one audit record.
    #[tracing::instrument(name = "apply config form", skip_all, fields(room = %request.place.room_id))]
    async fn apply_config_form(
        &self,
        request: &Request,
        target: &str,
        changes: &[(String, String)],
    ) -> Reply {
        let text = format!("config form {target}: {} change(s)", changes.len());
        let done = match Target::from_text(target) {
            None => self.rejected(
                "The form names a target I cannot read.",
                "Ask for the configuration again.",
            ),
            Some(target) => self.config_form_done(request, &target, changes).await,
        };
        self.finish(request, &text, false, done).await
    }

    async fn config_form_done(
        &self,
        request: &Request,
        target: &Target,
        changes: &[(String, String)],
    ) -> super::Done {
        let command = Command::ConfigSet {
            key: String::new(),
            value: serde_json::Value::Null,
            target: Some(target.clone()),
        };
        if let Err(refusal) = crate::plan::check_role(&command, request.actor.role) {
            return self.refusal(&refusal);
        }
        let snapshot = match self.snapshot(request, &command, false, false).await {
            Ok(snapshot) => snapshot,
            Err(error) => return self.webex_failure("list devices and workspaces", &error),
        };
        match plan_config_form(target, changes, &snapshot, &request.actor) {
            Err(refusal) => self.refusal(&refusal),
            Ok(plan) => {
                let ctx = Ctx {
                    request,
                    confirmed: false,
                };
                self.carry_out(ctx, &plan, &snapshot).await
            }
        }
    }

    /// Why `text` is no command; a did-you-mean runs the likely command from a button.
    fn parse_error(&self, error: &ParseError, text: &str) -> Reply {
        let mut buttons: Vec<Button> = match error {
            ParseError::UnknownCommand { .. } => command::corrections(text)
                .iter()
                .take(MAX_CORRECTIONS)
                .map(|c| Button::new(c.canonical(), c.canonical()))
                .collect(),
            _ => Vec::new(),
        };
        buttons.push(Button::new("Help", "help"));
        let report = ErrorReport {
            message: error.to_string(),
            hint: String::new(),
            tracking_id: String::new(),
            buttons,
        };
        self.card(self.templates.render_error(&report), error.to_string())
    }
}

impl Responder for Ops {
    fn respond<'a>(
        &'a self,
        request: &'a Request,
    ) -> Pin<Box<dyn Future<Output = Reply> + Send + 'a>> {
        Box::pin(self.respond_to(request))
    }
}
