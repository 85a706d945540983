//! Slow clients cannot starve the server (`roombot serve` as its own process, short timeouts set
//! through its settings): 2,000 connections that never finish their headers and 1,000 that send
//! headers for a 1 MiB − 1 body and then only part of it. Throughout, `/healthz` answers (p99
//! printed), the server's resident memory stays within a bound, and every slow connection is
//! closed by the timeouts. Also: the connection cap bounds descriptors, and running out of file
//! descriptors (EMFILE) neither kills the server nor spins it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use roombot::sandbox::SandboxOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

use crate::served_support::{Served, get, quantile, raise_nofile, spawn_served, spawn_served_with};

const SLOW_HEADERS: usize = 2_000;
const SLOW_BODIES: usize = 1_000;
/// Declared body length of a slow body: just under the 1 MiB limit.
const BODY_LEN: usize = 1024 * 1024 - 1;
/// What a slow body sends before stalling.
const BODY_SENT: usize = 128 * 1024;
/// Resident memory the server may gain while the slow clients hold on: at most the body budget
/// (64 MiB by default) plus a 16 KiB read buffer and task state per connection (3,000 here).
const RSS_GROWTH_BOUND_MIB: u64 = 128;
/// How long any one `/healthz` may take: generous (2 shared cores, a burst of 3,000 connects);
/// the measured p99 is printed.
const HEALTHZ_BOUND: Duration = Duration::from_secs(10);

/// Opens a connection that sends part of a request head and then nothing; returns how long the
/// server kept it open after that, or `None` when it could not connect.
async fn slow_header(addr: SocketAddr) -> Option<Duration> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream
        .write_all(b"POST /webhooks/webex HTTP/1.1\r\nHost: roombot\r\nX-Slow: waiting")
        .await
        .ok()?;
    Some(held_open(stream).await)
}

/// Opens a connection that sends a whole head declaring a 1 MiB − 1 body, part of the body, and
/// then nothing; returns how long the server kept it open after that.
async fn slow_body(addr: SocketAddr) -> Option<Duration> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let head = format!(
        "POST /webhooks/webex HTTP/1.1\r\nHost: roombot\r\nContent-Type: application/json\r\n\
         X-Spark-Signature: 00\r\nContent-Length: {BODY_LEN}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    let chunk = vec![b' '; BODY_SENT];
    stream.write_all(&chunk).await.ok()?;
    Some(held_open(stream).await)
}

/// Reads until the server closes the connection.
async fn held_open(mut stream: TcpStream) -> Duration {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    while let Ok(n) = stream.read(&mut buffer).await {
        if n == 0 {
            break;
        }
    }
    started.elapsed()
}

