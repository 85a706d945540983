//! Helpers shared by the device-operations tests (`tests/ops_*.rs`): device ids by name, the
//! reply's whole text (markdown and card), and the bot's calls by method and path.
#![allow(dead_code)]

use roombot::sandbox::{LoggedRequest, Message};

use crate::support::{TestBot, card, spawn_bot_with};
use roombot::sandbox::SandboxOptions;

/// A bot whose sandbox lets it edit card messages, so a clicked confirmation card is closed in
/// place (no repost) and the next bot message after a click is the command's result.
pub async fn spawn_editing_bot() -> TestBot {
    let options = SandboxOptions {
        allow_card_edits: true,
        ..SandboxOptions::default()
    };
    spawn_bot_with(options, &[]).await
}

/// The sandbox id of the device named `name`.
pub fn device_id(bot: &TestBot, name: &str) -> String {
    bot.sandbox
        .org()
        .workspace_snapshots()
        .into_iter()
        .flat_map(|w| w.devices)
        .find(|d| d.display_name == name)
        .unwrap_or_else(|| panic!("no device named {name}"))
        .id
}

/// Everything a reply says: its markdown and its card JSON.
pub fn text(message: &Message) -> String {
    let card = card(message).map(|c| c.to_string()).unwrap_or_default();
    // Markdown escapes (`read\\-only`) removed, so assertions read like the chat does.
    format!("{}\n{card}", message.markdown.clone().unwrap_or_default()).replace('\\', "")
}

/// The bot's calls whose method is `method` and whose path starts with `/v1/<prefix>`.
pub fn calls(bot: &TestBot, method: &str, prefix: &str) -> Vec<LoggedRequest> {
    let prefix = format!("/v1/{prefix}");
    bot.bot_calls()
        .into_iter()
        .filter(|r| r.method == method && r.path.starts_with(&prefix))
        .collect()
}

/// The `deviceId` of each logged call (body or query).
pub fn device_ids(requests: &[LoggedRequest]) -> Vec<String> {
    requests
        .iter()
        .filter_map(|r| {
            r.body
                .as_ref()
                .and_then(|b| b.get("deviceId"))
                .and_then(|d| d.as_str())
                .map(str::to_owned)
                .or_else(|| {
                    r.query.as_deref().and_then(|q| {
                        url::form_urlencoded::parse(q.as_bytes())
                            .find(|(k, _)| k == "deviceId")
                            .map(|(_, v)| v.into_owned())
                    })
                })
        })
        .collect()
}

/// `METHOD /path` of every bot call, for assertion messages.
pub fn summary(bot: &TestBot) -> Vec<String> {
    bot.bot_calls()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}
