//! Bulk-action benchmark: how close `mute all` comes to the ideal fan-out time
//! (controllable devices ÷ `webex.max_in_flight` × per-call latency).
//!
//! For each organisation size and concurrency, a fresh sandbox serves a generated organisation
//! with a fixed latency on the xAPI family only, and roombot runs in-process against it (as in
//! `tests/e2e/support`). The operator says `mute all` in their 1:1 space (this also warms the
//! listing cache), and the bench clicks Confirm on the confirmation card through the sandbox's
//! attachment-actions API; the time is measured from the click until the result card is posted.
//! Run: `cargo bench --bench bulk`.
//!
//! Columns: `ideal` = controllable ÷ concurrency × latency (the brief's formula); `ideal in
//! rounds` = ⌈controllable ÷ concurrency⌉ × latency, the least any bounded fan-out can take when
//! every call takes the same time; `overhead at 0 ms` = the same click with no injected latency
//! (webhook delivery, card fetch, confirmation, resolution, result card); `measured` = with the
//! latency. Each figure is the median of `BENCH_REPEAT` runs, each on a fresh sandbox and bot.
//!
//! Environment: `BENCH_DEVICES` (default `200,1000`), `BENCH_CONCURRENCY` (default `8,16,32`),
//! `BENCH_LATENCY_MS` (default 50), `BENCH_REPEAT` (default 3).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use roombot::app::Application;
use roombot::metrics::Metrics;
use roombot::sandbox::{
    Family, FaultOptions, FaultRates, Message, OrgChoice, Role, Sandbox, SandboxHandle,
    SandboxOptions,
};
use roombot::settings::{Settings, Sources};
use serde_json::Value;

const SECRET: &str = "bench-secret";
const WAIT: Duration = Duration::from_secs(300);

fn list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

fn main() {
    let devices = list("BENCH_DEVICES", &[200, 1000]);
    let concurrency = list("BENCH_CONCURRENCY", &[8, 16, 32]);
    let latency_ms = list("BENCH_LATENCY_MS", &[50])[0] as u64;
    let repeat = list("BENCH_REPEAT", &[3])[0].max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "| devices | controllable | concurrency | ideal | ideal in rounds | overhead at 0 ms | measured | ratio | ratio to rounds | load avg |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &count in &devices {
        for &limit in &concurrency {
            let median = |latency: u64| {
                let mut runs: Vec<Run> = (0..repeat)
                    .map(|_| runtime.block_on(run(count, limit, Duration::from_millis(latency))))
                    .collect();
                runs.sort_by_key(|r| r.elapsed);
                runs.swap_remove(runs.len() / 2)
            };
            let overhead = median(0);
            let measured = median(latency_ms);
            let n = measured.controllable;
            assert_eq!(
                measured.xapi_calls, n,
                "one xAPI call per controllable device"
            );
            let latency = Duration::from_millis(latency_ms);
            let ideal = latency.mul_f64(n as f64 / limit as f64);
            let rounds = latency * u32::try_from(n.div_ceil(limit)).unwrap();
            let ratio = |to: Duration| measured.elapsed.as_secs_f64() / to.as_secs_f64();
            println!(
                "| {count} | {n} | {limit} | {} | {} | {} | {} | {:.2} | {:.2} | {} |",
                ms(ideal),
                ms(rounds),
                ms(overhead.elapsed),
                ms(measured.elapsed),
                ratio(ideal),
                ratio(rounds),
                load_average()
            );
        }
    }
    let (count, calls) = runtime.block_on(warm_mute());
    println!(
        "\nwarm `mute room 4B` (demo org, after `status room 4B`): {count} Webex calls: {calls:?}"
    );
    drop(runtime);
}

