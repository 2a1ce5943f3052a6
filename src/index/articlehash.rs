//! The content hash of an article: what decides whether an update re-indexes it.
//!
//! It covers exactly the fields that reach the index, so an edit to anything else (a note
//! for people, the file it came from) re-indexes nothing. The article manifest keeps it, to
//! be compared against on the next run.

use xxhash_rust::xxh3::Xxh3;

use crate::corpus::Article;

/// A 128-bit hash of everything in an article that reaches the index (XXH3-128: specified,
/// so stable across Rust and crate versions; 128 bits make a missed change negligible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArticleHash(pub(crate) u128);

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
            url,
            lang,
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
            url.as_deref(),
            lang.as_deref(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

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
}
