//! Shared set-up for the sandbox organisation tests: serves `org::routes` on 127.0.0.1:0 behind
//! a layer that inserts the caller, and small helpers to find demo things by name.
#![allow(dead_code)]

use std::sync::Arc;

use roombot::sandbox::caller::{Caller, TokenKind};
use roombot::sandbox::ids;
use roombot::sandbox::org::{OrgState, routes};
use serde_json::Value;

pub const PATCH_JSON: &str = "application/json-patch+json";

/// A running organisation API.
pub struct TestOrg {
    pub base: String,
    pub http: reqwest::Client,
    pub state: Arc<OrgState>,
}

/// The bot of the demo organisation.
pub fn bot() -> Caller {
    Caller::permissive(
        ids::encode("PEOPLE", "9d1c2f0e-0000-4000-8000-000000000001"),
        "roombot@webex.bot",
        ids::demo_org_id(),
        TokenKind::Bot,
    )
}

/// A person from another organisation.
pub fn outsider() -> Caller {
    Caller::permissive(
        ids::encode("PEOPLE", "9d1c2f0e-0000-4000-8000-000000000002"),
        "eve@elsewhere.example.com",
        ids::encode("ORGANIZATION", "00000000-0000-4000-8000-00000000e1e1"),
        TokenKind::User,
    )
}

/// Serves the demo organisation with a page size of 5 for the bot.
pub async fn demo() -> TestOrg {
    spawn(OrgState::demo().with_default_page_size(5), bot()).await
}

/// Serves `state` for `caller`.
pub async fn spawn(state: OrgState, caller: Caller) -> TestOrg {
    let state = Arc::new(state);
    let app = routes(Arc::clone(&state)).layer(axum::Extension(caller));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    TestOrg {
        base: format!("http://{address}"),
        http: reqwest::Client::new(),
        state,
    }
}

impl TestOrg {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path` with `query`; returns status and JSON body.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .get(self.url(path))
            .query(query)
            .send()
            .await
            .expect("GET");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Sends `body` as JSON with `method`.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .request(method, self.url(path))
            .json(body)
            .send()
            .await
            .expect("send");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// PATCHes `body` with the JSON Patch content type.
    pub async fn json_patch(
        &self,
        path: &str,
        query: &[(&str, &str)],
        body: &Value,
    ) -> (u16, Value) {
        let response = self
            .http
            .patch(self.url(path))
            .query(query)
            .header("content-type", PATCH_JSON)
            .body(body.to_string())
            .send()
            .await
            .expect("PATCH");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Every device (one big page).
    pub async fn all_devices(&self) -> Vec<Value> {
        let (status, body) = self.get("/v1/devices", &[("max", "1000")]).await;
        assert_eq!(status, 200);
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// The id of the device with exactly this display name.
    pub async fn device_id(&self, name: &str) -> String {
        let devices = self.all_devices().await;
        let device = devices.iter().find(|d| d["displayName"] == name);
        device.unwrap_or_else(|| panic!("no device {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The workspace with exactly this display name.
    pub async fn workspace(&self, name: &str) -> Value {
        let (_, body) = self.get("/v1/workspaces", &[("max", "1000")]).await;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        items
            .into_iter()
            .find(|w| w["displayName"] == name)
            .unwrap_or_else(|| panic!("no workspace {name}"))
    }

    /// Runs an xAPI command; returns status and body.
    pub async fn command(&self, device: &str, name: &str, arguments: Value) -> (u16, Value) {
        let body = serde_json::json!({ "deviceId": device, "arguments": arguments });
        self.send(
            reqwest::Method::POST,
            &format!("/v1/xapi/command/{name}"),
            &body,
        )
        .await
    }

    /// Reads status names on a device; returns status and body.
    pub async fn status(&self, device: &str, names: &[&str]) -> (u16, Value) {
        let mut query = vec![("deviceId", device)];
        query.extend(names.iter().map(|n| ("name", *n)));
        self.get("/v1/xapi/status", &query).await
    }
}

/// The error message of a Webex error envelope (also checks its shape).
pub fn error_message(body: &Value) -> String {
    assert!(body["trackingId"].is_string(), "no trackingId in {body}");
    assert!(
        body["errors"][0]["description"].is_string(),
        "no errors[] in {body}"
    );
    body["message"].as_str().unwrap_or_default().to_owned()
}
