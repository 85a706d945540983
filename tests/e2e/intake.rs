//! Webhook intake and the bot loop over real TCP, with the sandbox as Webex: signed deliveries,
//! forged ones, dedupe, own messages, restarts, metrics, webhook sync and re-activation.

use crate::support;

use std::time::Duration;

use roombot::sandbox::{Delivery, Role};
use roombot::sandbox::{Family, FaultOptions, FaultRates, SandboxOptions};
use roombot::webhook::signature::sign;
use support::{SECRET, TestBot, WAIT, spawn_bot, start_app};

/// POSTs `body` to the bot's webhook endpoint with `signature` (if any).
async fn deliver(bot: &TestBot, body: &[u8], signature: Option<&str>) -> reqwest::StatusCode {
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
}

/// The delivery of the person's message `message_id`.
async fn delivery_of(bot: &TestBot, message_id: &str) -> Delivery {
    bot.sandbox
        .wait_for_delivery(
            |d| d.data_id == message_id && d.resource == "messages",
            WAIT,
        )
        .await
        .expect("the message was delivered")
}

fn envelope(resource: &str, event: &str, id: &str, person_id: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": "WEBHOOK", "name": "roombot messages", "targetUrl": "http://x/webhooks/webex",
        "resource": resource, "event": event, "orgId": "ORG", "createdBy": "BOT", "appId": "APP",
        "ownedBy": "creator", "status": "active", "created": "2026-11-25T10:00:00.000Z",
        "actorId": person_id,
        "data": { "id": id, "roomId": "ROOM", "roomType": "direct", "personId": person_id,
                  "personEmail": "x@example.com", "created": "2026-11-25T10:00:00.000Z" }
    }))
    .unwrap()
}

#[tokio::test]
async fn a_message_produces_one_signed_delivery_and_one_reply() {
    let bot = spawn_bot().await;
    let (room, sent) = bot.post(Role::Operator, "help").await;
    let reply = bot.reply_after(&room, &sent.id).await;
    assert!(
        reply
            .markdown
            .as_deref()
            .unwrap_or_default()
            .contains("help"),
        "{reply:#?}"
    );
    assert_eq!(reply.attachments.len(), 1, "the reply carries a card");

    let delivery = delivery_of(&bot, &sent.id).await;
    let signature = delivery.signature.clone().expect("deliveries are signed");
    assert!(roombot::webhook::signature::verify_signature(
        SECRET.as_bytes(),
        &delivery.body,
        &signature
    ));
    assert_eq!(delivery.status, Some(200));

    // Settle: the bot's own reply is delivered too, and must not produce another reply.
    bot.sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    let bot_messages = bot.bot_message_count(&room);
    assert_eq!(bot_messages, 1);
    let gets = bot
        .bot_calls()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/v1/messages/"))
        .count();
    assert_eq!(
        gets, 1,
        "only the person's message is fetched, never our own"
    );
}

#[tokio::test]
async fn forged_deliveries_get_401_and_cause_no_webex_call() {
    let bot = spawn_bot().await;
    let body = envelope("messages", "created", "MSG-FORGED", "PERSON");
    let good = sign(SECRET.as_bytes(), &body);
    let other_body = envelope("messages", "created", "MSG-OTHER", "PERSON");
    let cases: Vec<(&str, Vec<u8>, Option<String>)> = vec![
        ("no header", body.clone(), None),
        ("wrong hex", body.clone(), Some("zz".repeat(20))),
        (
            "another body's signature",
            body.clone(),
            Some(sign(SECRET.as_bytes(), &other_body)),
        ),
        (
            "truncated body",
            body[..body.len() - 5].to_vec(),
            Some(good.clone()),
        ),
        (
            "wrong secret",
            body.clone(),
            Some(sign(b"not-the-secret", &body)),
        ),
        ("empty signature", body.clone(), Some(String::new())),
    ];
    for (name, body, signature) in cases {
        let status = deliver(&bot, &body, signature.as_deref()).await;
        assert_eq!(status, 401, "{name}");
    }
    assert!(
        bot.bot_calls().is_empty(),
        "forged deliveries made Webex calls: {:#?}",
        bot.bot_calls()
    );
    assert!(
        bot.metrics()
            .await
            .contains("roombot_webhook_deliveries_total{outcome=\"forged\"} 6")
    );
}

