//! The crash suite: roombot runs as a real child process (`roombot serve`) against the sandbox
//! (100 ms latency on every Webex call) with its store in a file. Several rounds each send a
//! burst of commands as a person (so the sandbox delivers them as signed webhooks) while the
//! process is killed with SIGKILL at random points and restarted on the same store. Then every
//! command whose delivery got 200 must have exactly one answer, and no device action may have
//! run twice (the sandbox's request log counts `xapi/command/Dial` calls per number). A command
//! whose action may have gone out before a kill may be answered "may have run; please check"
//! instead of being run again; those are counted.
//!
//! Each command is `dial <unique number> in room 4B`: Dial is not idempotent, every command
//! makes exactly one xAPI call, and the number identifies both the call and the answer.
//!
//! Takes about 40 s on two cores (`CRASH_SEED` replays a run's kill times).

use crate::support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use roombot::sandbox::{FaultOptions, FaultRates, Role, Sandbox, SandboxHandle, SandboxOptions};
use tokio::sync::{Semaphore, watch};

/// Rounds of a burst each.
const ROUNDS: u32 = 3;
/// Commands per burst.
const BURST: u32 = 200;
/// Kills per round, each followed by a restart.
const KILLS: u32 = 2;
/// Commands being posted at once (each in-flight post may lose its delivery to a kill; Webex
/// disables a webhook after 100 failed deliveries in 5 minutes).
const POSTERS: usize = 4;
/// Latency of every sandbox call.
const LATENCY: Duration = Duration::from_millis(100);
/// The first command's number; numbers are unique across the run.
const FIRST_NUMBER: u32 = 7_100_000;
/// How long the whole run may take before the suite fails.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// The roombot child process and how to start it again.
struct Bot {
    child: Option<Child>,
    addr: SocketAddr,
    env: Vec<(String, String)>,
    dir: PathBuf,
    starts: u32,
}

impl Bot {
    fn start(&mut self) {
        self.starts += 1;
        let log = std::fs::File::create(self.dir.join(format!("roombot-{}.log", self.starts)))
            .expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_roombot"))
            .arg("serve")
            .current_dir(&self.dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("roombot starts");
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGKILL: no shutdown, no flush, the process just ends.
            child.kill().expect("kill -9");
            child.wait().expect("the child is reaped");
        }
    }

