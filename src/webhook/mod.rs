//! Webex webhook intake: verifies `X-Spark-Signature` over the raw bytes, decodes the envelope,
//! drops our own messages and duplicates, and queues the event for the bot workers. Never calls
//! the Webex API (that happens in `bot`).
//!
//! When the queue is full, the event is spilled to the SQLite store and the delivery still gets
//! 200: Webex disables a webhook after 100 failed deliveries in 5 minutes and its redelivery policy
//! is undocumented, so refusing would risk both the webhook and the event. A drainer moves spilled
//! events back into the queue as workers free up.

pub mod dedupe;
pub mod envelope;
pub mod signature;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Notify, mpsc};

use crate::metrics::{Delivery, Metrics};
use crate::store::{DeliveryKey, Store};
use dedupe::Deduper;
use envelope::{Envelope, EventKind};
use signature::{SIGNATURE_HEADER, verify_signature};

/// Everything the intake handler needs; shared by all requests.
pub struct Intake {
    secret: SecretString,
    bot_id: String,
    dedupe: Deduper,
    queue: mpsc::Sender<Envelope>,
    store: Store,
    spilled: Arc<Notify>,
    metrics: Arc<Metrics>,
}

/// The outcome of one delivery, before it becomes a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted(Delivery),
    Rejected(StatusCode),
}

impl Intake {
    /// Builds the intake. `bot_id` is the bot's person id (from `GET /people/me`).
    pub fn new(
        secret: SecretString,
        bot_id: String,
        dedupe: Deduper,
        queue: mpsc::Sender<Envelope>,
        store: Store,
        metrics: Arc<Metrics>,
    ) -> Self {
        let spilled = Arc::new(Notify::new());
        Self {
            secret,
            bot_id,
            dedupe,
            queue,
            store,
            spilled,
            metrics,
        }
    }

    /// Signals the spill drainer that events wait in the store.
    pub fn spill_signal(&self) -> Arc<Notify> {
        self.spilled.clone()
    }

    /// Verifies, decodes, filters and queues one delivery.
    pub async fn take(&self, signature: Option<&str>, body: &[u8]) -> Verdict {
        let signed = signature
            .is_some_and(|sig| verify_signature(self.secret.expose_secret().as_bytes(), body, sig));
        if !signed {
            self.metrics.delivery(Delivery::Forged);
            return Verdict::Rejected(StatusCode::UNAUTHORIZED);
        }
        let Ok(envelope) = serde_json::from_slice::<Envelope>(body) else {
            self.metrics.delivery(Delivery::Malformed);
            return Verdict::Rejected(StatusCode::BAD_REQUEST);
        };
        let outcome = self.route(envelope).await;
        self.metrics.delivery(outcome);
        Verdict::Accepted(outcome)
    }

    async fn route(&self, envelope: Envelope) -> Delivery {
        let Some(kind) = envelope.kind() else {
            tracing::debug!(resource = %envelope.resource, event = %envelope.event, "ignored delivery");
            return Delivery::Ignored;
        };
        if kind == EventKind::MessageCreated
            && envelope.data.person_id.as_deref() == Some(self.bot_id.as_str())
        {
            return Delivery::OwnMessage;
        }
        let key = DeliveryKey {
            resource: envelope.resource.clone(),
            id: envelope.data.id.clone(),
        };
        if !self.dedupe.first_sighting(&key) {
            return Delivery::Duplicate;
        }
        match self.queue.try_send(envelope) {
            Ok(()) => Delivery::Queued,
            Err(mpsc::error::TrySendError::Full(envelope)) => self.spill(envelope).await,
            Err(mpsc::error::TrySendError::Closed(envelope)) => {
                tracing::error!(id = %envelope.data.id, "bot workers are gone; spilling the event");
                self.spill(envelope).await
            }
        }
    }

    async fn spill(&self, envelope: Envelope) -> Delivery {
        let body = serde_json::to_string(&envelope).expect("an envelope serialises");
        if let Err(error) = self.store.spill_event(body).await {
            tracing::error!(%error, id = %envelope.data.id, "queue full and spill failed; event lost");
        } else {
            tracing::warn!(id = %envelope.data.id, "queue full; event spilled to the store");
        }
        self.spilled.notify_one();
        Delivery::Spilled
    }
}

/// Moves spilled events back into the queue, oldest first, as room frees up. Ends when the
/// queue closes.
///
/// It holds the queue only weakly, so it never keeps the workers alive: once intake is gone (the
/// server stopped) it ends, leaving any event still spilled in the store for the next start.
pub async fn drain_spilled(store: Store, queue: mpsc::WeakSender<Envelope>, signal: Arc<Notify>) {
    loop {
        if queue.strong_count() == 0 {
            return;
        }
        match store.take_spilled_event().await {
            Ok(Some(body)) => {
                let Ok(envelope) = serde_json::from_str::<Envelope>(&body) else {
                    continue;
                };
                let Some(sender) = queue.upgrade() else {
                    // Shutting down: keep the event for the next start.
                    let _ = store.spill_event(body).await;
                    return;
                };
                if sender.send(envelope).await.is_err() {
                    return;
                }
            }
            Ok(None) => {
                // Woken by a new spill, or every second to notice a shutdown.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(1), signal.notified())
                    .await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot read spilled events");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

/// `POST /webhooks/webex`: 401 for a missing or wrong signature (before any parsing), 400 for a
/// signed body that is not a webhook envelope, 200 otherwise. Bodies over the limit get 413 from
/// the body-limit layer before this runs.
pub async fn receive(
    State(intake): State<Arc<Intake>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    match intake.take(signature, &body).await {
        Verdict::Accepted(_) => StatusCode::OK,
        Verdict::Rejected(status) => status,
    }
}
