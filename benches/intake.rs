//! Intake benchmark: signed webhook deliveries per second and their latency, for three kinds of
//! delivery: other people's messages (each a new event, stored durably with its dedupe claim
//! before the 200, then handed to a worker that finishes it at once: the full durable path),
//! the bot's own messages (dropped after verify + decode, never touching the store) and forged
//! ones (401). roombot runs in-process on 127.0.0.1 with a 2-thread runtime and a real SQLite
//! file; the load generator is `wrk` (Debian package `wrk`) on loopback. Run:
//! `cargo bench --bench intake`.
//!
//! Every stored delivery must carry a fresh `data.id` (a repeated one is a duplicate and never
//! reaches the store) and its own signature. The bench signs a pool of ids up front; wrk's Lua
//! script puts id and signature into each request. The figures are checked afterwards against
//! `/metrics`: every stored delivery counted as stored, none as a duplicate or a store failure.
//!
//! Stored and own deliveries are also sent paced: each connection waits a moment after each
//! response, which holds the load below saturation, so the latency is the path's own rather than
//! two cores shared with wrk.
//!
//! Environment: `BENCH_SECONDS` (default 10), `BENCH_CONNECTIONS` (default 64),
//! `BENCH_PACED_CONNECTIONS` (96), `BENCH_PACED_PAUSE_MS` (1).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use roombot::app::Application;
use roombot::bot::identity::BotIdentity;
use roombot::bot::worker::{Handled, Handler};
use roombot::metrics::{Delivery, Metrics};
use roombot::settings::{Settings, Sources};
use roombot::store::Store;
use roombot::webhook::signature::sign;

const SECRET: &str = "bench-secret";
const BOT_ID: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3Q";
const PERSON_ID: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hZGE";
/// Signed ids prepared per second of run (more than the intake can take).
const IDS_PER_SECOND: usize = 80_000;

fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("intake bench needs wrk: apt-get install wrk");
        std::process::exit(1);
    }
    let seconds = env_number("BENCH_SECONDS", 10);
    let connections = env_number("BENCH_CONNECTIONS", 64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let metrics = Arc::new(Metrics::default());
    let addr = runtime.block_on(start(dir.path(), metrics.clone()));
    let script = dir.path().join("bench.lua");
    println!(
        "| connections | delivery | requests/s | p50 | p90 | p99 |\n|---|---|---|---|---|---|"
    );
    let pool = seconds as usize * IDS_PER_SECOND;
    write_stored_script(&script, addr, 0, pool, None);
    let before = metrics.intake_stored_histogram();
    let result = run_wrk(&script, addr, seconds, connections);
    print_row(
        connections,
        "signed, another person's message (stored before the 200)",
        &result,
    );
    let saturated = server_side(&before, &metrics.intake_stored_histogram());
    let paced_connections = env_number("BENCH_PACED_CONNECTIONS", 96);
    let pause = env_number("BENCH_PACED_PAUSE_MS", 1);
    write_stored_script(&script, addr, pool, pool, Some(pause));
    let before = metrics.intake_stored_histogram();
    let result = run_wrk(&script, addr, seconds, paced_connections);
    let name = format!(
        "signed, another person's message, paced ({pause} ms between a connection's requests)"
    );
    print_row(paced_connections, &name, &result);
    let paced = server_side(&before, &metrics.intake_stored_histogram());
    check_stored(&metrics, 2 * pool);
    println!("server side (time in roombot, from the histogram roombot_intake_stored_seconds):");
    println!("  saturated: {saturated}\n  paced: {paced}");
    let own = message_body(
        BOT_ID,
        "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAtNDNiZC0xMWU2",
    );
    for (name, signature) in [
        (
            "signed, own message (dropped, no store, no Webex call)",
            sign(SECRET.as_bytes(), &own),
        ),
        ("forged (401)", sign(b"wrong", &own)),
    ] {
        write_static_script(&script, &own, &signature, None);
        let result = run_wrk(&script, addr, seconds, connections);
        print_row(connections, name, &result);
    }
    // Own messages below saturation: the latency of the path itself rather than of two cores
    // shared with wrk.
    write_static_script(&script, &own, &sign(SECRET.as_bytes(), &own), Some(pause));
    let result = run_wrk(&script, addr, seconds, paced_connections);
    let name = format!("signed, own message, paced ({pause} ms between a connection's requests)");
    print_row(paced_connections, &name, &result);
    println!("load average after the runs: {}", load_average());
    drop(runtime);
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

async fn start(dir: &Path, metrics: Arc<Metrics>) -> std::net::SocketAddr {
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
    // Every event is handled at once: the worker's "done" write is part of the measured path.
    let handler: Handler = Arc::new(|_event| Box::pin(async { Handled::Done }));
    let app = Application::build_with(&settings, &identity, store, handler, metrics)
        .await
        .unwrap();
    let addr = app.local_addr();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    addr
}

/// A realistic `messages/created` envelope from `person`, with `data.id` last (so the bench can
/// cut the body around it).
fn message_body(person: &str, message_id: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh",
        "name": "roombot messages", "targetUrl": "https://roombot.example.com/webhooks/webex",
        "resource": "messages", "event": "created",
        "orgId": "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8xZWI2NWZkZi05NjQzLTQxN2YtOTk3NC1hZDcyY2FlMGUxMGY",
        "createdBy": BOT_ID, "appId": "Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MyNzljYjMwYzAyOTE4MGJiNGJkYWViYjA2MWI3OTY1Y2RhMzliNjAyOTdjODUwM2YyNjZhYmY2NmM5OTllYzFm",
        "ownedBy": "creator", "status": "active", "created": "2026-11-25T09:00:00.000Z", "actorId": person,
        "data": {
            "roomId": "Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0",
            "roomType": "group", "personId": person, "personEmail": "ada@example.com",
            "created": "2026-11-25T09:00:00.000Z",
            "id": message_id
        }
    }))
    .unwrap()
}

