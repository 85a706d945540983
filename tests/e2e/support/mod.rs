//! The end-to-end harness: the sandbox as Webex, roombot's real `Application` on 127.0.0.1:0
//! wired to it (webhooks registered through the sandbox's webhook API, signed deliveries over
//! TCP), and helpers that read like a user story: say something, read the reply, click a button.
#![allow(dead_code)]

pub mod proxy;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use roombot::app::Application;
use roombot::metrics::Metrics;
use roombot::sandbox::{LoggedRequest, Message, Role, Sandbox, SandboxHandle, SandboxOptions};
use roombot::settings::{Settings, Sources};
use serde_json::Value;
use tokio::sync::oneshot;

/// The secret the tests' webhooks are signed with.
pub const SECRET: &str = "test-webhook-secret";
/// How long a test waits for the bot before failing.
pub const WAIT: Duration = Duration::from_secs(20);

/// A running sandbox and roombot.
pub struct TestBot {
    pub sandbox: SandboxHandle,
    pub addr: SocketAddr,
    pub settings: Settings,
    pub store_dir: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Settings for roombot against `sandbox`, with its store in `store_dir`.
pub fn settings_for(
    sandbox: &SandboxHandle,
    store_dir: &std::path::Path,
    extra: &[(&str, &str)],
) -> Settings {
    let mut env: HashMap<String, String> = [
        ("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token().to_owned()),
        ("ROOMBOT__WEBEX__API_BASE", sandbox.base_url()),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", SECRET.to_owned()),
        ("ROOMBOT__SERVER__LISTEN", "127.0.0.1:0".to_owned()),
        (
            "ROOMBOT__STORE__PATH",
            store_dir.join("roombot.db").display().to_string(),
        ),
        (
            "ROOMBOT__ACCESS__ADMINS",
            sandbox.person(Role::Admin).email.clone(),
        ),
        (
            "ROOMBOT__ACCESS__OPERATORS",
            sandbox.person(Role::Operator).email.clone(),
        ),
        ("ROOMBOT__BOT__WORKERS", "4".to_owned()),
        // No rate limits unless a test sets them (suites send far more than 30 a minute).
        ("ROOMBOT__ACCESS__RATE_PER_PERSON", "0".to_owned()),
        ("ROOMBOT__ACCESS__RATE_PER_SPACE", "0".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    // roombot's admin credential, unless the test sets (or blanks) it itself.
    if !extra
        .iter()
        .any(|(k, _)| k.starts_with("ROOMBOT__WEBEX__ADMIN__"))
    {
        let admin = roombot::demo::admin_env(sandbox).expect("the sandbox issues admin access");
        env.extend(admin.into_iter().map(|(k, v)| (k.to_owned(), v)));
    }
    for (k, v) in extra {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    Settings::load(&Sources {
        env,
        ..Sources::default()
    })
    .expect("test settings load")
}

/// Starts the demo sandbox and roombot, and registers roombot's webhooks with the sandbox.
pub async fn spawn_bot() -> TestBot {
    spawn_bot_with(SandboxOptions::default(), &[]).await
}

/// Like [`spawn_bot`] with sandbox options and extra `ROOMBOT__*` settings.
pub async fn spawn_bot_with(options: SandboxOptions, extra: &[(&str, &str)]) -> TestBot {
    let sandbox = Sandbox::start(options, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let store_dir = Arc::new(tempfile::tempdir().unwrap());
    let settings = settings_for(&sandbox, store_dir.path(), extra);
    start_app(sandbox, settings, store_dir).await
}

/// Starts roombot for `settings` against `sandbox` and syncs its webhooks to it.
pub async fn start_app(
    sandbox: SandboxHandle,
    settings: Settings,
    store_dir: Arc<tempfile::TempDir>,
) -> TestBot {
    let app = Application::build(settings.clone())
        .await
        .expect("roombot builds");
    run_app(sandbox, settings, store_dir, app).await
}

/// Runs a built `app` against `sandbox` and syncs its webhooks to it; waits until it is ready.
pub async fn run_app(
    sandbox: SandboxHandle,
    settings: Settings,
    store_dir: Arc<tempfile::TempDir>,
    app: Application,
) -> TestBot {
    let addr = app.local_addr();
    let webex = roombot::bot::identity::client(&settings, Arc::new(Metrics::default())).unwrap();
    let target = format!("http://{addr}/webhooks/webex");
    roombot::bot::webhooks::sync(&webex, &target, &SECRET.to_owned().into())
        .await
        .expect("webhooks sync");
    let bot = serve(app, sandbox, settings, store_dir).await;
    bot.sandbox.clear_requests();
    bot
}

/// Starts roombot without registering webhooks and without clearing the request log: for
/// tests that count what it does with events already in its store.
pub async fn start_app_unsynced(
    sandbox: SandboxHandle,
    settings: Settings,
    store_dir: Arc<tempfile::TempDir>,
) -> TestBot {
    let app = Application::build(settings.clone())
        .await
        .expect("roombot builds");
    serve(app, sandbox, settings, store_dir).await
}

/// Serves `app` until the test stops it; waits until it is ready.
async fn serve(
    app: Application,
    sandbox: SandboxHandle,
    settings: Settings,
    store_dir: Arc<tempfile::TempDir>,
) -> TestBot {
    let addr = app.local_addr();
    let readiness = app.readiness();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        app.run_until_stopped(async {
            let _ = stopped.await;
        })
        .await
        .expect("roombot runs");
    });
    tokio::time::timeout(WAIT, readiness.wait_ready())
        .await
        .expect("roombot gets ready");
    TestBot {
        sandbox,
        addr,
        settings,
        store_dir,
        stop: Some(stop),
        task: Some(task),
    }
}

impl TestBot {
    /// The bot's `/metrics` text.
    pub async fn metrics(&self) -> String {
        reqwest::get(format!("http://{}/metrics", self.addr))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Stops roombot gracefully (in-flight work finishes) and returns the sandbox and store.
    pub async fn stop(mut self) -> (SandboxHandle, Settings, Arc<tempfile::TempDir>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(WAIT, task)
                .await
                .expect("roombot stops")
                .unwrap();
        }
        let TestBot {
            sandbox,
            settings,
            store_dir,
            ..
        } = self;
        (sandbox, settings, store_dir)
    }

    /// The token of the demo person with `role`.
    pub fn token(&self, role: Role) -> String {
        self.sandbox.person(role).token.clone()
    }

    /// The 1:1 room of `role` with the bot.
    pub fn direct_room(&self, role: Role) -> String {
        self.sandbox
            .direct_room(role)
            .expect("a 1:1 room")
            .to_owned()
    }

    /// `role` posts `text` in their 1:1 room with the bot; returns the room and the message
    /// (without waiting for the bot).
    pub async fn post(&self, role: Role, text: &str) -> (String, Message) {
        let room = self.direct_room(role);
        let sent = self
            .sandbox
            .post_as(&self.token(role), &room, text)
            .await
            .expect("message posts");
        (room, sent)
    }

    /// `role` makes a group space called `title` and adds the bot to it; returns the space and
    /// the bot's first message there (its introduction, or its note before leaving).
    pub async fn add_bot_to_new_space(&self, role: Role, title: &str) -> (String, Message) {
        let token = self.token(role);
        let room = self.sandbox.create_space(&token, title).await.unwrap();
        let bot_email = self.sandbox.bot().email.clone();
        self.sandbox
            .add_member(&token, &room, &bot_email)
            .await
            .unwrap();
        let bot_id = self.sandbox.bot_id().to_owned();
        let first = self
            .sandbox
            .wait_for_message(&room, |m| m.person_id == bot_id, WAIT)
            .await
            .expect("the bot says something in the space it was added to");
        (room, first)
    }

    /// Waits until the bot is no longer a member of `room`.
    pub async fn wait_until_bot_left(&self, room: &str) {
        let bot_id = self.sandbox.bot_id().to_owned();
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.sandbox.members(room).contains(&bot_id) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot did not leave"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// How many messages the bot has posted in `room`.
    pub fn bot_message_count(&self, room: &str) -> usize {
        let bot_id = self.sandbox.bot_id();
        self.sandbox
            .messages(room)
            .iter()
            .filter(|m| m.person_id == bot_id)
            .count()
    }

    /// `role` says `text` to the bot in their 1:1 room; returns the bot's reply.
    pub async fn say(&self, role: Role, text: &str) -> Message {
        let room = self.direct_room(role);
        let sent = self
            .sandbox
            .post_as(&self.token(role), &room, text)
            .await
            .expect("message posts");
        self.reply_after(&room, &sent.id).await
    }

    /// `role` mentions the bot in the Ops group room; returns the bot's reply.
    pub async fn say_in_ops(&self, role: Role, text: &str) -> Message {
        let room = self.sandbox.ops_room();
        let markdown = format!("{} {text}", self.sandbox.mention_bot());
        let sent = self
            .sandbox
            .post_as(&self.token(role), &room, &markdown)
            .await
            .expect("message posts");
        self.reply_after(&room, &sent.id).await
    }

    /// The first bot message in `room` posted after the message `after`.
    pub async fn reply_after(&self, room: &str, after: &str) -> Message {
        let bot_id = self.sandbox.bot_id().to_owned();
        // The messages up to `after` (a fixed set of ids, so each poll is one pass).
        let all = self.sandbox.messages(room);
        let end = all.iter().position(|m| m.id == after).map_or(0, |i| i + 1);
        let earlier: HashSet<String> = all[..end].iter().map(|m| m.id.clone()).collect();
        self.sandbox
            .wait_for_message(
                room,
                |m| m.person_id == bot_id && !earlier.contains(&m.id),
                WAIT,
            )
            .await
            .expect("the bot replies")
    }

    /// Clicks the button titled `title` on the bot's card `message` as `role`; returns the
    /// bot's next message in that room.
    pub async fn click(&self, role: Role, message: &Message, title: &str) -> Message {
        let data = button_data(message, title)
            .unwrap_or_else(|| panic!("no button {title:?} in {message:#?}"));
        self.click_data(role, message, data).await
    }

    /// Clicks the button that runs `command` on the bot's card `message` as `role`; returns the
    /// bot's next message in that room.
    pub async fn click_command(&self, role: Role, message: &Message, command: &str) -> Message {
        assert!(
            button_commands(message).iter().any(|c| c == command),
            "no button runs {command:?}: {:?}",
            button_commands(message)
        );
        let data = serde_json::json!({ "cmd": command });
        self.click_data(role, message, data).await
    }

    /// Clicks a button carrying `data` on the bot's card `message` as `role`; returns the bot's
    /// next message in that room (the clicked card may be gone by then).
    pub async fn click_data(&self, role: Role, message: &Message, data: Value) -> Message {
        let earlier: HashSet<String> = self
            .sandbox
            .messages(&message.room_id)
            .into_iter()
            .map(|m| m.id)
            .collect();
        self.sandbox
            .click(&self.token(role), &message.id, data)
            .await
            .expect("click posts");
        let bot_id = self.sandbox.bot_id().to_owned();
        self.sandbox
            .wait_for_message(
                &message.room_id,
                |m| m.person_id == bot_id && !earlier.contains(&m.id),
                WAIT,
            )
            .await
            .expect("the bot answers the click")
    }

    /// Requests roombot made to the sandbox (the request log): with the bot's token or its admin
    /// credential.
    pub fn bot_calls(&self) -> Vec<LoggedRequest> {
        let email = self.sandbox.bot().email.clone();
        let admin = self
            .settings
            .webex
            .admin
            .as_ref()
            .map(|a| a.client_id.clone());
        self.sandbox
            .requests()
            .into_iter()
            .filter(|r| {
                r.caller_email.as_deref() == Some(email.as_str())
                    || (admin.is_some()
                        && r.token.as_ref().and_then(|t| t.client_id.as_ref()) == admin.as_ref())
            })
            .collect()
    }

    /// Calls roombot made with its admin credential (the integration's tokens).
    pub fn admin_calls(&self) -> Vec<LoggedRequest> {
        let admin = self
            .settings
            .webex
            .admin
            .as_ref()
            .map(|a| a.client_id.clone());
        self.bot_calls()
            .into_iter()
            .filter(|r| r.token.as_ref().and_then(|t| t.client_id.as_ref()) == admin.as_ref())
            .collect()
    }
}

/// The card of a bot message.
pub fn card(message: &Message) -> Option<&Value> {
    message.attachments.first().and_then(|a| a.get("content"))
}

/// The `Action.Submit` data of the button titled `title`, anywhere in the card.
pub fn button_data(message: &Message, title: &str) -> Option<Value> {
    fn find(value: &Value, title: &str) -> Option<Value> {
        match value {
            Value::Object(map) => {
                if map.get("type").and_then(Value::as_str) == Some("Action.Submit")
                    && map.get("title").and_then(Value::as_str) == Some(title)
                {
                    return map.get("data").cloned();
                }
                map.values().find_map(|v| find(v, title))
            }
            Value::Array(items) => items.iter().find_map(|v| find(v, title)),
            _ => None,
        }
    }
    find(card(message)?, title)
}

/// Every button (`Action.Submit`) on the card, in card order.
fn buttons(message: &Message) -> Vec<&serde_json::Map<String, Value>> {
    fn collect<'a>(value: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
        match value {
            Value::Object(map) => {
                if map.get("type").and_then(Value::as_str) == Some("Action.Submit") {
                    out.push(map);
                }
                map.values().for_each(|v| collect(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(card) = card(message) {
        collect(card, &mut out);
    }
    out
}

/// The command (`cmd`) of every button on the card, in card order.
pub fn button_commands(message: &Message) -> Vec<String> {
    buttons(message)
        .into_iter()
        .filter_map(|b| b.get("data")?.get("cmd")?.as_str().map(str::to_owned))
        .collect()
}

/// Every button title on the card.
pub fn button_titles(message: &Message) -> Vec<String> {
    buttons(message)
        .into_iter()
        .filter_map(|b| b.get("title")?.as_str().map(str::to_owned))
        .collect()
}
