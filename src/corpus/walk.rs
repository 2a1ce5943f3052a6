//! Finding the corpus files and their stats in one walk, on several threads.
//!
//! An update at 1M passages must look at 180k files to learn which changed. Doing that as a
//! walk followed by one `stat(path)` per file made the kernel resolve every full path again;
//! here each file is stat'ed through its directory entry (`statx` relative to the open
//! folder, one name to look up), as the folder is listed. Folders are listed in parallel, one
//! tree level at a time, and the results are kept in corpus order: each folder's entries are
//! sorted by name and a folder's files take its place in the sequence, which is exactly the
//! order of sorting the paths component by component ([`crate::corpus::discover_all`]'s).
//!
//! What counts as an article file, which folders are skipped and which errors are reported
//! are those of [`crate::corpus::discover_all`]; a test compares the two.

use std::fs::DirEntry;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::corpus::{InputError, is_article_file};

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

/// The article files under the corpus paths, sorted, each with its stat (`None` when it
/// could not be taken: the file is then read, and reading reports the problem), and the paths
/// that could not be listed.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    pub stats: Vec<Option<FileStat>>,
    pub errors: Vec<InputError>,
}

/// One place in the corpus sequence while the walk goes on.
enum Node {
    File(PathBuf, Option<FileStat>),
    Dir(PathBuf),
    Error(InputError),
}

/// Walks `paths` (files are taken as given, folders are walked) on `workers` threads. Without
/// `stats`, files are not stat'ed (each `stat` cost as much as listing the folders did, and a
/// full build takes each file's stat when it opens it): their stats are `None`.
pub fn discover(paths: &[PathBuf], workers: usize, stats: bool) -> Found {
    let mut seq: Vec<Node> = paths.iter().map(|p| root(p)).collect();
    loop {
        let dirs: Vec<&Path> = seq
            .iter()
            .filter_map(|n| match n {
                Node::Dir(d) => Some(d.as_path()),
                _ => None,
            })
            .collect();
        if dirs.is_empty() {
            break;
        }
        let mut listings = Vec::with_capacity(dirs.len());
        // Listing cannot fail the walk: `take` never returns an error.
        let _ = crate::parallel::ordered_map(
            &dirs,
            workers,
            16 * workers,
            |d| list(d, stats),
            |_, l| {
                listings.push(l);
                Ok(())
            },
        );
        let mut listings = listings.into_iter();
        let mut next = Vec::with_capacity(seq.len() + dirs.len() * 8);
        for node in seq {
            match node {
                Node::Dir(_) => next.extend(listings.next().unwrap_or_default()),
                other => next.push(other),
            }
        }
        seq = next;
    }
    let mut found = Found::default();
    for node in seq {
        match node {
            Node::File(f, s) => {
                found.files.push(f);
                found.stats.push(s);
            }
            Node::Error(e) => found.errors.push(e),
            Node::Dir(_) => {}
        }
    }
    if paths.len() > 1 {
        // Several corpus paths may overlap or come in any order: sort and dedup as a whole.
        sort_dedup(&mut found);
    }
    found
}

fn root(path: &Path) -> Node {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Node::Dir(path.to_path_buf()),
        Ok(meta) => Node::File(path.to_path_buf(), FileStat::from_metadata(&meta)),
        Err(e) => Node::Error(InputError {
            path: path.to_path_buf(),
            line: None,
            message: format!(
                "cannot read this corpus path: {}; give article files (*.md) or folders of them",
                crate::corpus::io_reason(&e)
            ),
        }),
    }
}

/// One folder's article files (with stats), subfolders and errors, sorted by name.
fn list(dir: &Path, stats: bool) -> Vec<Node> {
    let err = |e: std::io::Error| {
        Node::Error(InputError {
            path: dir.to_path_buf(),
            line: None,
            message: format!("cannot list this folder: {}", crate::corpus::io_reason(&e)),
        })
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return vec![err(e)],
    };
    let mut nodes = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => nodes.extend(node_of(&entry, stats)),
            Err(e) => errors.push(err(e)),
        }
    }
    // By name: the paths share the folder's path and differ only in it, so their bytes sort
    // as the names do (no name is copied or parsed out of a path to sort).
    nodes.sort_unstable_by(|a, b| bytes_of(a).cmp(bytes_of(b)));
    nodes.extend(errors);
    nodes
}

