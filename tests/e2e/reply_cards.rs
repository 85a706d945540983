//! Insta JSON snapshots of the bot's replies (markdown and card) for every command family,
//! against the demo organisation, with ids, tokens and trackingIds redacted. They pin what
//! people see: a change to a reply shows up as a snapshot diff to review.

use std::sync::LazyLock;

use regex::Regex;
use roombot::sandbox::{Message, Role};
use serde_json::{Value, json};

use crate::support::{TestBot, card, spawn_bot};

/// Sandbox ids (base64 `ciscospark://…`), uuids, confirmation tokens and trackingIds.
static VOLATILE: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"Y2lzY29zcGFyazovL[A-Za-z0-9+/=_-]+", "[id]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[uuid]",
        ),
        (r"\b[0-9a-f]{32}\b", "[token]"),
        (r"ROOMBOT_\[uuid\]|SANDBOX_[A-Za-z0-9_-]+", "[trackingId]"),
    ]
    .into_iter()
    .map(|(pattern, with)| (Regex::new(pattern).expect("valid regex"), with))
    .collect()
});

fn redact(value: &Value) -> Value {
    match value {
        Value::String(text) => {
            let mut text = text.clone();
            for (pattern, with) in VOLATILE.iter() {
                text = pattern.replace_all(&text, *with).into_owned();
            }
            Value::String(text)
        }
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), redact(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The reply as people see it: markdown and card, redacted.
fn shown(message: &Message) -> Value {
    redact(&json!({
        "markdown": message.markdown.clone().unwrap_or_default(),
        "card": card(message).cloned().unwrap_or(Value::Null),
    }))
}

async fn snapshot(bot: &TestBot, role: Role, text: &str, name: &str) {
    let reply = bot.say(role, text).await;
    if let Some(content) = card(&reply) {
        assert_no_code_span(content, name);
    }
    insta::assert_json_snapshot!(name, shown(&reply));
}

/// Card markdown does not render code spans: no text a card shows has a backtick (button data
/// carries commands, not text).
fn assert_no_code_span(value: &Value, name: &str) {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| key.as_str() != "data")
            .for_each(|(_, v)| assert_no_code_span(v, name)),
        Value::Array(items) => items.iter().for_each(|v| assert_no_code_span(v, name)),
        Value::String(text) => assert!(!text.contains('`'), "{name}: a code span in {text:?}"),
        _ => {}
    }
}

#[tokio::test]
async fn reads_and_lists_reply_as_recorded() {
    let bot = spawn_bot().await;
    let cases = [
        (Role::Operator, "status 4B", "status_summary"),
        (Role::Operator, "status Audio.Volume in 4B", "status_key"),
        (Role::Viewer, "xStatus Audio Volume on 4B", "xstatus"),
        (Role::Operator, "status Big Conference", "status_read_only"),
        (
            Role::Operator,
            "config Audio.DefaultVolume in device \"4B Room Kit Pro\"",
            "config_form",
        ),
        (
            Role::Operator,
            "config Audio.DefaultVolume in 4B",
            "config_read",
        ),
        (Role::Viewer, "devices", "devices"),
        (Role::Viewer, "devices offline", "devices_offline"),
        (Role::Viewer, "devices issues", "devices_issues"),
        (Role::Viewer, "workspaces", "workspaces"),
        (Role::Viewer, "workspace 4B", "workspace"),
        (Role::Viewer, "locations", "locations"),
        (Role::Viewer, "use", "use_show_none"),
        (Role::Viewer, "help", "help"),
        (Role::Viewer, "help volume", "help_volume"),
        (Role::Viewer, "stauts 4B", "unknown_command"),
        (Role::Operator, "mute 4", "picker"),
        (Role::Operator, "mute Sagrda", "not_found"),
        (Role::Operator, "mute rom 4B", "did_you_mean_kind"),
        (Role::Viewer, "4B", "bare_target"),
        (Role::Viewer, "status all", "status_fleet"),
        (Role::Viewer, "status all page 2", "status_fleet_page_2"),
        (Role::Operator, "pick mute 4 page 1", "pick"),
        (Role::Operator, "mute", "needs_target"),
        (Role::Viewer, "mute 4B", "refused_viewer"),
        (Role::Admin, "workspace create", "workspace_form"),
        (Role::Admin, "location create", "location_form"),
    ];
    for (role, text, name) in cases {
        snapshot(&bot, role, text, name).await;
    }
    bot.stop().await;
}

