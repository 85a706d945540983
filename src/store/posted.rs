//! Messages the bot posted: card clicks are only accepted on these, and a click's reply goes to
//! the same thread.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now_secs};

/// A message the bot posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedMessage {
    pub id: String,
    pub room_id: String,
    pub parent_id: Option<String>,
}

impl Store {
    /// Remembers a message the bot posted.
    pub async fn record_posted(&self, message: PostedMessage) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT OR REPLACE INTO posted_messages (id, room_id, parent_id, posted_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![message.id, message.room_id, message.parent_id, now_secs()],
            )
            .map(|_| ())
        })
        .await
    }

    /// The posted message with `id`, if the bot posted it.
    pub async fn posted(&self, id: &str) -> Result<Option<PostedMessage>, StoreError> {
        let id = id.to_owned();
        self.with_conn(move |conn| {
            conn.query_row(
                "SELECT id, room_id, parent_id FROM posted_messages WHERE id = ?1",
                params![id],
                |row| {
                    Ok(PostedMessage {
                        id: row.get(0)?,
                        room_id: row.get(1)?,
                        parent_id: row.get(2)?,
                    })
                },
            )
            .optional()
        })
        .await
    }
}

impl Store {
    /// Claims the form card `message_id` for one submission: true for the first claimer, false
    /// while it is claimed (a create from it is running or done).
    pub async fn claim_form(&self, message_id: &str) -> Result<bool, StoreError> {
        let id = message_id.to_owned();
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO used_forms (message_id, used_at) VALUES (?1, ?2)",
                params![id, now_secs()],
            )
            .map(|n| n == 1)
        })
        .await
    }

    /// Gives a claimed form back (its submission was refused, so it may be fixed and sent again).
    pub async fn release_form(&self, message_id: &str) -> Result<(), StoreError> {
        let id = message_id.to_owned();
        self.with_conn(move |conn| {
            conn.execute("DELETE FROM used_forms WHERE message_id = ?1", params![id])
                .map(|_| ())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn posted_messages_are_found_by_id() {
        let store = Store::in_memory().unwrap();
        let message = PostedMessage {
            id: "M1".into(),
            room_id: "R1".into(),
            parent_id: Some("P".into()),
        };
        store.record_posted(message.clone()).await.unwrap();
        assert_eq!(store.posted("M1").await.unwrap(), Some(message));
        assert_eq!(store.posted("M2").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_form_is_claimed_once_until_released() {
        let store = Store::in_memory().unwrap();
        assert!(store.claim_form("F").await.unwrap());
        assert!(!store.claim_form("F").await.unwrap());
        store.release_form("F").await.unwrap();
        assert!(store.claim_form("F").await.unwrap());
    }
}
