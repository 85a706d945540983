//! Bad input against the real server: ids that are not ids, card clicks that name no command,
//! and thousands of generated and mutated webhook bodies and signatures (no panic, no Webex call
//! for a forged one, the server keeps answering).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use roombot::sandbox::{Role, SandboxOptions};
use roombot::webhook::envelope::Envelope;
use roombot::webhook::signature::{sign, verify_signature};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::served_support::{get, spawn_served};
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

/// How many generated and mutated deliveries the barrage sends.
const DELIVERIES: usize = 10_000;
/// How many mutated raw HTTP requests follow them.
const RAW_REQUESTS: usize = 500;

/// One generated delivery: the body, the signature header (if any), and the status it must get.
struct Case {
    body: Vec<u8>,
    signature: Option<String>,
    expected: u16,
}

fn safe_id(rng: &mut StdRng) -> String {
    let len = rng.random_range(1..120);
    (0..len)
        .map(|_| {
            let chars = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=";
            chars[rng.random_range(0..chars.len())] as char
        })
        .collect()
}

fn valid_envelope(rng: &mut StdRng) -> Value {
    let (resource, name) = if rng.random_bool(0.5) {
        ("messages", "roombot messages")
    } else {
        ("attachmentActions", "roombot card actions")
    };
    json!({
        "id": safe_id(rng), "name": name, "targetUrl": "https://roombot.example.com/webhooks/webex",
        "resource": resource, "event": "created", "orgId": safe_id(rng), "createdBy": safe_id(rng),
        "appId": safe_id(rng), "ownedBy": "creator", "status": "active",
        "created": "2026-11-25T10:00:00.000Z", "actorId": safe_id(rng),
        "data": { "id": safe_id(rng), "roomId": safe_id(rng), "roomType": "direct",
                  "personId": safe_id(rng), "personEmail": "someone@example.com",
                  "created": "2026-11-25T10:00:00.000Z" }
    })
}

