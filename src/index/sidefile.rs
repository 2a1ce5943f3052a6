//! Side files: the files Talash keeps in an index folder beside tantivy's, one of each kind
//! per commit (the article manifest, the stat cache), named after the commit's opstamp.
//!
//! One scheme serves every kind, so a crash leaves the same guarantees for all of them:
//! - a file is written under a temporary name, synced, and renamed *before* the tantivy
//!   commit that names it (the payload names the manifest, whose opstamp names the others),
//!   so either the old commit with its files or the new one with its files is what survives;
//! - a small change is written as a delta on the last whole file while the changes number
//!   at most one in [`DELTA_SHARE`] of its entries, and a delta ends with [`DELTA_END`], so
//!   one cut short at a line break is seen as damage and not read as fewer changes;
//! - after the commit, the files of older commits and temporaries of a run that died are
//!   swept ([`Kind::remove_stale`]).
//!
//! What a line says is each kind's own business (see the manifest and the stat cache).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The end of every side file's name.
const SUFFIX: &str = ".tsv";
/// A delta is written while the changes since the last whole file number at most this share
/// of it (one in eight); then the whole file is written again, so a delta never grows to the
/// size of what it spares and reading one stays cheap.
const DELTA_SHARE: usize = 8;
/// A delta's last line: without it, a delta cut short at a line break could lose changes.
pub(crate) const DELTA_END: &str = "end\n";

/// One kind of side file: its files are `PREFIX<opstamp>.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    prefix: &'static str,
    /// The temporary name its files are written under: one fixed name (for a file streamed
    /// out during a run, before its commit's opstamp is known), or `None` for `.NAME.tmp`.
    partial: Option<&'static str>,
    /// What it is, for error messages.
    what: &'static str,
}

/// The article manifest, written whole at commit time.
pub(crate) const MANIFEST: Kind = Kind {
    prefix: "talash-articles-",
    partial: None,
    what: "article manifest",
};

/// The stat cache: a full build streams it out as the corpus goes by.
pub(crate) const STAT_CACHE: Kind = Kind {
    prefix: "talash-files-",
    partial: Some(".talash-files.partial"),
    what: "stat cache",
};

impl Kind {
    /// The file name of this kind for the commit of `opstamp`.
    pub(crate) fn file_name(self, opstamp: u64) -> String {
        format!("{}{opstamp}{SUFFIX}", self.prefix)
    }

    /// The opstamp a file name of this kind holds (its digits as written), if it is one.
    fn opstamp_in(self, name: &str) -> Option<&str> {
        let n = name.strip_prefix(self.prefix)?.strip_suffix(SUFFIX)?;
        (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(n)
    }

    pub(crate) fn is_name(self, name: &str) -> bool {
        self.opstamp_in(name).is_some()
    }

    /// The path of a file of this kind named in a payload or a delta's header, refusing
    /// names that are not this kind's (such as `../meta.json`).
    pub(crate) fn path_in(self, dir: &Path, name: &str) -> Option<PathBuf> {
        self.is_name(name).then(|| dir.join(name))
    }

    /// The name of this kind's file of the same commit as `name`, a file of kind `other`
    /// (the payload names only the manifest).
    pub(crate) fn beside(self, other: Kind, name: &str) -> Option<String> {
        let opstamp = other.opstamp_in(name)?;
        Some(format!("{}{opstamp}{SUFFIX}", self.prefix))
    }

    /// The temporary name of the file for the commit of `opstamp` (not needed by a kind with
    /// a fixed temporary name).
    fn temp_name(self, opstamp: Option<u64>) -> Option<String> {
        match self.partial {
            Some(partial) => Some(partial.to_string()),
            None => Some(format!(".{}.tmp", self.file_name(opstamp?))),
        }
    }

    fn is_temp(self, name: &str) -> bool {
        match self.partial {
            Some(partial) => name == partial,
            None => name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(".tmp"))
                .is_some_and(|n| self.is_name(n)),
        }
    }

    /// Writes this kind's file for the commit of `opstamp` into `dir`, durably: `fill` writes
    /// it under its temporary name, then it is synced and renamed. Returns its name and what
    /// `fill` returned.
    pub(crate) fn write<T>(
        self,
        dir: &Path,
        opstamp: u64,
        fill: impl FnOnce(&mut Pending) -> io::Result<T>,
    ) -> Result<(String, T)> {
        let temp = self.temp_name(Some(opstamp)).unwrap_or_default();
        let write = || -> io::Result<(String, T)> {
            let mut file = self.create(dir, &temp)?;
            let out = fill(&mut file)?;
            Ok((file.rename(opstamp)?, out))
        };
        write().with_context(|| self.failed(&dir.join(&temp)))
    }

    /// Starts this kind's file before its commit's opstamp is known, under the kind's fixed
    /// temporary name; [`Pending::finish`] names it once the commit is prepared.
    pub(crate) fn start(self, dir: &Path) -> io::Result<Pending> {
        let Some(temp) = self.temp_name(None) else {
            return Err(io::Error::other(
                "this side file has no fixed temporary name",
            ));
        };
        self.create(dir, &temp)
    }

    fn create(self, dir: &Path, temp: &str) -> io::Result<Pending> {
        let temp = dir.join(temp);
        let out = BufWriter::new(File::create(&temp)?);
        Ok(Pending {
            kind: self,
            dir: dir.to_path_buf(),
            temp,
            out,
        })
    }

    fn failed(self, temp: &Path) -> String {
        format!("cannot write the {} {}", self.what, temp.display())
    }

