//! Intake benchmark: signed webhook deliveries per second and their latency, for deliveries that
//! are dropped without Webex calls (our own messages, after verify + decode) and for forged ones
//! (401). roombot runs in-process on 127.0.0.1 with a 2-thread runtime; the load generator is
//! `wrk` (Debian package `wrk`) on loopback. Run: `cargo bench --bench intake`.
//!
//! Environment: `BENCH_SECONDS` (default 10), `BENCH_CONNECTIONS` (default 64).

use std::collections::HashMap;
use std::process::Command;
use std::sync::Arc;

use roombot::app::{Application, BotIdentity};
use roombot::bot::worker::{Handled, Handler};
use roombot::metrics::Metrics;
use roombot::settings::{Settings, Sources};
use roombot::store::Store;
use roombot::webhook::signature::sign;

const SECRET: &str = "bench-secret";
const BOT_ID: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3Q";

fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("intake bench needs wrk: apt-get install wrk");
        std::process::exit(1);
    }
    let seconds: u32 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let connections: u32 = std::env::var("BENCH_CONNECTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let addr = runtime.block_on(start(dir.path()));
    let own = own_message_body();
    let scenarios = [
        (
            "signed, own message (dropped, no Webex call)",
            own.clone(),
            sign(SECRET.as_bytes(), &own),
        ),
        ("forged (401)", own.clone(), sign(b"wrong", &own)),
    ];
    println!("| delivery | requests/s | p50 | p90 | p99 |\n|---|---|---|---|---|");
    for (name, body, signature) in scenarios {
        let result = run_wrk(
            &dir.path().join("bench.lua"),
            addr,
            &body,
            &signature,
            seconds,
            connections,
        );
        println!(
            "| {name} | {:.0} | {} | {} | {} |",
            result.rate, result.p50, result.p90, result.p99
        );
    }
    drop(runtime);
}

async fn start(dir: &std::path::Path) -> std::net::SocketAddr {
    let env: HashMap<String, String> = [
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", SECRET.to_owned()),
        ("ROOMBOT__SERVER__LISTEN", "127.0.0.1:0".to_owned()),
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
        id: BOT_ID.into(),
        display_name: "Roombot Bench".into(),
        org_id: None,
    };
    let store = Store::open(&dir.join("bench.db")).unwrap();
    let handler: Handler = Arc::new(|_event| Box::pin(async { Handled::Done }));
    let app = Application::build_with(
        &settings,
        &identity,
        store,
        handler,
        Arc::new(Metrics::default()),
    )
    .await
    .unwrap();
    let addr = app.local_addr();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    addr
}

/// A realistic `messages/created` envelope whose author is the bot itself.
fn own_message_body() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh",
        "name": "roombot messages", "targetUrl": "https://roombot.example.com/webhooks/webex",
        "resource": "messages", "event": "created",
        "orgId": "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8xZWI2NWZkZi05NjQzLTQxN2YtOTk3NC1hZDcyY2FlMGUxMGY",
        "createdBy": BOT_ID, "appId": "Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MyNzljYjMwYzAyOTE4MGJiNGJkYWViYjA2MWI3OTY1Y2RhMzliNjAyOTdjODUwM2YyNjZhYmY2NmM5OTllYzFm",
        "ownedBy": "creator", "status": "active", "created": "2026-11-25T09:00:00.000Z", "actorId": BOT_ID,
        "data": {
            "id": "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAtNDNiZC0xMWU2LThhZTktZGQ1YjNkZmM1NjVk",
            "roomId": "Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
            "roomType": "group", "personId": BOT_ID, "personEmail": "roombot@webex.bot",
            "created": "2026-11-25T09:00:00.000Z"
        }
    }))
    .unwrap()
}

struct WrkResult {
    rate: f64,
    p50: String,
    p90: String,
    p99: String,
}

fn run_wrk(
    script: &std::path::Path,
    addr: std::net::SocketAddr,
    body: &[u8],
    signature: &str,
    seconds: u32,
    connections: u32,
) -> WrkResult {
    let lua_body = String::from_utf8_lossy(body)
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    std::fs::write(
        script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{lua_body}\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"X-Spark-Signature\"] = \"{signature}\"\n"
        ),
    )
    .unwrap();
    let output = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(format!("http://{addr}/webhooks/webex"))
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("wrk printed no {prefix:?}:\n{text}"))
    };
    let non_2xx = text
        .lines()
        .find(|l| l.contains("Non-2xx"))
        .unwrap_or("")
        .trim()
        .to_owned();
    if !non_2xx.is_empty() {
        eprintln!("note: {non_2xx}");
    }
    WrkResult {
        rate: field("Requests/sec:").parse().unwrap_or(0.0),
        p50: field("50%"),
        p90: field("90%"),
        p99: field("99%"),
    }
}
