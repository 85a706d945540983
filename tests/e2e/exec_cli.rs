//! `roombot exec` for admins' scripts, as a separate process: against an organisation given
//! only by the serving settings (here a sandbox the test starts, reached through
//! `ROOMBOT__WEBEX__API_BASE` and the credentials, never `--sandbox`), as the person
//! `--as-email`, with plain text or one JSON document, exit codes 0/1/2 and `--yes`.

use std::process::Output;

use roombot::sandbox::{
    Family, FaultOptions, FaultRates, Role, Sandbox, SandboxHandle, SandboxOptions,
};
use serde_json::Value;

/// The variables `roombot serve` would run with against `sandbox`.
fn serving_env(sandbox: &SandboxHandle, store: &std::path::Path) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token().to_owned()),
        ("ROOMBOT__WEBEX__API_BASE", sandbox.base_url()),
        (
            "ROOMBOT__WEBEX__WEBHOOK_SECRET",
            "exec-test-secret".to_owned(),
        ),
        (
            "ROOMBOT__STORE__PATH",
            store.join("roombot.db").display().to_string(),
        ),
        (
            "ROOMBOT__ACCESS__ADMINS",
            sandbox.person(Role::Admin).email.clone(),
        ),
        (
            "ROOMBOT__ACCESS__OPERATORS",
            sandbox.person(Role::Operator).email.clone(),
        ),
        ("ROOMBOT__LOG__LEVEL", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let admin = roombot::demo::admin_env(sandbox).expect("the sandbox issues admin access");
    env.extend(admin.into_iter().map(|(k, v)| (k.to_owned(), v)));
    env
}

struct Org {
    sandbox: SandboxHandle,
    env: Vec<(String, String)>,
    _store: tempfile::TempDir,
}

async fn org() -> Org {
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let store = tempfile::tempdir().unwrap();
    let env = serving_env(&sandbox, store.path());
    Org {
        sandbox,
        env,
        _store: store,
    }
}

impl Org {
    /// `roombot exec <args…>` with the serving settings, nothing else in its environment.
    async fn exec(&self, args: &[&str]) -> Output {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
            .arg("exec")
            .args(args)
            .env_clear()
            .envs(self.env.iter().cloned())
            .current_dir(std::env::temp_dir())
            .output()
            .await
            .expect("roombot runs")
    }

    fn email(&self, role: Role) -> String {
        self.sandbox.person(role).email.clone()
    }

    fn mute_of(&self, device: &str) -> Option<String> {
        let id = self
            .sandbox
            .org()
            .workspace_snapshots()
            .into_iter()
            .flat_map(|w| w.devices)
            .find(|d| d.display_name == device)
            .expect("the device")
            .id;
        self.sandbox
            .org()
            .device_snapshot(&id)
            .and_then(|d| d.microphones_mute)
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn exec_runs_against_the_organisation_of_the_settings_as_the_person_named() {
    let org = org().await;
    assert_eq!(org.mute_of("4B Room Kit Pro").as_deref(), Some("Off"));
    let operator = org.email(Role::Operator);
    let done = org.exec(&["--as-email", &operator, "mute room 4B"]).await;
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert_eq!(
        org.mute_of("4B Room Kit Pro").as_deref(),
        Some("On"),
        "the command reached the organisation of the settings, not a sandbox of its own"
    );
    let text = stdout(&done);
    assert!(text.contains("Muted room 4B"), "{text}");
    assert!(
        !text.contains('\\') && !text.contains("**") && !text.contains('`'),
        "plain text, no markdown: {text}"
    );
    let xapi = org
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1/xapi/command"))
        .count();
    assert_eq!(xapi, 1);
}

#[tokio::test]
async fn exec_exit_codes_say_done_refused_or_bad_usage() {
    let org = org().await;
    let viewer = org.email(Role::Viewer);
    let operator = org.email(Role::Operator);
    let read = org.exec(&["--as-email", &viewer, "status 4B"]).await;
    assert_eq!(read.status.code(), Some(0), "{read:?}");
    let refused = org.exec(&["--as-email", &viewer, "mute 4B"]).await;
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(stdout(&refused).contains("needs the operator role"));
    let unparsed = org.exec(&["--as-email", &operator, "stauts 4B"]).await;
    assert_eq!(unparsed.status.code(), Some(2), "{unparsed:?}");
    let no_person = org.exec(&["mute 4B"]).await;
    assert_eq!(no_person.status.code(), Some(2), "{no_person:?}");
    assert!(String::from_utf8_lossy(&no_person.stderr).contains("--as-email"));
    assert_eq!(org.mute_of("4B Room Kit Pro").as_deref(), Some("Off"));
}

#[tokio::test]
async fn exec_yes_confirms_and_json_is_one_document() {
    let org = org().await;
    let operator = org.email(Role::Operator);
    let asked = org
        .exec(&["--as-email", &operator, "--json", "reboot 4B"])
        .await;
    assert_eq!(asked.status.code(), Some(1), "waits for a confirmation");
    let document: Value = serde_json::from_str(&stdout(&asked)).expect("one JSON document");
    assert_eq!(document["result"], "awaiting_confirmation");
    assert_eq!(document["card"]["type"], "AdaptiveCard");
    assert!(document["markdown"].as_str().unwrap().contains("Restart"));
    let boots = |org: &Org| {
        org.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/SystemUnit.Boot"))
            .count()
    };
    assert_eq!(boots(&org), 0);
    let confirmed = org
        .exec(&["--as-email", &operator, "--yes", "--json", "reboot 4B"])
        .await;
    assert_eq!(confirmed.status.code(), Some(0), "{confirmed:?}");
    let document: Value = serde_json::from_str(&stdout(&confirmed)).expect("one JSON document");
    assert_eq!(document["result"], "done", "{document}");
    assert_eq!(boots(&org), 1);
}

#[tokio::test]
async fn exec_exits_1_when_webex_fails_some_or_all_calls() {
    let mut org = org().await;
    // Status reads are retried after a 5xx: give up after a second.
    org.env.push((
        "ROOMBOT__WEBEX__RETRY_DEADLINE_SECS".to_owned(),
        "1".to_owned(),
    ));
    let operator = org.email(Role::Operator);
    let mut faults = FaultOptions::none();
    faults.per_family.insert(
        Family::Xapi,
        FaultRates {
            server_errors: 1.0,
            ..FaultRates::default()
        },
    );
    org.sandbox.set_faults(faults);
    for command in ["mute all", "status all"] {
        let run = org
            .exec(&["--as-email", &operator, "--yes", "--json", command])
            .await;
        assert_eq!(run.status.code(), Some(1), "{command}: {run:?}");
        let document: Value = serde_json::from_str(&stdout(&run)).expect("one JSON document");
        assert_eq!(document["result"], "failed", "{command}: {document}");
    }
}
