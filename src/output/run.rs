//! Writing a batch run (`talash batch`): TREC lines for trec_eval and `talash eval`, or JSON
//! lines. The batch room ranks; this printer turns its results into bytes.

use std::io::Write;

use anyhow::{Result, anyhow};
use serde::Serialize;

use crate::batch::run::{Prepared, RunHit, Sink};
use crate::search::Hit;

/// What a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::run::prepare;
    use crate::search::FilterArgs;

    fn query() -> Prepared {
        let e = crate::fuzzing::tiny_engine().unwrap();
        let path = std::path::Path::new("q.txt");
        let file = crate::batch::parse_queries(
            "Quetta\n",
            path,
            crate::batch::InputFormat::Text,
            &Default::default(),
        );
        let (mut ready, _) = prepare(
            &e,
            path,
            file.queries,
            &FilterArgs::default(),
            5,
            crate::batch::run::QueryOptions::default(),
        );
        ready.remove(0)
    }

    fn hits(passage: Option<Hit>) -> Vec<RunHit> {
        vec![
            RunHit {
                docid: "c#1".into(),
                score: 2.5,
                passage: passage.clone(),
            },
            RunHit {
                docid: "a#1".into(),
                score: 0.123_456_79,
                passage,
            },
        ]
    }

    fn printed(format: OutputFormat, hits: &[RunHit]) -> Result<String> {
        let mut out = Vec::new();
        let mut p = RunPrinter::new(&mut out, format, "tag");
        p.results(&query(), hits)?;
        Ok(String::from_utf8(out)?)
    }

    #[test]
    fn trec_lines_number_ranks_and_keep_scores_exact() {
        let q = query();
        let text = printed(OutputFormat::Trec, &hits(None)).unwrap();
        let want = format!("{0} Q0 c#1 1 2.5 tag\n{0} Q0 a#1 2 0.12345679 tag\n", q.qid);
        assert_eq!(text, want);
    }

    #[test]
    fn json_lines_are_the_hit_fields_after_the_qid() {
        let e = crate::fuzzing::tiny_engine().unwrap();
        let searcher = e.searcher();
        let snippets = e.snippet_generator(&tantivy::query::AllQuery).unwrap();
        let addr = tantivy::DocAddress::new(0, 2);
        let hit = e.hit(&searcher, &snippets, 1, 2.5, addr).unwrap();
        let text = printed(OutputFormat::Jsonl, &hits(Some(hit))).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("{\"qid\":"), "{}", lines[0]);
        assert!(lines[0].contains("\"passage_id\":\"c#1\""), "{}", lines[0]);
        let err = printed(OutputFormat::Jsonl, &hits(None)).unwrap_err();
        assert!(err.to_string().contains("needs its passages read"), "{err}");
        assert!(RunPrinter::new(&mut Vec::new(), OutputFormat::Jsonl, "t").wants_passages());
    }
}
