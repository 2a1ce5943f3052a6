//! Reading stored passages: the one place a search reads stored fields, whether a whole hit
//! (metadata and a highlighted snippet) or only the ids that ranking and collapsing need.
//!
//! Every passage the indexer writes has `passage_id`, `article_id`, `passage_no`, `title` and
//! `text`; one without them comes from a damaged index, and saying so beats ranking it under
//! an empty id. `outlet`, `date`, `author` and `kind` are optional in the corpus, so they stay
//! `Option` here.

use std::collections::HashMap;

use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use tantivy::schema::document::ReferenceValueLeaf;
use tantivy::schema::{Facet, Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::groups::Evidence;
use crate::search::engine::Engine;

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub passage_id: String,
    pub article_id: String,
    pub passage_no: u64,
    pub title: String,
    pub outlet: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub kind: Option<String>,
    pub groups: Vec<String>,
    /// Why each group was tagged, one per group (see `docs/GROUPS.md`).
    pub group_evidence: Vec<Evidence>,
    pub text: String,
    /// The passage's best fragment; empty when the passage is its title alone
    /// (`title_is_text`), so that the title is not shown twice.
    pub snippet: String,
    /// Byte ranges of matched terms within `snippet`.
    pub highlights: Vec<(usize, usize)>,
    /// The passage is its article's title alone (an article with no body, indexed as one
    /// passage whose text is its title: `corpus::passages_for`). Its `text` is the title and
    /// its `snippet` is empty.
    pub title_is_text: bool,
}

/// The ids of a passage: all that ordering ties and collapsing by article need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageIds {
    pub passage: String,
    pub article: String,
}

/// One stored document and where it came from, so a missing field can name the passage.
struct Stored<'a> {
    doc: TantivyDocument,
    addr: DocAddress,
    searcher: &'a Searcher,
}

impl<'a> Stored<'a> {
    fn read(searcher: &'a Searcher, addr: DocAddress) -> Result<Stored<'a>> {
        let doc = searcher.doc(addr).context("cannot read a stored passage")?;
        Ok(Stored {
            doc,
            addr,
            searcher,
        })
    }

    /// A stored text; a pre-tokenized one is the title of an article without body, stored
    /// but not indexed as a title (`index::document::article_doc`).
    fn text(&self, field: Field) -> Option<String> {
        let value = self.doc.get_first(field)?;
        match value.as_leaf() {
            Some(ReferenceValueLeaf::PreTokStr(p)) => Some(p.text.clone()),
            _ => value.as_str().map(str::to_string),
        }
    }

    /// A field every passage has: its absence is damage, reported with the passage's address.
    fn required_text(&self, field: Field) -> Result<String> {
        self.text(field).ok_or_else(|| self.missing(field))
    }

    fn required_u64(&self, field: Field) -> Result<u64> {
        self.doc
            .get_first(field)
            .and_then(|v| v.as_u64())
            .ok_or_else(|| self.missing(field))
    }

    fn missing(&self, field: Field) -> anyhow::Error {
        anyhow!(
            "index damaged: passage at segment {} doc {} has no stored {}; rebuild with \
             talash-index --full",
            self.addr.segment_ord,
            self.addr.doc_id,
            self.searcher.schema().get_field_name(field)
        )
    }

    /// The evidence of each group tag; a value that is not evidence is damage.
    fn evidence(&self, field: Field) -> Result<Vec<Evidence>> {
        self.doc
            .get_all(field)
            .filter_map(|v| v.as_str())
            .map(|json| {
                serde_json::from_str(json).map_err(|e| {
                    anyhow!(
                        "index damaged: passage at segment {} doc {} has a stored {} that is \
                         not group evidence ({e}: {json:?}); rebuild with talash-index --full",
                        self.addr.segment_ord,
                        self.addr.doc_id,
                        self.searcher.schema().get_field_name(field)
                    )
                })
            })
            .collect()
    }

    fn facets(&self, field: Field) -> Vec<String> {
        self.doc
            .get_all(field)
            .filter_map(|v| {
                v.as_facet().map(|s| {
                    Facet::from_encoded(s.as_bytes().to_vec())
                        .map(|f| f.to_path().join("/"))
                        .unwrap_or_default()
                })
            })
            .collect()
    }
}

/// Reads passage ids once per search, remembering them across the deeper fetches of a ranking
/// (the top-k goes deeper while scores tie at its cut).
pub struct IdReader<'a> {
    engine: &'a Engine,
    searcher: &'a Searcher,
    ids: HashMap<DocAddress, PassageIds>,
}

