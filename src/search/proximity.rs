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

use anyhow::Result;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::analysis::is_one_character;
use crate::search::engine::spaced_compound;
use crate::search::query::{Clause, Part, Syntax};
use crate::search::{Engine, Filters, Ranking};

/// The weight of the words alone, of an ordered phrase and of an unordered window, as the
/// sequential dependence model weighs them.
const WORDS: f32 = 0.85;
const PHRASE: f32 = 0.10;
const WINDOW_WEIGHT: f32 = 0.05;
/// How far apart, in positions, the two words of a pair may be, in either order: the model's
/// window of eight words.
pub const WINDOW: u32 = 7;

/// A word of a query as a field indexes it: its term and its position among the query's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub position: usize,
    pub term: String,
}

/// The proximity clauses of `runs` (each a run of neighbouring words in query order) in
/// `field`, weighed by `boost`: for each two neighbours of different terms, the phrase and
/// the window. A pair the query has more than once is one pair weighted 1 + ln(count), as
/// repeated words are.
pub fn clauses(runs: &[Vec<Word>], field: Field, boost: f32) -> Vec<Box<dyn Query>> {
    let mut pairs: Vec<((&str, &str, usize), usize)> = Vec::new();
    for run in runs {
        for pair in run.windows(2) {
            let [a, b] = pair else { continue };
            if a.term == b.term {
                continue;
            }
            let key = (
                a.term.as_str(),
                b.term.as_str(),
                b.position.saturating_sub(a.position),
            );
            match pairs.iter_mut().find(|p| p.0 == key) {
                Some(p) => p.1 += 1,
                None => pairs.push((key, 1)),
            }
        }
    }
    let mut out: Vec<Box<dyn Query>> = Vec::with_capacity(2 * pairs.len());
    for ((a, b, gap), count) in pairs {
        let weight = boost * (1.0 + (count as f32).ln()) / WORDS;
        let (ta, tb) = (
            Term::from_field_text(field, a),
            Term::from_field_text(field, b),
        );
        let phrase = PhraseQuery::new_with_offset(vec![(0, ta.clone()), (gap, tb.clone())]);
        // Both at offset 0: a match is the two terms at most WINDOW positions apart, in
        // either order.
        let window = PhraseQuery::new_with_offset_and_slop(vec![(0, ta), (0, tb)], WINDOW);
        out.push(Box::new(BoostQuery::new(Box::new(phrase), weight * PHRASE)));
        out.push(Box::new(BoostQuery::new(
            Box::new(window),
            weight * WINDOW_WEIGHT,
        )));
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
        let user = if ranking.proximity {
            self.with_proximity(user, text, Syntax::Talash)?
        } else {
            user
        };
        match ranking.prf {
            Some(rm3) => self.with_feedback(searcher, user, filters, rm3, articles),
            None => Ok(user),
        }
    }

    /// The words of a query's `clauses`, in order, as `field`'s query analyzer reads them:
    /// what [`clauses`] pairs. A word's position counts the query's words, stop words
    /// included, so neighbours are paired at the distance the query puts them. A compound
    /// (`time-sharing`, or a spaced prefix and its word: `counter terrorism`) is its closed
    /// form, at one position, as the index holds each of its spellings. An excluded word, a
    /// phrase, a `field:` term or a group name is no word here: it parts the query into runs,
    /// and words of two runs are never neighbours.
    fn query_words(&self, clauses: &[Clause], field: Field) -> Result<Vec<Vec<Word>>> {
        let mut analyzer = self.query_analyzer(field)?;
        let mut runs = vec![Vec::new()];
        let mut next = 0;
        let mut i = 0;
        while i < clauses.len() {
            let c = &clauses[i];
            i += 1;
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
            let joined;
            let text = match clauses.get(i).filter(|n| spaced_compound(c, n).is_some()) {
                Some(Clause {
                    part: Part::Text { word: Some(b), .. },
                    ..
                }) => {
                    i += 1;
                    joined = format!("{word} {b}");
                    &joined
                }
                _ => word,
            };
            let mut stream = analyzer.token_stream(text);
            let mut span = 1;
            while stream.advance() {
                let t = stream.token();
                span = span.max(t.position + 1);
                if let Some(run) = runs.last_mut().filter(|_| !is_one_character(&t.text)) {
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
        let Some(read) = self.rewritten(text, syntax)?.flat else {
            return Ok(user);
        };
        let mut extra = Vec::new();
        for &(field, boost, searched) in self.open.fields.text_fields.values() {
            if searched {
                let runs = self.query_words(&read, field)?;
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

    /// Passages of the same words in different orders, so plain BM25 ties them; and one (e#1)
    /// without "sparse", for queries whose pairs it holds but the query does not match.
    fn engine() -> Engine {
        let p = |id, text| (id, "Notes", "Dawn", "2024-05", &[][..], text);
        engine_of(&[&[
            p("a#1", "dense graphs and sparse matrices of rows"),
            p("b#1", "sparse graphs and dense matrices of rows"),
            p("c#1", "matrices of rows and dense sparse graphs"),
            p("d#1", "rows of matrices and sparse dense graphs"),
            p("e#1", "matrices rows and dense columns of ten graphs"),
            p("f#1", "alpha beta gamma delta kappa sigma theta zeta omega"),
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

    /// The runs of `q` read in `syntax`, as (position, term).
    fn runs(e: &Engine, q: &str, syntax: Syntax) -> Vec<Vec<(usize, String)>> {
        let clauses = e.rewritten(q, syntax).unwrap().flat.unwrap_or_default();
        e.query_words(&clauses, e.open.fields.text)
            .unwrap()
            .into_iter()
            .map(|r| r.into_iter().map(|w| (w.position, w.term)).collect())
            .collect()
    }

    fn score(hits: &[(String, f32)], id: &str) -> f32 {
        hits.iter().find(|h| h.0 == id).map_or(f32::NAN, |h| h.1)
    }

    #[test]
    fn words_that_stand_together_rank_first() {
        let e = engine();
        let plain = ranked(&e, "sparse matrices", false);
        assert_eq!(plain.len(), 5);
        assert!(plain[..4].iter().all(|h| h.1 == plain[0].1), "{plain:?}");
        assert_eq!(plain[4].0, "e#1", "no \"sparse\": {plain:?}");
        let near = ranked(&e, "sparse matrices", true);
        // a#1 has the phrase; b#1, c#1 and d#1 have the two within the window.
        assert_eq!(near[0].0, "a#1", "{near:?}");
        assert!(near[0].1 > near[1].1, "{near:?}");
        assert!(near[..4].iter().all(|h| h.1 > plain[0].1), "{near:?}");
    }

    #[test]
    fn the_window_is_seven_words_either_way() {
        let e = engine();
        // "dense" and "graphs" in b#1: 3 after; in e#1: 5 after ("columns of ten" between);
        // "graphs" before "dense" in a#1 (1 before). All in the window, both orders.
        let plain = ranked(&e, "dense graphs", false);
        let near = ranked(&e, "dense graphs", true);
        for id in ["a#1", "b#1", "c#1", "d#1", "e#1"] {
            assert!(score(&near, id) > score(&plain, id), "{id}: {near:?}");
        }
        // "sparse" and "rows" in c#1 are 4 apart, after; in d#1, 4 before: alike.
        let plain = ranked(&e, "rows sparse", false);
        let near = ranked(&e, "rows sparse", true);
        let gain = |id| score(&near, id) - score(&plain, id);
        assert!(gain("d#1") > 0.0 && gain("c#1") > 0.0, "{near:?}");
        assert!((gain("d#1") - gain("c#1")).abs() < 1e-4, "{near:?}");
        // In f#1 "alpha" is word 0, "zeta" 7 and "omega" 8.
        let field = e.open.fields.text;
        let window = |a: &str, b: &str| -> usize {
            let runs = vec![vec![
                Word {
                    position: 0,
                    term: a.into(),
                },
                Word {
                    position: 1,
                    term: b.into(),
                },
            ]];
            let clauses = clauses(&runs, field, 1.0);
            e.searcher()
                .search(&*clauses[1], &tantivy::collector::Count)
                .unwrap()
        };
        assert_eq!(window("alpha", "zeta"), 1, "7 apart");
        assert_eq!(window("zeta", "alpha"), 1, "7 apart, the other order");
        assert_eq!(window("omega", "beta"), 1, "7 before");
        assert_eq!(window("alpha", "omega"), 0, "8 apart");
        assert_eq!(window("omega", "alpha"), 0, "8 before");
    }

    #[test]
    fn a_phrase_is_spaced_as_the_query_spaces_it() {
        let e = engine();
        // "matrices of rows" is in a#1, b#1 and c#1; "rows of matrices" only in d#1.
        let near = ranked(&e, "matrices of rows", true);
        let (a, d) = (score(&near, "a#1"), score(&near, "d#1"));
        assert!(a > d, "d#1 scores below, not tied: {near:?}");
        assert_eq!(
            runs(&e, "matrices of rows", Syntax::Talash),
            [[(0, "matric".to_string()), (2, "row".to_string())]]
        );
    }

    #[test]
    fn it_matches_what_the_query_matches() {
        let e = engine();
        // e#1 holds the pair (matrices, rows) but not "sparse": with the pairs as clauses of
        // their own it would match `+sparse matrices rows`.
        for q in [
            "sparse matrices -dense",
            "+sparse matrices rows",
            "+sparse matrices",
            "graphs rows",
        ] {
            let mut plain: Vec<_> = ranked(&e, q, false).into_iter().map(|h| h.0).collect();
            let mut near: Vec<_> = ranked(&e, q, true).into_iter().map(|h| h.0).collect();
            plain.sort();
            near.sort();
            assert_eq!(near, plain, "{q:?}");
        }
        assert!(
            !ranked(&e, "+sparse matrices rows", false)
                .iter()
                .any(|h| h.0 == "e#1")
        );
    }

    #[test]
    fn excluded_words_phrases_and_operators_part_the_words() {
        let e = engine();
        assert!(runs(&e, "sparse -dense matrices", Syntax::Talash).is_empty());
        assert!(runs(&e, "sparse \"dense\" matrices", Syntax::Talash).is_empty());
        assert!(
            runs(&e, "sparse TTP matrices", Syntax::Words).is_empty(),
            "a group name"
        );
        assert_eq!(runs(&e, "sparse matrices -dense", Syntax::Talash).len(), 1);
        assert!(
            e.rewritten("sparse OR matrices", Syntax::Talash)
                .unwrap()
                .flat
                .is_none()
        );
        assert!(clauses(&[], e.open.fields.text, 1.0).is_empty());
    }

    #[test]
    fn a_compound_is_its_closed_form_and_one_letter_no_word() {
        let e = engine();
        let text = |q| runs(&e, q, Syntax::Words);
        let pair = |a: &str, p, b: &str| vec![vec![(0, a.to_string()), (p, b.to_string())]];
        // Each spelling is one word at one position, as the index holds it.
        assert_eq!(
            text("time-sharing I systems"),
            pair("timeshar", 2, "system")
        );
        assert_eq!(
            text("counter terrorism dialogue"),
            pair("counterterror", 1, "dialogu")
        );
        assert_eq!(
            text("counterterrorism dialogue"),
            pair("counterterror", 1, "dialogu")
        );
        assert_eq!(text("e-mail lists"), pair("email", 1, "list"));
    }

    #[test]
    fn repeated_pairs_weigh_one_plus_ln_count_and_a_word_is_no_pair_with_itself() {
        let field = Field::from_field_id(0);
        let w = |position, term: &str| Word {
            position,
            term: term.into(),
        };
        let once = vec![vec![w(0, "a"), w(1, "b")]];
        let twice = vec![vec![w(0, "a"), w(1, "b"), w(2, "a"), w(3, "b")]];
        let boosts = |runs: &[Vec<Word>]| -> Vec<String> {
            clauses(runs, field, 1.0)
                .iter()
                .map(|q| format!("{q:?}"))
                .collect()
        };
        assert_eq!(boosts(&once).len(), 2);
        // (a, b) twice and (b, a) once: two pairs, the first weighted 1 + ln 2.
        let two = boosts(&twice);
        assert_eq!(two.len(), 4, "{two:?}");
        let boost = |d: &str| -> f32 {
            let b = d.rsplit("boost=").next().unwrap_or("");
            b.trim_end_matches(')').parse().unwrap_or(f32::NAN)
        };
        let phrase_once = PHRASE / WORDS;
        assert!(
            (boost(&two[0]) - (1.0 + 2f32.ln()) * phrase_once).abs() < 1e-6,
            "{two:?}"
        );
        assert!((boost(&two[2]) - phrase_once).abs() < 1e-6, "{two:?}");
        let same = vec![vec![w(0, "row"), w(1, "row")]];
        assert!(boosts(&same).is_empty());
    }

    #[test]
    fn off_it_is_the_query_as_parsed() {
        let e = engine();
        let q = "sparse matrices of rows";
        let parsed = format!("{:?}", e.parse_query(q).unwrap());
        let searcher = e.searcher();
        let user = e.parse_query(q).unwrap();
        let plain = e
            .ranked(
                &searcher,
                user,
                q,
                &Filters::default(),
                Ranking::default(),
                false,
            )
            .unwrap();
        assert_eq!(format!("{plain:?}"), parsed);
    }
}
