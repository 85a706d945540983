//! The sandbox chat page over real HTTP: the console endpoints (`/_sandbox/config`, `org`,
//! `requests`), the page and its assets, and a headless Chromium run of
//! `web/chat/browser-test.mjs --smoke` (people and spaces listed, typed messages reach the
//! sandbox). The full mute → Unmute flow needs the bot and runs where `roombot sandbox` is wired.
//! Needs `scripts/setup` (Debian's chromium and `npm ci` in web/).

use std::path::PathBuf;
use std::time::Duration;

use roombot::sandbox::console::OrgPanel;
use roombot::sandbox::{Role, Sandbox, SandboxHandle, SandboxOptions};
use serde_json::Value;

async fn start() -> SandboxHandle {
    let addr = "127.0.0.1:0".parse().expect("literal address");
    Sandbox::start(SandboxOptions::default(), addr)
        .await
        .expect("sandbox starts")
}

fn origin(sandbox: &SandboxHandle) -> String {
    sandbox.base_url().trim_end_matches("/v1").to_owned()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn get(sandbox: &SandboxHandle, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", origin(sandbox)))
        .send()
        .await
        .expect("the sandbox answers")
}

async fn get_json(sandbox: &SandboxHandle, path: &str) -> Value {
    let response = get(sandbox, path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("JSON body")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn config_names_people_tokens_rooms_and_the_bot_without_a_token() {
    let sandbox = start().await;
    let config = get_json(&sandbox, "/_sandbox/config").await;
    assert_eq!(config["bot"]["id"], sandbox.bot_id());
    assert_eq!(config["bot"]["firstName"], "Roombot");
    assert_eq!(config["opsRoom"]["id"], sandbox.ops_room().as_str());
    let people = config["people"].as_array().expect("people");
    assert_eq!(people.len(), 4);
    let oscar = sandbox.person(Role::Operator);
    let listed = people
        .iter()
        .find(|p| p["role"] == "operator")
        .expect("an operator");
    assert_eq!(listed["token"], oscar.token.as_str());
    assert_eq!(listed["displayName"], "Oscar Operator");
    assert_eq!(
        listed["directRoomId"],
        sandbox.direct_room(Role::Operator).expect("a 1:1 room")
    );
    assert!(
        sandbox.requests().is_empty(),
        "console calls must stay out of the Webex request log"
    );
}

#[tokio::test]
async fn org_is_the_organisations_panel_view() {
    let sandbox = start().await;
    let org = get_json(&sandbox, "/_sandbox/org").await;
    assert!(org["workspaces"].is_array(), "{org}");
    assert_eq!(org["workspaces"], sandbox.org().panel_workspaces());
}

#[tokio::test]
async fn requests_lists_the_bots_calls_as_they_happen() {
    let sandbox = start().await;
    let http = client();
    let me = format!("{}/people/me", sandbox.base_url());
    let bot = http.get(&me).bearer_auth(sandbox.bot_token()).send().await;
    assert_eq!(bot.expect("answer").status(), 200);
    let oscar = &sandbox.person(Role::Operator).token;
    let person = http.get(&me).bearer_auth(oscar).send().await;
    assert_eq!(person.expect("answer").status(), 200);
    let unknown = http.get(&me).bearer_auth("nobody").send().await;
    assert_eq!(unknown.expect("answer").status(), 401);

    let everyone = get_json(&sandbox, "/_sandbox/requests?since=0").await;
    assert_eq!(everyone["next"], 3);
    let items = everyone["items"].as_array().expect("items");
    let seen: Vec<(&str, &str, u64, bool)> = items
        .iter()
        .map(|i| {
            let method = i["method"].as_str().unwrap_or_default();
            let path = i["path"].as_str().unwrap_or_default();
            (
                method,
                path,
                i["status"].as_u64().unwrap_or(0),
                i["bot"] == true,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/v1/people/me", 200, true),
            ("GET", "/v1/people/me", 200, false),
            ("GET", "/v1/people/me", 401, false),
        ]
    );
    let bot_only = get_json(&sandbox, "/_sandbox/requests?since=0&who=bot").await;
    assert_eq!(bot_only["items"].as_array().map(Vec::len), Some(1));
    let nothing_new = get_json(&sandbox, "/_sandbox/requests?since=3&who=bot").await;
    assert_eq!(nothing_new["items"], serde_json::json!([]));
    assert_eq!(nothing_new["next"], 3);
    assert_eq!(sandbox.requests().len(), 3, "console calls are not logged");
}

#[tokio::test]
async fn the_page_and_its_assets_are_served() {
    let sandbox = start().await;
    let page = get(&sandbox, "/").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("html");
    assert!(page.contains("<title>roombot sandbox</title>"), "{page}");
    for (path, kind) in [
        ("/assets/app.js", "text/javascript"),
        ("/assets/chat.css", "text/css"),
        ("/assets/vendor/adaptivecards.min.js", "text/javascript"),
        ("/assets/vendor/adaptivecards.css", "text/css"),
        ("/assets/vendor/markdown-it.min.js", "text/javascript"),
    ] {
        let response = get(&sandbox, path).await;
        let status = response.status();
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, 200, "{path}: {body}");
        assert!(content_type.starts_with(kind), "{path}: {content_type}");
        assert!(body.len() > 100, "{path} is too short");
    }
    for path in ["/assets/browser-test.mjs", "/assets/vendor/nothing.js"] {
        assert_eq!(get(&sandbox, path).await.status(), 404, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_the_page_lists_people_and_spaces_and_posts_what_is_typed() {
    crate::cards_support::require_web_tools(true);
    let sandbox = start().await;
    let screenshot = root().join("artifacts/chat/smoke.png");
    let output = tokio::process::Command::new("node")
        .arg(root().join("web/chat/browser-test.mjs"))
        .arg(format!("{}/", origin(&sandbox)))
        .arg(&screenshot)
        .arg("--smoke")
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
    let summary: Value = serde_json::from_str(stdout.trim()).expect("a JSON summary");
    let roles: Vec<&str> = summary["people"]
        .as_array()
        .expect("people")
        .iter()
        .filter_map(|p| p["role"].as_str())
        .collect();
    assert_eq!(roles, ["admin", "operator", "viewer", "outsider"]);
    assert_eq!(
        summary["spaces"],
        serde_json::json!(["Roombot Demo", "Ops Barcelona"])
    );
    assert!(
        screenshot.exists(),
        "no screenshot at {}",
        screenshot.display()
    );

    let oscar = sandbox.person(Role::Operator).id.clone();
    let direct = sandbox.direct_room(Role::Operator).expect("a 1:1 room");
    let typed = sandbox.messages(direct);
    assert_eq!(typed.len(), 1, "{typed:?}");
    assert_eq!(typed[0].person_id, oscar);
    assert_eq!(
        typed[0].text.as_deref(),
        Some("hello from the browser <b>not bold</b>")
    );
    let ops = sandbox.messages(&sandbox.ops_room());
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(ops[0].text.as_deref(), Some("Roombot status room 4B"));
    assert_eq!(ops[0].mentioned_people, [sandbox.bot_id().to_owned()]);
}
