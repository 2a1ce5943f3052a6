//! Article-level ranking from passage scores (MaxP and friends).
//!
//! Talash indexes passages, but test collections and many users judge whole articles. An
//! article's score is aggregated from the scores of *all* its matching passages, collected in
//! one pass by [`ArticleCollector`]: every matching passage is scored and folded into its
//! article's running aggregate, keyed by the `article_id` fast field. Because nothing is pruned
//! or cut before aggregation, the top N articles are exact for every aggregation, not an
//! approximation from the top-k passages (Pyserini's `--max-passage` fetches a fixed number of
//! passages and can miss articles whose best passage ranks below that depth).

use std::collections::HashMap;
use std::str::FromStr;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::search::topk::{self, Paging};
use crate::search::{Engine, Filters, Hit};

/// Weight of the other matching passages under [`Aggregate::MaxPlus`]. Chosen from the
/// measurements in docs/RELEVANCE.md.
pub const MAXPLUS_WEIGHT: f32 = 0.05;

/// How an article's score is made from its passages' scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Aggregate {
    /// The best passage's score (MaxP).
    Max,
    /// The sum of the matching passages' scores: favours long articles that match often.
    Sum,
    /// The best passage plus `weight` times the sum of the others: MaxP that breaks near-ties
    /// in favour of articles with more supporting passages.
    MaxPlus { weight: f32 },
}

impl Aggregate {
    /// The article score from a folded [`ArticleScore`].
    pub fn score(self, a: &ArticleScore) -> f32 {
        match self {
            Aggregate::Max => a.max,
            Aggregate::Sum => a.sum,
            Aggregate::MaxPlus { weight } => a.max + weight * (a.sum - a.max),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Max => "max",
            Aggregate::Sum => "sum",
            Aggregate::MaxPlus { .. } => "maxplus",
        }
    }
}

impl FromStr for Aggregate {
    type Err = String;

    /// `max`, `sum`, `maxplus` (weight [`MAXPLUS_WEIGHT`]) or `maxplus:W` with W in 0..=1.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        let (name, weight) = match lower.split_once(':') {
            Some((name, w)) => (name, Some(w)),
            None => (lower.as_str(), None),
        };
        match (name, weight) {
            ("max" | "maxp", None) => Ok(Aggregate::Max),
            ("sum", None) => Ok(Aggregate::Sum),
            ("maxplus", None) => Ok(Aggregate::MaxPlus {
                weight: MAXPLUS_WEIGHT,
            }),
            ("maxplus", Some(w)) => match w.parse::<f32>() {
                Ok(weight) if (0.0..=1.0).contains(&weight) => Ok(Aggregate::MaxPlus { weight }),
                _ => Err(format!(
                    "maxplus weight {w:?} is not a number from 0 to 1 (e.g. maxplus:0.1)"
                )),
            },
            _ => Err(format!(
                "unknown aggregation {s:?}; valid: max, sum, maxplus, maxplus:W (W from 0 to 1)"
            )),
        }
    }
}

/// The running aggregate of one article's matching passages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArticleScore {
    pub max: f32,
    pub sum: f32,
    pub matched: u32,
    /// The best passage; on equal scores the first in index order, so it is deterministic.
    pub best: DocAddress,
}

impl ArticleScore {
    fn new(score: f32, addr: DocAddress) -> ArticleScore {
        ArticleScore {
            max: score,
            sum: score,
            matched: 1,
            best: addr,
        }
    }

    fn add(&mut self, score: f32, addr: DocAddress) {
        self.fold(&ArticleScore::new(score, addr));
    }

    /// Folds another partial aggregate of the same article (another passage or segment).
    fn fold(&mut self, other: &ArticleScore) {
        if other.max > self.max || (other.max == self.max && other.best < self.best) {
            self.max = other.max;
            self.best = other.best;
        }
        self.sum += other.sum;
        self.matched += other.matched;
    }
}

/// One article of an article-level ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedArticle {
    pub article_id: String,
    pub score: f32,
    pub agg: ArticleScore,
}

/// Collects every matching passage into per-article aggregates. Requires `article_id` to be a
/// fast field (it is in schemas built by this Talash).
pub struct ArticleCollector {
    field: String,
}

impl ArticleCollector {
    pub fn new(article_id_field: &str) -> ArticleCollector {
        ArticleCollector {
            field: article_id_field.to_string(),
        }
    }
}

