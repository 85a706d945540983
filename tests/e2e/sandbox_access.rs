//! Per-workspace grants and what callers see under enforced access: the bot and people see only
//! the devices of workspaces granted to them, with the grant as `permissions` (one grant per
//! workspace, so 4B's two devices agree); admins see every device; people who may not change
//! configurations see `NOT_AUTHORIZED`; permissive access keeps the stored permissions;
//! the request log tells which token made which call.

use crate::sandbox_messaging_support::{Answer, assert_webex_error, call, get, loopback, post};

use reqwest::Method;
use roombot::sandbox::access::scopes;
use roombot::sandbox::{Access, Grant, Role, Sandbox, SandboxHandle, SandboxOptions, TokenKind};
use serde_json::{Value, json};

async fn enforced() -> SandboxHandle {
    Sandbox::start(SandboxOptions::enforced(), loopback())
        .await
        .expect("sandbox starts")
}

/// `displayName` → `permissions` of every device `token` lists.
async fn listed(sandbox: &SandboxHandle, token: &str) -> Vec<(String, Value)> {
    let answer = get(sandbox, token, "/devices?max=1000").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["displayName"].as_str().unwrap().to_owned(),
                d["permissions"].clone(),
            )
        })
        .collect()
}

fn permissions_of<'a>(devices: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    devices.iter().find(|(n, _)| n == name).map(|(_, p)| p)
}

fn device_id(sandbox: &SandboxHandle, name: &str) -> String {
    let workspaces = sandbox.org().workspace_snapshots();
    let device = workspaces
        .iter()
        .flat_map(|w| &w.devices)
        .find(|d| d.display_name == name);
    device
        .unwrap_or_else(|| panic!("no device {name}"))
        .id
        .clone()
}

fn workspace_id(sandbox: &SandboxHandle, name: &str) -> String {
    let workspaces = sandbox.org().workspace_snapshots();
    let found = workspaces.iter().find(|w| w.display_name == name);
    found
        .unwrap_or_else(|| panic!("no workspace {name}"))
        .id
        .clone()
}

async fn command(sandbox: &SandboxHandle, token: &str, device: &str) -> Answer {
    let body = json!({"deviceId": device, "arguments": {"Level": 30}});
    post(sandbox, token, "/xapi/command/Audio.Volume.Set", body).await
}

