//! One page of search results: optionally at most N passages per article (collapse), optionally
//! with facet counts over the whole matching set, computed in the same pass as the top hits.

use std::num::NonZeroUsize;

use anyhow::Result;
use tantivy::query::Query;

use crate::search::facets::{self, FacetRequest, SearchFacets};
use crate::search::stored::IdReader;
use crate::search::topk::{self, Depth, Paging, Ties, TopRequest};
use crate::search::{Engine, Filters, Hit};

/// What page to return and what to compute with it.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub paging: Paging,
    /// At most this many passages from one article (`--per-article`).
    pub per_article: Option<NonZeroUsize>,
    /// Count facets over every matching passage (`--facets`). Counting visits every match, so
    /// it turns off tantivy's block-max pruning: only done when asked.
    pub facets: Option<FacetRequest>,
}

impl PageRequest {
    /// The plain page, nothing else.
    pub fn top(paging: Paging) -> PageRequest {
        PageRequest {
            paging,
            per_article: None,
            facets: None,
        }
    }
}

/// The hits of the page, and the facets when asked for.
#[derive(Debug, Clone)]
pub struct Page {
    pub hits: Vec<Hit>,
    pub facets: Option<SearchFacets>,
}

/// Runs the query for the page.
pub fn search(engine: &Engine, text: &str, filters: &Filters, req: PageRequest) -> Result<Page> {
    let user = engine.parse_query(text)?;
    let snippets = engine.snippet_generator(&*user)?;
    let query = engine.filtered(user, filters);
    let searcher = engine.searcher();
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
    let (ranked, facets) = match req.facets {
        None => (topk::top(&searcher, &*query, &mut ids, top)?.ranked, None),
        Some(fr) => {
            let (multi, handles) = facets::collectors(engine, fr);
            let top = topk::top_with(&searcher, &*query, &mut ids, top, multi)?;
            let facets = top.extra.map(|mut f| handles.read(engine, &mut f));
            (top.ranked, facets)
        }
    };
    let hits = req
        .paging
        .cut(ranked)
        .into_iter()
        .enumerate()
        .map(|(i, s)| engine.hit(&searcher, &snippets, req.paging.rank(i), s.score, s.addr))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page { hits, facets })
}

/// The user query and filters as one tantivy query (for counting elsewhere).
pub fn query(engine: &Engine, text: &str, filters: &Filters) -> Result<Box<dyn Query>> {
    Ok(engine.filtered(engine.parse_query(text)?, filters))
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
