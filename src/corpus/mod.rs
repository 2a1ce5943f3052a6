//! Reading a corpus: finding article files, parsing them and cutting them into passages.

pub mod article;
pub mod clean;
pub mod cut;
pub mod html;
pub mod jsonl;
pub mod passage;
pub mod plain;
pub mod sentence;
pub mod walk;
pub mod warc;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use article::{Article, InputError};
pub use cut::{Passage, has_words, paragraphs, passages, passages_for, title_is_text};
pub use passage::PassageId;
pub use plain::Defaults;

/// Files larger than this are refused unless `talash-index --max-file-mb` raises it. The
/// longest news article is well under 1 MB; a 16 MB `.md` file holds ~2.5 million words,
/// which is a dump, a log or an archive pasted by mistake, not one article. Indexed as one, it
/// would become thousands of passages under one title, date and outlet, and skew every search
/// it touches; so the default is to stop and say so, and `--max-file-mb` is there for the
/// user who knows better (the file is then indexed like any other).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The kinds of corpus file, by name (docs/CORPUS.md describes each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `*.md`, `*.markdown`: front matter and a Markdown body, or bare Markdown.
    Markdown,
    /// `*.txt`: plain text, the title on its first line (or front matter, as Markdown).
    Text,
    /// `*.jsonl`: one article a line.
    Jsonl,
    /// `*.html`, `*.htm`, `*.xhtml`, and each of them gzipped (`*.html.gz`): a saved web page.
    Html,
    /// `*.warc`, `*.warc.gz`: a web archive, one article per HTML response.
    Warc,
}

/// What kind of corpus file `path` is, if any. READMEs and hidden files are none.
pub fn file_kind(path: &Path) -> Option<FileKind> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.starts_with('.') || name.starts_with('_') || name.starts_with("readme.") {
        return None;
    }
    let (inner, gz) = match name.strip_suffix(".gz") {
        Some(inner) => (inner, true),
        None => (name.as_str(), false),
    };
    let ext = inner.rsplit_once('.').map(|(_, e)| e)?;
    match (ext, gz) {
        ("md" | "markdown", false) => Some(FileKind::Markdown),
        ("txt", false) => Some(FileKind::Text),
        ("jsonl", false) => Some(FileKind::Jsonl),
        ("html" | "htm" | "xhtml", _) => Some(FileKind::Html),
        ("warc", _) => Some(FileKind::Warc),
        _ => None,
    }
}

/// Whether a file in a corpus folder is an article file (of any [`FileKind`]).
pub fn is_article_file(path: &Path) -> bool {
    file_kind(path).is_some()
}

/// The article files under `paths` (files are taken as given; folders are walked), sorted,
/// and the paths that could not be read, as errors (reported, or the first one fails the run).
pub fn discover_all(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
            Err(e) => errors.push(InputError {
                path: path.clone(),
                line: None,
                message: format!(
                    "cannot read this corpus path: {}; give article files (*.md) or folders of them",
                    io_reason(&e)
                ),
            }),
        }
    }
    // Path order (component by component), with each path's key built once: comparing
    // components is costly, and a corpus can hold hundreds of thousands of files.
    files.sort_by_cached_key(|p| path_order_key(p));
    files.dedup();
    (files, errors)
}

/// Bytes that sort as `Path`'s own order: each component with its kind first and a NUL
/// after it (NUL occurs in no component, so a shorter name sorts first, as in `Path::cmp`).
pub(crate) fn path_order_key(path: &Path) -> Vec<u8> {
    use std::path::Component;
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for c in path.components() {
        let (kind, bytes): (u8, &[u8]) = match c {
            Component::Prefix(p) => (0, p.as_os_str().as_encoded_bytes()),
            Component::RootDir => (1, b""),
            Component::CurDir => (2, b""),
            Component::ParentDir => (3, b""),
            Component::Normal(n) => (4, n.as_encoded_bytes()),
        };
        key.push(kind);
        key.extend_from_slice(bytes);
        key.push(0);
    }
    key
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    let err = |e: std::io::Error| InputError {
        path: dir.to_path_buf(),
        line: None,
        message: format!("cannot list this folder: {}", io_reason(&e)),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return errors.push(err(e)),
    };
    for entry in entries {
        let (path, kind) = match entry {
            Ok(entry) => (entry.path(), entry.file_type().ok()),
            Err(e) => {
                errors.push(err(e));
                continue;
            }
        };
        // The entry's type needs no `stat` (180k files at 1M passages); links are followed.
        let is_dir = match kind {
            Some(k) if !k.is_symlink() => k.is_dir(),
            _ => path.is_dir(),
        };
        if is_dir {
            if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                walk(&path, files, errors);
            }
        } else if is_article_file(&path) {
            files.push(path);
        }
    }
}

