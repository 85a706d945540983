//! Every endpoint roombot calls (src/webex/*.rs), and every other row of the sandbox's access
//! table, walked with every kind of token against an enforcing sandbox: the status must be what
//! the table says (403 in Webex's shape when it refuses, the endpoint's success otherwise), a
//! few cells are also spelled out by hand, and the request log names each call's token.

use crate::sandbox_messaging_support::{client, loopback};

use reqwest::Method;
use roombot::sandbox::access::rules::{RULES, rule_for};
use roombot::sandbox::access::{FORBIDDEN, scopes};
use roombot::sandbox::caller::Caller;
use roombot::sandbox::{Role, Sandbox, SandboxHandle, SandboxOptions, TokenKind};
use serde_json::{Value, json};

/// The messaging scopes an integration may ask for besides the admin ones.
const MESSAGING: &[&str] = &[
    scopes::MESSAGES_READ,
    scopes::MESSAGES_WRITE,
    scopes::ROOMS_READ,
    scopes::MEMBERSHIPS_READ,
    scopes::APPLICATIONS_TOKEN,
];

/// The kinds of token walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bot,
    User,
    Admin,
    AdminIntegration,
    UserIntegration,
    NarrowIntegration,
    ServiceApp,
}

const KINDS: [Kind; 7] = [
    Kind::Bot,
    Kind::User,
    Kind::Admin,
    Kind::AdminIntegration,
    Kind::UserIntegration,
    Kind::NarrowIntegration,
    Kind::ServiceApp,
];

/// A fresh enforcing sandbox and a token of `kind` in it.
async fn token_of(kind: Kind) -> (SandboxHandle, String) {
    let sandbox = Sandbox::start(SandboxOptions::enforced(), loopback())
        .await
        .expect("sandbox starts");
    let ada = sandbox.person(Role::Admin).clone();
    let oscar = sandbox.person(Role::Operator).clone();
    let all: Vec<&str> = scopes::ADMIN_ALL.iter().chain(MESSAGING).copied().collect();
    let integration = sandbox.register_integration("walk", &["http://127.0.0.1:9/cb"]);
    let issue = |email: &str, scopes: &[&str]| {
        sandbox
            .issue_tokens(&integration.client_id, email, scopes)
            .expect("tokens")
            .access_token
    };
    let token = match kind {
        Kind::Bot => sandbox.bot_token().to_owned(),
        Kind::User => oscar.token.clone(),
        Kind::Admin => ada.token.clone(),
        Kind::AdminIntegration => issue(&ada.email, &all),
        Kind::UserIntegration => issue(&oscar.email, &all),
        Kind::NarrowIntegration => issue(
            &ada.email,
            &[
                scopes::PEOPLE_READ,
                scopes::ADMIN_DEVICES_READ,
                scopes::XAPI_STATUSES,
            ],
        ),
        Kind::ServiceApp => service_app_token(&sandbox, &ada.token).await,
    };
    (sandbox, token)
}

