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

async fn walk_messaging(w: &mut Walk, f: &Fixture) {
    w.call(Method::GET, "/people/me", Body::Empty, 200).await;
    w.call(
        Method::GET,
        &format!("/people/{}", f.ada_id),
        Body::Empty,
        200,
    )
    .await;
    w.call(
        Method::GET,
        "/people?email=ada.admin@example.com",
        Body::Empty,
        200,
    )
    .await;
    let text = json!({"toPersonEmail": f.otto, "text": "walk"});
    let posted = w
        .call(Method::POST, "/messages", Body::Json(text), 200)
        .await;
    let message = id_or(&posted, "none");
    let room = posted["roomId"].as_str().unwrap_or("none").to_owned();
    let card = json!({"contentType": "application/vnd.microsoft.card.adaptive",
                      "content": {"type": "AdaptiveCard", "version": "1.3", "body": []}});
    let with_card = json!({"toPersonEmail": f.otto, "markdown": "card", "attachments": [card]});
    let card_message = id_or(
        &w.call(Method::POST, "/messages", Body::Json(with_card), 200)
            .await,
        "none",
    );
    w.call(
        Method::GET,
        &format!("/messages/direct?personEmail={}", f.otto),
        Body::Empty,
        200,
    )
    .await;
    w.call(
        Method::GET,
        &format!("/messages?roomId={room}"),
        Body::Empty,
        200,
    )
    .await;
    w.call(
        Method::GET,
        &format!("/messages/{message}"),
        Body::Empty,
        200,
    )
    .await;
    let edit = json!({"roomId": room, "text": "edited"});
    w.call(
        Method::PUT,
        &format!("/messages/{message}"),
        Body::Json(edit),
        200,
    )
    .await;
    let click = json!({"type": "submit", "messageId": card_message, "inputs": {}});
    let action = w
        .call(Method::POST, "/attachment/actions", Body::Json(click), 202)
        .await;
    let action = id_or(&action, "none");
    w.call(
        Method::GET,
        &format!("/attachment/actions/{action}"),
        Body::Empty,
        200,
    )
    .await;
    w.call(
        Method::DELETE,
        &format!("/messages/{message}"),
        Body::Empty,
        204,
    )
    .await;
    w.call(Method::GET, "/rooms", Body::Empty, 200).await;
    w.call(Method::GET, &format!("/rooms/{room}"), Body::Empty, 200)
        .await;
    w.call(
        Method::GET,
        &format!("/memberships?roomId={room}"),
        Body::Empty,
        200,
    )
    .await;
}

async fn walk_webhooks(w: &mut Walk) {
    let hook = json!({"name": "walk", "targetUrl": "http://127.0.0.1:9/hook",
                      "resource": "messages", "event": "created"});
    let created = w
        .call(Method::POST, "/webhooks", Body::Json(hook), 200)
        .await;
    let id = id_or(&created, "none");
    w.call(Method::GET, "/webhooks", Body::Empty, 200).await;
    w.call(Method::GET, &format!("/webhooks/{id}"), Body::Empty, 200)
        .await;
    let update =
        json!({"name": "walk 2", "targetUrl": "http://127.0.0.1:9/hook", "status": "active"});
    w.call(
        Method::PUT,
        &format!("/webhooks/{id}"),
        Body::Json(update),
        200,
    )
    .await;
    w.call(Method::DELETE, &format!("/webhooks/{id}"), Body::Empty, 204)
        .await;
}

async fn walk_devices(w: &mut Walk, f: &Fixture) {
    let device = &f.device;
    w.call(Method::GET, "/devices", Body::Empty, 200).await;
    w.call(Method::GET, &format!("/devices/{device}"), Body::Empty, 200)
        .await;
    let tags = json!([{"op": "replace", "path": "tags", "value": ["walk"]}]);
    w.call(
        Method::PATCH,
        &format!("/devices/{device}"),
        Body::Patch(tags),
        200,
    )
    .await;
    let code = json!({"workspaceId": f.workspace});
    w.call(
        Method::POST,
        "/devices/activationCode",
        Body::Json(code),
        200,
    )
    .await;
    let config = format!("/deviceConfigurations?deviceId={device}");
    w.call(Method::GET, &config, Body::Empty, 200).await;
    let change = json!([{"op": "replace", "path": "Audio.DefaultVolume/sources/configured/value", "value": 55}]);
    w.call(Method::PATCH, &config, Body::Patch(change), 200)
        .await;
    let status = format!("/xapi/status?deviceId={device}&name=Audio.Volume");
    w.call(Method::GET, &status, Body::Empty, 200).await;
    let command = json!({"deviceId": device, "arguments": {"Level": 40}});
    w.call(
        Method::POST,
        "/xapi/command/Audio.Volume.Set",
        Body::Json(command),
        200,
    )
    .await;
    w.call(
        Method::DELETE,
        &format!("/devices/{}", f.victim),
        Body::Empty,
        204,
    )
    .await;
}

