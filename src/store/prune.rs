//! Retention: how long each table keeps its rows, and the pruning that enforces it, run at
//! start-up and then on a timer. Deletes go in chunks, each its own write, so a large prune never
//! holds the writer (and with it intake) for long.

use std::time::Duration;

use rusqlite::params;

use super::{Store, StoreError, now_ms, now_secs};

/// How long a delivery key is remembered for dedupe (Webex sends no delivery id; 24 hours
/// comfortably covers any redelivery).
pub const DEDUPE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// How long each table keeps its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Delivery keys (dedupe): [`DEDUPE_WINDOW`].
    pub deliveries: Duration,
    /// Events given up on, with their error (an event handled successfully is deleted at
    /// once; its delivery key stays for dedupe).
    pub failed_events: Duration,
    /// Messages the bot posted: card clicks are accepted on these. Older cards still work:
    /// the bot then asks Webex who posted the message.
    pub posted_messages: Duration,
    /// Create forms already submitted: a form older than this could be submitted again.
    pub used_forms: Duration,
    /// Confirmations, counted from their expiry (a used or expired token is refused either way).
    pub confirmations: Duration,
    /// The audit trail (`store.keep_audit_days`, 400 days unless set).
    pub audit: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        const DAY: u64 = 24 * 60 * 60;
        Self {
            deliveries: DEDUPE_WINDOW,
            failed_events: Duration::from_secs(7 * DAY),
            posted_messages: Duration::from_secs(30 * DAY),
            used_forms: Duration::from_secs(365 * DAY),
            confirmations: Duration::from_secs(DAY),
            audit: Duration::from_secs(400 * DAY),
        }
    }
}

/// Rows removed by one prune, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub deliveries: usize,
    pub failed_events: usize,
    pub posted_messages: usize,
    pub used_forms: usize,
    pub confirmations: usize,
    pub audit: usize,
}

impl Pruned {
    /// Rows removed in all.
    pub fn total(&self) -> usize {
        self.deliveries
            + self.failed_events
            + self.posted_messages
            + self.used_forms
            + self.confirmations
            + self.audit
    }
}

/// Rows deleted per write.
const CHUNK: i64 = 2000;

// One delete per table: `?1` is the cutoff (seconds, or ms for events), `?2` the chunk size.
const DELIVERIES: &str = "DELETE FROM ledger WHERE seq IN
    (SELECT seq FROM ledger WHERE seen_at < ?1 ORDER BY seq LIMIT ?2)";
const FAILED_EVENTS: &str = "DELETE FROM events WHERE seq IN
    (SELECT seq FROM events WHERE state = 2 AND finished_ms < ?1 LIMIT ?2)";
const POSTED_MESSAGES: &str = "DELETE FROM posted_messages WHERE id IN
    (SELECT id FROM posted_messages WHERE posted_at < ?1 LIMIT ?2)";
const USED_FORMS: &str = "DELETE FROM used_forms WHERE message_id IN
    (SELECT message_id FROM used_forms WHERE used_at < ?1 LIMIT ?2)";
const CONFIRMATIONS: &str = "DELETE FROM confirmations WHERE token IN
    (SELECT token FROM confirmations WHERE expires_at < ?1 LIMIT ?2)";

impl Store {
    /// Deletes every row older than its table's retention.
    pub async fn prune(&self, keep: &Retention) -> Result<Pruned, StoreError> {
        let secs_ago = |d: Duration| now_secs() - d.as_secs() as i64;
        let ms_ago = |d: Duration| now_ms() - d.as_millis() as i64;
        let mut pruned = Pruned::default();
        let tables: [(&mut usize, &'static str, i64); 5] = [
            (
                &mut pruned.deliveries,
                DELIVERIES,
                secs_ago(keep.deliveries),
            ),
            (
                &mut pruned.failed_events,
                FAILED_EVENTS,
                ms_ago(keep.failed_events),
            ),
            (
                &mut pruned.posted_messages,
                POSTED_MESSAGES,
                secs_ago(keep.posted_messages),
            ),
            (
                &mut pruned.used_forms,
                USED_FORMS,
                secs_ago(keep.used_forms),
            ),
            (
                &mut pruned.confirmations,
                CONFIRMATIONS,
                secs_ago(keep.confirmations),
            ),
        ];
        for (count, sql, cutoff) in tables {
            *count = self.prune_chunks(sql, cutoff).await?;
        }
        pruned.audit = super::AuditLog::prune_audit(self, ms_ago(keep.audit)).await?;
        Ok(pruned)
    }

    async fn prune_chunks(&self, sql: &'static str, cutoff: i64) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let deleted = self
                .write(move |conn| conn.prepare_cached(sql)?.execute(params![cutoff, CHUNK]))
                .await?;
            total += deleted;
            if deleted < CHUNK as usize {
                return Ok(total);
            }
        }
    }
}

