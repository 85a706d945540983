//! Per-space governance: the scope a space is bound to (stored as the text its owner in `ops`
//! writes; the store does not read it), and forgetting everything kept for a space the bot
//! left (its default target, its scope, its pending confirmations).

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now_secs};
use crate::webex::RoomId;

/// What [`Store::forget_space`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub default_target: bool,
    pub scope: bool,
    /// Confirmations not yet used.
    pub confirmations: usize,
}

impl Store {
    /// Binds the space to `scope` (replacing any); `set_by` is an email.
    pub async fn set_space_scope(
        &self,
        room: &RoomId,
        scope: &str,
        set_by: &str,
    ) -> Result<(), StoreError> {
        let (room, scope, set_by) = (room.clone(), scope.to_owned(), set_by.to_owned());
        self.write(move |conn| {
            conn.execute(
                "INSERT OR REPLACE INTO space_scopes (room_id, scope, set_by, set_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![room.as_str(), scope, set_by, now_secs()],
            )
            .map(|_| ())
        })
        .await
    }

    /// Unbinds the space; true if it had a scope.
    pub async fn clear_space_scope(&self, room: &RoomId) -> Result<bool, StoreError> {
        let room = room.clone();
        self.write(move |conn| {
            conn.execute(
                "DELETE FROM space_scopes WHERE room_id = ?1",
                params![room.as_str()],
            )
            .map(|n| n > 0)
        })
        .await
    }

    /// The space's scope as stored, if any.
    pub async fn space_scope(&self, room: &RoomId) -> Result<Option<String>, StoreError> {
        let room = room.clone();
        self.read(move |conn| {
            conn.query_row(
                "SELECT scope FROM space_scopes WHERE room_id = ?1",
                params![room.as_str()],
                |row| row.get(0),
            )
            .optional()
        })
        .await
    }

    /// Forgets the space: its default target, its scope and its unused confirmations (one
    /// transaction).
    pub async fn forget_space(&self, room: &RoomId) -> Result<Forgotten, StoreError> {
        let room = room.clone();
        self.write(move |conn| {
            let id = room.as_str();
            let default_target =
                conn.execute("DELETE FROM space_defaults WHERE room_id = ?1", [id])? > 0;
            let scope = conn.execute("DELETE FROM space_scopes WHERE room_id = ?1", [id])? > 0;
            let confirmations = conn.execute(
                "DELETE FROM confirmations WHERE room_id = ?1 AND used_at IS NULL",
                [id],
            )?;
            Ok(Forgotten {
                default_target,
                scope,
                confirmations,
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewConfirmation;
    use crate::webex::PersonId;

    #[tokio::test]
    async fn a_space_is_scoped_and_forgotten_whole() {
        let store = Store::in_memory().unwrap();
        let (room, other) = (RoomId::new("R"), RoomId::new("S"));
        store.set_space_scope(&room, "{}", "ada@x").await.unwrap();
        assert_eq!(
            store.space_scope(&room).await.unwrap().as_deref(),
            Some("{}")
        );
        store
            .set_default_target(&room, "room 4B", "ada@x")
            .await
            .unwrap();
        store
            .set_default_target(&other, "room 4B", "ada@x")
            .await
            .unwrap();
        for at in [&room, &other] {
            store
                .create_confirmation(NewConfirmation {
                    command: "reboot 4B".into(),
                    plan: None,
                    person_id: PersonId::new("P"),
                    room_id: at.clone(),
                    thread_id: None,
                    summary: "Restart".into(),
                    ttl_secs: 600,
                })
                .await
                .unwrap();
        }
        let forgotten = store.forget_space(&room).await.unwrap();
        assert_eq!(
            forgotten,
            Forgotten {
                default_target: true,
                scope: true,
                confirmations: 1
            }
        );
        assert_eq!(store.space_scope(&room).await.unwrap(), None);
        assert_eq!(store.default_target(&room).await.unwrap(), None);
        assert!(store.default_target(&other).await.unwrap().is_some());
        assert!(!store.clear_space_scope(&room).await.unwrap());
    }
}
