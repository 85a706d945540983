//! What people are told about the bot: its introduction in a space it was just added to (what
//! it does, how to mention it there, who may do what, the space's scope) and help that lists
//! only what the asking person may do.

use crate::access::Role;
use crate::cards::{Button, Help, HelpEntry, HelpSection};
use crate::command::{self, Command};
use crate::plan::required_role;
use crate::request::{Reply, Request};

use super::{Done, Ops, Verdict};

impl Ops {
    /// The introduction card, posted once when someone of the organisation adds the bot.
    pub(super) async fn introduce(&self, request: &Request, bot_name: &str) -> Reply {
        let first = bot_name.split_whitespace().next().unwrap_or(bot_name);
        let roles = self.who_may_do_what(request).await;
        let asking = vec![
            HelpEntry {
                syntax: format!("@{first} status 4B"),
                summary: "in a group space, mention me first; I answer in the thread".into(),
            },
            HelpEntry {
                syntax: format!("@{first} help"),
                summary: "what you may do here".into(),
            },
        ];
        let help = Help {
            title: format!("Hello, I'm {bot_name}"),
            intro: "I put this organisation's Cisco room devices into chat: status, mute, volume, \
                    calls, configurations, workspaces. Every command here is recorded in an audit trail."
                .into(),
            sections: vec![
                HelpSection {
                    title: "How to ask".into(),
                    entries: asking,
                },
                HelpSection {
                    title: format!("Who may do what (ask {} for a role)", self.granters),
                    entries: roles,
                },
            ],
            buttons: vec![Button::new("Help", "help")],
        };
        let fallback = introduction_markdown(&help);
        let done = Done::new(
            self.card(self.templates.render_help(&help), fallback),
            Verdict::Done,
        );
        self.finish(request, "introduction", false, done).await
    }

    /// Who holds which role, and what this space reaches when it is scoped.
    async fn who_may_do_what(&self, request: &Request) -> Vec<HelpEntry> {
        let mut roles: Vec<HelpEntry> = self
            .roles
            .iter()
            .filter(|(_, holders)| !holders.is_empty())
            .map(|(role, holders)| HelpEntry {
                syntax: role.name().to_owned(),
                summary: holders.join(", "),
            })
            .collect();
        if let Some(scope) = self.space_scope(request).await {
            roles.push(HelpEntry {
                syntax: "this space".to_owned(),
                summary: format!("reaches {}", scope.describe()),
            });
        }
        roles
    }

    /// Help for someone with `role`: one command's forms and examples, or the overview of the
    /// commands that role may use.
    pub fn help_for(&self, topic: Option<&str>, role: Role) -> Reply {
        if topic.is_some() || role == Role::Admin {
            return self.help(topic);
        }
        let sections = sections_for(role);
        let intro = match role {
            Role::None => format!(
                "You have no role here, so I can only show this help. Ask {} for one.",
                self.granters
            ),
            role => format!(
                "You have the {} role: these are the commands you may use. Type “help <command>” for details; ask {} for more.",
                role.name(),
                self.granters
            ),
        };
        let help = Help {
            title: "What you can do".into(),
            intro,
            sections,
            buttons: vec![Button::new("Devices", "devices")],
        };
        let fallback = introduction_markdown(&help);
        self.card(self.templates.render_help(&help), fallback)
    }
}

/// The overview's sections, with only the commands `role` may use (help is always there).
fn sections_for(role: Role) -> Vec<HelpSection> {
    let allowed = |example: &str| {
        Command::parse(example).is_ok_and(|c| required_role(&c) <= role)
            || example.starts_with("help")
    };
    command::help_overview()
        .into_iter()
        .map(|group| HelpSection {
            title: group.title,
            entries: group
                .commands
                .into_iter()
                .filter(|c| allowed(&c.example))
                .map(|c| HelpEntry {
                    syntax: c.example,
                    summary: c.summary,
                })
                .collect(),
        })
        .filter(|section| !section.entries.is_empty())
        .collect()
}

/// Who holds each role under `settings`, highest first.
pub(super) fn role_holders(settings: &crate::settings::Settings) -> Vec<(Role, Vec<String>)> {
    let policy = crate::access::AccessPolicy::new(settings.access.clone());
    [Role::Admin, Role::Operator, Role::Viewer]
        .into_iter()
        .map(|role| (role, policy.holders(role)))
        .collect()
}

/// A help card as markdown (its fallback).
fn introduction_markdown(help: &Help) -> String {
    let mut lines = vec![format!("**{}**", help.title), help.intro.clone()];
    for section in &help.sections {
        lines.push(format!("\n**{}**", section.title));
        for entry in &section.entries {
            lines.push(format!("- `{}`: {}", entry.syntax, entry.summary));
        }
    }
    lines.join("\n")
}
