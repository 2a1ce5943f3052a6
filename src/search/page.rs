//! One page of search results: optionally at most N passages per article (collapse), optionally
//! with facet counts over the whole matching set, computed in the same pass as the top hits.

use std::collections::HashMap;
use std::num::NonZeroUsize;

use anyhow::{Context, Result};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::search::facets::{self, FacetRequest, SearchFacets};
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

impl PageRequest {
    /// The plain page: `limit` passages after skipping `offset`, nothing else.
    pub fn top(limit: usize, offset: usize) -> PageRequest {
        PageRequest {
            limit,
            offset,
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

type Ranked = Vec<(f32, DocAddress)>;

/// The stored ids of a passage, read once per search.
#[derive(Debug, Clone)]
struct Ids {
    article: String,
    passage: String,
}

/// Reads stored passage and article ids, remembering them across refetches.
struct IdCache<'a> {
    engine: &'a Engine,
    searcher: &'a Searcher,
    ids: HashMap<DocAddress, Ids>,
}

impl IdCache<'_> {
    fn get(&mut self, addr: DocAddress) -> Result<&Ids> {
        if !self.ids.contains_key(&addr) {
            let doc: TantivyDocument = self
                .searcher
                .doc(addr)
                .context("cannot read a stored passage")?;
            let f = &self.engine.open.fields;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let ids = Ids {
                article: text(f.article_id),
                passage: text(f.passage_id),
            };
            self.ids.insert(addr, ids);
        }
        Ok(&self.ids[&addr])
    }
}

/// The ranking order of every page: score, then passage id for equal scores. One total order
/// is what keeps pages consistent: page 2 starts where page 1 ended, whatever the segments.
fn rank(mut top: Ranked, cache: &mut IdCache) -> Result<Ranked> {
    top.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Only runs of equal scores need the passage ids.
    let mut i = 0;
    while i < top.len() {
        let j = i + top[i..].iter().take_while(|x| x.0 == top[i].0).count();
        if j - i > 1 {
            let mut run = Vec::with_capacity(j - i);
            for &(score, addr) in &top[i..j] {
                run.push((cache.get(addr)?.passage.clone(), score, addr));
            }
            run.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, (_, score, addr)) in run.into_iter().enumerate() {
                top[i + k] = (score, addr);
            }
        }
        i = j;
    }
    Ok(top)
}

/// Fetches at least the top `n` by tantivy's ranking, extended past `n` while scores tie, so
/// that every passage scoring as high as the `n`-th is in and no score is cut part-way: the
/// result is a prefix of the full ranking whatever tantivy does with ties. Also returns
/// whether the passages fetched are all the matches.
fn fetch_top<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    n: usize,
    extra: Option<C>,
) -> Result<(Ranked, bool, Option<C::Fruit>)> {
    let top_docs = |k: usize| TopDocs::with_limit(k.max(1)).order_by_score();
    let mut k = n.saturating_add(1);
    let (mut top, fruit) = match extra {
        None => (
            searcher
                .search(query, &top_docs(k))
                .context("search failed")?,
            None,
        ),
        Some(c) => {
            let (top, fruit) = searcher
                .search(query, &(top_docs(k), c))
                .context("search failed")?;
            (top, Some(fruit))
        }
    };
    loop {
        if top.len() < k {
            return Ok((top, true, fruit));
        }
        let nth = top.get(n.saturating_sub(1)).map(|x| x.0);
        let last = top.last().map(|x| x.0);
        if n == 0 || nth != last {
            // The lowest score's run may go on past the fetch: drop it, keeping a clean cut.
            top.retain(|x| Some(x.0) != last);
            return Ok((top, false, fruit));
        }
        k = k.saturating_mul(2);
        top = searcher
            .search(query, &top_docs(k))
            .context("search failed")?;
    }
}

/// Runs the query for the page.
pub fn search(engine: &Engine, text: &str, filters: &Filters, req: PageRequest) -> Result<Page> {
    let user = engine.parse_query(text)?;
    let snippets = engine.snippet_generator(&*user)?;
    let query = engine.filtered(user, filters);
    let searcher = engine.searcher();
    let mut cache = IdCache {
        engine,
        searcher: &searcher,
        ids: HashMap::new(),
    };
    let want = req.offset.saturating_add(req.limit);
    // With collapsing, fetch more than the page up front; ask for more below if needed.
    let mut fetch = match req.per_article {
        None => want,
        Some(_) => want.saturating_mul(2).max(20),
    };
    let (top, mut exhausted, facets) = match req.facets {
        None => {
            let (top, done, _) = fetch_top::<Count>(&searcher, &*query, fetch, None)?;
            (top, done, None)
        }
        Some(fr) => {
            let (multi, handles) = facets::collectors(engine, fr);
            let (top, done, fruit) = fetch_top(&searcher, &*query, fetch, Some(multi))?;
            let facets = fruit.map(|mut f| handles.read(engine, &mut f));
            (top, done, facets)
        }
    };
    let mut top = rank(top, &mut cache)?;
    let chosen: Ranked = match req.per_article {
        None => top.into_iter().skip(req.offset).take(req.limit).collect(),
        Some(n) => loop {
            let kept = collapse(&top, n.get(), want, &mut cache)?;
            if kept.len() >= want || exhausted {
                break kept.into_iter().skip(req.offset).take(req.limit).collect();
            }
            fetch = fetch.saturating_mul(4);
            let (more, done, _) = fetch_top::<Count>(&searcher, &*query, fetch, None)?;
            exhausted = done;
            top = rank(more, &mut cache)?;
        },
    };
    let mut hits = chosen
        .into_iter()
        .map(|(score, addr)| engine.hit(&searcher, &snippets, 0, score, addr))
        .collect::<Result<Vec<_>>>()?;
    for (i, h) in hits.iter_mut().enumerate() {
        h.rank = req.offset + i + 1;
    }
    Ok(Page { hits, facets })
}

/// Walks the ranking keeping at most `per_article` passages of each article, up to `want`.
fn collapse(top: &Ranked, per_article: usize, want: usize, cache: &mut IdCache) -> Result<Ranked> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut kept = Vec::new();
    for &(score, addr) in top {
        if kept.len() >= want {
            break;
        }
        let n = seen.entry(cache.get(addr)?.article.clone()).or_default();
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
