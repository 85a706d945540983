//! The delivery ledger: which webhook deliveries were accepted, so a redelivery is recognised
//! across restarts. A key is written in the same transaction as its event
//! ([`Store::accept_event`]); [`super::prune`] forgets keys after [`super::Retention`]'s
//! `deliveries`.

use rusqlite::params;

use super::{Store, StoreError, now_secs};

/// What identifies a delivery: Webex sends no delivery id, so `(resource, data.id)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    pub resource: String,
    pub id: String,
}

impl Store {
    /// Deliveries accepted in the last `max_age_secs`, oldest first.
    pub async fn recent_deliveries(
        &self,
        max_age_secs: i64,
    ) -> Result<Vec<DeliveryKey>, StoreError> {
        self.read(move |conn| {
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
        for id in ["a", "b", "a"] {
            store
                .accept_event(key(id), "{}".into(), false, |_| {})
                .await
                .unwrap();
        }
        drop(store);
        let reopened = Store::open(&path).unwrap();
        let recent = reopened.recent_deliveries(86_400).await.unwrap();
        assert_eq!(recent.len(), 2);
        assert!(recent.contains(&key("a")) && recent.contains(&key("b")));
    }
}
