//! The engine: one opened index with its reader and query parser, shared by every search.

use anyhow::{Context, Result};
use tantivy::query::{Query, QueryParser};
use tantivy::snippet::SnippetGenerator;
use tantivy::{IndexReader, ReloadPolicy, Searcher};

use crate::error::usage;
use crate::index::open::OpenIndex;
use crate::schema::Operator;
use crate::search::query;

/// Why a query of stop words only is refused.
const STOP_WORDS_ONLY: &str = "no word to search for once stop words (\"the\", \"a\", \"of\", \
                               ...) are left out; add a word";

/// A searcher over one opened index.
pub struct Engine {
    pub open: OpenIndex,
    reader: IndexReader,
    parser: QueryParser,
    /// The same query language with bare words searching the passage text only: counts
    /// (facets, timelines, totals) count passages that match in their own text, not every
    /// passage of an article whose title matches.
    counting: QueryParser,
}

impl Engine {
    /// Opens the index at `dir` for searching, retrying when an indexer commits or swaps it
    /// at that very moment (see [`crate::index::recover::open_retrying`]).
    pub fn open(dir: &std::path::Path) -> Result<Engine> {
        crate::index::recover::open_retrying(dir, |d| {
            crate::index::open::open(d).and_then(Engine::new)
        })
    }

    pub fn new(open: OpenIndex) -> Result<Engine> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("cannot open an index reader")?;
        let f = &open.fields;
        let defaults: Vec<_> = f
            .text_fields
            .values()
            .filter(|v| v.2)
            .map(|v| v.0)
            .collect();
        let own_text: Vec<_> = defaults.iter().copied().filter(|&d| d != f.title).collect();
        let make = |defaults| {
            // Queries are read by the query side of each analyzer (a compound becomes its
            // closed form: analysis::compounds), not by the analyzers that indexed the text.
            let mut parser = QueryParser::new(
                open.index.schema(),
                defaults,
                open.config.spec.query_tokenizers(),
            );
            for (field, boost, _) in f.text_fields.values() {
                parser.set_field_boost(*field, *boost);
            }
            if open.config.spec.search.default_operator == Operator::And {
                parser.set_conjunction_by_default();
            }
            parser
        };
        let counting = make(if own_text.is_empty() {
            defaults.clone()
        } else {
            own_text
        });
        let parser = make(defaults);
        Ok(Engine {
            open,
            reader,
            parser,
            counting,
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The names of the text fields a query may name (`title:word`).
    pub fn text_field_names(&self) -> Vec<&str> {
        self.open
            .fields
            .text_fields
            .keys()
            .map(String::as_str)
            .collect()
    }

    /// Parses a user query (see [`crate::search::query`]) into a tantivy query.
    pub fn parse_query(&self, text: &str) -> Result<Box<dyn Query>> {
        self.parse_with(&self.parser, text)
    }

    /// Parses a user query for counting: bare words match the passage's own text only (see
    /// the `counting` field).
    pub fn parse_counting(&self, text: &str) -> Result<Box<dyn Query>> {
        self.parse_with(&self.counting, text)
    }

    fn parse_with(&self, parser: &QueryParser, text: &str) -> Result<Box<dyn Query>> {
        let fields = self.text_field_names();
        let bad = |e: String| usage(format!("invalid query {}: {e}", query::shown(text)));
        let with_prefixes = crate::search::prefix::expand(text, |field, prefix| {
            crate::search::prefix::terms(self, field, prefix)
        })
        .map_err(bad)?;
        let rewritten =
            query::rewrite(&with_prefixes, &fields, &self.open.config.gazetteer).map_err(bad)?;
        let tantivy = crate::search::compounds::join_spaced(&rewritten.tantivy);
        let parsed = parser.parse_query(&tantivy).map_err(|e| {
            let why = match e {
                // Words like "the" are not indexed: `the -police` leaves only an exclusion.
                tantivy::query::QueryParserError::AllButQueryForbidden => {
                    STOP_WORDS_ONLY.to_string()
                }
                other => other.to_string(),
            };
            usage(format!("invalid query {}: {why}", query::shown(text)))
        })?;
        // One rule for every form (`the`, `the a`, `"the a"`, `title:the`): a query that
        // searches no term once stop words are left out is a usage error, never "no match".
        let mut any_term = false;
        parsed.query_terms(&mut |_, _| any_term = true);
        if !any_term {
            return Err(bad(STOP_WORDS_ONLY.to_string()));
        }
        Ok(parsed)
    }

    pub fn snippet_generator(&self, query: &dyn Query) -> Result<SnippetGenerator> {
        let mut g = SnippetGenerator::create(&self.searcher(), query, self.open.fields.text)
            .context("cannot build snippets")?;
        g.set_max_num_chars(self.open.config.spec.search.snippet_chars);
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use crate::error::exit_status;
    use crate::fuzzing::tiny_engine;

    #[test]
    fn bare_words_search_the_title_and_the_text() {
        let e = tiny_engine().unwrap();
        let names = e.text_field_names();
        assert!(
            names.contains(&"title") && names.contains(&"text"),
            "{names:?}"
        );
        let count = |q: &str| {
            let query = e.parse_query(q).unwrap();
            e.searcher()
                .search(&*query, &tantivy::collector::Count)
                .unwrap()
        };
        assert_eq!(count("Balochistan"), 1, "a word only in c#1's title");
        assert_eq!(count("Kabul"), 1, "a word only in b#1's text");
        assert_eq!(count("title:Kabul"), 0);
    }

    #[test]
    fn bad_queries_are_usage_errors() {
        let e = tiny_engine().unwrap();
        for q in ["the -police", "title:(", "nosuchfield:x"] {
            let Err(err) = e.parse_query(q) else {
                panic!("{q:?} parsed");
            };
            assert_eq!(exit_status(&err), 2, "{q:?}: {err}");
            assert!(err.to_string().starts_with("invalid query"), "{err}");
        }
        let err = e.parse_query("the -police").err().unwrap().to_string();
        assert!(err.contains("stop words"), "{err}");
    }

    #[test]
    fn snippets_are_cut_to_the_configured_length() {
        let e = tiny_engine().unwrap();
        let q = e.parse_query("Kabul").unwrap();
        let g = e.snippet_generator(&*q).unwrap();
        let max = e.open.config.spec.search.snippet_chars;
        let long = "word ".repeat(max) + "Kabul";
        let s = g.snippet(&long);
        assert!(
            !s.is_empty() && s.fragment().len() <= max,
            "{}",
            s.fragment()
        );
    }
}
