//! [`SandboxHandle`]: what a test (or `roombot sandbox`) holds on a running sandbox. It names
//! the demo identities and rooms, reads the request log and webhook deliveries, waits for
//! messages and deliveries without sleeping (a version counter wakes waiters on every change),
//! and acts as a person through the real HTTP API (`post_as`, `click`). Credentials (OAuth
//! integrations, service apps, token expiry and revocation) and grants: `handle/credentials.rs`.

mod credentials;
mod mercury;
mod spaces;

pub use mercury::SocketCounts;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::demo_people::{DemoPerson, Role, ops_room_id};
use super::faults::{FaultOptions, Faults};
use super::mentions::spark_mention;
use super::model::{AttachmentAction, Delivery, Message, Webhook};
use super::org::OrgState;
use super::request_log::LoggedRequest;
use super::state::Shared;

/// What can go wrong when driving the sandbox from its handle.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listening socket could not be opened.
    #[error("could not bind the sandbox to {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// An HTTP call to the sandbox failed.
    #[error("request to the sandbox failed")]
    Http(#[from] reqwest::Error),
    /// The sandbox answered with an error status.
    #[error("the sandbox answered {status}: {body}")]
    Api { status: u16, body: String },
    /// A wait ran out.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout { after: Duration, what: &'static str },
    /// The sandbox knows no such thing (person, integration, …).
    #[error("the sandbox knows no {0}")]
    Unknown(String),
}

/// A running sandbox.
pub struct SandboxHandle {
    shared: Arc<Shared>,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    pub(crate) fn new(
        shared: Arc<Shared>,
        stop: oneshot::Sender<()>,
        task: JoinHandle<()>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap_or_default();
        Self {
            shared,
            http,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The API base, `http://127.0.0.1:PORT/v1` (what `ROOMBOT__WEBEX__API_BASE` should be).
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.shared.origin)
    }

    /// The bot's identity.
    pub fn bot(&self) -> &DemoPerson {
        self.shared.bot()
    }

    /// The bot's bearer token (`sandbox-bot-token`).
    pub fn bot_token(&self) -> &str {
        &self.shared.bot().token
    }

    /// The bot's REST person id.
    pub fn bot_id(&self) -> &str {
        &self.shared.bot().id
    }

    /// The demo identity playing `role` (each role has exactly one).
    pub fn person(&self, role: Role) -> &DemoPerson {
        self.shared
            .people
            .iter()
            .find(|p| p.role == role)
            .unwrap_or_else(|| self.shared.bot())
    }

    /// The demo identity with `email` (case-insensitive).
    pub fn person_by_email(&self, email: &str) -> Option<&DemoPerson> {
        self.shared.person_by_email(email)
    }

    /// Every demo identity, the bot first.
    pub fn people(&self) -> &[DemoPerson] {
        &self.shared.people
    }

    /// The 1:1 room between `role`'s person and the bot (`None` for [`Role::Bot`]).
    pub fn direct_room(&self, role: Role) -> Option<&str> {
        self.person(role).direct_room_id.as_deref()
    }

    /// The id of the "Ops Barcelona" group room (every demo person and the bot are members).
    pub fn ops_room(&self) -> String {
        ops_room_id()
    }

    /// A spark-mention of the bot as a Webex client writes it:
    /// `<spark-mention data-object-type="person" data-object-id="BOT_ID">Roombot</spark-mention>`.
    pub fn mention_bot(&self) -> String {
        spark_mention(&self.shared.bot().id, &self.shared.bot().first_name)
    }

    /// The organisation's state (devices, workspaces, …).
    pub fn org(&self) -> Arc<OrgState> {
        Arc::clone(&self.shared.org)
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Replaces the fault settings (draws start over from the new seed).
    pub fn set_faults(&self, options: FaultOptions) {
        *self.shared.faults.lock().unwrap_or_else(|e| e.into_inner()) = Faults::new(options);
    }

    /// The messages of `room_id`, oldest first (whoever may see them).
    pub fn messages(&self, room_id: &str) -> Vec<Message> {
        let store = self.shared.store();
        store
            .messages
            .iter()
            .filter(|m| m.message.room_id == room_id)
            .map(|m| m.message.clone())
            .collect()
    }

    /// Every attachment action, oldest first.
    pub fn attachment_actions(&self) -> Vec<AttachmentAction> {
        self.shared.store().actions.clone()
    }

    /// Every webhook, whoever owns it.
    pub fn webhooks(&self) -> Vec<Webhook> {
        self.shared
            .store()
            .webhooks
            .iter()
            .map(|w| w.webhook.clone())
            .collect()
    }

    /// Every finished webhook delivery attempt, in completion order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.store().deliveries.clone()
    }

