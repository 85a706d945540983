//! The writer: one thread owns the only write connection. It takes the first waiting job, every
//! job that queued up behind it (up to [`MAX_BATCH`]), and runs them in one transaction; then it
//! commits once and answers every job (group commit: concurrent writers share one commit). If a
//! job fails, the batch is run again with each job in its own savepoint, so one job's error does
//! not undo the others. A batch that meets a busy or
//! locked database is rolled back and run again with backoff, never dropped.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};
use tokio::sync::oneshot;

use super::StoreError;

/// Most jobs committed in one transaction.
const MAX_BATCH: usize = 1024;
/// The first wait after a busy database; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(5);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// How long SQLite waits on a lock before a write reports busy to the backoff loop.
const SQLITE_BUSY_WAIT: Duration = Duration::from_millis(250);

/// A queued write: run (maybe more than once), then finish with the batch's outcome.
trait Work: Send {
    fn run(&mut self, conn: &Connection) -> rusqlite::Result<()>;
    fn finish(self: Box<Self>, outcome: Result<(), StoreError>);
}

/// The handle that submits jobs to the writer thread, and what the writer reports.
pub(super) struct Writer {
    jobs: mpsc::Sender<Box<dyn Work>>,
    status: std::sync::Arc<Status>,
}

/// What the writer reports about itself, for readiness and metrics.
#[derive(Default)]
pub(super) struct Status {
    /// The error of the last batch, if it failed (cleared by the next commit).
    pub last_error: Mutex<Option<String>>,
    /// Since when batches have been meeting a busy database.
    pub busy_since: Mutex<Option<Instant>>,
    /// Batches rolled back and run again because the database was busy or locked.
    pub busy_retries: std::sync::Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer thread on `conn`. It ends when every handle is dropped.
    pub fn start(conn: Connection) -> Self {
        // SQLite itself waits out short locks (a restart checkpoint takes a few milliseconds);
        // longer waits are our backoff, which logs and counts them.
        let _ = conn.busy_timeout(SQLITE_BUSY_WAIT);
        let (jobs, queue) = mpsc::channel::<Box<dyn Work>>();
        let status = std::sync::Arc::new(Status::default());
        let reported = status.clone();
        std::thread::Builder::new()
            .name("roombot-store-writer".into())
            .spawn(move || run(conn, queue, &reported))
            .expect("the store writer thread starts");
        Self { jobs, status }
    }

    /// Queues `f` and waits for its commit.
    pub async fn submit<T, F, A>(&self, f: F, after: A) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
        A: FnOnce(&Result<T, StoreError>) + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job = Typed {
            f,
            out: None,
            after: Some(after),
            tx: Some(tx),
        };
        self.jobs
            .send(Box::new(job))
            .map_err(|_| StoreError::Closed)?;
        // The job comes back with its answer and is freed here, on the thread that made it.
        let (result, _job) = rx.await.map_err(|_| StoreError::Closed)?;
        result
    }

    /// Queues `f` without waiting for it: it joins the writer's next batch, and a failure is
    /// logged as `what` (the writer's status reports it like any other). Only
    /// [`StoreError::Closed`] comes back, when the writer has stopped.
    pub fn submit_detached<F>(&self, f: F, what: &'static str) -> Result<(), StoreError>
    where
        F: FnMut(&Connection) -> rusqlite::Result<()> + Send + 'static,
    {
        self.jobs
            .send(Box::new(Detached { f, what }))
            .map_err(|_| StoreError::Closed)
    }

    /// What the writer reports.
    pub fn status(&self) -> &Status {
        &self.status
    }
}

struct Typed<T, F, A> {
    f: F,
    out: Option<T>,
    after: Option<A>,
    tx: Option<Answer<T, F, A>>,
}

/// Where a job's answer goes, with the job itself.
type Answer<T, F, A> = oneshot::Sender<(Result<T, StoreError>, Box<Typed<T, F, A>>)>;

impl<T, F, A> Work for Typed<T, F, A>
where
    T: Send + 'static,
    F: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
    A: FnOnce(&Result<T, StoreError>) + Send + 'static,
{
    fn run(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        self.out = Some((self.f)(conn)?);
        Ok(())
    }

    fn finish(mut self: Box<Self>, outcome: Result<(), StoreError>) {
        let result = outcome.and_then(|()| self.out.take().ok_or(StoreError::Closed));
        if let Some(after) = self.after.take() {
            after(&result);
        }
        // The job (and what its closure holds, such as an event's text) goes back with the
        // answer: it was allocated on the caller's thread, and freeing it here would wait for
        // that thread's malloc arena (glibc), which under load stalled this thread for ~8 % of
        // its time. If the caller stopped waiting, it is freed here after all.
        if let Some(tx) = self.tx.take() {
            let _ = tx.send((result, self));
        }
    }
}

/// A write nobody waits for.
struct Detached<F> {
    f: F,
    what: &'static str,
}

impl<F> Work for Detached<F>
where
    F: FnMut(&Connection) -> rusqlite::Result<()> + Send + 'static,
{
    fn run(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        (self.f)(conn)
    }

    fn finish(self: Box<Self>, outcome: Result<(), StoreError>) {
        if let Err(error) = outcome {
            tracing::error!(%error, what = self.what, "a store write failed");
        }
    }
}

