//! `FakeWebex`: a typed wiremock DSL with one method per Webex endpoint, a catch-all 500 that
//! names unmatched requests, fixtures, and helpers for paused-time tests.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use roombot::webex::{CallRecord, ClientConfig, LocationKind, WebexClient};
use secrecy::SecretString;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use url::Url;
use wiremock::matchers::{any, body_json, header, header_regex, method, path, query_param};
use wiremock::{Match, Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate};

/// The bearer token the fake accepts; tests check it never leaks.
pub const TOKEN: &str = "test-token-never-log-me";

/// A fake Webex API on loopback.
pub struct FakeWebex {
    server: MockServer,
}

/// Reads `tests/fixtures/webex/<name>`.
pub fn fixture(name: &str) -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/webex")
        .join(name);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("fixture {file:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {file:?} is not JSON: {e}"))
}

/// Answers anything no other mock matched with a 500 naming the request.
struct Unmatched;

impl Respond for Unmatched {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body);
        let message = format!(
            "fake Webex: unmatched request {} {} body {body}",
            request.method, request.url
        );
        ResponseTemplate::new(500).set_body_json(serde_json::json!({
            "message": message, "errors": [{"description": "no mock matched"}], "trackingId": "FAKE_UNMATCHED"
        }))
    }
}

/// Matches when no query parameter has the literal value `null`.
struct NoNullQueryValue;

impl Match for NoNullQueryValue {
    fn matches(&self, request: &Request) -> bool {
        request.url.query_pairs().all(|(_, v)| v != "null")
    }
}

impl FakeWebex {
    /// Starts the fake with its catch-all.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(Unmatched)
            .with_priority(u8::MAX)
            .named("catch-all")
            .mount(&server)
            .await;
        Self { server }
    }

    /// `http://127.0.0.1:PORT/v1` (no trailing slash, as in the settings).
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("{}/v1", self.server.uri())).expect("wiremock URI is a URL")
    }

    /// A client configuration pointing at the fake.
    pub fn config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(self.base_url(), SecretString::from(TOKEN));
        config.timeout = Duration::from_secs(5);
        config
    }

    /// A client for the fake.
    pub fn client(&self) -> WebexClient {
        WebexClient::new(self.config()).expect("client builds")
    }

    /// The underlying server (received requests).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Any endpoint by method and path below `/v1`.
    pub fn endpoint(&self, http_method: &str, api_path: &str) -> Endpoint<'_> {
        let builder = Mock::given(method(http_method))
            .and(path(format!("/v1/{api_path}")))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header_regex(
                "trackingid",
                r"^ROOMBOT_[0-9a-f]{8}-[0-9a-f-]{27}$",
            ))
            .and(NoNullQueryValue);
        Endpoint {
            fake: self,
            builder,
            response: ResponseTemplate::new(200),
            expect: None,
            times: None,
        }
    }

    pub fn me(&self) -> Endpoint<'_> {
        self.endpoint("GET", "people/me")
    }
    pub fn get_person(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("GET", &format!("people/{id}"))
    }
    pub fn create_message(&self) -> Endpoint<'_> {
        self.endpoint("POST", "messages")
            .content_type("application/json")
    }
    pub fn get_message(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("GET", &format!("messages/{id}"))
    }
    pub fn list_messages(&self) -> Endpoint<'_> {
        self.endpoint("GET", "messages")
    }
    pub fn update_message(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("PUT", &format!("messages/{id}"))
            .content_type("application/json")
    }
    pub fn delete_message(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("DELETE", &format!("messages/{id}"))
    }
    pub fn get_attachment_action(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("GET", &format!("attachment/actions/{id}"))
    }
    pub fn create_attachment_action(&self) -> Endpoint<'_> {
        self.endpoint("POST", "attachment/actions")
            .content_type("application/json")
    }
    pub fn list_webhooks(&self) -> Endpoint<'_> {
        self.endpoint("GET", "webhooks")
    }
    pub fn create_webhook(&self) -> Endpoint<'_> {
        self.endpoint("POST", "webhooks")
            .content_type("application/json")
    }
    pub fn update_webhook(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("PUT", &format!("webhooks/{id}"))
            .content_type("application/json")
    }
    pub fn delete_webhook(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("DELETE", &format!("webhooks/{id}"))
    }
    pub fn list_devices(&self) -> Endpoint<'_> {
        self.endpoint("GET", "devices")
    }
    pub fn get_device(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("GET", &format!("devices/{id}"))
    }
    pub fn patch_device(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("PATCH", &format!("devices/{id}"))
            .content_type("application/json-patch+json")
    }
    pub fn delete_device(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("DELETE", &format!("devices/{id}"))
    }
    pub fn create_activation_code(&self) -> Endpoint<'_> {
        self.endpoint("POST", "devices/activationCode")
            .content_type("application/json")
    }
    pub fn get_configurations(&self, device: &str) -> Endpoint<'_> {
        self.endpoint("GET", "deviceConfigurations")
            .query("deviceId", device)
    }
    pub fn patch_configurations(&self, device: &str) -> Endpoint<'_> {
        self.endpoint("PATCH", "deviceConfigurations")
            .query("deviceId", device)
            .content_type("application/json-patch+json")
    }
    pub fn xapi_command(&self, name: &str) -> Endpoint<'_> {
        self.endpoint("POST", &format!("xapi/command/{name}"))
            .content_type("application/json")
    }
    pub fn xapi_status(&self, device: &str) -> Endpoint<'_> {
        self.endpoint("GET", "xapi/status")
            .query("deviceId", device)
    }
    pub fn list_workspaces(&self) -> Endpoint<'_> {
        self.endpoint("GET", "workspaces")
    }
    pub fn get_workspace(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("GET", &format!("workspaces/{id}"))
    }
    pub fn create_workspace(&self) -> Endpoint<'_> {
        self.endpoint("POST", "workspaces")
            .content_type("application/json")
    }
    pub fn update_workspace(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("PUT", &format!("workspaces/{id}"))
            .content_type("application/json")
    }
    pub fn delete_workspace(&self, id: &str) -> Endpoint<'_> {
        self.endpoint("DELETE", &format!("workspaces/{id}"))
    }
    /// `kind` root: `workspaceLocations` or `locations`.
    pub fn location_root(kind: LocationKind) -> &'static str {
        match kind {
            LocationKind::Workspace => "workspaceLocations",
            LocationKind::Org => "locations",
        }
    }
}