    /// Removes this kind's files in `dir` other than those in `keep` (the last commit's, and
    /// the whole file its delta changes): older commits', or one written by a run that died
    /// before its commit, and temporaries. Failing to remove one is harmless, so errors are
    /// ignored.
    pub(crate) fn remove_stale(self, dir: &Path, keep: &[String]) {
        remove_files_named(dir, |name| {
            !keep.iter().any(|k| k == name) && (self.is_name(name) || self.is_temp(name))
        });
    }
}

/// Whether a file named `name` is written as a delta on the whole file `base`, with
/// `changes` entries that differ from the `whole` entries of `base`. Never on itself: a
/// commit that reuses an opstamp would otherwise overwrite the base it reads.
pub(crate) fn delta_pays(base: &str, name: &str, changes: usize, whole: usize) -> bool {
    base != name && changes * DELTA_SHARE <= whole
}

/// A side file being written under its temporary name.
pub(crate) struct Pending {
    kind: Kind,
    dir: PathBuf,
    temp: PathBuf,
    out: BufWriter<File>,
}

impl Pending {
    /// Flushes, syncs and renames the file to its name for the commit of `opstamp`; returns
    /// that name.
    pub(crate) fn finish(self, opstamp: u64) -> Result<String> {
        let message = self.kind.failed(&self.temp);
        self.rename(opstamp).context(message)
    }

    fn rename(mut self, opstamp: u64) -> io::Result<String> {
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        let name = self.kind.file_name(opstamp);
        std::fs::rename(&self.temp, self.dir.join(&name))?;
        Ok(name)
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Removes the files directly in `dir` whose names `stale` picks; errors are ignored.
fn remove_files_named(dir: &Path, stale: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if stale(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn names_hold_the_opstamp_and_odd_names_are_refused() {
        assert_eq!(MANIFEST.file_name(12), "talash-articles-12.tsv");
        assert_eq!(STAT_CACHE.file_name(12), "talash-files-12.tsv");
        assert!(MANIFEST.is_name("talash-articles-007.tsv"));
        for odd in [
            "talash-articles-.tsv",
            "talash-articles-1x.tsv",
            "talash-articles-1.tsv.tmp",
            "talash-files-1.tsv",
            "../meta.json",
        ] {
            assert!(!MANIFEST.is_name(odd), "{odd}");
            assert!(MANIFEST.path_in(Path::new("/i"), odd).is_none(), "{odd}");
        }
        let beside = STAT_CACHE.beside(MANIFEST, "talash-articles-007.tsv");
        assert_eq!(beside.as_deref(), Some("talash-files-007.tsv"));
        assert_eq!(STAT_CACHE.beside(MANIFEST, "talash-files-7.tsv"), None);
        assert_eq!(STAT_CACHE.beside(MANIFEST, "../x"), None);
    }

    #[test]
    fn a_write_is_renamed_into_place_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (name, n) = MANIFEST
            .write(d, 3, |f| f.write_all(b"whole\n").map(|_| 1))
            .unwrap();
        assert_eq!((name.as_str(), n), ("talash-articles-3.tsv", 1));
        assert_eq!(std::fs::read_to_string(d.join(&name)).unwrap(), "whole\n");
        assert_eq!(names(d), [name.as_str()], "no temporary left");
        let failed = MANIFEST.write(d, 4, |f| {
            f.write_all(b"half")?;
            Err::<(), _>(io::Error::other("disk full"))
        });
        let message = format!("{:#}", failed.unwrap_err());
        assert!(message.contains(".talash-articles-4.tsv.tmp"), "{message}");
        assert!(!d.join("talash-articles-4.tsv").exists());
        // A stream starts before the opstamp is known.
        let mut f = STAT_CACHE.start(d).unwrap();
        assert!(d.join(".talash-files.partial").exists());
        f.write_all(b"streamed\n").unwrap();
        let name = f.finish(5).unwrap();
        assert_eq!(std::fs::read_to_string(d.join(name)).unwrap(), "streamed\n");
        assert!(
            MANIFEST.start(d).is_err(),
            "a manifest has no fixed temporary"
        );
    }

    #[test]
    fn the_sweep_keeps_what_is_named_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            "meta.json",
            "talash-articles-1.tsv",
            "talash-articles-2.tsv",
            "talash-articles-3.tsv",
            ".talash-articles-4.tsv.tmp",
            ".talash-articles-x.tsv.tmp",
            "talash-files-1.tsv",
            "talash-files-3.tsv",
            ".talash-files.partial",
        ] {
            std::fs::write(d.join(name), "x").unwrap();
        }
        let keep = [
            "talash-articles-3.tsv".to_string(),
            "talash-articles-1.tsv".into(),
        ];
        MANIFEST.remove_stale(d, &keep);
        STAT_CACHE.remove_stale(d, &["talash-files-3.tsv".to_string()]);
        let want = [
            ".talash-articles-x.tsv.tmp",
            "meta.json",
            "talash-articles-1.tsv",
            "talash-articles-3.tsv",
            "talash-files-3.tsv",
        ];
        assert_eq!(names(d), want);
    }

    #[test]
    fn a_delta_pays_up_to_one_change_in_eight_and_never_on_itself() {
        assert!(delta_pays("a-1", "a-2", 10, 80));
        assert!(!delta_pays("a-1", "a-2", 11, 80));
        assert!(!delta_pays("a-2", "a-2", 0, 80));
        assert!(delta_pays("a-1", "a-2", 0, 0));
    }
}
