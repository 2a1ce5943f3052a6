//! One page of search results: optionally at most N passages per article (collapse), optionally
//! with facet counts over the whole matching set, computed in the same pass as the top hits.

use std::num::NonZeroUsize;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::{DocId, Score, SegmentReader};

use crate::search::facets::{self, FacetRequest, SearchFacets, field_name};
use crate::search::stored::IdReader;
use crate::search::tally::Tally;
use crate::search::topk::{self, Depth, Paging, Scored, Ties, TopRequest};
use crate::search::{Engine, Filters, Hit, Ranking};

/// The order of a page (`--sort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By relevance, best first (ties by passage id).
    #[default]
    Score,
    /// Oldest first; undated articles last; equal dates by score.
    Date,
    /// Newest first; undated articles last; equal dates by score.
    NewestFirst,
}

/// How many passages match, and in how many articles (`--count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Passages whose own text matches (what facets and timelines count).
    pub passages: u64,
    /// The distinct articles of those passages.
    pub articles: u64,
    /// Further passages that are hits only because their article's title matches.
    pub title_only: u64,
}

/// What page to return and what to compute with it.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub paging: Paging,
    /// At most this many passages from one article (`--per-article`).
    pub per_article: Option<NonZeroUsize>,
    /// Count facets over every matching passage (`--facets`). Counting visits every match, so
    /// it turns off tantivy's block-max pruning: only done when asked.
    pub facets: Option<FacetRequest>,
    pub sort: Sort,
    /// Count the matches (`--count`); a second pass over them, so only when asked.
    pub count: bool,
    /// Feedback and proximity (`--prf`, `--proximity`): the page is ranked by the query they
    /// make; facets and counts still count the query as typed.
    pub ranking: Ranking,
}

impl PageRequest {
    /// The plain page, nothing else.
    pub fn top(paging: Paging) -> PageRequest {
        PageRequest {
            paging,
            per_article: None,
            facets: None,
            sort: Sort::Score,
            count: false,
            ranking: Ranking::default(),
        }
    }
}

/// The hits of the page, and the facets and totals when asked for.
#[derive(Debug, Clone)]
pub struct Page {
    pub hits: Vec<Hit>,
    pub facets: Option<SearchFacets>,
    pub totals: Option<Totals>,
    /// When a page past the first is empty: how many hits the query has in all (the
    /// ranking paged through), so "no more results" can say how many there were.
    pub past_end: Option<usize>,
}

/// Runs the query for the page. Facets and totals count the passages whose own text matches
/// ([`counting_query`]), in a pass of their own, so the plain page keeps tantivy's pruning.
pub fn search(engine: &Engine, text: &str, filters: &Filters, req: PageRequest) -> Result<Page> {
    let user = engine.parse_query(text)?;
    let snippets = engine.snippet_generator(&*user)?;
    let searcher = engine.searcher();
    let user = engine.ranked(&searcher, user, text, filters, req.ranking, false)?;
    let query = engine.filtered(user, filters);
    let mut ids = IdReader::new(engine, &searcher);
    let want = req.paging.end();
    let top = TopRequest {
        want,
        ties: Ties::Passage,
        per_article: req.per_article,
        // Collapsing drops passages: fetch more than the page up front.
        depth: match req.per_article {
            None => Depth::Paged(want),
            Some(_) => Depth::Paged(want.saturating_mul(2).max(20)),
        },
    };
    let ranked = match req.sort {
        Sort::Score => topk::top(&searcher, &*query, &mut ids, top)?.ranked,
        Sort::Date | Sort::NewestFirst => by_date(engine, &*query, want, req.sort)?,
    };
    let counting = (req.facets.is_some() || req.count)
        .then(|| counting_query(engine, text, filters))
        .transpose()?;
    let facets = match (req.facets, &counting) {
        (Some(fr), Some(q)) => {
            let (multi, handles) = facets::collectors(engine, fr);
            let mut fruit = searcher
                .search(&**q, &multi)
                .context("cannot count facets")?;
            Some(handles.read(engine, &mut fruit))
        }
        _ => None,
    };
    let totals = match (req.count, &counting) {
        (true, Some(q)) => Some(totals(engine, &*query, &**q)?),
        _ => None,
    };
    let page = req.paging.cut(ranked);
    let past_end = (page.is_empty() && req.paging.offset > 0)
        .then(|| searcher.search(&*query, &Count))
        .transpose()
        .context("cannot count the matches")?;
    let hits = page
        .into_iter()
        .enumerate()
        .map(|(i, s)| engine.hit(&searcher, &snippets, req.paging.rank(i), s.score, s.addr))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page {
        hits,
        facets,
        totals,
        past_end,
    })
}

/// The first `want` matches by date (`--sort date` / `-date`), equal dates by score.
fn by_date(engine: &Engine, query: &dyn Query, want: usize, sort: Sort) -> Result<Vec<Scored>> {
    let field = field_name(engine, engine.open.fields.date_start);
    let newest = sort == Sort::NewestFirst;
    let collector = TopDocs::with_limit(want.max(1)).tweak_score(move |seg: &SegmentReader| {
        let column = seg.fast_fields().u64(&field).ok();
        move |doc: DocId, score: Score| {
            let day = column.as_ref().and_then(|c| c.first(doc));
            // Both orders put undated articles last.
            let key = match (newest, day) {
                (true, d) => d.unwrap_or(0),
                (false, Some(d)) => u64::MAX - d,
                (false, None) => 0,
            };
            (key, score)
        }
    });
    let found = engine
        .searcher()
        .search(query, &collector)
        .context("cannot sort the matches by date")?;
    Ok(found
        .into_iter()
        .map(|((_, score), addr)| Scored { score, addr })
        .collect())
}

