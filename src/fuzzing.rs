//! A tiny index in RAM with the shipped configuration, for the fuzz targets (`fuzz/`) and the
//! regression tests of the query path: searching needs an index, not files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::Result;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Value;
use tantivy::{Index, IndexWriter, TantivyDocument};

use crate::corpus::{self, Article, PassageId};
use crate::date::DateSpan;
use crate::groups::{Evidence, GroupPath, Place, Rule, Tag};
use crate::index::document::{self, article_doc, outlet_key};
use crate::index::meta::IndexMeta;
use crate::index::open::OpenIndex;
use crate::schema::{Config, Fields};
use crate::search::Engine;

/// (id, title, outlet, date, group paths, text)
pub type Passage = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

const PASSAGES: &[Passage] = &[
    (
        "a#1",
        "Talks on the TTP threat",
        "The Express Tribune",
        "2023-03-06",
        &["TTP"],
        "Tehreek-e-Taliban Pakistan and the Da’ish group threaten regional security.",
    ),
    (
        "b#1",
        "ISIS-Khorasan attack",
        "Dawn",
        "2024-05",
        &["ISIS", "ISIS/Khorasan"],
        "ISKP claimed the attack; officials in Kabul met on counterterrorism.",
    ),
    (
        "c#1",
        "Balochistan",
        "Dawn",
        "2025",
        &["BLA"],
        "The BLA said \"joint statement\" words (a^2 [x] {y} ~z !w \\ back) in Quetta.",
    ),
];

/// An engine over [`PASSAGES`], indexed with the shipped configuration.
pub fn tiny_engine() -> Result<Engine> {
    engine_of(&[PASSAGES])
}

/// An engine over `segments` of passages, each slice committed as its own segment, so tests of
/// ranking can make tantivy's document order disagree with the ids. A passage's article is its
/// id before `#`, and its number the digits after.
pub fn engine_of(segments: &[&[Passage]]) -> Result<Engine> {
    let copies = Config::shipped()?.spec.passages.title_in_text;
    let mut per_article: BTreeMap<&str, usize> = BTreeMap::new();
    for p in segments.iter().flat_map(|s| s.iter()) {
        *per_article.entry(article_of(p.0).0).or_default() += 1;
    }
    in_ram(|fields| {
        segments
            .iter()
            .map(|passages| {
                passages
                    .iter()
                    .map(|p| {
                        let n = per_article.get(article_of(p.0).0).copied().unwrap_or(1);
                        passage_doc(fields, p, n, copies)
                    })
                    .collect()
            })
            .collect()
    })
}

/// A test passage id's article and number: `a#2` is passage 2 of `a`; an id without `#` is
/// passage 1 of itself.
fn article_of(id: &str) -> (&str, &str) {
    id.rsplit_once('#').unwrap_or((id, "1"))
}

/// An engine over documents the caller builds from the fields, one segment per inner list:
/// for documents the indexer would never write (a missing stored field).
pub fn in_ram(
    segments: impl FnOnce(&Fields) -> Result<Vec<Vec<TantivyDocument>>>,
) -> Result<Engine> {
    let config = Config::shipped()?;
    let (schema, fields) = config.spec.build();
    let index = Index::create_in_ram(schema);
    config.spec.register_analyzers(index.tokenizers());
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let (mut outlets, mut articles, mut passages) = (BTreeMap::new(), BTreeSet::new(), 0);
    for docs in segments(&fields)? {
        for d in docs {
            if let Some(o) = d.get_first(fields.outlet_name).and_then(|v| v.as_str()) {
                outlets.insert(outlet_key(o), o.to_string());
            }
            if let Some(a) = d.get_first(fields.article_id).and_then(|v| v.as_str()) {
                articles.insert(a.to_string());
            }
            passages += 1;
            writer.add_document(d)?;
        }
        writer.commit()?;
    }
    let meta = IndexMeta::with_counts(&config, outlets, articles.len(), passages);
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(&meta)?);
    prepared.commit()?;
    Engine::new(OpenIndex {
        index,
        config,
        fields,
        meta,
        dir: PathBuf::from("(in memory)"),
    })
}