fn run(conn: Connection, queue: mpsc::Receiver<Box<dyn Work>>, status: &Status) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit(&conn, batch, status);
    }
}

/// Commits `batch` in one transaction, retrying while the database is busy, then answers it.
fn commit(conn: &Connection, mut batch: Vec<Box<dyn Work>>, status: &Status) {
    let mut backoff = FIRST_BACKOFF;
    let mut isolate = false;
    let outcomes = loop {
        match try_batch(conn, &mut batch, isolate) {
            Ok(Some(outcomes)) => {
                status.committed();
                break outcomes;
            }
            Ok(None) => {
                // A job failed: undo the batch and run it again, each job on its own.
                let _ = conn.execute_batch("ROLLBACK");
                isolate = true;
            }
            Err(error) => {
                // Nothing to roll back if BEGIN itself failed; the error is then harmless.
                let _ = conn.execute_batch("ROLLBACK");
                if is_busy(&error) {
                    status.busy(&error);
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
                status.failed(&error);
                let text = error.to_string();
                break batch
                    .iter()
                    .map(|_| Err(StoreError::WriteFailed(text.clone())))
                    .collect();
            }
        }
    };
    for (job, outcome) in batch.into_iter().zip(outcomes) {
        job.finish(outcome);
    }
}

/// Runs the batch in one transaction. Fast path (`isolate` false): jobs run back to back, and
/// if one fails the answer is `None` (roll back and run again isolated). Isolated: every job in
/// its own savepoint, so a failing job is undone alone. A busy error aborts the batch either way
/// (to be run again).
fn try_batch(
    conn: &Connection,
    batch: &mut [Box<dyn Work>],
    isolate: bool,
) -> rusqlite::Result<Option<Vec<Result<(), StoreError>>>> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch.iter_mut() {
        if isolate {
            conn.prepare_cached("SAVEPOINT job")?.execute([])?;
        }
        match job.run(conn) {
            Ok(()) if isolate => {
                conn.prepare_cached("RELEASE job")?.execute([])?;
                outcomes.push(Ok(()));
            }
            Ok(()) => outcomes.push(Ok(())),
            Err(error) if is_busy(&error) => return Err(error),
            Err(_) if !isolate => return Ok(None),
            Err(error) => {
                conn.execute_batch("ROLLBACK TO job; RELEASE job")?;
                outcomes.push(Err(StoreError::Sqlite(error)));
            }
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(Some(outcomes))
}

/// SQLITE_BUSY or SQLITE_LOCKED: another connection holds a lock; worth waiting for.
pub(super) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

impl Status {
    fn committed(&self) {
        if let Some(since) = self
            .busy_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            tracing::info!(waited = ?since.elapsed(), "store writes resumed after a lock");
        }
        let mut last = self.last_error.lock().unwrap_or_else(|p| p.into_inner());
        if last.take().is_some() {
            tracing::info!("store writes succeed again");
        }
    }

    fn busy(&self, error: &rusqlite::Error) {
        self.busy_retries.fetch_add(1, Ordering::Relaxed);
        let mut since = self.busy_since.lock().unwrap_or_else(|p| p.into_inner());
        if since.is_none() {
            *since = Some(Instant::now());
            tracing::warn!(%error, "the store is locked by another connection; retrying writes");
        }
    }

    fn failed(&self, error: &rusqlite::Error) {
        tracing::error!(%error, "a store write failed");
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(error.to_string());
    }

    /// How long writes have been waiting for a lock, if they are.
    pub fn busy_for(&self) -> Option<Duration> {
        self.busy_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map(|since| since.elapsed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> Writer {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY)")
            .unwrap();
        Writer::start(conn)
    }

    #[tokio::test]
    async fn concurrent_jobs_commit_and_one_failing_job_does_not_undo_the_others() {
        let writer = std::sync::Arc::new(writer());
        let mut tasks = Vec::new();
        for i in 0..50 {
            let writer = writer.clone();
            tasks.push(tokio::spawn(async move {
                let key = format!("k{}", i % 25);
                writer
                    .submit(
                        move |c: &Connection| c.execute("INSERT INTO t (k) VALUES (?1)", [&key]),
                        |_| {},
                    )
                    .await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            if task.await.unwrap().is_ok() {
                ok += 1;
            }
        }
        // Every key once: the 25 second inserts hit the primary key and fail alone.
        assert_eq!(ok, 25);
        let count = writer
            .submit(
                |c: &Connection| c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)),
                |_| {},
            )
            .await
            .unwrap();
        assert_eq!(count, 25);
    }

    #[tokio::test]
    async fn a_locked_database_is_waited_for_and_the_write_lands() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (k TEXT)").unwrap();
        let writer = Writer::start(conn);
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let write = writer.submit(
            |c: &Connection| c.execute("INSERT INTO t (k) VALUES ('x')", []),
            |_| {},
        );
        let release = async {
            // Hold the lock until the writer has met it at least twice.
            while writer.status().busy_retries.load(Ordering::Relaxed) < 2 {
                tokio::task::yield_now().await;
            }
            other.execute_batch("COMMIT").unwrap();
        };
        let (written, ()) = tokio::join!(write, release);
        assert_eq!(written.unwrap(), 1);
        assert!(writer.status().busy_for().is_none());
        assert!(writer.status().busy_retries.load(Ordering::Relaxed) >= 2);
    }
}
