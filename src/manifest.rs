//! The manifest of an index: every article it holds, with a hash of the article's content and
//! its number of passages. Incremental indexing compares the corpus against it.
//!
//! Articles are keyed by id and content, never by file path, so articles that do not come from
//! one file each (JSONL collections) work the same way, and moving a file re-indexes nothing.
//!
//! Where it lives: a side file in the index folder, `talash-articles-<opstamp>.tsv`, named in
//! the commit payload. The file is written and synced *before* the commit that names it, so the
//! commit switches documents and manifest at once; older manifests are removed after the
//! commit. It is not in the payload itself because tantivy parses `meta.json` on every open,
//! and a 1M-passage index holds some 200k articles (about 10 MB of manifest): that would be
//! paid by every cold search. It is not read back from stored or fast fields because that
//! means touching every document, while an unchanged re-run should cost little more than
//! reading the corpus.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use hashbrown::HashTable;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use crate::corpus::Article;

const HEADER: &str = "talash-articles 1";
const PREFIX: &str = "talash-articles-";
const SUFFIX: &str = ".tsv";

/// A 128-bit hash of everything in an article that reaches the index (XXH3-128: specified,
/// so stable across Rust and crate versions; 128 bits make a missed change negligible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArticleHash(u128);

impl ArticleHash {
    /// Hashes the fields the indexer reads. The destructuring is exhaustive on purpose: a new
    /// field in [`Article`] does not compile here until someone decides whether it is indexed.
    pub fn of(article: &Article) -> ArticleHash {
        let Article {
            id,
            title,
            outlet,
            date,
            author,
            kind,
            source_note: _, // kept for people, not indexed
            body,
            body_line: _, // only for error messages
            path: _,      // the same article may move or come from a JSONL line
            warnings: _,
        } = article;
        let mut h = Xxh3::new();
        let date = date.as_ref().map(ToString::to_string);
        for part in [
            Some(id.as_str()),
            Some(title.as_str()),
            outlet.as_deref(),
            date.as_deref(),
            author.as_deref(),
            kind.as_deref(),
            Some(body.as_str()),
        ] {
            // Length-prefixed, with absent distinct from empty, so fields cannot run together.
            match part {
                None => h.update(&[0]),
                Some(s) => {
                    h.update(&[1]);
                    h.update(&(s.len() as u64).to_le_bytes());
                    h.update(s.as_bytes());
                }
            }
        }
        ArticleHash(h.digest128())
    }
}

/// What the index holds of one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub hash: ArticleHash,
    pub passages: u32,
}

/// Article id → what the index holds of it.
///
/// Read from a file, it keeps the file's text and a sorted table of where each line is, so
/// that reading and rewriting a manifest of 180k articles (for an update that changes one)
/// costs no allocation per article: lookups are binary searches in the table, changes go
/// to a small map in front of it, and writing copies unchanged lines as they were.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The text of the manifest file read (empty for a new manifest).
    text: String,
    /// Its articles, sorted by id.
    base: Vec<BaseLine>,
    /// `base` by id: each id's XXH3-128 and its position. An update looks up every article
    /// in random order, and a lookup that compares 128-bit hashes touches one place in
    /// memory, where comparing ids also touches the table and the text (~3× slower at 1M).
    /// Two ids of one hash are as unlikely as a missed change in an [`ArticleHash`]; should
    /// it happen, `collided` makes lookups compare the ids too.
    by_id: HashTable<(u128, u32)>,
    collided: bool,
    /// Changes since: an entry, or `None` for an article removed.
    changes: HashMap<String, Option<Entry>>,
    articles: usize,
    passages: usize,
}

/// One line of a manifest file: where its id is in the text, and the entry.
#[derive(Debug, Clone, Copy)]
struct BaseLine {
    line: usize,
    id: usize,
    end: usize,
    entry: Entry,
}

