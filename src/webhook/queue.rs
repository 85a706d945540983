//! The queue between intake and the workers, and the feeder that fills it from the store.
//!
//! Intake hands an event to the queue itself when there is room (the event is held by this
//! process from its first commit). Everything else pending in the store (events deferred because
//! the queue was full, events due for a retry, and everything unfinished when a previous process
//! stopped or died) comes through the feeder, oldest first, as room frees up.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use super::envelope::Envelope;
use crate::metrics::{EventOutcome, Metrics};
use crate::store::{PendingEvent, Store, Ticket};

/// An event on its way to a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEvent {
    /// The event's row and attempt: the handle on its journal.
    pub ticket: Ticket,
    pub envelope: Envelope,
    /// When it was accepted (ms since the epoch).
    pub received_ms: i64,
}

/// Most events claimed from the store at once.
const FEED_BATCH: usize = 64;
/// How often the feeder looks without being woken (retries fall due, room frees up).
const POLL: Duration = Duration::from_secs(1);

/// Feeds pending events from `store` into the queue until the queue closes. Holds the queue
/// only weakly, so it never keeps the workers alive: once intake is gone (the server stopped) it
/// ends, and whatever is still pending stays in the store for the next start.
pub async fn feed(
    store: Store,
    queue: mpsc::WeakSender<QueuedEvent>,
    wake: Arc<Notify>,
    metrics: Arc<Metrics>,
) {
    loop {
        let Some(sender) = queue.upgrade() else {
            return;
        };
        let room = sender.capacity().min(FEED_BATCH);
        if room > 0 {
            match claim(&store, room).await {
                Ok(events) if !events.is_empty() => {
                    for event in events {
                        if !hand_over(&store, &sender, event, &metrics).await {
                            return;
                        }
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "cannot read pending events from the store; will retry");
                }
            }
        }
        drop(sender);
        let _ = tokio::time::timeout(POLL, wake.notified()).await;
    }
}

/// Claims due events, after a cheap read says there are any (most polls find none).
async fn claim(store: &Store, room: usize) -> Result<Vec<PendingEvent>, crate::store::StoreError> {
    if !store.has_due_events().await? {
        return Ok(Vec::new());
    }
    store.claim_due_events(room).await
}

/// Queues one claimed event; false when the queue has closed.
async fn hand_over(
    store: &Store,
    sender: &mpsc::Sender<QueuedEvent>,
    event: PendingEvent,
    metrics: &Metrics,
) -> bool {
    let envelope = match serde_json::from_str::<Envelope>(&event.envelope) {
        Ok(envelope) => envelope,
        Err(error) => {
            let reason = format!("the stored envelope does not decode: {error}");
            tracing::error!(event = event.ticket.event, %reason, "event failed; given up");
            metrics.event(EventOutcome::Failed);
            if let Err(error) = store.finish_event(event.ticket, Some(reason)).await {
                tracing::error!(%error, "could not record a failed event");
            }
            return true;
        }
    };
    metrics.event(EventOutcome::Fed);
    let queued = QueuedEvent {
        ticket: event.ticket,
        envelope,
        received_ms: event.received_ms,
    };
    sender.send(queued).await.is_ok()
}
