//! `talash batch`: run a file of queries in parallel; write a TREC run or JSON lines.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::batch::run::{BatchOptions, Failure, Prepared};
use crate::batch::{MAX_HITS, TopicField, read_query_file};
use crate::cli::common::FilterFlags;
use crate::cli::cores;
use crate::corpus::InputError;
use crate::error::usage;
use crate::search::articles::Aggregate;
use crate::search::{Engine, FilterArgs};

pub const HELP: &str = "Query files (format from the extension, or --input-format):
  *.txt     one query a line; the id is the line number
  *.tsv     qid<TAB>query
  *.jsonl   {\"id\": \"q1\", \"query\": \"...\", \"group\": \"TTP\", \"outlet\": ..., \"since\": ..., \"until\": ..., \"hits\": 50}
            (a query's own filters replace the command line's)
  *.trec    TREC topics: <top> <num> ID <title> ... <desc> ... <narr> ... </top>; the query is
            the <title>, or what --topic-field names (desc, narr, title+desc, ...); labels
            such as \"Number:\" and \"Description:\" are dropped, closing tags optional. A topic
            without a part asked for is reported by number and run on the others it has, or
            scored empty if it has none (never dropped)
Each line is read as words (--query-syntax words, the default): no character is syntax, so no
line can fail; words of one character (\"I\", initials) are left out like stop words; a line with
no searchable word (stop words or punctuation only) is reported and scored empty. --query-syntax talash reads lines in the query language of `talash search`.
Blank lines and # comments are skipped. A bad line is reported as FILE:LINE and the others
still run (exit status 1); --strict checks the whole file first and runs nothing if a line is bad.

Examples (the files are in the repository's examples/, for the shipped corpus):
  talash batch examples/topics.tsv --docid article --output run.txt --run-tag talash
  talash batch examples/monitor.jsonl --format jsonl --since 2023 --hits 20
  talash batch examples/topics.trec --topic-field title+desc --docid article -o run-desc.txt
  talash eval examples/qrels.txt run.txt";

value_enum! {
    /// What a run writes.
    pub enum OutputFormat => crate::output::run::OutputFormat {
        /// `qid Q0 docid rank score tag`, for trec_eval and `talash eval`.
        Trec,
        /// The `search --json` fields plus `qid`, one hit a line.
        Jsonl,
    }
}

value_enum! {
    /// What a TREC run's docid names.
    pub enum DocIdKind => crate::batch::run::DocIdKind {
        /// The passage (`article#n`).
        Passage,
        /// The article, scored from its passages (`--aggregate`); for judgments made on whole
        /// documents.
        Article,
    }
}

value_enum! {
    /// The query-file formats.
    pub enum InputFormat => crate::batch::InputFormat {
        /// One query a line; the id is the line number.
        Text,
        /// `qid<TAB>query` a line.
        Tsv,
        /// One JSON object a line, with per-query filters.
        Jsonl,
        /// TREC topics: `<top>`, `<num>`, `<title>`, `<desc>`, `<narr>` (see --topic-field).
        Trec,
    }
}

value_enum! {
    /// How a query line is read.
    pub enum QuerySyntax => crate::search::query::Syntax {
        /// Words only: quotes, parentheses, colons, hyphens and AND/OR/NOT are text.
        Words,
        /// The query language of `talash search`: phrases, operators, fields, prefixes.
        Talash,
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
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
    #[arg(
        long,
        visible_alias = "topics-format",
        value_enum,
        value_name = "FORMAT"
    )]
    input_format: Option<InputFormat>,
    /// Which parts of a TREC topic make its query: title, desc, narr, or several joined by +
    /// (title+desc, texts joined by a space, as Anserini's -topicfield joins them).
    #[arg(long, default_value = "title", value_name = "FIELD")]
    topic_field: TopicField,
    /// How each line is read: as words (natural-language topics) or in the query language.
    #[arg(long, value_enum, default_value_t = QuerySyntax::Words, value_name = "SYNTAX")]
    query_syntax: QuerySyntax,
    /// Pseudo-relevance feedback: rm3 (10 documents, 10 terms, original weight 0.7) or
    /// rm3:DOCS:TERMS:WEIGHT. Each query is run again with terms of its top results.
    #[arg(long, value_name = "rm3[:DOCS:TERMS:WEIGHT]")]
    prf: Option<crate::search::feedback::Rm3>,
    /// Rank passages where a line's words stand together higher: each two neighbouring words
    /// also score as a phrase and as a pair at most 7 words apart, either way (slower: no
    /// pruning).
    #[arg(long)]
    proximity: bool,
    /// Results per query (a JSONL query's "hits" overrides it).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_HITS as u64))]
    hits: u64,
    /// What a TREC docid names: the passage, or the article scored from its passages.
    #[arg(long, value_enum, default_value_t = DocIdKind::Passage)]
    docid: DocIdKind,
    /// With --docid article, how an article is scored: max (its best passage, the default),
    /// sum (all matching passages), maxplus (best plus 0.05 x the others), maxplus:W.
    #[arg(long, value_name = "HOW")]
    aggregate: Option<Aggregate>,
    /// Search threads. Default: the number of cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
    /// The run's name, the last column of a TREC run.
    #[arg(long, default_value = "talash", value_name = "TAG")]
    run_tag: String,
    /// Check every line first, list every bad one, and run nothing if any is bad.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    filters: FilterFlags,
}

/// Runs the file's good queries and reports the bad ones: exit status 1 if any query failed,
/// though the others ran (with `--strict`, a bad line stops everything before any query runs).
pub fn run(engine: &Engine, args: Args, stdout: &mut dyn Write) -> Result<ExitCode> {
    check_run_tag(&args.run_tag)?;
    let aggregate = aggregate(args.docid, args.aggregate)?;
    let cli_filters: FilterArgs = args.filters.into();
    // A bad filter on the command line is every query's problem: a usage error up front.
    engine.resolve_filters(&cli_filters)?;
    let format = match args.input_format {
        Some(f) => f.into(),
        None => crate::batch::InputFormat::from_path(&args.queries).map_err(usage)?,
    };
    if args.topic_field != TopicField::default() && format != crate::batch::InputFormat::Trec {
        return Err(usage(format!(
            "--topic-field {} chooses parts of TREC topics; {} is not read as TREC topics \
             (name it *.trec, or give --input-format trec)",
            args.topic_field,
            args.queries.display()
        )));
    }
    let file = read_query_file(&args.queries, format, &args.topic_field)?;
    for w in &file.warnings {
        eprintln!("talash: warning: {w}");
    }
    let total = file.queries.len() + file.errors.len();
    let hits = args.hits as usize;
    let (prepared, mut errors) = crate::batch::run::prepare(
        engine,
        &args.queries,
        file.queries,
        &cli_filters,
        hits,
        crate::batch::run::QueryOptions {
            syntax: args.query_syntax.into(),
            proximity: args.proximity,
        },
    );
    errors.extend(file.errors);
    errors.sort_by_key(|e| e.line);
    if !report_bad_lines(&errors, args.strict) {
        return Ok(ExitCode::FAILURE);
    }
    for p in prepared.iter().filter(|p| p.empty.is_some()) {
        eprintln!(
            "talash: warning: {}:{}: query {:?} is scored empty: {}",
            args.queries.display(),
            p.line,
            p.qid,
            p.empty.as_deref().unwrap_or_default()
        );
    }
    let opts = BatchOptions {
        docid: args.docid.into(),
        aggregate,
        hits,
        threads: args.threads.map(|t| t as usize).unwrap_or_else(cores),
        prf: args.prf,
    };
    let run = RunTo {
        format: args.format.into(),
        run_tag: &args.run_tag,
        output: args.output.as_deref(),
    };
    let failures = write_run(engine, &prepared, &opts, run, stdout)?;
    report_failures(&args.queries, &failures);
    let failed = errors.len() + failures.len();
    if failed > 0 {
        let queries = crate::output::plural(total, "query");
        let others = match total.saturating_sub(failed) {
            0 => "",
            1 => "; the other ran",
            _ => "; the others ran",
        };
        eprintln!("talash: {failed} of {total} {queries} failed (listed above){others}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// A TREC run's last column is one word: a tag with spaces would break every line of the run.
fn check_run_tag(tag: &str) -> Result<()> {
    if tag.is_empty() || tag.chars().any(char::is_whitespace) {
        return Err(usage(format!(
            "--run-tag {tag:?}: a run tag is one word without spaces"
        )));
    }
    Ok(())
}

/// How articles are scored: `--aggregate` means nothing for passage docids, so giving it
/// there is a mistake worth a usage error rather than a silently ignored flag.
fn aggregate(docid: DocIdKind, agg: Option<Aggregate>) -> Result<Aggregate> {
    match (docid, agg) {
        (DocIdKind::Passage, Some(_)) => Err(usage(
            "--aggregate scores articles: use it with --docid article".to_string(),
        )),
        (_, agg) => Ok(agg.unwrap_or(Aggregate::Max)),
    }
}

/// Lists every bad line on stderr; returns whether the good queries may still run (not under
/// `--strict`, which checks the whole file and runs nothing when a line is bad).
fn report_bad_lines(errors: &[InputError], strict: bool) -> bool {
    for e in errors {
        eprintln!("talash: error: {e}");
    }
    if strict && !errors.is_empty() {
        eprintln!(
            "talash: --strict: {} (listed above); nothing was run",
            crate::output::count(errors.len() as u64, "bad line")
        );
        return false;
    }
    true
}

/// Where and how a run is written.
struct RunTo<'a> {
    format: crate::output::run::OutputFormat,
    run_tag: &'a str,
    /// `--output`, else stdout.
    output: Option<&'a Path>,
}

/// Runs the prepared queries into the run's file (or stdout), with a progress bar on a
/// terminal.
fn write_run(
    engine: &Engine,
    prepared: &[Prepared],
    opts: &BatchOptions,
    run: RunTo,
    stdout: &mut dyn Write,
) -> Result<Vec<Failure>> {
    use crate::output::run::RunPrinter;
    let bar = crate::cli::progress::counter(prepared.len() as u64);
    let mut on_done = || bar.inc(1);
    let failures = match run.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let mut printer = RunPrinter::new(&mut w, run.format, run.run_tag);
            let f = crate::batch::run::run(engine, prepared, opts, &mut printer, &mut on_done)?;
            w.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            f
        }
        None => {
            let mut printer = RunPrinter::new(stdout, run.format, run.run_tag);
            let f = crate::batch::run::run(engine, prepared, opts, &mut printer, &mut on_done)?;
            stdout.flush()?;
            f
        }
    };
    bar.finish_and_clear();
    Ok(failures)
}

/// Lists the queries that failed while running, as FILE:LINE.
fn report_failures(queries: &Path, failures: &[Failure]) {
    for f in failures {
        eprintln!(
            "talash: error: {}:{}: query {:?}: {}",
            queries.display(),
            f.line,
            f.qid,
            f.message
        );
    }
}
