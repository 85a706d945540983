//! The worker pool: takes events off the queue, runs the handler on at most `workers` of them at
//! once, and records each outcome in the store: done, failed for good, or left pending for a
//! retry with backoff until the event's deadline. Ends when the queue closes and every running
//! handler has finished.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::{JoinError, JoinSet};

use crate::metrics::{EventOutcome, Metrics};
use crate::store::{Store, Ticket, now_ms};
use crate::webhook::queue::QueuedEvent;

/// Handles one event (fetch, parse, act, reply) and says how it went.
pub type Handler =
    Arc<dyn Fn(QueuedEvent) -> Pin<Box<dyn Future<Output = Handled> + Send>> + Send + Sync>;

/// How handling an event went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Answered (or nothing to answer): the event is done.
    Done,
    /// Failed in a way worth another attempt later (Webex unreachable, 5xx, 429, a timeout).
    Retry(String),
    /// Failed for good (e.g. the message no longer exists): recorded, not retried.
    Failed(String),
}

/// Records events' outcomes in the store and `/metrics`.
#[derive(Clone)]
pub struct Outcomes {
    pub store: Store,
    pub metrics: Arc<Metrics>,
    /// How long after acceptance an event may still be retried.
    pub deadline: Duration,
}

/// The first retry waits this long; each next one twice as long, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Runs events from `queue` through `handler`, `workers` at a time.
pub async fn run(
    mut queue: mpsc::Receiver<QueuedEvent>,
    workers: usize,
    handler: Handler,
    outcomes: Outcomes,
) {
    let permits = Arc::new(Semaphore::new(workers.max(1)));
    let mut running = JoinSet::new();
    while let Some(event) = queue.recv().await {
        outcomes.metrics.set_queue_depth(queue.len());
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let (handler, outcomes) = (handler.clone(), outcomes.clone());
        running.spawn(async move {
            let (ticket, received_ms) = (event.ticket, event.received_ms);
            let handled = AssertUnwindSafe(handler(event))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Handled::Failed("the handler panicked".into()));
            // The worker is free as soon as the handler is; the outcome's write joins the
            // writer's next batch meanwhile.
            drop(permit);
            outcomes.record(ticket, received_ms, handled).await;
        });
        // Reap finished handlers so the set does not grow with the event count.
        while let Some(done) = running.try_join_next() {
            report(done);
        }
    }
    while let Some(done) = running.join_next().await {
        report(done);
    }
}

/// Logs a handler task that did not finish normally (a panic outside the handler, or a
/// cancellation); its event stays in the store and is handled again after a restart.
fn report(done: Result<(), JoinError>) {
    if let Err(error) = done {
        match error.is_panic() {
            true => tracing::error!(%error, "an event handler panicked"),
            false => tracing::error!(%error, "an event handler was cancelled"),
        }
    }
}

impl Outcomes {
    /// Writes how `ticket` went: done, failed, or pending again with a time for the next try
    /// (failed instead once that would pass the deadline).
    pub async fn record(&self, ticket: Ticket, received_ms: i64, handled: Handled) {
        let event = ticket.event;
        let written = match handled {
            Handled::Done => {
                self.metrics.event(EventOutcome::Done);
                // Nothing waits on it: the row goes in the writer's next batch.
                self.store.finish_done(ticket)
            }
            Handled::Failed(reason) => self.give_up(ticket, reason).await,
            Handled::Retry(reason) => {
                let wait = backoff(ticket.attempt);
                let at = now_ms() + wait.as_millis() as i64;
                if at > received_ms + self.deadline.as_millis() as i64 {
                    let reason = format!(
                        "{reason} (gave up at the deadline, {} attempts)",
                        ticket.attempt
                    );
                    self.give_up(ticket, reason).await
                } else {
                    tracing::warn!(event, attempt = ticket.attempt, %reason, ?wait, "event failed; will try again");
                    self.metrics.event(EventOutcome::Retried);
                    self.store.retry_event(ticket, at, reason).await
                }
            }
        };
        if let Err(error) = written {
            tracing::error!(%error, event, "could not record an event's outcome; it will be handled again after a restart");
        }
    }