/// An I/O error in words a user can act on.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (make it readable, e.g. `chmod u+r`)".into()
        }
        _ => e.to_string(),
    }
}

/// Opens `path` for reading, without waiting for a writer if it is a FIFO, so that the open
/// file's own metadata can show it is not an article before anything blocks (looking the path
/// up once for `stat` and again for `open` was a visible share of the indexer's system time).
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

/// Reads the `size` bytes `file` had when it was stat'ed (fewer if it shrank since), without
/// the last `read` that `read_to_end` makes to see the end (17k calls at 100k passages).
/// Bytes appended after the stat are left for the next run, which sees the file's new size
/// and mtime (the stat cache keeps the stat taken before reading). A file that says it is
/// empty is read to its end, up to `max_bytes + 1` bytes: some file systems (FUSE, network
/// mounts) give no size before the file is read.
fn read_all(mut file: std::fs::File, size: u64, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    if size == 0 {
        let mut bytes = Vec::new();
        file.take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let size = usize::try_from(size).map_err(std::io::Error::other)?;
    let mut bytes = vec![0; size];
    let mut filled = 0;
    while filled < size {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// Reads one file's text, refusing what is not an article (empty, binary, not UTF-8), up to
/// `max_bytes`. No more than the size the file had when it was opened is read, so a file that
/// grows meanwhile cannot exhaust memory.
pub fn read_text_limited(path: &Path, max_bytes: u64) -> Result<String, InputError> {
    read_text_with_stat(path, max_bytes).map(|(text, _)| text)
}

/// [`read_text_limited`], with the stat the file had when it was opened (before it was read,
/// so a change while reading shows next run, as a stat taken by the folder walk would).
pub fn read_text_with_stat(
    path: &Path,
    max_bytes: u64,
) -> Result<(String, Option<walk::FileStat>), InputError> {
    let fail = |line: Option<usize>, message: String| InputError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let (bytes, stat) = read_bytes_with_stat(path, max_bytes)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(fail(
            None,
            "file is empty; an article needs `+++` front matter with at least a title, then a body (see corpus/README.md)".into(),
        ));
    }
    // `contains` looks for the byte with memchr; its position is only wanted for the error.
    if bytes.contains(&0) {
        let pos = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(fail(
            Some(line),
            "file contains NUL bytes: it looks binary, not a UTF-8 text article".into(),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        fail(
            Some(line),
            format!("invalid UTF-8 at byte {at}; save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
        )
    })?;
    Ok((text, stat))
}

/// The bytes of a file of at most `max_bytes` (after decompression, for a `*.gz` file), with
/// the stat it had when it was opened; see [`read_text_with_stat`].
pub fn read_bytes_with_stat(
    path: &Path,
    max_bytes: u64,
) -> Result<(Vec<u8>, Option<walk::FileStat>), InputError> {
    let fail = |line: Option<usize>, message: String| InputError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let cannot = |e: std::io::Error| fail(None, format!("cannot read: {}", io_reason(&e)));
    let file = open_without_blocking(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(fail(
            None,
            "not a regular file (a device, pipe or socket); an article is a text file".into(),
        ));
    }
    let too_big = |size: u64| {
        fail(
            None,
            format!(
                "file is {:.1} MB; an article file may be at most {} MB. Is this really one \
                 article? Split it into one file per article, or raise the limit with \
                 `talash-index --max-file-mb N`",
                size as f64 / MB as f64,
                max_bytes / MB
            ),
        )
    };
    if meta.len() > max_bytes {
        return Err(too_big(meta.len()));
    }
    let stat = walk::FileStat::from_metadata(&meta);
    let mut bytes = read_all(file, meta.len(), max_bytes).map_err(cannot)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if gz {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| fail(None, format!("cannot decompress this gzip file: {e}")))?;
        if out.len() as u64 > max_bytes {
            return Err(too_big(out.len() as u64));
        }
        bytes = out;
    }
    Ok((bytes, stat))
}

/// A saved web page read from `path`: an article, or why it is none (see [`html`]).
pub fn read_page_file(
    path: &Path,
    max_bytes: u64,
    defaults: &Defaults,
) -> Result<(html::Page, Option<walk::FileStat>), InputError> {
    let (bytes, stat) = read_bytes_with_stat(path, max_bytes)?;
    let id = html::id_from_path(path);
    let page = html::read_page(&bytes, path, id, &html::Record::default(), defaults)?;
    Ok((page, stat))
}

/// Reads and parses one Markdown article file of at most `max_bytes`.
pub fn read_article_limited(path: &Path, max_bytes: u64) -> Result<Article, InputError> {
    Article::parse(&read_text_limited(path, max_bytes)?, path)
}

/// One mebibyte, the unit of `--max-file-mb`.
pub const MB: u64 = 1024 * 1024;

/// The line of the `id = ...` key in an article file's front matter, if it has one (the id
/// may come from the file name instead). Read again only to point an error at it.
pub(crate) fn id_line(path: &Path) -> Option<usize> {
    // Only front matter has an `id =` line (and a web archive may be gigabytes).
    if !matches!(file_kind(path), Some(FileKind::Markdown | FileKind::Text)) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let front = text.lines().skip(1).take_while(|l| l.trim_end() != "+++");
    front
        .enumerate()
        .find(|(_, l)| l.split_once('=').is_some_and(|(key, _)| key.trim() == "id"))
        .map(|(i, _)| i + 2)
}

/// Reports articles that share an id (ids must be unique: they name passages).
pub fn duplicate_ids(articles: &[Article]) -> Vec<InputError> {
    // In a JSONL collection an article is a line, so the line names it.
    let line = |a: &Article| jsonl::is_jsonl_file(&a.path).then_some(a.body_line);
    let mut first: HashMap<&str, &Article> = HashMap::new();
    let mut errors = Vec::new();
    for a in articles {
        if let Some(prev) = first.insert(&a.id, a) {
            let place = match line(prev) {
                Some(n) => format!("{}:{n}", prev.path.display()),
                None => prev.path.display().to_string(),
            };
            errors.push(InputError {
                path: a.path.clone(),
                line: line(a).or_else(|| id_line(&a.path)),
                message: format!(
                    "article id {:?} is already used by {place}; ids must be unique",
                    a.id
                ),
            });
            first.insert(&a.id, prev);
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_order_key_sorts_as_paths_do() {
        let mut paths: Vec<PathBuf> = [
            "c/a-b.md",
            "c/a/b.md",
            "c/a.md",
            "c/ab",
            "/x/y",
            "./c/z",
            "../c",
            "c/a/b/c.md",
            "c",
            "c/é.md",
            "c/z.md",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut by_key = paths.clone();
        paths.sort();
        by_key.sort_by_cached_key(|p| path_order_key(p));
        assert_eq!(by_key, paths);
    }

    /// Files of every size around the buffer sizes come back whole, and no more than the
    /// size given is read.
    #[test]
    fn files_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        for size in [1, 2, 100, 4095, 4096, 4097, 65_536, 200_001] {
            let text: String = (0..size)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            let path = dir.path().join(format!("{size}.md"));
            std::fs::write(&path, &text).unwrap();
            assert_eq!(read_text_limited(&path, MAX_FILE_BYTES).unwrap(), text);
            let file = std::fs::File::open(&path).unwrap();
            let half = (size / 2).max(1);
            assert_eq!(
                read_all(file, half as u64, MAX_FILE_BYTES).unwrap().len(),
                half
            );
            // A file that says it is empty is read to its end, within the limit.
            let file = std::fs::File::open(&path).unwrap();
            assert_eq!(read_all(file, 0, MAX_FILE_BYTES).unwrap().len(), size);
            let file = std::fs::File::open(&path).unwrap();
            assert_eq!(read_all(file, 0, 10).unwrap().len(), size.min(11));
        }
        let big = dir.path().join("big.md");
        std::fs::write(&big, "x".repeat(2 * MB as usize + 1)).unwrap();
        let e = read_text_limited(&big, 2 * MB).unwrap_err();
        assert!(e.message.contains("at most 2 MB"), "{e}");
    }

    /// A FIFO named like an article is refused at once, not waited on: the file is opened
    /// without blocking and its own metadata checked.
    #[cfg(unix)]
    #[test]
    fn a_fifo_named_like_an_article_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.md");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let err = read_text_limited(&fifo, MAX_FILE_BYTES).unwrap_err();
        assert!(
            err.message.contains("not a regular file"),
            "{}",
            err.message
        );
        let err = read_text_limited(dir.path(), MAX_FILE_BYTES).unwrap_err();
        assert!(
            err.message.contains("not a regular file"),
            "{}",
            err.message
        );
    }

    #[test]
    fn article_files_exclude_readmes() {
        assert!(is_article_file(Path::new("c/x.md")));
        assert!(!is_article_file(Path::new("c/README.md")));
        assert!(!is_article_file(Path::new("c/.x.md")));
        assert!(is_article_file(Path::new("c/x.txt")));
        assert!(!is_article_file(Path::new("c/README.txt")));
        assert!(is_article_file(Path::new("c/collection.jsonl")));
        assert_eq!(file_kind(Path::new("c/Page.HTML.gz")), Some(FileKind::Html));
        assert_eq!(file_kind(Path::new("c/x.htm")), Some(FileKind::Html));
        assert_eq!(
            file_kind(Path::new("c/crawl.warc.gz")),
            Some(FileKind::Warc)
        );
        assert_eq!(file_kind(Path::new("c/x.md.gz")), None);
        assert_eq!(file_kind(Path::new("c/x.css")), None);
        assert_eq!(file_kind(Path::new("c/gz")), None);
    }
}