/// A passage's document, built by the indexer's own `article_doc`/`passage_doc` so the tiny
/// index can never drift from real ones; the groups are given, not tagged, so each passage's
/// facets are known to the tests. The title copies are the indexer's too: `title_in_text` of
/// the shipped schema when the article has one passage (`passages` in all).
fn passage_doc(
    fields: &Fields,
    passage: &Passage,
    passages: usize,
    title_in_text: u8,
) -> Result<TantivyDocument> {
    let (id, title, outlet, date, groups, text) = *passage;
    let (article_id, n) = article_of(id);
    let article = Article {
        id: article_id.to_string(),
        title: title.to_string(),
        outlet: Some(outlet.to_string()),
        date: Some(DateSpan::parse(date).map_err(anyhow::Error::msg)?),
        author: None,
        kind: None,
        source_note: None,
        url: None,
        lang: None,
        body: text.to_string(),
        body_line: 1,
        path: PathBuf::from(format!("{article_id}.md")),
        warnings: Vec::new(),
    };
    let passage = corpus::Passage {
        id: PassageId::new(article_id, n.parse()?),
        text: text.to_string(),
    };
    // Given tags, with evidence that says so: the whole passage, as if a full name.
    let tags = groups
        .iter()
        .map(|g| {
            let path = GroupPath::parse(g).map_err(anyhow::Error::msg)?;
            let evidence = Evidence {
                group: path.to_string(),
                rule: Rule::Name,
                words: text.to_string(),
                at: Place {
                    passage_no: Some(u64::from(passage.id.n())),
                    start: 0,
                    end: text.len(),
                },
                support: None,
            };
            Ok(Tag { path, evidence })
        })
        .collect::<Result<Vec<_>>>()?;
    let shared = article_doc(fields, &article, false);
    Ok(document::passage_doc(
        fields,
        &shared,
        passage,
        &tags,
        document::TitleCopies::for_passages(title, passages, title_in_text),
    ))
}

