//! A read-only view of an index folder, so `talash` can search an index it may not write to
//! (a shared folder, a read-only mount, another user's index).
//!
//! tantivy's readers take a short "meta lock" file while they load the index's metadata. On a
//! folder we cannot write, creating that file fails and tantivy refuses to open the index, even
//! though reading needs no write. This wrapper takes the lock when it can and goes without it
//! when the folder is not writable (no writer can run there either), and refuses every write.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

#[derive(Debug, Clone)]
pub struct ReadOnlyDirectory {
    inner: MmapDirectory,
}

impl ReadOnlyDirectory {
    pub fn open(dir: &Path) -> Result<ReadOnlyDirectory, OpenDirectoryError> {
        Ok(ReadOnlyDirectory {
            inner: MmapDirectory::open(dir)?,
        })
    }
}

fn refused(path: &Path) -> (Arc<io::Error>, PathBuf) {
    let e = io::Error::new(
        io::ErrorKind::PermissionDenied,
        "talash opens indexes read-only",
    );
    (Arc::new(e), path.to_path_buf())
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        let (io_error, filepath) = refused(path);
        Err(DeleteError::IoError { io_error, filepath })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let (io_error, filepath) = refused(path);
        Err(OpenWriteError::IoError { io_error, filepath })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("talash opens indexes read-only: {}", path.display()),
        ))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            // Not writable: no writer can commit here either, so reading without the lock is safe.
            Err(LockError::IoError(_)) => Ok(DirectoryLock::from(Box::new(()))),
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_refused_reads_delegate() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("meta.json"), b"{}").unwrap();
        let ro = ReadOnlyDirectory::open(dir.path()).unwrap();
        assert!(ro.open_write(Path::new("x")).is_err());
        assert!(ro.atomic_write(Path::new("meta.json"), b"[]").is_err());
        assert!(ro.delete(Path::new("meta.json")).is_err());
        assert_eq!(ro.atomic_read(Path::new("meta.json")).unwrap(), b"{}");
        assert!(dir.path().join("meta.json").exists());
    }
}
