//! The sandbox's webhooks over real TCP: CRUD, filters, signed deliveries checked by an
//! independent HMAC, group-room visibility, the firehose, and the 100-failures rule.

use crate::sandbox_messaging_support;

use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use roombot::sandbox::{Role, SandboxHandle};
use sandbox_messaging_support::*;
use serde_json::{Value, json};
use sha1::Sha1;
use tokio::sync::Semaphore;

async fn create_webhook(sandbox: &SandboxHandle, body: Value) -> String {
    let created = post(sandbox, sandbox.bot_token(), "/webhooks", body).await;
    assert_eq!(created.status, 200, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

fn hook(receiver: &Receiver, resource: &str, event: &str) -> Value {
    json!({"name": format!("roombot {resource}"), "targetUrl": receiver.url, "resource": resource, "event": event})
}

fn card() -> Value {
    json!({"contentType": "application/vnd.microsoft.card.adaptive",
           "content": {"type": "AdaptiveCard", "version": "1.3", "body": []}})
}

#[tokio::test]
async fn webhooks_are_created_listed_updated_and_deleted_by_their_owner() {
    let sandbox = start().await;
    let bot = sandbox.bot_token().to_owned();
    let body = json!({"name": "msgs", "targetUrl": "http://127.0.0.1:9/hook", "resource": "messages",
                      "event": "created", "filter": "roomType=group", "secret": "s3cret"});
    let created = post(&sandbox, &bot, "/webhooks", body).await;
    assert_eq!(created.status, 200);
    for (key, value) in [
        ("status", "active"),
        ("secret", "s3cret"),
        ("filter", "roomType=group"),
        ("ownedBy", "creator"),
    ] {
        assert_eq!(created.body[key], value, "{key}");
    }
    assert_eq!(created.body["createdBy"], sandbox.bot_id());
    let id = created.body["id"].as_str().unwrap();
    let invalid = [
        json!({"targetUrl": "http://127.0.0.1:9/", "resource": "messages", "event": "created"}),
        json!({"name": "n", "targetUrl": "not a url", "resource": "messages", "event": "created"}),
        json!({"name": "n", "targetUrl": "http://127.0.0.1:9/", "resource": "bananas", "event": "created"}),
        json!({"name": "n", "targetUrl": "http://127.0.0.1:9/", "resource": "messages", "event": "created", "filter": "colour=red"}),
        json!({"name": "n", "targetUrl": "http://127.0.0.1:9/", "resource": "all", "event": "created"}),
    ];
    for body in invalid {
        assert_webex_error(&post(&sandbox, &bot, "/webhooks", body).await, 400);
    }
    let ada = sandbox.person(Role::Admin).token.clone();
    assert_eq!(
        get(&sandbox, &ada, "/webhooks").await.body["items"],
        json!([])
    );
    assert_webex_error(&get(&sandbox, &ada, &format!("/webhooks/{id}")).await, 404);
    let listed = get(&sandbox, &bot, "/webhooks").await;
    assert_eq!(listed.body["items"][0]["id"], id);

    let path = format!("/webhooks/{id}");
    let renamed = put(
        &sandbox,
        &bot,
        &path,
        json!({"name": "renamed", "targetUrl": "http://127.0.0.1:9/x", "resource": "rooms"}),
    )
    .await;
    assert_eq!(
        (
            renamed.body["name"].as_str(),
            renamed.body["resource"].as_str()
        ),
        (Some("renamed"), Some("messages"))
    );
    let deactivate = put(
        &sandbox,
        &bot,
        &path,
        json!({"name": "n", "targetUrl": "http://127.0.0.1:9/", "status": "inactive"}),
    )
    .await;
    assert_webex_error(&deactivate, 400);
    assert_webex_error(&put(&sandbox, &bot, &path, json!({"name": "n"})).await, 400);
    assert_eq!(delete(&sandbox, &bot, &path).await.status, 204);
    assert_webex_error(&get(&sandbox, &bot, &path).await, 404);
    assert_webex_error(&delete(&sandbox, &bot, &path).await, 404);
}

#[tokio::test]
async fn a_delivery_is_the_webex_envelope_signed_over_the_raw_body() {
    let sandbox = start().await;
    let receiver = Receiver::start(200).await;
    let mut body = hook(&receiver, "messages", "created");
    body["secret"] = json!("our shared secret");
    let webhook_id = create_webhook(&sandbox, body).await;
    let ada = sandbox.person(Role::Admin).clone();
    let room = ada.direct_room_id.clone().unwrap();
    let posted = sandbox
        .post_as(&ada.token, &room, "mute room 4B")
        .await
        .unwrap();
    sandbox
        .wait_for_delivery(|d| d.data_id == posted.id, WAIT)
        .await
        .unwrap();

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let raw = &received[0].body;
    let signature = received[0].headers["x-spark-signature"].to_str().unwrap();
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(b"our shared secret").unwrap();
    mac.update(raw);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(signature, expected);

    let envelope: Value = serde_json::from_slice(raw).unwrap();
    let keys: Vec<&str> = envelope
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "targetUrl",
            "resource",
            "event",
            "orgId",
            "createdBy",
            "appId",
            "ownedBy",
            "status",
            "created",
            "actorId",
            "data"
        ]
    );
    assert_eq!(
        (envelope["id"].as_str(), envelope["resource"].as_str()),
        (Some(webhook_id.as_str()), Some("messages"))
    );
    assert_eq!(
        (envelope["event"].as_str(), envelope["actorId"].as_str()),
        (Some("created"), Some(ada.id.as_str()))
    );
    assert_eq!(envelope["createdBy"], sandbox.bot_id());
    let data = &envelope["data"];
    assert_eq!(
        data,
        &json!({"id": posted.id, "roomId": room, "roomType": "direct", "personId": ada.id,
                             "personEmail": ada.email, "created": posted.created})
    );
    assert_eq!(received[0].headers["content-type"], "application/json");
}

