//! `GET /readyz`: whether roombot can do its job now, as a small list of named checks (today the
//! store; Webex reachability can be added beside it with [`Readiness::add`]). 200 `ready` when
//! every check passes; 503 naming each failing check and why. `/healthz` stays pure liveness.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;

use crate::store::Store;

/// One check: `Ok` when fine, else a sentence saying what is wrong.
pub type Check =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// A check that does not answer within this long fails.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The named checks behind `/readyz`; cheap to clone.
#[derive(Clone, Default)]
pub struct Readiness {
    checks: Vec<(&'static str, Check)>,
}

impl Readiness {
    /// Adds a check under `name` (shown in a 503 answer).
    pub fn add(mut self, name: &'static str, check: Check) -> Self {
        self.checks.push((name, check));
        self
    }

    /// The store check: the file is still the one opened and writable, and answers a query.
    pub fn with_store(self, store: Store) -> Self {
        self.add(
            "store",
            Arc::new(move || {
                let store = store.clone();
                Box::pin(async move { store.check_ready().await })
            }),
        )
    }

    /// Runs every check at once; `Err` lists each failing one as `name: why`.
    pub async fn check(&self) -> Result<(), String> {
        let runs = self.checks.iter().map(|(name, check)| async move {
            match tokio::time::timeout(CHECK_TIMEOUT, check()).await {
                Ok(Ok(())) => None,
                Ok(Err(why)) => Some(format!("{name}: {why}")),
                Err(_) => Some(format!("{name}: no answer within {CHECK_TIMEOUT:?}")),
            }
        });
        let failures: Vec<String> = futures::future::join_all(runs)
            .await
            .into_iter()
            .flatten()
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }
}

/// `GET /readyz`: 200 `ready`, or 503 `not ready: <check>: <why>`.
pub async fn readyz(State(readiness): State<Readiness>) -> (StatusCode, String) {
    match readiness.check().await {
        Ok(()) => (StatusCode::OK, "ready".into()),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(result: Result<(), String>) -> Check {
        Arc::new(move || {
            let result = result.clone();
            Box::pin(async move { result })
        })
    }

    #[tokio::test]
    async fn every_failing_check_is_named() {
        let readiness = Readiness::default()
            .add("store", fixed(Ok(())))
            .add("webex", fixed(Err("unreachable".into())))
            .add("disk", fixed(Err("full".into())));
        assert_eq!(
            readiness.check().await,
            Err("webex: unreachable; disk: full".into())
        );
        assert_eq!(Readiness::default().check().await, Ok(()));
    }
}
