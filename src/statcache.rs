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

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
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

/// The previous run's cache, read whole (one read, no allocation per file): the files it
/// vouches for, in corpus order, looked up in step with the corpus.
pub struct OldCache {
    text: Arc<str>,
    files: Vec<CachedFile>,
    /// Whether the cache was written from the current working folder.
    same_cwd: bool,
}

/// Where one file's entry is in the cache text.
#[derive(Debug, Clone, Copy)]
struct CachedFile {
    stat: FileStat,
    /// The whole entry (its `F` line and the lines after it, each ending in a line break).
    start: usize,
    /// Where its path ends (it starts `path_len` bytes before) and its article lines begin.
    path_end: usize,
    path_len: usize,
    end: usize,
}

/// A file the old cache holds, as found by [`OldCache::find`].
#[derive(Clone, Copy)]
pub struct Cached<'a> {
    cache: &'a OldCache,
    file: CachedFile,
}

impl Cached<'_> {
    pub fn stat(&self) -> FileStat {
        self.file.stat
    }

    /// Its articles: each id, and its line in a JSONL collection.
    pub fn articles(&self) -> impl Iterator<Item = (&str, Option<usize>)> {
        self.lines()
            .filter_map(|l| article_line(l.strip_prefix("A\t")?))
    }

    /// The outlet names its articles give, in order of first appearance.
    pub fn outlets(&self) -> impl Iterator<Item = &str> {
        self.lines().filter_map(|l| l.strip_prefix("O\t"))
    }

    fn lines(&self) -> impl Iterator<Item = &str> {
        let f = self.file;
        self.cache.text[f.path_end + 1..f.end].split_terminator('\n')
    }
}

/// An `A` line after its tag: `LINE\tID` (`LINE` empty for a Markdown file).
fn article_line(rest: &str) -> Option<(&str, Option<usize>)> {
    let (at, id) = rest.split_once('\t')?;
    let at = match at {
        "" => None,
        n => Some(n.parse().ok()?),
    };
    Some((id, at))
}

impl OldCache {
    /// Reads the cache written with the manifest `manifest` in `dir`; `None` (read every
    /// file) when it is missing, unreadable, or was made with other settings. Damage ends the
    /// cache where it is found, which only means more files are read.
    pub fn open(dir: &Path, manifest: &str, max_file_bytes: u64) -> Option<OldCache> {
        let opstamp = manifest
            .strip_prefix("talash-articles-")?
            .strip_suffix(".tsv")?;
        let path = dir.join(file_name_of(opstamp)?);
        let text = std::fs::read_to_string(path).ok()?;
        let (first, _) = text.split_once('\n')?;
        let rest = first.strip_prefix(HEADER)?.strip_prefix('\t')?;
        let (max, cwd_then) = rest.split_once('\t')?;
        if max != max_file_bytes.to_string() {
            return None;
        }
        let same_cwd = cwd().is_some_and(|c| c == cwd_then);
        let files = Self::index(&text, first.len() + 1);
        Some(OldCache {
            text: text.into(),
            files,
            same_cwd,
        })
    }

    /// The file entries of `text` from `at`, up to the end or the first damaged line.
    fn index(text: &str, mut at: usize) -> Vec<CachedFile> {
        let mut files: Vec<CachedFile> = Vec::with_capacity(text.len() / 96);
        let mut open: Option<CachedFile> = None;
        while at < text.len() {
            let Some(len) = text[at..].find('\n') else {
                open = None; // a last line cut short: its entry may lack articles
                break;
            };
            let line = &text[at..at + len];
            let next = at + len + 1;
            if let Some(rest) = line.strip_prefix("F\t") {
                let Some((stat, path_len)) = file_line(rest) else {
                    break;
                };
                files.extend(open.take());
                open = Some(CachedFile {
                    stat,
                    start: at,
                    path_end: at + len,
                    path_len,
                    end: next,
                });
            } else if let Some(f) = open.as_mut()
                && (line
                    .strip_prefix("A\t")
                    .is_some_and(|r| article_line(r).is_some())
                    || line.starts_with("O\t"))
            {
                f.end = next;
            } else {
                open = None;
                break;
            }
            at = next;
        }
        files.extend(open);
        files
    }

    /// How many files it vouches for.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn path_of(&self, f: &CachedFile) -> &str {
        &self.text[f.path_end - f.path_len..f.path_end]
    }

    /// The entry of `path` if the cache holds it. `cursor` starts at 0 and calls must come in
    /// corpus order; entries of files before `path` that are gone are skipped.
    pub fn find(&self, cursor: &mut usize, path: &Path) -> Option<Cached<'_>> {
        while let Some(f) = self.files.get(*cursor) {
            let p = self.path_of(f);
            // Equal bytes are the common case, and much cheaper than comparing components.
            let order = match path.as_os_str().as_encoded_bytes() == p.as_bytes() {
                true => std::cmp::Ordering::Equal,
                false => Path::new(p).cmp(path),
            };
            match order {
                std::cmp::Ordering::Greater => return None,
                std::cmp::Ordering::Less => *cursor += 1,
                std::cmp::Ordering::Equal => {
                    *cursor += 1;
                    let trusted = self.same_cwd || path.is_absolute();
                    return trusted.then_some(Cached {
                        cache: self,
                        file: *f,
                    });
                }
            }
        }
        None
    }
}

