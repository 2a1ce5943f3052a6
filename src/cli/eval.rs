//! `talash eval`: score a TREC run against relevance judgments, as trec_eval does. It needs no
//! index.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::error::usage;
use crate::eval::{Evaluation, Metric, shorten};
use crate::output::count;

pub const HELP: &str = "QRELS lines: `qid iter docid relevance` (trec_eval's format); RUN lines:
`qid Q0 docid rank score tag`. A document is relevant when its relevance is above 0; nDCG uses
the relevance values as gains; unjudged documents are not relevant. Queries in the run but not
in the judgments are ignored, and judged queries missing from the run are left out of the
average, as trec_eval does without -c (with --complete they count as finding nothing).

Metrics: map, ndcg, ndcg_cut_K, P_K, recall_K, recip_rank, Rprec, bpref (K a cut-off, e.g. ndcg_cut_10).

Examples (examples/qrels.txt judges the shipped corpus's articles; make run.txt with
`talash batch examples/topics.tsv --docid article --output run.txt`):
  talash eval examples/qrels.txt run.txt
  talash eval examples/qrels.txt run.txt --metrics map,P_5 --per-query";

#[derive(clap::Args, Debug)]
pub struct Args {
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

pub fn run(args: Args) -> Result<ExitCode> {
    let metrics = args
        .metrics
        .iter()
        .map(|m| m.parse::<Metric>().map_err(usage))
        .collect::<Result<Vec<_>>>()?;
    let qrels = crate::eval::read_qrels(&args.qrels)?;
    let run = crate::eval::read_run(&args.run)?;
    let result = crate::eval::evaluate(&qrels, &run, &metrics, args.complete);
    notes(&result, args.complete);
    let mut out = std::io::stdout().lock();
    crate::output::eval::write_evaluation(&mut out, &result, &metrics, args.per_query)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr which queries the averages leave out, as trec_eval users would expect.
fn notes(result: &Evaluation, complete: bool) {
    if !result.unjudged_queries.is_empty() {
        let n = result.unjudged_queries.len();
        let (have, are) = if n == 1 {
            ("has", "is")
        } else {
            ("have", "are")
        };
        eprintln!(
            "talash: note: {} {have} no judgments and {are} ignored: {}",
            count(n, "run query"),
            shorten(&result.unjudged_queries)
        );
    }
    if !result.missing_queries.is_empty() && !complete {
        let n = result.missing_queries.len();
        let are = if n == 1 { "is" } else { "are" };
        eprintln!(
            "talash: note: {} {are} not in the run and {are} left out of the averages (as trec_eval without -c): {}",
            count(n, "judged query"),
            shorten(&result.missing_queries)
        );
    }
}