#[tokio::test]
async fn without_a_secret_there_is_no_signature_and_the_bot_hears_its_own_messages() {
    let sandbox = start().await;
    let receiver = Receiver::start(204).await;
    create_webhook(&sandbox, hook(&receiver, "messages", "created")).await;
    let room = sandbox.direct_room(Role::Viewer).unwrap().to_owned();
    let own = sandbox
        .post_as(sandbox.bot_token(), &room, "hello Vera")
        .await
        .unwrap();
    let delivery = sandbox
        .wait_for_delivery(|d| d.data_id == own.id, WAIT)
        .await
        .unwrap();
    assert!(delivery.succeeded() && delivery.signature.is_none());
    let received = receiver.received();
    assert!(received[0].headers.get("x-spark-signature").is_none());
    let envelope: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(envelope["data"]["personId"], sandbox.bot_id());
}

#[tokio::test]
async fn in_a_group_room_the_bot_is_told_only_of_messages_that_mention_it() {
    let sandbox = start().await;
    let receiver = Receiver::start(200).await;
    create_webhook(&sandbox, hook(&receiver, "messages", "created")).await;
    let ops = sandbox.ops_room();
    let oscar = sandbox.person(Role::Operator).token.clone();
    let plain = sandbox.post_as(&oscar, &ops, "coffee?").await.unwrap();
    let all = sandbox
        .post_as(&oscar, &ops, "<@all> standup")
        .await
        .unwrap();
    assert_eq!(all.mentioned_groups, vec!["all".to_owned()]);
    let mentioned = sandbox
        .post_as(
            &oscar,
            &ops,
            &format!("{} status 4B", sandbox.mention_bot()),
        )
        .await
        .unwrap();
    let deliveries = sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    let ids: Vec<&str> = deliveries.iter().map(|d| d.data_id.as_str()).collect();
    assert_eq!(ids, vec![mentioned.id.as_str()]);
    assert!(!ids.contains(&plain.id.as_str()));
    let envelope: Value = serde_json::from_slice(&receiver.received()[0].body).unwrap();
    assert_eq!(envelope["data"]["roomType"], "group");
    assert_eq!(
        envelope["data"]["mentionedPeople"],
        json!([sandbox.bot_id()])
    );
}

