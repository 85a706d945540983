//! The durable store end to end: events left unfinished by a process that died are handled by the
//! next one (their journal decides how: handle normally, refuse to repeat a started action, or
//! post the saved reply once), a locked store delays intake without losing anything while reads
//! go on, and `/readyz` notices a store file that was deleted.

use crate::support;

use std::path::Path;
use std::sync::Arc;

use roombot::sandbox::{Message, Role, Sandbox, SandboxHandle, SandboxOptions};
use roombot::settings::Settings;
use roombot::store::{DeliveryKey, JournaledReply, Store, Ticket};
use roombot::webex::RoomId;
use support::{TestBot, WAIT, spawn_bot, start_app_unsynced};

/// A sandbox with no roombot listening yet, and settings for one with its store in a new dir.
async fn quiet_sandbox() -> (SandboxHandle, Settings, Arc<tempfile::TempDir>) {
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let settings = support::settings_for(&sandbox, dir.path(), &[]);
    (sandbox, settings, dir)
}

/// The operator says `text` in their 1:1 room while no webhook is registered (nobody hears it);
/// returns the room, the message and the envelope Webex would have delivered.
async fn unheard(sandbox: &SandboxHandle, text: &str) -> (String, Message, String) {
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let operator = sandbox.person(Role::Operator).clone();
    let sent = sandbox.post_as(&operator.token, &room, text).await.unwrap();
    let envelope = serde_json::json!({
        "resource": "messages", "event": "created", "actorId": operator.id,
        "data": { "id": sent.id, "roomId": room, "roomType": "direct",
                  "personId": operator.id, "personEmail": operator.email }
    });
    (room, sent, envelope.to_string())
}

/// Stores `envelope` as a process would on accepting it (held, attempt 1), lets `journal` write
/// how far that process got, and drops the store as if the process had died.
async fn accepted_by_a_process_that_died<F, Fut>(
    dir: &Path,
    message: &Message,
    envelope: String,
    journal: F,
) where
    F: FnOnce(Store, Ticket) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let store = Store::open(&dir.join("roombot.db")).unwrap();
    let key = DeliveryKey {
        resource: "messages".into(),
        id: message.id.clone(),
    };
    let event = store
        .accept_event(key, envelope, true, |_| {})
        .await
        .unwrap();
    journal(store, event.ticket).await;
}

fn count(bot: &TestBot, method: &str, path_start: &str) -> usize {
    bot.bot_calls()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(path_start))
        .count()
}

