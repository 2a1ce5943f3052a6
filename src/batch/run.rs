//! Running a query file over one shared searcher, in parallel, with output in file order.
//!
//! Runs must be reproducible: the same file gives byte-identical output whatever `--threads` is
//! and however the index's segments fell. So results are sorted by score, then by id, and a tie
//! that crosses the cut-off is settled by id too (see [`crate::search::topk`]). The results go
//! to a [`Sink`]; the printers of TREC runs and JSON lines live in the output room.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use anyhow::{Context, Result};
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher};

use super::{BatchQuery, QueryFilters};
use crate::corpus::InputError;
use crate::search::articles::Aggregate;
use crate::search::feedback::Rm3;
use crate::search::query::Syntax;
use crate::search::stored::IdReader;
use crate::search::topk::{self, Depth, Paging, Ties, TopRequest};
use crate::search::{Engine, FilterArgs, Filters, Hit};

/// What a TREC run's docid names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocIdKind {
    /// The passage (`article#n`).
    Passage,
    /// The article, scored from its passages (`--aggregate`); for judgments made on whole
    /// documents.
    Article,
}

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub docid: DocIdKind,
    /// How an article is scored from its passages under [`DocIdKind::Article`].
    pub aggregate: Aggregate,
    /// Hits per query unless the query says otherwise.
    pub hits: usize,
    pub threads: usize,
    /// Pseudo-relevance feedback: each query is run again with terms from its top results.
    pub prf: Option<Rm3>,
}

/// How a query file's lines are read and searched.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryOptions {
    /// Words only (the default: natural-language topics), or the query language.
    pub syntax: Syntax,
    /// Neighbouring words also score as phrases and windows (`--proximity`).
    pub proximity: bool,
}

/// A query checked against the index, ready to run.
pub struct Prepared {
    pub qid: String,
    pub line: usize,
    pub text: String,
    user: Box<dyn Query>,
    filtered: Box<dyn Query>,
    filters: Filters,
    hits: usize,
    /// Why the query searches nothing (a words line without any searchable word): it is run,
    /// scored empty, and the reason reported.
    pub empty: Option<String>,
}

/// The command line's filters with the query's own in their place where it has them.
fn merged(cli: &FilterArgs, own: &QueryFilters) -> FilterArgs {
    FilterArgs {
        groups: own.groups.clone().unwrap_or_else(|| cli.groups.clone()),
        outlets: own.outlets.clone().unwrap_or_else(|| cli.outlets.clone()),
        since: own.since.clone().or_else(|| cli.since.clone()),
        until: own.until.clone().or_else(|| cli.until.clone()),
        authors: cli.authors.clone(),
    }
}

/// Checks each query's filters and syntax; a bad one is an error naming its line. Errors from
/// a filter the query set itself name its JSON key rather than the command-line flag.
pub fn prepare(
    engine: &Engine,
    path: &Path,
    queries: Vec<BatchQuery>,
    cli: &FilterArgs,
    default_hits: usize,
    options: QueryOptions,
) -> (Vec<Prepared>, Vec<InputError>) {
    let mut ready = Vec::with_capacity(queries.len());
    let mut errors = Vec::new();
    for q in queries {
        match prepare_one(engine, &q, cli, default_hits, options) {
            Ok(p) => ready.push(p),
            Err(message) => {
                errors.push(InputError {
                    path: path.to_path_buf(),
                    line: Some(q.line),
                    message,
                });
            }
        }
    }
    (ready, errors)
}

fn prepare_one(
    engine: &Engine,
    q: &BatchQuery,
    cli: &FilterArgs,
    default_hits: usize,
    options: QueryOptions,
) -> Result<Prepared, String> {
    let filters: Filters = engine
        .resolve_filters(&merged(cli, &q.filters))
        .map_err(|e| {
            let own = &q.filters;
            let mut msg = format!("query {:?}: {e:#}", q.qid);
            for (set, flag, key) in [
                (own.groups.is_some(), "--group:", "\"group\":"),
                (own.outlets.is_some(), "--outlet:", "\"outlet\":"),
                (own.since.is_some(), "--since:", "\"since\":"),
                (own.until.is_some(), "--until:", "\"until\":"),
            ] {
                if set {
                    msg = msg.replacen(flag, key, 1);
                }
            }
            msg
        })?;
    let (user, empty): (Box<dyn Query>, _) = match &q.empty {
        // The file says there is nothing to search (a TREC topic without the parts asked for).
        Some(why) => (Box::new(tantivy::query::EmptyQuery), Some(why.clone())),
        None => match engine.parse_query_as(&q.text, options.syntax) {
            Ok(user) if options.proximity => {
                let user = engine
                    .with_proximity(user, &q.text, options.syntax)
                    .map_err(|e| format!("query {:?}: {e:#}", q.qid))?;
                (user, None)
            }
            Ok(user) => (user, None),
            // Read as words, a line can only lack a searchable word: never dropped, scored empty.
            Err(e) if options.syntax == Syntax::Words => {
                (Box::new(tantivy::query::EmptyQuery), Some(format!("{e:#}")))
            }
            Err(e) => return Err(format!("query {:?}: {e:#}", q.qid)),
        },
    };
    let filtered = engine.filtered(user.box_clone(), &filters);
    Ok(Prepared {
        qid: q.qid.clone(),
        line: q.line,
        text: q.text.clone(),
        user,
        filtered,
        filters,
        hits: q.hits.unwrap_or(default_hits),
        empty,
    })
}

