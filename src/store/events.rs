//! Accepted webhook events, durable from before the 200 until handled.
//!
//! An event is stored together with its dedupe claim in one transaction ([`Store::accept_event`]).
//! A row stays pending until a worker finishes it: done (the row and its journal are deleted; the
//! dedupe claim stays in the ledger) or failed for good (kept, with its error, for the retention
//! of failed events); a failed attempt leaves it pending with a time for the next one. Rows carry an `owner`: the mark of the process
//! that holds the event in memory (queued or being handled). Anything pending that this process
//! does not hold (deferred because the queue was full, due for a retry, or left by a process that
//! died) is claimed by [`Store::claim_due_events`], and each claim is a new attempt.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::{DeliveryKey, Store, StoreError, now_ms, now_secs};

/// Which event, and which attempt at handling it. Carried with the event to the worker and in
/// the request, so the journal can tell a first attempt from a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ticket {
    /// The event's row.
    pub event: i64,
    /// 1 for the first attempt, counting up with every claim.
    pub attempt: u32,
}

/// An event handed out for handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEvent {
    pub ticket: Ticket,
    /// The envelope as stored (JSON).
    pub envelope: String,
    /// When it was accepted (ms since the epoch): the per-event deadline counts from here.
    pub received_ms: i64,
}

/// An event just stored by [`Store::accept_event`]: its ticket and arrival time (the caller
/// already holds the envelope, so it is not copied back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredEvent {
    pub ticket: Ticket,
    /// When it was accepted (ms since the epoch).
    pub received_ms: i64,
}

/// How many events wait and how many were given up on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventCounts {
    pub pending: u64,
    pub failed: u64,
}

/// Appends `key` to the ledger and stores the event (held by `owner`, if any).
fn insert_event(
    conn: &Connection,
    key: &DeliveryKey,
    envelope: &str,
    owner: Option<i64>,
) -> rusqlite::Result<StoredEvent> {
    conn.prepare_cached("INSERT INTO ledger (resource, id, seen_at) VALUES (?1, ?2, ?3)")?
        .execute(params![key.resource, key.id, now_secs()])?;
    let received_ms = now_ms();
    let attempt = u32::from(owner.is_some());
    conn.prepare_cached(
        "INSERT INTO events (resource, delivery_id, envelope, received_ms, owner, attempts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        key.resource,
        key.id,
        envelope,
        received_ms,
        owner,
        attempt
    ])?;
    Ok(StoredEvent {
        ticket: Ticket {
            event: conn.last_insert_rowid(),
            attempt,
        },
        received_ms,
    })
}

/// Deletes a done event's row, and with it its journal (the dedupe claim stays in the ledger).
fn delete_event(conn: &Connection, ticket: Ticket) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM events WHERE seq = ?1")?
        .execute(params![ticket.event])
        .map(|_| ())
}

const PENDING: i64 = 0;
const FAILED: i64 = 2;

impl Store {
    /// Stores an accepted delivery and its dedupe claim `key` (a ledger entry) in one
    /// transaction. Whether `key` is new is the caller's to know (intake's in-memory set,
    /// loaded from the ledger by [`Store::recent_deliveries`]). With `hold`, this
    /// process holds the event from the start (attempt 1, to be queued by the caller); otherwise
    /// it waits in the store for [`Store::claim_due_events`]. `after` runs on the writer thread
    /// right after the commit, even if the caller stopped waiting: hand the event over there, so
    /// an event held by this process is never left behind.
    pub async fn accept_event<A>(
        &self,
        key: impl Into<Arc<DeliveryKey>>,
        envelope: String,
        hold: bool,
        after: A,
    ) -> Result<StoredEvent, StoreError>
    where
        A: FnOnce(&Result<StoredEvent, StoreError>) + Send + 'static,
    {
        let (key, owner) = (key.into(), hold.then_some(self.boot()));
        let insert = move |conn: &Connection| insert_event(conn, &key, &envelope, owner);
        self.write_then(insert, after).await
    }

