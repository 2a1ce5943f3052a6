//! `talash export --to opensearch|quickwit`: every passage of an index, written for another
//! engine, streaming (one passage in memory at a time) into parts of bounded size.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::output::parts::{Parts, prepare_dir};
use crate::output::{opensearch, quickwit};
use crate::search::Engine;

/// The engine an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An index body (`index.json`) and Bulk API NDJSON parts (`bulk-NNNNN.ndjson`).
    Opensearch,
    /// An index config (`index-config.yaml`) and NDJSON parts (`docs-NNNNN.ndjson`) for
    /// `quickwit tool local-ingest`.
    Quickwit,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Target::Opensearch => "OpenSearch",
            Target::Quickwit => "Quickwit",
        }
    }
}

/// Where and how to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub dir: PathBuf,
    /// The index name (OpenSearch) or index id (Quickwit) the files name.
    pub name: String,
    /// Largest data part, in bytes.
    pub part_bytes: u64,
}

/// Passages per OpenSearch shard: shards of a few tens of GB, as OpenSearch advises; a
/// passage takes about 1 KB there with its `_source`.
const PASSAGES_PER_SHARD: u64 = 20_000_000;

/// Writes the export of `engine`'s index into `opts.dir` (new or empty).
pub fn export(engine: &Engine, target: Target, opts: &ExportOptions) -> Result<ExportSummary> {
    prepare_dir(&opts.dir)?;
    let prefix = match target {
        Target::Opensearch => "bulk",
        Target::Quickwit => "docs",
    };
    let mut parts = Parts::new(&opts.dir, prefix, "ndjson", opts.part_bytes);
    let mut undated = 0u64;
    let passages = engine.for_each_passage(&mut |p| {
        if p.date.is_none() {
            undated += 1;
        }
        let record = match target {
            Target::Opensearch => opensearch::bulk_lines(&opts.name, &p),
            Target::Quickwit => quickwit::document_line(&p),
        };
        parts.write(&record)
    })?;
    // The definition is written last: Quickwit's depends on whether any passage is undated.
    let (config_path, config) = match target {
        Target::Opensearch => {
            let passages = engine.searcher().num_docs();
            let shards = passages.div_ceil(PASSAGES_PER_SHARD).max(1) as u32;
            let body = opensearch::index_body(&engine.open.config.gazetteer, shards);
            let text = serde_json::to_string_pretty(&body)? + "\n";
            (opts.dir.join("index.json"), text)
        }
        Target::Quickwit => (
            opts.dir.join("index-config.yaml"),
            quickwit::index_config(&opts.name, undated == 0),
        ),
    };
    std::fs::write(&config_path, &config)
        .with_context(|| format!("cannot write {}", config_path.display()))?;
    let mut files = vec![(config_path, config.len() as u64)];
    files.extend(parts.finish()?);
    Ok(ExportSummary { passages, files })
}

/// What an export wrote, for the summary line.
pub struct ExportSummary {
    pub passages: u64,
    pub files: Vec<(PathBuf, u64)>,
}

/// One summary line: passages, parts, bytes.
pub fn write_summary(out: &mut dyn Write, target: Target, s: &ExportSummary) -> Result<()> {
    let bytes: u64 = s.files.iter().map(|(_, b)| b).sum();
    writeln!(
        out,
        "exported {} for {}: {}, {}",
        crate::output::count(s.passages, "passage"),
        target.label(),
        crate::output::count(s.files.len() as u64, "file"),
        crate::output::human_bytes(bytes)
    )?;
    for (path, size) in &s.files {
        writeln!(
            out,
            "  {} ({})",
            path.display(),
            crate::output::human_bytes(*size)
        )?;
    }
    Ok(())
}
