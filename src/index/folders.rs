//! The corpus paths an index remembers, and the rule for which paths a run reads.
//!
//! An index records the article folders and files it was built from (absolute paths, in its
//! commit payload: [`crate::index::IndexMeta::corpus`]). Then:
//!
//! - `talash-index` with no path re-reads every remembered path (an update);
//! - `talash-index PATH...` reads the paths given; when they leave out a remembered path, it
//!   refuses (usage error, exit 2) rather than remove that path's articles, and names both ways
//!   out:
//! - `--add PATH...` reads the remembered paths and the new ones, and remembers them all;
//! - `--replace PATH...` reads only the paths given and forgets the others: their articles are
//!   removed, and the summary says how many.
//!
//! Whatever the mode, an update that removes articles (their files were deleted, or
//! `--replace` left their folder out) says how many and why (the indexer's report).

use std::path::{Path, PathBuf};

use anyhow::Result;

/// Which paths an indexing run reads (`talash-index`'s `--add` and `--replace`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CorpusMode {
    /// The paths given, or the remembered ones when none is given; refuses to forget a
    /// remembered path.
    #[default]
    Update,
    /// The remembered paths and the paths given.
    Add,
    /// Only the paths given: the remembered paths left out are forgotten, with their articles.
    Replace,
}

/// The paths a run reads, and what it changes in the remembered ones.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// What to walk: the paths given as given, remembered ones as recorded (relative to the
    /// working folder when under it, so the stat cache still recognises them).
    pub walk: Vec<PathBuf>,
    /// What the new index will remember (absolute).
    pub remember: Vec<String>,
    /// What the index remembered before this run.
    pub before: Vec<String>,
    /// Remembered paths this run forgets (`--replace`).
    pub dropped: Vec<String>,
    /// Paths that cannot be remembered (not UTF-8).
    pub unremembered: Vec<PathBuf>,
    /// The number of articles the previous index held, if there was one.
    pub previous_articles: Option<usize>,
}

/// The default corpus folder when no path is given and none is remembered.
pub const DEFAULT_CORPUS: &str = "corpus";

/// Decides what the run reads (see the module documentation).
pub fn resolve(dir: &Path, given: &[PathBuf], mode: CorpusMode) -> Result<Resolved> {
    let previous = remembered(dir);
    let (before, previous_articles) = match &previous {
        Some((paths, articles)) => (paths.clone(), Some(*articles)),
        None => (Vec::new(), None),
    };
    if given.is_empty() && mode != CorpusMode::Update {
        let flag = flag(mode);
        return Err(crate::error::usage(format!(
            "{flag} needs the article folders or files to {}",
            if mode == CorpusMode::Add {
                "add"
            } else {
                "index"
            }
        )));
    }
    let mut resolved = Resolved {
        before: before.clone(),
        previous_articles,
        ..Resolved::default()
    };
    let given_abs: Vec<Option<String>> = given.iter().map(|p| absolute(p)).collect();
    for (path, abs) in given.iter().zip(&given_abs) {
        if abs.is_none() {
            resolved.unremembered.push(path.clone());
        }
    }
    let is_given = |r: &String| given_abs.iter().any(|g| g.as_ref() == Some(r));
    if mode == CorpusMode::Add && before.is_empty() && previous_articles.is_some() {
        return Err(crate::error::usage(format!(
            "{} does not record the folders it was built from (it was built by an older \
             Talash), so --add cannot keep them: run talash-index once with all its folders \
             and files, then --add works",
            dir.display()
        )));
    }
    match mode {
        CorpusMode::Update if given.is_empty() => {
            if before.is_empty() {
                resolved.walk = vec![PathBuf::from(DEFAULT_CORPUS)];
                resolved.remember = absolute(Path::new(DEFAULT_CORPUS)).into_iter().collect();
            } else {
                resolved.walk = before.iter().map(|r| walkable(r)).collect();
                resolved.remember = before.clone();
            }
            return Ok(resolved);
        }
        CorpusMode::Update => {
            let left_out: Vec<&String> = before.iter().filter(|r| !is_given(r)).collect();
            if !left_out.is_empty() {
                let articles = previous_articles.unwrap_or(0);
                return Err(crate::error::usage(format!(
                    "the index {} was built from {}; the paths given leave out {}, and indexing only them \
                     would remove the articles found there (the index holds {} in all). Use \
                     --add to add the paths to the index and keep the others, or --replace to \
                     index only the paths given and remove the rest",
                    dir.display(),
                    shown(&before),
                    shown(&left_out),
                    crate::plural::count(articles, "article"),
                )));
            }
            resolved.walk = given.to_vec();
        }
        CorpusMode::Add => {
            // Remembered paths first, in their order, then the new ones.
            resolved.walk = before
                .iter()
                .filter(|r| !is_given(r))
                .map(|r| walkable(r))
                .collect();
            resolved.walk.extend(given.iter().cloned());
            resolved.remember = before.iter().filter(|r| !is_given(r)).cloned().collect();
        }
        CorpusMode::Replace => {
            resolved.dropped = before.iter().filter(|r| !is_given(r)).cloned().collect();
            resolved.walk = given.to_vec();
        }
    }
    for abs in given_abs.into_iter().flatten() {
        if !resolved.remember.contains(&abs) {
            resolved.remember.push(abs);
        }
    }
    Ok(resolved)
}

fn flag(mode: CorpusMode) -> &'static str {
    match mode {
        CorpusMode::Update => "talash-index",
        CorpusMode::Add => "--add",
        CorpusMode::Replace => "--replace",
    }
}

fn shown<S: AsRef<str>>(paths: &[S]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| display(p.as_ref())).collect();
    shown.join(", ")
}

/// A remembered path as a user reads it: relative to the working folder when under it.
pub fn display(remembered: &str) -> String {
    walkable(remembered).display().to_string()
}

/// A remembered (absolute) path in the form to walk: relative to the working folder when
/// under it, as a user would have typed it.
fn walkable(remembered: &str) -> PathBuf {
    let path = Path::new(remembered);
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
            path.strip_prefix(&cwd).ok().map(Path::to_path_buf)
        })
        .filter(|rel| !rel.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
}

/// The absolute form of a path to remember (symbolic links resolved where it exists), or
/// `None` when it is not UTF-8 or holds a character the payload cannot keep apart.
fn absolute(path: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(path).ok().or_else(|| {
        let cwd = std::env::current_dir().ok()?;
        Some(cwd.join(path))
    })?;
    abs.to_str()
        .filter(|s| !s.contains(['\n', '\r']))
        .map(str::to_string)
}

/// The paths the index at `dir` remembers and its number of articles, if it is a Talash
/// index whose metadata can be read (an index built before paths were remembered gives an
/// empty list).
pub fn remembered(dir: &Path) -> Option<(Vec<String>, usize)> {
    #[derive(serde::Deserialize)]
    struct Payload {
        #[serde(default)]
        corpus: Vec<String>,
        #[serde(default)]
        articles: usize,
    }
    #[derive(serde::Deserialize)]
    struct Metas {
        payload: Option<String>,
    }
    let text = std::fs::read_to_string(dir.join("meta.json")).ok()?;
    let metas: Metas = serde_json::from_str(&text).ok()?;
    let payload: Payload = serde_json::from_str(metas.payload.as_deref()?).ok()?;
    Some((payload.corpus, payload.articles))
}