/// A byte-level mutation: flip, insert, delete, duplicate or truncate.
fn mutate_bytes(rng: &mut StdRng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..rng.random_range(1..4) {
        if bytes.is_empty() {
            bytes.push(rng.random());
            continue;
        }
        let at = rng.random_range(0..bytes.len());
        match rng.random_range(0..5) {
            0 => bytes[at] ^= 1 << rng.random_range(0..8),
            1 => bytes.insert(at, rng.random()),
            2 => {
                let end = (at + rng.random_range(1..16)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.random_range(1..32)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// A structural mutation of an envelope that keeps it JSON.
fn mutate_json(rng: &mut StdRng, mut value: Value) -> Vec<u8> {
    let odd = [
        json!(null),
        json!(42),
        json!(-1.5e300),
        json!(true),
        json!([]),
        json!({}),
        json!(".."),
        json!("../../people/me"),
        json!("M1?max=1"),
        json!("\u{0}\u{202e}ü😀"),
        json!("x".repeat(5000)),
        json!([["deep"]]),
    ];
    let pick = odd[rng.random_range(0..odd.len())].clone();
    match rng.random_range(0..7) {
        0 => value["data"]["id"] = pick,
        1 => value["resource"] = pick,
        2 => value["event"] = pick,
        3 => value["data"] = pick,
        4 => {
            if let Some(map) = value.as_object_mut() {
                let keys: Vec<String> = map.keys().cloned().collect();
                map.remove(&keys[rng.random_range(0..keys.len())]);
            }
        }
        5 => value = json!({ "nested": (0..200).fold(json!(1), |v, _| json!([v])) }),
        _ => value["resource"] = json!(format!("memberships{}", rng.random::<u16>())),
    }
    serde_json::to_vec(&value).unwrap()
}

fn signature(rng: &mut StdRng, body: &[u8]) -> Option<String> {
    let good = sign(SECRET.as_bytes(), body);
    match rng.random_range(0..8) {
        0 => None,
        1 => Some(String::new()),
        2 => Some(hex::encode(rng.random::<[u8; 20]>())),
        3 => Some(good[..good.len() - 2].to_owned()),
        4 => Some(format!("{good}00")),
        5 => Some(good.replace(|c: char| c.is_ascii_digit(), "z")),
        6 => Some(sign(b"another secret", body)),
        _ => Some(good.to_uppercase()),
    }
}

/// The status intake must give: 413 over the limit, 401 unless signed, 400 unless an envelope,
/// 200 otherwise; `None` for a signed event the bot would handle (not generated here).
fn expected(body: &[u8], signature: Option<&str>) -> Option<u16> {
    if body.len() > 1024 * 1024 {
        return Some(413);
    }
    if !signature.is_some_and(|s| verify_signature(SECRET.as_bytes(), body, s)) {
        return Some(401);
    }
    match serde_json::from_slice::<Envelope>(body) {
        Err(_) => Some(400),
        Ok(envelope) if envelope.kind().is_none() => Some(200),
        Ok(_) => None,
    }
}

fn generate(rng: &mut StdRng) -> Case {
    loop {
        let envelope = valid_envelope(rng);
        let original = serde_json::to_vec(&envelope).unwrap();
        let (body, signature) = match rng.random_range(0..6) {
            // A valid event with a wrong or missing signature: forged.
            0 | 1 => {
                let signature = signature(rng, &original);
                (original, signature)
            }
            // The original's signature on mutated bytes: tampered.
            2 => (
                mutate_bytes(rng, original.clone()),
                Some(sign(SECRET.as_bytes(), &original)),
            ),
            // Mutated bytes, validly signed: must not decode into an event.
            3 => {
                let body = mutate_bytes(rng, original);
                let signature = sign(SECRET.as_bytes(), &body);
                (body, Some(signature))
            }
            // Structural mutations, validly signed.
            4 => {
                let body = mutate_json(rng, envelope);
                let signature = sign(SECRET.as_bytes(), &body);
                (body, Some(signature))
            }
            // Random bytes, sometimes over the size limit.
            _ => {
                let len = if rng.random_bool(0.02) {
                    1024 * 1024 + rng.random_range(1..1024)
                } else {
                    rng.random_range(0..512)
                };
                let body: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                let signature = signature(rng, &body);
                (body, signature)
            }
        };
        if let Some(expected) = expected(&body, signature.as_deref()) {
            return Case {
                body,
                signature,
                expected,
            };
        }
    }
}

/// Sends `case` over the shared client; a status, or why there was none.
async fn send(client: &reqwest::Client, addr: SocketAddr, case: &Case) -> Result<u16, String> {
    let mut request = client
        .post(format!("http://{addr}/webhooks/webex"))
        .header("content-type", "application/json")
        .body(case.body.clone());
    if let Some(signature) = &case.signature {
        request = request.header("X-Spark-Signature", signature);
    }
    request
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

/// Writes `bytes` as a whole raw request, closes the write half and reads whatever comes back.
async fn send_raw(addr: SocketAddr, bytes: Vec<u8>) -> Result<(), String> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        Ok::<(), String>(())
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .map_err(|_| "the server held a closed request for 10 s".to_owned())?
}

/// A signed request for a resource the bot ignores, mutated: a mutation of the head can leave it
/// valid, and then it must still cause no Webex call.
fn raw_request(rng: &mut StdRng) -> Vec<u8> {
    let mut envelope = valid_envelope(rng);
    envelope["resource"] = json!("memberships");
    let body = serde_json::to_vec(&envelope).unwrap();
    let head = format!(
        "POST /webhooks/webex HTTP/1.1\r\nHost: roombot\r\nContent-Type: application/json\r\n\
         X-Spark-Signature: {}\r\nContent-Length: {}\r\n\r\n",
        sign(SECRET.as_bytes(), &body),
        body.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend(body);
    mutate_bytes(rng, bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_generated_and_mutated_deliveries_make_no_webex_call_and_no_panic() {
    let server = spawn_served(
        SandboxOptions::default(),
        &[
            ("ROOMBOT__SERVER__HEADER_READ_TIMEOUT_SECS", "2"),
            ("ROOMBOT__SERVER__BODY_READ_TIMEOUT_SECS", "2"),
        ],
    )
    .await;
    let mut rng = StdRng::seed_from_u64(14);
    let cases: Vec<Case> = (0..DELIVERIES).map(|_| generate(&mut rng)).collect();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let outcomes: Vec<(usize, Result<u16, String>)> =
        futures::stream::iter(cases.iter().enumerate())
            .map(|(i, case)| {
                let client = &client;
                async move { (i, send(client, server.addr, case).await) }
            })
            .buffer_unordered(32)
            .collect()
            .await;
    let raws: Vec<Vec<u8>> = (0..RAW_REQUESTS).map(|_| raw_request(&mut rng)).collect();
    let raw_outcomes: Vec<Result<(), String>> = futures::stream::iter(raws)
        .map(|bytes| send_raw(server.addr, bytes))
        .buffer_unordered(32)
        .collect()
        .await;
    let took = started.elapsed();

    let mut by_status = std::collections::BTreeMap::new();
    for (i, outcome) in &outcomes {
        let status = outcome
            .clone()
            .unwrap_or_else(|e| panic!("case {i} got no answer: {e}"));
        assert_eq!(
            status,
            cases[*i].expected,
            "case {i}: {:?}",
            String::from_utf8_lossy(&cases[*i].body)
        );
        *by_status.entry(status).or_insert(0) += 1;
    }
    assert!(raw_outcomes.iter().all(Result::is_ok), "{raw_outcomes:?}");
    println!(
        "bad input: {DELIVERIES} deliveries (by status {by_status:?}) and {RAW_REQUESTS} mutated \
         raw requests in {took:?}"
    );
    // Nothing was queued, so no Webex call can follow later either.
    let metrics = reqwest::get(format!("http://{}/metrics", server.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for outcome in ["queued", "spilled"] {
        let line = format!("roombot_webhook_deliveries_total{{outcome=\"{outcome}\"}} ");
        let count = metrics
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .unwrap_or("0");
        assert_eq!(count, "0", "{outcome}: {metrics}");
    }
    assert!(
        server.sandbox.requests().is_empty(),
        "bad input made Webex calls: {:#?}",
        server.sandbox.requests()
    );
    let (status, _) = get(server.addr, "/healthz", Duration::from_secs(10))
        .await
        .expect("/healthz answers");
    assert_eq!(status, 200);
    // And a real message still gets its reply.
    let operator = server.sandbox.person(Role::Operator).clone();
    let room = operator.direct_room_id.clone().expect("a 1:1 room");
    let sent = server
        .sandbox
        .post_as(&operator.token, &room, "help")
        .await
        .unwrap();
    let bot_id = server.sandbox.bot_id().to_owned();
    server
        .sandbox
        .wait_for_message(
            &room,
            |m| m.person_id == bot_id && m.id != sent.id,
            crate::support::WAIT,
        )
        .await
        .expect("the bot still answers");
    let log = server.log();
    assert!(!log.contains("panicked"), "the server panicked: {log}");
    assert!(server.stop().await, "a clean stop");
}
