//! The stat cache: what each corpus file held when it was last indexed, keyed by its path, size
//! and modification time, so an update reads only the files that changed (as git's index does).
//!
//! Article identity stays the id and content hash of the [`crate::manifest::Manifest`]; this
//! cache only spares reading files whose size and mtime are what they were. A file whose stat
//! matches is trusted without being read: `talash-index --full`, or touching the file, makes it
//! read again. Files modified within [`RACY_SECS`] before the run that cached them are not
//! cached (their mtime could repeat after a quick edit of the same size), nor are files that
//! gave an error or a warning (so those are reported on every run, as before).
//!
//! It is a side file `talash-files-<opstamp>.jsonl` in the index folder, written and synced
//! before the commit, exactly like the manifest `talash-articles-<opstamp>.tsv` that the commit
//! payload names (the same opstamp names both), so both switch together.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

const PREFIX: &str = "talash-files-";
const SUFFIX: &str = ".jsonl";
const FORMAT: u32 = 1;

/// Files modified this recently before a run are read again by the next run.
pub const RACY_SECS: u64 = 2;

/// A file's size and modification time (nanoseconds since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStat {
    #[serde(rename = "s")]
    pub size: u64,
    /// (u64 nanoseconds last until 2554; serde's flattening cannot carry u128.)
    #[serde(rename = "m")]
    pub mtime_ns: u64,
}

impl FileStat {
    /// The stat of `path`, or `None` when it cannot be taken (the file is then read, and
    /// reading reports the problem).
    pub fn of(path: &Path) -> Option<FileStat> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        let mtime_ns = u64::try_from(mtime.as_nanos()).ok()?;
        meta.is_file().then_some(FileStat {
            size: meta.len(),
            mtime_ns,
        })
    }
}

/// One article a file held: its id, and its line in a JSONL collection (for error messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldArticle(pub String, pub Option<usize>);

/// What one file held when it was indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    #[serde(flatten)]
    pub stat: FileStat,
    /// Its articles, in file order.
    #[serde(rename = "a")]
    pub articles: Vec<HeldArticle>,
    /// The outlet names its articles give, in order of first appearance.
    #[serde(rename = "o", default, skip_serializing_if = "Vec::is_empty")]
    pub outlets: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    talash_files: u32,
    max_file_bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct Line {
    #[serde(rename = "p")]
    path: String,
    #[serde(flatten)]
    entry: FileEntry,
}

/// Absolute path → what the file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatCache {
    max_file_bytes: u64,
    files: HashMap<PathBuf, FileEntry>,
}