#[tokio::test]
async fn the_bot_sees_only_granted_workspaces_and_holds_their_grant() {
    let sandbox = enforced().await;
    let bot = sandbox.bot_token().to_owned();
    let devices = listed(&sandbox, &bot).await;
    let full = json!(["xapi:all"]);
    let read_only = json!(["xapi:readonly"]);
    // One grant per workspace: 4B's Navigator gets what its Room Kit Pro gets.
    assert_eq!(permissions_of(&devices, "4B Room Kit Pro"), Some(&full));
    assert_eq!(permissions_of(&devices, "4B Navigator"), Some(&full));
    assert_eq!(
        permissions_of(&devices, "Big Conference Board Pro"),
        Some(&read_only)
    );
    assert_eq!(
        permissions_of(&devices, "Big Conference Navigator"),
        Some(&read_only)
    );
    assert_eq!(
        permissions_of(&devices, "Lobby Room Bar Pro"),
        None,
        "no grant, not listed"
    );
    assert_eq!(
        permissions_of(&devices, "Alex Kim Desk Mini"),
        None,
        "a personal device"
    );
    let filtered = get(&sandbox, &bot, "/devices?permission=xapi:readonly&max=100").await;
    let names: Vec<&str> = filtered.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["displayName"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Big Conference Board Pro") && !names.contains(&"4B Navigator"));

    let lobby = device_id(&sandbox, "Lobby Room Bar Pro");
    assert_webex_error(
        &get(&sandbox, &bot, &format!("/devices/{lobby}")).await,
        404,
    );
    assert_webex_error(&command(&sandbox, &bot, &lobby).await, 404);
    let big = device_id(&sandbox, "Big Conference Board Pro");
    assert_webex_error(&command(&sandbox, &bot, &big).await, 403);
    let status = get(
        &sandbox,
        &bot,
        &format!("/xapi/status?deviceId={big}&name=Audio.Volume"),
    )
    .await;
    assert_eq!(status.status, 200, "read-only may read status");
    let navigator = device_id(&sandbox, "4B Navigator");
    assert_eq!(command(&sandbox, &bot, &navigator).await.status, 200);

    // An admin grants the lobby in Control Hub: the bot sees it from then on.
    let bot_email = sandbox.bot().email.clone();
    let lobby_ws = workspace_id(&sandbox, "Lobby SJ");
    sandbox
        .set_grant(&bot_email, &lobby_ws, Some(Grant::ReadOnly))
        .unwrap();
    let devices = listed(&sandbox, &bot).await;
    assert_eq!(
        permissions_of(&devices, "Lobby Room Bar Pro"),
        Some(&read_only)
    );
}

#[tokio::test]
async fn admins_see_every_device_and_people_only_their_grants() {
    let sandbox = enforced().await;
    let ada = sandbox.person(Role::Admin).token.clone();
    let all = listed(&sandbox, &ada).await;
    assert_eq!(all.len(), sandbox.org().device_count());
    // Every device but the desk phone, which has no xapi capability.
    assert!(
        all.iter().all(|(name, p)| *p == json!(["xapi:all"])
            || (name == "Phone Booth 8865" && *p == json!([]))),
        "{all:?}"
    );

    let vera = sandbox.person(Role::Viewer).token.clone();
    let mut seen: Vec<String> = listed(&sandbox, &vera)
        .await
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "4B Navigator",
            "4B Room Kit Pro",
            "Big Conference Board Pro",
            "Big Conference Navigator"
        ]
    );
    let four_b = device_id(&sandbox, "4B Room Kit Pro");
    assert_webex_error(&command(&sandbox, &vera, &four_b).await, 403);
    let oscar = sandbox.person(Role::Operator).token.clone();
    assert_eq!(command(&sandbox, &oscar, &four_b).await.status, 200);
    let otto = sandbox.person(Role::Outsider).token.clone();
    assert!(
        listed(&sandbox, &otto).await.is_empty(),
        "another organisation sees nothing"
    );
}

#[tokio::test]
async fn people_who_may_not_change_configurations_see_not_authorized() {
    let sandbox = enforced().await;
    let device = device_id(&sandbox, "4B Room Kit Pro");
    let path = format!("/deviceConfigurations?deviceId={device}");
    let vera = sandbox.person(Role::Viewer).token.clone();
    let seen = get(&sandbox, &vera, &path).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    let items = seen.body["items"].as_object().unwrap();
    assert!(!items.is_empty());
    for (key, item) in items {
        assert_eq!(
            item["sources"]["configured"]["editability"],
            json!({"isEditable": false, "reason": "NOT_AUTHORIZED"}),
            "{key}"
        );
    }
    let ada = sandbox.person(Role::Admin).token.clone();
    let admin_view = get(&sandbox, &ada, &path).await;
    assert_eq!(
        admin_view.body["items"]["Audio.DefaultVolume"]["sources"]["configured"]["editability"],
        json!({"isEditable": true})
    );
    let change =
        r#"[{"op":"replace","path":"Audio.DefaultVolume/sources/configured/value","value":70}]"#;
    let patch = |token: &str| {
        crate::sandbox_messaging_support::client()
            .patch(format!("{}{path}", sandbox.base_url()))
            .bearer_auth(token)
            .header("content-type", "application/json-patch+json")
            .body(change)
            .send()
    };
    assert_eq!(patch(&vera).await.unwrap().status(), 403);
    assert_eq!(patch(sandbox.bot_token()).await.unwrap().status(), 403);
    assert_eq!(patch(&ada).await.unwrap().status(), 200);
    let bot_read = get(&sandbox, sandbox.bot_token(), &path).await;
    assert_webex_error(&bot_read, 403);

    // An admin's integration without the write scope reads but may not change.
    let integration = sandbox.register_integration("reader", &["http://127.0.0.1:9/cb"]);
    let admin = sandbox.person(Role::Admin).email.clone();
    let reader = sandbox
        .issue_tokens(
            &integration.client_id,
            &admin,
            &[scopes::ADMIN_DEVICES_READ],
        )
        .unwrap()
        .access_token;
    let read = get(&sandbox, &reader, &path).await;
    assert_eq!(
        read.body["items"]["Audio.DefaultVolume"]["sources"]["configured"]["editability"]["reason"],
        "NOT_AUTHORIZED"
    );
    assert_eq!(patch(&reader).await.unwrap().status(), 403);
}

