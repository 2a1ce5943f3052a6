//! Pseudo-relevance feedback: RM3, as Anserini does it, on tantivy queries.
//!
//! The query is run once; the passages of its top documents are read again with the text
//! field's analyzer; each document's terms (at most `terms` of its most frequent, leaving out
//! terms of one character, as a query read as words does
//! ([`crate::analysis::is_one_character`]), terms of more than 20 characters, terms not
//! `[a-z0-9]+`, and terms in more than 10% of the passages) are weighted by their share of the document times the document's score,
//! summed, cut to the `terms` best and normalised to sum 1. The expanded query is the user's
//! query plus those terms, each searched in every default field as a plain word is, weighted
//! so that the original query weighs `weight` and the feedback terms `1 - weight` (RM3's
//! interpolation, with each of the query's analysed terms counting 1).

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use anyhow::Result;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::search::stored::IdReader;
use crate::search::topk::{self, Depth, Ties, TopRequest};
use crate::search::{Engine, Filters};

/// RM3's settings: `rm3[:DOCS:TERMS:WEIGHT]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rm3 {
    /// Feedback documents (the top of the first ranking).
    pub docs: usize,
    /// Feedback terms added to the query.
    pub terms: usize,
    /// The original query's weight, in (0, 1]; the feedback terms weigh the rest.
    pub weight: f32,
    /// The largest share of passages a feedback term may occur in (Anserini's 10%).
    pub max_df_ratio: f32,
}

impl Default for Rm3 {
    /// Conservative settings: measured on the dev collections (docs/RELEVANCE.md).
    fn default() -> Rm3 {
        Rm3 {
            docs: 10,
            terms: 10,
            weight: 0.7,
            max_df_ratio: 0.1,
        }
    }
}

impl FromStr for Rm3 {
    type Err = String;

    fn from_str(s: &str) -> Result<Rm3, String> {
        let bad = || {
            format!(
                "{s:?} is not a feedback setting; use rm3 or rm3:DOCS:TERMS:WEIGHT \
                 (e.g. rm3:10:10:0.7: 1-1000 documents, 1-1000 terms, weight in (0, 1])"
            )
        };
        let mut parts = s.split(':');
        if parts.next() != Some("rm3") {
            return Err(bad());
        }
        let rest: Vec<&str> = parts.collect();
        let mut rm3 = Rm3::default();
        match rest.as_slice() {
            [] => {}
            [d, t, w] => {
                rm3.docs = d.parse().map_err(|_| bad())?;
                rm3.terms = t.parse().map_err(|_| bad())?;
                rm3.weight = w.parse().map_err(|_| bad())?;
            }
            _ => return Err(bad()),
        }
        let ok = (1..=1000).contains(&rm3.docs)
            && (1..=1000).contains(&rm3.terms)
            && rm3.weight > 0.0
            && rm3.weight <= 1.0;
        if !ok {
            return Err(bad());
        }
        Ok(rm3)
    }
}

/// The longest feedback term, in bytes (Anserini's filter; its shortest, 2, is the rule of
/// [`crate::analysis::is_one_character`], which queries read as words share).
const MAX_TERM: usize = 20;

/// Whether an analysed term may be a feedback term by its shape alone.
fn feedback_shape(t: &str) -> bool {
    !crate::analysis::is_one_character(t)
        && t.len() <= MAX_TERM
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl Engine {
    /// The feedback terms of the documents `top` (address and first-pass score), best first,
    /// with weights summing to 1.
    pub fn rm3_terms(
        &self,
        searcher: &Searcher,
        top: &[(DocAddress, f32)],
        rm3: Rm3,
    ) -> Result<Vec<(String, f32)>> {
        let field = self.open.fields.text;
        let mut analyzer = self.open.index.tokenizer_for_field(field)?;
        let passages = searcher.num_docs().max(1) as f32;
        let mut df_ok: HashMap<String, bool> = HashMap::new();
        let mut model: HashMap<String, f32> = HashMap::new();
        for &(addr, score) in top.iter().take(rm3.docs) {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let mut tf: HashMap<String, f32> = HashMap::new();
            // The passage's text only: its later values are title copies
            // (`index::document::passage_doc`), which would count the title's words again.
            if let Some(text) = doc.get_first(field).and_then(|v| v.as_str()) {
                let mut stream = analyzer.token_stream(text);
                while stream.advance() {
                    let t = &stream.token().text;
                    if feedback_shape(t) {
                        *tf.entry(t.clone()).or_default() += 1.0;
                    }
                }
            }
            let mut tf: Vec<(String, f32)> = tf
                .into_iter()
                .filter(|(t, _)| {
                    *df_ok.entry(t.clone()).or_insert_with(|| {
                        let df = searcher.doc_freq(&Term::from_field_text(field, t));
                        df.is_ok_and(|df| (df as f32) / passages <= rm3.max_df_ratio)
                    })
                })
                .collect();
            best_first(&mut tf);
            tf.truncate(rm3.terms);
            let norm: f32 = tf.iter().map(|(_, w)| w).sum();
            if norm <= 0.0 {
                continue;
            }
            for (t, w) in tf {
                *model.entry(t).or_default() += w / norm * score;
            }
        }
        let mut model: Vec<(String, f32)> = model.into_iter().collect();
        best_first(&mut model);
        model.truncate(rm3.terms);
        let total: f32 = model.iter().map(|(_, w)| w).sum();
        if total > 0.0 {
            for (_, w) in &mut model {
                *w /= total;
            }
        }
        Ok(model)
    }

    /// `user` with the feedback terms of `top` added (see the module's doc).
    pub fn rm3_query(
        &self,
        searcher: &Searcher,
        user: &dyn Query,
        top: &[(DocAddress, f32)],
        rm3: Rm3,
    ) -> Result<Box<dyn Query>> {
        let terms = self.rm3_terms(searcher, top, rm3)?;
        if terms.is_empty() || rm3.weight >= 1.0 {
            return Ok(user.box_clone());
        }
        // The original query's terms count 1 each (by analysed text, whatever the field).
        let mut own = BTreeSet::new();
        user.query_terms(&mut |t, _| {
            own.insert(t.serialized_value_bytes().to_vec());
        });
        let scale = own.len().max(1) as f32 * (1.0 - rm3.weight) / rm3.weight;
        let fields: Vec<_> = self
            .open
            .fields
            .text_fields
            .values()
            .filter(|v| v.2)
            .map(|v| (v.0, v.1))
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, user.box_clone())];
        for (t, w) in terms {
            for &(field, boost) in &fields {
                let q = TermQuery::new(
                    Term::from_field_text(field, &t),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), w * scale * boost)),
                ));
            }
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

