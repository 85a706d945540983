//! `roombot exec`: one chat command run from a terminal, for admins' scripts. It goes through
//! the same command layer as chat (`Ops`: plan, confirmation, executor, reply) with the
//! configured Webex settings (the bot token and the admin credential) and an actor whose role
//! comes from the access settings, exactly as a message from that person would; no webhook and
//! no space are involved. `--sandbox` points the same run at a fresh embedded sandbox instead.
//!
//! Output: the reply as plain text (no markdown escapes), or with `--json` one JSON document
//! `{"command", "result", "markdown", "card"}`. Exit codes: 0 done (or read), 1 failed, refused
//! or left waiting for a confirmation, 2 bad usage (a command that does not parse, bad settings).
//! `--yes` confirms a command that asks for a confirmation, as clicking Confirm would.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use serde_json::{Value, json};

use crate::access::{AccessPolicy, Membership};
use crate::metrics::Metrics;
use crate::ops::Ops;
use crate::request::{Actor, Input, Place, Reply, Request, Responder};
use crate::settings::Settings;
use crate::store::Store;
use crate::webex::{OrgId, PersonId, RoomId, WebexClient};

/// How `exec` prints and whether it confirms.
#[derive(Debug, Clone, Copy)]
pub struct ExecOutput {
    /// One JSON document instead of plain text.
    pub json: bool,
    /// Confirm a command that asks for a confirmation.
    pub yes: bool,
}

/// The space an `exec` run stands in when none is given: roombot's store keys the default
/// target (`use`) by it; nothing is ever posted to it.
const TERMINAL_SPACE: &str = "roombot-exec";

