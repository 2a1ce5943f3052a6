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
use xxhash_rust::xxh3::Xxh3;

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    entries: HashMap<String, Entry>,
}

impl Manifest {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }

    pub fn insert(&mut self, id: &str, entry: Entry) {
        self.entries.insert(id.to_string(), entry);
    }

    pub fn remove(&mut self, id: &str) -> Option<Entry> {
        self.entries.remove(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn articles(&self) -> usize {
        self.entries.len()
    }

    pub fn passages(&self) -> usize {
        self.entries.values().map(|e| e.passages as usize).sum()
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
        Self::parse(&text).with_context(|| format!("{} is damaged", path.display()))
    }

    fn parse(text: &str) -> Result<Manifest> {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            bail!("it does not start with {HEADER:?}");
        }
        let mut entries = HashMap::new();
        for (i, line) in lines.enumerate() {
            let parse = || -> Option<(String, Entry)> {
                let mut parts = line.splitn(3, '\t');
                let hash = u128::from_str_radix(parts.next()?, 16).ok()?;
                let passages = parts.next()?.parse().ok()?;
                let id = parts.next().filter(|id| !id.is_empty())?;
                let entry = Entry {
                    hash: ArticleHash(hash),
                    passages,
                };
                Some((id.to_string(), entry))
            };
            let (id, entry) = parse().with_context(|| format!("line {} is malformed", i + 2))?;
            if entries.insert(id, entry).is_some() {
                bail!("line {} repeats an article id", i + 2);
            }
        }
        Ok(Manifest { entries })
    }

    /// Writes the manifest for the commit of `opstamp` into `dir`, durably (written to a
    /// temporary name, synced, renamed), and returns its file name.
    pub fn write(&self, dir: &Path, opstamp: u64) -> Result<String> {
        let name = Self::file_name(opstamp);
        let tmp = dir.join(format!(".{name}.tmp"));
        let mut ids: Vec<&String> = self.entries.keys().collect();
        ids.sort();
        let mut out = String::with_capacity(64 * ids.len() + HEADER.len() + 1);
        out.push_str(HEADER);
        out.push('\n');
        for id in ids {
            let e = &self.entries[id];
            // Article ids hold no tab or newline (see corpus::article::validate_id).
            out.push_str(&format!("{:032x}\t{}\t{id}\n", e.hash.0, e.passages));
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
            assert!(Manifest::parse(text).is_err(), "{text:?}");
        }
        assert!(Manifest::path_in(Path::new("/i"), "../meta.json").is_none());
        assert!(Manifest::path_in(Path::new("/i"), "talash-articles-.tsv").is_none());
    }
}
