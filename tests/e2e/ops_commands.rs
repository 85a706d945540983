//! Device commands end to end against the sandbox: resolution, permissions, offline devices,
//! the warm-cache call count, confirmations, fan-out, pickers and Webex errors.

use crate::ops_support;
use crate::support;

use ops_support::{calls, device_id, device_ids, spawn_editing_bot, summary, text};
use roombot::sandbox::{Family, FaultOptions, FaultRates, Role};
use support::{button_commands, button_titles, spawn_bot};

#[tokio::test]
async fn mute_room_4b_mutes_the_room_kit_and_folds_the_navigator_into_it() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Operator, "mute room 4B").await;
    let kit = device_id(&bot, "4B Room Kit Pro");
    let navigator = device_id(&bot, "4B Navigator");
    let commands = calls(&bot, "POST", "xapi/command");
    assert_eq!(
        device_ids(&commands),
        std::slice::from_ref(&kit),
        "{:?}",
        summary(&bot)
    );
    assert_eq!(commands[0].path, "/v1/xapi/command/Audio.Microphones.Mute");
    assert!(
        !device_ids(&bot.bot_calls()).contains(&navigator),
        "the Navigator is never called"
    );
    let state = bot.sandbox.org().device_snapshot(&kit).expect("kit");
    assert_eq!(state.microphones_mute.as_deref(), Some("On"));
    let said = text(&reply);
    assert!(
        said.contains("4B Navigator") && said.contains("touch controller"),
        "{said}"
    );
    assert!(
        button_titles(&reply).contains(&"Unmute".to_owned()),
        "{:?}",
        button_titles(&reply)
    );

    // Round trip: the card's Unmute button unmutes and answers a new result card, which
    // replaces the one clicked (its Unmute would now contradict the room).
    let after = bot.click(Role::Operator, &reply, "Unmute").await;
    let state = bot.sandbox.org().device_snapshot(&kit).expect("kit");
    assert_eq!(state.microphones_mute.as_deref(), Some("Off"));
    assert!(text(&after).contains("Unmuted"), "{}", text(&after));
    assert!(button_titles(&after).contains(&"Mute".to_owned()));
    let room = bot.sandbox.messages(&reply.room_id);
    assert!(
        !room.iter().any(|m| m.id == reply.id),
        "the clicked card is gone"
    );
}

#[tokio::test]
async fn in_a_group_space_the_result_says_who_asked() {
    let bot = spawn_bot().await;
    let reply = bot.say_in_ops(Role::Operator, "mute room 4B").await;
    assert!(
        text(&reply).contains("Muted room 4B, asked by Oscar Operator"),
        "{}",
        text(&reply)
    );
    let direct = bot.say(Role::Operator, "unmute room 4B").await;
    assert!(!text(&direct).contains("asked by"), "{}", text(&direct));
}

#[tokio::test]
async fn a_warm_mute_is_exactly_three_webex_calls() {
    let bot = spawn_bot().await;
    bot.say(Role::Operator, "status room 4B").await;
    bot.sandbox.clear_requests();
    bot.say(Role::Operator, "mute room 4B").await;
    let calls: Vec<String> = summary(&bot);
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(calls[0].starts_with("GET /v1/messages/"), "{calls:?}");
    assert_eq!(calls[1], "POST /v1/xapi/command/Audio.Microphones.Mute");
    assert_eq!(calls[2], "POST /v1/messages");
}

#[tokio::test]
async fn read_only_devices_are_not_called_and_the_reply_says_why() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Operator, "mute room Big Conference").await;
    assert!(
        calls(&bot, "POST", "xapi").is_empty(),
        "{:?}",
        summary(&bot)
    );
    let said = text(&reply);
    assert!(said.contains("read-only"), "{said}");
    assert!(said.contains("Big Conference Board Pro"), "{said}");
}

#[tokio::test]
async fn offline_devices_get_no_xapi_call() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Operator, "mute Reception BCN").await;
    assert!(
        calls(&bot, "POST", "xapi").is_empty(),
        "{:?}",
        summary(&bot)
    );
    assert!(text(&reply).contains("offline"), "{}", text(&reply));
}

