//! Is the store still there and working? SQLite keeps writing to an open file even after it was
//! deleted or replaced (everything written then is lost at the next start), and a file that went
//! read-only only fails at the next write. [`Store::check_ready`] looks: the file at the path is
//! still the one opened, it can be opened for writing, the last write batch did not fail, writes
//! are not stuck behind a lock, and a trivial query answers. [`Store::watch`] runs it on a timer
//! and logs when the answer changes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Store;

/// Writes waiting this long for a lock make the store not ready.
const STUCK_AFTER: Duration = Duration::from_secs(10);

/// The store file and what it was when opened.
pub(super) struct FileWatch {
    path: PathBuf,
    identity: Option<Identity>,
}

/// Device and inode: a file deleted and created anew has another inode.
type Identity = (u64, u64);

impl FileWatch {
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            identity: identity(path),
        }
    }

    /// Why the file is no longer usable, if it is not.
    fn problem(&self) -> Option<String> {
        let path = self.path.display();
        let Ok(metadata) = std::fs::metadata(&self.path) else {
            return Some(format!(
                "the database file {path} is gone (deleted or moved)"
            ));
        };
        if !metadata.is_file() || identity(&self.path) != self.identity {
            return Some(format!(
                "the database file {path} was replaced by another file"
            ));
        }
        if let Err(error) = std::fs::OpenOptions::new().write(true).open(&self.path) {
            return Some(format!("the database file {path} is not writable: {error}"));
        }
        None
    }
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_path: &Path) -> Option<Identity> {
    None
}

impl Store {
    /// `Ok` when the store can do its job now; otherwise why not, in one sentence.
    pub async fn check_ready(&self) -> Result<(), String> {
        if let Some(problem) = self.inner.file.as_ref().and_then(|f| f.watch.problem()) {
            return Err(problem);
        }
        let status = self.inner.writer.status();
        if let Some(error) = status
            .last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Err(format!("the last write failed: {error}"));
        }
        if let Some(waited) = status.busy_for().filter(|w| *w >= STUCK_AFTER) {
            return Err(format!(
                "writes have waited {}s for a lock held by another connection",
                waited.as_secs()
            ));
        }
        self.read(|conn| conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())))
            .await
            .map_err(|error| format!("a trivial query failed: {error}"))
    }

    /// The count of write batches run again because the database was busy or locked (live).
    pub fn busy_retries(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        self.inner.writer.status().busy_retries.clone()
    }

    /// Checks readiness every `every`, forever: an error line when the store stops being ready
    /// (naming why), an info line when it recovers; `report` gets every result.
    pub async fn watch(self, every: Duration, report: impl Fn(bool) + Send) {
        let mut was_ready = true;
        loop {
            let result = self.check_ready().await;
            match (&result, was_ready) {
                (Err(reason), true) => tracing::error!(%reason, "the store is not usable"),
                (Ok(()), false) => tracing::info!("the store is usable again"),
                _ => {}
            }
            was_ready = result.is_ok();
            report(was_ready);
            tokio::time::sleep(every).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_deleted_or_replaced_file_makes_the_store_not_ready() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.check_ready().await, Ok(()));

        std::fs::remove_file(&path).unwrap();
        let gone = store.check_ready().await.unwrap_err();
        assert!(gone.contains("is gone"), "{gone}");

        std::fs::write(&path, b"").unwrap();
        let replaced = store.check_ready().await.unwrap_err();
        assert!(replaced.contains("replaced"), "{replaced}");
    }

    #[tokio::test]
    async fn an_in_memory_store_is_ready() {
        let store = Store::in_memory().unwrap();
        assert_eq!(store.check_ready().await, Ok(()));
    }

    /// Log lines written while the guard lives, for asserting on them.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn the_watch_logs_an_error_line_when_the_file_goes_and_reports_not_ready() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let store = Store::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let watch = store.watch(Duration::from_millis(5), move |ready| {
            let _ = tx.send(ready);
        });
        let first = async { rx.recv().await };
        let ready = tokio::select! {
            ready = first => ready,
            () = watch => unreachable!("the watch runs forever"),
        };
        assert_eq!(ready, Some(false));
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains("ERROR")
                && text.contains("the store is not usable")
                && text.contains("is gone"),
            "{text}"
        );
    }
}
