//! The plan stage end to end: `plan <command>` shows what a command would do without calling
//! Webex for it; a confirmation stores its plan, and Confirm runs exactly that plan, reporting a
//! device deleted since instead of acting on it.

use roombot::sandbox::Role;

use crate::ops_support::{calls, device_id, summary, text};
use crate::support::{button_data, button_titles, spawn_bot};

#[tokio::test]
async fn plan_mute_all_shows_the_plan_and_makes_no_webex_call_for_it() {
    let bot = spawn_bot().await;
    bot.say(Role::Operator, "devices").await; // warms the listing cache
    bot.sandbox.clear_requests();
    let reply = bot.say(Role::Operator, "plan mute all").await;
    let shown = text(&reply);
    assert!(shown.contains("Plan: mute all"), "{shown}");
    assert!(shown.contains("10 called, 8 left out"), "{shown}");
    assert!(
        shown.contains("read-only (xapi:readonly)"),
        "skipped devices with their reasons: {shown}"
    );
    assert!(shown.contains("asked first"), "{shown}");
    assert_eq!(button_titles(&reply), ["Run it"]);
    assert_eq!(
        button_data(&reply, "Run it"),
        Some(serde_json::json!({"cmd": "mute all"}))
    );
    // The only calls: fetch the message, post the reply.
    let made = summary(&bot);
    assert_eq!(made.len(), 2, "{made:?}");
    assert!(
        calls(&bot, "GET", "messages/").len() == 1 && calls(&bot, "POST", "messages").len() == 1
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_viewer_sees_which_role_a_plan_needs_without_any_call_beyond_the_message() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Viewer, "plan reboot 4B").await;
    assert!(
        text(&reply).contains("needs the operator role"),
        "{}",
        text(&reply)
    );
    assert!(
        calls(&bot, "GET", "devices").is_empty(),
        "{:?}",
        summary(&bot)
    );
    bot.stop().await;
}

#[tokio::test]
async fn confirm_after_a_device_was_deleted_reports_it_instead_of_acting() {
    let bot = spawn_bot().await;
    let ask = bot.say(Role::Operator, "unmute tag earlyAdopters").await;
    assert_eq!(button_titles(&ask), ["Confirm", "Cancel"]);
    let asked = text(&ask);
    assert!(asked.contains("Sagrada Room Kit EQ"), "{asked}");
    // An admin deletes one of the planned devices in Control Hub meanwhile.
    let gone = device_id(&bot, "Sagrada Room Kit EQ");
    let admin = reqwest::Client::new()
        .delete(format!("{}/devices/{gone}", bot.sandbox.base_url()))
        .bearer_auth(bot.token(Role::Admin))
        .send()
        .await
        .expect("the sandbox answers");
    assert!(admin.status().is_success(), "{}", admin.status());
    bot.sandbox.clear_requests();
    // Card edits are refused in this sandbox: the card goes, and the result is the next message.
    let result = bot.click(Role::Operator, &ask, "Confirm").await;
    let shown = text(&result);
    assert!(
        shown.contains("Sagrada Room Kit EQ") && shown.contains("gone since you were asked"),
        "{shown}"
    );
    let unmuted = calls(&bot, "POST", "xapi/command/Audio.Microphones.Unmute");
    assert_eq!(unmuted.len(), 3, "{:?}", summary(&bot));
    assert!(
        !unmuted.iter().any(|r| r
            .body
            .as_ref()
            .is_some_and(|b| b["deviceId"] == gone.as_str())),
        "no call to the deleted device"
    );
    bot.stop().await;
}
