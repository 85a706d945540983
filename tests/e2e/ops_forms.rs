//! The configuration form's Apply (only the changed keys, converted per valueSpace) and the
//! `roombot check` report, end to end against the sandbox.

use crate::ops_support;
use crate::support;

use std::sync::Arc;

use ops_support::{calls, device_id, summary, text};
use roombot::metrics::Metrics;
use roombot::sandbox::Role;
use serde_json::json;
use support::{WAIT, button_data, spawn_bot};

#[tokio::test]
async fn the_form_applies_only_changed_keys_with_typed_values() {
    let bot = spawn_bot().await;
    let form = bot
        .say(Role::Operator, "config Audio.DefaultVolume in 4B")
        .await;
    let mut data = button_data(&form, "Apply").expect("an Apply button");
    assert_eq!(
        data["original"]["Audio.DefaultVolume"],
        json!("60"),
        "{data}"
    );
    data["Audio.DefaultVolume"] = json!("45");
    let room = bot.direct_room(Role::Operator);
    let before: Vec<String> = bot
        .sandbox
        .messages(&room)
        .into_iter()
        .map(|m| m.id)
        .collect();
    bot.sandbox
        .click(&bot.token(Role::Operator), &form.id, data)
        .await
        .expect("click posts");
    let bot_id = bot.sandbox.bot_id().to_owned();
    let reply = bot
        .sandbox
        .wait_for_message(
            &room,
            |m| m.person_id == bot_id && !before.contains(&m.id),
            WAIT,
        )
        .await
        .expect("the bot answers the form");
    let patches = calls(&bot, "PATCH", "deviceConfigurations");
    assert_eq!(patches.len(), 1, "{:?}", summary(&bot));
    assert_eq!(patches[0].body.as_ref().unwrap()[0]["value"], json!(45));
    let kit = device_id(&bot, "4B Room Kit Pro");
    assert_eq!(
        bot.sandbox
            .org()
            .device_configuration(&kit, "Audio.DefaultVolume"),
        Some(json!(45))
    );
    assert!(
        text(&reply).contains("Audio.DefaultVolume = 45 (was 60)"),
        "{}",
        text(&reply)
    );
}

#[tokio::test]
async fn apply_with_a_value_out_of_range_answers_with_what_is_allowed() {
    let bot = spawn_bot().await;
    let form = bot
        .say(Role::Operator, "config Audio.DefaultVolume in 4B")
        .await;
    let shown = support::card(&form).expect("a card").to_string();
    assert!(
        shown.contains("A whole number from 0 to 100."),
        "the input carries its error message: {shown}"
    );
    let mut data = button_data(&form, "Apply").expect("an Apply button");
    data["Audio.DefaultVolume"] = json!("150");
    bot.sandbox
        .click(&bot.token(Role::Operator), &form.id, data)
        .await
        .expect("click posts");
    let reply = bot.reply_after(&form.room_id, &form.id).await;
    assert!(text(&reply).contains("0–100"), "{}", text(&reply));
    assert!(calls(&bot, "PATCH", "deviceConfigurations").is_empty());
}

#[tokio::test]
async fn check_reports_the_token_and_device_access() {
    let bot = spawn_bot().await;
    let webex =
        roombot::bot::identity::client(&bot.settings, Arc::new(Metrics::default())).unwrap();
    let report = roombot::ops::check::check(&webex, None).await;
    assert!(report.ok, "{report}");
    let printed = report.to_string();
    assert!(printed.contains("ok: token of bot"), "{printed}");
    assert!(
        printed.contains("with commands") && printed.contains("read-only"),
        "{printed}"
    );
    assert!(
        printed.contains("warning: no admin credential"),
        "{printed}"
    );

    let mut settings = bot.settings.clone();
    settings.webex.token = Some("not-a-token".to_owned().into());
    let stranger = roombot::bot::identity::client(&settings, Arc::new(Metrics::default())).unwrap();
    let report = roombot::ops::check::check(&stranger, None).await;
    assert!(!report.ok, "{report}");
    assert!(
        report
            .to_string()
            .contains("error: the token is not accepted"),
        "{report}"
    );
}
