//! Websocket intake benchmark: events per second through the websocket path to the queue, and
//! the latency it adds compared with the webhook path. roombot runs in-process (a 2-thread
//! runtime, a real SQLite file) against the embedded sandbox on 127.0.0.1, with a worker that
//! finishes each event at once (`Application::build_with`): what is measured is intake, not
//! command handling.
//!
//! - Backlog: `BENCH_BACKLOG` messages (default 2,000) are posted while roombot's device is
//!   registered but not connected, so the sandbox holds them unacked; then roombot starts and
//!   the sandbox sends them all at once. Measured: from start to the last event reaching a
//!   worker (registration lookup, connect and authorization included), and from the first
//!   event's arrival to the last (the steady rate: frame → conversation lookup → dedupe →
//!   durable store → queue → worker → ack).
//! - Latency: `BENCH_PACED` messages (default 300), posted one after another, through each path
//!   alone: from the person's `POST /messages` being sent to the event reaching a worker (the
//!   sandbox answers the post after handing the event to its webhook task or socket).
//!
//! Run: `cargo bench --bench websocket`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use roombot::app::Application;
use roombot::bot::identity::BotIdentity;
use roombot::bot::worker::{Handled, Handler};
use roombot::metrics::Metrics;
use roombot::sandbox::{Role, Sandbox, SandboxHandle, SandboxOptions};
use roombot::settings::{Settings, Sources};
use roombot::store::Store;
use tokio::sync::Notify;

const SECRET: &str = "bench-secret";

/// When each event (by REST id) reached a worker.
#[derive(Default)]
struct Arrivals {
    at: Mutex<HashMap<String, Instant>>,
    changed: Notify,
}

impl Arrivals {
    async fn wait_for(&self, count: usize) {
        loop {
            let notified = self.changed.notified();
            if self.at.lock().unwrap().len() >= count {
                return;
            }
            notified.await;
        }
    }
}

