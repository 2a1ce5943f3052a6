//! Proximity (`--proximity`): a passage where the query's words stand together ranks above one
//! where they are scattered.
//!
//! BM25 scores each word alone, so "sparse matrices" scores a passage about sparse graphs and
//! dense matrices as it scores one about sparse matrices. This is the sequential dependence
//! model (Metzler and Croft, "A Markov random field model for term dependencies", SIGIR 2005)
//! over BM25: each two neighbouring words of the query are also searched as an ordered phrase,
//! spaced as the query spaces them ("analysis of algorithms" finds "analysis in algorithms"),
//! and as a pair in either order at most [`WINDOW`] words apart. The words, the phrases and the
//! windows weigh 0.85, 0.10 and 0.05, the paper's weights (not tuned here): so a phrase adds
//! 0.10 / 0.85 of its BM25 score to the words' scores and a window 0.05 / 0.85. Each is a
//! tantivy `PhraseQuery` (BM25 of how often the phrase occurs) in every field that bare words
//! search, with that field's boost.
//!
//! It is opt-in. On the dev collections and Reuters-21578 it lifts the mean MAP and is
//! significantly better on LISA and on news, but it puts NPL under the plain-BM25 peers, and
//! phrases are scored without tantivy's block-max pruning (docs/RELEVANCE.md, "Proximity";
//! the cost is in docs/BENCHMARKS.md).

use anyhow::{Context, Result};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::analysis::is_one_character;
use crate::search::query::{Part, Syntax};
use crate::search::{Engine, Filters, Ranking};

/// The weight of the words alone, of an ordered phrase and of an unordered window, as the
/// sequential dependence model weighs them.
const WORDS: f32 = 0.85;
const PHRASE: f32 = 0.10;
const WINDOW_WEIGHT: f32 = 0.05;
/// At most this many words between the two of a pair in either order (the model's window of
/// eight words: a distance of at most 7).
pub const WINDOW: u32 = 7;

/// A word of a query as a field indexes it: its term and its position among the query's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub position: usize,
    pub term: String,
}

/// The proximity clauses of `runs` (each a run of neighbouring words in query order) in
/// `field`, weighed by `boost`: for each two neighbours of different terms, the phrase and
/// the window.
pub fn clauses(runs: &[Vec<Word>], field: Field, boost: f32) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    for run in runs {
        for pair in run.windows(2) {
            let [a, b] = pair else { continue };
            if a.term == b.term {
                continue;
            }
            let (ta, tb) = (
                Term::from_field_text(field, &a.term),
                Term::from_field_text(field, &b.term),
            );
            let gap = b.position.saturating_sub(a.position).max(1);
            let phrase = PhraseQuery::new_with_offset(vec![(0, ta.clone()), (gap, tb.clone())]);
            let window = PhraseQuery::new_with_offset_and_slop(vec![(0, ta), (1, tb)], WINDOW);
            out.push(Box::new(BoostQuery::new(
                Box::new(phrase),
                boost * PHRASE / WORDS,
            )));
            out.push(Box::new(BoostQuery::new(
                Box::new(window),
                boost * WINDOW_WEIGHT / WORDS,
            )));
        }
    }
    out
}

impl Engine {
    /// `user`, the query `text` in the query language, ranked as `ranking` says: proximity
    /// first, so feedback starts from the ranking the user asked for, and its first search
    /// runs under `filters` (over distinct articles when `articles`).
    pub fn ranked(
        &self,
        searcher: &Searcher,
        user: Box<dyn Query>,
        text: &str,
        filters: &Filters,
        ranking: Ranking,
        articles: bool,
    ) -> Result<Box<dyn Query>> {
        let user = match ranking.proximity {
            true => self.with_proximity(user, text, Syntax::Talash)?,
            false => user,
        };
        match ranking.prf {
            Some(rm3) => self.with_feedback(searcher, user, filters, rm3, articles),
            None => Ok(user),
        }
    }

    /// The words of a query without operators, in order, as `field`'s analyzer indexes them:
    /// what [`crate::search::proximity`] pairs. A word's position counts the query's words,
    /// stop words included, so neighbours are paired at the distance the query puts them. An
    /// excluded word, a phrase, a `field:` term or a group name is no word here; it parts the
    /// query into runs, and words of two runs are never neighbours. Of a compound
    /// (`time-sharing`) only the first word is kept, at the compound's one position, as the
    /// index has it. A query with operators has no words.
    pub(crate) fn query_words(
        &self,
        text: &str,
        syntax: Syntax,
        field: Field,
    ) -> Result<Vec<Vec<Word>>> {
        let Some(clauses) = self.rewritten(text, syntax)?.flat else {
            return Ok(Vec::new());
        };
        let mut analyzer = self
            .open
            .index
            .tokenizer_for_field(field)
            .context("cannot read the query's words")?;
        let mut runs = vec![Vec::new()];
        let mut next = 0;
        for c in &clauses {
            let (
                None | Some('+'),
                Part::Text {
                    word: Some(word), ..
                },
            ) = (&c.occur, &c.part)
            else {
                runs.push(Vec::new());
                continue;
            };
            let mut stream = analyzer.token_stream(word);
            let (mut last, mut span) = (None, 1);
            while stream.advance() {
                let t = stream.token();
                span = span.max(t.position + 1);
                if last == Some(t.position) || is_one_character(&t.text) {
                    continue;
                }
                last = Some(t.position);
                if let Some(run) = runs.last_mut() {
                    run.push(Word {
                        position: next + t.position,
                        term: t.text.clone(),
                    });
                }
            }
            next += span;
        }
        runs.retain(|r| r.len() > 1);
        Ok(runs)
    }