impl<'a> IdReader<'a> {
    pub fn new(engine: &'a Engine, searcher: &'a Searcher) -> IdReader<'a> {
        IdReader {
            engine,
            searcher,
            ids: HashMap::new(),
        }
    }

    /// The ids of the passage at `addr`; an error when the index lacks them.
    pub fn get(&mut self, addr: DocAddress) -> Result<&PassageIds> {
        if !self.ids.contains_key(&addr) {
            let stored = Stored::read(self.searcher, addr)?;
            let f = &self.engine.open.fields;
            let ids = PassageIds {
                passage: stored.required_text(f.passage_id)?,
                article: stored.required_text(f.article_id)?,
            };
            self.ids.insert(addr, ids);
        }
        Ok(&self.ids[&addr])
    }
}

impl Engine {
    /// Reads a stored passage into a hit.
    pub fn hit(
        &self,
        searcher: &Searcher,
        snippets: &SnippetGenerator,
        rank: usize,
        score: f32,
        addr: DocAddress,
    ) -> Result<Hit> {
        let stored = Stored::read(searcher, addr)?;
        let f = &self.open.fields;
        let text = stored.required_text(f.text)?;
        let title = stored.required_text(f.title)?;
        let passage_no = stored.required_u64(f.passage_no)?;
        // The indexer makes a bodyless article one passage whose text is its title, exactly.
        let title_is_text = passage_no == 1 && text == title;
        let (snippet, highlights) = match title_is_text {
            true => (String::new(), Vec::new()),
            false => self.snippet(snippets, &text),
        };
        Ok(Hit {
            rank,
            score,
            passage_id: stored.required_text(f.passage_id)?,
            article_id: stored.required_text(f.article_id)?,
            passage_no,
            title,
            outlet: stored.text(f.outlet_name),
            date: stored.text(f.date),
            author: stored.text(f.author),
            kind: stored.text(f.kind),
            groups: stored.facets(f.group),
            group_evidence: stored.evidence(f.group_evidence)?,
            text,
            snippet,
            highlights,
            title_is_text,
        })
    }

    /// The highlighted fragment of `text` and its highlights' byte ranges; the passage's lead
    /// when no term of the query is in it.
    fn snippet(&self, snippets: &SnippetGenerator, text: &str) -> (String, Vec<(usize, usize)>) {
        let snippet = snippets.snippet(text);
        if snippet.is_empty() {
            return (
                lead(text, self.open.config.spec.search.snippet_chars),
                Vec::new(),
            );
        }
        // The fragment runs from its first token to its last, so the punctuation around it is
        // left out: a sentence's full stop, a quotation's marks. Take back what closes or
        // opens it (never a comma or a word), then mark with … only text actually cut.
        let range = snippet.fragment_range();
        let start = opening_before(text, range.start);
        let end = closing_after(text, range.end);
        let prefix = if text[..start].chars().any(char::is_alphanumeric) {
            "… "
        } else {
            ""
        };
        let suffix = if text[end..].chars().any(char::is_alphanumeric) {
            " …"
        } else {
            ""
        };
        let shift = prefix.len() + (range.start - start);
        let ranges = snippet
            .highlighted()
            .iter()
            .map(|r| (r.start + shift, r.end + shift))
            .collect();
        (format!("{prefix}{}{suffix}", &text[start..end]), ranges)
    }
}

/// What may close a fragment: the end of a sentence and the marks that close a quotation or an
/// aside after it (`.`, `?`, `!`, `…`, quotes, brackets).
fn closes(c: char) -> bool {
    matches!(
        c,
        '.' | '?' | '!' | '…' | '"' | '\'' | '”' | '’' | '»' | ')' | ']'
    )
}

/// What may open a fragment: quotes and brackets before its first word.
fn opens(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '«' | '(' | '[')
}

/// `end` moved past the closing marks that follow it at once (no space between).
fn closing_after(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    end + rest.find(|c: char| !closes(c)).unwrap_or(rest.len())
}

/// `start` moved back over the opening marks that precede it at once.
fn opening_before(text: &str, start: usize) -> usize {
    let before = &text[..start];
    before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| opens(c))
        .last()
        .map_or(start, |(i, _)| i)
}

