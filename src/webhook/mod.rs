//! Webex webhook intake: verifies `X-Spark-Signature` over the raw bytes, decodes the envelope,
//! drops our own messages and duplicates, stores the event durably and hands it to the bot
//! workers. Never calls the Webex API (that happens in `bot`).
//!
//! An accepted event is written to the store with its dedupe claim in one transaction before the
//! 200 (group commit: concurrent deliveries share one commit), because Webex does not redeliver
//! a delivery that got 200. If the queue to the workers has room, intake queues the event; if
//! not, the event waits in the store and the [`queue::feed`]er hands it over as workers free up:
//! the delivery still gets 200 (Webex disables a webhook after 100 failed deliveries in 5
//! minutes). Only a store that cannot take the event makes intake answer 503.
//!
//! The [`websocket`] intake (`intake.mode = "websocket"`) hands its events to the same
//! [`Intake`] through [`Intake::take_trusted`]: the same own-message drop, dedupe ledger, store
//! and queue, without the signature check (the socket itself is authorized).

pub mod dedupe;
pub mod envelope;
pub mod queue;
pub mod signature;
pub mod websocket;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Notify, mpsc};

use crate::metrics::{Delivery, Metrics};
use crate::store::{DeliveryKey, Store, StoreError, StoredEvent};
use crate::webex::PersonId;
use dedupe::Deduper;
use envelope::{Envelope, EventKind};
use queue::QueuedEvent;
use signature::{SIGNATURE_HEADER, verify_signature};

/// The longest a delivery waits for its event to be stored before it is answered 503.
const STORE_WAIT: Duration = Duration::from_secs(10);

/// Everything the intake handler needs; shared by all requests.
pub struct Intake {
    secret: SecretString,
    bot_id: PersonId,
    dedupe: Arc<Deduper>,
    queue: mpsc::Sender<QueuedEvent>,
    store: Store,
    feeder: Arc<Notify>,
    metrics: Arc<Metrics>,
}

/// The outcome of one delivery, before it becomes a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted(Delivery),
    Rejected(StatusCode),
}

impl Intake {
    /// Builds the intake. `bot_id` is the bot's person id (from `GET /people/me`); `feeder`
    /// wakes the [`queue::feed`]er when an event had to wait in the store.
    pub fn new(
        secret: SecretString,
        bot_id: PersonId,
        dedupe: Deduper,
        queue: mpsc::Sender<QueuedEvent>,
        store: Store,
        feeder: Arc<Notify>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            secret,
            bot_id,
            dedupe: Arc::new(dedupe),
            queue,
            store,
            feeder,
            metrics,
        }
    }

    /// Verifies, decodes, filters and stores one delivery.
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
        let started = std::time::Instant::now();
        let outcome = self.route(envelope).await;
        self.metrics.delivery(outcome);
        if matches!(outcome, Delivery::Queued | Delivery::Deferred) {
            self.metrics.intake_stored(started.elapsed());
        }
        match outcome {
            Delivery::StoreFailed => Verdict::Rejected(StatusCode::SERVICE_UNAVAILABLE),
            accepted => Verdict::Accepted(accepted),
        }
    }

    /// Filters and stores an event that arrived authenticated another way (the websocket):
    /// the same own-message drop, dedupe ledger, durable store and queue as a delivery.
    pub async fn take_trusted(&self, envelope: Envelope) -> Delivery {
        let started = std::time::Instant::now();
        let outcome = self.route(envelope).await;
        self.metrics.delivery(outcome);
        if matches!(outcome, Delivery::Queued | Delivery::Deferred) {
            self.metrics.intake_stored(started.elapsed());
        }
        outcome
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
        let membership = matches!(
            kind,
            EventKind::MembershipCreated | EventKind::MembershipDeleted
        );
        if membership && envelope.data.person_id.as_deref() != Some(self.bot_id.as_str()) {
            // Only the bot's own arrival and departure matter.
            return Delivery::Ignored;
        }
        // A membership keeps its id when it ends, and when the same person is added again: its
        // created and deleted events are two, and each joining (its `created`) is another.
        let key = match membership {
            true => DeliveryKey {
                resource: format!("{}/{}", envelope.resource, envelope.event),
                id: format!(
                    "{}@{}",
                    envelope.data.id,
                    envelope.data.created.as_deref().unwrap_or_default()
                ),
            },
            false => DeliveryKey {
                resource: envelope.resource.clone(),
                id: envelope.data.id.clone(),
            },
        };
        if !self.dedupe.first_sighting(&key) {
            return Delivery::Duplicate;
        }
        self.store_event(key, envelope).await
    }

    /// Stores the event with its claim; queues it right after the commit when there is room.
    async fn store_event(&self, key: DeliveryKey, envelope: Envelope) -> Delivery {
        let id = envelope.data.id.clone();
        let permit = self.queue.clone().try_reserve_owned().ok();
        let hold = permit.is_some();
        let json = serde_json::to_string(&envelope).expect("an envelope serialises");
        // Shared, not copied: whatever the writer thread frees was made there or is a count.
        let key = Arc::new(key);
        let (dedupe, claim) = (self.dedupe.clone(), key.clone());
        // Runs on the store's writer thread right after the commit, even if this request is
        // gone by then: an event this process holds always reaches the queue.
        let hand_over = move |stored: &Result<StoredEvent, StoreError>| match stored {
            Ok(event) => {
                if let Some(permit) = permit {
                    permit.send(QueuedEvent {
                        ticket: event.ticket,
                        envelope,
                        received_ms: event.received_ms,
                    });
                }
            }
            Err(_) => dedupe.forget(&claim),
        };
        let stored = self.store.accept_event(key, json, hold, hand_over);
        match tokio::time::timeout(STORE_WAIT, stored).await {
            Ok(Ok(_)) if hold => Delivery::Queued,
            Ok(Ok(_)) => {
                tracing::warn!(%id, "queue full; the event waits in the store");
                self.feeder.notify_one();
                Delivery::Deferred
            }
            Ok(Err(error)) => {
                tracing::error!(%error, %id, "could not store an event; answering 503");
                Delivery::StoreFailed
            }
            Err(_) => {
                tracing::error!(%id, wait = ?STORE_WAIT, "the store did not take an event in time; answering 503");
                Delivery::StoreFailed
            }
        }
    }
}

/// `POST /webhooks/webex`: 401 for a missing or wrong signature (before any parsing), 400 for a
/// signed body that is not a webhook envelope, 503 when the store cannot take the event, 200
/// otherwise. Bodies over the limit get 413 from the body-limit layer before this runs.
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
