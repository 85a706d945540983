//! Soak: 5,000 mixed commands at a steady 100 per second against `roombot serve` as its own
//! process. Every command is answered (once, in its own thread of the Ops room) and the server's
//! resident memory stays flat: after warm-up it grows by less than [`RSS_GROWTH_BOUND_MIB`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use roombot::sandbox::{Role, SandboxOptions};

use crate::served_support::{Served, spawn_served};

const COMMANDS: usize = 5_000;
const EVERY: Duration = Duration::from_millis(10);
/// Growth of resident memory allowed from the end of warm-up (a quarter of the run) to the end.
const RSS_GROWTH_BOUND_MIB: u64 = 24;

/// The `i`-th command of the mix: reads, device actions, lists and help.
fn command(i: usize) -> String {
    match i % 10 {
        0 => "help".to_owned(),
        1 => "status 4B".to_owned(),
        2 => "status Audio.Volume in 4B".to_owned(),
        3 => format!("volume {} in 4B", 20 + i % 60),
        4 => format!("alert \"soak {i}\" in 4B"),
        5 => "devices".to_owned(),
        6 => "workspaces".to_owned(),
        7 => "mute 4B".to_owned(),
        8 => "unmute 4B".to_owned(),
        _ => "devices offline".to_owned(),
    }
}

/// The server's handled-command count from `/metrics`.
async fn handled(server: &Served) -> u64 {
    let Ok(response) = reqwest::get(format!("http://{}/metrics", server.addr)).await else {
        return 0;
    };
    let text = response.text().await.unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with("roombot_commands_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_mixed_commands_are_all_answered_with_flat_memory() {
    let server = Arc::new(spawn_served(SandboxOptions::default(), &[]).await);
    let room = server.sandbox.ops_room();
    let token = server.sandbox.person(Role::Operator).token.clone();
    let mention = server.sandbox.mention_bot();
    let samples = Arc::new(Mutex::new(Vec::new()));
    let sampler = {
        let (server, samples) = (server.clone(), samples.clone());
        tokio::spawn(async move {
            loop {
                samples.lock().unwrap().push(server.rss_kib());
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };

    let started = Instant::now();
    let mut ticker = tokio::time::interval(EVERY);
    let mut posts = tokio::task::JoinSet::new();
    for i in 0..COMMANDS {
        ticker.tick().await;
        let (server, room, token) = (server.clone(), room.clone(), token.clone());
        let markdown = format!("{mention} {}", command(i));
        posts.spawn(async move {
            let sent = server.sandbox.post_as(&token, &room, &markdown).await;
            (i, sent.expect("the sandbox takes the message").id)
        });
    }
    let mut sent = HashMap::new();
    while let Some(result) = posts.join_next().await {
        let (i, id) = result.unwrap();
        sent.insert(id, i);
    }
    let posting = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(120);
    while handled(&server).await < COMMANDS as u64 {
        assert!(Instant::now() < deadline, "not every command was handled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = started.elapsed();
    sampler.abort();

    let bot_id = server.sandbox.bot_id().to_owned();
    let mut replies: HashMap<String, usize> = HashMap::new();
    for m in server.sandbox.messages(&room) {
        if m.person_id == bot_id
            && let Some(parent) = m.parent_id
        {
            *replies.entry(parent).or_default() += 1;
        }
    }
    for (id, i) in &sent {
        assert_eq!(replies.get(id), Some(&1), "command {i} ({})", command(*i));
    }
    let samples = samples.lock().unwrap().clone();
    let warm = samples[samples.len() / 4..samples.len() / 3]
        .iter()
        .max()
        .copied()
        .unwrap_or(0);
    let end = samples[samples.len() * 9 / 10..]
        .iter()
        .max()
        .copied()
        .unwrap_or(0);
    let peak = samples.iter().max().copied().unwrap_or(0);
    let growth_mib = end.saturating_sub(warm) / 1024;
    println!(
        "soak: {COMMANDS} commands posted in {posting:?}, all answered after {took:?}; RSS after \
         warm-up {} MiB, at the end {} MiB (+{growth_mib} MiB), peak {} MiB",
        warm / 1024,
        end / 1024,
        peak / 1024
    );
    assert!(
        growth_mib < RSS_GROWTH_BOUND_MIB,
        "memory grew by {growth_mib} MiB after warm-up"
    );
    let server = Arc::into_inner(server).expect("the only handle left");
    assert!(server.stop().await);
}
