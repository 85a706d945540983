//! Delivery dedupe: Webex has no delivery id, so a delivery is `(resource, data.id)`. The hot path
//! checks an in-memory set under one short lock; a background writer batches new keys into the
//! SQLite ledger so a restart remembers the last 24 hours.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::store::{DeliveryKey, Store};

/// How long a delivery is remembered.
pub const REMEMBER_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// At most this many keys are kept in memory (the oldest go first); the ledger keeps them all.
const MEMORY_CAP: usize = 200_000;

/// The set of deliveries already taken.
pub struct Deduper {
    inner: Mutex<Seen>,
    ledger: mpsc::UnboundedSender<DeliveryKey>,
}

#[derive(Default)]
struct Seen {
    at: HashMap<DeliveryKey, i64>,
    order: VecDeque<(i64, DeliveryKey)>,
}

impl Deduper {
    /// Loads the last 24 h of the ledger and starts its writer. The writer ends (after writing
    /// everything it was given) once the `Deduper` is dropped; await the handle at shutdown.
    pub async fn start(store: Store) -> Result<(Self, JoinHandle<()>), crate::store::StoreError> {
        let max_age = REMEMBER_FOR.as_secs() as i64;
        store.prune_deliveries(max_age).await?;
        let recent = store.recent_deliveries(max_age).await?;
        let mut seen = Seen::default();
        let now = crate::store::now_secs();
        for key in recent {
            seen.insert(key, now);
        }
        let (ledger, rx) = mpsc::unbounded_channel();
        let writer = tokio::spawn(write_ledger(store, rx));
        Ok((
            Self {
                inner: Mutex::new(seen),
                ledger,
            },
            writer,
        ))
    }

    /// True the first time `key` is seen (and remembers it); false for a duplicate.
    pub fn first_sighting(&self, key: &DeliveryKey) -> bool {
        let now = crate::store::now_secs();
        {
            let mut seen = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            if seen.at.contains_key(key) {
                return false;
            }
            seen.insert(key.clone(), now);
            seen.expire(now - REMEMBER_FOR.as_secs() as i64);
        }
        let _ = self.ledger.send(key.clone());
        true
    }
}

impl Seen {
    fn insert(&mut self, key: DeliveryKey, now: i64) {
        self.order.push_back((now, key.clone()));
        self.at.insert(key, now);
        while self.order.len() > MEMORY_CAP {
            if let Some((_, old)) = self.order.pop_front() {
                self.at.remove(&old);
            }
        }
    }

    fn expire(&mut self, cutoff: i64) {
        while self.order.front().is_some_and(|(at, _)| *at < cutoff) {
            if let Some((_, old)) = self.order.pop_front() {
                self.at.remove(&old);
            }
        }
    }
}

/// Writes keys to the ledger in batches until every sender is gone.
async fn write_ledger(store: Store, mut rx: mpsc::UnboundedReceiver<DeliveryKey>) {
    let mut batch = Vec::with_capacity(512);
    while rx.recv_many(&mut batch, 512).await > 0 {
        if let Err(error) = store.record_deliveries(std::mem::take(&mut batch)).await {
            tracing::error!(%error, "could not record deliveries in the ledger");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> DeliveryKey {
        DeliveryKey {
            resource: "messages".into(),
            id: id.into(),
        }
    }

    #[tokio::test]
    async fn a_key_is_new_once_and_remembered_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("d.db")).unwrap();
        let (dedupe, writer) = Deduper::start(store.clone()).await.unwrap();
        assert!(dedupe.first_sighting(&key("m1")));
        assert!(!dedupe.first_sighting(&key("m1")));
        assert!(dedupe.first_sighting(&DeliveryKey {
            resource: "attachmentActions".into(),
            id: "m1".into()
        }));
        drop(dedupe);
        writer.await.unwrap();

        let (restarted, _writer) = Deduper::start(store).await.unwrap();
        assert!(!restarted.first_sighting(&key("m1")));
        assert!(restarted.first_sighting(&key("m2")));
    }

    #[test]
    fn memory_is_bounded() {
        let mut seen = Seen::default();
        for i in 0..(MEMORY_CAP + 10) {
            seen.insert(key(&i.to_string()), 0);
        }
        assert_eq!(seen.at.len(), MEMORY_CAP);
        assert!(!seen.at.contains_key(&key("0")));
        seen.expire(1);
        assert!(seen.at.is_empty());
    }
}
