//! Running a query file over one shared searcher, in parallel, with output in file order.
//!
//! Runs must be reproducible: the same file gives byte-identical output whatever `--threads` is
//! and however the index's segments fell. So results are sorted by score, then by id, and a tie
//! that crosses the cut-off is settled by id too: the search fetches deeper until the last hit
//! kept scores strictly above everything it did not fetch (see [`top_docs`]).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::{BatchQuery, QueryFilters};
use crate::corpus::InputError;
use crate::search::articles::Aggregate;
use crate::search::{Engine, FilterArgs, Filters, Hit};

/// What a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// `qid Q0 docid rank score tag`, for trec_eval and `talash eval`.
    Trec,
    /// The `search --json` fields plus `qid`, one hit a line.
    Jsonl,
}

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
    pub format: OutputFormat,
    pub docid: DocIdKind,
    /// How an article is scored from its passages under [`DocIdKind::Article`].
    pub aggregate: Aggregate,
    /// Hits per query unless the query says otherwise.
    pub hits: usize,
    pub threads: usize,
    pub run_tag: String,
}

/// A query checked against the index, ready to run.
pub struct Prepared {
    pub qid: String,
    pub line: usize,
    pub text: String,
    user: Box<dyn Query>,
    filtered: Box<dyn Query>,
    hits: usize,
}