/// The key of a corpus path: absolute (so a run from another folder does not confuse
/// `corpus/a.md` with another file of that name).
pub fn key(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl StatCache {
    pub fn new(max_file_bytes: u64) -> StatCache {
        StatCache {
            max_file_bytes,
            files: HashMap::new(),
        }
    }

    /// Takes the entry of `path` out when its stat is still `stat`.
    pub fn take_fresh(&mut self, path: &Path, stat: FileStat) -> Option<FileEntry> {
        let k = key(path);
        match self.files.get(&k) {
            Some(e) if e.stat == stat => self.files.remove(&k),
            _ => None,
        }
    }

    pub fn insert(&mut self, path: &Path, entry: FileEntry) {
        self.files.insert(key(path), entry);
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Whether a file stat taken now may be cached by a run that started at `started`.
    pub fn cacheable(stat: FileStat, started: SystemTime) -> bool {
        let limit = started
            .checked_sub(Duration::from_secs(RACY_SECS))
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        stat.mtime_ns < limit
    }

    fn file_name(opstamp: u64) -> String {
        format!("{PREFIX}{opstamp}{SUFFIX}")
    }

    fn is_cache_name(name: &str) -> bool {
        name.strip_prefix(PREFIX)
            .and_then(|r| r.strip_suffix(SUFFIX))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The path of a cache named in a payload, refusing names that are not caches'.
    pub fn path_in(dir: &Path, name: &str) -> Option<PathBuf> {
        Self::is_cache_name(name).then(|| dir.join(name))
    }

    /// The path of the cache written with the manifest `manifest` (the same commit's opstamp).
    pub fn beside_manifest(dir: &Path, manifest: &str) -> Option<PathBuf> {
        let opstamp = manifest
            .strip_prefix("talash-articles-")?
            .strip_suffix(".tsv")?;
        Self::path_in(dir, &format!("{PREFIX}{opstamp}{SUFFIX}"))
    }

    /// Reads a cache; `None` (read every file) when it is missing, damaged or was made with
    /// another file size limit.
    pub fn read(path: &Path, max_file_bytes: u64) -> Option<StatCache> {
        let text = std::fs::read_to_string(path).ok()?;
        Self::parse(&text)
            .ok()
            .filter(|c| c.max_file_bytes == max_file_bytes)
    }

    fn parse(text: &str) -> Result<StatCache> {
        let mut lines = text.lines();
        let header: Header = serde_json::from_str(lines.next().unwrap_or(""))?;
        if header.talash_files != FORMAT {
            bail!("unknown stat cache format {}", header.talash_files);
        }
        let mut cache = StatCache::new(header.max_file_bytes);
        for line in lines {
            let l: Line = serde_json::from_str(line)?;
            cache.files.insert(PathBuf::from(l.path), l.entry);
        }
        Ok(cache)
    }

    /// Writes the cache for the commit of `opstamp` into `dir`, durably (temporary name,
    /// synced, renamed), and returns its file name. Paths that are not UTF-8 are left out
    /// (their files are simply read on every run).
    pub fn write(&self, dir: &Path, opstamp: u64) -> Result<String> {
        let name = Self::file_name(opstamp);
        let tmp = dir.join(format!(".{name}.tmp"));
        let mut paths: Vec<(&str, &FileEntry)> = self
            .files
            .iter()
            .filter_map(|(p, e)| Some((p.to_str()?, e)))
            .collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        let header = Header {
            talash_files: FORMAT,
            max_file_bytes: self.max_file_bytes,
        };
        let mut out = serde_json::to_string(&header)?;
        out.push('\n');
        for (path, entry) in paths {
            let line = Line {
                path: path.to_string(),
                entry: entry.clone(),
            };
            out.push_str(&serde_json::to_string(&line)?);
            out.push('\n');
        }
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(out.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, dir.join(&name))
        };
        write().with_context(|| format!("cannot write the stat cache {}", tmp.display()))?;
        Ok(name)
    }

    /// Removes caches other than `keep` (and temporary ones). Errors are harmless and ignored.
    pub fn remove_stale(dir: &Path, keep: &str) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let tmp = name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(".tmp"))
                .is_some_and(Self::is_cache_name);
            if name != keep && (Self::is_cache_name(&name) || tmp) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_take_and_stale_removal() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "x").unwrap();
        let stat = FileStat::of(&file).unwrap();
        let mut c = StatCache::new(7);
        let entry = FileEntry {
            stat,
            articles: vec![
                HeldArticle("a".into(), None),
                HeldArticle("b".into(), Some(3)),
            ],
            outlets: vec!["Dawn".into()],
        };
        c.insert(&file, entry.clone());
        let old = c.write(dir.path(), 1).unwrap();
        let name = c.write(dir.path(), 2).unwrap();
        let path = StatCache::path_in(dir.path(), &name).unwrap();
        let mut back = StatCache::read(&path, 7).unwrap();
        assert_eq!(back, c);
        assert!(StatCache::read(&path, 8).is_none(), "another size limit");
        let other = FileStat {
            size: stat.size + 1,
            ..stat
        };
        assert!(back.take_fresh(&file, other).is_none());
        assert_eq!(back.take_fresh(&file, stat), Some(entry));
        assert!(back.is_empty());
        StatCache::remove_stale(dir.path(), &name);
        assert!(!dir.path().join(old).exists());
        assert!(dir.path().join(&name).exists() && file.exists());
        assert!(StatCache::path_in(dir.path(), "../x").is_none());
    }

    #[test]
    fn recent_files_are_not_cacheable_and_damage_is_ignored() {
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
        assert!(!StatCache::cacheable(recent, now));
        assert!(StatCache::cacheable(old, now));
        assert!(StatCache::parse("").is_err());
        assert!(StatCache::parse("{\"talash_files\":1,\"max_file_bytes\":1}\nzz\n").is_err());
    }
}