/// Runs `command` as the person with `email` against the organisation `settings` reach, in
/// `space` (the terminal's own when `None`), and prints the reply.
pub async fn exec(
    settings: &Settings,
    email: &str,
    space: Option<RoomId>,
    command: &str,
    output: ExecOutput,
) -> ExitCode {
    let ran = async {
        let (ops, webex, ours) = ops_for(settings).await?;
        let actor = actor(settings, &webex, ours.as_ref(), email).await?;
        let place = Place {
            room_id: space.unwrap_or_else(|| RoomId::new(TERMINAL_SPACE)),
            is_group: false,
            thread: None,
        };
        Ok::<_, anyhow::Error>(run(&ops, actor, place, command, output.yes).await)
    };
    match ran.await {
        Ok(reply) => print(command, &reply, output.json),
        Err(error) => {
            eprintln!("roombot: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `roombot exec` against the organisation the settings reach: never starts a sandbox.
pub(super) async fn exec_org(
    settings: Settings,
    email: String,
    command: &str,
    output: ExecOutput,
) -> ExitCode {
    if let Err(error) = settings.require_token() {
        return super::settings_failure(&error);
    }
    exec(&settings, &email, None, command, output).await
}

/// `roombot exec --sandbox`: the same run against a fresh sandbox, as one of its people.
#[cfg(feature = "sandbox")]
pub(super) async fn exec_sandbox(
    args: super::ExecSandbox,
    email: Option<String>,
    command: &str,
    output: ExecOutput,
) -> ExitCode {
    use crate::sandbox::Role;
    let role = match args.role.as_str() {
        "admin" => Role::Admin,
        "viewer" => Role::Viewer,
        "outsider" => Role::Outsider,
        _ => Role::Operator,
    };
    let mut options = args.demo.options();
    // A one-off run takes any free port unless one was asked for.
    if options.listen.to_string() == "127.0.0.1:8090" {
        options.listen = "127.0.0.1:0".parse().expect("a valid address");
    }
    let scratch = match crate::demo::Scratch::start(&options).await {
        Ok(scratch) => scratch,
        Err(error) => return super::failure(&error),
    };
    let person = scratch.sandbox.person(role).clone();
    let (email, space) = match email {
        Some(email) => (email, None),
        None => (
            person.email,
            person.direct_room_id.map(crate::webex::RoomId::new),
        ),
    };
    let code = exec(&scratch.settings, &email, space, command, output).await;
    scratch.stop().await;
    code
}

/// The command layer with both credentials from `settings`, the bot's client and its
/// organisation.
async fn ops_for(settings: &Settings) -> anyhow::Result<(Ops, WebexClient, Option<OrgId>)> {
    let metrics = Arc::new(Metrics::default());
    let webex = crate::bot::identity::client(settings, metrics.clone())?;
    let store = Store::open(&settings.store.path).with_context(|| {
        format!(
            "cannot open the store {} (store.path)",
            settings.store.path.display()
        )
    })?;
    let admin = crate::bot::identity::admin_client_kept(settings, metrics, &store).await?;
    let ops = Ops::new(settings, webex.clone(), admin, store)?;
    let me = webex
        .me()
        .await
        .context("cannot reach Webex with the bot token (webex.token, webex.api_base)")?;
    ops.know_bot(me.id);
    Ok((ops, webex, me.org_id))
}

/// The person with `email`, with the role the access settings give them (their organisation
/// looked up when the policy needs it).
async fn actor(
    settings: &Settings,
    webex: &WebexClient,
    ours: Option<&OrgId>,
    email: &str,
) -> anyhow::Result<Actor> {
    let policy = AccessPolicy::new(settings.access.clone());
    let found = webex
        .people_by_email(email)
        .first_page()
        .await
        .with_context(|| format!("cannot look up {email} in Webex"))?
        .items
        .into_iter()
        .next();
    let membership = match (found.as_ref().and_then(|p| p.org_id.as_ref()), ours) {
        (Some(theirs), Some(ours)) if theirs == ours => Membership::SameOrg,
        (Some(_), Some(_)) => Membership::OtherOrg,
        _ => Membership::Unknown,
    };
    let person_id = found
        .map(|p| p.id)
        .unwrap_or_else(|| PersonId::new(format!("exec:{email}")));
    Ok(Actor {
        person_id,
        email: email.to_owned(),
        role: policy.role(email, membership),
        outside_org: membership == Membership::OtherOrg,
    })
}

/// Asks `ops` for `command` as `actor`; with `yes`, confirms what asks for a confirmation.
async fn run(ops: &Ops, actor: Actor, place: Place, command: &str, yes: bool) -> Reply {
    let mut request = Request {
        actor,
        place,
        input: Input::Text(command.to_owned()),
        card_message: None,
        ticket: None,
    };
    let reply = ops.respond(&request).await;
    let token = confirm_token(&reply);
    match (yes, token) {
        (true, Some(token)) => {
            request.input = Input::Confirmation {
                token,
                confirm: true,
            };
            ops.respond(&request).await
        }
        _ => reply,
    }
}

/// The single-use token of a confirmation card's Confirm button.
fn confirm_token(reply: &Reply) -> Option<String> {
    fn find(value: &Value) -> Option<String> {
        match value {
            Value::Object(map) => match map.get("confirm").and_then(Value::as_str) {
                Some(token) => Some(token.to_owned()),
                None => map.values().find_map(find),
            },
            Value::Array(items) => items.iter().find_map(find),
            _ => None,
        }
    }
    find(reply.card.as_ref()?)
}

/// Prints `reply` (plain text, or one JSON document) and returns the exit code its result
/// calls for.
fn print(command: &str, reply: &Reply, json: bool) -> ExitCode {
    // Only a command's own reply carries its outcome; the rest (a confirmation that expired or
    // could not be read) did nothing.
    let result = reply.outcome.as_ref().map_or("failed", |(kind, result)| {
        if kind == "unparsed" {
            "unparsed"
        } else {
            result
        }
    });
    if json {
        let document = json!({
            "command": command,
            "result": result,
            "markdown": reply.markdown,
            "card": reply.card.clone().unwrap_or(Value::Null),
        });
        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
        out(&text);
    } else {
        out(&plain_text(&reply.markdown));
    }
    match result {
        "done" | "read" => ExitCode::SUCCESS,
        "unparsed" => ExitCode::from(2),
        "awaiting_confirmation" => {
            eprintln!(
                "roombot: nothing was done: it asks for a confirmation; add --yes to confirm"
            );
            ExitCode::FAILURE
        }
        _ => ExitCode::FAILURE,
    }
}

/// Writes `text` and a newline to stdout; a reader that went away (`| head`) is not an error.
fn out(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Webex markdown as plain text: escapes undone, bold marks dropped, code spans kept as their
/// text (a command shown can be pasted back as it is).
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(char::is_ascii_punctuation) => {
                out.extend(chars.next());
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            '`' => {
                let mut fence = 1;
                while chars.peek() == Some(&'`') {
                    chars.next();
                    fence += 1;
                }
                let mut span = String::new();
                let mut run = 0;
                for c in chars.by_ref() {
                    span.push(c);
                    run = if c == '`' { run + 1 } else { 0 };
                    if run == fence {
                        break;
                    }
                }
                let span = span.trim_end_matches('`');
                out.push_str(
                    span.strip_prefix(' ')
                        .and_then(|s| s.strip_suffix(' '))
                        .unwrap_or(span),
                );
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_reads_as_plain_text() {
        assert_eq!(
            plain_text("**Muted room 4B**\n1 skipped: 1 read\\-only \\(status only\\)"),
            "Muted room 4B\n1 skipped: 1 read-only (status only)"
        );
        assert_eq!(
            plain_text("- Unmute: `unmute room 4B`"),
            "- Unmute: unmute room 4B"
        );
        assert_eq!(
            plain_text(r#"- Status: `status device "Room \ A"`"#),
            r#"- Status: status device "Room \ A""#,
            "code spans are shown as they are"
        );
        assert_eq!(plain_text("``` use `x`` ```"), "use `x``");
    }
}
