//! Start-up never dies on a transient Webex error: while `GET /people/me` or the webhook sync
//! fail, `/healthz` answers, `/readyz` says what it waits for and deliveries get 503; once Webex
//! answers, roombot gets ready on its own. `roombot sandbox --fault-rate 0.3` starts.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use roombot::app::Application;
use roombot::sandbox::{Family, FaultOptions, FaultRates, Sandbox, SandboxOptions};
use tokio::io::AsyncBufReadExt;
use tokio::sync::oneshot;

use crate::served_support::get;
use crate::support::{WAIT, settings_for};

const BIN: &str = env!("CARGO_BIN_EXE_roombot");

/// Every call of `family` answers 503.
fn failing(family: Family) -> FaultOptions {
    FaultOptions {
        per_family: HashMap::from([(
            family,
            FaultRates {
                server_errors: 1.0,
                ..FaultRates::default()
            },
        )]),
        ..FaultOptions::default()
    }
}

/// `GET /readyz` until its body contains `text`.
async fn readyz_until(addr: std::net::SocketAddr, text: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let body = reqwest::get(format!("http://{addr}/readyz"))
            .await
            .expect("readyz answers")
            .text()
            .await
            .unwrap_or_default();
        if body.contains(text) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz never said {text:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_failing_people_me_keeps_roombot_alive_and_not_ready_until_webex_answers() {
    let sandbox = Sandbox::start(
        SandboxOptions {
            faults: failing(Family::People),
            ..SandboxOptions::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_for(
        &sandbox,
        dir.path(),
        &[("ROOMBOT__WEBEX__RETRY_BACKOFF_MS", "20")],
    );
    let app = Application::build(settings)
        .await
        .expect("builds without Webex");
    let addr = app.local_addr();
    let readiness = app.readiness();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));

    let waiting = readyz_until(addr, "GET /people/me failed, retrying").await;
    assert!(waiting.starts_with("not ready"), "{waiting}");
    let (status, _) = get(addr, "/readyz", WAIT).await.unwrap();
    assert_eq!(status, 503);
    let (status, _) = get(addr, "/healthz", WAIT).await.unwrap();
    assert_eq!(status, 200, "alive while not ready");
    let delivery = reqwest::Client::new()
        .post(format!("http://{addr}/webhooks/webex"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        delivery.status(),
        503,
        "deliveries wait until the bot knows who it is"
    );
    assert!(!readiness.is_ready());

    sandbox.set_faults(FaultOptions::none());
    tokio::time::timeout(WAIT, readiness.wait_ready())
        .await
        .expect("ready once Webex answers");
    let ready = readyz_until(addr, "webex: ok (identity known").await;
    assert!(ready.starts_with("ready"), "{ready}");
    let (status, _) = get(addr, "/readyz", WAIT).await.unwrap();
    assert_eq!(status, 200);
    stop.send(()).unwrap();
    task.await.unwrap().expect("a clean stop");
}

#[tokio::test]
async fn a_failing_webhook_sync_is_retried_until_the_webhooks_exist() {
    let sandbox = Sandbox::start(
        SandboxOptions {
            faults: failing(Family::Webhooks),
            ..SandboxOptions::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_for(
        &sandbox,
        dir.path(),
        &[
            ("ROOMBOT__SERVER__SYNC_WEBHOOKS_ON_START", "true"),
            ("ROOMBOT__SERVER__PUBLIC_URL", "https://roombot.example.com"),
            ("ROOMBOT__WEBEX__RETRY_BACKOFF_MS", "20"),
        ],
    );
    let app = Application::build(settings).await.unwrap();
    let addr = app.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));

    let waiting = readyz_until(addr, "webhooks: waiting (sync failed, retrying").await;
    assert!(waiting.contains("webex: ok"), "{waiting}");
    assert!(sandbox.webhooks().is_empty());
    sandbox.set_faults(FaultOptions::none());
    readyz_until(addr, "webhooks: ok (synced)").await;
    let mut names: Vec<String> = sandbox.webhooks().into_iter().map(|w| w.name).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "roombot arrivals",
            "roombot card actions",
            "roombot departures",
            "roombot messages"
        ]
    );
    stop.send(()).unwrap();
    task.await.unwrap().expect("a clean stop");
}

#[tokio::test]
async fn the_sandbox_command_starts_under_thirty_percent_faults() {
    let mut child = tokio::process::Command::new(BIN)
        .args(["sandbox", "--listen", "127.0.0.1:0", "--fault-rate", "0.3"])
        .env_clear()
        .env("ROOMBOT__LOG__LEVEL", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let started = tokio::time::timeout(Duration::from_secs(90), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("Ctrl-C stops") {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    let exited = child.try_wait().unwrap();
    let _ = child.kill().await;
    assert!(started, "roombot sandbox did not start (exit: {exited:?})");
}
