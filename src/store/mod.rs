//! The SQLite store: accepted webhook events and their journal, the dedupe ledger, confirmations,
//! messages the bot posted, used forms, per-space defaults and scopes, and the audit trail
//! (behind [`AuditLog`], the seam for another backend). Callers never see SQL.
//!
//! One file in WAL mode. Every write goes through one writer thread ([`writer`]) that commits
//! whatever has queued up meanwhile in one transaction (group commit) and retries a busy or
//! locked database with backoff instead of failing; reads use a small pool of read-only
//! connections on tokio's blocking pool, so a read never waits behind a slow write. The schema is
//! versioned with `PRAGMA user_version` and migrated at open ([`schema`]); [`prune`] keeps each
//! table to its retention; [`health`] notices a store that was deleted, replaced or went bad.

mod audit;
mod checkpoint;
mod confirmations;
mod credentials;
mod defaults;
mod events;
mod health;
mod journal;
mod ledger;
mod posted;
mod prune;
mod schema;
mod spaces;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

pub use audit::{AuditEntry, AuditFuture, AuditLog, AuditQuery, DeviceResult};
pub use confirmations::{Confirmation, NewConfirmation, Taken};
pub use credentials::KeptSecret;
pub use events::{EventCounts, PendingEvent, StoredEvent, Ticket};
pub use journal::{Gate, JournaledReply};
pub use ledger::DeliveryKey;
pub use posted::PostedMessage;
pub use prune::{DEDUPE_WINDOW, Pruned, Retention, prune_every};
pub use spaces::Forgotten;

/// A handle on the SQLite file; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    writer: writer::Writer,
    /// What only a file store has; an in-memory store's reads go through the writer.
    file: Option<File>,
    /// This process's mark on the events it holds in memory (see [`events`]).
    boot: i64,
}

/// The parts of a store backed by a file.
struct File {
    /// Read-only connections.
    readers: Arc<ReaderPool>,
    /// The file and its identity at open, to notice it being deleted or replaced.
    watch: health::FileWatch,
    /// Checkpoints the WAL off the write path.
    _checkpointer: checkpoint::Checkpointer,
}

/// A store failure (I/O, corruption, a full disk, a store that is gone).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The whole write batch failed (the text of SQLite's error).
    #[error("database write failed: {0}")]
    WriteFailed(String),
    /// The file was written by a newer roombot.
    #[error(
        "the store has schema version {found}, newer than this build's {known}; use a newer roombot or another store.path"
    )]
    NewerSchema { found: i64, known: i64 },
    /// The writer thread is gone (the process is stopping).
    #[error("the store is closed")]
    Closed,
    #[error("database task failed: {0}")]
    Task(String),
}

/// Idle read-only connections kept for reuse.
const IDLE_READERS: usize = 4;

impl Store {
    /// Opens (creating if needed) the SQLite file at `path` and migrates its schema.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        // WAL lets readers run while the writer commits; NORMAL sync is durable across process
        // crashes (only a power cut can lose the last commits).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_PAGES)?;
        schema::migrate(&mut conn)?;
        let file = File {
            readers: Arc::new(ReaderPool {
                path: path.to_owned(),
                idle: Mutex::new(Vec::new()),
            }),
            watch: health::FileWatch::new(path),
            _checkpointer: checkpoint::Checkpointer::start(path.to_owned())?,
        };
        Ok(Self::with(conn, Some(file)))
    }

    /// An in-memory store, for `exec` and tests that need no file.
    pub fn in_memory() -> Result<Self, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        schema::migrate(&mut conn)?;
        Ok(Self::with(conn, None))
    }

    fn with(conn: Connection, file: Option<File>) -> Self {
        Self {
            inner: Arc::new(Inner {
                writer: writer::Writer::start(conn),
                file,
                boot: rand::random::<i64>().abs().max(1),
            }),
        }
    }

    /// Runs `f` in the next write transaction (batched with whatever else is waiting) and
    /// returns its result once committed. `f` may run more than once: a batch that meets a busy
    /// or locked database is rolled back and run again.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        self.write_then(f, |_| {}).await
    }

    /// Like [`Store::write`], and `after` runs on the writer thread right after the commit (or
    /// the failure), even if the caller stopped waiting. Keep it short and non-blocking.
    pub(crate) async fn write_then<T, F, A>(&self, f: F, after: A) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
        A: FnOnce(&Result<T, StoreError>) + Send + 'static,
    {
        self.inner.writer.submit(f, after).await
    }

    /// Waits until every write queued before it has committed (or failed), those nobody waits
    /// for included.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.write(|_| Ok(())).await
    }

    /// Runs `f` on a read-only connection on the blocking pool (never behind a write).
    pub(crate) async fn read<T, F>(&self, mut f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let Some(pool) = self.inner.file.as_ref().map(|f| f.readers.clone()) else {
            return self.write(f).await;
        };
        tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let result = f(&conn);
            pool.give(conn);
            result.map_err(StoreError::from)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// This process's owner mark on events.
    fn boot(&self) -> i64 {
        self.inner.boot
    }
}

/// Read-only connections to the file, opened on demand and kept for reuse.
struct ReaderPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl ReaderPool {
    fn take(&self) -> rusqlite::Result<Connection> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match idle {
            Some(conn) => Ok(conn),
            None => {
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(&self.path, flags)?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                Ok(conn)
            }
        }
    }

    fn give(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
