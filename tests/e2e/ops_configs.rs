//! Status and configurations end to end: the summary, flattened keys, empty answers, and
//! configuration reads, typed writes, validation before any PATCH, resets and offline devices.

use crate::ops_support;
use crate::support;

use ops_support::{calls, device_id, summary, text};
use roombot::sandbox::Role;
use serde_json::json;
use support::{button_titles, spawn_bot};

#[tokio::test]
async fn status_of_a_workspace_shows_the_summary_with_refresh() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Viewer, "status 4B").await;
    let said = text(&reply);
    for fact in [
        "Standby",
        "Volume",
        "70",
        "Microphones",
        "Calls",
        "People",
        "Uptime",
    ] {
        assert!(said.contains(fact), "{fact} missing: {said}");
    }
    assert!(
        said.contains("touch controller"),
        "the Navigator is folded into the room kit: {said}"
    );
    assert_eq!(
        calls(&bot, "GET", "xapi/status").len(),
        1,
        "{:?}",
        summary(&bot)
    );
    assert!(button_titles(&reply).contains(&"Refresh".to_owned()));
}

#[tokio::test]
async fn status_keys_are_flattened_and_unknown_keys_say_so() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(Role::Viewer, "status Audio.Volume Standby.State in room 4B")
        .await;
    let said = text(&reply);
    assert!(
        said.contains("Audio.Volume") && said.contains("70"),
        "{said}"
    );
    assert!(said.contains("Standby.State"), "{said}");
    let status = calls(&bot, "GET", "xapi/status");
    assert_eq!(status.len(), 1, "one request per device for both names");

    let reply = bot.say(Role::Viewer, "xStatus Audio Volume on 4C").await;
    assert!(text(&reply).contains("Audio.Volume"), "{}", text(&reply));

    let reply = bot.say(Role::Viewer, "status Foo.Bar in 4C").await;
    assert!(text(&reply).contains("does not exist"), "{}", text(&reply));
}

#[tokio::test]
async fn config_read_shows_value_source_range_and_editability() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(Role::Viewer, "config Audio.DefaultVolume in 4B")
        .await;
    let said = text(&reply);
    assert!(said.contains("60"), "{said}");
    assert!(said.contains("configured"), "{said}");
    assert!(said.contains("0–100"), "{said}");
    assert!(said.contains("editable"), "{said}");
    assert!(calls(&bot, "PATCH", "deviceConfigurations").is_empty());

    let reply = bot
        .say(Role::Viewer, "config NetworkServices.SSH.Mode in 4B")
        .await;
    assert!(text(&reply).contains("NOT_AUTHORIZED"), "{}", text(&reply));
}

#[tokio::test]
async fn config_set_sends_a_number_and_reports_the_new_value() {
    let bot = spawn_bot().await;
    let kit = device_id(&bot, "4B Room Kit Pro");
    let reply = bot
        .say(Role::Operator, "config set Audio.DefaultVolume 55 in 4B")
        .await;
    let patches = calls(&bot, "PATCH", "deviceConfigurations");
    assert_eq!(patches.len(), 1, "{:?}", summary(&bot));
    assert_eq!(
        patches[0].body,
        Some(
            json!([{"op": "replace", "path": "Audio.DefaultVolume/sources/configured/value", "value": 55}])
        )
    );
    assert!(
        patches[0]
            .query
            .as_deref()
            .unwrap_or_default()
            .contains(&kit)
    );
    assert!(
        text(&reply).contains("Audio.DefaultVolume = 55"),
        "{}",
        text(&reply)
    );
    let value = bot
        .sandbox
        .org()
        .device_configuration(&kit, "Audio.DefaultVolume");
    assert_eq!(value, Some(json!(55)));
}

#[tokio::test]
async fn config_set_sixty_in_4b_sends_the_number_60() {
    let bot = spawn_bot().await;
    bot.say(Role::Operator, "config set Audio.DefaultVolume 60 in 4B")
        .await;
    let patches = calls(&bot, "PATCH", "deviceConfigurations");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].body.as_ref().unwrap()[0]["value"], json!(60));
}

#[tokio::test]
async fn an_out_of_range_value_is_refused_naming_the_range_without_a_patch() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(Role::Operator, "config set Audio.DefaultVolume 150 in 4B")
        .await;
    assert!(
        calls(&bot, "PATCH", "deviceConfigurations").is_empty(),
        "{:?}",
        summary(&bot)
    );
    let said = text(&reply);
    assert!(said.contains("0–100") && said.contains("150"), "{said}");
}

#[tokio::test]
async fn enum_values_are_sent_in_canonical_case() {
    let bot = spawn_bot().await;
    bot.say(
        Role::Operator,
        "config set Video.Selfview.Default.PIPPosition lowerleft in 4B",
    )
    .await;
    let patches = calls(&bot, "PATCH", "deviceConfigurations");
    assert_eq!(patches.len(), 1, "{:?}", summary(&bot));
    assert_eq!(
        patches[0].body.as_ref().unwrap()[0]["value"],
        json!("LowerLeft")
    );
}

#[tokio::test]
async fn non_editable_keys_are_refused_with_the_reason() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(
            Role::Operator,
            "config set NetworkServices.SSH.Mode On in 4B",
        )
        .await;
    assert!(calls(&bot, "PATCH", "deviceConfigurations").is_empty());
    assert!(text(&reply).contains("NOT_AUTHORIZED"), "{}", text(&reply));
}

#[tokio::test]
async fn reset_removes_the_configured_value() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(Role::Operator, "config reset Audio.DefaultVolume in 4B")
        .await;
    let patches = calls(&bot, "PATCH", "deviceConfigurations");
    assert_eq!(
        patches[0].body,
        Some(json!([{"op": "remove", "path": "Audio.DefaultVolume/sources/configured/value"}]))
    );
    assert!(
        text(&reply).contains("Audio.DefaultVolume = 50 (was 60)"),
        "{}",
        text(&reply)
    );
}

#[tokio::test]
async fn xconfiguration_reads_and_writes() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(Role::Viewer, "xConfiguration Audio DefaultVolume on 4B")
        .await;
    assert!(text(&reply).contains("60"), "{}", text(&reply));
    bot.say(
        Role::Operator,
        "xConfiguration Audio DefaultVolume: 40 on 4B",
    )
    .await;
    let patches = calls(&bot, "PATCH", "deviceConfigurations");
    assert_eq!(patches[0].body.as_ref().unwrap()[0]["value"], json!(40));
}

#[tokio::test]
async fn offline_devices_take_configuration_when_they_reconnect() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(
            Role::Operator,
            "config set Audio.DefaultVolume 30 in Reception BCN",
        )
        .await;
    assert_eq!(calls(&bot, "PATCH", "deviceConfigurations").len(), 1);
    assert!(calls(&bot, "POST", "xapi").is_empty());
    assert!(text(&reply).contains("reconnects"), "{}", text(&reply));
}

#[tokio::test]
async fn viewers_may_read_but_not_change() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(Role::Viewer, "config set Audio.DefaultVolume 60 in 4B")
        .await;
    assert!(text(&reply).contains("operator"), "{}", text(&reply));
    let webex_calls: Vec<String> = summary(&bot)
        .into_iter()
        .filter(|c| !c.contains("/messages") && !c.contains("/people"))
        .collect();
    assert!(
        webex_calls.is_empty(),
        "a refusal calls nothing: {webex_calls:?}"
    );
}