fn bytes_of(node: &Node) -> &[u8] {
    match node {
        Node::File(p, _) | Node::Dir(p) => p.as_os_str().as_encoded_bytes(),
        Node::Error(_) => &[],
    }
}

/// What a folder entry is to the corpus: a file with its stat, a folder to walk, or nothing.
fn node_of(entry: &DirEntry, stats: bool) -> Option<Node> {
    let path = entry.path();
    // The entry's type needs no `stat`; links are followed.
    let kind = entry.file_type().ok().filter(|k| !k.is_symlink());
    let is_dir = match kind {
        Some(k) => k.is_dir(),
        None => path.is_dir(),
    };
    if is_dir {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        return (!hidden).then_some(Node::Dir(path));
    }
    if !is_article_file(&path) {
        return None;
    }
    // `DirEntry::metadata` stats relative to the open folder, without following a link.
    let stat = match kind {
        _ if !stats => None,
        Some(_) => entry
            .metadata()
            .ok()
            .and_then(|m| FileStat::from_metadata(&m)),
        None => FileStat::of(&path),
    };
    Some(Node::File(path, stat))
}

fn sort_dedup(found: &mut Found) {
    let mut pairs: Vec<(PathBuf, Option<FileStat>)> = std::mem::take(&mut found.files)
        .into_iter()
        .zip(std::mem::take(&mut found.stats))
        .collect();
    pairs.sort_by_cached_key(|(p, _)| crate::corpus::path_order_key(p));
    pairs.dedup_by(|a, b| a.0 == b.0);
    (found.files, found.stats) = pairs.into_iter().unzip();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }

    #[test]
    fn same_files_and_order_as_discover_all_with_stats() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "a.md",
            "a/x.md",
            "a/b/y.markdown",
            "a.b/z.md",
            "b.jsonl",
            "B.md",
            "c/README.md",
            "c/_draft.md",
            "c/.hidden.md",
            ".git/h.md",
            "c/notes.txt",
            "d/e/f/g.md",
            "d/e.md",
            "z/1.md",
            "z/10.md",
            "z/2.md",
        ] {
            touch(&d.join(f));
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(d.join("d"), d.join("link")).unwrap();
        for workers in [1, 2, 3] {
            for paths in [
                vec![d.to_path_buf()],
                vec![d.join("z"), d.join("a.md"), d.join("a"), d.join("z/1.md")],
            ] {
                let found = discover(&paths, workers, true);
                let (want, errors) = crate::corpus::discover_all(&paths);
                assert_eq!(found.files, want, "{paths:?} on {workers} threads");
                assert!(found.errors.is_empty() && errors.is_empty());
                for (f, s) in found.files.iter().zip(&found.stats) {
                    assert_eq!(*s, FileStat::of(f), "{}", f.display());
                    assert!(s.is_some());
                }
                let unstated = discover(&paths, workers, false);
                assert_eq!(unstated.files, found.files);
                // Files given by path are stat'ed as they are checked; walked ones are not.
                let walked = unstated.stats.iter().filter(|s| s.is_none()).count();
                assert!(walked >= found.files.len() - 2, "{:?}", unstated.stats);
            }
        }
    }

    #[test]
    fn a_missing_path_is_an_error_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        touch(&dir.path().join("a.md"));
        let paths = [dir.path().join("nope"), dir.path().to_path_buf()];
        let found = discover(&paths, 2, true);
        assert_eq!(found.files, vec![dir.path().join("a.md")]);
        assert_eq!(found.errors.len(), 1);
        assert!(found.errors[0].message.contains("no such file"));
    }
}
