//! The folder a new index is built in, beside its final place, with its files made durable
//! once, at the end, instead of one at a time as tantivy writes them.
//!
//! tantivy syncs every file it finishes (eight or so a segment), and rewrites and syncs its
//! list of managed files before creating each one, so that a crash never leaves a committed
//! index pointing at data not on disk. A new index does not need that: it is built in a
//! sibling folder that nothing reads, which a failed or killed run leaves to be removed (see
//! [`crate::recover`]), and which is moved into place only after its commit. So here writes
//! are not synced as they happen; [`FreshDirectory::sync_all`] syncs every file written, all
//! at once on a few threads, and then the folder, before the move. The durability at the
//! moment the index appears is the same; the wait is one round of concurrent syncs rather
//! than one sync after another on the indexing threads (a 10k-passage build made 57 of them).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// Threads that sync the files of a new index at the end: syncs wait on the disk, not the
/// processor, and the file system serves concurrent ones together.
const SYNC_THREADS: usize = 8;

#[derive(Debug, Clone)]
pub struct FreshDirectory {
    root: PathBuf,
    inner: MmapDirectory,
    /// Files written and not synced yet, relative to `root`.
    written: Arc<Mutex<Vec<PathBuf>>>,
}

impl FreshDirectory {
    pub fn open(root: &Path) -> Result<FreshDirectory, OpenDirectoryError> {
        Ok(FreshDirectory {
            root: root.to_path_buf(),
            inner: MmapDirectory::open(root)?,
            written: Arc::default(),
        })
    }

    fn record(&self, path: &Path) {
        self.written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(path.to_path_buf());
    }

    /// Syncs every file written that still exists, then the folder itself.
    pub fn sync_all(&self) -> io::Result<()> {
        let mut paths =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|p| p.into_inner()));
        paths.sort();
        paths.dedup();
        let chunk = paths.len().div_ceil(SYNC_THREADS).max(1);
        std::thread::scope(|s| {
            let syncing: Vec<_> = paths
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().try_for_each(|p| self.sync_file(p))))
                .collect();
            syncing
                .into_iter()
                .try_for_each(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        })?;
        File::open(&self.root)?.sync_all()
    }

    fn sync_file(&self, path: &Path) -> io::Result<()> {
        match File::open(self.root.join(path)) {
            Ok(f) => f.sync_data(),
            // Written, then deleted (tantivy's temporary files): nothing to keep.
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// A file being written, not synced when finished.
struct Unsynced(File);

impl Write for Unsynced {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for Unsynced {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

impl Directory for FreshDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => OpenWriteError::FileAlreadyExists(path.into()),
                _ => OpenWriteError::wrap_io_error(e, path.to_path_buf()),
            })?;
        self.record(path);
        Ok(io::BufWriter::new(Box::new(Unsynced(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    /// Written beside and renamed over, so a reader never sees half of it (tantivy's rule),
    /// but not synced until [`FreshDirectory::sync_all`].
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        let target = self.root.join(path);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let temp = target.with_file_name(format!(".{name}.talash-partial"));
        std::fs::write(&temp, data)?;
        std::fs::rename(&temp, &target)?;
        self.record(path);
        Ok(())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_written_are_readable_and_synced_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = FreshDirectory::open(dir.path()).unwrap();
        let mut w = fresh.open_write(Path::new("a.idx")).unwrap();
        w.write_all(b"postings").unwrap();
        w.terminate().unwrap();
        fresh.atomic_write(Path::new("meta.json"), b"{}").unwrap();
        fresh
            .atomic_write(Path::new("meta.json"), b"{\"x\":1}")
            .unwrap();
        let mut gone = fresh.open_write(Path::new("temp.store")).unwrap();
        gone.write_all(b"x").unwrap();
        gone.terminate().unwrap();
        fresh.delete(Path::new("temp.store")).unwrap();
        assert!(matches!(
            fresh.open_write(Path::new("a.idx")),
            Err(OpenWriteError::FileAlreadyExists(_))
        ));
        assert_eq!(
            fresh.atomic_read(Path::new("meta.json")).unwrap(),
            b"{\"x\":1}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("a.idx")).unwrap(),
            b"postings"
        );
        assert_eq!(fresh.written.lock().unwrap().len(), 4);
        fresh.sync_all().unwrap();
        assert!(fresh.written.lock().unwrap().is_empty());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            !names.iter().any(|n| n.ends_with("talash-partial")),
            "{names:?}"
        );
    }
}
