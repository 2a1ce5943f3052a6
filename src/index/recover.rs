//! Surviving an indexer that dies mid-run, and searches that race an indexer.
//!
//! When a run must replace the whole index folder (a new schema or format), it builds the new
//! index beside it in `.NAME.talash-new`, commits it, then swaps it in. On Linux and macOS the
//! swap is one atomic `renameat2(RENAME_EXCHANGE)` / `renamex_np(RENAME_SWAP)`, so there is no
//! moment without an index at `NAME`. Elsewhere, or on a file system that cannot exchange, it
//! is two renames (`NAME` → `.NAME.talash-old`, new → `NAME`), and a kill between them leaves
//! no index at `NAME`: [`before_writing`] (the next indexer run) and [`readable_dir`] (every
//! search) repair or work around that state, so no manual clean-up is ever needed.
//!
//! A search that opens the index while a swap or a commit happens may read `meta.json` of one
//! index and then miss its files; [`open_retrying`] retries when the index changed under it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::index::layout::sibling;

/// With `--keep-going`, a run in which every file was bad would replace the index by an empty
/// one; that is never what the user wants, so it fails instead and the index stays as it was.
pub fn refuse_empty_run(
    articles: &[crate::corpus::Article],
    bad: &[crate::corpus::InputError],
) -> Result<()> {
    if !articles.is_empty() || bad.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = bad.iter().map(|e| format!("  {e}")).collect();
    anyhow::bail!(
        "no article could be read, so the index was left as it was; {}:\n{}",
        crate::plural::count(bad.len(), "problem"),
        listed.join("\n")
    )
}

/// Whether `dir` holds a committed Talash index: a `meta.json` whose commit payload is
/// Talash's. An index created by a run that was killed before its first commit is not one.
pub fn is_committed_index(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("meta.json")) else {
        return false;
    };
    let Ok(meta) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    meta.get("payload")
        .and_then(|p| p.as_str())
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .is_some_and(|p| p.get("talash_format").is_some())
}

/// The folder a search should read for the index at `dir`: `dir` itself, or, when a run was
/// killed between the two renames of a swap and `dir` is missing, the committed index left
/// beside it (the new one first: it is the last commit).
pub fn readable_dir(dir: &Path) -> PathBuf {
    if dir.exists() {
        return dir.to_path_buf();
    }
    [sibling(dir, "new"), sibling(dir, "old")]
        .into_iter()
        .find(|d| is_committed_index(d))
        .unwrap_or_else(|| dir.to_path_buf())
}

/// Run by the indexer (holding the index lock) before it writes: puts back an index lost
/// between the two renames of an interrupted swap and removes what interrupted runs left
/// beside the index. Returns a note for each repair, for the user.
pub fn before_writing(dir: &Path) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    let (new, old) = (sibling(dir, "new"), sibling(dir, "old"));
    if !dir.exists()
        && let Some(found) = [&new, &old].into_iter().find(|d| is_committed_index(d))
    {
        std::fs::rename(found, dir).with_context(|| {
            format!(
                "cannot restore the index {} to {}",
                found.display(),
                dir.display()
            )
        })?;
        notes.push(format!(
            "restored the index at {} from {} (a previous run was interrupted while swapping)",
            dir.display(),
            found.display()
        ));
    }
    for leftover in [&new, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover).with_context(|| {
                format!(
                    "cannot remove {} left by an interrupted run",
                    leftover.display()
                )
            })?;
            notes.push(format!(
                "removed {} left by an interrupted run",
                leftover.display()
            ));
        }
    }
    Ok(notes)
}

/// Replaces the index at `dir` by the committed index at `fresh`, atomically where the OS
/// allows; removes the old one.
pub fn swap_in(fresh: &Path, dir: &Path) -> Result<()> {
    if dir.exists() && exchange(fresh, dir)? {
        // `fresh` now holds the old index; `dir` the new one.
        sync_parent(dir);
        return std::fs::remove_dir_all(fresh)
            .with_context(|| format!("cannot remove the old index at {}", fresh.display()));
    }
    let old = sibling(dir, "old");
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove {}", old.display()))?;
    }
    if dir.exists() {
        std::fs::rename(dir, &old)
            .with_context(|| format!("cannot move {} aside", dir.display()))?;
    }
    // A kill here leaves no index at `dir`: `readable_dir` and `before_writing` handle it.
    std::fs::rename(fresh, dir)
        .with_context(|| format!("cannot move the new index to {}", dir.display()))?;
    sync_parent(dir);
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the old index {}", old.display()))?;
    }
    Ok(())
}

