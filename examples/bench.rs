//! The in-process half of the benchmark harness (`scripts/bench/run.py` drives it; see
//! docs/BENCHMARKS.md).
//!
//! `bench passages CORPUS...` prints every passage Talash would index as JSON lines
//! (`id`, `title`, `text`), so the peer engines index exactly the same passages.
//!
//! `bench queries INDEX QUERIES.tsv [--repeat N] [--no-filters] [--proximity]` times the query set inside one
//! process with the library's `Engine` and prints one JSON object of results. QUERIES.tsv has
//! one query a line: `text<TAB>group<TAB>since<TAB>until` (empty columns mean no filter).
//! `--proximity` ranks as `talash search --proximity` does.
//!
//! `bench analyze PASSAGES.jsonl [--rounds N]` times the shipped analyzer alone over the
//! passage texts that `bench passages` wrote.
//!
//! `bench prepare CORPUS...` times reading, cutting and tagging the corpus on one thread.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::json;
use talash::corpus;
use talash::corpus::{Article, InputError};
use talash::index;
use talash::schema::Config;
use talash::search::query::Syntax;
use talash::search::{Engine, FilterArgs, Filters, Ranking};
use tantivy::collector::{Count, TopDocs};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("passages") => passages(&args[1..]),
        Some("queries") => queries(&args[1..]),
        Some("analyze") => analyze(&args[1..]),
        Some("prepare") => prepare(&args[1..]),
        _ => bail!(
            "usage: bench passages CORPUS... | bench queries INDEX QUERIES.tsv [--repeat N] [--no-filters] [--proximity] | bench analyze PASSAGES.jsonl [--rounds N] | bench prepare CORPUS..."
        ),
    }
}

