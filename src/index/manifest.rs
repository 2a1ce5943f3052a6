//! The manifest of an index: every article it holds, with a hash of the article's content and
//! its number of passages. Incremental indexing compares the corpus against it.
//!
//! Articles are keyed by id and content, never by file path, so articles that do not come from
//! one file each (JSONL collections) work the same way, and moving a file re-indexes nothing.
//!
//! Where it lives: a side file in the index folder, `talash-articles-<opstamp>.tsv`, named in
//! the commit payload. The file is written and synced *before* the commit that names it, so the
//! commit switches documents and manifest at once; older manifests are removed after the
//! commit (see [`crate::index::sidefile`], which does this for every side file). It is not in
//! the payload itself because tantivy parses `meta.json` on every open, and a 1M-passage index
//! holds some 200k articles (about 10 MB of manifest): that would be paid by every cold
//! search. It is not read back from stored or fast fields because that
//! means touching every document, while an unchanged re-run should cost little more than
//! reading the corpus.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use xxhash_rust::xxh3::xxh3_128;

use crate::index::articlehash::ArticleHash;
use crate::index::sidefile::{self, DELTA_END, MANIFEST};

const HEADER: &str = "talash-articles 1";
/// The header of a manifest written as the changes to another (see [`Manifest::write`]).
const DELTA_HEADER: &str = "talash-articles-delta 1";

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
    /// The text of the whole manifest file read (empty for a new manifest).
    text: String,
    /// That file's name, when read from one.
    base_name: Option<String>,
    /// Its articles, sorted by id.
    base: Vec<BaseLine>,
    /// `base` by id: each id's XXH3-128 and its position, sorted by hash. An update looks up
    /// every cached article: sorted, those lookups become one merge of two sorted lists
    /// ([`Manifest::positions`]), where lookups in random order missed the processor's
    /// caches at every step (a hash table of ids took ~0.1 s at 1M). Two ids of one hash are
    /// as unlikely as a missed change in an [`ArticleHash`]; should it happen, `collided`
    /// makes lookups compare the ids too.
    by_id: Vec<(u128, u32)>,
    collided: bool,
    /// Changes since: an entry, or `None` for an article removed.
    changes: HashMap<String, Option<Entry>>,
    /// The changes that a delta read held (see [`Manifest::position`]): each id with its
    /// number among the articles it set, or `None` if it removed it.
    read_changes: HashMap<String, Option<usize>>,
    read_set: Vec<String>,
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
        self.base.get(self.base_position(id)?)
    }

    /// Where `id` is among the articles of the manifest as read (changes made since are not
    /// looked at): a number below [`Manifest::read_len`]. The whole manifest's articles come
    /// first, then those a delta set.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        if !self.read_changes.is_empty()
            && let Some(change) = self.read_changes.get(id)
        {
            return change.map(|n| self.base.len() + n);
        }
        self.base_position(id)
    }

    fn base_position(&self, id: &str) -> Option<usize> {
        let key = xxh3_128(id.as_bytes());
        let from = self.by_id.partition_point(|e| e.0 < key);
        let same = self.by_id[from..].iter().take_while(|e| e.0 == key);
        let mut found = same.filter(|&&(_, i)| {
            !self.collided
                || self
                    .base
                    .get(i as usize)
                    .is_some_and(|b| self.base_id(b) == id)
        });
        found.next().map(|&(_, i)| i as usize)
    }

    /// The [`Manifest::position`] of many ids at once: `keys` holds each id's XXH3-128 with
    /// a number of the caller's, and is sorted here; `ids` gives the id of such a number.
    /// Returns the numbers with their positions, in the sorted order.
    pub(crate) fn positions<'i>(
        &self,
        keys: &mut Vec<(u128, u32)>,
        ids: impl Fn(u32) -> &'i str,
    ) -> Vec<(u32, Option<usize>)> {
        if self.collided {
            // Two ids share a hash (never seen): one exact lookup each.
            return keys
                .iter()
                .map(|&(_, n)| (n, self.position(ids(n))))
                .collect();
        }
        let mut out = Vec::with_capacity(keys.len());
        if !self.read_changes.is_empty() {
            // Ids a delta changed are placed by it (in the caller's order: ids in memory order).
            keys.retain(|&(_, n)| match self.read_changes.get(ids(n)) {
                Some(change) => {
                    out.push((n, change.map(|k| self.base.len() + k)));
                    false
                }
                None => true,
            });
        }
        keys.sort_unstable_by_key(|k| k.0);
        let mut base = self.by_id.iter().peekable();
        out.extend(keys.iter().map(|&(key, n)| {
            while base.next_if(|e| e.0 < key).is_some() {}
            let at = base.peek().filter(|e| e.0 == key).map(|e| e.1 as usize);
            (n, at)
        }));
        out
    }

    /// The number of positions (some hold no article: those a delta changed or removed).
    pub(crate) fn read_len(&self) -> usize {
        self.base.len() + self.read_set.len()
    }

    /// The id at `position` among the articles of the manifest as read, if one is there.
    pub(crate) fn id_at(&self, position: usize) -> Option<&str> {
        match self.base.get(position) {
            Some(b) => {
                let id = self.base_id(b);
                let changed = !self.read_changes.is_empty() && self.read_changes.contains_key(id);
                (!changed).then_some(id)
            }
            None => self
                .read_set
                .get(position - self.base.len())
                .map(String::as_str),
        }
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
            match self.base_get(id) {
                Some(_) => self.changes.insert(id.to_string(), None),
                None => self.changes.remove(id),
            };
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

    /// Reads a manifest (a whole one, or the changes to one); any damage is an error (the
    /// caller then rebuilds in full).
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if text.starts_with(DELTA_HEADER) {
            return Self::read_delta(path, &text)
                .with_context(|| format!("{} is damaged", path.display()));
        }
        let mut m = Self::parse(text).with_context(|| format!("{} is damaged", path.display()))?;
        m.base_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string);
        Ok(m)
    }

    /// Reads a delta: the whole manifest it names, with its changes applied.
    fn read_delta(path: &Path, text: &str) -> Result<Manifest> {
        let (first, body) = text.split_once('\n').context("it has no header line")?;
        let base_name = first
            .strip_prefix(DELTA_HEADER)
            .and_then(|r| r.strip_prefix('\t'))
            .filter(|n| MANIFEST.is_name(n))
            .context("its header names no manifest")?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let base = dir.join(base_name);
        let base_text = std::fs::read_to_string(&base)
            .with_context(|| format!("cannot read the manifest it changes, {}", base.display()))?;
        if base_text.starts_with(DELTA_HEADER) {
            bail!(
                "the manifest it changes, {}, is a delta too",
                base.display()
            );
        }
        let mut m =
            Self::parse(base_text).with_context(|| format!("{} is damaged", base.display()))?;
        m.base_name = Some(base_name.to_string());
        let body = body
            .strip_suffix(DELTA_END)
            .context("it does not end with its end line (cut short?)")?;
        for (i, line) in body.split_terminator('\n').enumerate() {
            let n = i + 2;
            match line.strip_prefix("-\t-\t") {
                Some(id) => {
                    if m.base_get(id).is_none() || m.remove(id).is_none() {
                        bail!("line {n} removes an article the manifest it changes does not hold");
                    }
                }
                None => {
                    let (id_at, entry) =
                        parse_line(line).with_context(|| format!("line {n} is malformed"))?;
                    m.insert(&line[id_at..], entry);
                }
            }
        }
        let mut set: Vec<&String> = (m.changes.iter())
            .filter_map(|(id, e)| e.map(|_| id))
            .collect();
        set.sort();
        m.read_set = set.into_iter().cloned().collect();
        let numbered = m
            .read_set
            .iter()
            .enumerate()
            .map(|(n, id)| (id.clone(), Some(n)));
        let removed = (m.changes.iter())
            .filter(|(_, e)| e.is_none())
            .map(|(id, _)| (id.clone(), None));
        m.read_changes = numbered.chain(removed).collect();
        Ok(m)
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
        let mut by_id: Vec<(u128, u32)> = Vec::with_capacity(base.len());
        for (i, b) in base.iter().enumerate() {
            let i = u32::try_from(i).context("it holds too many articles")?;
            by_id.push((xxh3_128(&text.as_bytes()[b.id..b.end]), i));
        }
        by_id.sort_unstable_by_key(|e| e.0);
        let collided = by_id.windows(2).any(|w| w[0].0 == w[1].0);
        Ok(Manifest {
            articles: base.len(),
            passages,
            text,
            base,
            by_id,
            collided,
            base_name: None,
            changes: HashMap::new(),
            read_changes: HashMap::new(),
            read_set: Vec::new(),
        })
    }

    /// Writes the manifest for the commit of `opstamp` into `dir`, durably (see
    /// [`sidefile::MANIFEST`]). Returns its file name, and the name of the whole manifest it
    /// changes when it is written as a delta: an update that changes a few articles of 180k
    /// writes those few lines, not 9 MB, while [`sidefile::delta_pays`]. A whole manifest
    /// copies the lines of articles that did not change as they were.
    pub fn write(&self, dir: &Path, opstamp: u64) -> Result<(String, Option<String>)> {
        let name = MANIFEST.file_name(opstamp);
        let delta = (self.base_name.as_ref())
            .filter(|b| sidefile::delta_pays(b, &name, self.changes.len(), self.base.len()));
        let out = match delta {
            Some(base) => self.delta_text(base),
            None => self.whole_text(),
        };
        let (name, ()) = MANIFEST.write(dir, opstamp, |f| f.write_all(out.as_bytes()))?;
        Ok((name, delta.cloned()))
    }

    fn whole_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 64 * self.changes.len() + 32);
        out.push_str(HEADER);
        out.push('\n');
        for (id, e, line) in self.sorted() {
            match line {
                Some(line) => out.push_str(line),
                None => push_line(&mut out, id, Some(e)),
            }
            out.push('\n');
        }
        out
    }

    /// The changes since the whole manifest `base` was written, sorted by id.
    fn delta_text(&self, base: &str) -> String {
        let mut out = format!("{DELTA_HEADER}\t{base}\n");
        let mut changes: Vec<(&String, &Option<Entry>)> = self.changes.iter().collect();
        changes.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (id, e) in changes {
            push_line(&mut out, id, *e);
            out.push('\n');
        }
        out.push_str(DELTA_END);
        out
    }
}

