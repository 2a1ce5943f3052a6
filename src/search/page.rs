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