/// An `F` line after its tag: `SIZE\tMTIME\tPATH`; the stat and the path's length.
fn file_line(rest: &str) -> Option<(FileStat, usize)> {
    let mut parts = rest.splitn(3, '\t');
    let size = parts.next()?.parse().ok()?;
    let mtime_ns = parts.next()?.parse().ok()?;
    let path = parts.next()?;
    Some((FileStat { size, mtime_ns }, path.len()))
}

/// The new cache: written as the corpus streams by into a partial file in the index folder
/// (a full build), or, for an update, kept as pieces (mostly spans of the old cache, copied as
/// they were) and written only if the update commits; [`CacheWriter::finish`] names it for
/// its commit.
pub struct CacheWriter {
    out: Out,
    dir: PathBuf,
}

enum Out {
    /// Written as it goes; `None` once it cannot be.
    Stream(Option<BufWriter<std::fs::File>>),
    /// Spans of the old cache's text and of `new`, in order; written by `finish`.
    Pieces {
        header: Option<String>,
        old: Option<Arc<str>>,
        pieces: Vec<Piece>,
        new: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Old(std::ops::Range<usize>),
    New(std::ops::Range<usize>),
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
            out: Out::Stream(out),
            dir: dir.to_path_buf(),
        }
    }

    /// Starts the cache of an update, which writes nothing unless it commits.
    pub fn deferred(dir: &Path, max_file_bytes: u64) -> CacheWriter {
        CacheWriter {
            out: Out::Pieces {
                header: header(max_file_bytes),
                old: None,
                pieces: Vec::new(),
                new: String::new(),
            },
            dir: dir.to_path_buf(),
        }
    }

    /// Records a file the old cache vouched for, unchanged (calls in corpus order).
    pub fn keep(&mut self, cached: &Cached) {
        let f = cached.file;
        let text = &cached.cache.text;
        match &mut self.out {
            Out::Stream(out) => {
                if let Some(o) = out.as_mut()
                    && o.write_all(text[f.start..f.end].as_bytes()).is_err()
                {
                    *out = None;
                }
            }
            Out::Pieces { old, pieces, .. } => {
                if old.as_ref().is_some_and(|o| !Arc::ptr_eq(o, text)) {
                    // Pieces of two old caches: not one run's; write this one afresh.
                    return;
                }
                old.get_or_insert_with(|| text.clone());
                push_piece(pieces, Piece::Old(f.start..f.end));
            }
        }
    }

    /// Records a file (calls in corpus order). Files whose path, ids or outlets hold a tab or
    /// line break are left out: they are simply read on every run.
    pub fn add(&mut self, path: &Path, entry: &FileEntry) {
        let Some(p) = path.to_str().filter(|p| clean(p)) else {
            return;
        };
        if !entry.outlets.iter().all(|o| clean(o)) || !entry.articles.iter().all(|a| clean(&a.0)) {
            return;
        }
        let text = entry_text(p, entry);
        match &mut self.out {
            Out::Stream(out) => {
                if let Some(o) = out.as_mut()
                    && o.write_all(text.as_bytes()).is_err()
                {
                    *out = None;
                }
            }
            Out::Pieces { pieces, new, .. } => {
                let start = new.len();
                new.push_str(&text);
                push_piece(pieces, Piece::New(start..new.len()));
            }
        }
    }

    /// Writes the cache out durably under the name for the commit of `opstamp`.
    pub fn finish(self, opstamp: u64) -> Result<String> {
        let name = format!("{PREFIX}{opstamp}{SUFFIX}");
        let partial = self.dir.join(PARTIAL);
        let done = || -> std::io::Result<()> {
            let mut out = match self.out {
                Out::Stream(Some(out)) => out,
                Out::Pieces {
                    header: Some(header),
                    old,
                    pieces,
                    new,
                } => {
                    let mut f = BufWriter::new(std::fs::File::create(&partial)?);
                    writeln!(f, "{header}")?;
                    for piece in pieces {
                        let bytes = match (piece, &old) {
                            (Piece::Old(r), Some(old)) => &old.as_bytes()[r],
                            (Piece::New(r), _) => &new.as_bytes()[r],
                            (Piece::Old(_), None) => continue,
                        };
                        f.write_all(bytes)?;
                    }
                    f
                }
                _ => {
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

/// Appends `piece`, joined to the last one when it continues it (an update that changes one
/// file keeps the old cache in two pieces).
fn push_piece(pieces: &mut Vec<Piece>, piece: Piece) {
    match (pieces.last_mut(), &piece) {
        (Some(Piece::Old(last)), Piece::Old(r)) | (Some(Piece::New(last)), Piece::New(r))
            if last.end == r.start =>
        {
            last.end = r.end;
        }
        _ => pieces.push(piece),
    }
}

/// A file's entry as cache text (pieces pushed, not formatted: this runs for every file of a
/// full build).
fn entry_text(path: &str, entry: &FileEntry) -> String {
    let mut text = String::with_capacity(64 + path.len());
    text.push_str("F\t");
    text.push_str(&entry.stat.size.to_string());
    text.push('\t');
    text.push_str(&entry.stat.mtime_ns.to_string());
    text.push('\t');
    text.push_str(path);
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
    text
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

    /// What the cache says of `path`, as a `FileEntry`.
    fn found(c: &OldCache, cursor: &mut usize, path: &str) -> Option<FileEntry> {
        let e = c.find(cursor, Path::new(path))?;
        Some(FileEntry {
            stat: e.stat(),
            articles: e
                .articles()
                .map(|(id, at)| HeldArticle(id.to_string(), at))
                .collect(),
            outlets: e.outlets().map(str::to_string).collect(),
        })
    }

    #[test]
    fn written_in_order_read_in_step_and_stale_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, c) = (Path::new("c/a.md"), Path::new("c/sub/c.md"));
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
        let r = OldCache::open(dir.path(), "talash-articles-1.tsv", 7).unwrap();
        assert_eq!(r.len(), 2);
        let mut at = 0;
        assert_eq!(found(&r, &mut at, "c/a.md"), Some(entry(1, &["a"])));
        assert_eq!(found(&r, &mut at, "c/b.md"), None, "not cached");
        assert_eq!(found(&r, &mut at, "c/sub/c.md"), Some(jsonl));
        assert_eq!(found(&r, &mut at, "c/z.md"), None);
        assert!(OldCache::open(dir.path(), "talash-articles-1.tsv", 8).is_none());
        assert!(OldCache::open(dir.path(), "talash-articles-9.tsv", 7).is_none());
        assert!(OldCache::open(dir.path(), "../x", 7).is_none());
    }

    #[test]
    fn a_file_gone_from_the_corpus_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CacheWriter::create(dir.path(), 7);
        for (i, p) in ["a.md", "b.md", "c.md"].iter().enumerate() {
            w.add(Path::new(p), &entry(i as u64, &[p]));
        }
        w.finish(3).unwrap();
        let r = OldCache::open(dir.path(), "talash-articles-3.tsv", 7).unwrap();
        assert_eq!(found(&r, &mut 0, "c.md"), Some(entry(2, &["c.md"])));
    }

    #[test]
    fn an_update_keeps_old_entries_verbatim_and_writes_only_on_finish() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CacheWriter::create(dir.path(), 7);
        for (i, p) in ["a.md", "b.md", "c.md", "d.md"].iter().enumerate() {
            w.add(Path::new(p), &entry(i as u64, &[p]));
        }
        w.finish(1).unwrap();
        let old = OldCache::open(dir.path(), "talash-articles-1.tsv", 7).unwrap();
        let mut w = CacheWriter::deferred(dir.path(), 7);
        let mut at = 0;
        w.keep(&old.find(&mut at, Path::new("a.md")).unwrap());
        w.add(Path::new("b.md"), &entry(9, &["b2", "b3"]));
        w.keep(&old.find(&mut at, Path::new("c.md")).unwrap());
        // d.md is gone; e.md is new.
        w.add(Path::new("e.md"), &entry(5, &["e"]));
        assert!(!dir.path().join(PARTIAL).exists(), "nothing written yet");
        w.finish(2).unwrap();
        let new = OldCache::open(dir.path(), "talash-articles-2.tsv", 7).unwrap();
        let mut at = 0;
        let want = [
            ("a.md", entry(0, &["a.md"])),
            ("b.md", entry(9, &["b2", "b3"])),
            ("c.md", entry(2, &["c.md"])),
            ("e.md", entry(5, &["e"])),
        ];
        for (p, e) in want {
            assert_eq!(found(&new, &mut at, p), Some(e), "{p}");
        }
        assert_eq!(new.len(), 4);
    }

    #[test]
    fn damage_ends_the_cache_where_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let head = format!("{}\n", header(7).unwrap());
        let path = dir.path().join("talash-files-1.tsv");
        let cases = [
            ("F\t1\t42\ta.md\nA\t\ta\nF\tx\t42\tb.md\nA\t\tb\n", 1),
            ("F\t1\t42\ta.md\nA\t\ta\nF\t1\t42\tb.md\nA\tz\tb\n", 1),
            ("F\t1\t42\ta.md\nA\t\ta\nF\t1\t42\tb.md\nA\t\tb", 1),
            ("F\t1\t42\ta.md\nA\t\ta\nF\t1\t42\tb.md\nA\t\tb\n", 2),
            ("Q\n", 0),
        ];
        for (body, files) in cases {
            std::fs::write(&path, format!("{head}{body}")).unwrap();
            let r = OldCache::open(dir.path(), "talash-articles-1.tsv", 7).unwrap();
            assert_eq!(r.len(), files, "{body:?}");
        }
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
