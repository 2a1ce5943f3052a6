//! The stat cache: what each corpus file held when it was last indexed, with its size and
//! modification time, so an update reads only the files that changed (as git's index does).
//!
//! Article identity stays the id and content hash of the [`crate::index::manifest::Manifest`]; this
//! cache only spares reading files whose size and mtime are what they were. A file whose stat
//! matches is trusted without being read: `talash-index --full`, or touching the file, makes it
//! read again. Files modified within [`crate::corpus::walk::RACY_SECS`] before the run that cached them are not
//! cached (their mtime could repeat after a quick edit of the same size), nor are files that
//! gave an error or a warning (so those are reported on every run, as before).
//!
//! It is a side file `talash-files-<opstamp>.tsv` in the index folder, written and synced
//! before the commit, exactly like the manifest `talash-articles-<opstamp>.tsv` that the commit
//! payload names (the same opstamp names both), so both switch together (see
//! [`crate::index::sidefile`]). This file holds its format and reads it; the cache writer
//! writes it. Files are listed in corpus order (the order discovery sorts them in), so a run
//! reads the old cache as a stream, in step with the corpus, and writes the new one as a
//! stream: memory stays flat at any size.
//! Paths are as given on the command line, so the cache records the working folder, and its
//! relative paths are not trusted from another one.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::corpus::walk::FileStat;
use crate::index::sidefile::{DELTA_END, MANIFEST, STAT_CACHE};

pub(crate) const HEADER: &str = "talash-files 1";
/// The header of a cache written as the changes to another: its entries that are not the
/// whole cache's, then an `R` line for each of the whole cache's entries it drops.
pub(crate) const DELTA_HEADER: &str = "talash-files-delta 1";

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
pub(crate) fn header(max_file_bytes: u64) -> Option<String> {
    Some(format!("{HEADER}\t{max_file_bytes}\t{}", cwd()?))
}

fn cwd() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    cwd.to_str().filter(|c| clean(c)).map(str::to_string)
}

pub(crate) fn clean(s: &str) -> bool {
    !s.contains(['\t', '\n', '\r'])
}

/// The texts of the cache files read, shared with the cache writer that copies from them.
pub(crate) struct Texts {
    /// The whole cache (header line included), its name, and its entries.
    pub(crate) whole: String,
    pub(crate) whole_name: String,
    whole_files: Vec<CachedFile>,
    /// The delta on it (see [`DELTA_HEADER`]), empty if none.
    pub(crate) delta: String,
}

impl Texts {
    /// How many entries the whole cache holds.
    pub(crate) fn whole_len(&self) -> usize {
        self.whole_files.len()
    }

    /// The path of the whole cache's entry `n`.
    pub(crate) fn whole_path(&self, n: usize) -> Option<&str> {
        Some(self.whole_files.get(n)?.path(&self.whole))
    }

    /// The settings part of the whole cache's header (size limit and working folder).
    pub(crate) fn settings(&self) -> &str {
        let first = self.whole.split_once('\n').map_or("", |(f, _)| f);
        first
            .strip_prefix(HEADER)
            .and_then(|r| r.strip_prefix('\t'))
            .unwrap_or("")
    }
}

/// The previous run's cache, read whole (one read, no allocation per file): the files it
/// vouches for, in corpus order, looked up in step with the corpus. It is a whole cache, or
/// a whole cache and a delta that replaces or removes some of its entries.
pub struct OldCache {
    texts: Arc<Texts>,
    delta_files: Vec<CachedFile>,
    /// The files it vouches for, in corpus order.
    files: Vec<Slot>,
    /// Whether the cache was written from the current working folder.
    same_cwd: bool,
}

/// Where a file's entry is: the whole cache's entry `n`, or the delta's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Whole(u32),
    Delta(u32),
}

/// Where one file's entry is in its cache text.
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

impl CachedFile {
    fn path<'t>(&self, text: &'t str) -> &'t str {
        &text[self.path_end - self.path_len..self.path_end]
    }
}

