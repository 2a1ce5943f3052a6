//! The stat cache: what each corpus file held when it was last indexed, with its size and
//! modification time, so an update reads only the files that changed (as git's index does).
//!
//! Article identity stays the id and content hash of the [`crate::manifest::Manifest`]; this
//! cache only spares reading files whose size and mtime are what they were. A file whose stat
//! matches is trusted without being read: `talash-index --full`, or touching the file, makes it
//! read again. Files modified within [`RACY_SECS`] before the run that cached them are not
//! cached (their mtime could repeat after a quick edit of the same size), nor are files that
//! gave an error or a warning (so those are reported on every run, as before).
//!
//! It is a side file `talash-files-<opstamp>.tsv` in the index folder, written and synced
//! before the commit, exactly like the manifest `talash-articles-<opstamp>.tsv` that the commit
//! payload names (the same opstamp names both), so both switch together. Files are listed in
//! corpus order (the order discovery sorts them in), so a run reads the old cache as a stream,
//! in step with the corpus, and writes the new one as a stream: memory stays flat at any size.
//! Paths are as given on the command line, so the cache records the working folder, and its
//! relative paths are not trusted from another one.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

const PREFIX: &str = "talash-files-";
const SUFFIX: &str = ".tsv";
const HEADER: &str = "talash-files 1";
const PARTIAL: &str = ".talash-files.partial";

/// Files modified this recently before a run are read again by the next run.
pub const RACY_SECS: u64 = 2;

/// A file's size and modification time (nanoseconds since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub size: u64,
    pub mtime_ns: u64,
}

impl FileStat {
    /// The stat of `path`, or `None` when it cannot be taken (the file is then read, and
    /// reading reports the problem).
    pub fn of(path: &Path) -> Option<FileStat> {
        Self::from_metadata(&std::fs::metadata(path).ok()?)
    }

    /// The stat in `meta`, if it is a regular file's.
    pub fn from_metadata(meta: &std::fs::Metadata) -> Option<FileStat> {
        let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        let mtime_ns = u64::try_from(mtime.as_nanos()).ok()?;
        meta.is_file().then_some(FileStat {
            size: meta.len(),
            mtime_ns,
        })
    }

    /// Whether this stat, taken by a run that started at `started`, may be cached.
    pub fn cacheable(self, started: SystemTime) -> bool {
        let limit = started
            .checked_sub(Duration::from_secs(RACY_SECS))
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        self.mtime_ns < limit
    }
}

/// One article a file held: its id, and its line in a JSONL collection (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldArticle(pub String, pub Option<usize>);

/// What one file held when it was indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub stat: FileStat,
    /// Its articles, in file order.
    pub articles: Vec<HeldArticle>,
    /// The outlet names its articles give, in order of first appearance.
    pub outlets: Vec<String>,
}

/// The settings a cache is only valid under (the file size limit), and the working folder its
/// relative paths are relative to.
fn header(max_file_bytes: u64) -> Option<String> {
    Some(format!("{HEADER}\t{max_file_bytes}\t{}", cwd()?))
}

fn cwd() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    cwd.to_str().filter(|c| clean(c)).map(str::to_string)
}

fn clean(s: &str) -> bool {
    !s.contains(['\t', '\n', '\r'])
}

/// The previous run's cache, read in step with the corpus files.
pub struct CacheReader {
    lines: std::io::Lines<BufReader<std::fs::File>>,
    /// The next file entry's line (`F\t...`), not yet consumed.
    pending: Option<String>,
    /// Whether the cache was written from the current working folder.
    same_cwd: bool,
}

impl CacheReader {
    /// Opens the cache written with the manifest `manifest` in `dir`; `None` (read every file)
    /// when it is missing, unreadable, or was made with other settings.
    pub fn open(dir: &Path, manifest: &str, max_file_bytes: u64) -> Option<CacheReader> {
        let opstamp = manifest
            .strip_prefix("talash-articles-")?
            .strip_suffix(".tsv")?;
        let path = dir.join(file_name_of(opstamp)?);
        let mut lines = BufReader::new(std::fs::File::open(path).ok()?).lines();
        let first = lines.next()?.ok()?;
        let rest = first.strip_prefix(HEADER)?.strip_prefix('\t')?;
        let (max, cwd_then) = rest.split_once('\t')?;
        if max != max_file_bytes.to_string() {
            return None;
        }
        let same_cwd = cwd().is_some_and(|c| c == cwd_then);
        let pending = lines.next().and_then(Result::ok);
        Some(CacheReader {
            lines,
            pending,
            same_cwd,
        })
    }

