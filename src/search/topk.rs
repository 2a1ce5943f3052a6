//! The one top-k of every ranking: a page of search results, a batch run's passages, and
//! articles ranked by their best passage.
//!
//! Rankings must be reproducible: the same query gives the same results whatever the segment
//! layout or thread count, and page 2 starts where page 1 ended. tantivy's top-k breaks score
//! ties by document address, which depends on how segments were written and merged. So the
//! order here is score descending, then id ascending (one total order), and a fetch is cut
//! only between two different scores: it goes deeper until the last passage kept scores
//! strictly above everything not fetched. Every result is then a prefix of the full ranking.

use std::cmp::Ordering;
use std::num::NonZeroUsize;

use anyhow::{Context, Result};
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher};

use crate::search::stored::IdReader;

/// Which part of a ranking to return. One type for every ranking, so a limit and an offset
/// cannot be passed in each other's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub limit: usize,
    pub offset: usize,
}

impl Paging {
    /// The first `limit` results.
    pub fn first(limit: usize) -> Paging {
        Paging { limit, offset: 0 }
    }

    /// How many results from the top the page needs.
    pub fn end(self) -> usize {
        self.offset.saturating_add(self.limit)
    }

    /// The page out of a ranking that starts at the top.
    pub fn cut<T>(self, ranked: Vec<T>) -> Vec<T> {
        ranked
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect()
    }

    /// The rank (from 1) of the page's `i`-th result.
    pub fn rank(self, i: usize) -> usize {
        self.offset + i + 1
    }
}

/// The order of every ranking: score descending, then id ascending.
pub fn by_score_then_id(a: (f32, &str), b: (f32, &str)) -> Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1))
}

/// The page of a ranking held whole in memory (articles aggregated from all their passages),
/// in [`by_score_then_id`] order. Only the page's part is sorted.
pub fn select<T>(mut items: Vec<T>, paging: Paging, key: impl Fn(&T) -> (f32, &str)) -> Vec<T> {
    let order = |a: &T, b: &T| by_score_then_id(key(a), key(b));
    let wanted = paging.end();
    if wanted < items.len() {
        // Partition first: O(n) to find the page, then sort only what is shown.
        items.select_nth_unstable_by(wanted, order);
        items.truncate(wanted);
    }
    items.sort_by(order);
    items.into_iter().skip(paging.offset).collect()
}

/// Which id settles equal scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ties {
    /// The passage id: for rankings of passages.
    Passage,
    /// The article id, then the passage id: for articles ranked by their best passage, so
    /// equal articles come in the order [`select`] gives articles ranked whole.
    Article,
}

/// What to rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopRequest {
    /// How many results from the top (a page's [`Paging::end`]).
    pub want: usize,
    pub ties: Ties,
    /// At most this many passages of one article; `Some(1)` ranks articles by their best
    /// passage.
    pub per_article: Option<NonZeroUsize>,
    pub depth: Depth,
}

/// A passage of a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub score: f32,
    pub addr: DocAddress,
}

/// The top of a ranking.
#[derive(Debug)]
pub struct Top<F> {
    /// The first `want` results of the ranking; fewer when the matches run out.
    pub ranked: Vec<Scored>,
    /// Whether the search saw every matching passage.
    pub exhausted: bool,
    /// The extra collector's fruit (see [`top_with`]).
    pub extra: Option<F>,
}

/// The first `req.want` results for `query` (see the module doc for the order); `extra` is
/// `None`.
pub fn top(
    searcher: &Searcher,
    query: &dyn Query,
    ids: &mut IdReader,
    req: TopRequest,
) -> Result<Top<usize>> {
    rank::<tantivy::collector::Count>(searcher, query, ids, req, None)
}

/// [`top`], also running `extra` over every match in the same pass (facet counts): a second
/// pass would read the postings twice.
pub fn top_with<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    ids: &mut IdReader,
    req: TopRequest,
    extra: C,
) -> Result<Top<C::Fruit>> {
    rank(searcher, query, ids, req, Some(extra))
}