async fn walk_workspaces(w: &mut Walk, f: &Fixture) {
    w.call(Method::GET, "/workspaces", Body::Empty, 200).await;
    w.call(
        Method::GET,
        &format!("/workspaces/{}", f.workspace),
        Body::Empty,
        200,
    )
    .await;
    let created = w
        .call(
            Method::POST,
            "/workspaces",
            Body::Json(json!({"displayName": "Walk"})),
            201,
        )
        .await;
    let id = id_or(&created, &f.spare_workspace);
    let rename = json!({"displayName": "Walk 2"});
    w.call(
        Method::PUT,
        &format!("/workspaces/{id}"),
        Body::Json(rename),
        200,
    )
    .await;
    w.call(
        Method::DELETE,
        &format!("/workspaces/{id}"),
        Body::Empty,
        204,
    )
    .await;
}

async fn walk_locations(w: &mut Walk, f: &Fixture) {
    w.call(Method::GET, "/locations", Body::Empty, 200).await;
    w.call(
        Method::GET,
        &format!("/locations/{}", f.location),
        Body::Empty,
        200,
    )
    .await;
    let new = json!({"name": "Walk", "timeZone": "Europe/Madrid", "preferredLanguage": "es_ES",
                     "announcementLanguage": "es_es",
                     "address": {"address1": "Carrer 1", "city": "Girona", "country": "ES"}});
    let created = w
        .call(Method::POST, "/locations", Body::Json(new), 201)
        .await;
    let id = id_or(&created, &f.location);
    w.call(
        Method::PUT,
        &format!("/locations/{id}"),
        Body::Json(json!({"name": "Walk 2"})),
        204,
    )
    .await;
    let floors = format!("/locations/{id}/floors");
    w.call(Method::GET, &floors, Body::Empty, 200).await;
    let floor = w
        .call(
            Method::POST,
            &floors,
            Body::Json(json!({"floorNumber": 1})),
            201,
        )
        .await;
    let floor = format!("{floors}/{}", id_or(&floor, &f.floor));
    w.call(Method::GET, &floor, Body::Empty, 200).await;
    w.call(
        Method::PUT,
        &floor,
        Body::Json(json!({"floorNumber": 2})),
        200,
    )
    .await;
    w.call(Method::DELETE, &floor, Body::Empty, 204).await;
    w.call(
        Method::DELETE,
        &format!("/locations/{id}"),
        Body::Empty,
        204,
    )
    .await;
}

async fn walk_workspace_locations(w: &mut Walk, f: &Fixture) {
    w.call(Method::GET, "/workspaceLocations", Body::Empty, 200)
        .await;
    let legacy = format!("/workspaceLocations/{}", f.legacy_location);
    w.call(Method::GET, &legacy, Body::Empty, 200).await;
    let fields = json!({"displayName": "Walk", "address": "Carrer 1, Girona", "countryCode": "ES",
                        "latitude": 41.98, "longitude": 2.82});
    let created = w
        .call(
            Method::POST,
            "/workspaceLocations",
            Body::Json(fields.clone()),
            201,
        )
        .await;
    let id = id_or(&created, &f.legacy_location);
    w.call(
        Method::PUT,
        &format!("/workspaceLocations/{id}"),
        Body::Json(fields),
        200,
    )
    .await;
    let floors = format!("/workspaceLocations/{id}/floors");
    w.call(Method::GET, &floors, Body::Empty, 200).await;
    let floor = w
        .call(
            Method::POST,
            &floors,
            Body::Json(json!({"floorNumber": 3})),
            201,
        )
        .await;
    let floor = format!("{floors}/{}", id_or(&floor, &f.floor));
    w.call(Method::GET, &floor, Body::Empty, 200).await;
    w.call(
        Method::PUT,
        &floor,
        Body::Json(json!({"floorNumber": 4})),
        200,
    )
    .await;
    w.call(Method::DELETE, &floor, Body::Empty, 204).await;
    w.call(
        Method::DELETE,
        &format!("/workspaceLocations/{id}"),
        Body::Empty,
        204,
    )
    .await;
}

async fn walk_service_app(w: &mut Walk) {
    let app = w
        .sandbox
        .register_service_app("Walk app", &[scopes::ADMIN_DEVICES_READ]);
    let body = json!({"clientId": app.client_id, "clientSecret": app.client_secret,
                      "targetOrgId": app.org_id});
    w.call(
        Method::POST,
        &format!("/applications/{}/token", app.id),
        Body::Json(body),
        200,
    )
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
    walk_messaging(&mut w, &f).await;
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