    /// Waits until `/readyz` answers 200 (the store is open, the server listens).
    async fn wait_ready(&mut self) {
        let url = format!("http://{}/readyz", self.addr);
        let started = Instant::now();
        loop {
            if let Ok(response) = reqwest::get(&url).await
                && response.status() == 200
            {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("roombot exited with {status}; see {}", self.dir.display());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "roombot never got ready"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A port free right now (the bot binds it; restarts bind it again).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn sandbox_with_latency() -> SandboxHandle {
    let faults = FaultOptions {
        seed: 7,
        all: FaultRates {
            latency: Some((LATENCY, LATENCY)),
            ..FaultRates::default()
        },
        ..FaultOptions::default()
    };
    let options = SandboxOptions {
        faults,
        ..SandboxOptions::default()
    };
    Sandbox::start(options, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts")
}

/// The child's environment: the test settings (admin credential included), a fixed port, JSON
/// logs.
fn child_env(sandbox: &SandboxHandle, dir: &Path, addr: SocketAddr) -> Vec<(String, String)> {
    let admin = roombot::demo::admin_env(sandbox).expect("the sandbox issues admin access");
    let settings = [
        ("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token().to_owned()),
        ("ROOMBOT__WEBEX__API_BASE", sandbox.base_url()),
        ("ROOMBOT__WEBEX__WEBHOOK_SECRET", support::SECRET.to_owned()),
        ("ROOMBOT__SERVER__LISTEN", addr.to_string()),
        (
            "ROOMBOT__STORE__PATH",
            dir.join("roombot.db").display().to_string(),
        ),
        (
            "ROOMBOT__ACCESS__OPERATORS",
            sandbox.person(Role::Operator).email.clone(),
        ),
        ("ROOMBOT__BOT__WORKERS", "8".to_owned()),
        // The burst is far over the default 30 commands a minute.
        ("ROOMBOT__ACCESS__RATE_PER_PERSON", "0".to_owned()),
        ("ROOMBOT__ACCESS__RATE_PER_SPACE", "0".to_owned()),
        ("ROOMBOT__LOG__FORMAT", "json".to_owned()),
        ("ROOMBOT__LOG__LEVEL", "info".to_owned()),
    ];
    settings
        .into_iter()
        .chain(admin)
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// Posts `dial <n> in room 4B` for every number as the operator, `POSTERS` at a time, each
/// only while the bot is up; returns message id → number.
async fn post_burst(
    sandbox: Arc<SandboxHandle>,
    numbers: Vec<u32>,
    up: watch::Receiver<bool>,
) -> HashMap<String, u32> {
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let token = sandbox.person(Role::Operator).token.clone();
    let slots = Arc::new(Semaphore::new(POSTERS));
    let mut posts = tokio::task::JoinSet::new();
    for number in numbers {
        let permit = slots.clone().acquire_owned().await.unwrap();
        let mut up = up.clone();
        let (sandbox, room, token) = (sandbox.clone(), room.clone(), token.clone());
        posts.spawn(async move {
            up.wait_for(|up| *up).await.unwrap();
            let text = format!("dial {number} in room 4B");
            let sent = sandbox.post_as(&token, &room, &text).await.unwrap();
            drop(permit);
            (sent.id, number)
        });
    }
    posts.join_all().await.into_iter().collect()
}

/// Events still in the store: waiting, or given up on (a read-only look at the bot's file; a
/// handled event is deleted).
fn events_left(db: &Path) -> i64 {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let conn = rusqlite::Connection::open_with_flags(db, flags).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

/// Waits until every event in the store is done (none left, none given up on) and the sandbox
/// has delivered everything.
async fn wait_quiet(sandbox: &SandboxHandle, db: &Path, started: Instant) {
    loop {
        sandbox
            .wait_for_deliveries_settled(support::WAIT)
            .await
            .unwrap();
        if events_left(db) == 0 {
            return;
        }
        assert!(
            started.elapsed() < RUN_LIMIT,
            "events still pending after {RUN_LIMIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The number a bot message answers (the one 7-digit number from the run in its text or card).
fn answered_number(message: &roombot::sandbox::Message) -> Option<u32> {
    let mut text = message.markdown.clone().unwrap_or_default();
    text.push_str(&serde_json::to_string(&message.attachments).unwrap_or_default());
    let numbers: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 7)
        .filter_map(|w| w.parse().ok())
        .filter(|n| *n >= FIRST_NUMBER && *n < FIRST_NUMBER + ROUNDS * BURST)
        .collect();
    numbers.first().copied()
}

/// The last lines of the last roombot log.
fn log_tail(dir: &Path) -> String {
    let last = (1..)
        .map(|n| dir.join(format!("roombot-{n}.log")))
        .take_while(|p| p.exists())
        .last();
    let text = last
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Dial calls per number in the request log.
fn dials(sandbox: &SandboxHandle) -> HashMap<u32, usize> {
    let mut counts = HashMap::new();
    for request in sandbox.requests() {
        if request.method == "POST" && request.path == "/v1/xapi/command/Dial" {
            let number = request
                .body
                .as_ref()
                .and_then(|b| b["arguments"]["Number"].as_str().map(str::to_owned))
                .and_then(|n| n.parse::<u32>().ok())
                .expect("a Dial with a number");
            *counts.entry(number).or_default() += 1;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_roombot_answers_every_accepted_command_once_and_acts_once() {
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("crash suite: CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let run_started = Instant::now();
    let sandbox = Arc::new(sandbox_with_latency().await);
    let dir = tempfile::tempdir().unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let settings = support::settings_for(&sandbox, dir.path(), &[]);
    let webex = roombot::bot::identity::client(&settings, Default::default()).unwrap();
    let target = format!("http://{addr}/webhooks/webex");
    roombot::bot::webhooks::sync(&webex, &target, &support::SECRET.to_owned().into())
        .await
        .expect("webhooks sync");
    let mut bot = Bot {
        child: None,
        addr,
        env: child_env(&sandbox, dir.path(), addr),
        dir: dir.path().to_owned(),
        starts: 0,
    };
    bot.start();
    bot.wait_ready().await;
    let (up_tx, up) = watch::channel(true);
    let mut sent: HashMap<String, u32> = HashMap::new();
    for round in 0..ROUNDS {
        let numbers = (0..BURST)
            .map(|i| FIRST_NUMBER + round * BURST + i)
            .collect();
        let burst = tokio::spawn(post_burst(sandbox.clone(), numbers, up.clone()));
        for _ in 0..KILLS {
            tokio::time::sleep(Duration::from_millis(rng.random_range(50..3000))).await;
            up_tx.send_replace(false);
            bot.kill();
            bot.start();
            bot.wait_ready().await;
            up_tx.send_replace(true);
        }
        sent.extend(burst.await.unwrap());
        wait_quiet(&sandbox, &dir.path().join("roombot.db"), run_started).await;
    }
    check(&sandbox, &sent, dir.path());
    eprintln!(
        "crash suite: {} rounds, {} commands, {} kills, {:.1}s",
        ROUNDS,
        sent.len(),
        ROUNDS * KILLS,
        run_started.elapsed().as_secs_f64()
    );
}

/// Every accepted command answered exactly once; no Dial twice; "may have run" answers only
/// for commands whose Dial went out at most once.
fn check(sandbox: &SandboxHandle, sent: &HashMap<String, u32>, dir: &Path) {
    let deliveries = sandbox.deliveries();
    let accepted: Vec<u32> = deliveries
        .iter()
        .filter(|d| d.status == Some(200))
        .filter_map(|d| sent.get(&d.data_id).copied())
        .collect();
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let bot_id = sandbox.bot_id().to_owned();
    let mut answers: HashMap<u32, Vec<String>> = HashMap::new();
    for message in sandbox
        .messages(&room)
        .iter()
        .filter(|m| m.person_id == bot_id)
    {
        let number = answered_number(message)
            .unwrap_or_else(|| panic!("a reply naming no command: {message:#?}"));
        answers
            .entry(number)
            .or_default()
            .push(message.markdown.clone().unwrap_or_default());
    }
    let dials = dials(sandbox);
    let logs = format!("\nlast roombot log lines:\n{}", log_tail(dir));
    let mut may_have_run = 0;
    for number in &accepted {
        let replies = answers.get(number).map_or(0, Vec::len);
        assert_eq!(replies, 1, "command {number}: {replies} answers {logs}");
    }
    for (number, replies) in &answers {
        assert_eq!(
            replies.len(),
            1,
            "command {number} answered twice: {replies:?} {logs}"
        );
        let calls = dials.get(number).copied().unwrap_or(0);
        if replies[0].contains("may already have run") {
            may_have_run += 1;
            assert!(calls <= 1, "command {number}: {calls} Dials {logs}");
        } else {
            assert_eq!(
                calls, 1,
                "command {number}: {calls} Dials for {replies:?} {logs}"
            );
        }
    }
    let doubled: Vec<_> = dials.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "Dials run twice: {doubled:?} {logs}");
    let lost_deliveries = deliveries
        .iter()
        .filter(|d| sent.contains_key(&d.data_id) && d.status != Some(200))
        .count();
    eprintln!(
        "crash suite: {} commands sent, {} accepted (200), {} deliveries failed while roombot was down, {} answered, {} answered \"may have run\"",
        sent.len(),
        accepted.len(),
        lost_deliveries,
        answers.len(),
        may_have_run
    );
    assert!(
        accepted.len() * 10 >= sent.len() * 9,
        "fewer than 90% of the commands were delivered: the webhook may have been disabled {logs}"
    );
}