/// The command line's filters with the query's own in their place where it has them.
fn merged(cli: &FilterArgs, own: &QueryFilters) -> FilterArgs {
    FilterArgs {
        groups: own.groups.clone().unwrap_or_else(|| cli.groups.clone()),
        outlets: own.outlets.clone().unwrap_or_else(|| cli.outlets.clone()),
        since: own.since.clone().or_else(|| cli.since.clone()),
        until: own.until.clone().or_else(|| cli.until.clone()),
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
    strict: bool,
) -> (Vec<Prepared>, Vec<InputError>) {
    let mut ready = Vec::with_capacity(queries.len());
    let mut errors = Vec::new();
    for q in queries {
        match prepare_one(engine, &q, cli, default_hits) {
            Ok(p) => ready.push(p),
            Err(message) => {
                errors.push(InputError {
                    path: path.to_path_buf(),
                    line: Some(q.line),
                    message,
                });
                if strict {
                    break;
                }
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
    let user = engine
        .parse_query(&q.text)
        .map_err(|e| format!("query {:?}: {e:#}", q.qid))?;
    let filtered = engine.filtered(user.box_clone(), &filters);
    Ok(Prepared {
        qid: q.qid.clone(),
        line: q.line,
        text: q.text.clone(),
        user,
        filtered,
        hits: q.hits.unwrap_or(default_hits),
    })
}

/// A query that failed while running.
#[derive(Debug, Clone)]
pub struct Failure {
    pub line: usize,
    pub qid: String,
    pub message: String,
}

/// Runs the queries on `threads` threads over one searcher, writing each query's results to
/// `out` in the order of `queries`; `on_done` is called after each query is written.
pub fn run(
    engine: &Engine,
    queries: &[Prepared],
    opts: &BatchOptions,
    out: &mut dyn Write,
    on_done: &mut dyn FnMut(),
) -> Result<Vec<Failure>> {
    let searcher = engine.searcher();
    let next = AtomicUsize::new(0);
    let mut failures = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::channel::<(usize, Result<Vec<u8>>)>();
        for _ in 0..opts.threads.max(1) {
            let (tx, next, searcher) = (tx.clone(), &next, &searcher);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(q) = queries.get(i) else { break };
                    if tx.send((i, render(engine, searcher, q, opts))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Results arrive in any order; they are written in file order.
        let mut pending = BTreeMap::new();
        let mut at = 0;
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&at) {
                match result {
                    Ok(bytes) => out.write_all(&bytes)?,
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

/// A hit of the JSONL output: the search fields plus the query id.
#[derive(Serialize)]
struct QidHit<'a> {
    qid: &'a str,
    #[serde(flatten)]
    hit: &'a Hit,
}

/// One query's output lines.
fn render(
    engine: &Engine,
    searcher: &Searcher,
    q: &Prepared,
    opts: &BatchOptions,
) -> Result<Vec<u8>> {
    let ranked = match (opts.docid, opts.aggregate) {
        // MaxP needs only the best passage of each article: the pruned top-k search finds it.
        (DocIdKind::Passage, _) | (DocIdKind::Article, Aggregate::Max) => {
            top_docs(engine, searcher, &*q.filtered, q.hits, opts.docid)
        }
        // Sums need every matching passage of an article: collect them all.
        (DocIdKind::Article, agg) => top_articles(engine, searcher, &*q.filtered, q.hits, agg),
    }
    .with_context(|| format!("query {:?} failed", q.qid))?;
    let mut buf = Vec::new();
    match opts.format {
        OutputFormat::Trec => {
            for (i, r) in ranked.iter().enumerate() {
                // f32's Display is the shortest text that reads back as the same number, so
                // distinct scores stay distinct for trec_eval.
                writeln!(
                    buf,
                    "{} Q0 {} {} {} {}",
                    q.qid,
                    r.key,
                    i + 1,
                    r.score,
                    opts.run_tag
                )?;
            }
        }
        OutputFormat::Jsonl => {
            let snippets = engine.snippet_generator(&*q.user)?;
            for (i, r) in ranked.iter().enumerate() {
                let hit = engine.hit(searcher, &snippets, i + 1, r.score, r.addr)?;
                serde_json::to_writer(
                    &mut buf,
                    &QidHit {
                        qid: &q.qid,
                        hit: &hit,
                    },
                )?;
                buf.push(b'\n');
            }
        }
    }
    Ok(buf)
}

/// One ranked result: a passage or an article (by its best passage).
#[derive(Debug, Clone)]
struct Ranked {
    key: String,
    passage_id: String,
    score: f32,
    addr: DocAddress,
}

impl Ranked {
    /// Score descending, then id ascending: the order of a run.
    fn order(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.key.cmp(&b.key))
            .then_with(|| a.passage_id.cmp(&b.passage_id))
    }
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
        .rank_articles(searcher, query, agg, 0, limit)?
        .into_iter()
        .map(|a| Ranked {
            key: a.article_id,
            passage_id: String::new(),
            score: a.score,
            addr: a.agg.best,
        })
        .collect())
}

/// The top `limit` results in run order, independent of segment layout.
///
/// tantivy's top-k breaks score ties by document address, which depends on how segments were
/// written and merged. So this fetches `k > limit` passages and accepts the cut only when the
/// last result kept scores strictly above the k-th passage fetched: then nothing unfetched can
/// tie with it. Otherwise it fetches twice as deep. Articles are scored by their best passage,
/// which is final for every article seen, since unfetched passages score no higher.
fn top_docs(
    engine: &Engine,
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    docid: DocIdKind,
) -> Result<Vec<Ranked>> {
    let f = &engine.open.fields;
    let total = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let mut ids: HashMap<DocAddress, (String, String)> = HashMap::new();
    let mut k = match docid {
        DocIdKind::Passage => limit.saturating_add(1),
        DocIdKind::Article => limit.saturating_mul(3).saturating_add(1),
    }
    .min(total.saturating_add(1))
    .max(1);
    loop {
        let top = searcher
            .search(query, &TopDocs::with_limit(k).order_by_score())
            .context("search failed")?;
        let exhausted = top.len() < k;
        let floor = top.last().map_or(f32::NEG_INFINITY, |t| t.0);
        let mut best: HashMap<String, Ranked> = HashMap::new();
        for &(score, addr) in &top {
            if let std::collections::hash_map::Entry::Vacant(slot) = ids.entry(addr) {
                let doc: TantivyDocument =
                    searcher.doc(addr).context("cannot read a stored passage")?;
                let get = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                slot.insert((get(f.passage_id), get(f.article_id)));
            }
            let (pid, aid) = &ids[&addr];
            let key = match docid {
                DocIdKind::Passage => pid,
                DocIdKind::Article => aid,
            };
            let cand = Ranked {
                key: key.clone(),
                passage_id: pid.clone(),
                score,
                addr,
            };
            match best.get(key) {
                Some(have) if Ranked::order(have, &cand).is_le() => {}
                _ => {
                    best.insert(key.clone(), cand);
                }
            }
        }
        let mut ranked: Vec<Ranked> = best.into_values().collect();
        ranked.sort_by(Ranked::order);
        let settled = ranked.len() >= limit && ranked[limit - 1].score > floor;
        if exhausted || settled {
            ranked.truncate(limit);
            return Ok(ranked);
        }
        k = k.saturating_mul(2).min(total.saturating_add(1));
    }
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

    #[test]
    fn run_order_is_score_then_id() {
        let r = |key: &str, score| Ranked {
            key: key.into(),
            passage_id: key.into(),
            score,
            addr: DocAddress::new(0, 0),
        };
        let mut v = [r("b", 1.0), r("a", 1.0), r("c", 2.0)];
        v.sort_by(Ranked::order);
        let keys: Vec<&str> = v.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, vec!["c", "a", "b"]);
    }
}
