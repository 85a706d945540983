//! Readiness (`GET /readyz`): named checks, each pending (with why) or passed. roombot is ready
//! when every registered check has passed. `/healthz` is liveness only and never looks here.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

use tokio::sync::watch;

/// The checks and their states; shared by start-up and the `/readyz` handler.
pub struct Readiness {
    checks: Mutex<BTreeMap<&'static str, Check>>,
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

    /// True when every check has passed.
    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Whether ready, and one line per check: `webex: ok (identity known: roombot)`.
    pub fn report(&self) -> (bool, String) {
        let checks = self.checks.lock().unwrap_or_else(|e| e.into_inner());
        let mut text = String::new();
        for (name, check) in checks.iter() {
            let state = if check.passed { "ok" } else { "waiting" };
            let _ = writeln!(text, "{name}: {state} ({})", check.detail);
        }
        (checks.values().all(|c| c.passed), text)
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
        let (ready, text) = readiness.report();
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
