//! WAL checkpoints off the write path. SQLite normally checkpoints inside the commit that
//! crosses `wal_autocheckpoint` pages, which stalls that commit (and every delivery waiting on
//! it) for the copy and its fsync. Here the writer's automatic checkpoint is raised to a
//! backstop, and a thread of its own runs passive checkpoints every [`EVERY`]: a passive
//! checkpoint never blocks the writer or readers.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(250);
/// The writer's own checkpoint threshold, in pages: reached only if this thread falls behind.
pub(super) const BACKSTOP_PAGES: i64 = 10_000;

/// Keeps the checkpoint thread running; dropping it stops the thread.
pub(super) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path` on its own connection.
    pub fn start(path: PathBuf) -> rusqlite::Result<Self> {
        let conn = Connection::open(&path)?;
        conn.busy_timeout(Duration::from_secs(1))?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("roombot-store-checkpoint".into())
            .spawn(move || run(&conn, &stopped))
            .expect("the store checkpoint thread starts");
        Ok(Self { _stop: stop })
    }
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
        let result: rusqlite::Result<(i64, i64, i64)> =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            });
        if let Err(error) = result {
            tracing::warn!(%error, "a WAL checkpoint failed; the next one will try again");
        }
    }
}
