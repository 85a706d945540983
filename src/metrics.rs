//! Process metrics in the Prometheus text format (`GET /metrics`): webhook deliveries by outcome,
//! queue depth, replies not delivered, stored events by outcome, the store's readiness and lock
//! retries, commands by kind and result, Webex calls by endpoint and status, and latency
//! histograms. Hot-path counters are plain atomics; labelled series sit behind a short lock.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What happened to one webhook delivery at intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Stored and queued for a worker at once.
    Queued,
    /// Stored; the queue was full, so it waits in the store for the feeder.
    Deferred,
    Duplicate,
    OwnMessage,
    Ignored,
    Forged,
    Malformed,
    /// The store could not take it (answered 503).
    StoreFailed,
}

const DELIVERY_NAMES: [&str; 8] = [
    "queued",
    "deferred",
    "duplicate",
    "own_message",
    "ignored",
    "forged",
    "malformed",
    "store_failed",
];

/// What happened to a stored event after intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// Handed to the workers from the store (deferred, retried, or left by a previous process).
    Fed,
    /// Handled: replied (or nothing to answer).
    Done,
    /// Failed for now; it stays in the store for another attempt.
    Retried,
    /// Given up: failed for good or past its deadline (an error line names it).
    Failed,
}

const EVENT_NAMES: [&str; 4] = ["fed", "done", "retried", "failed"];

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// All metrics of the process.
#[derive(Default)]
pub struct Metrics {
    deliveries: [AtomicU64; 8],
    events: [AtomicU64; 4],
    queue_depth: AtomicU64,
    replies_failed: AtomicU64,
    store_ready: AtomicU64,
    store_busy_retries: std::sync::OnceLock<std::sync::Arc<AtomicU64>>,
    commands: Mutex<BTreeMap<(String, String), u64>>,
    webex_calls: Mutex<BTreeMap<(String, String, String), u64>>,
    handling: Histogram,
    intake_latency: Histogram,
    webex_latency: Histogram,
}

/// A fixed-bucket latency histogram.
#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; 12],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let n = bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {n}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum}\n{name}_count {count}"
        );
    }
}

impl Metrics {
    /// Counts one delivery outcome.
    pub fn delivery(&self, outcome: Delivery) {
        self.deliveries[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// How many deliveries had `outcome`.
    pub fn deliveries(&self, outcome: Delivery) -> u64 {
        self.deliveries[outcome as usize].load(Ordering::Relaxed)
    }

    /// Records how long intake took to answer a signed delivery that was stored.
    pub fn intake_stored(&self, elapsed: Duration) {
        self.intake_latency.observe(elapsed);
    }

    /// The stored-delivery latency histogram so far: (bucket bound in seconds, deliveries
    /// answered within it) for every bucket, and the total.
    pub fn intake_stored_histogram(&self) -> (Vec<(f64, u64)>, u64) {
        let buckets = BUCKETS
            .iter()
            .zip(&self.intake_latency.buckets)
            .map(|(bound, n)| (*bound, n.load(Ordering::Relaxed)))
            .collect();
        (buckets, self.intake_latency.count.load(Ordering::Relaxed))
    }

    /// Counts one stored event's outcome.
    pub fn event(&self, outcome: EventOutcome) {
        self.events[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// How many stored events had `outcome`.
    pub fn events(&self, outcome: EventOutcome) -> u64 {
        self.events[outcome as usize].load(Ordering::Relaxed)
    }

    /// Records whether the store passed its last readiness check.
    pub fn set_store_ready(&self, ready: bool) {
        self.store_ready.store(u64::from(ready), Ordering::Relaxed);
    }

    /// Shows the store writer's live count of lock retries.
    pub fn watch_store_retries(&self, counter: std::sync::Arc<AtomicU64>) {
        let _ = self.store_busy_retries.set(counter);
    }

    /// Sets the number of queued events.
    pub fn set_queue_depth(&self, depth: usize) {
        self.queue_depth.store(depth as u64, Ordering::Relaxed);
    }

    /// Counts a reply that could not be delivered by the retry deadline.
    pub fn reply_failed(&self) {
        self.replies_failed.fetch_add(1, Ordering::Relaxed);
    }

    /// How many replies could not be delivered.
    pub fn replies_failed(&self) -> u64 {
        self.replies_failed.load(Ordering::Relaxed)
    }

    /// Counts a handled command (`kind` like `mute`, `result` like `ok`, `refused`, `failed`).
    pub fn command(&self, kind: &str, result: &str, elapsed: Duration) {
        let mut commands = self.commands.lock().unwrap_or_else(|p| p.into_inner());
        *commands
            .entry((kind.to_owned(), result.to_owned()))
            .or_default() += 1;
        drop(commands);
        self.handling.observe(elapsed);
    }

    /// Counts one Webex HTTP call (`status` is `error` when no response came).
    pub fn webex_call(&self, method: &str, endpoint: &str, status: &str, elapsed: Duration) {
        let mut calls = self.webex_calls.lock().unwrap_or_else(|p| p.into_inner());
        *calls
            .entry((method.to_owned(), endpoint.to_owned(), status.to_owned()))
            .or_default() += 1;
        drop(calls);
        self.webex_latency.observe(elapsed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP roombot_webhook_deliveries_total Webhook deliveries by intake outcome.\n",
        );
        out.push_str("# TYPE roombot_webhook_deliveries_total counter\n");
        for (name, counter) in DELIVERY_NAMES.iter().zip(&self.deliveries) {
            let n = counter.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "roombot_webhook_deliveries_total{{outcome=\"{name}\"}} {n}"
            );
        }
        self.render_store(&mut out);
        let depth = self.queue_depth.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP roombot_queue_depth Events waiting for a worker.\n# TYPE roombot_queue_depth gauge\nroombot_queue_depth {depth}"
        );
        let failed = self.replies_failed.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP roombot_replies_failed_total Replies not delivered by the retry deadline.\n# TYPE roombot_replies_failed_total counter\nroombot_replies_failed_total {failed}"
        );
        out.push_str("# HELP roombot_commands_total Commands handled by kind and result.\n");
        out.push_str("# TYPE roombot_commands_total counter\n");
        for ((kind, result), n) in self
            .commands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "roombot_commands_total{{kind=\"{kind}\",result=\"{result}\"}} {n}"
            );
        }
        out.push_str("# HELP roombot_webex_calls_total Webex API calls by endpoint and status.\n");
        out.push_str("# TYPE roombot_webex_calls_total counter\n");
        for ((method, endpoint, status), n) in self
            .webex_calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "roombot_webex_calls_total{{method=\"{method}\",endpoint=\"{endpoint}\",status=\"{status}\"}} {n}"
            );
        }
        self.render_histograms(&mut out);
        out
    }
}