    async fn give_up(
        &self,
        ticket: Ticket,
        reason: String,
    ) -> Result<(), crate::store::StoreError> {
        tracing::error!(event = ticket.event, attempt = ticket.attempt, %reason, "event failed; given up");
        self.metrics.event(EventOutcome::Failed);
        self.store.finish_event(ticket, Some(reason)).await
    }
}

/// The wait before the attempt after `attempt`: doubling from one second, capped, with ±20%
/// jitter so retries of a burst do not all land at once.
fn backoff(attempt: u32) -> Duration {
    let doubled = FIRST_BACKOFF.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    let base = doubled.min(MAX_BACKOFF);
    base.mul_f64(rand::random_range(0.8..1.2))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::store::DeliveryKey;

    async fn event(store: &Store, id: &str) -> QueuedEvent {
        let key = DeliveryKey {
            resource: "messages".into(),
            id: id.into(),
        };
        let stored = store
            .accept_event(key, "{}".into(), true, |_| {})
            .await
            .unwrap();
        QueuedEvent {
            ticket: stored.ticket,
            envelope: serde_json::from_value(serde_json::json!({
                "resource": "messages", "event": "created", "data": { "id": id }
            }))
            .unwrap(),
            received_ms: stored.received_ms,
        }
    }

    fn outcomes(store: &Store, deadline: Duration) -> Outcomes {
        Outcomes {
            store: store.clone(),
            metrics: Arc::new(Metrics::default()),
            deadline,
        }
    }

    #[tokio::test]
    async fn runs_every_event_never_more_than_the_limit_at_once_and_marks_them_done() {
        let store = Store::in_memory().unwrap();
        let (tx, rx) = mpsc::channel(64);
        let active = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let handler: Handler = {
            let (active, peak) = (active.clone(), peak.clone());
            Arc::new(move |_event: QueuedEvent| {
                let (active, peak) = (active.clone(), peak.clone());
                Box::pin(async move {
                    let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    for _ in 0..10 {
                        tokio::task::yield_now().await;
                    }
                    active.fetch_sub(1, Ordering::SeqCst);
                    Handled::Done
                })
            })
        };
        for i in 0..40 {
            tx.send(event(&store, &i.to_string()).await).await.unwrap();
        }
        drop(tx);
        let outcomes = outcomes(&store, Duration::from_secs(120));
        run(rx, 3, handler, outcomes.clone()).await;
        assert!(peak.load(Ordering::SeqCst) <= 3);
        store.flush().await.unwrap();
        assert_eq!(store.event_counts().await.unwrap().pending, 0);
        assert_eq!(outcomes.metrics.events(EventOutcome::Done), 40);
    }

    #[tokio::test]
    async fn a_retry_stays_pending_a_panic_fails_and_the_deadline_ends_retries() {
        let store = Store::in_memory().unwrap();
        let record = outcomes(&store, Duration::from_secs(120));
        let retried = event(&store, "r").await;
        record
            .record(
                retried.ticket,
                retried.received_ms,
                Handled::Retry("503".into()),
            )
            .await;
        assert_eq!(store.event_counts().await.unwrap().pending, 1);

        let (tx, rx) = mpsc::channel(1);
        let handler: Handler = Arc::new(|_event| Box::pin(async { panic!("boom") }));
        tx.send(event(&store, "p").await).await.unwrap();
        drop(tx);
        run(rx, 1, handler, record.clone()).await;
        assert_eq!(store.event_counts().await.unwrap().failed, 1);

        let late = outcomes(&store, Duration::ZERO);
        let expired = event(&store, "d").await;
        late.record(
            expired.ticket,
            expired.received_ms,
            Handled::Retry("503".into()),
        )
        .await;
        let error = store
            .event_error(expired.ticket.event)
            .await
            .unwrap()
            .unwrap();
        assert!(error.contains("gave up at the deadline"), "{error}");
        assert_eq!(late.metrics.events(EventOutcome::Failed), 1);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert!(backoff(1) <= Duration::from_millis(1200));
        assert!(backoff(3) >= Duration::from_millis(3200));
        assert!(backoff(30) <= Duration::from_secs(36));
    }
}