#[tokio::test]
async fn filters_narrow_deliveries() {
    let sandbox = start().await;
    let receiver = Receiver::start(200).await;
    let ops = sandbox.ops_room();
    let mut by_room = hook(&receiver, "messages", "created");
    by_room["filter"] = json!(format!("roomId={ops}"));
    let room_hook = create_webhook(&sandbox, by_room).await;
    let mut by_email = hook(&receiver, "messages", "created");
    by_email["filter"] = json!("personEmail=vera.viewer@example.com");
    let email_hook = create_webhook(&sandbox, by_email).await;
    let ada = sandbox.person(Role::Admin).clone();
    let vera = sandbox.person(Role::Viewer).clone();
    sandbox
        .post_as(&ada.token, ada.direct_room_id.as_deref().unwrap(), "direct")
        .await
        .unwrap();
    let in_ops = sandbox
        .post_as(
            &ada.token,
            &ops,
            &format!("{} in ops", sandbox.mention_bot()),
        )
        .await
        .unwrap();
    let from_vera = sandbox
        .post_as(&vera.token, vera.direct_room_id.as_deref().unwrap(), "hi")
        .await
        .unwrap();
    let deliveries = sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    let mut pairs: Vec<(String, String)> = deliveries
        .iter()
        .map(|d| (d.webhook_id.clone(), d.data_id.clone()))
        .collect();
    pairs.sort();
    let mut expected = vec![(room_hook, in_ops.id), (email_hook, from_vera.id)];
    expected.sort();
    assert_eq!(pairs, expected);
}

#[tokio::test]
async fn card_submissions_reach_attachment_action_webhooks_but_not_the_firehose() {
    let sandbox = start().await;
    let actions = Receiver::start(200).await;
    let firehose = Receiver::start(200).await;
    let actions_hook =
        create_webhook(&sandbox, hook(&actions, "attachmentActions", "created")).await;
    let firehose_hook = create_webhook(&sandbox, hook(&firehose, "all", "all")).await;
    let ada = sandbox.person(Role::Admin).clone();
    let room = ada.direct_room_id.clone().unwrap();
    let card_message = post(
        &sandbox,
        sandbox.bot_token(),
        "/messages",
        json!({"roomId": room, "markdown": "Muted", "attachments": [card()]}),
    )
    .await;
    let message_id = card_message.body["id"].as_str().unwrap().to_owned();
    let action = sandbox
        .click(&ada.token, &message_id, json!({"cmd": "unmute room 4B"}))
        .await
        .unwrap();
    let deliveries = sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    let to_firehose: Vec<&str> = deliveries
        .iter()
        .filter(|d| d.webhook_id == firehose_hook)
        .map(|d| d.resource.as_str())
        .collect();
    assert_eq!(to_firehose, vec!["messages"]);
    let to_actions: Vec<_> = deliveries
        .iter()
        .filter(|d| d.webhook_id == actions_hook)
        .collect();
    assert_eq!(to_actions.len(), 1);
    let envelope: Value = serde_json::from_slice(&actions.received()[0].body).unwrap();
    assert_eq!(
        (envelope["resource"].as_str(), envelope["event"].as_str()),
        (Some("attachmentActions"), Some("created"))
    );
    assert_eq!(
        envelope["data"],
        json!({"id": action.id, "type": "submit", "messageId": message_id,
                                        "personId": ada.id, "roomId": room, "created": action.created})
    );
    assert!(envelope["data"].get("inputs").is_none());
}

