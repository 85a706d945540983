//! The delivery ledger (which webhook deliveries were handled, for dedupe across restarts) and
//! the spill table (events that arrived while the queue was full).

use rusqlite::params;

use super::{Store, StoreError, now_secs};

/// What identifies a delivery: Webex sends no delivery id, so `(resource, data.id)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    pub resource: String,
    pub id: String,
}

impl Store {
    /// Records deliveries as seen now (ignoring ones already recorded).
    pub async fn record_deliveries(&self, keys: Vec<DeliveryKey>) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR IGNORE INTO deliveries (resource, id, seen_at) VALUES (?1, ?2, ?3)",
                )?;
                let now = now_secs();
                for key in &keys {
                    insert.execute(params![key.resource, key.id, now])?;
                }
            }
            tx.commit()
        })
        .await
    }

    /// Deliveries seen in the last `max_age_secs`, newest last.
    pub async fn recent_deliveries(
        &self,
        max_age_secs: i64,
    ) -> Result<Vec<DeliveryKey>, StoreError> {
        self.with_conn(move |conn| {
            let mut select = conn.prepare(
                "SELECT resource, id FROM deliveries WHERE seen_at >= ?1 ORDER BY seen_at",
            )?;
            let rows = select.query_map(params![now_secs() - max_age_secs], |row| {
                Ok(DeliveryKey {
                    resource: row.get(0)?,
                    id: row.get(1)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// Forgets deliveries older than `max_age_secs`; returns how many went.
    pub async fn prune_deliveries(&self, max_age_secs: i64) -> Result<usize, StoreError> {
        self.with_conn(move |conn| {
            conn.execute(
                "DELETE FROM deliveries WHERE seen_at < ?1",
                params![now_secs() - max_age_secs],
            )
        })
        .await
    }

    /// Keeps an event body that could not be queued, to be handled later.
    pub async fn spill_event(&self, body: String) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO pending_events (body, queued_at) VALUES (?1, ?2)",
                params![body, now_secs()],
            )
            .map(|_| ())
        })
        .await
    }

    /// Takes the oldest spilled event out of the table.
    pub async fn take_spilled_event(&self) -> Result<Option<String>, StoreError> {
        self.with_conn(|conn| {
            let tx = conn.transaction()?;
            let row: Option<(i64, String)> = {
                let mut select =
                    tx.prepare("SELECT seq, body FROM pending_events ORDER BY seq LIMIT 1")?;
                let mut rows = select.query([])?;
                match rows.next()? {
                    Some(row) => Some((row.get(0)?, row.get(1)?)),
                    None => None,
                }
            };
            if let Some((seq, _)) = &row {
                tx.execute("DELETE FROM pending_events WHERE seq = ?1", params![seq])?;
            }
            tx.commit()?;
            Ok(row.map(|(_, body)| body))
        })
        .await
    }

    /// How many spilled events wait.
    pub async fn spilled_count(&self) -> Result<usize, StoreError> {
        self.with_conn(|conn| {
            conn.query_row("SELECT COUNT(*) FROM pending_events", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
        })
        .await
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
    async fn the_ledger_survives_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let store = Store::open(&path).unwrap();
        store
            .record_deliveries(vec![key("a"), key("b"), key("a")])
            .await
            .unwrap();
        drop(store);
        let reopened = Store::open(&path).unwrap();
        let recent = reopened.recent_deliveries(86_400).await.unwrap();
        assert_eq!(recent.len(), 2);
        assert!(recent.contains(&key("a")) && recent.contains(&key("b")));
        assert_eq!(reopened.prune_deliveries(86_400).await.unwrap(), 0);
        assert_eq!(reopened.prune_deliveries(-10).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn spilled_events_come_back_in_order_once() {
        let store = Store::in_memory().unwrap();
        store.spill_event("one".into()).await.unwrap();
        store.spill_event("two".into()).await.unwrap();
        assert_eq!(store.spilled_count().await.unwrap(), 2);
        assert_eq!(
            store.take_spilled_event().await.unwrap().as_deref(),
            Some("one")
        );
        assert_eq!(
            store.take_spilled_event().await.unwrap().as_deref(),
            Some("two")
        );
        assert_eq!(store.take_spilled_event().await.unwrap(), None);
    }
}
