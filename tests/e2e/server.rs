//! The HTTP server over real TCP: `/healthz`, graceful shutdown finishing an in-flight request,
//! and the binary's exit codes (`healthcheck`, bad settings).

use std::process::Stdio;
use std::time::Duration;

use roombot::app::Application;
use roombot::sandbox::{Sandbox, SandboxOptions};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const BIN: &str = env!("CARGO_BIN_EXE_roombot");

use crate::support;

async fn start() -> (
    std::net::SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = support::settings_for(&sandbox, dir.path(), &[]);
    let app = Application::build(settings).await.unwrap();
    // The sandbox and the store directory live as long as the test process.
    std::mem::forget(sandbox);
    std::mem::forget(dir);
    let addr = app.local_addr();
    let readiness = app.readiness();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        app.run_until_stopped(async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    tokio::time::timeout(support::WAIT, readiness.wait_ready())
        .await
        .expect("roombot gets ready");
    (addr, stop, task)
}

#[tokio::test]
async fn healthz_answers_ok_over_tcp() {
    let (addr, _stop, _task) = start().await;
    let response = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn graceful_shutdown_finishes_an_in_flight_request() {
    let (addr, stop, task) = start().await;
    let body = br#"{"resource":"messages","event":"created","data":{"id":"M1"}}"#;
    let signature = roombot::webhook::signature::sign(support::SECRET.as_bytes(), body);
    let head = format!(
        "POST /webhooks/webex HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Spark-Signature: {signature}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // Send the head and half the body: the request is now in flight, waiting for the rest.
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..10]).await.unwrap();
    stream.flush().await.unwrap();
    // Make sure the server has accepted and started reading the request before stopping it.
    let probe = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(probe.status(), 200);

    stop.send(()).unwrap();
    tokio::task::yield_now().await;
    assert!(
        !task.is_finished(),
        "the server must wait for the in-flight request"
    );
    stream.write_all(&body[10..]).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the listener is closed after shutdown"
    );
}

#[tokio::test]
async fn healthcheck_exits_0_for_a_healthy_server_and_1_otherwise() {
    let (addr, _stop, _task) = start().await;
    let healthy = tokio::process::Command::new(BIN)
        .args(["healthcheck", "--url", &format!("http://{addr}")])
        .output()
        .await
        .unwrap();
    assert_eq!(healthy.status.code(), Some(0), "{healthy:?}");

    // A port nothing listens on: bind one, then free it.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let unhealthy = tokio::process::Command::new(BIN)
        .env("ROOMBOT__SERVER__LISTEN", free.to_string())
        .arg("healthcheck")
        .output()
        .await
        .unwrap();
    assert_eq!(unhealthy.status.code(), Some(1), "{unhealthy:?}");
}

#[tokio::test]
async fn a_config_file_with_a_syntax_error_exits_2_naming_the_line_but_not_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roombot.toml");
    std::fs::write(
        &file,
        "[webex]\ntoken = \"t\"\nwebhook_secret = \"hook-very-secret\n",
    )
    .unwrap();
    let output = tokio::process::Command::new(BIN)
        .arg("--config")
        .arg(&file)
        .arg("serve")
        .env_clear()
        .current_dir(dir.path())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("webex.webhook_secret"),
        "{stderr}"
    );
    assert!(!stderr.contains("very-secret"), "{stderr}");
}

#[tokio::test]
async fn bad_settings_exit_2_with_one_line_naming_the_setting() {
    let cases = [
        (vec![], "ROOMBOT__WEBEX__TOKEN"),
        (
            vec![("ROOMBOT__WEBEX__TOKEN", "t")],
            "ROOMBOT__WEBEX__WEBHOOK_SECRET",
        ),
        (
            vec![("ROOMBOT__WEBEX__API_BASE", "nope")],
            "ROOMBOT__WEBEX__API_BASE",
        ),
        (
            vec![("ROOMBOT__SERVER__LISTEN", "nope")],
            "ROOMBOT__SERVER__LISTEN",
        ),
    ];
    for (env, named) in cases {
        let output = tokio::process::Command::new(BIN)
            .arg("serve")
            .env_clear()
            .envs(env.iter().copied())
            .current_dir(std::env::temp_dir())
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{env:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{env:?}: {stderr}");
        assert!(stderr.contains(named), "{env:?}: {stderr}");
    }
}

#[tokio::test]
async fn serve_logs_never_contain_the_token_or_secret() {
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    // Webex is the sandbox: nothing may leave loopback.
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .arg("serve")
        .env_clear()
        .env("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token())
        .env(
            "ROOMBOT__WEBEX__API_BASE",
            with_password(&sandbox.base_url()),
        )
        .env("ROOMBOT__WEBEX__WEBHOOK_SECRET", "hook-very-secret")
        .env(
            "ROOMBOT__SERVER__PUBLIC_URL",
            "https://roombot.example.com/?key=query-very-secret",
        )
        .env("ROOMBOT__SERVER__LISTEN", free.to_string())
        .env("ROOMBOT__LOG__LEVEL", "debug")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it serves, then stop it with SIGTERM and read everything it logged.
    // Read the log until the server says it listens (no polling), then stop it with SIGTERM.
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let up = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(line)) = stderr.next_line().await {
            log.push_str(&line);
            log.push('\n');
            if line.contains("roombot is listening") {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    let healthy = reqwest::get(format!("http://{free}/healthz"))
        .await
        .is_ok_and(|r| r.status() == 200);
    let pid = child.id().unwrap();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let output = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(line)) = stderr.next_line().await {
            log.push_str(&line);
            log.push('\n');
        }
        let status = child.wait().await.unwrap();
        (status, log)
    })
    .await
    .unwrap();
    assert!(healthy, "serve does not answer /healthz: {}", output.1);
    assert!(up, "serve did not come up: {}", output.1);
    assert!(
        output.0.success(),
        "SIGTERM is a clean stop: {:?} {}",
        output.0,
        output.1
    );
    assert!(output.1.contains("starting roombot serve"), "{}", output.1);
    assert!(!output.1.contains("very-secret"), "{}", output.1);
    assert!(!output.1.contains(sandbox.bot_token()), "{}", output.1);
}

/// `http://user:pw-very-secret@127.0.0.1:…/v1`: a base URL with credentials in it.
fn with_password(base: &str) -> String {
    let mut url = url::Url::parse(base).unwrap();
    url.set_username("user").unwrap();
    url.set_password(Some("pw-very-secret")).unwrap();
    url.to_string()
}