    /// `user` (the query `text` read in `syntax`) that also scores its neighbouring words'
    /// phrases and windows: it matches what `user` matches, and a query with operators, or
    /// with fewer than two words in a run, is left as it is.
    pub fn with_proximity(
        &self,
        user: Box<dyn Query>,
        text: &str,
        syntax: Syntax,
    ) -> Result<Box<dyn Query>> {
        let mut extra = Vec::new();
        for &(field, boost, searched) in self.open.fields.text_fields.values() {
            if searched {
                let runs = self.query_words(text, syntax, field)?;
                extra.extend(clauses(&runs, field, boost));
            }
        }
        if extra.is_empty() {
            return Ok(user);
        }
        let mut all = vec![(Occur::Must, user)];
        all.extend(extra.into_iter().map(|q| (Occur::Should, q)));
        Ok(Box::new(BooleanQuery::new(all)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::engine_of;
    use crate::search::page::{self, PageRequest};
    use crate::search::{Filters, Paging};

    /// Passages of the same words in different orders, so plain BM25 ties them.
    fn engine() -> Engine {
        let p = |id, text| (id, "Notes", "Dawn", "2024-05", &[][..], text);
        engine_of(&[&[
            p("a#1", "dense graphs and sparse matrices of rows"),
            p("b#1", "sparse graphs and dense matrices of rows"),
            p("c#1", "matrices of rows and dense sparse graphs"),
            p("d#1", "rows of matrices and sparse dense graphs"),
        ]])
        .expect("the engine builds")
    }

    fn ranked(e: &Engine, q: &str, proximity: bool) -> Vec<(String, f32)> {
        let mut req = PageRequest::top(Paging::first(10));
        req.ranking.proximity = proximity;
        let page = page::search(e, q, &Filters::default(), req).unwrap();
        page.hits
            .into_iter()
            .map(|h| (h.passage_id, h.score))
            .collect()
    }

    #[test]
    fn words_that_stand_together_rank_first() {
        let e = engine();
        let plain = ranked(&e, "sparse matrices", false);
        assert_eq!(plain.len(), 4);
        assert!(plain.iter().all(|h| h.1 == plain[0].1), "{plain:?}");
        let near = ranked(&e, "sparse matrices", true);
        // a#1 has the phrase; c#1 and d#1 have the two within the window; b#1 too, 3 apart.
        assert_eq!(near[0].0, "a#1", "{near:?}");
        assert!(near[0].1 > near[1].1, "{near:?}");
        assert!(near.iter().all(|h| h.1 > plain[0].1), "{near:?}");
    }

    #[test]
    fn a_phrase_is_spaced_as_the_query_spaces_it() {
        let e = engine();
        // "matrices of rows" is in a#1, b#1 and c#1; "rows of matrices" only in d#1.
        let near = ranked(&e, "matrices of rows", true);
        let d = near.iter().position(|h| h.0 == "d#1").unwrap();
        assert_eq!(d, 3, "{near:?}");
        assert!(
            near[2].1 > near[3].1,
            "d#1 scores below, not tied: {near:?}"
        );
        let words = e.query_words("matrices of rows", Syntax::Talash, e.open.fields.text);
        let words = words.unwrap();
        let terms: Vec<_> = words[0]
            .iter()
            .map(|w| (w.position, w.term.as_str()))
            .collect();
        assert_eq!(terms, [(0, "matric"), (2, "row")]);
    }

    #[test]
    fn it_matches_what_the_query_matches() {
        let e = engine();
        for q in ["sparse matrices -dense", "+sparse matrices", "graphs rows"] {
            let plain: Vec<_> = ranked(&e, q, false).into_iter().map(|h| h.0).collect();
            let mut near: Vec<_> = ranked(&e, q, true).into_iter().map(|h| h.0).collect();
            let mut sorted = plain.clone();
            sorted.sort();
            near.sort();
            assert_eq!(near, sorted, "{q:?}");
        }
    }

    #[test]
    fn excluded_words_phrases_and_operators_part_the_words() {
        let e = engine();
        let field = e.open.fields.text;
        let runs = |q: &str, s| -> Vec<Vec<(usize, String)>> {
            e.query_words(q, s, field)
                .unwrap()
                .into_iter()
                .map(|r| r.into_iter().map(|w| (w.position, w.term)).collect())
                .collect()
        };
        assert!(runs("sparse -dense matrices", Syntax::Talash).is_empty());
        assert!(runs("sparse \"dense\" matrices", Syntax::Talash).is_empty());
        assert!(runs("sparse OR matrices", Syntax::Talash).is_empty());
        assert!(
            runs("sparse TTP matrices", Syntax::Words).is_empty(),
            "a group name"
        );
        assert_eq!(runs("sparse matrices -dense", Syntax::Talash).len(), 1);
        // A compound keeps its first word, at its one position; one letter is no word.
        assert_eq!(
            runs("time-sharing I systems", Syntax::Words),
            [[(0, "time".to_string()), (2, "system".to_string())]]
        );
        assert!(clauses(&[], field, 1.0).is_empty());
        let same = vec![
            Word {
                position: 0,
                term: "row".into(),
            },
            Word {
                position: 1,
                term: "row".into(),
            },
        ];
        assert!(
            clauses(&[same], field, 1.0).is_empty(),
            "a word is no pair with itself"
        );
    }
}