impl Metrics {
    fn render_histograms(&self, out: &mut String) {
        self.intake_latency.render(
            out,
            "roombot_intake_stored_seconds",
            "Time to store a delivery and answer it.",
        );
        self.handling.render(
            out,
            "roombot_event_handling_seconds",
            "Time from dequeue to reply posted.",
        );
        self.webex_latency.render(
            out,
            "roombot_webex_call_seconds",
            "Latency of Webex API calls.",
        );
    }

    fn render_store(&self, out: &mut String) {
        out.push_str("# HELP roombot_events_total Stored webhook events by outcome.\n");
        out.push_str("# TYPE roombot_events_total counter\n");
        for (name, counter) in EVENT_NAMES.iter().zip(&self.events) {
            let n = counter.load(Ordering::Relaxed);
            let _ = writeln!(out, "roombot_events_total{{outcome=\"{name}\"}} {n}");
        }
        let ready = self.store_ready.load(Ordering::Relaxed);
        let retries = self
            .store_busy_retries
            .get()
            .map_or(0, |n| n.load(Ordering::Relaxed));
        let _ = writeln!(
            out,
            "# HELP roombot_store_ready 1 while the store passes its readiness check.\n# TYPE roombot_store_ready gauge\nroombot_store_ready {ready}\n# HELP roombot_store_busy_retries_total Write batches run again because the database was locked.\n# TYPE roombot_store_busy_retries_total counter\nroombot_store_busy_retries_total {retries}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_labels_and_histograms() {
        let metrics = Metrics::default();
        metrics.delivery(Delivery::Forged);
        metrics.delivery(Delivery::Queued);
        metrics.delivery(Delivery::Queued);
        metrics.set_queue_depth(3);
        metrics.event(EventOutcome::Failed);
        metrics.set_store_ready(true);
        metrics.watch_store_retries(std::sync::Arc::new(AtomicU64::new(2)));
        metrics.command("mute", "ok", Duration::from_millis(3));
        metrics.webex_call("POST", "xapi/command", "200", Duration::from_millis(20));
        let text = metrics.render();
        for line in [
            "roombot_webhook_deliveries_total{outcome=\"queued\"} 2",
            "roombot_webhook_deliveries_total{outcome=\"forged\"} 1",
            "roombot_queue_depth 3",
            "roombot_replies_failed_total 0",
            "roombot_events_total{outcome=\"failed\"} 1",
            "roombot_events_total{outcome=\"done\"} 0",
            "roombot_store_ready 1",
            "roombot_store_busy_retries_total 2",
            "roombot_commands_total{kind=\"mute\",result=\"ok\"} 1",
            "roombot_webex_calls_total{method=\"POST\",endpoint=\"xapi/command\",status=\"200\"} 1",
            "roombot_event_handling_seconds_bucket{le=\"0.005\"} 1",
            "roombot_event_handling_seconds_bucket{le=\"0.0025\"} 0",
            "roombot_webex_call_seconds_count 1",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
    }
}