/// One passage as stored, every field of the schema: what an export writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredPassage {
    pub passage_id: String,
    pub article_id: String,
    pub passage_no: u64,
    pub title: String,
    pub text: String,
    /// Group paths the passage is tagged with (`ISIS/Khorasan`).
    pub groups: Vec<String>,
    /// Why each group tag was given (the words and where), as `talash show` prints it.
    pub group_evidence: Vec<Evidence>,
    /// The outlet's key, as `--outlet` matches it (`express tribune`).
    pub outlet: Option<String>,
    /// The outlet's name as written (`The Express Tribune`).
    pub outlet_name: Option<String>,
    /// The date as written, to the day, month or year (`2024-05`).
    pub date: Option<String>,
    pub author: Option<String>,
    pub kind: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
}

impl Engine {
    /// Calls `each` with every live passage of the index, segment by segment in document order,
    /// reading each store block once: memory stays flat however big the index (an export of
    /// millions of passages holds one at a time). Returns the number of passages visited.
    pub fn for_each_passage(
        &self,
        each: &mut dyn FnMut(StoredPassage) -> Result<()>,
    ) -> Result<u64> {
        let searcher = self.searcher();
        let mut n = 0u64;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let store = segment
                .get_store_reader(1)
                .context("cannot open a segment's stored passages")?;
            let alive = segment.alive_bitset();
            let docs = (0..segment.max_doc()).filter(|&d| alive.is_none_or(|a| a.is_alive(d)));
            // The store yields the live documents in order, as `docs` lists them.
            for (doc_id, read) in docs.zip(store.iter::<TantivyDocument>(alive)) {
                let doc = read.context("cannot read a stored passage")?;
                let addr = DocAddress::new(ord as u32, doc_id);
                let stored = Stored {
                    doc,
                    addr,
                    searcher: &searcher,
                };
                each(self.stored_passage(&stored)?)?;
                n += 1;
            }
        }
        Ok(n)
    }

    fn stored_passage(&self, stored: &Stored) -> Result<StoredPassage> {
        let f = &self.open.fields;
        Ok(StoredPassage {
            passage_id: stored.required_text(f.passage_id)?,
            article_id: stored.required_text(f.article_id)?,
            passage_no: stored.required_u64(f.passage_no)?,
            title: stored.required_text(f.title)?,
            text: stored.required_text(f.text)?,
            groups: stored.facets(f.group),
            group_evidence: stored.evidence(f.group_evidence)?,
            outlet: stored.facets(f.outlet).into_iter().next(),
            outlet_name: stored.text(f.outlet_name),
            date: stored.text(f.date),
            author: stored.text(f.author),
            kind: stored.text(f.kind),
            url: stored.text(f.url),
            lang: stored.text(f.lang),
        })
    }
}

