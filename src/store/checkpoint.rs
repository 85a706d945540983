//! WAL checkpoints off the write path. SQLite normally checkpoints inside the commit that
//! crosses `wal_autocheckpoint` pages, which stalls that commit (and every delivery waiting on
//! it) for the copy and its fsyncs. Here the writer's automatic checkpoint is only a far
//! backstop, and a thread of its own runs a passive checkpoint every [`EVERY`] (it copies
//! committed pages into the database without blocking the writer or readers). Under sustained
//! load a passive checkpoint never catches up completely, so the WAL could not start over and
//! would keep growing; past [`RESTART_PAGES`] the thread runs a restart checkpoint, which holds
//! writes back only while it copies the few pages left and syncs.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(100);
/// WAL size (pages) past which the WAL is made to start over.
const RESTART_PAGES: i64 = 16_384;
/// The writer's own checkpoint threshold, in pages: reached only if this thread stops.
pub(super) const BACKSTOP_PAGES: i64 = 262_144;

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
        let result = checkpoint(conn, "PASSIVE").and_then(|wal_pages| {
            if wal_pages > RESTART_PAGES {
                checkpoint(conn, "RESTART")?;
            }
            Ok(())
        });
        if let Err(error) = result {
            tracing::warn!(%error, "a WAL checkpoint failed; the next one will try again");
        }
    }
}

/// Runs a checkpoint in `mode`; returns the WAL's size in pages.
fn checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        row.get(1)
    })
}