#[tokio::test]
async fn actions_reply_as_recorded() {
    let bot = spawn_bot().await;
    let cases = [
        (Role::Operator, "mute room 4B", "mute"),
        (Role::Operator, "volume 4B 60", "volume"),
        (Role::Operator, "volume up 3 in 4B", "volume_step"),
        (Role::Operator, "volume 4B 150", "volume_out_of_range"),
        (Role::Operator, "selfview on 4B", "selfview"),
        (
            Role::Operator,
            "xCommand Presentation Start ConnectorId: 2 on 4B",
            "xcommand",
        ),
        (Role::Operator, "mute Big Conference", "mute_read_only"),
        (Role::Operator, "mute all", "mute_all_confirmation"),
        (Role::Operator, "reboot 4B", "reboot_confirmation"),
        (
            Role::Operator,
            "config set Audio.DefaultVolume 150 in device \"4B Room Kit Pro\"",
            "config_set_out_of_range",
        ),
        (
            Role::Operator,
            "config set Audio.DefaultVolume 60 in device \"4B Room Kit Pro\"",
            "config_set",
        ),
        (
            Role::Operator,
            "config reset Audio.DefaultVolume in device \"4B Room Kit Pro\"",
            "config_reset",
        ),
        (
            Role::Operator,
            "tag device \"4B Room Kit Pro\" add pilot",
            "tag_add",
        ),
        (Role::Operator, "tag 4B add pilot", "tag_unchanged"),
        (
            Role::Operator,
            "tag tag earlyAdopters add vip",
            "tag_confirmation",
        ),
        (Role::Operator, "plan mute all", "plan_mute_all"),
        (
            Role::Admin,
            "plan workspace delete 4B",
            "plan_workspace_delete",
        ),
        (Role::Viewer, "plan reboot 4B", "plan_refused"),
        (Role::Operator, "use 4B", "use_set"),
        (Role::Operator, "use", "use_show"),
        (Role::Operator, "unmute", "unmute_default_target"),
        (Role::Operator, "use none", "use_clear"),
        (Role::Admin, "workspace 4B capacity 8", "workspace_edit"),
        (
            Role::Admin,
            "workspace delete 4B",
            "workspace_delete_confirmation",
        ),
        (
            Role::Admin,
            "delete device \"Lobby Board\"",
            "device_delete_confirmation",
        ),
    ];
    for (role, text, name) in cases {
        snapshot(&bot, role, text, name).await;
    }
    bot.stop().await;
}

#[tokio::test]
async fn governance_replies_as_recorded() {
    let bot = spawn_bot().await;
    snapshot(&bot, Role::Admin, "help", "help_admin").await;
    snapshot(&bot, Role::Admin, "scope Barcelona", "scope_set").await;
    snapshot(&bot, Role::Admin, "scope", "scope_show").await;
    snapshot(&bot, Role::Admin, "mute Fjord", "scope_outside").await;
    snapshot(&bot, Role::Admin, "audit since 2099-01-01", "audit_empty").await;

    // The introduction in a space someone of the organisation added the bot to.
    let ada = bot.token(Role::Admin);
    let room = bot.sandbox.create_space(&ada, "Ops Oslo").await.unwrap();
    let bot_email = bot.sandbox.bot().email.clone();
    bot.sandbox
        .add_member(&ada, &room, &bot_email)
        .await
        .unwrap();
    let bot_id = bot.sandbox.bot_id().to_owned();
    let intro = bot
        .sandbox
        .wait_for_message(&room, |m| m.person_id == bot_id, crate::support::WAIT)
        .await
        .expect("an introduction");
    assert_no_code_span(card(&intro).expect("a card"), "introduction");
    insta::assert_json_snapshot!("introduction", shown(&intro));
}