    /// The entry of `path` if the cache holds it. Calls must come in corpus order; entries
    /// of files before `path` that are gone are skipped. Damage ends the cache (`None` from
    /// then on), which only means more files are read.
    pub fn entry(&mut self, path: &Path) -> Option<FileEntry> {
        loop {
            let line = self.pending.as_deref()?;
            let mut parts = line.splitn(4, '\t');
            let (Some("F"), Some(size), Some(mtime), Some(p)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                self.pending = None;
                return None;
            };
            // Equal bytes are the common case, and much cheaper than comparing components.
            let order = match path.as_os_str().as_encoded_bytes() == p.as_bytes() {
                true => std::cmp::Ordering::Equal,
                false => Path::new(p).cmp(path),
            };
            match order {
                std::cmp::Ordering::Greater => return None,
                std::cmp::Ordering::Less => {
                    self.skip_entry();
                    continue;
                }
                std::cmp::Ordering::Equal => {}
            }
            let (Ok(size), Ok(mtime_ns)) = (size.parse(), mtime.parse()) else {
                self.pending = None;
                return None;
            };
            let stat = FileStat { size, mtime_ns };
            let entry = self.read_entry(stat);
            return entry.filter(|_| self.same_cwd || path.is_absolute());
        }
    }

    /// Moves past the pending file entry's lines.
    fn skip_entry(&mut self) {
        loop {
            self.pending = self.lines.next().and_then(Result::ok);
            match self.pending.as_deref() {
                Some(l) if !l.starts_with("F\t") => continue,
                _ => return,
            }
        }
    }

    fn read_entry(&mut self, stat: FileStat) -> Option<FileEntry> {
        let mut entry = FileEntry {
            stat,
            articles: Vec::new(),
            outlets: Vec::new(),
        };
        loop {
            self.pending = self.lines.next().and_then(Result::ok);
            let Some(line) = self.pending.as_deref() else {
                break;
            };
            if let Some(rest) = line.strip_prefix("A\t") {
                let (at, id) = rest.split_once('\t')?;
                let at = match at {
                    "" => None,
                    n => Some(n.parse().ok()?),
                };
                entry.articles.push(HeldArticle(id.to_string(), at));
            } else if let Some(name) = line.strip_prefix("O\t") {
                entry.outlets.push(name.to_string());
            } else {
                break;
            }
        }
        Some(entry)
    }
}

/// The new cache, written as the corpus streams by into a partial file in the index folder,
/// and named for its commit by [`CacheWriter::finish`].
pub struct CacheWriter {
    out: Option<BufWriter<std::fs::File>>,
    dir: PathBuf,
}

impl CacheWriter {
    /// Starts the cache in `dir`. If it cannot be written (or the working folder's name is
    /// odd), the run goes on and writes an empty cache at the end.
    pub fn create(dir: &Path, max_file_bytes: u64) -> CacheWriter {
        let out = header(max_file_bytes).and_then(|h| {
            let mut f = BufWriter::new(std::fs::File::create(dir.join(PARTIAL)).ok()?);
            writeln!(f, "{h}").ok()?;
            Some(f)
        });
        CacheWriter {
            out,
            dir: dir.to_path_buf(),
        }
    }

    /// Records a file (calls in corpus order). Files whose path, ids or outlets hold a tab or
    /// line break are left out: they are simply read on every run.
    pub fn add(&mut self, path: &Path, entry: &FileEntry) {
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let Some(p) = path.to_str().filter(|p| clean(p)) else {
            return;
        };
        if !entry.outlets.iter().all(|o| clean(o)) || !entry.articles.iter().all(|a| clean(&a.0)) {
            return;
        }
        // Pieces pushed, not formatted: this runs for every file of every run.
        let mut text = String::with_capacity(64 + p.len());
        text.push_str("F\t");
        text.push_str(&entry.stat.size.to_string());
        text.push('\t');
        text.push_str(&entry.stat.mtime_ns.to_string());
        text.push('\t');
        text.push_str(p);
        text.push('\n');
        for HeldArticle(id, line) in &entry.articles {
            text.push_str("A\t");
            if let Some(n) = line {
                text.push_str(&n.to_string());
            }
            text.push('\t');
            text.push_str(id);
            text.push('\n');
        }
        for o in &entry.outlets {
            text.push_str("O\t");
            text.push_str(o);
            text.push('\n');
        }
        if out.write_all(text.as_bytes()).is_err() {
            self.out = None;
        }
    }

