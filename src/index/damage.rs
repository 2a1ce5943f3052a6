//! Never a panic: turning panics into errors, and telling a damaged index from a bug.
//!
//! tantivy trusts its files: a garbled posting list or term dictionary makes it index out of
//! bounds and panic, deep in a search. Talash cannot check every byte on every search (that is
//! reading the whole index), so it checks after the fact: when a search panics or fails, the
//! index's per-file checksums are verified, and a damaged index is reported as such, with the
//! files and the command that rebuilds it. A panic with intact files is reported as the bug it
//! is. Either way the exit status is 1, never 101.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Once;

use anyhow::{Result, anyhow};

/// A panic caught and turned into an error: its message and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked(pub String);

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error: {}", self.0)
    }
}

impl std::error::Error for Panicked {}

thread_local! {
    /// The last panic on this thread: the hook runs on the panicking thread, and [`catch`]
    /// reads it on the same thread once the stack has unwound.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic message (a backtrace dump meant for developers) by recording
/// the message for [`catch`]. With `TALASH_DEBUG_PANICS` set, the default output (and backtrace) is kept as well.
pub fn install_quiet_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        let verbose = std::env::var_os("TALASH_DEBUG_PANICS").is_some();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            let at = info
                .location()
                .map(|l| format!(" (at {}:{})", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{msg}{at}")));
            if verbose {
                default(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into a [`Panicked`] error.
pub fn catch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    install_quiet_panic_hook();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(_) => {
            let msg = LAST_PANIC
                .with(|last| last.borrow_mut().take())
                .unwrap_or_else(|| "panic".into());
            Err(anyhow::Error::new(Panicked(msg)))
        }
    }
}

/// The files of the index at `dir` that are missing or fail their checksum; `None` when the
/// index cannot even be opened for the check, or when it holds no damage that files show.
pub fn damaged_files(dir: &Path) -> Option<Vec<String>> {
    let dir = crate::index::recover::readable_dir(dir);
    let check = || -> Option<Vec<String>> {
        let directory = crate::index::readonly::ReadOnlyDirectory::open(&dir).ok()?;
        let index = tantivy::Index::open(directory).ok()?;
        let metas = index.load_metas().ok()?;
        let mut bad = Vec::new();
        for segment in &metas.segments {
            use tantivy::index::SegmentComponent as C;
            // Every Talash segment has these; deletes and plugin files are optional.
            for c in [
                C::Postings,
                C::Positions,
                C::Terms,
                C::Store,
                C::FastFields,
                C::FieldNorms,
            ] {
                let file = segment.relative_path(c);
                let shown = file.display();
                match index.directory().validate_checksum(&file) {
                    Ok(true) => {}
                    Ok(false) => bad.push(format!("{shown}: checksum mismatch")),
                    Err(_) if !dir.join(&file).exists() => bad.push(format!("{shown}: missing")),
                    Err(_) => bad.push(format!("{shown}: truncated or unreadable")),
                }
            }
        }
        bad.sort();
        (!bad.is_empty()).then_some(bad)
    };
    catch_unwind(AssertUnwindSafe(check)).ok().flatten()
}

/// A tantivy error as an error whose message is at most a few lines: some quote a whole
/// damaged `meta.json`.
pub fn shortened(e: tantivy::TantivyError) -> anyhow::Error {
    const MAX: usize = 300;
    let text = e.to_string();
    if text.chars().count() <= MAX {
        return anyhow::Error::new(e);
    }
    let head: String = text.chars().take(MAX).collect();
    anyhow!("{head}…")
}

/// Whether `dir` has the files tantivy keeps beside an index (so a folder whose `meta.json`
/// cannot be read is a damaged index, not someone else's data).
pub fn looks_like_tantivy(dir: &Path) -> bool {
    [
        ".managed.json",
        ".tantivy-meta.lock",
        ".tantivy-writer.lock",
    ]
    .iter()
    .any(|f| dir.join(f).is_file())
}

/// Runs a command's work on the index at `dir`. A panic, or a failure that is not the user's
/// (exit status 1), is checked against the index's checksums and explained: a damaged index
/// names its damaged files and how to rebuild; a panic with intact files is reported as a bug.
pub fn guard_index<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let err = match catch(f) {
        Ok(v) => return Ok(v),
        Err(e) if crate::error::exit_status(&e) == 2 => return Err(e),
        Err(e) => e,
    };
    let rebuild = format!(
        "rebuild it with: talash-index --full --index {} [CORPUS...]",
        dir.display()
    );
    if let Some(files) = damaged_files(dir) {
        return Err(err.context(format!(
            "the index at {} is damaged ({}); {rebuild}",
            dir.display(),
            files.join(", ")
        )));
    }
    if err.downcast_ref::<Panicked>().is_some() {
        return Err(anyhow!(
            "{err:#}. This is a bug in Talash, or damage to the index that its checksums do \
             not show ({rebuild} may help); please report it with the command you ran"
        ));
    }
    Err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors_with_their_message() {
        let r: Result<u8> = catch(|| {
            let v: Vec<u8> = Vec::new();
            let i = v.len() + 3;
            Ok(v[i])
        });
        let e = r.unwrap_err();
        let p = e.downcast_ref::<Panicked>().unwrap();
        assert!(p.0.contains("index out of bounds"), "{p}");
        assert!(p.0.contains("damage.rs:"), "{p}");
        assert_eq!(catch(|| Ok(5)).unwrap(), 5);
    }

    #[test]
    fn a_panic_on_an_intact_or_absent_index_is_reported_as_a_bug() {
        let t = tempfile::tempdir().unwrap();
        let r: Result<()> = guard_index(&t.path().join("none"), || panic!("boom"));
        let msg = format!("{:#}", r.unwrap_err());
        assert!(msg.contains("internal error: boom"), "{msg}");
        assert!(msg.contains("This is a bug in Talash"), "{msg}");
        // Usage errors pass through untouched.
        let r: Result<()> = guard_index(t.path(), || Err(crate::error::usage("bad flag")));
        assert_eq!(r.unwrap_err().to_string(), "bad flag");
    }
}