fn rank<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    ids: &mut IdReader,
    req: TopRequest,
    extra: Option<C>,
) -> Result<Top<C::Fruit>> {
    // No search returns more than the index holds: asking for more only costs memory, and
    // cannot change a score (a fetch deeper than the matches prunes nothing).
    let cap = usize::try_from(searcher.num_docs())
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let mut depth = req.depth;
    let mut k = depth.first_fetch().min(cap);
    let (mut top, fruit) = search(searcher, query, k, extra)?;
    loop {
        let exhausted = top.len() < k;
        if !exhausted {
            // The lowest score's run may go on past the fetch: drop it, keeping a clean cut.
            let last = top.last().map(|x| x.score);
            top.retain(|x| Some(x.score) != last);
        }
        let settled = exhausted || depth.settled(top.len());
        if settled {
            let mut ranked = order(top, req.ties, ids)?;
            match req.per_article {
                None => ranked.truncate(req.want),
                Some(n) => ranked = collapse(&ranked, n.get(), req.want, ids)?,
            }
            if exhausted || ranked.len() >= req.want {
                return Ok(Top {
                    ranked,
                    exhausted,
                    extra: fruit,
                });
            }
        }
        (depth, k) = depth.deeper(k, settled);
        k = k.min(cap);
        top = search::<C>(searcher, query, k, None)?.0;
    }
}

/// How deep a ranking fetches and how it goes deeper. A passage's score can differ in its last
/// bits with the depth of the fetch (tantivy's block-max WAND adds a passage's term scores in
/// an order that depends on how much it pruned), so each ranking keeps the depths it has
/// always used and its output stays byte for byte what it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `n` passages and one more, then twice as many until the ranking is complete (batch
    /// runs).
    Doubling(usize),
    /// `n` passages and one more, twice as many while the `n`-th ties with the last fetched,
    /// then `4n` and one more when collapsing left too few (pages).
    Paged(usize),
}

impl Depth {
    fn first_fetch(self) -> usize {
        match self {
            Depth::Doubling(n) | Depth::Paged(n) => n.saturating_add(1),
        }
    }

    /// Whether a clean cut of `kept` passages settles every tie at the depth aimed for.
    fn settled(self, kept: usize) -> bool {
        match self {
            Depth::Doubling(_) => true,
            Depth::Paged(n) => kept >= n,
        }
    }

    /// The next depth and fetch after fetching `k`; `settled` as [`Depth::settled`] said.
    fn deeper(self, k: usize, settled: bool) -> (Depth, usize) {
        match self {
            Depth::Paged(n) if settled => {
                let n = n.saturating_mul(4);
                (Depth::Paged(n), n.saturating_add(1))
            }
            _ => (self, k.saturating_mul(2)),
        }
    }
}

fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    k: usize,
    extra: Option<C>,
) -> Result<(Vec<Scored>, Option<C::Fruit>)> {
    let top_docs = TopDocs::with_limit(k.max(1)).order_by_score();
    let (top, fruit) = match extra {
        None => (
            searcher.search(query, &top_docs).context("search failed")?,
            None,
        ),
        Some(c) => {
            let (top, fruit) = searcher
                .search(query, &(top_docs, c))
                .context("search failed")?;
            (top, Some(fruit))
        }
    };
    let top = top
        .into_iter()
        .map(|(score, addr)| Scored { score, addr })
        .collect();
    Ok((top, fruit))
}

/// Sorts fetched passages into the ranking's order. Only runs of equal scores need ids read.
fn order(mut top: Vec<Scored>, ties: Ties, ids: &mut IdReader) -> Result<Vec<Scored>> {
    top.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut i = 0;
    while i < top.len() {
        let run = top[i..]
            .iter()
            .take_while(|x| x.score.total_cmp(&top[i].score).is_eq())
            .count();
        if run > 1 {
            let mut keyed = Vec::with_capacity(run);
            for s in &top[i..i + run] {
                let id = ids.get(s.addr)?;
                let key = match ties {
                    Ties::Passage => (String::new(), id.passage.clone()),
                    Ties::Article => (id.article.clone(), id.passage.clone()),
                };
                keyed.push((key, *s));
            }
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, (_, s)) in keyed.into_iter().enumerate() {
                top[i + k] = s;
            }
        }
        i += run;
    }
    Ok(top)
}