/// The first `max_chars` characters of `text`, cut at a word boundary, with " …" where it was
/// cut.
fn lead(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let kept = match cut.rfind(char::is_whitespace) {
        Some(i) => cut[..i].trim_end(),
        None => &cut,
    };
    format!("{kept} …")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::in_ram;
    use tantivy::doc;

    /// An index of one passage built with `fields` set to what `build` gives.
    fn one_doc(build: impl Fn(&crate::schema::Fields) -> TantivyDocument) -> (Engine, DocAddress) {
        let e = in_ram(|f| Ok(vec![vec![build(f)]])).unwrap();
        let addr = DocAddress::new(0, 0);
        (e, addr)
    }

    fn hit(e: &Engine, addr: DocAddress) -> Result<Hit> {
        let searcher = e.searcher();
        let snippets = e.snippet_generator(&tantivy::query::AllQuery)?;
        e.hit(&searcher, &snippets, 1, 0.5, addr)
    }

    #[test]
    fn a_missing_required_field_is_damage_naming_field_and_passage() {
        let (e, addr) = one_doc(|f| {
            doc!(
                f.article_id => "a",
                f.passage_no => 1u64,
                f.title => "T",
                f.text => "words",
            )
        });
        let err = hit(&e, addr).unwrap_err().to_string();
        assert_eq!(
            err,
            "index damaged: passage at segment 0 doc 0 has no stored passage_id; rebuild with \
             talash-index --full"
        );
        let searcher = e.searcher();
        let err = IdReader::new(&e, &searcher).get(addr).unwrap_err();
        assert!(err.to_string().contains("no stored passage_id"), "{err}");
        let (e, addr) = one_doc(|f| doc!(f.passage_id => "a#1", f.article_id => "a"));
        let err = hit(&e, addr).unwrap_err().to_string();
        assert!(err.contains("no stored text"), "{err}");
    }

    #[test]
    fn optional_fields_are_none_when_absent() {
        let (e, addr) = one_doc(|f| {
            doc!(
                f.passage_id => "a#2",
                f.article_id => "a",
                f.passage_no => 2u64,
                f.title => "T",
                f.text => "words",
            )
        });
        let h = hit(&e, addr).unwrap();
        assert_eq!((h.passage_id.as_str(), h.passage_no), ("a#2", 2));
        assert_eq!((h.rank, h.score), (1, 0.5));
        assert!(h.outlet.is_none() && h.date.is_none() && h.author.is_none());
        assert!(h.kind.is_none() && h.groups.is_empty());
        assert_eq!(h.snippet, "words", "no query term: the passage's lead");
        let searcher = e.searcher();
        let mut ids = IdReader::new(&e, &searcher);
        let got = ids.get(addr).unwrap();
        assert_eq!((got.passage.as_str(), got.article.as_str()), ("a#2", "a"));
    }

    #[test]
    fn snippets_mark_a_cut_and_shift_the_highlights() {
        let e = crate::fuzzing::tiny_engine().unwrap();
        let q = e.parse_query("Kabul").unwrap();
        let searcher = e.searcher();
        let snippets = e.snippet_generator(&*q).unwrap();
        let text = format!(
            "{}Kabul is far. {}",
            "word ".repeat(100),
            "more ".repeat(100)
        );
        let (s, marks) = e.snippet(&snippets, &text);
        assert!(s.starts_with("… ") && s.ends_with(" …"), "{s}");
        assert_eq!(marks.len(), 1);
        assert_eq!(&s[marks[0].0..marks[0].1], "Kabul");
        // A hit from the index: its highlight points at the word too.
        let top = searcher
            .search(
                &*q,
                &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
            )
            .unwrap();
        let h = e.hit(&searcher, &snippets, 1, top[0].0, top[0].1).unwrap();
        let (a, b) = h.highlights[0];
        assert_eq!(&h.snippet[a..b], "Kabul");
    }

    #[test]
    fn snippets_keep_the_marks_that_end_or_open_a_sentence() {
        let e = crate::fuzzing::tiny_engine().unwrap();
        let q = e.parse_query("Kabul").unwrap();
        let snippets = e.snippet_generator(&*q).unwrap();
        let cases = [
            ("They went to Kabul.", "They went to Kabul."),
            ("Was it Kabul?", "Was it Kabul?"),
            ("\"Kabul!\" he said", "\"Kabul!\" he said"),
            ("He said: “to Kabul.”", "He said: “to Kabul.”"),
            ("(Kabul) is far", "(Kabul) is far"),
        ];
        for (text, want) in cases {
            let (s, marks) = e.snippet(&snippets, text);
            assert_eq!(s, want, "nothing was cut, so nothing is marked or lost");
            assert_eq!(&s[marks[0].0..marks[0].1], "Kabul", "{s}");
        }
        // Cut after a sentence's end: its full stop stays, the cut is marked.
        let text = format!("Kabul is far. {}", "more ".repeat(100));
        let (s, _) = e.snippet(&snippets, &text);
        assert!(s.contains("Kabul is far.") && s.ends_with(" …"), "{s}");
        // A comma is not a sentence's end: left out, and no word was cut after it.
        let (s, _) = e.snippet(&snippets, "They went to Kabul, ");
        assert_eq!(s, "They went to Kabul");
        // Text that only opens or closes a quotation is not "cut": no ellipsis for it.
        let (s, marks) = e.snippet(&snippets, "“Kabul”");
        assert_eq!(s, "“Kabul”");
        assert_eq!(&s[marks[0].0..marks[0].1], "Kabul");
    }

    #[test]
    fn the_lead_is_cut_at_a_word() {
        assert_eq!(lead("short text", 50), "short text");
        assert_eq!(lead("one two three", 9), "one two …");
        assert_eq!(lead("abcdefghij", 4), "abcd …");
        assert_eq!(lead("ééééé ü", 6), "ééééé …", "characters, not bytes");
    }
}
