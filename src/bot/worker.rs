//! The worker pool: takes events off the queue and runs the handler on at most `workers` of them
//! at once. Ends when the queue closes and every running handler has finished.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::{JoinError, JoinSet};

use crate::metrics::Metrics;
use crate::webhook::envelope::Envelope;

/// Handles one event (fetch, parse, act, reply). Errors are the handler's to report.
pub type Handler = Arc<dyn Fn(Envelope) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Runs events from `queue` through `handler`, `workers` at a time.
pub async fn run(
    mut queue: mpsc::Receiver<Envelope>,
    workers: usize,
    handler: Handler,
    metrics: Arc<Metrics>,
) {
    let permits = Arc::new(Semaphore::new(workers.max(1)));
    let mut running = JoinSet::new();
    while let Some(event) = queue.recv().await {
        metrics.set_queue_depth(queue.len());
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let handler = handler.clone();
        let id = event.data.id.clone();
        running.spawn(async move {
            handler(event).await;
            drop(permit);
            id
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

/// Logs a handler task that did not finish normally (a panic the handler did not catch, or a
/// cancellation); its event is not retried from here.
fn report(done: Result<String, JoinError>) {
    if let Err(error) = done {
        match error.is_panic() {
            true => tracing::error!(%error, "an event handler panicked"),
            false => tracing::error!(%error, "an event handler was cancelled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn event(id: &str) -> Envelope {
        serde_json::from_value(serde_json::json!({
            "resource": "messages", "event": "created", "data": { "id": id }
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn runs_every_event_and_never_more_than_the_limit_at_once() {
        let (tx, rx) = mpsc::channel(64);
        let active = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let handler: Handler = {
            let (active, peak, done) = (active.clone(), peak.clone(), done.clone());
            Arc::new(move |_event: Envelope| {
                let (active, peak, done) = (active.clone(), peak.clone(), done.clone());
                Box::pin(async move {
                    let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    for _ in 0..10 {
                        tokio::task::yield_now().await;
                    }
                    active.fetch_sub(1, Ordering::SeqCst);
                    done.fetch_add(1, Ordering::SeqCst);
                })
            })
        };
        for i in 0..40 {
            tx.send(event(&i.to_string())).await.unwrap();
        }
        drop(tx);
        run(rx, 3, handler, Arc::new(Metrics::default())).await;
        assert_eq!(done.load(Ordering::SeqCst), 40);
        assert!(peak.load(Ordering::SeqCst) <= 3);
    }
}