/// The fuzz target `page`'s invariant, on any bytes: as a saved page they are an article or a
/// page skipped with a reason, never a panic; an article has a valid id, at least
/// [`corpus::html::MIN_WORDS`] words of body, and passages within the word limit. The same
/// bytes as a web archive stream give articles with valid ids or errors, never a panic.
pub fn check_page(data: &[u8]) {
    use corpus::html::{self, Page, Record};
    use corpus::plain::Defaults;
    let config = Config::shipped().expect("the shipped configuration is valid");
    let path = std::path::Path::new("fuzz.html");
    let defaults = Defaults::default();
    let max = 12;
    match html::read_page(data, path, "fuzz".into(), &Record::default(), &defaults) {
        Ok(Page::Article(a)) => {
            assert!(
                corpus::article::validate_id(&a.id).is_ok(),
                "bad id {:?}",
                a.id
            );
            // Counted as the reader counts: Unicode words (a CJK character is one).
            let words =
                unicode_segmentation::UnicodeSegmentation::unicode_words(a.body.as_str()).count();
            assert!(words >= html::MIN_WORDS, "an article of {words} words");
            for p in corpus::passages(&a, &config.boilerplate, max) {
                let n = corpus::passage::word_count(&p.text);
                assert!(n <= max, "passage over the limit: {:?}", p.text);
            }
        }
        Ok(Page::NotArticle(why)) => assert!(!why.trim().is_empty(), "skipped without a reason"),
        Err(e) => assert!(!e.message.is_empty(), "an error without a message"),
    }
    let reader = Box::new(std::io::Cursor::new(data.to_vec()));
    let warc = corpus::warc::WarcArticles::from_reader(
        std::path::Path::new("fuzz.warc"),
        reader,
        &defaults,
        corpus::MB,
    );
    for a in warc.take(64).flatten() {
        assert!(
            corpus::article::validate_id(&a.id).is_ok(),
            "bad id {:?}",
            a.id
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Filters;

    /// The tiny index's documents get the title copies real indexing gives: only a
    /// one-passage article's text carries them.
    #[test]
    fn title_copies_follow_the_articles_passage_count() {
        let config = Config::shipped().unwrap();
        let (_, fields) = config.spec.build();
        let texts = |p: &Passage, passages| {
            let doc = passage_doc(&fields, p, passages, 2).unwrap();
            doc.get_all(fields.text).count()
        };
        let p: Passage = (
            "a#1",
            "Harbour news",
            "Dawn",
            "2024-05",
            &[],
            "The port reopened.",
        );
        assert_eq!(texts(&p, 1), 3, "its text and two copies of its title");
        assert_eq!(texts(&p, 2), 1, "one of two passages: no copies");
        assert_eq!(article_of("a#2"), ("a", "2"));
        assert_eq!(article_of("c"), ("c", "1"));
    }

    #[test]
    fn the_tiny_index_answers() {
        let e = tiny_engine().unwrap();
        let hits = crate::search::page::search(
            &e,
            "Quetta",
            &Filters::default(),
            crate::search::page::PageRequest::top(crate::search::Paging::first(5)),
        )
        .map(|p| p.hits)
        .unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].passage_id, "c#1");
    }

    /// The fuzz target `query`'s invariant on the inputs it found and their neighbours: a
    /// query Talash accepts is one tantivy parses, and one it refuses is refused in its words.
    #[test]
    fn accepted_queries_parse_in_tantivy() {
        let e = tiny_engine().unwrap();
        let fields = e.text_field_names();
        let queries = [
            "(((\0\0\0)x))",
            "+\u{5}\0\0 NOT c",
            "x -(y)",
            "x AND NOT y",
            "NOT x AND y",
            "x OR NOT y",
            "(x OR -y) z",
            "the -x",
            "a (NOT b)",
            "x ()",
            "+ a",
            "a OR \"\"",
            "x NOT -y",
            "x NOT +y",
            "NOT -(y) x",
            "NOT +7(b) NOT (b) N@T17+7(b) NOT (b) Nsd\u{13}bD",
        ];
        for q in queries {
            match (
                crate::search::query::rewrite(q, &fields, &e.open.config.gazetteer),
                e.parse_query(q),
            ) {
                (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
                // Stop words vanish only in analysis, which the rewrite does not see.
                (Ok(_), Err(err)) => {
                    assert!(err.to_string().contains("stop words"), "{q:?}: {err}")
                }
                (Err(msg), Ok(_)) => panic!("{q:?}: refused ({msg}) yet parsed"),
            }
        }
    }

    /// Found by `cargo fuzz run query`: on this index, the query below makes tantivy 0.27's
    /// `PhraseScorer::seek_danger` fail a `debug_assert!` (an excluded phrase that has run out
    /// of documents is sought again). Release builds compile the check out; in debug builds
    /// the panic must be caught and reported like any other, never escape.
    #[test]
    fn a_tantivy_debug_assertion_in_a_search_never_escapes() {
        let e = tiny_engine().unwrap();
        let q = "a^3\u{c}iskp\u{c}\u{c}b\u{8}-!w!w";
        match crate::index::damage::catch(|| {
            crate::search::page::search(
                &e,
                q,
                &Filters::default(),
                crate::search::page::PageRequest::top(crate::search::Paging::first(5)),
            )
            .map(|p| p.hits)
        }) {
            Ok(_) if cfg!(debug_assertions) => panic!("the assertion fires in debug builds"),
            Ok(_) => {}
            Err(err) => {
                let p = err.downcast_ref::<crate::index::damage::Panicked>();
                assert!(
                    p.is_some_and(|p| p.0.contains("phrase_scorer.rs")),
                    "{err:#}"
                );
            }
        }
    }

    /// The fuzz target `page`'s invariant on the seeds and on pages cut short anywhere.
    #[test]
    fn pages_and_archives_keep_the_page_invariant() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/page");
        let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        assert!(seeds.len() >= 3, "the page seeds are in {}", dir.display());
        seeds.push(Vec::new());
        for seed in &seeds {
            check_page(seed);
            for cut in [
                1,
                7,
                seed.len() / 3,
                seed.len() / 2,
                seed.len().saturating_sub(5),
            ] {
                check_page(&seed[..cut.min(seed.len())]);
            }
        }
    }
}
