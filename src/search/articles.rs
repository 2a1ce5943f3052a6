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

#[cfg(test)]
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
}

impl ArticleScore {
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

/// Collects every matching passage into per-article aggregates, and keeps per segment only the
/// articles that can reach the top `want`. Requires `article_id` to be a fast field (it is in
/// schemas built by this Talash).
///
/// Why per segment is exact: an article's passages are always written in one tantivy batch
/// (`IndexWriter::run`, by full builds and updates alike, since index format 4), and tantivy
/// flushes a batch into one segment and merges whole segments. So each segment holds an
/// article's aggregate complete, and the global top `want` in (score, article id) order is
/// within the union of each segment's top `want` in the same order. Within a segment the
/// article id's term ordinal sorts like the id itself, so ties are settled by ordinal there,
/// and only the survivors' ids are ever read from the dictionary.
pub struct ArticleCollector {
    field: String,
    agg: Aggregate,
    want: usize,
}

impl ArticleCollector {
    /// Collects the top `want` articles (a page's [`Paging::end`]) aggregated by `agg`.
    pub fn new(article_id_field: &str, agg: Aggregate, want: usize) -> ArticleCollector {
        ArticleCollector {
            field: article_id_field.to_string(),
            agg,
            want,
        }
    }
}

/// Per segment: the running aggregates in flat arrays indexed by the article id's term ordinal,
/// so a match costs one column read and a few array writes (the fast-field path facets take).
/// The arrays start zeroed (`matched == 0` is "not seen"), which the allocator hands out lazily.
pub struct ArticleSegmentCollector {
    segment: SegmentOrdinal,
    ids: StrColumn,
    agg: Aggregate,
    want: usize,
    max: Vec<f32>,
    sum: Vec<f32>,
    matched: Vec<u32>,
    best: Vec<DocId>,
    /// The ordinals seen, in first-seen order, so harvesting never scans untouched slots.
    touched: Vec<u32>,
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
        let n = ids.num_terms();
        Ok(ArticleSegmentCollector {
            segment,
            ids,
            agg: self.agg,
            want: self.want,
            max: vec![0.0; n],
            sum: vec![0.0; n],
            matched: vec![0; n],
            best: vec![0; n],
            touched: Vec::new(),
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

impl ArticleSegmentCollector {
    fn aggregate(&self, ord: u32) -> ArticleScore {
        let i = ord as usize;
        ArticleScore {
            max: self.max[i],
            sum: self.sum[i],
            matched: self.matched[i],
            best: DocAddress::new(self.segment, self.best[i]),
        }
    }

    /// The segment's top `want` ordinals in (score descending, ordinal ascending) order,
    /// returned sorted by ordinal for one pass through the dictionary.
    fn survivors(&self) -> Vec<u32> {
        let mut scored: Vec<(f32, u32)> = self
            .touched
            .iter()
            .map(|&o| (self.agg.score(&self.aggregate(o)), o))
            .collect();
        let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if self.want < scored.len() {
            scored.select_nth_unstable_by(self.want, order);
            scored.truncate(self.want);
        }
        let mut ords: Vec<u32> = scored.into_iter().map(|(_, o)| o).collect();
        ords.sort_unstable();
        ords
    }
}

impl SegmentCollector for ArticleSegmentCollector {
    type Fruit = HashMap<String, ArticleScore>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(ord) = self.ids.ords().first(doc) else {
            return;
        };
        let i = ord as usize;
        let Some(seen) = self.matched.get_mut(i) else {
            return;
        };
        if *seen == 0 {
            self.touched.push(i as u32);
            self.max[i] = score;
            self.best[i] = doc;
        } else if score > self.max[i] {
            // Docs arrive in ascending order: on equal scores the earlier passage stays best.
            self.max[i] = score;
            self.best[i] = doc;
        }
        *seen += 1;
        self.sum[i] += score;
    }

    fn harvest(self) -> HashMap<String, ArticleScore> {
        let ords = self.survivors();
        let mut out = HashMap::with_capacity(ords.len());
        let wide: Vec<u64> = ords.iter().map(|&o| u64::from(o)).collect();
        let mut next = ords.iter();
        // The ordinals come from this column, so the dictionary holds every one of them.
        let _ = self
            .ids
            .dictionary()
            .sorted_ords_to_term_cb(&wide, |bytes| {
                if let Some(&o) = next.next() {
                    out.insert(
                        String::from_utf8_lossy(bytes).into_owned(),
                        self.aggregate(o),
                    );
                }
            });
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
            .search(query, &ArticleCollector::new(field, agg, paging.end()))
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
        self.search_articles_with(text, filters, agg, paging, Default::default())
    }

    /// [`Engine::search_articles`], ranked with feedback from the top articles and proximity
    /// as `ranking` says.
    pub fn search_articles_with(
        &self,
        text: &str,
        filters: &Filters,
        agg: Aggregate,
        paging: Paging,
        ranking: crate::search::Ranking,
    ) -> Result<Vec<ArticleHit>> {
        // One parse, and one searcher for ranking and reading: the best passages' addresses
        // belong to the searcher that found them.
        let user = self.parse_query(text)?;
        let snippets = self.snippet_generator(&*user)?;
        let searcher = self.searcher();
        let user = self.ranked(&searcher, user, text, filters, ranking, true)?;
        let query = self.filtered(user, filters);
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

    /// Every matching passage with its score and article id, in (segment, doc) order.
    struct EveryMatch(String);

    struct EveryMatchSegment(SegmentOrdinal, StrColumn, Vec<(String, f32, DocAddress)>);

    impl Collector for EveryMatch {
        type Fruit = Vec<(String, f32, DocAddress)>;
        type Child = EveryMatchSegment;

        fn for_segment(
            &self,
            segment: SegmentOrdinal,
            reader: &SegmentReader,
        ) -> tantivy::Result<EveryMatchSegment> {
            let ids = reader
                .fast_fields()
                .str(&self.0)?
                .expect("article_id is fast");
            Ok(EveryMatchSegment(segment, ids, Vec::new()))
        }

        fn requires_scoring(&self) -> bool {
            true
        }

        fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
            let mut all: Self::Fruit = fruits.into_iter().flatten().collect();
            all.sort_by_key(|m| m.2);
            Ok(all)
        }
    }

    impl SegmentCollector for EveryMatchSegment {
        type Fruit = Vec<(String, f32, DocAddress)>;

        fn collect(&mut self, doc: DocId, score: Score) {
            let mut id = String::new();
            let ord = self.1.term_ords(doc).next().expect("an article id");
            assert!(self.1.ord_to_str(ord, &mut id).unwrap());
            self.2.push((id, score, DocAddress::new(self.0, doc)));
        }

        fn harvest(self) -> Self::Fruit {
            self.2
        }
    }

    /// Articles of 1 to 4 passages, each article's passages in one segment (as indexes hold
    /// them), three segments whose order is unlike the ids', texts from few words so that
    /// scores often tie.
    fn many_articles_engine() -> Engine {
        let texts = crate::testing::random_texts(
            &[
                "harbour ",
                "storm ",
                "ships ",
                "the ",
                "harbour storm ",
                "quay ",
            ],
            400,
            9,
        );
        let mut segments: Vec<Vec<crate::fuzzing::Passage>> = vec![Vec::new(); 3];
        let mut t = texts.into_iter();
        for a in (0..90).rev() {
            let seg = (a * 7) % 3;
            for p in 1..=(1 + a % 4) {
                let id: &'static str = Box::leak(format!("art{a:02}#{p}").into_boxed_str());
                let text: &'static str = Box::leak(t.next().unwrap().into_boxed_str());
                segments[seg].push((id, "News", "Dawn", "2024-05", &[][..], text));
            }
        }
        let slices: Vec<&[crate::fuzzing::Passage]> = segments.iter().map(|s| &s[..]).collect();
        crate::fuzzing::engine_of(&slices).unwrap()
    }

    #[test]
    fn per_segment_pruning_ranks_exactly_as_folding_every_match() {
        let e = many_articles_engine();
        let searcher = e.searcher();
        let field = searcher.schema().get_field_name(e.open.fields.article_id);
        for text in ["harbour", "storm", "quay OR ships", "\"harbour storm\""] {
            let q = e.parse_query(text).unwrap();
            let every = searcher.search(&*q, &EveryMatch(field.into())).unwrap();
            let mut brute: HashMap<String, ArticleScore> = HashMap::new();
            for (id, score, addr) in every {
                match brute.get_mut(&id) {
                    Some(a) => a.add(score, addr),
                    None => {
                        brute.insert(id, ArticleScore::new(score, addr));
                    }
                }
            }
            assert!(brute.len() > 20, "{text}: {} articles match", brute.len());
            let aggs = [
                Aggregate::Max,
                Aggregate::Sum,
                Aggregate::MaxPlus { weight: 0.3 },
            ];
            for agg in aggs {
                for (limit, offset) in [(1, 0), (3, 0), (5, 4), (10, 17), (1000, 0)] {
                    let paging = Paging { limit, offset };
                    let want = rank(brute.clone(), agg, paging);
                    let got = e.rank_articles(&searcher, &*q, agg, paging).unwrap();
                    assert_eq!(got, want, "{text} {agg:?} {paging:?}");
                }
            }
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
