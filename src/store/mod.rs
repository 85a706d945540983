//! The SQLite store: the dedupe ledger of webhook deliveries, events spilled when the queue is
//! full, confirmations and per-space defaults. One file, WAL mode, opened once; every call runs on
//! tokio's blocking pool so no async task blocks on disk. Callers never see SQL.

mod confirmations;
mod credentials;
mod defaults;
mod ledger;
mod posted;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

pub use confirmations::{Confirmation, NewConfirmation, Taken};
pub use credentials::KeptSecret;
pub use ledger::DeliveryKey;
pub use posted::PostedMessage;

/// A handle on the SQLite file; cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

/// A store failure (I/O, corruption, a full disk).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database task failed: {0}")]
    Task(String),
}

const SCHEMA: &str = "
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
CREATE TABLE IF NOT EXISTS credentials (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    setting_fingerprint TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    queued_at INTEGER NOT NULL
);
";

impl Store {
    /// Opens (creating if needed) the SQLite file at `path` and applies the schema.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// An in-memory store, for `exec` and tests that need no file.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        // WAL lets readers run while the ledger writer commits; NORMAL sync is durable across
        // process crashes (only a power cut can lose the last commits).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    async fn with_conn<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard).map_err(StoreError::from)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}
