//! The bot's arrival in a space and its departure, end to end: the sandbox emits
//! `memberships/created` and `memberships/deleted` as Webex does, roombot introduces itself
//! once, leaves spaces opened from outside its organisation, and forgets a space it left.

use crate::support;

use roombot::sandbox::Role;
use roombot::store::{Store, Taken};
use roombot::webex::{PersonId, RoomId};
use support::{WAIT, spawn_bot};

/// Waits until `check` holds, polling the store.
async fn eventually<F, Fut>(mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn added_to_a_space_the_bot_introduces_itself_once_even_if_the_event_comes_again() {
    let bot = spawn_bot().await;
    let (room, intro) = bot.add_bot_to_new_space(Role::Admin, "Ops Oslo").await;
    let markdown = intro.text.clone().unwrap_or_default();
    assert!(markdown.contains("Hello, I'm Roombot Demo"), "{markdown}");
    assert!(
        markdown.contains("@Roombot status 4B"),
        "how to mention it: {markdown}"
    );
    assert!(
        markdown.contains("ada.admin@example.com"),
        "who may do what: {markdown}"
    );
    assert!(!intro.attachments.is_empty(), "a card");

    // Webex delivers the same event again: a duplicate, nothing posted.
    let delivery = bot
        .sandbox
        .deliveries()
        .into_iter()
        .find(|d| {
            d.resource == "memberships"
                && d.event == "created"
                && d.target_url.contains(&bot.addr.to_string())
        })
        .expect("the arrival was delivered");
    let status = reqwest::Client::new()
        .post(format!("http://{}/webhooks/webex", bot.addr))
        .header("content-type", "application/json")
        .header("X-Spark-Signature", delivery.signature.clone().unwrap())
        .body(delivery.body.clone())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    assert!(bot.metrics().await.contains("outcome=\"duplicate\"} 1"));
    assert_eq!(bot.bot_message_count(&room), 1);
    // A click on the introduction is answered in a thread under it, as in any group space.
    let help = bot.click(Role::Admin, &intro, "Help").await;
    assert_eq!(
        help.parent_id.as_deref(),
        Some(intro.id.as_str()),
        "{help:#?}"
    );
}

#[tokio::test]
async fn added_from_another_organisation_the_bot_leaves_with_a_note() {
    let bot = spawn_bot().await;
    let (room, note) = bot
        .add_bot_to_new_space(Role::Outsider, "Partner room")
        .await;
    assert!(note.markdown.unwrap_or_default().contains("leaving"));
    bot.wait_until_bot_left(&room).await;
}

#[tokio::test]
async fn removed_from_a_space_the_bot_forgets_its_default_target_scope_and_confirmations() {
    let bot = spawn_bot().await;
    let room = bot.sandbox.ops_room();
    bot.say_in_ops(Role::Admin, "use 4B").await;
    bot.say_in_ops(Role::Admin, "scope tag barcelona").await;
    let asking = bot.say_in_ops(Role::Admin, "reboot 4B").await;
    let token = support::button_data(&asking, "Confirm")
        .and_then(|d| d["confirm"].as_str().map(str::to_owned))
        .expect("a confirmation");
    let store = Store::open(&bot.settings.store.path).unwrap();
    let room_id = RoomId::new(room.clone());
    assert!(store.space_scope(&room_id).await.unwrap().is_some());

    let bot_email = bot.sandbox.bot().email.clone();
    let membership = bot.sandbox.membership_of(&room, &bot_email).unwrap();
    bot.sandbox
        .remove_member(&bot.token(Role::Admin), &membership)
        .await
        .unwrap();
    eventually(|| async { store.default_target(&room_id).await.unwrap().is_none() }).await;
    assert_eq!(store.space_scope(&room_id).await.unwrap(), None);
    let ada = PersonId::new(bot.sandbox.person(Role::Admin).id.clone());
    let taken = store.take_confirmation(&token, &ada, None).await.unwrap();
    assert!(matches!(taken, Taken::Stale), "{taken:?}");
}

#[tokio::test]
async fn removed_and_added_again_the_bot_introduces_itself_again() {
    let bot = spawn_bot().await;
    let ada = bot.token(Role::Admin);
    let room = bot.sandbox.create_space(&ada, "Ops Bergen").await.unwrap();
    let bot_email = bot.sandbox.bot().email.clone();
    let bot_id = bot.sandbox.bot_id().to_owned();
    bot.sandbox
        .add_member(&ada, &room, &bot_email)
        .await
        .unwrap();
    eventually(|| async { bot.bot_message_count(&room) == 1 }).await;
    let membership = bot.sandbox.membership_of(&room, &bot_email).unwrap();
    bot.sandbox.remove_member(&ada, &membership).await.unwrap();
    eventually(|| async { !bot.sandbox.members(&room).contains(&bot_id) }).await;
    // The same person in the same space: the same membership id, yet a new arrival.
    bot.sandbox
        .add_member(&ada, &room, &bot_email)
        .await
        .unwrap();
    eventually(|| async { bot.bot_message_count(&room) == 2 }).await;
}
