//! `talash export`: the index's passages, written for the engine to move to.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::output::export::{self, ExportOptions, write_summary};
use crate::search::Engine;

pub const HELP: &str = "Writes every passage of the index, with an index definition, for the
engine to move to when one machine is not enough (docs/SCALE-OUT.md): OpenSearch (index.json,
bulk-NNNNN.ndjson for the Bulk API) or Quickwit (index-config.yaml, docs-NNNNN.ndjson for
`quickwit tool local-ingest`). Or every article as JSONL (articles-NNNNN.jsonl, or standard
output for `-`): one object a line with id, title, url, date, outlet, author, lang, kind,
groups and text (its passages in reading order, blank lines between), which talash-index reads
back as a collection (`--jsonl-passages paragraph` gives the same passages). The folder must
be new or empty; data files are cut into parts of at most --part-mb; memory stays flat however
big the index.

Examples:
  talash export --to jsonl - > articles.jsonl
  talash export --format jsonl export-jsonl
  talash export --to opensearch export-opensearch
  talash export --to quickwit export-quickwit --name news --part-mb 100";

value_enum! {
    /// The engine to export for.
    pub enum Target => export::Target {
        /// OpenSearch (or Elasticsearch): index body and Bulk API NDJSON.
        Opensearch,
        /// Quickwit: index config YAML and NDJSON for local-ingest.
        Quickwit,
        /// One article a line, readable by talash-index.
        Jsonl,
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to write (new or empty); `-` for standard output (JSONL only).
    dir: PathBuf,
    /// The engine (or format) to export for.
    #[arg(long, value_enum, visible_alias = "format")]
    to: Target,
    /// Index name (OpenSearch) or index id (Quickwit) written into the files.
    #[arg(long, default_value = "talash")]
    name: String,
    /// Largest data file, in MB (OpenSearch takes bulk bodies up to 100 MB by default).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    part_mb: u64,
}

pub fn run(engine: &Engine, args: Args, out: &mut dyn Write) -> Result<ExitCode> {
    let target: export::Target = args.to.into();
    if args.dir.as_os_str() == "-" {
        if target != export::Target::Jsonl {
            return Err(crate::error::usage(
                "`-` (standard output) is for --to jsonl only; give a folder for OpenSearch and Quickwit".to_string(),
            ));
        }
        export::export_jsonl_to(engine, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let opts = ExportOptions {
        dir: args.dir,
        name: args.name,
        part_bytes: args.part_mb * 1_000_000,
    };
    let summary = export::export(engine, target, &opts)?;
    write_summary(out, target, &summary)?;
    Ok(ExitCode::SUCCESS)
}
