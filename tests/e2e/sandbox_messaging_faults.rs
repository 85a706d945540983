//! The sandbox's request log and fault injection over real TCP, and shutting it down.

use crate::sandbox_messaging_support;

use std::collections::HashMap;
use std::time::Duration;

use roombot::sandbox::{Family, Fault, FaultOptions, FaultRates, Role, SandboxOptions};
use sandbox_messaging_support::*;
use serde_json::json;

fn only(family: Family, rates: FaultRates, seed: u64) -> FaultOptions {
    FaultOptions {
        seed,
        all: FaultRates::default(),
        per_family: HashMap::from([(family, rates)]),
        broken_next_links: false,
    }
}

#[tokio::test]
async fn the_request_log_records_what_was_called_and_by_whom() {
    let sandbox = start().await;
    let ada = sandbox.person(Role::Admin).clone();
    let room = ada.direct_room_id.clone().unwrap();
    post(
        &sandbox,
        &ada.token,
        "/messages",
        json!({"roomId": room, "text": "hi"}),
    )
    .await;
    get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages?roomId={room}&max=3"),
    )
    .await;
    let log = sandbox.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("POST", "/v1/messages")
    );
    assert_eq!(log[0].body, Some(json!({"roomId": room, "text": "hi"})));
    assert_eq!(
        (log[0].status, log[0].caller_email.as_deref()),
        (200, Some("ada.admin@example.com"))
    );
    assert_eq!(
        log[1].query.as_deref(),
        Some(format!("roomId={room}&max=3").as_str())
    );
    assert_eq!(
        (log[1].body.as_ref(), log[1].caller_email.as_deref()),
        (None, Some("roombot-demo@webex.bot"))
    );
    assert!(log.iter().all(|r| r.fault.is_none() && r.delay.is_zero()));
    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_for_the_chosen_family_only() {
    let rates = FaultRates {
        rate_limited: 1.0,
        retry_after_secs: 7,
        ..FaultRates::default()
    };
    let sandbox = start_with(SandboxOptions {
        faults: only(Family::Messages, rates, 1),
        ..SandboxOptions::default()
    })
    .await;
    let room = sandbox.direct_room(Role::Admin).unwrap().to_owned();
    let limited = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages?roomId={room}"),
    )
    .await;
    assert_webex_error(&limited, 429);
    assert_eq!(limited.headers["retry-after"], "7");
    assert_eq!(
        get(&sandbox, sandbox.bot_token(), "/people/me")
            .await
            .status,
        200
    );
    let log = sandbox.requests();
    assert_eq!(
        log[0].fault,
        Some(Fault::RateLimited {
            retry_after_secs: 7
        })
    );
    assert_eq!(log[1].fault, None);
}

#[tokio::test]
async fn server_errors_are_5xx_in_the_webex_shape() {
    let rates = FaultRates {
        server_errors: 1.0,
        ..FaultRates::default()
    };
    let sandbox = start_with(SandboxOptions {
        faults: only(Family::People, rates, 3),
        ..SandboxOptions::default()
    })
    .await;
    for _ in 0..8 {
        let answer = get(&sandbox, sandbox.bot_token(), "/people/me").await;
        assert!(
            [500, 502, 503, 504].contains(&answer.status),
            "{}",
            answer.status
        );
        assert_webex_error(&answer, answer.status);
    }
}

#[tokio::test]
async fn a_dropped_connection_gives_the_client_no_answer() {
    let rates = FaultRates {
        dropped: 1.0,
        ..FaultRates::default()
    };
    let sandbox = start_with(SandboxOptions {
        faults: only(Family::Webhooks, rates, 5),
        ..SandboxOptions::default()
    })
    .await;
    // hyper aborts the connection before any status line is written.
    let outcome = client()
        .get(format!("{}/webhooks", sandbox.base_url()))
        .bearer_auth(sandbox.bot_token())
        .send()
        .await;
    assert!(
        outcome.is_err(),
        "expected a transport error, got {outcome:?}"
    );
    let log = sandbox.requests();
    assert_eq!(
        (log[0].status, log[0].fault.clone()),
        (0, Some(Fault::Dropped))
    );
}

async fn statuses(seed: u64) -> Vec<u16> {
    let rates = FaultRates {
        rate_limited: 0.3,
        server_errors: 0.3,
        retry_after_secs: 1,
        ..FaultRates::default()
    };
    let sandbox = start_with(SandboxOptions {
        faults: only(Family::People, rates, seed),
        ..SandboxOptions::default()
    })
    .await;
    let mut out = Vec::new();
    for _ in 0..30 {
        out.push(
            get(&sandbox, sandbox.bot_token(), "/people/me")
                .await
                .status,
        );
    }
    out
}

#[tokio::test]
async fn faults_are_deterministic_by_seed() {
    let first = statuses(42).await;
    assert_eq!(first, statuses(42).await);
    assert_ne!(first, statuses(43).await);
    assert!(first.contains(&200) && first.contains(&429) && first.iter().any(|s| *s >= 500));
}

#[tokio::test]
async fn latency_is_drawn_from_the_configured_range_and_faults_can_change_at_runtime() {
    let sandbox = start().await;
    let latency = (Duration::from_millis(2), Duration::from_millis(6));
    let rates = FaultRates {
        latency: Some(latency),
        ..FaultRates::default()
    };
    sandbox.set_faults(FaultOptions {
        seed: 9,
        all: rates,
        per_family: HashMap::new(),
        broken_next_links: false,
    });
    for _ in 0..5 {
        assert_eq!(
            get(&sandbox, sandbox.bot_token(), "/rooms").await.status,
            200
        );
    }
    let delays: Vec<Duration> = sandbox.requests().iter().map(|r| r.delay).collect();
    assert!(
        delays.iter().all(|d| *d >= latency.0 && *d <= latency.1),
        "{delays:?}"
    );
    sandbox.set_faults(FaultOptions::none());
    sandbox.clear_requests();
    get(&sandbox, sandbox.bot_token(), "/rooms").await;
    assert!(sandbox.requests()[0].delay.is_zero());
}

#[tokio::test]
async fn after_shutdown_nothing_listens() {
    let sandbox = start().await;
    let base = sandbox.base_url();
    assert_eq!(
        get(&sandbox, sandbox.bot_token(), "/people/me")
            .await
            .status,
        200
    );
    sandbox.shutdown().await;
    let refused = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{base}/people/me"))
        .send()
        .await;
    assert!(refused.is_err());
}