impl Engine {
    /// `user` expanded by RM3 from its top `rm3.docs` results under `filters` (passages, or
    /// the best passages of distinct articles when `articles`); the result is not filtered.
    pub fn with_feedback(
        &self,
        searcher: &Searcher,
        user: Box<dyn Query>,
        filters: &Filters,
        rm3: Rm3,
        articles: bool,
    ) -> Result<Box<dyn Query>> {
        let first = self.filtered(user.box_clone(), filters);
        let mut ids = IdReader::new(self, searcher);
        let req = TopRequest {
            want: rm3.docs,
            ties: if articles {
                Ties::Article
            } else {
                Ties::Passage
            },
            per_article: articles.then_some(std::num::NonZeroUsize::MIN),
            depth: Depth::Doubling(rm3.docs.saturating_mul(if articles { 3 } else { 1 })),
        };
        let top = topk::top(searcher, &*first, &mut ids, req)?;
        let top: Vec<(DocAddress, f32)> = top.ranked.iter().map(|s| (s.addr, s.score)).collect();
        self.rm3_query(searcher, &*user, &top, rm3)
    }
}

/// Sorts terms by weight, best first, ties by term (runs must be reproducible).
fn best_first(terms: &mut [(String, f32)]) {
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_and_bad_ones_say_what_is_valid() {
        assert_eq!("rm3".parse::<Rm3>().unwrap(), Rm3::default());
        let r: Rm3 = "rm3:5:20:0.5".parse().unwrap();
        assert_eq!((r.docs, r.terms, r.weight), (5, 20, 0.5));
        for bad in [
            "bo1",
            "rm3:5",
            "rm3:0:10:0.5",
            "rm3:5:10:0",
            "rm3:5:10:1.5",
            "rm3:a:b:c",
        ] {
            let err = bad.parse::<Rm3>().unwrap_err();
            assert!(err.contains("rm3:DOCS:TERMS:WEIGHT"), "{bad}: {err}");
        }
    }

    /// The first pass's top three passages (address and score).
    fn top_three(searcher: &Searcher, user: &dyn Query) -> Vec<(DocAddress, f32)> {
        let top = searcher
            .search(
                user,
                &tantivy::collector::TopDocs::with_limit(3).order_by_score(),
            )
            .unwrap();
        top.into_iter().map(|(s, a)| (a, s)).collect()
    }

    #[test]
    fn feedback_leaves_out_one_character_terms_as_word_queries_do() {
        // Passages full of initials, list numbers and "I": the feedback terms that most
        // often repeat are one character, and none may be chosen.
        let text = "I met H. C. Andrews; I said 1 2 3 x y z and I went to the harbour at 5.";
        let p = |id| (id, "Notes", "Dawn", "2024-05", &[][..], text);
        let e = crate::fuzzing::engine_of(&[&[p("a#1"), p("b#1"), p("c#1")]]).unwrap();
        let searcher = e.searcher();
        let user = e.parse_query("harbour").unwrap();
        let top = top_three(&searcher, &*user);
        let rm3 = Rm3 {
            docs: 3,
            terms: 50,
            weight: 0.5,
            max_df_ratio: 1.0,
        };
        let terms = e.rm3_terms(&searcher, &top, rm3).unwrap();
        assert!(terms.iter().any(|(t, _)| t == "andrew"), "{terms:?}");
        for (t, _) in &terms {
            assert!(t.chars().count() > 1, "{t:?} in {terms:?}");
        }
        for t in ["i", "h", "c", "1", "5", "x"] {
            assert!(!feedback_shape(t), "{t}");
        }
        assert!(feedback_shape("harbour") && !feedback_shape("caf\u{e9}"));
    }

    #[test]
    fn feedback_terms_come_from_the_top_documents_and_sum_to_one() {
        let e = crate::testing::harbour_engine();
        let searcher = e.searcher();
        let user = e.parse_query("harbour").unwrap();
        let top = top_three(&searcher, &*user);
        let rm3 = Rm3 {
            docs: 3,
            terms: 5,
            weight: 0.5,
            // A corpus of six passages: every word is in more than 10% of them.
            max_df_ratio: 1.0,
        };
        let terms = e.rm3_terms(&searcher, &top, rm3).unwrap();
        assert!(!terms.is_empty() && terms.len() <= 5, "{terms:?}");
        let sum: f32 = terms.iter().map(|t| t.1).sum();
        assert!((sum - 1.0).abs() < 1e-4, "{terms:?}");
        assert!(terms.windows(2).all(|w| w[0].1 >= w[1].1), "{terms:?}");
        let expanded = e.rm3_query(&searcher, &*user, &top, rm3).unwrap();
        let n = |q: &dyn Query| searcher.search(q, &tantivy::collector::Count).unwrap();
        assert!(n(&*expanded) >= n(&*user), "feedback only adds terms");
    }
}
