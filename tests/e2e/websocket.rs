//! The websocket intake end to end: roombot registers a device with the sandbox, holds its
//! websocket and answers what arrives there exactly once: typed commands and card clicks, a
//! burst with the socket killed in the middle, a stale registration, a revoked token, a restart,
//! and all of it through a local CONNECT proxy.

use std::sync::Arc;
use std::time::Duration;

use roombot::sandbox::{Role, Sandbox, SandboxHandle, SandboxOptions, SocketFaults};
use roombot::settings::Settings;
use roombot::store::Store;
use roombot::webex::RoomId;

use crate::support::proxy::Proxy;
use crate::support::{self, TestBot, WAIT};

/// The sandbox's origin (`http://127.0.0.1:PORT`).
fn origin(sandbox: &SandboxHandle) -> String {
    sandbox.base_url().trim_end_matches("/v1").to_owned()
}

/// Settings for websocket mode with quick keepalive and reconnection, plus `extra`.
fn socket_settings(
    sandbox: &SandboxHandle,
    dir: &std::path::Path,
    extra: &[(&str, &str)],
) -> Settings {
    let u2c = format!("{}/u2c/api/v1", origin(sandbox));
    let mut all: Vec<(&str, &str)> = vec![
        ("ROOMBOT__INTAKE__MODE", "websocket"),
        ("ROOMBOT__WEBEX__U2C_URL", &u2c),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", ""),
        ("ROOMBOT__INTAKE__PING_INTERVAL_SECS", "1"),
        ("ROOMBOT__INTAKE__PONG_TIMEOUT_SECS", "3"),
        ("ROOMBOT__INTAKE__RECONNECT_BACKOFF_MS", "50"),
        ("ROOMBOT__INTAKE__RECONNECT_BACKOFF_MAX_SECS", "1"),
    ];
    all.extend_from_slice(extra);
    support::settings_for(sandbox, dir, &all)
}

async fn start_sandbox() -> SandboxHandle {
    Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts")
}

