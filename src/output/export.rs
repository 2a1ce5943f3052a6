//! `talash export --to opensearch|quickwit|jsonl`: every passage of an index, written for
//! another engine (or, as JSONL, every article for any program), streaming (one passage or
//! article in memory at a time) into parts of bounded size.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::output::parts::{Parts, prepare_dir};
use crate::output::{jsonl, opensearch, quickwit};
use crate::search::Engine;

/// The engine an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An index body (`index.json`) and Bulk API NDJSON parts (`bulk-NNNNN.ndjson`).
    Opensearch,
    /// An index config (`index-config.yaml`) and NDJSON parts (`docs-NNNNN.ndjson`) for
    /// `quickwit tool local-ingest`.
    Quickwit,
    /// One article a line (`articles-NNNNN.jsonl`, or standard output), readable by
    /// `talash-index` as a JSONL collection.
    Jsonl,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Target::Opensearch => "OpenSearch",
            Target::Quickwit => "Quickwit",
            Target::Jsonl => "JSONL",
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

/// Writes every article of `engine`'s index as a JSONL line to `out` (standard output).
pub fn export_jsonl_to(engine: &Engine, out: &mut dyn Write) -> Result<ExportSummary> {
    let mut lines = jsonl::ArticleLines::default();
    let passages = engine.for_each_passage(&mut |p| {
        if let Some(line) = lines.push(p)? {
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    })?;
    if let Some(line) = lines.finish() {
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    Ok(ExportSummary {
        passages,
        articles: Some(lines.articles),
        files: Vec::new(),
    })
}

/// Writes the export of `engine`'s index into `opts.dir` (new or empty).
pub fn export(engine: &Engine, target: Target, opts: &ExportOptions) -> Result<ExportSummary> {
    prepare_dir(&opts.dir)?;
    if target == Target::Jsonl {
        let mut parts = Parts::new(&opts.dir, "articles", "jsonl", opts.part_bytes);
        let mut lines = jsonl::ArticleLines::default();
        let passages = engine.for_each_passage(&mut |p| match lines.push(p)? {
            Some(line) => parts.write(&line),
            None => Ok(()),
        })?;
        if let Some(line) = lines.finish() {
            parts.write(&line)?;
        }
        return Ok(ExportSummary {
            passages,
            articles: Some(lines.articles),
            files: parts.finish()?,
        });
    }
    let prefix = match target {
        Target::Opensearch => "bulk",
        Target::Quickwit | Target::Jsonl => "docs",
    };
    let mut parts = Parts::new(&opts.dir, prefix, "ndjson", opts.part_bytes);
    let mut undated = 0u64;
    let passages = engine.for_each_passage(&mut |p| {
        if p.date.is_none() {
            undated += 1;
        }
        let record = match target {
            Target::Opensearch => opensearch::bulk_lines(&opts.name, &p),
            Target::Quickwit | Target::Jsonl => quickwit::document_line(&p),
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
        Target::Quickwit | Target::Jsonl => (
            opts.dir.join("index-config.yaml"),
            quickwit::index_config(&opts.name, undated == 0),
        ),
    };
    std::fs::write(&config_path, &config)
        .with_context(|| format!("cannot write {}", config_path.display()))?;
    let mut files = vec![(config_path, config.len() as u64)];
    files.extend(parts.finish()?);
    Ok(ExportSummary {
        passages,
        articles: None,
        files,
    })
}

/// What an export wrote, for the summary line.
pub struct ExportSummary {
    pub passages: u64,
    /// Articles written (the JSONL export).
    pub articles: Option<u64>,
    pub files: Vec<(PathBuf, u64)>,
}

/// One summary line: passages, parts, bytes.
pub fn write_summary(out: &mut dyn Write, target: Target, s: &ExportSummary) -> Result<()> {
    let bytes: u64 = s.files.iter().map(|(_, b)| b).sum();
    let what = match s.articles {
        Some(a) => format!(
            "{} ({})",
            crate::output::count(a, "article"),
            crate::output::count(s.passages, "passage")
        ),
        None => crate::output::count(s.passages, "passage"),
    };
    writeln!(
        out,
        "exported {what} for {}: {}, {}",
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
