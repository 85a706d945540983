//! Per-space default targets (`use 4B`): commands without a target aim there.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now_secs};
use crate::webex::RoomId;

impl Store {
    /// Sets the space's default target (canonical target text); `set_by` is an email.
    pub async fn set_default_target(
        &self,
        room: &RoomId,
        target: &str,
        set_by: &str,
    ) -> Result<(), StoreError> {
        let (room, target, set_by) = (room.clone(), target.to_owned(), set_by.to_owned());
        self.write(move |conn| {
            conn.execute(
                "INSERT OR REPLACE INTO space_defaults (room_id, target, set_by, set_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![room.as_str(), target, set_by, now_secs()],
            )
            .map(|_| ())
        })
        .await
    }

    /// Clears the space's default target; true if there was one.
    pub async fn clear_default_target(&self, room: &RoomId) -> Result<bool, StoreError> {
        let room = room.clone();
        self.write(move |conn| {
            conn.execute(
                "DELETE FROM space_defaults WHERE room_id = ?1",
                params![room.as_str()],
            )
            .map(|n| n > 0)
        })
        .await
    }

    /// The space's default target, if set.
    pub async fn default_target(&self, room: &RoomId) -> Result<Option<String>, StoreError> {
        let room = room.clone();
        self.read(move |conn| {
            conn.query_row(
                "SELECT target FROM space_defaults WHERE room_id = ?1",
                params![room.as_str()],
                |row| row.get(0),
            )
            .optional()
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn defaults_are_set_read_and_cleared() {
        let store = Store::in_memory().unwrap();
        let room = RoomId::new("R");
        assert_eq!(store.default_target(&room).await.unwrap(), None);
        store
            .set_default_target(&room, "room 4B", "ada@example.com")
            .await
            .unwrap();
        assert_eq!(
            store.default_target(&room).await.unwrap().as_deref(),
            Some("room 4B")
        );
        assert!(store.clear_default_target(&room).await.unwrap());
        assert!(!store.clear_default_target(&room).await.unwrap());
    }
}