/// A file the old cache holds, as found by [`OldCache::find`].
#[derive(Clone, Copy)]
pub struct Cached<'a> {
    cache: &'a OldCache,
    slot: Slot,
    file: CachedFile,
}

/// A compact handle on an entry [`OldCache::find`] found, for [`OldCache::get`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef(Slot);

impl<'a> Cached<'a> {
    pub fn stat(&self) -> FileStat {
        self.file.stat
    }

    pub fn handle(&self) -> EntryRef {
        EntryRef(self.slot)
    }

    /// Its articles: each id, and its line in a JSONL collection.
    pub fn articles(&self) -> impl Iterator<Item = (&'a str, Option<usize>)> + use<'a> {
        self.lines()
            .filter_map(|l| article_line(l.strip_prefix("A\t")?))
    }

    /// The outlet names its articles give, in order of first appearance.
    pub fn outlets(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.lines().filter_map(|l| l.strip_prefix("O\t"))
    }

    /// Which cache text its entry is in, and where (for a writer that copies it).
    pub(crate) fn span(&self) -> (Slot, Range<usize>) {
        (self.slot, self.file.start..self.file.end)
    }

    /// Its whole entry, as cache text.
    pub(crate) fn bytes(&self) -> &'a [u8] {
        &self.text().as_bytes()[self.file.start..self.file.end]
    }

    /// Whether it comes from the cache read into `texts`.
    pub(crate) fn is_from(&self, texts: &Arc<Texts>) -> bool {
        Arc::ptr_eq(texts, &self.cache.texts)
    }

    fn text(&self) -> &'a str {
        match self.slot {
            Slot::Whole(_) => &self.cache.texts.whole,
            Slot::Delta(_) => &self.cache.texts.delta,
        }
    }

    fn lines(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let f = self.file;
        self.text()[f.path_end + 1..f.end].split_terminator('\n')
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
    /// file) when it is missing, unreadable, or was made with other settings. Damage ends a
    /// whole cache where it is found, which only means more files are read; a damaged delta
    /// makes the cache unusable (its whole cache alone would vouch for files it removed).
    pub fn open(dir: &Path, manifest: &str, max_file_bytes: u64) -> Option<OldCache> {
        let name = STAT_CACHE.beside(MANIFEST, manifest)?;
        let text = std::fs::read_to_string(dir.join(&name)).ok()?;
        let (first, _) = text.split_once('\n')?;
        let (whole, whole_name, delta) = match first.strip_prefix(DELTA_HEADER) {
            Some(rest) => {
                let (settings, whole_name) = rest.strip_prefix('\t')?.rsplit_once('\t')?;
                let whole_name = STAT_CACHE.is_name(whole_name).then_some(whole_name)?;
                let whole = std::fs::read_to_string(dir.join(whole_name)).ok()?;
                let (whole_first, _) = whole.split_once('\n')?;
                if whole_first.strip_prefix(HEADER)?.strip_prefix('\t')? != settings {
                    return None;
                }
                let whole_name = whole_name.to_string();
                (whole, whole_name, text)
            }
            None => (text, name, String::new()),
        };
        let (whole_first, _) = whole.split_once('\n')?;
        let (max, cwd_then) = whole_first
            .strip_prefix(HEADER)?
            .strip_prefix('\t')?
            .split_once('\t')?;
        if max != max_file_bytes.to_string() {
            return None;
        }
        let same_cwd = cwd().is_some_and(|c| c == cwd_then);
        let (whole_files, _) = Self::index(&whole, whole_first.len() + 1);
        let (delta_files, files) = match delta.split_once('\n') {
            None => (Vec::new(), (0..whole_files.len()).map(whole_slot).collect()),
            Some((delta_first, _)) => {
                let (delta_files, stop) = Self::index(&delta, delta_first.len() + 1);
                let removed = removals(&delta[stop..])?;
                let files = merge(&whole, &whole_files, &delta, &delta_files, &removed);
                (delta_files, files)
            }
        };
        let texts = Texts {
            whole,
            whole_name,
            whole_files,
            delta,
        };
        Some(OldCache {
            texts: Arc::new(texts),
            delta_files,
            files,
            same_cwd,
        })
    }

    /// The file entries of `text` from `at`, up to the end, the first `R` line (where
    /// removals begin, in a delta) or the first damaged line; and where it stopped.
    fn index(text: &str, mut at: usize) -> (Vec<CachedFile>, usize) {
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
            } else if line.starts_with("R\t") {
                break;
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
        (files, at)
    }

    /// Its texts, for the cache writer that copies its entries.
    pub(crate) fn texts(&self) -> Arc<Texts> {
        self.texts.clone()
    }

    /// How many files it vouches for.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The entry a handle from [`Cached::handle`] names.
    pub fn get(&self, entry: EntryRef) -> Option<Cached<'_>> {
        self.entry(entry.0)
    }

    fn entry(&self, slot: Slot) -> Option<Cached<'_>> {
        let file = match slot {
            Slot::Whole(n) => self.texts.whole_files.get(n as usize)?,
            Slot::Delta(n) => self.delta_files.get(n as usize)?,
        };
        Some(Cached {
            cache: self,
            slot,
            file: *file,
        })
    }

    /// The entry of `path` if the cache holds it. `cursor` starts at 0 and calls must come in
    /// corpus order; entries of files before `path` that are gone are skipped.
    pub fn find(&self, cursor: &mut usize, path: &Path) -> Option<Cached<'_>> {
        while let Some(&slot) = self.files.get(*cursor) {
            let entry = self.entry(slot)?;
            let p = entry.file.path(entry.text());
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
                    return trusted.then_some(entry);
                }
            }
        }
        None
    }
}

