//! `talash`: search the passage index from the terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args as ClapArgs, Parser, Subcommand};
use talash::batch::run::{BatchOptions, DocIdKind, OutputFormat};
use talash::batch::{self, InputFormat, MAX_HITS, read_query_file};
use talash::cli::{DEFAULT_INDEX, cores, run};
use talash::error::usage;
use talash::eval::Metric;
use talash::output::{ColorChoice, json, terminal};
use talash::search::{Engine, FilterArgs};

/// Search news passages by relevance, filtered by militant group, date and outlet.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
struct Cli {
    /// Index folder (built by talash-index).
    #[arg(long, global = true, env = "TALASH_INDEX", default_value = DEFAULT_INDEX, value_name = "DIR")]
    index: PathBuf,
    /// When to colour output; NO_COLOR in the environment also turns it off.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  talash search Landberg
  talash search '\"joint statement\" TTP' --since 2024-01-01
  talash search Daesh --group ISIS --json
  talash search dialogue --outlet 'express tribune' --limit 3
  talash groups";

#[derive(Subcommand, Debug)]
enum Command {
    /// Rank passages by relevance to a query.
    #[command(after_help = SEARCH_HELP)]
    Search(SearchArgs),
    /// List the groups of the index's gazetteer, with their aliases.
    Groups,
    /// Run a file of queries; write a TREC run or JSON lines.
    #[command(after_help = BATCH_HELP)]
    Batch(BatchArgs),
    /// Score a TREC run against relevance judgments, as trec_eval does.
    #[command(after_help = EVAL_HELP)]
    Eval(EvalArgs),
}

const SEARCH_HELP: &str = "Query syntax:
  words           ranked by BM25 over passage text and title
  \"a phrase\"      the words in this order
  a AND b, a OR b, NOT a, (grouping), +required, -excluded
  title:word, text:\"a phrase\"
Group names expand: `Daesh` also finds \"Da’ish\" and \"ISIS\"; `ISKP` finds \"ISIS-Khorasan\".

Examples:
  talash search Landberg
  talash search 'Pakistani Taliban' --since 2024
  talash search counterterrorism --group BLA --group ISIS-K
  talash search cooperation --outlet 'the express tribune' --until 2023-03
  talash search '\"joint statement\" -police' --json | jq .passage_id";

#[derive(ClapArgs, Debug)]
struct SearchArgs {
    /// The query (several arguments are joined with spaces).
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    #[command(flatten)]
    filters: FilterFlags,
    /// Number of passages to show.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10000))]
    limit: u64,
    /// Skip this many passages first (for paging).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    offset: u64,
    /// One JSON object per line instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(ClapArgs, Debug)]
struct FilterFlags {
    /// Only passages about this group: canonical name or any alias, any case. Repeat for any of several.
    #[arg(long = "group", short = 'g', value_name = "GROUP")]
    groups: Vec<String>,
    /// Only passages from this outlet (any case; a leading "The" is ignored). Repeatable.
    #[arg(long = "outlet", value_name = "OUTLET")]
    outlets: Vec<String>,
    /// Only articles dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only articles dated on or before this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

impl From<FilterFlags> for FilterArgs {
    fn from(f: FilterFlags) -> Self {
        FilterArgs {
            groups: f.groups,
            outlets: f.outlets,
            since: f.since,
            until: f.until,
        }
    }
}

fn main() -> ExitCode {
    run("talash", || {
        let cli = Cli::parse();
        if let Command::Eval(args) = &cli.command {
            return eval(args);
        }
        let engine = Engine::new(talash::index::open(&cli.index)?)?;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        match cli.command {
            Command::Search(args) => search(&engine, args, cli.color, &mut out)?,
            Command::Groups => groups(&engine, &mut out)?,
            Command::Batch(args) => return batch(&engine, args, &mut out),
            Command::Eval(_) => {}
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    })
}

fn search(
    engine: &Engine,
    args: SearchArgs,
    color: ColorChoice,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let query = args.query.join(" ");
    let filters = engine.resolve_filters(&args.filters.into())?;
    let hits = engine.search(&query, &filters, args.limit as usize, args.offset as usize)?;
    if args.json {
        json::write_hits(out, &hits)?;
    } else if hits.is_empty() {
        writeln!(
            out,
            "No passages match {query:?}{}.",
            if filters.is_empty() {
                ""
            } else {
                " with these filters"
            }
        )?;
    } else {
        terminal::write_hits(
            out,
            &hits,
            terminal::Style {
                color: color.enabled(),
            },
        )?;
    }
    Ok(())
}

fn groups(engine: &Engine, out: &mut dyn Write) -> anyhow::Result<()> {
    for g in engine.open.config.gazetteer.groups() {
        let depth = g.path.segments().len() - 1;
        writeln!(out, "{}{}  ({})", "  ".repeat(depth), g.path, g.name)?;
        let aliases: Vec<&str> = g.all_aliases().collect();
        writeln!(
            out,
            "{}    aliases: {}",
            "  ".repeat(depth),
            aliases.join(", ")
        )?;
    }
    Ok(())
}

const BATCH_HELP: &str = "Query files (format from the extension, or --input-format):
  *.txt     one query a line; the id is the line number
  *.tsv     qid<TAB>query
  *.jsonl   {\"id\": \"q1\", \"query\": \"...\", \"group\": \"TTP\", \"outlet\": ..., \"since\": ..., \"until\": ..., \"hits\": 50}
            (a query's own filters replace the command line's)
  *.trec    TREC topics: <top> <num> ID <title> QUERY </top>
Blank lines and # comments are skipped. A bad line is reported as FILE:LINE and the others
still run (exit status 1); --strict checks the whole file first and runs nothing if a line is bad.

Examples:
  talash batch topics.tsv --output run.txt --run-tag talash
  talash batch monitor.jsonl --format jsonl --since 2024 --hits 20
  talash eval qrels.txt run.txt";

#[derive(ClapArgs, Debug)]
struct BatchArgs {
    /// The query file.
    #[arg(value_name = "QUERIES_FILE")]
    queries: PathBuf,
    /// Write the run here instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output: a TREC run or JSON lines (the search --json fields plus qid).
    #[arg(long, value_enum, default_value_t = OutputFormat::Trec)]
    format: OutputFormat,
    /// The query file's format (default: from its extension).
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormat>,
    /// Results per query (a JSONL query's \"hits\" overrides it).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_HITS as u64))]
    hits: u64,
    /// What a TREC docid names: the passage, or the article scored by its best passage.
    #[arg(long, value_enum, default_value_t = DocIdKind::Passage)]
    docid: DocIdKind,
    /// Search threads. Default: the number of cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
    /// The run's name, the last column of a TREC run.
    #[arg(long, default_value = "talash", value_name = "TAG")]
    run_tag: String,
    /// Stop at the first bad line, before running anything.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    filters: FilterFlags,
}

fn batch(engine: &Engine, args: BatchArgs, stdout: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if args.run_tag.is_empty() || args.run_tag.chars().any(char::is_whitespace) {
        return Err(usage(format!(
            "--run-tag {:?}: a run tag is one word without spaces",
            args.run_tag
        )));
    }
    let cli_filters: FilterArgs = args.filters.into();
    // A bad filter on the command line is every query's problem: a usage error up front.
    engine.resolve_filters(&cli_filters)?;
    let format = match args.input_format {
        Some(f) => f,
        None => InputFormat::from_path(&args.queries).map_err(usage)?,
    };
    let file = read_query_file(&args.queries, format, args.strict)?;
    let total = file.queries.len() + file.errors.len();
    let (prepared, mut errors) = batch::run::prepare(
        engine,
        &args.queries,
        file.queries,
        &cli_filters,
        args.hits as usize,
        args.strict,
    );
    errors.extend(file.errors);
    errors.sort_by_key(|e| e.line);
    for e in &errors {
        eprintln!("talash: error: {e}");
        if args.strict {
            eprintln!("talash: --strict: stopped at the first bad line; nothing was run");
            return Ok(ExitCode::FAILURE);
        }
    }
    let opts = BatchOptions {
        format: args.format,
        docid: args.docid,
        hits: args.hits as usize,
        threads: args.threads.map(|t| t as usize).unwrap_or_else(cores),
        run_tag: args.run_tag,
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(prepared.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut on_done = || bar.inc(1);
    let failures = match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let f = batch::run::run(engine, &prepared, &opts, &mut w, &mut on_done)?;
            w.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            f
        }
        None => {
            let f = batch::run::run(engine, &prepared, &opts, stdout, &mut on_done)?;
            stdout.flush()?;
            f
        }
    };
    bar.finish_and_clear();
    for f in &failures {
        eprintln!(
            "talash: error: {}:{}: query {:?}: {}",
            args.queries.display(),
            f.line,
            f.qid,
            f.message
        );
    }
    let failed = errors.len() + failures.len();
    if failed > 0 {
        eprintln!("talash: {failed} of {total} queries failed (listed above); the others ran");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

const EVAL_HELP: &str = "QRELS lines: `qid iter docid relevance` (trec_eval's format); RUN lines:
`qid Q0 docid rank score tag`. A document is relevant when its relevance is above 0; nDCG uses
the relevance values as gains; unjudged documents are not relevant. Queries in the run but not
in the judgments are ignored, and judged queries missing from the run are left out of the
average, as trec_eval does without -c (with --complete they count as finding nothing).

Metrics: map, ndcg_cut_K, P_K, recall_K, recip_rank (K a cut-off, e.g. ndcg_cut_10).

Examples:
  talash eval qrels.txt run.txt
  talash eval qrels.txt run.txt --metrics map,P_5 --per-query";

#[derive(ClapArgs, Debug)]
struct EvalArgs {
    /// Relevance judgments (TREC qrels).
    #[arg(value_name = "QRELS")]
    qrels: PathBuf,
    /// A TREC run (e.g. from talash batch).
    #[arg(value_name = "RUN")]
    run: PathBuf,
    /// Comma-separated metrics.
    #[arg(
        long,
        default_value = "map,ndcg_cut_10,P_10,recall_100,recip_rank",
        value_delimiter = ','
    )]
    metrics: Vec<String>,
    /// Also print each query's values.
    #[arg(long, short = 'q')]
    per_query: bool,
    /// Count judged queries missing from the run as finding nothing (trec_eval's -c).
    #[arg(long, short = 'c')]
    complete: bool,
}

fn eval(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let metrics = args
        .metrics
        .iter()
        .map(|m| m.parse::<Metric>().map_err(usage))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let qrels = talash::eval::read_qrels(&args.qrels)?;
    let run = talash::eval::read_run(&args.run)?;
    let result = talash::eval::evaluate(&qrels, &run, &metrics, args.complete);
    if !result.unjudged_queries.is_empty() {
        eprintln!(
            "talash: note: {} run queries have no judgments and are ignored: {}",
            result.unjudged_queries.len(),
            talash::eval::shorten(&result.unjudged_queries)
        );
    }
    if !result.missing_queries.is_empty() && !args.complete {
        eprintln!(
            "talash: note: {} judged queries are not in the run and are left out of the averages (as trec_eval without -c): {}",
            result.missing_queries.len(),
            talash::eval::shorten(&result.missing_queries)
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    result.write(&mut out, &metrics, args.per_query)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
