//! One indexer at a time per index: an OS advisory lock on a file beside the index.
//!
//! The lock file lives *next to* the index folder (`.NAME.talash-lock`), not inside it, because a
//! run may replace the whole folder (see [`crate::index::recover`]); a lock inside it would be swapped
//! away with it. The lock itself is `flock(2)` (std's `File::try_lock`), which the kernel drops
//! when the process dies however it dies, so a `kill -9`ed indexer never leaves a lock that
//! blocks the next run. The PID and start time written into the file are only for the message
//! that tells a second indexer who holds the lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

/// The lock file for the index at `dir`.
pub fn lock_path(dir: &Path) -> PathBuf {
    crate::index::layout::sibling(dir, "lock")
}

/// Held while an indexer writes the index at a folder; released when dropped or when the
/// process ends.
#[derive(Debug)]
pub struct IndexLock {
    file: File,
    path: PathBuf,
}

impl IndexLock {
    /// Takes the lock for the index at `dir` without waiting: if another process holds it, the
    /// error names that process ("index is locked by PID N (started ...)").
    pub fn acquire(dir: &Path) -> Result<IndexLock> {
        let path = lock_path(dir);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the index lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                bail!(
                    "the index at {} is locked by {}; another talash-index is writing it. \
                     Wait for it to finish (the lock is released when that process ends; \
                     lock file: {})",
                    dir.display(),
                    holder(&mut file),
                    path.display()
                )
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| {
                    format!("cannot lock the index lock file {}", path.display())
                });
            }
        }
        let stamp = format!(
            "{}\n{}\n",
            std::process::id(),
            utc_timestamp(SystemTime::now())
        );
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ()))
            .and_then(|()| file.write_all(stamp.as_bytes()))
            .with_context(|| format!("cannot write the index lock file {}", path.display()))?;
        Ok(IndexLock { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        // The file stays (removing it would race with a process that opened it and waits to
        // lock it); emptied, it says nobody holds it. Closing the file releases the lock.
        let _ = self.file.set_len(0);
    }
}

/// "PID N (started ...)" from the lock file's content, read while another process holds it.
fn holder(file: &mut File) -> String {
    // The holder writes its PID right after locking; give it a moment if we were that quick.
    for _ in 0..5 {
        let mut text = String::new();
        let read = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut text));
        let mut lines = text.lines();
        if let (Ok(_), Some(pid), Some(started)) = (read, lines.next(), lines.next())
            && let Ok(pid) = pid.trim().parse::<u32>()
        {
            return format!("PID {pid} (started {})", started.trim());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    "another process (PID unknown)".into()
}

/// `YYYY-MM-DD HH:MM:SS UTC`, without a calendar crate.
pub fn utc_timestamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(utc_timestamp(UNIX_EPOCH), "1970-01-01 00:00:00 UTC");
        let t = UNIX_EPOCH + Duration::from_secs(1_709_251_199); // leap-year February
        assert_eq!(utc_timestamp(t), "2024-02-29 23:59:59 UTC");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(utc_timestamp(t), "2000-02-29 00:00:00 UTC");
    }

    #[test]
    fn a_second_lock_is_refused_with_the_holder_and_freed_on_drop() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("idx");
        let first = IndexLock::acquire(&dir).unwrap();
        assert_eq!(first.path(), t.path().join(".idx.talash-lock"));
        let err = IndexLock::acquire(&dir).unwrap_err().to_string();
        let want = format!("is locked by PID {} (started ", std::process::id());
        assert!(err.contains(&want), "{err}");
        drop(first);
        let again = IndexLock::acquire(&dir).unwrap();
        drop(again);
        // Released: the file stays but is empty.
        assert_eq!(
            std::fs::read_to_string(t.path().join(".idx.talash-lock")).unwrap(),
            ""
        );
    }
}
