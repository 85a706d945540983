//! Readiness (`GET /readyz`): named checks, each pending (with why) or passed, set as start-up
//! goes (`webex`, `webhooks`), and probes asked at each request (`store`: the file is still the
//! one opened, writable, and answers a query). roombot is ready when every check has passed and
//! every probe answers. `/healthz` is liveness only and never looks here.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::store::Store;

/// A probe: `Ok` when fine, else a sentence saying what is wrong.
pub type Probe =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// A probe that does not answer within this long fails.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The checks and their states; shared by start-up and the `/readyz` handler.
pub struct Readiness {
    checks: Mutex<BTreeMap<&'static str, Check>>,
    probes: Mutex<Vec<(&'static str, Probe)>>,
    ready: watch::Sender<bool>,
}

#[derive(Debug, Clone)]
struct Check {
    passed: bool,
    detail: String,
}

impl Default for Readiness {
    fn default() -> Self {
        Self {
            checks: Mutex::new(BTreeMap::new()),
            probes: Mutex::new(Vec::new()),
            ready: watch::Sender::new(true),
        }
    }
}

impl Readiness {
    /// Marks check `name` as not (yet) passed, saying why.
    pub fn pending(&self, name: &'static str, detail: impl Into<String>) {
        self.set(name, false, detail.into());
    }

    /// Marks check `name` as passed.
    pub fn passed(&self, name: &'static str, detail: impl Into<String>) {
        self.set(name, true, detail.into());
    }

    /// Adds a probe under `name`, asked at every `/readyz`.
    pub fn probe(&self, name: &'static str, probe: Probe) {
        let mut probes = self.probes.lock().unwrap_or_else(|e| e.into_inner());
        probes.push((name, probe));
    }

    /// Probes the store: the file is still the one opened, writable, and answers a query.
    pub fn probe_store(&self, store: Store) {
        self.probe(
            "store",
            Arc::new(move || {
                let store = store.clone();
                Box::pin(async move { store.check_ready().await })
            }),
        );
    }

    /// True when every check has passed (probes are asked only by [`Self::report`]).
    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Whether ready, and one line per check and probe: `webex: ok (identity known: roombot)`,
    /// `store: failing (the file was deleted)`.
    pub async fn report(&self) -> (bool, String) {
        let (mut ready, mut text) = {
            let checks = self.checks.lock().unwrap_or_else(|e| e.into_inner());
            let mut text = String::new();
            for (name, check) in checks.iter() {
                let state = if check.passed { "ok" } else { "waiting" };
                let _ = writeln!(text, "{name}: {state} ({})", check.detail);
            }
            (checks.values().all(|c| c.passed), text)
        };
        let probes = self
            .probes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for (name, probe) in probes {
            let answer = tokio::time::timeout(PROBE_TIMEOUT, probe()).await;
            ready &= matches!(answer, Ok(Ok(())));
            let line = match answer {
                Ok(Ok(())) => "ok".to_owned(),
                Ok(Err(why)) => format!("failing ({why})"),
                Err(_) => format!("failing (no answer within {PROBE_TIMEOUT:?})"),
            };
            let _ = writeln!(text, "{name}: {line}");
        }
        (ready, text)
    }

    /// Completes once every check has passed.
    pub async fn wait_ready(&self) {
        let mut ready = self.ready.subscribe();
        let _ = ready.wait_for(|ready| *ready).await;
    }

    fn set(&self, name: &'static str, passed: bool, detail: String) {
        let mut checks = self.checks.lock().unwrap_or_else(|e| e.into_inner());
        checks.insert(name, Check { passed, detail });
        let all = checks.values().all(|c| c.passed);
        drop(checks);
        self.ready.send_replace(all);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ready_only_when_every_check_has_passed() {
        let readiness = std::sync::Arc::new(Readiness::default());
        readiness.pending("webex", "identity not known yet");
        readiness.passed("webhooks", "not managed");
        assert!(!readiness.is_ready());
        let (ready, text) = readiness.report().await;
        assert!(!ready);
        assert_eq!(
            text,
            "webex: waiting (identity not known yet)\nwebhooks: ok (not managed)\n"
        );
        let waiter = tokio::spawn({
            let readiness = readiness.clone();
            async move { readiness.wait_ready().await }
        });
        readiness.passed("webex", "identity known");
        waiter.await.expect("woken");
        assert!(readiness.is_ready());
    }
}