/// Appends a manifest line without its line break: `HASH\tPASSAGES\tID`, or `-\t-\tID` for
/// an article removed (in a delta). Article ids hold no tab or newline (see
/// corpus::article::validate_id).
fn push_line(out: &mut String, id: &str, entry: Option<Entry>) {
    use std::fmt::Write as _;
    let _ = match entry {
        Some(e) => write!(out, "{:032x}\t{}\t{id}", e.hash.0, e.passages),
        None => write!(out, "-\t-\t{id}"),
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Article;

    fn article(front: &str, body: &str) -> Article {
        Article::parse(&format!("+++\n{front}\n+++\n{body}"), Path::new("x.md")).unwrap()
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
        let old = m.write(dir.path(), 4).unwrap().0;
        let (name, base) = m.write(dir.path(), 9).unwrap();
        assert_eq!(base, None, "a new manifest is written whole");
        assert_eq!(name, "talash-articles-9.tsv");
        std::fs::write(dir.path().join("meta.json"), "{}").unwrap();
        let back = Manifest::read(&MANIFEST.path_in(dir.path(), &name).unwrap()).unwrap();
        assert_eq!(back, m);
        assert_eq!((back.articles(), back.passages()), (2, 4));
        MANIFEST.remove_stale(dir.path(), std::slice::from_ref(&name));
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
        assert!(MANIFEST.path_in(Path::new("/i"), "../meta.json").is_none());
        assert!(
            MANIFEST
                .path_in(Path::new("/i"), "talash-articles-.tsv")
                .is_none()
        );
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
        let name = m.write(dir.path(), 1).unwrap().0;
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
        let ids = ["h", "zz", "b", "d", "f"];
        let mut keys: Vec<(u128, u32)> = (0..5)
            .map(|n| (xxh3_128(ids[n].as_bytes()), n as u32))
            .collect();
        let mut got = back.positions(&mut keys, |n| ids[n as usize]);
        got.sort();
        let want: Vec<(u32, Option<usize>)> =
            (0..5).map(|n| (n as u32, back.position(ids[n]))).collect();
        assert_eq!(got, want);
        assert_eq!(want[1], (1, None));
        back.collided = true;
        assert_eq!(back.get("b"), Some(&e(0, 2)));
        assert_eq!(back.position("h"), Some(3));
        assert_eq!(back.position("a"), None, "not in the file read");
        back.collided = false;
        let mut ids: Vec<&str> = back.ids().collect();
        ids.sort();
        assert_eq!(ids, ["a", "b", "d", "h"]);
        let again = Manifest::read(&dir.path().join(back.write(dir.path(), 2).unwrap().0)).unwrap();
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

    #[test]
    fn small_changes_are_written_as_deltas_until_they_grow() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let e = |h: u128| Entry {
            hash: ArticleHash(h),
            passages: 2,
        };
        let mut m = Manifest::default();
        for i in 0..80 {
            m.insert(&format!("id{i:03}"), e(i));
        }
        let (whole, _) = m.write(d, 1).unwrap();
        let read = |name: &str| Manifest::read(&d.join(name)).unwrap();
        // Changed, added, removed, and an article added then removed again.
        let mut m = read(&whole);
        m.insert("id005", e(500));
        m.insert("new", e(7));
        m.remove("id010");
        m.insert("gone", e(8));
        m.remove("gone");
        let (delta, base) = m.write(d, 2).unwrap();
        assert_eq!(base.as_deref(), Some(whole.as_str()));
        let text = std::fs::read_to_string(d.join(&delta)).unwrap();
        assert_eq!(text.lines().count(), 5, "header, 3 changes, end: {text}");
        // Cut short at a line break: damage.
        let cut = d.join("talash-articles-7.tsv");
        std::fs::write(&cut, text.strip_suffix("end\n").unwrap()).unwrap();
        assert!(Manifest::read(&cut).is_err());
        let back = read(&delta);
        assert_eq!(back, m);
        assert_eq!((back.articles(), back.passages()), (80, 160));
        assert_eq!(back.get("id010"), None);
        // Positions cover what the delta set, and none of what it changed or removed.
        let mut at: Vec<&str> = (0..back.read_len()).filter_map(|p| back.id_at(p)).collect();
        at.sort();
        let mut ids: Vec<&str> = back.ids().collect();
        ids.sort();
        assert_eq!(at, ids);
        for id in ["id005", "new", "id000"] {
            assert_eq!(back.id_at(back.position(id).unwrap()), Some(id), "{id}");
        }
        let ids = ["id005", "new", "id000", "id010", "nope", "id079"];
        let mut keys: Vec<(u128, u32)> = (0..6u32)
            .map(|n| (xxh3_128(ids[n as usize].as_bytes()), n))
            .collect();
        let mut got = back.positions(&mut keys, |n| ids[n as usize]);
        got.sort();
        let want: Vec<(u32, Option<usize>)> = (0..6u32)
            .map(|n| (n, back.position(ids[n as usize])))
            .collect();
        assert_eq!(got, want);
        assert_eq!(back.position("id010"), None);
        // The next delta holds every change since the whole manifest, on the same base.
        let mut m = back;
        m.remove("new");
        m.insert("id020", e(2000));
        let (delta2, base) = m.write(d, 3).unwrap();
        assert_eq!(base.as_deref(), Some(whole.as_str()));
        assert_eq!(read(&delta2), m);
        MANIFEST.remove_stale(d, &[delta2.clone(), whole.clone()]);
        assert!(!d.join(&delta).exists() && d.join(&whole).exists());
        // Changes beyond one in eight: whole again.
        let mut m = read(&delta2);
        for i in 30..40 {
            m.remove(&format!("id{i:03}"));
        }
        let (whole2, base) = m.write(d, 4).unwrap();
        assert_eq!(base, None);
        assert!(
            std::fs::read_to_string(d.join(&whole2))
                .unwrap()
                .starts_with(HEADER)
        );
        assert_eq!(read(&whole2), m);
        // A delta whose base is gone, or that removes what its base lacks, is damage.
        std::fs::remove_file(d.join(&whole)).unwrap();
        assert!(Manifest::read(&d.join(&delta2)).is_err());
        let bad = format!("{DELTA_HEADER}\t{whole2}\n-\t-\tnot-there\nend\n");
        std::fs::write(d.join("talash-articles-5.tsv"), bad).unwrap();
        assert!(Manifest::read(&d.join("talash-articles-5.tsv")).is_err());
        let bad = format!("{DELTA_HEADER}\t../x\n");
        std::fs::write(d.join("talash-articles-6.tsv"), bad).unwrap();
        assert!(Manifest::read(&d.join("talash-articles-6.tsv")).is_err());
    }
}