/// Polls `/metrics` until it contains `line` (fails after [`WAIT`]).
async fn wait_for_metric(bot: &TestBot, line: &str) {
    let found = tokio::time::timeout(WAIT, async {
        while !bot.metrics().await.contains(line) {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(found.is_ok(), "no {line:?} in\n{}", bot.metrics().await);
}

async fn get(bot: &TestBot, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("http://{}{path}", bot.addr))
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn an_event_accepted_before_a_crash_is_handled_after_the_restart() {
    let (sandbox, settings, dir) = quiet_sandbox().await;
    let (room, sent, envelope) = unheard(&sandbox, "mute room 4B").await;
    accepted_by_a_process_that_died(dir.path(), &sent, envelope, |_, _| async {}).await;
    sandbox.clear_requests();

    let bot = start_app_unsynced(sandbox, settings, dir).await;
    let reply = bot.reply_after(&room, &sent.id).await;
    assert!(
        reply
            .markdown
            .as_deref()
            .unwrap_or_default()
            .contains("Muted"),
        "{reply:#?}"
    );
    assert_eq!(count(&bot, "POST", "/v1/xapi/command/"), 1);
    wait_for_metric(&bot, "roombot_events_total{outcome=\"done\"} 1").await;
    assert!(
        bot.metrics()
            .await
            .contains("roombot_events_total{outcome=\"fed\"} 1")
    );
}

#[tokio::test]
async fn a_command_whose_action_may_have_gone_out_is_not_run_again() {
    let (sandbox, settings, dir) = quiet_sandbox().await;
    let (room, sent, envelope) = unheard(&sandbox, "volume up room 4B").await;
    accepted_by_a_process_that_died(dir.path(), &sent, envelope, |store, ticket| async move {
        store.begin_action(ticket).await.unwrap();
    })
    .await;
    sandbox.clear_requests();

    let bot = start_app_unsynced(sandbox, settings, dir).await;
    let reply = bot.reply_after(&room, &sent.id).await;
    let said = reply.markdown.unwrap_or_default();
    assert!(
        said.contains("may already have run") && said.contains("volume up"),
        "{said}"
    );
    assert_eq!(
        count(&bot, "POST", "/v1/xapi/command/"),
        0,
        "no second volume step"
    );
    wait_for_metric(&bot, "roombot_events_total{outcome=\"done\"} 1").await;
    assert_eq!(bot.bot_message_count(&room), 1);
}

fn saved_reply(room: &str, markdown: &str) -> JournaledReply {
    JournaledReply {
        room_id: RoomId::new(room),
        is_group: false,
        thread: None,
        markdown: markdown.into(),
        card: None,
        at_ms: chrono::Utc::now().timestamp_millis(),
    }
}

#[tokio::test]
async fn a_saved_reply_is_posted_without_running_the_command_again() {
    let (sandbox, settings, dir) = quiet_sandbox().await;
    let (room, sent, envelope) = unheard(&sandbox, "volume up room 4B").await;
    let reply = saved_reply(&room, "Changed volume of **room 4B** (saved)");
    accepted_by_a_process_that_died(dir.path(), &sent, envelope, |store, ticket| async move {
        store.begin_action(ticket).await.unwrap();
        store.journal_reply(ticket, &reply).await.unwrap();
    })
    .await;
    sandbox.clear_requests();

    let bot = start_app_unsynced(sandbox, settings, dir).await;
    let posted = bot.reply_after(&room, &sent.id).await;
    assert_eq!(
        posted.markdown.as_deref(),
        Some("Changed volume of **room 4B** (saved)")
    );
    wait_for_metric(&bot, "roombot_events_total{outcome=\"done\"} 1").await;
    assert_eq!(count(&bot, "POST", "/v1/xapi/command/"), 0);
    assert_eq!(
        count(&bot, "GET", "/v1/messages/"),
        0,
        "the message is not fetched again"
    );
    assert_eq!(bot.bot_message_count(&room), 1);
}

#[tokio::test]
async fn a_saved_reply_that_had_landed_is_not_posted_twice() {
    let (sandbox, settings, dir) = quiet_sandbox().await;
    let (room, sent, envelope) = unheard(&sandbox, "volume up room 4B").await;
    let reply = saved_reply(&room, "Changed volume of **room 4B** (landed)");
    // The process posted the reply and died before marking the event done.
    let bot_token = sandbox.bot_token().to_owned();
    sandbox
        .post_as(&bot_token, &room, &reply.markdown)
        .await
        .unwrap();
    accepted_by_a_process_that_died(dir.path(), &sent, envelope, |store, ticket| async move {
        store.journal_reply(ticket, &reply).await.unwrap();
    })
    .await;
    sandbox.clear_requests();

    let bot = start_app_unsynced(sandbox, settings, dir).await;
    wait_for_metric(&bot, "roombot_events_total{outcome=\"done\"} 1").await;
    assert_eq!(bot.bot_message_count(&room), 1, "still the one reply");
    assert_eq!(
        count(&bot, "GET", "/v1/messages"),
        1,
        "one look at the room"
    );
    assert_eq!(count(&bot, "POST", "/v1/messages"), 0);
}

#[tokio::test]
async fn a_locked_store_delays_intake_but_loses_nothing_and_reads_go_on() {
    let bot = spawn_bot().await;
    let lock = rusqlite::Connection::open(bot.store_dir.path().join("roombot.db")).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (room, sent) = bot.post(Role::Operator, "help").await;
    // The delivery's write meets the lock and is retried, not dropped.
    let retried = async {
        loop {
            let text = bot.metrics().await;
            let retries = text
                .lines()
                .find_map(|l| l.strip_prefix("roombot_store_busy_retries_total "))
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
            if retries > 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(WAIT, retried)
        .await
        .expect("the writer met the lock");
    // Reads do not wait behind the blocked write: readiness (a query) answers.
    assert_ready(&bot).await;
    assert_eq!(
        bot.bot_message_count(&room),
        0,
        "nothing handled while the store is locked"
    );
    lock.execute_batch("COMMIT").unwrap();

    bot.reply_after(&room, &sent.id).await;
    let delivery = bot
        .sandbox
        .wait_for_delivery(|d| d.data_id == sent.id, WAIT)
        .await
        .unwrap();
    assert_eq!(delivery.status, Some(200));
}

#[tokio::test]
async fn readyz_names_a_deleted_store_file_while_healthz_stays_ok() {
    let bot = spawn_bot().await;
    assert_ready(&bot).await;
    std::fs::remove_file(bot.store_dir.path().join("roombot.db")).unwrap();
    let (status, body) = get(&bot, "/readyz").await;
    assert_eq!(status, 503);
    assert!(
        body.starts_with("not ready\n")
            && body.contains("\nstore: failing (the database file")
            && body.contains("is gone"),
        "{body}"
    );
    assert_eq!(get(&bot, "/healthz").await, (200, "ok".into()));
}

/// `/readyz` answers 200, its store probe passing.
async fn assert_ready(bot: &TestBot) {
    let (status, body) = get(bot, "/readyz").await;
    assert!(
        status == 200 && body.starts_with("ready\n") && body.contains("\nstore: ok\n"),
        "{status} {body}"
    );
}

/// Every Messages call (fetch, reply) answered with a 5xx.
fn messages_down() -> roombot::sandbox::FaultOptions {
    let down = roombot::sandbox::FaultRates {
        server_errors: 1.0,
        ..Default::default()
    };
    roombot::sandbox::FaultOptions {
        seed: 3,
        per_family: [(roombot::sandbox::Family::Messages, down)]
            .into_iter()
            .collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_event_that_meets_a_webex_outage_is_retried_and_answered_once_webex_is_back() {
    let (sandbox, _, dir) = quiet_sandbox().await;
    // Each attempt gives up on Webex after a second, so the event goes back to the store.
    let settings = support::settings_for(
        &sandbox,
        dir.path(),
        &[("ROOMBOT__WEBEX__RETRY_DEADLINE_SECS", "1")],
    );
    let (room, sent, envelope) = unheard(&sandbox, "help").await;
    accepted_by_a_process_that_died(dir.path(), &sent, envelope, |_, _| async {}).await;
    sandbox.set_faults(messages_down());

    let bot = start_app_unsynced(sandbox, settings, dir).await;
    wait_for_metric(&bot, "roombot_events_total{outcome=\"retried\"} 1").await;
    assert_eq!(bot.bot_message_count(&room), 0);
    bot.sandbox
        .set_faults(roombot::sandbox::FaultOptions::none());
    bot.reply_after(&room, &sent.id).await;
    wait_for_metric(&bot, "roombot_events_total{outcome=\"done\"} 1").await;
    assert_eq!(bot.bot_message_count(&room), 1);
    assert!(
        bot.metrics()
            .await
            .contains("roombot_events_total{outcome=\"failed\"} 0")
    );
}

#[tokio::test]
async fn an_event_still_failing_at_its_deadline_is_recorded_as_failed() {
    let (sandbox, _, dir) = quiet_sandbox().await;
    let settings = support::settings_for(
        &sandbox,
        dir.path(),
        &[("ROOMBOT__BOT__EVENT_DEADLINE_SECS", "1")],
    );
    let (room, sent, envelope) = unheard(&sandbox, "help").await;
    accepted_by_a_process_that_died(dir.path(), &sent, envelope, |_, _| async {}).await;
    sandbox.set_faults(messages_down());

    let bot = start_app_unsynced(sandbox, settings, dir.clone()).await;
    wait_for_metric(&bot, "roombot_events_total{outcome=\"failed\"} 1").await;
    assert_eq!(bot.bot_message_count(&room), 0);
    let store = Store::open(&dir.path().join("roombot.db")).unwrap();
    let counts = store.event_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed), (0, 1));
}
