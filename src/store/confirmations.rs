//! Confirmations for disruptive actions: a single-use, expiring token bound to the exact plan
//! (and its command text), the person who asked and the space. They live in SQLite so they survive a restart. A
//! token taken while handling an event stays valid for that same event, so the event handled
//! again after a crash finds its confirmation instead of "already used".

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, Ticket, now_secs};
use crate::webex::{MessageId, PersonId, RoomId};

/// A confirmation to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConfirmation {
    /// The canonical command text it will run.
    pub command: String,
    /// The plan it showed, serialized: what Confirm runs.
    pub plan: Option<String>,
    pub person_id: PersonId,
    pub room_id: RoomId,
    pub thread_id: Option<MessageId>,
    /// What the card said it would do (shown again when closing the card).
    pub summary: String,
    pub ttl_secs: i64,
}

/// A stored confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub token: String,
    pub command: String,
    /// The plan it showed (`None` for confirmations stored before plans).
    pub plan: Option<String>,
    pub person_id: PersonId,
    pub room_id: RoomId,
    pub thread_id: Option<MessageId>,
    pub summary: String,
}

/// What taking a token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Valid and now used up: run it.
    Valid(Confirmation),
    /// Unknown, already used, or past its expiry.
    Stale,
    /// Valid, but bound to another person; left unused.
    NotYours { person_id: PersonId },
}

impl Store {
    /// Stores a confirmation and returns its token.
    pub async fn create_confirmation(&self, new: NewConfirmation) -> Result<String, StoreError> {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let stored = token.clone();
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO confirmations
                 (token, command, person_id, room_id, thread_id, summary, expires_at, plan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    stored,
                    new.command,
                    new.person_id.as_str(),
                    new.room_id.as_str(),
                    new.thread_id.as_ref().map(MessageId::as_str),
                    new.summary,
                    now_secs() + new.ttl_secs,
                    new.plan
                ],
            )
            .map(|_| ())
        })
        .await?;
        Ok(token)
    }

    /// Uses up `token` for `person` atomically: the first taker gets it, every later one gets
    /// `Stale`; someone else than the person who asked gets `NotYours` and the token stays.
    /// The event `ticket` that took it gets it again (a replay after a crash).
    pub async fn take_confirmation(
        &self,
        token: &str,
        person: &PersonId,
        ticket: Option<Ticket>,
    ) -> Result<Taken, StoreError> {
        let (token, person) = (token.to_owned(), person.as_str().to_owned());
        let event = ticket.map(|t| t.event);
        self.write(move |conn| {
            let now = now_secs();
            let updated = conn.execute(
                "UPDATE confirmations SET used_at = ?2, used_by_event = ?4
                 WHERE token = ?1 AND person_id = ?3
                 AND ((used_at IS NULL AND expires_at >= ?2) OR used_by_event = ?4)",
                params![token, now, person, event],
            )?;
            if updated == 0 {
                let owner: Option<String> = conn
                    .query_row(
                        "SELECT person_id FROM confirmations
                         WHERE token = ?1 AND used_at IS NULL AND expires_at >= ?2",
                        params![token, now],
                        |row| row.get(0),
                    )
                    .optional()?;
                return Ok(owner.map_or(Taken::Stale, |p| Taken::NotYours {
                    person_id: PersonId::new(p),
                }));
            }
            Ok(read_confirmation(conn, &token)?.map_or(Taken::Stale, Taken::Valid))
        })
        .await
    }
}

fn read_confirmation(conn: &Connection, token: &str) -> rusqlite::Result<Option<Confirmation>> {
    conn.query_row(
        "SELECT token, command, person_id, room_id, thread_id, summary, plan
         FROM confirmations WHERE token = ?1",
        params![token],
        |row| {
            Ok(Confirmation {
                token: row.get(0)?,
                command: row.get(1)?,
                person_id: PersonId::new(row.get::<_, String>(2)?),
                room_id: RoomId::new(row.get::<_, String>(3)?),
                thread_id: row.get::<_, Option<String>>(4)?.map(MessageId::new),
                summary: row.get(5)?,
                plan: row.get(6)?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> PersonId {
        PersonId::new("P")
    }

    fn new(ttl_secs: i64) -> NewConfirmation {
        NewConfirmation {
            command: "reboot room 4B".into(),
            plan: None,
            person_id: PersonId::new("P"),
            room_id: RoomId::new("R"),
            thread_id: None,
            summary: "Restart 1 device".into(),
            ttl_secs,
        }
    }

    #[tokio::test]
    async fn a_token_is_taken_once() {
        let store = Store::in_memory().unwrap();
        let token = store.create_confirmation(new(600)).await.unwrap();
        let Taken::Valid(first) = store.take_confirmation(&token, &p(), None).await.unwrap() else {
            panic!("first take must be valid");
        };
        assert_eq!(first.command, "reboot room 4B");
        assert_eq!(
            store.take_confirmation(&token, &p(), None).await.unwrap(),
            Taken::Stale
        );
        assert_eq!(
            store.take_confirmation("nope", &p(), None).await.unwrap(),
            Taken::Stale
        );
    }

    #[tokio::test]
    async fn an_expired_token_is_stale() {
        let store = Store::in_memory().unwrap();
        let token = store.create_confirmation(new(-1)).await.unwrap();
        assert_eq!(
            store.take_confirmation(&token, &p(), None).await.unwrap(),
            Taken::Stale
        );
    }

    #[tokio::test]
    async fn only_the_person_who_asked_can_take_it() {
        let store = Store::in_memory().unwrap();
        let token = store.create_confirmation(new(600)).await.unwrap();
        let other = store
            .take_confirmation(&token, &PersonId::new("Q"), None)
            .await
            .unwrap();
        assert_eq!(other, Taken::NotYours { person_id: p() });
        assert!(matches!(
            store.take_confirmation(&token, &p(), None).await.unwrap(),
            Taken::Valid(_)
        ));
    }

    #[tokio::test]
    async fn tokens_survive_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let token = Store::open(&path)
            .unwrap()
            .create_confirmation(new(600))
            .await
            .unwrap();
        let reopened = Store::open(&path).unwrap();
        assert!(matches!(
            reopened
                .take_confirmation(&token, &p(), None)
                .await
                .unwrap(),
            Taken::Valid(_)
        ));
    }

    #[tokio::test]
    async fn the_event_that_took_a_token_gets_it_again_and_no_one_else_does() {
        let store = Store::in_memory().unwrap();
        let token = store.create_confirmation(new(600)).await.unwrap();
        let first = Ticket {
            event: 7,
            attempt: 1,
        };
        let replay = Ticket {
            event: 7,
            attempt: 2,
        };
        let other = Ticket {
            event: 8,
            attempt: 1,
        };
        assert!(matches!(
            store
                .take_confirmation(&token, &p(), Some(first))
                .await
                .unwrap(),
            Taken::Valid(_)
        ));
        assert!(matches!(
            store
                .take_confirmation(&token, &p(), Some(replay))
                .await
                .unwrap(),
            Taken::Valid(_)
        ));
        assert_eq!(
            store
                .take_confirmation(&token, &p(), Some(other))
                .await
                .unwrap(),
            Taken::Stale
        );
        assert_eq!(
            store.take_confirmation(&token, &p(), None).await.unwrap(),
            Taken::Stale
        );
    }
}
