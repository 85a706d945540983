//! Confirmations end to end (DESIGN rule 3, issue "Adaptive Card replies"): the card is closed
//! after a click (edited in place, or deleted and reposted where Webex refuses to edit a card
//! message), only the asker can confirm, Cancel acts on nothing, and a confirmation survives a
//! restart because it lives in SQLite.

use crate::ops_support;
use crate::support;

use roombot::sandbox::{Message, Role, SandboxOptions};
use support::{WAIT, button_data, button_titles, spawn_bot, spawn_bot_with, start_app};

const BOOT: &str = "xapi/command/SystemUnit.Boot";

/// The bot's messages in `room` posted after `after`.
fn bot_messages_after(bot: &support::TestBot, room: &str, after: &str) -> Vec<Message> {
    let all = bot.sandbox.messages(room);
    let start = all.iter().position(|m| m.id == after).map_or(0, |i| i + 1);
    all[start..]
        .iter()
        .filter(|m| m.person_id == bot.sandbox.bot_id())
        .cloned()
        .collect()
}

/// Clicks `title` on `card` as `role` and waits until the bot has posted `n` messages after it.
async fn click_and_wait(
    bot: &support::TestBot,
    role: Role,
    card: &Message,
    title: &str,
    n: usize,
) -> Vec<Message> {
    let data = button_data(card, title).unwrap_or_else(|| panic!("no {title} on {card:#?}"));
    let last = bot
        .sandbox
        .messages(&card.room_id)
        .last()
        .unwrap()
        .id
        .clone();
    bot.sandbox
        .click(&bot.token(role), &card.id, data)
        .await
        .unwrap();
    bot.sandbox
        .wait_for_message(
            &card.room_id,
            |_| bot_messages_after(bot, &card.room_id, &last).len() >= n,
            WAIT,
        )
        .await
        .expect("the bot answers the click");
    bot_messages_after(bot, &card.room_id, &last)
}

#[tokio::test]
async fn where_card_edits_are_refused_the_card_goes_and_the_result_stands_for_it() {
    let bot = spawn_bot().await; // the sandbox answers 400 to card edits, as the docs say
    let ask = bot.say(Role::Operator, "reboot room 4B").await;
    assert_eq!(button_titles(&ask), ["Confirm", "Cancel"]);
    let after = click_and_wait(&bot, Role::Operator, &ask, "Confirm", 1).await;
    let gone = |id: &str| {
        !bot.sandbox
            .messages(&ask.room_id)
            .iter()
            .any(|m| m.id == id)
    };
    assert!(gone(&ask.id), "the old card is deleted");
    assert_eq!(after.len(), 1, "one message per outcome: {after:#?}");
    assert!(
        ops_support::text(&after[0]).contains("Rebooted"),
        "{after:#?}"
    );
    assert_eq!(ops_support::calls(&bot, "POST", BOOT).len(), 1);
    let edits = ops_support::calls(&bot, "PUT", "messages/");
    assert_eq!(edits.len(), 1, "an edit was tried first");
    assert_eq!(edits[0].status, 400);

    // Learnt: the next confirmation's card is deleted straight away, with no edit tried.
    let ask = bot.say(Role::Operator, "reboot room 4C").await;
    let after = click_and_wait(&bot, Role::Operator, &ask, "Confirm", 1).await;
    assert!(gone(&ask.id), "{after:#?}");
    assert_eq!(
        ops_support::calls(&bot, "PUT", "messages/").len(),
        1,
        "no second edit"
    );
}

#[tokio::test]
async fn a_card_that_can_be_edited_is_closed_in_place() {
    let bot = ops_support::spawn_editing_bot().await;
    let ask = bot.say(Role::Operator, "reboot room 4B").await;
    click_and_wait(&bot, Role::Operator, &ask, "Confirm", 1).await;
    let edited = bot
        .sandbox
        .messages(&ask.room_id)
        .into_iter()
        .find(|m| m.id == ask.id)
        .expect("same message");
    assert!(button_titles(&edited).is_empty(), "{edited:#?}");
    assert!(ops_support::text(&edited).contains("Confirmed"));
    assert!(ops_support::calls(&bot, "DELETE", "messages/").is_empty());
}

#[tokio::test]
async fn cancel_answers_with_the_closed_card_alone_and_calls_no_device() {
    let bot = ops_support::spawn_editing_bot().await;
    let ask = bot.say(Role::Operator, "reboot room 4B").await;
    let after = click_and_wait(&bot, Role::Operator, &ask, "Cancel", 1).await;
    assert_eq!(after.len(), 1, "one message per outcome: {after:#?}");
    assert!(
        ops_support::text(&after[0]).contains("Cancelled"),
        "{after:#?}"
    );
    assert!(button_titles(&after[0]).is_empty(), "{after:#?}");
    assert!(
        !bot.sandbox
            .messages(&ask.room_id)
            .iter()
            .any(|m| m.id == ask.id),
        "the pending card is gone"
    );
    assert!(ops_support::calls(&bot, "POST", "xapi/command").is_empty());
    // The old Confirm data sent again (on a card the bot posted): the token is used up.
    let data = button_data(&ask, "Confirm").expect("Confirm");
    bot.sandbox
        .click(&bot.token(Role::Operator), &after[0].id, data)
        .await
        .unwrap();
    let again = bot.reply_after(&ask.room_id, &after[0].id).await;
    assert!(
        ops_support::text(&again).contains("expired or was already used"),
        "{again:#?}"
    );
    assert!(ops_support::calls(&bot, "POST", "xapi/command").is_empty());
}

#[tokio::test]
async fn only_the_person_who_asked_can_confirm() {
    let bot = spawn_bot_with(
        SandboxOptions {
            allow_card_edits: true,
            ..SandboxOptions::default()
        },
        &[],
    )
    .await;
    let ask = bot.say_in_ops(Role::Operator, "reboot room 4B").await;
    let other = click_and_wait(&bot, Role::Admin, &ask, "Confirm", 1).await;
    assert!(
        ops_support::text(&other[0]).contains("Only the person who asked"),
        "{other:#?}"
    );
    assert!(ops_support::calls(&bot, "POST", BOOT).is_empty());
    let mine = click_and_wait(&bot, Role::Operator, &ask, "Confirm", 1).await;
    assert_eq!(ops_support::calls(&bot, "POST", BOOT).len(), 1, "{mine:#?}");
    assert!(
        mine.iter().all(|m| m.parent_id == ask.parent_id),
        "replies stay in the thread"
    );
}

#[tokio::test]
async fn a_confirmation_survives_a_restart() {
    let bot = ops_support::spawn_editing_bot().await;
    let ask = bot.say(Role::Operator, "reboot room 4B").await;
    let (sandbox, settings, store) = bot.stop().await;
    let bot = start_app(sandbox, settings, store).await;
    click_and_wait(&bot, Role::Operator, &ask, "Confirm", 1).await;
    assert_eq!(ops_support::calls(&bot, "POST", BOOT).len(), 1);
}

#[tokio::test]
async fn tagging_several_devices_is_confirmed_first() {
    let bot = ops_support::spawn_editing_bot().await;
    let ask = bot
        .say(Role::Operator, "tag tag earlyAdopters add pilot")
        .await;
    assert_eq!(button_titles(&ask), ["Confirm", "Cancel"], "{ask:#?}");
    assert!(ops_support::calls(&bot, "PATCH", "devices/").is_empty());
    click_and_wait(&bot, Role::Operator, &ask, "Confirm", 1).await;
    let patched = ops_support::calls(&bot, "PATCH", "devices/");
    assert!(patched.len() > 1, "{patched:#?}");
}