fn whole_slot(n: usize) -> Slot {
    Slot::Whole(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The paths of a delta's `R` lines (all its remaining lines but the last, `end`, which
/// shows it is complete); `None` if one is damaged or the end is missing.
fn removals(text: &str) -> Option<Vec<&str>> {
    let lines = text.strip_suffix(DELTA_END)?;
    lines
        .split_terminator('\n')
        .map(|l| l.strip_prefix("R\t"))
        .collect()
}

/// The files of a whole cache with a delta applied, in corpus order: every path the delta
/// names (an entry or a removal) drops the whole cache's entry of that path; the delta's
/// entries go in their place. Places are found by binary search (the delta is small).
fn merge(
    whole: &str,
    whole_files: &[CachedFile],
    delta: &str,
    delta_files: &[CachedFile],
    removed: &[&str],
) -> Vec<Slot> {
    let position =
        |p: &str| whole_files.partition_point(|f| Path::new(f.path(whole)) < Path::new(p));
    let mut dropped = vec![false; whole_files.len()];
    let named = delta_files
        .iter()
        .map(|f| f.path(delta))
        .chain(removed.iter().copied());
    for p in named {
        let at = position(p);
        if whole_files.get(at).is_some_and(|f| f.path(whole) == p) {
            dropped[at] = true;
        }
    }
    let mut adds: Vec<(usize, &str, usize)> = delta_files
        .iter()
        .enumerate()
        .map(|(n, f)| (position(f.path(delta)), f.path(delta), n))
        .collect();
    adds.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| Path::new(a.1).cmp(Path::new(b.1)))
    });
    let mut adds = adds.into_iter().peekable();
    let mut files = Vec::with_capacity(whole_files.len() + delta_files.len());
    for (i, gone) in dropped.iter().enumerate() {
        while let Some((_, _, n)) = adds.next_if(|a| a.0 <= i) {
            files.push(Slot::Delta(u32::try_from(n).unwrap_or(u32::MAX)));
        }
        if !gone {
            files.push(whole_slot(i));
        }
    }
    files.extend(adds.map(|(_, _, n)| Slot::Delta(u32::try_from(n).unwrap_or(u32::MAX))));
    files
}

/// An `F` line after its tag: `SIZE\tMTIME\tPATH`; the stat and the path's length.
fn file_line(rest: &str) -> Option<(FileStat, usize)> {
    let mut parts = rest.splitn(3, '\t');
    let size = parts.next()?.parse().ok()?;
    let mtime_ns = parts.next()?.parse().ok()?;
    let path = parts.next()?;
    Some((FileStat { size, mtime_ns }, path.len()))
}