    /// Waits until a message of `room_id` satisfies `matches` (existing ones count).
    pub async fn wait_for_message(
        &self,
        room_id: &str,
        matches: impl Fn(&Message) -> bool,
        timeout: Duration,
    ) -> Result<Message, SandboxError> {
        self.wait_until("a message", timeout, || {
            self.messages(room_id).into_iter().find(|m| matches(m))
        })
        .await
    }

    /// Waits until a finished delivery satisfies `matches` (existing ones count).
    pub async fn wait_for_delivery(
        &self,
        matches: impl Fn(&Delivery) -> bool,
        timeout: Duration,
    ) -> Result<Delivery, SandboxError> {
        self.wait_until("a webhook delivery", timeout, || {
            self.deliveries().into_iter().find(|d| matches(d))
        })
        .await
    }

    /// Waits until every delivery dispatched so far has finished; returns all deliveries.
    ///
    /// Deliveries are dispatched before the API call that caused them answers, so after a
    /// `POST /messages` has returned, this sees its deliveries (or knows there were none).
    pub async fn wait_for_deliveries_settled(
        &self,
        timeout: Duration,
    ) -> Result<Vec<Delivery>, SandboxError> {
        self.wait_until("deliveries to settle", timeout, || {
            (self.shared.pending_deliveries() == 0).then(|| self.deliveries())
        })
        .await
    }

    /// Waits until the webhook `id` satisfies `matches` (e.g. `status == "inactive"`).
    pub async fn wait_for_webhook(
        &self,
        id: &str,
        matches: impl Fn(&Webhook) -> bool,
        timeout: Duration,
    ) -> Result<Webhook, SandboxError> {
        self.wait_until("a webhook state", timeout, || {
            self.webhooks()
                .into_iter()
                .find(|w| w.id == id && matches(w))
        })
        .await
    }

    /// Polls `probe` after every state change until it yields, or `timeout` passes.
    async fn wait_until<T>(
        &self,
        what: &'static str,
        timeout: Duration,
        probe: impl Fn() -> Option<T>,
    ) -> Result<T, SandboxError> {
        let mut changes = self.shared.subscribe();
        let wait = async {
            loop {
                changes.borrow_and_update();
                if let Some(found) = probe() {
                    return Some(found);
                }
                if changes.changed().await.is_err() {
                    return None;
                }
            }
        };
        match tokio::time::timeout(timeout, wait).await {
            Ok(Some(found)) => Ok(found),
            _ => Err(SandboxError::Timeout {
                after: timeout,
                what,
            }),
        }
    }

    /// Posts `markdown` to `room_id` as the owner of `token`, through `POST /messages`.
    pub async fn post_as(
        &self,
        token: &str,
        room_id: &str,
        markdown: &str,
    ) -> Result<Message, SandboxError> {
        self.call(
            token,
            reqwest::Method::POST,
            "messages",
            json!({ "roomId": room_id, "markdown": markdown }),
        )
        .await
    }

    /// Submits a card on `message_id` as the owner of `token`, through `POST /attachment/actions`.
    pub async fn click(
        &self,
        token: &str,
        message_id: &str,
        inputs: Value,
    ) -> Result<AttachmentAction, SandboxError> {
        let body = json!({ "type": "submit", "messageId": message_id, "inputs": inputs });
        self.call(token, reqwest::Method::POST, "attachment/actions", body)
            .await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> Result<T, SandboxError> {
        let url = format!("{}/{path}", self.base_url());
        let response = self
            .http
            .request(method, url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(SandboxError::Api {
                status: status.as_u16(),
                body,
            });
        }
        Ok(response.json().await?)
    }

    /// Stops listening, lets in-flight requests finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