#[tokio::test]
async fn bad_bodies_get_413_and_400_and_unknown_resources_200() {
    let bot = spawn_bot().await;
    let huge = vec![b' '; 1024 * 1024 + 1];
    assert_eq!(
        deliver(&bot, &huge, Some(&sign(SECRET.as_bytes(), &huge))).await,
        413
    );
    let malformed = b"{\"resource\": \"messages\", ".to_vec();
    assert_eq!(
        deliver(&bot, &malformed, Some(&sign(SECRET.as_bytes(), &malformed))).await,
        400
    );
    let unknown = envelope("memberships", "created", "MEMBERSHIP", "PERSON");
    assert_eq!(
        deliver(&bot, &unknown, Some(&sign(SECRET.as_bytes(), &unknown))).await,
        200
    );
    assert!(bot.bot_calls().is_empty(), "{:#?}", bot.bot_calls());
    let text = bot.metrics().await;
    assert!(
        text.contains("outcome=\"malformed\"} 1") && text.contains("outcome=\"ignored\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn our_own_message_is_dropped_without_fetching_it() {
    let bot = spawn_bot().await;
    let own = envelope("messages", "created", "MSG-OWN", bot.sandbox.bot_id());
    assert_eq!(
        deliver(&bot, &own, Some(&sign(SECRET.as_bytes(), &own))).await,
        200
    );
    assert!(bot.metrics().await.contains("outcome=\"own_message\"} 1"));
    assert!(bot.bot_calls().is_empty(), "{:#?}", bot.bot_calls());
}

#[tokio::test]
async fn five_concurrent_copies_of_a_fresh_delivery_give_one_reply() {
    let bot = spawn_bot().await;
    // Stop the sandbox from delivering on its own: this test is the only sender.
    let webex = roombot::bot::identity::client(&bot.settings, Default::default()).unwrap();
    roombot::bot::webhooks::delete_ours(&webex).await.unwrap();
    let room = bot.direct_room(Role::Viewer);
    let viewer = bot.sandbox.person(Role::Viewer).clone();
    let sent = bot
        .sandbox
        .post_as(&viewer.token, &room, "help")
        .await
        .unwrap();
    let body = serde_json::to_vec(&serde_json::json!({
        "resource": "messages", "event": "created",
        "data": { "id": sent.id, "roomId": room, "roomType": "direct",
                  "personId": viewer.id, "personEmail": viewer.email }
    }))
    .unwrap();
    let signature = sign(SECRET.as_bytes(), &body);
    let copies = (0..5).map(|_| deliver(&bot, &body, Some(&signature)));
    for status in futures::future::join_all(copies).await {
        assert_eq!(status, 200, "every copy gets 2xx");
    }
    bot.reply_after(&room, &sent.id).await;
    let text = bot.metrics().await;
    assert!(
        text.contains("outcome=\"queued\"} 1") && text.contains("outcome=\"duplicate\"} 4"),
        "{text}"
    );
    // The one handled copy has finished (its reply is posted): nothing else is in flight.
    let replies = bot.bot_message_count(&room);
    assert_eq!(replies, 1);
    let fetches = bot
        .bot_calls()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/v1/messages/"))
        .count();
    assert_eq!(fetches, 1);
}

#[tokio::test]
async fn a_restart_does_not_handle_a_delivered_message_again() {
    let bot = spawn_bot().await;
    let (room, sent) = bot.post(Role::Operator, "help").await;
    let delivery = delivery_of(&bot, &sent.id).await;
    bot.reply_after(&room, &sent.id).await;
    let (sandbox, settings, store) = bot.stop().await;

    let restarted = start_app(sandbox, settings, store).await;
    let status = deliver(&restarted, &delivery.body, delivery.signature.as_deref()).await;
    assert_eq!(status, 200);
    assert!(
        restarted
            .metrics()
            .await
            .contains("outcome=\"duplicate\"} 1")
    );
    assert!(
        restarted.bot_calls().is_empty(),
        "{:#?}",
        restarted.bot_calls()
    );
}

#[tokio::test]
async fn group_rooms_need_a_mention_and_replies_go_in_the_thread() {
    let bot = spawn_bot().await;
    let reply = bot.say_in_ops(Role::Operator, "help").await;
    let parent = reply.parent_id.clone().expect("a threaded reply");
    let asked = bot
        .sandbox
        .messages(&bot.sandbox.ops_room())
        .into_iter()
        .find(|m| m.id == parent)
        .unwrap();
    assert_eq!(asked.person_id, bot.sandbox.person(Role::Operator).id);

    // A message in the group room without a mention reaches no webhook of the bot.
    let room = bot.sandbox.ops_room();
    let quiet = bot
        .sandbox
        .post_as(&bot.token(Role::Operator), &room, "help")
        .await
        .unwrap();
    let deliveries = bot.sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    assert!(!deliveries.iter().any(|d| d.data_id == quiet.id));
}

#[tokio::test]
async fn a_card_click_on_a_message_the_bot_did_not_post_is_ignored() {
    let bot = spawn_bot().await;
    let room = bot.direct_room(Role::Operator);
    let own = bot
        .sandbox
        .post_as(&bot.token(Role::Operator), &room, "just text")
        .await
        .unwrap();
    bot.reply_after(&room, &own.id).await;
    bot.sandbox.clear_requests();
    // Webex only delivers clicks on the bot's own cards, but a forged-yet-signed one must not act.
    let action = serde_json::to_vec(&serde_json::json!({
        "resource": "attachmentActions", "event": "created",
        "data": { "id": "ACTION-X", "type": "submit", "messageId": own.id }
    }))
    .unwrap();
    assert_eq!(
        deliver(&bot, &action, Some(&sign(SECRET.as_bytes(), &action))).await,
        200
    );
    // The action fetch fails (404) and nothing is posted.
    tokio::time::timeout(WAIT, async {
        while !bot
            .bot_calls()
            .iter()
            .any(|r| r.path.contains("attachment/actions"))
        {
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap();
    assert!(
        !bot.bot_calls().iter().any(|r| r.method == "POST"),
        "{:#?}",
        bot.bot_calls()
    );
}

#[tokio::test]
async fn webhook_sync_is_idempotent_and_leaves_foreign_webhooks_alone() {
    let bot = spawn_bot().await;
    let webex = roombot::bot::identity::client(&bot.settings, Default::default()).unwrap();
    let foreign = roombot::webex::NewWebhook {
        name: "someone else's".into(),
        target_url: "https://example.com/hook".into(),
        resource: "all".into(),
        event: "all".into(),
        filter: None,
        secret: None,
    };
    webex.create_webhook(&foreign).await.unwrap();
    let before = bot.sandbox.webhooks();
    let target = format!("http://{}/webhooks/webex", bot.addr);
    let report = roombot::bot::webhooks::sync(&webex, &target, &SECRET.to_owned().into())
        .await
        .unwrap();
    assert!(
        report
            .iter()
            .all(|(_, action)| *action == roombot::bot::webhooks::SyncAction::Unchanged),
        "{report:?}"
    );
    assert_eq!(bot.sandbox.webhooks().len(), before.len());
    let ours: Vec<_> = bot
        .sandbox
        .webhooks()
        .into_iter()
        .filter(|w| w.name.starts_with("roombot"))
        .collect();
    assert_eq!(ours.len(), roombot::bot::webhooks::OURS.len());
    assert!(
        ours.iter()
            .all(|w| w.target_url == target && w.status == "active")
    );

    assert_eq!(
        roombot::bot::webhooks::delete_ours(&webex).await.unwrap(),
        4
    );
    let left = bot.sandbox.webhooks();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].name, "someone else's");
}

#[tokio::test]
async fn an_inactive_webhook_is_reactivated() {
    let bot = spawn_bot().await;
    let webex = roombot::bot::identity::client(&bot.settings, Default::default()).unwrap();
    let hook = bot
        .sandbox
        .webhooks()
        .into_iter()
        .find(|w| w.name == "roombot messages")
        .unwrap();
    // Point it at a port nothing listens on and let 100 deliveries fail: Webex disables it.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dead_target = format!("http://{dead}/webhooks/webex");
    let move_away = roombot::webex::WebhookUpdate {
        name: hook.name.clone(),
        target_url: dead_target.clone(),
        secret: Some(SECRET.to_owned().into()),
        status: None,
    };
    webex
        .update_webhook(&roombot::webex::WebhookId::new(hook.id.clone()), &move_away)
        .await
        .unwrap();
    let room = bot.direct_room(Role::Viewer);
    for i in 0..100 {
        bot.sandbox
            .post_as(&bot.token(Role::Viewer), &room, &format!("hello {i}"))
            .await
            .unwrap();
    }
    bot.sandbox
        .wait_for_webhook(&hook.id, |w| w.status == "inactive", WAIT)
        .await
        .unwrap();

    let reactivated = roombot::bot::webhooks::reactivate_inactive(&webex)
        .await
        .unwrap();
    assert_eq!(reactivated, vec!["roombot messages".to_owned()]);
    let after = bot
        .sandbox
        .webhooks()
        .into_iter()
        .find(|w| w.id == hook.id)
        .unwrap();
    assert_eq!(
        (after.status.as_str(), after.target_url.as_str()),
        ("active", dead_target.as_str())
    );
    // A second check finds nothing to do.
    assert!(
        roombot::bot::webhooks::reactivate_inactive(&webex)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn metrics_count_webex_calls_and_commands() {
    let bot = spawn_bot().await;
    bot.say(Role::Operator, "help").await;
    bot.say(Role::Operator, "mute room 4B").await;
    bot.say(Role::Viewer, "mute room 4B").await;
    bot.say(Role::Operator, "stauts 4B").await;
    // A command is counted right after its reply is posted: wait for the fourth.
    let counted = async {
        while !bot
            .metrics()
            .await
            .contains("roombot_event_handling_seconds_count 4")
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(WAIT, counted)
        .await
        .expect("four commands counted");
    let text = bot.metrics().await;
    for line in [
        "roombot_commands_total{kind=\"help\",result=\"read\"} 1",
        "roombot_commands_total{kind=\"mute\",result=\"done\"} 1",
        "roombot_commands_total{kind=\"mute\",result=\"refused\"} 1",
        "roombot_commands_total{kind=\"unparsed\",result=\"rejected\"} 1",
        "roombot_event_handling_seconds_count 4",
        "roombot_webex_calls_total{method=\"POST\",endpoint=\"xapi/command\",status=\"200\"} 1",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(
        text.contains(
            "roombot_webex_calls_total{method=\"GET\",endpoint=\"messages/{id}\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "roombot_webex_calls_total{method=\"POST\",endpoint=\"messages\",status=\"200\"}"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_full_queue_defers_events_to_the_store_and_loses_nothing() {
    // One worker, a queue of one, and a slow Webex for message calls: deliveries pile up.
    let slow = FaultRates {
        latency: Some((Duration::from_millis(40), Duration::from_millis(40))),
        ..FaultRates::default()
    };
    let faults = FaultOptions {
        seed: 1,
        per_family: [(Family::Messages, slow)].into_iter().collect(),
        ..FaultOptions::default()
    };
    let options = SandboxOptions {
        faults,
        ..SandboxOptions::default()
    };
    let bot = support::spawn_bot_with(
        options,
        &[
            ("ROOMBOT__BOT__WORKERS", "1"),
            ("ROOMBOT__BOT__QUEUE_CAPACITY", "1"),
        ],
    )
    .await;
    let room = bot.direct_room(Role::Operator);
    let token = bot.token(Role::Operator);
    let sends = (0..6).map(|i| {
        let (sandbox, room, token) = (&bot.sandbox, room.clone(), token.clone());
        async move {
            sandbox
                .post_as(
                    &token,
                    &room,
                    &format!(
                        "help {}",
                        ["mute", "volume", "status", "config", "devices", "use"][i]
                    ),
                )
                .await
                .unwrap()
        }
    });
    futures::future::join_all(sends).await;
    let count = || bot.bot_message_count(&room);
    bot.sandbox
        .wait_for_message(&room, |_| count() >= 6, WAIT)
        .await
        .expect("six replies");
    bot.sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    let text = bot.metrics().await;
    let deferred = text
        .lines()
        .find_map(|l| l.strip_prefix("roombot_webhook_deliveries_total{outcome=\"deferred\"} "))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap();
    assert!(deferred >= 1, "nothing deferred:\n{text}");
    let replies = bot.bot_message_count(&room);
    assert_eq!(replies, 6, "every message got exactly one reply");
}

#[tokio::test]
async fn serve_with_a_rejected_token_stops_with_a_clear_error() {
    let sandbox =
        roombot::sandbox::Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
        .arg("serve")
        .env_clear()
        .env("ROOMBOT__WEBEX__TOKEN", "not-a-valid-token")
        .env("ROOMBOT__WEBEX__API_BASE", sandbox.base_url())
        .env("ROOMBOT__WEBEX__WEBHOOK_SECRET", "s")
        .env("ROOMBOT__SERVER__LISTEN", "127.0.0.1:0")
        .current_dir(dir.path())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("rejected the bot token") && stderr.contains("ROOMBOT__WEBEX__TOKEN"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-a-valid-token"), "{stderr}");
}

#[tokio::test]
async fn the_webhooks_subcommand_syncs_lists_and_deletes_only_ours() {
    let sandbox =
        roombot::sandbox::Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &'static [&'static str]| {
        let (base, token, dir) = (
            sandbox.base_url(),
            sandbox.bot_token().to_owned(),
            dir.path().to_owned(),
        );
        async move {
            let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
                .args(args)
                .env_clear()
                .env("ROOMBOT__WEBEX__TOKEN", token)
                .env("ROOMBOT__WEBEX__API_BASE", base)
                .env("ROOMBOT__WEBEX__WEBHOOK_SECRET", "s")
                .env("ROOMBOT__SERVER__PUBLIC_URL", "https://roombot.example.com")
                .current_dir(dir)
                .output()
                .await
                .unwrap();
            assert!(output.status.success(), "{args:?}: {output:?}");
            String::from_utf8(output.stdout).unwrap()
        }
    };
    let first = run(&["webhooks", "sync"]).await;
    assert_eq!(first.matches("Created").count(), 4, "{first}");
    let second = run(&["webhooks", "sync"]).await;
    assert_eq!(second.matches("Unchanged").count(), 4, "{second}");
    let listed = run(&["webhooks", "list"]).await;
    assert!(
        listed.contains("roombot messages\tactive\thttps://roombot.example.com/webhooks/webex"),
        "{listed}"
    );
    assert_eq!(sandbox.webhooks().len(), 4);
    let deleted = run(&["webhooks", "delete"]).await;
    assert!(deleted.contains("deleted 4"), "{deleted}");
    assert!(sandbox.webhooks().is_empty());
}
