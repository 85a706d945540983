//! Messages the bot posted (card clicks are only accepted on these, and a click's reply goes to
//! the same thread) and create forms already used.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, Ticket, now_secs};
use crate::webex::{MessageId, RoomId};

/// A message the bot posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedMessage {
    pub id: MessageId,
    pub room_id: RoomId,
    pub parent_id: Option<MessageId>,
}

impl Store {
    /// Remembers a message the bot posted.
    pub async fn record_posted(&self, message: PostedMessage) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.execute(
                "INSERT OR REPLACE INTO posted_messages (id, room_id, parent_id, posted_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    message.id.as_str(),
                    message.room_id.as_str(),
                    message.parent_id.as_ref().map(MessageId::as_str),
                    now_secs()
                ],
            )
            .map(|_| ())
        })
        .await
    }

    /// The posted message with `id`, if the bot posted it.
    pub async fn posted(&self, id: &MessageId) -> Result<Option<PostedMessage>, StoreError> {
        let id = id.clone();
        self.read(move |conn| {
            conn.query_row(
                "SELECT id, room_id, parent_id FROM posted_messages WHERE id = ?1",
                params![id.as_str()],
                |row| {
                    Ok(PostedMessage {
                        id: MessageId::new(row.get::<_, String>(0)?),
                        room_id: RoomId::new(row.get::<_, String>(1)?),
                        parent_id: row.get::<_, Option<String>>(2)?.map(MessageId::new),
                    })
                },
            )
            .optional()
        })
        .await
    }

    /// Claims the form card `message` for one submission: true for the first claimer (and
    /// again for the event `ticket` that claimed it, when it is handled again), false while
    /// it is claimed (a create from it is running or done).
    pub async fn claim_form(
        &self,
        message: &MessageId,
        ticket: Option<Ticket>,
    ) -> Result<bool, StoreError> {
        let id = message.clone();
        let event = ticket.map(|t| t.event);
        self.write(move |conn| {
            let inserted = conn.execute(
                "INSERT OR IGNORE INTO used_forms (message_id, used_at, event) VALUES (?1, ?2, ?3)",
                params![id.as_str(), now_secs(), event],
            )?;
            if inserted == 1 {
                return Ok(true);
            }
            conn.query_row(
                "SELECT count(*) FROM used_forms WHERE message_id = ?1 AND event = ?2",
                params![id.as_str(), event],
                |row| row.get::<_, i64>(0),
            )
            .map(|n| n > 0)
        })
        .await
    }

    /// Gives a claimed form back (its submission was refused, so it may be fixed and sent again).
    pub async fn release_form(&self, message: &MessageId) -> Result<(), StoreError> {
        let id = message.clone();
        self.write(move |conn| {
            conn.execute(
                "DELETE FROM used_forms WHERE message_id = ?1",
                params![id.as_str()],
            )
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
            id: MessageId::new("M1"),
            room_id: RoomId::new("R1"),
            parent_id: Some(MessageId::new("P")),
        };
        store.record_posted(message.clone()).await.unwrap();
        assert_eq!(
            store.posted(&MessageId::new("M1")).await.unwrap(),
            Some(message)
        );
        assert_eq!(store.posted(&MessageId::new("M2")).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_form_is_claimed_once_until_released_and_again_by_its_own_event() {
        let store = Store::in_memory().unwrap();
        let form = MessageId::new("F");
        let ticket = Ticket {
            event: 3,
            attempt: 1,
        };
        assert!(store.claim_form(&form, Some(ticket)).await.unwrap());
        assert!(!store.claim_form(&form, None).await.unwrap());
        let replay = Ticket {
            attempt: 2,
            ..ticket
        };
        assert!(store.claim_form(&form, Some(replay)).await.unwrap());
        store.release_form(&form).await.unwrap();
        assert!(store.claim_form(&form, None).await.unwrap());
        assert!(!store.claim_form(&form, None).await.unwrap());
    }
}
