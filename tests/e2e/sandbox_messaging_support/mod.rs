//! Shared pieces of the sandbox messaging tests: starting a sandbox on loopback, plain reqwest
//! calls with a token, and a tiny webhook receiver that records raw bodies and headers.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing;
use roombot::sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use serde_json::Value;
use tokio::sync::Semaphore;

/// Generous bound for waits (they return as soon as the condition holds).
pub const WAIT: Duration = Duration::from_secs(20);

pub fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().expect("literal address")
}

pub async fn start() -> SandboxHandle {
    start_with(SandboxOptions::default()).await
}

pub async fn start_with(options: SandboxOptions) -> SandboxHandle {
    Sandbox::start(options, loopback())
        .await
        .expect("sandbox starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// A response's status, headers and JSON body (`Null` when empty or not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

pub async fn call(
    sandbox: &SandboxHandle,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{path}", sandbox.base_url())
    };
    let mut request = client().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("sandbox answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

pub async fn get(sandbox: &SandboxHandle, token: &str, path: &str) -> Answer {
    call(sandbox, Some(token), reqwest::Method::GET, path, None).await
}

pub async fn post(sandbox: &SandboxHandle, token: &str, path: &str, body: Value) -> Answer {
    call(
        sandbox,
        Some(token),
        reqwest::Method::POST,
        path,
        Some(body),
    )
    .await
}

pub async fn put(sandbox: &SandboxHandle, token: &str, path: &str, body: Value) -> Answer {
    call(sandbox, Some(token), reqwest::Method::PUT, path, Some(body)).await
}

pub async fn delete(sandbox: &SandboxHandle, token: &str, path: &str) -> Answer {
    call(sandbox, Some(token), reqwest::Method::DELETE, path, None).await
}

/// Asserts the Webex error envelope and the `trackingId` header.
pub fn assert_webex_error(answer: &Answer, status: u16) {
    assert_eq!(answer.status, status, "body: {}", answer.body);
    assert!(answer.body["message"].is_string(), "body: {}", answer.body);
    assert!(
        answer.body["errors"][0]["description"].is_string(),
        "body: {}",
        answer.body
    );
    let tracking = answer.body["trackingId"]
        .as_str()
        .expect("trackingId in body");
    let header = answer.headers.get("trackingId").expect("trackingId header");
    assert_eq!(header.to_str().unwrap(), tracking);
}

/// One request the receiver got.
#[derive(Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A webhook receiver on loopback answering a configurable status.
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    /// When set, each request waits for one permit before answering.
    pub gate: Option<Arc<Semaphore>>,
}

#[derive(Clone)]
struct ReceiverState {
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    gate: Option<Arc<Semaphore>>,
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    state
        .received
        .lock()
        .unwrap()
        .push(Received { headers, body });
    if let Some(gate) = &state.gate {
        gate.acquire().await.expect("gate open").forget();
    }
    StatusCode::from_u16(state.status.load(Ordering::SeqCst)).unwrap()
}

impl Receiver {
    pub async fn start(status: u16) -> Self {
        Self::start_gated(status, None).await
    }

    pub async fn start_gated(status: u16, gate: Option<Arc<Semaphore>>) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(status));
        let state = ReceiverState {
            received: received.clone(),
            status: status.clone(),
            gate: gate.clone(),
        };
        let app = Router::new()
            .route("/hook", routing::post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind(loopback())
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://{addr}/hook"),
            received,
            status,
            gate,
        }
    }

    pub fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}