impl Manifest {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        match self.changes.get(id) {
            Some(change) => change.as_ref(),
            None => self.base_get(id).map(|b| &b.entry),
        }
    }

    fn base_id(&self, b: &BaseLine) -> &str {
        &self.text[b.id..b.end]
    }

    fn base_get(&self, id: &str) -> Option<&BaseLine> {
        self.base.get(self.position(id)?)
    }

    /// Where `id` is among the articles of the manifest file read (changes made since are
    /// not looked at): a number below [`Manifest::read_len`].
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        let key = xxh3_128(id.as_bytes());
        let &(_, at) = self.by_id.find(key as u64, |&(k, i)| {
            k == key
                && (!self.collided
                    || self
                        .base
                        .get(i as usize)
                        .is_some_and(|b| self.base_id(b) == id))
        })?;
        Some(at as usize)
    }

    /// How many articles the manifest file read held.
    pub(crate) fn read_len(&self) -> usize {
        self.base.len()
    }

    /// The id at `position` among the articles of the manifest file read.
    pub(crate) fn id_at(&self, position: usize) -> Option<&str> {
        self.base.get(position).map(|b| self.base_id(b))
    }

    pub fn insert(&mut self, id: &str, entry: Entry) {
        self.forget(id);
        self.articles += 1;
        self.passages += entry.passages as usize;
        self.changes.insert(id.to_string(), Some(entry));
    }

    pub fn remove(&mut self, id: &str) -> Option<Entry> {
        let old = self.forget(id);
        if old.is_some() {
            self.changes.insert(id.to_string(), None);
        }
        old
    }

    /// Takes `id`'s entry out of the counts, returning it.
    fn forget(&mut self, id: &str) -> Option<Entry> {
        let old = self.get(id).copied()?;
        self.articles -= 1;
        self.passages -= old.passages as usize;
        Some(old)
    }

    /// The ids, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        let base = self
            .base
            .iter()
            .map(|b| self.base_id(b))
            .filter(|id| self.changes.is_empty() || !self.changes.contains_key(*id));
        let changed = self
            .changes
            .iter()
            .filter(|(_, e)| e.is_some())
            .map(|(id, _)| id.as_str());
        base.chain(changed)
    }

    pub fn articles(&self) -> usize {
        self.articles
    }

    pub fn passages(&self) -> usize {
        self.passages
    }

    /// Every article in id order, each with its line of the file read when unchanged.
    fn sorted(&self) -> impl Iterator<Item = (&str, Entry, Option<&str>)> {
        let mut changed: Vec<(&str, Entry)> = self
            .changes
            .iter()
            .filter_map(|(id, e)| Some((id.as_str(), (*e)?)))
            .collect();
        changed.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut changed = changed.into_iter().peekable();
        let mut base = self
            .base
            .iter()
            .filter(|b| self.changes.is_empty() || !self.changes.contains_key(self.base_id(b)))
            .peekable();
        std::iter::from_fn(move || {
            let take_base = match (base.peek(), changed.peek()) {
                (Some(b), Some(c)) => self.base_id(b) < c.0,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return None,
            };
            match take_base {
                true => base.next().map(|b| {
                    let line = &self.text[b.line..b.end];
                    (self.base_id(b), b.entry, Some(line))
                }),
                false => changed.next().map(|(id, e)| (id, e, None)),
            }
        })
    }

    /// The file name of the manifest written with the commit of `opstamp`.
    pub fn file_name(opstamp: u64) -> String {
        format!("{PREFIX}{opstamp}{SUFFIX}")
    }

    fn is_manifest_name(name: &str) -> bool {
        name.strip_prefix(PREFIX)
            .and_then(|r| r.strip_suffix(SUFFIX))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// Reads a manifest; any damage is an error (the caller then rebuilds in full).
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(text).with_context(|| format!("{} is damaged", path.display()))
    }

    /// Parses a manifest's text. Lines are sorted by id (as [`Manifest::write`] writes them),
    /// which also proves that no id repeats.
    fn parse(text: String) -> Result<Manifest> {
        let Some(body) = text.strip_prefix(HEADER).and_then(|r| r.strip_prefix('\n')) else {
            bail!("it does not start with {HEADER:?}");
        };
        let mut at = text.len() - body.len();
        let mut base: Vec<BaseLine> = Vec::with_capacity(body.len() / 48);
        let mut passages = 0usize;
        for (i, line) in body.split_terminator('\n').enumerate() {
            let parsed = parse_line(line).with_context(|| format!("line {} is malformed", i + 2));
            let (id_at, entry) = parsed?;
            let b = BaseLine {
                line: at,
                id: at + id_at,
                end: at + line.len(),
                entry,
            };
            if let Some(prev) = base.last()
                && text[prev.id..prev.end] >= text[b.id..b.end]
            {
                bail!("line {} repeats an article id or is out of order", i + 2);
            }
            passages += entry.passages as usize;
            base.push(b);
            at += line.len() + 1;
        }
        let mut by_id: HashTable<(u128, u32)> = HashTable::with_capacity(base.len());
        let mut collided = false;
        for (i, b) in base.iter().enumerate() {
            let i = u32::try_from(i).context("it holds too many articles")?;
            let key = xxh3_128(&text.as_bytes()[b.id..b.end]);
            let h = key as u64;
            collided |= by_id.find(h, |&(k, _)| k == key).is_some();
            by_id.insert_unique(h, (key, i), |&(k, _)| k as u64);
        }
        Ok(Manifest {
            articles: base.len(),
            passages,
            text,
            base,
            by_id,
            collided,
            changes: HashMap::new(),
        })
    }

    /// Writes the manifest for the commit of `opstamp` into `dir`, durably (written to a
    /// temporary name, synced, renamed), and returns its file name. Lines of articles that did
    /// not change since it was read are copied as they were.
    pub fn write(&self, dir: &Path, opstamp: u64) -> Result<String> {
        let name = Self::file_name(opstamp);
        let tmp = dir.join(format!(".{name}.tmp"));
        let mut out = String::with_capacity(self.text.len() + 64 * self.changes.len() + 32);
        out.push_str(HEADER);
        out.push('\n');
        for (id, e, line) in self.sorted() {
            match line {
                Some(line) => out.push_str(line),
                // Article ids hold no tab or newline (see corpus::article::validate_id).
                None => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{:032x}\t{}\t{id}", e.hash.0, e.passages);
                }
            }
            out.push('\n');
        }
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(out.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, dir.join(&name))
        };
        write().with_context(|| format!("cannot write the article manifest {}", tmp.display()))?;
        Ok(name)
    }

    /// Removes manifests other than `keep` (older commits', or one written by a run that died
    /// before its commit). Failing to remove one is harmless, so errors are ignored.
    pub fn remove_stale(dir: &Path, keep: &str) {
        remove_files_named(dir, |name| {
            let tmp = name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(".tmp"))
                .is_some_and(Self::is_manifest_name);
            name != keep && (Self::is_manifest_name(name) || tmp)
        });
    }

    /// The path of a manifest named in a payload, refusing names that are not manifests'.
    pub fn path_in(dir: &Path, name: &str) -> Option<PathBuf> {
        Self::is_manifest_name(name).then(|| dir.join(name))
    }
}