/// Counts the passages whose own text matches `counting` and their articles, and the hits of
/// `query` that match only by their title.
fn totals(engine: &Engine, query: &dyn Query, counting: &dyn Query) -> Result<Totals> {
    let f = &engine.open.fields;
    let searcher = engine.searcher();
    let tally = Tally::new(
        &field_name(engine, f.date_facet),
        &field_name(engine, f.article_id),
    );
    let counted = searcher
        .search(counting, &tally)
        .context("cannot count the matches")?
        .total();
    let all = searcher
        .search(query, &Count)
        .context("cannot count the matches")?;
    Ok(Totals {
        passages: counted.passages,
        articles: counted.article_count() as u64,
        title_only: (all as u64).saturating_sub(counted.passages),
    })
}

/// The totals of `text` under `filters` alone (`--count` with a ranking that is not a page of
/// passages: `--by-article`), counted as [`search`] counts them, on the query as typed.
pub fn count(engine: &Engine, text: &str, filters: &Filters) -> Result<Totals> {
    let query = engine.filtered(engine.parse_query(text)?, filters);
    let counting = counting_query(engine, text, filters)?;
    totals(engine, &*query, &*counting)
}

/// The user query and filters as one tantivy query, bare words matching only the passage's
/// own text: what facets, timelines and totals count.
pub fn counting_query(engine: &Engine, text: &str, filters: &Filters) -> Result<Box<dyn Query>> {
    Ok(engine.filtered(engine.parse_counting(text)?, filters))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{harbour_engine, ids};

    fn page(engine: &Engine, req: PageRequest) -> Page {
        search(engine, "harbour", &Filters::default(), req).unwrap()
    }

    fn paged(limit: usize, offset: usize) -> PageRequest {
        PageRequest::top(Paging { limit, offset })
    }

    #[test]
    fn pages_are_slices_of_one_total_order() {
        let e = harbour_engine();
        let all = page(&e, paged(100, 0)).hits;
        assert_eq!(
            ids(&all),
            ["e#1", "a#1", "a#2", "b#1", "b#2", "c#1", "d#1", "f#1"]
        );
        for offset in 0..=all.len() {
            for limit in 1..=3 {
                let hits = page(&e, paged(limit, offset)).hits;
                let end = (offset + limit).min(all.len());
                assert_eq!(ids(&hits), ids(&all[offset..end]), "{limit} after {offset}");
                let ranks: Vec<usize> = hits.iter().map(|h| h.rank).collect();
                let want: Vec<usize> = (offset + 1..=end).collect();
                assert_eq!(ranks, want);
            }
        }
    }

    #[test]
    fn per_article_keeps_at_most_n_of_each_article_in_ranking_order() {
        let e = harbour_engine();
        let collapsed = |n: usize, limit, offset| {
            let req = PageRequest {
                per_article: NonZeroUsize::new(n),
                ..paged(limit, offset)
            };
            page(&e, req).hits
        };
        let one = collapsed(1, 100, 0);
        assert_eq!(ids(&one), ["e#1", "a#1", "b#1", "c#1", "d#1", "f#1"]);
        assert_eq!(ids(&collapsed(1, 2, 2)), ["b#1", "c#1"]);
        assert_eq!(collapsed(1, 2, 2)[0].rank, 3);
        let two = collapsed(2, 100, 0);
        assert_eq!(two.len(), 8, "no article has more than two passages");
    }

    #[test]
    fn facets_count_every_match_not_only_the_page() {
        let e = harbour_engine();
        let req = PageRequest {
            facets: Some(FacetRequest { year: Some(2024) }),
            ..paged(1, 0)
        };
        let p = page(&e, req);
        assert_eq!(p.hits.len(), 1);
        let f = p.facets.expect("facets were asked for");
        assert_eq!(f.matching_passages, 8);
        assert_eq!(f.outlet.len(), 1);
        assert_eq!(
            (f.outlet[0].value.as_str(), f.outlet[0].passages),
            ("Dawn", 8)
        );
        assert_eq!(f.year[0].children[0].path, "2024/05");
        assert!(page(&e, paged(1, 0)).facets.is_none(), "only when asked");
    }

    #[test]
    fn count_alone_gives_the_totals_a_page_gives() {
        let e = harbour_engine();
        let req = PageRequest {
            count: true,
            ..paged(1, 0)
        };
        let totals = page(&e, req).totals.expect("totals were asked for");
        assert_eq!(totals.passages, 8);
        let alone = count(&e, "harbour", &Filters::default()).unwrap();
        assert_eq!(alone, totals);
    }

    #[test]
    fn filters_restrict_the_page() {
        let e = crate::fuzzing::tiny_engine().unwrap();
        let args = crate::search::FilterArgs {
            outlets: vec!["dawn".into()],
            ..Default::default()
        };
        let filters = e.resolve_filters(&args).unwrap();
        let hits = search(&e, "attack OR Quetta OR security", &filters, paged(10, 0))
            .unwrap()
            .hits;
        assert_eq!(ids(&hits).len(), 2);
        assert!(hits.iter().all(|h| h.outlet.as_deref() == Some("Dawn")));
    }
}
