//! Webhook intake and the bot loop over real TCP, with the sandbox as Webex: signed deliveries,
//! forged ones, dedupe, own messages, restarts, webhook sync and re-activation.

mod support;

use roombot::sandbox::Role;
use support::spawn_bot;

#[tokio::test]
async fn a_message_produces_one_signed_delivery_and_one_reply() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Operator, "help").await;
    assert!(
        reply
            .markdown
            .as_deref()
            .unwrap_or_default()
            .contains("help"),
        "{reply:#?}"
    );
    let deliveries = bot
        .sandbox
        .wait_for_deliveries_settled(support::WAIT)
        .await
        .unwrap();
    let person = deliveries
        .iter()
        .filter(|d| d.resource == "messages" && d.status == Some(200))
        .count();
    assert!(person >= 1, "{deliveries:#?}");
}