/// A file's entry as cache text (pieces pushed, not formatted: this runs for every file of a
/// full build).
pub(crate) fn entry_text(path: &str, entry: &FileEntry) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::cachewriter::CacheWriter;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
        let old = w.finish(1).unwrap().0;
        let w = CacheWriter::create(dir.path(), 7);
        let name = w.finish(2).unwrap().0;
        assert_eq!(name, "talash-files-2.tsv");
        STAT_CACHE.remove_stale(dir.path(), std::slice::from_ref(&old));
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
        let mut w = CacheWriter::deferred(dir.path(), 7, Some(&old));
        let mut at = 0;
        w.keep(&old.find(&mut at, Path::new("a.md")).unwrap());
        w.add(Path::new("b.md"), &entry(9, &["b2", "b3"]));
        w.keep(&old.find(&mut at, Path::new("c.md")).unwrap());
        // d.md is gone; e.md is new.
        w.add(Path::new("e.md"), &entry(5, &["e"]));
        assert!(
            !dir.path().join(".talash-files.partial").exists(),
            "nothing written yet"
        );
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

    /// Runs an update over `old` for the files `now` (path, size; a size that differs from
    /// the cached one means the file changed, is read and cached afresh).
    fn update(
        dir: &Path,
        old: &OldCache,
        now: &[(String, u64)],
        opstamp: u64,
    ) -> (String, Option<String>) {
        let mut w = CacheWriter::deferred(dir, 7, Some(old));
        let mut at = 0;
        for (p, size) in now {
            match old
                .find(&mut at, Path::new(p))
                .filter(|c| c.stat().size == *size)
            {
                Some(c) => w.keep(&c),
                None => w.add(Path::new(p), &entry(*size, &[p])),
            }
        }
        w.finish(opstamp).unwrap()
    }

    #[test]
    fn small_updates_write_deltas_that_replace_and_remove_entries() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut files: Vec<(String, u64)> = (0..40).map(|i| (format!("f{i:02}.md"), 1)).collect();
        let mut w = CacheWriter::create(d, 7);
        for (p, size) in &files {
            w.add(Path::new(p), &entry(*size, &[p]));
        }
        let (whole, _) = w.finish(1).unwrap();
        let open =
            |opstamp: u64| OldCache::open(d, &format!("talash-articles-{opstamp}.tsv"), 7).unwrap();
        let check = |c: &OldCache, files: &[(String, u64)]| {
            let mut at = 0;
            for (p, size) in files {
                assert_eq!(found(c, &mut at, p), Some(entry(*size, &[p])), "{p}");
            }
            assert_eq!(c.len(), files.len());
        };
        // One changed, one gone, one new (sorting between others).
        files[3].1 = 2;
        files.remove(7);
        files.insert(10, ("f10a.md".into(), 5));
        let (delta, base) = update(d, &open(1), &files, 2);
        assert_eq!(base.as_deref(), Some(whole.as_str()));
        let text = std::fs::read_to_string(d.join(&delta)).unwrap();
        assert!(
            text.starts_with(DELTA_HEADER) && text.ends_with(DELTA_END),
            "{text}"
        );
        check(&open(2), &files);
        // The next delta carries every change since the whole cache.
        files.remove(3);
        files.push(("g.md".into(), 1));
        let (_, base) = update(d, &open(2), &files, 3);
        assert_eq!(base.as_deref(), Some(whole.as_str()));
        check(&open(3), &files);
        // A delta cut short is not trusted at all (its whole cache would vouch for removed files).
        let cut = d.join("talash-files-9.tsv");
        std::fs::write(&cut, text.strip_suffix(DELTA_END).unwrap()).unwrap();
        assert!(OldCache::open(d, "talash-articles-9.tsv", 7).is_none());
        // Changes beyond one in eight: whole again.
        for f in files.iter_mut().take(6) {
            f.1 = 3;
        }
        let (_, base) = update(d, &open(3), &files, 4);
        assert_eq!(base, None);
        check(&open(4), &files);
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