#[tokio::test]
async fn permissive_access_keeps_stored_permissions_and_lets_any_token_call() {
    let options = SandboxOptions {
        access: Access::Permissive,
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options, loopback()).await.unwrap();
    assert_eq!(sandbox.access(), Access::Permissive);
    let bot = sandbox.bot_token().to_owned();
    let devices = listed(&sandbox, &bot).await;
    assert_eq!(permissions_of(&devices, "4B Navigator"), Some(&json!([])));
    assert_eq!(
        permissions_of(&devices, "Lobby Room Bar Pro"),
        Some(&json!([]))
    );
    assert_eq!(
        permissions_of(&devices, "Nordlys Board 55S"),
        Some(&json!(["xapi"]))
    );
    assert_eq!(get(&sandbox, &bot, "/workspaces").await.status, 200);
    let caller = sandbox.caller(&bot).unwrap();
    assert!(!caller.enforced && caller.kind == TokenKind::Bot);
}

#[tokio::test]
async fn the_request_log_names_the_token_behind_each_call() {
    let sandbox = enforced().await;
    let integration = sandbox.register_integration("roombot", &["http://127.0.0.1:9/cb"]);
    let refresh = sandbox.admin_refresh_token(&integration.client_id).unwrap();
    let admin = sandbox
        .issue_tokens(
            &integration.client_id,
            "ada.admin@example.com",
            scopes::ADMIN_ALL,
        )
        .unwrap()
        .access_token;
    let device = device_id(&sandbox, "4B Room Kit Pro");
    sandbox.clear_requests();
    let change = json!([{"op": "replace", "path": "Audio.DefaultVolume/sources/configured/value", "value": 65}]);
    let patched = crate::sandbox_messaging_support::client()
        .patch(format!(
            "{}/deviceConfigurations?deviceId={device}",
            sandbox.base_url()
        ))
        .bearer_auth(&admin)
        .header("content-type", "application/json-patch+json")
        .body(change.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    assert_eq!(
        command(&sandbox, sandbox.bot_token(), &device).await.status,
        200
    );
    let unknown = call(&sandbox, Some("nope"), Method::GET, "/devices", None).await;
    assert_webex_error(&unknown, 401);

    let log = sandbox.requests();
    let patch = log.iter().find(|r| r.method == "PATCH").unwrap();
    let token = patch.token.as_ref().unwrap();
    assert_eq!(
        (token.kind, token.email.as_str(), token.client_id.as_deref()),
        (
            TokenKind::Integration,
            "ada.admin@example.com",
            Some(integration.client_id.as_str())
        )
    );
    let xapi = log.iter().find(|r| r.path.starts_with("/v1/xapi")).unwrap();
    assert_eq!(xapi.token.as_ref().unwrap().kind, TokenKind::Bot);
    assert_eq!(log.last().unwrap().token, None);
    let shown = format!("{log:?}");
    for secret in [&admin, &refresh, &integration.client_secret] {
        assert!(!shown.contains(secret.as_str()), "a secret in the log");
    }
}