/// A wrk script sending the same signed body every time.
/// A wrk script sending the same signed body every time; with `pause`, each connection waits
/// that many milliseconds after a response (wrk's `delay`).
fn write_static_script(script: &Path, body: &[u8], signature: &str, pause: Option<u32>) {
    let delay = pause
        .map(|ms| format!("function delay()\n  return {ms}\nend\n"))
        .unwrap_or_default();
    std::fs::write(
        script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{}\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"X-Spark-Signature\"] = \"{signature}\"\n{delay}",
            lua_escape(body)
        ),
    )
    .unwrap();
}

/// A wrk script sending another person's message with a fresh id and its signature each time,
/// from `count` pre-signed ids (numbered from `first`) in a file next to the script. The request
/// text is assembled from constant pieces (every id has the same length, so the Content-Length
/// is constant): wrk's Lua then costs little more per request than a static body. With `pause`,
/// each connection waits that many milliseconds after a response before its next request (wrk's
/// `delay`), which paces the load below saturation.
fn write_stored_script(
    script: &Path,
    addr: std::net::SocketAddr,
    first: usize,
    count: usize,
    pause: Option<u32>,
) {
    const MARK: &str = "ID-PLACEHOLDER";
    let template = message_body(PERSON_ID, MARK);
    let text = String::from_utf8(template).unwrap();
    let (prefix, suffix) = text.split_once(MARK).unwrap();
    let ids = script.with_extension("ids");
    let mut lines = String::with_capacity(count * 100);
    let mut length = 0;
    for n in first..first + count {
        let id = message_id(n as u64);
        let body = format!("{prefix}{id}{suffix}");
        length = body.len();
        let _ = writeln!(lines, "{id} {}", sign(SECRET.as_bytes(), body.as_bytes()));
    }
    std::fs::write(&ids, lines).unwrap();
    let head = format!(
        "POST /webhooks/webex HTTP/1.1\\r\\nHost: {addr}\\r\\nContent-Type: application/json\\r\\nContent-Length: {length}\\r\\nX-Spark-Signature: "
    );
    std::fs::write(
        script,
        format!(
            r#"local ids, sigs = {{}}, {{}}
for line in io.lines("{ids}") do
  local id, sig = line:match("(%S+) (%S+)")
  ids[#ids + 1] = id
  sigs[#sigs + 1] = sig
end
local head, prefix, suffix = "{head}", "\r\n\r\n{prefix}", "{suffix}"
local n = 0
request = function()
  n = n + 1
  if n > #ids then n = 1 end
  return head .. sigs[n] .. prefix .. ids[n] .. suffix
end
{delay}"#,
            delay = pause.map_or(String::new(), |ms| format!(
                "delay = function() return {ms} end\n"
            )),
            ids = ids.display(),
            prefix = lua_escape(prefix.as_bytes()),
            suffix = lua_escape(suffix.as_bytes()),
        ),
    )
    .unwrap();
}

/// A Webex-like message id: `ciscospark://us/MESSAGE/` in base64, then 48 characters that look
/// random (real ids carry a time-based UUID, so consecutive messages land all over the ledger's
/// index, not at its end). Deterministic in `n`, unique for every `n`.
fn message_id(n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = n;
    let mut next = || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut id = String::from("Y2lzY29zcGFyazovL3VzL01FU1NBR0Uv");
    for _ in 0..6 {
        let word = next();
        for shift in (0..48).step_by(6) {
            id.push(ALPHABET[((word >> shift) & 63) as usize] as char);
        }
    }
    // The counter's low bits keep ids unique even if two random parts met.
    id.push_str(&format!("{n:08x}"));
    id
}

fn lua_escape(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

/// Every stored delivery must have reached the store as a new event: none a duplicate (an id
/// pool ran out) or a store failure.
fn check_stored(metrics: &Metrics, pool: usize) {
    let stored = metrics.deliveries(Delivery::Queued) + metrics.deliveries(Delivery::Deferred);
    let duplicates = metrics.deliveries(Delivery::Duplicate);
    let failed = metrics.deliveries(Delivery::StoreFailed);
    let malformed = metrics.deliveries(Delivery::Malformed);
    println!(
        "stored deliveries: {stored} ({} deferred to the store's feeder), duplicates {duplicates}, store failures {failed}, ids signed {pool}",
        metrics.deliveries(Delivery::Deferred),
    );
    assert_eq!(duplicates, 0, "the id pool ran out: raise IDS_PER_SECOND");
    assert_eq!(failed, 0, "the store refused deliveries");
    assert_eq!(
        malformed, 0,
        "deliveries refused as malformed: the ids must be id-shaped"
    );
}

/// What share of the stored deliveries between two histogram readings roombot answered within
/// 1, 2.5, 5 and 10 ms.
fn server_side(before: &(Vec<(f64, u64)>, u64), after: &(Vec<(f64, u64)>, u64)) -> String {
    let total = after.1 - before.1;
    let shares: Vec<String> = before
        .0
        .iter()
        .zip(&after.0)
        .filter(|((bound, _), _)| [0.001, 0.0025, 0.005, 0.01].contains(bound))
        .map(|((bound, a), (_, b))| {
            let share = (b - a) as f64 * 100.0 / total.max(1) as f64;
            format!("{share:.2}% within {} ms", bound * 1000.0)
        })
        .collect();
    format!("{total} deliveries, {}", shares.join(", "))
}

fn print_row(connections: u32, name: &str, result: &WrkResult) {
    println!(
        "| {connections} | {name} | {:.0} | {} | {} | {} |",
        result.rate, result.p50, result.p90, result.p99
    );
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

struct WrkResult {
    rate: f64,
    p50: String,
    p90: String,
    p99: String,
}

fn run_wrk(script: &Path, addr: std::net::SocketAddr, seconds: u32, connections: u32) -> WrkResult {
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
