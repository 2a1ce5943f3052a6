//! `talash-smart`: converts a SMART-format test collection (Cranfield, CISI, MEDLINE, ...) into
//! a JSONL collection for `talash-index`, a TSV query file for `talash batch`, and TREC qrels
//! for `talash eval`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::error::usage;
use crate::smart::{self, QrelsColumns, Record};

value_enum! {
    /// How queries are numbered in the judgments.
    pub enum QueryIds => smart::QueryIds {
        /// 1, 2, 3, ... in file order (Cranfield; also right for CISI and MEDLINE).
        Order,
        /// The `.I` numbers, as written.
        Field,
    }
}

/// Convert a SMART test collection to docs.jsonl, queries.tsv and qrels.txt.
#[derive(clap::Parser, Debug)]
#[command(
    version,
    after_help = "Examples:\n  talash-smart --docs cran.all.1400 --queries cran.qry --qrels cranqrel --out cran/ --binary\n  talash-smart --docs CISI.ALL --queries CISI.QRY --qrels CISI.REL --qrels-columns 'q d _ _' --out cisi/\n  talash-smart --docs MED.ALL --queries MED.QRY --qrels MED.REL --qrels-columns 'q _ d r' --out med/"
)]
pub struct Args {
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

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Converts the three files and writes the three outputs; the qrels are checked against the
/// queries and documents actually read, so misread ids (see `--query-ids`) fail instead of writing
/// judgments of nothing.
pub fn run(args: Args) -> Result<ExitCode> {
    let columns: QrelsColumns = args.qrels_columns.parse().map_err(usage)?;
    let docs = smart::parse_records(&read(&args.docs)?, &args.docs)?;
    let queries = smart::parse_records(&read(&args.queries)?, &args.queries)?;
    let tsv = smart::queries_tsv(&queries, args.query_ids.into(), &args.queries)?;
    let qrels = qrels(&args, &columns, &tsv, &docs)?;
    write_outputs(&args.out, &smart::docs_jsonl(&docs), &tsv, &qrels)?;
    let judgments = qrels.lines().count();
    eprintln!(
        "{}, {}, {} written to {}",
        crate::output::count(docs.len(), "document"),
        crate::output::count(queries.len(), "query"),
        crate::output::count(judgments, "judgment"),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The judgments in TREC form, for the query ids of `tsv` and the ids of `docs` only.
fn qrels(args: &Args, columns: &QrelsColumns, tsv: &str, docs: &[Record]) -> Result<String> {
    let known_queries: HashSet<String> = tsv
        .lines()
        .filter_map(|l| l.split('\t').next())
        .map(str::to_string)
        .collect();
    let known_docs: HashSet<String> = docs.iter().map(|d| d.id.clone()).collect();
    Ok(smart::qrels_trec(
        &read(&args.qrels)?,
        &args.qrels,
        columns,
        args.binary,
        &known_queries,
        &known_docs,
    )?)
}

fn write_outputs(out: &Path, docs: &str, tsv: &str, qrels: &str) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (name, text) in [
        ("docs.jsonl", docs),
        ("queries.tsv", tsv),
        ("qrels.txt", qrels),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