async fn service_app_token(sandbox: &SandboxHandle, developer: &str) -> String {
    let app = sandbox.register_service_app("Walker", scopes::ADMIN_ALL);
    let body = json!({"clientId": app.client_id, "clientSecret": app.client_secret,
                      "targetOrgId": app.org_id});
    let url = format!("{}/applications/{}/token", sandbox.base_url(), app.id);
    let response = client()
        .post(url)
        .bearer_auth(developer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

enum Body {
    Empty,
    Json(Value),
    Patch(Value),
}

/// One token's walk: each call is checked against the table as it goes.
struct Walk {
    sandbox: SandboxHandle,
    token: String,
    caller: Caller,
    kind: Kind,
    /// `METHOD /route` → status, in call order.
    seen: Vec<(String, u16)>,
}

impl Walk {
    async fn call(&mut self, method: Method, path: &str, body: Body, ok: u16) -> Value {
        let route = path.split('?').next().unwrap_or(path);
        let rule = rule_for(method.as_str(), &format!("/v1{route}"))
            .unwrap_or_else(|| panic!("no row in the table for {method} {route}"));
        let expected = if rule.allows(&self.caller) { ok } else { 403 };
        let url = format!("{}{path}", self.sandbox.base_url());
        let request = client()
            .request(method.clone(), url)
            .bearer_auth(&self.token);
        let request = match body {
            Body::Empty => request,
            Body::Json(value) => request.json(&value),
            Body::Patch(value) => request
                .header("content-type", "application/json-patch+json")
                .body(value.to_string()),
        };
        let response = request.send().await.expect("sandbox answers");
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let kind = self.kind;
        assert_eq!(status, expected, "{kind:?}: {method} {path} → {answer}");
        if status == 403 {
            assert_eq!(answer["message"], FORBIDDEN, "{kind:?}: {method} {path}");
            assert!(answer["trackingId"].is_string());
        }
        self.seen.push((format!("{method} {}", rule.path), status));
        answer
    }

    async fn get(&mut self, path: impl AsRef<str>, ok: u16) -> Value {
        self.call(Method::GET, path.as_ref(), Body::Empty, ok).await
    }

    async fn delete(&mut self, path: impl AsRef<str>, ok: u16) -> Value {
        self.call(Method::DELETE, path.as_ref(), Body::Empty, ok)
            .await
    }

    async fn post(&mut self, path: impl AsRef<str>, body: Value, ok: u16) -> Value {
        self.call(Method::POST, path.as_ref(), Body::Json(body), ok)
            .await
    }

    async fn put(&mut self, path: impl AsRef<str>, body: Value, ok: u16) -> Value {
        self.call(Method::PUT, path.as_ref(), Body::Json(body), ok)
            .await
    }

    /// PATCH with `application/json-patch+json`.
    async fn patch(&mut self, path: impl AsRef<str>, body: Value, ok: u16) -> Value {
        self.call(Method::PATCH, path.as_ref(), Body::Patch(body), ok)
            .await
    }

    fn status_of(&self, route: &str) -> u16 {
        self.seen
            .iter()
            .find(|(r, _)| r == route)
            .unwrap_or_else(|| panic!("{route} was not walked"))
            .1
    }
}

/// What the walk touches, looked up with the admin's own token before it starts.
struct Fixture {
    device: String,
    victim: String,
    workspace: String,
    spare_workspace: String,
    location: String,
    legacy_location: String,
    floor: String,
    otto: String,
    ada_id: String,
}

async fn fixture(sandbox: &SandboxHandle) -> Fixture {
    let workspaces = sandbox.org().workspace_snapshots();
    let workspace = |name: &str| workspaces.iter().find(|w| w.display_name == name).unwrap();
    let device = |ws: &str, name: &str| {
        let found = workspace(ws)
            .devices
            .iter()
            .find(|d| d.display_name == name);
        found.unwrap().id.clone()
    };
    let locations = admin_get(sandbox, "/locations?name=Barcelona").await;
    let location = locations["items"][0]["id"].as_str().unwrap().to_owned();
    let legacy = admin_get(sandbox, "/workspaceLocations?displayName=Barcelona").await;
    let floors = admin_get(sandbox, &format!("/locations/{location}/floors")).await;
    Fixture {
        device: device("4B", "4B Room Kit Pro"),
        victim: device("Hot Desk 1", "Hot Desk 1 Desk Mini"),
        workspace: workspace("4B").id.clone(),
        spare_workspace: workspace("Quiet Room").id.clone(),
        location,
        legacy_location: legacy["items"][0]["id"].as_str().unwrap().to_owned(),
        floor: floors["items"][0]["id"].as_str().unwrap().to_owned(),
        otto: sandbox.person(Role::Outsider).email.clone(),
        ada_id: sandbox.person(Role::Admin).id.clone(),
    }
}

/// GET `path` with the demo admin's own token.
async fn admin_get(sandbox: &SandboxHandle, path: &str) -> Value {
    let response = client()
        .get(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(&sandbox.person(Role::Admin).token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// The id in `answer`, or `fallback` when the call was refused.
fn id_or(answer: &Value, fallback: &str) -> String {
    answer["id"].as_str().unwrap_or(fallback).to_owned()
}

async fn walk_messages(w: &mut Walk, f: &Fixture) -> String {
    w.get("/people/me", 200).await;
    w.get(format!("/people/{}", f.ada_id), 200).await;
    w.get("/people?email=ada.admin@example.com", 200).await;
    let text = json!({"toPersonEmail": f.otto, "text": "walk"});
    let posted = w.post("/messages", text, 200).await;
    let message = id_or(&posted, "none");
    let room = posted["roomId"].as_str().unwrap_or("none").to_owned();
    w.get(format!("/messages/direct?personEmail={}", f.otto), 200)
        .await;
    w.get(format!("/messages?roomId={room}"), 200).await;
    w.get(format!("/messages/{message}"), 200).await;
    let edit = json!({"roomId": room, "text": "edited"});
    w.put(format!("/messages/{message}"), edit, 200).await;
    w.delete(format!("/messages/{message}"), 204).await;
    room
}

async fn walk_cards_and_rooms(w: &mut Walk, f: &Fixture, room: &str) {
    let card = json!({"contentType": "application/vnd.microsoft.card.adaptive",
                      "content": {"type": "AdaptiveCard", "version": "1.3", "body": []}});
    let with_card = json!({"toPersonEmail": f.otto, "markdown": "card", "attachments": [card]});
    let card_message = id_or(&w.post("/messages", with_card, 200).await, "none");
    let click = json!({"type": "submit", "messageId": card_message, "inputs": {}});
    let action = id_or(&w.post("/attachment/actions", click, 202).await, "none");
    w.get(format!("/attachment/actions/{action}"), 200).await;
    w.get("/rooms", 200).await;
    w.get(format!("/rooms/{room}"), 200).await;
    w.get(format!("/memberships?roomId={room}"), 200).await;
    let space = id_or(
        &w.post("/rooms", json!({"title": "walk"}), 200).await,
        "none",
    );
    let added = json!({"roomId": space, "personEmail": f.otto});
    let membership = id_or(&w.post("/memberships", added, 200).await, "none");
    w.delete(format!("/memberships/{membership}"), 204).await;
}

async fn walk_webhooks(w: &mut Walk) {
    let target = "http://127.0.0.1:9/hook";
    let hook =
        json!({"name": "walk", "targetUrl": target, "resource": "messages", "event": "created"});
    let id = id_or(&w.post("/webhooks", hook, 200).await, "none");
    w.get("/webhooks", 200).await;
    w.get(format!("/webhooks/{id}"), 200).await;
    let update = json!({"name": "walk 2", "targetUrl": target, "status": "active"});
    w.put(format!("/webhooks/{id}"), update, 200).await;
    w.delete(format!("/webhooks/{id}"), 204).await;
}

async fn walk_devices(w: &mut Walk, f: &Fixture) {
    let device = &f.device;
    w.get("/devices", 200).await;
    w.get(format!("/devices/{device}"), 200).await;
    let tags = json!([{"op": "replace", "path": "tags", "value": ["walk"]}]);
    w.patch(format!("/devices/{device}"), tags, 200).await;
    let code = json!({"workspaceId": f.workspace});
    w.post("/devices/activationCode", code, 200).await;
    let config = format!("/deviceConfigurations?deviceId={device}");
    w.get(&config, 200).await;
    let path = "Audio.DefaultVolume/sources/configured/value";
    w.patch(
        &config,
        json!([{"op": "replace", "path": path, "value": 55}]),
        200,
    )
    .await;
    w.get(
        format!("/xapi/status?deviceId={device}&name=Audio.Volume"),
        200,
    )
    .await;
    let command = json!({"deviceId": device, "arguments": {"Level": 40}});
    w.post("/xapi/command/Audio.Volume.Set", command, 200).await;
    w.delete(format!("/devices/{}", f.victim), 204).await;
}

async fn walk_workspaces(w: &mut Walk, f: &Fixture) {
    w.get("/workspaces", 200).await;
    w.get(format!("/workspaces/{}", f.workspace), 200).await;
    let created = w
        .post("/workspaces", json!({"displayName": "Walk"}), 201)
        .await;
    let id = id_or(&created, &f.spare_workspace);
    w.put(
        format!("/workspaces/{id}"),
        json!({"displayName": "Walk 2"}),
        200,
    )
    .await;
    w.delete(format!("/workspaces/{id}"), 204).await;
}

async fn walk_locations(w: &mut Walk, f: &Fixture) {
    w.get("/locations", 200).await;
    w.get(format!("/locations/{}", f.location), 200).await;
    let new = json!({"name": "Walk", "timeZone": "Europe/Madrid", "preferredLanguage": "es_ES",
                     "announcementLanguage": "es_es",
                     "address": {"address1": "Carrer 1", "city": "Girona", "country": "ES"}});
    let id = id_or(&w.post("/locations", new, 201).await, &f.location);
    w.put(format!("/locations/{id}"), json!({"name": "Walk 2"}), 204)
        .await;
    walk_floors(w, &format!("/locations/{id}/floors"), &f.floor).await;
    w.delete(format!("/locations/{id}"), 204).await;
}

async fn walk_workspace_locations(w: &mut Walk, f: &Fixture) {
    w.get("/workspaceLocations", 200).await;
    w.get(format!("/workspaceLocations/{}", f.legacy_location), 200)
        .await;
    let fields = json!({"displayName": "Walk", "address": "Carrer 1, Girona", "countryCode": "ES",
                        "latitude": 41.98, "longitude": 2.82});
    let created = w.post("/workspaceLocations", fields.clone(), 201).await;
    let id = id_or(&created, &f.legacy_location);
    w.put(format!("/workspaceLocations/{id}"), fields, 200)
        .await;
    walk_floors(w, &format!("/workspaceLocations/{id}/floors"), &f.floor).await;
    w.delete(format!("/workspaceLocations/{id}"), 204).await;
}

/// List, create, read, change and delete a floor under `floors`.
async fn walk_floors(w: &mut Walk, floors: &str, fallback: &str) {
    w.get(floors, 200).await;
    let created = w.post(floors, json!({"floorNumber": 1}), 201).await;
    let floor = format!("{floors}/{}", id_or(&created, fallback));
    w.get(&floor, 200).await;
    w.put(&floor, json!({"floorNumber": 2}), 200).await;
    w.delete(&floor, 204).await;
}

async fn walk_service_app(w: &mut Walk) {
    let app = w
        .sandbox
        .register_service_app("Walk app", &[scopes::ADMIN_DEVICES_READ]);
    let body = json!({"clientId": app.client_id, "clientSecret": app.client_secret,
                      "targetOrgId": app.org_id});
    w.post(format!("/applications/{}/token", app.id), body, 200)
        .await;
}

async fn walk(kind: Kind) -> Walk {
    let (sandbox, token) = token_of(kind).await;
    let f = fixture(&sandbox).await;
    let caller = sandbox.caller(&token).expect("a valid token");
    sandbox.clear_requests();
    let mut w = Walk {
        sandbox,
        token,
        caller,
        kind,
        seen: Vec::new(),
    };
    let room = walk_messages(&mut w, &f).await;
    walk_cards_and_rooms(&mut w, &f, &room).await;
    walk_webhooks(&mut w).await;
    walk_devices(&mut w, &f).await;
    walk_workspaces(&mut w, &f).await;
    walk_locations(&mut w, &f).await;
    walk_workspace_locations(&mut w, &f).await;
    walk_service_app(&mut w).await;
    w
}

#[tokio::test]
async fn every_endpoint_answers_every_kind_of_token_as_the_table_says() {
    for kind in KINDS {
        let w = walk(kind).await;
        for rule in RULES {
            let route = format!("{} {}", rule.method, rule.path);
            assert!(
                w.seen.iter().any(|(r, _)| *r == route),
                "{route} not walked"
            );
        }
        let log = w.sandbox.requests();
        assert_eq!(
            log.len(),
            w.seen.len(),
            "{kind:?}: one logged request per call"
        );
        let expected_kind = match kind {
            Kind::Bot => TokenKind::Bot,
            Kind::User => TokenKind::User,
            Kind::Admin => TokenKind::Admin,
            Kind::ServiceApp => TokenKind::ServiceApp,
            _ => TokenKind::Integration,
        };
        for entry in &log {
            let token = entry.token.as_ref().expect("the log names the token");
            assert_eq!(
                token.kind, expected_kind,
                "{kind:?}: {} {}",
                entry.method, entry.path
            );
        }
        check_by_hand(&w);
    }
}

/// Cells of the table spelled out, so the walk does not only agree with itself.
fn check_by_hand(w: &Walk) {
    let by_kind: &[(&str, [u16; 7])] = &[
        // bot, user, admin, admin int., user int., narrow int., service app
        ("GET /v1/devices", [200, 200, 200, 200, 200, 200, 200]),
        (
            "PATCH /v1/devices/{id}",
            [403, 403, 200, 200, 403, 403, 200],
        ),
        (
            "GET /v1/deviceConfigurations",
            [403, 200, 200, 200, 200, 200, 200],
        ),
        (
            "PATCH /v1/deviceConfigurations",
            [403, 403, 200, 200, 403, 403, 200],
        ),
        (
            "POST /v1/xapi/command/{name}",
            [200, 200, 200, 200, 200, 403, 200],
        ),
        ("GET /v1/xapi/status", [200, 200, 200, 200, 200, 200, 200]),
        ("GET /v1/workspaces", [403, 403, 200, 200, 403, 403, 200]),
        (
            "POST /v1/devices/activationCode",
            [403, 403, 200, 200, 403, 403, 200],
        ),
        ("GET /v1/locations", [403, 403, 200, 200, 403, 403, 200]),
        ("POST /v1/messages", [200, 200, 200, 200, 200, 403, 403]),
        (
            "POST /v1/applications/{id}/token",
            [403, 200, 200, 200, 200, 403, 403],
        ),
    ];
    let column = KINDS.iter().position(|k| *k == w.kind).unwrap();
    for (route, statuses) in by_kind {
        assert_eq!(
            w.status_of(route),
            statuses[column],
            "{:?}: {route}",
            w.kind
        );
    }
}
