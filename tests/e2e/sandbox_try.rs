//! Trying roombot on a fresh machine: `roombot sandbox` wiring (sandbox + bot as in production),
//! `roombot exec --sandbox`, and the full chat-page flow in headless Chromium: send
//! `mute room 4B`, see the card, click Unmute, see the microphones change in the side panel.

use std::path::PathBuf;
use std::time::Duration;

use roombot::demo::{Demo, DemoOptions};
use roombot::sandbox::Role;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> DemoOptions {
    DemoOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        devices: None,
        seed: 1,
        latency: Duration::ZERO,
        fault_rate: 0.0,
        bot_only: false,
        intake: roombot::settings::IntakeMode::Webhook,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_wires_the_bot_through_webhooks_like_production() {
    let demo = Demo::start(&options()).await.unwrap();
    let hooks = demo.sandbox.webhooks();
    assert_eq!(hooks.len(), 4, "{hooks:#?}");
    assert!(
        hooks
            .iter()
            .all(|h| h.secret.is_some() && h.target_url.starts_with("http://127.0.0.1:"))
    );
    let (markdown, card) = demo
        .ask(Role::Operator, "help", Duration::from_secs(20))
        .await
        .unwrap();
    assert!(markdown.contains("help"), "{markdown}");
    assert!(card.is_some());
    let deliveries = demo.sandbox.deliveries();
    assert!(
        deliveries
            .iter()
            .any(|d| d.signature.is_some() && d.succeeded()),
        "{deliveries:#?}"
    );
    demo.stop().await;
}

#[tokio::test]
async fn exec_prints_the_reply_and_the_card_json() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
        .args(["exec", "--sandbox", "--json", "help mute"])
        .env_clear()
        .env("ROOMBOT__LOG__LEVEL", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert!(
        document["markdown"]
            .as_str()
            .unwrap()
            .contains("mute room 4B"),
        "{document}"
    );
    assert_eq!(document["card"]["type"], "AdaptiveCard", "{document}");
}

#[tokio::test]
async fn exec_plan_prints_the_plan_without_running_it() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
        .args(["exec", "--sandbox", "--plan", "reboot tag earlyAdopters"])
        .env_clear()
        .env("ROOMBOT__LOG__LEVEL", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.contains("Plan: reboot tag earlyAdopters"),
        "{stdout}"
    );
    assert!(
        stdout.contains("xCommand SystemUnit.Boot Action: Restart"),
        "plain text, no markdown escapes: {stdout}"
    );
    assert!(stdout.contains("4 called"), "{stdout}");
}

#[tokio::test]
async fn exec_without_a_person_or_the_sandbox_is_bad_usage() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
        .args(["exec", "help"])
        .env_clear()
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--as-email"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_mute_then_unmute_changes_the_side_panel() {
    crate::cards_support::require_web_tools(true);
    let demo = Demo::start(&options()).await.unwrap();
    let screenshot = root().join("artifacts/chat/mute-unmute.png");
    let output = tokio::process::Command::new("node")
        .arg(root().join("web/chat/browser-test.mjs"))
        .arg(demo.page_url())
        .arg(&screenshot)
        .current_dir(root())
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser test failed:\n{stderr}\n{stdout}"
    );
    assert!(screenshot.exists());
    // The page drove the real path: the bot muted, then unmuted, the Room Kit Pro in 4B.
    let calls: Vec<String> = demo
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/v1/xapi/command/"))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        calls,
        [
            "/v1/xapi/command/Audio.Microphones.Mute",
            "/v1/xapi/command/Audio.Microphones.Unmute"
        ]
    );
    demo.stop().await;
}
