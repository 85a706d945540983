//! The delivery ledger: which webhook deliveries were accepted, so a redelivery is recognised
//! across restarts. It is append-only, in arrival order: a key is appended in the same
//! transaction as its event ([`Store::accept_event`]); intake keeps the recent keys in memory
//! and checks them there ([`crate::webhook::dedupe`]); [`super::prune`] forgets keys after
//! [`super::Retention`]'s `deliveries`.

use rusqlite::params;

use super::{Store, StoreError, now_secs};

/// What identifies a delivery: Webex sends no delivery id, so `(resource, data.id)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    pub resource: String,
    pub id: String,
}

impl Store {
    /// The newest `limit` deliveries of the last `max_age_secs`, oldest first.
    pub async fn recent_deliveries(
        &self,
        max_age_secs: i64,
        limit: usize,
    ) -> Result<Vec<DeliveryKey>, StoreError> {
        self.read(move |conn| {
            let mut select = conn.prepare(
                "SELECT resource, id FROM ledger WHERE seen_at >= ?1 ORDER BY seq DESC LIMIT ?2",
            )?;
            let rows =
                select.query_map(params![now_secs() - max_age_secs, limit as i64], |row| {
                    Ok(DeliveryKey {
                        resource: row.get(0)?,
                        id: row.get(1)?,
                    })
                })?;
            let mut keys = rows.collect::<Result<Vec<_>, _>>()?;
            keys.reverse();
            Ok(keys)
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
    async fn the_ledger_survives_reopening_the_file_and_returns_the_newest_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let store = Store::open(&path).unwrap();
        for id in ["a", "b", "c"] {
            store
                .accept_event(key(id), "{}".into(), false, |_| {})
                .await
                .unwrap();
        }
        drop(store);
        let reopened = Store::open(&path).unwrap();
        let recent = reopened.recent_deliveries(86_400, 10).await.unwrap();
        assert_eq!(recent, vec![key("a"), key("b"), key("c")]);
        let newest = reopened.recent_deliveries(86_400, 2).await.unwrap();
        assert_eq!(newest, vec![key("b"), key("c")]);
    }
}