/// One manifest line: `HASH\tPASSAGES\tID`; returns where the id starts, and the entry.
fn parse_line(line: &str) -> Option<(usize, Entry)> {
    let (hash, rest) = line.split_once('\t')?;
    let (passages, id) = rest.split_once('\t')?;
    if id.is_empty() || hash.is_empty() || hash.starts_with(['+', '-']) {
        return None;
    }
    let entry = Entry {
        hash: ArticleHash(u128::from_str_radix(hash, 16).ok()?),
        passages: passages.parse().ok()?,
    };
    Some((line.len() - id.len(), entry))
}

/// Two manifests are equal when they hold the same articles, however they were made.
impl PartialEq for Manifest {
    fn eq(&self, other: &Manifest) -> bool {
        self.articles == other.articles
            && self
                .sorted()
                .map(|(id, e, _)| (id, e))
                .eq(other.sorted().map(|(id, e, _)| (id, e)))
    }
}

impl Eq for Manifest {}

/// Removes the files directly in `dir` whose names `stale` picks. For side files of old
/// commits: failing to remove one is harmless, so errors are ignored.
pub(crate) fn remove_files_named(dir: &Path, stale: impl Fn(&str) -> bool) {
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

    fn article(front: &str, body: &str) -> Article {
        Article::parse(&format!("+++\n{front}\n+++\n{body}"), Path::new("x.md")).unwrap()
    }

    #[test]
    fn hash_covers_indexed_fields_only() {
        let base = article("id = \"a\"\ntitle = \"T\"\ndate = 2024-05-01", "Body.\n");
        let h = ArticleHash::of(&base);
        let changed = [
            article("id = \"b\"\ntitle = \"T\"\ndate = 2024-05-01", "Body.\n"),
            article("id = \"a\"\ntitle = \"U\"\ndate = 2024-05-01", "Body.\n"),
            article("id = \"a\"\ntitle = \"T\"\ndate = 2024-05-02", "Body.\n"),
            article("id = \"a\"\ntitle = \"T\"\ndate = \"2024-05\"", "Body.\n"),
            article("id = \"a\"\ntitle = \"T\"\ndate = 2024-05-01", "Body!\n"),
            article(
                "id = \"a\"\ntitle = \"T\"\ndate = 2024-05-01\nauthor = \"X\"",
                "Body.\n",
            ),
            article(
                "id = \"a\"\ntitle = \"T\"\ndate = 2024-05-01\nkind = \"news\"",
                "Body.\n",
            ),
            article(
                "id = \"a\"\ntitle = \"T\"\ndate = 2024-05-01\noutlet = \"O\"",
                "Body.\n",
            ),
        ];
        for c in &changed {
            assert_ne!(ArticleHash::of(c), h, "{c:?}");
        }
        let mut moved = base.clone();
        moved.path = PathBuf::from("elsewhere/y.md");
        moved.source_note = Some("a note".into());
        assert_eq!(ArticleHash::of(&moved), h);
    }

    #[test]
    fn absent_and_empty_fields_differ_and_fields_do_not_run_together() {
        let mut a = article("id = \"a\"\ntitle = \"T\"", "x\n");
        let mut b = a.clone();
        a.author = None;
        b.author = Some(String::new());
        assert_ne!(ArticleHash::of(&a), ArticleHash::of(&b));
        let mut c = a.clone();
        c.title = "Tx".into();
        c.body = "\n".into();
        assert_ne!(ArticleHash::of(&a), ArticleHash::of(&c));
    }

    #[test]
    fn write_read_round_trip_and_stale_removal() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::default();
        let a = article("id = \"a-1\"\ntitle = \"T\"", "x\n");
        m.insert(
            "a-1",
            Entry {
                hash: ArticleHash::of(&a),
                passages: 3,
            },
        );
        m.insert(
            "b.2",
            Entry {
                hash: ArticleHash(7),
                passages: 1,
            },
        );
        let old = m.write(dir.path(), 4).unwrap();
        let name = m.write(dir.path(), 9).unwrap();
        assert_eq!(name, "talash-articles-9.tsv");
        std::fs::write(dir.path().join("meta.json"), "{}").unwrap();
        let back = Manifest::read(&Manifest::path_in(dir.path(), &name).unwrap()).unwrap();
        assert_eq!(back, m);
        assert_eq!((back.articles(), back.passages()), (2, 4));
        Manifest::remove_stale(dir.path(), &name);
        assert!(!dir.path().join(old).exists());
        assert!(dir.path().join(&name).exists());
        assert!(dir.path().join("meta.json").exists());
    }

    #[test]
    fn damage_is_an_error_and_odd_names_are_refused() {
        for text in [
            "",
            "other\n",
            "talash-articles 1\nzz\t1\ta\n",
            "talash-articles 1\n01\tx\ta\n",
            "talash-articles 1\n01\t1\n",
            "talash-articles 1\n01\t1\ta\n02\t1\ta\n",
        ] {
            assert!(Manifest::parse(text.to_string()).is_err(), "{text:?}");
        }
        assert!(Manifest::path_in(Path::new("/i"), "../meta.json").is_none());
        assert!(Manifest::path_in(Path::new("/i"), "talash-articles-.tsv").is_none());
    }

    #[test]
    fn changes_after_reading_are_written_in_order_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let e = |h: u128, passages: u32| Entry {
            hash: ArticleHash(h),
            passages,
        };
        let mut m = Manifest::default();
        for (i, id) in ["b", "d", "f", "h"].iter().enumerate() {
            m.insert(id, e(i as u128, 2));
        }
        let name = m.write(dir.path(), 1).unwrap();
        let path = dir.path().join(&name);
        let mut back = Manifest::read(&path).unwrap();
        assert_eq!(back, m);
        back.insert("a", e(10, 1));
        back.insert("d", e(11, 5));
        back.insert("z", e(12, 1));
        assert_eq!(back.remove("f"), Some(e(2, 2)));
        assert_eq!(back.remove("nope"), None);
        back.insert("f", e(13, 3));
        back.remove("f");
        back.remove("z");
        assert_eq!((back.articles(), back.passages()), (4, 10));
        assert_eq!(back.get("d"), Some(&e(11, 5)));
        assert_eq!(back.get("b"), Some(&e(0, 2)));
        assert_eq!((back.get("f"), back.get("z")), (None, None));
        // Should two ids share a hash, lookups compare the ids as well.
        back.collided = true;
        assert_eq!(back.get("b"), Some(&e(0, 2)));
        assert_eq!(back.position("h"), Some(3));
        assert_eq!(back.position("a"), None, "not in the file read");
        back.collided = false;
        let mut ids: Vec<&str> = back.ids().collect();
        ids.sort();
        assert_eq!(ids, ["a", "b", "d", "h"]);
        let again = Manifest::read(&dir.path().join(back.write(dir.path(), 2).unwrap())).unwrap();
        assert_eq!(again, back);
        let text = std::fs::read_to_string(dir.path().join("talash-articles-2.tsv")).unwrap();
        let ids: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|l| l.rsplit('\t').next().unwrap())
            .collect();
        assert_eq!(ids, ["a", "b", "d", "h"], "sorted by id");
        std::fs::write(&path, "talash-articles 1\n01\t1\tb\n01\t1\ta\n").unwrap();
        assert!(Manifest::read(&path).is_err(), "out of order is damage");
    }
}