    /// Whether any pending event this process does not hold is due (a read; never waits).
    pub async fn has_due_events(&self) -> Result<bool, StoreError> {
        let boot = self.boot();
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM events
                 WHERE state = 0 AND next_ms <= ?1 AND (owner IS NULL OR owner <> ?2))",
            )?
            .query_row(params![now_ms(), boot], |row| row.get(0))
        })
        .await
    }

    /// Claims up to `limit` due pending events this process does not hold, oldest first; each
    /// claim is the event's next attempt.
    pub async fn claim_due_events(&self, limit: usize) -> Result<Vec<PendingEvent>, StoreError> {
        let boot = self.boot();
        self.write(move |conn| {
            let due: Vec<(i64, String, i64, u32)> = conn
                .prepare_cached(
                    "SELECT seq, envelope, received_ms, attempts FROM events
                     WHERE state = 0 AND next_ms <= ?1 AND (owner IS NULL OR owner <> ?2)
                     ORDER BY seq LIMIT ?3",
                )?
                .query_map(params![now_ms(), boot, limit as i64], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            let mut claim = conn.prepare_cached(
                "UPDATE events SET owner = ?2, attempts = attempts + 1 WHERE seq = ?1",
            )?;
            let mut claimed = Vec::with_capacity(due.len());
            for (event, envelope, received_ms, attempts) in due {
                claim.execute(params![event, boot])?;
                claimed.push(PendingEvent {
                    ticket: Ticket {
                        event,
                        attempt: attempts + 1,
                    },
                    envelope,
                    received_ms,
                });
            }
            Ok(claimed)
        })
        .await
    }

    /// Marks an event handled: done (the row goes), or with `failure` failed for good (the row
    /// stays with its error and without its envelope and journaled reply).
    pub async fn finish_event(
        &self,
        ticket: Ticket,
        failure: Option<String>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let Some(error) = &failure else {
                return delete_event(conn, ticket);
            };
            conn.prepare_cached(
                "UPDATE events SET state = ?2, error = ?3, finished_ms = ?4, owner = NULL,
                 envelope = NULL, reply = NULL WHERE seq = ?1",
            )?
            .execute(params![ticket.event, FAILED, error, now_ms()])
            .map(|_| ())
        })
        .await
    }

    /// Marks an event done without waiting: the row and its journal go in the writer's next
    /// batch. Until that commits, a crash leaves the event pending, and its journal makes the
    /// replay answer without acting twice, as for a crash just before this call. Awaiting
    /// [`Store::flush`] waits for it.
    pub fn finish_done(&self, ticket: Ticket) -> Result<(), StoreError> {
        self.inner.writer.submit_detached(
            move |conn| delete_event(conn, ticket),
            "marking an event done",
        )
    }

    /// Leaves an event pending for another attempt, not before `at_ms`.
    pub async fn retry_event(
        &self,
        ticket: Ticket,
        at_ms: i64,
        error: String,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE events SET owner = NULL, next_ms = ?2, error = ?3 WHERE seq = ?1",
            )?
            .execute(params![ticket.event, at_ms, error])
            .map(|_| ())
        })
        .await
    }

    /// How many events are pending and failed.
    pub async fn event_counts(&self) -> Result<EventCounts, StoreError> {
        self.read(|conn| {
            let mut counts = EventCounts::default();
            let mut select = conn.prepare("SELECT state, count(*) FROM events GROUP BY state")?;
            let rows = select.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get(1)?)))?;
            for row in rows {
                let (state, n): (i64, u64) = row?;
                match state {
                    PENDING => counts.pending = n,
                    _ => counts.failed = n,
                }
            }
            Ok(counts)
        })
        .await
    }

    /// The error recorded for an event, if any (tests and diagnostics).
    pub async fn event_error(&self, event: i64) -> Result<Option<String>, StoreError> {
        self.read(move |conn| {
            conn.query_row(
                "SELECT error FROM events WHERE seq = ?1",
                params![event],
                |row| row.get(0),
            )
            .optional()
            .map(Option::flatten)
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

    async fn accept(store: &Store, id: &str, hold: bool) -> StoredEvent {
        store
            .accept_event(key(id), format!("{{\"id\":\"{id}\"}}"), hold, |_| {})
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn an_event_is_stored_with_its_claim_and_held() {
        let store = Store::in_memory().unwrap();
        let first = accept(&store, "m1", true).await;
        assert_eq!(first.ticket.attempt, 1);
        assert_eq!(store.event_counts().await.unwrap().pending, 1);
        assert_eq!(
            store.recent_deliveries(60, 10).await.unwrap(),
            vec![key("m1")]
        );
        // Held by this process: nothing to claim.
        assert!(store.claim_due_events(10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_deferred_event_is_claimed_once_and_a_retry_when_due() {
        let store = Store::in_memory().unwrap();
        let deferred = accept(&store, "m1", false).await;
        assert_eq!(deferred.ticket.attempt, 0);
        let claimed = store.claim_due_events(10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].ticket.attempt, 1);
        assert!(store.claim_due_events(10).await.unwrap().is_empty());

        let later = now_ms() + 60_000;
        store
            .retry_event(claimed[0].ticket, later, "webex 503".into())
            .await
            .unwrap();
        assert!(store.claim_due_events(10).await.unwrap().is_empty());
        store
            .retry_event(claimed[0].ticket, 0, "webex 503".into())
            .await
            .unwrap();
        let again = store.claim_due_events(10).await.unwrap();
        assert_eq!(again[0].ticket.attempt, 2);
        store.finish_event(again[0].ticket, None).await.unwrap();
        assert_eq!(store.event_counts().await.unwrap(), EventCounts::default());
    }

    #[tokio::test]
    async fn events_held_by_a_process_that_died_are_claimed_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.db");
        let before = Store::open(&path).unwrap();
        accept(&before, "m1", true).await;
        let failed = accept(&before, "m2", true).await;
        before
            .finish_event(failed.ticket, Some("gave up".into()))
            .await
            .unwrap();
        drop(before);
        let after = Store::open(&path).unwrap();
        let claimed = after.claim_due_events(10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].envelope, "{\"id\":\"m1\"}");
        assert_eq!(claimed[0].ticket.attempt, 2);
        assert_eq!(
            after.event_error(failed.ticket.event).await.unwrap(),
            Some("gave up".into())
        );
        assert_eq!(after.event_counts().await.unwrap().failed, 1);
    }

    #[tokio::test]
    async fn a_handled_events_number_is_never_given_to_another_event() {
        let store = Store::in_memory().unwrap();
        let first = accept(&store, "m1", true).await;
        store.finish_event(first.ticket, None).await.unwrap();
        let second = accept(&store, "m2", true).await;
        assert!(second.ticket.event > first.ticket.event);
    }
}