/// Per segment: aggregates keyed by the segment's term ordinal of the article id, turned into
/// strings once at harvest so the hot loop never touches the dictionary.
pub struct ArticleSegmentCollector {
    segment: SegmentOrdinal,
    ids: StrColumn,
    by_ord: HashMap<u64, ArticleScore>,
}

impl Collector for ArticleCollector {
    type Fruit = HashMap<String, ArticleScore>;
    type Child = ArticleSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ArticleSegmentCollector> {
        let ids = reader.fast_fields().str(&self.field)?.ok_or_else(|| {
            tantivy::TantivyError::SchemaError(format!(
                "{} is not a fast field; rebuild the index with this Talash",
                self.field
            ))
        })?;
        Ok(ArticleSegmentCollector {
            segment,
            ids,
            by_ord: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, ArticleScore>>,
    ) -> tantivy::Result<HashMap<String, ArticleScore>> {
        let mut all: HashMap<String, ArticleScore> = HashMap::new();
        for fruit in fruits {
            for (id, score) in fruit {
                match all.get_mut(&id) {
                    Some(a) => a.fold(&score),
                    None => {
                        all.insert(id, score);
                    }
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for ArticleSegmentCollector {
    type Fruit = HashMap<String, ArticleScore>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(ord) = self.ids.term_ords(doc).next() else {
            return;
        };
        let addr = DocAddress::new(self.segment, doc);
        self.by_ord
            .entry(ord)
            .and_modify(|a| a.add(score, addr))
            .or_insert_with(|| ArticleScore::new(score, addr));
    }

    fn harvest(self) -> HashMap<String, ArticleScore> {
        let mut out = HashMap::with_capacity(self.by_ord.len());
        for (ord, score) in self.by_ord {
            let mut id = String::new();
            // An ordinal read from this column is always in its dictionary.
            if let Ok(true) = self.ids.ord_to_str(ord, &mut id) {
                out.insert(id, score);
            }
        }
        out
    }
}

/// Ranks the collected articles: score descending, then article id ascending, so equal scores
/// come out in the same order whatever the segment layout or thread count.
pub fn rank(
    collected: HashMap<String, ArticleScore>,
    agg: Aggregate,
    paging: Paging,
) -> Vec<RankedArticle> {
    let all: Vec<RankedArticle> = collected
        .into_iter()
        .map(|(article_id, a)| RankedArticle {
            score: agg.score(&a),
            article_id,
            agg: a,
        })
        .collect();
    topk::select(all, paging, |a| (a.score, &a.article_id))
}

/// One row of an article-level result: the article, its aggregated score, how many of its
/// passages matched, and its best passage (shown as the snippet).
#[derive(Debug, Clone, Serialize)]
pub struct ArticleHit {
    pub rank: usize,
    pub score: f32,
    pub article_id: String,
    pub aggregate: &'static str,
    pub matched_passages: u32,
    pub best_passage: Hit,
}

impl Engine {
    /// The top articles for `query` over `searcher`: every matching passage is scored and
    /// folded into its article (see the module doc), so the ranking is exact.
    pub fn rank_articles(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        agg: Aggregate,
        paging: Paging,
    ) -> Result<Vec<RankedArticle>> {
        let field = searcher
            .schema()
            .get_field_name(self.open.fields.article_id);
        let collected = searcher
            .search(query, &ArticleCollector::new(field))
            .context("article search failed")?;
        Ok(rank(collected, agg, paging))
    }

    /// The top articles for a user query with filters, each with its best passage read for
    /// display.
    pub fn search_articles(
        &self,
        text: &str,
        filters: &Filters,
        agg: Aggregate,
        paging: Paging,
    ) -> Result<Vec<ArticleHit>> {
        // One parse, and one searcher for ranking and reading: the best passages' addresses
        // belong to the searcher that found them.
        let user = self.parse_query(text)?;
        let snippets = self.snippet_generator(&*user)?;
        let query = self.filtered(user, filters);
        let searcher = self.searcher();
        let ranked = self.rank_articles(&searcher, &*query, agg, paging)?;
        ranked
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let rank = paging.rank(i);
                let best = self.hit(&searcher, &snippets, rank, r.agg.max, r.agg.best)?;
                Ok(ArticleHit {
                    rank,
                    score: r.score,
                    article_id: r.article_id,
                    aggregate: agg.name(),
                    matched_passages: r.agg.matched,
                    best_passage: best,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(seg: u32, doc: u32) -> DocAddress {
        DocAddress::new(seg, doc)
    }

    fn scores(list: &[(&str, f32, f32, u32)]) -> HashMap<String, ArticleScore> {
        list.iter()
            .enumerate()
            .map(|(i, (id, max, sum, n))| {
                (
                    id.to_string(),
                    ArticleScore {
                        max: *max,
                        sum: *sum,
                        matched: *n,
                        best: addr(0, i as u32),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn folding_keeps_max_sum_count_and_first_best() {
        let mut a = ArticleScore::new(1.0, addr(0, 5));
        a.add(3.0, addr(1, 2));
        a.add(3.0, addr(0, 9));
        a.add(0.5, addr(0, 1));
        assert_eq!(a.max, 3.0);
        assert_eq!(a.sum, 7.5);
        assert_eq!(a.matched, 4);
        assert_eq!(a.best, addr(0, 9), "equal max: the earlier address wins");
    }

    #[test]
    fn aggregations_order_articles_differently() {
        // "a" has one great passage; "b" many good ones.
        let c = scores(&[("a", 5.0, 5.0, 1), ("b", 4.0, 12.0, 4)]);
        let ids = |agg| -> Vec<String> {
            rank(c.clone(), agg, Paging::first(10))
                .into_iter()
                .map(|r| r.article_id)
                .collect()
        };
        assert_eq!(ids(Aggregate::Max), ["a", "b"]);
        assert_eq!(ids(Aggregate::Sum), ["b", "a"]);
        assert_eq!(ids(Aggregate::MaxPlus { weight: 0.2 }), ["b", "a"]);
        assert_eq!(ids(Aggregate::MaxPlus { weight: 0.01 }), ["a", "b"]);
    }

    #[test]
    fn ties_break_by_article_id_and_paging_is_consistent() {
        let c = scores(&[
            ("d", 1.0, 1.0, 1),
            ("b", 2.0, 2.0, 1),
            ("c", 1.0, 1.0, 1),
            ("a", 1.0, 1.0, 1),
        ]);
        let all: Vec<String> = rank(c.clone(), Aggregate::Max, Paging::first(10))
            .into_iter()
            .map(|r| r.article_id)
            .collect();
        assert_eq!(all, ["b", "a", "c", "d"]);
        let page: Vec<String> = rank(
            c,
            Aggregate::Max,
            Paging {
                limit: 2,
                offset: 1,
            },
        )
        .into_iter()
        .map(|r| r.article_id)
        .collect();
        assert_eq!(page, ["a", "c"]);
    }

    #[test]
    fn parses_aggregation_names() {
        assert_eq!("MAX".parse::<Aggregate>(), Ok(Aggregate::Max));
        assert_eq!("sum".parse::<Aggregate>(), Ok(Aggregate::Sum));
        assert!(matches!(
            "maxplus".parse::<Aggregate>(),
            Ok(Aggregate::MaxPlus { .. })
        ));
        assert_eq!(
            "maxplus:0.25".parse::<Aggregate>(),
            Ok(Aggregate::MaxPlus { weight: 0.25 })
        );
        let err = "mean".parse::<Aggregate>().unwrap_err();
        assert!(err.contains("max, sum, maxplus"), "{err}");
        for bad in ["maxplus:2", "maxplus:x", "maxplus:-0.1", "sum:0.5"] {
            assert!(bad.parse::<Aggregate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn article_pages_rank_from_the_offset_with_ties_by_article_id() {
        let e = crate::testing::harbour_engine();
        let page = |agg, limit, offset| -> Vec<(usize, String, u32)> {
            e.search_articles(
                "harbour",
                &Filters::default(),
                agg,
                Paging { limit, offset },
            )
            .unwrap()
            .into_iter()
            .map(|a| (a.rank, a.article_id, a.matched_passages))
            .collect()
        };
        let all = page(Aggregate::Max, 10, 0);
        let ids: Vec<&str> = all.iter().map(|a| a.1.as_str()).collect();
        assert_eq!(ids, ["e", "a", "b", "c", "d", "f"]);
        assert_eq!(all[1].2, 2, "both of a's passages match");
        let later = page(Aggregate::Max, 2, 3);
        assert_eq!(later, all[3..5]);
        assert_eq!(later[0].0, 4);
        // Summed, the two-passage articles a and b pass e.
        let sum = page(Aggregate::Sum, 3, 0);
        let ids: Vec<&str> = sum.iter().map(|a| a.1.as_str()).collect();
        assert_eq!(ids, ["a", "b", "e"]);
    }
}