/// One mock under construction.
pub struct Endpoint<'a> {
    fake: &'a FakeWebex,
    builder: MockBuilder,
    response: ResponseTemplate,
    expect: Option<u64>,
    times: Option<u64>,
}

impl Endpoint<'_> {
    /// Requires `key=value` in the query.
    pub fn query(mut self, key: &str, value: &str) -> Self {
        self.builder = self.builder.and(query_param(key, value));
        self
    }

    /// Requires `key` to be absent from the query.
    pub fn no_query(mut self, key: &str) -> Self {
        self.builder = self
            .builder
            .and(wiremock::matchers::query_param_is_missing(key));
        self
    }

    /// Requires this exact JSON body.
    pub fn body(mut self, body: Value) -> Self {
        self.builder = self.builder.and(body_json(body));
        self
    }

    /// Requires this `Content-Type`.
    pub fn content_type(mut self, value: &str) -> Self {
        self.builder = self.builder.and(header("content-type", value));
        self
    }

    /// Answers 200 with a fixture.
    pub fn returns_fixture(self, name: &str) -> Self {
        self.returns(200, fixture(name))
    }

    /// Answers `status` with a JSON body.
    pub fn returns(mut self, status: u16, body: Value) -> Self {
        self.response = ResponseTemplate::new(status).set_body_json(body);
        self
    }

    /// Answers with a full template (headers, delays).
    pub fn respond(mut self, response: ResponseTemplate) -> Self {
        self.response = response;
        self
    }

    /// Answers 204 without a body.
    pub fn no_content(mut self) -> Self {
        self.response = ResponseTemplate::new(204);
        self
    }

    /// Must be called exactly `n` times (checked when the fake drops).
    pub fn expect(mut self, n: u64) -> Self {
        self.expect = Some(n);
        self
    }

    /// Answers only the first `n` matching requests.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    pub async fn mount(self) {
        let mut mock = self.builder.respond_with(self.response);
        if let Some(n) = self.times {
            mock = mock.up_to_n_times(n);
        }
        if let Some(n) = self.expect {
            mock = mock.expect(n);
        }
        mock.mount(&self.fake.server).await;
    }
}

/// Every attempt the client reports, stamped with the (possibly paused) tokio clock.
pub struct Calls {
    rx: mpsc::UnboundedReceiver<(Instant, CallRecord)>,
}

impl Calls {
    /// The next attempt; panics after 10 s of real time so a broken retry cannot hang CI.
    pub async fn next(&mut self) -> (Instant, CallRecord) {
        let guard = real_time_guard(Duration::from_secs(10));
        tokio::select! {
            call = self.rx.recv() => call.expect("client alive"),
            _ = guard => panic!("no further Webex call within 10 s of real time"),
        }
    }

    /// Attempts already reported.
    pub fn drain(&mut self) -> Vec<CallRecord> {
        std::iter::from_fn(|| self.rx.try_recv().ok())
            .map(|(_, c)| c)
            .collect()
    }
}

/// A client built from `config` whose attempts are reported to the returned [`Calls`].
pub fn observed_client(config: ClientConfig) -> (WebexClient, Calls) {
    let (tx, rx) = mpsc::unbounded_channel();
    let client = WebexClient::new(config)
        .expect("client builds")
        .with_observer(Arc::new(move |c: &CallRecord| {
            let _ = tx.send((Instant::now(), c.clone()));
        }));
    (client, Calls { rx })
}

/// Fires after `after` of real time, from a detached thread (paused tokio time cannot fire it).
fn real_time_guard(after: Duration) -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        let _ = tx.send(());
    });
    rx
}

/// Advances paused time by `by`, then lets every task it woke run before returning, so a
/// retry that was due inside `by` starts at `by`, not at a later advance.
pub async fn advance_and_settle(by: Duration) {
    tokio::time::advance(by).await;
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
}

/// Keeps paused tokio time from auto-advancing while it lives.
///
/// Under `start_paused`, an idle runtime jumps to the next timer: while the client waits for the
/// fake's real socket, that would fire the request timeout. A running `spawn_blocking` task
/// inhibits auto-advance (current-thread runtime), so time moves only by `tokio::time::advance`.
pub struct ClockHold {
    release: Option<std::sync::mpsc::Sender<()>>,
}

impl ClockHold {
    pub fn new() -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        tokio::task::spawn_blocking(move || {
            let _ = rx.recv();
        });
        Self { release: Some(tx) }
    }
}

impl Drop for ClockHold {
    fn drop(&mut self) {
        self.release.take();
    }
}