/// The Webex calls of a `mute room 4B` once the listing cache is warm (the demo organisation).
async fn warm_mute() -> (usize, Vec<String>) {
    let options = SandboxOptions::default();
    let sandbox = Sandbox::start(options, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(&sandbox, &dir.path().join("bench.db"), 8);
    let (stop, task) = start_bot(settings).await;
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let token = sandbox.person(Role::Operator).token.clone();
    let mut mute_id = String::new();
    for text in ["status room 4B", "mute room 4B"] {
        let sent = sandbox.post_as(&token, &room, text).await.unwrap();
        next_bot_message(&sandbox, &room, &sent.id).await;
        mute_id = sent.id;
    }
    // The mute's calls run from the bot fetching the message to its reply's POST, which the
    // request log records just after the reply became visible (so the bench polls for it).
    let bot_email = sandbox.bot().email.clone();
    let fetch = format!("GET /v1/messages/{mute_id}");
    let mut calls = Vec::new();
    for _ in 0..500 {
        calls = sandbox
            .requests()
            .iter()
            .filter(|r| r.caller_email.as_deref() == Some(bot_email.as_str()))
            .map(|r| format!("{} {}", r.method, r.path))
            .skip_while(|call| *call != fetch)
            .collect::<Vec<_>>();
        if let Some(end) = calls.iter().position(|c| c == "POST /v1/messages") {
            calls.truncate(end + 1);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = stop.send(());
    let _ = task.await;
    sandbox.shutdown().await;
    (calls.len(), calls)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

struct Run {
    controllable: usize,
    elapsed: Duration,
    xapi_calls: usize,
}

async fn run(devices: usize, limit: usize, latency: Duration) -> Run {
    let mut faults = FaultOptions::none();
    faults.per_family.insert(
        Family::Xapi,
        FaultRates {
            latency: Some((latency, latency)),
            ..FaultRates::default()
        },
    );
    let options = SandboxOptions {
        org: OrgChoice::Generated { devices, seed: 1 },
        faults,
        allow_card_edits: true,
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(&sandbox, &dir.path().join("bench.db"), limit);
    let (stop, task) = start_bot(settings).await;

    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let token = sandbox.person(Role::Operator).token.clone();
    let sent = sandbox.post_as(&token, &room, "mute all").await.unwrap();
    let card = next_bot_message(&sandbox, &room, &sent.id).await;
    let confirm = button_data(&card, "Confirm")
        .unwrap_or_else(|| panic!("no Confirm button: {:?}", card.markdown));
    let controllable = controllable(&sandbox);
    sandbox.clear_requests();
    let before = sandbox.messages(&room).last().unwrap().id.clone();

    let started = Instant::now();
    sandbox.click(&token, &card.id, confirm).await.unwrap();
    let result = next_bot_message(&sandbox, &room, &before).await;
    let elapsed = started.elapsed();

    let markdown = result.markdown.clone().unwrap_or_default();
    assert!(
        markdown.contains("Muted"),
        "not a result card: {markdown:.300}"
    );
    let bot_email = sandbox.bot().email.clone();
    let xapi_calls = sandbox
        .requests()
        .iter()
        .filter(|r| r.caller_email.as_deref() == Some(bot_email.as_str()))
        .filter(|r| r.path.starts_with("/v1/xapi/command/"))
        .count();
    let _ = stop.send(());
    let _ = task.await;
    sandbox.shutdown().await;
    Run {
        controllable,
        elapsed,
        xapi_calls,
    }
}

/// Devices `mute all` reaches: full xAPI access and online.
fn controllable(sandbox: &SandboxHandle) -> usize {
    sandbox
        .org()
        .workspace_snapshots()
        .into_iter()
        .flat_map(|w| w.devices)
        .filter(|d| d.connection_status != "disconnected")
        .filter(|d| d.permissions.iter().any(|p| p == "xapi:all" || p == "xapi"))
        .count()
}

fn settings(sandbox: &SandboxHandle, store: &std::path::Path, limit: usize) -> Settings {
    let env: HashMap<String, String> = [
        ("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token().to_owned()),
        ("ROOMBOT__WEBEX__API_BASE", sandbox.base_url()),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", SECRET.to_owned()),
        ("ROOMBOT__WEBEX__MAX_IN_FLIGHT", limit.to_string()),
        ("ROOMBOT__SERVER__LISTEN", "127.0.0.1:0".to_owned()),
        ("ROOMBOT__STORE__PATH", store.display().to_string()),
        ("ROOMBOT__LOG__LEVEL", "warn".to_owned()),
        (
            "ROOMBOT__ACCESS__OPERATORS",
            sandbox.person(Role::Operator).email.clone(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Settings::load(&Sources {
        env,
        ..Sources::default()
    })
    .unwrap()
}

async fn start_bot(
    settings: Settings,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let app = Application::build(settings.clone()).await.unwrap();
    let addr = app.local_addr();
    let readiness = app.readiness();
    let webex = roombot::bot::identity::client(&settings, Arc::new(Metrics::default())).unwrap();
    let target = format!("http://{addr}/webhooks/webex");
    roombot::bot::webhooks::sync(&webex, &target, &SECRET.to_owned().into())
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = app
            .run_until_stopped(async {
                let _ = stopped.await;
            })
            .await;
    });
    readiness.wait_ready().await;
    (stop, task)
}

/// The first bot message in `room` posted after the message `after`.
async fn next_bot_message(sandbox: &SandboxHandle, room: &str, after: &str) -> Message {
    let bot_id = sandbox.bot_id().to_owned();
    sandbox
        .wait_for_message(
            room,
            |m| {
                let all = sandbox.messages(room);
                let index = |id: &str| all.iter().position(|x| x.id == id);
                m.person_id == bot_id && index(&m.id) > index(after)
            },
            WAIT,
        )
        .await
        .expect("the bot answers")
}

/// The `Action.Submit` data of the button titled `title`, anywhere in the message's card.
fn button_data(message: &Message, title: &str) -> Option<Value> {
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
    find(message.attachments.first()?.get("content")?, title)
}