/// A query that failed while running.
#[derive(Debug, Clone)]
pub struct Failure {
    pub line: usize,
    pub qid: String,
    pub message: String,
}

/// One result of a query: what a run line names, and the passage when the sink reads them.
#[derive(Debug, Clone)]
pub struct RunHit {
    /// The passage id, or the article id under [`DocIdKind::Article`].
    pub docid: String,
    pub score: f32,
    /// The passage (an article's best), ranked from 1, read only when [`Sink::wants_passages`].
    pub passage: Option<Hit>,
}

/// Where a run's results go, query by query in the order of the query file: the printers,
/// kept apart from running so this room never formats output.
pub trait Sink {
    /// Whether each result's stored passage is read, with a snippet, into [`RunHit::passage`].
    fn wants_passages(&self) -> bool;
    /// The results of one query, best first.
    fn results(&mut self, query: &Prepared, hits: &[RunHit]) -> Result<()>;
}

/// Runs the queries on `threads` threads over one searcher, giving each query's results to
/// `sink` in the order of `queries`; `on_done` is called after each query is given or failed.
pub fn run(
    engine: &Engine,
    queries: &[Prepared],
    opts: &BatchOptions,
    sink: &mut dyn Sink,
    on_done: &mut dyn FnMut(),
) -> Result<Vec<Failure>> {
    let searcher = engine.searcher();
    let next = AtomicUsize::new(0);
    let passages = sink.wants_passages();
    let mut failures = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::channel::<(usize, Result<Vec<RunHit>>)>();
        for _ in 0..opts.threads.max(1) {
            let (tx, next, searcher) = (tx.clone(), &next, &searcher);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(q) = queries.get(i) else { break };
                    let result = results(engine, searcher, q, opts, passages);
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Results arrive in any order; they are given in file order.
        let mut pending = BTreeMap::new();
        let mut at = 0;
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&at) {
                match result {
                    Ok(hits) => sink.results(&queries[at], &hits)?,
                    Err(e) => failures.push(Failure {
                        line: queries[at].line,
                        qid: queries[at].qid.clone(),
                        message: format!("{e:#}"),
                    }),
                }
                at += 1;
                on_done();
            }
        }
        Ok(())
    })?;
    Ok(failures)
}

/// One query's results, with their passages read when `passages`.
fn results(
    engine: &Engine,
    searcher: &Searcher,
    q: &Prepared,
    opts: &BatchOptions,
    passages: bool,
) -> Result<Vec<RunHit>> {
    let expanded;
    let query: &dyn Query = match opts.prf {
        None => &*q.filtered,
        Some(rm3) => {
            // Feedback from the best passages, of distinct articles when articles are ranked.
            let first = top_passages(engine, searcher, &*q.filtered, rm3.docs, opts.docid)
                .with_context(|| format!("query {:?} failed", q.qid))?;
            let top: Vec<_> = first.iter().map(|r| (r.addr, r.score)).collect();
            let user = engine.rm3_query(searcher, &*q.user, &top, rm3)?;
            expanded = engine.filtered(user, &q.filters);
            &*expanded
        }
    };
    let ranked = match (opts.docid, opts.aggregate) {
        // MaxP needs only the best passage of each article: the pruned top-k search finds it.
        (DocIdKind::Passage, _) | (DocIdKind::Article, Aggregate::Max) => {
            top_passages(engine, searcher, query, q.hits, opts.docid)
        }
        // Sums need every matching passage of an article: collect them all.
        (DocIdKind::Article, agg) => top_articles(engine, searcher, query, q.hits, agg),
    }
    .with_context(|| format!("query {:?} failed", q.qid))?;
    let snippets = match passages {
        true => Some(engine.snippet_generator(&*q.user)?),
        false => None,
    };
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let passage = match &snippets {
                Some(s) => Some(engine.hit(searcher, s, i + 1, r.score, r.addr)?),
                None => None,
            };
            Ok(RunHit {
                docid: r.docid,
                score: r.score,
                passage,
            })
        })
        .collect()
}

/// One ranked result: a passage or an article (by its best passage).
#[derive(Debug, Clone)]
struct Ranked {
    docid: String,
    score: f32,
    addr: DocAddress,
}

