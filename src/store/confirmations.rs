//! Confirmations for disruptive actions: a single-use, expiring token bound to the exact command
//! text, the person who asked and the space. They live in SQLite so they survive a restart.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now_secs};

/// A confirmation to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConfirmation {
    /// The canonical command text it will run.
    pub command: String,
    pub person_id: String,
    pub room_id: String,
    pub thread_id: Option<String>,
    /// What the card said it would do (shown again when closing the card).
    pub summary: String,
    pub ttl_secs: i64,
}

/// A stored confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub token: String,
    pub command: String,
    pub person_id: String,
    pub room_id: String,
    pub thread_id: Option<String>,
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
    NotYours { person_id: String },
}

impl Store {
    /// Stores a confirmation and returns its token.
    pub async fn create_confirmation(&self, new: NewConfirmation) -> Result<String, StoreError> {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let stored = token.clone();
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO confirmations
                 (token, command, person_id, room_id, thread_id, summary, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    stored,
                    new.command,
                    new.person_id,
                    new.room_id,
                    new.thread_id,
                    new.summary,
                    now_secs() + new.ttl_secs
                ],
            )
            .map(|_| ())
        })
        .await?;
        Ok(token)
    }

    /// Uses up `token` for `person_id` atomically: the first taker gets it, every later one gets
    /// `Stale`; someone else than the person who asked gets `NotYours` and the token stays.
    pub async fn take_confirmation(
        &self,
        token: &str,
        person_id: &str,
    ) -> Result<Taken, StoreError> {
        let (token, person) = (token.to_owned(), person_id.to_owned());
        self.with_conn(move |conn| {
            let now = now_secs();
            let tx = conn.transaction()?;
            let updated = tx.execute(
                "UPDATE confirmations SET used_at = ?2
                 WHERE token = ?1 AND used_at IS NULL AND expires_at >= ?2 AND person_id = ?3",
                params![token, now, person],
            )?;
            if updated == 0 {
                let owner: Option<String> = tx
                    .query_row(
                        "SELECT person_id FROM confirmations
                         WHERE token = ?1 AND used_at IS NULL AND expires_at >= ?2",
                        params![token, now],
                        |row| row.get(0),
                    )
                    .optional()?;
                tx.commit()?;
                return Ok(owner.map_or(Taken::Stale, |person_id| Taken::NotYours { person_id }));
            }
            let found = {
                tx.query_row(
                    "SELECT token, command, person_id, room_id, thread_id, summary
                     FROM confirmations WHERE token = ?1",
                    params![token],
                    |row| {
                        Ok(Confirmation {
                            token: row.get(0)?,
                            command: row.get(1)?,
                            person_id: row.get(2)?,
                            room_id: row.get(3)?,
                            thread_id: row.get(4)?,
                            summary: row.get(5)?,
                        })
                    },
                )
                .optional()?
            };
            tx.commit()?;
            Ok(found.map_or(Taken::Stale, Taken::Valid))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(ttl_secs: i64) -> NewConfirmation {
        NewConfirmation {
            command: "reboot room 4B".into(),
            person_id: "P".into(),
            room_id: "R".into(),
            thread_id: None,
            summary: "Restart 1 device".into(),
            ttl_secs,
        }
    }

    #[tokio::test]
    async fn a_token_is_taken_once() {
        let store = Store::in_memory().unwrap();
        let token = store.create_confirmation(new(600)).await.unwrap();
        let Taken::Valid(first) = store.take_confirmation(&token, "P").await.unwrap() else {
            panic!("first take must be valid");
        };
        assert_eq!(first.command, "reboot room 4B");
        assert_eq!(
            store.take_confirmation(&token, "P").await.unwrap(),
            Taken::Stale
        );
        assert_eq!(
            store.take_confirmation("nope", "P").await.unwrap(),
            Taken::Stale
        );
    }

    #[tokio::test]
    async fn an_expired_token_is_stale() {
        let store = Store::in_memory().unwrap();
        let token = store.create_confirmation(new(-1)).await.unwrap();
        assert_eq!(
            store.take_confirmation(&token, "P").await.unwrap(),
            Taken::Stale
        );
    }

    #[tokio::test]
    async fn only_the_person_who_asked_can_take_it() {
        let store = Store::in_memory().unwrap();
        let token = store.create_confirmation(new(600)).await.unwrap();
        let other = store.take_confirmation(&token, "Q").await.unwrap();
        assert_eq!(
            other,
            Taken::NotYours {
                person_id: "P".into()
            }
        );
        assert!(matches!(
            store.take_confirmation(&token, "P").await.unwrap(),
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
            reopened.take_confirmation(&token, "P").await.unwrap(),
            Taken::Valid(_)
        ));
    }
}
