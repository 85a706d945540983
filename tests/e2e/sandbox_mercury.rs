//! The sandbox's websocket side on its own, driven by a raw websocket client: registrations and
//! their limit, authorization required, what the bot hears (mentions in groups, everything in
//! 1:1s, card actions), pongs, acks, and redelivery of unacked events after a reconnect.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use roombot::sandbox::{Role, Sandbox, SandboxHandle, SandboxOptions};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WAIT: Duration = Duration::from_secs(10);

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn origin(sandbox: &SandboxHandle) -> String {
    sandbox.base_url().trim_end_matches("/v1").to_owned()
}

/// Registers a device named `name` for the bot; the answer.
async fn register(sandbox: &SandboxHandle, name: &str) -> reqwest::Response {
    http()
        .post(format!("{}/wdm/api/v1/devices", origin(sandbox)))
        .bearer_auth(sandbox.bot_token())
        .json(&json!({"name": name, "deviceType": "DESKTOP"}))
        .send()
        .await
        .unwrap()
}

/// Connects to `device` and authorizes with `token`.
async fn connect(device: &Value, token: &str) -> Ws {
    let url = device["webSocketUrl"].as_str().unwrap();
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let auth =
        json!({"id": "a1", "type": "authorization", "data": {"token": format!("Bearer {token}")}});
    ws.send(Message::text(auth.to_string())).await.unwrap();
    ws
}

/// The next text frame, as JSON.
async fn next(ws: &mut Ws) -> Value {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a frame in time")
            .expect("the socket is open")
            .unwrap();
        if let Message::Text(text) = frame {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

#[tokio::test]
async fn events_need_authorization_are_redelivered_until_acked_and_follow_visibility() {
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let device: Value = register(&sandbox, "raw").await.json().await.unwrap();
    let catalog: Value = http()
        .get(format!(
            "{}/u2c/api/v1/catalog?format=hostmap",
            origin(&sandbox)
        ))
        .bearer_auth(sandbox.bot_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        catalog["serviceLinks"]["wdm"],
        format!("{}/wdm/api/v1", origin(&sandbox))
    );

    // A wrong token: close 4401.
    let mut refused = connect(&device, "wrong").await;
    let close = loop {
        match tokio::time::timeout(WAIT, refused.next()).await.unwrap() {
            Some(Ok(Message::Close(Some(close)))) => break close,
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(u16::from(close.code), 4401);

    let mut ws = connect(&device, sandbox.bot_token()).await;
    // The authorization taken, Mercury says so before anything else.
    assert_eq!(
        next(&mut ws).await["data"]["eventType"],
        "mercury.buffer_state"
    );
    ws.send(Message::text(r#"{"id":"p1","type":"ping"}"#))
        .await
        .unwrap();
    assert_eq!(next(&mut ws).await, json!({"id": "p1", "type": "pong"}));

    // A group message without a mention is not heard; with one it is; a 1:1 message always.
    let operator = sandbox.person(Role::Operator).token.clone();
    let ops = sandbox.ops_room();
    sandbox
        .post_as(&operator, &ops, "no mention")
        .await
        .unwrap();
    let mention = format!("{} hello", sandbox.mention_bot());
    let heard = sandbox.post_as(&operator, &ops, &mention).await.unwrap();
    let event = next(&mut ws).await;
    let activity = &event["data"]["activity"];
    assert_eq!(event["data"]["eventType"], "conversation.activity");
    assert_eq!(activity["verb"], "post");
    let lookup = activity["target"]["url"].as_str().unwrap().replace(
        &format!(
            "conversations/{}",
            activity["target"]["id"].as_str().unwrap()
        ),
        &format!("messages/{}", activity["id"].as_str().unwrap()),
    );
    let found: Value = http()
        .get(lookup)
        .bearer_auth(sandbox.bot_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["id"], heard.id, "the lookup gives the REST id");

    // Not acked: sent again after a reconnect; acked: not again.
    drop(ws);
    let mut ws = connect(&device, sandbox.bot_token()).await;
    assert_eq!(
        next(&mut ws).await["data"]["eventType"],
        "mercury.buffer_state"
    );
    let again = next(&mut ws).await;
    assert_eq!(again["id"], event["id"]);
    let ack = json!({"type": "ack", "messageId": event["id"]});
    ws.send(Message::text(ack.to_string())).await.unwrap();
    sandbox
        .wait_for_sockets(|c| c.acked == 1 && c.unacked == 0, WAIT)
        .await
        .unwrap();
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    sandbox.post_as(&operator, &room, "hi").await.unwrap();
    let direct = next(&mut ws).await;
    assert_ne!(
        direct["id"], event["id"],
        "the acked event is not sent again"
    );
    assert_eq!(direct["data"]["activity"]["verb"], "post");
}

#[tokio::test]
async fn a_forgotten_registration_answers_404_and_registrations_are_limited() {
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    sandbox.set_max_registrations(2);
    let device: Value = register(&sandbox, "one").await.json().await.unwrap();
    assert!(register(&sandbox, "two").await.status().is_success());
    let third = register(&sandbox, "three").await;
    assert_eq!(third.status(), 403);
    assert!(
        third
            .text()
            .await
            .unwrap()
            .contains("Excessive device registrations")
    );
    sandbox.forget_registrations();
    let url = device["webSocketUrl"].as_str().unwrap();
    match tokio_tungstenite::connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(answer)) => {
            assert_eq!(answer.status(), 404)
        }
        other => panic!("expected 404, got {:?}", other.map(|_| ())),
    }
}