#[tokio::test]
async fn an_ambiguous_name_offers_one_choice_per_workspace() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Operator, "mute 4").await;
    assert!(calls(&bot, "POST", "xapi").is_empty());
    assert_eq!(
        button_commands(&reply),
        ["mute room 4B", r#"mute room "4B North""#, "mute room 4C"],
        "{}",
        text(&reply)
    );
    assert!(
        text(&reply).contains("Barcelona"),
        "each choice says where it is"
    );
    bot.click_command(Role::Operator, &reply, r#"mute room "4B North""#)
        .await;
    let bar = device_id(&bot, "4B North Room Bar");
    let state = bot.sandbox.org().device_snapshot(&bar).expect("bar");
    assert_eq!(state.microphones_mute.as_deref(), Some("On"));
}

#[tokio::test]
async fn reboot_is_confirmed_once_and_a_second_click_is_refused() {
    let bot = spawn_editing_bot().await;
    let card = bot.say(Role::Operator, "reboot 4C").await;
    assert!(
        calls(&bot, "POST", "xapi").is_empty(),
        "nothing before the click"
    );
    assert!(text(&card).contains("4C Desk Pro"), "{}", text(&card));
    let done = bot.click(Role::Operator, &card, "Confirm").await;
    let boots = calls(&bot, "POST", "xapi/command/SystemUnit.Boot");
    assert_eq!(boots.len(), 1, "{:?}", summary(&bot));
    assert!(text(&done).contains("Restarting"), "{}", text(&done));
    let again = bot.click(Role::Operator, &card, "Confirm").await;
    assert!(
        text(&again).contains("expired") || text(&again).contains("already used"),
        "{}",
        text(&again)
    );
    assert_eq!(calls(&bot, "POST", "xapi/command/SystemUnit.Boot").len(), 1);
}

#[tokio::test]
async fn mute_all_is_confirmed_then_fans_out_with_one_row_per_device() {
    let bot = spawn_editing_bot().await;
    let card = bot.say(Role::Operator, "mute all").await;
    assert!(calls(&bot, "POST", "xapi").is_empty());
    let done = bot.click(Role::Operator, &card, "Confirm").await;
    let muted = device_ids(&calls(&bot, "POST", "xapi/command/Audio.Microphones.Mute"));
    let mut distinct = muted.clone();
    distinct.sort();
    distinct.dedup();
    // Connected main devices of the workspaces granted to the bot in full, each called once
    // (not Alex Kim's personal device: personal devices are their owner's).
    assert_eq!(
        (muted.len(), distinct.len()),
        (10, 10),
        "{:?}",
        summary(&bot)
    );
    let said = text(&done);
    assert!(
        said.contains("Reception Room Bar") && said.contains("offline"),
        "{said}"
    );
    assert!(said.contains("Lobby Room Bar Pro"), "{said}");
}

#[tokio::test]
async fn webex_errors_reach_the_user_with_their_tracking_id() {
    let bot = spawn_bot().await;
    bot.say(Role::Operator, "status 4C").await;
    let mut faults = FaultOptions::none();
    faults.per_family.insert(
        Family::Xapi,
        FaultRates {
            server_errors: 1.0,
            ..FaultRates::default()
        },
    );
    bot.sandbox.set_faults(faults);
    let reply = bot.say(Role::Operator, "mute 4C").await;
    let said = text(&reply);
    assert!(said.contains("trackingId"), "{said}");
    assert!(said.contains("Webex answered 5"), "{said}");
}

#[tokio::test]
async fn xcommand_passes_arguments_through() {
    let bot = spawn_bot().await;
    let reply = bot
        .say(
            Role::Operator,
            r#"xCommand UserInterface Message TextLine Display Text: "Hello" on 4C"#,
        )
        .await;
    let sent = calls(
        &bot,
        "POST",
        "xapi/command/UserInterface.Message.TextLine.Display",
    );
    assert_eq!(sent.len(), 1, "{:?} {}", summary(&bot), text(&reply));
    assert_eq!(sent[0].body.as_ref().unwrap()["arguments"]["Text"], "Hello");
}
