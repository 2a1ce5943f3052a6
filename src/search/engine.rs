//! The engine: one opened index with its reader and query parser, shared by every search.

use anyhow::{Context, Result};
use tantivy::query::{Query, QueryParser};
use tantivy::snippet::SnippetGenerator;
use tantivy::{IndexReader, ReloadPolicy, Searcher};

use crate::error::usage;
use crate::index::open::OpenIndex;
use crate::schema::Operator;
use crate::search::query;

/// A searcher over one opened index.
pub struct Engine {
    pub open: OpenIndex,
    reader: IndexReader,
    parser: QueryParser,
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
        let mut parser = QueryParser::for_index(&open.index, defaults);
        for (field, boost, _) in f.text_fields.values() {
            parser.set_field_boost(*field, *boost);
        }
        if open.config.spec.search.default_operator == Operator::And {
            parser.set_conjunction_by_default();
        }
        Ok(Engine {
            open,
            reader,
            parser,
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
        let fields = self.text_field_names();
        let rewritten = query::rewrite(text, &fields, &self.open.config.gazetteer)
            .map_err(|e| usage(format!("invalid query {}: {e}", query::shown(text))))?;
        self.parser.parse_query(&rewritten.tantivy).map_err(|e| {
            let why = match e {
                // Words like "the" are not indexed: `the -police` leaves only an exclusion.
                tantivy::query::QueryParserError::AllButQueryForbidden => {
                    "no word to search for once stop words (\"the\", \"a\", \"of\", ...) are \
                     left out; add a word"
                        .to_string()
                }
                other => other.to_string(),
            };
            usage(format!("invalid query {}: {why}", query::shown(text)))
        })
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
