//! The engine: one opened index with its reader and query parser, shared by every search.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, QueryParser};
use tantivy::schema::{Field, FieldType};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{IndexReader, ReloadPolicy, Searcher};

use crate::analysis::FirstBytes;
use crate::error::usage;
use crate::index::open::OpenIndex;
use crate::schema::Operator;
use crate::search::query::{self, Clause, Part, Syntax};

/// Why a query of stop words only is refused.
const STOP_WORDS_ONLY: &str = "no word to search for once stop words (\"the\", \"a\", \"of\", \
                               ...) are left out (and, in a line read as words, words of one \
                               character); add a word";

/// A searcher over one opened index.
pub struct Engine {
    pub open: OpenIndex,
    reader: IndexReader,
    parser: QueryParser,
    /// The same query language with bare words searching the passage text only: counts
    /// (facets, timelines, totals) count passages that match in their own text, not every
    /// passage of an article whose title matches.
    counting: QueryParser,
    /// The query side of every analyzer (a compound becomes its closed form), built once:
    /// the parsers and [`Engine::query_analyzer`] read queries with it.
    query_tokenizers: TokenizerManager,
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
        // Queries are read by the query side of each analyzer (a compound becomes its closed
        // form: analysis::compounds), not by the analyzers that indexed the text.
        let query_tokenizers = open.config.spec.query_tokenizers();
        let make = |defaults| {
            let mut parser =
                QueryParser::new(open.index.schema(), defaults, query_tokenizers.clone());
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
            query_tokenizers,
        })
    }

    /// The analyzer that reads queries for `field`: the one its query parser uses.
    pub(crate) fn query_analyzer(&self, field: Field) -> Result<TextAnalyzer> {
        let schema = self.open.index.schema();
        let name = match schema.get_field_entry(field).field_type() {
            FieldType::Str(options) => options.get_indexing_options().map(|o| o.tokenizer()),
            _ => None,
        };
        name.and_then(|n| self.query_tokenizers.get(n))
            .with_context(|| {
                format!(
                    "field {:?} has no query analyzer",
                    schema.get_field_name(field)
                )
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
        self.parse_with(&self.parser, text, Syntax::Talash)
    }

    /// Parses a query read in `syntax` (the query language, or words only).
    pub fn parse_query_as(&self, text: &str, syntax: Syntax) -> Result<Box<dyn Query>> {
        self.parse_with(&self.parser, text, syntax)
    }

    /// Parses a user query for counting: bare words match the passage's own text only (see
    /// the `counting` field).
    pub fn parse_counting(&self, text: &str) -> Result<Box<dyn Query>> {
        self.parse_with(&self.counting, text, Syntax::Talash)
    }

    fn parse_with(
        &self,
        parser: &QueryParser,
        text: &str,
        syntax: Syntax,
    ) -> Result<Box<dyn Query>> {
        let bad = |e: String| usage(format!("invalid query {}: {e}", query::shown(text)));
        let rewritten = self.rewritten(text, syntax)?;
        if let Some(clauses) = &rewritten.flat {
            return self.weighed(parser, clauses, syntax).map_err(bad);
        }
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

    /// `text` rewritten for tantivy's parser (prefixes expanded in the query language), with
    /// its clauses when it has no operators.
    pub(crate) fn rewritten(&self, text: &str, syntax: Syntax) -> Result<query::Rewritten> {
        let fields = self.text_field_names();
        let bad = |e: String| usage(format!("invalid query {}: {e}", query::shown(text)));
        let with_prefixes = match syntax {
            Syntax::Talash => crate::search::prefix::expand(text, |field, prefix| {
                crate::search::prefix::terms(self, field, prefix)
            })
            .map_err(bad)?,
            Syntax::Words => text.to_string(),
        };
        query::rewrite_as(&with_prefixes, &fields, &self.open.config.gazetteer, syntax).map_err(bad)
    }

    /// Builds a query without operators from its clauses, weighing them: clauses that search
    /// the same analysed terms ("library libraries", "bone," and "bone") are one clause
    /// weighted 1 + ln(count), and a group named in the query scores as its best alternative
    /// (the name as typed or an alias), each alternative weighed as one word, so a spelled-out
    /// alias of three words counts as one occurrence of the group. A clause searched once is
    /// built exactly as tantivy's parser builds it, so plain queries score as before.
    fn weighed(
        &self,
        parser: &QueryParser,
        clauses: &[Clause],
        syntax: Syntax,
    ) -> Result<Box<dyn Query>, String> {
        let conjunction = self.open.config.spec.search.default_operator == Operator::And;
        let parse = |text: &str| parser.parse_query(text).map_err(|e| e.to_string());
        // Merged clauses in order of first appearance, by occur and analysed terms.
        let mut merged: Vec<(Occur, Box<dyn Query>, usize)> = Vec::new();
        let mut at: HashMap<(Occur, String), usize> = HashMap::new();
        let mut add =
            |occur: Occur, key: String, q: Box<dyn Query>| match at.get(&(occur, key.clone())) {
                Some(&i) => merged[i].2 += 1,
                None => {
                    at.insert((occur, key), merged.len());
                    merged.push((occur, q, 1));
                }
            };
        let mut i = 0;
        while i < clauses.len() {
            let c = &clauses[i];
            i += 1;
            let occur = match c.occur {
                Some('+') => Occur::Must,
                Some('-') => Occur::MustNot,
                _ if conjunction => Occur::Must,
                _ => Occur::Should,
            };
            // `counter terrorism` also searches the compound (see `compounds`), as one clause.
            if let Some(joined) = clauses.get(i).and_then(|next| spaced_compound(c, next)) {
                i += 1;
                let q = parse(&joined)?;
                add(occur, terms_key(&*q), q);
                continue;
            }
            match &c.part {
                Part::Text { tantivy, word } => {
                    let pieces = match (syntax, word) {
                        (Syntax::Words, Some(w)) => self.word_pieces(w),
                        _ => vec![tantivy.clone()],
                    };
                    for p in pieces {
                        let q = parse(&p)?;
                        let key = terms_key(&*q);
                        if !key.is_empty() {
                            add(occur, key, q);
                        }
                    }
                }
                Part::Concept {
                    group,
                    alternatives,
                } => {
                    let mut alts: Vec<Box<dyn Query>> = Vec::new();
                    for a in alternatives {
                        let q = parse(a)?;
                        let mut words = std::collections::BTreeSet::new();
                        q.query_terms(&mut |t, _| {
                            words.insert(t.serialized_value_bytes().to_vec());
                        });
                        match words.len() {
                            0 => {}
                            1 => alts.push(q),
                            n => alts.push(Box::new(BoostQuery::new(q, 1.0 / n as f32))),
                        }
                    }
                    let q: Box<dyn Query> = match alts.len() {
                        0 => continue,
                        1 => alts.remove(0),
                        _ => Box::new(DisjunctionMaxQuery::new(alts)),
                    };
                    add(occur, format!("group {group}"), q);
                }
            }
        }
        if merged.iter().all(|m| m.0 == Occur::MustNot) {
            return Err(STOP_WORDS_ONLY.to_string());
        }
        let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (occur, q, count) in merged {
            if count > 1 {
                let weight = 1.0 + (count as f32).ln();
                top.push((occur, Box::new(BoostQuery::new(q, weight))));
                continue;
            }
            // As tantivy's parser does: a word's disjunction over fields is pulled up into
            // the query's own clauses (one union of term queries, which tantivy's top-k prunes
            // with block-max WAND; a union of unions is scored without pruning). The sum of
            // scores is the same. tantivy gives a query of Should clauses only a minimum of 1
            // (at least one matches, as a disjunction does), and one with Must clauses 0.
            match q.downcast_ref::<BooleanQuery>() {
                Some(b)
                    if occur != Occur::MustNot
                        && b.get_minimum_number_should_match() <= 1
                        && b.clauses().iter().all(|(o, _)| *o == occur) =>
                {
                    top.extend(b.clauses().iter().map(|(o, q)| (*o, q.box_clone())));
                }
                _ => top.push((occur, q)),
            }
        }
        if let [(Occur::Should, _)] = top.as_slice() {
            return top.pop().map(|(_, q)| q).ok_or_else(String::new);
        }
        Ok(Box::new(BooleanQuery::new(top)))
    }

    /// A bare word read as words only: each of the words the analyzer finds in it, as text
    /// for tantivy's parser (`boundary-layer` is two words, not a phrase).
    ///
    /// Words of one character are left out, as stop words are
    /// ([`crate::analysis::is_one_character`] says why; feedback applies the same rule).
    fn word_pieces(&self, word: &str) -> Vec<String> {
        let Ok(mut analyzer) = self.open.index.tokenizer_for_field(self.open.fields.text) else {
            return vec![format!("\"{word}\"")];
        };
        let mut pieces = Vec::new();
        let mut stream = analyzer.token_stream(word);
        while stream.advance() {
            let t = stream.token();
            if crate::analysis::is_one_character(&t.text) {
                continue;
            }
            if let Some(surface) = word.get(t.offset_from..t.offset_to) {
                pieces.push(format!("\"{}\"", surface.replace(['"', '\\'], " ")));
            }
        }
        pieces
    }

    /// What cuts and highlights the snippets of `query`'s hits: its terms in the text field,
    /// each weighted as tantivy's `SnippetGenerator::create` does (rarer terms count more),
    /// found by an analyzer that stems only words that could become one of them
    /// ([`crate::analysis::FirstBytes`]), since a snippet analyses its whole passage.
    pub fn snippet_generator(&self, query: &dyn Query) -> Result<SnippetGenerator> {
        let field = self.open.fields.text;
        let weights = snippet_terms(&self.searcher(), query, field)?;
        let spec = &self.open.config.spec;
        let first = FirstBytes::of(weights.keys().map(String::as_str));
        let analyzer =
            match spec.snippet_analyzer(self.open.index.schema().get_field_name(field), first) {
                Some(a) => a,
                None => self
                    .open
                    .index
                    .tokenizer_for_field(field)
                    .context("cannot build snippets")?,
            };
        Ok(SnippetGenerator::new(
            weights,
            analyzer,
            field,
            spec.search.snippet_chars,
        ))
    }
}

/// The terms of `query` in `field`, weighted as tantivy's `SnippetGenerator::create` weighs
/// them (`1 / (1 + doc_freq)`: rarer terms count more; terms in no document are left out),
/// since tantivy keeps that map private.
fn snippet_terms(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<BTreeMap<String, f32>> {
    let mut terms = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut weights = BTreeMap::new();
    for term in terms {
        let Some(text) = term.value().as_str().map(str::to_string) else {
            continue;
        };
        let docs = searcher.doc_freq(&term).context("cannot build snippets")?;
        if docs > 0 {
            weights.insert(text, 1.0 / (1.0 + docs as f32));
        }
    }
    Ok(weights)
}

/// Two bare words without operators that start with a compound prefix (`counter terrorism`),
/// as text for tantivy's parser that also searches their compound.
pub(crate) fn spaced_compound(a: &Clause, b: &Clause) -> Option<String> {
    fn bare(c: &Clause) -> Option<&str> {
        match (&c.occur, &c.part) {
            (None, Part::Text { word: Some(w), .. }) => Some(w.as_str()),
            _ => None,
        }
    }
    let (a, b) = (bare(a)?, bare(b)?);
    let joined = crate::search::compounds::join_spaced(&format!("\"{a}\" \"{b}\""));
    joined.starts_with("((").then_some(joined)
}

/// What a query searches, as a key: its terms with their fields, in order.
fn terms_key(q: &dyn Query) -> String {
    let mut key = String::new();
    q.query_terms(&mut |t, _| {
        key.push_str(&format!(
            "{:?}/{:?};",
            t.field(),
            t.serialized_value_bytes()
        ));
    });
    key
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

    /// tantivy prunes a top-k with block-max WAND only over a union of term queries; a union
    /// of per-word unions is scored match by match (it cost the plain path 20-30% of its
    /// ranking time before this was pinned).
    #[test]
    fn a_query_of_words_is_one_union_of_term_queries() {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        let e = tiny_engine().unwrap();
        for q in ["Kabul police", "police attack Kabul"] {
            let parsed = e.parse_query(q).unwrap();
            let b = parsed
                .downcast_ref::<BooleanQuery>()
                .unwrap_or_else(|| panic!("{q:?}: {parsed:?}"));
            let words = q.split_whitespace().count();
            assert_eq!(b.clauses().len(), 2 * words, "title and text: {parsed:?}");
            for (occur, clause) in b.clauses() {
                assert!(
                    clause.downcast_ref::<TermQuery>().is_some(),
                    "{q:?}: {parsed:?}"
                );
                assert_eq!(*occur, Occur::Should, "{q:?}");
            }
        }
    }

    #[test]
    fn bad_queries_are_usage_errors() {
        let e = tiny_engine().unwrap();
        for q in ["the -police", "title:(", "x OR"] {
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
    fn unknown_fields_and_urls_are_words() {
        let e = tiny_engine().unwrap();
        let count = |q: &str| {
            let query = e.parse_query(q).unwrap();
            e.searcher()
                .search(&*query, &tantivy::collector::Count)
                .unwrap()
        };
        assert_eq!(count("KABUL: nothingelse"), count("Kabul"));
        assert_eq!(count("Note:Kabul"), count("Kabul"));
        assert_eq!(count("http://kabul.example/x"), 0, "a URL is a phrase");
    }

    #[test]
    fn repeated_analysed_terms_weigh_one_plus_ln_count() {
        use crate::search::query::Syntax;
        let e = tiny_engine().unwrap();
        let top = |q: &str, syntax| {
            let query = e.parse_query_as(q, syntax).unwrap();
            let top = e
                .searcher()
                .search(
                    &*query,
                    &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
                )
                .unwrap();
            top[0].0
        };
        for syntax in [Syntax::Talash, Syntax::Words] {
            let once = top("Kabul", syntax);
            let thrice = top("Kabul kabul, KABUL", syntax);
            let want = once * (1.0 + 3f32.ln());
            assert!(
                (thrice - want).abs() < 1e-4 * want,
                "{syntax:?}: {thrice} vs {want}"
            );
        }
    }

    #[test]
    fn words_split_hyphens_and_report_lines_without_words() {
        use crate::search::query::Syntax;
        let e = tiny_engine().unwrap();
        let q = e.parse_query_as("Kabul-zzzunknown", Syntax::Words).unwrap();
        let n = e
            .searcher()
            .search(&*q, &tantivy::collector::Count)
            .unwrap();
        assert!(n > 0, "words: either word matches");
        let q = e.parse_query("Kabul-zzzunknown").unwrap();
        let n = e
            .searcher()
            .search(&*q, &tantivy::collector::Count)
            .unwrap();
        assert_eq!(n, 0, "the query language: a phrase");
        let err = e
            .parse_query_as("the (of) !!", Syntax::Words)
            .err()
            .unwrap();
        assert!(err.to_string().contains("stop words"), "{err}");
    }

    #[test]
    fn words_of_one_character_are_left_out_of_a_words_reading() {
        use crate::search::query::Syntax;
        let e = tiny_engine().unwrap();
        let terms = |q: &str, syntax| {
            let query = e.parse_query_as(q, syntax).unwrap();
            let mut words = std::collections::BTreeSet::new();
            query.query_terms(&mut |t, _| {
                words.insert(t.value().as_str().unwrap_or_default().to_string());
            });
            words.into_iter().collect::<Vec<_>>()
        };
        assert_eq!(
            terms("I'd like Kabul x 7", Syntax::Words),
            ["id", "kabul", "like"]
        );
        assert_eq!(
            terms("i d like Kabul, e.g. H. C. Andrews", Syntax::Words),
            ["andrew", "kabul", "like"]
        );
        // The query language keeps them: a user who types one letter means it.
        assert!(terms("Kabul x", Syntax::Talash).contains(&"x".to_string()));
        let err = e.parse_query_as("I m a", Syntax::Words).err().unwrap();
        assert_eq!(exit_status(&err), 2, "{err}");
        assert!(err.to_string().contains("one character"), "{err}");
    }

    #[test]
    fn snippets_are_tantivys_own_for_the_same_query() {
        let e = tiny_engine().unwrap();
        let texts = [
            "Tehreek-e-Taliban Pakistan and the Da’ish group threaten regional security.",
            "ISKP claimed the attack; officials in Kabul met on counter-terrorism attacks.",
            "Counter terrorism talks: the attackers, and Dawn's threats to security in Quetta.",
        ];
        let mut lit = 0;
        for query in [
            "attack",
            "counterterrorism threat",
            "\"regional security\"",
            "Tehreek-e-Taliban",
            "security -Kabul",
            "title:attack talks",
        ] {
            let q = e.parse_query(query).unwrap();
            let ours = e.snippet_generator(&*q).unwrap();
            let mut theirs =
                tantivy::snippet::SnippetGenerator::create(&e.searcher(), &*q, e.open.fields.text)
                    .unwrap();
            theirs.set_max_num_chars(e.open.config.spec.search.snippet_chars);
            for text in texts {
                let (a, b) = (ours.snippet(text), theirs.snippet(text));
                lit += a.highlighted().len();
                assert_eq!(
                    (a.fragment(), a.highlighted()),
                    (b.fragment(), b.highlighted()),
                    "{query:?} in {text:?}"
                );
            }
        }
        assert!(lit >= 10, "so few highlights compare little: {lit}");
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
