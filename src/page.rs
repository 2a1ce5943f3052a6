//! One page of search results: optionally at most N passages per article (collapse), optionally
//! with facet counts over the whole matching set, computed in the same pass as the top hits.

use std::collections::HashMap;
use std::num::NonZeroUsize;

use anyhow::{Context, Result};
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::facets::{self, FacetRequest, SearchFacets};
use crate::search::{Engine, Filters, Hit};

/// What page to return and what to compute with it.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub limit: usize,
    pub offset: usize,
    /// At most this many passages from one article (`--per-article`).
    pub per_article: Option<NonZeroUsize>,
    /// Count facets over every matching passage (`--facets`). Counting visits every match, so
    /// it turns off tantivy's block-max pruning: only done when asked.
    pub facets: Option<FacetRequest>,
}

/// The hits of the page, and the facets when asked for.
#[derive(Debug, Clone)]
pub struct Page {
    pub hits: Vec<Hit>,
    pub facets: Option<SearchFacets>,
}

type Ranked = Vec<(f32, DocAddress)>;

/// Ranks by score, ties by index order, so that a longer fetch extends a shorter one.
fn ranked(mut top: Ranked) -> Ranked {
    top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    top
}

/// Runs the query for the page.
pub fn search(engine: &Engine, text: &str, filters: &Filters, req: PageRequest) -> Result<Page> {
    let user = engine.parse_query(text)?;
    let snippets = engine.snippet_generator(&*user)?;
    let query = engine.filtered(user, filters);
    let searcher = engine.searcher();
    let want = req.offset.saturating_add(req.limit);
    // With collapsing, fetch more than the page up front; `collapse` asks for more if needed.
    let mut fetch = match req.per_article {
        None => want,
        Some(_) => want.saturating_mul(2).max(20),
    };
    let top_docs = |n: usize| TopDocs::with_limit(n.max(1)).order_by_score();
    let (top, facets) = match req.facets {
        None => (
            searcher
                .search(&*query, &top_docs(fetch))
                .context("search failed")?,
            None,
        ),
        Some(fr) => {
            let (multi, handles) = facets::collectors(engine, fr);
            let (top, mut fruit) = searcher
                .search(&*query, &(top_docs(fetch), multi))
                .context("search failed")?;
            (top, Some(handles.read(engine, &mut fruit)))
        }
    };
    let mut top = ranked(top);
    let chosen: Ranked = match req.per_article {
        None => top.into_iter().skip(req.offset).take(req.limit).collect(),
        Some(n) => {
            let mut articles = HashMap::new();
            loop {
                let exhausted = top.len() < fetch;
                let kept = collapse(engine, &searcher, &top, n.get(), want, &mut articles)?;
                if kept.len() >= want || exhausted {
                    break kept.into_iter().skip(req.offset).take(req.limit).collect();
                }
                fetch = fetch.saturating_mul(4);
                top = ranked(
                    searcher
                        .search(&*query, &top_docs(fetch))
                        .context("search failed")?,
                );
            }
        }
    };
    let mut hits = chosen
        .into_iter()
        .map(|(score, addr)| engine.hit(&searcher, &snippets, 0, score, addr))
        .collect::<Result<Vec<_>>>()?;
    // Equal scores keep a stable order whatever the segment layout (as `Engine::search`).
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.passage_id.cmp(&b.passage_id))
    });
    for (i, h) in hits.iter_mut().enumerate() {
        h.rank = req.offset + i + 1;
    }
    Ok(Page { hits, facets })
}

/// Walks the ranking keeping at most `per_article` passages of each article, up to `want`.
/// Article ids are read from the stored passages and cached across refetches.
fn collapse(
    engine: &Engine,
    searcher: &Searcher,
    top: &Ranked,
    per_article: usize,
    want: usize,
    articles: &mut HashMap<DocAddress, String>,
) -> Result<Ranked> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut kept = Vec::new();
    for &(score, addr) in top {
        if kept.len() >= want {
            break;
        }
        let article = match articles.get(&addr) {
            Some(a) => a.clone(),
            None => {
                let doc: TantivyDocument =
                    searcher.doc(addr).context("cannot read a stored passage")?;
                let a = doc
                    .get_first(engine.open.fields.article_id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                articles.insert(addr, a.clone());
                a
            }
        };
        let n = seen.entry(article).or_default();
        if *n < per_article {
            *n += 1;
            kept.push((score, addr));
        }
    }
    Ok(kept)
}

/// The user query and filters as one tantivy query (for counting elsewhere).
pub fn query(engine: &Engine, text: &str, filters: &Filters) -> Result<Box<dyn Query>> {
    Ok(engine.filtered(engine.parse_query(text)?, filters))
}