/// How roombot reaches the sandbox: directly, or through a proxy named by `webex.proxy` or by
/// `ALL_PROXY` in the environment (with a `NO_PROXY` that does not cover the sandbox; the
/// sandbox speaks plain http and ws, which `HTTPS_PROXY` does not cover). Through a proxy, the REST
/// base and the catalog use a `*.invalid` host only the proxy resolves.
#[derive(Clone, Copy)]
enum Via<'a> {
    Direct,
    Setting(&'a Proxy),
    Environment(&'a Proxy),
}

/// roombot in websocket mode against `sandbox`, reached `via` (ready: its socket is authorized).
async fn start_bot(sandbox: SandboxHandle, via: Via<'_>, extra: &[(&str, &str)]) -> TestBot {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let port = sandbox
        .base_url()
        .trim_end_matches("/v1")
        .rsplit(':')
        .next()
        .unwrap()
        .to_owned();
    let hidden = format!("http://roombot-sandbox.invalid:{port}");
    let (api, u2c) = (format!("{hidden}/v1"), format!("{hidden}/u2c/api/v1"));
    let mut all: Vec<(&str, &str)> = extra.to_vec();
    let proxy_url = match via {
        Via::Direct => String::new(),
        Via::Setting(proxy) | Via::Environment(proxy) => proxy.url(),
    };
    match via {
        Via::Direct => {}
        Via::Setting(_) => all.push(("ROOMBOT__WEBEX__PROXY", &proxy_url)),
        Via::Environment(_) => {
            all.push(("ALL_PROXY", &proxy_url));
            all.push(("NO_PROXY", "localhost,.example.com"));
        }
    }
    if !matches!(via, Via::Direct) {
        all.push(("ROOMBOT__WEBEX__API_BASE", &api));
        all.push(("ROOMBOT__WEBEX__U2C_URL", &u2c));
    }
    let settings = socket_settings(&sandbox, dir.path(), &all);
    support::start_app_unsynced(sandbox, settings, dir).await
}

/// A sandbox and roombot in websocket mode, reached `via`.
async fn spawn(via: Via<'_>, extra: &[(&str, &str)]) -> TestBot {
    start_bot(start_sandbox().await, via, extra).await
}

/// A sandbox and roombot in websocket mode (ready: its socket is authorized).
async fn spawn_socket_bot(extra: &[(&str, &str)]) -> TestBot {
    spawn(Via::Direct, extra).await
}

/// Waits until every event the sandbox sent has been acked.
async fn all_acked(bot: &TestBot) {
    bot.sandbox
        .wait_for_sockets(|c| c.unacked == 0 && c.connected == 1, WAIT)
        .await
        .expect("every event acked");
}

/// `GET /readyz`: status and body.
async fn readyz(bot: &TestBot) -> (u16, String) {
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("http://{}/readyz", bot.addr))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Calls roombot made to `path` with `method`.
fn calls(bot: &TestBot, method: &str, path: &str) -> usize {
    bot.bot_calls()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

/// A mute, then a click on its Unmute button: one reply each (the new card replaces the clicked
/// one), one device action each.
async fn command_and_click(bot: &TestBot) {
    bot.sandbox.clear_requests();
    let room = bot.direct_room(Role::Operator);
    let before = bot.bot_message_count(&room);
    let reply = bot.say(Role::Operator, "mute room 4B").await;
    let after = bot.click(Role::Operator, &reply, "Unmute").await;
    assert!(
        after
            .markdown
            .as_deref()
            .unwrap_or_default()
            .contains("Unmuted"),
        "{after:#?}"
    );
    all_acked(bot).await;
    let messages = bot.sandbox.messages(&room);
    assert!(
        !messages.iter().any(|m| m.id == reply.id),
        "the clicked card is replaced"
    );
    assert_eq!(bot.bot_message_count(&room), before + 1, "one reply each");
    assert_eq!(
        calls(bot, "POST", "/v1/xapi/command/Audio.Microphones.Mute"),
        1
    );
    assert_eq!(
        calls(bot, "POST", "/v1/xapi/command/Audio.Microphones.Unmute"),
        1
    );
}

#[tokio::test]
async fn a_typed_command_and_a_card_click_are_answered_once() {
    let bot = spawn_socket_bot(&[]).await;
    assert!(bot.sandbox.webhooks().is_empty(), "no webhook is needed");
    command_and_click(&bot).await;
    let (status, body) = readyz(&bot).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("websocket: ok (authorized"), "{body}");
    // A group message without a mention never reaches the bot; one with a mention does.
    let ops = bot.sandbox.ops_room();
    let silent = bot
        .sandbox
        .post_as(&bot.token(Role::Operator), &ops, "mute room 4B")
        .await
        .unwrap();
    let reply = bot.say_in_ops(Role::Operator, "help mute").await;
    assert_ne!(reply.parent_id.as_deref(), Some(silent.id.as_str()));
    bot.stop().await;
}

#[tokio::test]
async fn killing_the_socket_mid_burst_loses_and_doubles_nothing() {
    burst_with_a_killed_socket(Via::Direct).await;
}

#[tokio::test]
async fn through_all_proxy_a_killed_socket_mid_burst_loses_and_doubles_nothing() {
    let proxy = Proxy::start().await;
    burst_with_a_killed_socket(Via::Environment(&proxy)).await;
    assert!(
        proxy.tunnels() >= 2,
        "both sockets tunnelled: {}",
        proxy.tunnels()
    );
}

/// 200 commands with the socket killed once a quarter are in: every one answered exactly once,
/// one device action each.
async fn burst_with_a_killed_socket(via: Via<'_>) {
    const COMMANDS: usize = 200;
    let bot = spawn(via, &[("ROOMBOT__BOT__WORKERS", "8")]).await;
    let room = bot.direct_room(Role::Operator);
    let token = bot.token(Role::Operator);
    let sends = (0..COMMANDS).map(|i| {
        let (sandbox, room, token) = (&bot.sandbox, room.clone(), token.clone());
        async move {
            let text = if i % 2 == 0 {
                "mute room 4B"
            } else {
                "unmute room 4B"
            };
            sandbox.post_as(&token, &room, text).await.unwrap()
        }
    });
    let burst = futures::future::join_all(sends);
    let killer = async {
        // Kill the socket once a part of the burst is in, while the rest is still arriving.
        bot.sandbox
            .wait_for_sockets(|c| c.acked >= COMMANDS / 4, WAIT)
            .await
            .expect("a quarter acked");
        assert_eq!(bot.sandbox.drop_sockets(), 1);
    };
    let (sent, ()) = tokio::join!(burst, killer);
    assert_eq!(sent.len(), COMMANDS);
    let count = || bot.bot_message_count(&room);
    // Polled: a check on every sandbox change would copy hundreds of cards each time.
    let answered = async {
        while count() < COMMANDS {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(120), answered)
        .await
        .expect("every command answered");
    all_acked(&bot).await;
    let counts = bot.sandbox.socket_counts();
    assert!(counts.authorized >= 2, "the socket came back: {counts:?}");
    assert_eq!(count(), COMMANDS, "every command answered exactly once");
    let mutes = calls(&bot, "POST", "/v1/xapi/command/Audio.Microphones.Mute");
    let unmutes = calls(&bot, "POST", "/v1/xapi/command/Audio.Microphones.Unmute");
    assert_eq!(
        (mutes, unmutes),
        (COMMANDS / 2, COMMANDS / 2),
        "one device action each"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_stale_registration_is_replaced() {
    stale_registration(Via::Direct).await;
}

#[tokio::test]
async fn through_a_proxy_a_stale_registration_is_replaced() {
    let proxy = Proxy::start().await;
    stale_registration(Via::Setting(&proxy)).await;
    // The first socket, the attempt answered 404, the new registration's socket.
    assert!(proxy.tunnels() >= 3, "{:?}", proxy.authorities());
}

async fn stale_registration(via: Via<'_>) {
    let bot = spawn(via, &[]).await;
    let before = bot.sandbox.registrations();
    assert_eq!(before.len(), 1);
    bot.sandbox.forget_registrations();
    let counts = bot
        .sandbox
        .wait_for_sockets(|c| c.authorized >= 2 && c.connected == 1, WAIT)
        .await
        .expect("registered and connected again");
    assert_eq!(counts.registrations, 1);
    let after = bot.sandbox.registrations();
    assert_ne!(after[0]["url"], before[0]["url"], "a new registration");
    assert_eq!(calls(&bot, "POST", "/wdm/api/v1/devices"), 2);
    command_and_click(&bot).await;
    bot.stop().await;
}

#[tokio::test]
async fn a_revoked_token_stops_the_intake_with_a_clear_error_and_not_ready() {
    revoked_token(Via::Direct).await;
}

#[tokio::test]
async fn through_a_proxy_a_revoked_token_stops_the_intake() {
    let proxy = Proxy::start().await;
    revoked_token(Via::Setting(&proxy)).await;
    assert!(proxy.tunnels() >= 2, "{:?}", proxy.authorities());
}

#[tokio::test]
async fn a_refused_authorization_stops_the_intake_likewise() {
    let bot = spawn(Via::Direct, &[]).await;
    bot.sandbox.set_socket_faults(SocketFaults {
        refuse_authorization: true,
        ..SocketFaults::default()
    });
    refused_after_a_drop(bot).await;
}

async fn revoked_token(via: Via<'_>) {
    let bot = spawn(via, &[]).await;
    bot.sandbox.revoke_token(bot.sandbox.bot_token());
    refused_after_a_drop(bot).await;
}

/// Drops the socket; the reconnection is refused (close 4401): the intake stops for good with
/// the reason in `/readyz`, and tries no more.
async fn refused_after_a_drop(bot: TestBot) {
    bot.sandbox.drop_sockets();
    bot.sandbox
        .wait_for_sockets(|c| c.refused >= 1, WAIT)
        .await
        .expect("the authorization was refused");
    let deadline = tokio::time::Instant::now() + WAIT;
    let (status, body) = loop {
        let (status, body) = readyz(&bot).await;
        if body.contains("failed") || tokio::time::Instant::now() > deadline {
            break (status, body);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("websocket: waiting (failed: Webex refused the bot token")
            && body.contains("webex.token"),
        "{body}"
    );
    assert!(!body.contains(bot.sandbox.bot_token()), "{body}");
    // It stopped trying: no further connection attempts.
    let refused = bot.sandbox.socket_counts().refused;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(bot.sandbox.socket_counts().refused, refused);
    bot.stop().await;
}

#[tokio::test]
async fn a_restart_reuses_the_registration_and_a_clean_stop_deletes_it() {
    restart_reuses(Via::Direct).await;
}

#[tokio::test]
async fn through_a_proxy_a_restart_reuses_the_registration() {
    let proxy = Proxy::start().await;
    restart_reuses(Via::Environment(&proxy)).await;
    assert!(proxy.tunnels() >= 1, "{:?}", proxy.authorities());
}

async fn restart_reuses(via: Via<'_>) {
    let sandbox = start_sandbox().await;
    // A registration left by an earlier run that did not stop cleanly.
    let left = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/wdm/api/v1/devices", origin(&sandbox)))
        .bearer_auth(sandbox.bot_token())
        .json(&serde_json::json!({"name": "roombot", "deviceType": "DESKTOP"}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    sandbox.clear_requests();
    let bot = start_bot(sandbox, via, &[]).await;
    assert_eq!(calls(&bot, "POST", "/wdm/api/v1/devices"), 0, "reused");
    assert_eq!(bot.sandbox.registrations(), vec![left.clone()]);
    command_and_click(&bot).await;
    let (sandbox, _, _) = bot.stop().await;
    assert!(
        sandbox.registrations().is_empty(),
        "deleted on a clean stop"
    );
}

#[tokio::test]
async fn silence_after_a_ping_reconnects_and_no_pongs_mean_not_ready() {
    let bot = spawn_socket_bot(&[]).await;
    bot.sandbox.set_socket_faults(SocketFaults {
        no_pongs: true,
        ..SocketFaults::default()
    });
    bot.sandbox
        .wait_for_sockets(|c| c.authorized >= 2, WAIT)
        .await
        .expect("a silent socket is replaced");
    let (status, body) = readyz(&bot).await;
    assert_eq!(status, 503, "{body}");
    bot.sandbox.set_socket_faults(SocketFaults::default());
    command_and_click(&bot).await;
    bot.stop().await;
}

/// A command and a click through a proxy: the REST calls go to a host only the proxy resolves,
/// the websocket through a CONNECT tunnel; a dropped socket comes back through the proxy too.
#[tokio::test]
async fn through_a_proxy_a_command_and_a_click_are_answered_once() {
    let proxy = Proxy::start().await;
    let bot = spawn(Via::Setting(&proxy), &[]).await;
    assert!(proxy.tunnels() >= 1, "{:?}", proxy.authorities());
    let port = bot
        .sandbox
        .base_url()
        .trim_end_matches("/v1")
        .rsplit(':')
        .next()
        .unwrap()
        .to_owned();
    let hidden = format!("roombot-sandbox.invalid:{port}");
    bot.sandbox.clear_requests();
    let forwarded = proxy.forwarded();
    command_and_click(&bot).await;
    // The command's REST calls reached the sandbox, and its REST host resolves only in the proxy.
    assert!(!bot.bot_calls().is_empty());
    assert!(
        proxy.authorities().contains(&hidden),
        "{:?}",
        proxy.authorities()
    );
    assert!(proxy.forwarded() >= forwarded.max(1));
    bot.sandbox.drop_sockets();
    bot.sandbox
        .wait_for_sockets(|c| c.authorized >= 2 && c.connected == 1, WAIT)
        .await
        .expect("reconnected");
    let tunnels = proxy.tunnels();
    assert!(tunnels >= 2, "the new socket is tunnelled too: {tunnels}");
    command_and_click(&bot).await;
    bot.stop().await;
}

/// `roombot sandbox --intake websocket`: the demo wiring over the websocket path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_demo_runs_over_the_websocket() {
    let options = roombot::demo::DemoOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        devices: None,
        seed: 1,
        latency: Duration::ZERO,
        fault_rate: 0.0,
        bot_only: false,
        intake: roombot::settings::IntakeMode::Websocket,
    };
    let demo = roombot::demo::Demo::start(&options).await.unwrap();
    assert!(demo.sandbox.webhooks().is_empty());
    let (markdown, card) = demo.ask(Role::Operator, "help", WAIT).await.unwrap();
    assert!(markdown.contains("help"), "{markdown}");
    assert!(card.is_some());
    let counts = demo.sandbox.socket_counts();
    assert_eq!(
        (counts.registrations, counts.connected),
        (1, 1),
        "{counts:?}"
    );
    assert!(demo.sandbox.deliveries().is_empty(), "no webhook delivery");
    demo.stop().await;
}

/// The CLI flag: `roombot sandbox --intake websocket` says where events come from.
#[tokio::test]
async fn the_sandbox_command_takes_the_intake_flag() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
        .args([
            "sandbox",
            "--intake",
            "websocket",
            "--listen",
            "127.0.0.1:0",
        ])
        .env_clear()
        .env("ROOMBOT__LOG__LEVEL", "warn")
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let found = tokio::time::timeout(WAIT, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("events:") {
                return line;
            }
        }
        String::new()
    })
    .await
    .expect("the sandbox starts");
    assert!(found.contains("websocket"), "{found}");
    child.kill().await.unwrap();
}

/// roombot's webhooks left in place in websocket mode: a warning in `/readyz`, and every event,
/// arriving both ways, still answered once (one dedupe ledger for both paths).
#[tokio::test]
async fn webhooks_and_the_websocket_together_still_answer_once() {
    let sandbox = start_sandbox().await;
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let settings = socket_settings(
        &sandbox,
        dir.path(),
        &[("ROOMBOT__WEBEX__WEBHOOK_SECRET", support::SECRET)],
    );
    let app = roombot::app::Application::build(settings.clone())
        .await
        .unwrap();
    let bot = support::run_app(sandbox, settings, dir, app).await;
    let (status, body) = readyz(&bot).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("4 of roombot's webhooks still exist"),
        "{body}"
    );
    command_and_click(&bot).await;
    bot.sandbox.wait_for_deliveries_settled(WAIT).await.unwrap();
    let delivered = bot.sandbox.deliveries();
    assert!(delivered.iter().any(|d| d.succeeded()), "{delivered:#?}");
    bot.stop().await;
}

/// Webex refusing a new registration (too many) stops the intake with the reason in `/readyz`.
#[tokio::test]
async fn a_refused_registration_stops_the_intake_with_the_reason() {
    let sandbox = start_sandbox().await;
    sandbox.set_max_registrations(0);
    let dir = tempfile::tempdir().unwrap();
    let settings = socket_settings(&sandbox, dir.path(), &[]);
    let app = roombot::app::Application::build(settings).await.unwrap();
    let addr = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let body = tokio::time::timeout(WAIT, async {
        loop {
            let response = client
                .get(format!("http://{addr}/readyz"))
                .send()
                .await
                .unwrap();
            let body = response.text().await.unwrap();
            if body.contains("failed") {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the intake reports its failure");
    assert!(
        body.contains("websocket: waiting (failed: device registration refused")
            && body.contains("Excessive device registrations"),
        "{body}"
    );
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

/// The bot's arrival and departure over the websocket: Webex's `add` and `leave` activities do
/// what the membership webhooks do (an introduction once, a space forgotten when left).
#[tokio::test]
async fn over_the_websocket_the_bot_introduces_itself_once_and_forgets_a_space_it_left() {
    let bot = spawn_socket_bot(&[]).await;
    let ada = bot.token(Role::Admin);
    let (room, intro) = bot.add_bot_to_new_space(Role::Admin, "Ops Tromsø").await;
    assert!(
        intro
            .text
            .unwrap_or_default()
            .contains("Hello, I'm Roombot Demo"),
        "the introduction"
    );
    all_acked(&bot).await;
    assert_eq!(bot.bot_message_count(&room), 1, "one introduction");
    let markdown = format!("{} use 4B", bot.sandbox.mention_bot());
    let sent = bot.sandbox.post_as(&ada, &room, &markdown).await.unwrap();
    bot.reply_after(&room, &sent.id).await;
    assert_eq!(
        bot.bot_message_count(&room),
        2,
        "the introduction and the reply"
    );
    let store = Store::open(&bot.settings.store.path).unwrap();
    let room_id = RoomId::new(room.clone());
    assert!(store.default_target(&room_id).await.unwrap().is_some());

    let bot_email = bot.sandbox.bot().email.clone();
    let membership = bot.sandbox.membership_of(&room, &bot_email).unwrap();
    bot.sandbox.remove_member(&ada, &membership).await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    while store.default_target(&room_id).await.unwrap().is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the space was not forgotten"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    all_acked(&bot).await;
    bot.stop().await;
}

/// Added by someone of another organisation, the bot leaves with a note over the websocket too
/// (the membership id it deletes is the one it made from the activity).
#[tokio::test]
async fn over_the_websocket_a_space_opened_from_outside_is_left_with_a_note() {
    let bot = spawn_socket_bot(&[]).await;
    let (room, note) = bot
        .add_bot_to_new_space(Role::Outsider, "Partner room")
        .await;
    assert!(note.markdown.unwrap_or_default().contains("leaving"));
    bot.wait_until_bot_left(&room).await;
    bot.stop().await;
}