fn passages(paths: &[String]) -> Result<()> {
    let config = Config::shipped()?;
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let (articles, bad) = read_corpus(&paths)?;
    if !bad.is_empty() {
        bail!("{} bad article files, first: {}", bad.len(), bad[0]);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    for a in &articles {
        for p in corpus::passages(a, &config.boilerplate, config.spec.passages.max_words) {
            let line = json!({"id": p.id.to_string(), "title": a.title, "text": p.text});
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Times the shipped analyzer alone over the passage texts of PASSAGES.jsonl (as `bench
/// passages` writes them), on one thread: the analysis share of indexing, apart from tantivy's
/// postings. Prints tokens, ns per token and MB/s, per round.
fn analyze(args: &[String]) -> Result<()> {
    let path = args
        .first()
        .context("bench analyze PASSAGES.jsonl [--rounds N]")?;
    let rounds: usize = match args.iter().position(|a| a == "--rounds") {
        Some(i) => args.get(i + 1).context("--rounds N")?.parse()?,
        None => 3,
    };
    let mut texts = Vec::new();
    for line in std::fs::read_to_string(path)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        texts.push(v["text"].as_str().unwrap_or_default().to_string());
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let config = Config::shipped()?;
    let manager = tantivy::tokenizer::TokenizerManager::default();
    config.spec.register_analyzers(&manager);
    for round in 0..rounds {
        // A fresh analyzer each round, as each indexing thread starts with one.
        let mut analyzer = manager
            .get("talash_english")
            .context("the english analyzer")?;
        let (start, mut tokens, mut check) = (Instant::now(), 0usize, 0usize);
        for t in &texts {
            let mut stream = analyzer.token_stream(t);
            while stream.advance() {
                tokens += 1;
                check = check.wrapping_add(stream.token().text.len());
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "round {round}: {tokens} tokens, {:.1} ns/token, {:.1} MB/s (check {check})",
            secs * 1e9 / tokens as f64,
            bytes as f64 / 1e6 / secs
        );
    }
    Ok(())
}

/// Times what the indexer's preparing thread does, step by step, on one thread: reading and
/// parsing the articles, cutting them into passages, tagging groups.
fn prepare(paths: &[String]) -> Result<()> {
    if paths.is_empty() {
        bail!("usage: bench prepare CORPUS...");
    }
    let config = Config::shipped()?;
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    for round in 0..3 {
        let start = Instant::now();
        let (articles, _) = read_corpus(&paths)?;
        let read = start.elapsed();
        let start = Instant::now();
        let passages: Vec<_> = articles
            .iter()
            .map(|a| corpus::passages_for(a, &config.boilerplate, &config.spec.passages))
            .collect();
        let cut = start.elapsed();
        let start = Instant::now();
        let mut tagged = 0;
        // As the indexer does: one article at a time, its title and passages together.
        for (a, ps) in articles.iter().zip(&passages) {
            let texts: Vec<(u64, &str)> = ps
                .iter()
                .map(|p| (u64::from(p.id.n()), p.text.as_str()))
                .collect();
            let tags = config.gazetteer.tag_article(&a.title, &texts);
            tagged += tags.iter().map(Vec::len).sum::<usize>();
        }
        let tag = start.elapsed();
        let n: usize = passages.iter().map(Vec::len).sum();
        println!(
            "round {round}: {} articles, {n} passages; read {read:?}, cut {cut:?}, tag {tag:?} ({tagged} tags)",
            articles.len()
        );
    }
    Ok(())
}

struct Query {
    text: String,
    filters: Filters,
}

fn load_queries(engine: &Engine, path: &Path, use_filters: bool) -> Result<Vec<Query>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let col = |n: usize| {
            cols.get(n)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let args = FilterArgs {
            groups: if use_filters {
                col(1).into_iter().collect()
            } else {
                Vec::new()
            },
            outlets: Vec::new(),
            since: col(2).filter(|_| use_filters),
            until: col(3).filter(|_| use_filters),
            authors: Vec::new(),
        };
        let filters = engine
            .resolve_filters(&args)
            .with_context(|| format!("{}:{}", path.display(), i + 1))?;
        out.push(Query {
            text: cols[0].to_string(),
            filters,
        });
    }
    Ok(out)
}

/// How one query is run.
#[derive(Clone, Copy)]
enum Mode {
    /// Parse and rank: top 10 with tantivy's pruning, no documents read.
    Rank,
    /// Top 10 and the count of every match (counting turns pruning off): what --facets costs.
    RankAndCount,
    /// What `talash search` does after opening the index: rank, read the 10 passages, snippets.
    Search,
}

fn run_one(engine: &Engine, q: &Query, mode: Mode, ranking: Ranking) -> Result<usize> {
    match mode {
        Mode::Search => {
            let mut req = talash::search::page::PageRequest::top(talash::search::Paging::first(10));
            req.ranking = ranking;
            Ok(
                talash::search::page::search(engine, &q.text, &q.filters, req)?
                    .hits
                    .len(),
            )
        }
        Mode::Rank | Mode::RankAndCount => {
            let mut user = engine.parse_query(&q.text)?;
            if ranking.proximity {
                user = engine.with_proximity(user, &q.text, Syntax::Talash)?;
            }
            let query = engine.filtered(user, &q.filters);
            let searcher = engine.searcher();
            let top = TopDocs::with_limit(10).order_by_score();
            if matches!(mode, Mode::Rank) {
                Ok(searcher.search(&*query, &top)?.len())
            } else {
                let (hits, count) = searcher.search(&*query, &(top, Count))?;
                Ok(hits.len().max(count))
            }
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile(&v, 50.0)
}

/// Per-query latency (the median of `repeat` runs, in ms), then percentiles across queries.
fn latency(
    engine: &Engine,
    qs: &[Query],
    mode: Mode,
    ranking: Ranking,
    repeat: usize,
) -> Result<serde_json::Value> {
    let mut per_query = Vec::with_capacity(qs.len());
    let mut empty = 0;
    for q in qs {
        let mut times = Vec::with_capacity(repeat);
        for _ in 0..repeat {
            let t = Instant::now();
            let n = run_one(engine, q, mode, ranking)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if n == 0 && times.len() == 1 {
                empty += 1;
            }
        }
        per_query.push(median(times));
    }
    per_query.sort_by(f64::total_cmp);
    let mean = per_query.iter().sum::<f64>() / per_query.len().max(1) as f64;
    Ok(json!({
        "p50_ms": percentile(&per_query, 50.0),
        "p95_ms": percentile(&per_query, 95.0),
        "p99_ms": percentile(&per_query, 99.0),
        "max_ms": per_query.last().copied().unwrap_or(f64::NAN),
        "mean_ms": mean,
        "queries_without_hits": empty,
    }))
}

/// Queries per second of `Mode::Search` with `threads` threads sharing one engine.
fn throughput(
    engine: &Engine,
    qs: &[Query],
    threads: usize,
    ranking: Ranking,
    rounds: usize,
) -> Result<f64> {
    let total = qs.len() * rounds;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| -> Result<()> {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= total {
                            return Ok(());
                        }
                        run_one(engine, &qs[i % qs.len()], Mode::Search, ranking)?;
                    }
                })
            })
            .collect();
        for w in workers {
            w.join()
                .map_err(|_| anyhow::anyhow!("a worker panicked"))??;
        }
        Ok(())
    })?;
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

fn queries(args: &[String]) -> Result<()> {
    let [dir, file, rest @ ..] = args else {
        bail!("usage: bench queries INDEX QUERIES.tsv [--repeat N] [--no-filters] [--proximity]");
    };
    let mut repeat = 5;
    let mut use_filters = true;
    let mut ranking = Ranking::default();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--repeat" => repeat = it.next().context("--repeat N")?.parse()?,
            "--no-filters" => use_filters = false,
            "--proximity" => ranking.proximity = true,
            other => bail!("unknown option {other}"),
        }
    }
    let opened = Instant::now();
    let engine = Engine::new(index::open(Path::new(dir))?)?;
    let open_ms = opened.elapsed().as_secs_f64() * 1000.0;
    let qs = load_queries(&engine, Path::new(file), use_filters)?;
    // Warm the page cache and the engine's lazily loaded structures once.
    for q in &qs {
        run_one(&engine, q, Mode::Search, ranking)?;
    }
    let result = json!({
        "queries": qs.len(),
        "repeat": repeat,
        "filters": use_filters,
        "proximity": ranking.proximity,
        "open_ms": open_ms,
        "rank_top10": latency(&engine, &qs, Mode::Rank, ranking, repeat)?,
        "rank_top10_and_count": latency(&engine, &qs, Mode::RankAndCount, ranking, repeat)?,
        "search_top10": latency(&engine, &qs, Mode::Search, ranking, repeat)?,
        "qps_1_thread": throughput(&engine, &qs, 1, ranking, repeat)?,
        "qps_2_threads": throughput(&engine, &qs, 2, ranking, repeat)?,
    });
    println!("{result}");
    Ok(())
}

/// Every article under the corpus paths, and the files that could not be read (the bench
/// measures steps of indexing apart from the streaming indexer, so it holds the corpus in RAM).
fn read_corpus(paths: &[PathBuf]) -> Result<(Vec<Article>, Vec<InputError>)> {
    let (files, mut bad) = corpus::discover_all(paths);
    let mut articles = Vec::new();
    for f in &files {
        if corpus::jsonl::is_jsonl_file(f) {
            for read in corpus::jsonl::JsonlArticles::open(f)? {
                match read {
                    Ok(a) => articles.push(a),
                    Err(e) => bad.push(e),
                }
            }
        } else {
            match corpus::read_article_limited(f, corpus::MAX_FILE_BYTES) {
                Ok(a) => articles.push(a),
                Err(e) => bad.push(e),
            }
        }
    }
    Ok((articles, bad))
}