fn main() {
    let backlog = env_number("BENCH_BACKLOG", 2_000);
    let paced = env_number("BENCH_PACED", 300);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (total, steady) = backlog_run(backlog).await;
        println!("| run | events | time | events/s |\n|---|---|---|---|");
        let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "| backlog, from start (register, connect, authorize included) | {backlog} | {total:.2?} | {:.0} |",
            rate(backlog, total)
        );
        println!(
            "| backlog, first to last event | {} | {steady:.2?} | {:.0} |",
            backlog - 1,
            rate(backlog - 1, steady)
        );
        let webhook = paced_run(false, paced).await;
        let websocket = paced_run(true, paced).await;
        println!("\n| path | events | p50 | p90 | p99 | max (event #) |\n|---|---|---|---|---|---|");
        for (name, mut latencies) in [("webhook", webhook), ("websocket", websocket)] {
            let slowest = (0..latencies.len()).max_by_key(|&i| latencies[i]).unwrap_or(0);
            latencies.sort();
            let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
            println!(
                "| {name} | {} | {:.2?} | {:.2?} | {:.2?} | {:.2?} (#{slowest}) |",
                latencies.len(),
                at(0.5),
                at(0.9),
                at(0.99),
                at(1.0)
            );
        }
    });
    println!(
        "load: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

/// The backlog run: (start → last arrival, first → last arrival).
async fn backlog_run(count: usize) -> (Duration, Duration) {
    let sandbox = start_sandbox().await;
    let origin = sandbox.base_url().trim_end_matches("/v1").to_owned();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{origin}/wdm/api/v1/devices"))
        .bearer_auth(sandbox.bot_token())
        .json(&serde_json::json!({"name": "roombot", "deviceType": "DESKTOP"}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    post_many(&sandbox, count, 16).await;
    let arrivals = Arc::new(Arrivals::default());
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let app = start_app(&sandbox, dir.path(), true, arrivals.clone()).await;
    arrivals.wait_for(count).await;
    let total = started.elapsed();
    let times: Vec<Instant> = arrivals.at.lock().unwrap().values().copied().collect();
    let first = times.iter().min().copied().unwrap();
    let last = times.iter().max().copied().unwrap();
    app.abort();
    (total, last - first)
}

/// `count` messages posted one after another through one path; the latency of each.
async fn paced_run(websocket: bool, count: usize) -> Vec<Duration> {
    let sandbox = start_sandbox().await;
    let arrivals = Arc::new(Arrivals::default());
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(&sandbox, dir.path(), websocket, arrivals.clone()).await;
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let token = sandbox.person(Role::Operator).token.clone();
    let mut latencies = Vec::with_capacity(count);
    for i in 0..count {
        let sent = Instant::now();
        let message = sandbox
            .post_as(&token, &room, &format!("help {i}"))
            .await
            .unwrap();
        let arrived = loop {
            let notified = arrivals.changed.notified();
            if let Some(at) = arrivals.at.lock().unwrap().get(&message.id).copied() {
                break at;
            }
            notified.await;
        };
        latencies.push(arrived - sent);
    }
    app.abort();
    latencies
}

async fn start_sandbox() -> SandboxHandle {
    Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// `count` messages from the operator, `parallel` at a time.
async fn post_many(sandbox: &SandboxHandle, count: usize, parallel: usize) {
    use futures::StreamExt;
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let token = sandbox.person(Role::Operator).token.clone();
    futures::stream::iter(0..count)
        .map(|i| {
            let (room, token) = (room.clone(), token.clone());
            async move {
                sandbox
                    .post_as(&token, &room, &format!("help {i}"))
                    .await
                    .unwrap()
            }
        })
        .buffer_unordered(parallel)
        .collect::<Vec<_>>()
        .await;
}

/// roombot for the sandbox's bot with a worker that records arrivals; ready when it returns.
async fn start_app(
    sandbox: &SandboxHandle,
    dir: &std::path::Path,
    websocket: bool,
    arrivals: Arc<Arrivals>,
) -> tokio::task::JoinHandle<anyhow::Result<()>> {
    let origin = sandbox.base_url().trim_end_matches("/v1").to_owned();
    let mode = if websocket { "websocket" } else { "webhook" };
    let env: HashMap<String, String> = [
        ("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token().to_owned()),
        ("ROOMBOT__WEBEX__API_BASE", sandbox.base_url()),
        ("ROOMBOT__WEBEX__U2C_URL", format!("{origin}/u2c/api/v1")),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", SECRET.to_owned()),
        ("ROOMBOT__INTAKE__MODE", mode.to_owned()),
        ("ROOMBOT__SERVER__LISTEN", "127.0.0.1:0".to_owned()),
        ("ROOMBOT__BOT__QUEUE_CAPACITY", "8192".to_owned()),
        ("ROOMBOT__LOG__LEVEL", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let settings = Settings::load(&Sources {
        env,
        ..Sources::default()
    })
    .unwrap();
    let identity = BotIdentity {
        id: sandbox.bot_id().into(),
        display_name: "Roombot Bench".into(),
        org_id: None,
    };
    let store = Store::open(&dir.join("bench.db")).unwrap();
    let handler: Handler = Arc::new(move |event| {
        let arrivals = arrivals.clone();
        Box::pin(async move {
            let id = event.envelope.data.id.clone();
            arrivals
                .at
                .lock()
                .unwrap()
                .entry(id)
                .or_insert_with(Instant::now);
            arrivals.changed.notify_waiters();
            Handled::Done
        })
    });
    let metrics = Arc::new(Metrics::default());
    let app = Application::build_with(&settings, &identity, store, handler, metrics.clone())
        .await
        .unwrap();
    let (addr, readiness) = (app.local_addr(), app.readiness());
    if !websocket {
        let webex = roombot::bot::identity::client(&settings, metrics).unwrap();
        let target = format!("http://{addr}/webhooks/webex");
        roombot::bot::webhooks::sync(&webex, &target, &SECRET.to_owned().into())
            .await
            .unwrap();
    }
    let task = tokio::spawn(app.run_until_stopped(std::future::pending()));
    readiness.wait_ready().await;
    task
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