/// The top `limit` articles scored by `agg` over all their matching passages (see
/// [`crate::search::articles`]): exact, since no passage is left out before aggregating.
fn top_articles(
    engine: &Engine,
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    agg: Aggregate,
) -> Result<Vec<Ranked>> {
    Ok(engine
        .rank_articles(searcher, query, agg, Paging::first(limit))?
        .into_iter()
        .map(|a| Ranked {
            docid: a.article_id,
            score: a.score,
            addr: a.agg.best,
        })
        .collect())
}

/// The top `limit` passages, or articles by their best passage, in run order whatever the
/// segment layout (see [`crate::search::topk`]). An article's best passage is final for every
/// article ranked, since passages not fetched score no higher.
fn top_passages(
    engine: &Engine,
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    docid: DocIdKind,
) -> Result<Vec<Ranked>> {
    let mut ids = IdReader::new(engine, searcher);
    let req = match docid {
        DocIdKind::Passage => TopRequest {
            want: limit,
            ties: Ties::Passage,
            per_article: None,
            depth: Depth::Doubling(limit),
        },
        // An article has a few matching passages: fetch three per article wanted up front.
        DocIdKind::Article => TopRequest {
            want: limit,
            ties: Ties::Article,
            per_article: Some(NonZeroUsize::MIN),
            depth: Depth::Doubling(limit.saturating_mul(3)),
        },
    };
    let top = topk::top(searcher, query, &mut ids, req)?;
    top.ranked
        .into_iter()
        .map(|s| {
            let id = ids.get(s.addr)?;
            let docid = match docid {
                DocIdKind::Passage => id.passage.clone(),
                DocIdKind::Article => id.article.clone(),
            };
            Ok(Ranked {
                docid,
                score: s.score,
                addr: s.addr,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_filters_replace_the_command_lines() {
        let cli = FilterArgs {
            groups: vec!["TTP".into()],
            outlets: vec!["Dawn".into()],
            since: Some("2020".into()),
            until: None,
            authors: Vec::new(),
        };
        let own = QueryFilters {
            groups: Some(vec!["BLA".into()]),
            until: Some("2024".into()),
            ..Default::default()
        };
        let m = merged(&cli, &own);
        assert_eq!(m.groups, vec!["BLA"]);
        assert_eq!(m.outlets, vec!["Dawn"]);
        assert_eq!(m.since.as_deref(), Some("2020"));
        assert_eq!(m.until.as_deref(), Some("2024"));
    }

    /// Keeps what a run gives: each query's id, docids and passage ids (when read).
    struct Collect {
        passages: bool,
        got: Vec<(String, Vec<String>, Vec<Option<String>>)>,
    }

    impl Sink for Collect {
        fn wants_passages(&self) -> bool {
            self.passages
        }

        fn results(&mut self, query: &Prepared, hits: &[RunHit]) -> Result<()> {
            let docids = hits.iter().map(|h| h.docid.clone()).collect();
            let passages = hits
                .iter()
                .map(|h| h.passage.as_ref().map(|p| p.passage_id.clone()))
                .collect();
            self.got.push((query.qid.clone(), docids, passages));
            Ok(())
        }
    }

    fn run_file(docid: DocIdKind, threads: usize, passages: bool) -> Collect {
        let e = crate::testing::harbour_engine();
        let text = "1\tharbour\n2\tforecasts\n3\treopened\n4\tnothingmatches\n";
        let path = Path::new("q.tsv");
        let file = crate::batch::parse_queries(
            text,
            path,
            crate::batch::InputFormat::Tsv,
            &Default::default(),
        );
        let (ready, errors) = prepare(
            &e,
            path,
            file.queries,
            &FilterArgs::default(),
            3,
            QueryOptions::default(),
        );
        assert!(errors.is_empty());
        let opts = BatchOptions {
            docid,
            aggregate: Aggregate::Max,
            hits: 3,
            threads,
            prf: None,
        };
        let mut sink = Collect {
            passages,
            got: Vec::new(),
        };
        let mut done = 0;
        let failures = run(&e, &ready, &opts, &mut sink, &mut || done += 1).unwrap();
        assert!(failures.is_empty());
        assert_eq!(done, 4);
        sink
    }

    #[test]
    fn results_reach_the_sink_in_file_order_whatever_the_threads() {
        for threads in [1, 3] {
            let got = run_file(DocIdKind::Passage, threads, false).got;
            let qids: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
            assert_eq!(qids, ["1", "2", "3", "4"], "{threads} threads");
            assert_eq!(got[0].1, ["e#1", "a#1", "a#2"]);
            assert_eq!(got[1].1, ["f#1"]);
            assert!(got[3].1.is_empty());
            assert!(
                got[0].2.iter().all(Option::is_none),
                "passages not asked for"
            );
        }
    }

    #[test]
    fn article_runs_name_articles_and_read_their_best_passages() {
        let got = run_file(DocIdKind::Article, 2, true).got;
        assert_eq!(got[0].1, ["e", "a", "b"]);
        let best: Vec<Option<&str>> = got[0].2.iter().map(|p| p.as_deref()).collect();
        assert_eq!(best, [Some("e#1"), Some("a#1"), Some("b#1")]);
    }
}
