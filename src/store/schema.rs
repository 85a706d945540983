//! The schema and its migrations. `PRAGMA user_version` holds how many migrations a file has had;
//! at open, the missing ones run in order, each in its own transaction with its version bump.
//! A file from before versioning has version 0 and the original tables, which migration 1
//! creates only where missing. Never edit a migration that has shipped: add the next one.

use rusqlite::Connection;

use super::StoreError;

/// Migration 1: the original tables (the schema before versioning).
pub(super) const V1_BASE: &str = "
CREATE TABLE IF NOT EXISTS deliveries (
    resource TEXT NOT NULL,
    id TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (resource, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_seen_at ON deliveries (seen_at);
CREATE TABLE IF NOT EXISTS posted_messages (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    parent_id TEXT,
    posted_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS confirmations (
    token TEXT PRIMARY KEY,
    command TEXT NOT NULL,
    person_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    thread_id TEXT,
    summary TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS space_defaults (
    room_id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS used_forms (
    message_id TEXT PRIMARY KEY,
    used_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    queued_at INTEGER NOT NULL
);
";

/// Migration 2: durable intake. Every accepted event is a row of `events` (its journal in
/// `step`, `action_attempt` and `reply`) until handled (a handled event's row is deleted; failed
/// ones stay, with their error); events spilled by older builds move in as pending.
/// Confirmations and forms remember the event that took them, so a replayed event finds them
/// still its own; event numbers are therefore never reused (AUTOINCREMENT). The dedupe ledger
/// becomes append-only (`ledger`, in arrival order): a unique index over random Webex ids made
/// every accepted delivery dirty a random page; uniqueness is kept by intake's in-memory set,
/// loaded from the ledger at start-up. Indexes for pruning by age.
const V2_EVENTS: &str = "
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY,
    resource TEXT NOT NULL,
    id TEXT NOT NULL,
    seen_at INTEGER NOT NULL
);
INSERT INTO ledger (resource, id, seen_at)
    SELECT resource, id, seen_at FROM deliveries ORDER BY seen_at;
DROP TABLE deliveries;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    resource TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    envelope TEXT,
    received_ms INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,
    owner INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms INTEGER NOT NULL DEFAULT 0,
    step INTEGER NOT NULL DEFAULT 0,
    action_attempt INTEGER,
    reply TEXT,
    error TEXT,
    finished_ms INTEGER
);
CREATE INDEX events_pending ON events (next_ms) WHERE state = 0;
CREATE INDEX events_failed ON events (finished_ms) WHERE state = 2;
INSERT INTO events (resource, delivery_id, envelope, received_ms)
    SELECT
        CASE WHEN json_valid(body) THEN coalesce(json_extract(body, '$.resource'), '') ELSE '' END,
        CASE WHEN json_valid(body) THEN coalesce(json_extract(body, '$.data.id'), '') ELSE '' END,
        body,
        queued_at * 1000
    FROM pending_events ORDER BY seq;
DROP TABLE pending_events;
ALTER TABLE confirmations ADD COLUMN used_by_event INTEGER;
ALTER TABLE used_forms ADD COLUMN event INTEGER;
CREATE INDEX posted_messages_posted_at ON posted_messages (posted_at);
CREATE INDEX confirmations_expires_at ON confirmations (expires_at);
CREATE INDEX used_forms_used_at ON used_forms (used_at);
";

/// Migration 3: the plan a confirmation showed (Confirm runs exactly it; `command` keeps its
/// text for the audit and for confirmations stored before plans), and credentials roombot must
/// keep between runs (the admin refresh token Webex rotates, with a fingerprint of the setting it
/// came from).
const V3_PLANS_AND_CREDENTIALS: &str = "
ALTER TABLE confirmations ADD COLUMN plan TEXT;
CREATE TABLE credentials (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    setting_fingerprint TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Migration 4: the audit trail (one row per command or click, the whole record as JSON, with
/// the columns its queries filter on) and each space's scope (the locations or tags its
/// commands may reach, the least role commands there need).
const V4_AUDIT_AND_SCOPES: &str = "
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    person_id TEXT NOT NULL,
    email TEXT NOT NULL,
    room_id TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at_ms);
CREATE INDEX audit_room ON audit (room_id, seq);
CREATE TABLE space_scopes (
    room_id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Every migration, in order: (what it does, its SQL). Version n has had the first n.
const MIGRATIONS: &[(&str, &str)] = &[
    ("base tables", V1_BASE),
    ("durable events and journal", V2_EVENTS),
    (
        "confirmation plans and kept credentials",
        V3_PLANS_AND_CREDENTIALS,
    ),
    ("audit trail and space scopes", V4_AUDIT_AND_SCOPES),
];

/// The schema version this build writes.
pub(super) const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings `conn`'s schema up to [`VERSION`]; refuses a file from a newer build.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > VERSION {
        return Err(StoreError::NewerSchema {
            found,
            known: VERSION,
        });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, migration = name, "store schema migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_fresh_file_gets_every_migration_and_a_second_open_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn), VERSION);
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn), VERSION);
    }

    #[test]
    fn a_file_from_a_newer_build_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", VERSION + 1)
            .unwrap();
        let error = migrate(&mut conn).unwrap_err().to_string();
        assert!(error.contains("newer than this build"), "{error}");
    }

    /// A file as roombot wrote it before schema versions: the original tables, version 0, a
    /// row in each, and two events spilled while the queue was full (one no longer decodes).
    fn unversioned_file(path: &std::path::Path) {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(V1_BASE).unwrap();
        conn.execute_batch(
            "INSERT INTO deliveries VALUES ('messages', 'M0', strftime('%s','now'));
             INSERT INTO posted_messages VALUES ('B1', 'R1', 'T1', strftime('%s','now'));
             INSERT INTO confirmations VALUES ('tok', 'reboot room 4B', 'P1', 'R1', NULL,
                 'Restart 1 device', strftime('%s','now') + 600, NULL);
             INSERT INTO space_defaults VALUES ('R1', 'room 4B', 'ada@example.com', 0);
             INSERT INTO used_forms VALUES ('F1', 0);
             INSERT INTO pending_events (body, queued_at) VALUES
                 ('{\"resource\":\"messages\",\"event\":\"created\",\"data\":{\"id\":\"M9\"}}', 5),
                 ('not json', 6);",
        )
        .unwrap();
        assert_eq!(version(&conn), 0);
    }

    #[tokio::test]
    async fn a_file_with_the_unversioned_schema_is_migrated_and_keeps_its_data() {
        use crate::store::{Store, Taken};
        use crate::webex::{MessageId, PersonId, RoomId};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        unversioned_file(&path);
        let store = Store::open(&path).unwrap();

        let recent = store.recent_deliveries(3600, 10).await.unwrap();
        assert_eq!(recent.len(), 1);
        assert_eq!(recent[0].id, "M0");
        let posted = store.posted(&MessageId::new("B1")).await.unwrap().unwrap();
        assert_eq!(posted.parent_id, Some(MessageId::new("T1")));
        let taken = store
            .take_confirmation("tok", &PersonId::new("P1"), None)
            .await
            .unwrap();
        // A confirmation from before plans were stored has none: it is planned again on Confirm.
        assert!(
            matches!(taken, Taken::Valid(c) if c.command == "reboot room 4B" && c.plan.is_none())
        );
        let target = store.default_target(&RoomId::new("R1")).await.unwrap();
        assert_eq!(target.as_deref(), Some("room 4B"));
        assert!(!store.claim_form(&MessageId::new("F1"), None).await.unwrap());

        // The spilled events are pending events now, in their order, the broken one included.
        let pending = store.claim_due_events(10).await.unwrap();
        assert_eq!(pending.len(), 2);
        assert!(pending[0].envelope.contains("M9"));
        assert_eq!(pending[0].received_ms, 5000);
        assert_eq!(pending[1].envelope, "not json");
        drop(store);
        let conn = Connection::open(&path).unwrap();
        assert_eq!(version(&conn), VERSION);
    }
}
