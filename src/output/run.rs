//! Writing a batch run (`talash batch`): TREC lines for trec_eval and `talash eval`, or JSON
//! lines. The batch room ranks; this printer turns its results into bytes.

use std::io::Write;

use anyhow::{Result, anyhow};
use serde::Serialize;

use crate::batch::run::{Prepared, RunHit, Sink};
use crate::search::Hit;

/// What a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// `qid Q0 docid rank score tag`, for trec_eval and `talash eval`.
    Trec,
    /// The `search --json` fields plus `qid`, one hit a line.
    Jsonl,
}

/// Writes each query's results as they arrive (in query-file order).
pub struct RunPrinter<'a> {
    out: &'a mut dyn Write,
    format: OutputFormat,
    run_tag: String,
}

impl<'a> RunPrinter<'a> {
    pub fn new(out: &'a mut dyn Write, format: OutputFormat, run_tag: &str) -> RunPrinter<'a> {
        RunPrinter {
            out,
            format,
            run_tag: run_tag.to_string(),
        }
    }
}

/// A hit of the JSONL output: the search fields plus the query id.
#[derive(Serialize)]
struct QidHit<'a> {
    qid: &'a str,
    #[serde(flatten)]
    hit: &'a Hit,
}

impl Sink for RunPrinter<'_> {
    fn wants_passages(&self) -> bool {
        self.format == OutputFormat::Jsonl
    }

    fn results(&mut self, query: &Prepared, hits: &[RunHit]) -> Result<()> {
        // One write per query, so a query's lines are never split by a failed write.
        let mut buf = Vec::new();
        match self.format {
            OutputFormat::Trec => trec(&mut buf, &query.qid, hits, &self.run_tag)?,
            OutputFormat::Jsonl => jsonl(&mut buf, &query.qid, hits)?,
        }
        self.out.write_all(&buf)?;
        Ok(())
    }
}

fn trec(buf: &mut Vec<u8>, qid: &str, hits: &[RunHit], tag: &str) -> Result<()> {
    for (i, r) in hits.iter().enumerate() {
        // f32's Display is the shortest text that reads back as the same number, so distinct
        // scores stay distinct for trec_eval.
        writeln!(buf, "{qid} Q0 {} {} {} {tag}", r.docid, i + 1, r.score)?;
    }
    Ok(())
}

fn jsonl(buf: &mut Vec<u8>, qid: &str, hits: &[RunHit]) -> Result<()> {
    for r in hits {
        let hit = r
            .passage
            .as_ref()
            .ok_or_else(|| anyhow!("query {qid:?}: a JSON lines run needs its passages read"))?;
        serde_json::to_writer(&mut *buf, &QidHit { qid, hit })?;
        buf.push(b'\n');
    }
    Ok(())
}
