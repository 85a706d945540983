//! The per-event journal: how far handling an event got, so that an event handled again (after a
//! crash, or a retry) does not blindly repeat what may already have happened.
//!
//! Steps, in order: received (the row exists); action started ([`Store::begin_action`], recorded
//! right before the first call that changes something, e.g. an xAPI command); reply ready
//! ([`Store::journal_reply`], the reply saved right before it is posted). A later attempt that
//! finds the action started by an earlier attempt must not run it again (it answers "may have
//! run; please check"); one that finds a reply ready posts that reply instead of handling the
//! event again.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, Ticket};
use crate::webex::{MessageId, RoomId};

/// Whether an action may go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// First time this event gets here (or again within the same attempt): run it.
    Go,
    /// An earlier attempt started the action: it may have run. Do not run it again.
    MayHaveRun,
}

/// A reply saved before posting, with where it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournaledReply {
    pub room_id: RoomId,
    pub is_group: bool,
    pub thread: Option<MessageId>,
    pub markdown: String,
    pub card: Option<serde_json::Value>,
    /// When it was journaled (ms since the epoch): a posted copy cannot be older.
    pub at_ms: i64,
}

const STEP_ACTION_STARTED: i64 = 1;
const STEP_REPLY_READY: i64 = 2;

impl Store {
    /// Records that `ticket`'s first non-idempotent call is about to go out, or reports that an
    /// earlier attempt already got that far. An event no longer in the store gets `Go`.
    pub async fn begin_action(&self, ticket: Ticket) -> Result<Gate, StoreError> {
        self.write(move |conn| {
            let started: Option<Option<u32>> = conn
                .prepare_cached("SELECT action_attempt FROM events WHERE seq = ?1")?
                .query_row(params![ticket.event], |row| row.get(0))
                .optional()?;
            match started {
                Some(Some(attempt)) if attempt != ticket.attempt => Ok(Gate::MayHaveRun),
                None | Some(Some(_)) => Ok(Gate::Go),
                Some(None) => {
                    conn.prepare_cached(
                        "UPDATE events SET action_attempt = ?2, step = max(step, ?3) WHERE seq = ?1",
                    )?
                    .execute(params![ticket.event, ticket.attempt, STEP_ACTION_STARTED])?;
                    Ok(Gate::Go)
                }
            }
        })
        .await
    }

    /// Saves `reply` as the event's answer, right before posting it.
    pub async fn journal_reply(
        &self,
        ticket: Ticket,
        reply: &JournaledReply,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(reply).expect("a reply serialises");
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE events SET reply = ?2, step = max(step, ?3) WHERE seq = ?1",
            )?
            .execute(params![ticket.event, text, STEP_REPLY_READY])
            .map(|_| ())
        })
        .await
    }

    /// The reply an earlier attempt saved and may or may not have posted.
    pub async fn journaled_reply(
        &self,
        ticket: Ticket,
    ) -> Result<Option<JournaledReply>, StoreError> {
        let text: Option<String> = self
            .read(move |conn| {
                conn.query_row(
                    "SELECT reply FROM events WHERE seq = ?1",
                    params![ticket.event],
                    |row| row.get(0),
                )
                .optional()
                .map(Option::flatten)
            })
            .await?;
        Ok(text.and_then(|text| match serde_json::from_str(&text) {
            Ok(reply) => Some(reply),
            Err(error) => {
                tracing::error!(%error, event = ticket.event, "a journaled reply does not decode; handling the event again");
                None
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DeliveryKey;

    async fn held_event(store: &Store) -> Ticket {
        let key = DeliveryKey {
            resource: "messages".into(),
            id: "m1".into(),
        };
        let event = store
            .accept_event(key, "{}".into(), true, |_| {})
            .await
            .unwrap();
        event.ticket
    }

    #[tokio::test]
    async fn the_action_gate_opens_once_per_event_and_stays_open_within_an_attempt() {
        let store = Store::in_memory().unwrap();
        let first = held_event(&store).await;
        assert_eq!(store.begin_action(first).await.unwrap(), Gate::Go);
        assert_eq!(store.begin_action(first).await.unwrap(), Gate::Go);
        let replay = Ticket {
            attempt: first.attempt + 1,
            ..first
        };
        assert_eq!(store.begin_action(replay).await.unwrap(), Gate::MayHaveRun);
        let unknown = Ticket {
            event: 999,
            attempt: 2,
        };
        assert_eq!(store.begin_action(unknown).await.unwrap(), Gate::Go);
    }

    #[tokio::test]
    async fn a_journaled_reply_is_found_by_a_later_attempt() {
        let store = Store::in_memory().unwrap();
        let ticket = held_event(&store).await;
        assert_eq!(store.journaled_reply(ticket).await.unwrap(), None);
        let reply = JournaledReply {
            room_id: RoomId::new("R"),
            is_group: false,
            thread: None,
            markdown: "Muted **4B**".into(),
            card: Some(serde_json::json!({"type": "AdaptiveCard"})),
            at_ms: 1,
        };
        store.journal_reply(ticket, &reply).await.unwrap();
        assert_eq!(store.journaled_reply(ticket).await.unwrap(), Some(reply));
        store.finish_event(ticket, None).await.unwrap();
        assert_eq!(store.journaled_reply(ticket).await.unwrap(), None);
    }
}