/// Prunes now and then every `every`, forever; logs what went and any failure.
pub async fn prune_every(store: Store, keep: Retention, every: Duration) {
    loop {
        match store.prune(&keep).await {
            Ok(pruned) if pruned.total() > 0 => tracing::info!(?pruned, "store pruned"),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "pruning the store failed; will try again"),
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AuditEntry, AuditLog, DeliveryKey, NewConfirmation, PostedMessage};
    use crate::webex::{MessageId, PersonId, RoomId};

    async fn fill(store: &Store) {
        let key = DeliveryKey {
            resource: "messages".into(),
            id: "m1".into(),
        };
        let event = store
            .accept_event(key, "{}".into(), true, |_| {})
            .await
            .unwrap();
        store
            .finish_event(event.ticket, Some("gave up".into()))
            .await
            .unwrap();
        store
            .record_posted(PostedMessage {
                id: MessageId::new("M"),
                room_id: RoomId::new("R"),
                parent_id: None,
            })
            .await
            .unwrap();
        store.claim_form(&MessageId::new("F"), None).await.unwrap();
        store
            .create_confirmation(NewConfirmation {
                command: "reboot 4B".into(),
                plan: None,
                person_id: PersonId::new("P"),
                room_id: RoomId::new("R"),
                thread_id: None,
                summary: "Restart".into(),
                ttl_secs: 600,
            })
            .await
            .unwrap();
        let audited = AuditEntry {
            seq: 0,
            at_ms: now_ms(),
            time: String::new(),
            person_id: PersonId::new("P"),
            email: "vera@example.com".into(),
            role: "viewer".into(),
            room_id: RoomId::new("R"),
            group: false,
            text: "mute 4B".into(),
            confirmed: false,
            action: String::new(),
            role_needed: "operator".into(),
            result: "refused".into(),
            detail: String::new(),
            label: "4B".into(),
            targets: vec![],
            workspaces: vec![],
            devices: vec![],
            tracking_ids: vec![],
            credentials: vec![],
        };
        store.append_audit(audited).await.unwrap();
    }

    /// Moves every row's timestamp an hour into the past.
    async fn age_by_an_hour(store: &Store) {
        store
            .write(|conn| {
                conn.execute_batch(
                    "UPDATE ledger SET seen_at = seen_at - 3600;
                     UPDATE events SET finished_ms = finished_ms - 3600000;
                     UPDATE posted_messages SET posted_at = posted_at - 3600;
                     UPDATE used_forms SET used_at = used_at - 3600;
                     UPDATE confirmations SET expires_at = expires_at - 3600;
                     UPDATE audit SET at_ms = at_ms - 3600000;",
                )
            })
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn rows_inside_their_retention_stay_and_older_ones_go() {
        let store = Store::in_memory().unwrap();
        fill(&store).await;
        assert_eq!(store.prune(&Retention::default()).await.unwrap().total(), 0);
        age_by_an_hour(&store).await;
        let half_hour = Duration::from_secs(1800);
        let keep = Retention {
            deliveries: half_hour,
            failed_events: half_hour,
            posted_messages: half_hour,
            used_forms: half_hour,
            // The confirmation expires 10 minutes after it was made: 50 minutes ago now.
            confirmations: half_hour,
            audit: half_hour,
        };
        let pruned = store.prune(&keep).await.unwrap();
        assert_eq!(
            pruned,
            Pruned {
                deliveries: 1,
                failed_events: 1,
                posted_messages: 1,
                used_forms: 1,
                confirmations: 1,
                audit: 1,
            }
        );
        assert!(store.posted(&MessageId::new("M")).await.unwrap().is_none());
        assert_eq!(store.prune(&keep).await.unwrap().total(), 0);
    }
}
