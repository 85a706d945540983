//! Delivery dedupe: Webex has no delivery id, so a delivery is `(resource, data.id)`. This set is
//! the authority: it is checked under one short lock, so duplicates never touch the store, and
//! it holds the newest [`MEMORY_CAP`] keys of the last 24 hours (the oldest go first). The store's
//! append-only ledger carries it across restarts: a key is written in the same transaction as its
//! event (see [`crate::store::Store::accept_event`]), and the set is loaded from it at start-up.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::store::{DEDUPE_WINDOW, DeliveryKey, Store, StoreError};

/// At most this many keys are remembered (the oldest go first). Redeliveries come within minutes
/// (Webex retries a failed delivery; it never resends one that got 200), so the newest 200,000
/// are plenty.
pub const MEMORY_CAP: usize = 200_000;

/// The set of deliveries already taken.
pub struct Deduper {
    inner: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    at: HashMap<DeliveryKey, i64>,
    order: VecDeque<(i64, DeliveryKey)>,
}

impl Deduper {
    /// Loads the newest deliveries of the dedupe window from the ledger.
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        let recent = store
            .recent_deliveries(DEDUPE_WINDOW.as_secs() as i64, MEMORY_CAP)
            .await?;
        let mut seen = Seen::default();
        let now = crate::store::now_secs();
        for key in recent {
            seen.insert(key, now);
        }
        Ok(Self {
            inner: Mutex::new(seen),
        })
    }

    /// True the first time `key` is seen (and remembers it); false for a duplicate.
    pub fn first_sighting(&self, key: &DeliveryKey) -> bool {
        let now = crate::store::now_secs();
        let mut seen = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if seen.at.contains_key(key) {
            return false;
        }
        seen.insert(key.clone(), now);
        seen.expire(now - DEDUPE_WINDOW.as_secs() as i64);
        true
    }

    /// Forgets `key` again: its event could not be stored, so a redelivery must be taken.
    pub fn forget(&self, key: &DeliveryKey) {
        let mut seen = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // Its entry in `order` stays behind and goes with age; `insert` tolerates that.
        seen.at.remove(key);
    }
}

impl Seen {
    fn insert(&mut self, key: DeliveryKey, now: i64) {
        self.order.push_back((now, key.clone()));
        self.at.insert(key, now);
        while self.order.len() > MEMORY_CAP {
            if let Some((at, old)) = self.order.pop_front() {
                self.remove_if_at(&old, at);
            }
        }
    }

    fn expire(&mut self, cutoff: i64) {
        while self.order.front().is_some_and(|(at, _)| *at < cutoff) {
            if let Some((at, old)) = self.order.pop_front() {
                self.remove_if_at(&old, at);
            }
        }
    }

    /// Removes `key` only if this queue entry is its latest sighting (a forgotten and
    /// re-inserted key has a newer one).
    fn remove_if_at(&mut self, key: &DeliveryKey, at: i64) {
        if self.at.get(key) == Some(&at) {
            self.at.remove(key);
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
    async fn a_key_is_new_once_and_remembered_across_a_restart_through_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("d.db")).unwrap();
        let dedupe = Deduper::load(&store).await.unwrap();
        assert!(dedupe.first_sighting(&key("m1")));
        assert!(!dedupe.first_sighting(&key("m1")));
        assert!(dedupe.first_sighting(&DeliveryKey {
            resource: "attachmentActions".into(),
            id: "m1".into()
        }));
        store
            .accept_event(key("m1"), "{}".into(), false, |_| {})
            .await
            .unwrap();

        let restarted = Deduper::load(&store).await.unwrap();
        assert!(!restarted.first_sighting(&key("m1")));
        assert!(restarted.first_sighting(&key("m2")));
    }

    #[test]
    fn a_forgotten_key_is_new_again() {
        let dedupe = Deduper {
            inner: Mutex::new(Seen::default()),
        };
        assert!(dedupe.first_sighting(&key("m1")));
        dedupe.forget(&key("m1"));
        assert!(dedupe.first_sighting(&key("m1")));
        assert!(!dedupe.first_sighting(&key("m1")));
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
