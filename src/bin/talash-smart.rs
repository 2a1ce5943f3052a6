//! `talash-smart`: converts a SMART-format test collection (Cranfield, CISI, MEDLINE, ...) into
//! a JSONL collection for `talash-index`, a TSV query file for `talash batch`, and TREC qrels
//! for `talash eval`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use talash::cli::run;
use talash::error::usage;
use talash::smart::{self, QrelsColumns, QueryIds};

/// Convert a SMART test collection to docs.jsonl, queries.tsv and qrels.txt.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = "Examples:\n  talash-smart --docs cran.all.1400 --queries cran.qry --qrels cranqrel --out cran/ --binary\n  talash-smart --docs CISI.ALL --queries CISI.QRY --qrels CISI.REL --qrels-columns 'q d _ _' --out cisi/\n  talash-smart --docs MED.ALL --queries MED.QRY --qrels MED.REL --qrels-columns 'q _ d r' --out med/"
)]
struct Args {
    /// The documents (`.I` records with `.T`, `.A`, `.W`, ...).
    #[arg(long, value_name = "FILE")]
    docs: PathBuf,
    /// The queries (`.I` records with `.W`).
    #[arg(long, value_name = "FILE")]
    queries: PathBuf,
    /// The judgments.
    #[arg(long, value_name = "FILE")]
    qrels: PathBuf,
    /// Output folder for docs.jsonl, queries.tsv and qrels.txt.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// How the judgments number queries: by file order (Cranfield) or by `.I`.
    #[arg(long, value_enum, default_value_t = QueryIds::Order)]
    query_ids: QueryIds,
    /// The judgment columns: q query, d document, r relevance, _ ignored.
    #[arg(long, default_value = "q d r", value_name = "PATTERN")]
    qrels_columns: String,
    /// Write relevance as 1 (grade > 0) or 0 (the rest).
    #[arg(long)]
    binary: bool,
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn main() -> ExitCode {
    run("talash-smart", || {
        let args = Args::parse();
        let columns: QrelsColumns = args.qrels_columns.parse().map_err(usage)?;
        let docs = smart::parse_records(&read(&args.docs)?, &args.docs)?;
        let queries = smart::parse_records(&read(&args.queries)?, &args.queries)?;
        let tsv = smart::queries_tsv(&queries, args.query_ids, &args.queries)?;
        let known_queries: HashSet<String> = tsv
            .lines()
            .filter_map(|l| l.split('\t').next())
            .map(str::to_string)
            .collect();
        let known_docs: HashSet<String> = docs.iter().map(|d| d.id.clone()).collect();
        let qrels = smart::qrels_trec(
            &read(&args.qrels)?,
            &args.qrels,
            &columns,
            args.binary,
            &known_queries,
            &known_docs,
        )?;
        std::fs::create_dir_all(&args.out)
            .with_context(|| format!("cannot create {}", args.out.display()))?;
        for (name, text) in [
            ("docs.jsonl", &smart::docs_jsonl(&docs)),
            ("queries.tsv", &tsv),
            ("qrels.txt", &qrels),
        ] {
            let path = args.out.join(name);
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        let judgments = qrels.lines().count();
        eprintln!(
            "{} documents, {} queries, {judgments} judgments written to {}",
            docs.len(),
            queries.len(),
            args.out.display()
        );
        Ok(ExitCode::SUCCESS)
    })
}