    /// Writes the cache out durably under the name for the commit of `opstamp`.
    pub fn finish(self, opstamp: u64) -> Result<String> {
        let name = format!("{PREFIX}{opstamp}{SUFFIX}");
        let partial = self.dir.join(PARTIAL);
        let done = || -> std::io::Result<()> {
            let mut out = match self.out {
                Some(out) => out,
                None => {
                    // Could not be written as it went: an empty, valid-but-unusable cache.
                    let mut f = BufWriter::new(std::fs::File::create(&partial)?);
                    writeln!(f, "{HEADER}\t-")?;
                    f
                }
            };
            out.flush()?;
            out.get_ref().sync_all()?;
            std::fs::rename(&partial, self.dir.join(&name))
        };
        done().with_context(|| format!("cannot write the stat cache {}", partial.display()))?;
        Ok(name)
    }

    /// Removes caches other than `keep`, and a partial one. Errors are harmless and ignored.
    pub fn remove_stale(dir: &Path, keep: &str) {
        crate::manifest::remove_files_named(dir, |name| {
            name != keep && (is_cache_name(name) || name == PARTIAL)
        });
    }
}

fn is_cache_name(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|r| r.strip_suffix(SUFFIX))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn file_name_of(opstamp: &str) -> Option<String> {
    let name = format!("{PREFIX}{opstamp}{SUFFIX}");
    is_cache_name(&name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(size: u64, ids: &[&str]) -> FileEntry {
        FileEntry {
            stat: FileStat { size, mtime_ns: 42 },
            articles: ids
                .iter()
                .map(|i| HeldArticle(i.to_string(), None))
                .collect(),
            outlets: vec!["Dawn".into()],
        }
    }

    #[test]
    fn written_in_order_read_in_step_and_stale_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            Path::new("c/a.md"),
            Path::new("c/b.md"),
            Path::new("c/sub/c.md"),
        );
        let mut w = CacheWriter::create(dir.path(), 7);
        w.add(a, &entry(1, &["a"]));
        w.add(Path::new("c/bad\tname.md"), &entry(2, &["x"]));
        let mut jsonl = entry(3, &["c1"]);
        jsonl.articles.push(HeldArticle("c2".into(), Some(2)));
        w.add(c, &jsonl);
        let old = w.finish(1).unwrap();
        let w = CacheWriter::create(dir.path(), 7);
        let name = w.finish(2).unwrap();
        assert_eq!(name, "talash-files-2.tsv");
        CacheWriter::remove_stale(dir.path(), &old);
        assert!(!dir.path().join(&name).exists());
        let mut r = CacheReader::open(dir.path(), "talash-articles-1.tsv", 7).unwrap();
        assert_eq!(r.entry(a), Some(entry(1, &["a"])));
        assert_eq!(r.entry(b), None, "not cached");
        assert_eq!(r.entry(c), Some(jsonl));
        assert_eq!(r.entry(Path::new("c/z.md")), None);
        assert!(CacheReader::open(dir.path(), "talash-articles-1.tsv", 8).is_none());
        assert!(CacheReader::open(dir.path(), "talash-articles-9.tsv", 7).is_none());
        assert!(CacheReader::open(dir.path(), "../x", 7).is_none());
    }

    #[test]
    fn a_file_gone_from_the_corpus_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CacheWriter::create(dir.path(), 7);
        for (i, p) in ["a.md", "b.md", "c.md"].iter().enumerate() {
            w.add(Path::new(p), &entry(i as u64, &[p]));
        }
        w.finish(3).unwrap();
        let mut r = CacheReader::open(dir.path(), "talash-articles-3.tsv", 7).unwrap();
        assert_eq!(r.entry(Path::new("c.md")), Some(entry(2, &["c.md"])));
    }

    #[test]
    fn recent_files_are_not_cacheable() {
        let now = SystemTime::now();
        let ns = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
        let recent = FileStat {
            size: 1,
            mtime_ns: ns(now),
        };
        let old = FileStat {
            size: 1,
            mtime_ns: ns(now - Duration::from_secs(60)),
        };
        assert!(!recent.cacheable(now));
        assert!(old.cacheable(now));
    }
}