/// Probes `/healthz` back to back until `stop`; every latency, and every failure.
async fn probe(addr: SocketAddr, stop: Arc<AtomicBool>) -> (Vec<Duration>, Vec<String>) {
    let (mut latencies, mut failures) = (Vec::new(), Vec::new());
    while !stop.load(Ordering::Relaxed) {
        match get(addr, "/healthz", Duration::from_secs(30)).await {
            Ok((200, took)) => latencies.push(took),
            Ok((status, _)) => failures.push(format!("status {status}")),
            Err(error) => failures.push(error),
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (latencies, failures)
}

/// Samples the server's resident memory until `stop`; the highest, in KiB.
async fn peak_rss(pid: u32, stop: Arc<AtomicBool>) -> u64 {
    let mut peak = 0;
    while !stop.load(Ordering::Relaxed) {
        peak = peak.max(crate::served_support::rss_kib(pid));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    peak
}

async fn served(extra: &[(&str, &str)]) -> Served {
    let limit = raise_nofile();
    assert!(
        limit >= 8_000,
        "the slow-client suite needs 8,000 open files, the hard limit is {limit}"
    );
    spawn_served(SandboxOptions::default(), extra).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_slow_bodies_are_cut_off_while_healthz_answers() {
    let server = served(&[
        ("ROOMBOT__SERVER__HEADER_READ_TIMEOUT_SECS", "3"),
        ("ROOMBOT__SERVER__BODY_READ_TIMEOUT_SECS", "3"),
        ("ROOMBOT__SERVER__REQUEST_TIMEOUT_SECS", "6"),
        ("ROOMBOT__SERVER__MAX_CONNECTIONS", "4000"),
    ])
    .await;
    let addr = server.addr;
    let baseline = server.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let prober = tokio::spawn(probe(addr, stop.clone()));
    let memory = tokio::spawn(peak_rss(server.pid, stop.clone()));

    let started = Instant::now();
    let mut slow = JoinSet::new();
    for i in 0..SLOW_HEADERS + SLOW_BODIES {
        if i < SLOW_HEADERS {
            slow.spawn(slow_header(addr));
        } else {
            slow.spawn(slow_body(addr));
        }
    }
    let mut held = Vec::new();
    while let Some(result) = tokio::time::timeout(Duration::from_secs(120), slow.join_next())
        .await
        .expect("every slow connection is closed by the server within 2 minutes")
    {
        held.push(result.expect("task"));
    }
    let all_closed_after = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (latencies, failures) = prober.await.unwrap();
    let peak = memory.await.unwrap();

    let connected = held.iter().flatten().count();
    let longest = held.iter().flatten().max().copied().unwrap_or_default();
    let p50 = quantile(&latencies, 0.50);
    let p99 = quantile(&latencies, 0.99);
    let max = quantile(&latencies, 1.0);
    let growth_mib = peak.saturating_sub(baseline) / 1024;
    println!(
        "slow clients: {connected} of {} connected, all closed after {all_closed_after:?} \
         (longest held {longest:?}); /healthz {} probes, p50 {p50:?}, p99 {p99:?}, max {max:?}, \
         {} failed; RSS {} MiB → peak {} MiB (+{growth_mib} MiB)",
        SLOW_HEADERS + SLOW_BODIES,
        latencies.len(),
        failures.len(),
        baseline / 1024,
        peak / 1024,
    );
    assert_eq!(
        connected,
        SLOW_HEADERS + SLOW_BODIES,
        "every slow client got in"
    );
    assert!(failures.is_empty(), "/healthz failed: {failures:?}");
    assert!(latencies.len() >= 10, "too few probes: {}", latencies.len());
    assert!(max < HEALTHZ_BOUND, "a /healthz took {max:?}");
    assert!(
        growth_mib < RSS_GROWTH_BOUND_MIB,
        "RSS grew by {growth_mib} MiB (bound {RSS_GROWTH_BOUND_MIB} MiB)"
    );
    assert!(server.stop().await, "a clean stop afterwards");
}

/// Descriptors the store may open after start-up (see the connection-cap test).
const STORE_FDS_SLACK: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_cap_bounds_descriptors_and_waiting_clients_are_served_later() {
    let server = served(&[
        ("ROOMBOT__SERVER__HEADER_READ_TIMEOUT_SECS", "1"),
        ("ROOMBOT__SERVER__MAX_CONNECTIONS", "50"),
    ])
    .await;
    let fds_before = server.open_fds();
    let mut slow = JoinSet::new();
    for _ in 0..300 {
        slow.spawn(slow_header(server.addr));
    }
    // While the first 50 are held, the rest wait in the backlog: descriptors stay bounded.
    let mut peak_fds = 0;
    for _ in 0..20 {
        peak_fds = peak_fds.max(server.open_fds());
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // A health probe waits its turn behind them, but is answered.
    let (status, took) = get(server.addr, "/healthz", Duration::from_secs(60))
        .await
        .expect("/healthz answered");
    while let Some(result) = tokio::time::timeout(Duration::from_secs(60), slow.join_next())
        .await
        .expect("all slow connections closed")
    {
        assert!(result.unwrap().is_some(), "connected");
    }
    println!("connection cap 50: fds {fds_before} → peak {peak_fds}; /healthz after {took:?}");
    assert_eq!(status, 200);
    // 50 connections, plus a few descriptors the store opens lazily (a reader connection, its
    // WAL and shared-memory files); without the cap there would be about 300.
    assert!(
        peak_fds <= fds_before + 50 + STORE_FDS_SLACK,
        "descriptors grew from {fds_before} to {peak_fds}"
    );
    assert!(server.stop().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_out_of_file_descriptors_neither_kills_nor_spins_the_server() {
    raise_nofile();
    let extra = [
        ("ROOMBOT__SERVER__HEADER_READ_TIMEOUT_SECS", "2"),
        ("ROOMBOT__SERVER__MAX_CONNECTIONS", "10000"),
    ];
    let mut server = spawn_served_with(SandboxOptions::default(), &extra, Some(128)).await;
    let cpu_before = server.cpu_time();
    let started = Instant::now();
    let mut slow = JoinSet::new();
    for _ in 0..400 {
        slow.spawn(slow_header(server.addr));
    }
    while let Some(result) = tokio::time::timeout(Duration::from_secs(90), slow.join_next())
        .await
        .expect("all slow connections closed")
    {
        result.unwrap();
    }
    let busy = server.cpu_time() - cpu_before;
    let elapsed = started.elapsed();
    let (status, _) = get(server.addr, "/healthz", Duration::from_secs(30))
        .await
        .expect("/healthz answered after EMFILE");
    println!("EMFILE: 400 slow clients against 128 descriptors took {elapsed:?}, CPU {busy:?}");
    assert_eq!(status, 200);
    assert!(server.is_running());
    // A spinning accept loop would burn a core for the whole time.
    assert!(
        busy < elapsed / 2,
        "the server used {busy:?} of CPU in {elapsed:?}"
    );
    assert!(server.stop().await);
}