/// Walks the ranking keeping at most `per_article` passages of each article, up to `want`.
fn collapse(
    top: &[Scored],
    per_article: usize,
    want: usize,
    ids: &mut IdReader,
) -> Result<Vec<Scored>> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut kept = Vec::new();
    for s in top {
        if kept.len() >= want {
            break;
        }
        let n = seen.entry(ids.get(s.addr)?.article.clone()).or_default();
        if *n < per_article {
            *n += 1;
            kept.push(*s);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Engine;
    use crate::testing::harbour_engine;

    const ORDER: [&str; 8] = ["e#1", "a#1", "a#2", "b#1", "b#2", "c#1", "d#1", "f#1"];

    fn request(want: usize, ties: Ties, per_article: Option<usize>) -> TopRequest {
        TopRequest {
            want,
            ties,
            per_article: per_article.and_then(NonZeroUsize::new),
            depth: Depth::Paged(want),
        }
    }

    /// The passage ids of the top for `harbour`, and whether the matches were exhausted.
    fn ranked(e: &Engine, req: TopRequest) -> (Vec<String>, bool) {
        let searcher = e.searcher();
        let query = e.parse_query("harbour").unwrap();
        let mut ids = IdReader::new(e, &searcher);
        let top = top(&searcher, &*query, &mut ids, req).unwrap();
        let found = top
            .ranked
            .iter()
            .map(|s| ids.get(s.addr).unwrap().passage.clone())
            .collect();
        (found, top.exhausted)
    }

    #[test]
    fn equal_scores_come_in_passage_id_order() {
        let e = harbour_engine();
        let (all, exhausted) = ranked(&e, request(100, Ties::Passage, None));
        assert_eq!(all, ORDER);
        assert!(exhausted);
    }

    #[test]
    fn every_cut_is_a_prefix_of_the_full_ranking() {
        let e = harbour_engine();
        // Most cuts fall inside the run of six equal scores, where tantivy's order differs.
        for want in 0..=ORDER.len() {
            for depth in [Depth::Paged(want), Depth::Doubling(want)] {
                let req = TopRequest {
                    depth,
                    ..request(want, Ties::Passage, None)
                };
                let (got, _) = ranked(&e, req);
                assert_eq!(got, ORDER[..want], "want {want}, {depth:?}");
            }
        }
        let (_, exhausted) = ranked(&e, request(1, Ties::Passage, None));
        assert!(!exhausted, "one of eight fetched: more matches remain");
    }

    #[test]
    fn article_ties_order_articles_by_id_and_keep_their_best_passage() {
        let e = harbour_engine();
        for want in 1..=6 {
            let (got, _) = ranked(&e, request(want, Ties::Article, Some(1)));
            let all = ["e#1", "a#1", "b#1", "c#1", "d#1", "f#1"];
            assert_eq!(got, all[..want], "want {want}");
        }
    }

    #[test]
    fn collapsing_keeps_at_most_n_passages_of_an_article() {
        let e = harbour_engine();
        let (two, _) = ranked(&e, request(100, Ties::Passage, Some(2)));
        assert_eq!(two, ORDER);
        let (one, _) = ranked(&e, request(4, Ties::Passage, Some(1)));
        assert_eq!(one, ["e#1", "a#1", "b#1", "c#1"]);
    }

    #[test]
    fn depths_grow_as_each_ranking_always_grew() {
        // A change here changes scores in their last bits (see Depth): runs would differ.
        assert_eq!(Depth::Paged(5).first_fetch(), 6);
        assert_eq!(Depth::Paged(5).deeper(6, false), (Depth::Paged(5), 12));
        assert_eq!(Depth::Paged(5).deeper(12, true), (Depth::Paged(20), 21));
        assert_eq!(
            Depth::Doubling(9).deeper(10, true),
            (Depth::Doubling(9), 20)
        );
        assert!(!Depth::Paged(5).settled(4));
        assert!(Depth::Doubling(5).settled(0));
    }

    #[test]
    fn whole_rankings_page_in_score_then_id_order() {
        let items = vec![("b", 1.0), ("d", 3.0), ("a", 1.0), ("c", 2.0), ("e", 1.0)];
        let page = |limit, offset| -> Vec<&str> {
            select(items.clone(), Paging { limit, offset }, |x| (x.1, x.0))
                .into_iter()
                .map(|x| x.0)
                .collect()
        };
        let all = ["d", "c", "a", "b", "e"];
        assert_eq!(page(10, 0), all);
        for offset in 0..6 {
            for limit in 0..6 {
                let end = (offset + limit).min(all.len());
                assert_eq!(page(limit, offset), all[offset.min(end)..end]);
            }
        }
    }

    #[test]
    fn paging_numbers_ranks_from_the_offset() {
        let p = Paging {
            limit: 2,
            offset: 3,
        };
        assert_eq!(p.end(), 5);
        assert_eq!(p.cut(vec![1, 2, 3, 4, 5, 6]), [4, 5]);
        assert_eq!(p.rank(0), 4);
        assert_eq!(Paging::first(7).end(), 7);
    }
}