/// Atomically exchanges two folders. `Ok(false)` when this OS or file system cannot.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(e) => Err(std::io::Error::from(e))
            .with_context(|| format!("cannot swap {} and {}", a.display(), b.display())),
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool> {
    Ok(false)
}

/// Makes a rename durable across a power cut (best effort: a kill alone needs no sync).
fn sync_parent(dir: &Path) {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(f) = std::fs::File::open(parent)
    {
        let _ = f.sync_all();
    }
}

/// What identifies one committed state of the index at `dir`: which folder is there and
/// which `meta.json` it holds.
fn generation(dir: &Path) -> Option<(u64, std::time::SystemTime, u64)> {
    let folder = std::fs::metadata(dir).ok()?;
    let meta = std::fs::metadata(dir.join("meta.json")).ok()?;
    #[cfg(unix)]
    let id = std::os::unix::fs::MetadataExt::ino(&folder);
    #[cfg(not(unix))]
    let id = folder.modified().map_or(0, |t| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    Some((id, meta.modified().ok()?, meta.len()))
}

/// Opens the index at `dir` with `open` (for searching: see `search::Engine::open`). An
/// indexer committing or swapping at that very moment can make the open fail (a file listed
/// in the `meta.json` just read is already gone); when the index changed during a failed
/// attempt, it is opened again.
pub fn open_retrying<T>(dir: &Path, open: impl Fn(&Path) -> Result<T>) -> Result<T> {
    const ATTEMPTS: usize = 5;
    let mut attempt = 0;
    loop {
        let before = generation(&readable_dir(dir));
        match open(dir) {
            Ok(opened) => return Ok(opened),
            Err(e) => {
                attempt += 1;
                let changed = generation(&readable_dir(dir)) != before;
                if !changed || attempt >= ATTEMPTS {
                    return Err(e);
                }
                std::thread::sleep(Duration::from_millis(20 * attempt as u64));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_index(dir: &Path, marker: &str) {
        std::fs::create_dir_all(dir).unwrap();
        let payload = serde_json::json!({ "talash_format": 1 }).to_string();
        let meta = serde_json::json!({ "segments": [], "payload": payload });
        std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
        std::fs::write(dir.join("marker"), marker).unwrap();
    }

    fn marker(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("marker")).unwrap()
    }

    #[test]
    fn swap_replaces_and_leaves_nothing_beside() {
        let t = tempfile::tempdir().unwrap();
        let (dir, fresh) = (t.path().join("idx"), sibling(&t.path().join("idx"), "new"));
        fake_index(&dir, "old");
        fake_index(&fresh, "new");
        swap_in(&fresh, &dir).unwrap();
        assert_eq!(marker(&dir), "new");
        let left: Vec<_> = std::fs::read_dir(t.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the index remains: {left:?}");
    }

    #[test]
    fn a_kill_between_the_two_renames_is_repaired() {
        // The state a kill leaves between `dir → old` and `new → dir`.
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("idx");
        fake_index(&sibling(&dir, "old"), "old");
        fake_index(&sibling(&dir, "new"), "new");
        assert_eq!(readable_dir(&dir), sibling(&dir, "new"));
        let notes = before_writing(&dir).unwrap();
        assert_eq!(marker(&dir), "new", "the last commit is restored");
        assert!(notes[0].contains("restored"), "{notes:?}");
        assert!(!sibling(&dir, "old").exists());
        // Only the old one left (the new one never committed): it comes back.
        std::fs::remove_dir_all(&dir).unwrap();
        fake_index(&sibling(&dir, "old"), "old");
        std::fs::create_dir_all(sibling(&dir, "new")).unwrap();
        assert_eq!(readable_dir(&dir), sibling(&dir, "old"));
        before_writing(&dir).unwrap();
        assert_eq!(marker(&dir), "old");
        assert!(!sibling(&dir, "new").exists());
    }

    #[test]
    fn an_uncommitted_index_is_not_an_index() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("meta.json"), r#"{"segments":[]}"#).unwrap();
        assert!(!is_committed_index(t.path()));
        assert!(!is_committed_index(&t.path().join("absent")));
    }
}