#[tokio::test]
async fn deliveries_happen_after_the_api_call_has_answered() {
    let sandbox = start().await;
    let gate = Arc::new(Semaphore::new(0));
    let receiver = Receiver::start_gated(200, Some(gate.clone())).await;
    create_webhook(&sandbox, hook(&receiver, "messages", "created")).await;
    let ada = sandbox.person(Role::Admin).clone();
    // The receiver holds every delivery until the gate opens: the POST must answer regardless.
    let posted = sandbox
        .post_as(
            &ada.token,
            ada.direct_room_id.as_deref().unwrap(),
            "volume 4B 40",
        )
        .await
        .unwrap();
    assert!(sandbox.deliveries().is_empty());
    gate.add_permits(1);
    let delivery = sandbox
        .wait_for_delivery(|d| d.data_id == posted.id, WAIT)
        .await
        .unwrap();
    assert_eq!(delivery.status, Some(200));
}

#[tokio::test]
async fn a_hundred_failures_in_five_minutes_disable_a_webhook_until_it_is_reactivated() {
    let sandbox = start().await;
    let receiver = Receiver::start(500).await;
    let id = create_webhook(&sandbox, hook(&receiver, "messages", "created")).await;
    let ada = sandbox.person(Role::Admin).clone();
    let room = ada.direct_room_id.clone().unwrap();
    for i in 0..99 {
        sandbox
            .post_as(&ada.token, &room, &format!("m{i}"))
            .await
            .unwrap();
    }
    let settled = sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    assert_eq!(settled.iter().filter(|d| d.status == Some(500)).count(), 99);
    let path = format!("/webhooks/{id}");
    assert_eq!(
        get(&sandbox, sandbox.bot_token(), &path).await.body["status"],
        "active"
    );

    sandbox
        .post_as(&ada.token, &room, "the hundredth")
        .await
        .unwrap();
    sandbox
        .wait_for_webhook(&id, |w| w.status == "inactive", WAIT)
        .await
        .unwrap();
    assert_eq!(
        get(&sandbox, sandbox.bot_token(), &path).await.body["status"],
        "inactive"
    );
    sandbox
        .post_as(&ada.token, &room, "not delivered")
        .await
        .unwrap();
    assert_eq!(
        sandbox
            .wait_for_deliveries_settled(WAIT)
            .await
            .unwrap()
            .len(),
        100
    );

    let revive = json!({"name": "revived", "targetUrl": receiver.url, "status": "active"});
    assert_eq!(
        put(&sandbox, sandbox.bot_token(), &path, revive).await.body["status"],
        "active"
    );
    // The earlier failures are still inside the window: the next failure disables it again.
    sandbox
        .post_as(&ada.token, &room, "fails again")
        .await
        .unwrap();
    sandbox
        .wait_for_webhook(&id, |w| w.status == "inactive", WAIT)
        .await
        .unwrap();

    let revive = json!({"name": "revived", "targetUrl": receiver.url, "status": "active"});
    put(&sandbox, sandbox.bot_token(), &path, revive).await;
    receiver.set_status(200);
    let ok = sandbox.post_as(&ada.token, &room, "works").await.unwrap();
    let delivery = sandbox
        .wait_for_delivery(|d| d.data_id == ok.id, WAIT)
        .await
        .unwrap();
    assert!(delivery.succeeded());
    assert_eq!(sandbox.webhooks()[0].status, "active");
}

#[tokio::test]
async fn an_unreachable_target_counts_as_a_failure() {
    let sandbox = start().await;
    let closed = tokio::net::TcpListener::bind(loopback()).await.unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let body =
        json!({"name": "gone", "targetUrl": url, "resource": "messages", "event": "created"});
    create_webhook(&sandbox, body).await;
    let ada = sandbox.person(Role::Admin).clone();
    let posted = sandbox
        .post_as(
            &ada.token,
            ada.direct_room_id.as_deref().unwrap(),
            "anyone?",
        )
        .await
        .unwrap();
    let delivery = sandbox
        .wait_for_delivery(|d| d.data_id == posted.id, WAIT)
        .await
        .unwrap();
    assert_eq!(delivery.status, None);
    assert!(!delivery.succeeded());
}
